//! `network/<gateway>/transit-gateway.json`, `network/<gateway>/route-tables/<table>.json`,
//! `network/<gateway>/vpc-routes/<spoke>.json` and `audit/network.json`.
//!
//! Request fields follow the EC2 API. AWS ids exist only once the resources do, so
//! every `…Id` the API takes is written as the matching `…Name` field holding the
//! org's name for the resource (`TransitGatewayRouteTableName = "production"` for
//! `TransitGatewayRouteTableId`, `TransitGatewayAttachmentName = "<spoke>"` for
//! `TransitGatewayAttachmentId`, `TransitGatewayName` for `TransitGatewayId`); apply
//! tooling swaps each for the id. Ids of resources orgc does not manage (the VPC, its
//! subnets and its route tables) are left out.
//!
//! The audit file uses the lowercase keys of the CLI contract's audit JSON.

use super::Tag;
use serde::Serialize;
use std::collections::BTreeMap;

/// `[{ "ResourceType": …, "Tags": [{ "Key": "Name", "Value": … }] }]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct TagSpecification {
    pub resource_type: String,
    pub tags: Vec<Tag>,
}

/// A `Name` tag for a resource of this type.
pub fn name_tag(resource_type: &str, name: &str) -> Vec<TagSpecification> {
    vec![TagSpecification {
        resource_type: resource_type.to_string(),
        tags: vec![Tag {
            key: "Name".to_string(),
            value: name.to_string(),
        }],
    }]
}

/// `network/<gateway>/transit-gateway.json`: the hub.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayFile {
    /// The owner account's name and id, and the region, where every call of this
    /// gateway's directory is made.
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub create_transit_gateway: CreateTransitGateway,
    /// Routes the gateway holds, over all its tables, against AWS's quota.
    pub route_count: RouteCount,
    pub route_limit: usize,
    pub attachments: usize,
    pub attachment_limit: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTransitGateway {
    pub options: TransitGatewayOptions,
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGatewayOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amazon_side_asn: Option<i64>,
    /// Always `disable`: every association and propagation is explicit.
    pub default_route_table_association: String,
    pub default_route_table_propagation: String,
}

/// `network/<gateway>/route-tables/<table>.json`: one route table, everything
/// attached to it, and the routes it will hold.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableFile {
    pub create_transit_gateway_route_table: CreateTransitGatewayRouteTable,
    /// The spokes whose packets are looked up in this table, by name.
    pub associate_transit_gateway_route_table: Vec<TableAttachment>,
    /// The spokes whose CIDRs this table learns, by name.
    pub enable_transit_gateway_route_table_propagation: Vec<TableAttachment>,
    /// Static and blackhole routes, in the order written.
    pub create_transit_gateway_route: Vec<CreateTransitGatewayRoute>,
    /// The routes as the gateway will hold them, one per prefix, IPv4 first,
    /// then by address and prefix length; longest prefix wins a lookup.
    pub effective_routes: Vec<EffectiveRoute>,
    /// Propagated routes a static route for the same prefix hides. Often on
    /// purpose (a blackhole or an inspection route that must win); listed so that
    /// a reviewer sees what the static route overrides.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shadowed_routes: Vec<ShadowedRoute>,
    pub route_count: RouteCount,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTransitGatewayRouteTable {
    pub transit_gateway_name: String,
    pub tag_specifications: Vec<TagSpecification>,
}

/// An `AssociateTransitGatewayRouteTable` or
/// `EnableTransitGatewayRouteTablePropagation` request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct TableAttachment {
    pub transit_gateway_route_table_name: String,
    pub transit_gateway_attachment_name: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTransitGatewayRoute {
    pub destination_cidr_block: String,
    pub transit_gateway_route_table_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_gateway_attachment_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blackhole: Option<bool>,
}

/// A route as the gateway holds it (the shape of `SearchTransitGatewayRoutes`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EffectiveRoute {
    pub destination_cidr_block: String,
    /// `static` (written in the org) or `propagated` (learnt from the attachment).
    #[serde(rename = "Type")]
    pub kind: String,
    /// `active` or `blackhole`.
    pub state: String,
    /// The spoke the route sends to; for a propagated route, the spoke that
    /// propagates it. Absent for a blackhole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_gateway_attachment_name: Option<String>,
    /// The target forwards the traffic on (inspection, egress) rather than
    /// receiving it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub appliance: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShadowedRoute {
    pub destination_cidr_block: String,
    /// The spoke whose propagation is hidden.
    pub transit_gateway_attachment_name: String,
    /// The static route that wins: an attachment name, or `blackhole`.
    pub shadowed_by: String,
}

/// Routes held against the 10,000-routes-per-gateway quota. A shadowed
/// propagation is counted: the propagation stays enabled, and removing the
/// static route brings its route back.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteCount {
    pub static_routes: usize,
    pub propagated: usize,
    pub shadowed: usize,
    pub total: usize,
}

