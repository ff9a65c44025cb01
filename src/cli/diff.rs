//! `orgc diff`: compile two versions of an org — the org at a git revision and the
//! org as it is now (`--base REV [ORG]`), or two directories (`OLD_ORG NEW_ORG`) —
//! and print what the change does, then the unified diffs of the output files.

use super::{ColorWhen, EXIT_FAILED, EXIT_OK, ReportArgs, Severity, plural, usage_error};
use crate::diff::render::{Labels, render_json, render_markdown, render_text};
use crate::diff::{Options, Side};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// With `--base`: the org directory [default: org]. Without: OLD_ORG NEW_ORG.
    #[arg(value_name = "ORG", num_args = 0..=2)]
    pub orgs: Vec<PathBuf>,
    /// Compare with the org as it is at this git revision (read with git from the
    /// repository that holds ORG; the working tree is not touched).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The policy templates directory [default: `policies/` beside the org
    /// directory]. With two org directories, each side's is beside it.
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// How to print the diff.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when anything changed.
    #[arg(long)]
    pub exit_code: bool,
    /// Lines of context around each change in the file diffs.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub context: usize,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal (coloured when stdout is one).
    Text,
    /// For a pull-request comment.
    Markdown,
    /// For programs.
    Json,
}

fn policies_beside(org: &Path) -> PathBuf {
    org.parent()
        .unwrap_or_else(|| Path::new(""))
        .join("policies")
}

/// One side as read: its inputs (none for an org that does not exist at the base
/// revision) and its label.
struct Read {
    inputs: Option<crate::load::Inputs>,
    label: String,
}

fn read_dir(org: &Path, policies: &Path) -> Result<Read, String> {
    let inputs = crate::load::read_inputs(org, policies).map_err(|e| e.to_string())?;
    Ok(Read {
        inputs: Some(inputs),
        label: org.display().to_string(),
    })
}

fn read_sides(args: &DiffArgs) -> Result<(Read, Read), String> {
    match (&args.base, args.orgs.as_slice()) {
        (Some(rev), orgs) if orgs.len() <= 1 => {
            let org = orgs
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("org"));
            let policies = args
                .policies
                .clone()
                .unwrap_or_else(|| policies_beside(&org));
            let new = read_dir(&org, &policies)?;
            let old = super::git::read_inputs_at(rev, &org, &policies)?;
            Ok((
                Read {
                    inputs: old.inputs,
                    label: old.label,
                },
                new,
            ))
        }
        (Some(_), _) => Err("with `--base`, give at most one org directory".to_string()),
        (None, [old, new]) => {
            if args.policies.is_some() {
                return Err(
                    "`--policies` needs `--base`: with two org directories, each side's policies are beside it"
                        .to_string(),
                );
            }
            Ok((
                read_dir(old, &policies_beside(old))?,
                read_dir(new, &policies_beside(new))?,
            ))
        }
        (None, _) => Err(
            "give `--base REV` (and optionally ORG), or two org directories: OLD_ORG NEW_ORG"
                .to_string(),
        ),
    }
}

pub fn run(args: &DiffArgs) -> u8 {
    let (old_read, new_read) = match read_sides(args) {
        Ok(s) => s,
        Err(e) => return usage_error(e),
    };
    let human = args.report.diagnostic_format == super::DiagnosticFormat::Human;
    let mut failed = false;
    let mut side = |which: &str,
                    label: &str,
                    checked: Option<&mut crate::Checked>,
                    make: &mut dyn FnMut(&mut crate::Checked) -> Option<Side>|
     -> Option<Side> {
        let Some(c) = checked else {
            if human && !args.report.quiet {
                eprintln!(
                    "note: the {which} side `{label}` has no org (no `*.toml` files): everything there is compared with nothing"
                );
            }
            return Some(Side::default());
        };
        let side = make(c);
        if side.is_none() {
            failed = true;
            if human {
                eprintln!("error: the {which} side `{label}` does not compile:");
            }
            args.report
                .emit(&c.diagnostics.clone().sorted(), &c.sources);
        }
        side
    };
    let mut clock = crate::timings::Stopwatch::default();
    // The new side is checked on a thread of its own while the old side is checked
    // and its files made and packed: the two are independent, and neither keeps
    // both cores busy on its own (a tenth off a diff of a 5,000-account org, for a
    // quarter more memory at its peak, when both sides' compiled states are held).
    // The old side's is freed once its files are packed, before the new side's
    // files are made and compared with them.
    let (new_checked, mut old_side) = crate::parallel::beside(
        || {
            let started = std::time::Instant::now();
            let checked = new_read.inputs.map(crate::check);
            (checked, started.elapsed())
        },
        || {
            let mut old_checked = old_read.inputs.map(crate::check);
            clock.lap("check the old side");
            let old_side = side(
                "old",
                &old_read.label,
                old_checked.as_mut(),
                &mut Side::packed_from_checked,
            );
            drop(old_checked);
            clock.lap("make and pack its files");
            old_side
        },
    );
    let (mut new_checked, took) = new_checked;
    clock.record("check the new side (beside)", took);
    clock.lap("wait for the new side");
    let new_side = side("new", &new_read.label, new_checked.as_mut(), &mut |c| {
        Side::from_checked_against(c, old_side.as_mut())
    });
    if let Some(old) = old_side.as_mut() {
        // Whatever the new side did not compare (it has no org, or did not compile).
        old.unpack();
    }
    clock.lap("make and compare its files");
    // Only the new side's diagnostics are wanted from here on.
    let new_checked = new_checked.map(|c| (c.diagnostics, c.sources));
    let (old, new) = match (old_side, new_side) {
        (Some(old), Some(new)) if !failed => (old, new),
        _ => {
            if human {
                eprintln!("error: nothing to compare");
            }
            return EXIT_FAILED;
        }
    };
    let diff = crate::diff::compare(
        &old,
        &new,
        Options {
            context: args.context,
        },
    );
    clock.lap("compare what changed");
    let labels = Labels {
        old: old_read.label,
        new: new_read.label,
    };
    let text = match args.format {
        DiffFormat::Text => render_text(&diff, &labels, stdout_color(args.report.color)),
        DiffFormat::Markdown => render_markdown(&diff, &labels),
        DiffFormat::Json => render_json(&diff, &labels),
    };
    // A closed pipe (`orgc diff | head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    clock.lap("render and print");
    if std::env::var_os("ORGC_TIMINGS").is_some() {
        eprint!("{}", clock.render());
    }

    // The new side's own verdict: a failed guardrail fails the run, as in
    // `validate`, after the diff that explains it.
    let mut code = EXIT_OK;
    if let Some((diagnostics, sources)) = &new_checked {
        let shown: Vec<_> = diagnostics
            .clone()
            .sorted()
            .into_iter()
            .filter(|d| {
                d.severity == Severity::Error
                    || (args.report.deny_warnings && d.severity == Severity::Warning)
            })
            .collect();
        if !shown.is_empty() {
            args.report.emit(&shown, sources);
            let guardrails = shown
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            if human && !args.report.quiet {
                if guardrails > 0 {
                    eprintln!(
                        "error: the new side fails {}",
                        plural(guardrails, "guardrail", "guardrails")
                    );
                } else {
                    eprintln!("error: the new side has warnings (--deny-warnings)");
                }
            }
            code = EXIT_FAILED;
        }
    }
    if args.exit_code && diff.changed() {
        code = EXIT_FAILED;
    }
    code
}

/// Colour on stdout: always, never, or when stdout is a terminal and `NO_COLOR`
/// is unset.
fn stdout_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
