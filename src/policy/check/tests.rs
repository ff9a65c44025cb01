//! One failing and one passing case for every policy check.

use super::*;
use crate::policy::problem::Severity;

fn identity(statement: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#)
}

const GOOD_STATEMENT: &str = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#;
const GOOD_TRUST: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}"#;

/// The codes of the errors and warnings, in order.
fn codes_of(text: &str, kind: PolicyKind) -> Vec<&'static str> {
    check(text, kind).problems.iter().map(|p| p.code).collect()
}

fn assert_clean(text: &str, kind: PolicyKind) {
    let checked = check(text, kind);
    assert!(
        checked.problems.is_empty(),
        "unexpected problems: {:#?}",
        checked.problems
    );
    assert!(checked.document.is_some());
}

/// Asserts exactly one problem with this code, whose span covers `covers`.
fn assert_one(text: &str, kind: PolicyKind, code: &str, covers: &str) -> Problem {
    let checked = check(text, kind);
    let matching: Vec<&Problem> = checked.problems.iter().filter(|p| p.code == code).collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {code} in {:#?}",
        checked.problems
    );
    let p = matching[0].clone();
    let span = p.span.clone().expect("a span");
    assert_eq!(&text[span], covers, "span of {code}");
    if p.severity == Severity::Error {
        assert!(checked.document.is_none());
    }
    p
}

#[test]
fn good_policies_pass() {
    assert_clean(&identity(GOOD_STATEMENT), PolicyKind::Identity);
    assert_clean(GOOD_TRUST, PolicyKind::Trust);
}

#[test]
fn document_keeps_what_was_written() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Sid":"A1","Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:role/x","Condition":{"StringLike":{"aws:PrincipalArn":["a*","b*"]}}}}"#;
    let checked = check(text, PolicyKind::Identity);
    assert!(checked.problems.is_empty(), "{:#?}", checked.problems);
    let doc = checked.document.unwrap();
    assert_eq!(serde_json::to_string(&doc).unwrap(), text);
    assert_eq!(checked.size, text.len());
}

#[test]
fn invalid_json() {
    let text = r#"{"Version": "2012-10-17", "Statement": [}"#;
    let p = assert_one(text, PolicyKind::Identity, codes::INVALID_JSON, "}");
    assert!(p.message.starts_with("expected a JSON value"));
}

#[test]
fn duplicate_keys() {
    let text = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Action": "s3:PutObject", "Resource": "*"}"#,
    );
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::DUPLICATE_KEY,
        r#""Action""#,
    );
}

