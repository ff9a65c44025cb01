//! `orgc audit access`: who can access which account, at which level, by which path.

use crate::access::report::{self, Filter};
use crate::cli::{EXIT_FAILED, EXIT_OK, OrgArgs, usage_error};
use crate::spec::AccessLevel;
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct AccessArgs {
    #[command(flatten)]
    pub org: OrgArgs,
    /// Only this account (by name).
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Only this principal: `group:<name>`, `user:<name>`, `role:<name>@<account>`,
    /// `account:<name>`, `external:<id>`, `service:<principal>`.
    #[arg(long, value_name = "PRINCIPAL")]
    pub principal: Option<String>,
    /// Only this level or higher.
    #[arg(long, value_enum)]
    pub level: Option<LevelArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AccessFormat::Text)]
    pub format: AccessFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Read,
    Write,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &AccessArgs) -> u8 {
    let crate::cli::Reported {
        checked,
        diags: _,
        failed,
    } = match args.org.check_and_report(crate::compile::Want::Audits) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (Some(model), Some(audit)) = (&checked.model, &checked.access) else {
        return EXIT_FAILED;
    };
    if let Some(a) = &args.account
        && !model.accounts.iter().any(|x| &x.name == a)
    {
        let hint = crate::suggest::did_you_mean(a, model.accounts.iter().map(|x| x.name.as_str()));
        return usage_error(format!(
            "no account `{a}` in the org{}",
            hint.map(|h| format!("; {h}")).unwrap_or_default()
        ));
    }
    let filter = Filter {
        account: args.account.clone(),
        principal: args.principal.clone(),
        level: args.level.map(|l| match l {
            LevelArg::Read => AccessLevel::Read,
            LevelArg::Write => AccessLevel::Write,
            LevelArg::Admin => AccessLevel::Admin,
        }),
    };
    match args.format {
        AccessFormat::Text => print!("{}", report::text(&report::select(model, audit, &filter))),
        AccessFormat::Markdown => {
            print!(
                "{}",
                report::markdown(&report::select(model, audit, &filter))
            );
        }
        // Streamed: a large org's audit is hundreds of thousands of rows.
        AccessFormat::Json => {
            let rows = report::JsonRows {
                model,
                rows: &audit.rows,
                filter: &filter,
            };
            if let Err(code) = crate::cli::print_json(&rows) {
                return code;
            }
        }
    }
    if failed { EXIT_FAILED } else { EXIT_OK }
}