/// `network/<gateway>/vpc-routes/<spoke>.json`: the spoke's attachment and the
/// routes its VPC sends to the gateway.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcRoutesFile {
    pub spoke: String,
    pub account: String,
    pub account_id: String,
    pub vpc_cidrs: Vec<String>,
    /// `vpc_routes` when the org lists them, else `default`: every destination
    /// the associated table routes, minus the VPC's own CIDRs, in the fewest
    /// prefixes.
    pub routes_from: String,
    pub create_transit_gateway_vpc_attachment: CreateTransitGatewayVpcAttachment,
    /// One route per destination, to be added to the route table of every
    /// subnet of the VPC.
    pub create_route: Vec<CreateRoute>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTransitGatewayVpcAttachment {
    pub transit_gateway_name: String,
    pub options: AttachmentOptions,
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachmentOptions {
    /// `enable` for an appliance spoke (flows stay in one Availability Zone, as
    /// stateful firewalls need), else `disable`.
    pub appliance_mode_support: String,
}

/// An EC2 `CreateRoute` request to the gateway: exactly one destination field.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoute {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_ipv6_cidr_block: Option<String>,
    pub transit_gateway_name: String,
}

/// `orgc audit network --format json`, and the audit in memory.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkAudit {
    /// `account` or `spoke`: what `from` and `to` name.
    pub by: String,
    /// Which pairs are listed.
    pub pairs_listed: String,
    pub pairs: Vec<AuditPair>,
    pub internet: InternetExposure,
}

/// `audit/network.json`: the network audit of every pair of accounts, its pairs
/// gathered into groups that share everything but their accounts, so that the
/// file grows with the org's segments rather than with its pairs (an org of
/// thousands of accounts has millions).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkAuditFile {
    /// Always `account`.
    pub by: String,
    /// Which pairs are listed.
    pub pairs_listed: String,
    /// How a group stands for its pairs.
    pub groups_read: String,
    /// Every account that owns a spoke, with its spokes by gateway, in order: the
    /// ends of a group's paths.
    pub spokes: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    pub groups: Vec<PairGroup>,
    pub internet: InternetExposure,
}

/// Every pair `(f, t)` with `f` in `from`, `t` in `to` and `f` ≠ `t`: the same
/// reach and path, but for their accounts' spokes at the path's ends.
#[derive(Debug, Clone, Serialize)]
pub struct PairGroup {
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub forward: String,
    #[serde(rename = "return")]
    pub ret: String,
    pub reachable: bool,
    /// The gateway the path runs on, when the forward direction delivers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// The path's first spoke, when it is not the source account's first spoke on
    /// the gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_spoke: Option<String>,
    /// The spokes between the path's first and last: the appliances passed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    /// The path's last spoke, when it is not the destination account's first
    /// spoke on the gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_spoke: Option<String>,
}

/// One ordered pair.
#[derive(Debug, Clone, Serialize)]
pub struct AuditPair {
    pub from: String,
    pub to: String,
    /// `full`, `partial` or `none`: how much of `to`'s addresses `from`'s
    /// packets reach.
    pub forward: String,
    /// The same from `to` back to `from`.
    #[serde(rename = "return")]
    pub ret: String,
    /// Both directions deliver at least part.
    pub reachable: bool,
    /// Spokes, `[source, appliances…, destination]`, for the lowest address that
    /// arrives; empty when nothing does.
    pub path: Vec<String>,
    /// For a `partial` direction: the addresses that do not arrive, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forward_lost: Vec<LostRange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub return_lost: Vec<LostRange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LostRange {
    /// The spokes of the pair this is about (when the pair is of accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_spoke: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_spoke: Option<String>,
    /// The addresses, as the fewest CIDRs.
    pub destinations: Vec<String>,
    /// `blackhole`, `no-route`, `no-vpc-route`, `sent-elsewhere`, `loop`,
    /// `local` or `unassociated`.
    pub reason: String,
    /// The table (blackhole, no route) or spoke (the others) the reason names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spoke: Option<String>,
    /// The appliances the packets passed first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    /// The reason in words.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InternetExposure {
    /// Spokes with an internet gateway for inbound traffic.
    pub ingress: Vec<IngressSpoke>,
    /// Spokes whose packets reach the internet: directly (their own internet
    /// gateway) or through an egress appliance. Spokes not listed do not.
    pub egress: Vec<EgressSpoke>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngressSpoke {
    pub spoke: String,
    pub account: String,
    pub appliance: bool,
    /// For an appliance: the spokes it can forward inbound traffic to, with how
    /// much of each it reaches (`full` or `partial`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forwards_to: Vec<Reached>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reached {
    pub spoke: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EgressSpoke {
    pub spoke: String,
    pub account: String,
    /// The spoke's own internet gateway sends outbound traffic.
    pub direct: bool,
    /// How much of the public internet its packets reach through an egress
    /// appliance: `full`, `partial` or `none`.
    pub through_appliance: String,
    /// The egress appliances they leave through.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub through: Vec<String>,
    /// `[spoke, appliances…]` for the lowest public address that leaves.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
}
