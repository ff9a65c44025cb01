//! Each pipeline stage on a generated org (`ORGC_BENCH_ACCOUNTS`, default 5,000):
//! parse (syntax, schema, typed spec), resolve (the model), compile (every policy
//! rendered, checked and linted), audit (the access graph and its rows), and the
//! whole check as `validate` runs it. Run on purpose, never in CI:
//!
//! ```sh
//! cargo bench --bench stages
//! ORGC_BENCH_ACCOUNTS=1000 cargo bench --bench stages
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use divan::{Bencher, black_box};
use orgc::diagnostic::Diagnostics;
use orgc::source::{FileId, SourceMap};

// The binary's allocator, so that what is measured is what `orgc` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    eprintln!("org of {} accounts", support::accounts());
    divan::main();
}

/// The sources and template names as `orgc::check` prepares them.
struct Prepared {
    sources: SourceMap,
    template_files: Vec<FileId>,
    templates: Vec<String>,
}

fn prepare() -> Prepared {
    let inputs = support::inputs();
    let mut sources = SourceMap::default();
    for f in inputs.org_files {
        sources.add(f);
    }
    let mut template_files = Vec::new();
    let mut templates = Vec::new();
    for f in inputs.templates {
        templates.extend(orgc::template_name(&f.name));
        template_files.push(sources.add(f));
    }
    Prepared {
        sources,
        template_files,
        templates,
    }
}

fn model(p: &Prepared) -> orgc::model::Model {
    let mut d = Diagnostics::default();
    let spec = orgc::parse::parse(&p.sources, &mut d).unwrap();
    orgc::resolve::resolve(&spec, &p.templates, &mut d).unwrap()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse(bencher: Bencher) {
    let p = prepare();
    bencher.bench_local(|| {
        let mut d = Diagnostics::default();
        black_box(orgc::parse::parse(&p.sources, &mut d))
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn resolve(bencher: Bencher) {
    let p = prepare();
    let mut d = Diagnostics::default();
    let spec = orgc::parse::parse(&p.sources, &mut d).unwrap();
    bencher.bench_local(|| {
        let mut d = Diagnostics::default();
        black_box(orgc::resolve::resolve(&spec, &p.templates, &mut d))
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn compile(bencher: Bencher) {
    let p = prepare();
    let m = model(&p);
    bencher.bench_local(|| {
        let mut d = Diagnostics::default();
        let mut sources = p.sources.clone();
        let policies = orgc::compile::PolicySources::load(&sources, &p.template_files, &mut d);
        black_box(orgc::compile::compile(
            &m,
            &policies,
            &mut sources,
            &mut d,
            orgc::compile::Want::Output,
            &mut Default::default(),
        ))
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_access(bencher: Bencher) {
    let p = prepare();
    let m = model(&p);
    let mut d = Diagnostics::default();
    let mut sources = p.sources.clone();
    let policies = orgc::compile::PolicySources::load(&sources, &p.template_files, &mut d);
    let desired = orgc::compile::compile(
        &m,
        &policies,
        &mut sources,
        &mut d,
        orgc::compile::Want::Diagnostics,
        &mut Default::default(),
    )
    .state;
    bencher.bench_local(|| {
        let mut d = Diagnostics::default();
        let report = orgc::access::analyse(&m, &desired, orgc::access::Rows::All, &mut d);
        orgc::access::check_deny_access(&m, &report, &mut d);
        black_box(report)
    });
}

/// Everything `validate` does after reading the files.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn check(bencher: Bencher) {
    let inputs = support::inputs();
    bencher
        .with_inputs(|| inputs.clone())
        .bench_local_values(|i| black_box(orgc::check_for(i, orgc::compile::Want::Diagnostics)));
}
