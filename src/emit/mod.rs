//! Desired state → the output tree: one pretty-printed JSON file per entity plus
//! `manifest.json`. Planning the tree is pure; [`write`] makes each file and puts it
//! on disk.

mod dirs;
mod on_disk;
pub mod stale;
pub mod write;

use crate::compile::{DesiredState, NetworkState};
use crate::desired::to_json_file;
use crate::model::Model;
use crate::network::analysis::Analysis;
use crate::source::SourceFile;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::sync::Mutex;
pub use write::Tree;

/// The version of the output layout, bumped when a file's shape changes.
pub const OUTPUT_FORMAT: u32 = 2;

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    output_format: u32,
    /// sha256 over every input file's name and content, in name order.
    inputs_sha256: String,
    files: Vec<ManifestFile<'a>>,
}

#[derive(Serialize)]
struct ManifestFile<'a> {
    path: &'a str,
    sha256: String,
}

/// What becomes files: the compiled desired state and the reports beside it.
pub struct Outputs<'a> {
    pub model: &'a Model,
    pub net: &'a Analysis,
    pub desired: &'a DesiredState,
    pub network: &'a NetworkState,
    /// The access audit's rows.
    pub access: &'a [crate::access::Access],
}

/// Where a file's bytes go as they are made: a piece at a time, in order.
pub type Sink<'s> = dyn FnMut(&[u8]) -> std::io::Result<()> + 's;

/// Makes one file's bytes, when asked, into a sink. A large file (the network audit
/// of a meshed org runs to gigabytes) is handed over in pieces, so that it is hashed,
/// compared and written as it is made and never whole in memory.
pub type Maker<'a> = Box<dyn Fn(&mut Sink<'_>) -> std::io::Result<()> + Send + Sync + 'a>;

/// A maker of bytes already made.
fn made_of(bytes: Vec<u8>) -> Maker<'static> {
    Box::new(move |sink| sink(&bytes))
}

/// A maker of a value's pretty JSON file (as [`to_json_file`] makes it), handed over
/// in pieces of [`PIECE`] bytes.
fn json_maker<'a, T: Serialize + Sync>(value: &'a T) -> Maker<'a> {
    Box::new(move |sink| write_json(value, sink))
}

/// A value's pretty JSON file, as [`to_json_file`] makes it, into `sink` in pieces.
fn write_json<T: Serialize>(value: &T, sink: &mut Sink<'_>) -> std::io::Result<()> {
    let mut out = Pieces::new(sink);
    serde_json::to_writer_pretty(&mut out, value)?;
    std::io::Write::write_all(&mut out, b"\n")?;
    out.finish()
}

/// About how many bytes a maker hands over at once.
pub const PIECE: usize = 256 * 1024;

/// A writer that hands what is written to a sink in pieces of about [`PIECE`] bytes.
pub struct Pieces<'s, 't> {
    buf: Vec<u8>,
    sink: &'s mut Sink<'t>,
}

impl<'s, 't> Pieces<'s, 't> {
    pub fn new(sink: &'s mut Sink<'t>) -> Self {
        // Grown as written, not reserved whole: most files are a few kilobytes, and
        // taking and giving back a piece's worth for each of 70,000 files costs the
        // allocator fresh pages every time.
        Pieces {
            buf: Vec::new(),
            sink,
        }
    }

    /// Hand over what is left.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.hand_over()
    }

    fn hand_over(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            (self.sink)(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl std::io::Write for Pieces<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PIECE {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    // serde_json writes every punctuation mark and indent with `write_all`; `write`
    // always takes everything, so the default loop around it is work for nothing.
    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write(bytes).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.hand_over()
    }
}

/// Whether [`Plan::make_each`] hashes the files it hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hashing {
    On,
    Off,
}

/// One file of a plan as [`Plan::make`] hands it out, to be taken a piece at a time
/// ([`Made::write_to`]) or whole ([`Made::bytes`]). The first complete pass hashes it
/// for the manifest.
pub struct Made<'m, 'a> {
    make: &'m Maker<'a>,
    hashing: Hashing,
    sha256: RefCell<Option<String>>,
}

