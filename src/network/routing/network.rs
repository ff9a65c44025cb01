//! A gateway prepared for queries: effective tables turned into maps from
//! address to next hop, spokes' CIDRs and VPC routes as sorted spans, and every
//! table's final forwarding resolved once.

use std::collections::BTreeMap;

use super::addr::{Family, PerFamily, Span, prefix_span, spans_of};
use super::forwarding::{Hop, Outcome, Step, one_hop};
use super::gateway::{Gateway, Target};
use super::paths::PathArena;
use super::step_map::{Builder, StepMap};
use super::table::effective_tables;

/// Which set of destinations a spoke's VPC sends to the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Vpc {
    /// Whatever its associated table routes.
    Default,
    /// An interned explicit list.
    Explicit(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct SpokeInfo {
    pub own: PerFamily<Vec<Span>>,
    pub table: Option<usize>,
    pub appliance: bool,
    pub vpc: Vpc,
}

/// A gateway prepared for queries.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    pub(super) spokes: Vec<SpokeInfo>,
    /// Explicit VPC route sets, shared by spokes that list the same addresses:
    /// as spans and as maps.
    explicit_spans: Vec<PerFamily<Vec<Span>>>,
    explicit: Vec<PerFamily<StepMap<bool>>>,
    /// Per table: the addresses it has any route for.
    routed: Vec<PerFamily<StepMap<bool>>>,
    pub(super) steps: Vec<PerFamily<StepMap<Step>>>,
    /// Per table: the outcome of a packet entering there.
    pub(super) finals: Vec<PerFamily<StepMap<Outcome>>>,
    pub(super) paths: PathArena,
}

impl Network {
    pub(crate) fn new(gateway: &Gateway) -> Self {
        let tables = effective_tables(gateway);
        let mut interned: BTreeMap<PerFamilyKey, usize> = BTreeMap::new();
        let mut explicit = Vec::new();
        let mut explicit_spans = Vec::new();
        let spokes: Vec<SpokeInfo> = gateway
            .spokes
            .iter()
            .map(|s| {
                let vpc = match &s.vpc_routes {
                    None => Vpc::Default,
                    Some(list) => {
                        let spans = spans_of(list);
                        let key = (spans.v4.clone(), spans.v6.clone());
                        let next = interned.len();
                        let id = *interned.entry(key).or_insert_with(|| {
                            explicit.push(PerFamily::build(|f| set_map(f, spans.get(f))));
                            explicit_spans.push(spans);
                            next
                        });
                        Vpc::Explicit(id)
                    }
                };
                SpokeInfo {
                    own: spans_of(&s.cidrs),
                    table: (s.associate < gateway.tables.len()).then_some(s.associate),
                    appliance: s.appliance,
                    vpc,
                }
            })
            .collect();

        let mut routed = Vec::with_capacity(tables.len());
        let mut steps = Vec::with_capacity(tables.len());
        for (t, table) in tables.iter().enumerate() {
            let hops = PerFamily::build(|family| {
                let spans: Vec<(Span, Hop)> = table
                    .routes
                    .iter()
                    .filter_map(|r| {
                        let (f, span) = prefix_span(&r.destination);
                        let hop = match r.target {
                            Target::Spoke(s) => Hop::Spoke(s),
                            Target::Blackhole => Hop::Blackhole,
                        };
                        (f == family).then_some((span, hop))
                    })
                    .collect();
                // Effective routes are sorted by address then length, which is
                // the outer-before-inner order the map needs.
                StepMap::from_nested(family.max(), Hop::NoRoute, &spans)
            });
            routed.push(PerFamily::build(|f| hops.get(f).map(|h| h != Hop::NoRoute)));
            steps.push(PerFamily::build(|f| one_hop(t, f, hops.get(f), &spokes)));
        }

        let mut network = Network {
            spokes,
            explicit_spans,
            explicit,
            routed,
            steps,
            finals: Vec::new(),
            paths: PathArena::default(),
        };
        let mut on_path = vec![false; network.spokes.len()];
        let mut finals = Vec::with_capacity(tables.len());
        for t in 0..tables.len() {
            finals.push(PerFamily::build(|f| network.walk(t, f, &mut on_path)));
        }
        network.finals = finals;
        network
    }

    /// The addresses a VPC with these routes and table sends to the gateway
    /// (its own CIDRs aside).
    pub(crate) fn vpc_map(
        &self,
        vpc: Vpc,
        table: Option<usize>,
        family: Family,
    ) -> Option<&StepMap<bool>> {
        match vpc {
            Vpc::Default => self.routed.get(table?).map(|m| m.get(family)),
            Vpc::Explicit(i) => self.explicit.get(i).map(|m| m.get(family)),
        }
    }

    /// The spans of an explicit VPC route set.
    pub(crate) fn explicit_spans(&self, set: usize, family: Family) -> &[Span] {
        self.explicit_spans
            .get(set)
            .map_or(&[], |s| s.get(family).as_slice())
    }
}

type PerFamilyKey = (Vec<Span>, Vec<Span>);

/// Membership in a normalised set of spans, as a map.
fn set_map(family: Family, spans: &[Span]) -> StepMap<bool> {
    let mut out = Builder::new(false);
    for &(lo, hi) in spans {
        out.push(lo, true);
        if let Some(after) = hi.checked_add(1) {
            out.push(after, false);
        }
    }
    out.finish(family.max())
}
