//! Rules on `[[guardrails]]`: each names one kind of invariant, and everything it
//! names exists. Whether a guardrail holds is decided by the analyses that own the
//! facts (network reachability, access), not here.

use super::selector::Expander;
use super::{Ctx, Kind};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::parse::Defined;
use crate::spanned::Spanned;
use crate::spec;
use std::collections::BTreeMap;

pub(super) fn guardrails(
    ctx: &Ctx<'_>,
    selectors: &Expander,
    spokes: &[Spoke],
    diags: &mut Diagnostics,
) -> Vec<Guardrail> {
    check_unique_names(ctx, diags);
    ctx.spec
        .guardrails
        .iter()
        .filter_map(|def| {
            let rule = rule(ctx, selectors, spokes, def, diags)?;
            let rule_loc = [
                def.deny_network.as_ref().map(|r| def.loc(r)),
                def.require_network.as_ref().map(|r| def.loc(r)),
                def.deny_access.as_ref().map(|r| def.loc(r)),
                def.internet_ingress.as_ref().map(|r| def.loc(r)),
            ]
            .into_iter()
            .flatten()
            .next()
            .unwrap_or_else(|| def.whole());
            Some(Guardrail {
                name: def.name.value.clone(),
                description: def.description.as_ref().map(|d| d.value.clone()),
                rule,
                loc: def.whole(),
                rule_loc,
            })
        })
        .collect()
}

/// Rule `orgc::guardrail::duplicate-name`: a failure names its guardrail, so two
/// with one name would make the report ambiguous.
fn check_unique_names(ctx: &Ctx<'_>, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Defined<spec::Guardrail>> = BTreeMap::new();
    for g in &ctx.spec.guardrails {
        if let Some(first) = seen.get(g.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    "orgc::guardrail::duplicate-name",
                    format!("two guardrails are named `{}`", g.name.value),
                )
                .at_loc(g.loc(&g.name))
                .with_label(first.loc(&first.name), "first guardrail of this name")
                .with_help("give each guardrail its own name"),
            );
        } else {
            seen.insert(g.name.as_str(), g);
        }
    }
}

