//! `orgc::lint::duplicate-statement`: two statements that differ only in their Sid.

use super::support::{Canonical, name_statement};
use crate::policy::document::{Effect, OneOrMany, Statement};
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
    // Statements that compare equal have equal fingerprints; only those that share
    // one with another statement are put in canonical form (most policies have none).
    let prints: Vec<Fingerprint> = cx.statements.iter().map(Fingerprint::of).collect();
    let mut first: BTreeMap<Canonical, usize> = BTreeMap::new();
    for (index, statement) in cx.statements() {
        let shared = prints
            .iter()
            .enumerate()
            .any(|(other, p)| other != index && prints.get(index).is_some_and(|q| p.same(q)));
        if !shared {
            continue;
        }
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

/// What two statements equal as [`Canonical`] forms must share, made without
/// allocating: the effect, which elements are present, and the least entry of each
/// list (compared ignoring case for actions, as the canonical form does), which does
/// not depend on the order or repetition of the entries.
#[derive(Debug)]
struct Fingerprint<'a> {
    allow: bool,
    present: [bool; 6],
    action: Option<&'a str>,
    not_action: Option<&'a str>,
    resource: Option<&'a str>,
    not_resource: Option<&'a str>,
}

impl<'a> Fingerprint<'a> {
    fn of(s: &'a Statement) -> Self {
        let least_ignoring_case = |list: &'a Option<OneOrMany<String>>| {
            list.as_ref().and_then(|l| {
                l.iter().map(String::as_str).min_by(|a, b| {
                    a.bytes()
                        .map(|c| c.to_ascii_lowercase())
                        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
                })
            })
        };
        let least = |list: &'a Option<OneOrMany<String>>| {
            list.as_ref()
                .and_then(|l| l.iter().map(String::as_str).min())
        };
        Fingerprint {
            allow: s.effect == Effect::Allow,
            present: [
                s.principal.is_some(),
                s.not_principal.is_some(),
                s.action.is_some(),
                s.not_action.is_some(),
                s.resource.is_some(),
                s.not_resource.is_some(),
            ],
            action: least_ignoring_case(&s.action),
            not_action: least_ignoring_case(&s.not_action),
            resource: least(&s.resource),
            not_resource: least(&s.not_resource),
        }
    }

    /// Whether two statements may be duplicates. Actions are compared ignoring case:
    /// the least action of two equal lists may be spelled differently.
    fn same(&self, other: &Fingerprint<'_>) -> bool {
        let ignoring_case = |a: Option<&str>, b: Option<&str>| match (a, b) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a.is_none() && b.is_none(),
        };
        self.allow == other.allow
            && self.present == other.present
            && ignoring_case(self.action, other.action)
            && ignoring_case(self.not_action, other.not_action)
            && self.resource == other.resource
            && self.not_resource == other.not_resource
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
