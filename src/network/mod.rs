//! The network: Transit Gateway routing and what it allows.
//!
//! - [`routing`]: the engine — effective route tables, default VPC routes and
//!   reachability between spokes on address ranges — one gateway at a time, with no
//!   knowledge of the org.
//! - [`analysis`]: the org's gateways built from the model and analysed once; answers
//!   in model indices, and account-level reachability.
//! - [`guardrails`]: `deny_network`, `require_network` and `internet_ingress`.
//! - [`audit`]: the reachability matrix and internet exposure, for `orgc audit
//!   network`; [`audit_json`] writes its pairs as JSON, in pieces on every core;
//!   [`groups`] gathers them into the groups of `audit/network.json`.
//! - [`explain`]: loss reasons and route origins in words, with their places.
//!
//! Everything here is pure: values in, values out.

pub mod analysis;
pub mod audit;
pub mod audit_json;
pub mod explain;
pub mod groups;
pub mod guardrails;
pub mod routing;
