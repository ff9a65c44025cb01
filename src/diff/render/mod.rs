//! Renderings of a [`Diff`]: `text` for a terminal (optionally coloured),
//! `markdown` for a pull-request comment (kept under GitHub's comment limit), and
//! `json` for programs. The phrases shared by text and markdown are built here, with
//! user values in backticks.

mod json;
mod markdown;
mod text;

pub use json::render_json;
pub use markdown::{COMMENT_LIMIT, MARKER, render_markdown};
pub use text::render_text;

use super::entities::{Change, Detail, ElementChange, EntityChange, policy_label};
use super::{AccessChange, AccessChangeKind, GuardrailChange, GuardrailChangeKind, NetworkChange};
use super::{Grant, PathChange};

/// What the two sides are, for the header: a revision, a directory, "working tree".
#[derive(Debug, Clone)]
pub struct Labels {
    pub old: String,
    pub new: String,
}

/// `N things` with the right plural.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A value in backticks (doubled when it holds one).
pub(crate) fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn via(v: &[String]) -> String {
    if v.is_empty() {
        "directly".to_string()
    } else {
        v.join(" → ")
    }
}

/// `gains write on prod via a → b`, and so on.
pub(crate) fn access_phrase(c: &AccessChange) -> String {
    let level = |l: &Option<String>| code(l.as_deref().unwrap_or("none"));
    let what = match c.change {
        AccessChangeKind::Gained => format!("gains {}", level(&c.new_level)),
        AccessChangeKind::Raised => format!(
            "rises from {} to {}",
            level(&c.old_level),
            level(&c.new_level)
        ),
        AccessChangeKind::Lowered => format!(
            "drops from {} to {}",
            level(&c.old_level),
            level(&c.new_level)
        ),
        AccessChangeKind::Lost => format!("loses {}", level(&c.old_level)),
    };
    let path = if c.change == AccessChangeKind::Lost {
        format!("(was {})", code(&via(&c.via)))
    } else {
        format!("via {}", code(&via(&c.via)))
    };
    format!(
        "{} {what} on {} {path}",
        code(&c.principal),
        code(&c.account)
    )
}

/// `admin`, `guarded by x`, `unverified`: why an access change stands out.
pub(crate) fn access_notes(c: &AccessChange) -> Vec<String> {
    let mut notes = Vec::new();
    if c.admin {
        notes.push("admin".to_string());
    }
    if c.gain() && !c.guarded_by.is_empty() {
        let names: Vec<String> = c.guarded_by.iter().map(|g| code(g)).collect();
        notes.push(format!("account guarded by {}", names.join(", ")));
    }
    if c.unverified {
        notes.push("unverified: a customer-managed policy orgc cannot see".to_string());
    }
    notes
}

pub(crate) fn reach(r: Option<&super::Reach>) -> String {
    match r {
        Some(r) => format!("forward {}, return {}", r.forward, r.ret),
        None => "forward none, return none".to_string(),
    }
}

pub(crate) fn network_phrase(c: &NetworkChange) -> String {
    let verb = match c.change {
        super::NetworkChangeKind::Opened => "opened",
        super::NetworkChangeKind::Widened => "widened",
        super::NetworkChangeKind::Changed => "changed",
        super::NetworkChangeKind::Narrowed => "narrowed",
        super::NetworkChangeKind::Closed => "closed",
    };
    let shown = if c.change == super::NetworkChangeKind::Closed {
        c.old.as_ref()
    } else {
        c.new.as_ref()
    };
    let path = shown
        .filter(|r| !r.path.is_empty())
        .map(|r| format!(" via {}", code(&r.path.join(" → "))))
        .unwrap_or_default();
    format!(
        "{} → {} {verb}: {} (was {}){path}",
        code(&c.from),
        code(&c.to),
        reach(c.new.as_ref()),
        reach(c.old.as_ref()),
    )
}

pub(crate) fn grant_phrase(g: &Grant) -> String {
    let mut s = format!("{} may {}", code(&g.principal), code(&g.actions.join(", ")));
    if !g.conditions.is_empty() {
        let c: Vec<String> = g.conditions.iter().map(|c| code(c)).collect();
        s.push_str(&format!(" when {}", c.join(" and ")));
    }
    s
}

pub(crate) fn conditions_phrase(c: &super::ConditionChange) -> String {
    let mut vals: Vec<String> = c.removed.iter().map(|v| format!("−{}", code(v))).collect();
    vals.extend(c.added.iter().map(|v| format!("+{}", code(v))));
    format!(
        "{} may {}, conditions {}",
        code(&c.principal),
        code(&c.actions.join(", ")),
        vals.join(" ")
    )
}

