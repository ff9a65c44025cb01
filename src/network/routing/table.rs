//! Effective route tables: static routes plus propagated spoke CIDRs, with the
//! propagated routes that a static route for the same prefix hides.

use ipnet::IpNet;

use super::addr::prefix_key;
use super::gateway::{Gateway, Target};

/// Where a route in an effective table came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    Static,
    Propagated { spoke: usize },
}

/// A route as the gateway holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub destination: IpNet,
    pub target: Target,
    pub origin: Origin,
}

/// A route that is not installed because another route has the same prefix.
///
/// With validated input `route` is always propagated and `by` static (AWS keeps
/// only the static one). Invalid input can also produce a second static route
/// for a prefix, or two spokes propagating the same CIDR; the first static
/// route, else the lowest spoke, wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shadowed {
    pub route: Route,
    pub by: Route,
}

/// Route counts for the per-gateway quota.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteCounts {
    /// Installed static routes, blackholes included.
    pub static_routes: usize,
    /// Installed propagated routes.
    pub propagated: usize,
    /// Routes hidden by another route for the same prefix.
    pub shadowed: usize,
}

impl RouteCounts {
    /// Routes the gateway shows.
    pub fn installed(&self) -> usize {
        self.static_routes + self.propagated
    }

    /// What to hold against the 10,000-route quota: installed routes plus
    /// shadowed propagations. AWS hides a shadowed propagation but keeps the
    /// propagation itself, and deleting the static route brings the route back;
    /// counting it keeps that deletion from breaking the quota.
    pub fn total(&self) -> usize {
        self.installed() + self.shadowed
    }

    fn add(self, other: RouteCounts) -> RouteCounts {
        RouteCounts {
            static_routes: self.static_routes + other.static_routes,
            propagated: self.propagated + other.propagated,
            shadowed: self.shadowed + other.shadowed,
        }
    }
}

/// A table's routes as the gateway will hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EffectiveTable {
    /// Sorted by family, then prefix address, then prefix length; one per prefix.
    pub routes: Vec<Route>,
    /// Sorted like `routes`.
    pub shadowed: Vec<Shadowed>,
    pub counts: RouteCounts,
}

/// The effective routes of table `table` (empty if there is no such table).
/// Static routes to a spoke that does not exist are left out.
pub fn effective_table(gateway: &Gateway, table: usize) -> EffectiveTable {
    let propagating = propagating_spokes(gateway);
    build(
        gateway,
        table,
        propagating.get(table).map_or(&[], Vec::as_slice),
    )
}

/// Route counts summed over every table of the gateway.
pub fn gateway_route_counts(gateway: &Gateway) -> RouteCounts {
    effective_tables(gateway)
        .iter()
        .fold(RouteCounts::default(), |acc, t| acc.add(t.counts))
}

/// Every table's effective routes, in table order.
pub(crate) fn effective_tables(gateway: &Gateway) -> Vec<EffectiveTable> {
    let propagating = propagating_spokes(gateway);
    (0..gateway.tables.len())
        .map(|t| build(gateway, t, propagating.get(t).map_or(&[], Vec::as_slice)))
        .collect()
}

/// For each table, the spokes propagating to it, each once, in spoke order.
fn propagating_spokes(gateway: &Gateway) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); gateway.tables.len()];
    for (s, spoke) in gateway.spokes.iter().enumerate() {
        for &t in &spoke.propagate {
            if let Some(list) = out.get_mut(t) {
                // Spokes are visited in order, so a repeat is always the last entry.
                if list.last() != Some(&s) {
                    list.push(s);
                }
            }
        }
    }
    out
}

fn build(gateway: &Gateway, table: usize, propagating: &[usize]) -> EffectiveTable {
    let Some(tbl) = gateway.tables.get(table) else {
        return EffectiveTable::default();
    };
    let spoke_count = gateway.spokes.len();
    let statics = tbl
        .static_routes
        .iter()
        .filter(|r| match r.target {
            Target::Spoke(s) => s < spoke_count,
            Target::Blackhole => true,
        })
        .map(|r| Route {
            destination: r.destination.trunc(),
            target: r.target,
            origin: Origin::Static,
        });
    let propagated = propagating.iter().flat_map(|&s| {
        gateway.spokes.get(s).into_iter().flat_map(move |spoke| {
            spoke.cidrs.iter().map(move |c| Route {
                destination: c.trunc(),
                target: Target::Spoke(s),
                origin: Origin::Propagated { spoke: s },
            })
        })
    });
    let mut candidates: Vec<(usize, Route)> = statics.chain(propagated).enumerate().collect();
    // For one prefix the winner sorts first: static before propagated (AWS's
    // rule), then input order, which puts the lower spoke first.
    candidates.sort_by_key(|(i, r)| (prefix_key(&r.destination), r.origin != Origin::Static, *i));

    let mut out = EffectiveTable::default();
    for (_, route) in candidates {
        match out.routes.last() {
            Some(winner) if winner.destination == route.destination => {
                // A CIDR listed twice by one spoke is one route, not a shadow.
                if *winner != route {
                    out.shadowed.push(Shadowed { route, by: *winner });
                }
            }
            _ => out.routes.push(route),
        }
    }
    let static_routes = out
        .routes
        .iter()
        .filter(|r| r.origin == Origin::Static)
        .count();
    out.counts = RouteCounts {
        static_routes,
        propagated: out.routes.len() - static_routes,
        shadowed: out.shadowed.len(),
    };
    out
}
