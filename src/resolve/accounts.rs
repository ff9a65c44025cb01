//! Rules on `[organization]`, `[ous.*]` and `[accounts.*]`.

use super::{Ctx, Kind, check_region, plain_map};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Account, Limits, Org, Ou};
use crate::parse::Defined;
use crate::spec;
use std::collections::BTreeMap;

/// Rule `orgc::org::missing`: an org needs exactly one `[organization]` table; without
/// it there is no management account, partition or home region to compile against.
pub(super) fn organization(ctx: &Ctx<'_>, diags: &mut Diagnostics) -> Option<Org> {
    let Some(def) = &ctx.spec.organization else {
        diags.push(
            Diagnostic::error("orgc::org::missing", "the org has no `[organization]` table")
                .with_help("add `[organization]` with `name`, `management_account` and `home_region` to one of the org's files"),
        );
        return None;
    };
    check_region(def, &def.home_region, diags);
    let management = ctx.lookup_in(Kind::Account, def, &def.management_account, diags);
    let mut limits = Limits::default();
    if let Some(l) = &def.limits {
        if let Some(v) = &l.managed_policies_per_role {
            limits.managed_policies_per_role = v.value as usize;
        }
        if let Some(v) = &l.trust_policy_chars {
            limits.trust_policy_chars = v.value as usize;
        }
        if let Some(v) = &l.permission_sets_per_account {
            limits.permission_sets_per_account = v.value as usize;
        }
    }
    Some(Org {
        name: def.name.value.clone(),
        id: def.id.as_ref().map(|i| i.value.clone()),
        management_account: management?,
        partition: def.partition.as_ref().map(|p| p.value).unwrap_or_default(),
        home_region: def.home_region.value.clone(),
        vars: plain_map(&def.vars),
        managed_policy_levels: def
            .managed_policy_levels
            .iter()
            .map(|(k, v)| (k.clone(), v.value))
            .collect(),
        limits,
    })
}

pub(super) fn ous(ctx: &Ctx<'_>, diags: &mut Diagnostics) -> Vec<Ou> {
    let ous: Vec<Ou> = ctx
        .spec
        .ous
        .iter()
        .map(|(name, def)| Ou {
            name: name.clone(),
            parent: def
                .parent
                .as_ref()
                .and_then(|p| ctx.lookup_in(Kind::Ou, def, p, diags)),
            description: def.description.as_ref().map(|d| d.value.clone()),
            loc: def.whole(),
        })
        .collect();
    check_ou_cycles(ctx, &ous, diags);
    ous
}

/// Rule `orgc::ou::cycle`: OUs form a tree under the root. A cycle of `parent`
/// links has no root, so its accounts would belong nowhere (AWS cannot create it).
/// Each cycle is reported once, at its first OU in name order.
fn check_ou_cycles(ctx: &Ctx<'_>, ous: &[Ou], diags: &mut Diagnostics) {
    // 0 = unvisited, 1 = on the current walk, 2 = known to reach the root.
    let mut state = vec![0u8; ous.len()];
    for start in 0..ous.len() {
        let mut walk = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            match state.get(i).copied() {
                Some(0) => {
                    if let Some(s) = state.get_mut(i) {
                        *s = 1;
                    }
                    walk.push(i);
                    cur = ous.get(i).and_then(|o| o.parent);
                }
                Some(1) => {
                    let cycle: Vec<usize> = walk.iter().skip_while(|&&w| w != i).copied().collect();
                    report_cycle(ctx, ous, &cycle, diags);
                    break;
                }
                _ => break,
            }
        }
        for w in walk {
            if let Some(s) = state.get_mut(w) {
                *s = 2;
            }
        }
    }
}

fn report_cycle(ctx: &Ctx<'_>, ous: &[Ou], cycle: &[usize], diags: &mut Diagnostics) {
    let names: Vec<&str> = cycle
        .iter()
        .filter_map(|&i| ous.get(i).map(|o| o.name.as_str()))
        .collect();
    let Some(&first) = names.iter().min() else {
        return;
    };
    let mut chain: Vec<&str> = names.clone();
    let rot = chain.iter().position(|n| *n == first).unwrap_or(0);
    chain.rotate_left(rot);
    chain.push(first);
    let Some(def) = ctx.spec.ous.get(first) else {
        return;
    };
    let mut d = Diagnostic::error(
        "orgc::ou::cycle",
        format!(
            "OU `{first}` is its own ancestor: {}",
            chain
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" → ")
        ),
    )
    .with_help("OUs form a tree: remove one `parent` in the cycle so it leads to the root");
    d = match &def.parent {
        Some(p) => d
            .at_loc(def.loc(p))
            .label_primary("this parent leads back here"),
        None => d.at_loc(def.whole()),
    };
    for other in names.iter().filter(|n| **n != first) {
        if let Some(o) = ctx.spec.ous.get(*other)
            && let Some(p) = &o.parent
        {
            d = d.with_label(o.loc(p), format!("`{other}` is in the cycle"));
        }
    }
    diags.push(d);
}

