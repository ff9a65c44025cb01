//! The `deny_access` guardrail, checked against the access audit.

use super::{AccessReport, principal_name, step_name};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{GuardrailRule, Model, PrincipalName};
use crate::spec::AccessLevel;

/// Whether a `deny_access` rule forbids `principal` having `has` on `account`.
fn forbids(
    to: &[usize],
    level: AccessLevel,
    except: &[PrincipalName],
    principal: &PrincipalName,
    account: usize,
    has: AccessLevel,
) -> bool {
    has >= level && to.binary_search(&account).is_ok() && !except.contains(principal)
}

/// The org's `deny_access` rules, asked of each row as the audit finds it.
pub struct Forbidden<'a> {
    rules: Vec<(&'a [usize], AccessLevel, &'a [PrincipalName])>,
}

impl<'a> Forbidden<'a> {
    pub fn new(model: &'a Model) -> Self {
        let rules = model
            .guardrails
            .iter()
            .filter_map(|g| match &g.rule {
                GuardrailRule::DenyAccess { to, level, except } => {
                    Some((to.as_slice(), *level, except.as_slice()))
                }
                _ => None,
            })
            .collect();
        Forbidden { rules }
    }

    /// Whether any rule forbids `principal` having `level` on `account`.
    pub fn any(&self, principal: &PrincipalName, account: usize, level: AccessLevel) -> bool {
        self.rules
            .iter()
            .any(|(to, l, except)| forbids(to, *l, except, principal, account, level))
    }
}

/// Rule `orgc::guardrail::deny-access`: fails when a principal not in `except` has
/// the given level or higher on a selected account, directly or through a chain of
/// role assumptions. The error names the guardrail and shows one witness path.
pub fn check_deny_access(model: &Model, report: &AccessReport, diags: &mut Diagnostics) {
    for g in &model.guardrails {
        let GuardrailRule::DenyAccess { to, level, except } = &g.rule else {
            continue;
        };
        let violations: Vec<_> = report
            .rows
            .iter()
            .filter(|r| forbids(to, *level, except, &r.principal, r.account, r.level))
            .collect();
        let Some(first) = violations.first() else {
            continue;
        };
        let account = model
            .accounts
            .get(first.account)
            .map_or("?", |a| a.name.as_str());
        let mut path = vec![principal_name(model, &first.principal)];
        path.extend(
            first
                .via
                .iter()
                .map(|n| step_name(model, *n, first.account)),
        );
        let mut d = Diagnostic::error(
            "orgc::guardrail::deny-access",
            format!(
                "guardrail `{}` fails: `{}` has {} access to account `{account}`",
                g.name,
                principal_name(model, &first.principal),
                first.level.as_str()
            ),
        )
        .at_loc(g.loc.clone())
        .with_note(format!("path: {}", path.join(" → ")));
        if !first.because.is_empty() {
            d = d.with_note(format!("level decided by: {}", first.because.join(", ")));
        }
        let others: Vec<String> = violations
            .iter()
            .skip(1)
            .map(|r| {
                format!(
                    "`{}` on `{}`",
                    principal_name(model, &r.principal),
                    model
                        .accounts
                        .get(r.account)
                        .map_or("?", |a| a.name.as_str())
                )
            })
            .collect();
        if !others.is_empty() {
            let shown: Vec<String> = others.iter().take(5).cloned().collect();
            let more = others.len().saturating_sub(shown.len());
            d = d.with_note(format!(
                "also: {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        diags.push(d.with_help(format!(
            "remove the access, or add `{}` to `except` if it is intended (`orgc audit access --account {account}` shows every path)",
            principal_name(model, &first.principal)
        )));
    }
}