impl<'m, 'a> Made<'m, 'a> {
    fn new(make: &'m Maker<'a>, hashing: Hashing) -> Self {
        Made {
            make,
            hashing,
            sha256: RefCell::new(None),
        }
    }

    /// Make the file into `sink`, a piece at a time.
    pub fn write_to(&self, sink: &mut Sink<'_>) -> std::io::Result<()> {
        if self.hashing == Hashing::Off || self.sha256.borrow().is_some() {
            return (self.make)(sink);
        }
        let mut hash = Sha256::new();
        (self.make)(&mut |piece| {
            hash.update(piece);
            sink(piece)
        })?;
        *self.sha256.borrow_mut() = Some(hex(&hash.finalize()));
        Ok(())
    }

    /// The whole file.
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.write_to(&mut |piece| {
            bytes.extend_from_slice(piece);
            Ok(())
        })?;
        Ok(bytes)
    }

    /// The file's sha256, making it (into nothing) if it has not been made yet.
    fn hashed(self) -> std::io::Result<String> {
        if self.hashing == Hashing::On && self.sha256.borrow().is_none() {
            self.write_to(&mut |_| Ok(()))?;
        }
        Ok(self.sha256.into_inner().unwrap_or_default())
    }
}

/// Every output file but the manifest, by path in path order, each with how to make
/// its bytes: the writer makes, hashes and writes them one at a time on every core,
/// so the whole tree (hundreds of megabytes for the largest orgs) is never in memory
/// at once. The manifest is made from the files' hashes ([`Plan::manifest`]).
pub struct Plan<'a> {
    files: Vec<(String, Maker<'a>)>,
    inputs_sha256: String,
}

/// The manifest's own path.
pub const MANIFEST: &str = "manifest.json";

