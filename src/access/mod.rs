//! Who can access which account, at which level, by which path: the access graph of
//! the compiled org (assignments and role assumptions), the level of every identity
//! from its real policy documents, and the `deny_access` guardrail. No I/O.
//!
//! A principal's rows are every (account, level) it reaches, each with the shortest
//! chain of permission sets and roles that explains it. A path that relies on a
//! customer-managed policy orgc cannot see is marked `unverified`.

mod graph;
mod guardrail;
mod holders;
pub mod report;

pub use guardrail::check_deny_access;
pub use holders::{LevelCache, PolicyFacts};

use crate::compile::DesiredState;
use crate::diagnostic::Diagnostics;
use crate::model::{Model, PrincipalName};
use crate::spec::AccessLevel;
use graph::{Graph, Node};
use holders::Decided;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// One line of the access audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub principal: PrincipalName,
    pub account: usize,
    pub level: AccessLevel,
    /// The identities the principal passes through, first to last.
    pub via: Vec<Node>,
    pub unverified: bool,
    /// The actions or policy that decided the level of the last identity.
    pub because: Arc<[String]>,
}

/// Everything the audit found.
pub struct AccessReport {
    /// Every row, or with [`Rows::Forbidden`] only those a guardrail forbids.
    pub rows: Vec<Access>,
}

/// Which rows the audit keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    All,
    /// Only rows some `deny_access` guardrail forbids: all that checking the
    /// guardrails needs, and the rows of a large org run to hundreds of thousands.
    Forbidden,
}

/// Analyse access in a compiled org. Warnings (unclassified policies) go to `diags`.
pub fn analyse(
    model: &Model,
    desired: &DesiredState,
    keep: Rows,
    diags: &mut Diagnostics,
) -> AccessReport {
    let forbidden = guardrail::Forbidden::new(model);
    let keep = |principal: &PrincipalName, account: usize, level: AccessLevel| {
        keep == Rows::All || forbidden.any(principal, account, level)
    };
    let mut cache = LevelCache::default();
    let holdings = holders::collect(model, desired, &mut cache);
    let graph = Graph::build(model, &holdings);
    let mut unclassified = Vec::new();
    // A permission set holds the same policies in every account it is assigned to:
    // its level is computed once, not once per (set, account) node.
    let mut set_levels: Vec<Option<Decided>> = vec![None; model.permission_sets.len()];
    let levels: Vec<Decided> = graph
        .nodes
        .iter()
        .map(|n| {
            let mut level = || {
                graph::holder(&holdings, Some(*n))
                    .map(|h| h.level(model, &mut cache, &mut unclassified))
                    .unwrap_or(Decided {
                        level: AccessLevel::Read,
                        because: Arc::new([]),
                    })
            };
            match *n {
                Node::PermissionSet { permission_set, .. } => {
                    match set_levels.get_mut(permission_set) {
                        Some(slot) => slot.get_or_insert_with(level).clone(),
                        None => level(),
                    }
                }
                Node::Role { .. } => level(),
            }
        })
        .collect();
    diags.extend(holders::unclassified_warnings(unclassified));

    // Sources, then every org role instance as a principal of its own (guardrails
    // and auditors name them as `role:<name>@<account>`).
    let mut starts: Vec<(PrincipalName, Vec<graph::Edge>)> = graph
        .entries
        .iter()
        .map(|(p, e)| (p.clone(), e.clone()))
        .collect();
    for (i, n) in graph.nodes.iter().enumerate() {
        if let Node::Role { role, account } = *n {
            starts.push((
                PrincipalName::Role { role, account },
                vec![graph::Edge {
                    to: i,
                    unverified: false,
                }],
            ));
        }
    }
    // Rows are sorted by account, level (highest first) and principal name: each
    // principal's name is built and ranked once, and its rows carry the rank.
    let mut by_name: Vec<(String, usize)> = starts
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (principal_name(model, p), i))
        .collect();
    by_name.sort_unstable();
    let mut rank = vec![0; starts.len()];
    for (r, (_, i)) in by_name.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = r;
        }
    }
    let ranked: Vec<(usize, &(PrincipalName, Vec<graph::Edge>))> =
        rank.iter().copied().zip(&starts).collect();
    // Each principal's rows are independent of every other's: they are found on all
    // cores.
    let mut rows = crate::parallel::map_chunks(&ranked, PRINCIPALS_PER_CHUNK, |part| {
        let mut rows = Vec::new();
        for &(rank, (principal, start)) in part {
            principal_rows(&graph, &levels, (rank, principal), start, &keep, &mut rows);
        }
        rows
    });
    // A principal has one row per (account, level): the keys are unique.
    rows.sort_unstable_by_key(|(rank, a)| (a.account, std::cmp::Reverse(a.level), *rank));
    let rows = rows.into_iter().map(|(_, a)| a).collect();
    AccessReport { rows }
}

