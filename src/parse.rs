//! TOML text → typed, merged [`Spec`]: syntax check of every file (all errors, not the
//! first), schema check of every file, then serde into [`OrgFile`] and a merge in
//! file-name order in which every entry must be defined exactly once.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::schema;
use crate::source::{FileId, Loc, SourceFile, SourceMap};
use crate::spanned::Spanned;
use crate::spec::*;
use crate::toml_json;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// An entry of the merged org, remembering the file it was defined in.
#[derive(Debug, Clone)]
pub struct Defined<T> {
    pub file: FileId,
    /// The span of the whole entry (for a `[table]`, its header).
    pub span: Range<usize>,
    pub value: T,
}

impl<T> Defined<T> {
    /// The place of a value inside this entry.
    pub fn loc<U>(&self, field: &Spanned<U>) -> Loc {
        Loc::new(self.file, field.span.clone())
    }

    /// The place of the entry itself.
    pub fn whole(&self) -> Loc {
        Loc::new(self.file, self.span.clone())
    }
}

impl<T> std::ops::Deref for Defined<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// The whole org, merged from its files.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub organization: Option<Defined<Organization>>,
    pub identity_center: Option<Defined<IdentityCenter>>,
    pub ous: BTreeMap<String, Defined<Ou>>,
    pub accounts: BTreeMap<String, Defined<Account>>,
    pub groups: BTreeMap<String, Defined<Group>>,
    pub users: BTreeMap<String, Defined<User>>,
    pub permission_sets: BTreeMap<String, Defined<PermissionSet>>,
    pub assignments: Vec<Defined<Assignment>>,
    pub roles: BTreeMap<String, Defined<Role>>,
    pub transit_gateways: BTreeMap<String, Defined<TransitGateway>>,
    pub spokes: BTreeMap<String, Defined<Spoke>>,
    pub guardrails: Vec<Defined<Guardrail>>,
}

/// Parse and merge every file of the org. Returns `None` when a file has syntax or
/// schema errors: semantic checks on a half-read org would only add noise.
pub fn parse(sources: &SourceMap, diags: &mut Diagnostics) -> Option<Spec> {
    let tomls: Vec<(FileId, &SourceFile)> = sources
        .iter()
        .filter(|(_, f)| f.name.ends_with(".toml"))
        .collect();
    // Files are read independently, on all cores, and merged in file order.
    let read = crate::parallel::map_chunks(&tomls, 1, |part| {
        part.iter()
            .map(|&(id, file)| {
                let mut diags = Diagnostics::default();
                let org_file = read_file(id, file, &mut diags);
                (id, org_file, diags)
            })
            .collect()
    });
    let mut files = Vec::new();
    let mut failed = false;
    for (id, org_file, file_diags) in read {
        diags.extend(file_diags);
        match org_file {
            Some(f) => files.push((id, f)),
            None => failed = true,
        }
    }
    if failed {
        return None;
    }
    let mut spec = Spec::default();
    for (id, file) in files {
        merge(&mut spec, id, file, diags);
    }
    Some(spec)
}

/// One file's syntax and schema checked and its typed contents, or `None` when it has
/// errors (reported into `diags`).
fn read_file(id: FileId, file: &SourceFile, diags: &mut Diagnostics) -> Option<OrgFile> {
    let text: &str = &file.text;
    let (table, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for d in syntax_diagnostics(id, text, &errors) {
            diags.push(d);
        }
        return None;
    }
    let json = toml_json::table_to_json(table.get_ref());
    let before = diags.len();
    schema::check_file(id, text, &table, &json, diags);
    if diags.len() > before {
        return None;
    }
    match OrgFile::deserialize(toml::de::Deserializer::from(table)) {
        Ok(org_file) => Some(org_file),
        Err(e) => {
            // The schema is generated from the same types, so this is rare
            // (e.g. an integer too large for its field); still a user error.
            diags.push(
                Diagnostic::error("orgc::schema::invalid", e.message().to_string())
                    .at(id, e.span().unwrap_or(0..0)),
            );
            None
        }
    }
}

/// Syntax errors of one file, at most one per line: after a mistake such as an
/// unclosed array the parser's recovery reports every later line two or three times,
/// and only the first report on a line says anything. A key repeated inside a table
/// that is itself a repeated table header is the same mistake again, so it is dropped.
fn syntax_diagnostics(file: FileId, text: &str, errors: &[toml::de::Error]) -> Vec<Diagnostic> {
    let line_of = |offset: usize| text.get(..offset).map_or(0, |t| t.matches('\n').count());
    let mut out = Vec::new();
    let mut last_line = None;
    // The line range of a table whose header was a duplicate, until the next header.
    let mut duplicate_table_from: Option<usize> = None;
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let line = line_of(span.start);
        if last_line == Some(line) {
            continue;
        }
        let line_text = line_text(text, span.start);
        let is_header = line_text.trim_start().starts_with('[');
        if is_header {
            duplicate_table_from = None;
        }
        let duplicate = e.message().contains("duplicate key");
        if duplicate && !is_header && duplicate_table_from.is_some_and(|from| line > from) {
            continue;
        }
        if duplicate && is_header {
            duplicate_table_from = Some(line);
        }
        last_line = Some(line);
        out.push(syntax_diagnostic(file, text, e, &span, line_text));
    }
    out
}

