//! What the benchmarks share: a generated org (examples/gen-org), in memory or on disk.
//! The size is `ORGC_BENCH_ACCOUNTS` (default 5,000, the size the targets are set for).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../examples/gen-org/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "../../examples/gen-org/policies.rs"]
mod policies;
#[path = "../../examples/gen-org/rng.rs"]
mod rng;

use orgc::load::Inputs;
use orgc::source::SourceFile;

pub fn accounts() -> usize {
    std::env::var("ORGC_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000)
}

/// The generated org's files, as the loader would have read them.
pub fn inputs() -> Inputs {
    let g = generate::generate(&generate::Config {
        accounts: accounts(),
        seed: 1,
        change_assignments_percent: 0.0,
        mesh_prod: false,
    })
    .expect("generate");
    let mut org = g.org;
    // The loader reads an org's files in name order.
    org.sort();
    Inputs {
        org_files: org
            .into_iter()
            .map(|(name, text)| SourceFile::new(format!("org/{name}"), text))
            .collect(),
        templates: g
            .policies
            .into_iter()
            .map(|(name, text)| SourceFile::new(format!("policies/{name}"), text))
            .collect(),
        encoding_errors: Vec::new(),
    }
}
