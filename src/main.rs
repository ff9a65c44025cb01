//! The `orgc` binary: parse flags, hand over to the library's CLI layer.

use clap::Parser;
use std::process::ExitCode;

// mimalloc rather than the system's allocator: with glibc's, the threads that make
// and write files wait on each other's arena locks and take fresh pages from the
// kernel for every large buffer (a third of a 5,000-account compile's time went to
// page faults and futexes; see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    orgc::cli::run(orgc::cli::Cli::parse())
}