#[test]
fn characters_outside_latin1() {
    let text = identity(
        r#"{"Sid": "Caf€", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    assert!(codes_of(&text, PolicyKind::Identity).contains(&codes::INVALID_CHARACTER));
    let text = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::café/*"}"#,
    );
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn version() {
    let text = identity(GOOD_STATEMENT).replace("2012-10-17", "2008-10-17");
    let p = assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_VERSION,
        r#""2008-10-17""#,
    );
    assert!(p.help.unwrap().contains("2012-10-17"));
    let text = identity(GOOD_STATEMENT).replace("2012-10-17", "2012-10-18");
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_VERSION,
        r#""2012-10-18""#,
    );
    let text = format!(r#"{{"Statement": [{GOOD_STATEMENT}]}}"#);
    assert_one(&text, PolicyKind::Identity, codes::MISSING_ELEMENT, "{");
}

#[test]
fn statement_shape() {
    let text = r#"{"Version": "2012-10-17", "Statement": "Allow"}"#;
    assert_one(
        text,
        PolicyKind::Identity,
        codes::INVALID_TYPE,
        r#""Allow""#,
    );
    let text = r#"{"Version": "2012-10-17", "Statement": []}"#;
    assert_one(text, PolicyKind::Identity, codes::MISSING_ELEMENT, "[]");
    let text = r#"{"Version": "2012-10-17", "Statement": [1]}"#;
    assert_one(text, PolicyKind::Identity, codes::INVALID_TYPE, "1");
    let text = r#"{"Version": "2012-10-17"}"#;
    assert_one(text, PolicyKind::Identity, codes::MISSING_ELEMENT, "{");
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": {GOOD_STATEMENT}}}"#);
    assert_clean(&text, PolicyKind::Identity);
    assert_one("[]", PolicyKind::Identity, codes::INVALID_TYPE, "[]");
}

#[test]
fn unknown_elements_suggest_the_right_name() {
    let text = r#"{"Version": "2012-10-17", "statement": []}"#;
    let p = assert_one(
        text,
        PolicyKind::Identity,
        codes::UNKNOWN_ELEMENT,
        r#""statement""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `Statement`?"));
    let text = identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resources": "*"}"#);
    let p = assert_one(
        &text,
        PolicyKind::Identity,
        codes::UNKNOWN_ELEMENT,
        r#""Resources""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `Resource`?"));
}

#[test]
fn effect() {
    let text = identity(r#"{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}"#);
    let p = assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_EFFECT,
        r#""allow""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `Allow`?"));
    let text = identity(r#"{"Action": "s3:GetObject", "Resource": "*"}"#);
    assert_one(&text, PolicyKind::Identity, codes::MISSING_ELEMENT, "{");
    let text = identity(r#"{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}"#);
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn action_and_not_action() {
    let text = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}"#,
    );
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::CONFLICTING_ELEMENTS,
        r#""NotAction""#,
    );
    let text = identity(r#"{"Effect": "Allow", "Resource": "*"}"#);
    assert_one(&text, PolicyKind::Identity, codes::MISSING_ELEMENT, "{");
    let text = identity(r#"{"Effect": "Allow", "Action": [], "Resource": "*"}"#);
    assert_one(&text, PolicyKind::Identity, codes::INVALID_TYPE, "[]");
    let text = identity(r#"{"Effect": "Allow", "Action": ["s3:GetObject", 3], "Resource": "*"}"#);
    assert_one(&text, PolicyKind::Identity, codes::INVALID_TYPE, "3");
    let text = identity(r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#);
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn resource_and_not_resource_in_identity_policies() {
    let text = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "NotResource": "arn:aws:s3:::b"}"#,
    );
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::CONFLICTING_ELEMENTS,
        r#""NotResource""#,
    );
    let text = identity(r#"{"Effect": "Allow", "Action": "s3:GetObject"}"#);
    assert_one(&text, PolicyKind::Identity, codes::MISSING_ELEMENT, "{");
    let text =
        identity(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket"}"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_RESOURCE,
        r#""my-bucket""#,
    );
    let text = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": ["arn:aws:s3:::b/*"]}"#,
    );
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn identity_policies_have_no_principal_or_id() {
    let text = identity(
        r#"{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::FORBIDDEN_ELEMENT,
        r#""Principal": {"AWS": "123456789012"}"#,
    );
    let text = identity(
        r#"{"Effect": "Deny", "NotPrincipal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::FORBIDDEN_ELEMENT,
        r#""NotPrincipal": "*""#,
    );
    let text =
        format!(r#"{{"Version": "2012-10-17", "Id": "x", "Statement": [{GOOD_STATEMENT}]}}"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::FORBIDDEN_ELEMENT,
        r#""Id": "x""#,
    );
}

#[test]
fn trust_policies_need_a_specific_principal() {
    let text = GOOD_TRUST.replace(
        r#""Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "#,
        "",
    );
    assert_one(&text, PolicyKind::Trust, codes::MISSING_ELEMENT, "{");
    let text = GOOD_TRUST.replace(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, r#""*""#);
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::WILDCARD_PRINCIPAL,
        r#""*""#,
    );
    let text = GOOD_TRUST.replace(
        r#""arn:aws:iam::111122223333:root""#,
        r#"["123456789012", "*"]"#,
    );
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::WILDCARD_PRINCIPAL,
        r#""*""#,
    );
    let text = GOOD_TRUST.replace("111122223333", "*");
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::INVALID_PRINCIPAL,
        r#""arn:aws:iam::*:root""#,
    );
    let text = GOOD_TRUST.replace(r#""AWS""#, r#""Aws""#);
    let p = assert_one(&text, PolicyKind::Trust, codes::UNKNOWN_ELEMENT, r#""Aws""#);
    assert_eq!(p.help.as_deref(), Some("did you mean `AWS`?"));
    let text = GOOD_TRUST.replace(r#"{"AWS": "arn:aws:iam::111122223333:root"}"#, "{}");
    assert_one(&text, PolicyKind::Trust, codes::INVALID_PRINCIPAL, "{}");
    let text = GOOD_TRUST.replace(
        r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
        r#"{"Service": ["ecs-tasks.amazonaws.com"], "Federated": "accounts.google.com"}"#,
    );
    assert_clean(&text, PolicyKind::Trust);
}

#[test]
fn trust_policies_forbid_not_principal_and_resources() {
    let text = GOOD_TRUST.replace(
        r#""Effect": "Allow","#,
        r#""Effect": "Allow", "NotPrincipal": {"AWS": "1"},"#,
    );
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::FORBIDDEN_ELEMENT,
        r#""NotPrincipal": {"AWS": "1"}"#,
    );
    let text = GOOD_TRUST.replace(
        r#""Effect": "Allow","#,
        r#""Effect": "Allow", "Resource": "*","#,
    );
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::FORBIDDEN_ELEMENT,
        r#""Resource": "*""#,
    );
    let text = GOOD_TRUST.replace(
        r#""Effect": "Allow","#,
        r#""Effect": "Allow", "NotResource": "*","#,
    );
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::FORBIDDEN_ELEMENT,
        r#""NotResource": "*""#,
    );
}

#[test]
fn trust_policies_only_assume_the_role() {
    let text = GOOD_TRUST.replace(r#""sts:TagSession""#, r#""sts:GetCallerIdentity""#);
    assert_one(
        &text,
        PolicyKind::Trust,
        codes::TRUST_ACTION,
        r#""sts:GetCallerIdentity""#,
    );
    let text = GOOD_TRUST.replace(r#""sts:TagSession""#, r#""sts:*""#);
    assert_one(&text, PolicyKind::Trust, codes::TRUST_ACTION, r#""sts:*""#);
    let text = GOOD_TRUST.replace(r#""sts:TagSession""#, r#""*""#);
    assert_one(&text, PolicyKind::Trust, codes::TRUST_ACTION, r#""*""#);
    let text = GOOD_TRUST.replace(r#""Action""#, r#""NotAction""#);
    assert!(codes_of(&text, PolicyKind::Trust).contains(&codes::FORBIDDEN_ELEMENT));
    let text = GOOD_TRUST.replace(
        r#"["sts:AssumeRole", "sts:TagSession"]"#,
        r#"["sts:assumerole*", "sts:SetSourceIdentity", "sts:SetContext"]"#,
    );
    assert_clean(&text, PolicyKind::Trust);
}

/// Identity policies remember the actions they found valid (per thread); that must
/// change no answer: not for the same string in a trust policy, not for a string that
/// differs only in case or is invalid.
#[test]
fn remembered_actions_change_no_answer() {
    let a = |action: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": ["{action}"], "Resource": "*"}}"#
        ))
    };
    for _ in 0..2 {
        assert_clean(&a("sts:GetCallerIdentity"), PolicyKind::Identity);
        assert_clean(&a("sts:getcalleridentity"), PolicyKind::Identity);
        assert_one(
            &a("sts:GetCallerIdentiti"),
            PolicyKind::Identity,
            codes::UNKNOWN_ACTION,
            r#""sts:GetCallerIdentiti""#,
        );
        let text = GOOD_TRUST.replace(r#""sts:TagSession""#, r#""sts:GetCallerIdentity""#);
        assert_one(
            &text,
            PolicyKind::Trust,
            codes::TRUST_ACTION,
            r#""sts:GetCallerIdentity""#,
        );
    }
}

#[test]
fn sids_are_alphanumeric_and_unique() {
    let s = |sid: &str| {
        format!(
            r#"{{"Sid": "{sid}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#
        )
    };
    let text = identity(&s("read-objects"));
    let p = assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_SID,
        r#""read-objects""#,
    );
    assert!(p.help.unwrap().contains("readobjects"));
    let text = identity(&format!("{},{}", s("Read"), s("Read")));
    let checked = check(&text, PolicyKind::Identity);
    assert_eq!(
        codes_of(&text, PolicyKind::Identity),
        [codes::DUPLICATE_SID]
    );
    let span = checked.problems[0].span.clone().unwrap();
    assert!(
        span.start > text.find("Read").unwrap(),
        "points at the second"
    );
    let first = text.find(r#""Read""#).unwrap();
    assert_eq!(
        checked.problems[0].labels,
        [(first..first + 6, "first used here".to_owned())],
        "labels the first"
    );
    let text = identity(&format!("{},{},{}", s("Read"), s("Read2"), s("")));
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn condition_operators() {
    let c = |cond: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {cond}}}"#
        ))
    };
    let text = c(r#"{"StringEqual": {"aws:PrincipalOrgID": "o-1"}}"#);
    let p = assert_one(
        &text,
        PolicyKind::Identity,
        codes::UNKNOWN_CONDITION_OPERATOR,
        r#""StringEqual""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `StringEquals`?"));
    let text = c(r#"{"NullIfExists": {"aws:TokenIssueTime": "true"}}"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::NULL_IF_EXISTS,
        r#""NullIfExists""#,
    );
    let text = c(r#"{"StringEquals": {"aws:PrincipalTag/team": {"a": 1}}}"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_CONDITION,
        r#"{"a": 1}"#,
    );
    let text = c(r#"{"StringEquals": {"aws:PrincipalTag/team": []}}"#);
    assert_one(&text, PolicyKind::Identity, codes::INVALID_CONDITION, "[]");
    let text = c(r#"{"StringEquals": "x"}"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_CONDITION,
        r#""x""#,
    );
    let text = c(r#"["StringEquals"]"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::INVALID_CONDITION,
        r#"["StringEquals"]"#,
    );
    let text = c(r#"{"StringEquals": {"aws:SourceAccount": "1", "aws:sourceaccount": "2"}}"#);
    assert_one(
        &text,
        PolicyKind::Identity,
        codes::DUPLICATE_KEY,
        r#""aws:sourceaccount""#,
    );
    let text = c(
        r#"{"ForAnyValue:StringLikeIfExists": {"aws:PrincipalOrgPaths": ["o-1/*"]}, "NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}, "Null": {"aws:TokenIssueTime": "false"}}"#,
    );
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn condition_warnings() {
    let c = |effect: &str, cond: &str| {
        identity(&format!(
            r#"{{"Effect": "{effect}", "Action": "s3:GetObject", "Resource": "*", "Condition": {cond}}}"#
        ))
    };
    let text = c(
        "Allow",
        r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#,
    );
    // The checker leaves `ForAllValues:` in an `Allow` to the lint.
    assert_clean(&text, PolicyKind::Identity);
    let text = c(
        "Deny",
        r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#,
    );
    assert_clean(&text, PolicyKind::Identity);
    let text = c(
        "Deny",
        r#"{"StringEquals": {"aws:PrincipalArn": ["arn:aws:iam::*:role/x"]}}"#,
    );
    let p = assert_one(
        &text,
        PolicyKind::Identity,
        codes::WILDCARD_WITHOUT_LIKE,
        r#""arn:aws:iam::*:role/x""#,
    );
    assert_eq!(
        p.help.as_deref(),
        Some("use `StringLike` to match with wildcards")
    );
    let text = c(
        "Deny",
        r#"{"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/x"]}}"#,
    );
    assert_clean(&text, PolicyKind::Identity);
}

#[test]
fn actions_against_the_catalogue() {
    let a = |action: &str| {
        identity(&format!(
            r#"{{"Effect": "Allow", "Action": ["{action}"], "Resource": "*"}}"#
        ))
    };
    for good in [
        "s3:Get*",
        "S3:getobject",
        "*",
        "s3:*",
        "ec2:Describe*",
        "s3:GetObj?ct",
        "*:List*",
    ] {
        assert_clean(&a(good), PolicyKind::Identity);
    }
    let p = assert_one(
        &a("s3:Gxt*"),
        PolicyKind::Identity,
        codes::UNMATCHED_WILDCARD,
        r#""s3:Gxt*""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `s3:Get*`?"));
    let p = assert_one(
        &a("s3:GetObjekt"),
        PolicyKind::Identity,
        codes::UNKNOWN_ACTION,
        r#""s3:GetObjekt""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `s3:GetObject`?"));
    let p = assert_one(
        &a("s4:GetObject"),
        PolicyKind::Identity,
        codes::UNKNOWN_SERVICE,
        r#""s4:GetObject""#,
    );
    assert_eq!(p.help.as_deref(), Some("did you mean `s3:GetObject`?"));
    assert_one(
        &a("GetObject"),
        PolicyKind::Identity,
        codes::INVALID_ACTION,
        r#""GetObject""#,
    );
    assert_one(
        &a("zz*:Get*"),
        PolicyKind::Identity,
        codes::UNKNOWN_SERVICE,
        r#""zz*:Get*""#,
    );
}

#[test]
fn size_counts_non_whitespace_characters() {
    assert_eq!(size_without_whitespace("{ \"a\" :\n [ 1 ] }"), 9);
    let text = identity(GOOD_STATEMENT);
    assert_eq!(
        check(&text, PolicyKind::Identity).size,
        size_without_whitespace(&text)
    );
}

#[test]
fn checks_documents_built_in_rust() {
    use crate::policy::document::{Principal, Statement};
    let doc = PolicyDocument::new(vec![
        Statement::allow()
            .with_principal(Principal::aws("arn:aws:iam::111122223333:root"))
            .with_action("sts:AssumeRole"),
    ]);
    let checked = check_document(&doc, PolicyKind::Trust);
    assert!(checked.problems.is_empty(), "{:#?}", checked.problems);
    assert_eq!(checked.document.as_ref(), Some(&doc));
    let checked = check_document(&doc, PolicyKind::Identity);
    assert!(checked.has_errors());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in ".{0,300}") {
            let _ = check(&text, PolicyKind::Identity);
            let _ = check(&text, PolicyKind::Trust);
        }

        #[test]
        fn never_panics_on_policy_like_text(
            effect in "(Allow|Deny|x)",
            action in "[a-zA-Z0-9:*?-]{0,20}",
            key in "(Resource|NotResource|Principal|Condition|Foo)",
            value in "(\"\\*\"|\\[\\]|\\{\\}|1|\"arn:aws:s3:::b\"|\\{\"StringLike\":\\{\"k\":\\[\"v\"\\]\\}\\})",
        ) {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Action":"{action}","{key}":{value}}}]}}"#
            );
            for kind in [PolicyKind::Identity, PolicyKind::Trust] {
                let checked = check(&text, kind);
                for p in &checked.problems {
                    if let Some(span) = &p.span {
                        prop_assert!(text.get(span.clone()).is_some(), "span on a char boundary");
                    }
                }
                prop_assert_eq!(checked.document.is_some(), !checked.has_errors());
            }
        }
    }
}
