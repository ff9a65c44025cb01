//! `compile --check`: how the output directory on disk differs from what `compile`
//! would write, reading one old file at a time.

use super::on_disk::{Entry, OldFile, is_real_dir, list};
use super::{MANIFEST, Plan, lock};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

/// How an output directory differs from what compile would write.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Staleness {
    pub fn is_current(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compare `out` on disk with the files of `plan`. A missing directory is
/// all-missing. Anything but a plain file at a planned path is changed (a link is
/// not followed). Directories are not listed as extra: they hold no output of their
/// own, and git keeps no empty ones.
pub fn compare_tree(out: &Path, plan: &Plan<'_>) -> std::io::Result<Staleness> {
    let mut on_disk = BTreeMap::new();
    if is_real_dir(out) {
        list(out, "", &mut on_disk)?;
    }
    let verdicts = Mutex::new(Vec::new());
    plan.make(super::MAKERS, |rel, made| {
        let changed = match on_disk.get(rel) {
            None => false,
            Some(Entry::File) => match OldFile::open(&out.join(rel)) {
                Some(mut old) => {
                    let mut same = true;
                    made.write_to(&mut |piece| {
                        same = same && old.continues_with(piece);
                        Ok(())
                    })?;
                    if same && old.matched_to_the_end() {
                        return Ok(());
                    }
                    true
                }
                None => true,
            },
            Some(_) => true,
        };
        lock(&verdicts)?.push((rel.to_string(), changed));
        Ok(())
    })?;
    let mut verdicts = verdicts
        .into_inner()
        .map_err(|_| std::io::Error::other("a worker thread panicked"))?;
    verdicts.sort();
    let mut s = Staleness::default();
    for (rel, changed) in verdicts {
        if changed {
            s.changed.push(rel);
        } else {
            s.missing.push(rel);
        }
    }
    let planned: BTreeSet<&str> = plan.files().map(|(p, _)| p).chain([MANIFEST]).collect();
    s.extra = on_disk
        .into_iter()
        .filter(|(rel, entry)| *entry != Entry::Dir && !planned.contains(rel.as_str()))
        .map(|(rel, _)| rel)
        .collect();
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::write::{Durability, write_tree};

    #[test]
    fn compare_lists_changed_missing_and_extra() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let abc = || Plan::of(&[("a", "1"), ("b", "2"), ("c", "3")]);
        write_tree(&out, &abc(), Durability::Unsynced).unwrap();
        let s = compare_tree(&out, &Plan::of(&[("a", "1"), ("b", "changed"), ("d", "4")])).unwrap();
        assert_eq!(s.changed, vec!["b", "manifest.json"]);
        assert_eq!(s.missing, vec!["d"]);
        assert_eq!(s.extra, vec!["c"]);
        assert!(compare_tree(&out, &abc()).unwrap().is_current());
        // Directories are not output: an empty one is not listed.
        std::fs::create_dir(out.join("empty")).unwrap();
        assert!(compare_tree(&out, &abc()).unwrap().is_current());
        // A directory where a file belongs is a changed file, and its files are extra.
        std::fs::remove_file(out.join("c")).unwrap();
        std::fs::create_dir(out.join("c")).unwrap();
        std::fs::write(out.join("c/inside"), "3").unwrap();
        let s = compare_tree(&out, &abc()).unwrap();
        assert_eq!(s.changed, vec!["c"]);
        assert_eq!(s.extra, vec!["c/inside"]);
        // Nothing there at all: every file is missing.
        let s = compare_tree(&dir.path().join("none"), &abc()).unwrap();
        assert_eq!(s.missing, vec!["a", "b", "c", "manifest.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = || Plan::of(&[("a", "1"), ("x/b", "2")]);
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        // A link to a file with the right bytes is still not the file.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("a"), "1").unwrap();
        std::fs::write(elsewhere.join("b"), "2").unwrap();
        std::fs::remove_file(out.join("a")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("a"), out.join("a")).unwrap();
        // A link to a directory holding the right files is not entered.
        std::fs::remove_dir_all(out.join("x")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("x")).unwrap();
        let s = compare_tree(&out, &plan()).unwrap();
        assert_eq!(s.changed, vec!["a"]);
        assert_eq!(s.missing, vec!["x/b"]);
        assert_eq!(s.extra, vec!["x"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &Plan::of(&[("a", "1")]), Durability::Unsynced).unwrap();
        std::fs::remove_file(out.join("a")).unwrap();
        crate::emit::on_disk::testing::make_fifo(&out.join("a"));
        let s = compare_tree(&out, &Plan::of(&[("a", "1")])).unwrap();
        assert_eq!(s.changed, vec!["a"]);
    }
}
