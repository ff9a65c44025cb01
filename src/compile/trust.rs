//! Trust policies, generated (never templated) from the trust entries: one statement
//! per entry, exactly as wide as the entry says.
//!
//! | form | principal | condition |
//! |---|---|---|
//! | `role` | that role's ARN (with its path) in each named account | — |
//! | `permission_set` | each named account's root | `ArnLike aws:PrincipalArn` on the set's Identity Center role pattern |
//! | `service` | the service | `StringEquals aws:SourceAccount` = the role's account |
//! | `external_account` | that account's root | `StringEquals sts:ExternalId` |
//! | `account` | the account's root | `StringEquals aws:PrincipalOrgID` |
//!
//! `require_mfa` adds `Bool aws:MultiFactorAuthPresent`; raw `conditions` are merged in,
//! and the same operator and key set twice is a conflict, never an overwrite.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Account, Model, Role, Trust, TrustPrincipal};
use crate::policy::document::{PolicyDocument, Principal, Statement};
use crate::policy::{PolicyKind, check::operators::parse_operator};
use crate::spec::ConditionValue;
use serde_json::Value;
use std::collections::BTreeSet;

/// The action every trust statement allows.
const ASSUME_ROLE: &str = "sts:AssumeRole";

/// The ARN of an org role in an account.
pub fn role_arn(model: &Model, role: &Role, account: &Account) -> String {
    format!(
        "{}:iam::{}:role{}{}",
        model.arn_prefix(),
        account.id,
        role.path,
        role.name
    )
}

/// The pattern that matches the Identity Center role of a permission set in an account,
/// whatever suffix AWS gives it and whichever region segment its path has.
pub fn permission_set_role_pattern(model: &Model, set: &str, account: &Account) -> String {
    format!(
        "{}:iam::{}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{set}_*",
        model.arn_prefix(),
        account.id
    )
}

fn root(model: &Model, account_id: &str) -> String {
    format!("{}:iam::{account_id}:root", model.arn_prefix())
}

/// Build the trust policy of `role` as created in `target`.
pub fn trust_policy(
    model: &Model,
    role: &Role,
    target: &Account,
    diags: &mut Diagnostics,
) -> PolicyDocument {
    let mut used = BTreeSet::new();
    let statements = role
        .trust
        .iter()
        .filter_map(|t| statement(model, role, target, t, &mut used, diags))
        .collect();
    PolicyDocument::new(statements)
}

fn statement(
    model: &Model,
    role: &Role,
    target: &Account,
    t: &Trust,
    used: &mut BTreeSet<String>,
    diags: &mut Diagnostics,
) -> Option<Statement> {
    let accounts = |list: &[usize]| -> Vec<&Account> {
        list.iter().filter_map(|a| model.accounts.get(*a)).collect()
    };
    let (sid, mut s) = match &t.principal {
        TrustPrincipal::Role {
            role: r,
            accounts: list,
        } => {
            let trusted = model.roles.get(*r)?;
            let arns: Vec<String> = accounts(list)
                .into_iter()
                .map(|a| role_arn(model, trusted, a))
                .collect();
            (format!("Role{}", camel(&trusted.name)), with_aws(arns)?)
        }
        TrustPrincipal::PermissionSet {
            permission_set,
            accounts: list,
        } => {
            let set = model.permission_sets.get(*permission_set)?;
            let list = accounts(list);
            let mut s = with_aws(list.iter().map(|a| root(model, &a.id)).collect())?;
            for a in &list {
                s = s.with_condition(
                    "ArnLike",
                    "aws:PrincipalArn",
                    permission_set_role_pattern(model, &set.name, a),
                );
            }
            (format!("PermissionSet{}", camel(&set.name)), s)
        }
        TrustPrincipal::Service(service) => {
            let s = Statement::allow()
                .with_principal(Principal::service(service.clone()))
                .with_action(ASSUME_ROLE)
                .with_condition("StringEquals", "aws:SourceAccount", target.id.clone());
            (
                format!(
                    "Service{}",
                    camel(service.trim_end_matches(".amazonaws.com"))
                ),
                s,
            )
        }
        TrustPrincipal::External {
            account_id,
            external_id,
        } => {
            let s = Statement::allow()
                .with_principal(Principal::aws(root(model, account_id)))
                .with_action(ASSUME_ROLE)
                .with_condition("StringEquals", "sts:ExternalId", external_id.clone());
            (format!("External{account_id}"), s)
        }
        TrustPrincipal::Account(a) => {
            let account = model.accounts.get(*a)?;
            let Some(org_id) = &model.org.id else {
                diags.push(
                    Diagnostic::error(
                        "orgc::trust::missing-org-id",
                        format!("trusting account `{}` needs the organisation id, which is not set", account.name),
                    )
                    .at_loc(t.loc.clone())
                    .with_help("set `organization.id` (`o-…`): the trust policy checks `aws:PrincipalOrgID` so the account can only be trusted while it is in this org"),
                );
                return None;
            };
            let s = Statement::allow()
                .with_principal(Principal::aws(root(model, &account.id)))
                .with_action(ASSUME_ROLE)
                .with_condition("StringEquals", "aws:PrincipalOrgID", org_id.clone());
            (format!("Account{}", camel(&account.name)), s)
        }
    };
    if t.require_mfa {
        check_mfa_principal(role, t, diags);
        s = s.with_condition("Bool", "aws:MultiFactorAuthPresent", "true");
    }
    s = merge_conditions(s, t, role, diags)?;
    Some(s.with_sid(unique_sid(sid, used)))
}

