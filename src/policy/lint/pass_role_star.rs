//! `orgc::lint::pass-role-star`: `iam:PassRole` on every role.

use super::support::{covers_every_resource, describe_grant, grant_of, is_allow};
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::check::PolicyKind;
use crate::policy::document::Statement;

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::pass-role-star",
    severity: LintSeverity::SecurityWarning,
    summary: "`iam:PassRole` allowed on every role",
    doc: "Reports an `Allow` statement that grants `iam:PassRole`, by name or through a \
          wildcard such as `iam:Pass*`, `iam:*` or `*`, or through `NotAction`, on every \
          role: `Resource: \"*\"`, a pattern such as `arn:aws:iam::*:role/*` or \
          `arn:aws:iam::111122223333:role/*`, or `NotResource`. Passing a role hands it to a \
          service (an EC2 instance, a Lambda function, a CloudFormation stack) that then acts \
          with the role's permissions, so whoever may pass any role may borrow the most \
          privileged role in the account: a classic privilege escalation, which IAM Access \
          Analyzer reports as \"Pass role with star in resource\". List the ARNs of the roles \
          that may be passed and narrow further with `iam:PassedToService`.",
};

/// ## What it does
/// Finds `Allow` statements that let the holder pass any role to a service.
///
/// ## Why is this bad?
/// A service acting with a passed role has that role's permissions. If any role may be
/// passed, the holder can start an instance or function with an administrator role and
/// use it: privilege escalation without touching IAM policies.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
/// ```
/// Use instead:
/// ```json
/// {"Effect": "Allow", "Action": "iam:PassRole",
///  "Resource": "arn:aws:iam::111122223333:role/app-task",
///  "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}
/// ```
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Trust policies have no resources and may only allow `sts:` actions.
    if cx.kind != PolicyKind::Identity {
        return;
    }
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        let Some(grant) = grant_of(statement, "iam:PassRole") else {
            continue;
        };
        let Some(scope) = every_role(statement) else {
            continue;
        };
        out.push(
            Finding::new(
                &INFO,
                index,
                format!(
                    "`iam:PassRole` (granted by {}) applies to every role ({scope}), so any role, however privileged, can be handed to a service",
                    describe_grant(grant)
                ),
            )
            .with_help(
                "list the ARNs of the roles that may be passed, e.g. `arn:aws:iam::111122223333:role/app-task`, and add a `StringEquals` condition on `iam:PassedToService`",
            ),
        );
    }
}

/// How the statement's resources reach every role, for the message, or `None` if they
/// do not.
fn every_role(statement: &Statement) -> Option<String> {
    match (&statement.resource, &statement.not_resource) {
        (Some(resources), _) => resources
            .iter()
            .find(|r| covers_every_resource(r, "iam", "role/"))
            .map(|r| format!("`Resource` `{r}`")),
        (None, Some(excluded)) => {
            let excludes_roles = excluded
                .iter()
                .any(|r| covers_every_resource(r, "iam", "role/"));
            (!excludes_roles).then(|| "`NotResource`, which does not exclude roles".to_owned())
        }
        (None, None) => None,
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": "iam:Pass*",
                      "Resource": "arn:aws:iam::*:role/*"}])),
        fails(json!([{"Effect": "Allow", "Action": ["s3:GetObject", "iam:*"],
                      "Resource": "arn:aws:iam::111122223333:role/*"}])),
        fails(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": "iam:passrole",
                      "Resource": "*",
                      "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}])),
        fails(json!([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": "iam:PassRole",
                      "NotResource": "arn:aws:iam::111122223333:role/admin"}])),
        passes(json!([{"Effect": "Allow", "Action": "iam:PassRole",
                       "Resource": "arn:aws:iam::111122223333:role/app-task"}])),
        passes(json!([{"Effect": "Allow", "Action": "iam:PassRole",
                       "Resource": "arn:aws:iam::111122223333:role/app-*"}])),
        passes(json!([{"Effect": "Allow", "Action": "iam:PassRole",
                       "Resource": "arn:aws:iam::111122223333:role/service-role/*"}])),
        passes(json!([{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}])),
        passes(json!([{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": "iam:PassRole",
                       "NotResource": "arn:aws:iam::*:role/*"}])),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        super::super::tests::run(&INFO, &super::examples());
    }

    #[test]
    fn message_names_the_granting_pattern_and_the_resource() {
        let findings = super::super::tests::fails(serde_json::json!([
            {"Effect": "Allow", "Action": ["s3:GetObject", "iam:Pass*"], "Resource": ["arn:aws:s3:::b", "*"]}
        ]))
        .findings();
        let f = findings.iter().find(|f| f.code == INFO.code).unwrap();
        assert!(f.message.contains("`iam:Pass*`"), "{}", f.message);
        assert!(f.message.contains("`Resource` `*`"), "{}", f.message);
    }
}
