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
//!
//! The spare: the tree replaced is not removed but kept beside the output
//! (`.<out>.orgc-spare`), and the next compile that changes something fills the spare
//! to be its new tree instead of a fresh directory. Most of the spare's files are the
//! same files as the output's (hard links, left by the compile that linked them), so
//! they are kept where they are; only the files that differ are replaced, and the
//! spare's entries the new tree lacks are removed. Creating and removing tens of
//! thousands of files and directories was most of what a compile of a large org
//! after a small change cost: the file system's work, not orgc's.

use super::dirs::Dirs;
use super::on_disk::{Entry, Identity, OldFile, Previous, identity_at, is_real_dir, list};
use super::{MAKERS, MANIFEST, Plan, lock};
use crate::timings::Stopwatch;
use foldhash::HashSet;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

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
    let spare = parent.join(format!(".{base}.orgc-spare"));
    remove_if_exists(&staging)?;
    // Needed only where the exchange is not available, or a spare is given up: an
    // earlier write of this process may have left something there that cannot be
    // removed.
    let _ = remove_if_exists(&retired);
    sweep_abandoned(&parent, &base, pid);
    // Before anything is written: filling the spare replaces the files it holds, so
    // a second file for one path would silently replace the first.
    if let Some(twice) = plan.path_twice() {
        return Err(std::io::Error::other(format!(
            "two output files have the same path `{twice}`"
        )));
    }

    // Files are linked from the previous tree, and the spare is filled, only when
    // nothing is synced: those files were written by an earlier compile that may not
    // have synced them.
    let dirs = plan.dirs();
    let previous = if durability == Durability::Unsynced && is_real_dir(out) {
        let spare_at = vec![spare.clone(), staging.clone()];
        Some(Previous::read(out, plan, &dirs, spare_at)?)
    } else {
        None
    };
    let spare_to_fill = previous.as_ref().map(|_| Spare {
        at: &spare,
        aside: &retired,
    });
    let spare_was_there = is_real_dir(&spare);
    let mut filled = fill(
        &staging,
        plan,
        &dirs,
        durability,
        previous.as_ref(),
        spare_to_fill,
    );
    if filled.is_err() && spare_to_fill.is_some() && spare_was_there && !is_real_dir(&spare) {
        // The spare was taken, and may be what failed (a file in it that cannot be
        // replaced): it is given up (removed, or where it cannot be, left for a
        // later compile to remove), and the tree written once more into a fresh
        // directory.
        give_up(&staging, &retired)?;
        filled = fill(&staging, plan, &dirs, durability, previous.as_ref(), None);
    }
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
    if keep_as_spare(&old, &spare) {
        clock.lap("keep the old tree as the spare");
        return Ok(Written::Replaced);
    }
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
    // A spare given up may be there.
    remove_if_exists(retired)?;
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

/// Clear `dir` of a spare given up: removed, or where something in it cannot be,
/// moved to `aside` (a temporary of this compile, which a later one removes).
fn give_up(dir: &Path, aside: &Path) -> std::io::Result<()> {
    if remove_if_exists(dir).is_err() {
        std::fs::rename(dir, aside)?;
        let _ = remove_if_exists(aside);
    }
    Ok(())
}

/// Keep the tree just replaced as the spare, for the next compile to fill; false
/// when there is already a spare (one a synced compile did not take) or the tree
/// cannot be moved there, and it is to be removed instead.
fn keep_as_spare(old: &Path, spare: &Path) -> bool {
    if !is_real_dir(old) || std::fs::symlink_metadata(spare).is_ok() {
        return false;
    }
    // Kept out of a repository that tracks the output: git ignores a directory
    // whose `.gitignore` ignores everything in it. The next compile to fill the
    // spare removes the file with the spare's other extra entries. Whatever the old
    // tree had at that name (anything, a link to a file outside it too) is removed,
    // not written through.
    let ignore = old.join(".gitignore");
    let _ = remove_if_exists(&ignore).and_then(|()| {
        let mut file = create(old, ".gitignore")?;
        file.write_all(b"*\n")
    });
    std::fs::rename(old, spare).is_ok()
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
    /// Every file so far is the previous tree's (these paths, and which files they
    /// are there): nothing is written yet, and if it stays so the previous tree is
    /// left as it is.
    Comparing(Vec<(String, Option<Identity>)>),
    /// A file differs: the new tree is being written into its directory.
    Writing,
}

