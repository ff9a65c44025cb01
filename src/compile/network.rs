//! Transit Gateways, their route tables, the spokes' attachments and VPC routes, and
//! the network audit, from the analysed network (so compile, guardrails and audits
//! read the same effective tables).

use crate::desired::network::*;
use crate::model::{Model, RouteTarget};
use crate::network::analysis::{self, Analysis, GatewayNet};
use crate::network::routing::{Origin, RouteCounts};
use ipnet::IpNet;

/// AWS quotas per gateway, as the resolver checks them.
const ROUTE_LIMIT: usize = 10_000;
const ATTACHMENT_LIMIT: usize = 5_000;

/// The gateways' files. The network audit beside them (`audit/network.json`) is
/// made by [`network_audit`] when its file is written, so that its pairs (millions
/// for the largest orgs) are in memory only while they are gathered into groups.
#[derive(Debug, Clone, Default)]
pub struct NetworkState {
    /// By gateway name.
    pub gateways: Vec<(String, GatewayFiles)>,
}

#[derive(Debug, Clone)]
pub struct GatewayFiles {
    pub gateway: TransitGatewayFile,
    /// By table name, in name order.
    pub route_tables: Vec<(String, RouteTableFile)>,
    /// By spoke name, in name order.
    pub vpc_routes: Vec<(String, VpcRoutesFile)>,
}

/// What `audit/network.json` holds; `None` when the org has no spokes (and no file).
pub fn network_audit(model: &Model, net: &Analysis) -> Option<NetworkAuditFile> {
    (!model.spokes.is_empty()).then(|| crate::network::groups::file(model, net))
}

/// The gateways' files.
pub fn network(model: &Model, net: &Analysis) -> NetworkState {
    let gateways = model
        .gateways
        .iter()
        .zip(&net.gateways)
        .map(|(g, gn)| (g.name.clone(), gateway_files(model, g, gn)))
        .collect();
    NetworkState { gateways }
}

fn count(c: RouteCounts) -> RouteCount {
    RouteCount {
        static_routes: c.static_routes,
        propagated: c.propagated,
        shadowed: c.shadowed,
        total: c.total(),
    }
}

