//! Identity Center principals, permission sets and assignments.

use super::{CustomerManagedPolicy, PermissionsBoundary, Selector, StringMap};
use crate::spanned::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// How apply tooling finds the group in the identity store; default: the key.
    pub display_name: Option<Spanned<String>>,
    /// The identity store's id for the group, when known.
    pub id: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// How apply tooling finds the user in the identity store; default: the key.
    pub user_name: Option<Spanned<String>>,
    /// The identity store's id for the user, when known.
    pub id: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// At most 700 characters.
    pub description: Option<Spanned<String>>,
    /// ISO-8601 duration from `PT1H` to `PT12H`, e.g. `PT8H` or `PT90M`; default `PT1H`.
    pub session_duration: Option<Spanned<String>>,
    /// URL the console opens after sign-in; at most 240 characters.
    pub relay_state: Option<Spanned<String>>,
    /// AWS-managed policies by name (`ReadOnlyAccess`, `job-function/ViewOnlyAccess`) or ARN.
    #[serde(default)]
    pub managed_policies: Vec<Spanned<String>>,
    /// Customer-managed policies; they must exist in every account the set is assigned to.
    #[serde(default)]
    pub customer_managed_policies: Vec<Spanned<CustomerManagedPolicy>>,
    /// Template name: `policies/<name>.json.hbs` or `policies/<name>.json`.
    pub inline_policy: Option<Spanned<String>>,
    pub permissions_boundary: Option<Spanned<PermissionsBoundary>>,
    #[serde(default)]
    pub tags: StringMap,
    /// Lint codes the owners accepted for this set; recorded in the output.
    #[serde(default)]
    pub acknowledge: Vec<Spanned<String>>,
}

/// Gives groups and users a permission set in the selected accounts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub permission_set: Spanned<String>,
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
    #[serde(default)]
    pub users: Vec<Spanned<String>>,
    pub targets: Spanned<Selector>,
}
