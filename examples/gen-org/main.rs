//! Writes a generated org of any size, for benchmarks and scale tests:
//!
//! ```sh
//! cargo run --release --example gen-org -- --accounts 5000 --seed 1 --out /tmp/org5k/org
//! orgc validate /tmp/org5k/org        # templates are in /tmp/org5k/policies
//! ```
//!
//! `--policies DIR` puts the templates elsewhere (default: `policies/` beside the org
//! directory). `--change-assignments PERCENT` writes a second version of the same org in
//! which that share of assignment blocks names another team (for `orgc diff`).
//! `--mesh-prod` makes each gateway's production spokes reach each other through its
//! inspection appliance (the network audit then grows with the square of production
//! accounts). `--stats` prints what was generated.

mod generate;
mod policies;
mod rng;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: gen-org --accounts N [--seed S] --out DIR [--policies DIR] [--change-assignments PERCENT] [--mesh-prod] [--stats]"
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-org: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut accounts = None;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut policies: Option<PathBuf> = None;
    let mut change = 0.0;
    let mut stats = false;
    let mut mesh_prod = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or(format!("{name} needs a value\n{}", usage()))
        };
        match a.as_str() {
            "--accounts" => {
                accounts = Some(
                    value("--accounts")?
                        .parse::<usize>()
                        .map_err(|e| e.to_string())?,
                )
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--out" => out = Some(value("--out")?.into()),
            "--policies" => policies = Some(value("--policies")?.into()),
            "--change-assignments" => {
                change = value("--change-assignments")?
                    .parse()
                    .map_err(|e| format!("--change-assignments: {e}"))?
            }
            "--mesh-prod" => mesh_prod = true,
            "--stats" => stats = true,
            "-h" | "--help" => {
                println!("{}", usage());
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{}", usage())),
        }
    }
    let accounts = accounts.ok_or(format!("--accounts is required\n{}", usage()))?;
    let out = out.ok_or(format!("--out is required\n{}", usage()))?;
    let policies = policies.unwrap_or_else(|| {
        out.parent()
            .unwrap_or_else(|| Path::new("."))
            .join("policies")
    });
    let generated = generate::generate(&generate::Config {
        accounts,
        seed,
        change_assignments_percent: change,
        mesh_prod,
    })?;
    write_dir(&out, "toml", &generated.org)?;
    write_dir(&policies, "hbs", &generated.policies)?;
    if stats {
        eprintln!("{:#?}", generated.stats);
    }
    Ok(())
}

/// Writes the files into `dir`, first removing files of the same kind that an earlier
/// run left there (an org directory merges every `*.toml` in it).
fn write_dir(dir: &Path, ext: &str, files: &[(String, String)]) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(err)?;
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.extension().is_some_and(|x| x == ext) {
            std::fs::remove_file(&path).map_err(err)?;
        }
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).map_err(err)?;
    }
    Ok(())
}