impl<'a> Plan<'a> {
    /// The files but the manifest, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Maker<'a>)> {
        self.files.iter().map(|(p, m)| (p.as_str(), m))
    }

    /// A plan of files whose bytes are already made (`inputs_sha256` is empty).
    pub fn from_bytes(mut files: Vec<(String, Vec<u8>)>) -> Plan<'static> {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Plan {
            files: files
                .into_iter()
                .map(|(path, bytes)| (path, made_of(bytes)))
                .collect(),
            inputs_sha256: String::new(),
        }
    }

    /// A path that two files of the plan would be written to (the manifest is one
    /// too), if there is one: a tree cannot hold both.
    pub fn path_twice(&self) -> Option<&str> {
        // In path order, so two files of one path are next to each other.
        let paths = || self.files.iter().map(|(p, _)| p.as_str());
        paths()
            .zip(paths().skip(1))
            .find_map(|(a, b)| (a == b).then_some(a))
            .or_else(|| paths().find(|p| *p == MANIFEST))
    }

    /// Every directory the files go in, with every directory above them, by path in
    /// order: a directory comes before the directories inside it.
    pub fn dirs(&self) -> std::collections::BTreeSet<&str> {
        let mut dirs = std::collections::BTreeSet::new();
        for (path, _) in &self.files {
            let mut rest = path.as_str();
            while let Some(up) = parent(rest) {
                rest = up;
                if !dirs.insert(rest) {
                    // Its parents are in already.
                    break;
                }
            }
        }
        dirs
    }

    /// A plan of these files (path, text), for tests.
    #[cfg(test)]
    pub fn of(items: &[(&str, &str)]) -> Plan<'static> {
        Plan::from_bytes(
            items
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect(),
        )
    }

    /// A plan whose makers hand their files over in pieces of `piece` bytes, as the
    /// network audit's does, for tests.
    #[cfg(test)]
    pub fn in_pieces(files: &[(&str, &[u8])], piece: usize) -> Plan<'static> {
        let mut plan = Plan::from_bytes(Vec::new());
        for (path, bytes) in files {
            let bytes = bytes.to_vec();
            let make: Maker<'static> =
                Box::new(move |sink| bytes.chunks(piece.max(1)).try_for_each(&mut *sink));
            plan.files.push((path.to_string(), make));
        }
        plan.files.sort_by(|a, b| a.0.cmp(&b.0));
        plan
    }

    /// How many files the tree has, the manifest included.
    pub fn file_count(&self) -> usize {
        self.files.len() + 1
    }

    /// `manifest.json`, from every other file's path and sha256, in path order.
    pub fn manifest(&self, hashes: &[(&str, String)]) -> Vec<u8> {
        to_json_file(&Manifest {
            tool: "orgc",
            version: env!("CARGO_PKG_VERSION"),
            output_format: OUTPUT_FORMAT,
            inputs_sha256: self.inputs_sha256.clone(),
            files: hashes
                .iter()
                .map(|(path, sha256)| ManifestFile {
                    path,
                    sha256: sha256.clone(),
                })
                .collect(),
        })
    }

    /// The opening of `manifest.json`, up to its list of files: equal in two
    /// manifests of one tool version, output format and inputs.
    pub fn manifest_head(&self) -> Vec<u8> {
        let mut head = self.manifest(&[]);
        let files = b"\"files\": [";
        match head.windows(files.len()).position(|w| w == files) {
            Some(at) => head.truncate(at + files.len()),
            None => head.clear(),
        }
        head
    }

    /// The whole tree in memory (what `diff` compares).
    pub fn to_tree(&self) -> std::io::Result<Tree> {
        let tree = Mutex::new(Tree::new());
        self.make(MAKERS, |path, made| {
            let bytes = made.bytes()?;
            lock(&tree)?.insert(path.to_string(), bytes);
            Ok(())
        })?;
        tree.into_inner()
            .map_err(|_| std::io::Error::other("a worker thread panicked"))
    }

    /// Hand every file to `f` with its path, on `workers` threads, in no set order,
    /// then the manifest (from the files' hashes) last. `f` makes the file's bytes
    /// as it takes them ([`Made`]). Workers take the files that are slowest to make
    /// first, then the others a few files of one directory at a time, not more
    /// ([`turns`]), so that the work evens out between them. After an error of `f`
    /// no further file is made, and the first error is returned.
    pub fn make<F>(&self, workers: usize, f: F) -> std::io::Result<()>
    where
        F: Fn(&str, &Made<'_, 'a>) -> std::io::Result<()> + Sync,
    {
        let hashes = self.make_each(workers, Hashing::On, &f)?;
        // In file order, as the files were given.
        let hashes: Vec<(&str, String)> = self
            .files
            .iter()
            .map(|(path, _)| path.as_str())
            .zip(hashes)
            .collect();
        f(
            MANIFEST,
            &Made::new(&made_of(self.manifest(&hashes)), Hashing::On),
        )
    }

    /// [`Plan::make`] without hashing the files and without the manifest, for
    /// what compares trees and has no use for the manifest (`diff`): hashing a
    /// meshed org's network audit takes about a second.
    pub fn make_without_manifest<F>(&self, workers: usize, f: F) -> std::io::Result<()>
    where
        F: Fn(&str, &Made<'_, 'a>) -> std::io::Result<()> + Sync,
    {
        self.make_each(workers, Hashing::Off, &f).map(|_| ())
    }

    /// Hand every file but the manifest to `f`; their hashes in file order (empty
    /// strings when not hashing).
    fn make_each<F>(&self, workers: usize, hashing: Hashing, f: &F) -> std::io::Result<Vec<String>>
    where
        F: Fn(&str, &Made<'_, 'a>) -> std::io::Result<()> + Sync,
    {
        let first_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
        let made = crate::parallel::map_chunks_on(
            workers.max(1),
            &turns(&self.files, FILES_PER_TURN),
            1,
            || (),
            |(), turns| {
                turns
                    .iter()
                    .flat_map(Clone::clone)
                    .map(|i| {
                        let failed = first_error.lock().map_or(true, |e| e.is_some());
                        let Some((path, make)) = self.files.get(i).filter(|_| !failed) else {
                            return (i, String::new());
                        };
                        let made = Made::new(make, hashing);
                        match f(path, &made).and_then(|()| made.hashed()) {
                            Ok(hash) => (i, hash),
                            Err(e) => {
                                if let Ok(mut first) = first_error.lock() {
                                    first.get_or_insert(e);
                                }
                                (i, String::new())
                            }
                        }
                    })
                    .collect()
            },
        );
        // Back in file order: the turns are not.
        let mut hashes = vec![String::new(); self.files.len()];
        for (i, hash) in made {
            if let Some(slot) = hashes.get_mut(i) {
                *slot = hash;
            }
        }
        match first_error.into_inner() {
            Ok(None) => Ok(hashes),
            Ok(Some(e)) => Err(e),
            Err(_) => Err(std::io::Error::other("a worker thread panicked")),
        }
    }
}

