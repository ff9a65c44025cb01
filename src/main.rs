//! The `orgc` binary: parse flags, hand over to the library's CLI layer.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    orgc::cli::run(orgc::cli::Cli::parse())
}
