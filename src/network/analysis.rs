//! The org's network as the routing engine sees it, and the questions compile,
//! guardrails and audits ask of it, in the model's indices.
//!
//! The engine works one gateway at a time with spoke indices local to the gateway;
//! [`Analysis`] builds one engine input per gateway from the model, analyses it once,
//! and translates every answer back to model spoke indices. Spokes of different
//! gateways never reach each other (there is no gateway peering in format v1).
//!
//! Accounts reach each other through their spokes. An account may own several
//! spokes, on one or several gateways, so an account pair is decided spoke by spoke
//! (see [`Analysis::account_reach`]): account `A` reaches account `B` in full when
//! every spoke of `B` is reached in full by at least one spoke of `A`; not at all
//! when no spoke of `A` reaches any address of `B`; in part otherwise. The return
//! direction of `(A, B)` is `B` reaching `A` by the same rule.

use super::routing::{
    self, Delivery, EffectiveTable, Exit, Fate, Forward, Loss, Origin, Reachability, Reason,
    Status, Target,
};
use crate::model::{AccountIdx, GatewayIdx, Model, RouteTarget, SpokeIdx, TableIdx};
use ipnet::IpNet;
use std::net::IpAddr;

/// Address ranges that are not the public internet (RFC 6890 special-purpose
/// ranges and private networks), for the internet-exposure audit.
const NOT_INTERNET: [&str; 15] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "2001:db8::/32",
];

/// The internet: all of IPv4, and IPv6 global unicast, minus [`NOT_INTERNET`].
const INTERNET_V4: &str = "0.0.0.0/0";
const INTERNET_V6: &str = "2000::/3";

/// One gateway prepared for queries.
#[derive(Debug, Clone)]
pub struct GatewayNet {
    /// The engine's input, with spoke indices local to the gateway.
    pub input: routing::Gateway,
    /// Local spoke index → model spoke index.
    pub spokes: Vec<SpokeIdx>,
    /// Every table's effective routes, by table index (the model's), with local
    /// spoke indices.
    pub tables: Vec<EffectiveTable>,
    /// Per local spoke: the destinations its VPC sends to the gateway (its own
    /// `vpc_routes`, or the default derived from its table).
    pub vpc_routes: Vec<Vec<IpNet>>,
    pub reach: Reachability,
}

impl GatewayNet {
    /// The model index of a local spoke.
    pub fn global(&self, local: usize) -> SpokeIdx {
        self.spokes.get(local).copied().unwrap_or(usize::MAX)
    }

    /// The route of `table` that wins for `addr` (longest prefix; the effective
    /// table holds one route per prefix).
    pub fn winning_route(&self, table: TableIdx, addr: IpAddr) -> Option<&routing::Route> {
        self.tables
            .get(table)?
            .routes
            .iter()
            .filter(|r| r.destination.contains(&addr))
            .max_by_key(|r| r.destination.prefix_len())
    }
}

/// The whole org's network, analysed.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub gateways: Vec<GatewayNet>,
    /// Per model spoke: its gateway and its local index there.
    place: Vec<(GatewayIdx, usize)>,
    /// Per account: its spokes, in name order.
    account_spokes: Vec<Vec<SpokeIdx>>,
    /// Per model spoke: whether it is an appliance with internet egress.
    egress_appliance: Vec<bool>,
}

/// How one account's spokes reach another account's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReach {
    pub status: Status,
    /// For each spoke of the destination account, in name order: the spoke of the
    /// source account that reaches it best (the first in name order among equals;
    /// `None` when no spoke of the source shares its gateway) and how well.
    pub best: Vec<BestSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BestSource {
    pub to: SpokeIdx,
    pub from: Option<SpokeIdx>,
    pub status: Status,
}

impl AccountReach {
    /// The spoke pair that shows the account pair's best reach: the first
    /// destination spoke with the best status, and its best source. `None` when
    /// nothing arrives.
    pub fn witness(&self) -> Option<(SpokeIdx, SpokeIdx)> {
        let best = self.best.iter().map(|b| b.status).max()?;
        if best == Status::None {
            return None;
        }
        self.best
            .iter()
            .find(|b| b.status == best)
            .and_then(|b| Some((b.from?, b.to)))
    }

