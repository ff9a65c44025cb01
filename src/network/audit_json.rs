//! The pairs of a network audit as JSON (`orgc audit network --format json`, one
//! object per pair), written fast: a meshed org of thousands of accounts has
//! millions of pairs, gigabytes of JSON. Pairs are rendered by hand from names
//! escaped once, groups of sources on every core at once, and handed over in order,
//! a piece at a time, so the whole never sits in memory. The bytes are exactly
//! serde_json's pretty printing of the pairs of
//! [`crate::desired::network::NetworkAudit`] (a test holds them to it).

use super::analysis::Analysis;
use super::audit::{By, Found, Pairs, Query, losses_if_partial, status_str};
use super::routing::Status;
use crate::emit::Sink;
use crate::model::Model;
use serde::Serialize;

/// The network audit of a query, to be written as JSON.
pub struct AuditJson<'a> {
    model: &'a Model,
    net: &'a Analysis,
    q: Query,
    /// Sources rendered at a time.
    group: usize,
}

/// Sources rendered together: enough pairs that handing a group over costs little,
/// few enough that the groups waiting to be written stay small.
const SOURCES_PER_GROUP: usize = 8;

impl<'a> AuditJson<'a> {
    pub fn new(model: &'a Model, net: &'a Analysis, q: Query) -> Self {
        AuditJson {
            model,
            net,
            q,
            group: SOURCES_PER_GROUP,
        }
    }

    /// The pairs, as a list with a trailing newline.
    pub fn write_pairs(&self, sink: &mut Sink<'_>) -> std::io::Result<()> {
        let pairs = Pairs::new(self.model, self.net, self.q);
        let names = Names::new(self.model, self.q.by);
        let sources: Vec<usize> = pairs.sources().collect();
        let groups: Vec<&[usize]> = sources.chunks(self.group.max(1)).collect();
        let threads = crate::parallel::workers();
        let row = Row {
            audit: self,
            names: &names,
            depth: 1,
        };
        sink(b"[")?;
        let mut first = true;
        crate::parallel::in_order(
            groups.len(),
            threads,
            4 * threads,
            |i| {
                let mut out = Vec::new();
                for &a in groups.get(i).copied().unwrap_or_default() {
                    pairs.from(a, |p| row.push(&mut out, p))?;
                }
                Ok::<_, std::io::Error>(out)
            },
            |group| {
                let group = group?;
                // Every row starts with `,`, but the first.
                let piece = match (first, group.split_first()) {
                    (_, None) => return Ok(()),
                    (true, Some((_, rest))) => rest,
                    (false, Some(_)) => &group[..],
                };
                first = false;
                sink(piece)
            },
        )?;
        sink(if first { b"]\n" } else { b"\n]\n" })
    }
}

/// Names as JSON strings, quoted and escaped once.
struct Names {
    /// The units' names, by model index (accounts or spokes, as the query is by).
    units: Vec<Vec<u8>>,
    /// The spokes' names, by index.
    spokes: Vec<Vec<u8>>,
}

impl Names {
    fn new(model: &Model, by: By) -> Names {
        let quoted = |s: &str| {
            let mut v = Vec::with_capacity(s.len() + 2);
            push_str(&mut v, s);
            v
        };
        let spokes: Vec<Vec<u8>> = model.spokes.iter().map(|s| quoted(&s.name)).collect();
        let units = match by {
            By::Account => model.accounts.iter().map(|a| quoted(&a.name)).collect(),
            By::Spoke => spokes.clone(),
        };
        Names { units, spokes }
    }
}

/// How a pair is written: an element of the list of pairs, nested `depth` deep.
struct Row<'a> {
    audit: &'a AuditJson<'a>,
    names: &'a Names,
    depth: usize,
}