/// The whole line `offset` is on, without its line break.
fn line_text(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| offset + i);
    text.get(start..end)
        .unwrap_or_default()
        .trim_end_matches('\r')
}

fn syntax_diagnostic(
    file: FileId,
    text: &str,
    e: &toml::de::Error,
    span: &Range<usize>,
    line_text: &str,
) -> Diagnostic {
    let message = e.message().trim().to_string();
    let (first, rest) = match message.split_once('\n') {
        Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string())),
        None => (message.clone(), None),
    };
    let found = text.get(span.clone()).unwrap_or_default().trim();
    // The parser's wording for the two commonest slips, said plainly.
    let first = if first.starts_with("string values must be quoted") {
        "string values must be quoted".to_string()
    } else if first.starts_with("invalid basic string") {
        "the string is not closed: expected `\"`".to_string()
    } else {
        first
    };
    let mut d = Diagnostic::error("orgc::syntax::toml", format!("TOML syntax: {first}"))
        .at(file, span.clone())
        .with_help_opt(rest.filter(|r| !r.is_empty()));
    if first.contains("duplicate key") {
        let key = found.trim_matches(|c| c == '"' || c == '\'');
        d = Diagnostic::error(
            "orgc::syntax::toml",
            format!("TOML syntax: duplicate key `{key}`"),
        )
        .at(file, span.clone())
        .label_primary("already defined earlier in this file");
        d = if line_text.trim_start().starts_with('[') {
            d.with_help(format!(
                "`{}` repeats a table defined earlier in this file; merge the two into one table",
                line_text.trim()
            ))
        } else {
            d.with_help(format!(
                "`{key}` is set twice in the same table; keep one of the two"
            ))
        };
    } else if first.contains("string values must be quoted") && !found.is_empty() {
        d = d.with_help(format!("put the value in double quotes: `\"{found}\"`"));
    } else if first.starts_with("the string is not closed") {
        d = d.with_help(
            "close the string with `\"` on the same line (a string over several lines is written between `\"\"\"`)",
        );
    }
    d
}

fn merge(spec: &mut Spec, file: FileId, f: OrgFile, diags: &mut Diagnostics) {
    merge_single(
        &mut spec.organization,
        "organization",
        file,
        f.organization,
        diags,
    );
    merge_single(
        &mut spec.identity_center,
        "identity_center",
        file,
        f.identity_center,
        diags,
    );
    merge_map(&mut spec.ous, "ous", file, f.ous, diags);
    merge_map(&mut spec.accounts, "accounts", file, f.accounts, diags);
    merge_map(&mut spec.groups, "groups", file, f.groups, diags);
    merge_map(&mut spec.users, "users", file, f.users, diags);
    merge_map(
        &mut spec.permission_sets,
        "permission_sets",
        file,
        f.permission_sets,
        diags,
    );
    merge_map(&mut spec.roles, "roles", file, f.roles, diags);
    merge_map(
        &mut spec.transit_gateways,
        "transit_gateways",
        file,
        f.transit_gateways,
        diags,
    );
    merge_map(&mut spec.spokes, "spokes", file, f.spokes, diags);
    spec.assignments
        .extend(f.assignments.into_iter().map(|a| Defined {
            file,
            span: a.span,
            value: a.value,
        }));
    spec.guardrails
        .extend(f.guardrails.into_iter().map(|g| Defined {
            file,
            span: g.span,
            value: g.value,
        }));
}

/// `[organization]` and `[identity_center]` are single tables: one file defines each.
fn merge_single<T>(
    slot: &mut Option<Defined<T>>,
    section: &str,
    file: FileId,
    value: Option<Spanned<T>>,
    diags: &mut Diagnostics,
) {
    let Some(value) = value else { return };
    if let Some(first) = slot {
        diags.push(
            Diagnostic::error(
                "orgc::load::duplicate-definition",
                format!("`[{section}]` is defined twice"),
            )
            .at(file, value.span.clone())
            .label_primary("defined again here")
            .with_label(first.whole(), "first defined here")
            .with_help(format!("define `[{section}]` in one file only")),
        );
        return;
    }
    *slot = Some(Defined {
        file,
        span: value.span,
        value: value.value,
    });
}

fn merge_map<T>(
    map: &mut BTreeMap<String, Defined<T>>,
    section: &str,
    file: FileId,
    entries: BTreeMap<String, Spanned<T>>,
    diags: &mut Diagnostics,
) {
    for (name, value) in entries {
        if let Some(first) = map.get(&name) {
            diags.push(
                Diagnostic::error(
                    "orgc::load::duplicate-definition",
                    format!("`{section}.{name}` is defined twice"),
                )
                .at(file, value.span.clone())
                .label_primary("defined again here")
                .with_label(first.whole(), "first defined here")
                .with_help(
                    "each entry is defined in exactly one file; remove or rename one of them",
                ),
            );
            continue;
        }
        map.insert(
            name,
            Defined {
                file,
                span: value.span,
                value: value.value,
            },
        );
    }
}
