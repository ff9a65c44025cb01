//! The network guardrails, decided on the analysed network: `deny_network`,
//! `require_network` and `internet_ingress`. They run on every `validate` and
//! `compile`; a failure is an error that names the guardrail and shows why, with
//! the routes responsible labelled where they are written.
//!
//! Pairs are pairs of accounts, decided through their spokes (see
//! [`super::analysis`]); a pair of an account with itself is not checked. Spokes of
//! different gateways never reach each other.

use super::analysis::{AccountReach, Analysis};
use super::explain;
use super::routing::{Forward, Status};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{AccountIdx, Guardrail, GuardrailRule, Model, SpokeIdx};
use std::net::IpAddr;

/// At most this many failing pairs are listed in one diagnostic.
const LISTED: usize = 8;

/// Check every network guardrail of the model.
pub fn check(model: &Model, net: &Analysis, diags: &mut Diagnostics) {
    for g in &model.guardrails {
        match &g.rule {
            GuardrailRule::DenyNetwork { from, to, via } => {
                deny_network(model, net, g, from, to, via, diags);
            }
            GuardrailRule::RequireNetwork { from, to, via } => {
                require_network(model, net, g, from, to, via, diags);
            }
            GuardrailRule::InternetIngress { only } => internet_ingress(model, g, only, diags),
            // Decided by the access analysis.
            GuardrailRule::DenyAccess { .. } => {}
        }
    }
}

fn account(model: &Model, a: AccountIdx) -> &str {
    model.accounts.get(a).map_or("?", |a| a.name.as_str())
}

/// The ordered pairs of different accounts a guardrail covers.
fn pair_count(from: &[AccountIdx], to: &[AccountIdx]) -> usize {
    from.len() * to.len() - from.iter().filter(|a| to.contains(a)).count()
}

/// `a → b`, `c → d` and 3 more.
fn pair_list(model: &Model, pairs: &[(AccountIdx, AccountIdx)]) -> String {
    let mut s = pairs
        .iter()
        .take(LISTED)
        .map(|&(a, b)| format!("{} → {}", account(model, a), account(model, b)))
        .collect::<Vec<_>>()
        .join(", ");
    if pairs.len() > LISTED {
        s.push_str(&format!(" and {} more", pairs.len() - LISTED));
    }
    s
}

/// A spoke of an account, for messages: "`dev`" when the names agree, else
/// "`web` (account `dev`)".
fn spoke_of(model: &Model, s: SpokeIdx) -> String {
    let name = explain::spoke(model, s);
    let acc = explain::account_of_spoke(model, s);
    if name == acc {
        format!("`{name}`")
    } else {
        format!("`{name}` (account `{acc}`)")
    }
}

/// A delivery that breaks a `deny_network` guardrail.
struct Leak {
    from: SpokeIdx,
    to: SpokeIdx,
    forward: Forward,
    /// Index into `forward.delivered` of the first delivery not through `via`.
    delivery: usize,
}

