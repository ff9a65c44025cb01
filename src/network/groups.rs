//! `audit/network.json`: the audit of every pair of accounts, its pairs gathered into
//! groups. A meshed org of thousands of accounts has millions of pairs, but they
//! fall into a few segments whose pairs differ only in their accounts; a group
//! stands for every pair of its `from` and `to` lists (not an account with itself),
//! so the file grows with the segments, not with the pairs.
//!
//! The pairs of each source account are sorted by what they share (their
//! [`Shape`]: reach, and the path but for the accounts' own spokes at its ends) on
//! every core. Sources with the
//! same destinations for a shape make one group. A source is never its own
//! destination, so sources of one segment (each reaching the others) are matched on
//! their destinations with themselves added; a source matched with no other is then
//! matched on its destinations alone (accounts that reach a shared segment but not
//! each other).

use super::analysis::Analysis;
use super::audit::{Found, Pairs, Query, internet, pairs_listed, status_str};
use super::explain;
use super::routing::Status;
use crate::desired::network::{NetworkAuditFile, PairGroup};
use crate::model::{AccountIdx, GatewayIdx, Model, SpokeIdx};
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeMap;
use std::collections::hash_map::Entry;

/// How a group stands for its pairs (the file says it in words).
pub const GROUPS_READ: &str = "each group stands for every ordered pair (f, t) with f in `from`, t in `to` and f not t; a pair's path runs on `gateway` from f's spoke (`from_spoke`, else f's first spoke on the gateway in `spokes`) through `via` to t's spoke (`to_spoke`, else t's first spoke on the gateway), and is empty when `forward` is `none`; `orgc audit network --from f --to t` explains a `partial` direction";

/// Everything a pair has but its accounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Shape {
    forward: Status,
    ret: Status,
    /// The gateway the path runs on; `None` when nothing arrives.
    gateway: Option<GatewayIdx>,
    /// The path's first spoke, unless it is the source account's first on the
    /// gateway.
    from_spoke: Option<SpokeIdx>,
    /// The spokes between the path's first and last.
    via: Vec<SpokeIdx>,
    /// The path's last spoke, unless it is the destination account's first on the
    /// gateway.
    to_spoke: Option<SpokeIdx>,
}

/// One source's pairs by shape: each shape with its destinations, in order.
type ByShape = Vec<(Shape, Vec<u32>)>;

/// A group being formed: its sources, its destinations and its shape, by index.
struct Group {
    from: Vec<u32>,
    to: Vec<u32>,
    shape: u32,
}

/// The file's contents.
pub fn file(model: &Model, net: &Analysis) -> NetworkAuditFile {
    let q = Query::file();
    let pairs = Pairs::new(model, net, q);
    let sources: Vec<usize> = pairs.sources().collect();
    // Whether a spoke is its account's first on its gateway: the file leaves it
    // unsaid at the ends of paths (most accounts have one spoke on a gateway, and
    // paths mostly end at the first of several).
    let first: Vec<bool> = model
        .spokes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            net.spokes_of(s.account)
                .iter()
                .find(|&&o| model.spokes.get(o).is_some_and(|o| o.gateway == s.gateway))
                == Some(&i)
        })
        .collect();
    let per_source = crate::parallel::map_chunks(&sources, 16, |chunk| {
        chunk
            .iter()
            .map(|&a| (a, by_shape(model, net, &pairs, &first, a)))
            .collect()
    });
    let (shapes, groups) = gather(per_source);
    render(model, net, q, &shapes, &groups)
}

