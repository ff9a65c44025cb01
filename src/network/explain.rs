//! Words for the engine's answers: why addresses do not arrive, which route carried
//! a packet through each table of a path, and where in the org that route was
//! written. Shared by the guardrail diagnostics and the audit.

use super::analysis::{Analysis, GatewayNet};
use super::routing::{AddrRange, Origin, Reason};
use crate::model::{GatewayIdx, Model, RouteTarget, SpokeIdx};
use crate::source::Loc;
use std::net::IpAddr;

pub fn spoke(model: &Model, s: SpokeIdx) -> &str {
    model.spokes.get(s).map_or("?", |s| s.name.as_str())
}

pub fn account_of_spoke(model: &Model, s: SpokeIdx) -> &str {
    model
        .spokes
        .get(s)
        .and_then(|s| model.accounts.get(s.account))
        .map_or("?", |a| a.name.as_str())
}

pub fn table(model: &Model, gateway: GatewayIdx, t: usize) -> &str {
    model
        .gateways
        .get(gateway)
        .and_then(|g| g.tables.get(t))
        .map_or("?", |t| t.name.as_str())
}

/// A range as the fewest CIDRs, for messages and output.
pub fn cidrs(range: &AddrRange) -> Vec<String> {
    range.prefixes().iter().map(ToString::to_string).collect()
}

/// `a → b → c`.
pub fn arrow_path(model: &Model, path: &[SpokeIdx]) -> String {
    path.iter()
        .map(|&s| spoke(model, s))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// A short machine name for a reason, as the audit JSON writes it.
pub fn reason_kind(reason: &Reason) -> &'static str {
    match reason {
        Reason::Blackhole { .. } => "blackhole",
        Reason::NoRoute { .. } => "no-route",
        Reason::NoVpcRoute { .. } => "no-vpc-route",
        Reason::SentTo { .. } => "sent-elsewhere",
        Reason::Loop { .. } => "loop",
        Reason::Local => "local",
        Reason::Unassociated { .. } => "unassociated",
    }
}

/// Why addresses do not arrive, as a phrase ("dropped by a blackhole in table `x`").
pub fn reason(model: &Model, gateway: GatewayIdx, reason: &Reason) -> String {
    match *reason {
        Reason::Blackhole { table: t } => {
            format!(
                "dropped by a blackhole route in table `{}`",
                table(model, gateway, t)
            )
        }
        Reason::NoRoute { table: t } => {
            format!("table `{}` has no route for them", table(model, gateway, t))
        }
        Reason::NoVpcRoute { spoke: s } => format!(
            "the VPC of `{}` does not route them to the gateway",
            spoke(model, s)
        ),
        Reason::SentTo { spoke: s } => format!(
            "sent to `{}`, which neither owns nor forwards them",
            spoke(model, s)
        ),
        Reason::Loop { appliance } => {
            format!("they loop back to appliance `{}`", spoke(model, appliance))
        }
        Reason::Local => "they are inside the source's own CIDRs".to_string(),
        Reason::Unassociated { spoke: s } => {
            format!("`{}` has no route table", spoke(model, s))
        }
    }
}

/// The route that decided one table lookup, in words, with where it is written.
pub struct Hop {
    pub text: String,
    pub loc: Option<Loc>,
    pub label: String,
}

/// The table lookups of a packet for `addr` along `path` (`[source, appliances…,
/// destination]`): one hop per spoke but the last, each in the table associated
/// with that spoke.
pub fn hops(model: &Model, net: &Analysis, path: &[SpokeIdx], addr: IpAddr) -> Vec<Hop> {
    lookups(
        model,
        net,
        path.get(..path.len().saturating_sub(1)).unwrap_or_default(),
        addr,
    )
}

/// The table lookups of a packet for `addr` arriving from each of `spokes` in
/// turn (a source, then the appliances it passed).
pub fn lookups(model: &Model, net: &Analysis, spokes: &[SpokeIdx], addr: IpAddr) -> Vec<Hop> {
    let mut out = Vec::new();
    for &s in spokes {
        let Some(sp) = model.spokes.get(s) else {
            continue;
        };
        let Some((g, _)) = net.place(s) else { continue };
        if let Some(hop) = lookup(model, g, sp.gateway, sp.associate, s, addr) {
            out.push(hop);
        }
    }
    out
}

/// The lookup of `addr` in table `t` for packets arriving from spoke `from`.
pub fn lookup(
    model: &Model,
    g: &GatewayNet,
    gateway: GatewayIdx,
    t: usize,
    from: SpokeIdx,
    addr: IpAddr,
) -> Option<Hop> {
    let tname = table(model, gateway, t);
    let route = g.winning_route(t, addr)?;
    let dest = route.destination;
    let to = match super::analysis::target(g, route) {
        RouteTarget::Spoke(s) => format!("`{}`", spoke(model, s)),
        RouteTarget::Blackhole => "blackhole".to_string(),
    };
    let at = format!(
        "in table `{tname}` (associated with `{}`)",
        spoke(model, from)
    );
    Some(match super::analysis::origin(g, route) {
        Origin::Static => {
            let loc = model
                .gateways
                .get(gateway)
                .and_then(|gw| gw.tables.get(t))
                .and_then(|tb| tb.routes.iter().find(|r| r.destination == dest))
                .map(|r| r.loc.clone());
            Hop {
                text: format!("{at}, the static route `{dest}` → {to} matches"),
                loc,
                label: format!("static route `{dest}` → {to} in table `{tname}`"),
            }
        }
        Origin::Propagated { spoke: p } => {
            let loc = model.spokes.get(p).and_then(|sp| {
                let i = sp.propagate.iter().position(|&x| x == t)?;
                sp.propagate_locs.get(i).cloned()
            });
            let name = spoke(model, p);
            Hop {
                text: format!("{at}, `{dest}` → {to} is propagated by `{name}`"),
                loc,
                label: format!("`{name}` propagates `{dest}` into table `{tname}`"),
            }
        }
    })
}

/// Where the cause of a loss is written, when it is one place: the blackhole
/// route, the table without a route, or the spoke whose VPC does not send.
pub fn reason_loc(
    model: &Model,
    net: &Analysis,
    gateway: GatewayIdx,
    reason: &Reason,
    addr: IpAddr,
) -> Option<(Loc, String)> {
    let table_of = |t: usize| model.gateways.get(gateway).and_then(|g| g.tables.get(t));
    match *reason {
        Reason::Blackhole { table: t } => {
            let g = net.gateways.get(gateway)?;
            let route = g.winning_route(t, addr)?;
            let r = table_of(t)?
                .routes
                .iter()
                .find(|r| r.destination == route.destination)?;
            Some((
                r.loc.clone(),
                format!(
                    "blackhole `{}` in table `{}`",
                    route.destination,
                    table(model, gateway, t)
                ),
            ))
        }
        Reason::NoRoute { table: t } => Some((
            table_of(t)?.loc.clone(),
            format!(
                "table `{}` has no route for `{addr}`",
                table(model, gateway, t)
            ),
        )),
        Reason::NoVpcRoute { spoke: s } => {
            let sp = model.spokes.get(s)?;
            let why = if sp.vpc_routes.is_some() {
                "its `vpc_routes` do not include"
            } else {
                "its default VPC routes (what its table routes) do not include"
            };
            Some((sp.loc.clone(), format!("`{}`: {why} `{addr}`", sp.name)))
        }
        Reason::SentTo { .. }
        | Reason::Loop { .. }
        | Reason::Local
        | Reason::Unassociated { .. } => None,
    }
}
