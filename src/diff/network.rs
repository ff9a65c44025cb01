//! Network paths opened and closed, from the two sides' `audit/network.json`: its
//! `pairs`, one per ordered pair `{from, to, forward, return, reachable, path}`, where
//! `forward` and `return` are `full`, `partial` or `none`. A pair missing on one
//! side counts as unreachable there.

use crate::emit::Tree;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const NETWORK_AUDIT: &str = "audit/network.json";

/// How a pair reaches, on one side.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Reach {
    pub forward: String,
    #[serde(rename = "return")]
    pub ret: String,
    pub reachable: bool,
    #[serde(default)]
    pub path: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Row {
    from: String,
    to: String,
    #[serde(flatten)]
    reach: Reach,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkChangeKind {
    /// Unreachable before, reachable now.
    Opened,
    /// More of the destination, or one more direction, without opening the pair.
    Widened,
    /// Different in a way that is neither wider nor narrower (or only the path).
    Changed,
    /// Less of the destination, or one fewer direction, without closing the pair.
    Narrowed,
    /// Reachable before, unreachable now.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkChange {
    pub from: String,
    pub to: String,
    pub change: NetworkChangeKind,
    pub old: Option<Reach>,
    pub new: Option<Reach>,
    /// Opened or widened: packets arrive where they did not before.
    pub risky: bool,
}

/// `none` < `partial` < `full`.
fn rank(s: &str) -> u8 {
    match s {
        "full" => 2,
        "partial" => 1,
        _ => 0,
    }
}

/// The compiled audit file: the pairs, beside what they are pairs of and the
/// internet exposure (not compared here).
#[derive(Debug, Clone, Deserialize)]
struct AuditFile {
    pairs: Vec<Row>,
}

fn rows(tree: &Tree) -> Option<BTreeMap<(String, String), Reach>> {
    let bytes = tree.get(NETWORK_AUDIT)?;
    // The compiled file wraps the pairs in an object; a bare list of pairs (what
    // `orgc audit network --format json` prints) is read too.
    let rows: Vec<Row> = serde_json::from_slice::<AuditFile>(bytes)
        .map(|f| f.pairs)
        .or_else(|_| serde_json::from_slice(bytes))
        .ok()?;
    Some(
        rows.into_iter()
            .map(|r| ((r.from, r.to), r.reach))
            .collect(),
    )
}

/// Whether either side has a network audit, and every pair that changed, opened
/// and widened first.
pub fn compare(old: &Tree, new: &Tree) -> (bool, Vec<NetworkChange>) {
    let (o, n) = (rows(old), rows(new));
    let audited = o.is_some() || n.is_some();
    let (o, n) = (o.unwrap_or_default(), n.unwrap_or_default());
    let mut keys: Vec<&(String, String)> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (before, after) = (o.get(key), n.get(key));
        let Some(change) = classify(before, after) else {
            continue;
        };
        out.push(NetworkChange {
            from: key.0.clone(),
            to: key.1.clone(),
            change,
            old: before.cloned(),
            new: after.cloned(),
            risky: matches!(
                change,
                NetworkChangeKind::Opened | NetworkChangeKind::Widened
            ),
        });
    }
    out.sort_by(|a, b| (a.change, &a.from, &a.to).cmp(&(b.change, &b.from, &b.to)));
    (audited, out)
}

fn classify(before: Option<&Reach>, after: Option<&Reach>) -> Option<NetworkChangeKind> {
    let none = Reach {
        forward: "none".to_string(),
        ret: "none".to_string(),
        reachable: false,
        path: Vec::new(),
    };
    let (b, a) = (before.unwrap_or(&none), after.unwrap_or(&none));
    if b == a {
        return None;
    }
    Some(match (b.reachable, a.reachable) {
        (false, true) => NetworkChangeKind::Opened,
        (true, false) => NetworkChangeKind::Closed,
        _ => {
            let (bf, br, af, ar) = (
                rank(&b.forward),
                rank(&b.ret),
                rank(&a.forward),
                rank(&a.ret),
            );
            if (bf, br) == (af, ar) {
                // Same reach: only the path or an unknown value differs, or one
                // side has no row for a pair that reaches nothing.
                if b.path == a.path && b.forward == a.forward && b.ret == a.ret {
                    return None;
                }
                NetworkChangeKind::Changed
            } else if af >= bf && ar >= br {
                NetworkChangeKind::Widened
            } else if af <= bf && ar <= br {
                NetworkChangeKind::Narrowed
            } else {
                NetworkChangeKind::Changed
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(rows: &str) -> Tree {
        let mut t = Tree::new();
        t.insert(NETWORK_AUDIT.to_string(), rows.as_bytes().to_vec());
        t
    }

    #[test]
    fn opened_closed_widened() {
        let old = tree(
            r#"[{"from":"dev","to":"prod","forward":"none","return":"none","reachable":false,"path":[]},
                {"from":"mon","to":"dev","forward":"full","return":"full","reachable":true,"path":["mon","dev"]},
                {"from":"dev","to":"ins","forward":"none","return":"none","reachable":false,"path":[]}]"#,
        );
        let new = tree(
            r#"[{"from":"dev","to":"prod","forward":"full","return":"partial","reachable":true,"path":["dev","ins","prod"]},
                {"from":"mon","to":"dev","forward":"none","return":"full","reachable":false,"path":[]},
                {"from":"dev","to":"ins","forward":"partial","return":"none","reachable":false,"path":["dev","ins"]}]"#,
        );
        let (audited, changes) = compare(&old, &new);
        assert!(audited);
        let kinds: Vec<(&str, &str, NetworkChangeKind)> = changes
            .iter()
            .map(|c| (c.from.as_str(), c.to.as_str(), c.change))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("dev", "prod", NetworkChangeKind::Opened),
                ("dev", "ins", NetworkChangeKind::Widened),
                ("mon", "dev", NetworkChangeKind::Closed),
            ]
        );
        assert!(changes[0].risky && changes[1].risky && !changes[2].risky);
    }

    #[test]
    fn a_missing_row_is_unreachable_and_no_audit_is_not_audited() {
        let old =
            tree(r#"[{"from":"a","to":"b","forward":"none","return":"none","reachable":false}]"#);
        let (audited, changes) = compare(&old, &Tree::new());
        assert!(audited);
        assert!(changes.is_empty());
        let (audited, _) = compare(&Tree::new(), &Tree::new());
        assert!(!audited);
    }
}
