//! The network: Transit Gateway routing and what it allows.
//!
//! [`routing`] is the engine (effective route tables, default VPC routes, reachability
//! between spokes), one gateway at a time and with no knowledge of the org.
pub mod routing;
