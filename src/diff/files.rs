//! The unified diff of every changed output file but the manifest (whose hashes
//! change with everything and say nothing a reviewer needs), in path order. A
//! renamed entity is one diff from its old path to its new one.

use super::entities::{Change, EntityChange};
use super::unified::{Unified, unified};
use crate::emit::Tree;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    pub path: String,
    /// For a rename, the path it had.
    pub old_path: Option<String>,
    pub status: Change,
    /// Lines added and removed.
    pub added: usize,
    pub removed: usize,
    /// The unified diff, with `a/` and `b/` headers (`/dev/null` for a side that
    /// has no such file).
    pub diff: String,
}

/// A file's text: valid UTF-8 as it is (orgc writes nothing else), anything else
/// with its invalid bytes replaced.
fn text(bytes: Option<&Vec<u8>>) -> Cow<'_, str> {
    let Some(bytes) = bytes else {
        return Cow::Borrowed("");
    };
    // `from_utf8` checks a word at a time; `from_utf8_lossy` only when it fails.
    std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed)
}

/// The diffs of the files at the paths `taken` takes (the work is shared between
/// threads by path).
pub fn compare(
    old: &Tree,
    new: &Tree,
    entities: &[EntityChange],
    context: usize,
    taken: &dyn Fn(&str) -> bool,
) -> Vec<FileDiff> {
    let renames: BTreeMap<&str, &str> = entities
        .iter()
        .filter(|e| e.change == Change::Renamed)
        .filter_map(|e| e.old_path.as_deref().map(|o| (e.path.as_str(), o)))
        .collect();
    let renamed_from: Vec<&str> = renames.values().copied().collect();
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut out = Vec::new();
    for path in paths {
        if path == MANIFEST || renamed_from.contains(&path.as_str()) || !taken(path) {
            continue;
        }
        let (old_path, status) = match (renames.get(path.as_str()), old.get(path), new.get(path)) {
            (Some(from), _, Some(_)) => (Some(*from), Change::Renamed),
            (None, Some(a), Some(b)) if a != b => (None, Change::Changed),
            (None, Some(_), None) => (None, Change::Removed),
            (None, None, Some(_)) => (None, Change::Added),
            _ => continue,
        };
        let a_name = match status {
            Change::Added => "/dev/null".to_string(),
            _ => format!("a/{}", old_path.unwrap_or(path)),
        };
        let b_name = match status {
            Change::Removed => "/dev/null".to_string(),
            _ => format!("b/{path}"),
        };
        let Unified {
            added,
            removed,
            mut text,
        } = unified(
            &text(old.get(old_path.unwrap_or(path))),
            &text(new.get(path)),
            context,
            &a_name,
            &b_name,
        );
        if text.is_empty() {
            // A pure rename: the header alone says it.
            text = format!("--- {a_name}\n+++ {b_name}\n");
        }
        out.push(FileDiff {
            path: path.clone(),
            old_path: old_path.map(str::to_string),
            status,
            added,
            removed,
            diff: text,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_removed_changed_and_the_manifest_is_left_out() {
        let old: Tree = [
            ("a.json", "1\n2\n3\n"),
            ("gone.json", "x\n"),
            ("manifest.json", "m1\n"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
        let new: Tree = [
            ("a.json", "1\n2\n4\n"),
            ("new.json", "y\n"),
            ("manifest.json", "m2\n"),
        ]
        .iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
        let files = compare(&old, &new, &[], 3, &|_| true);
        let summary: Vec<(&str, Change, usize, usize)> = files
            .iter()
            .map(|f| (f.path.as_str(), f.status, f.added, f.removed))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a.json", Change::Changed, 1, 1),
                ("gone.json", Change::Removed, 0, 1),
                ("new.json", Change::Added, 1, 0),
            ]
        );
        assert_eq!(
            files[0].diff,
            "--- a/a.json\n+++ b/a.json\n@@ -1,3 +1,3 @@\n 1\n 2\n-3\n+4\n"
        );
        assert!(files[2].diff.starts_with("--- /dev/null\n+++ b/new.json\n"));
    }
}