pub(super) fn accounts(ctx: &Ctx<'_>, diags: &mut Diagnostics) -> Vec<Account> {
    check_unique_ids(ctx, diags);
    check_emails(ctx, diags);
    ctx.spec
        .accounts
        .iter()
        .map(|(name, def)| Account {
            name: name.clone(),
            id: def.id.value.clone(),
            email: def.email.as_ref().map(|e| e.value.clone()),
            ou: def
                .ou
                .as_ref()
                .and_then(|o| ctx.lookup_in(Kind::Ou, def, o, diags)),
            description: def.description.as_ref().map(|d| d.value.clone()),
            tags: plain_map(&def.tags),
            vars: plain_map(&def.vars),
            loc: def.whole(),
        })
        .collect()
}

/// Accounts in the order they are written (file-name order, then position), so the
/// first of two duplicates is the one a reader meets first.
fn in_source_order<'a>(ctx: &Ctx<'a>) -> Vec<(&'a String, &'a Defined<spec::Account>)> {
    let mut accounts: Vec<_> = ctx.spec.accounts.iter().collect();
    accounts.sort_by_key(|(_, d)| (d.file, d.span.start));
    accounts
}

/// Rule `orgc::account::duplicate-id`: an account id names one AWS account; two
/// entries with the same id would compile two sets of access for one account.
/// Reported at the later of the two, in the order the files are read.
fn check_unique_ids(ctx: &Ctx<'_>, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, def) in in_source_order(ctx) {
        if let Some(first) = seen.get(def.id.as_str()) {
            let mut d = Diagnostic::error(
                "orgc::account::duplicate-id",
                format!(
                    "accounts `{first}` and `{name}` have the same id `{}`",
                    def.id.value
                ),
            )
            .at_loc(def.loc(&def.id))
            .label_primary("duplicate id")
            .with_help("each account has its own 12-digit id; check which of the two is wrong");
            if let Some(f) = ctx.spec.accounts.get(*first) {
                d = d.with_label(f.loc(&f.id), format!("also the id of `{first}`"));
            }
            diags.push(d);
        } else {
            seen.insert(def.id.as_str(), name);
        }
    }
}

/// Rule `orgc::account::duplicate-email`: AWS requires every account's root email to
/// be unique (compared ignoring case); reported at the later of the two. Rule
/// `orgc::account::invalid-email`: it must look like an address.
fn check_emails(ctx: &Ctx<'_>, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, def) in in_source_order(ctx) {
        let Some(email) = &def.email else { continue };
        let valid = email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        }) && !email.contains(char::is_whitespace)
            && email.len() <= 64;
        if !valid {
            diags.push(
                Diagnostic::error(
                    "orgc::account::invalid-email",
                    format!("`{}` is not a valid account email", email.value),
                )
                .at_loc(def.loc(email))
                .with_help(
                    "write an address such as `aws+prod@example.com` (at most 64 characters)",
                ),
            );
        }
        let key = email.to_lowercase();
        if let Some(first) = seen.get(&key) {
            let mut d = Diagnostic::error(
                "orgc::account::duplicate-email",
                format!(
                    "accounts `{first}` and `{name}` have the same email `{}`{}",
                    email.value,
                    if ctx.spec.accounts.get(*first).and_then(|f| f.email.as_ref()).is_some_and(|fe| fe.value != email.value) {
                        " (emails are compared ignoring case)"
                    } else {
                        ""
                    }
                ),
            )
            .at_loc(def.loc(email))
            .label_primary("duplicate email")
            .with_help("AWS requires a different root email for every account; plus-addressing (`aws+prod@…`) gives each its own");
            if let Some(f) = ctx.spec.accounts.get(*first)
                && let Some(fe) = &f.email
            {
                d = d.with_label(f.loc(fe), format!("also the email of `{first}`"));
            }
            diags.push(d);
        } else {
            seen.insert(key, name);
        }
    }
}