/// Principals whose rows one thread finds before taking the next ones: role instances
/// that assume nothing are a row each, groups may reach thousands of accounts.
const PRINCIPALS_PER_CHUNK: usize = 256;

/// The rows of one principal entering the graph at `start`: per (account, level) it
/// reaches, the first node breadth-first search finds there, with its path.
fn principal_rows(
    graph: &Graph,
    levels: &[Decided],
    (rank, principal): (usize, &PrincipalName),
    start: &[graph::Edge],
    keep: &dyn Fn(&PrincipalName, usize, AccessLevel) -> bool,
    rows: &mut Vec<(usize, Access)>,
) {
    // A role instance that may assume nothing reaches only itself: its one row needs
    // no search. Most of the tens of thousands of role instances of a large org are
    // such leaves.
    if let (PrincipalName::Role { .. }, [only]) = (principal, start)
        && graph.edges.get(only.to).is_some_and(Vec::is_empty)
    {
        if let (Some(node), Some(level)) = (graph.nodes.get(only.to), levels.get(only.to))
            && keep(principal, node.account(), level.level)
        {
            rows.push((
                rank,
                Access {
                    principal: principal.clone(),
                    account: node.account(),
                    level: level.level,
                    via: Vec::new(),
                    unverified: only.unverified,
                    because: level.because.clone(),
                },
            ));
        }
        return;
    }
    let reached = graph.reach(start);
    let pred: BTreeMap<usize, Option<usize>> = reached.iter().map(|(n, p, _)| (*n, *p)).collect();
    // Keep, per (account, level), the first node reached: breadth-first order makes
    // it one with a shortest path.
    let mut best: BTreeMap<(usize, AccessLevel), (usize, bool)> = BTreeMap::new();
    for (n, _, unverified) in &reached {
        let (Some(node), Some(level)) = (graph.nodes.get(*n), levels.get(*n)) else {
            continue;
        };
        best.entry((node.account(), level.level))
            .or_insert((*n, *unverified));
    }
    for ((account, level), (n, unverified)) in best {
        if !keep(principal, account, level) {
            continue;
        }
        let mut via = Vec::new();
        let mut cur = Some(n);
        while let Some(c) = cur {
            if let Some(node) = graph.nodes.get(c) {
                via.push(*node);
            }
            cur = pred.get(&c).copied().flatten();
            if via.len() > graph.nodes.len() {
                break;
            }
        }
        via.reverse();
        // A role's own row starts at itself; the path names only what it passes through.
        if matches!(principal, PrincipalName::Role { .. }) {
            via.remove(0);
        }
        rows.push((
            rank,
            Access {
                principal: principal.clone(),
                account,
                level,
                via,
                unverified,
                because: levels.get(n).map(|d| d.because.clone()).unwrap_or_default(),
            },
        ));
    }
}

/// `group:developers`, `role:deployer@prod`, … as the format writes principals.
pub fn principal_name(model: &Model, p: &PrincipalName) -> String {
    Principal { model, p }.to_string()
}

/// A principal's name ([`principal_name`]), written where it is wanted: the access
/// audit writes hundreds of thousands of them straight into its JSON.
pub struct Principal<'a> {
    pub model: &'a Model,
    pub p: &'a PrincipalName,
}

