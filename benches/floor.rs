//! The floor: how long serde_json alone takes to serialise the output tree of a
//! generated org (`ORGC_BENCH_ACCOUNTS`, default 5,000) and write it, file by file —
//! nothing else, on two threads. Beside it, in the same run, what orgc does for the
//! same tree: making every file in memory (`build_tree`: serialising, the network
//! audit's pairs, the manifest's hashes), and the whole compile from the files in
//! memory to the tree on disk. `compile_and_write / floor` is the distance to the
//! physical limit.
//!
//! ```sh
//! cargo bench --bench floor
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use divan::{Bencher, black_box};
use std::path::Path;

// The binary's allocator, so that what is measured is what `orgc` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// What the tree is made of, built outside the measurement.
struct Parts {
    /// Each role file's path and content as a JSON value: orgc keeps role files
    /// serialised, so the floor reads them back to have something to serialise.
    roles: Vec<(String, serde_json::Value)>,
    network: orgc::compile::NetworkState,
    network_audit: Option<orgc::desired::network::NetworkAuditFile>,
    access: Vec<AccessRow>,
}

/// An access audit row as plain data with its names made, serialised the way
/// `audit/access.json` writes it (orgc writes it straight from its rows instead).
#[derive(serde::Serialize)]
struct AccessRow {
    principal: String,
    account: String,
    level: &'static str,
    via: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unverified: bool,
    because: Vec<String>,
}

fn parts(checked: &orgc::Checked) -> Parts {
    let model = checked.model.as_ref().unwrap();
    let desired = checked.desired.as_ref().unwrap();
    Parts {
        roles: desired
            .roles
            .iter()
            .map(|r| {
                let path = format!(
                    "iam/{}/roles/{}.json",
                    model.accounts[r.account].name, model.roles[r.role].name
                );
                (
                    path,
                    serde_json::from_slice(r.file.as_deref().unwrap()).unwrap(),
                )
            })
            .collect(),
        network: orgc::compile::network(model, checked.network.as_ref().unwrap()),
        network_audit: orgc::compile::network_audit(model, checked.network.as_ref().unwrap()),
        access: checked
            .access
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .map(|r| {
                let named = r.named(model);
                AccessRow {
                    principal: named.principal,
                    account: named.account,
                    level: named.level,
                    via: named.via,
                    unverified: named.unverified,
                    because: r.because.to_vec(),
                }
            })
            .collect(),
    }
}

/// Serialise every file the output tree holds, straight from the desired state, with
/// serde_json as `compile` does (pretty, trailing newline), and write each one, on
/// two threads (the cores `compile` writes on).
fn serialise_and_write(desired: &orgc::compile::DesiredState, parts: &Parts, dir: &Path) {
    let mut jobs: Vec<(String, &(dyn erased::Json + Sync))> = Vec::new();
    for (name, file) in &desired.permission_sets {
        jobs.push((format!("identity-center/permission-sets/{name}.json"), file));
    }
    jobs.push((
        "identity-center/assignments.json".into(),
        &desired.assignments,
    ));
    jobs.push(("audit/access.json".into(), &parts.access));
    if let Some(audit) = &parts.network_audit {
        jobs.push(("audit/network.json".into(), audit));
    }
    for (path, file) in &parts.roles {
        jobs.push((path.clone(), file));
    }
    for (gateway, files) in &parts.network.gateways {
        jobs.push((
            format!("network/{gateway}/transit-gateway.json"),
            &files.gateway,
        ));
        for (table, file) in &files.route_tables {
            jobs.push((format!("network/{gateway}/route-tables/{table}.json"), file));
        }
        for (spoke, file) in &files.vpc_routes {
            jobs.push((format!("network/{gateway}/vpc-routes/{spoke}.json"), file));
        }
    }
    // Sixteen files in a row at a time, as `compile` takes up to sixteen of one
    // directory: the jobs are grouped by directory, whose files two threads taking
    // one at a time would create by turns, each waiting for the directory's lock.
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(turn) = jobs
                    .chunks(16)
                    .nth(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    for (rel, value) in turn {
                        let path = dir.join(rel);
                        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                        let mut bytes = value.to_vec_pretty();
                        bytes.push(b'\n');
                        std::fs::write(path, bytes).unwrap();
                    }
                }
            });
        }
    });
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
    let parts = parts(&checked);
    let root = tempfile::tempdir().unwrap();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        serialise_and_write(desired, &parts, &root.path().join(format!("out{n}")));
    });
}

/// orgc's own making of every file (serialising, the network audit's pairs, the
/// manifest's hashes) into memory.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn build_tree(bencher: Bencher) {
    let checked = compiled();
    bencher.bench_local(|| black_box(checked.tree()));
}

/// What `orgc compile` does once its files are read: check, make every file and write
/// it into a fresh directory (no previous tree to link unchanged files from).
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
            let reports = checked.reports().unwrap();
            let plan = checked.plan(&reports).unwrap();
            orgc::emit::write::write_tree(
                &root.path().join(format!("out{n}")),
                &plan,
                orgc::emit::write::Durability::Unsynced,
            )
            .unwrap();
            drop(plan);
            // Freed outside the measurement's interest, as the binary leaves it to the OS.
            std::mem::forget((checked, reports));
        });
}
