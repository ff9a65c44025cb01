//! Reading an output tree already on disk — the previous `compile`'s, to compare with
//! or share files from — without trusting it: links are never followed, a fifo is
//! never waited on, and a file is shared into the new tree only when nothing outside
//! the tree can change it.

use super::{MANIFEST, Plan, parent};
use foldhash::HashSet;
use std::collections::{BTreeMap, BTreeSet};
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
    /// The file is this user's and has one other name: private if that name is the
    /// same path in the spare tree ([`Previous::shareable`]), shared otherwise.
    Twice,
    /// The file has other names, or another owner: linking it would tie the new tree
    /// to a file that can be changed from outside it.
    Shared,
}

/// Which file a name leads to (its device and inode), to tell whether two names are
/// one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Identity {
    dev: u64,
    ino: u64,
}

#[cfg(unix)]
fn identity(m: &Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some(Identity {
        dev: m.dev(),
        ino: m.ino(),
    })
}

/// Without inodes no two names are known to be one file: each is replaced.
#[cfg(not(unix))]
fn identity(_: &Metadata) -> Option<Identity> {
    None
}

/// The identity of the plain file at `p` (a link at `p` is not followed).
pub(super) fn identity_at(p: &Path) -> Option<Identity> {
    let m = std::fs::symlink_metadata(p).ok()?;
    if m.is_file() { identity(&m) } else { None }
}

/// An old file being compared with a new one as the new one is made, a piece at a
/// time: the largest files (the network audit of a meshed network) are gigabytes,
/// and neither they nor the old ones are ever whole in memory.
pub(super) struct OldFile {
    file: File,
    /// Its length when opened.
    len: u64,
    /// How many of its first bytes the new file has matched so far.
    seen: u64,
    piece: Vec<u8>,
    sharing: Sharing,
    identity: Option<Identity>,
}

impl OldFile {
    /// The plain file at `path` (a link is not followed, a fifo is not waited on);
    /// `None` when there is none or it cannot be opened.
    pub fn open(path: &Path) -> Option<OldFile> {
        let (file, meta) = open_plain(path)?;
        Some(OldFile {
            file,
            len: meta.len(),
            seen: 0,
            piece: Vec::new(),
            sharing: sharing(&meta),
            identity: identity(&meta),
        })
    }

    /// Whether the new tree may share (hard-link) this file once it is found the
    /// same.
    pub fn sharing(&self) -> Sharing {
        self.sharing
    }

    /// Which file it is.
    pub fn identity(&self) -> Option<Identity> {
        self.identity
    }

    /// Whether the old file goes on with `bytes` where the last piece that matched
    /// ended. Once a piece does not match, no further one is asked about.
    pub fn continues_with(&mut self, bytes: &[u8]) -> bool {
        if self.seen + bytes.len() as u64 > self.len {
            return false;
        }
        for part in bytes.chunks(COMPARED_AT_ONCE) {
            self.piece.resize(part.len(), 0);
            if self.file.read_exact(&mut self.piece).is_err() || self.piece != part {
                return false;
            }
        }
        self.seen += bytes.len() as u64;
        true
    }

    /// Whether every byte of the old file has been matched, and no more: the new file
    /// is the same. One byte more than the length measured on opening reveals a file
    /// that grew since.
    pub fn matched_to_the_end(&mut self) -> bool {
        let mut more = [0u8; 1];
        self.seen == self.len && matches!(self.file.read(&mut more), Ok(0))
    }

    /// Copy the bytes matched so far (the new file's opening) into `new`, in the
    /// kernel where it can. They are read again from the old file: were it rewritten
    /// in place meanwhile (orgc never does; only a file of this user with no other
    /// name is compared for sharing), the copy would take the new bytes while the
    /// manifest lists the ones made, which `compile --check` would then report. Hard-
    /// linking a file found the same places the same trust in it.
    pub fn copy_matched_into(&mut self, new: &mut File) -> std::io::Result<()> {
        self.copy_opening_into(self.seen, new)
    }

    /// Copy the whole file into `new`: for a file already found the same, whose
    /// link into the new tree failed.
    pub fn copy_whole_into(&mut self, new: &mut File) -> std::io::Result<()> {
        self.copy_opening_into(self.len, new)
    }

    fn copy_opening_into(&mut self, n: u64, new: &mut File) -> std::io::Result<()> {
        use std::io::Seek as _;
        self.file.seek(std::io::SeekFrom::Start(0))?;
        let copied = std::io::copy(&mut (&self.file).take(n), new)?;
        if copied == n {
            Ok(())
        } else {
            Err(std::io::Error::other(
                "the previous file shrank while it was read",
            ))
        }
    }
}

/// Bytes of an old file read and compared at a time: under the allocator's threshold
/// for mapping memory of its own, so the buffer of each of 70,000 files is cheap.
const COMPARED_AT_ONCE: usize = 64 * 1024;

