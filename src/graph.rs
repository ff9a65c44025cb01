//! `orgc audit graph`: the org as a picture — accounts grouped by OU, network
//! reachability between accounts, and who has which level of access to which account.
//! Mermaid (rendered by GitHub in pull-request comments) and DOT (rendered by
//! Graphviz). Pure: the CLI prints the text.

use crate::access::{AccessReport, principal_name};
use crate::model::{AccountIdx, Model, PrincipalName};
use crate::network::analysis::Analysis;
use crate::network::audit::{Pairs, Query};
use crate::network::routing::Status;
use crate::spec::AccessLevel;
use std::collections::{BTreeMap, BTreeSet};

/// Which edges to draw.
#[derive(Debug, Clone, Default)]
pub struct GraphFilter {
    /// Only edges that touch this account.
    pub account: Option<String>,
    /// Only this principal's access edges.
    pub principal: Option<String>,
    pub network: bool,
    pub access: bool,
}

/// What the picture shows, independent of the drawing language.
pub struct Graph {
    /// OU tree: (ou index, parent) and accounts per OU (`None` = root).
    ous: Vec<(usize, String, Option<usize>)>,
    accounts: Vec<(AccountIdx, String, String, Option<usize>)>,
    principals: Vec<String>,
    /// (from account, to account, forward, return), one per unordered pair.
    network: Vec<(AccountIdx, AccountIdx, Status, Status)>,
    /// (principal index, account, highest level).
    access: Vec<(usize, AccountIdx, AccessLevel)>,
}

pub fn build(model: &Model, access: &AccessReport, network: &Analysis, f: &GraphFilter) -> Graph {
    let only = f
        .account
        .as_ref()
        .and_then(|a| model.accounts.iter().position(|x| &x.name == a));
    let touches = |a: AccountIdx, b: AccountIdx| only.is_none_or(|o| o == a || o == b);

    let mut net = Vec::new();
    if f.network {
        // The network audit's pairs: every ordered pair of accounts that reach each
        // other one way or the other, each drawn once (from the lower index).
        let pairs = Pairs::new(model, network, Query::file());
        for a in pairs.sources() {
            let _ = pairs.from(a, |p| {
                if p.to > a && touches(a, p.to) {
                    net.push((a, p.to, p.forward, p.ret));
                }
                Ok::<(), std::convert::Infallible>(())
            });
        }
    }

    // Access edges: the highest level of each (principal, account). Role principals
    // are drawn only when asked for by name: every role has access to its own
    // account, and drawing that for all of them hides the people.
    let mut highest: BTreeMap<(String, AccountIdx), AccessLevel> = BTreeMap::new();
    if f.access {
        for r in &access.rows {
            let name = principal_name(model, &r.principal);
            let wanted = match &f.principal {
                Some(p) => &name == p,
                None => !matches!(r.principal, PrincipalName::Role { .. }),
            };
            if wanted && only.is_none_or(|o| o == r.account) {
                let e = highest.entry((name, r.account)).or_insert(r.level);
                *e = (*e).max(r.level);
            }
        }
    }
    let principals: Vec<String> = highest
        .keys()
        .map(|(p, _)| p.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let access_edges: Vec<(usize, AccountIdx, AccessLevel)> = highest
        .into_iter()
        .filter_map(|((p, a), l)| principals.binary_search(&p).ok().map(|i| (i, a, l)))
        .collect();

    // With a filter, draw only the accounts that have an edge (and the filtered one).
    let mut shown: BTreeSet<AccountIdx> = BTreeSet::new();
    if only.is_some() || f.principal.is_some() {
        shown.extend(only);
        for (a, b, _, _) in &net {
            shown.insert(*a);
            shown.insert(*b);
        }
        for (_, a, _) in &access_edges {
            shown.insert(*a);
        }
    } else {
        shown.extend(0..model.accounts.len());
    }
    Graph {
        ous: model
            .ous
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o.name.clone(), o.parent))
            .collect(),
        accounts: shown
            .into_iter()
            .filter_map(|a| {
                model
                    .accounts
                    .get(a)
                    .map(|x| (a, x.name.clone(), x.id.clone(), x.ou))
            })
            .collect(),
        principals,
        network: net,
        access: access_edges,
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Full => "full",
        Status::Partial => "partial",
        Status::None => "none",
    }
}

fn network_label(fwd: Status, ret: Status) -> String {
    if fwd == ret {
        status(fwd).to_string()
    } else {
        format!("{} / {} back", status(fwd), status(ret))
    }
}

/// OU (or the root, `None`) → its child OUs, and → the indices of its shown accounts.
type OuTree = (
    BTreeMap<Option<usize>, Vec<usize>>,
    BTreeMap<Option<usize>, Vec<usize>>,
);

