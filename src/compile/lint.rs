//! Runs the security lint on every policy orgc writes — rendered identity policies and
//! generated trust policies alike — and turns findings into diagnostics.
//!
//! A security warning fails the build unless the role or permission set lists its
//! code in `acknowledge`; the output records the acknowledgement. Lints are cached
//! by the exact policy text, so a template that renders the same text in a thousand
//! accounts is linted once.

use super::last_text::LastText;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::policy::PolicyDocument;
use crate::policy::lint::{Finding, LintSeverity, closest_code, lint, lint_info};
use crate::policy::{PolicyKind, json};
use crate::source::Loc;
use std::collections::BTreeSet;
use std::ops::Range;

/// What is being linted, and who answers for it.
pub struct Owner<'a> {
    /// `permission set `X`` or `role `X``, for messages.
    pub what: String,
    pub acknowledged: &'a [String],
    /// Codes that fired on this owner's policies, acknowledged or not.
    pub fired: BTreeSet<&'static str>,
    /// Findings already reported for this owner (code, template, statement): the same
    /// finding in every account a role is created in is reported once.
    reported: BTreeSet<(&'static str, String, Option<usize>)>,
}

impl<'a> Owner<'a> {
    pub fn new(what: String, acknowledged: &'a [String]) -> Self {
        Owner {
            what,
            acknowledged,
            fired: BTreeSet::new(),
            reported: BTreeSet::new(),
        }
    }
}

/// The findings of each source's last linted text ([`LastText`]).
pub type LintCache = LastText<Vec<Finding>>;

/// Lint one policy. `place` gives the location of a statement (by index), or of the
/// policy as a whole for `None`. `source` names the policy's origin (a template name,
/// or the role's trust policy) so repeated findings can be recognised.
#[allow(clippy::too_many_arguments)]
pub fn lint_policy(
    cache: &mut LintCache,
    doc: &PolicyDocument,
    kind: PolicyKind,
    text: &str,
    source: &str,
    owner: &mut Owner<'_>,
    place: &mut dyn FnMut(Option<usize>) -> Diagnostic,
    diags: &mut Diagnostics,
) {
    for f in cache.get(source, kind, text, |_| lint(doc, kind)) {
        owner.fired.insert(f.code);
        let acknowledged = owner.acknowledged.iter().any(|a| a == f.code);
        if acknowledged && f.severity == LintSeverity::SecurityWarning {
            continue;
        }
        if !owner
            .reported
            .insert((f.code, source.to_string(), f.statement))
        {
            continue;
        }
        let base = place(f.statement);
        let mut d = match f.severity {
            LintSeverity::Error | LintSeverity::SecurityWarning => {
                Diagnostic::error(f.code, f.message.clone())
            }
            LintSeverity::Warning => Diagnostic::warning(f.code, f.message.clone()),
            LintSeverity::Suggestion => Diagnostic::suggestion(f.code, f.message.clone()),
        };
        d.primary = base.primary;
        d.primary_label = base.primary_label;
        d.labels = base.labels;
        d.notes = base.notes;
        d = d.with_help_opt(f.help.clone());
        if f.severity == LintSeverity::SecurityWarning {
            d = d.with_note(format!(
                "security warning: if this is intended, add `acknowledge = [\"{}\"]` to {}; the output records it for reviewers",
                f.code, owner.what
            ));
        }
        diags.push(d);
    }
}

/// Rule `orgc::lint::unknown-acknowledgement`: an acknowledged code must be a lint's
/// code, or a misspelling would silently acknowledge nothing. Rule
/// `orgc::lint::unused-acknowledgement` (warning): an acknowledgement of a finding
/// that no longer fires hides the next one of that kind; remove it.
pub fn check_acknowledgements(owner: &Owner<'_>, loc: &Loc, diags: &mut Diagnostics) {
    for code in owner.acknowledged {
        if lint_info(code).is_none() {
            diags.push(
                Diagnostic::error(
                    "orgc::lint::unknown-acknowledgement",
                    format!("`{code}` is not a lint code"),
                )
                .at_loc(loc.clone())
                .with_help_opt(closest_code(code).map(|c| format!("did you mean `{c}`?")))
                .with_note(format!("in the `acknowledge` list of {}", owner.what)),
            );
        } else if !owner.fired.contains(code.as_str()) {
            diags.push(
                Diagnostic::warning(
                    "orgc::lint::unused-acknowledgement",
                    format!(
                        "{} acknowledges `{code}`, but no policy of it has that finding",
                        owner.what
                    ),
                )
                .at_loc(loc.clone())
                .with_help(
                    "remove it from `acknowledge`, so a future finding of that kind is not hidden",
                ),
            );
        }
    }
}

/// Where statement `index` is in a policy's text: its `Sid`, or its opening brace.
pub fn statement_span(text: &str, index: usize) -> Option<Range<usize>> {
    let parsed = json::parse(text).ok()?;
    let statement = parsed.value.get("Statement")?;
    let one = match statement.value.as_array() {
        Some(items) => items.get(index)?,
        None => &statement.value,
    };
    // A statement's Sid names it; without one, its opening brace.
    Some(
        one.get("Sid")
            .map_or(one.span.start..one.span.start + 1, |sid| {
                sid.value.span.clone()
            }),
    )
}
