//! The diff for a terminal: the headline, the risky changes, each section, then the
//! unified diffs; ANSI colour when asked for.

use super::{
    Labels, access_notes, access_phrase, conditions_phrase, detail_phrase, entity_phrase,
    grant_phrase, guardrail_phrase, network_phrase, path_phrase, warnings,
};
use crate::diff::entities::Change;
use crate::diff::{AccessChangeKind, Diff, GuardrailChangeKind, NetworkChangeKind};
use std::fmt::Write;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("1;33", s)
    }
    fn cyan(&self, s: &str) -> String {
        self.wrap("36", s)
    }
}

/// Render for a terminal.
pub fn render_text(diff: &Diff, labels: &Labels, color: bool) -> String {
    let p = Paint(color);
    let s = &diff.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!("orgc diff: {} → {}", labels.old, labels.new))
    );
    let _ = writeln!(out, "{}", s.headline(diff.files.len()));

    let risky = warnings(diff);
    if !risky.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.yellow("warning: this change needs a careful review")
        );
        for w in &risky {
            let _ = writeln!(out, "  {} {w}", p.yellow("!"));
        }
    }

    if !s.guardrails.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Guardrails"));
        for g in &s.guardrails {
            let mark = match g.change {
                GuardrailChangeKind::NewlyFails | GuardrailChangeKind::Removed => p.red("✗"),
                GuardrailChangeKind::NewlyPasses | GuardrailChangeKind::Added => p.green("✓"),
                GuardrailChangeKind::Redefined => p.yellow("~"),
            };
            let _ = writeln!(out, "  {mark} {}", guardrail_phrase(g));
        }
    }

    let _ = writeln!(out, "\n{}", p.bold("Access"));
    if s.access.is_empty() {
        let _ = writeln!(out, "  No change in access.");
    }
    for a in &s.access {
        let mark = match a.change {
            AccessChangeKind::Gained => p.green("+"),
            AccessChangeKind::Raised => p.green("↑"),
            AccessChangeKind::Lowered => p.red("↓"),
            AccessChangeKind::Lost => p.red("-"),
        };
        let notes = access_notes(a);
        let notes = if notes.is_empty() {
            String::new()
        } else {
            let n = format!("[{}]", notes.join("; "));
            format!(" {}", if a.risky { p.yellow(&n) } else { n })
        };
        let _ = writeln!(out, "  {mark} {}{notes}", access_phrase(a));
    }

    if s.network_audited || !s.network.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Network"));
        if s.network.is_empty() {
            let _ = writeln!(out, "  No change in reachability.");
        }
        for n in &s.network {
            let mark = match n.change {
                NetworkChangeKind::Opened | NetworkChangeKind::Widened => p.green("+"),
                NetworkChangeKind::Closed | NetworkChangeKind::Narrowed => p.red("-"),
                NetworkChangeKind::Changed => p.yellow("~"),
            };
            let _ = writeln!(out, "  {mark} {}", network_phrase(n));
        }
    }

    if !s.trust.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Trust"));
        for t in &s.trust {
            let _ = writeln!(out, "  role {}", super::code(&t.role));
            for g in &t.added {
                let _ = writeln!(out, "    {} {}", p.green("+"), grant_phrase(g));
            }
            for c in &t.conditions {
                let mark = if c.relaxed() {
                    p.yellow("~")
                } else {
                    "~".to_string()
                };
                let _ = writeln!(out, "    {mark} {}", conditions_phrase(c));
            }
            for g in &t.removed {
                let _ = writeln!(out, "    {} {}", p.red("-"), grant_phrase(g));
            }
        }
    }

    if !s.entities.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Changes"));
        for e in &s.entities {
            let mark = match e.change {
                Change::Added => p.green("+"),
                Change::Removed => p.red("-"),
                Change::Changed => p.yellow("~"),
                Change::Renamed => p.cyan("→"),
            };
            let _ = writeln!(out, "  {mark} {}", entity_phrase(e));
            for d in &e.details {
                let _ = writeln!(out, "      {}", detail_phrase(d));
            }
        }
    }

    if !s.access_paths.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Same access, different path"));
        for c in &s.access_paths {
            let _ = writeln!(out, "  {}", path_phrase(c));
        }
    }

    if !diff.files.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("Files ({} changed)", diff.files.len()))
        );
        for f in &diff.files {
            out.push('\n');
            for line in f.diff.lines() {
                let painted = if line.starts_with("+++") || line.starts_with("---") {
                    p.bold(line)
                } else if line.starts_with('+') {
                    p.green(line)
                } else if line.starts_with('-') {
                    p.red(line)
                } else if line.starts_with("@@") {
                    p.cyan(line)
                } else {
                    line.to_string()
                };
                let _ = writeln!(out, "{painted}");
            }
        }
    }
    out
}