pub(crate) fn guardrail_phrase(g: &GuardrailChange) -> String {
    let name = code(&g.name);
    // A guardrail that newly fails or passes may also have been redefined.
    let redefined = match (&g.old_rule, &g.new_rule) {
        (Some(o), Some(n)) if o != n => format!(" (redefined: {} (was {}))", code(n), code(o)),
        _ => String::new(),
    };
    match g.change {
        GuardrailChangeKind::NewlyFails => match &g.failure {
            Some(f) => format!("{name} newly fails{redefined}: {f}"),
            None => format!("{name} newly fails{redefined}"),
        },
        GuardrailChangeKind::NewlyPasses => format!("{name} newly passes{redefined}"),
        GuardrailChangeKind::Added => format!(
            "{name} added: {}",
            code(g.new_rule.as_deref().unwrap_or(""))
        ),
        GuardrailChangeKind::Removed => format!(
            "{name} removed: it checked {}",
            code(g.old_rule.as_deref().unwrap_or(""))
        ),
        GuardrailChangeKind::Redefined => format!(
            "{name} redefined: {} (was {})",
            code(g.new_rule.as_deref().unwrap_or("")),
            code(g.old_rule.as_deref().unwrap_or(""))
        ),
    }
}

pub(crate) fn path_phrase(p: &PathChange) -> String {
    let show = |v: &Option<Vec<String>>| match v {
        Some(v) => code(&via(v)),
        None => "none".to_string(),
    };
    format!(
        "{} on {} ({}): {} → {}",
        code(&p.principal),
        code(&p.account),
        p.level,
        show(&p.old_via),
        show(&p.new_via)
    )
}

pub(crate) fn entity_phrase(e: &EntityChange) -> String {
    // The assignments are one file: its name would only repeat its kind.
    let mut s = if e.kind == super::EntityKind::Assignments {
        format!("{} {}", e.kind.label(), e.change.as_str())
    } else {
        format!("{} {} {}", e.kind.label(), code(&e.name), e.change.as_str())
    };
    if let (Change::Renamed, Some(old)) = (e.change, &e.old_name) {
        s.push_str(&format!(" from {}; nothing else changed", code(old)));
    }
    s
}

fn elements_phrase(elements: &[ElementChange]) -> String {
    elements
        .iter()
        .map(|e| {
            let mut vals: Vec<String> = e.added.iter().map(|v| format!("+{}", code(v))).collect();
            vals.extend(e.removed.iter().map(|v| format!("−{}", code(v))));
            format!("{} {}", e.element, vals.join(" "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn detail_phrase(d: &Detail) -> String {
    match d {
        Detail::Statement(s) => {
            let policy = policy_label(&s.policy);
            let statement = if s.statement.starts_with('#') {
                s.statement.clone()
            } else {
                code(&s.statement)
            };
            statement_phrase(s, &policy, &statement)
        }
        Detail::Value { at, old, new } => value_phrase(at, old.as_deref(), new.as_deref()),
    }
}

fn statement_phrase(s: &super::StatementChange, policy: &str, statement: &str) -> String {
    match s.change {
        Change::Changed => format!(
            "{policy}: statement {statement} changed: {}",
            elements_phrase(&s.elements)
        ),
        other => format!(
            "{policy}: statement {statement} {}: {}",
            other.as_str(),
            code(s.summary.as_deref().unwrap_or(""))
        ),
    }
}

fn value_phrase(at: &str, old: Option<&str>, new: Option<&str>) -> String {
    let at = if at.is_empty() {
        String::new()
    } else {
        format!("{}: ", code(at))
    };
    match (old, new) {
        (None, Some(n)) => format!("{at}+ {}", code(n)),
        (Some(o), None) => format!("{at}− {}", code(o)),
        (Some(o), Some(n)) => format!("{at}{} → {}", code(o), code(n)),
        (None, None) => format!("{at}changed"),
    }
}

/// The lines a reviewer must read first: everything marked risky.
pub(crate) fn warnings(diff: &super::Diff) -> Vec<String> {
    let s = &diff.summary;
    let mut out = Vec::new();
    for g in s.guardrails.iter().filter(|g| g.risky) {
        out.push(format!("guardrail {}", guardrail_phrase(g)));
    }
    for a in s.access.iter().filter(|a| a.risky) {
        let notes = access_notes(a);
        out.push(format!("{} [{}]", access_phrase(a), notes.join("; ")));
    }
    for n in s.network.iter().filter(|n| n.risky) {
        out.push(format!("network path {}", network_phrase(n)));
    }
    for t in s.trust.iter().filter(|t| t.risky) {
        for g in &t.added {
            out.push(format!(
                "role {} newly trusts: {}",
                code(&t.role),
                grant_phrase(g)
            ));
        }
        for c in t.conditions.iter().filter(|c| c.relaxed()) {
            out.push(format!(
                "role {} relaxes its trust: {}",
                code(&t.role),
                conditions_phrase(c)
            ));
        }
    }
    out
}
