//! Transit gateway routing: effective route tables, default VPC routes and
//! reachability between spokes, following AWS's rules (longest prefix match,
//! static before propagated, blackholes drop, lookups in the table associated
//! with the attachment the packet arrives on, appliances forward).
//!
//! Everything works on address intervals, never single addresses, and IPv4 and
//! IPv6 are separate address spaces.

mod addr;
mod forwarding;
mod gateway;
mod network;
mod paths;
mod reachability;
mod report;
mod step_map;
mod table;
mod vpc;

#[cfg(test)]
mod tests;

pub use addr::AddrRange;
pub use gateway::{Gateway, Spoke, StaticRoute, Table, Target};
pub use reachability::Reachability;
pub use report::{Delivery, Exit, Fate, Forward, Loss, Pair, PairStatus, Reason, Status};
pub use table::{
    EffectiveTable, Origin, Route, RouteCounts, Shadowed, effective_table, gateway_route_counts,
};
pub use vpc::{all_default_vpc_routes, default_vpc_routes, vpc_routes};
