//! Reachability between every ordered pair of spokes.
//!
//! Spokes that share an associated table and VPC routes form a class, and a
//! class's packets to any address follow from its table's resolved forwarding,
//! cut down to what its VPC sends. Each class gets one row of statuses over all
//! destination spokes, so a status query is a lookup, a detailed query a few
//! binary searches, and the full matrix costs one row per class.

use std::collections::BTreeMap;

use ipnet::IpNet;

use super::addr::{AddrRange, Family, PerFamily, Span, covered, gaps, overlapping, spans_of};
use super::forwarding::{Cause, Kind, Outcome};
use super::gateway::Gateway;
use super::network::{Network, Vpc};
use super::paths::{PathId, ROOT};
use super::report::{Accumulator, Exit, Fate, Forward, Pair, PairStatus, Piece, Reason, Status};

/// Spokes with the same associated table (if any) and VPC routes send alike.
type ClassKey = (Option<usize>, Vpc);

/// Reachability of a whole gateway, precomputed for fast pair queries.
#[derive(Debug, Clone)]
pub struct Reachability {
    network: Network,
    classes: Vec<ClassKey>,
    class_of: Vec<usize>,
    /// Status rows over all destinations: one per class, plus one per spoke
    /// whose CIDRs overlap another spoke's (where the class row is not exact).
    rows: Vec<Vec<Status>>,
    row_of: Vec<usize>,
    /// Per row: the destinations it reaches at all (any status but none), in
    /// order. Most spokes of a large gateway reach a few others, and audits that
    /// pass over the pairs that reach nothing read these instead of whole rows.
    reached: Vec<Vec<(u32, Status)>>,
}

impl Reachability {
    /// Resolves every table's forwarding and every class's row of statuses.
    /// Invalid indices in the gateway are ignored rather than trusted.
    pub fn analyse(gateway: &Gateway) -> Reachability {
        let network = Network::new(gateway);
        let mut keys: BTreeMap<ClassKey, usize> = BTreeMap::new();
        let mut classes = Vec::new();
        let mut class_of = Vec::with_capacity(network.spokes.len());
        for info in &network.spokes {
            // Without a table nothing leaves, whatever the VPC says.
            let key = match info.table {
                Some(t) => (Some(t), info.vpc),
                None => (None, Vpc::Default),
            };
            let next = keys.len();
            let class = *keys.entry(key).or_insert_with(|| {
                classes.push(key);
                next
            });
            class_of.push(class);
        }
        let mut reach = Reachability {
            network,
            classes,
            class_of: class_of.clone(),
            rows: Vec::new(),
            row_of: class_of,
            reached: Vec::new(),
        };
        // The default class of each table. An address a default VPC does not
        // send has no route in the table either, so these rows also say how
        // any VPC of the table fares on destinations it sends entirely.
        let index = PerFamily::build(|f| SpanIndex::new(&reach.network, f));
        let table_rows: Vec<Vec<Status>> = (0..reach.network.finals.len())
            .map(|t| reach.scan_row((Some(t), Vpc::Default)))
            .collect();
        let mut rows: Vec<Vec<Status>> = reach
            .classes
            .iter()
            .map(|&key| match key {
                (None, _) => vec![Status::None; reach.network.spokes.len()],
                (Some(t), Vpc::Default) => table_rows.get(t).cloned().unwrap_or_default(),
                (Some(t), Vpc::Explicit(set)) => {
                    let table_row = table_rows.get(t).map_or(&[][..], Vec::as_slice);
                    reach.explicit_row(key, set, table_row, &index)
                }
            })
            .collect();
        for a in overlapping_spokes(&reach.network) {
            let row = (0..reach.network.spokes.len())
                .map(|b| reach.forward(a, b).status)
                .collect();
            if let Some(r) = reach.row_of.get_mut(a) {
                *r = rows.len();
                rows.push(row);
            }
        }
        reach.reached = rows.iter().map(|row| reached_in(row)).collect();
        reach.rows = rows;
        reach
    }

