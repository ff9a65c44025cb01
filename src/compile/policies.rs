//! The bridge between the policy pipeline and diagnostics: loads templates, renders
//! them with the format's context, and turns every policy problem into a diagnostic
//! that points at the template line — or, when rendering changed the line structure,
//! at the rendered text, shown as a file of its own.

use super::last_text::LastText;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Account, Model, PolicyRef};
use crate::policy::check::thousands;
use crate::policy::{self, PolicyKind, Problem, RenderedPolicy, TemplateContext, Templates};
use crate::source::{FileId, Loc, SourceFile, SourceMap};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

/// The loaded templates and the file each came from.
pub struct PolicySources {
    pub templates: Templates,
    files: BTreeMap<String, FileId>,
    /// Templates that failed to load; their problems are already reported, and
    /// rendering them would only add a misleading "unknown template".
    failed: BTreeSet<String>,
}

/// The check result of each template's last rendered text ([`LastText`]).
pub type RenderCache = LastText<Result<RenderedPolicy, policy::Rejected>>;

impl PolicySources {
    /// Load every template; syntax errors and rejected constructs become diagnostics.
    pub fn load(sources: &SourceMap, template_files: &[FileId], diags: &mut Diagnostics) -> Self {
        let mut files = BTreeMap::new();
        let mut pairs = Vec::new();
        for &id in template_files {
            if let Some(f) = sources.get(id)
                && let Some(name) = crate::template_name(&f.name)
            {
                files.insert(name.clone(), id);
                pairs.push((name, f.text.to_string()));
            }
        }
        let (templates, problems) = Templates::load(pairs);
        let failed = problems.iter().map(|p| p.template.clone()).collect();
        let this = PolicySources {
            templates,
            files,
            failed,
        };
        for p in problems {
            diags.push(this.in_template(&p.template, p.problem));
        }
        this
    }

    fn in_template(&self, template: &str, p: Problem) -> Diagnostic {
        let d = diagnostic(&p);
        let Some(&file) = self.files.get(template) else {
            return d;
        };
        let d = d.at(file, p.span.clone().unwrap_or(0..0));
        p.labels.iter().fold(d, |d, (span, message)| {
            d.with_label(Loc::new(file, span.clone()), message.clone())
        })
    }

