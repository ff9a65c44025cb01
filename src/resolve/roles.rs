//! Rules on cross-account roles and their trust entries.

use super::identity::{boundary, check_iam_path, check_policy_count};
use super::selector::Expander;
use super::{Ctx, Kind, check_length, plain_map};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::parse::Defined;
use crate::spanned::Spanned;
use crate::spec;
use std::collections::BTreeMap;

pub(super) fn roles(
    ctx: &Ctx<'_>,
    selectors: &Expander,
    org: Option<&Org>,
    diags: &mut Diagnostics,
) -> Vec<Role> {
    let limits = org.map(|o| o.limits).unwrap_or_default();
    // Targets first: trust entries naming an org role check against its targets.
    let targets: Vec<Vec<AccountIdx>> = ctx
        .spec
        .roles
        .iter()
        .map(|(name, def)| {
            selectors.expand(
                ctx,
                def,
                &def.targets,
                &format!("the targets of role `{name}`"),
                diags,
            )
        })
        .collect();
    let roles: Vec<Role> = ctx
        .spec
        .roles
        .iter()
        .zip(&targets)
        .map(|((name, def), role_targets)| {
            check_reserved_name(name, def, diags);
            check_length(
                "orgc::role::description",
                def,
                def.description.as_ref(),
                "the description",
                1000,
                diags,
            );
            if let Some(p) = &def.path {
                check_iam_path(def, p, "orgc::role::invalid-path", diags);
            }
            check_policy_count(
                def,
                &format!("role `{name}`"),
                def.managed_policies.len(),
                limits,
                diags,
            );
            check_has_trust(name, def, diags);
            let trust = def
                .trust
                .iter()
                .filter_map(|t| trust_entry(ctx, def, t, &targets, diags))
                .collect();
            Role {
                name: name.clone(),
                path: def
                    .path
                    .as_ref()
                    .map_or_else(|| "/".to_string(), |p| p.value.clone()),
                description: def.description.as_ref().map(|d| d.value.clone()),
                targets: role_targets.clone(),
                max_session_duration: def
                    .max_session_duration
                    .as_ref()
                    .map_or(3600, |m| m.value.clamp(0, i64::from(u32::MAX)) as u32),
                managed_policies: def
                    .managed_policies
                    .iter()
                    .map(|p| PolicyRef {
                        reference: p.value.clone(),
                        loc: def.loc(p),
                    })
                    .collect(),
                inline_policies: def
                    .inline_policies
                    .iter()
                    .filter_map(|(policy, t)| {
                        ctx.template(def, t, diags).map(|t| (policy.clone(), t))
                    })
                    .collect(),
                boundary: def
                    .permissions_boundary
                    .as_ref()
                    .and_then(|b| boundary(def, b, diags)),
                tags: plain_map(&def.tags),
                acknowledge: def.acknowledge.iter().map(|a| a.value.clone()).collect(),
                trust,
                loc: def.whole(),
            }
        })
        .collect();
    check_case_collisions(ctx, &roles, diags);
    roles
}

/// Rule `orgc::role::reserved-name`: names starting with `AWSReservedSSO_` belong
/// to the roles Identity Center creates; a role of that name would be mistaken for
/// one (and trust policies matching permission-set roles would match it).
fn check_reserved_name(name: &str, def: &Defined<spec::Role>, diags: &mut Diagnostics) {
    if name.to_ascii_lowercase().starts_with("awsreservedsso_") {
        diags.push(
            Diagnostic::error(
                "orgc::role::reserved-name",
                format!("role name `{name}` is reserved for Identity Center"),
            )
            .at_loc(def.whole())
            .with_help("choose a name that does not start with `AWSReservedSSO_`"),
        );
    }
}

/// Rule `orgc::trust::none`: a role nobody may assume is dead weight, and almost
/// always a trust block that was lost in an edit.
fn check_has_trust(name: &str, def: &Defined<spec::Role>, diags: &mut Diagnostics) {
    if def.trust.is_empty() {
        diags.push(
            Diagnostic::error(
                "orgc::trust::none",
                format!("role `{name}` trusts no principal"),
            )
            .at_loc(def.whole())
            .label_primary("nobody may assume this role")
            .with_help(format!("add at least one `[[roles.{name}.trust]]` entry")),
        );
    }
}

/// Rule `orgc::role::duplicate-name`: IAM role names are unique per account
/// ignoring case; two roles whose names differ only in case cannot both be created
/// in an account they both target.
fn check_case_collisions(ctx: &Ctx<'_>, roles: &[Role], diags: &mut Diagnostics) {
    let mut by_lower: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in roles.iter().enumerate() {
        by_lower.entry(r.name.to_lowercase()).or_default().push(i);
    }
    for group in by_lower.values().filter(|g| g.len() > 1) {
        for (n, &a) in group.iter().enumerate() {
            for &b in group.iter().skip(n + 1) {
                let (Some(ra), Some(rb)) = (roles.get(a), roles.get(b)) else {
                    continue;
                };
                let Some(shared) = ra
                    .targets
                    .iter()
                    .find(|t| rb.targets.binary_search(t).is_ok())
                else {
                    continue;
                };
                let account = ctx
                    .spec
                    .accounts
                    .keys()
                    .nth(*shared)
                    .cloned()
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "orgc::role::duplicate-name",
                        format!("roles `{}` and `{}` differ only in case and are both created in account `{account}`", ra.name, rb.name),
                    )
                    .at_loc(rb.loc.clone())
                    .with_label(ra.loc.clone(), "the other role")
                    .with_help("IAM role names are unique per account ignoring case; rename one of them"),
                );
            }
        }
    }
}

