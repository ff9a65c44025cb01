//! `iam/<account>/roles/<role>.json`: one file per role per account it is created in.

use super::Tag;
use crate::policy::document::PolicyDocument;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleFile {
    /// The account (by name and id) the role is created in.
    pub account: AccountRef,
    pub create_role: CreateRole,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub put_role_policy: Vec<PutRolePolicy>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attach_role_policy: Vec<AttachRolePolicy>,
    /// Security lint codes the org accepted for this role, so reviewers see them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acknowledged: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRef {
    pub name: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRole {
    pub role_name: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub max_session_duration: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    pub assume_role_policy_document: PolicyDocument,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRolePolicy {
    pub policy_name: String,
    /// The template it was rendered from, for reviewers.
    pub template: String,
    pub policy_document: PolicyDocument,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct AttachRolePolicy {
    pub policy_arn: String,
}
