//! `orgc::lint::allow-not-action`: `Allow` with `NotAction`.

use super::support::is_allow;
use super::{Context, Finding, LintInfo, LintSeverity};

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::allow-not-action",
    severity: LintSeverity::SecurityWarning,
    summary: "`Allow` with `NotAction` grants every action but a few",
    doc: "Reports an `Allow` statement written with `NotAction`. It allows every action of \
          every service except the listed ones, including actions and services AWS adds \
          later, so the policy grows on its own and reviewers cannot see what it grants. \
          `NotAction` is safe in a `Deny` (\"deny everything except…\"), where more actions \
          mean less access; in an `Allow`, list the actions that are needed instead, or \
          attach an AWS-managed job-function policy such as `PowerUserAccess` if that is the \
          intent.",
};

/// ## What it does
/// Finds `Allow` statements that use `NotAction`.
///
/// ## Why is this bad?
/// The statement allows everything not listed, today and whatever AWS adds tomorrow.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
/// ```
/// Use instead: an `Action` list of what is needed.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if !is_allow(statement) || statement.not_action.is_none() {
            continue;
        }
        out.push(
            Finding::new(
                &INFO,
                index,
                "`Allow` with `NotAction` allows every action except the listed ones, including any AWS adds later".to_owned(),
            )
            .with_help("list the allowed actions in `Action`; keep `NotAction` for `Deny` statements"),
        );
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])),
        fails(json!([{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"],
                      "Resource": "arn:aws:s3:::b/*"}])),
        passes(json!([{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
