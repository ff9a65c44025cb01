//! Writes an output tree to disk atomically, and compares one with what is on disk
//! (`compile --check`). With the loader, the only file-system access below the CLI.
//!
//! Atomic replacement: the new tree is written in full into a fresh sibling directory
//! (`.<out>.orgc-new-<pid>`), then the old tree is renamed aside, the new one renamed
//! into place, and the old one removed. A failure at any point before the swap leaves
//! the previous tree untouched and removes the half-written one; Unix cannot rename a
//! directory over a non-empty one, hence the two renames.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Relative path (with `/`) → file content.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// Replace `out` with exactly `tree`.
pub fn write_tree(out: &Path, tree: &Tree) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let pid = std::process::id();
    let staging = parent.join(format!(".{base}.orgc-new-{pid}"));
    let retired = parent.join(format!(".{base}.orgc-old-{pid}"));
    remove_if_exists(&staging)?;
    remove_if_exists(&retired)?;

    if let Err(e) = fill(&staging, tree) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = out.exists();
    if had_old && let Err(e) = std::fs::rename(out, &retired) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        // Put the previous tree back before reporting.
        if had_old {
            let _ = std::fs::rename(&retired, out);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_old {
        std::fs::remove_dir_all(&retired)?;
    }
    Ok(())
}

fn remove_if_exists(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Files written at once. Each file is synced before the swap, and a sync waits for the
/// file system's journal: one at a time, the 65,000 files of a 5,000-account org took
/// minutes, while concurrent syncs share journal commits. Measured on ext4 with that
/// org: 4 writers 32 s, 16 writers 10 s (the same as writing without any sync), 64
/// writers 40 s (they contend).
const WRITERS: usize = 16;

fn fill(dir: &Path, tree: &Tree) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let dirs: std::collections::BTreeSet<PathBuf> = tree
        .keys()
        .filter_map(|rel| Path::new(rel).parent().map(|p| dir.join(p)))
        .collect();
    for d in &dirs {
        std::fs::create_dir_all(d)?;
    }
    let files: Vec<(&String, &Vec<u8>)> = tree.iter().collect();
    let per_writer = files.len().div_ceil(WRITERS).max(1);
    std::thread::scope(|scope| {
        let writers: Vec<_> = files
            .chunks(per_writer)
            .map(|chunk| {
                scope.spawn(move || -> std::io::Result<()> {
                    for (rel, content) in chunk {
                        let mut f = std::fs::File::create(dir.join(rel))?;
                        f.write_all(content)?;
                        // Every byte reaches the disk before the swap makes the tree visible.
                        f.sync_all()?;
                    }
                    Ok(())
                })
            })
            .collect();
        writers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("a writer thread panicked")))
        })
    })
}

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

/// Compare `out` on disk with `tree`. A missing directory is all-missing.
pub fn compare_tree(out: &Path, tree: &Tree) -> std::io::Result<Staleness> {
    let mut on_disk = BTreeMap::new();
    if out.is_dir() {
        read_all(out, out, &mut on_disk)?;
    }
    let mut s = Staleness::default();
    for (rel, content) in tree {
        match on_disk.get(rel) {
            None => s.missing.push(rel.clone()),
            Some(c) if c != content => s.changed.push(rel.clone()),
            Some(_) => {}
        }
    }
    s.extra = on_disk
        .keys()
        .filter(|k| !tree.contains_key(*k))
        .cloned()
        .collect();
    Ok(s)
}

fn read_all(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_all(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            out.insert(rel, std::fs::read(&path)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(items: &[(&str, &str)]) -> Tree {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn replaces_the_whole_tree_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a.json", "1"), ("x/b.json", "2")])).unwrap();
        write_tree(&out, &tree(&[("x/c.json", "3")])).unwrap();
        assert!(!out.join("a.json").exists());
        assert_eq!(std::fs::read_to_string(out.join("x/c.json")).unwrap(), "3");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
    }

    #[test]
    fn a_failed_write_keeps_the_previous_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a.json", "old")])).unwrap();
        // A file and a directory of the same name cannot both be written.
        let bad = tree(&[("a.json", "new"), ("a.json/b.json", "x")]);
        assert!(write_tree(&out, &bad).is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.json")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn compare_lists_changed_missing_and_extra() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a", "1"), ("b", "2"), ("c", "3")])).unwrap();
        let s = compare_tree(&out, &tree(&[("a", "1"), ("b", "changed"), ("d", "4")])).unwrap();
        assert_eq!(s.changed, vec!["b"]);
        assert_eq!(s.missing, vec!["d"]);
        assert_eq!(s.extra, vec!["c"]);
        assert!(
            compare_tree(&out, &tree(&[("a", "1"), ("b", "2"), ("c", "3")]))
                .unwrap()
                .is_current()
        );
    }
}