    /// The spoke pair that shows why the account pair is not reached in full: the
    /// first destination spoke reached worst. `None` when everything arrives.
    pub fn shortfall(&self) -> Option<BestSource> {
        let worst = self.best.iter().map(|b| b.status).min()?;
        if worst == Status::Full {
            return None;
        }
        self.best.iter().find(|b| b.status == worst).copied()
    }
}

/// How a spoke's traffic to the internet fares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Egress {
    /// How much of the internet (in the address families the spoke has) its
    /// packets reach through an egress appliance: `None` when it has no such path.
    pub status: Status,
    /// The egress appliances its packets leave through, in index order.
    pub through: Vec<SpokeIdx>,
    /// The appliances passed on the way out, for the lowest public address that
    /// leaves (`[.., egress appliance]`); empty when none leaves.
    pub path: Vec<SpokeIdx>,
    /// Every stretch of the internet and its fate (model spoke indices).
    pub exits: Vec<Exit>,
}

impl Analysis {
    /// Build and analyse every gateway of the model.
    pub fn new(model: &Model) -> Analysis {
        let mut place = vec![(usize::MAX, usize::MAX); model.spokes.len()];
        let mut members: Vec<Vec<SpokeIdx>> = vec![Vec::new(); model.gateways.len()];
        for (i, s) in model.spokes.iter().enumerate() {
            if let Some(list) = members.get_mut(s.gateway) {
                if let Some(p) = place.get_mut(i) {
                    *p = (s.gateway, list.len());
                }
                list.push(i);
            }
        }
        let gateways = model
            .gateways
            .iter()
            .zip(members)
            .enumerate()
            .map(|(gi, (g, spokes))| gateway_net(model, gi, g, spokes, &place))
            .collect();
        let mut account_spokes = vec![Vec::new(); model.accounts.len()];
        for (i, s) in model.spokes.iter().enumerate() {
            if let Some(list) = account_spokes.get_mut(s.account) {
                list.push(i);
            }
        }
        let egress_appliance = model
            .spokes
            .iter()
            .map(|s| s.appliance && s.internet.egress())
            .collect();
        Analysis {
            gateways,
            place,
            account_spokes,
            egress_appliance,
        }
    }

    /// The gateway of a spoke and the spoke's index there.
    pub fn place(&self, spoke: SpokeIdx) -> Option<(&GatewayNet, usize)> {
        let &(g, local) = self.place.get(spoke)?;
        Some((self.gateways.get(g)?, local))
    }

    /// The gateway two spokes share, with their local indices.
    fn shared(&self, a: SpokeIdx, b: SpokeIdx) -> Option<(&GatewayNet, usize, usize)> {
        let &(ga, la) = self.place.get(a)?;
        let &(gb, lb) = self.place.get(b)?;
        if ga != gb {
            return None;
        }
        Some((self.gateways.get(ga)?, la, lb))
    }

    /// The spokes of an account, in name order.
    pub fn spokes_of(&self, account: AccountIdx) -> &[SpokeIdx] {
        self.account_spokes
            .get(account)
            .map_or(&[][..], Vec::as_slice)
    }

    /// How much of `b`'s addresses `a`'s packets reach; `None` for spokes of
    /// different gateways.
    pub fn status(&self, a: SpokeIdx, b: SpokeIdx) -> Status {
        self.shared(a, b)
            .map_or(Status::None, |(g, la, lb)| g.reach.status(la, lb))
    }

    /// `[a, appliances…, b]` for the lowest address of `b` that `a`'s packets
    /// reach; empty when none does.
    pub fn path(&self, a: SpokeIdx, b: SpokeIdx) -> Vec<SpokeIdx> {
        self.shared(a, b).map_or_else(Vec::new, |(g, la, lb)| {
            g.reach
                .path(la, lb)
                .into_iter()
                .map(|s| g.global(s))
                .collect()
        })
    }

    /// Packets from `a` to every address of `b` in detail, with model spoke
    /// indices; `None` for spokes of different gateways.
    pub fn forward(&self, a: SpokeIdx, b: SpokeIdx) -> Option<Forward> {
        let (g, la, lb) = self.shared(a, b)?;
        Some(globalise(g, g.reach.forward(la, lb)))
    }