impl fmt::Display for Principal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let model = self.model;
        match self.p {
            PrincipalName::Group(g) => write!(
                f,
                "group:{}",
                model.groups.get(*g).map_or("?", |x| x.name.as_str())
            ),
            PrincipalName::User(u) => write!(
                f,
                "user:{}",
                model.users.get(*u).map_or("?", |x| x.name.as_str())
            ),
            PrincipalName::Role { role, account } => write!(
                f,
                "role:{}@{}",
                model.roles.get(*role).map_or("?", |x| x.name.as_str()),
                account_name(model, *account)
            ),
            PrincipalName::Account(a) => write!(f, "account:{}", account_name(model, *a)),
            PrincipalName::External(id) => write!(f, "external:{id}"),
            PrincipalName::Service(s) => write!(f, "service:{s}"),
        }
    }
}

fn account_name(model: &Model, a: usize) -> &str {
    model.accounts.get(a).map_or("?", |x| x.name.as_str())
}

/// A row's own account, as its `account` field: empty where the model lacks it.
fn row_account(model: &Model, a: usize) -> &str {
    model.accounts.get(a).map_or("", |x| x.name.as_str())
}

/// How a path step is written: `permission_set:Developer` in the row's own account,
/// with `@<account>` elsewhere; roles always with their account.
pub fn step_name(model: &Model, node: Node, row_account: usize) -> String {
    Step {
        model,
        node,
        row_account,
    }
    .to_string()
}

/// A path step ([`step_name`]), written where it is wanted.
pub struct Step<'a> {
    pub model: &'a Model,
    pub node: Node,
    pub row_account: usize,
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let model = self.model;
        match self.node {
            Node::PermissionSet {
                permission_set,
                account,
            } => {
                let name = model
                    .permission_sets
                    .get(permission_set)
                    .map_or("?", |x| x.name.as_str());
                if account == self.row_account {
                    write!(f, "permission_set:{name}")
                } else {
                    write!(f, "permission_set:{name}@{}", account_name(model, account))
                }
            }
            Node::Role { role, account } => write!(
                f,
                "role:{}@{}",
                model.roles.get(role).map_or("?", |x| x.name.as_str()),
                account_name(model, account)
            ),
        }
    }
}

/// A row with its names made, for the text and Markdown forms of the audit (the
/// JSON form is written straight from the row, [`RowJson`]).
#[derive(Debug, Clone)]
pub struct NamedAccess {
    pub principal: String,
    pub account: String,
    pub level: &'static str,
    pub via: Vec<String>,
    pub unverified: bool,
}

impl Access {
    pub fn named(&self, model: &Model) -> NamedAccess {
        NamedAccess {
            principal: principal_name(model, &self.principal),
            account: row_account(model, self.account).to_string(),
            level: self.level.as_str(),
            via: self
                .via
                .iter()
                .map(|n| step_name(model, *n, self.account))
                .collect(),
            unverified: self.unverified,
        }
    }
}

/// A row in its JSON form, as the CLI contract writes it (`audit/access.json`,
/// `audit access --format json`): `principal`, `account`, `level`, `via`,
/// `unverified` only when true, and `because`. Written straight from the row: no
/// string is made for its names and paths, and none of its reasons is copied. The
/// access audit of 5,000 accounts writes 316,000 rows (98 MB); making a row of
/// strings for each first took about a fifth of the time to make the file.
pub struct RowJson<'a> {
    pub model: &'a Model,
    pub row: &'a Access,
}

impl Serialize for RowJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (model, row) = (self.model, self.row);
        let fields = 5 + usize::from(row.unverified);
        let mut s = serializer.serialize_struct("Access", fields)?;
        s.serialize_field(
            "principal",
            &Text(Principal {
                model,
                p: &row.principal,
            }),
        )?;
        s.serialize_field("account", row_account(model, row.account))?;
        s.serialize_field("level", row.level.as_str())?;
        s.serialize_field("via", &Steps { model, row })?;
        if row.unverified {
            s.serialize_field("unverified", &true)?;
        }
        s.serialize_field("because", &*row.because)?;
        s.end()
    }
}

/// A row's path, as a list of [`Step`]s.
struct Steps<'a> {
    model: &'a Model,
    row: &'a Access,
}

impl Serialize for Steps<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.row.via.len()))?;
        for &node in &self.row.via {
            seq.serialize_element(&Text(Step {
                model: self.model,
                node,
                row_account: self.row.account,
            }))?;
        }
        seq.end()
    }
}

