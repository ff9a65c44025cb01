//! The floor: how long serde_json alone takes to serialise the output tree of a
//! generated org (`ORGC_BENCH_ACCOUNTS`, default 5,000) and write it, file by file —
//! nothing else. Beside it, in the same run, what orgc does for the same tree:
//! building it (`emit::build_tree`: serialising plus the manifest's hashes), writing
//! it as `compile` does (atomically, every file synced), and the whole compile from
//! the files in memory to the tree on disk. `compile_and_write / floor` is the
//! distance to the physical limit.
//!
//! ```sh
//! cargo bench --bench floor
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use divan::{Bencher, black_box};
use std::path::Path;

fn main() {
    eprintln!("org of {} accounts", support::accounts());
    divan::main();
}

fn compiled() -> orgc::Checked {
    let checked = orgc::check(support::inputs());
    assert!(
        !checked.diagnostics.has_errors(),
        "the generated org has errors"
    );
    checked
}

/// Serialise every file the output tree holds, straight from the desired state, with
/// serde_json as `compile` does (pretty, trailing newline), and write each one.
fn serialise_and_write(desired: &orgc::compile::DesiredState, dir: &Path) {
    let write = |rel: String, value: &dyn erased::Json| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = value.to_vec_pretty();
        bytes.push(b'\n');
        std::fs::write(path, bytes).unwrap();
    };
    for (name, file) in &desired.permission_sets {
        write(format!("identity-center/permission-sets/{name}.json"), file);
    }
    write(
        "identity-center/assignments.json".into(),
        &desired.assignments,
    );
    write("audit/access.json".into(), &desired.access_audit);
    for (account, role, file) in &desired.roles {
        write(format!("iam/{account}/roles/{role}.json"), file);
    }
}

/// Dynamic dispatch over "anything serde can serialise", for the helper above.
mod erased {
    pub trait Json {
        fn to_vec_pretty(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_vec_pretty(&self) -> Vec<u8> {
            serde_json::to_vec_pretty(self).unwrap()
        }
    }
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn floor(bencher: Bencher) {
    let checked = compiled();
    let desired = checked.desired.as_ref().unwrap();
    let root = tempfile::tempdir().unwrap();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        serialise_and_write(desired, &root.path().join(format!("out{n}")));
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn build_tree(bencher: Bencher) {
    let checked = compiled();
    bencher.bench_local(|| black_box(checked.tree()));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn write_tree(bencher: Bencher) {
    let checked = compiled();
    let tree = checked.tree().unwrap();
    let root = tempfile::tempdir().unwrap();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        orgc::emit::write::write_tree(&root.path().join(format!("out{n}")), &tree).unwrap();
    });
}

/// What `orgc compile` does once its files are read: check, build the tree, write it.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn compile_and_write(bencher: Bencher) {
    let inputs = support::inputs();
    let root = tempfile::tempdir().unwrap();
    let mut n = 0;
    bencher
        .with_inputs(|| inputs.clone())
        .bench_local_values(|i| {
            n += 1;
            let checked = orgc::check(i);
            let tree = checked.tree().unwrap();
            orgc::emit::write::write_tree(&root.path().join(format!("out{n}")), &tree).unwrap();
            // Freed outside the measurement's interest, as the binary leaves it to the OS.
            std::mem::forget((checked, tree));
        });
}
