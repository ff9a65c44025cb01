//! Model → desired state. Every policy is rendered and checked here, so `validate`
//! (which runs this stage in memory) and `compile` (which then writes) agree exactly.
//! The network files and the audits are not checked, only reported, so they are
//! built when a tree is ([`network()`], [`crate::Checked::build_tree`]), not here.

mod identity_center;
mod last_text;
mod lint;
mod network;
mod policies;
mod roles;
pub mod trust;

pub use network::{GatewayFiles, NetworkState, network, network_audit};
pub use policies::{PolicySources, partition};

pub use roles::CompiledRole;

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
    /// Every role instance, by account then role (name order, as in the model).
    pub roles: Vec<CompiledRole>,
    /// Whether the state holds the files (the role files, the assignments file):
    /// only when output was asked for.
    pub files: bool,
}

/// What a check is for: diagnostics alone (`validate`, `audit network`), the access
/// audit's rows as well (`audit access`, `audit graph`), or output (`compile`,
/// `diff`). Only output needs every role's file, and at 60,000 role instances keeping
/// them is most of the memory and time of a check; only an audit of access needs
/// the rows no guardrail forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Diagnostics,
    Audits,
    Output,
}

/// What compiling gave.
pub struct Compiled {
    pub state: DesiredState,
    /// A policy failed its checks (an error this stage reported): the state lacks it.
    pub failed: bool,
}

/// Compile the model.
pub fn compile(
    model: &Model,
    policies: &PolicySources,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    want: Want,
    clock: &mut crate::timings::Stopwatch,
) -> Compiled {
    // Errors already reported (by other stages) do not count: only this stage's own.
    let errors_before = diags.count(crate::diagnostic::Severity::Error);
    let mut lints = lint::LintCache::default();
    let permission_sets =
        identity_center::permission_sets(model, policies, &mut lints, sources, diags);
    clock.lap("permission sets");
    // The assignments file is output alone: every rule about assignments was checked
    // when they were resolved.
    let assignments = match want {
        Want::Output => identity_center::assignments(model),
        Want::Diagnostics | Want::Audits => AssignmentsFile::default(),
    };
    clock.lap("assignments");
    let files = want == Want::Output;
    let roles = roles::roles(model, policies, files, sources, diags);
    clock.lap("roles");
    Compiled {
        state: DesiredState {
            permission_sets,
            assignments,
            roles,
            files,
        },
        failed: diags.count(crate::diagnostic::Severity::Error) > errors_before,
    }
}
