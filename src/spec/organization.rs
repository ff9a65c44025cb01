//! `[organization]`, `[identity_center]`, `[ous.*]` and `[accounts.*]`.

use super::StringMap;
use crate::spanned::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// A name for people; appears in reports and as `org.name` in templates.
    pub name: Spanned<String>,
    /// The AWS Organizations id, `o-` and 10 to 32 lower-case letters or digits. Required
    /// as soon as a trust policy needs `aws:PrincipalOrgID`.
    #[schemars(regex(pattern = r"^o-[a-z0-9]{10,32}$"))]
    pub id: Option<Spanned<String>>,
    /// The account (by name) that owns the organisation.
    pub management_account: Spanned<String>,
    /// The AWS partition used in every ARN.
    pub partition: Option<Spanned<Partition>>,
    /// The region Identity Center and the network live in by default, e.g. `eu-west-1`.
    pub home_region: Spanned<String>,
    /// Values available to every policy template as `vars.*`.
    #[serde(default)]
    pub vars: StringMap,
    /// Access level of AWS- or customer-managed policies the built-in table does not know.
    #[serde(default)]
    pub managed_policy_levels: BTreeMap<String, Spanned<AccessLevel>>,
    /// AWS quotas this organisation has had raised.
    pub limits: Option<Spanned<Limits>>,
}

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize, JsonSchema)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

impl Partition {
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }
}

/// Access levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AccessLevel {
    Read,
    Write,
    Admin,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::Admin => "admin",
        }
    }
}

/// Raised AWS quotas.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Managed policies attached to one role or permission set (AWS default 10, at most 25).
    #[schemars(range(min = 1, max = 25))]
    pub managed_policies_per_role: Option<Spanned<u32>>,
    /// Characters of a role trust policy, not counting whitespace (default 2,048, at most 8,192).
    #[schemars(range(min = 1, max = 8192))]
    pub trust_policy_chars: Option<Spanned<u32>>,
    /// Permission sets provisioned in one account (default 500).
    #[schemars(range(min = 1, max = 500))]
    pub permission_sets_per_account: Option<Spanned<u32>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenter {
    /// `arn:<partition>:sso:::instance/ssoins-<16 hex digits>`.
    pub instance_arn: Option<Spanned<String>>,
    /// `d-` and 10 hex digits, or a store id in its full form.
    pub identity_store_id: Option<Spanned<String>>,
    /// The Identity Center region; default: `organization.home_region`.
    pub region: Option<Spanned<String>>,
    /// The member account (by name) that administers Identity Center. When set,
    /// assignments to the management account are refused, as AWS refuses them.
    pub delegated_admin: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ou {
    /// The parent OU by name; absent means directly under the root.
    pub parent: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id, as a string (ids may start with 0).
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub id: Spanned<String>,
    /// The account's root email address; unique in the org.
    pub email: Option<Spanned<String>>,
    /// The OU (by name) the account is in; absent means the root.
    pub ou: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: StringMap,
    /// Template variables for policies rendered for this account; override `organization.vars`.
    #[serde(default)]
    pub vars: StringMap,
}
