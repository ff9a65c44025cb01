//! Writes an output tree to disk atomically. With the loader, the only file-system
//! writes of the program.
//!
//! Atomic replacement: the new tree is written in full into a fresh sibling directory
//! (`.<out>.orgc-new-<pid>`) and then exchanged with the previous one in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux, `renameatx_np(RENAME_SWAP)` on macOS), so
//! `out/` always holds one whole tree, the old or the new; the old one is then
//! removed. Where the exchange is not available, the old tree is renamed aside and the
//! new one renamed into place (Unix cannot rename a directory over a non-empty one),
//! which leaves a moment with no `out/` at all. A failure before the swap leaves the
//! previous tree untouched and removes the half-written one; temporaries left by an
//! interrupted run (its process gone) are removed by the next one. A previous tree
//! that is already exactly the new one is left in place instead: that is the same
//! result, and nothing is created or removed.

use super::on_disk::{OldFile, Previous, is_real_dir};
use super::{MAKERS, Plan, lock};
use crate::timings::Stopwatch;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Relative path (with `/`) → file content.
pub type Tree = std::collections::BTreeMap<String, Vec<u8>>;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A new tree replaced the previous one (or took the place of none).
    Replaced,
    /// A new tree replaced the previous one, which could not then be removed: it is
    /// left at `at` (a hidden sibling of the output), for the next run to remove.
    ReplacedLeavingPrevious { at: PathBuf, error: String },
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
    sweep_abandoned(&parent, &base, pid);

    // Files are linked from the previous tree only when nothing is synced: a linked
    // file was written by an earlier compile that may not have synced it.
    let dirs = plan.dirs();
    let previous = if durability == Durability::Unsynced && is_real_dir(out) {
        Some(Previous::read(out, plan, &dirs)?)
    } else {
        None
    };
    let filled = fill(&staging, plan, &dirs, durability, previous.as_ref());
    let written = match filled {
        Ok(w) => w,
        Err(e) => {
            let _ = remove_if_exists(&staging);
            return Err(e);
        }
    };
    if written == Written::Unchanged {
        clock.lap("compare with the previous tree");
        return Ok(written);
    }
    clock.lap("make and write the new tree");
    let old = match swap(&staging, out, &retired) {
        Ok(old) => old,
        Err(e) => {
            let _ = remove_if_exists(&staging);
            return Err(e);
        }
    };
    clock.lap("swap");
    let Some(old) = old else {
        return Ok(Written::Replaced);
    };
    let removed = remove_if_exists(&old);
    clock.lap("remove the previous tree");
    Ok(match removed {
        Ok(()) => Written::Replaced,
        Err(e) => Written::ReplacedLeavingPrevious {
            at: old,
            error: e.to_string(),
        },
    })
}

/// Put the tree at `staging` in the place of `out`, returning where the previous
/// entry at `out` now is, if there was one. On an error, `out` is as it was.
fn swap(staging: &Path, out: &Path, retired: &Path) -> std::io::Result<Option<PathBuf>> {
    // Whatever is at `out` (a link is not followed: it is replaced, not written
    // through).
    if std::fs::symlink_metadata(out).is_err() {
        std::fs::rename(staging, out)?;
        return Ok(None);
    }
    if exchange(staging, out) {
        return Ok(Some(staging.to_path_buf()));
    }
    std::fs::rename(out, retired)?;
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous tree back before reporting.
        let _ = std::fs::rename(retired, out);
        return Err(e);
    }
    Ok(Some(retired.to_path_buf()))
}

/// Exchange two entries in one step, where the system can; false when it cannot
/// (an older kernel, a file system without it), and nothing has changed.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Remove whatever is at `p` (a tree, a file, a link — never what a link points to);
/// nothing there is no error.
fn remove_if_exists(p: &Path) -> std::io::Result<()> {
    let removed = match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
        Err(e) => Err(e),
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Remove the temporaries (`.<out>.orgc-new-<pid>`, `.<out>.orgc-old-<pid>`) of earlier
/// runs that were interrupted, or could not remove the previous tree: only those
/// whose process is gone, since a running compile of the same output owns its own.
/// Best effort: what cannot be removed now is tried again by the next run.
fn sweep_abandoned(parent: &Path, base: &str, own_pid: u32) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| temporary_pid(n, base)) else {
            continue;
        };
        if pid != own_pid && process_is_gone(pid) {
            let _ = remove_if_exists(&entry.path());
        }
    }
}