/// Rule `orgc::guardrail::deny-network`: no packet from a spoke of a selected
/// source account may arrive at any address of a spoke of a selected destination
/// account, fully or in part, whether or not a reply can return (one-way traffic
/// still carries data). A delivery whose path passes through an appliance listed in
/// `via` is allowed. The error shows one witness: its path, the route that carried
/// it through each table, and the other failing pairs.
#[allow(clippy::too_many_arguments)]
fn deny_network(
    model: &Model,
    net: &Analysis,
    g: &Guardrail,
    from: &[AccountIdx],
    to: &[AccountIdx],
    via: &[SpokeIdx],
    diags: &mut Diagnostics,
) {
    let mut failing: Vec<(AccountIdx, AccountIdx)> = Vec::new();
    let mut witness: Option<Leak> = None;
    for &fa in from {
        for &ta in to {
            if fa == ta {
                continue;
            }
            if let Some(leak) = leak(net, fa, ta, via) {
                failing.push((fa, ta));
                if witness.is_none() {
                    witness = Some(leak);
                }
            }
        }
    }
    let Some(w) = witness else { return };
    let Some(d) = w.forward.delivered.get(w.delivery) else {
        return;
    };
    let path: Vec<SpokeIdx> = std::iter::once(w.from)
        .chain(d.via.iter().copied())
        .chain(std::iter::once(w.to))
        .collect();
    let (fa, ta) = failing.first().copied().unwrap_or_default();
    let arriving: Vec<String> = w
        .forward
        .delivered
        .iter()
        .filter(|d| !d.via.iter().any(|s| via.contains(s)))
        .flat_map(|d| explain::cidrs(&d.range))
        .collect();
    let how_much =
        if w.forward.status == Status::Full && arriving.len() == w.forward.delivered.len() {
            "every address".to_string()
        } else {
            format!("part of its addresses: {}", arriving.join(", "))
        };
    let mut diag = Diagnostic::error(
        "orgc::guardrail::deny-network",
        format!(
            "guardrail `{}` fails: packets from `{}` arrive in `{}`",
            g.name,
            account(model, fa),
            account(model, ta)
        ),
    )
    .at_loc(g.rule_loc.clone())
    .label_primary(format!(
        "{} of {} denied pairs of accounts can send packets",
        failing.len(),
        pair_count(from, to)
    ))
    .with_note(format!(
        "path: {} — spoke {} reaches {} of spoke {}",
        explain::arrow_path(model, &path),
        spoke_of(model, w.from),
        how_much,
        spoke_of(model, w.to)
    ));
    let addr: IpAddr = d.range.first;
    for hop in explain::hops(model, net, &path, addr) {
        diag = diag.with_note(format!("for `{addr}`: {}", hop.text));
        if let Some(loc) = hop.loc {
            diag = diag.with_label(loc, hop.label);
        }
    }
    if failing.len() > 1 {
        diag = diag.with_note(format!("pairs that fail: {}", pair_list(model, &failing)));
    }
    let help = if via.is_empty() {
        "remove the route or propagation that carries these packets, or blackhole the destination in the source's table; if an appliance inspects the traffic on purpose, list it in `via`".to_string()
    } else {
        "remove the route or propagation that carries these packets past the appliances in `via`"
            .to_string()
    };
    diags.push(diag.with_help(help));
}

/// The first delivery from a spoke of `fa` to a spoke of `ta` that does not pass
/// through `via`, in spoke name order.
fn leak(net: &Analysis, fa: AccountIdx, ta: AccountIdx, via: &[SpokeIdx]) -> Option<Leak> {
    for &a in net.spokes_of(fa) {
        for &b in net.spokes_of(ta) {
            if a == b || net.status(a, b) == Status::None {
                continue;
            }
            let Some(forward) = net.forward(a, b) else {
                continue;
            };
            if let Some(delivery) = forward
                .delivered
                .iter()
                .position(|d| !d.via.iter().any(|s| via.contains(s)))
            {
                return Some(Leak {
                    from: a,
                    to: b,
                    forward,
                    delivery,
                });
            }
        }
    }
    None
}

/// Rule `orgc::guardrail::require-network`: every pair of a selected source
/// account and a selected destination account is reachable in full in both
/// directions: each spoke of the destination is reached in full by some spoke of
/// the source, and each spoke of the source by some spoke of the destination. With
/// `via`, only deliveries whose path passes through a listed appliance count. The
/// error names the direction that falls short, the spokes, and why their packets
/// do not arrive (the table without the route, the blackhole, the VPC that does not
/// send them).
#[allow(clippy::too_many_arguments)]
fn require_network(
    model: &Model,
    net: &Analysis,
    g: &Guardrail,
    from: &[AccountIdx],
    to: &[AccountIdx],
    via: &[SpokeIdx],
    diags: &mut Diagnostics,
) {
    let mut failing: Vec<(AccountIdx, AccountIdx)> = Vec::new();
    let mut first: Option<(AccountIdx, AccountIdx, AccountReach, AccountReach)> = None;
    for &fa in from {
        for &ta in to {
            if fa == ta {
                continue;
            }
            let forward = net.account_reach(fa, ta, via);
            let back = net.account_reach(ta, fa, via);
            if forward.status == Status::Full && back.status == Status::Full {
                continue;
            }
            failing.push((fa, ta));
            if first.is_none() {
                first = Some((fa, ta, forward, back));
            }
        }
    }
    let Some((fa, ta, forward, back)) = first else {
        return;
    };
    let word = |s: Status| match s {
        Status::Full => "in full",
        Status::Partial => "only in part",
        Status::None => "not at all",
    };
    let total = pair_count(from, to);
    let (direction, short, src_acc, dst_acc) = if forward.status != Status::Full {
        ("forward", &forward, fa, ta)
    } else {
        ("return", &back, ta, fa)
    };
    let mut diag = Diagnostic::error(
        "orgc::guardrail::require-network",
        format!(
            "guardrail `{}` fails: `{fname}` reaches `{tname}` {}, and `{tname}` reaches `{fname}` {}",
            g.name,
            word(forward.status),
            word(back.status),
            fname = account(model, fa),
            tname = account(model, ta),
        ),
    )
    .at_loc(g.rule_loc.clone())
    .label_primary(format!(
        "{} of {total} required pairs of accounts fall short",
        failing.len()
    ));
    diag = explain_shortfall(model, net, diag, direction, short, src_acc, dst_acc, via);
    if failing.len() > 1 {
        diag = diag.with_note(format!("pairs that fail: {}", pair_list(model, &failing)));
    }
    diags.push(diag.with_help(
        "add the routes or propagations the direction lacks (in the table associated with the sending spoke), or remove the blackhole that drops them",
    ));
}

