//! Pieces shared by permission sets and roles: managed-policy references and boundaries.

use crate::spanned::Spanned;
use schemars::JsonSchema;
use serde::Deserialize;

/// A customer-managed policy, referred to by name and path; it must exist in every
/// account it is used in.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerManagedPolicy {
    pub name: Spanned<String>,
    /// Starts and ends with `/`; default `/`.
    pub path: Option<Spanned<String>>,
}

/// A permissions boundary: exactly one of `managed` or `customer_managed`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionsBoundary {
    /// An AWS-managed policy by name or ARN.
    pub managed: Option<Spanned<String>>,
    pub customer_managed: Option<Spanned<CustomerManagedPolicy>>,
}
