//! Rules on Identity Center: the instance, groups and users, permission sets and
//! assignments.

use super::selector::Expander;
use super::{Ctx, Kind, check_length, check_region, parse_iso8601_duration, plain_map};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::parse::Defined;
use crate::spanned::Spanned;
use crate::spec;

/// Session durations AWS accepts for a permission set: 1 to 12 hours.
const MIN_SESSION: u64 = 3600;
const MAX_SESSION: u64 = 12 * 3600;

/// Rule `orgc::identity-center::required`: permission sets belong to an Identity Center
/// instance; apply tooling cannot create one without `instance_arn` and
/// `identity_store_id`.
pub(super) fn identity_center(
    ctx: &Ctx<'_>,
    org: Option<&Org>,
    diags: &mut Diagnostics,
) -> Option<IdentityCenter> {
    let partition = org.map(|o| o.partition.as_str()).unwrap_or("aws");
    let Some(def) = &ctx.spec.identity_center else {
        if let Some((name, ps)) = ctx.spec.permission_sets.iter().next() {
            diags.push(
                Diagnostic::error(
                    "orgc::identity-center::required",
                    "permission sets need an `[identity_center]` table",
                )
                .at_loc(ps.whole())
                .label_primary(format!("permission set `{name}` is defined here"))
                .with_help("add `[identity_center]` with `instance_arn` and `identity_store_id`"),
            );
        }
        return None;
    };
    let mut missing: Vec<&str> = Vec::new();
    let instance_arn = match &def.instance_arn {
        Some(a) => {
            check_instance_arn(def, a, partition, diags);
            a.value.clone()
        }
        None => {
            missing.push("instance_arn");
            String::new()
        }
    };
    let identity_store_id = match &def.identity_store_id {
        Some(s) => {
            check_store_id(def, s, diags);
            s.value.clone()
        }
        None => {
            missing.push("identity_store_id");
            String::new()
        }
    };
    if !ctx.spec.permission_sets.is_empty() {
        for key in missing {
            diags.push(
                Diagnostic::error(
                    "orgc::identity-center::required",
                    format!("`[identity_center]` has no `{key}`"),
                )
                .at_loc(def.whole())
                .with_help(format!(
                    "`{key}` is required when any permission set exists"
                )),
            );
        }
    }
    if let Some(r) = &def.region {
        check_region(def, r, diags);
    }
    let delegated_admin = def
        .delegated_admin
        .as_ref()
        .and_then(|d| ctx.lookup_in(Kind::Account, def, d, diags));
    check_delegated_admin(ctx, def, delegated_admin, org, diags);
    Some(IdentityCenter {
        instance_arn,
        identity_store_id,
        region: def
            .region
            .as_ref()
            .map(|r| r.value.clone())
            .or_else(|| org.map(|o| o.home_region.clone()))
            .unwrap_or_default(),
        delegated_admin,
    })
}

/// Rule `orgc::identity-center::invalid-instance-arn`: the ARN AWS gives an instance,
/// `arn:<partition>:sso:::instance/ssoins-<16 hex digits>`, in the org's partition.
fn check_instance_arn(
    def: &Defined<spec::IdentityCenter>,
    arn: &Spanned<String>,
    partition: &str,
    diags: &mut Diagnostics,
) {
    let prefix = format!("arn:{partition}:sso:::instance/ssoins-");
    let ok = arn.strip_prefix(&prefix).is_some_and(|id| {
        id.len() == 16
            && id
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    });
    if !ok {
        diags.push(
            Diagnostic::error("orgc::identity-center::invalid-instance-arn", format!("`{}` is not an Identity Center instance ARN", arn.value))
                .at_loc(def.loc(arn))
                .with_help(format!("expected `{prefix}` followed by 16 lower-case hex digits (the org's partition is `{partition}`)")),
        );
    }
}

/// Rule `orgc::identity-center::invalid-store-id`: `d-` and 10 hex digits, or a
/// store id in its full form (`<region>:<uuid>`).
fn check_store_id(
    def: &Defined<spec::IdentityCenter>,
    id: &Spanned<String>,
    diags: &mut Diagnostics,
) {
    let short = id
        .strip_prefix("d-")
        .is_some_and(|h| h.len() == 10 && h.chars().all(|c| c.is_ascii_hexdigit()));
    let long = id.split_once(':').is_some_and(|(r, u)| {
        super::is_region(r) && u.len() == 36 && u.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    });
    if !short && !long {
        diags.push(
            Diagnostic::error(
                "orgc::identity-center::invalid-store-id",
                format!("`{}` is not an identity store id", id.value),
            )
            .at_loc(def.loc(id))
            .with_help("expected `d-` followed by 10 hex digits, e.g. `d-906701a2b3`"),
        );
    }
}

