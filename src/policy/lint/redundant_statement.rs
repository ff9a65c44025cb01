//! `orgc::lint::redundant-statement`: a statement another unconditional statement already
//! covers.

use super::support::{Canonical, all_covered, is_unconditional, name_statement};
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::document::{OneOrMany, Principal, Statement};
use crate::policy::wildcard::{self, Case};
use std::collections::BTreeSet;

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::redundant-statement",
    severity: LintSeverity::Suggestion,
    summary: "a statement whose every action and resource another unconditional statement already covers",
    doc: "Reports a statement whose actions, resources and principals are all covered by \
          another statement of the same effect that has no condition: for example \
          `s3:GetObject` on `arn:aws:s3:::data/*` next to `s3:*` on `arn:aws:s3:::data/*`. \
          The covered statement changes nothing (its own conditions can only narrow it), so \
          it costs policy size and misleads reviewers into thinking its conditions limit \
          something. Only `Action` and `Resource` lists are compared; statements written \
          with `NotAction`, `NotResource` or `NotPrincipal` are left alone. Remove the \
          covered statement, or narrow the covering one if the conditions were meant to \
          apply.",
};

/// ## What it does
/// Finds statements that an unconditional statement of the same effect already covers.
///
/// ## Why is this bad?
/// The covered statement has no effect; if it carries conditions, a reader may think
/// they restrict access when they do not.
///
/// ## Example
/// ```json
/// [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::data/*"},
///  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*",
///   "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]
/// ```
/// Use instead: the first statement alone.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Pairs are many (a policy of 60 statements has 3,540), so a cheap necessary
    // condition on the services involved rules most of them out before any matching.
    let services: Vec<Option<BTreeSet<String>>> =
        cx.statements.iter().map(action_services).collect();
    for (index, statement) in cx.statements() {
        let narrow_services = services.get(index).and_then(Option::as_ref);
        let covering = cx.statements().find(|&(other, wide)| {
            other != index
                && services_cover(services.get(other).and_then(Option::as_ref), narrow_services)
                && covers(wide, statement)
                // Identical statements are `duplicate-statement`'s to report.
                && Canonical::of(wide) != Canonical::of(statement)
                // Of two statements that cover each other, only the later is reported.
                && !(other > index && covers(statement, wide))
        });
        let Some((other, wide)) = covering else {
            continue;
        };
        out.push(
            Finding::new(
                &INFO,
                index,
                format!(
                    "everything this statement applies to is already covered by {}, which has no condition",
                    name_statement(other, wide)
                ),
            )
            .with_help("remove this statement, or narrow the other one if this statement's conditions were meant to apply"),
        );
    }
}

/// The service prefixes of a statement's `Action` patterns, lower-cased; `None` when a
/// pattern has a wildcard before the `:` (or is `*`), and so may reach any service.
fn action_services(statement: &Statement) -> Option<BTreeSet<String>> {
    statement
        .actions()
        .iter()
        .map(|action| match action.split_once(':') {
            Some((service, _)) if !wildcard::has_wildcard(service) => {
                Some(service.to_ascii_lowercase())
            }
            _ => None,
        })
        .collect()
}

/// A necessary condition for `wide` to cover `narrow`: a pattern with a literal service
/// matches only that service's actions, so `wide` must name every service `narrow` does,
/// unless it has a pattern that reaches any service. `None` is such an open set.
fn services_cover(wide: Option<&BTreeSet<String>>, narrow: Option<&BTreeSet<String>>) -> bool {
    match (wide, narrow) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(wide), Some(narrow)) => narrow.is_subset(wide),
    }
}

/// Whether `wide`, applying unconditionally, covers every request `narrow` applies to.
fn covers(wide: &Statement, narrow: &Statement) -> bool {
    wide.effect == narrow.effect
        && is_unconditional(wide)
        && wide.not_principal.is_none()
        && narrow.not_principal.is_none()
        && principals_cover(wide.principal.as_ref(), narrow.principal.as_ref())
        && lists_cover(
            wide.action.as_ref(),
            wide.not_action.as_ref(),
            narrow.action.as_ref(),
            narrow.not_action.as_ref(),
            Case::Insensitive,
        )
        && lists_cover(
            wide.resource.as_ref(),
            wide.not_resource.as_ref(),
            narrow.resource.as_ref(),
            narrow.not_resource.as_ref(),
            Case::Sensitive,
        )
}

/// Compares two `Action`/`Resource` lists; the negated forms are never compared, and two
/// statements without either (trust policies have no `Resource`) cover each other.
fn lists_cover(
    wide: Option<&OneOrMany<String>>,
    wide_not: Option<&OneOrMany<String>>,
    narrow: Option<&OneOrMany<String>>,
    narrow_not: Option<&OneOrMany<String>>,
    case: Case,
) -> bool {
    if wide_not.is_some() || narrow_not.is_some() {
        return false;
    }
    match (wide, narrow) {
        (Some(wide), Some(narrow)) => all_covered(wide, narrow, case),
        (None, None) => true,
        _ => false,
    }
}

fn principals_cover(wide: Option<&Principal>, narrow: Option<&Principal>) -> bool {
    match (wide, narrow) {
        (None, None) | (Some(Principal::Any), Some(_)) => true,
        (Some(Principal::Map(wide)), Some(Principal::Map(narrow))) => {
            narrow.iter().all(|(kind, values)| {
                wide.get(kind)
                    .is_some_and(|w| values.iter().all(|v| w.iter().any(|x| x == v)))
            })
        }
        _ => false,
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes, trust_fails, trust_passes};
    use serde_json::json;
    vec![
        fails(json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::data/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        ])),
        fails(json!([
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
             "Resource": "arn:aws:s3:::data/reports/*"},
            {"Effect": "Allow", "Action": ["s3:*Object", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::data/*", "arn:aws:s3:::data"]},
        ])),
        fails(json!([
            {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::data/*"},
        ])),
        // Each covers the other: only the later one is reported.
        fails(json!([
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
        ])),
        trust_fails(json!([
            {"Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:role/ci", "arn:aws:iam::111122223333:role/ops"]},
             "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"},
             "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
        ])),
        passes(json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::data/*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
        ])),
        passes(json!([
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"},
        ])),
        passes(json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
        ])),
        passes(json!([
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        ])),
        trust_passes(json!([
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"},
             "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"},
             "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
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
    fn mutual_cover_reports_the_later_statement_once() {
        let findings = super::super::tests::passes(serde_json::json!([
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
        ]))
        .findings();
        let ours: Vec<_> = findings
            .iter()
            .filter(|f| f.code == super::INFO.code)
            .collect();
        assert_eq!(ours.len(), 1);
        assert_eq!(ours[0].statement, Some(1));
        assert!(ours[0].message.contains("statement 0"));
    }

    #[test]
    fn a_covered_statement_with_a_condition_is_reported_even_when_earlier() {
        let findings = super::super::tests::passes(serde_json::json!([
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        ]))
        .findings();
        let ours: Vec<_> = findings
            .iter()
            .filter(|f| f.code == super::INFO.code)
            .collect();
        assert_eq!(ours.len(), 1);
        assert_eq!(ours[0].statement, Some(0));
    }
}