    /// Render a template and check it as a policy. Problems point into the template
    /// (or the rendered text) with a label at the TOML that asked for it.
    #[allow(clippy::too_many_arguments)]
    pub fn render(
        &self,
        template: &str,
        context: &TemplateContext,
        kind: PolicyKind,
        requested_at: &Loc,
        rendered_for: &dyn Display,
        cache: &mut RenderCache,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Option<RenderedPolicy> {
        if self.failed.contains(template) {
            return None;
        }
        match self.render_and_check(template, context, kind, cache) {
            Ok(r) => {
                for w in &r.warnings {
                    let d = self.place(template, &r.text, w, rendered_for, sources);
                    diags.push(
                        d.with_label(requested_at.clone(), format!("rendered for {rendered_for}")),
                    );
                }
                Some(r)
            }
            Err(rejected) => {
                for p in &rejected.problems {
                    let d = match &rejected.text {
                        None => self.in_template(template, p.clone()),
                        Some(text) => self.place(template, text, p, rendered_for, sources),
                    };
                    diags.push(
                        d.with_label(requested_at.clone(), format!("rendered for {rendered_for}")),
                    );
                }
                None
            }
        }
    }

    /// [`Templates::render_and_check`], reusing the result when the text is the one this
    /// template rendered to the times before.
    fn render_and_check(
        &self,
        template: &str,
        context: &TemplateContext,
        kind: PolicyKind,
        cache: &mut RenderCache,
    ) -> Result<RenderedPolicy, policy::Rejected> {
        let text = self
            .templates
            .render_in(template, context)
            .map_err(|problem| policy::Rejected {
                text: None,
                problems: vec![problem],
            })?;
        cache.get(template, kind, text, |text| {
            Templates::check_rendered(text, kind)
        })
    }

    /// Lint a rendered policy, placing each finding on its statement in the template.
    #[allow(clippy::too_many_arguments)]
    pub fn lint_rendered(
        &self,
        template: &str,
        rendered: &RenderedPolicy,
        requested_at: &Loc,
        rendered_for: &dyn Display,
        owner: &mut super::lint::Owner<'_>,
        cache: &mut super::lint::LintCache,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) {
        let mut place = |statement: Option<usize>| {
            let span = statement.and_then(|i| super::lint::statement_span(&rendered.text, i));
            let probe = Problem {
                span: span.or(Some(0..0)),
                ..Problem::warning("orgc::lint", "")
            };
            self.place(template, &rendered.text, &probe, rendered_for, sources)
                .with_label(requested_at.clone(), format!("rendered for {rendered_for}"))
        };
        super::lint::lint_policy(
            cache,
            &rendered.document,
            PolicyKind::Identity,
            &rendered.text,
            template,
            owner,
            &mut place,
            diags,
        );
    }

    /// A problem whose span is in rendered text: shown in the template when the
    /// rendering kept the template's lines — on the exact characters when that line
    /// came out unchanged, else on the whole line — and otherwise in the rendered
    /// text itself, added as a file of its own.
    fn place(
        &self,
        template: &str,
        text: &str,
        p: &Problem,
        rendered_for: &dyn Display,
        sources: &mut SourceMap,
    ) -> Diagnostic {
        let d = diagnostic(p);
        let Some(span) = p.span.clone() else { return d };
        // The rendered text is added as a file at most once, shared by the labels.
        let mut rendered_file = None;
        let mut locate = |span: std::ops::Range<usize>| {
            self.in_source(template, text, span.clone())
                .unwrap_or_else(|| {
                    let id = *rendered_file.get_or_insert_with(|| {
                        let name = format!(
                            "{} (rendered for {rendered_for})",
                            self.files
                                .get(template)
                                .and_then(|f| sources.get(*f))
                                .map_or_else(|| template.to_string(), |f| f.name.clone())
                        );
                        sources.add(SourceFile::new(name, text.to_string()))
                    });
                    Loc::new(id, span)
                })
        };
        let d = d.at_loc(locate(span));
        p.labels.iter().fold(d, |d, (span, message)| {
            d.with_label(locate(span.clone()), message.clone())
        })
    }

    /// Where a span of the rendered text is in the template, when the rendering kept
    /// the template's lines: the exact characters when that line came out unchanged,
    /// else the whole line.
    fn in_source(&self, template: &str, text: &str, span: std::ops::Range<usize>) -> Option<Loc> {
        let source = self.templates.source(template).unwrap_or_default();
        let &file = self.files.get(template)?;
        if source.lines().count() != text.lines().count() {
            return None;
        }
        let line = text
            .get(..span.start.min(text.len()))
            .map_or(0, |t| t.matches('\n').count());
        let rendered = line_range(text, line)?;
        let written = line_range(source, line)?;
        if text.get(rendered.clone()) == source.get(written.clone()) {
            // Unchanged by rendering: the offsets within the line carry over.
            let start = written.start + (span.start - rendered.start);
            let end = (written.start + span.end.saturating_sub(rendered.start))
                .min(written.end)
                .max(start);
            return Some(Loc::new(file, start..end));
        }
        line_span(source, line).map(|tspan| Loc::new(file, tspan))
    }
}

/// The byte range of line `n` (0-based), without its line break.
fn line_range(text: &str, n: usize) -> Option<std::ops::Range<usize>> {
    let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
    let line = text.get(start..)?.split('\n').next()?;
    Some(start..start + line.len())
}

/// The span of line `n` (0-based) without its indentation and line break.
fn line_span(text: &str, n: usize) -> Option<std::ops::Range<usize>> {
    let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
    let line = text.get(start..)?.split('\n').next()?;
    let trimmed = line.trim_start();
    let s = start + (line.len() - trimmed.len());
    Some(s..s + trimmed.trim_end().len())
}

pub fn diagnostic(p: &Problem) -> Diagnostic {
    let d = match p.severity {
        policy::Severity::Error => Diagnostic::error(p.code, p.message.clone()),
        policy::Severity::Warning => Diagnostic::warning(p.code, p.message.clone()),
    };
    d.with_help_opt(p.help.clone())
}

/// `org` of the template context.
fn org_context(model: &Model) -> Value {
    let mut org = Map::new();
    org.insert("name".into(), json!(model.org.name));
    if let Some(id) = &model.org.id {
        org.insert("id".into(), json!(id));
    }
    org.insert("partition".into(), json!(model.org.partition.as_str()));
    org.insert("home_region".into(), json!(model.org.home_region));
    Value::Object(org)
}

/// The context of an instance-wide policy (permission sets): `org` and `vars`.
pub fn org_wide_context(model: &Model) -> Value {
    json!({ "org": org_context(model), "vars": model.org.vars })
}

/// Resolve an AWS-managed policy reference (written at `loc`) to its ARN in the
/// org's partition.
pub fn managed_arn(
    model: &Model,
    reference: &str,
    loc: &Loc,
    diags: &mut Diagnostics,
) -> Option<String> {
    match policy::resolve(reference, partition(model)) {
        Ok(resolved) => Some(resolved.arn),
        Err(p) => {
            diags.push(diagnostic(&p).at_loc(loc.clone()));
            None
        }
    }
}

/// The ARNs of managed-policy references, sorted, each once (a policy listed twice
/// is attached once).
pub fn managed_arns(model: &Model, refs: &[PolicyRef], diags: &mut Diagnostics) -> Vec<String> {
    let mut arns: Vec<String> = refs
        .iter()
        .filter_map(|r| managed_arn(model, &r.reference, &r.loc, diags))
        .collect();
    arns.sort();
    arns.dedup();
    arns
}

pub fn partition(model: &Model) -> policy::Partition {
    match model.org.partition {
        crate::spec::Partition::Aws => policy::Partition::Aws,
        crate::spec::Partition::AwsCn => policy::Partition::AwsCn,
        crate::spec::Partition::AwsUsGov => policy::Partition::AwsUsGov,
    }
}

/// Rule `orgc::limit::inline-policy-size`: AWS counts policy size without
/// whitespace; an inline policy of a permission set, or all inline policies of a role
/// together, may have at most 10,240 such characters.
pub fn check_inline_size(size: usize, what: &dyn Display, loc: &Loc, diags: &mut Diagnostics) {
    const MAX: usize = 10_240;
    if size > MAX {
        diags.push(
            Diagnostic::error(
                "orgc::limit::inline-policy-size",
                format!(
                    "{what} {} characters long without whitespace; AWS allows {}",
                    thousands(size),
                    thousands(MAX)
                ),
            )
            .at_loc(loc.clone())
            .with_help("move statements into a customer-managed policy, or use wildcards that cover several actions"),
        );
    }
}
/// The context of a policy rendered for one account: `org`, `vars` (the org's,
/// overridden by the account's) and `account`.
pub fn account_context(model: &Model, account: &Account) -> Value {
    let mut vars = model.org.vars.clone();
    vars.extend(account.vars.clone());
    let ou = account
        .ou
        .and_then(|o| model.ous.get(o))
        .map(|o| o.name.clone());
    json!({
        "org": org_context(model),
        "vars": vars,
        "account": { "name": account.name, "id": account.id, "ou": ou, "tags": account.tags },
    })
}
