//! Rules on Transit Gateways, their route tables and static routes, and spokes.

use super::{Ctx, Kind, check_region};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::parse::Defined;
use crate::spanned::Spanned;
use crate::spec;
use ipnet::IpNet;
use std::collections::BTreeMap;

/// AWS quotas per gateway.
const MAX_ROUTE_TABLES: usize = 20;
const MAX_ROUTES: usize = 10_000;
const MAX_ATTACHMENTS: usize = 5_000;

pub(super) fn network(
    ctx: &Ctx<'_>,
    org: Option<&Org>,
    diags: &mut Diagnostics,
) -> (Vec<Gateway>, Vec<Spoke>) {
    let home = org.map(|o| o.home_region.clone()).unwrap_or_default();
    let mut gateways: Vec<Gateway> = ctx
        .spec
        .transit_gateways
        .iter()
        .map(|(name, def)| gateway(ctx, name, def, &home, diags))
        .collect();
    // The gateway of each spoke by its index among the org's spokes (`None` for one
    // that did not resolve): a route's attachment is checked against it.
    let mut gateway_of = Vec::with_capacity(ctx.spec.spokes.len());
    let spokes: Vec<Spoke> = ctx
        .spec
        .spokes
        .iter()
        .filter_map(|(name, def)| {
            let resolved = spoke(ctx, name, def, &gateways, diags);
            gateway_of.push(resolved.as_ref().map(|s| s.gateway));
            resolved
        })
        .collect();
    // Static routes name spokes, so they resolve once spokes are known.
    for (g, (name, def)) in gateways.iter_mut().zip(&ctx.spec.transit_gateways) {
        for (table, (tname, tdef)) in g.tables.iter_mut().zip(&def.route_tables) {
            table.routes = routes(ctx, name, tname, def, tdef, &gateway_of, diags);
        }
    }
    for (gi, (name, def)) in ctx.spec.transit_gateways.iter().enumerate() {
        check_overlaps(ctx, gi, &spokes, diags);
        check_gateway_limits(name, def, gi, &gateways, &spokes, diags);
    }
    (gateways, spokes)
}

fn gateway(
    ctx: &Ctx<'_>,
    name: &str,
    def: &Defined<spec::TransitGateway>,
    home: &str,
    diags: &mut Diagnostics,
) -> Gateway {
    let account = ctx
        .lookup_in(Kind::Account, def, &def.account, diags)
        .unwrap_or(0);
    if let Some(r) = &def.region {
        check_region(def, r, diags);
    }
    if let Some(asn) = &def.asn {
        check_asn(def, asn, diags);
    }
    Gateway {
        name: name.to_string(),
        account,
        region: def
            .region
            .as_ref()
            .map_or_else(|| home.to_string(), |r| r.value.clone()),
        asn: def.asn.as_ref().map(|a| a.value),
        tables: def
            .route_tables
            .iter()
            .map(|(tname, t)| RouteTable {
                name: tname.clone(),
                routes: Vec::new(),
                loc: def.loc(t),
            })
            .collect(),
        loc: def.whole(),
    }
}

/// Rule `orgc::network::invalid-asn`: a gateway's Amazon-side ASN must be private:
/// 64512–65534 or 4200000000–4294967294.
fn check_asn(def: &Defined<spec::TransitGateway>, asn: &Spanned<i64>, diags: &mut Diagnostics) {
    let ok = (64512..=65534).contains(&asn.value)
        || (4_200_000_000..=4_294_967_294).contains(&asn.value);
    if !ok {
        diags.push(
            Diagnostic::error(
                "orgc::network::invalid-asn",
                format!(
                    "ASN `{}` is not a private ASN a Transit Gateway accepts",
                    asn.value
                ),
            )
            .at_loc(def.loc(asn))
            .label_primary("out of range")
            .with_help("use 64512–65534 (16-bit) or 4200000000–4294967294 (32-bit)"),
        );
    }
}