/// Threads that make files in memory: one per core of the machines orgc is sized for.
pub const MAKERS: usize = 2;

/// The most files of one directory a worker takes at a time.
const FILES_PER_TURN: usize = 16;

/// The files a compile is slowest to make, slowest first: each is made from tens of
/// thousands of rows, and takes a tenth to a half of a second at 5,000 accounts,
/// where a role file takes microseconds. The access audit and the assignments are
/// each written by one thread; the network audit gathers its groups on every core
/// ([`crate::network::groups`]) before it is written.
const LARGEST: [&str; 3] = [
    "audit/access.json",
    "identity-center/assignments.json",
    "audit/network.json",
];

/// The order workers take the files of `files` (in path order) in: each of the
/// [`LARGEST`] files first, a turn of its own, then every other file in turns of
/// [`by_directory`].
///
/// In path order the assignments came after the sixty thousand role files, so
/// one worker was still making them when the other had nothing left (a quarter
/// of a second at 5,000 accounts); with the slowest files first, the small ones
/// even out the workers' ends.
fn turns<T>(files: &[(String, T)], most: usize) -> Vec<std::ops::Range<usize>> {
    let lead: Vec<usize> = LARGEST
        .iter()
        .filter_map(|large| {
            files
                .binary_search_by(|(path, _)| path.as_str().cmp(large))
                .ok()
        })
        .collect();
    let mut turns: Vec<std::ops::Range<usize>> = lead.iter().map(|&i| i..i + 1).collect();
    for turn in by_directory(files, most) {
        let mut start = turn.start;
        for i in turn.clone() {
            if lead.contains(&i) {
                if start < i {
                    turns.push(start..i);
                }
                start = i + 1;
            }
        }
        if start < turn.end {
            turns.push(start..turn.end);
        }
    }
    turns
}

/// `files` (in path order) cut into turns of consecutive files in one directory, at
/// most `most` files each: what a worker takes at a time.
///
/// A worker creates the files of a turn while the others create files elsewhere. The
/// kernel creates the entries of one directory one at a time (under the directory's
/// lock), so two workers taking files of one directory in turn wait for each other;
/// on a disk that allocates inodes slowly, `perf` showed a third of a fresh compile's
/// time spent spinning on that lock. Turns are small, so the work still evens out
/// between the workers.
fn by_directory<T>(files: &[(String, T)], most: usize) -> Vec<std::ops::Range<usize>> {
    let mut turns: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, (path, _)) in files.iter().enumerate() {
        match turns.last_mut() {
            Some(turn) if turn.len() < most && parent(&files[turn.start].0) == parent(path) => {
                turn.end = i + 1;
            }
            _ => turns.push(i..i + 1),
        }
    }
    turns
}

/// The directory a relative path of the tree is in; `None` at the top of the tree.
fn parent(path: &str) -> Option<&str> {
    path.rfind('/').map(|at| &path[..at])
}

/// A lock that a panicked thread left poisoned is an error, not a second panic.
pub fn lock<T>(m: &Mutex<T>) -> std::io::Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| std::io::Error::other("a worker thread panicked"))
}

