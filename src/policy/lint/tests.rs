//! The example harness every check's unit tests use, and the tests of the registry as a
//! whole: every code documented and produced, and no panic on any AWS-managed policy.

use super::*;
use crate::policy::check::{check, check_document};
use crate::policy::document::Principal;
use crate::policy::managed_policies;

/// A policy a check must report (`fires`) or must leave alone.
#[derive(Debug, Clone)]
pub struct Example {
    pub kind: PolicyKind,
    pub policy: serde_json::Value,
    pub fires: bool,
    /// The structural checker rejects the policy: it is a document built in code, which
    /// the lint must still handle.
    pub unchecked: bool,
}

/// An identity policy the check must report.
pub fn fails(statements: serde_json::Value) -> Example {
    example(PolicyKind::Identity, statements, true)
}

/// An identity policy the check must not report.
pub fn passes(statements: serde_json::Value) -> Example {
    example(PolicyKind::Identity, statements, false)
}

/// A trust policy the check must report.
pub fn trust_fails(statements: serde_json::Value) -> Example {
    example(PolicyKind::Trust, statements, true)
}

/// A trust policy the check must not report.
pub fn trust_passes(statements: serde_json::Value) -> Example {
    example(PolicyKind::Trust, statements, false)
}

fn example(kind: PolicyKind, statements: serde_json::Value, fires: bool) -> Example {
    Example {
        kind,
        policy: serde_json::json!({"Version": "2012-10-17", "Statement": statements}),
        fires,
        unchecked: false,
    }
}

impl Example {
    #[must_use]
    pub fn unchecked(mut self) -> Self {
        self.unchecked = true;
        self
    }

    pub fn document(&self) -> PolicyDocument {
        serde_json::from_value(self.policy.clone()).unwrap()
    }

    pub fn findings(&self) -> Vec<Finding> {
        lint(&self.document(), self.kind)
    }
}

/// Runs a check's examples through the whole lint: each failing example is reported with
/// the check's code and severity, and no passing example is. Unless marked unchecked,
/// every example is a policy the structural checker accepts, so the examples show what
/// the lint adds to it.
pub fn run(info: &LintInfo, examples: &[Example]) {
    assert!(
        examples.iter().any(|e| e.fires),
        "{}: no failing example",
        info.code
    );
    assert!(
        examples.iter().any(|e| !e.fires),
        "{}: no passing example",
        info.code
    );
    for example in examples {
        let text = serde_json::to_string_pretty(&example.policy).unwrap();
        let checked = check(&text, example.kind);
        assert_eq!(
            checked.has_errors(),
            example.unchecked,
            "{}: checker disagrees with the example's `unchecked` on {text}: {:#?}",
            info.code,
            checked.problems
        );
        let findings = example.findings();
        let ours: Vec<&Finding> = findings.iter().filter(|f| f.code == info.code).collect();
        if example.fires {
            assert!(!ours.is_empty(), "{} not reported for {text}", info.code);
            for f in &ours {
                assert_eq!(f.severity, info.severity);
                assert!(f.statement.is_some());
                assert!(f.help.is_some(), "{}: finding without help", info.code);
            }
        } else {
            assert!(
                ours.is_empty(),
                "{} reported for {text}: {ours:#?}",
                info.code
            );
        }
    }
}

/// The codes `lint` reports for an identity policy made of these statements.
pub fn codes(statements: serde_json::Value) -> Vec<&'static str> {
    passes(statements)
        .findings()
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn every_registered_code_is_produced_by_its_examples() {
    let examples = all_examples();
    assert_eq!(examples.len(), all_lints().len());
    for ((info, examples), listed) in examples.iter().zip(all_lints()) {
        assert_eq!(*info, listed, "registry order");
        run(info, examples);
    }
}

#[test]
fn registry_entries_are_well_formed() {
    let mut seen = std::collections::BTreeSet::new();
    for info in all_lints() {
        let name = info.code.strip_prefix("orgc::lint::").unwrap();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            info.code
        );
        assert!(seen.insert(info.code), "{} registered twice", info.code);
        assert!(!info.summary.is_empty() && !info.summary.contains('\n'));
        assert!(
            info.doc.len() > 100 && !info.doc.contains("\n\n"),
            "{}: the doc is one paragraph",
            info.code
        );
        assert_eq!(lint_info(info.code), Some(info));
    }
    assert_eq!(lint_info("orgc::lint::no-such-check"), None);
    assert_eq!(
        closest_code("orgc::lint::pass-role-stars"),
        Some("orgc::lint::pass-role-star")
    );
}

