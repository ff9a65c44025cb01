//! `orgc compile`: everything `validate` does, then the output tree is written
//! atomically — or, with `--check`, compared with what is on disk.

use super::{EXIT_FAILED, EXIT_OK, EXIT_STALE, OrgArgs, plural, usage_error};
use crate::emit::write::Written;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub org: OrgArgs,
    /// The output directory; replaced as a whole.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Write nothing; exit 3 when DIR differs from what compile would write.
    #[arg(long)]
    pub check: bool,
    /// Sync every file to disk before the new tree replaces the old one (slower;
    /// without it the replacement is still atomic, but a power loss right after may
    /// leave files of the new tree empty).
    #[arg(long, conflicts_with = "check")]
    pub sync: bool,
}

pub fn run(args: &CompileArgs) -> u8 {
    let crate::cli::Reported {
        checked,
        diags: _,
        failed,
    } = match args.org.check_and_report(crate::compile::Want::Output) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The process ends with this command: the compiled org and its output tree are
    // left to the OS instead of being freed piece by piece (a tenth of the run for the
    // largest orgs).
    let checked = std::mem::ManuallyDrop::new(checked);
    let reports = match checked.reports() {
        Some(r) if !failed && !checked.diagnostics.has_errors() => r,
        _ => {
            if !args.org.report.quiet
                && args.org.report.diagnostic_format == super::DiagnosticFormat::Human
            {
                eprintln!("error: the org has errors; nothing was written");
            }
            return EXIT_FAILED;
        }
    };
    let reports = std::mem::ManuallyDrop::new(reports);
    let Some(tree) = checked.plan(&reports) else {
        return EXIT_FAILED;
    };
    let out = args.out.display();
    if args.check {
        let stale = match crate::emit::stale::compare_tree(&args.out, &tree) {
            Ok(s) => s,
            Err(e) => return usage_error(format!("{out}: {e}")),
        };
        if stale.is_current() {
            if !args.org.report.quiet {
                println!(
                    "{out} is current ({})",
                    plural(tree.file_count(), "file", "files")
                );
            }
            return EXIT_OK;
        }
        println!("{out} is stale: run `orgc compile` and commit the result");
        for (what, files) in [
            ("changed", &stale.changed),
            ("missing", &stale.missing),
            ("extra", &stale.extra),
        ] {
            for f in files {
                println!("  {what:<8} {out}/{f}");
            }
        }
        return EXIT_STALE;
    }
    let durability = if args.sync {
        crate::emit::write::Durability::Synced
    } else {
        crate::emit::write::Durability::Unsynced
    };
    let mut clock = crate::timings::Stopwatch::default();
    let written = crate::emit::write::write_tree_timed(&args.out, &tree, durability, &mut clock);
    if std::env::var_os("ORGC_TIMINGS").is_some() {
        eprint!("{}", clock.render());
    }
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            return usage_error(format!(
                "could not write {out}: {e} (the previous output is untouched)"
            ));
        }
    };
    if let Written::ReplacedLeavingPrevious { at, error } = &written {
        // The new output is in place; only the old copy's removal failed.
        eprintln!(
            "warning: the previous output could not be removed from {}: {error} \
             (the next compile tries again)",
            at.display()
        );
    }
    if !args.org.report.quiet
        && let (Some(model), Some(desired)) = (&checked.model, &checked.desired)
    {
        let unchanged = match written {
            Written::Unchanged => "; it already held them, nothing written",
            Written::Replaced | Written::ReplacedLeavingPrevious { .. } => "",
        };
        println!(
            "compiled org `{}` into {out}/: {} ({}, {}, {}){unchanged}",
            model.org.name,
            plural(tree.file_count(), "file", "files"),
            plural(
                desired.permission_sets.len(),
                "permission set",
                "permission sets"
            ),
            plural(
                desired.assignments.create_account_assignment.len(),
                "assignment",
                "assignments"
            ),
            plural(desired.roles.len(), "role instance", "role instances"),
        );
    }
    EXIT_OK
}