/// Every output file, by relative path, to be made on demand.
pub fn plan<'a>(outputs: &Outputs<'a>, inputs: &[&SourceFile]) -> Plan<'a> {
    let state = outputs.desired;
    let mut files: Vec<(String, Maker<'a>)> = Vec::new();
    for (name, file) in &state.permission_sets {
        files.push((
            format!("identity-center/permission-sets/{name}.json"),
            json_maker(file),
        ));
    }
    let assignments = &state.assignments;
    files.push((
        "identity-center/assignments.json".to_string(),
        json_maker(assignments),
    ));
    let (model, access) = (outputs.model, outputs.access);
    files.push((
        "audit/access.json".to_string(),
        Box::new(move |sink| {
            let rows = crate::access::report::JsonRows {
                model,
                rows: access,
                filter: &crate::access::report::Filter::default(),
            };
            write_json(&rows, sink)
        }),
    ));
    for compiled in &state.roles {
        let (Some(account), Some(role), Some(file)) = (
            outputs.model.accounts.get(compiled.account),
            outputs.model.roles.get(compiled.role),
            compiled.file.as_deref(),
        ) else {
            continue;
        };
        files.push((
            format!("iam/{}/roles/{}.json", account.name, role.name),
            Box::new(move |sink| sink(file)),
        ));
    }
    network_files(&mut files, outputs.network);
    let (model, net) = (outputs.model, outputs.net);
    if !model.spokes.is_empty() {
        files.push((
            "audit/network.json".to_string(),
            // Made when written, so that the pairs (millions for the largest
            // orgs) are in memory only while they are gathered into groups.
            Box::new(move |sink| {
                sink(&crate::desired::to_json_file(
                    &crate::network::groups::file(model, net),
                ))
            }),
        ));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Plan {
        files,
        inputs_sha256: inputs_hash(inputs),
    }
}

/// `network/<gateway>/…`.
fn network_files<'a>(files: &mut Vec<(String, Maker<'a>)>, network: &'a NetworkState) {
    for (gateway, gw) in &network.gateways {
        let gateway_file = &gw.gateway;
        files.push((
            format!("network/{gateway}/transit-gateway.json"),
            json_maker(gateway_file),
        ));
        for (table, file) in &gw.route_tables {
            files.push((
                format!("network/{gateway}/route-tables/{table}.json"),
                json_maker(file),
            ));
        }
        for (spoke, file) in &gw.vpc_routes {
            files.push((
                format!("network/{gateway}/vpc-routes/{spoke}.json"),
                json_maker(file),
            ));
        }
    }
}

