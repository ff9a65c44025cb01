//! TOML text → typed, merged [`Spec`]: syntax check of every file (all errors, not the
//! first), schema check of every file, then serde into [`OrgFile`] and a merge in
//! file-name order in which every entry must be defined exactly once.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::schema;
use crate::source::{FileId, Loc, SourceMap};
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
    let mut files = Vec::new();
    let mut failed = false;
    for (id, file) in sources.iter() {
        if !file.name.ends_with(".toml") {
            continue;
        }
        let text: &str = &file.text;
        let (table, errors) = toml::de::DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            failed = true;
            for e in errors {
                diags.push(syntax_diagnostic(id, &e));
            }
            continue;
        }
        let json = toml_json::table_to_json(table.get_ref());
        let before = diags.len();
        schema::check_file(id, &table, &json, diags);
        if diags.len() > before {
            failed = true;
            continue;
        }
        match OrgFile::deserialize(toml::de::Deserializer::from(table)) {
            Ok(org_file) => files.push((id, org_file)),
            Err(e) => {
                // The schema is generated from the same types, so this is rare
                // (e.g. an integer too large for its field); still a user error.
                failed = true;
                diags.push(
                    Diagnostic::error("orgc::schema::invalid", e.message().to_string())
                        .at(id, e.span().unwrap_or(0..0)),
                );
            }
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

fn syntax_diagnostic(file: FileId, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let (first, rest) = match message.split_once('\n') {
        Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string())),
        None => (message.clone(), None),
    };
    let mut d = Diagnostic::error("orgc::syntax::toml", format!("TOML syntax: {first}"))
        .at(file, e.span().unwrap_or(0..0))
        .with_help_opt(rest.filter(|r| !r.is_empty()));
    if first.contains("duplicate key") {
        d = d.with_help("a key may be set only once in a table; merge the two definitions");
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
