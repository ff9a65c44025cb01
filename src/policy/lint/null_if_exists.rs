//! `orgc::lint::null-if-exists`: the `Null` operator with `IfExists`, which IAM rejects.
//!
//! The structural checker already rejects `NullIfExists` in policy text
//! (`orgc::policy::null-if-exists`) and then yields no document, so the two never report
//! the same policy; this check covers documents built in code, such as trust policies
//! with user-written conditions merged in, which reach the lint without passing through
//! the text checker.

use super::support::conditions;
use super::{Context, Finding, LintInfo, LintSeverity};

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::null-if-exists",
    severity: LintSeverity::Error,
    summary: "`NullIfExists` is not a condition operator",
    doc: "Reports the condition operator `NullIfExists` (with or without a set qualifier). \
          `IfExists` means \"true when the key is absent, otherwise test it\", while `Null` \
          exists to test whether the key is absent, so IAM rejects the combination and \
          IAM Access Analyzer reports it as the error \"Null with if exists\". Use plain \
          `Null`: `\"true\"` to require the key to be absent, `\"false\"` to require it to \
          be present.",
};

/// ## What it does
/// Finds the operator `NullIfExists`.
///
/// ## Why is this bad?
/// IAM rejects the policy, so nothing it was meant to grant or deny takes effect.
///
/// ## Example
/// ```json
/// {"Condition": {"NullIfExists": {"aws:TokenIssueTime": "false"}}}
/// ```
/// Use instead: `{"Condition": {"Null": {"aws:TokenIssueTime": "false"}}}`.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        for (operator, key, _) in conditions(statement) {
            let base = operator.rsplit_once(':').map_or(operator, |(_, base)| base);
            if base != "NullIfExists" {
                continue;
            }
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    format!("`{operator}` (on `{key}`) is not a condition operator: `Null` cannot take `IfExists`"),
                )
                .with_help("`Null` already tests whether the key exists; use plain `Null`"),
            );
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes, trust_fails, trust_passes};
    use serde_json::json;
    let trust = |operator: &str| {
        json!([{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"},
                "Action": "sts:AssumeRole",
                "Condition": {operator: {"aws:TokenIssueTime": "false"}}}])
    };
    vec![
        trust_fails(trust("NullIfExists")).unchecked(),
        trust_fails(trust("ForAnyValue:NullIfExists")).unchecked(),
        fails(json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                      "Condition": {"NullIfExists": {"aws:SourceVpce": "true"}}}]))
        .unchecked(),
        trust_passes(trust("Null")),
        passes(json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                       "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