/// Parse a CIDR. Rule `orgc::network::invalid-cidr`: it must be an IPv4 or IPv6
/// prefix. Rule `orgc::network::host-bits`: host bits must be zero — AWS rejects
/// `10.0.0.1/16`, and a reader could not tell which network was meant.
fn cidr<T>(def: &Defined<T>, s: &Spanned<String>, diags: &mut Diagnostics) -> Option<IpNet> {
    let Ok(net) = s.parse::<IpNet>() else {
        let prefix_of = |addr: &str| match addr.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => Some(32),
            Ok(std::net::IpAddr::V6(_)) => Some(128),
            Err(_) => None,
        };
        let help = if let Some(max) = prefix_of(s.trim()) {
            format!("add a prefix length, e.g. `{}/{max}`", s.value.trim())
        } else if let Some((addr, len)) = s.split_once('/')
            && let Some(max) = prefix_of(addr)
        {
            format!(
                "`/{len}` is not a prefix length: it is 0 to {max} for an IPv{} CIDR",
                if max == 32 { 4 } else { 6 }
            )
        } else {
            "write a CIDR such as `10.1.0.0/16` or `2001:db8::/56`".to_string()
        };
        diags.push(
            Diagnostic::error(
                "orgc::network::invalid-cidr",
                format!("`{}` is not a CIDR", s.value),
            )
            .at_loc(def.loc(s))
            .with_help(help),
        );
        return None;
    };
    if net.trunc() != net {
        diags.push(
            Diagnostic::error(
                "orgc::network::host-bits",
                format!("`{}` has host bits set", s.value),
            )
            .at_loc(def.loc(s))
            .label_primary(format!("the network is `{}`", net.trunc()))
            .with_help(format!("write `{}`", net.trunc())),
        );
        return None;
    }
    Some(net)
}

fn spoke(
    ctx: &Ctx<'_>,
    name: &str,
    def: &Defined<spec::Spoke>,
    gateways: &[Gateway],
    diags: &mut Diagnostics,
) -> Option<Spoke> {
    let account = ctx.lookup_in(Kind::Account, def, &def.account, diags);
    let gateway = ctx.lookup_in(Kind::Gateway, def, &def.transit_gateway, diags);
    let cidrs: Vec<IpNet> = def
        .cidrs
        .iter()
        .filter_map(|c| cidr(def, c, diags))
        .collect();
    check_has_cidrs(def, diags);
    let vpc_routes = def
        .vpc_routes
        .as_ref()
        .map(|r| r.iter().filter_map(|c| cidr(def, c, diags)).collect());
    let g = gateway.and_then(|g| gateways.get(g));
    let associate = g.and_then(|g| table_ref(ctx, def, g, &def.associate, diags));
    // Sorted by table, each table once (where it is first named).
    let propagated: BTreeMap<TableIdx, crate::source::Loc> = match g {
        Some(g) => {
            let mut p = BTreeMap::new();
            for t in &def.propagate {
                if let Some(i) = table_ref(ctx, def, g, t, diags) {
                    p.entry(i).or_insert_with(|| def.loc(t));
                }
            }
            p
        }
        None => BTreeMap::new(),
    };
    let propagate: Vec<TableIdx> = propagated.keys().copied().collect();
    let propagate_locs = propagated.into_values().collect();
    Some(Spoke {
        name: name.to_string(),
        account: account?,
        gateway: gateway?,
        cidrs,
        associate: associate?,
        propagate,
        appliance: def.appliance.as_ref().is_some_and(|a| a.value),
        internet: def.internet.as_ref().map(|i| i.value).unwrap_or_default(),
        vpc_routes,
        loc: def.whole(),
        propagate_locs,
        internet_loc: def.internet.as_ref().map(|i| def.loc(i)),
    })
}

/// Rule `orgc::network::no-cidrs`: a VPC has at least one CIDR.
fn check_has_cidrs(def: &Defined<spec::Spoke>, diags: &mut Diagnostics) {
    if def.cidrs.is_empty() {
        diags.push(
            Diagnostic::error("orgc::network::no-cidrs", "this spoke has no CIDR")
                .at_loc(def.loc(&def.cidrs))
                .with_help("list the VPC's CIDRs, e.g. `cidrs = [\"10.1.0.0/16\"]`"),
        );
    }
}