/// The process id in the name of one of `base`'s temporaries.
fn temporary_pid(name: &str, base: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_prefix(base)?;
    let pid = rest
        .strip_prefix(".orgc-new-")
        .or_else(|| rest.strip_prefix(".orgc-old-"))?;
    pid.parse().ok()
}

/// Whether no process has this id (as far as this system can tell; when it cannot,
/// the process is assumed to run).
#[cfg(unix)]
fn process_is_gone(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    rustix::process::test_kill_process(pid) == Err(rustix::io::Errno::SRCH)
}

#[cfg(not(unix))]
fn process_is_gone(_: u32) -> bool {
    false
}

/// Files written at once when each is synced. A sync waits for the file system's
/// journal: one at a time, the 65,000 files of a 5,000-account org took minutes, while
/// concurrent syncs share journal commits. Measured on ext4 with that org: 4 writers
/// 32 s, 16 writers 10 s, 64 writers 40 s (they contend).
const SYNCED_WRITERS: usize = 16;

/// Create `dir` and in it `dirs`, the directories of a plan ([`Plan::dirs`]).
fn make_dirs(dir: &Path, dirs: &BTreeSet<&str>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // In order, so each directory's parent is made before it.
    for d in dirs {
        std::fs::create_dir(dir.join(d))?;
    }
    Ok(())
}

/// Create the new file `dir/rel`.
fn create(dir: &Path, rel: &str) -> std::io::Result<File> {
    // A new file, never an existing one: two entries for one path (names that
    // differ only in case, on a file system that ignores case) would otherwise
    // overwrite each other, or write through a link into the previous tree.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dir.join(rel))
}