    /// The status of `a`'s packets to `b` counting only deliveries whose path
    /// passes through one of `via` (every delivery when `via` is empty).
    pub fn status_via(&self, a: SpokeIdx, b: SpokeIdx, via: &[SpokeIdx]) -> Status {
        let plain = self.status(a, b);
        if via.is_empty() || plain == Status::None {
            return plain;
        }
        let Some(f) = self.forward(a, b) else {
            return Status::None;
        };
        let (counted, other): (Vec<&Delivery>, Vec<&Delivery>) = f
            .delivered
            .iter()
            .partition(|d| d.via.iter().any(|s| via.contains(s)));
        match (counted.is_empty(), other.is_empty() && f.lost.is_empty()) {
            (true, _) => Status::None,
            (false, true) => Status::Full,
            (false, false) => Status::Partial,
        }
    }

    /// The spokes of the org that `a` reaches at all, by model index in increasing
    /// order, with their status (`a` itself left out).
    pub fn spoke_reached(&self, a: SpokeIdx) -> Vec<(SpokeIdx, Status)> {
        let mut out: Vec<(SpokeIdx, Status)> = match self.place(a) {
            Some((g, la)) => g
                .reach
                .reached_from(la)
                .map(|(l, st)| (g.global(l), st))
                .collect(),
            None => Vec::new(),
        };
        out.sort_unstable_by_key(|&(b, _)| b);
        out
    }

    /// For every spoke of the org that a spoke of account `from` reaches at all,
    /// how well the best of them reaches it, and that spoke (the first in name
    /// order among equals; never the spoke itself): what
    /// [`Analysis::account_reach`] says of every destination at once, leaving out
    /// the spokes nothing of `from` reaches.
    pub fn account_reached(&self, from: AccountIdx) -> AccountReached {
        let mut cells: Vec<ReachedSpoke> = Vec::new();
        for &a in self.spokes_of(from) {
            let Some((g, la)) = self.place(a) else {
                continue;
            };
            cells.extend(
                g.reach
                    .reached_from(la)
                    .map(|(l, status)| ReachedSpoke {
                        to: g.global(l),
                        status,
                        from: a,
                    })
                    .filter(|c| c.to != a),
            );
        }
        AccountReached {
            cells: best_per_destination(cells),
        }
    }

    /// How `from`'s spokes reach `to`'s (see the module documentation), counting
    /// only paths through `via` when it is not empty.
    pub fn account_reach(
        &self,
        from: AccountIdx,
        to: AccountIdx,
        via: &[SpokeIdx],
    ) -> AccountReach {
        let sources = self.spokes_of(from);
        let best: Vec<BestSource> = self
            .spokes_of(to)
            .iter()
            .map(|&b| {
                let mut best = BestSource {
                    to: b,
                    from: None,
                    status: Status::None,
                };
                for &a in sources {
                    if a == b || self.shared(a, b).is_none() {
                        continue;
                    }
                    let s = self.status_via(a, b, via);
                    if best.from.is_none() || s > best.status {
                        best.from = Some(a);
                        best.status = s;
                    }
                    if s == Status::Full {
                        break;
                    }
                }
                best
            })
            .collect();
        let all = |s: Status| best.iter().all(|b| b.status == s);
        let status = if best.is_empty() || all(Status::None) {
            Status::None
        } else if all(Status::Full) {
            Status::Full
        } else {
            Status::Partial
        };
        AccountReach { status, best }
    }

    /// How `spoke`'s packets to the internet fare (see [`Egress`]). Only the
    /// address families the spoke has CIDRs in are asked about.
    pub fn internet_egress(&self, model: &Model, spoke: SpokeIdx) -> Egress {
        let excluded = self
            .place(spoke)
            .map(|(g, _)| not_internet(g))
            .unwrap_or_default();
        self.egress_with(model, spoke, &excluded)
    }

