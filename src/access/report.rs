//! The access audit for people and programs: filtering, and the text, Markdown and
//! JSON forms of `orgc audit access`.

use super::{Access, AccessReport, NamedAccess, RowJson};
use crate::model::Model;
use crate::spec::AccessLevel;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which rows to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub account: Option<String>,
    pub principal: Option<String>,
    /// This level or higher.
    pub level: Option<AccessLevel>,
}

impl Filter {
    /// Whether a row passes, decided on the row itself: only the principal filter
    /// needs a name made, and only for rows the others let through.
    fn passes(&self, model: &Model, r: &Access) -> bool {
        self.level.is_none_or(|l| r.level >= l)
            && self
                .account
                .as_ref()
                .is_none_or(|a| model.accounts.get(r.account).is_some_and(|x| &x.name == a))
            && self
                .principal
                .as_ref()
                .is_none_or(|p| &super::principal_name(model, &r.principal) == p)
    }
}

/// The rows that pass the filter, in the report's order (by account, highest level
/// first, then principal).
pub fn select(model: &Model, report: &AccessReport, f: &Filter) -> Vec<NamedAccess> {
    report
        .rows
        .iter()
        .filter(|r| f.passes(model, r))
        .map(|r| r.named(model))
        .collect()
}

/// The rows that pass a filter as a JSON list (`audit/access.json`, `audit access
/// --format json`), each row written straight from the row ([`RowJson`]): all of a
/// large org's hundreds of thousands of rows in JSON form at once took more memory,
/// and longer, than the rows.
pub struct JsonRows<'a> {
    pub model: &'a Model,
    pub rows: &'a [Access],
    pub filter: &'a Filter,
}

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        // The length is not known before filtering; serde_json writes the same text
        // either way.
        let mut seq = serializer.serialize_seq(None)?;
        for r in self
            .rows
            .iter()
            .filter(|r| self.filter.passes(self.model, r))
        {
            seq.serialize_element(&RowJson {
                model: self.model,
                row: r,
            })?;
        }
        seq.end()
    }
}

fn via_text(r: &NamedAccess) -> String {
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

fn by_account(rows: &[NamedAccess]) -> BTreeMap<&str, Vec<&NamedAccess>> {
    let mut m: BTreeMap<&str, Vec<&NamedAccess>> = BTreeMap::new();
    for r in rows {
        m.entry(r.account.as_str()).or_default().push(r);
    }
    m
}

/// One block per account: level, principal and path, aligned for scanning.
pub fn text(rows: &[NamedAccess]) -> String {
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
pub fn markdown(rows: &[NamedAccess]) -> String {
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
