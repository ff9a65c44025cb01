//! `orgc::lint::sensitive-action-wildcard`: every action of an identity, key or
//! organisation service on every resource.

use super::support::{covers_every_resource, is_all_stars, is_allow};
use super::{Context, Finding, LintInfo, LintSeverity};

/// Services whose every action on every resource amounts to control over the account or
/// the organisation: who may do what (IAM, Identity Center and its directory), who may
/// become whom (STS), what data may be decrypted (KMS), and the organisation itself.
const SENSITIVE: [&str; 6] = ["iam", "identitystore", "kms", "organizations", "sso", "sts"];

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::sensitive-action-wildcard",
    severity: LintSeverity::SecurityWarning,
    summary: "every action of `iam`, `sts`, `kms`, `organizations`, `sso` or `identitystore` on every resource",
    doc: "Reports an `Allow` statement granting a whole sensitive service, such as `iam:*`, \
          `sts:*`, `kms:*`, `organizations:*`, `sso:*` or `identitystore:*`, on \
          `Resource: \"*\"` (or an ARN pattern that covers every resource of the service). \
          Each of these is as good as administrator access: `iam:*` can grant itself \
          anything, `sts:*` can assume any role that trusts the account, `kms:*` can decrypt \
          any data and schedule keys for deletion, and `organizations:*`, `sso:*` and \
          `identitystore:*` can change who may do what in every account. List the actions \
          needed (`iam:Get*` and `iam:List*` for auditing, say) and the resources they \
          apply to.",
};

/// ## What it does
/// Finds a whole sensitive service granted on every resource.
///
/// ## Why is this bad?
/// Control of IAM, STS, KMS, Organizations or Identity Center is control of the account
/// or the organisation.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}
/// ```
/// Use instead: `iam:Get*` and `iam:List*`, or the few write actions needed on named roles.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        for action in statement.actions() {
            let Some((service, name)) = action.split_once(':') else {
                continue;
            };
            let Some(service) = SENSITIVE
                .iter()
                .find(|s| s.eq_ignore_ascii_case(service))
            else {
                continue;
            };
            if !is_all_stars(name) {
                continue;
            }
            let Some(resource) = statement
                .resources()
                .iter()
                .find(|r| covers_every_resource(r, service, ""))
            else {
                continue;
            };
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    format!("`{action}` on `{resource}` grants every `{service}` action on every resource, which amounts to administrator access"),
                )
                .with_help(format!(
                    "list the `{service}:` actions needed and the resources they apply to"
                )),
            );
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": ["s3:GetObject", "KMS:*"],
                      "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "Action": "organizations:*",
                      "Resource": "arn:aws:organizations::*:*"}])),
        fails(json!([{"Effect": "Allow", "Action": "iam:*",
                      "Resource": "arn:aws:iam::111122223333:*"}])),
        passes(json!([{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
                       "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": "kms:*",
                       "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])),
        passes(json!([{"Effect": "Deny", "Action": "organizations:*", "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
