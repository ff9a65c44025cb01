//! `orgc::lint::service-wildcard`: a wildcard in the service part of an action.

use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::actions::catalogue;
use crate::policy::document::{Effect, OneOrMany};
use crate::policy::wildcard::{self, Case};

/// How many matching services a message names before summarising the rest.
const SHOWN: usize = 5;

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::service-wildcard",
    severity: LintSeverity::SecurityWarning,
    summary: "a wildcard in an action's service prefix, such as `s*:Get*` or `*:Delete*`",
    doc: "Reports an action pattern whose service prefix contains `*` or `?`, such as \
          `s*:GetObject` or `*:Get*`, where it widens access: in an `Allow` statement's \
          `Action`, or in a `Deny` statement's `NotAction` (whose exceptions it widens). \
          Such a pattern matches actions of every service whose prefix fits, today and \
          whatever services AWS launches later, so `*:Get*` grants read access to secrets, \
          parameters and objects alike. IAM Access Analyzer suggests against it (\"Wildcard \
          in service name\"); here it fails the build because no reviewer can tell what it \
          grants. Name each service, listing several actions where several are meant.",
};

/// ## What it does
/// Finds action patterns with a wildcard before the `:`.
///
/// ## Why is this bad?
/// The pattern's meaning changes as AWS adds services, and it usually covers far more
/// than its author had in mind (`s*` is S3, but also SES, SNS, SQS, Secrets Manager, …).
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "s*:Get*", "Resource": "*"}
/// ```
/// Use instead: `["s3:GetObject", "sqs:GetQueueUrl"]`.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        // Only where the pattern widens access; a wildcard in a `Deny`'s `Action` denies
        // more, which is not a security problem.
        let widening = match statement.effect {
            Effect::Allow => statement.action.as_ref(),
            Effect::Deny => statement.not_action.as_ref(),
        };
        for action in widening.into_iter().flat_map(OneOrMany::iter) {
            let Some((service, _)) = action.split_once(':') else {
                continue;
            };
            if !wildcard::has_wildcard(service) {
                continue;
            }
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    format!(
                        "`{action}` has a wildcard in its service prefix, so it matches actions of {} and of any service AWS adds later whose prefix fits",
                        matching_services(service)
                    ),
                )
                .with_help("name the service, e.g. `s3:GetObject`; list several actions where several services are meant"),
            );
        }
    }
}

/// "3 services (`s3`, `ses`, `sns`)" or "every service", from the catalogue.
fn matching_services(pattern: &str) -> String {
    let services = catalogue().services();
    let matching: Vec<&str> = services
        .iter()
        .map(|s| s.prefix())
        .filter(|prefix| wildcard::matches(pattern, prefix, Case::Insensitive))
        .collect();
    if matching.len() == services.len() {
        return "every service".to_owned();
    }
    let shown: Vec<String> = matching
        .iter()
        .take(SHOWN)
        .map(|p| format!("`{p}`"))
        .collect();
    let more = if matching.len() > SHOWN { ", …" } else { "" };
    let noun = if matching.len() == 1 { "service" } else { "services" };
    format!("{} {noun} ({}{more})", matching.len(), shown.join(", "))
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": "s*:GetObject", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": ["s3:ListBucket", "*:Get*"],
                      "Resource": "arn:aws:s3:::b"}])),
        fails(json!([{"Effect": "Deny", "NotAction": "*:List*", "Resource": "*"}])),
        passes(json!([{"Effect": "Deny", "Action": "*:Delete*", "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": ["s3:Get*", "s3:*Object"],
                       "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}])),
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
    fn message_lists_the_services_it_reaches() {
        assert_eq!(matching_services("*"), "every service");
        let some = matching_services("s3*");
        assert!(some.contains("`s3`"), "{some}");
        assert_eq!(
            matching_services("ec?"),
            "3 services (`ec2`, `ecr`, `ecs`)"
        );
        assert_eq!(matching_services("e?2"), "1 service (`ec2`)");
    }
}