    /// [`Analysis::internet_egress`] of every spoke, by model index. Spokes of one
    /// gateway with the same table, VPC routes and address families fare the same
    /// on addresses no spoke owns, so each such group is asked once.
    pub fn internet_egress_all(&self, model: &Model) -> Vec<Egress> {
        type Key<'a> = (GatewayIdx, TableIdx, Option<&'a Vec<IpNet>>, bool, bool);
        let excluded: Vec<Vec<IpNet>> = self.gateways.iter().map(not_internet).collect();
        let mut done: std::collections::BTreeMap<Key<'_>, Egress> = Default::default();
        let mut out = Vec::with_capacity(model.spokes.len());
        for (i, sp) in model.spokes.iter().enumerate() {
            let key: Key<'_> = (
                sp.gateway,
                sp.associate,
                sp.vpc_routes.as_ref(),
                sp.cidrs.iter().any(|c| matches!(c, IpNet::V4(_))),
                sp.cidrs.iter().any(|c| matches!(c, IpNet::V6(_))),
            );
            let e = match done.get(&key) {
                Some(e) => e.clone(),
                None => {
                    let ex = excluded.get(sp.gateway).map_or(&[][..], Vec::as_slice);
                    let e = self.egress_with(model, i, ex);
                    done.insert(key, e.clone());
                    e
                }
            };
            out.push(e);
        }
        out
    }

    fn egress_with(&self, model: &Model, spoke: SpokeIdx, excluded: &[IpNet]) -> Egress {
        let none = Egress {
            status: Status::None,
            through: Vec::new(),
            path: Vec::new(),
            exits: Vec::new(),
        };
        let (Some((g, local)), Some(sp)) = (self.place(spoke), model.spokes.get(spoke)) else {
            return none;
        };
        let mut internet = Vec::new();
        for (has, cidr) in [
            (
                sp.cidrs.iter().any(|c| matches!(c, IpNet::V4(_))),
                INTERNET_V4,
            ),
            (
                sp.cidrs.iter().any(|c| matches!(c, IpNet::V6(_))),
                INTERNET_V6,
            ),
        ] {
            if has && let Ok(net) = cidr.parse::<IpNet>() {
                internet.push(net);
            }
        }
        let exits: Vec<Exit> = g
            .reach
            .toward(local, &internet, excluded)
            .into_iter()
            .map(|e| globalise_exit(g, e))
            .collect();
        let (mut out, mut lost) = (false, false);
        let mut through = Vec::new();
        let mut path = Vec::new();
        for e in &exits {
            match self.leaves_through(e) {
                Some(appliance) => {
                    out = true;
                    if !through.contains(&appliance) {
                        through.push(appliance);
                    }
                    if path.is_empty() {
                        path = e.via.clone();
                    }
                }
                None => lost = true,
            }
        }
        through.sort_unstable();
        Egress {
            status: status_of(out, lost),
            through,
            path,
            exits,
        }
    }

    /// The egress appliance an internet-bound stretch leaves through: the last
    /// appliance passed keeps the packets (its VPC does not send them back to the
    /// gateway) and has internet egress.
    pub fn leaves_through(&self, exit: &Exit) -> Option<SpokeIdx> {
        match exit.fate {
            Fate::Lost(Reason::NoVpcRoute { spoke })
                if exit.via.last() == Some(&spoke)
                    && self.egress_appliance.get(spoke).copied().unwrap_or(false) =>
            {
                Some(spoke)
            }
            _ => None,
        }
    }
}

/// One cell per destination from cells listed source by source (sources in name
/// order): the best status, and among sources that reach it equally the first.
fn best_per_destination(mut cells: Vec<ReachedSpoke>) -> Vec<ReachedSpoke> {
    // By destination, best status first; the sort is stable, so the first source
    // among equals stays first, and is the one kept.
    cells.sort_by(|x, y| x.to.cmp(&y.to).then(y.status.cmp(&x.status)));
    cells.dedup_by_key(|c| c.to);
    cells
}

/// One destination spoke of an [`AccountReached`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReachedSpoke {
    pub to: SpokeIdx,
    /// How well the best source spoke reaches it; never none.
    pub status: Status,
    /// That source spoke.
    pub from: SpokeIdx,
}

