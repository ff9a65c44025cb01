//! `orgc::lint::mfa-bool-without-if-exists`: a `Deny` on `Bool aws:MultiFactorAuthPresent
//! false`, which long-term access keys slip past.

use super::support::{as_bool, conditions};
use super::{Context, Finding, LintInfo, LintSeverity};
use crate::policy::document::Effect;

pub(super) const MFA_KEY: &str = "aws:MultiFactorAuthPresent";

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::mfa-bool-without-if-exists",
    severity: LintSeverity::Warning,
    summary: "`Deny` on `Bool aws:MultiFactorAuthPresent false` misses long-term access keys",
    doc: "Reports a `Deny` statement conditioned on `\"Bool\": {\"aws:MultiFactorAuthPresent\": \
          \"false\"}`. AWS sets `aws:MultiFactorAuthPresent` only on requests signed with \
          temporary credentials; a request signed with a user's long-term access keys has \
          no such key, `Bool` is then false, and the deny does not apply, so the policy \
          meant to require MFA lets access keys through without it. Write `BoolIfExists`, \
          which is true when the key is absent, so the deny covers both cases (the pattern \
          the IAM User Guide and parliament's `BAD_PATTERN_FOR_MFA` recommend).",
};

/// ## What it does
/// Finds `Deny` statements testing `Bool aws:MultiFactorAuthPresent false`.
///
/// ## Why is this bad?
/// Requests made with long-term access keys carry no MFA key at all, so the deny never
/// applies to them.
///
/// ## Example
/// ```json
/// {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
///  "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
/// ```
/// Use instead: `"BoolIfExists"`.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if statement.effect != Effect::Deny {
            continue;
        }
        let misses_keys = conditions(statement).any(|(operator, key, values)| {
            operator == "Bool"
                && key.eq_ignore_ascii_case(MFA_KEY)
                && values.iter().any(|v| as_bool(v) == Some(false))
        });
        if misses_keys {
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    format!("this `Deny` on `Bool` `{MFA_KEY}` = false does not apply to requests signed with long-term access keys, which carry no `{MFA_KEY}`"),
                )
                .with_help("use `BoolIfExists`, so the deny also applies when the key is absent"),
            );
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes};
    use serde_json::json;
    let deny = |operator: &str, value: serde_json::Value| {
        json!([{"Effect": "Deny", "NotAction": ["iam:ListMFADevices", "sts:GetSessionToken"],
                "Resource": "*",
                "Condition": {operator: {"aws:MultiFactorAuthPresent": value}}}])
    };
    vec![
        fails(deny("Bool", json!("false"))),
        fails(deny("Bool", json!(false))),
        passes(deny("BoolIfExists", json!("false"))),
        passes(json!([{"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*",
                       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