/// The pairs from `a`, by shape in the order each shape first occurs.
fn by_shape(
    model: &Model,
    net: &Analysis,
    pairs: &Pairs,
    first: &[bool],
    a: AccountIdx,
) -> ByShape {
    let mut index: HashMap<Shape, usize> = HashMap::new();
    let mut lists: Vec<Vec<u32>> = Vec::new();
    let _ = pairs.from(a, |p| {
        let to = small(p.to);
        match index.entry(shape(model, net, first, p)) {
            Entry::Occupied(e) => {
                if let Some(list) = lists.get_mut(*e.get()) {
                    list.push(to);
                }
            }
            Entry::Vacant(e) => {
                e.insert(lists.len());
                lists.push(vec![to]);
            }
        }
        Ok::<(), std::convert::Infallible>(())
    });
    let mut shapes: Vec<(usize, Shape)> = index.into_iter().map(|(s, i)| (i, s)).collect();
    shapes.sort_unstable_by_key(|(i, _)| *i);
    shapes
        .into_iter()
        .zip(lists)
        .map(|((_, s), to)| (s, to))
        .collect()
}

fn shape(model: &Model, net: &Analysis, first_spoke: &[bool], p: Found) -> Shape {
    let mut via = p.witness.map(|(x, y)| net.path(x, y)).unwrap_or_default();
    // The ends, said only where they are not their account's first spoke on the
    // gateway.
    let end =
        |spoke: Option<SpokeIdx>| spoke.filter(|&s| !first_spoke.get(s).copied().unwrap_or(false));
    let last = if via.len() >= 2 { via.pop() } else { None };
    let first = if via.is_empty() {
        None
    } else {
        Some(via.remove(0))
    };
    Shape {
        forward: p.forward,
        ret: p.ret,
        gateway: first.and_then(|s| model.spokes.get(s)).map(|s| s.gateway),
        from_spoke: end(first),
        via,
        to_spoke: end(last),
    }
}

fn small(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The shapes, numbered in the order they first occur, and the groups, in order of
/// their first source, first destination and shape.
fn gather(per_source: Vec<(usize, ByShape)>) -> (Vec<Shape>, Vec<Group>) {
    let mut numbers: HashMap<Shape, u32> = HashMap::new();
    let mut shapes: Vec<Shape> = Vec::new();
    // (source, shape, destinations with the source added in its place).
    let mut entries: Vec<(u32, u32, Vec<u32>)> = Vec::new();
    for (a, lists) in per_source {
        let a = small(a);
        for (s, mut to) in lists {
            let n = match numbers.entry(s) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    let n = small(shapes.len());
                    shapes.push(e.key().clone());
                    e.insert(n);
                    n
                }
            };
            let at = to.partition_point(|&t| t < a);
            to.insert(at, a);
            entries.push((a, n, to));
        }
    }
    // First, sources matched on their destinations with themselves added.
    let mut with_self: HashMap<(u32, &[u32]), Vec<u32>> = HashMap::new();
    for (a, n, to) in &entries {
        with_self.entry((*n, to.as_slice())).or_default().push(*a);
    }
    let mut groups = Vec::new();
    let mut alone: HashMap<(u32, Vec<u32>), Vec<u32>> = HashMap::new();
    for ((n, to), from) in with_self {
        if let [a] = from[..] {
            let without: Vec<u32> = to.iter().copied().filter(|&t| t != a).collect();
            alone.entry((n, without)).or_default().push(a);
        } else {
            groups.push(Group {
                from,
                to: to.to_vec(),
                shape: n,
            });
        }
    }
    // Then the others, on their destinations alone.
    for ((n, to), mut from) in alone {
        from.sort_unstable();
        groups.push(Group { from, to, shape: n });
    }
    groups.sort_unstable_by(|x, y| {
        (x.from.first(), x.to.first(), x.shape).cmp(&(y.from.first(), y.to.first(), y.shape))
    });
    (shapes, groups)
}