/// The spokes one account reaches, by destination ([`Analysis::account_reached`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountReached {
    cells: Vec<ReachedSpoke>,
}

impl AccountReached {
    /// Every destination spoke reached, in increasing model index.
    pub fn spokes(&self) -> &[ReachedSpoke] {
        &self.cells
    }

    fn cell(&self, to: SpokeIdx) -> Option<&ReachedSpoke> {
        self.cells
            .binary_search_by_key(&to, |c| c.to)
            .ok()
            .and_then(|i| self.cells.get(i))
    }

    /// The account pair's status towards an account with spokes `to_spokes`:
    /// every one of them reached in full, none reached at all, or in between.
    pub fn status(&self, to_spokes: &[SpokeIdx]) -> Status {
        let (mut all_full, mut all_none) = (true, true);
        for &b in to_spokes {
            let st = self.cell(b).map_or(Status::None, |c| c.status);
            all_full &= st == Status::Full;
            all_none &= st == Status::None;
        }
        match (to_spokes.is_empty(), all_full, all_none) {
            (true, _, _) | (_, _, true) => Status::None,
            (_, true, _) => Status::Full,
            _ => Status::Partial,
        }
    }

    /// The spoke pair that shows the account pair's best reach (as
    /// [`AccountReach::witness`]): the first of `to_spokes` reached best, and its
    /// source. `None` when nothing arrives.
    pub fn witness(&self, to_spokes: &[SpokeIdx]) -> Option<(SpokeIdx, SpokeIdx)> {
        let best = to_spokes
            .iter()
            .filter_map(|&b| self.cell(b))
            .max_by_key(|c| c.status)?
            .status;
        let c = to_spokes
            .iter()
            .filter_map(|&b| self.cell(b))
            .find(|c| c.status == best)?;
        Some((c.from, c.to))
    }
}

/// What is not the internet on a gateway: the special-purpose ranges and every
/// spoke's CIDRs.
fn not_internet(g: &GatewayNet) -> Vec<IpNet> {
    NOT_INTERNET
        .iter()
        .filter_map(|c| c.parse::<IpNet>().ok())
        .chain(g.input.spokes.iter().flat_map(|s| s.cidrs.iter().copied()))
        .collect()
}

fn status_of(delivered: bool, lost: bool) -> Status {
    match (delivered, lost) {
        (false, _) => Status::None,
        (true, true) => Status::Partial,
        (true, false) => Status::Full,
    }
}

/// The engine's input for gateway `gi`: its tables and the spokes attached to it.
fn gateway_net(
    model: &Model,
    gi: GatewayIdx,
    g: &crate::model::Gateway,
    spokes: Vec<SpokeIdx>,
    place: &[(GatewayIdx, usize)],
) -> GatewayNet {
    let local = |s: SpokeIdx| match place.get(s) {
        Some(&(pg, l)) if pg == gi => Some(l),
        _ => None,
    };
    let tables = g
        .tables
        .iter()
        .map(|t| routing::Table {
            name: t.name.clone(),
            static_routes: t
                .routes
                .iter()
                .filter_map(|r| {
                    let target = match r.target {
                        RouteTarget::Spoke(s) => Target::Spoke(local(s)?),
                        RouteTarget::Blackhole => Target::Blackhole,
                    };
                    Some(routing::StaticRoute {
                        destination: r.destination,
                        target,
                    })
                })
                .collect(),
        })
        .collect();
    let input_spokes = spokes
        .iter()
        .filter_map(|&s| model.spokes.get(s))
        .map(|s| routing::Spoke {
            name: s.name.clone(),
            cidrs: s.cidrs.clone(),
            associate: s.associate,
            propagate: s.propagate.clone(),
            appliance: s.appliance,
            vpc_routes: s.vpc_routes.clone(),
        })
        .collect();
    let input = routing::Gateway {
        tables,
        spokes: input_spokes,
    };
    let effective = (0..input.tables.len())
        .map(|t| routing::effective_table(&input, t))
        .collect();
    let mut vpc_routes = routing::all_default_vpc_routes(&input);
    for (routes, s) in vpc_routes.iter_mut().zip(&input.spokes) {
        if let Some(explicit) = &s.vpc_routes {
            routes.clone_from(explicit);
        }
    }
    let reach = Reachability::analyse(&input);
    GatewayNet {
        input,
        spokes,
        tables: effective,
        vpc_routes,
        reach,
    }
}