/// Rule `orgc::identity-center::delegated-admin-is-management`: the delegated
/// administrator must be a member account; AWS refuses to delegate to the
/// management account itself.
fn check_delegated_admin(
    ctx: &Ctx<'_>,
    def: &Defined<spec::IdentityCenter>,
    delegated: Option<AccountIdx>,
    org: Option<&Org>,
    diags: &mut Diagnostics,
) {
    let (Some(d), Some(org), Some(name)) = (delegated, org, def.delegated_admin.as_ref()) else {
        return;
    };
    if d == org.management_account {
        let mut diag = Diagnostic::error(
            "orgc::identity-center::delegated-admin-is-management",
            format!("the delegated administrator `{}` is the management account", name.value),
        )
        .at_loc(def.loc(name))
        .with_help("delegate Identity Center administration to a member account, such as a security account");
        if let Some(o) = &ctx.spec.organization {
            diag = diag.with_label(o.loc(&o.management_account), "the management account");
        }
        diags.push(diag);
    }
}

pub(super) fn principals(ctx: &Ctx<'_>) -> (Vec<Principal>, Vec<Principal>) {
    let groups = ctx
        .spec
        .groups
        .iter()
        .map(|(name, g)| Principal {
            name: name.clone(),
            lookup_name: g
                .display_name
                .as_ref()
                .map_or_else(|| name.clone(), |d| d.value.clone()),
            id: g.id.as_ref().map(|i| i.value.clone()),
            description: g.description.as_ref().map(|d| d.value.clone()),
        })
        .collect();
    let users = ctx
        .spec
        .users
        .iter()
        .map(|(name, u)| Principal {
            name: name.clone(),
            lookup_name: u
                .user_name
                .as_ref()
                .map_or_else(|| name.clone(), |d| d.value.clone()),
            id: u.id.as_ref().map(|i| i.value.clone()),
            description: u.description.as_ref().map(|d| d.value.clone()),
        })
        .collect();
    (groups, users)
}

pub(super) fn permission_sets(
    ctx: &Ctx<'_>,
    org: Option<&Org>,
    diags: &mut Diagnostics,
) -> Vec<PermissionSet> {
    let limits = org.map(|o| o.limits).unwrap_or_default();
    ctx.spec
        .permission_sets
        .iter()
        .map(|(name, def)| {
            check_length(
                "orgc::permission-set::description",
                def,
                def.description.as_ref(),
                "the description",
                700,
                diags,
            );
            check_length(
                "orgc::permission-set::relay-state",
                def,
                def.relay_state.as_ref(),
                "the relay state",
                240,
                diags,
            );
            let (session_duration, session_seconds) = session_duration(def, diags);
            check_policy_count(
                def,
                &format!("permission set `{name}`"),
                def.managed_policies.len() + def.customer_managed_policies.len(),
                limits,
                diags,
            );
            let boundary = def
                .permissions_boundary
                .as_ref()
                .and_then(|b| boundary(def, b, diags));
            PermissionSet {
                name: name.clone(),
                description: def.description.as_ref().map(|d| d.value.clone()),
                session_duration,
                session_seconds,
                relay_state: def.relay_state.as_ref().map(|r| r.value.clone()),
                managed_policies: def
                    .managed_policies
                    .iter()
                    .map(|p| PolicyRef {
                        reference: p.value.clone(),
                        loc: def.loc(p),
                    })
                    .collect(),
                customer_managed_policies: def
                    .customer_managed_policies
                    .iter()
                    .map(|c| customer_managed(def, c, diags))
                    .collect(),
                inline_policy: def
                    .inline_policy
                    .as_ref()
                    .and_then(|t| ctx.template(def, t, diags)),
                boundary,
                tags: plain_map(&def.tags),
                acknowledge: def.acknowledge.iter().map(|a| a.value.clone()).collect(),
                loc: def.whole(),
            }
        })
        .collect()
}