impl Row<'_> {
    /// `,` and the pair's object, as serde_json's pretty printer lays it out.
    fn push(&self, out: &mut Vec<u8>, p: Found) -> std::io::Result<()> {
        let d = self.depth;
        let field = |out: &mut Vec<u8>, key: &[u8]| {
            out.push(b'\n');
            indent(out, d + 1);
            out.extend_from_slice(key);
        };
        let unknown = b"\"?\"".as_slice();
        let unit = |i: usize| self.names.units.get(i).map_or(unknown, Vec::as_slice);
        out.push(b',');
        out.push(b'\n');
        indent(out, d);
        out.push(b'{');
        field(out, b"\"from\": ");
        out.extend_from_slice(unit(p.from));
        out.push(b',');
        field(out, b"\"to\": ");
        out.extend_from_slice(unit(p.to));
        out.push(b',');
        field(out, b"\"forward\": \"");
        out.extend_from_slice(status_str(p.forward).as_bytes());
        out.extend_from_slice(b"\",");
        field(out, b"\"return\": \"");
        out.extend_from_slice(status_str(p.ret).as_bytes());
        out.extend_from_slice(b"\",");
        field(out, b"\"reachable\": ");
        let reachable = p.forward != Status::None && p.ret != Status::None;
        out.extend_from_slice(if reachable { b"true," } else { b"false," });
        field(out, b"\"path\": [");
        let path = p
            .witness
            .map(|(x, y)| self.audit.net.path(x, y))
            .unwrap_or_default();
        for (k, &s) in path.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.push(b'\n');
            indent(out, d + 2);
            out.extend_from_slice(self.names.spokes.get(s).map_or(unknown, Vec::as_slice));
        }
        if !path.is_empty() {
            out.push(b'\n');
            indent(out, d + 1);
        }
        out.push(b']');
        let AuditJson { model, net, q, .. } = *self.audit;
        let by = q.by;
        for (key, lost) in [
            (
                b"\"forward_lost\": ".as_slice(),
                losses_if_partial(model, net, by, p.forward, p.from, p.to),
            ),
            (
                b"\"return_lost\": ".as_slice(),
                losses_if_partial(model, net, by, p.ret, p.to, p.from),
            ),
        ] {
            if !lost.is_empty() {
                out.push(b',');
                field(out, key);
                push_pretty(out, &lost, d + 1)?;
            }
        }
        out.push(b'\n');
        indent(out, d);
        out.push(b'}');
        Ok(())
    }
}

/// Two spaces per level, as serde_json's pretty printer indents.
fn indent(out: &mut Vec<u8>, depth: usize) {
    out.extend(std::iter::repeat_n(b' ', 2 * depth));
}

/// `s` as a JSON string.
fn push_str(out: &mut Vec<u8>, s: &str) {
    // Writing a string into a vector cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// `value` pretty-printed as it would be nested `depth` levels deep: serde_json's
/// layout, with every line after the first indented further. (A raw newline never
/// occurs inside a JSON string, so every newline starts a line.)
fn push_pretty<T: Serialize>(out: &mut Vec<u8>, value: &T, depth: usize) -> std::io::Result<()> {
    let alone = serde_json::to_vec_pretty(value)?;
    for (k, line) in alone.split(|&b| b == b'\n').enumerate() {
        if k > 0 {
            out.push(b'\n');
            indent(out, depth);
        }
        out.extend_from_slice(line);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::audit::audit;

    fn bytes(write: impl FnOnce(&mut Sink<'_>) -> std::io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut |piece| {
            out.extend_from_slice(piece);
            Ok(())
        })
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Every query of every org here gives exactly serde_json's pretty printing of
    /// the pairs of the audit in memory, as `--format json` prints them.
    #[test]
    fn the_audit_is_written_as_serde_json_prints_it() {
        for (org, checked) in crate::network::checked_test_orgs() {
            let (model, net) = (
                checked.model.as_ref().unwrap(),
                checked.network.as_ref().unwrap(),
            );
            let mut queries = vec![Query::file()];
            for by in [By::Account, By::Spoke] {
                let all = Query {
                    by,
                    from: None,
                    to: None,
                    all_pairs: true,
                };
                queries.push(all);
                queries.push(Query {
                    all_pairs: false,
                    ..all
                });
                let first = audit(model, net, all).pairs.first().map(|p| p.from.clone());
                if let Some(name) = first {
                    let i = crate::network::audit::lookup(model, by, &name).unwrap();
                    queries.push(Query {
                        from: Some(i),
                        ..all
                    });
                    queries.push(Query { to: Some(i), ..all });
                }
            }
            // One source per group too, so that the orgs here (a few sources each)
            // are rendered in many groups, on threads, and joined.
            for (q, group) in queries
                .into_iter()
                .flat_map(|q| [(q, 1), (q, 2), (q, SOURCES_PER_GROUP)])
            {
                let expected = audit(model, net, q);
                assert_eq!(
                    bytes(|sink| AuditJson {
                        group,
                        ..AuditJson::new(model, net, q)
                    }
                    .write_pairs(sink)),
                    String::from_utf8(crate::desired::to_json_file(&expected.pairs)).unwrap(),
                    "{} {q:?} in groups of {group}",
                    org.display()
                );
            }
        }
    }

    #[test]
    fn nested_values_keep_serde_json_layout() {
        #[derive(Serialize)]
        struct Inner {
            a: Vec<u8>,
            b: &'static str,
        }
        #[derive(Serialize)]
        struct Outer {
            x: Vec<Inner>,
        }
        let inner = vec![
            Inner {
                a: vec![1, 2],
                b: "q\n\"r\"",
            },
            Inner { a: vec![], b: "" },
        ];
        let mut mine = b"{\n  \"x\": ".to_vec();
        push_pretty(&mut mine, &inner, 1).unwrap();
        mine.extend_from_slice(b"\n}");
        let theirs = serde_json::to_vec_pretty(&Outer { x: inner }).unwrap();
        assert_eq!(
            String::from_utf8(mine).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }
}
