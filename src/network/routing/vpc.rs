//! The routes a spoke's VPC sends to the gateway.

use ipnet::IpNet;

use super::addr::{
    Family, PerFamily, Span, covered, normalise, prefix_span, span_prefixes, spans_of,
};
use super::gateway::{Gateway, Spoke};
use super::table::{EffectiveTable, effective_table, effective_tables};

/// The VPC routes a spoke gets when it sets no `vpc_routes`: every destination
/// its associated table routes (blackholes included), minus its own CIDRs.
///
/// Blackhole destinations are included because a blackhole states that the
/// gateway drops that traffic; leaving it out of the VPC would let the VPC send
/// it somewhere else instead (a default route to an internet gateway, say).
///
/// The list is the fewest prefixes covering those destinations, so that large
/// tables still fit in a VPC route table. The spoke's own CIDRs count as
/// "either way" while aggregating: a VPC's local route always wins over any
/// other route, so a prefix that also covers them sends exactly the same
/// traffic to the gateway. Prefixes entirely inside the own CIDRs are dropped.
/// Sorted by family, then address. Empty for an unknown spoke or table.
pub fn default_vpc_routes(gateway: &Gateway, spoke: usize) -> Vec<IpNet> {
    let Some(sp) = gateway.spokes.get(spoke) else {
        return Vec::new();
    };
    if sp.associate >= gateway.tables.len() {
        return Vec::new();
    }
    for_spoke(sp, &destinations(&effective_table(gateway, sp.associate)))
}

/// [`default_vpc_routes`] for every spoke, indexed by spoke, building each
/// table once instead of once per spoke.
pub fn all_default_vpc_routes(gateway: &Gateway) -> Vec<Vec<IpNet>> {
    let tables: Vec<PerFamily<Vec<Span>>> =
        effective_tables(gateway).iter().map(destinations).collect();
    gateway
        .spokes
        .iter()
        .map(|sp| {
            tables
                .get(sp.associate)
                .map(|t| for_spoke(sp, t))
                .unwrap_or_default()
        })
        .collect()
}

/// The VPC routes a spoke uses: its own `vpc_routes`, or the default.
pub fn vpc_routes(gateway: &Gateway, spoke: usize) -> Vec<IpNet> {
    match gateway.spokes.get(spoke).map(|s| &s.vpc_routes) {
        Some(Some(list)) => list.clone(),
        Some(None) => default_vpc_routes(gateway, spoke),
        None => Vec::new(),
    }
}

/// Everything a table has a route for.
fn destinations(table: &EffectiveTable) -> PerFamily<Vec<Span>> {
    spans_of(table.routes.iter().map(|r| &r.destination))
}

fn for_spoke(spoke: &Spoke, routed: &PerFamily<Vec<Span>>) -> Vec<IpNet> {
    let own = spans_of(&spoke.cidrs);
    let mut out = Vec::new();
    for family in Family::ALL {
        let routed = routed.get(family);
        if routed.is_empty() {
            continue;
        }
        let own = own.get(family);
        let spans = normalise(routed.iter().chain(own).copied().collect());
        for (lo, hi) in spans {
            out.extend(span_prefixes(family, lo, hi).into_iter().filter(|net| {
                let (_, (a, b)) = prefix_span(net);
                !covered(own, a, b)
            }));
        }
    }
    out
}
