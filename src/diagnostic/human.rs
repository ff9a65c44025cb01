//! Renders diagnostics the way rustc does: code, message, `file:line:col`, the source
//! line with the span underlined, then `help:` and `note:` lines.

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::collections::BTreeMap;

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

/// Render every diagnostic, separated by blank lines.
pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, color: ColorChoice) -> String {
    let renderer = match color {
        ColorChoice::Always => Renderer::styled(),
        ColorChoice::Never => Renderer::plain(),
    };
    let mut out = String::new();
    for d in diags {
        out.push_str(&renderer.render(&[group(d, sources)]));
        out.push_str("\n\n");
    }
    out
}

fn group<'a>(d: &'a Diagnostic, sources: &'a SourceMap) -> Group<'a> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Suggestion => Level::HELP.with_name("suggestion"),
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let mut elements: Vec<annotate_snippets::Element<'a>> = Vec::new();

    // One snippet per file, primary file first, so labels in other files
    // ("first defined here") are shown under their own path.
    let mut per_file: BTreeMap<(bool, u32), Vec<annotate_snippets::Annotation<'a>>> =
        BTreeMap::new();
    let primary_file = d.primary.as_ref().map(|l| l.file);
    if let Some(loc) = &d.primary {
        let mut a = AnnotationKind::Primary.span(clamp(loc.span.clone(), sources, loc.file));
        if let Some(text) = &d.primary_label {
            a = a.label(text.as_str());
        }
        per_file.entry((false, loc.file.0)).or_default().push(a);
    }
    for label in &d.labels {
        let key = (Some(label.loc.file) != primary_file, label.loc.file.0);
        per_file.entry(key).or_default().push(
            AnnotationKind::Context
                .span(clamp(label.loc.span.clone(), sources, label.loc.file))
                .label(label.message.as_str()),
        );
    }
    for ((_, file), annotations) in per_file {
        if let Some(src) = sources.get(crate::source::FileId(file)) {
            elements.push(
                Snippet::source(&*src.text)
                    .path(src.name.as_str())
                    .annotations(annotations)
                    .into(),
            );
        }
    }
    if let Some(help) = &d.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    for note in &d.notes {
        elements.push(Level::NOTE.message(note.as_str()).into());
    }
    Group::with_title(title).elements(elements)
}

/// Spans from later stages may point past the end of a file that was edited
/// in between; never let that reach the renderer.
fn clamp(
    span: std::ops::Range<usize>,
    sources: &SourceMap,
    file: crate::source::FileId,
) -> std::ops::Range<usize> {
    let len = sources.get(file).map_or(0, |f| f.text.len());
    let start = span.start.min(len);
    start..span.end.clamp(start, len)
}
