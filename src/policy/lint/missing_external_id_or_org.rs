//! `orgc::lint::missing-external-id-or-org`: a whole account trusted with nothing to tell
//! its principals apart (the cross-account confused deputy).

use super::support::{is_allow, requires_any_key};
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::check::PolicyKind;

/// Keys that narrow a whole-account principal: the third party's external id, membership
/// of this organisation, or the exact principal.
const NARROWING_KEYS: [&str; 4] = [
    "sts:ExternalId",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalArn",
];

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::missing-external-id-or-org",
    severity: LintSeverity::SecurityWarning,
    summary: "a whole account trusted without `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalArn`",
    doc: "Reports a trust policy statement whose `AWS` principal is a whole account (its \
          root ARN or bare 12-digit id) and that has no condition requiring `sts:ExternalId`, \
          `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` or `aws:PrincipalArn`. Trusting an \
          account delegates the decision to every administrator of that account: a third \
          party's service, acting for many customers, can be tricked into assuming this role \
          for someone else (the cross-account confused deputy, which `sts:ExternalId` \
          prevents), and an account that leaves the organisation keeps its access (which \
          `aws:PrincipalOrgID` prevents). Require the external id the third party gave you, \
          the organisation id for accounts of this organisation, or name the trusted role in \
          `aws:PrincipalArn`. Principals named by role or user ARN are not reported: naming \
          one is already a narrow grant.",
};

/// ## What it does
/// Finds trust statements naming an account root without a narrowing condition.
///
/// ## Why is this bad?
/// Whoever that account's IAM allows may assume the role, for any reason, for anyone.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
///  "Action": "sts:AssumeRole"}
/// ```
/// Use instead: add `"Condition": {"StringEquals": {"sts:ExternalId": "…"}}`.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.kind != PolicyKind::Trust {
        return;
    }
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        let Some(principal) = &statement.principal else {
            continue;
        };
        let accounts: Vec<&str> = principal
            .values("AWS")
            .iter()
            .filter_map(|p| whole_account(p))
            .collect();
        if accounts.is_empty() || requires_any_key(statement, &NARROWING_KEYS) {
            continue;
        }
        let named: Vec<String> = accounts.iter().map(|a| format!("`{a}`")).collect();
        out.push(
            Finding::new(
                &INFO,
                index,
                format!(
                    "account {} is trusted as a whole, with no condition on `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:PrincipalArn`: any principal its administrators allow may assume this role",
                    named.join(", ")
                ),
            )
            .with_help("for a third party require `sts:ExternalId`; for an account of this organisation require `aws:PrincipalOrgID`; or name the trusted role"),
        );
    }
}

/// The account id of a whole-account principal: `123456789012` or
/// `arn:<partition>:iam::123456789012:root`.
fn whole_account(principal: &str) -> Option<&str> {
    let id = match principal.strip_prefix("arn:") {
        Some(rest) => {
            let (_partition, rest) = rest.split_once(':')?;
            rest.strip_prefix("iam::")?.strip_suffix(":root")?
        }
        None => principal,
    };
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{trust_fails, trust_passes};
    use serde_json::json;
    let root = |principal: &str, condition: serde_json::Value| {
        let mut statement = json!({"Effect": "Allow",
                                   "Principal": {"AWS": principal},
                                   "Action": ["sts:AssumeRole", "sts:TagSession"]});
        if !condition.is_null() {
            statement["Condition"] = condition;
        }
        json!([statement])
    };
    let none = serde_json::Value::Null;
    vec![
        trust_fails(root("arn:aws:iam::444455556666:root", none.clone())),
        trust_fails(root("444455556666", none.clone())),
        trust_fails(root("arn:aws-us-gov:iam::444455556666:root",
                         json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}))),
        trust_fails(root("arn:aws:iam::444455556666:root",
                         json!({"StringEqualsIfExists": {"sts:ExternalId": "x9-customer"}}))),
        trust_passes(root("arn:aws:iam::444455556666:root",
                          json!({"StringEquals": {"sts:ExternalId": "x9-customer"}}))),
        trust_passes(root("arn:aws:iam::444455556666:root",
                          json!({"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}))),
        trust_passes(root("arn:aws:iam::444455556666:root",
                          json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*"}}))),
        trust_passes(root("arn:aws:iam::444455556666:role/ci", none)),
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
    fn recognises_whole_account_principals() {
        assert_eq!(whole_account("111122223333"), Some("111122223333"));
        assert_eq!(
            whole_account("arn:aws-cn:iam::111122223333:root"),
            Some("111122223333")
        );
        assert_eq!(whole_account("arn:aws:iam::111122223333:role/root"), None);
        assert_eq!(whole_account("arn:aws:iam::111122223333:user/x"), None);
        assert_eq!(whole_account("11112222333"), None);
        assert_eq!(whole_account("arn:aws:sts::111122223333:root"), None);
    }
}