    /// The number of spokes; pair queries take indices below it.
    pub fn spoke_count(&self) -> usize {
        self.network.spokes.len()
    }

    /// The status of `from`'s packets to `to`'s addresses, in constant time. A
    /// spoke reaches itself in full (locally) unless it has no CIDRs.
    pub fn status(&self, from: usize, to: usize) -> Status {
        if from == to {
            return self.self_status(from);
        }
        self.row_of
            .get(from)
            .and_then(|&r| self.rows.get(r))
            .and_then(|row| row.get(to))
            .copied()
            .unwrap_or(Status::None)
    }

    /// The status from `from` to every spoke, indexed by destination.
    pub fn forward_row(&self, from: usize) -> Vec<Status> {
        let mut row = self
            .row_of
            .get(from)
            .and_then(|&r| self.rows.get(r))
            .cloned()
            .unwrap_or_default();
        if let Some(own) = row.get_mut(from) {
            *own = self.self_status(from);
        }
        row
    }

    /// The spokes `from` reaches at all, in order, with their status: the cells of
    /// [`Reachability::forward_row`] that are not none, `from` itself left out.
    pub fn reached_from(&self, from: usize) -> impl Iterator<Item = (usize, Status)> + '_ {
        self.row_of
            .get(from)
            .and_then(|&r| self.reached.get(r))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&(to, st)| (to as usize, st))
            .filter(move |&(to, _)| to != from)
    }

    /// The status from every spoke to `to`, indexed by source: the return
    /// directions of the pairs `(to, b)`.
    pub fn return_row(&self, to: usize) -> Vec<Status> {
        (0..self.spoke_count())
            .map(|b| self.status(b, to))
            .collect()
    }

    /// Every ordered pair (the diagonal included), source-major.
    pub fn pairs(&self) -> impl Iterator<Item = PairStatus> + '_ {
        let n = self.spoke_count();
        (0..n).flat_map(move |from| {
            (0..n).map(move |to| PairStatus {
                from,
                to,
                forward: self.status(from, to),
                ret: self.status(to, from),
            })
        })
    }

    /// Both directions of `(a, b)` in detail.
    pub fn pair(&self, a: usize, b: usize) -> Pair {
        let forward = self.forward(a, b);
        let ret = self.forward(b, a);
        let reachable = forward.status != Status::None && ret.status != Status::None;
        Pair {
            forward,
            ret,
            reachable,
        }
    }

    /// Packets from `from` to every address of `to`, in detail.
    pub fn forward(&self, from: usize, to: usize) -> Forward {
        let spokes = &self.network.spokes;
        let (Some(src), Some(dst)) = (spokes.get(from), spokes.get(to)) else {
            return Forward::nothing();
        };
        let Some(&key) = self.class_of.get(from).and_then(|&c| self.classes.get(c)) else {
            return Forward::nothing();
        };
        let mut acc = Accumulator::default();
        let local = if from == to {
            Piece::Delivered(ROOT)
        } else {
            Piece::Lost(Reason::Local, ROOT)
        };
        for family in Family::ALL {
            let own = src.own.get(family);
            for &(lo, hi) in dst.own.get(family) {
                self.outcomes(key, family, (lo, hi), |(seg_lo, seg_hi), outcome| {
                    let piece = piece(from, to, outcome);
                    // The source's own addresses never reach the gateway.
                    let mut cur = Some(seg_lo);
                    for (a, b) in overlapping(own, seg_lo, seg_hi) {
                        if let Some(c) = cur.filter(|c| *c < a) {
                            acc.add(family, (c, a - 1), piece);
                        }
                        acc.add(family, (a, b), local);
                        cur = b.checked_add(1);
                    }
                    if let Some(c) = cur.filter(|c| *c <= seg_hi) {
                        acc.add(family, (c, seg_hi), piece);
                    }
                    true
                });
            }
        }
        acc.finish(from, to, &self.network.paths)
    }

    /// `forward(from, to).path` without the rest of the answer: the path of the
    /// lowest delivered address (IPv4 before IPv6), `[from]` for a spoke with
    /// CIDRs and itself, empty when nothing arrives. It stops at the first
    /// delivered address, so it is cheap enough to ask for every pair.
    pub fn path(&self, from: usize, to: usize) -> Vec<usize> {
        if from == to {
            return match self.self_status(from) {
                Status::None => Vec::new(),
                _ => vec![from],
            };
        }
        let spokes = &self.network.spokes;
        let (Some(src), Some(dst)) = (spokes.get(from), spokes.get(to)) else {
            return Vec::new();
        };
        let Some(&key) = self.class_of.get(from).and_then(|&c| self.classes.get(c)) else {
            return Vec::new();
        };
        for family in Family::ALL {
            let own = src.own.get(family);
            for &span in dst.own.get(family) {
                let mut found = None;
                self.outcomes(key, family, span, |(lo, hi), outcome| {
                    // Delivered, and not only inside the source's own addresses.
                    if outcome.kind == Kind::Delivered(to) && !covered(own, lo, hi) {
                        found = Some(outcome.path);
                    }
                    found.is_none()
                });
                if let Some(path) = found {
                    return std::iter::once(from)
                        .chain(self.network.paths.spokes(path))
                        .chain(std::iter::once(to))
                        .collect();
                }
            }
        }
        Vec::new()
    }

    /// Packets from `from` to every address of `destinations` outside
    /// `excluded`, whoever owns it (the internet, say): each stretch with its
    /// fate and the appliances passed, in address order (IPv4 first),
    /// neighbours with the same fate and path merged.
    pub fn toward(&self, from: usize, destinations: &[IpNet], excluded: &[IpNet]) -> Vec<Exit> {
        let Some(src) = self.network.spokes.get(from) else {
            return Vec::new();
        };
        let Some(&key) = self.class_of.get(from).and_then(|&c| self.classes.get(c)) else {
            return Vec::new();
        };
        let wanted = spans_of(destinations);
        let unwanted = spans_of(excluded);
        let mut pieces: Vec<(Family, Span, Fate, PathId)> = Vec::new();
        let mut add = |family: Family, (lo, hi): Span, fate: Fate, path: PathId| {
            if let Some((f, span, last_fate, last_path)) = pieces.last_mut()
                && *f == family
                && *last_fate == fate
                && *last_path == path
                && span.1.checked_add(1) == Some(lo)
            {
                span.1 = hi;
                return;
            }
            pieces.push((family, (lo, hi), fate, path));
        };
        for family in Family::ALL {
            let own = src.own.get(family);
            let keep = gaps(unwanted.get(family), family.max());
            for &(lo, hi) in wanted.get(family) {
                for span in overlapping(&keep, lo, hi) {
                    self.outcomes(key, family, span, |(seg_lo, seg_hi), outcome| {
                        let fate = match outcome.kind {
                            Kind::Delivered(s) => Fate::Delivered { spoke: s },
                            Kind::Lost(cause) => Fate::Lost(reason(from, cause)),
                        };
                        // The source's own addresses never reach the gateway.
                        let mut cur = Some(seg_lo);
                        for (a, b) in overlapping(own, seg_lo, seg_hi) {
                            if let Some(c) = cur.filter(|c| *c < a) {
                                add(family, (c, a - 1), fate, outcome.path);
                            }
                            add(family, (a, b), Fate::Lost(Reason::Local), ROOT);
                            cur = b.checked_add(1);
                        }
                        if let Some(c) = cur.filter(|c| *c <= seg_hi) {
                            add(family, (c, seg_hi), fate, outcome.path);
                        }
                        true
                    });
                }
            }
        }
        pieces
            .into_iter()
            .map(|(family, (lo, hi), fate, path)| Exit {
                range: AddrRange::new(family, lo, hi),
                fate,
                via: self.network.paths.spokes(path),
            })
            .collect()
    }

    /// Calls `f` on the outcome of a class's packets for each segment of
    /// `span`, in order, while `f` returns true. Returns false if stopped.
    fn outcomes(
        &self,
        (table, vpc): ClassKey,
        family: Family,
        (lo, hi): Span,
        mut f: impl FnMut(Span, Outcome) -> bool,
    ) -> bool {
        let lost = |cause| Outcome {
            kind: Kind::Lost(cause),
            path: ROOT,
        };
        let finals = table
            .and_then(|t| self.network.finals.get(t))
            .map(|m| m.get(family));
        let (Some(t), Some(finals)) = (table, finals) else {
            return f((lo, hi), lost(Cause::SourceUnassociated));
        };
        let Some(sent) = self.network.vpc_map(vpc, Some(t), family) else {
            return f((lo, hi), lost(Cause::SourceNoVpcRoute));
        };
        for (a, b, inside) in sent.segments(lo, hi) {
            if !inside {
                if !f((a, b), lost(Cause::SourceNoVpcRoute)) {
                    return false;
                }
                continue;
            }
            for (c, d, outcome) in finals.segments(a, b) {
                if !f((c, d), outcome) {
                    return false;
                }
            }
        }
        true
    }

    /// A class's statuses to every spoke by scanning outcomes (the source's
    /// own CIDRs aside, which `analyse` corrects for).
    fn scan_row(&self, key: ClassKey) -> Vec<Status> {
        (0..self.network.spokes.len())
            .map(|b| self.scan_status(key, b))
            .collect()
    }

    fn scan_status(&self, key: ClassKey, b: usize) -> Status {
        let Some(info) = self.network.spokes.get(b) else {
            return Status::None;
        };
        let (mut delivered, mut lost) = (false, false);
        for family in Family::ALL {
            for &span in info.own.get(family) {
                let more = self.outcomes(key, family, span, |_, outcome| {
                    if outcome.kind == Kind::Delivered(b) {
                        delivered = true;
                    } else {
                        lost = true;
                    }
                    !(delivered && lost)
                });
                if !more {
                    return Status::Partial;
                }
            }
        }
        Status::of(delivered, lost)
    }

    /// The row of a class with explicit VPC routes. A destination the routes
    /// cover entirely fares as in the table's row, so only destinations that
    /// reach into a gap of the routes are looked at: one the routes miss
    /// entirely is not reached, one they cut needs a scan.
    fn explicit_row(
        &self,
        key: ClassKey,
        set: usize,
        table_row: &[Status],
        index: &PerFamily<SpanIndex>,
    ) -> Vec<Status> {
        let mut row = table_row.to_vec();
        row.resize(self.network.spokes.len(), Status::None);
        let mut touched = Vec::new();
        for family in Family::ALL {
            let sent = self.network.explicit_spans(set, family);
            for (lo, hi) in gaps(sent, family.max()) {
                touched.extend(index.get(family).touching(lo, hi));
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for b in touched {
            let Some(info) = self.network.spokes.get(b) else {
                continue;
            };
            let cut = Family::ALL.iter().any(|&family| {
                let sent = self.network.explicit_spans(set, family);
                info.own
                    .get(family)
                    .iter()
                    .any(|&(lo, hi)| overlapping(sent, lo, hi).next().is_some())
            });
            let status = if cut {
                self.scan_status(key, b)
            } else {
                Status::None
            };
            if let Some(cell) = row.get_mut(b) {
                *cell = status;
            }
        }
        row
    }

    fn self_status(&self, spoke: usize) -> Status {
        let has_cidrs = self
            .network
            .spokes
            .get(spoke)
            .is_some_and(|s| !s.own.v4.is_empty() || !s.own.v6.is_empty());
        if has_cidrs {
            Status::Full
        } else {
            Status::None
        }
    }
}

/// An outcome as seen by the pair `(from, to)`.
fn piece(from: usize, to: usize, outcome: Outcome) -> Piece {
    let reason = match outcome.kind {
        Kind::Delivered(s) if s == to => return Piece::Delivered(outcome.path),
        // Another spoke owns it too: only possible with overlapping CIDRs.
        Kind::Delivered(s) => Reason::SentTo { spoke: s },
        Kind::Lost(cause) => reason(from, cause),
    };
    Piece::Lost(reason, outcome.path)
}

/// A loss as reported for packets from `from`.
fn reason(from: usize, cause: Cause) -> Reason {
    match cause {
        Cause::Blackhole(table) => Reason::Blackhole { table },
        Cause::NoRoute(table) => Reason::NoRoute { table },
        Cause::SentTo(spoke) => Reason::SentTo { spoke },
        Cause::Loop(appliance) => Reason::Loop { appliance },
        Cause::NoVpcRoute(spoke) => Reason::NoVpcRoute { spoke },
        Cause::Unassociated(spoke) => Reason::Unassociated { spoke },
        Cause::SourceNoVpcRoute => Reason::NoVpcRoute { spoke: from },
        Cause::SourceUnassociated => Reason::Unassociated { spoke: from },
    }
}

/// Every spoke's spans of one family, sorted by first address, with the running
/// maximum of last addresses, so that the spans reaching into an interval are
/// found by binary search even when spokes overlap.
struct SpanIndex {
    spans: Vec<(Span, usize)>,
    reach: Vec<u128>,
}

impl SpanIndex {
    fn new(network: &Network, family: Family) -> Self {
        let mut spans: Vec<(Span, usize)> = network
            .spokes
            .iter()
            .enumerate()
            .flat_map(|(s, info)| info.own.get(family).iter().map(move |&span| (span, s)))
            .collect();
        spans.sort_unstable();
        let reach = spans
            .iter()
            .scan(0, |max, &((_, hi), _)| {
                *max = hi.max(*max);
                Some(*max)
            })
            .collect();
        SpanIndex { spans, reach }
    }

    /// The spokes with a span overlapping `[lo, hi]` (a spoke may repeat).
    fn touching(&self, lo: u128, hi: u128) -> impl Iterator<Item = usize> + '_ {
        let start = self.reach.partition_point(|&r| r < lo);
        self.spans
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |((first, _), _)| *first <= hi)
            .filter(move |((_, last), _)| *last >= lo)
            .map(|&(_, s)| s)
    }
}