#[cfg(unix)]
fn sharing(m: &Metadata) -> Sharing {
    use std::os::unix::fs::MetadataExt;
    // Asked once: it is asked of every old file.
    static OWN_UID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let own = *OWN_UID.get_or_init(|| rustix::process::geteuid().as_raw());
    match m.nlink() {
        _ if m.uid() != own => Sharing::Shared,
        1 => Sharing::Private,
        2 => Sharing::Twice,
        _ => Sharing::Shared,
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
    /// no entry the plan lacks. When not, the new tree is written at once (and the
    /// tree is not listed: a changed org needs no listing).
    pub may_be_current: bool,
    /// The directories of the plan that are real directories in the previous tree,
    /// every one above them too. A file is shared only from these: a link to a
    /// directory would make files outside the tree look like the tree's.
    real_dirs: HashSet<&'p str>,
    /// Where the spare tree may be while this compile runs (its own place, and the
    /// new tree's once taken over), where it is likelier first. A file of the
    /// previous tree with one other name is shared when that name is the same path
    /// there: the previous compile left the file in both trees ([`super::write`]).
    spare_at: Vec<PathBuf>,
}

impl<'p> Previous<'p> {
    /// The tree at `root`, as far as `plan` (whose directories are `dirs`) may use
    /// it.
    pub fn read(
        root: &Path,
        plan: &'p Plan<'_>,
        dirs: &BTreeSet<&'p str>,
        spare_at: Vec<PathBuf>,
    ) -> std::io::Result<Previous<'p>> {
        let mut planned: Vec<&'p str> = plan.files().map(|(p, _)| p).collect();
        planned.push(MANIFEST);
        planned.sort_unstable();
        let mut real_dirs = HashSet::default();
        // In order, so a directory's parent is decided before it.
        for d in dirs {
            let parent_real = parent(d).is_none_or(|up| real_dirs.contains(up));
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
            // No path is planned twice ([`Plan::path_twice`], checked before).
            entries.len() == planned.len() + dirs.len()
                && entries.keys().all(|k| {
                    planned.binary_search(&k.as_str()).is_ok() || dirs.contains(k.as_str())
                })
        };
        let mut spare_at = spare_at;
        if !may_be_current {
            // The writer takes the spare before it compares any file: look where it
            // will be first (one failed lookup per file otherwise).
            spare_at.reverse();
        }
        Ok(Previous {
            root: root.to_path_buf(),
            may_be_current,
            real_dirs,
            spare_at,
        })
    }

    /// The previous tree's file at `rel`, to compare a new file with, when it is a
    /// plain file, reached through real directories, that the new tree may share.
    pub fn shareable(&self, rel: &str) -> Option<OldFile> {
        let in_real_dir = parent(rel).is_none_or(|up| self.real_dirs.contains(up));
        if !in_real_dir {
            return None;
        }
        let old = OldFile::open(&self.root.join(rel))?;
        let shared_with_spare = || {
            // The spare is renamed into the new tree's place at most once, and before
            // any look where that place comes first: one of the two looks finds it.
            self.spare_at
                .iter()
                .any(|at| identity_at(&at.join(rel)).is_some_and(|id| old.identity == Some(id)))
        };
        match old.sharing() {
            Sharing::Private => Some(old),
            Sharing::Twice if shared_with_spare() => Some(old),
            Sharing::Twice | Sharing::Shared => None,
        }
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

    /// Whether the file at `path` is `content`, handed over in pieces of `piece`
    /// bytes, as a maker would.
    fn same(path: &Path, content: &[u8], piece: usize) -> bool {
        let mut old = OldFile::open(path).unwrap();
        content.chunks(piece).all(|p| old.continues_with(p)) && old.matched_to_the_end()
    }

    #[test]
    fn large_files_are_compared_piece_by_piece_to_the_last_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let content: Vec<u8> = (0..3 * COMPARED_AT_ONCE + 17)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &content).unwrap();
        for piece in [1000, COMPARED_AT_ONCE, content.len()] {
            assert!(same(&path, &content, piece), "pieces of {piece}");
            for at in [0, COMPARED_AT_ONCE, content.len() - 1] {
                let mut other = content.clone();
                other[at] ^= 1;
                assert!(!same(&path, &other, piece), "differs at {at}");
            }
            assert!(!same(&path, &content[..content.len() - 1], piece));
            let mut longer = content.clone();
            longer.push(0);
            assert!(!same(&path, &longer, piece));
        }
        assert!(!same(&path, b"", 1));
        assert_eq!(OldFile::open(&path).unwrap().sharing(), Sharing::Private);
        std::fs::write(&path, b"").unwrap();
        assert!(same(&path, b"", 1));
    }

    #[test]
    fn the_matched_opening_of_an_old_file_is_copied_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old");
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let mut new_content = content.clone();
        new_content[150_000] ^= 1;
        let mut old = OldFile::open(&path).unwrap();
        let mut pieces = new_content.chunks(40_000);
        let matched = pieces
            .by_ref()
            .take_while(|p| old.continues_with(p))
            .count();
        assert_eq!(matched, 3);
        let copy = dir.path().join("new");
        let mut new = File::create(&copy).unwrap();
        old.copy_matched_into(&mut new).unwrap();
        drop(new);
        assert_eq!(std::fs::read(&copy).unwrap(), &content[..120_000]);
    }
}