/// Rule `orgc::guardrail::kind-count`: a guardrail states exactly one invariant.
fn rule(
    ctx: &Ctx<'_>,
    selectors: &Expander,
    spokes: &[Spoke],
    def: &Defined<spec::Guardrail>,
    diags: &mut Diagnostics,
) -> Option<GuardrailRule> {
    let kinds: Vec<(&str, std::ops::Range<usize>)> = [
        (
            "deny_network",
            def.deny_network.as_ref().map(|r| r.span.clone()),
        ),
        (
            "require_network",
            def.require_network.as_ref().map(|r| r.span.clone()),
        ),
        (
            "deny_access",
            def.deny_access.as_ref().map(|r| r.span.clone()),
        ),
        (
            "internet_ingress",
            def.internet_ingress.as_ref().map(|r| r.span.clone()),
        ),
    ]
    .into_iter()
    .filter_map(|(k, s)| s.map(|s| (k, s)))
    .collect();
    match kinds.as_slice() {
        [_] => {}
        [] => {
            diags.push(
                Diagnostic::error("orgc::guardrail::kind-count", format!("guardrail `{}` states no rule", def.name.value))
                    .at_loc(def.whole())
                    .with_help("give it exactly one of `deny_network`, `require_network`, `deny_access` or `internet_ingress`"),
            );
            return None;
        }
        [first, second, ..] => {
            diags.push(
                Diagnostic::error(
                    "orgc::guardrail::kind-count",
                    format!(
                        "guardrail `{}` states {} rules: {}",
                        def.name.value,
                        kinds.len(),
                        kinds
                            .iter()
                            .map(|(k, _)| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                )
                .at(def.file, second.1.clone())
                .label_primary("second rule")
                .with_label(crate::source::Loc::new(def.file, first.1.clone()), "first rule")
                .with_help("a guardrail states one invariant: split it into two `[[guardrails]]` entries, each with its own name"),
            );
            return None;
        }
    }
    let name = &def.name.value;
    if let Some(r) = def.deny_network.as_ref().or(def.require_network.as_ref()) {
        let from = selectors.expand(
            ctx,
            def,
            &r.from,
            &format!("`from` of guardrail `{name}`"),
            diags,
        );
        let to = selectors.expand(
            ctx,
            def,
            &r.to,
            &format!("`to` of guardrail `{name}`"),
            diags,
        );
        let via = via(ctx, def, &r.via, spokes, diags);
        return Some(if def.deny_network.is_some() {
            GuardrailRule::DenyNetwork { from, to, via }
        } else {
            GuardrailRule::RequireNetwork { from, to, via }
        });
    }
    if let Some(r) = &def.deny_access {
        let to = selectors.expand(
            ctx,
            def,
            &r.to,
            &format!("`to` of guardrail `{name}`"),
            diags,
        );
        let except = r
            .except
            .iter()
            .filter_map(|p| principal(ctx, def, p, diags))
            .collect();
        return Some(GuardrailRule::DenyAccess {
            to,
            level: r.level.value,
            except,
        });
    }
    let r = def.internet_ingress.as_ref()?;
    let only = selectors.expand(
        ctx,
        def,
        &r.only,
        &format!("`only` of guardrail `{name}`"),
        diags,
    );
    Some(GuardrailRule::InternetIngress { only })
}

/// Rule `orgc::guardrail::via-not-appliance`: `via` lets paths pass through named
/// appliances; a spoke that forwards nothing cannot be on a path's middle.
fn via(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Guardrail>,
    names: &[Spanned<String>],
    spokes: &[Spoke],
    diags: &mut Diagnostics,
) -> Vec<SpokeIdx> {
    let mut out = Vec::new();
    for n in names {
        let Some(i) = ctx.lookup_in(Kind::Spoke, def, n, diags) else {
            continue;
        };
        if let Some(s) = spokes.iter().find(|s| s.name == n.value)
            && !s.appliance
        {
            diags.push(
                Diagnostic::error("orgc::guardrail::via-not-appliance", format!("spoke `{}` is not an appliance", n.value))
                    .at_loc(def.loc(n))
                    .with_help(format!("only spokes with `appliance = true` forward traffic; set it on `{}` or remove it from `via`", n.value)),
            );
        }
        out.push(i);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Rule `orgc::guardrail::invalid-principal`: principals are written
/// `group:<name>`, `user:<name>`, `role:<name>@<account>`, `account:<name>`,
/// `external:<12 digits>` or `service:<principal>`, and named entities exist.
pub(crate) fn principal(
    ctx: &Ctx<'_>,
    def: &Defined<spec::Guardrail>,
    p: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<PrincipalName> {
    let bad = |diags: &mut Diagnostics, why: &str| {
        diags.push(
            Diagnostic::error("orgc::guardrail::invalid-principal", format!("`{}` is not a principal: {why}", p.value))
                .at_loc(def.loc(p))
                .with_help("write `group:<name>`, `user:<name>`, `role:<name>@<account>`, `account:<name>`, `external:<12 digits>` or `service:<principal>`"),
        );
    };
    let Some((kind, rest)) = p.split_once(':') else {
        bad(diags, "it has no `<kind>:` prefix");
        return None;
    };
    let sub = |s: &str| Spanned::new(s.to_string(), p.span.clone());
    match kind {
        "group" => ctx
            .lookup_in(Kind::Group, def, &sub(rest), diags)
            .map(PrincipalName::Group),
        "user" => ctx
            .lookup_in(Kind::User, def, &sub(rest), diags)
            .map(PrincipalName::User),
        "account" => ctx
            .lookup_in(Kind::Account, def, &sub(rest), diags)
            .map(PrincipalName::Account),
        "role" => {
            let Some((role, account)) = rest.split_once('@') else {
                bad(diags, "a role is written `role:<name>@<account>`");
                return None;
            };
            let role = ctx.lookup_in(Kind::Role, def, &sub(role), diags);
            let account = ctx.lookup_in(Kind::Account, def, &sub(account), diags);
            Some(PrincipalName::Role {
                role: role?,
                account: account?,
            })
        }
        "external" => {
            if rest.len() == 12 && rest.chars().all(|c| c.is_ascii_digit()) {
                Some(PrincipalName::External(rest.to_string()))
            } else {
                bad(diags, "an external account is 12 digits");
                None
            }
        }
        "service" => {
            if rest.ends_with(".amazonaws.com") || rest.ends_with(".amazonaws.com.cn") {
                Some(PrincipalName::Service(rest.to_string()))
            } else {
                bad(diags, "a service principal ends in `.amazonaws.com`");
                None
            }
        }
        other => {
            let hint = crate::suggest::closest(
                other,
                ["group", "user", "role", "account", "external", "service"],
            );
            bad(
                diags,
                &match hint {
                    Some(h) => format!("unknown kind `{other}` (did you mean `{h}`?)"),
                    None => format!("unknown kind `{other}`"),
                },
            );
            None
        }
    }
}