/// Rule `orgc::permission-set::session-duration`: an ISO-8601 duration (any form:
/// `PT90M` is as good as `PT1H30M`) from 1 to 12 hours, the range AWS accepts.
fn session_duration(def: &Defined<spec::PermissionSet>, diags: &mut Diagnostics) -> (String, u32) {
    let Some(d) = &def.session_duration else {
        return ("PT1H".to_string(), 3600);
    };
    match parse_iso8601_duration(d) {
        Ok(secs) if (MIN_SESSION..=MAX_SESSION).contains(&secs) => (d.value.clone(), secs as u32),
        Ok(secs) => {
            diags.push(
                Diagnostic::error(
                    "orgc::permission-set::session-duration",
                    format!(
                        "session duration `{}` is {}; AWS allows 1 to 12 hours",
                        d.value,
                        human_duration(secs)
                    ),
                )
                .at_loc(def.loc(d))
                .label_primary("out of range")
                .with_help("use a duration from `PT1H` to `PT12H`"),
            );
            (d.value.clone(), 3600)
        }
        Err(why) => {
            diags.push(
                Diagnostic::error(
                    "orgc::permission-set::session-duration",
                    format!("`{}` is not an ISO-8601 duration: {why}", d.value),
                )
                .at_loc(def.loc(d))
                .label_primary("not a duration")
                .with_help("write it as `PT8H`, `PT90M` or `PT1H30M`"),
            );
            (d.value.clone(), 3600)
        }
    }
}

fn human_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

/// Rule `orgc::limit::managed-policies`: AWS attaches at most 10 managed policies
/// (AWS- and customer-managed together) to a role by default; a permission set
/// becomes a role in each account, so the same quota applies.
pub(super) fn check_policy_count<T>(
    def: &Defined<T>,
    what: &str,
    count: usize,
    limits: Limits,
    diags: &mut Diagnostics,
) {
    if count > limits.managed_policies_per_role {
        diags.push(
            Diagnostic::error(
                "orgc::limit::managed-policies",
                format!("{what} has {count} managed policies; the quota is {}", limits.managed_policies_per_role),
            )
            .at_loc(def.whole())
            .label_primary(format!("{count} managed policies attached"))
            .with_help("combine policies, or raise `organization.limits.managed_policies_per_role` if AWS has raised the quota for this org"),
        );
    }
}

/// Rule `orgc::policy::invalid-name`: customer-managed policy names are
/// `[\w+=,.@-]{1,128}`. Rule `orgc::policy::invalid-path`: their paths are `/…/` of
/// at most 512 characters. Both as IAM requires.
pub(super) fn customer_managed<T>(
    def: &Defined<T>,
    c: &Spanned<spec::CustomerManagedPolicy>,
    diags: &mut Diagnostics,
) -> CustomerManaged {
    let name_ok = !c.name.is_empty()
        && c.name.len() <= 128
        && c.name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "_+=,.@-".contains(ch));
    if !name_ok {
        diags.push(
            Diagnostic::error(
                "orgc::policy::invalid-name",
                format!("`{}` is not a valid IAM policy name", c.name.value),
            )
            .at_loc(def.loc(&c.name))
            .with_help("policy names are 1 to 128 letters, digits and `_+=,.@-`"),
        );
    }
    let path = c.path.as_ref().map_or("/", |p| p.as_str());
    if let Some(p) = &c.path {
        check_iam_path(def, p, "orgc::policy::invalid-path", diags);
    }
    CustomerManaged {
        name: c.name.value.clone(),
        path: path.to_string(),
    }
}