/// Rule `orgc::ref::unknown-route-table`: a spoke associates with and propagates to
/// tables of its own gateway only; a table of another gateway does not exist there.
fn table_ref(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Spoke>,
    g: &Gateway,
    t: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<TableIdx> {
    if let Some(i) = g.tables.iter().position(|x| x.name == t.value) {
        return Some(i);
    }
    let elsewhere = ctx
        .spec
        .transit_gateways
        .iter()
        .find(|(n, gw)| **n != g.name && gw.route_tables.contains_key(t.as_str()))
        .map(|(n, _)| n.clone());
    let help = match (
        elsewhere,
        crate::suggest::did_you_mean(t, g.tables.iter().map(|x| x.name.as_str())),
    ) {
        (Some(other), _) => format!(
            "`{}` is a table of gateway `{other}`; a spoke uses tables of its own gateway `{}`",
            t.value, g.name
        ),
        (None, Some(dym)) => dym,
        (None, None) => format!(
            "the tables of gateway `{}` are {}",
            g.name,
            g.tables
                .iter()
                .map(|x| format!("`{}`", x.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    diags.push(
        Diagnostic::error(
            "orgc::ref::unknown-route-table",
            format!("gateway `{}` has no route table `{}`", g.name, t.value),
        )
        .at_loc(def.loc(t))
        .label_primary("no route table of this gateway has this name")
        .with_help(help),
    );
    None
}

/// Resolve a table's static routes.
///
/// Rule `orgc::network::route-target`: a static route has exactly one of
/// `attachment` or `blackhole = true`. Rule `orgc::network::foreign-attachment`: the
/// attachment is a spoke of the same gateway. Rule `orgc::network::duplicate-route`:
/// one static route per destination per table, as AWS allows.
fn routes(
    ctx: &Ctx<'_>,
    gw_name: &str,
    table: &str,
    gdef: &Defined<spec::TransitGateway>,
    tdef: &Spanned<spec::RouteTable>,
    gateway_of: &[Option<usize>],
    diags: &mut Diagnostics,
) -> Vec<StaticRoute> {
    let gi = ctx.gateways.get(gw_name).copied();
    let mut seen: BTreeMap<IpNet, std::ops::Range<usize>> = BTreeMap::new();
    let mut out = Vec::new();
    for r in &tdef.routes {
        let dest = cidr(gdef, &r.destination, diags);
        let blackhole = r.blackhole.as_ref().is_some_and(|b| b.value);
        let target = match (&r.attachment, blackhole) {
            (Some(a), false) => {
                let s = ctx.lookup_in(Kind::Spoke, gdef, a, diags);
                if let (Some(s), Some(gi)) = (s, gi)
                    && let Some(&Some(spoke_gateway)) = gateway_of.get(s)
                    && spoke_gateway != gi
                {
                    let other = ctx
                        .spec
                        .transit_gateways
                        .keys()
                        .nth(spoke_gateway)
                        .cloned()
                        .unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            "orgc::network::foreign-attachment",
                            format!(
                                "spoke `{}` is attached to gateway `{other}`, not `{gw_name}`",
                                a.value
                            ),
                        )
                        .at_loc(gdef.loc(a))
                        .with_help(
                            "a route can only send traffic to an attachment of its own gateway",
                        ),
                    );
                }
                s.map(RouteTarget::Spoke)
            }
            (None, true) => Some(RouteTarget::Blackhole),
            (Some(_), true) | (None, false) => {
                let why = if r.attachment.is_some() {
                    "both an `attachment` and `blackhole = true`"
                } else if r.blackhole.is_some() {
                    "`blackhole = false` and no `attachment`"
                } else {
                    "neither an `attachment` nor `blackhole = true`"
                };
                diags.push(
                    Diagnostic::error("orgc::network::route-target", format!("this route has {why}"))
                        .at_loc(gdef.loc(r))
                        .with_help("a static route either sends to a spoke (`attachment = \"<spoke>\"`) or drops (`blackhole = true`)"),
                );
                None
            }
        };
        let Some(dest) = dest else { continue };
        if let Some(first) = seen.get(&dest) {
            diags.push(
                Diagnostic::error(
                    "orgc::network::duplicate-route",
                    format!("route table `{table}` has two static routes to `{dest}`"),
                )
                .at_loc(gdef.loc(&r.destination))
                .with_label(
                    crate::source::Loc::new(gdef.file, first.clone()),
                    "first route to it",
                )
                .with_help("a table holds one static route per destination; remove one"),
            );
            continue;
        }
        seen.insert(dest, r.destination.span.clone());
        if let Some(target) = target {
            out.push(StaticRoute {
                destination: dest,
                target,
                loc: gdef.loc(r),
            });
        }
    }
    out
}

/// Rule `orgc::network::overlapping-cidrs`: no two spokes on one gateway may
/// overlap — propagated routes to both would make one of them unreachable and the
/// audit meaningless. Checked with a sort and one sweep, not all pairs, so it stays
/// fast with thousands of spokes.
fn check_overlaps(ctx: &Ctx<'_>, gateway: GatewayIdx, spokes: &[Spoke], diags: &mut Diagnostics) {
    let mut nets: Vec<(IpNet, usize)> = spokes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.gateway == gateway)
        .flat_map(|(i, s)| s.cidrs.iter().map(move |c| (*c, i)))
        .collect();
    nets.sort_by_key(|(n, _)| (n.network(), n.prefix_len()));
    // The widest prefix seen so far; a later one overlaps it iff it starts inside it.
    let mut open: Option<(IpNet, usize)> = None;
    for (net, spoke) in nets {
        if let Some((o, os)) = open
            && o.contains(&net.network())
        {
            report_overlap(ctx, spokes, os, o, spoke, net, diags);
            continue;
        }
        open = Some((net, spoke));
    }
}

fn report_overlap(
    ctx: &Ctx<'_>,
    spokes: &[Spoke],
    a: usize,
    an: IpNet,
    b: usize,
    bn: IpNet,
    diags: &mut Diagnostics,
) {
    let (Some(sa), Some(sb)) = (spokes.get(a), spokes.get(b)) else {
        return;
    };
    let (Some(da), Some(db)) = (ctx.spec.spokes.get(&sa.name), ctx.spec.spokes.get(&sb.name))
    else {
        return;
    };
    let find = |d: &Defined<spec::Spoke>, n: IpNet| {
        d.cidrs
            .iter()
            .find(|c| c.parse::<IpNet>().ok() == Some(n))
            .map_or_else(|| d.whole(), |c| d.loc(c))
    };
    let what = if a == b {
        format!(
            "spoke `{}` lists overlapping CIDRs `{an}` and `{bn}`",
            sa.name
        )
    } else {
        format!(
            "spokes `{}` and `{}` overlap: `{an}` contains `{bn}`",
            sa.name, sb.name
        )
    };
    diags.push(
        Diagnostic::error("orgc::network::overlapping-cidrs", what)
            .at_loc(find(db, bn))
            .label_primary(format!("`{bn}` of `{}`", sb.name))
            .with_label(find(da, an), format!("overlaps `{an}` of `{}`", sa.name))
            .with_help(
                "spokes on one gateway need disjoint address ranges; renumber one of the VPCs",
            ),
    );
}

/// Rule `orgc::limit::route-tables`: at most 20 route tables per gateway.
/// Rule `orgc::limit::routes`: at most 10,000 routes per gateway, counting every
/// propagated CIDR in every table it propagates to. Rule `orgc::limit::attachments`:
/// at most 5,000 attachments per gateway.
fn check_gateway_limits(
    name: &str,
    def: &Defined<spec::TransitGateway>,
    gi: GatewayIdx,
    gateways: &[Gateway],
    spokes: &[Spoke],
    diags: &mut Diagnostics,
) {
    let n_tables = def.route_tables.len();
    if n_tables > MAX_ROUTE_TABLES {
        diags.push(
            Diagnostic::error(
                "orgc::limit::route-tables",
                format!(
                    "gateway `{name}` has {n_tables} route tables; AWS allows {MAX_ROUTE_TABLES}"
                ),
            )
            .at_loc(def.whole())
            .with_help("merge tables that route the same way"),
        );
    }
    let attached: Vec<&Spoke> = spokes.iter().filter(|s| s.gateway == gi).collect();
    if attached.len() > MAX_ATTACHMENTS {
        diags.push(
            Diagnostic::error(
                "orgc::limit::attachments",
                format!(
                    "gateway `{name}` has {} attachments; AWS allows {MAX_ATTACHMENTS}",
                    attached.len()
                ),
            )
            .at_loc(def.whole())
            .with_help("split the spokes across two gateways"),
        );
    }
    let statics: usize = gateways
        .get(gi)
        .map_or(0, |g| g.tables.iter().map(|t| t.routes.len()).sum());
    let propagated: usize = attached
        .iter()
        .map(|s| s.cidrs.len() * s.propagate.len())
        .sum();
    if statics + propagated > MAX_ROUTES {
        diags.push(
            Diagnostic::error(
                "orgc::limit::routes",
                format!("gateway `{name}` holds {} routes ({statics} static, {propagated} propagated); AWS allows {MAX_ROUTES}", statics + propagated),
            )
            .at_loc(def.whole())
            .with_help("summarise routes, or propagate spokes to fewer tables"),
        );
    }
}