/// Check one trust entry and resolve it.
///
/// Rule `orgc::trust::principal-count`: an entry names exactly one kind of
/// principal, so each generated statement trusts exactly what it says.
/// Rule `orgc::trust::missing-field` / `orgc::trust::unexpected-field`: each form has
/// its required companions (`accounts` for `role` and `permission_set`,
/// `external_id` for `external_account`) and no others.
fn trust_entry(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Role>,
    t: &Spanned<spec::Trust>,
    targets: &[Vec<AccountIdx>],
    diags: &mut Diagnostics,
) -> Option<Trust> {
    let forms: Vec<(&str, std::ops::Range<usize>)> = [
        ("role", t.role.as_ref().map(|v| v.span.clone())),
        (
            "permission_set",
            t.permission_set.as_ref().map(|v| v.span.clone()),
        ),
        ("service", t.service.as_ref().map(|v| v.span.clone())),
        (
            "external_account",
            t.external_account.as_ref().map(|v| v.span.clone()),
        ),
        ("account", t.account.as_ref().map(|v| v.span.clone())),
    ]
    .into_iter()
    .filter_map(|(k, s)| s.map(|s| (k, s)))
    .collect();
    match forms.as_slice() {
        [] => {
            diags.push(
                Diagnostic::error("orgc::trust::principal-count", "this trust entry names no principal")
                    .at_loc(def.loc(t))
                    .with_help("name exactly one of `role`, `permission_set`, `service`, `external_account` or `account`"),
            );
            return None;
        }
        [_] => {}
        [first, second, ..] => {
            diags.push(
                Diagnostic::error(
                    "orgc::trust::principal-count",
                    format!("this trust entry names both `{}` and `{}`", first.0, second.0),
                )
                .at(def.file, second.1.clone())
                .with_label(crate::source::Loc::new(def.file, first.1.clone()), "first principal")
                .with_help("each trust entry names one principal; split it into two `[[roles.<name>.trust]]` entries"),
            );
            return None;
        }
    }
    let needs_accounts = t.role.is_some() || t.permission_set.is_some();
    match (&t.accounts, needs_accounts) {
        (None, true) => {
            let form = if t.role.is_some() {
                "role"
            } else {
                "permission_set"
            };
            diags.push(
                Diagnostic::error(
                    "orgc::trust::missing-field",
                    format!("a `{form}` trust entry needs `accounts`"),
                )
                .at_loc(def.loc(t))
                .with_help(format!(
                    "name the accounts the trusted {} lives in: `accounts = [\"…\"]`",
                    form.replace('_', " ")
                )),
            );
        }
        (Some(a), false) => unexpected(
            def,
            a,
            "accounts",
            "only `role` and `permission_set` entries take `accounts`",
            diags,
        ),
        (Some(a), true) if a.is_empty() => {
            diags.push(
                Diagnostic::error("orgc::trust::missing-field", "`accounts` is empty")
                    .at_loc(def.loc(a))
                    .with_help("name at least one account"),
            );
        }
        _ => {}
    }
    if t.external_account.is_none()
        && let Some(e) = &t.external_id
    {
        unexpected(
            def,
            e,
            "external_id",
            "`external_id` belongs to an `external_account` entry",
            diags,
        );
    }
    let accounts: Vec<AccountIdx> = t
        .accounts
        .as_ref()
        .map(|a| ctx.lookup_all(Kind::Account, def, a, diags))
        .unwrap_or_default();
    let principal = if let Some(r) = &t.role {
        let role = ctx.lookup_in(Kind::Role, def, r, diags)?;
        check_role_deployed(ctx, def, t, r, role, &accounts, targets, diags);
        TrustPrincipal::Role { role, accounts }
    } else if let Some(p) = &t.permission_set {
        let permission_set = ctx.lookup_in(Kind::PermissionSet, def, p, diags)?;
        TrustPrincipal::PermissionSet {
            permission_set,
            accounts,
        }
    } else if let Some(s) = &t.service {
        check_service(def, s, diags);
        TrustPrincipal::Service(s.value.clone())
    } else if let Some(e) = &t.external_account {
        external(ctx, def, t, e, diags)?
    } else if let Some(a) = &t.account {
        TrustPrincipal::Account(ctx.lookup_in(Kind::Account, def, a, diags)?)
    } else {
        return None;
    };
    Some(Trust {
        principal,
        require_mfa: t.require_mfa.as_ref().is_some_and(|m| m.value),
        conditions: t
            .conditions
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        loc: def.loc(t),
    })
}

