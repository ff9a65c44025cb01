//! The command line: flags (clap derive), one module per subcommand, and the mapping
//! from results to exit codes. The library below does no printing.

mod audit;
mod compile;
mod completions;
mod diff;
mod git;
mod schema;
mod validate;

use crate::diagnostic::{self, ColorChoice as DiagColor, Diagnostic, Severity};
use crate::source::SourceMap;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes of the CLI contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_STALE: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "orgc",
    version,
    about = "Compile a multi-account AWS organisation described in TOML into JSON desired state",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an org: schema, every semantic rule and AWS limit; writes nothing.
    Validate(validate::ValidateArgs),
    /// Check the org, then write its desired state to the output directory.
    Compile(compile::CompileArgs),
    /// Report on what the org allows.
    Audit(audit::AuditArgs),
    /// Compile two versions of an org and show what changes: access, network
    /// paths, trust, guardrails, entities, then the diffs of the output files.
    Diff(diff::DiffArgs),
    /// Print the JSON Schema of the org format (for editors such as taplo).
    Schema(schema::SchemaArgs),
    /// Print shell completions.
    Completions(completions::CompletionsArgs),
}

/// Where the org is and how to report on it: shared by every command that reads one.
#[derive(Debug, Args, Clone)]
pub struct OrgArgs {
    /// The org directory: every `*.toml` directly in it is read.
    #[arg(value_name = "ORG", default_value = "org")]
    pub org: PathBuf,
    /// The policy templates directory [default: `policies/` beside the org directory].
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// An org that was read and checked, with its diagnostics already printed.
pub struct Reported {
    pub checked: crate::Checked,
    pub diags: Vec<Diagnostic>,
    /// Whether the diagnostics fail the run (errors, or warnings with `--deny-warnings`).
    pub failed: bool,
}

impl OrgArgs {
    /// What every command that reads an org starts with: read it, check it for what
    /// the command `want`s, print its diagnostics. `Err` carries the exit code when it
    /// could not be read at all.
    pub fn check_and_report(&self, want: crate::compile::Want) -> Result<Reported, u8> {
        let inputs =
            crate::load::read_inputs(&self.org, &self.policies_dir()).map_err(usage_error)?;
        let checked = crate::check_for(inputs, want);
        if std::env::var_os("ORGC_TIMINGS").is_some() {
            eprint!("{}", checked.timings.render());
        }
        let diags = checked.diagnostics.clone().sorted();
        let failed = self.report.emit(&diags, &checked.sources);
        Ok(Reported {
            checked,
            diags,
            failed,
        })
    }

    pub fn policies_dir(&self) -> PathBuf {
        self.policies.clone().unwrap_or_else(|| {
            self.org
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join("policies")
        })
    }
}

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub diagnostic_format: DiagnosticFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print only diagnostics, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// rustc-style, with the source line underlined.
    Human,
    /// A JSON list of `{ code, severity, message, file, line, column, help }`.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ReportArgs {
    fn color(&self) -> DiagColor {
        match self.color {
            ColorWhen::Always => DiagColor::Always,
            ColorWhen::Never => DiagColor::Never,
            ColorWhen::Auto => {
                if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                    DiagColor::Always
                } else {
                    DiagColor::Never
                }
            }
        }
    }

    /// Print diagnostics to stderr; returns whether they fail the run.
    pub fn emit(&self, diags: &[Diagnostic], sources: &SourceMap) -> bool {
        let text = match self.diagnostic_format {
            DiagnosticFormat::Human => diagnostic::render_human(diags, sources, self.color()),
            DiagnosticFormat::Json => diagnostic::render_json(diags, sources),
            DiagnosticFormat::Github => diagnostic::render_github(diags, sources),
        };
        // JSON is always printed, even empty, so programs can parse stderr unconditionally.
        if !diags.is_empty() || self.diagnostic_format == DiagnosticFormat::Json {
            eprint!("{text}");
        }
        self.fails(diags)
    }

    pub fn fails(&self, diags: &[Diagnostic]) -> bool {
        diags.iter().any(|d| {
            d.severity == Severity::Error || (self.deny_warnings && d.severity == Severity::Warning)
        })
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::run(&args),
    };
    ExitCode::from(code)
}

/// Print an I/O or usage problem and return the usage exit code.
pub fn usage_error(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_USAGE
}

/// Print `value` as pretty JSON and a newline, written to standard output as it is
/// serialised (large audits are never held as one string). A reader that stops early
/// (`| head`) is not an error; another write failure is a usage error's exit code.
pub fn print_json(value: &impl serde::Serialize) -> Result<(), u8> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(usage_error(format!("could not print the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Print what `write` hands over, a piece at a time (an output too large to hold).
pub fn print_pieces(
    write: impl FnOnce(&mut crate::emit::Sink<'_>) -> std::io::Result<()>,
) -> Result<(), u8> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = write(&mut |piece| out.write_all(piece)).and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(usage_error(format!("could not print the output: {e}")))
        }
        _ => Ok(()),
    }
}

/// `N things` with the right plural.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
