//! Writes an output tree to disk atomically, and compares one with what is on disk
//! (`compile --check`). With the loader, the only file-system access below the CLI.
//!
//! Atomic replacement: the new tree is written in full into a fresh sibling directory
//! (`.<out>.orgc-new-<pid>`), then the old tree is renamed aside, the new one renamed
//! into place, and the old one removed. A failure at any point before the swap leaves
//! the previous tree untouched and removes the half-written one; Unix cannot rename a
//! directory over a non-empty one, hence the two renames. A previous tree that is
//! already exactly the new one is left in place instead: that is the same result, and
//! nothing is created or removed.

use super::{MAKERS, MANIFEST, Plan, lock};
use crate::timings::Stopwatch;
use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Relative path (with `/`) → file content.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// Whether each file reaches the disk before the new tree replaces the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The replacement is atomic for readers, but a power loss soon after may leave
    /// files of the new tree empty. The tree is derived from the org and can be
    /// compiled again, so this is the default: syncing 65,000 files costs several
    /// times everything else `compile` does.
    Unsynced,
    /// Every file is synced before the swap (`compile --sync`).
    Synced,
}

/// Replace `out` with exactly the files of `plan`.
pub fn write_tree(out: &Path, plan: &Plan<'_>, durability: Durability) -> std::io::Result<()> {
    write_tree_timed(out, plan, durability, &mut Stopwatch::default()).map(|_| ())
}

/// What [`write_tree`] did to the output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new tree replaced the previous one (or took the place of none).
    Replaced,
    /// The previous tree already held exactly the files of the plan, each a plain file
    /// of its own, and nothing else: it was left as it was.
    Unchanged,
}

