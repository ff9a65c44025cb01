//! The input: one transit gateway with its route tables and VPC attachments ("spokes"),
//! referring to each other by index.

use ipnet::IpNet;

/// One transit gateway, as resolved from the org description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gateway {
    pub tables: Vec<Table>,
    pub spokes: Vec<Spoke>,
}

/// A gateway route table and its static routes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub static_routes: Vec<StaticRoute>,
}

/// A static route: a destination prefix sent to a spoke or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticRoute {
    pub destination: IpNet,
    pub target: Target,
}

/// Where a route sends matching packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The attachment of the spoke with this index.
    Spoke(usize),
    /// Matching packets are dropped.
    Blackhole,
}

/// A VPC attachment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spoke {
    pub name: String,
    /// The VPC's CIDRs.
    pub cidrs: Vec<IpNet>,
    /// Index of the one table associated with the attachment.
    pub associate: usize,
    /// Indices of the tables that learn this spoke's CIDRs.
    pub propagate: Vec<usize>,
    /// Whether the VPC forwards traffic it receives (inspection, egress).
    pub appliance: bool,
    /// Destinations the VPC sends to the gateway; `None` means the default
    /// (see [`super::default_vpc_routes`]).
    pub vpc_routes: Option<Vec<IpNet>>,
}