/// A reason with model spoke indices.
fn globalise_reason(g: &GatewayNet, r: Reason) -> Reason {
    match r {
        Reason::NoVpcRoute { spoke } => Reason::NoVpcRoute {
            spoke: g.global(spoke),
        },
        Reason::SentTo { spoke } => Reason::SentTo {
            spoke: g.global(spoke),
        },
        Reason::Loop { appliance } => Reason::Loop {
            appliance: g.global(appliance),
        },
        Reason::Unassociated { spoke } => Reason::Unassociated {
            spoke: g.global(spoke),
        },
        Reason::Blackhole { .. } | Reason::NoRoute { .. } | Reason::Local => r,
    }
}

fn globalise_list(g: &GatewayNet, list: Vec<usize>) -> Vec<SpokeIdx> {
    list.into_iter().map(|s| g.global(s)).collect()
}

fn globalise(g: &GatewayNet, f: Forward) -> Forward {
    Forward {
        status: f.status,
        path: globalise_list(g, f.path),
        delivered: f
            .delivered
            .into_iter()
            .map(|d| Delivery {
                range: d.range,
                via: globalise_list(g, d.via),
            })
            .collect(),
        lost: f
            .lost
            .into_iter()
            .map(|l| Loss {
                range: l.range,
                reason: globalise_reason(g, l.reason),
                via: globalise_list(g, l.via),
            })
            .collect(),
    }
}

fn globalise_exit(g: &GatewayNet, e: Exit) -> Exit {
    Exit {
        range: e.range,
        fate: match e.fate {
            Fate::Delivered { spoke } => Fate::Delivered {
                spoke: g.global(spoke),
            },
            Fate::Lost(r) => Fate::Lost(globalise_reason(g, r)),
        },
        via: globalise_list(g, e.via),
    }
}

/// The origin of a route, with model spoke indices.
pub fn origin(g: &GatewayNet, route: &routing::Route) -> Origin {
    match route.origin {
        Origin::Static => Origin::Static,
        Origin::Propagated { spoke } => Origin::Propagated {
            spoke: g.global(spoke),
        },
    }
}

/// A route's target, with model spoke indices.
pub fn target(g: &GatewayNet, route: &routing::Route) -> RouteTarget {
    match route.target {
        Target::Spoke(s) => RouteTarget::Spoke(g.global(s)),
        Target::Blackhole => RouteTarget::Blackhole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(to: SpokeIdx, status: Status, from: SpokeIdx) -> ReachedSpoke {
        ReachedSpoke { to, status, from }
    }

    /// Each destination once, from its best source; among equal sources the first
    /// in name order, as `account_reach` picks it.
    #[test]
    fn the_best_source_of_each_destination_is_kept() {
        let cells = vec![
            // Source 4 (first in name order), then source 2.
            cell(9, Status::Partial, 4),
            cell(7, Status::Full, 4),
            cell(5, Status::Partial, 4),
            cell(9, Status::Full, 2),
            cell(7, Status::Full, 2),
            cell(5, Status::Partial, 2),
        ];
        assert_eq!(
            best_per_destination(cells),
            [
                cell(5, Status::Partial, 4),
                cell(7, Status::Full, 4),
                cell(9, Status::Full, 2),
            ]
        );
        let reached = AccountReached {
            cells: vec![cell(5, Status::Partial, 4), cell(7, Status::Full, 4)],
        };
        assert_eq!(reached.status(&[5, 7]), Status::Partial);
        assert_eq!(reached.status(&[7]), Status::Full);
        assert_eq!(reached.status(&[8]), Status::None);
        assert_eq!(reached.status(&[]), Status::None);
        assert_eq!(reached.status(&[7, 8]), Status::Partial);
        assert_eq!(reached.witness(&[5, 7]), Some((4, 7)));
        assert_eq!(reached.witness(&[8, 5]), Some((4, 5)));
        assert_eq!(reached.witness(&[8]), None);
    }
}
