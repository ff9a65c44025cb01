//! `identity-center/permission-sets/<set>.json` and `identity-center/assignments.json`.

use super::{CustomerManagedPolicyReference, Tag};
use crate::policy::document::PolicyDocument;
use serde::Serialize;

/// Everything apply tooling needs to create one permission set and give it its
/// policies, one key per API call.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSetFile {
    pub create_permission_set: CreatePermissionSet,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub put_inline_policy_to_permission_set: Option<PutInlinePolicy>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attach_managed_policy_to_permission_set: Vec<AttachManagedPolicy>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attach_customer_managed_policy_reference_to_permission_set:
        Vec<AttachCustomerManagedPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub put_permissions_boundary_to_permission_set: Option<PutPermissionsBoundary>,
    /// Security lint codes the org accepted for this set, so reviewers see them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acknowledged: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePermissionSet {
    pub instance_arn: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub session_duration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay_state: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutInlinePolicy {
    /// The template it was rendered from, for reviewers.
    #[serde(rename = "Template")]
    pub template: String,
    pub inline_policy: PolicyDocument,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct AttachManagedPolicy {
    pub managed_policy_arn: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct AttachCustomerManagedPolicy {
    pub customer_managed_policy_reference: CustomerManagedPolicyReference,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutPermissionsBoundary {
    pub permissions_boundary: PermissionsBoundary,
}

/// Exactly one of the two is set.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_policy_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_managed_policy_reference: Option<CustomerManagedPolicyReference>,
}

/// `identity-center/assignments.json`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssignmentsFile {
    /// One entry per (principal, permission set, account), sorted by account,
    /// permission set, principal type and principal name.
    pub create_account_assignment: Vec<CreateAccountAssignment>,
    /// Customer-managed policies that must exist in each account before the
    /// permission sets that reference them are provisioned there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_customer_managed_policies: Vec<RequiredPolicies>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccountAssignment {
    /// The account's name in the org (for people; `TargetId` is what AWS takes).
    pub account: String,
    pub instance_arn: String,
    /// The permission set by name: its ARN exists only after it is created.
    pub permission_set_name: String,
    pub principal_type: String,
    /// The identity store id when the org knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// The group's display name or the user's user name, for apply-time lookup.
    pub principal_name: String,
    pub target_id: String,
    pub target_type: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RequiredPolicies {
    pub account: String,
    pub account_id: String,
    pub policies: Vec<RequiredPolicy>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct RequiredPolicy {
    pub name: String,
    pub path: String,
    /// The permission sets that need it in this account.
    pub permission_sets: Vec<String>,
}
