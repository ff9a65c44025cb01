//! Transit Gateways, their route tables, spokes and guardrails.

use super::{AccessLevel, Selector};
use crate::spanned::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGateway {
    /// The account (by name) that owns the gateway: the network hub.
    pub account: Spanned<String>,
    /// Default: `organization.home_region`.
    pub region: Option<Spanned<String>>,
    /// Private ASN: 64512–65534 or 4200000000–4294967294.
    pub asn: Option<Spanned<i64>>,
    /// Route tables by name; at most 20 per gateway.
    #[serde(default)]
    pub route_tables: BTreeMap<String, Spanned<RouteTable>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    /// Static routes; omit for a table that only learns propagated routes.
    #[serde(default)]
    pub routes: Vec<Spanned<Route>>,
}

/// A static route: `destination` and exactly one of `attachment` or `blackhole = true`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// A CIDR, e.g. `10.0.0.0/8` or `0.0.0.0/0`.
    pub destination: Spanned<String>,
    /// The spoke (by name) traffic is sent to.
    pub attachment: Option<Spanned<String>>,
    /// Drop the traffic.
    pub blackhole: Option<Spanned<bool>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spoke {
    /// The account (by name) that owns the VPC.
    pub account: Spanned<String>,
    /// The gateway (by name) the VPC attaches to.
    pub transit_gateway: Spanned<String>,
    /// The VPC's CIDRs; host bits must be zero.
    pub cidrs: Spanned<Vec<Spanned<String>>>,
    /// The route table (of its gateway) this attachment is associated with.
    pub associate: Spanned<String>,
    /// Route tables that learn this spoke's CIDRs.
    #[serde(default)]
    pub propagate: Vec<Spanned<String>>,
    /// The VPC forwards traffic (inspection, egress): appliance mode is turned on and
    /// reachability continues through it.
    pub appliance: Option<Spanned<bool>>,
    /// Whether the VPC has an internet gateway for inbound and/or outbound traffic.
    pub internet: Option<Spanned<Internet>>,
    /// Destinations the VPC's subnets send to the gateway; default: every destination
    /// its associated table routes, minus its own CIDRs.
    pub vpc_routes: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Internet {
    #[default]
    None,
    Ingress,
    Egress,
    Both,
}

impl Internet {
    pub fn ingress(self) -> bool {
        matches!(self, Internet::Ingress | Internet::Both)
    }

    pub fn egress(self) -> bool {
        matches!(self, Internet::Egress | Internet::Both)
    }
}

/// An invariant: exactly one of `deny_network`, `require_network`, `deny_access`,
/// `internet_ingress`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guardrail {
    pub name: Spanned<String>,
    pub description: Option<Spanned<String>>,
    /// Fails when packets from any selected source can arrive at any selected destination.
    pub deny_network: Option<Spanned<NetworkRule>>,
    /// Fails when a pair is not reachable in full in both directions.
    pub require_network: Option<Spanned<NetworkRule>>,
    /// Fails when a principal not in `except` has `level` or higher on a selected account.
    pub deny_access: Option<Spanned<AccessRule>>,
    /// Fails when an account not selected by `only` takes inbound internet traffic.
    pub internet_ingress: Option<Spanned<IngressRule>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkRule {
    pub from: Spanned<Selector>,
    pub to: Spanned<Selector>,
    /// Appliance spokes (by name) paths may pass through.
    #[serde(default)]
    pub via: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRule {
    pub to: Spanned<Selector>,
    pub level: Spanned<AccessLevel>,
    /// Principals allowed anyway: `group:<name>`, `user:<name>`, `role:<name>@<account>`,
    /// `account:<name>`, `external:<12 digits>`, `service:<principal>`.
    #[serde(default)]
    pub except: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressRule {
    pub only: Spanned<Selector>,
}
