//! `orgc::lint::mfa-if-exists-with-allow`: an `Allow` on `BoolIfExists
//! aws:MultiFactorAuthPresent true`, which also allows requests without MFA.

use super::mfa_bool_without_if_exists::MFA_KEY;
use super::support::{as_bool, conditions, is_allow};
use super::{Context, Finding, LintInfo, LintSeverity};

pub(super) const INFO: LintInfo = LintInfo {
    code: "orgc::lint::mfa-if-exists-with-allow",
    severity: LintSeverity::Warning,
    summary: "`Allow` on `BoolIfExists aws:MultiFactorAuthPresent true` also allows requests without MFA",
    doc: "Reports an `Allow` statement conditioned on `\"BoolIfExists\": \
          {\"aws:MultiFactorAuthPresent\": \"true\"}`. `IfExists` makes the condition true \
          when the key is absent, and AWS leaves `aws:MultiFactorAuthPresent` out of \
          requests signed with long-term access keys, so the statement that reads as \
          \"only with MFA\" allows anyone holding a user's access keys, without MFA. This is \
          the mirror image of the `Deny` mistake `orgc::lint::mfa-bool-without-if-exists` \
          reports. In an `Allow`, write plain `Bool`, which is false when the key is absent.",
};

/// ## What it does
/// Finds `Allow` statements testing `BoolIfExists aws:MultiFactorAuthPresent true`.
///
/// ## Why is this bad?
/// Long-term access keys carry no MFA key, so `IfExists` lets them through.
///
/// ## Example
/// ```json
/// {"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*",
///  "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}
/// ```
/// Use instead: `"Bool"`.
pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, statement) in cx.statements() {
        if !is_allow(statement) {
            continue;
        }
        let lets_keys_in = conditions(statement).any(|(operator, key, values)| {
            operator == "BoolIfExists"
                && key.eq_ignore_ascii_case(MFA_KEY)
                && values.iter().any(|v| as_bool(v) == Some(true))
        });
        if lets_keys_in {
            out.push(
                Finding::new(
                    &INFO,
                    index,
                    format!("this `Allow` on `BoolIfExists` `{MFA_KEY}` = true also allows requests signed with long-term access keys, which carry no `{MFA_KEY}`, without MFA"),
                )
                .with_help("use `Bool`, which is false when the key is absent, to require MFA"),
            );
        }
    }
}

#[cfg(test)]
pub(super) fn examples() -> Vec<super::tests::Example> {
    use super::tests::{fails, passes, trust_fails, trust_passes};
    use serde_json::json;
    let trust = |operator: &str| {
        json!([{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"},
                "Action": "sts:AssumeRole",
                "Condition": {operator: {"aws:MultiFactorAuthPresent": "true"}}}])
    };
    vec![
        trust_fails(trust("BoolIfExists")),
        fails(json!([{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*",
                      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": true}}}])),
        trust_passes(trust("Bool")),
        passes(json!([{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
                       "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}])),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples() {
        super::super::tests::run(&super::INFO, &super::examples());
    }
}
