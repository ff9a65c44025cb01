//! Desired state → the output tree: one pretty-printed JSON file per entity plus
//! `manifest.json`. Planning the tree is pure; [`write`] makes each file and puts it
//! on disk.

pub mod write;

use crate::access::AccessJson;
use crate::compile::{DesiredState, NetworkState};
use crate::desired::to_json_file;
use crate::model::Model;
use crate::network::analysis::Analysis;
use crate::source::SourceFile;
use serde::Serialize;
use sha2::{Digest, Sha256};
pub use write::Tree;

/// The version of the output layout, bumped when a file's shape changes.
pub const OUTPUT_FORMAT: u32 = 1;

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
    /// The access audit's rows, as `audit/access.json` holds them.
    pub access: &'a [AccessJson],
}

/// Makes one file's bytes when asked.
type Maker<'a> = Box<dyn Fn() -> Vec<u8> + Send + Sync + 'a>;

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
    pub fn files(&self) -> impl Iterator<Item = (&str, &(dyn Fn() -> Vec<u8> + Send + Sync + 'a))> {
        self.files.iter().map(|(p, m)| (p.as_str(), m.as_ref()))
    }

    /// A plan of files whose bytes are already made (`inputs_sha256` is empty).
    pub fn from_bytes(mut files: Vec<(String, Vec<u8>)>) -> Plan<'static> {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Plan {
            files: files
                .into_iter()
                .map(|(path, bytes)| {
                    let make: Maker<'static> = Box::new(move || bytes.clone());
                    (path, make)
                })
                .collect(),
            inputs_sha256: String::new(),
        }
    }

    /// How many files the tree has, the manifest included.
    pub fn len(&self) -> usize {
        self.files.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
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

    /// The whole tree in memory (what `diff` compares).
    pub fn to_tree(&self) -> Tree {
        let mut tree = Tree::new();
        self.for_each(|path, bytes| {
            tree.insert(path.to_string(), bytes);
        });
        tree
    }

    /// Make every file, the manifest last, and hand each to `f` with its path: the
    /// files are made on two threads, `f` runs on this one, in no set order.
    pub fn for_each(&self, mut f: impl FnMut(&str, Vec<u8>)) {
        const MAKERS: usize = 2;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut hashes: Vec<(usize, String)> = Vec::with_capacity(self.files.len());
        std::thread::scope(|scope| {
            // A few files in flight at most, so memory stays that of a few files.
            let (send, receive) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>)>(MAKERS * 4);
            for _ in 0..MAKERS {
                let send = send.clone();
                let next = &next;
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((_, make)) = self.files.get(i) else {
                            return;
                        };
                        if send.send((i, make())).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(send);
            for (i, bytes) in receive {
                if let Some((path, _)) = self.files.get(i) {
                    hashes.push((i, sha256_hex(&bytes)));
                    f(path, bytes);
                }
            }
        });
        hashes.sort_unstable_by_key(|(i, _)| *i);
        let hashes: Vec<(&str, String)> = hashes
            .into_iter()
            .filter_map(|(i, h)| self.files.get(i).map(|(p, _)| (p.as_str(), h)))
            .collect();
        f(MANIFEST, self.manifest(&hashes));
    }
}

/// The hex sha256 of a file's bytes, as the manifest lists it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Every output file, by relative path, to be made on demand.
pub fn plan<'a>(outputs: &Outputs<'a>, inputs: &[&SourceFile]) -> Plan<'a> {
    let state = outputs.desired;
    let mut files: Vec<(String, Maker<'a>)> = Vec::new();
    for (name, file) in &state.permission_sets {
        files.push((
            format!("identity-center/permission-sets/{name}.json"),
            Box::new(move || to_json_file(file)),
        ));
    }
    let assignments = &state.assignments;
    files.push((
        "identity-center/assignments.json".to_string(),
        Box::new(move || to_json_file(assignments)),
    ));
    let access = outputs.access;
    files.push((
        "audit/access.json".to_string(),
        Box::new(move || to_json_file(&access)),
    ));
    for (account, role, file) in &state.roles {
        files.push((
            format!("iam/{account}/roles/{role}.json"),
            Box::new(move || to_json_file(file)),
        ));
    }
    network_files(&mut files, outputs.network);
    let (model, net) = (outputs.model, outputs.net);
    if !model.spokes.is_empty() {
        files.push((
            "audit/network.json".to_string(),
            // Made as it is serialised: the pairs run to millions for the largest orgs.
            Box::new(move || {
                to_json_file(&crate::network::audit::Streamed {
                    model,
                    net,
                    query: crate::network::audit::Query::file(),
                })
            }),
        ));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Plan {
        files,
        inputs_sha256: inputs_hash(inputs),
    }
}

/// Every output file, by relative path, including the manifest, in memory.
pub fn build_tree(outputs: &Outputs<'_>, inputs: &[&SourceFile]) -> Tree {
    plan(outputs, inputs).to_tree()
}

/// `network/<gateway>/…`.
fn network_files<'a>(files: &mut Vec<(String, Maker<'a>)>, network: &'a NetworkState) {
    for (gateway, gw) in &network.gateways {
        let gateway_file = &gw.gateway;
        files.push((
            format!("network/{gateway}/transit-gateway.json"),
            Box::new(move || to_json_file(gateway_file)),
        ));
        for (table, file) in &gw.route_tables {
            files.push((
                format!("network/{gateway}/route-tables/{table}.json"),
                Box::new(move || to_json_file(file)),
            ));
        }
        for (spoke, file) in &gw.vpc_routes {
            files.push((
                format!("network/{gateway}/vpc-routes/{spoke}.json"),
                Box::new(move || to_json_file(file)),
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
