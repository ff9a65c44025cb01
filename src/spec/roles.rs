//! Cross-account IAM roles and their trust entries.

use super::{PermissionsBoundary, Selector, StringMap};
use crate::spanned::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// At most 1,000 characters.
    pub description: Option<Spanned<String>>,
    /// Starts and ends with `/`; default `/`.
    pub path: Option<Spanned<String>>,
    /// The accounts the role is created in.
    pub targets: Spanned<Selector>,
    /// Seconds, 3,600 to 43,200; default 3,600.
    #[schemars(range(min = 3600, max = 43200))]
    pub max_session_duration: Option<Spanned<i64>>,
    /// AWS-managed policies by name or ARN.
    #[serde(default)]
    pub managed_policies: Vec<Spanned<String>>,
    /// Inline policy name → template name, rendered once per target account.
    #[serde(default)]
    pub inline_policies: StringMap,
    pub permissions_boundary: Option<Spanned<PermissionsBoundary>>,
    #[serde(default)]
    pub tags: StringMap,
    /// Lint codes the owners accepted for this role; recorded in the output.
    #[serde(default)]
    pub acknowledge: Vec<Spanned<String>>,
    /// Who may assume the role: at least one entry, each naming exactly one kind of principal.
    pub trust: Vec<Spanned<Trust>>,
}

/// One trust entry. Exactly one of `role`, `permission_set`, `service`,
/// `external_account` and `account` names the principal.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// A role of this org (by name), trusted in the accounts listed in `accounts`.
    pub role: Option<Spanned<String>>,
    /// A permission set (by name) whose Identity Center roles in `accounts` are trusted.
    pub permission_set: Option<Spanned<String>>,
    /// The accounts (by name) the trusted `role` or `permission_set` lives in.
    pub accounts: Option<Spanned<Vec<Spanned<String>>>>,
    /// An AWS service principal, e.g. `ecs-tasks.amazonaws.com`.
    pub service: Option<Spanned<String>>,
    /// A third party's 12-digit account id; needs `external_id`.
    pub external_account: Option<Spanned<String>>,
    /// The shared secret a third party must pass (`sts:ExternalId`), 2 to 1,224 characters.
    pub external_id: Option<Spanned<String>>,
    /// Any principal of this org account (by name) that its own IAM allows.
    pub account: Option<Spanned<String>>,
    /// Require multi-factor authentication.
    pub require_mfa: Option<Spanned<bool>>,
    /// A raw IAM condition block, merged into the generated one:
    /// `{ StringEquals = { "aws:PrincipalTag/team" = "platform" } }`.
    pub conditions: Option<Spanned<BTreeMap<String, BTreeMap<String, ConditionValue>>>>,
}

/// A condition value: a string, a boolean, a number, or a list of strings.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConditionValue {
    String(String),
    Bool(bool),
    Number(i64),
    List(Vec<String>),
}
