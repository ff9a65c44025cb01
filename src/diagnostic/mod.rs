//! The one diagnostic type of the whole program, and the collection every stage fills.
//!
//! Stages never stop at the first problem: they push into [`Diagnostics`] and carry on.
//! Rendering lives in the submodules, one per `--diagnostic-format`.

mod github;
mod human;
mod json;

pub use github::render_github;
pub use human::{ColorChoice, render_human};
pub use json::render_json;

use crate::source::{FileId, Loc};
use std::ops::Range;

/// How bad a problem is. Errors stop the build; warnings do with `--deny-warnings`;
/// suggestions never do (a simpler or tighter way to say the same thing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Suggestion,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

/// A secondary place that explains the problem ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub loc: Loc,
    pub message: String,
}

/// One problem, with a stable code such as `orgc::ref::unknown-account`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is; `None` for problems of the org as a whole.
    pub primary: Option<Loc>,
    /// Short text under the primary span.
    pub primary_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn suggestion(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Suggestion,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, file: FileId, span: Range<usize>) -> Self {
        self.primary = Some(Loc::new(file, span));
        self
    }

    pub fn at_loc(mut self, loc: Loc) -> Self {
        self.primary = Some(loc);
        self
    }

    pub fn label_primary(mut self, text: impl Into<String>) -> Self {
        self.primary_label = Some(text.into());
        self
    }

    pub fn with_label(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            loc,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

impl Diagnostic {
    /// The same diagnostic with every file id passed through `map` (for diagnostics
    /// made against a copy of the source map whose new files were then added to the
    /// original under other ids).
    #[must_use]
    pub fn remap_files(mut self, map: impl Fn(FileId) -> FileId) -> Self {
        if let Some(l) = self.primary.as_mut() {
            l.file = map(l.file);
        }
        for label in &mut self.labels {
            label.loc.file = map(label.loc.file);
        }
        self
    }
}

/// Problems collected by the stages of one run.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Sorted by place, so output reads top to bottom through the files whatever
    /// order the rules ran in; problems without a place come last.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.primary.is_none(),
                    d.primary
                        .as_ref()
                        .map(|l| (l.file, l.span.start, l.span.end)),
                    d.code,
                    d.message.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
