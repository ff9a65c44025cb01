//! Reading an output tree already on disk — the previous `compile`'s, to compare with
//! or share files from — without trusting it: links are never followed, a fifo is
//! never waited on, and a file is shared into the new tree only when nothing outside
//! the tree can change it.

use super::{MANIFEST, Plan};
use foldhash::HashSet;
use std::collections::BTreeMap;
use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// What a path of a tree is, as its directory listing says (links are not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
    File,
    Dir,
    Other,
}

/// Every entry under `dir` by its path relative to the tree's root (with `/`). A link
/// to a directory is an `Other`, and is not entered.
pub(super) fn list(
    dir: &Path,
    prefix: &str,
    out: &mut BTreeMap<String, Entry>,
) -> std::io::Result<()> {
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

/// A directory itself, not a link to one.
pub(super) fn is_real_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

/// `path` opened for reading if it is a plain file, with what the open file says of
/// itself. Its last component is not followed if it is a link, and a fifo is not
/// waited on (`O_NOFOLLOW | O_NONBLOCK`); the type is read from the open file, so it
/// cannot change between the check and the read.
#[cfg(unix)]
fn open_plain(path: &Path) -> Option<(File, Metadata)> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = File::from(openat(CWD, path, flags, Mode::empty()).ok()?);
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta))
}

#[cfg(not(unix))]
fn open_plain(path: &Path) -> Option<(File, Metadata)> {
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta))
}

/// Whether a plain file found to hold the expected bytes may also be shared (hard-
/// linked) into the new tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sharing {
    /// The file has no other name and is this user's: nothing outside the tree can
    /// change it, so the new tree may link it.
    Private,
    /// The file has other names, or another owner: linking it would tie the new tree
    /// to a file that can be changed from outside it.
    Shared,
}

/// Whether `path` is a plain file holding exactly `content`: `None` when it is not
/// (or cannot be read), else whether the new tree may share it.
pub(super) fn same_content(path: &Path, content: &[u8]) -> Option<Sharing> {
    let (mut file, meta) = open_plain(path)?;
    if meta.len() != content.len() as u64 {
        return None;
    }
    // Compared a piece at a time: the largest files (the network audit of a flat
    // network) are gigabytes, already held once as `content`. One byte more than
    // expected reveals a file that grew since it was measured.
    let mut piece = vec![0u8; content.len().min(COMPARED_AT_ONCE) + 1];
    let mut seen = 0;
    loop {
        let n = match file.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if content.get(seen..seen + n) != Some(&piece[..n]) {
            return None;
        }
        seen += n;
    }
    (seen == content.len()).then(|| sharing(&meta))
}

/// Bytes of an old file read and compared at a time: under the allocator's threshold
/// for mapping memory of its own, so the buffer of each of 70,000 files is cheap.
const COMPARED_AT_ONCE: usize = 64 * 1024;

#[cfg(unix)]
fn sharing(m: &Metadata) -> Sharing {
    use std::os::unix::fs::MetadataExt;
    if m.nlink() == 1 && m.uid() == rustix::process::geteuid().as_raw() {
        Sharing::Private
    } else {
        Sharing::Shared
    }
}

#[cfg(not(unix))]
fn sharing(_: &Metadata) -> Sharing {
    Sharing::Private
}

/// The previous output tree, as far as the new one may use it.
pub(super) struct Previous<'p> {
    pub root: PathBuf,
    /// Whether the tree may be exactly the plan, as far as the manifest's opening
    /// (tool, version, output format, the inputs' hash) and the tree's listing tell:
    /// no entry the plan lacks, no path planned twice. When not, the new tree is
    /// written at once (and the tree is not listed: a changed org needs no listing).
    pub may_be_current: bool,
    /// The directories of the plan that are real directories in the previous tree,
    /// every one above them too. A file is shared only from these: a link to a
    /// directory would make files outside the tree look like the tree's.
    real_dirs: HashSet<&'p str>,
}

impl<'p> Previous<'p> {
    pub fn read(root: &Path, plan: &'p Plan<'_>) -> std::io::Result<Previous<'p>> {
        let mut planned: Vec<&'p str> = plan.files().map(|(p, _)| p).collect();
        planned.push(MANIFEST);
        planned.sort_unstable();
        let dirs = plan.dirs();
        let mut real_dirs = HashSet::default();
        // In order, so a directory's parent is decided before it.
        for d in &dirs {
            let parent_real = d.rfind('/').is_none_or(|i| real_dirs.contains(&d[..i]));
            if parent_real && is_real_dir(&root.join(d)) {
                real_dirs.insert(*d);
            }
        }
        let same_head = open_plain(&root.join(MANIFEST)).is_some_and(|(f, _)| {
            let head = plan.manifest_head();
            let mut old = Vec::with_capacity(head.len());
            f.take(head.len() as u64)
                .read_to_end(&mut old)
                .is_ok_and(|_| old == head)
        });
        let may_be_current = same_head && {
            let mut entries = BTreeMap::new();
            list(root, "", &mut entries)?;
            let once = planned.windows(2).all(|w| w[0] != w[1]);
            once && entries.len() == planned.len() + dirs.len()
                && entries.keys().all(|k| {
                    planned.binary_search(&k.as_str()).is_ok() || dirs.contains(k.as_str())
                })
        };
        Ok(Previous {
            root: root.to_path_buf(),
            may_be_current,
            real_dirs,
        })
    }

    /// Whether the previous tree holds `content` at `rel` in a plain file, reached
    /// through real directories, that the new tree may share.
    pub fn holds(&self, rel: &str, content: &[u8]) -> bool {
        let in_real_dir = rel
            .rfind('/')
            .is_none_or(|i| self.real_dirs.contains(&rel[..i]));
        in_real_dir && same_content(&self.root.join(rel), content) == Some(Sharing::Private)
    }
}

/// What the writer's and the staleness check's tests share.
#[cfg(test)]
pub(super) mod testing {
    use std::path::Path;

    /// Make a fifo at `p`, where the previous tree had a file.
    #[cfg(unix)]
    pub fn make_fifo(p: &Path) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::{CWD, FileType, Mode, mknodat};
            mknodat(CWD, p, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        assert!(
            std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .unwrap()
                .success()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_are_compared_piece_by_piece_to_the_last_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let content: Vec<u8> = (0..3 * COMPARED_AT_ONCE + 17)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &content).unwrap();
        assert_eq!(same_content(&path, &content), Some(Sharing::Private));
        for at in [0, COMPARED_AT_ONCE, content.len() - 1] {
            let mut other = content.clone();
            other[at] ^= 1;
            assert_eq!(same_content(&path, &other), None, "differs at {at}");
        }
        assert_eq!(same_content(&path, &content[..content.len() - 1]), None);
        assert_eq!(same_content(&path, b""), None);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(same_content(&path, b""), Some(Sharing::Private));
    }
}
