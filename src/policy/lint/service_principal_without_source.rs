//! `orgc::lint::service-principal-without-source`: a service trusted without saying on
//! whose behalf (the cross-service confused deputy).

use super::support::{is_allow, requires_any_key};
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::check::PolicyKind;

/// Keys a service sets to the resource, account or organisation it acts for.
const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::service-principal-without-source",
    severity: LintSeverity::SecurityWarning,
    summary: "a service principal trusted without `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceOrgID`",
    doc: "Reports a trust policy statement that allows a `Service` principal (such as \
          `ecs-tasks.amazonaws.com`) without a condition that requires `aws:SourceAccount`, \
          `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths`. The service acts for \
          every AWS customer; without the condition, a resource in someone else's account \
          can make the service assume this role on its behalf (the cross-service confused \
          deputy), which IAM Access Analyzer reports as \"Restrict access to service \
          principal\". Require the source account (or the source resource's ARN) with a \
          positive operator such as `StringEquals`; `IfExists` and negated operators are \
          true when the service leaves the key out, so they do not count.",
};

/// ## What it does
/// Finds trust statements for service principals with no source condition.
///
/// ## Why is this bad?
/// The service can be asked to assume the role by any of its customers' resources.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
///  "Action": "sts:AssumeRole"}
/// ```
/// Use instead: add `"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}`.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.kind != PolicyKind::Trust {
        return;
    }
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        let services = principal.values("Service");
        if services.is_empty() || requires_any_key(statement, &SOURCE_KEYS) {
            continue;
        }
        let named: Vec<String> = services.iter().map(|s| format!("`{s}`")).collect();
        out.push(
            Finding::new(
                &INFO,
                index,
                format!(
                    "service principal {} may assume this role on behalf of any account's resources: no condition requires `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceOrgID`",
                    named.join(", ")
                ),
            )
            .with_help("add `\"StringEquals\": {\"aws:SourceAccount\": \"<this account's id>\"}` to the statement's condition"),
        );
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{trust_fails, trust_passes};
    use serde_json::json;
    let service = |condition: serde_json::Value| {
        let mut statement = json!({"Effect": "Allow",
                                   "Principal": {"Service": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]},
                                   "Action": "sts:AssumeRole"});
        if !condition.is_null() {
            statement["Condition"] = condition;
        }
        json!([statement])
    };
    vec![
        trust_fails(service(serde_json::Value::Null)),
        trust_fails(service(json!({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}))),
        trust_fails(service(json!({"StringNotEquals": {"aws:SourceAccount": "444455556666"}}))),
        trust_fails(service(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        trust_passes(service(json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}))),
        trust_passes(service(json!({"ArnLike": {"aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*"}}))),
        trust_passes(service(json!({"StringEquals": {"aws:SourceOrgID": "o-abcdefghij"}}))),
        trust_passes(json!([{"Effect": "Allow",
                             "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"},
                             "Action": "sts:AssumeRole"}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
