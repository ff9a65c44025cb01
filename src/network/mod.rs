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

/// The example org and the network fixtures, each with its check: the orgs the
/// network's unit tests run on.
#[cfg(test)]
pub(crate) fn checked_test_orgs() -> Vec<(std::path::PathBuf, crate::Checked)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut orgs = vec![root.join("org")];
    for name in [
        "partial-blackhole",
        "inspection",
        "segmentation",
        "one-way",
        "second-spoke",
    ] {
        orgs.push(root.join("tests/fixtures/network").join(name).join("org"));
    }
    orgs.into_iter()
        .map(|org| {
            let inputs = crate::load::read_inputs(&org, &root.join("policies")).unwrap();
            let checked = crate::check(inputs);
            (org, checked)
        })
        .collect()
}
