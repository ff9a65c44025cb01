//! `orgc validate`: every check, no output files.

use super::{EXIT_FAILED, EXIT_OK, OrgArgs, plural};
use crate::diagnostic::Severity;
use clap::Args;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub org: OrgArgs,
}

pub fn run(args: &ValidateArgs) -> u8 {
    let crate::cli::Reported {
        checked,
        diags,
        failed,
    } = match args.org.check_and_report(crate::compile::Want::Diagnostics) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The process ends with this command: the compiled org is left to the OS instead
    // of being freed piece by piece (a tenth of the run for the largest orgs).
    let checked = std::mem::ManuallyDrop::new(checked);
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if !args.org.report.quiet {
        let problems = format!(
            "{}, {}",
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings")
        );
        match &checked.model {
            Some(m) if !failed => println!(
                "org `{}` is valid: {}, {}, {}, {}, {}; {problems}",
                m.org.name,
                plural(m.accounts.len(), "account", "accounts"),
                plural(m.permission_sets.len(), "permission set", "permission sets"),
                plural(m.roles.len(), "role", "roles"),
                plural(m.spokes.len(), "spoke", "spokes"),
                plural(m.guardrails.len(), "guardrail", "guardrails"),
            ),
            // Machine formats keep stderr parseable: the diagnostics are the answer.
            _ if args.org.report.diagnostic_format == super::DiagnosticFormat::Human => {
                eprintln!("error: the org is not valid: {problems}")
            }
            _ => {}
        }
    }
    if failed { EXIT_FAILED } else { EXIT_OK }
}
