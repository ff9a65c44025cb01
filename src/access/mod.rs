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
    let account = |a: usize| model.accounts.get(a).map_or("?", |x| x.name.as_str());
    match p {
        PrincipalName::Group(g) => format!(
            "group:{}",
            model.groups.get(*g).map_or("?", |x| x.name.as_str())
        ),
        PrincipalName::User(u) => format!(
            "user:{}",
            model.users.get(*u).map_or("?", |x| x.name.as_str())
        ),
        PrincipalName::Role { role, account: a } => {
            format!(
                "role:{}@{}",
                model.roles.get(*role).map_or("?", |x| x.name.as_str()),
                account(*a)
            )
        }
        PrincipalName::Account(a) => format!("account:{}", account(*a)),
        PrincipalName::External(id) => format!("external:{id}"),
        PrincipalName::Service(s) => format!("service:{s}"),
    }
}

/// How a path step is written: `permission_set:Developer` in the row's own account,
/// with `@<account>` elsewhere; roles always with their account.
pub fn step_name(model: &Model, node: Node, row_account: usize) -> String {
    let account = |a: usize| model.accounts.get(a).map_or("?", |x| x.name.as_str());
    match node {
        Node::PermissionSet {
            permission_set,
            account: a,
        } => {
            let name = model
                .permission_sets
                .get(permission_set)
                .map_or("?", |x| x.name.as_str());
            if a == row_account {
                format!("permission_set:{name}")
            } else {
                format!("permission_set:{name}@{}", account(a))
            }
        }
        Node::Role { role, account: a } => format!(
            "role:{}@{}",
            model.roles.get(role).map_or("?", |x| x.name.as_str()),
            account(a)
        ),
    }
}

/// The JSON form of a row, as the CLI contract writes it.
#[derive(Debug, Clone, Serialize)]
pub struct AccessJson {
    pub principal: String,
    pub account: String,
    pub level: &'static str,
    pub via: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
    pub because: Vec<String>,
}

impl Access {
    pub fn to_json(&self, model: &Model) -> AccessJson {
        AccessJson {
            principal: principal_name(model, &self.principal),
            account: model
                .accounts
                .get(self.account)
                .map_or_else(String::new, |a| a.name.clone()),
            level: self.level.as_str(),
            via: self
                .via
                .iter()
                .map(|n| step_name(model, *n, self.account))
                .collect(),
            unverified: self.unverified,
            because: self.because.to_vec(),
        }
    }
}
