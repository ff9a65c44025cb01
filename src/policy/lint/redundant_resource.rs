//! `orgc::lint::redundant-resource`: a resource another pattern of the same list covers.

use super::redundant_action::redundant_entries;
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::wildcard::Case;

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::redundant-resource",
    severity: LintSeverity::Suggestion,
    summary: "a resource already covered by another pattern in the same statement",
    doc: "Reports an entry of a statement's `Resource` or `NotResource` list that another \
          entry of the same list already covers, such as `arn:aws:s3:::data/reports/*` next \
          to `arn:aws:s3:::data/*`, or the same ARN written twice. ARNs are compared with \
          case, as IAM compares them. The entry changes nothing and costs policy size; it \
          often shows that the wider pattern is wider than meant, so check which was \
          intended before removing the other. IAM Access Analyzer suggests the same \
          (\"Redundant resource\").",
};

/// ## What it does
/// Finds entries of a `Resource`/`NotResource` list covered by another entry.
///
/// ## Why is this bad?
/// The entry does nothing, and the pattern covering it may be wider than intended.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "s3:GetObject",
///  "Resource": ["arn:aws:s3:::data/*", "arn:aws:s3:::data/reports/*"]}
/// ```
/// Use instead: the one pattern meant.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        for (element, list) in [
            ("Resource", statement.resource.as_ref()),
            ("NotResource", statement.not_resource.as_ref()),
        ] {
            for (entry, covering) in redundant_entries(list, Case::Sensitive) {
                out.push(
                    Finding::new(
                        &INFO,
                        index,
                        format!("`{entry}` in `{element}` is already covered by `{covering}`"),
                    )
                    .with_help(format!("remove `{entry}`, or narrow `{covering}` if it is wider than meant")),
                );
            }
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    vec![
        fails(json!([{"Effect": "Allow", "Action": "s3:GetObject",
                      "Resource": ["arn:aws:s3:::data/*", "arn:aws:s3:::data/reports/*"]}])),
        fails(json!([{"Effect": "Allow", "Action": "s3:GetObject",
                      "Resource": ["arn:aws:s3:::data/x", "*"]}])),
        fails(json!([{"Effect": "Deny", "Action": "s3:*",
                      "NotResource": ["arn:aws:s3:::a/*", "arn:aws:s3:::a/*"]}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:ListBucket",
                       "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}])),
        passes(json!([{"Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": ["arn:aws:s3:::Data/*", "arn:aws:s3:::data/x"]}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