fn gateway_files(model: &Model, g: &crate::model::Gateway, gn: &GatewayNet) -> GatewayFiles {
    let spoke_name = |s: usize| crate::network::explain::spoke(model, s).to_string();
    let mut total = RouteCounts::default();
    for t in &gn.tables {
        total.static_routes += t.counts.static_routes;
        total.propagated += t.counts.propagated;
        total.shadowed += t.counts.shadowed;
    }
    let account = model.accounts.get(g.account);
    let gateway = TransitGatewayFile {
        account: account.map_or_else(String::new, |a| a.name.clone()),
        account_id: account.map_or_else(String::new, |a| a.id.clone()),
        region: g.region.clone(),
        create_transit_gateway: CreateTransitGateway {
            options: TransitGatewayOptions {
                amazon_side_asn: g.asn,
                default_route_table_association: "disable".to_string(),
                default_route_table_propagation: "disable".to_string(),
            },
            tag_specifications: name_tag("transit-gateway", &g.name),
        },
        route_count: count(total),
        route_limit: ROUTE_LIMIT,
        attachments: gn.spokes.len(),
        attachment_limit: ATTACHMENT_LIMIT,
    };

    let mut route_tables: Vec<(String, RouteTableFile)> = g
        .tables
        .iter()
        .enumerate()
        .map(|(t, table)| {
            let attachment = |s: usize| TableAttachment {
                transit_gateway_route_table_name: table.name.clone(),
                transit_gateway_attachment_name: spoke_name(s),
            };
            let associations = gn
                .spokes
                .iter()
                .filter(|&&s| model.spokes.get(s).is_some_and(|sp| sp.associate == t))
                .map(|&s| attachment(s))
                .collect();
            let propagations = gn
                .spokes
                .iter()
                .filter(|&&s| {
                    model
                        .spokes
                        .get(s)
                        .is_some_and(|sp| sp.propagate.contains(&t))
                })
                .map(|&s| attachment(s))
                .collect();
            let statics = table
                .routes
                .iter()
                .map(|r| CreateTransitGatewayRoute {
                    destination_cidr_block: r.destination.to_string(),
                    transit_gateway_route_table_name: table.name.clone(),
                    transit_gateway_attachment_name: match r.target {
                        RouteTarget::Spoke(s) => Some(spoke_name(s)),
                        RouteTarget::Blackhole => None,
                    },
                    blackhole: (r.target == RouteTarget::Blackhole).then_some(true),
                })
                .collect();
            let effective = gn.tables.get(t).cloned().unwrap_or_default();
            let describe_target =
                |route: &crate::network::routing::Route| match analysis::target(gn, route) {
                    RouteTarget::Spoke(s) => (
                        Some(spoke_name(s)),
                        model.spokes.get(s).is_some_and(|sp| sp.appliance),
                    ),
                    RouteTarget::Blackhole => (None, false),
                };
            let effective_routes = effective
                .routes
                .iter()
                .map(|r| {
                    let (attachment, appliance) = describe_target(r);
                    EffectiveRoute {
                        destination_cidr_block: r.destination.to_string(),
                        kind: match r.origin {
                            Origin::Static => "static",
                            Origin::Propagated { .. } => "propagated",
                        }
                        .to_string(),
                        state: if attachment.is_some() {
                            "active"
                        } else {
                            "blackhole"
                        }
                        .to_string(),
                        transit_gateway_attachment_name: attachment,
                        appliance,
                    }
                })
                .collect();
            let shadowed_routes = effective
                .shadowed
                .iter()
                .map(|s| ShadowedRoute {
                    destination_cidr_block: s.route.destination.to_string(),
                    transit_gateway_attachment_name: match analysis::origin(gn, &s.route) {
                        Origin::Propagated { spoke } => spoke_name(spoke),
                        Origin::Static => describe_target(&s.route).0.unwrap_or_default(),
                    },
                    shadowed_by: describe_target(&s.by)
                        .0
                        .unwrap_or_else(|| "blackhole".to_string()),
                })
                .collect();
            (
                table.name.clone(),
                RouteTableFile {
                    create_transit_gateway_route_table: CreateTransitGatewayRouteTable {
                        transit_gateway_name: g.name.clone(),
                        tag_specifications: name_tag("transit-gateway-route-table", &table.name),
                    },
                    associate_transit_gateway_route_table: associations,
                    enable_transit_gateway_route_table_propagation: propagations,
                    create_transit_gateway_route: statics,
                    effective_routes,
                    shadowed_routes,
                    route_count: count(effective.counts),
                },
            )
        })
        .collect();
    route_tables.sort_by(|a, b| a.0.cmp(&b.0));

    let vpc_routes = gn
        .spokes
        .iter()
        .enumerate()
        .filter_map(|(local, &s)| {
            let sp = model.spokes.get(s)?;
            let account = model.accounts.get(sp.account)?;
            let routes = gn.vpc_routes.get(local).cloned().unwrap_or_default();
            Some((
                sp.name.clone(),
                VpcRoutesFile {
                    spoke: sp.name.clone(),
                    account: account.name.clone(),
                    account_id: account.id.clone(),
                    vpc_cidrs: sp.cidrs.iter().map(ToString::to_string).collect(),
                    routes_from: if sp.vpc_routes.is_some() {
                        "vpc_routes"
                    } else {
                        "default"
                    }
                    .to_string(),
                    create_transit_gateway_vpc_attachment: CreateTransitGatewayVpcAttachment {
                        transit_gateway_name: g.name.clone(),
                        options: AttachmentOptions {
                            appliance_mode_support: if sp.appliance { "enable" } else { "disable" }
                                .to_string(),
                        },
                        tag_specifications: name_tag("transit-gateway-attachment", &sp.name),
                    },
                    create_route: routes
                        .iter()
                        .map(|r| CreateRoute {
                            destination_cidr_block: matches!(r, IpNet::V4(_))
                                .then(|| r.to_string()),
                            destination_ipv6_cidr_block: matches!(r, IpNet::V6(_))
                                .then(|| r.to_string()),
                            transit_gateway_name: g.name.clone(),
                        })
                        .collect(),
                },
            ))
        })
        .collect();
    GatewayFiles {
        gateway,
        route_tables,
        vpc_routes,
    }
}
