//! `orgc::lint::allow-not-resource`: `Allow` with `NotResource`.

use super::support::is_allow;
use super::{Context, Finding, LintInfo, LintSeverity};

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::allow-not-resource",
    severity: LintSeverity::SecurityWarning,
    summary: "`Allow` with `NotResource` grants on every resource but a few",
    doc: "Reports an `Allow` statement written with `NotResource`. It allows its actions on \
          every resource in every account and Region except the listed ones, including \
          resources created later and resources in other accounts whose policies trust this \
          one, so a typo in an excluded ARN silently grants access to it. `NotResource` is \
          safe in a `Deny`; in an `Allow`, list the resources the actions may touch.",
};

/// ## What it does
/// Finds `Allow` statements that use `NotResource`.
///
/// ## Why is this bad?
/// The statement applies to every resource not listed, in every account and Region,
/// whatever is created later.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::audit-logs/*"}
/// ```
/// Use instead: a `Resource` list of the buckets meant.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if !is_allow(statement) || statement.not_resource.is_none() {
            continue;
        }
        out.push(
            Finding::new(
                &INFO,
                index,
                "`Allow` with `NotResource` applies to every resource except the listed ones, in every account and Region".to_owned(),
            )
            .with_help("list the resources in `Resource`; keep `NotResource` for `Deny` statements"),
        );
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": "s3:*",
                      "NotResource": "arn:aws:s3:::audit-logs/*"}])),
        passes(json!([{"Effect": "Deny", "Action": "s3:*",
                       "NotResource": "arn:aws:s3:::data/*"}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:*",
                       "Resource": "arn:aws:s3:::data/*"}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