impl Graph {
    /// OUs that contain a shown account, directly or below, with their children.
    fn ou_tree(&self) -> OuTree {
        let mut used: BTreeSet<usize> = BTreeSet::new();
        for (_, _, _, ou) in &self.accounts {
            let mut cur = *ou;
            let mut steps = 0;
            while let Some(o) = cur {
                if !used.insert(o) || steps > self.ous.len() {
                    break;
                }
                cur = self.ous.get(o).and_then(|x| x.2);
                steps += 1;
            }
        }
        let mut children: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
        for (i, _, parent) in &self.ous {
            if used.contains(i) {
                children.entry(*parent).or_default().push(*i);
            }
        }
        let mut members: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
        for (n, (_, _, _, ou)) in self.accounts.iter().enumerate() {
            members.entry(*ou).or_default().push(n);
        }
        (children, members)
    }

    /// Mermaid `flowchart`: OUs as nested subgraphs, network edges dotted with their
    /// status, access edges solid with the level.
    pub fn mermaid(&self) -> String {
        let tree = self.ou_tree();
        let mut out = String::from("flowchart LR\n");
        self.ou_lines(None, &tree, 1, &MERMAID_OUS, &mut out);
        for (i, p) in self.principals.iter().enumerate() {
            out.push_str(&format!("  p{i}([\"{}\"])\n", mermaid_text(p)));
        }
        for (a, b, fwd, ret) in &self.network {
            let arrow = if *ret != Status::None && *fwd != Status::None {
                "<-."
            } else {
                "-."
            };
            let (from, to) = if *fwd == Status::None { (b, a) } else { (a, b) };
            out.push_str(&format!(
                "  a{from} {arrow} \"{}\" .-> a{to}\n",
                network_label(*fwd, *ret)
            ));
        }
        for (p, a, level) in &self.access {
            out.push_str(&format!("  p{p} -- \"{}\" --> a{a}\n", level.as_str()));
        }
        out
    }

    /// Graphviz DOT: OUs as nested clusters, network edges dashed, access edges solid.
    pub fn dot(&self) -> String {
        let tree = self.ou_tree();
        let mut out = String::from(
            "digraph org {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        );
        self.ou_lines(None, &tree, 1, &DOT_OUS, &mut out);
        for (i, p) in self.principals.iter().enumerate() {
            out.push_str(&format!("  p{i} [label={}, shape=ellipse];\n", dot_text(p)));
        }
        for (a, b, fwd, ret) in &self.network {
            let dir = if *fwd != Status::None && *ret != Status::None {
                "both"
            } else {
                "forward"
            };
            let (from, to) = if *fwd == Status::None { (b, a) } else { (a, b) };
            out.push_str(&format!(
                "  a{from} -> a{to} [style=dashed, dir={dir}, label={}];\n",
                dot_text(&network_label(*fwd, *ret))
            ));
        }
        for (p, a, level) in &self.access {
            out.push_str(&format!(
                "  p{p} -> a{a} [label={}];\n",
                dot_text(level.as_str())
            ));
        }
        out.push_str("}\n");
        out
    }

    /// The accounts of `ou` and, nested inside, its child OUs with theirs: the
    /// syntax's lines for an account, and for opening and closing an OU.
    fn ou_lines(
        &self,
        ou: Option<usize>,
        tree: &OuTree,
        depth: usize,
        syntax: &OuSyntax,
        out: &mut String,
    ) {
        let pad = "  ".repeat(depth);
        for n in tree.1.get(&ou).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some((a, name, id, _)) = self.accounts.get(*n) {
                out.push_str(&(syntax.account)(&pad, *a, name, id));
            }
        }
        for child in tree.0.get(&ou).map(Vec::as_slice).unwrap_or(&[]) {
            let name = self.ous.get(*child).map_or("", |o| o.1.as_str());
            out.push_str(&(syntax.open)(&pad, *child, name));
            self.ou_lines(Some(*child), tree, depth + 1, syntax, out);
            out.push_str(&(syntax.close)(&pad));
        }
    }
}

/// How a graph language writes an account (pad, index, name, id) and an OU around
/// its members (pad, index, name; then the closing line).
struct OuSyntax {
    account: fn(&str, usize, &str, &str) -> String,
    open: fn(&str, usize, &str) -> String,
    close: fn(&str) -> String,
}

const MERMAID_OUS: OuSyntax = OuSyntax {
    account: |pad, a, name, id| format!("{pad}a{a}[\"{}<br/>{id}\"]\n", mermaid_text(name)),
    open: |pad, ou, name| format!("{pad}subgraph ou{ou}[\"OU {}\"]\n", mermaid_text(name)),
    close: |pad| format!("{pad}end\n"),
};

const DOT_OUS: OuSyntax = OuSyntax {
    account: |pad, a, name, id| {
        format!(
            "{pad}a{a} [label={}];\n",
            dot_text(&format!("{name}\n{id}"))
        )
    },
    open: |pad, ou, name| {
        format!(
            "{pad}subgraph cluster_ou{ou} {{\n{pad}  label={};\n",
            dot_text(&format!("OU {name}"))
        )
    },
    close: |pad| format!("{pad}}}\n"),
};

/// Mermaid labels are quoted; a quote inside is written as an entity.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// A DOT string literal.
fn dot_text(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(dot_text("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(mermaid_text("x\"y"), "x#quot;y");
    }
}
