//! The diff as a GitHub pull-request comment: a marker (so a workflow can find and
//! update its own comment), a headline, a `[!WARNING]` block for risky changes,
//! tables per section, and each file's diff in a collapsed `<details>` block. The
//! whole comment stays under GitHub's 65,536-character limit: when it would not, the
//! longest file diffs are left out (and counted) first, then table rows.

use super::{
    Labels, access_notes, code, conditions_phrase, count, detail_phrase, entity_phrase,
    grant_phrase, guardrail_phrase, path_phrase, warnings,
};
use crate::diff::entities::Change;
use crate::diff::{AccessChangeKind, Diff, FileDiff, NetworkChangeKind};
use std::fmt::Write;

/// GitHub's limit on a comment's length.
pub const COMMENT_LIMIT: usize = 65_536;
/// The first line of every comment, for workflows that update their own comment.
pub const MARKER: &str = "<!-- orgc-diff -->";
/// Kept free under the limit for the note about what was left out.
const RESERVE: usize = 2_000;
/// Rows per table before the rest is counted.
const MAX_ROWS: usize = 100;
/// Detail lines per entity before the rest is counted.
const MAX_DETAILS: usize = 20;

/// The length GitHub counts (UTF-16 code units, the stricter reading).
fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn more_rows(out: &mut String, total: usize, columns: usize) {
    if total > MAX_ROWS {
        let _ = writeln!(
            out,
            "| … {} more |{}",
            total - MAX_ROWS,
            " |".repeat(columns.saturating_sub(1))
        );
    }
}

/// Render for a pull-request comment.
pub fn render_markdown(diff: &Diff, labels: &Labels) -> String {
    let head = head(diff, labels);
    let budget = COMMENT_LIMIT - RESERVE;
    let mut head = head;
    if len(&head) > budget {
        // The summary alone is too long: cut it at a line and say so.
        let mut cut = String::new();
        for line in head.lines() {
            if len(&cut) + len(line) + 1 > budget {
                break;
            }
            cut.push_str(line);
            cut.push('\n');
        }
        cut.push_str(
            "\n… the summary is too long for one comment; run `orgc diff` locally for the rest.\n",
        );
        head = cut;
    }
    let mut out = head;
    if diff.files.is_empty() {
        return out;
    }
    let blocks: Vec<String> = diff.files.iter().map(file_block).collect();
    let mut shown = vec![true; blocks.len()];
    let mut total = len(&out) + blocks.iter().map(|b| len(b)).sum::<usize>();
    // Leave out the longest diffs until the rest fits.
    let mut by_length: Vec<usize> = (0..blocks.len()).collect();
    by_length.sort_by(|a, b| len(&blocks[*b]).cmp(&len(&blocks[*a])).then(a.cmp(b)));
    for i in by_length {
        if total <= budget {
            break;
        }
        shown[i] = false;
        total -= len(&blocks[i]);
    }
    let _ = writeln!(out, "#### Files ({} changed)\n", diff.files.len());
    for (i, block) in blocks.iter().enumerate() {
        if shown[i] {
            out.push_str(block);
        }
    }
    let left_out: Vec<&FileDiff> = diff
        .files
        .iter()
        .zip(&shown)
        .filter(|(_, s)| !**s)
        .map(|(f, _)| f)
        .collect();
    if !left_out.is_empty() {
        let mut note = format!(
            "{} left out to keep this comment under GitHub's size limit (run `orgc diff` locally to see them):",
            count(left_out.len(), "file diff", "file diffs")
        );
        let mut listed = 0;
        for f in &left_out {
            let item = format!(" {} (+{} −{}),", code(&f.path), f.added, f.removed);
            if len(&note) + len(&item) > RESERVE - 100 {
                break;
            }
            note.push_str(&item);
            listed += 1;
        }
        if listed < left_out.len() {
            note.push_str(&format!(" and {} more.", left_out.len() - listed));
        } else if note.ends_with(',') {
            note.pop();
            note.push('.');
        }
        let _ = writeln!(out, "{note}");
    }
    out
}

fn file_block(f: &FileDiff) -> String {
    let what = match (f.status, &f.old_path) {
        (Change::Renamed, Some(old)) => format!("renamed from <code>{}</code>", html(old)),
        (status, _) => status.as_str().to_string(),
    };
    // A fence longer than any run of backticks in the diff.
    let mut longest = 0;
    let mut run = 0;
    for ch in f.diff.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!(
        "<details><summary><code>{}</code> {what} (+{} −{})</summary>\n\n{fence}diff\n{}{}{fence}\n\n</details>\n\n",
        html(&f.path),
        f.added,
        f.removed,
        f.diff,
        if f.diff.ends_with('\n') { "" } else { "\n" },
    )
}