/// Notes and labels saying why `src` does not reach `dst` in full.
#[allow(clippy::too_many_arguments)]
fn explain_shortfall(
    model: &Model,
    net: &Analysis,
    mut diag: Diagnostic,
    direction: &str,
    reach: &AccountReach,
    src: AccountIdx,
    dst: AccountIdx,
    via: &[SpokeIdx],
) -> Diagnostic {
    let (src_name, dst_name) = (account(model, src), account(model, dst));
    if net.spokes_of(src).is_empty() || net.spokes_of(dst).is_empty() {
        let missing = if net.spokes_of(src).is_empty() {
            src_name
        } else {
            dst_name
        };
        return diag.with_note(format!(
            "{direction}: account `{missing}` has no spoke, so it reaches nothing and nothing reaches it"
        ));
    }
    let Some(short) = reach.shortfall() else {
        return diag;
    };
    let Some(a) = short.from else {
        return diag.with_note(format!(
            "{direction}: no spoke of `{src_name}` is attached to the gateway of spoke {} (spokes of different gateways never reach each other)",
            spoke_of(model, short.to)
        ));
    };
    let b = short.to;
    let Some(f) = net.forward(a, b) else {
        return diag;
    };
    if !via.is_empty() && f.lost.is_empty() {
        return diag.with_note(format!(
            "{direction}: packets from spoke {} to spoke {} arrive, but not through {}",
            spoke_of(model, a),
            spoke_of(model, b),
            via.iter()
                .map(|&s| format!("`{}`", explain::spoke(model, s)))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let gateway = model.spokes.get(a).map_or(0, |s| s.gateway);
    for loss in f.lost.iter().take(3) {
        let addr = loss.range.first;
        let mut text = format!(
            "{direction}: from spoke {} to {} of spoke {}: {}",
            spoke_of(model, a),
            explain::cidrs(&loss.range).join(", "),
            spoke_of(model, b),
            explain::reason(model, gateway, &loss.reason)
        );
        if !loss.via.is_empty() {
            text.push_str(&format!(
                " (after {})",
                explain::arrow_path(model, &loss.via)
            ));
        }
        diag = diag.with_note(text);
        if let Some((loc, label)) = explain::reason_loc(model, net, gateway, &loss.reason, addr) {
            diag = diag.with_label(loc, label);
        }
    }
    if f.lost.len() > 3 {
        diag = diag.with_note(format!(
            "{direction}: {} more ranges do not arrive (see `orgc audit network --from {src_name} --to {dst_name}`)",
            f.lost.len() - 3
        ));
    }
    diag
}

/// Rule `orgc::guardrail::internet-ingress`: only accounts selected by `only` may
/// own a spoke that takes inbound internet traffic (`internet = "ingress"` or
/// `"both"`): every other front door is a way in that bypasses the chosen one.
fn internet_ingress(model: &Model, g: &Guardrail, only: &[AccountIdx], diags: &mut Diagnostics) {
    for s in &model.spokes {
        if !s.internet.ingress() || only.contains(&s.account) {
            continue;
        }
        let acc = account(model, s.account);
        diags.push(
            Diagnostic::error(
                "orgc::guardrail::internet-ingress",
                format!(
                    "guardrail `{}` fails: spoke `{}` of account `{acc}` takes inbound internet traffic",
                    g.name, s.name
                ),
            )
            .at_loc(s.internet_loc.clone().unwrap_or_else(|| s.loc.clone()))
            .label_primary("an internet gateway for inbound traffic")
            .with_label(
                g.rule_loc.clone(),
                format!("only these accounts may take inbound internet traffic; `{acc}` is not one of them"),
            )
            .with_help(format!(
                "set `internet = \"none\"` (or `\"egress\"`) on `{}`, or add `{acc}` to the guardrail's `only`",
                s.name
            )),
        );
    }
}
