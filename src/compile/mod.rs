//! Model → desired state. Every policy is rendered and checked here, so `validate`
//! (which runs this stage in memory) and `compile` (which then writes) agree exactly.
//! The network files and the audits are not checked, only reported, so they are
//! built when a tree is ([`network()`], [`crate::Checked::build_tree`]), not here.

mod identity_center;
mod lint;
mod network;
mod policies;
mod roles;
pub mod trust;

pub use network::{GatewayFiles, NetworkState, network, network_audit};
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
}

/// Compile the model. Returns `None` when any policy failed its checks.
pub fn compile(
    model: &Model,
    policies: &PolicySources,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    clock: &mut crate::timings::Stopwatch,
) -> Option<DesiredState> {
    let before = diags.has_errors();
    let mut lints = lint::LintCache::default();
    let permission_sets =
        identity_center::permission_sets(model, policies, &mut lints, sources, diags);
    clock.lap("permission sets");
    let assignments = identity_center::assignments(model);
    clock.lap("assignments");
    let roles = roles::roles(model, policies, &mut lints, sources, diags);
    clock.lap("roles");
    if diags.has_errors() && !before {
        return None;
    }
    Some(DesiredState {
        permission_sets,
        assignments,
        roles,
    })
}
