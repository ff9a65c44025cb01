//! `orgc::lint::for-all-values-with-allow`: `ForAllValues:` in an `Allow` without a
//! requirement that the key be present.

use super::support::{as_bool, conditions, is_allow};
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::document::Statement;

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::for-all-values-with-allow",
    severity: LintSeverity::SecurityWarning,
    summary: "`ForAllValues:` in an `Allow` is also true when the key is absent",
    doc: "Reports a `ForAllValues:` condition operator in an `Allow` statement, unless the \
          same statement also requires the key to be present (`\"Null\": {\"<key>\": \
          \"false\"}` or a `ForAnyValue:` test of the same key). `ForAllValues:` is true when \
          every value in the request is in the list, and so also when the request carries \
          no value at all: a statement meant to allow only some org paths, services or \
          encryption-context keys then allows requests that leave the key out. The IAM User \
          Guide warns against it. Keys listing the tag keys a request sets (`aws:TagKeys`, \
          `s3:RequestObjectTagKeys`, any key ending in `TagKeys`) are exempt: there \
          `ForAllValues:` is the documented way to say \"only these tag keys\", and a \
          request that sets no tags is within it. Add the `Null` condition, or use \
          `ForAnyValue:` when one matching value is enough.",
};

/// ## What it does
/// Finds `ForAllValues:` operators in `Allow` statements whose key may be absent.
///
/// ## Why is this bad?
/// With no values in the request, "all values match" is vacuously true, so the condition
/// lets through exactly the requests its author did not think of.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
///  "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app"]}}}
/// ```
/// Use instead: add `"Null": {"kms:EncryptionContextKeys": "false"}` to the condition.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        for (operator, key, _) in conditions(statement) {
            if !operator.starts_with("ForAllValues:")
                || is_tag_key_list(key)
                || requires_present(statement, key)
            {
                continue;
            }
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    format!("`{operator}` on `{key}` in an `Allow` is also true when the request has no `{key}` at all"),
                )
                .with_help(format!(
                    "add `\"Null\": {{\"{key}\": \"false\"}}` to require the key, or use `ForAnyValue:` if one matching value is enough"
                )),
            );
        }
    }
}

/// Keys whose values are the tag keys a request sets, such as `aws:TagKeys`: an
/// allow-list of tag keys is rightly true for a request that sets none.
fn is_tag_key_list(key: &str) -> bool {
    let suffix = "tagkeys";
    key.len() >= suffix.len()
        && key
            .get(key.len() - suffix.len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
}

/// Whether the statement also requires `key` to be present: `Null` false, or a
/// `ForAnyValue:` operator (false when the key is absent) without `IfExists`.
fn requires_present(statement: &Statement, key: &str) -> bool {
    conditions(statement).any(|(operator, other, values)| {
        if !other.eq_ignore_ascii_case(key) {
            return false;
        }
        match operator {
            "Null" => values.iter().all(|v| as_bool(v) == Some(false)),
            _ => operator.starts_with("ForAnyValue:") && !operator.ends_with("IfExists"),
        }
    })
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes, trust_fails};
    use serde_json::json;
    let decrypt = |condition: serde_json::Value| {
        json!([{"Effect": "Allow", "Action": "kms:Decrypt",
                "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
                "Condition": condition}])
    };
    vec![
        fails(decrypt(json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app", "env"]}}))),
        fails(decrypt(json!({"ForAllValues:StringLikeIfExists": {"kms:EncryptionContextKeys": ["app"]},
                             "Null": {"kms:EncryptionContextKeys": "true"}}))),
        trust_fails(json!([{"Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"},
                                "ForAllValues:StringLike": {"aws:PrincipalOrgPaths": ["o-abcdefghij/r-ab12/ou-ab12-11111111/*"]}}}])),
        passes(decrypt(json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app"]},
                              "Null": {"kms:EncryptionContextKeys": "false"}}))),
        passes(decrypt(json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app"]},
                              "ForAnyValue:StringEquals": {"KMS:encryptioncontextkeys": ["app"]}}))),
        passes(json!([{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*",
                       "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app"]}}}])),
        passes(decrypt(json!({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["app"]}}))),
        // An allow-list of tag keys: a request setting no tags is within it.
        passes(json!([{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                       "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "*",
                       "Condition": {"ForAllValues:StringLike": {"s3:RequestObjectTagKeys": ["team"]}}}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