fn with_aws(arns: Vec<String>) -> Option<Statement> {
    let mut it = arns.into_iter();
    let first = it.next()?;
    let principal = it.fold(Principal::aws(first), |p, a| p.with("AWS", a));
    Some(
        Statement::allow()
            .with_principal(principal)
            .with_action(ASSUME_ROLE),
    )
}

/// Rule `orgc::trust::mfa-for-service`: an AWS service never presents MFA, so
/// `require_mfa` on a service entry would make the role impossible to assume.
///
/// Rule `orgc::trust::mfa-unavailable` (warning): Identity Center role sessions
/// come from federation and carry no `aws:MultiFactorAuthPresent`; a `Bool … true`
/// test on an absent key never matches, so people using the permission set could not
/// assume the role. MFA for people belongs in Identity Center's sign-in settings.
fn check_mfa_principal(role: &Role, t: &Trust, diags: &mut Diagnostics) {
    match &t.principal {
        TrustPrincipal::Service(s) => diags.push(
            Diagnostic::error("orgc::trust::mfa-for-service", format!("`{s}` can never present MFA"))
                .at_loc(t.loc.clone())
                .with_help(format!("remove `require_mfa` from this entry of role `{}`", role.name)),
        ),
        TrustPrincipal::PermissionSet { .. } => diags.push(
            Diagnostic::warning(
                "orgc::trust::mfa-unavailable",
                "Identity Center sessions carry no MFA flag, so this entry's users could never assume the role",
            )
            .at_loc(t.loc.clone())
            .with_help(format!(
                "remove `require_mfa` from this entry of role `{}` and require MFA at sign-in in Identity Center's settings",
                role.name
            )),
        ),
        _ => {}
    }
}

/// Merge the entry's raw `conditions` into the generated statement.
///
/// Rule `orgc::trust::condition-conflict`: a raw condition on an operator and key
/// the generated statement already sets would either widen it (IAM ORs the values) or
/// replace the safeguard; both are refused. Rule
/// `orgc::policy::unknown-condition-operator` applies to raw operators too.
fn merge_conditions(
    mut s: Statement,
    t: &Trust,
    role: &Role,
    diags: &mut Diagnostics,
) -> Option<Statement> {
    let mut ok = true;
    for (operator, keys) in &t.conditions {
        if let Err(p) = parse_operator(operator) {
            diags.push(super::policies::diagnostic(&p).at_loc(t.loc.clone()));
            ok = false;
            continue;
        }
        for (key, value) in keys {
            let exists = s
                .condition
                .as_ref()
                .and_then(|c| c.get(operator))
                .is_some_and(|k| k.keys().any(|k| k.eq_ignore_ascii_case(key)));
            if exists {
                diags.push(
                    Diagnostic::error(
                        "orgc::trust::condition-conflict",
                        format!("`{operator}` on `{key}` is already set by this trust entry of role `{}`", role.name),
                    )
                    .at_loc(t.loc.clone())
                    .with_help("orgc sets this condition itself; remove it from `conditions` (adding values would widen the trust)"),
                );
                ok = false;
                continue;
            }
            for v in values(value) {
                s = s.with_condition(operator.clone(), key.clone(), v);
            }
        }
    }
    ok.then_some(s)
}

fn values(v: &ConditionValue) -> Vec<Value> {
    match v {
        ConditionValue::String(s) => vec![Value::String(s.clone())],
        ConditionValue::Bool(b) => vec![Value::String(b.to_string())],
        ConditionValue::Number(n) => vec![Value::String(n.to_string())],
        ConditionValue::List(l) => l.iter().cloned().map(Value::String).collect(),
    }
}

/// `monitoring-collector` → `MonitoringCollector`: Sids allow only letters and digits.
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            cs.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + cs.as_str()
            })
        })
        .collect()
}

fn unique_sid(base: String, used: &mut BTreeSet<String>) -> String {
    let mut sid = base.clone();
    let mut n = 2;
    while used.contains(&sid) {
        sid = format!("{base}{n}");
        n += 1;
    }
    used.insert(sid.clone());
    sid
}

/// The kind of policy a trust policy is checked as.
pub const KIND: PolicyKind = PolicyKind::Trust;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_are_alphanumeric_and_unique() {
        assert_eq!(camel("monitoring-collector"), "MonitoringCollector");
        assert_eq!(camel("ecs-tasks"), "EcsTasks");
        let mut used = BTreeSet::new();
        assert_eq!(unique_sid("A".into(), &mut used), "A");
        assert_eq!(unique_sid("A".into(), &mut used), "A2");
    }
}
