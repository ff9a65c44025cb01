//! Runs the security lint on every policy orgc writes — rendered identity policies and
//! generated trust policies alike — and turns findings into diagnostics.
//!
//! A security warning fails the build unless the role or permission set lists its
//! code in `acknowledge`; the output records the acknowledgement. Lints are cached
//! by the exact policy text, so a template that renders the same text in a thousand
//! accounts is linted once.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::policy::PolicyDocument;
use crate::policy::lint::{Finding, LintSeverity, closest_code, lint, lint_info};
use crate::policy::{PolicyKind, json};
use crate::source::Loc;
use foldhash::HashMap;
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

/// The findings of the last text linted from each source (a template, or the trust
/// policy of the role being compiled). A role's policies come one account after
/// another, and those that name nothing of the account are the same text every time:
/// they are linted once. Keeping only the last text per source keeps the cache small
/// when every account's text differs (60,000 role instances would otherwise keep
/// 60,000 texts alive).
#[derive(Default)]
pub struct LintCache {
    last: HashMap<String, Kinds>,
}

/// A source's last linted text, per kind of policy it was linted as.
#[derive(Default)]
struct Kinds {
    identity: Option<Linted>,
    trust: Option<Linted>,
}

struct Linted {
    text: String,
    findings: Vec<Finding>,
}

impl LintCache {
    fn lint(
        &mut self,
        doc: &PolicyDocument,
        kind: PolicyKind,
        text: &str,
        source: &str,
    ) -> Vec<Finding> {
        // Looked up by `&str` (no key made) on every call but a source's first.
        if !self.last.contains_key(source) {
            self.last.insert(source.to_string(), Kinds::default());
        }
        let Some(kinds) = self.last.get_mut(source) else {
            // Not reached: the entry was made above.
            return lint(doc, kind);
        };
        let slot = match kind {
            PolicyKind::Trust => &mut kinds.trust,
            PolicyKind::Identity => &mut kinds.identity,
        };
        if let Some(last) = slot
            && last.text == text
        {
            return last.findings.clone();
        }
        let findings = lint(doc, kind);
        match slot {
            // The last text's buffer is reused: most texts differ by account.
            Some(last) => {
                last.text.clear();
                last.text.push_str(text);
                last.findings.clone_from(&findings);
            }
            None => {
                *slot = Some(Linted {
                    text: text.to_string(),
                    findings: findings.clone(),
                });
            }
        }
        findings
    }
}

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
    for f in cache.lint(doc, kind, text, source) {
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