/// The directory the new tree is written into.
enum Staging {
    /// Made for this compile: empty, its directories made as they are needed.
    Fresh,
    /// The spare taken over, holding files at these paths of the plan (each kept
    /// if it is already the new tree's file, replaced otherwise); its entries the
    /// plan lacks are removed and the plan's directories it lacked made.
    Filled(HashSet<String>),
}

/// Where one file's bytes go as they are made.
enum Destination {
    /// Compared with the previous tree's file, which they match so far.
    Same(OldFile),
    /// Written into the new file.
    New(File),
}

/// The spare tree a compile may fill.
#[derive(Clone, Copy)]
struct Spare<'p> {
    /// Where it is.
    at: &'p Path,
    /// Where it goes if it cannot be made ready: a temporary of this compile
    /// (`.<out>.orgc-old-<pid>`), which a later one removes if this one cannot.
    aside: &'p Path,
}

/// Make `dir` the directory to write the new tree in: the spare renamed there and
/// made ready ([`take_spare`]) where there is one, a fresh directory otherwise.
fn prepare(
    dir: &Path,
    plan: &Plan<'_>,
    dirs: &BTreeSet<&str>,
    spare: Option<Spare<'_>>,
) -> std::io::Result<Staging> {
    if let Some(Spare { at, aside }) = spare {
        if is_real_dir(at) && std::fs::rename(at, dir).is_ok() {
            if let Ok(held) = take_spare(dir, plan, dirs) {
                return Ok(Staging::Filled(held));
            }
            // A spare that cannot be made ready (an entry that cannot be removed)
            // is given up, and a fresh directory made.
            give_up(dir, aside)?;
        } else if std::fs::symlink_metadata(at).is_ok_and(|m| !m.is_dir()) {
            // Not a tree of ours (a file, a link): it would keep every later spare
            // out.
            let _ = remove_if_exists(at);
        }
    }
    // Its directories are made as files are put in them ([`Dirs`]).
    std::fs::create_dir_all(dir)?;
    Ok(Staging::Fresh)
}

/// Make the spare, now at `dir`, ready to be filled with `plan`: remove every entry
/// the plan has no place for (a file at no planned path, a directory the plan lacks,
/// anything but a plain file or a directory, a file where the plan has a directory
/// and the reverse), and make the plan's directories it lacks. Returns the planned
/// paths that hold a file.
fn take_spare(
    dir: &Path,
    plan: &Plan<'_>,
    dirs: &BTreeSet<&str>,
) -> std::io::Result<HashSet<String>> {
    let mut entries = std::collections::BTreeMap::new();
    list(dir, "", &mut entries)?;
    let planned: HashSet<&str> = plan.files().map(|(p, _)| p).chain([MANIFEST]).collect();
    let mut held = HashSet::default();
    for (rel, entry) in &entries {
        let fits = match entry {
            Entry::Dir => dirs.contains(rel.as_str()),
            Entry::File => planned.contains(rel.as_str()),
            Entry::Other => false,
        };
        if !fits {
            // What was under a directory removed is gone already (and none of it
            // was planned: the plan's files are only under the plan's directories).
            remove_if_exists(&dir.join(rel))?;
        } else if *entry == Entry::File {
            held.insert(rel.clone());
        }
    }
    // In order, so each directory's parent is there before it.
    for d in dirs {
        if entries.get(*d) != Some(&Entry::Dir) {
            std::fs::create_dir(dir.join(d))?;
        }
    }
    Ok(held)
}