/// The cells of a row that are not none, by destination.
fn reached_in(row: &[Status]) -> Vec<(u32, Status)> {
    row.iter()
        .enumerate()
        .filter(|&(_, &st)| st != Status::None)
        .filter_map(|(to, &st)| Some((u32::try_from(to).ok()?, st)))
        .collect()
}

/// Spokes whose CIDRs overlap another spoke's, in index order.
fn overlapping_spokes(network: &Network) -> Vec<usize> {
    let mut flagged = vec![false; network.spokes.len()];
    for family in Family::ALL {
        let mut spans: Vec<(Span, usize)> = network
            .spokes
            .iter()
            .enumerate()
            .flat_map(|(s, info)| info.own.get(family).iter().map(move |&span| (span, s)))
            .collect();
        spans.sort_unstable();
        for (i, &((_, hi), s)) in spans.iter().enumerate() {
            let later = spans.get(i + 1..).unwrap_or_default();
            for &(_, t) in later.iter().take_while(|((lo, _), _)| *lo <= hi) {
                for spoke in [s, t] {
                    if let Some(f) = flagged.get_mut(spoke) {
                        *f = true;
                    }
                }
            }
        }
    }
    (0..flagged.len())
        .filter(|&s| flagged.get(s).copied().unwrap_or(false))
        .collect()
}
