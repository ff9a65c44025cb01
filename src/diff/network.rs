//! Network paths opened and closed, from the two sides' `audit/network.json`: its
//! `groups`, each standing for every ordered pair of its `from` and `to` accounts
//! `{forward, return, reachable, path}`, where `forward` and `return` are `full`,
//! `partial` or `none`. A pair missing on one side counts as unreachable there.
//! Groups the same on both sides (with the same spokes for their accounts) are
//! set aside unread; only the others are opened into pairs.

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

/// A group of pairs, as far as a diff reads it (not its losses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
struct Group {
    from: Vec<String>,
    to: Vec<String>,
    forward: String,
    #[serde(rename = "return")]
    ret: String,
    reachable: bool,
    #[serde(default)]
    gateway: Option<String>,
    #[serde(default)]
    from_spoke: Option<String>,
    #[serde(default)]
    via: Vec<String>,
    #[serde(default)]
    to_spoke: Option<String>,
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

/// The compiled audit file: the groups and the accounts' spokes, beside what they
/// are pairs of and the internet exposure (not compared here).
#[derive(Debug, Clone, Default, Deserialize)]
struct AuditFile {
    /// Account → gateway → its spokes there.
    spokes: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    groups: Vec<Group>,
}

fn read(tree: &Tree) -> Option<AuditFile> {
    serde_json::from_slice(tree.get(NETWORK_AUDIT)?).ok()
}

type Pairs = BTreeMap<(String, String), Reach>;

/// The pairs of `groups`, with their paths in full.
fn open(file: &AuditFile, groups: &[&Group], out: &mut Pairs) {
    for g in groups {
        // The account's first spoke on the path's gateway.
        let only = |account: &str| {
            file.spokes
                .get(account)
                .zip(g.gateway.as_ref())
                .and_then(|(on, gateway)| on.get(gateway))
                .and_then(|s| s.first())
                .cloned()
                .unwrap_or_default()
        };
        for f in &g.from {
            for t in g.to.iter().filter(|t| *t != f) {
                let path = if g.forward == "none" {
                    Vec::new()
                } else {
                    std::iter::once(g.from_spoke.clone().unwrap_or_else(|| only(f)))
                        .chain(g.via.iter().cloned())
                        .chain(std::iter::once(
                            g.to_spoke.clone().unwrap_or_else(|| only(t)),
                        ))
                        .collect()
                };
                out.insert(
                    (f.clone(), t.clone()),
                    Reach {
                        forward: g.forward.clone(),
                        ret: g.ret.clone(),
                        reachable: g.reachable,
                        path,
                    },
                );
            }
        }
    }
}

/// The pairs of the groups that differ between the two sides, on each side.
fn differing(old: &AuditFile, new: &AuditFile) -> (Pairs, Pairs) {
    // A group's pairs are the same on both sides when the group is, and so are
    // the spokes of its accounts (which name its paths' ends).
    let same_spokes = |g: &Group| {
        g.from
            .iter()
            .chain(&g.to)
            .all(|a| old.spokes.get(a) == new.spokes.get(a))
    };
    let mut unmatched: foldhash::HashMap<&Group, usize> = foldhash::HashMap::default();
    for g in &old.groups {
        *unmatched.entry(g).or_default() += 1;
    }
    let mut new_left = Vec::new();
    for g in &new.groups {
        match unmatched.get_mut(g) {
            Some(n) if *n > 0 && same_spokes(g) => *n -= 1,
            _ => new_left.push(g),
        }
    }
    let mut old_left = Vec::new();
    for g in &old.groups {
        if let Some(n) = unmatched.get_mut(g).filter(|n| **n > 0) {
            *n -= 1;
            old_left.push(g);
        }
    }
    let (mut o, mut n) = (Pairs::new(), Pairs::new());
    open(old, &old_left, &mut o);
    open(new, &new_left, &mut n);
    (o, n)
}

/// Whether either side has a network audit, and every pair that changed, opened
/// and widened first.
pub fn compare(old: &Tree, new: &Tree) -> (bool, Vec<NetworkChange>) {
    let (o, n) = (read(old), read(new));
    let audited = o.is_some() || n.is_some();
    let (o, n) = differing(&o.unwrap_or_default(), &n.unwrap_or_default());
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

    fn tree(spokes: &str, groups: &str) -> Tree {
        let mut t = Tree::new();
        let file = format!(r#"{{"by":"account","spokes":{spokes},"groups":[{groups}]}}"#);
        t.insert(NETWORK_AUDIT.to_string(), file.into_bytes());
        t
    }

    const SPOKES: &str = r#"{"dev":{"tgw":["dev-vpc"]},"mon":{"tgw":["mon-vpc"]},"prod":{"tgw":["prod-vpc"]},"ins":{"tgw":["ins-a","ins-b"]}}"#;

    fn kinds(changes: &[NetworkChange]) -> Vec<(&str, &str, NetworkChangeKind)> {
        changes
            .iter()
            .map(|c| (c.from.as_str(), c.to.as_str(), c.change))
            .collect()
    }

    #[test]
    fn opened_closed_widened() {
        let old = tree(
            SPOKES,
            r#"{"from":["mon"],"to":["dev"],"forward":"full","return":"full","reachable":true,"gateway":"tgw"}"#,
        );
        let new = tree(
            SPOKES,
            r#"{"from":["dev"],"to":["prod"],"forward":"full","return":"partial","reachable":true,"gateway":"tgw","via":["ins-a"]},
               {"from":["mon"],"to":["dev"],"forward":"none","return":"full","reachable":false},
               {"from":["dev"],"to":["ins"],"forward":"partial","return":"none","reachable":false,"gateway":"tgw","to_spoke":"ins-b"}"#,
        );
        let (audited, changes) = compare(&old, &new);
        assert!(audited);
        assert_eq!(
            kinds(&changes),
            vec![
                ("dev", "prod", NetworkChangeKind::Opened),
                ("dev", "ins", NetworkChangeKind::Widened),
                ("mon", "dev", NetworkChangeKind::Closed),
            ]
        );
        assert!(changes[0].risky && changes[1].risky && !changes[2].risky);
        // Paths are opened in full: the accounts' only spokes at the ends, unless
        // the group names them.
        let path = |c: &NetworkChange| c.new.as_ref().unwrap().path.clone();
        assert_eq!(path(&changes[0]), ["dev-vpc", "ins-a", "prod-vpc"]);
        assert_eq!(path(&changes[1]), ["dev-vpc", "ins-b"]);
        assert!(path(&changes[2]).is_empty());
    }

    /// A group stands for every pair of its lists but an account with itself; a
    /// group the same on both sides is passed over, unless an account's spokes
    /// changed, which changes its paths.
    #[test]
    fn groups_stand_for_their_pairs() {
        let mesh = r#"{"from":["dev","mon","prod"],"to":["dev","mon","prod"],"forward":"full","return":"full","reachable":true,"gateway":"tgw"}"#;
        let old = tree(SPOKES, mesh);
        let (_, changes) = compare(&old, &tree(SPOKES, mesh));
        assert!(changes.is_empty());
        let (_, changes) = compare(&old, &tree(SPOKES, ""));
        let closed = [
            ("dev", "mon"),
            ("dev", "prod"),
            ("mon", "dev"),
            ("mon", "prod"),
            ("prod", "dev"),
            ("prod", "mon"),
        ];
        assert_eq!(
            kinds(&changes),
            closed
                .iter()
                .map(|&(f, t)| (f, t, NetworkChangeKind::Closed))
                .collect::<Vec<_>>()
        );
        let moved = SPOKES.replace(
            r#""prod":{"tgw":["prod-vpc"]}"#,
            r#""prod":{"tgw":["prod-2"]}"#,
        );
        let (_, changes) = compare(&old, &tree(&moved, mesh));
        assert_eq!(
            kinds(&changes),
            [
                ("dev", "prod"),
                ("mon", "prod"),
                ("prod", "dev"),
                ("prod", "mon")
            ]
            .iter()
            .map(|&(f, t)| (f, t, NetworkChangeKind::Changed))
            .collect::<Vec<_>>()
        );
        // The same pairs gathered differently are no change.
        let split = r#"{"from":["dev"],"to":["mon","prod"],"forward":"full","return":"full","reachable":true,"gateway":"tgw"},
            {"from":["mon","prod"],"to":["dev","mon","prod"],"forward":"full","return":"full","reachable":true,"gateway":"tgw"}"#;
        let (_, changes) = compare(&old, &tree(SPOKES, split));
        assert!(changes.is_empty());
    }

    #[test]
    fn a_missing_pair_is_unreachable_and_no_audit_is_not_audited() {
        let old = tree(
            SPOKES,
            r#"{"from":["dev"],"to":["prod"],"forward":"none","return":"none","reachable":false}"#,
        );
        let (audited, changes) = compare(&old, &Tree::new());
        assert!(audited);
        assert!(changes.is_empty());
        let (audited, _) = compare(&Tree::new(), &Tree::new());
        assert!(!audited);
    }
}