fn render(
    model: &Model,
    net: &Analysis,
    q: Query,
    shapes: &[Shape],
    groups: &[Group],
) -> NetworkAuditFile {
    let account = |i: u32| {
        model
            .accounts
            .get(i as usize)
            .map_or_else(String::new, |a| a.name.clone())
    };
    let spoke = |s: SpokeIdx| explain::spoke(model, s).to_string();
    let gateway = |g: GatewayIdx| {
        model
            .gateways
            .get(g)
            .map_or_else(String::new, |g| g.name.clone())
    };
    let mut spokes: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for a in (0..model.accounts.len()).filter(|&a| !net.spokes_of(a).is_empty()) {
        let on = spokes.entry(account(small(a))).or_default();
        for &s in net.spokes_of(a) {
            if let Some(sp) = model.spokes.get(s) {
                on.entry(gateway(sp.gateway)).or_default().push(spoke(s));
            }
        }
    }
    let groups = groups
        .iter()
        .filter_map(|g| {
            let s = shapes.get(g.shape as usize)?;
            Some(PairGroup {
                from: g.from.iter().map(|&a| account(a)).collect(),
                to: g.to.iter().map(|&a| account(a)).collect(),
                forward: status_str(s.forward).to_string(),
                ret: status_str(s.ret).to_string(),
                reachable: s.forward != Status::None && s.ret != Status::None,
                gateway: s.gateway.map(gateway),
                from_spoke: s.from_spoke.map(spoke),
                via: s.via.iter().map(|&v| spoke(v)).collect(),
                to_spoke: s.to_spoke.map(spoke),
            })
        })
        .collect();
    NetworkAuditFile {
        by: q.by.as_str().to_string(),
        pairs_listed: pairs_listed(q).to_string(),
        groups_read: GROUPS_READ.to_string(),
        spokes,
        groups,
        internet: internet(model, net, q),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::audit::audit;
    use serde_json::{Value, json};

    /// Every pair the groups of a file stand for, each as the audit in memory
    /// lists it, by (from, to). Read here from the JSON alone, by the file's own
    /// words.
    fn opened(file: &Value) -> BTreeMap<(String, String), Value> {
        let mut out = BTreeMap::new();
        for g in file["groups"].as_array().unwrap() {
            let names = |key: &str| -> Vec<String> {
                g[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            };
            for f in names("from") {
                for t in names("to") {
                    if f == t {
                        continue;
                    }
                    let end = |key: &str, account: &str| {
                        g.get(key).cloned().unwrap_or_else(|| {
                            let gateway = g["gateway"].as_str().unwrap();
                            file["spokes"][account][gateway][0].clone()
                        })
                    };
                    let path: Vec<Value> = if g["forward"] == "none" {
                        Vec::new()
                    } else {
                        let via = g.get("via").and_then(Value::as_array).cloned();
                        std::iter::once(end("from_spoke", &f))
                            .chain(via.unwrap_or_default())
                            .chain(std::iter::once(end("to_spoke", &t)))
                            .collect()
                    };
                    let pair = json!({
                        "from": f, "to": t, "forward": g["forward"], "return": g["return"],
                        "reachable": g["reachable"], "path": path,
                    });
                    let twice = out.insert((f.clone(), t.clone()), pair).is_some();
                    assert!(!twice, "({f}, {t}) is in two groups");
                }
            }
        }
        out
    }

    /// For every org here, the file's groups stand for exactly the pairs of the
    /// audit in memory, with their paths.
    #[test]
    fn groups_stand_for_exactly_the_audits_pairs() {
        for (org, checked) in crate::network::checked_test_orgs() {
            let (model, net) = (
                checked.model.as_ref().unwrap(),
                checked.network.as_ref().unwrap(),
            );
            let expected = audit(model, net, Query::file());
            let written = serde_json::to_value(file(model, net)).unwrap();
            let pairs: BTreeMap<(String, String), Value> = expected
                .pairs
                .iter()
                .map(|p| {
                    let mut pair = serde_json::to_value(p).unwrap();
                    // The file leaves a partial direction's losses to the audit
                    // of the pair.
                    let pair_object = pair.as_object_mut().unwrap();
                    pair_object.remove("forward_lost");
                    pair_object.remove("return_lost");
                    ((p.from.clone(), p.to.clone()), pair)
                })
                .collect();
            assert_eq!(opened(&written), pairs, "{}", org.display());
            assert_eq!(
                written["internet"],
                serde_json::to_value(&expected.internet).unwrap()
            );
            let groups = written["groups"].as_array().unwrap().len();
            eprintln!(
                "{}: {} pairs in {groups} groups",
                org.display(),
                pairs.len()
            );
        }
    }
}