/// A new file is written: sync it when asked.
fn finish(file: File, durability: Durability) -> std::io::Result<()> {
    if durability == Durability::Synced {
        // Every byte reaches the disk before the swap makes the tree visible.
        file.sync_all()?;
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

/// Where one file's bytes go as they are made.
enum Destination {
    /// Compared with the previous tree's file, which they match so far.
    Same(OldFile),
    /// Written into the new file.
    New(File),
}

/// Make every file of `plan` (on every core), then the manifest, and put them in the
/// fresh directory `dir` — unless `previous` already holds exactly these files, in
/// which case nothing is created and `Unchanged` is returned.
///
/// With a previous tree, each file is compared with the old one as it is made, and
/// nothing is written until one differs: leaving an identical tree in place is the
/// atomic replacement, and spares creating and removing tens of thousands of
/// directory entries, most of what writing costs on a large org. From the first
/// difference on, the new tree is written, and a file whose bytes are those of the
/// previous tree is hard-linked from there instead of written: creating tens of
/// thousands of inodes right after the last compile freed as many is slow on ext4
/// (its allocator steps over recently deleted inodes). A file that differs only
/// part-way starts as a copy of the old one's matching opening. The old tree is never
/// modified in place, so sharing its files is safe; only files that nothing outside
/// the tree can change are shared ([`Previous::shareable`]).
fn fill(
    dir: &Path,
    plan: &Plan<'_>,
    dirs: &BTreeSet<&str>,
    durability: Durability,
    previous: Option<&Previous<'_>>,
) -> std::io::Result<Written> {
    let mode = match previous {
        Some(p) if p.may_be_current => Mode::Comparing(Vec::new()),
        _ => {
            make_dirs(dir, dirs)?;
            Mode::Writing
        }
    };
    let mode = Mutex::new(mode);
    let link = |rel: &str| {
        previous.is_some_and(|p| std::fs::hard_link(p.root.join(rel), dir.join(rel)).is_ok())
    };
    // A file found the same as the previous tree's: linked, or where the link fails,
    // copied from there (its bytes are the new file's).
    let link_or_copy = |rel: &str, old: Option<OldFile>| -> std::io::Result<()> {
        if link(rel) {
            return Ok(());
        }
        let mut old = old
            .or_else(|| previous.and_then(|p| p.shareable(rel)))
            .ok_or_else(|| std::io::Error::other(format!("{rel}: the previous file is gone")))?;
        let mut new = create(dir, rel)?;
        old.copy_whole_into(&mut new)?;
        finish(new, durability)
    };
    // From the first difference on, the new tree is written: make its directories,
    // and put there the files found the same before it, linked on every core.
    let start_writing = || -> std::io::Result<()> {
        let caught_up = {
            let mut m = lock(&mode)?;
            let Mode::Comparing(so_far) = &mut *m else {
                return Ok(());
            };
            let so_far = std::mem::take(so_far);
            // Under the lock: a file another worker writes next needs them.
            make_dirs(dir, dirs)?;
            *m = Mode::Writing;
            so_far
        };
        let errors = crate::parallel::map_chunks_on(
            MAKERS,
            &caught_up,
            256,
            || (),
            |(), part| {
                part.iter()
                    .filter_map(|r| link_or_copy(r, None).err())
                    .collect()
            },
        );
        errors.into_iter().next().map_or(Ok(()), Err)
    };
    let writers = match durability {
        Durability::Synced => SYNCED_WRITERS,
        // Without syncs, writing is copying into the page cache: one writer per core.
        Durability::Unsynced => MAKERS,
    };
    plan.make(writers, |rel, made| {
        let mut to = match previous.and_then(|p| p.shareable(rel)) {
            Some(old) => Destination::Same(old),
            None => {
                start_writing()?;
                Destination::New(create(dir, rel)?)
            }
        };
        made.write_to(&mut |piece| {
            let new = match &mut to {
                Destination::New(file) => return file.write_all(piece),
                Destination::Same(old) => {
                    if old.continues_with(piece) {
                        return Ok(());
                    }
                    start_writing()?;
                    let mut new = create(dir, rel)?;
                    old.copy_matched_into(&mut new)?;
                    new.write_all(piece)?;
                    new
                }
            };
            to = Destination::New(new);
            Ok(())
        })?;
        let mut old = match to {
            Destination::New(file) => return finish(file, durability),
            Destination::Same(old) => old,
        };
        if old.matched_to_the_end() {
            if let Mode::Comparing(so_far) = &mut *lock(&mode)? {
                so_far.push(rel.to_string());
                return Ok(());
            }
            return link_or_copy(rel, Some(old));
        }
        // The old file goes on beyond the new one.
        start_writing()?;
        let mut new = create(dir, rel)?;
        old.copy_matched_into(&mut new)?;
        finish(new, durability)
    })?;
    match mode
        .into_inner()
        .map_err(|_| std::io::Error::other("a worker thread panicked"))?
    {
        Mode::Comparing(_) => Ok(Written::Unchanged),
        Mode::Writing => Ok(Written::Replaced),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::MANIFEST;

    /// A fresh directory with these files compiled into its `out`.
    fn written(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_tree(&out, &Plan::of(files), Durability::Unsynced).unwrap();
        (dir, out)
    }

    #[test]
    fn replaces_the_whole_tree_and_leaves_no_temporaries() {
        let (dir, out) = written(&[("a.json", "1"), ("x/b.json", "2")]);
        write_tree(&out, &Plan::of(&[("x/c.json", "3")]), Durability::Unsynced).unwrap();
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
        let (dir, out) = written(&[("a.json", "old")]);
        // A file and a directory of the same name cannot both be written.
        let bad = Plan::of(&[("a.json", "new"), ("a.json/b.json", "x")]);
        assert!(write_tree(&out, &bad, Durability::Synced).is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.json")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_tree() {
        use std::os::unix::fs::MetadataExt;
        let (_dir, out) = written(&[("a", "1"), ("b", "2")]);
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (a, b) = (inode("a"), inode("b"));
        write_tree(
            &out,
            &Plan::of(&[("a", "1"), ("b", "3")]),
            Durability::Unsynced,
        )
        .unwrap();
        assert_eq!(inode("a"), a);
        assert_ne!(inode("b"), b);
        assert_eq!(std::fs::read_to_string(out.join("b")).unwrap(), "3");
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
    }

    #[test]
    fn two_files_for_one_path_fail_the_write_and_keep_the_previous_tree() {
        let (dir, out) = written(&[("a", "1")]);
        assert!(
            write_tree(
                &out,
                &Plan::of(&[("a", "1"), ("a", "2")]),
                Durability::Unsynced
            )
            .is_err()
        );
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_elsewhere_is_written_afresh() {
        use std::os::unix::fs::MetadataExt;
        let (dir, out) = written(&[("a", "1")]);
        std::fs::hard_link(out.join("a"), dir.path().join("elsewhere")).unwrap();
        let written = write_tree_timed(
            &out,
            &Plan::of(&[("a", "1")]),
            Durability::Unsynced,
            &mut Stopwatch::default(),
        );
        assert_eq!(written.unwrap(), Written::Replaced);
        assert_eq!(std::fs::metadata(out.join("a")).unwrap().nlink(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_previous_tree_is_replaced_by_a_file() {
        let (dir, out) = written(&[("a", "1")]);
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "1").unwrap();
        std::fs::remove_file(out.join("a")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
        write_tree(&out, &Plan::of(&[("a", "1")]), Durability::Unsynced).unwrap();
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
        let plan = Plan::of(&[("a", "1"), ("x/b", "2")]);
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
        // A file in the middle of the order differs: the others are linked, whether
        // made before or after it, and it is written.
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

    /// Every file of the tree at `out`, with its bytes.
    fn read_tree(out: &Path) -> Vec<(String, Vec<u8>)> {
        let mut entries = std::collections::BTreeMap::new();
        super::super::on_disk::list(out, "", &mut entries).unwrap();
        entries
            .into_iter()
            .filter(|(_, e)| *e == super::super::on_disk::Entry::File)
            .map(|(rel, _)| {
                let bytes = std::fs::read(out.join(&rel)).unwrap();
                (rel, bytes)
            })
            .collect()
    }

    /// A large file that changes part-way, is cut short, or grows is written whole
    /// over its previous version (its matching opening copied from the old file),
    /// exactly as into a fresh directory, manifest and all; the files that did not
    /// change are linked.
    #[cfg(unix)]
    #[test]
    fn a_large_file_changed_part_way_is_written_whole() {
        use std::os::unix::fs::MetadataExt;
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 241) as u8).collect();
        let mut changed = big.clone();
        changed[200_000] ^= 1;
        let mut longer = big.clone();
        longer.extend_from_slice(b"more");
        let versions: [&[u8]; 4] = [&changed, &big[..250_000], &longer, b""];
        // Pieces of the size compared at once, and larger ones that match in their
        // first part and differ after it.
        for (new_big, piece) in versions
            .into_iter()
            .flat_map(|v| [(v, 65_536), (v, 200 * 1024)])
        {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let old = Plan::in_pieces(&[("a/big.json", &big), ("b.json", b"same")], piece);
            write_tree(&out, &old, Durability::Unsynced).unwrap();
            let inode = std::fs::metadata(out.join("b.json")).unwrap().ino();
            let new = Plan::in_pieces(&[("a/big.json", new_big), ("b.json", b"same")], piece);
            write_tree(&out, &new, Durability::Unsynced).unwrap();
            let fresh = dir.path().join("fresh");
            write_tree(&fresh, &new, Durability::Unsynced).unwrap();
            assert_eq!(std::fs::read(out.join("a/big.json")).unwrap(), new_big);
            assert!(
                read_tree(&out) == read_tree(&fresh),
                "{} bytes",
                new_big.len()
            );
            assert_eq!(std::fs::metadata(out.join("b.json")).unwrap().ino(), inode);
        }
    }

    /// A file made in pieces that all match the previous tree leaves it in place.
    #[cfg(unix)]
    #[test]
    fn a_large_file_made_in_pieces_and_unchanged_is_left_in_place() {
        use std::os::unix::fs::MetadataExt;
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 239) as u8).collect();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = || Plan::in_pieces(&[("big.json", &big), ("small.json", b"1")], 10_000);
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        let inode = std::fs::metadata(out.join(MANIFEST)).unwrap().ino();
        let written = write_tree_timed(
            &out,
            &plan(),
            Durability::Unsynced,
            &mut Stopwatch::default(),
        )
        .unwrap();
        assert_eq!(written, Written::Unchanged);
        assert_eq!(std::fs::metadata(out.join(MANIFEST)).unwrap().ino(), inode);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_output_path_is_replaced_by_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        let plan = Plan::of(&[("a", "1")]);
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

    #[cfg(unix)]
    #[test]
    fn files_under_a_linked_directory_are_not_shared() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = || Plan::of(&[("a", "1"), ("x/b", "2")]);
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        // `x` becomes a link to a directory outside the tree with the same file.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::rename(out.join("x"), &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("x")).unwrap();
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        assert!(std::fs::symlink_metadata(out.join("x")).unwrap().is_dir());
        assert_eq!(std::fs::metadata(out.join("x/b")).unwrap().nlink(), 1);
        assert_eq!(std::fs::metadata(elsewhere.join("b")).unwrap().nlink(), 1);
        assert_eq!(std::fs::read_to_string(out.join("x/b")).unwrap(), "2");
    }

    /// Runs `f` on a thread, failing the test if it has not finished in 20 s (rather
    /// than hanging the test run).
    #[cfg(unix)]
    fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(f()));
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("still waiting after 20 s")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_previous_tree_is_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = || Plan::of(&[("a", "1"), ("b", "2")]);
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        std::fs::remove_file(out.join(MANIFEST)).unwrap();
        std::fs::remove_file(out.join("a")).unwrap();
        crate::emit::on_disk::testing::make_fifo(&out.join(MANIFEST));
        crate::emit::on_disk::testing::make_fifo(&out.join("a"));
        let o = out.clone();
        let written = within_seconds(move || {
            write_tree_timed(&o, &plan(), Durability::Unsynced, &mut Stopwatch::default())
                .map_err(|e| e.to_string())
        });
        assert_eq!(written.unwrap(), Written::Replaced);
        assert!(std::fs::symlink_metadata(out.join("a")).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_or_a_dangling_link_at_the_output_path_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = Plan::of(&[("a", "1")]);
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &out).unwrap();
        write_tree(&out, &plan, Durability::Unsynced).unwrap();
        assert!(std::fs::symlink_metadata(&out).unwrap().is_dir());
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::write(&out, "a file").unwrap();
        let written =
            write_tree_timed(&out, &plan, Durability::Unsynced, &mut Stopwatch::default());
        assert_eq!(written.unwrap(), Written::Replaced);
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// A file found the same whose link into the new tree fails is copied from the
    /// previous tree instead, and a previous tree that cannot then be removed is
    /// left beside the output with a warning. An immutable file (`chattr +i`) does
    /// both: it cannot be linked, nor removed, even by root.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unlinkable_file_is_copied_and_an_unremovable_tree_is_left_with_a_warning() {
        use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
        use std::os::unix::fs::MetadataExt;
        let (_dir, out) = written(&[("a", "1"), ("b", "2")]);
        let a = File::open(out.join("a")).unwrap();
        let flags = ioctl_getflags(&a).unwrap();
        if let Err(e) = ioctl_setflags(&a, flags | IFlags::IMMUTABLE) {
            // Not every file system keeps the flag (tmpfs before Linux 6.0).
            eprintln!("not run: the file system cannot make a file immutable ({e})");
            return;
        }
        let inode = a.metadata().unwrap().ino();
        let written = write_tree_timed(
            &out,
            &Plan::of(&[("a", "1"), ("b", "3")]),
            Durability::Unsynced,
            &mut Stopwatch::default(),
        );
        // Let the test's directory be removed, whatever happened.
        ioctl_setflags(&a, flags).unwrap();
        let Ok(Written::ReplacedLeavingPrevious { at, .. }) = written else {
            panic!("{written:?}");
        };
        assert_eq!(std::fs::read_to_string(at.join("a")).unwrap(), "1");
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
        assert_ne!(std::fs::metadata(out.join("a")).unwrap().ino(), inode);
        assert_eq!(std::fs::read_to_string(out.join("b")).unwrap(), "3");
    }

    #[cfg(unix)]
    #[test]
    fn temporaries_of_a_process_that_is_gone_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // A process that has finished (and been waited for) is gone.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let abandoned = dir.path().join(format!(".out.orgc-new-{gone}"));
        std::fs::create_dir_all(abandoned.join("x")).unwrap();
        std::fs::write(dir.path().join(format!(".out.orgc-old-{gone}")), "").unwrap();
        // The process that started this test runs: what looks like its temporary is
        // another compile's, which is left alone (as are other outputs' temporaries).
        let running_pid = std::os::unix::process::parent_id();
        let running = dir.path().join(format!(".out.orgc-new-{running_pid}"));
        std::fs::create_dir(&running).unwrap();
        let other = dir.path().join(".other.orgc-new-1");
        std::fs::create_dir(&other).unwrap();
        write_tree(&out, &Plan::of(&[("a", "1")]), Durability::Unsynced).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected = vec![
            ".other.orgc-new-1".to_string(),
            format!(".out.orgc-new-{running_pid}"),
            "out".to_string(),
        ];
        expected.sort();
        assert_eq!(names, expected);
        assert_eq!(temporary_pid(".out.orgc-old-42", "out"), Some(42));
        assert_eq!(temporary_pid(".out.orgc-new-42", "ou"), None);
        assert_eq!(temporary_pid(".out.orgc-new-", "out"), None);
    }
}