/// Everything before the file diffs.
fn head(diff: &Diff, labels: &Labels) -> String {
    let s = &diff.summary;
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "### orgc diff: {}\n", s.headline(diff.files.len()));
    let _ = writeln!(
        out,
        "Comparing {} with {}.\n",
        code(&labels.old),
        code(&labels.new)
    );

    let risky = warnings(diff);
    if !risky.is_empty() {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> **This change needs a careful review:**"
        );
        for w in risky.iter().take(MAX_ROWS) {
            let _ = writeln!(out, "> - {}", w.replace('\n', " "));
        }
        if risky.len() > MAX_ROWS {
            let _ = writeln!(out, "> - … and {} more", risky.len() - MAX_ROWS);
        }
        out.push('\n');
    }

    if !s.guardrails.is_empty() {
        let _ = writeln!(out, "#### Guardrails\n");
        for g in &s.guardrails {
            let _ = writeln!(out, "- {}", guardrail_phrase(g).replace('\n', " "));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "#### Access\n");
    if s.access.is_empty() {
        let _ = writeln!(out, "**No change in access.**\n");
    } else {
        let _ = writeln!(out, "| | principal | account | level | via | notes |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for a in s.access.iter().take(MAX_ROWS) {
            let level = |l: &Option<String>| code(l.as_deref().unwrap_or("none"));
            let (what, lvl) = match a.change {
                AccessChangeKind::Gained => ("gained", format!("**{}**", level(&a.new_level))),
                AccessChangeKind::Raised => (
                    "raised",
                    format!("{} → **{}**", level(&a.old_level), level(&a.new_level)),
                ),
                AccessChangeKind::Lowered => (
                    "lowered",
                    format!("{} → {}", level(&a.old_level), level(&a.new_level)),
                ),
                AccessChangeKind::Lost => ("lost", format!("~~{}~~", level(&a.old_level))),
            };
            let mark = if a.risky { "⚠️ " } else { "" };
            let via = if a.via.is_empty() {
                "directly".to_string()
            } else {
                code(&a.via.join(" → "))
            };
            let _ = writeln!(
                out,
                "| {mark}{what} | {} | {} | {lvl} | {} | {} |",
                cell(&code(&a.principal)),
                cell(&code(&a.account)),
                cell(&via),
                cell(&access_notes(a).join("; "))
            );
        }
        more_rows(&mut out, s.access.len(), 6);
        out.push('\n');
    }

    if s.network_audited || !s.network.is_empty() {
        let _ = writeln!(out, "#### Network\n");
        if s.network.is_empty() {
            let _ = writeln!(out, "No change in reachability.\n");
        } else {
            let _ = writeln!(out, "| | from | to | forward | return | path |");
            let _ = writeln!(out, "|---|---|---|---|---|---|");
            for n in s.network.iter().take(MAX_ROWS) {
                let what = match n.change {
                    NetworkChangeKind::Opened => "⚠️ opened",
                    NetworkChangeKind::Widened => "⚠️ widened",
                    NetworkChangeKind::Changed => "changed",
                    NetworkChangeKind::Narrowed => "narrowed",
                    NetworkChangeKind::Closed => "closed",
                };
                let dir = |f: fn(&crate::diff::Reach) -> &str| {
                    let o = n.old.as_ref().map_or("none", f);
                    let v = n.new.as_ref().map_or("none", f);
                    if o == v {
                        v.to_string()
                    } else {
                        format!("{o} → **{v}**")
                    }
                };
                let shown = if n.change == NetworkChangeKind::Closed {
                    n.old.as_ref()
                } else {
                    n.new.as_ref()
                };
                let path = shown
                    .filter(|r| !r.path.is_empty())
                    .map_or_else(String::new, |r| code(&r.path.join(" → ")));
                let _ = writeln!(
                    out,
                    "| {what} | {} | {} | {} | {} | {} |",
                    cell(&code(&n.from)),
                    cell(&code(&n.to)),
                    dir(|r| r.forward.as_str()),
                    dir(|r| r.ret.as_str()),
                    cell(&path)
                );
            }
            more_rows(&mut out, s.network.len(), 6);
            out.push('\n');
        }
    }

    if !s.trust.is_empty() {
        let _ = writeln!(out, "#### Trust\n");
        let _ = writeln!(out, "| role | | who may assume it |");
        let _ = writeln!(out, "|---|---|---|");
        let rows: Vec<(String, &str, String)> = s
            .trust
            .iter()
            .flat_map(|t| {
                t.added
                    .iter()
                    .map(move |g| (code(&t.role), "⚠️ newly trusted", grant_phrase(g)))
                    .chain(t.conditions.iter().map(move |c| {
                        let what = if c.relaxed() {
                            "⚠️ other conditions"
                        } else {
                            "other conditions"
                        };
                        (code(&t.role), what, conditions_phrase(c))
                    }))
                    .chain(
                        t.removed
                            .iter()
                            .map(move |g| (code(&t.role), "no longer trusted", grant_phrase(g))),
                    )
            })
            .collect();
        for (role, what, grant) in rows.iter().take(MAX_ROWS) {
            let _ = writeln!(out, "| {} | {what} | {} |", cell(role), cell(grant));
        }
        more_rows(&mut out, rows.len(), 3);
        out.push('\n');
    }

    if !s.entities.is_empty() {
        let _ = writeln!(out, "#### Changes\n");
        let _ = writeln!(out, "| what | details |");
        let _ = writeln!(out, "|---|---|");
        for e in s.entities.iter().take(MAX_ROWS) {
            let mut details: Vec<String> = e
                .details
                .iter()
                .take(MAX_DETAILS)
                .map(|d| cell(&detail_phrase(d)))
                .collect();
            if e.details.len() > MAX_DETAILS {
                details.push(format!("… and {} more", e.details.len() - MAX_DETAILS));
            }
            let _ = writeln!(
                out,
                "| {} | {} |",
                cell(&entity_phrase(e)),
                details.join("<br>")
            );
        }
        more_rows(&mut out, s.entities.len(), 2);
        out.push('\n');
    }

    if !s.access_paths.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Same access, different path ({})</summary>\n",
            s.access_paths.len()
        );
        for p in s.access_paths.iter().take(MAX_ROWS) {
            let _ = writeln!(out, "- {}", path_phrase(p));
        }
        if s.access_paths.len() > MAX_ROWS {
            let _ = writeln!(out, "- … and {} more", s.access_paths.len() - MAX_ROWS);
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Side, compare};
    use crate::emit::Tree;

    #[test]
    fn a_huge_diff_stays_under_the_comment_limit() {
        let mut old = Tree::new();
        let mut new = Tree::new();
        let mut old_rows = Vec::new();
        let mut new_rows = Vec::new();
        for i in 0..400 {
            let body: String = (0..200).map(|l| format!("  \"line{l}\": {i},\n")).collect();
            old.insert(
                format!("iam/a{i:03}/roles/r.json"),
                format!("{{\n{body}}}\n").into_bytes(),
            );
            new.insert(
                format!("iam/a{i:03}/roles/r.json"),
                format!("{{\n{}}}\n", body.replace(": ", ": 1")).into_bytes(),
            );
            old_rows.push(format!(
                r#"{{"principal":"group:g{i}","account":"a{i}","level":"read","via":[]}}"#
            ));
            new_rows.push(format!(
                r#"{{"principal":"group:g{i}","account":"a{i}","level":"admin","via":[]}}"#
            ));
        }
        old.insert(
            "audit/access.json".to_string(),
            format!("[{}]", old_rows.join(",")).into_bytes(),
        );
        new.insert(
            "audit/access.json".to_string(),
            format!("[{}]", new_rows.join(",")).into_bytes(),
        );
        let diff = compare(
            &Side {
                tree: old,
                ..Side::default()
            },
            &Side {
                tree: new,
                ..Side::default()
            },
            crate::diff::Options::default(),
        );
        let labels = Labels {
            old: "main".to_string(),
            new: "working tree".to_string(),
        };
        let md = render_markdown(&diff, &labels);
        assert!(len(&md) < COMMENT_LIMIT, "{} characters", len(&md));
        assert!(md.starts_with(MARKER));
        assert!(md.contains("left out to keep this comment under GitHub's size limit"));
        assert!(md.contains("… 300 more"));
        // The diffs that fit are still shown, whole.
        assert!(md.contains("```diff\n--- a/"));
    }

    #[test]
    fn a_fence_outlasts_backticks_in_the_diff() {
        let f = FileDiff {
            path: "x.json".to_string(),
            old_path: None,
            status: Change::Changed,
            added: 1,
            removed: 0,
            diff: "+ ```` \n".to_string(),
        };
        assert!(file_block(&f).contains("`````diff\n"));
    }
}
