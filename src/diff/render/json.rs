//! The diff for programs: the labels, whether anything changed or is risky, the
//! headline, the typed summary and every file diff, as pretty JSON.

use super::Labels;
use crate::diff::{Diff, FileDiff, Summary};
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    old: &'a str,
    new: &'a str,
    changed: bool,
    risky: bool,
    headline: String,
    summary: &'a Summary,
    files: &'a [FileDiff],
}

/// Render for programs, with a trailing newline.
pub fn render_json(diff: &Diff, labels: &Labels) -> String {
    let report = Report {
        old: &labels.old,
        new: &labels.new,
        changed: diff.changed(),
        risky: diff.summary.risky(),
        headline: diff.summary.headline(diff.files.len()),
        summary: &diff.summary,
        files: &diff.files,
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}
