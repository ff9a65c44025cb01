//! Forwarding through the gateway, per table: for every address, what happens
//! to a packet that enters the gateway at that table, following appliances.
//!
//! Each table first gets a one-hop map (deliver, lost, or hand to an appliance).
//! A walk then resolves the hand-offs interval by interval: the packet goes into
//! the appliance's VPC, which must send it back to the gateway, and continues in
//! the appliance's associated table. The appliances on the current walk are
//! marked, so coming back to one is a loop; since the state after an appliance
//! depends only on the appliance and the address, a revisit repeats forever.

use super::addr::{Family, overlapping};
use super::network::{Network, SpokeInfo};
use super::paths::{PathId, ROOT};
use super::step_map::{Builder, StepMap};

/// Why a packet does not arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    Blackhole(usize),
    NoRoute(usize),
    SentTo(usize),
    Loop(usize),
    NoVpcRoute(usize),
    Unassociated(usize),
    /// The source's own VPC does not send it; the source is filled in per query.
    SourceNoVpcRoute,
    /// The source has no associated table; filled in per query.
    SourceUnassociated,
}

/// The final fate of a packet and the appliances it went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub kind: Kind,
    pub path: PathId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Delivered(usize),
    Lost(Cause),
}

/// The result of one table lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Deliver(usize),
    Via(usize),
    Lost(Cause),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hop {
    NoRoute,
    Blackhole,
    Spoke(usize),
}

impl Network {
    /// Resolves every address entering at table `start`.
    pub(super) fn walk(
        &mut self,
        start: usize,
        family: Family,
        on_path: &mut [bool],
    ) -> StepMap<Outcome> {
        let lost = |cause, path| Outcome {
            kind: Kind::Lost(cause),
            path,
        };
        let mut out = Builder::new(lost(Cause::NoRoute(start), ROOT));
        let mut stack = vec![Frame {
            table: start,
            next: Some(0),
            hi: family.max(),
            path: ROOT,
            entered: None,
        }];
        while let Some(frame) = stack.last_mut() {
            let Some(x) = frame.next.filter(|x| *x <= frame.hi) else {
                if let Some(flag) = frame.entered.and_then(|s| on_path.get_mut(s)) {
                    *flag = false;
                }
                stack.pop();
                continue;
            };
            let Some(step_map) = self.steps.get(frame.table).map(|m| m.get(family)) else {
                out.push(x, lost(Cause::NoRoute(frame.table), frame.path));
                frame.next = None;
                continue;
            };
            let (step, end) = step_map.segment_at(x);
            let mut end = end.min(frame.hi);
            let path = frame.path;
            let mut enter = None;
            match step {
                Step::Deliver(s) => out.push(
                    x,
                    Outcome {
                        kind: Kind::Delivered(s),
                        path,
                    },
                ),
                Step::Lost(cause) => out.push(x, lost(cause, path)),
                Step::Via(s) if on_path.get(s).copied().unwrap_or(true) => {
                    out.push(x, lost(Cause::Loop(s), path));
                }
                Step::Via(s) => {
                    let via = self.paths.child(path, s);
                    let info = self.spokes.get(s);
                    let table = info.and_then(|i| i.table);
                    let vpc = info.and_then(|i| self.vpc_map(i.vpc, table, family));
                    let inside = match vpc {
                        Some(map) => {
                            let (inside, vpc_end) = map.segment_at(x);
                            end = end.min(vpc_end);
                            inside
                        }
                        None => false,
                    };
                    match (inside, table) {
                        (false, _) => out.push(x, lost(Cause::NoVpcRoute(s), via)),
                        (true, None) => out.push(x, lost(Cause::Unassociated(s), via)),
                        (true, Some(t)) => enter = Some((s, t, via)),
                    }
                }
            }
            frame.next = end.checked_add(1);
            if let Some((s, table, path)) = enter {
                if let Some(flag) = on_path.get_mut(s) {
                    *flag = true;
                }
                stack.push(Frame {
                    table,
                    next: Some(x),
                    hi: end,
                    path,
                    entered: Some(s),
                });
            }
        }
        out.finish(family.max())
    }
}

/// A walk in progress through one table over `[next, hi]`.
struct Frame {
    table: usize,
    next: Option<u128>,
    hi: u128,
    path: PathId,
    /// The appliance whose mark to clear when the frame ends.
    entered: Option<usize>,
}

/// One lookup in table `t`: the winning route's target, split where the
/// target spoke's own CIDRs begin and end.
pub(crate) fn one_hop(
    t: usize,
    family: Family,
    hops: &StepMap<Hop>,
    spokes: &[SpokeInfo],
) -> StepMap<Step> {
    let mut out = Builder::new(Step::Lost(Cause::NoRoute(t)));
    for (lo, hi, hop) in hops.all() {
        match hop {
            Hop::NoRoute => out.push(lo, Step::Lost(Cause::NoRoute(t))),
            Hop::Blackhole => out.push(lo, Step::Lost(Cause::Blackhole(t))),
            Hop::Spoke(s) => {
                let info = spokes.get(s);
                let elsewhere = match info {
                    Some(i) if i.appliance => Step::Via(s),
                    _ => Step::Lost(Cause::SentTo(s)),
                };
                out.push(lo, elsewhere);
                let own = info.map_or(&[][..], |i| i.own.get(family).as_slice());
                for (a, b) in overlapping(own, lo, hi) {
                    out.push(a, Step::Deliver(s));
                    if b < hi {
                        out.push(b + 1, elsewhere);
                    }
                }
            }
        }
    }
    out.finish(family.max())
}