/// [`write_tree`], lapping `clock` at the end of each phase.
pub fn write_tree_timed(
    out: &Path,
    plan: &Plan<'_>,
    durability: Durability,
    clock: &mut Stopwatch,
) -> std::io::Result<Written> {
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

    // Files are linked from the previous tree only when nothing is synced: a linked
    // file was written by an earlier compile that may not have synced it.
    let previous = if durability == Durability::Unsynced && is_real_dir(out) {
        Some(Previous::list(out, plan)?)
    } else {
        None
    };
    let filled = fill(&staging, plan, durability, previous.as_ref());
    let written = match filled {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if written == Written::Unchanged {
        clock.lap("compare with the previous tree");
        return Ok(written);
    }
    clock.lap("make and write the new tree");
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
    clock.lap("swap");
    if had_old {
        std::fs::remove_dir_all(&retired)?;
        clock.lap("remove the previous tree");
    }
    Ok(Written::Replaced)
}

/// A directory itself, not a link to one: a link at `out` is replaced by a directory,
/// never written through.
fn is_real_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

fn remove_if_exists(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Files written at once when each is synced. A sync waits for the file system's
/// journal: one at a time, the 65,000 files of a 5,000-account org took minutes, while
/// concurrent syncs share journal commits. Measured on ext4 with that org: 4 writers
/// 32 s, 16 writers 10 s, 64 writers 40 s (they contend).
const SYNCED_WRITERS: usize = 16;

/// Create `dir` and every directory the files of `plan` go in.
fn make_dirs(dir: &Path, plan: &Plan<'_>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let dirs: BTreeSet<PathBuf> = plan
        .files()
        .filter_map(|(rel, _)| Path::new(rel).parent().map(|p| dir.join(p)))
        .collect();
    for d in &dirs {
        std::fs::create_dir_all(d)?;
    }
    Ok(())
}

/// Write `content` as the new file `dir/rel`, synced when asked.
fn put(dir: &Path, rel: &str, content: &[u8], durability: Durability) -> std::io::Result<()> {
    // A new file, never an existing one: two entries for one path (names that
    // differ only in case, on a file system that ignores case) would otherwise
    // overwrite each other, or write through a link into the previous tree.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dir.join(rel))?;
    f.write_all(content)?;
    if durability == Durability::Synced {
        // Every byte reaches the disk before the swap makes the tree visible.
        f.sync_all()?;
    }
    Ok(())
}

/// How far [`fill`] has got with a previous tree to compare with.
enum Mode {
    /// Every file so far is the previous tree's (these paths): nothing is written yet,
    /// and if it stays so the previous tree is left as it is.
    Comparing(Vec<String>),
    /// A file differs: the new tree is being written into the fresh directory.
    Writing,
}

/// Make every file of `plan` (on every core), then the manifest, and put them in the
/// fresh directory `dir` — unless `previous` already holds exactly these files, in
/// which case nothing is created and `Unchanged` is returned.
///
/// With a previous tree, files are compared with it first and nothing is written
/// until one differs: leaving an identical tree in place is the atomic replacement,
/// and spares creating and removing tens of thousands of directory entries, most of
/// what writing costs on a large org. From the first difference on, the new tree is
/// written, and a file whose bytes are those of the previous tree is hard-linked from
/// there instead of written: creating tens of thousands of inodes right after the
/// last compile freed as many is slow on ext4 (its allocator steps over recently
/// deleted inodes). The old tree is never modified in place, so sharing its files is
/// safe.
fn fill(
    dir: &Path,
    plan: &Plan<'_>,
    durability: Durability,
    previous: Option<&Previous>,
) -> std::io::Result<Written> {
    let mode = match previous {
        Some(p) if p.may_be_current => Mode::Comparing(Vec::new()),
        _ => {
            make_dirs(dir, plan)?;
            Mode::Writing
        }
    };
    let mode = Mutex::new(mode);
    // Remakes a file whose link failed, which it can only be asked for after a
    // comparison found it the same (the manifest always compares as changed then).
    let makers: OnceLock<HashMap<&str, &(dyn Fn() -> Vec<u8> + Send + Sync + '_)>> =
        OnceLock::new();
    let link = |rel: &str| {
        previous.is_some_and(|p| std::fs::hard_link(p.root.join(rel), dir.join(rel)).is_ok())
    };
    let link_or_make = |rel: &str| -> std::io::Result<()> {
        if link(rel) {
            return Ok(());
        }
        let makers = makers.get_or_init(|| plan.files().collect());
        match makers.get(rel) {
            Some(make) => put(dir, rel, &make(), durability),
            None => Err(std::io::Error::other(format!(
                "{rel}: cannot be made again"
            ))),
        }
    };
    let writers = match durability {
        Durability::Synced => SYNCED_WRITERS,
        // Without syncs, writing is copying into the page cache: one writer per core.
        Durability::Unsynced => MAKERS,
    };
    plan.make(writers, |rel, content| {
        let reusable = previous.is_some_and(|p| p.holds(rel, &content));
        let caught_up = {
            let mut m = lock(&mode)?;
            match &mut *m {
                Mode::Comparing(so_far) if reusable => {
                    so_far.push(rel.to_string());
                    return Ok(());
                }
                Mode::Comparing(so_far) => {
                    let so_far = std::mem::take(so_far);
                    // Under the lock: a file another worker writes next needs them.
                    make_dirs(dir, plan)?;
                    *m = Mode::Writing;
                    so_far
                }
                Mode::Writing => Vec::new(),
            }
        };
        // The files found the same before this one, linked on every core.
        let errors = crate::parallel::map_chunks_on(
            MAKERS,
            &caught_up,
            256,
            || (),
            |(), part| part.iter().filter_map(|r| link_or_make(r).err()).collect(),
        );
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        if reusable && link(rel) {
            return Ok(());
        }
        put(dir, rel, &content, durability)
    })?;
    match mode
        .into_inner()
        .map_err(|_| std::io::Error::other("a worker thread panicked"))?
    {
        Mode::Comparing(_) => Ok(Written::Unchanged),
        Mode::Writing => Ok(Written::Replaced),
    }
}

/// The previous output tree.
struct Previous {
    root: PathBuf,
    /// Whether the tree may be exactly the plan, as far as the manifest's opening
    /// (tool, version, output format, the inputs' hash) and the tree's listing tell:
    /// no entry the plan lacks, no path planned twice. When not, the new tree is
    /// written at once (and the tree is not listed: a changed org needs no listing).
    may_be_current: bool,
}

impl Previous {
    fn list(root: &Path, plan: &Plan<'_>) -> std::io::Result<Previous> {
        let same_head = std::fs::File::open(root.join(MANIFEST)).is_ok_and(|f| {
            let head = plan.manifest_head();
            let mut old = Vec::with_capacity(head.len());
            f.take(head.len() as u64)
                .read_to_end(&mut old)
                .is_ok_and(|_| old == head)
        });
        let may_be_current = same_head && {
            let mut entries = BTreeMap::new();
            list(root, "", &mut entries)?;
            let mut planned: Vec<&str> = plan.files().map(|(p, _)| p).collect();
            planned.push(MANIFEST);
            planned.sort_unstable();
            let once = planned.windows(2).all(|w| w[0] != w[1]);
            let dirs = needed_dirs(&planned);
            once && entries.len() == planned.len() + dirs.len()
                && entries.keys().all(|k| {
                    planned.binary_search(&k.as_str()).is_ok() || dirs.contains(k.as_str())
                })
        };
        Ok(Previous {
            root: root.to_path_buf(),
            may_be_current,
        })
    }

    /// Whether the previous tree holds `content` at `rel` in a plain file that the
    /// new tree may share.
    fn holds(&self, rel: &str, content: &[u8]) -> bool {
        same_content(&self.root.join(rel), content) == Some(true)
    }
}

/// Every directory above the paths `files`.
fn needed_dirs<'p>(files: &[&'p str]) -> BTreeSet<&'p str> {
    let mut dirs = BTreeSet::new();
    for f in files {
        let mut rest = *f;
        while let Some(i) = rest.rfind('/') {
            rest = &rest[..i];
            if !dirs.insert(rest) {
                break;
            }
        }
    }
    dirs
}

