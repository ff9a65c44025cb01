//! Desired state → the output tree: one pretty-printed JSON file per entity plus
//! `manifest.json`. Building the tree is pure; [`write`] puts it on disk.

pub mod write;

use crate::compile::DesiredState;
use crate::desired::to_json_file;
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

/// Every output file, by relative path, including the manifest.
pub fn build_tree(state: &DesiredState, inputs: &[&SourceFile]) -> Tree {
    let mut tree = Tree::new();
    for (name, file) in &state.permission_sets {
        tree.insert(
            format!("identity-center/permission-sets/{name}.json"),
            to_json_file(file),
        );
    }
    tree.insert(
        "identity-center/assignments.json".to_string(),
        to_json_file(&state.assignments),
    );
    tree.insert(
        "audit/access.json".to_string(),
        to_json_file(&state.access_audit),
    );
    for (account, role, file) in &state.roles {
        tree.insert(
            format!("iam/{account}/roles/{role}.json"),
            to_json_file(file),
        );
    }
    network_files(&mut tree, &state.network);
    let files = tree
        .iter()
        .map(|(path, content)| ManifestFile {
            path,
            sha256: hex(&Sha256::digest(content)),
        })
        .collect();
    let manifest = Manifest {
        tool: "orgc",
        version: env!("CARGO_PKG_VERSION"),
        output_format: OUTPUT_FORMAT,
        inputs_sha256: inputs_hash(inputs),
        files,
    };
    let manifest = to_json_file(&manifest);
    tree.insert("manifest.json".to_string(), manifest);
    tree
}

/// `network/<gateway>/…` and `audit/network.json`.
fn network_files(tree: &mut Tree, network: &crate::compile::NetworkState) {
    for (gateway, files) in &network.gateways {
        tree.insert(
            format!("network/{gateway}/transit-gateway.json"),
            to_json_file(&files.gateway),
        );
        for (table, file) in &files.route_tables {
            tree.insert(
                format!("network/{gateway}/route-tables/{table}.json"),
                to_json_file(file),
            );
        }
        for (spoke, file) in &files.vpc_routes {
            tree.insert(
                format!("network/{gateway}/vpc-routes/{spoke}.json"),
                to_json_file(file),
            );
        }
    }
    if let Some(audit) = &network.audit {
        tree.insert("audit/network.json".to_string(), to_json_file(audit));
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
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