/// Make every file of `plan` (on every core), then the manifest, and put them in
/// `dir` — unless `previous` already holds exactly these files, in which case
/// nothing is created and `Unchanged` is returned. `dir` is the spare taken over
/// where `spare` has one, a fresh directory otherwise.
///
/// With a previous tree, each file is compared with the old one as it is made, and
/// nothing is written until one differs: leaving an identical tree in place is the
/// atomic replacement, and spares creating and removing tens of thousands of
/// directory entries, most of what writing costs on a large org. From the first
/// difference on, the new tree is written, and a file whose bytes are those of the
/// previous tree is kept in the spare where the spare holds that very file, and
/// otherwise hard-linked from the previous tree instead of written: creating tens of
/// thousands of inodes right after the last compile freed as many is slow on ext4
/// (its allocator steps over recently deleted inodes). A file that differs only
/// part-way starts as a copy of the old one's matching opening. The old tree is never
/// modified in place, nor is any file of the spare (a file replaced there is removed
/// and made anew), so sharing their files is safe; only files that nothing outside
/// the trees can change are shared ([`Previous::shareable`]).
fn fill(
    dir: &Path,
    plan: &Plan<'_>,
    dirs: &BTreeSet<&str>,
    durability: Durability,
    previous: Option<&Previous<'_>>,
    spare: Option<Spare<'_>>,
) -> std::io::Result<Written> {
    let staging: OnceLock<Staging> = OnceLock::new();
    let make_ready = || -> std::io::Result<()> {
        let made = prepare(dir, plan, dirs, spare)?;
        let _ = staging.set(made);
        Ok(())
    };
    let mode = match previous {
        Some(p) if p.may_be_current => Mode::Comparing(Vec::new()),
        _ => {
            make_ready()?;
            Mode::Writing
        }
    };
    let mode = Mutex::new(mode);
    // Whether the spare holds a file at `rel` (that this compile has not replaced).
    let held = |rel: &str| matches!(staging.get(), Some(Staging::Filled(h)) if h.contains(rel));
    let made_dirs = Dirs::new(dir, dirs);
    // Before a file is put at `rel`: its directory is there (the spare has them all).
    let dir_for = |rel: &str| match staging.get() {
        Some(Staging::Fresh) => made_dirs.make_for(rel),
        _ => Ok(()),
    };
    // The new file `rel`, in place of the spare's.
    let create_file = |rel: &str| -> std::io::Result<File> {
        dir_for(rel)?;
        if held(rel) {
            remove_if_exists(&dir.join(rel))?;
        }
        create(dir, rel)
    };
    let link = |rel: &str| {
        previous.is_some_and(|p| std::fs::hard_link(p.root.join(rel), dir.join(rel)).is_ok())
    };
    // A file found the same as the previous tree's (`old`, or the file `id` when it
    // was found so before the tree was written): kept where the spare holds that
    // file, otherwise linked, or where the link fails, copied from there (its bytes
    // are the new file's).
    let keep_link_or_copy = |rel: &str,
                             old: Option<OldFile>,
                             id: Option<Identity>|
     -> std::io::Result<()> {
        if held(rel) {
            let id = old.as_ref().and_then(OldFile::identity).or(id);
            if id.is_some_and(|id| identity_at(&dir.join(rel)) == Some(id)) {
                return Ok(());
            }
            remove_if_exists(&dir.join(rel))?;
        }
        dir_for(rel)?;
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
    // From the first difference on, the new tree is written: make its directory,
    // and put there the files found the same before it, on every core.
    let start_writing = || -> std::io::Result<()> {
        let caught_up = {
            let mut m = lock(&mode)?;
            let Mode::Comparing(so_far) = &mut *m else {
                return Ok(());
            };
            let so_far = std::mem::take(so_far);
            // Under the lock: a file another worker writes next needs the directory.
            make_ready()?;
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
                    .filter_map(|(r, id)| keep_link_or_copy(r, None, *id).err())
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
                Destination::New(create_file(rel)?)
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
                    let mut new = create_file(rel)?;
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
                so_far.push((rel.to_string(), old.identity()));
                return Ok(());
            }
            return keep_link_or_copy(rel, Some(old), None);
        }
        // The old file goes on beyond the new one.
        start_writing()?;
        let mut new = create_file(rel)?;
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

    /// The names beside the output, in order.
    fn beside(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_whole_tree_and_keeps_the_old_one_as_the_spare() {
        let (dir, out) = written(&[("a.json", "1"), ("x/b.json", "2")]);
        assert_eq!(beside(dir.path()), ["out"]);
        write_tree(&out, &Plan::of(&[("x/c.json", "3")]), Durability::Unsynced).unwrap();
        assert!(!out.join("a.json").exists());
        assert_eq!(std::fs::read_to_string(out.join("x/c.json")).unwrap(), "3");
        assert_eq!(beside(dir.path()), [".out.orgc-spare", "out"]);
        let spare = dir.path().join(".out.orgc-spare");
        assert_eq!(std::fs::read_to_string(spare.join("a.json")).unwrap(), "1");
        assert_eq!(
            std::fs::read_to_string(spare.join(".gitignore")).unwrap(),
            "*\n"
        );
    }

    /// The `.gitignore` put in the spare never writes through a link the old tree
    /// held at that name.
    #[cfg(unix)]
    #[test]
    fn the_spares_gitignore_is_not_written_through_a_link() {
        let (dir, out) = written(&[("a", "1")]);
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "mine").unwrap();
        std::os::unix::fs::symlink(&outside, out.join(".gitignore")).unwrap();
        write_tree(&out, &Plan::of(&[("a", "2")]), Durability::Unsynced).unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "mine");
        let ignore = dir.path().join(".out.orgc-spare/.gitignore");
        assert!(std::fs::symlink_metadata(&ignore).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(ignore).unwrap(), "*\n");
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
        // With a spare to fill (whose files are replaced, not created anew), and a
        // file at the manifest's path.
        write_tree(&out, &Plan::of(&[("a", "2")]), Durability::Unsynced).unwrap();
        let manifest = std::fs::read(out.join(MANIFEST)).unwrap();
        let clash = Plan::of(&[("a", "3"), (MANIFEST, "x")]);
        assert!(write_tree(&out, &clash, Durability::Unsynced).is_err());
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "2");
        assert_eq!(std::fs::read(out.join(MANIFEST)).unwrap(), manifest);
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
        assert_eq!(beside(dir.path()), [".out.orgc-spare", "out"]);
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
        assert_eq!(beside(dir.path()), [".out.orgc-spare", "out"]);
    }

    /// The inode of every file of the tree at `root`, by path.
    #[cfg(unix)]
    fn inodes_of(root: &Path) -> std::collections::BTreeMap<String, u64> {
        use std::os::unix::fs::MetadataExt;
        read_tree(root)
            .into_iter()
            .map(|(rel, _)| {
                let ino = std::fs::metadata(root.join(&rel)).unwrap().ino();
                (rel, ino)
            })
            .collect()
    }

    /// A compile after a change fills the spare: the files it holds that are the new
    /// tree's (the same files as the previous tree's) stay where they are, each file
    /// that differs is made anew, and the result is exactly a fresh compile's. The
    /// tree replaced becomes the next spare.
    #[cfg(unix)]
    #[test]
    fn the_spare_is_filled_keeping_the_files_it_shares_with_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let spare = dir.path().join(".out.orgc-spare");
        // `w` is the spare's file but not the same bytes when the third tree is made.
        let v1 = [
            ("a", "1"),
            ("b", "2"),
            ("w", "old"),
            ("x/c", "3"),
            ("y/d", "4"),
        ];
        let v2 = [
            ("a", "1"),
            ("b", "two"),
            ("w", "new"),
            ("x/c", "3"),
            ("y/d", "4"),
        ];
        let v3 = [
            ("a", "1"),
            ("b", "2"),
            ("w", "new"),
            ("x/c", "three"),
            ("z/e", "5"),
        ];
        // When the file's inode last changed: linking or unlinking a name changes it.
        let changed = |p: &Path| {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(p).unwrap();
            (m.ctime(), m.ctime_nsec())
        };
        write_tree(&out, &Plan::of(&v1), Durability::Unsynced).unwrap();
        let first = inodes_of(&out);
        write_tree(&out, &Plan::of(&v2), Durability::Unsynced).unwrap();
        // The first tree is the spare; the second links its unchanged files.
        assert_eq!(inodes_of(&spare)["a"], first["a"]);
        assert_eq!(inodes_of(&out)["a"], first["a"]);
        assert_ne!(inodes_of(&out)["b"], first["b"]);
        let second = inodes_of(&out);
        let a_changed = changed(&out.join("a"));
        write_tree(&out, &Plan::of(&v3), Durability::Unsynced).unwrap();
        let third = inodes_of(&out);
        // Not even unlinked and linked again.
        assert_eq!(changed(&out.join("a")), a_changed);
        // `a` went through three compiles as one file; `b` is back to the first
        // tree's bytes but the second tree's file differed, so it was made anew.
        assert_eq!(third["a"], first["a"]);
        assert_ne!(third["b"], second["b"]);
        assert_ne!(third["x/c"], second["x/c"]);
        let fresh = dir.path().join("fresh");
        write_tree(&fresh, &Plan::of(&v3), Durability::Unsynced).unwrap();
        assert!(read_tree(&out) == read_tree(&fresh));
        assert!(!out.join("y").exists());
        // The second tree is now the spare, and nothing else is left beside.
        assert_eq!(inodes_of(&spare)["b"], second["b"]);
        assert_eq!(beside(dir.path()), [".out.orgc-spare", "fresh", "out"]);
        // Back to the second org: `a` is still the first tree's file.
        write_tree(&out, &Plan::of(&v2), Durability::Unsynced).unwrap();
        assert_eq!(inodes_of(&out)["a"], first["a"]);
        let fresh = dir.path().join("fresh2");
        write_tree(&fresh, &Plan::of(&v2), Durability::Unsynced).unwrap();
        assert!(read_tree(&out) == read_tree(&fresh));
        // Files the output shares with the spare are its own: the same org again
        // leaves it as it is.
        assert_eq!(
            write_tree_timed(
                &out,
                &Plan::of(&v2),
                Durability::Unsynced,
                &mut Stopwatch::default()
            )
            .unwrap(),
            Written::Unchanged
        );
    }

    /// Whatever the spare holds that the new tree has no place for is removed, and
    /// nothing outside it is touched: stray files and directories, links (not
    /// followed), a file where the new tree has a directory and the reverse, and
    /// files edited by hand.
    #[cfg(unix)]
    #[test]
    fn what_the_spare_holds_that_the_new_tree_lacks_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let spare = dir.path().join(".out.orgc-spare");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("a"), "outside").unwrap();
        let plan = || Plan::of(&[("a", "1"), ("d/b", "2"), ("e/f/g", "3"), ("h", "4")]);
        write_tree(&out, &Plan::of(&[("a", "0")]), Durability::Unsynced).unwrap();
        write_tree(&out, &Plan::of(&[("a", "00")]), Durability::Unsynced).unwrap();
        assert!(spare.is_dir());
        std::fs::write(spare.join("stray"), "").unwrap();
        std::fs::create_dir_all(spare.join("gone/deep")).unwrap();
        std::fs::write(spare.join("gone/deep/x"), "").unwrap();
        std::fs::write(spare.join("d"), "a file where a directory goes").unwrap();
        std::fs::create_dir_all(spare.join("h/i")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, spare.join("e")).unwrap();
        std::fs::remove_file(spare.join("a")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("a"), spare.join("a")).unwrap();
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        let fresh = dir.path().join("fresh");
        write_tree(&fresh, &plan(), Durability::Unsynced).unwrap();
        assert!(read_tree(&out) == read_tree(&fresh));
        assert!(std::fs::symlink_metadata(out.join("e")).unwrap().is_dir());
        assert!(std::fs::symlink_metadata(out.join("a")).unwrap().is_file());
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("a")).unwrap(),
            "outside"
        );
        assert_eq!(beside(&elsewhere), ["a"]);
        // A file of the spare edited in place, which is also the output's (the
        // edit changes both), is found changed and made anew.
        write_tree(
            &out,
            &Plan::of(&[("a", "1"), ("h", "5")]),
            Durability::Unsynced,
        )
        .unwrap();
        std::fs::write(spare.join("a"), "edited").unwrap();
        write_tree(&out, &plan(), Durability::Unsynced).unwrap();
        assert!(read_tree(&out) == read_tree(&fresh));
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

    /// An immutable file (`chattr +i`) cannot be linked, nor removed, even by root.
    /// A file found the same whose link into the new tree fails is copied from the
    /// previous tree instead; a spare holding a file that cannot be replaced is given
    /// up and the tree written into a fresh directory; and a previous tree that can
    /// neither become the spare nor be removed is left beside the output with a
    /// warning.
    #[cfg(target_os = "linux")]
    #[test]
    fn unlinkable_and_unremovable_files_are_worked_around() {
        use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
        use std::os::unix::fs::MetadataExt;
        let (dir, out) = written(&[("a", "1"), ("b", "2")]);
        let mut frozen = Vec::new();
        let mut freeze = |p: &Path| -> Result<u64, String> {
            let f = File::open(p).unwrap();
            let flags = ioctl_getflags(&f).unwrap();
            ioctl_setflags(&f, flags | IFlags::IMMUTABLE).map_err(|e| e.to_string())?;
            let inode = f.metadata().unwrap().ino();
            frozen.push((f, flags));
            Ok(inode)
        };
        let first = match freeze(&out.join("a")) {
            Ok(inode) => inode,
            Err(e) => {
                // Not every file system keeps the flag (tmpfs before Linux 6.0).
                eprintln!("not run: the file system cannot make a file immutable ({e})");
                return;
            }
        };
        let write = |files: &[(&str, &str)], durability| {
            write_tree_timed(
                &out,
                &Plan::of(files),
                durability,
                &mut Stopwatch::default(),
            )
        };
        // `a` cannot be linked: it is copied. The tree replaced is the spare.
        let copied = write(&[("a", "1"), ("b", "3")], Durability::Unsynced);
        // The spare's `a` is not the output's, and cannot be replaced.
        let given_up = write(&[("a", "1"), ("b", "4")], Durability::Unsynced);
        let second = freeze(&out.join("a"));
        // A spare is there, so the tree replaced is to be removed, and cannot be.
        let left = write(&[("a", "1"), ("b", "5")], Durability::Synced);
        let names = beside(dir.path());
        // Let the test's directory be removed, whatever happened.
        for (f, flags) in &frozen {
            ioctl_setflags(f, *flags).unwrap();
        }
        assert_eq!(copied.unwrap(), Written::Replaced);
        assert_eq!(given_up.unwrap(), Written::Replaced);
        let second = second.unwrap();
        assert_ne!(second, first);
        let Ok(Written::ReplacedLeavingPrevious { at, .. }) = left else {
            panic!("{left:?}");
        };
        assert_eq!(std::fs::metadata(at.join("a")).unwrap().ino(), second);
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "1");
        assert_eq!(std::fs::read_to_string(out.join("b")).unwrap(), "5");
        // The spare given up, with the first immutable file, and the tree that could
        // not be removed are left for a later compile to remove.
        let pid = std::process::id();
        let (new, old) = (
            format!(".out.orgc-new-{pid}"),
            format!(".out.orgc-old-{pid}"),
        );
        assert_eq!(
            names,
            [new.as_str(), old.as_str(), ".out.orgc-spare", "out"]
        );
        assert_eq!(at, dir.path().join(&new));
        let given_up = dir.path().join(&old);
        eprintln!("DEBUG {:?} {:?}", beside(&given_up), beside(&at));
        assert_eq!(std::fs::metadata(given_up.join("a")).unwrap().ino(), first);
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