/// What a path of a tree is, as its directory listing says (links are not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    File,
    Dir,
    Other,
}

/// Every entry under `dir` by its path relative to the tree's root (with `/`).
fn list(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Entry>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            list(&entry.path(), &rel, out)?;
            out.insert(rel, Entry::Dir);
        } else if kind.is_file() {
            out.insert(rel, Entry::File);
        } else {
            out.insert(rel, Entry::Other);
        }
    }
    Ok(())
}

/// Whether `path` is a plain file holding exactly `content`: `None` when it is not
/// (or cannot be read), else whether the file is private to the tree.
fn same_content(path: &Path, content: &[u8]) -> Option<bool> {
    // Not following links: a link is linked as itself, never its target, so anything
    // but a plain file is written afresh.
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == content.len() as u64 => std::fs::read(path)
            .is_ok_and(|old| old == content)
            .then(|| !linked_elsewhere(&m)),
        _ => None,
    }
}

/// Whether a file has other names than its path in the tree: linking it would tie
/// the new tree to a file outside it, which edits there would change.
#[cfg(unix)]
fn linked_elsewhere(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.nlink() > 1
}

#[cfg(not(unix))]
fn linked_elsewhere(_: &std::fs::Metadata) -> bool {
    false
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

/// Compare `out` on disk with the files of `plan`, one old file in memory at a time.
/// A missing directory is all-missing. Directories are not listed as extra: they hold
/// no output of their own, and git keeps no empty ones.
pub fn compare_tree(out: &Path, plan: &Plan<'_>) -> std::io::Result<Staleness> {
    let mut on_disk = BTreeMap::new();
    if is_real_dir(out) {
        list(out, "", &mut on_disk)?;
    }
    let verdicts = Mutex::new(Vec::new());
    plan.make(MAKERS, |rel, content| {
        let changed = match on_disk.get(rel) {
            None => false,
            Some(Entry::File) if same_content(&out.join(rel), &content).is_some() => {
                return Ok(());
            }
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

    fn tree(items: &[(&str, &str)]) -> Plan<'static> {
        Plan::from_bytes(
            items
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect(),
        )
    }

    #[test]
    fn replaces_the_whole_tree_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(
            &out,
            &tree(&[("a.json", "1"), ("x/b.json", "2")]),
            Durability::Unsynced,
        )
        .unwrap();
        write_tree(&out, &tree(&[("x/c.json", "3")]), Durability::Unsynced).unwrap();
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
        write_tree(&out, &tree(&[("a.json", "old")]), Durability::Unsynced).unwrap();
        // A file and a directory of the same name cannot both be written.
        let bad = tree(&[("a.json", "new"), ("a.json/b.json", "x")]);
        assert!(write_tree(&out, &bad, Durability::Synced).is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.json")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_tree() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a", "1"), ("b", "2")]), Durability::Unsynced).unwrap();
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (a, b) = (inode("a"), inode("b"));
        write_tree(&out, &tree(&[("a", "1"), ("b", "3")]), Durability::Unsynced).unwrap();
        assert_eq!(inode("a"), a);
        assert_ne!(inode("b"), b);
        assert_eq!(std::fs::read_to_string(out.join("b")).unwrap(), "3");
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
    }

    #[test]
    fn two_files_for_one_path_fail_the_write_and_keep_the_previous_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a", "1")]), Durability::Unsynced).unwrap();
        assert!(write_tree(&out, &tree(&[("a", "1"), ("a", "2")]), Durability::Unsynced).is_err());
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_elsewhere_is_written_afresh() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a", "1")]), Durability::Unsynced).unwrap();
        std::fs::hard_link(out.join("a"), dir.path().join("elsewhere")).unwrap();
        write_tree(&out, &tree(&[("a", "1")]), Durability::Unsynced).unwrap();
        assert_eq!(std::fs::metadata(out.join("a")).unwrap().nlink(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_previous_tree_is_replaced_by_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &tree(&[("a", "1")]), Durability::Unsynced).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "1").unwrap();
        std::fs::remove_file(out.join("a")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
        write_tree(&out, &tree(&[("a", "1")]), Durability::Unsynced).unwrap();
        let meta = std::fs::symlink_metadata(out.join("a")).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
    }

    #[cfg(unix)]
    #[test]
    fn a_tree_that_is_already_the_plan_is_left_as_it_is() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = tree(&[("a", "1"), ("x/b", "2")]);
        assert_eq!(
            write_tree_timed(&out, &plan, Durability::Unsynced, &mut Stopwatch::default()).unwrap(),
            Written::Replaced
        );
        let root = std::fs::metadata(&out).unwrap().ino();
        assert_eq!(
            write_tree_timed(&out, &plan, Durability::Unsynced, &mut Stopwatch::default()).unwrap(),
            Written::Unchanged
        );
        assert_eq!(std::fs::metadata(&out).unwrap().ino(), root);
        // Anything more than the plan is replaced: an empty directory, a stray file.
        std::fs::create_dir(out.join("empty")).unwrap();
        assert_eq!(
            write_tree_timed(&out, &plan, Durability::Unsynced, &mut Stopwatch::default()).unwrap(),
            Written::Replaced
        );
        assert!(!out.join("empty").exists());
        std::fs::write(out.join("x/stray"), "").unwrap();
        assert_eq!(
            write_tree_timed(&out, &plan, Durability::Unsynced, &mut Stopwatch::default()).unwrap(),
            Written::Replaced
        );
        assert!(!out.join("x/stray").exists());
        // A synced compile syncs what it writes, so it never keeps a tree it did not.
        let synced = write_tree_timed(&out, &plan, Durability::Synced, &mut Stopwatch::default());
        assert_eq!(synced.unwrap(), Written::Replaced);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn files_found_the_same_before_a_difference_are_linked() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let files: Vec<(String, String)> = (0..50)
            .map(|i| (format!("d{}/f{i:02}", i % 3), i.to_string()))
            .collect();
        let plan = || {
            Plan::from_bytes(
                files
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
                    .collect(),
            )
        };
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        let inodes = |skip: &str| -> Vec<u64> {
            files
                .iter()
                .filter(|(k, _)| k != skip)
                .map(|(k, _)| std::fs::metadata(out.join(k)).unwrap().ino())
                .collect()
        };
        let before = inodes("");
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        // Only the manifest, made last, differs: every file is linked after the fact.
        std::fs::write(out.join(MANIFEST), format!("{manifest} ")).unwrap();
        assert_eq!(
            write_tree_timed(
                &out,
                &plan(),
                Durability::Unsynced,
                &mut Stopwatch::default()
            )
            .unwrap(),
            Written::Replaced
        );
        assert_eq!(inodes(""), before);
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
            manifest
        );
        // The last file differs: the others are linked, it is written.
        std::fs::write(out.join("d1/f49"), "edited").unwrap();
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        let kept: Vec<u64> = before
            .iter()
            .zip(&files)
            .filter(|(_, (k, _))| k != "d1/f49")
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(inodes("d1/f49"), kept);
        assert_eq!(std::fs::read_to_string(out.join("d1/f49")).unwrap(), "49");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_output_path_is_replaced_by_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        let plan = tree(&[("a", "1")]);
        write_tree(&target, &plan, Durability::Unsynced).unwrap();
        let out = dir.path().join("out");
        std::os::unix::fs::symlink(&target, &out).unwrap();
        assert_eq!(
            write_tree_timed(&out, &plan, Durability::Unsynced, &mut Stopwatch::default()).unwrap(),
            Written::Replaced
        );
        assert!(std::fs::symlink_metadata(&out).unwrap().is_dir());
        assert_eq!(std::fs::read_to_string(target.join("a")).unwrap(), "1");
    }

    #[test]
    fn compare_lists_changed_missing_and_extra() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(
            &out,
            &tree(&[("a", "1"), ("b", "2"), ("c", "3")]),
            Durability::Unsynced,
        )
        .unwrap();
        let s = compare_tree(&out, &tree(&[("a", "1"), ("b", "changed"), ("d", "4")])).unwrap();
        assert_eq!(s.changed, vec!["b", "manifest.json"]);
        assert_eq!(s.missing, vec!["d"]);
        assert_eq!(s.extra, vec!["c"]);
        // Directories are not output: an empty one is not listed.
        std::fs::create_dir(out.join("empty")).unwrap();
        assert!(
            compare_tree(&out, &tree(&[("a", "1"), ("b", "2"), ("c", "3")]))
                .unwrap()
                .is_current()
        );
        assert!(
            compare_tree(&out, &tree(&[("a", "1"), ("b", "2"), ("c", "3")]))
                .unwrap()
                .is_current()
        );
    }
}