/// IAM paths: `/` or `/a/b/`, at most 512 characters of letters, digits and `_+=,.@-`.
pub(super) fn check_iam_path<T>(
    def: &Defined<T>,
    p: &Spanned<String>,
    code: &'static str,
    diags: &mut Diagnostics,
) {
    let ok = p.starts_with('/')
        && p.ends_with('/')
        && p.len() <= 512
        && !p.contains("//")
        && p.chars()
            .all(|c| c == '/' || c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !ok {
        diags.push(
            Diagnostic::error(code, format!("`{}` is not a valid IAM path", p.value))
                .at_loc(def.loc(p))
                .with_help("a path starts and ends with `/`, e.g. `/` or `/platform/ci/`, at most 512 characters"),
        );
    }
}

/// Rule `orgc::boundary::exactly-one`: a permissions boundary is one policy, either
/// AWS-managed or customer-managed.
pub(super) fn boundary<T>(
    def: &Defined<T>,
    b: &Spanned<spec::PermissionsBoundary>,
    diags: &mut Diagnostics,
) -> Option<Boundary> {
    match (&b.managed, &b.customer_managed) {
        (Some(m), None) => Some(Boundary::Managed {
            reference: m.value.clone(),
            loc: def.loc(m),
        }),
        (None, Some(c)) => Some(Boundary::CustomerManaged(customer_managed(def, c, diags))),
        (both_or_none_m, _) => {
            let what = if both_or_none_m.is_some() {
                "both `managed` and `customer_managed`"
            } else {
                "neither `managed` nor `customer_managed`"
            };
            diags.push(
                Diagnostic::error("orgc::boundary::exactly-one", format!("the permissions boundary names {what}"))
                    .at_loc(def.loc(b))
                    .with_help("a boundary is one policy: `{ managed = \"<name>\" }` or `{ customer_managed = { name = \"…\" } }`"),
            );
            None
        }
    }
}

pub(super) fn assignments(
    ctx: &Ctx<'_>,
    selectors: &Expander,
    org: Option<&Org>,
    ic: Option<&IdentityCenter>,
    diags: &mut Diagnostics,
) -> Vec<Assignment> {
    let mut out = Vec::new();
    for def in &ctx.spec.assignments {
        let ps = ctx.lookup_in(Kind::PermissionSet, def, &def.permission_set, diags);
        let groups = ctx.lookup_all(Kind::Group, def, &def.groups, diags);
        let users = ctx.lookup_all(Kind::User, def, &def.users, diags);
        check_has_principal(def, diags);
        let accounts = selectors.expand(ctx, def, &def.targets, "this assignment", diags);
        check_management_account(ctx, def, &accounts, org, ic, diags);
        let Some(ps) = ps else { continue };
        let principals = groups
            .into_iter()
            .map(PrincipalRef::Group)
            .chain(users.into_iter().map(PrincipalRef::User));
        for p in principals {
            out.extend(accounts.iter().map(|&account| Assignment {
                account,
                permission_set: ps,
                principal: p,
            }));
        }
    }
    // Duplicates from different blocks are merged, not errors: two teams may both
    // grant the same access, and the result is one assignment.
    out.sort_unstable();
    out.dedup();
    check_sets_per_account(ctx, &out, org, diags);
    out
}

/// Rule `orgc::assignment::no-principal`: an assignment gives a permission set to
/// groups or users; one with neither grants nothing.
fn check_has_principal(def: &Defined<spec::Assignment>, diags: &mut Diagnostics) {
    if def.groups.is_empty() && def.users.is_empty() {
        diags.push(
            Diagnostic::error(
                "orgc::assignment::no-principal",
                "this assignment names no group or user",
            )
            .at_loc(def.whole())
            .with_help("add `groups = [\"…\"]` and/or `users = [\"…\"]`"),
        );
    }
}

/// Rule `orgc::assignment::management-account`: with a delegated administrator,
/// AWS refuses assignments to the management account (only the management account's
/// own Identity Center administrators may make them).
fn check_management_account(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Assignment>,
    accounts: &[AccountIdx],
    org: Option<&Org>,
    ic: Option<&IdentityCenter>,
    diags: &mut Diagnostics,
) {
    let (Some(org), Some(ic)) = (org, ic) else {
        return;
    };
    if ic.delegated_admin.is_none() || !accounts.contains(&org.management_account) {
        return;
    }
    let mgmt = ctx
        .spec
        .accounts
        .keys()
        .nth(org.management_account)
        .cloned()
        .unwrap_or_default();
    let mut d = Diagnostic::error(
        "orgc::assignment::management-account",
        format!("this assignment lands on the management account `{mgmt}`, but Identity Center administration is delegated"),
    )
    .at_loc(def.loc(&def.targets))
    .label_primary(format!("selects `{mgmt}`"))
    .with_help(format!("add `exclude = [\"{mgmt}\"]` to the targets; AWS refuses this assignment from the delegated administrator"));
    if let Some(icd) = &ctx.spec.identity_center
        && let Some(da) = &icd.delegated_admin
    {
        d = d.with_label(icd.loc(da), "administration is delegated here");
    }
    diags.push(d);
}

/// Rule `orgc::limit::permission-sets-per-account`: AWS provisions at most 500
/// permission sets in one account (raise `organization.limits` if AWS raised it).
fn check_sets_per_account(
    ctx: &Ctx<'_>,
    assignments: &[Assignment],
    org: Option<&Org>,
    diags: &mut Diagnostics,
) {
    let limit = org
        .map(|o| o.limits.permission_sets_per_account)
        .unwrap_or(500);
    let mut per_account: Vec<Vec<PermissionSetIdx>> = vec![Vec::new(); ctx.spec.accounts.len()];
    for a in assignments {
        if let Some(v) = per_account.get_mut(a.account) {
            v.push(a.permission_set);
        }
    }
    for (i, mut sets) in per_account.into_iter().enumerate() {
        sets.sort_unstable();
        sets.dedup();
        if sets.len() > limit
            && let Some((name, def)) = ctx.spec.accounts.iter().nth(i)
        {
            diags.push(
                Diagnostic::error(
                    "orgc::limit::permission-sets-per-account",
                    format!("{} permission sets are provisioned in account `{name}`; the quota is {limit}", sets.len()),
                )
                .at_loc(def.whole())
                .with_help("assign fewer permission sets to this account, or raise `organization.limits.permission_sets_per_account`"),
            );
        }
    }
}