/// A value written as a JSON string from its `Display` form, with no `String` made.
struct Text<T>(T);

impl<T: fmt::Display> Serialize for Text<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{Access, AccessLevel, Arc, Model, Node, PrincipalName, RowJson};
    use serde_json::{Value, json};

    /// The row as JSON, written straight from it, and read back.
    fn written(model: &Model, row: &Access) -> (String, Value) {
        let text = serde_json::to_string_pretty(&RowJson { model, row }).unwrap();
        let value = serde_json::from_str(&text).unwrap();
        (text, value)
    }

    /// What the row says, from the names the text and Markdown forms show.
    fn expected(model: &Model, row: &Access) -> Value {
        let named = row.named(model);
        let mut v = json!({
            "principal": named.principal,
            "account": named.account,
            "level": named.level,
            "via": named.via,
            "because": &*row.because,
        });
        if named.unverified {
            v["unverified"] = Value::Bool(true);
        }
        v
    }

    /// Every row of the example org and of the access fixtures, written straight
    /// from the row, says what its names say. (The text itself, key order and
    /// layout, is held by the snapshots of `audit/access.json`.)
    #[test]
    fn rows_written_from_the_row_say_what_their_names_say() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut orgs = vec![root.join("org")];
        let fixtures = root.join("tests/fixtures/access");
        let mut names: Vec<_> = std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|e| e.unwrap().path().join("org"))
            .collect();
        names.sort();
        orgs.extend(names);
        let (mut rows, mut unverified, mut elsewhere, mut own) = (0, 0, 0, 0);
        for org in orgs {
            // Templates beside the org, as `orgc` reads them (none where there are none).
            let inputs = crate::load::read_inputs(&org, &org.with_file_name("policies")).unwrap();
            let checked = crate::check(inputs);
            let (Some(model), Some(report)) = (&checked.model, &checked.access) else {
                panic!("{}: no access audit", org.display());
            };
            for row in &report.rows {
                assert_eq!(
                    written(model, row).1,
                    expected(model, row),
                    "{}",
                    org.display()
                );
                rows += 1;
                unverified += usize::from(row.unverified);
                own += usize::from(row.via.is_empty());
                elsewhere += usize::from(row.via.iter().any(
                    |n| matches!(n, Node::PermissionSet { account, .. } if *account != row.account),
                ));
            }
        }
        // The rows cover each form a row's fields take.
        assert!(rows > 100 && unverified > 0 && elsewhere > 0 && own > 0);
    }

    /// Names the model lacks, and text that JSON escapes, are written so that they
    /// read back as the names; the fields come in the contract's order.
    #[test]
    fn rows_with_unknown_names_and_escaped_text_read_back_as_their_names() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let inputs = crate::load::read_inputs(&root.join("org"), &root.join("policies")).unwrap();
        let checked = crate::check(inputs);
        let model = checked.model.as_ref().unwrap();
        let row = Access {
            principal: PrincipalName::External("a\"b\\c\n\u{7}é".to_string()),
            account: usize::MAX,
            level: AccessLevel::Admin,
            via: vec![
                Node::PermissionSet {
                    permission_set: usize::MAX,
                    account: 0,
                },
                Node::Role {
                    role: usize::MAX,
                    account: usize::MAX,
                },
            ],
            unverified: true,
            because: Arc::from(vec!["x\"y".to_string(), "\t".to_string()]),
        };
        let (text, value) = written(model, &row);
        assert_eq!(value, expected(model, &row));
        assert_eq!(value["principal"], "external:a\"b\\c\n\u{7}é");
        assert_eq!(value["account"], "");
        assert_eq!(value["via"][1], "role:?@?");
        let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap();
        let order = [
            "principal",
            "account",
            "level",
            "via",
            "unverified",
            "because",
        ]
        .map(at);
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        let role = Access {
            principal: PrincipalName::Role {
                role: usize::MAX,
                account: 0,
            },
            unverified: false,
            ..row
        };
        let (text, value) = written(model, &role);
        assert_eq!(value, expected(model, &role));
        assert!(!text.contains("unverified"));
    }
}
