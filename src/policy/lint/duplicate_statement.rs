//! `orgc::lint::duplicate-statement`: two statements that differ only in their Sid.

use super::support::{Canonical, name_statement};
use super::{Context, Finding, LintInfo, LintSeverity};
use std::collections::BTreeMap;

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::duplicate-statement",
    severity: LintSeverity::Warning,
    summary: "two statements identical except for their `Sid`",
    doc: "Reports a statement that repeats an earlier one in everything but its `Sid`: the \
          same effect, principals, actions, resources and conditions, compared as IAM \
          compares them (lists as sets, action names and condition keys ignoring case, \
          `true` the same as `\"true\"`). The copy grants nothing more but counts against \
          the policy size quota, and a later edit to only one of the two leaves the other \
          granting the old access. It usually comes from a template included twice or a \
          copy-and-paste; remove one.",
};

/// ## What it does
/// Finds statements that repeat an earlier statement apart from the `Sid`.
///
/// ## Why is this bad?
/// The copy wastes policy size and keeps granting the old access when only the other
/// copy is edited.
///
/// ## Example
/// ```json
/// [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
///  {"Sid": "ReadAgain", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
/// ```
/// Use instead: one of them.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Most policies orgc writes have one statement; nothing to compare, nothing to build.
    if cx.statements.len() < 2 {
        return;
    }
    let mut first: BTreeMap<Canonical, usize> = BTreeMap::new();
    for (index, statement) in cx.statements() {
        let earlier = *first.entry(Canonical::of(statement)).or_insert(index);
        if earlier == index {
            continue;
        }
        let Some(original) = cx.statements.get(earlier) else {
            continue;
        };
        out.push(
            Finding::new(
                &INFO,
                index,
                format!(
                    "this statement repeats {} except for its `Sid`",
                    name_statement(earlier, original)
                ),
            )
            .with_help("remove one of the two statements"),
        );
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes, trust_fails};
    use serde_json::json;
    vec![
        fails(json!([
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": "arn:aws:s3:::b/*"},
            {"Sid": "ReadAgain", "Effect": "Allow", "Action": ["s3:listbucket", "S3:GetObject"],
             "Resource": ["arn:aws:s3:::b/*"]},
        ])),
        trust_fails(json!([
            {"Sid": "A", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
             "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}},
            {"Sid": "B", "Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]},
             "Action": ["sts:AssumeRole"],
             "Condition": {"StringEquals": {"aws:sourceaccount": ["111122223333"]}}},
        ])),
        passes(json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        ])),
        passes(json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B/*"},
        ])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }

    #[test]
    fn names_the_earlier_statement() {
        let findings = super::super::tests::passes(serde_json::json!([
            {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        ]))
        .findings();
        let ours: Vec<_> = findings
            .iter()
            .filter(|f| f.code == super::INFO.code)
            .collect();
        assert_eq!(ours.len(), 2);
        assert_eq!(ours[0].statement, Some(2));
        assert!(ours[0].message.contains("statement 0 (`One`)"));
        assert_eq!(ours[1].statement, Some(3));
    }
}
