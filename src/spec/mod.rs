//! The input model: the v1 org format as typed Rust values, one file's worth at a time.
//!
//! These types are the single source of truth for the format: serde reads TOML into
//! them and schemars derives the JSON Schema from them (`orgc schema`). Doc comments
//! on fields become the schema's descriptions, which editors show on hover.
//! Values the semantic checks cite are wrapped in [`Spanned`] so a diagnostic can
//! point at them. Nothing here checks meaning; that is the `resolve` stage.

mod identity;
mod network;
mod organization;
mod policy;
mod roles;

pub use identity::*;
pub use network::*;
pub use organization::*;
pub use policy::*;
pub use roles::*;

use crate::spanned::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Strings by name: tags, template variables.
pub type StringMap = BTreeMap<String, Spanned<String>>;

/// One TOML file of an org. Every section is optional in a single file: an org is the
/// merge of all its files, and each entry must be defined in exactly one of them.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "orgc organisation file (format v1)")]
pub struct OrgFile {
    /// The organisation itself: name, management account, partition, home region.
    pub organization: Option<Spanned<Organization>>,
    /// The IAM Identity Center instance that permission sets and assignments belong to.
    pub identity_center: Option<Spanned<IdentityCenter>>,
    /// Organisational units, by name.
    #[serde(default)]
    pub ous: BTreeMap<String, Spanned<Ou>>,
    /// Member accounts (and the management account), by name.
    #[serde(default)]
    pub accounts: BTreeMap<String, Spanned<Account>>,
    /// Identity Center groups, by name.
    #[serde(default)]
    pub groups: BTreeMap<String, Spanned<Group>>,
    /// Identity Center users, by name.
    #[serde(default)]
    pub users: BTreeMap<String, Spanned<User>>,
    /// Identity Center permission sets, by name (the name becomes the AWS name, ≤ 32 characters).
    #[serde(default)]
    pub permission_sets: BTreeMap<String, Spanned<PermissionSet>>,
    /// Which groups and users get which permission set in which accounts.
    #[serde(default)]
    pub assignments: Vec<Spanned<Assignment>>,
    /// Cross-account IAM roles, by name.
    #[serde(default)]
    pub roles: BTreeMap<String, Spanned<Role>>,
    /// Transit Gateways (network hubs), by name.
    #[serde(default)]
    pub transit_gateways: BTreeMap<String, Spanned<TransitGateway>>,
    /// VPC attachments to a Transit Gateway, by name.
    #[serde(default)]
    pub spokes: BTreeMap<String, Spanned<Spoke>>,
    /// Invariants checked on every validate and compile.
    #[serde(default)]
    pub guardrails: Vec<Spanned<Guardrail>>,
}

/// Picks accounts: the union of the named accounts, every account in the named OUs
/// and the OUs nested below them, every account whose tags contain all of `tags`, and
/// every account when `all = true`; then minus `exclude`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// Accounts by name.
    #[serde(default)]
    pub accounts: Vec<Spanned<String>>,
    /// OUs by name; includes every OU nested below them.
    #[serde(default)]
    pub ous: Vec<Spanned<String>>,
    /// Accounts whose tags contain all of these.
    #[serde(default)]
    pub tags: StringMap,
    /// Every account of the org.
    #[serde(default)]
    pub all: Option<Spanned<bool>>,
    /// Accounts (by name) removed from the selection.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}
