//! The desired state: the only serialisable types of the output, shaped like the AWS
//! API requests that apply them. Field names follow the API (PascalCase); each
//! operation is a key named after it (`CreatePermissionSet`, `CreateRole`, …) so apply
//! tooling can pass the fields on. Values known only at apply time (a permission set's
//! ARN, a route table's id) are referred to by name.
//!
//! Serialisation order is the declaration order of the fields, and every collection
//! is sorted when it is built, so output is byte-identical across runs and machines.

pub mod iam;
pub mod identity_center;
pub mod network;

use serde::Serialize;
use std::collections::BTreeMap;

/// `[{ "Key": …, "Value": … }]`, sorted by key, as every AWS tagging API takes tags.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn tags(map: &BTreeMap<String, String>) -> Vec<Tag> {
    map.iter()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

/// A customer-managed policy as the Identity Center and IAM APIs refer to one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerManagedPolicyReference {
    pub name: String,
    pub path: String,
}

/// Pretty JSON with a trailing newline: the form of every output file.
pub fn to_json_file<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