#[test]
fn severities_decide_what_fails_the_build() {
    assert!(LintSeverity::Error.fails_build());
    assert!(LintSeverity::SecurityWarning.fails_build());
    assert!(!LintSeverity::Warning.fails_build());
    assert!(!LintSeverity::Suggestion.fails_build());
    assert!(LintSeverity::SecurityWarning.can_be_acknowledged());
    assert!(!LintSeverity::Error.can_be_acknowledged());
    assert!(LintSeverity::Error < LintSeverity::Suggestion);
}

#[test]
fn findings_are_ordered_by_statement_then_registry() {
    let findings = passes(serde_json::json!([
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::x"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    ]))
    .findings();
    let got: Vec<(Option<usize>, &str)> = findings.iter().map(|f| (f.statement, f.code)).collect();
    assert_eq!(
        got,
        [
            (Some(1), "orgc::lint::pass-role-star"),
            (Some(1), "orgc::lint::allow-not-action"),
            (Some(1), "orgc::lint::allow-not-resource"),
            (Some(2), "orgc::lint::duplicate-statement"),
        ]
    );
    let shown = findings[0].to_string();
    assert!(
        shown.starts_with("security warning[orgc::lint::pass-role-star]: "),
        "{shown}"
    );
    assert!(shown.contains("(statement 1)\nhelp: "), "{shown}");
}

#[test]
fn a_least_privilege_policy_is_clean() {
    let clean = serde_json::json!([
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]},
        {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": "arn:aws:iam::111122223333:role/app-task",
         "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
        {"Sid": "DenyWithoutMfa", "Effect": "Deny", "NotAction": "sts:GetSessionToken",
         "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    ]);
    assert_eq!(codes(clean), Vec::<&str>::new());
}

/// The lint must cope with whatever AWS publishes; whether those policies are clean is
/// not its business, so only a few well-known results are asserted.
#[test]
fn lints_every_aws_managed_policy_without_panicking() {
    let policies = managed_policies();
    assert!(policies.len() > 1000);
    let mut total = 0;
    for policy in policies.iter() {
        let findings = lint(&policy.document, PolicyKind::Identity);
        for f in &findings {
            assert!(lint_info(f.code).is_some());
            let index = f.statement.unwrap();
            assert!(index < policy.document.statements().len());
        }
        total += findings.len();
    }
    assert!(total > 0);
    let admin = &policies.get("AdministratorAccess").unwrap().document;
    let admin_codes: Vec<&str> = lint(admin, PolicyKind::Identity)
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(admin_codes.contains(&"orgc::lint::full-admin"));
    assert!(admin_codes.contains(&"orgc::lint::pass-role-star"));
    let power_user = &policies.get("PowerUserAccess").unwrap().document;
    let power_codes: Vec<&str> = lint(power_user, PolicyKind::Identity)
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(power_codes.contains(&"orgc::lint::allow-not-action"));
}

/// A document with nothing in it, and one with every element empty, lint without panicking.
#[test]
fn degenerate_documents_do_not_panic() {
    let empty = PolicyDocument::new(vec![]);
    assert!(lint(&empty, PolicyKind::Identity).is_empty());
    let hollow = PolicyDocument::new(vec![Statement::allow(), Statement::allow()]);
    for kind in [PolicyKind::Identity, PolicyKind::Trust] {
        let _ = lint(&hollow, kind);
    }
}

/// Every trust form of the org format, as `orgc` generates it, must lint clean: otherwise
/// every org using that form would have to acknowledge a finding about orgc's own output.
#[test]
fn generated_trust_forms_are_clean() {
    let assume = |principal: Principal| {
        Statement::allow()
            .with_principal(principal)
            .with_action("sts:AssumeRole")
    };
    let doc = PolicyDocument::new(vec![
        assume(Principal::aws("arn:aws:iam::111122223333:role/ops/ci"))
            .with_sid("RoleCi")
            .with_condition("Bool", "aws:MultiFactorAuthPresent", true),
        assume(Principal::aws("arn:aws:iam::111122223333:root"))
            .with_sid("PermissionSetAdmin")
            .with_condition(
                "ArnLike",
                "aws:PrincipalArn",
                "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*",
            ),
        assume(Principal::service("ecs-tasks.amazonaws.com"))
            .with_sid("ServiceEcsTasks")
            .with_condition("StringEquals", "aws:SourceAccount", "444455556666"),
        assume(Principal::aws("arn:aws:iam::999988887777:root"))
            .with_sid("External999988887777")
            .with_condition("StringEquals", "sts:ExternalId", "vendor-42"),
        assume(Principal::aws("arn:aws:iam::555566667777:root"))
            .with_sid("AccountSecurity")
            .with_condition("StringEquals", "aws:PrincipalOrgID", "o-abcdefghij"),
    ]);
    assert!(!check_document(&doc, PolicyKind::Trust).has_errors());
    assert_eq!(lint(&doc, PolicyKind::Trust), Vec::<Finding>::new());
}
