//! The access audit for people and programs: filtering, and the text, Markdown and
//! JSON forms of `orgc audit access`.

use super::{AccessJson, AccessReport};
use crate::model::Model;
use crate::spec::AccessLevel;
use std::collections::BTreeMap;

/// Which rows to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub account: Option<String>,
    pub principal: Option<String>,
    /// This level or higher.
    pub level: Option<AccessLevel>,
}

/// The rows that pass the filter, in the report's order (by account, highest level
/// first, then principal).
pub fn select(model: &Model, report: &AccessReport, f: &Filter) -> Vec<AccessJson> {
    report
        .rows
        .iter()
        .filter(|r| f.level.is_none_or(|l| r.level >= l))
        .map(|r| r.to_json(model))
        .filter(|r| f.account.as_ref().is_none_or(|a| &r.account == a))
        .filter(|r| f.principal.as_ref().is_none_or(|p| &r.principal == p))
        .collect()
}

fn via_text(r: &AccessJson) -> String {
    let mut s = if r.via.is_empty() {
        "(its own access)".to_string()
    } else {
        r.via.join(" → ")
    };
    if r.unverified {
        s.push_str("  [unverified: relies on a policy orgc cannot see]");
    }
    s
}

fn by_account(rows: &[AccessJson]) -> BTreeMap<&str, Vec<&AccessJson>> {
    let mut m: BTreeMap<&str, Vec<&AccessJson>> = BTreeMap::new();
    for r in rows {
        m.entry(r.account.as_str()).or_default().push(r);
    }
    m
}

/// One block per account: level, principal and path, aligned for scanning.
pub fn text(rows: &[AccessJson]) -> String {
    if rows.is_empty() {
        return "no access matches\n".to_string();
    }
    let width = rows.iter().map(|r| r.principal.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (account, list) in by_account(rows) {
        out.push_str(&format!("{account}\n"));
        for r in list {
            out.push_str(&format!(
                "  {:<5}  {:<width$}  {}\n",
                r.level,
                r.principal,
                via_text(r)
            ));
        }
        out.push('\n');
    }
    out
}

/// A table per account, for pull-request comments and wikis.
pub fn markdown(rows: &[AccessJson]) -> String {
    if rows.is_empty() {
        return "No access matches.\n".to_string();
    }
    let mut out = String::new();
    for (account, list) in by_account(rows) {
        out.push_str(&format!(
            "### `{account}`\n\n| level | principal | via |\n|---|---|---|\n"
        ));
        for r in list {
            let via = via_text(r).replace('|', "\\|");
            out.push_str(&format!("| {} | `{}` | {} |\n", r.level, r.principal, via));
        }
        out.push('\n');
    }
    out
}

pub fn json(rows: &[AccessJson]) -> String {
    let mut s = serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}
