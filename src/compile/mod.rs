//! Model → desired state. Every policy is rendered and checked here, so `validate`
//! (which runs this stage in memory) and `compile` (which then writes) agree exactly.

mod identity_center;
mod lint;
mod network;
mod policies;
mod roles;
pub mod trust;

pub use network::{GatewayFiles, NetworkState};
pub use policies::{PolicySources, partition};

use crate::desired::iam::RoleFile;
use crate::desired::identity_center::{AssignmentsFile, PermissionSetFile};
use crate::diagnostic::Diagnostics;
use crate::model::Model;
use crate::source::SourceMap;

/// Everything orgc writes, before it becomes files.
#[derive(Debug, Clone)]
pub struct DesiredState {
    /// By permission set name.
    pub permission_sets: Vec<(String, PermissionSetFile)>,
    pub assignments: AssignmentsFile,
    /// (account name, role name, file), sorted.
    pub roles: Vec<(String, String, RoleFile)>,
    /// Every (principal, account, level, path) of the access audit; filled in after
    /// compilation, from the compiled policies.
    pub access_audit: Vec<crate::access::AccessJson>,
    pub network: NetworkState,
}

/// Compile the model. Returns `None` when any policy failed its checks.
pub fn compile(
    model: &Model,
    net: &crate::network::analysis::Analysis,
    policies: &PolicySources,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<DesiredState> {
    let before = diags.has_errors();
    let mut lints = lint::LintCache::default();
    let permission_sets =
        identity_center::permission_sets(model, policies, &mut lints, sources, diags);
    let assignments = identity_center::assignments(model);
    let roles = roles::roles(model, policies, &mut lints, sources, diags);
    if diags.has_errors() && !before {
        return None;
    }
    Some(DesiredState {
        permission_sets,
        assignments,
        roles,
        access_audit: Vec::new(),
        network: network::network(model, net),
    })
}