/// A hash of the inputs that does not depend on where the org was read from: each
/// file contributes its kind, base name and content, in that order.
fn inputs_hash(inputs: &[&SourceFile]) -> String {
    let mut named: Vec<(String, &str)> = inputs
        .iter()
        .map(|f| {
            let base = f.name.rsplit('/').next().unwrap_or(&f.name);
            let kind = if base.ends_with(".toml") {
                "org"
            } else {
                "policies"
            };
            (format!("{kind}/{base}"), &*f.text)
        })
        .collect();
    named.sort();
    let mut h = Sha256::new();
    for (name, text) in named {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{PIECE, Pieces, by_directory, turns};
    use std::io::Write;

    #[test]
    fn pieces_hand_over_every_byte_in_order_in_pieces_of_at_least_a_piece() {
        // Small writes as serde_json makes them, with a large one that crosses the
        // piece size in the middle.
        let small: Vec<u8> = (0..100_000u32)
            .flat_map(|i| format!("\"k{i}\": ").into_bytes())
            .collect();
        let (before, after) = small.split_at(small.len() / 2);
        let large = vec![b'x'; PIECE + 7];
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let mut sink = |piece: &[u8]| {
            pieces.push(piece.to_vec());
            Ok(())
        };
        let mut out = Pieces::new(&mut sink);
        let writes = before
            .chunks(9)
            .chain([large.as_slice()])
            .chain(after.chunks(9))
            .chain([b"}\n".as_slice()]);
        for bytes in writes {
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap();
        assert_eq!(pieces.concat(), [before, &large, after, b"}\n"].concat());
        let (last, whole) = pieces.split_last().unwrap();
        assert!(!last.is_empty());
        assert!(whole.len() >= 3, "{} pieces", pieces.len());
        assert!(whole.iter().all(|p| p.len() >= PIECE));
    }

    #[test]
    fn turns_are_runs_of_one_directory_cut_at_the_most() {
        let mut paths = vec![
            "audit/access.json".to_string(),
            "audit/network.json".to_string(),
            "iam/a-b/roles/r.json".to_string(),
            "manifest.json".to_string(),
            "network/x.json".to_string(),
        ];
        paths.extend((0..7).map(|i| format!("iam/a/roles/r{i}.json")));
        paths.sort();
        let files: Vec<(String, ())> = paths.into_iter().map(|p| (p, ())).collect();
        let turns = by_directory(&files, 3);
        let names = |r: &std::ops::Range<usize>| -> Vec<&str> {
            files[r.clone()].iter().map(|(p, _)| p.as_str()).collect()
        };
        let shown: Vec<Vec<&str>> = turns.iter().map(names).collect();
        assert_eq!(
            shown,
            vec![
                vec!["audit/access.json", "audit/network.json"],
                vec!["iam/a-b/roles/r.json"],
                vec![
                    "iam/a/roles/r0.json",
                    "iam/a/roles/r1.json",
                    "iam/a/roles/r2.json"
                ],
                vec![
                    "iam/a/roles/r3.json",
                    "iam/a/roles/r4.json",
                    "iam/a/roles/r5.json"
                ],
                vec!["iam/a/roles/r6.json"],
                vec!["manifest.json"],
                vec!["network/x.json"],
            ]
        );
        assert!(by_directory::<()>(&[], 3).is_empty());
    }

    #[test]
    fn the_largest_files_are_taken_first_and_every_file_once() {
        let mut paths: Vec<String> = [
            "audit/a.json",
            "audit/access.json",
            "audit/network.json",
            "audit/other.json",
            "iam/a/roles/r.json",
            "identity-center/a.json",
            "identity-center/assignments.json",
            "identity-center/permission-sets/p.json",
        ]
        .map(str::to_string)
        .to_vec();
        paths.extend((0..20).map(|i| format!("iam/b/roles/r{i:02}.json")));
        paths.sort();
        let files: Vec<(String, ())> = paths.into_iter().map(|p| (p, ())).collect();
        let turns = turns(&files, 16);
        let shown: Vec<Vec<&str>> = turns
            .iter()
            .map(|r| files[r.clone()].iter().map(|(p, _)| p.as_str()).collect())
            .collect();
        assert_eq!(
            shown[..8],
            [
                vec!["audit/access.json"],
                vec!["identity-center/assignments.json"],
                vec!["audit/network.json"],
                // What was in a turn with them is cut around them.
                vec!["audit/a.json"],
                vec!["audit/other.json"],
                vec!["iam/a/roles/r.json"],
                (0..16).map(|i| files[5 + i].0.as_str()).collect::<Vec<_>>(),
                (16..20)
                    .map(|i| files[5 + i].0.as_str())
                    .collect::<Vec<_>>(),
            ]
        );
        assert_eq!(
            shown[8..],
            [
                vec!["identity-center/a.json"],
                vec!["identity-center/permission-sets/p.json"]
            ]
        );
        // Every file once, each turn in one directory and at most the most.
        let mut taken: Vec<usize> = turns.iter().flat_map(Clone::clone).collect();
        taken.sort_unstable();
        assert_eq!(taken, (0..files.len()).collect::<Vec<_>>());
        for turn in &turns {
            assert!(turn.len() <= 16);
            let first = super::parent(&files[turn.start].0);
            assert!(
                files[turn.clone()]
                    .iter()
                    .all(|(p, _)| super::parent(p) == first)
            );
        }
        // A tree without them is cut as before.
        let small: Vec<(String, ())> = files
            .into_iter()
            .filter(|(p, _)| p.starts_with("iam/"))
            .collect();
        assert_eq!(super::turns(&small, 16), by_directory(&small, 16));
    }
}
