//! `orgc::lint::full-admin`: every action on every resource.

use super::support::{is_all_stars, is_allow, is_every_action};
use super::{Context, Finding, LintInfo, LintSeverity};

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::full-admin",
    severity: LintSeverity::SecurityWarning,
    summary: "`Action: \"*\"` with `Resource: \"*\"` grants full administrator access",
    doc: "Reports an `Allow` statement with `\"Action\": \"*\"` and `\"Resource\": \"*\"` in a \
          policy `orgc` renders from a template. It grants every action on every resource, \
          including changing its own permissions, leaving the organisation and deleting \
          audit trails; conditions may narrow when it applies but not what it grants. When \
          full access is really meant, attach the AWS-managed `AdministratorAccess` policy, \
          whose name says so to every reviewer (AWS-managed policies are attached by ARN and \
          not linted); otherwise list the services and actions needed.",
};

/// ## What it does
/// Finds `Allow` statements granting `*` on `*` in a rendered template.
///
/// ## Why is this bad?
/// It is administrator access hidden in a custom policy, where a reviewer expects a
/// narrower grant.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "*", "Resource": "*"}
/// ```
/// Use instead: the actions needed, or the AWS-managed `AdministratorAccess` policy.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        let every_action = statement.actions().iter().any(|a| is_every_action(a));
        let every_resource = statement.resources().iter().any(|r| is_all_stars(r));
        if every_action && every_resource {
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    "this statement allows every action on every resource: full administrator access".to_owned(),
                )
                .with_help("list the actions the role needs; if full access is intended, attach the AWS-managed `AdministratorAccess` policy instead"),
            );
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": ["s3:GetObject", "*"],
                      "Resource": ["arn:aws:s3:::b", "*"],
                      "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}])),
        passes(json!([{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])),
        passes(json!([{"Effect": "Deny", "Action": "*", "Resource": "*",
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