fn unexpected<T>(
    def: &Defined<spec::Role>,
    v: &Spanned<T>,
    key: &str,
    why: &str,
    diags: &mut Diagnostics,
) {
    diags.push(
        Diagnostic::error(
            "orgc::trust::unexpected-field",
            format!("`{key}` has no meaning in this trust entry"),
        )
        .at_loc(def.loc(v))
        .with_help(why.to_string()),
    );
}

/// Rule `orgc::trust::role-not-deployed`: trusting an org role in an account where
/// that role is not created would trust an ARN that does not exist — or, worse, one
/// someone else may create later.
#[allow(clippy::too_many_arguments)]
fn check_role_deployed(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Role>,
    t: &spec::Trust,
    r: &Spanned<String>,
    role: RoleIdx,
    accounts: &[AccountIdx],
    targets: &[Vec<AccountIdx>],
    diags: &mut Diagnostics,
) {
    let Some(deployed) = targets.get(role) else {
        return;
    };
    for (&a, name) in accounts
        .iter()
        .zip(t.accounts.iter().flat_map(|v| v.iter()))
    {
        if deployed.binary_search(&a).is_err() {
            let mut d = Diagnostic::error(
                "orgc::trust::role-not-deployed",
                format!(
                    "role `{}` is not created in account `{}`",
                    r.value, name.value
                ),
            )
            .at_loc(def.loc(name))
            .label_primary("the trusted role is not deployed here")
            .with_help(format!(
                "add `{}` to the targets of role `{}`, or trust it in an account it is deployed in",
                name.value, r.value
            ));
            if let Some(rd) = ctx.spec.roles.get(r.as_str()) {
                d = d.with_label(rd.loc(&rd.targets), "its targets");
            }
            diags.push(d);
        }
    }
}

/// Rule `orgc::trust::invalid-service`: service principals are DNS names ending in
/// `.amazonaws.com` (or `.amazonaws.com.cn`); anything else matches no service.
fn check_service(def: &Defined<spec::Role>, s: &Spanned<String>, diags: &mut Diagnostics) {
    let ok = (s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn"))
        && s.split('.').all(|p| !p.is_empty())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    if !ok {
        diags.push(
            Diagnostic::error(
                "orgc::trust::invalid-service",
                format!("`{}` is not an AWS service principal", s.value),
            )
            .at_loc(def.loc(s))
            .with_help(
                "service principals look like `ecs-tasks.amazonaws.com` or `lambda.amazonaws.com`",
            ),
        );
    }
}

/// Rule `orgc::trust::invalid-external-account`: 12 digits.
/// Rule `orgc::trust::missing-field` (external id): a third party must present a
/// shared secret, or any customer of that third party could make it assume the role
/// (the confused-deputy problem). Rule `orgc::trust::invalid-external-id`: 2 to
/// 1,224 characters of `[\w+=,.@:/-]`, as STS accepts.
fn external(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Role>,
    t: &spec::Trust,
    e: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<TrustPrincipal> {
    let mut ok = true;
    if !(e.len() == 12 && e.chars().all(|c| c.is_ascii_digit())) {
        ok = false;
        diags.push(
            Diagnostic::error(
                "orgc::trust::invalid-external-account",
                format!("`{}` is not a 12-digit account id", e.value),
            )
            .at_loc(def.loc(e))
            .with_help("write the third party's account id as a string of 12 digits"),
        );
    }
    if let Some((name, _)) = ctx
        .spec
        .accounts
        .iter()
        .find(|(_, a)| a.id.value == e.value)
    {
        diags.push(
            Diagnostic::warning(
                "orgc::trust::external-is-member",
                format!("`{}` is the id of org account `{name}`", e.value),
            )
            .at_loc(def.loc(e))
            .with_help(format!(
                "trust it as `account = \"{name}\"`, which also checks `aws:PrincipalOrgID`"
            )),
        );
    }
    let Some(id) = &t.external_id else {
        diags.push(
            Diagnostic::error("orgc::trust::missing-field", "a third-party trust entry needs `external_id`")
                .at_loc(def.loc(e))
                .with_help("agree a secret with the third party and set `external_id = \"…\"`; without it, any of its customers could make it assume this role"),
        );
        return None;
    };
    let n = id.chars().count();
    let charset = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
    if !(2..=1224).contains(&n) || !charset {
        ok = false;
        let why = if !charset {
            "it contains characters STS does not accept".to_string()
        } else {
            format!("it is {} long", super::characters(n))
        };
        diags.push(
            Diagnostic::error(
                "orgc::trust::invalid-external-id",
                format!("external id is not valid: {why}"),
            )
            .at_loc(def.loc(id))
            .with_help("an external id is 2 to 1,224 letters, digits and `_+=,.@:/-`"),
        );
    }
    ok.then(|| TrustPrincipal::External {
        account_id: e.value.clone(),
        external_id: id.value.clone(),
    })
}
