//! `orgc audit`: reports on what the org allows. `audit network` answers which
//! accounts (or spokes) reach which, in both directions, with the path, and what
//! is exposed to the internet; `audit access` (in `audit/access.rs`) who can access
//! which account, at which level, by which path.
//!
//! The report is printed whenever the org resolves, even when a guardrail fails
//! (that is when it is most wanted); the exit code still says the org has errors.

mod access;
mod graph;

use super::{EXIT_FAILED, EXIT_OK, OrgArgs, usage_error};
use crate::network::audit::{self, By, Query};
use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Which accounts (or spokes) reach which, full or partial, both directions,
    /// with the path; and internet exposure.
    Network(NetworkArgs),
    /// Who can access which account, at which level, and through which chain of
    /// permission sets and roles.
    Access(access::AccessArgs),
    /// The accounts (grouped by OU), network reachability and access as a graph:
    /// Mermaid for pull-request comments, DOT for Graphviz.
    Graph(graph::GraphArgs),
}

#[derive(Debug, Args)]
pub struct NetworkArgs {
    #[command(flatten)]
    pub org: OrgArgs,
    /// Only pairs from this account (or spoke, with `--by spoke`).
    #[arg(long, value_name = "NAME")]
    pub from: Option<String>,
    /// Only pairs to this account (or spoke, with `--by spoke`).
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    /// Pairs of accounts (through their spokes) or of spokes.
    #[arg(long, value_enum, default_value_t = ByArg::Account)]
    pub by: ByArg,
    /// `text` for people, `json` for programs, `markdown` for pull-request comments.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also list pairs where neither direction delivers anything (always, with
    /// `--from` or `--to`; otherwise only pairs that deliver are listed, as in
    /// `audit/network.json`, since an org of thousands of accounts has millions of
    /// pairs that do not).
    #[arg(long)]
    pub all_pairs: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Account,
    Spoke,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &AuditArgs) -> u8 {
    match &args.command {
        AuditCommand::Network(a) => network(a),
        AuditCommand::Access(a) => access::run(a),
        AuditCommand::Graph(a) => graph::run(a),
    }
}

fn network(args: &NetworkArgs) -> u8 {
    let crate::cli::Reported {
        checked,
        diags: _,
        failed,
    } = match args.org.check_and_report(crate::compile::Want::Diagnostics) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (Some(model), Some(net)) = (checked.model.as_ref(), &checked.network) else {
        if !args.org.report.quiet {
            eprintln!("error: the org has errors; no audit");
        }
        return EXIT_FAILED;
    };
    let by = match args.by {
        ByArg::Account => By::Account,
        ByArg::Spoke => By::Spoke,
    };
    let find = |name: &Option<String>| match name {
        Some(n) => audit::lookup(model, by, n).map(Some),
        None => Ok(None),
    };
    let (from, to) = match (find(&args.from), find(&args.to)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return usage_error(e),
    };
    let query = Query {
        by,
        from,
        to,
        all_pairs: args.all_pairs || from.is_some() || to.is_some(),
    };
    match args.format {
        Format::Text => {
            let report = audit::audit(model, net, query);
            print!("{}", audit::text(model, net, query, &report));
        }
        Format::Markdown => print!("{}", audit::markdown(&audit::audit(model, net, query))),
        // The CLI contract: a list with one object per pair, each serialised as it
        // is found. The internet exposure is in the text and Markdown forms, and in
        // `audit/network.json`.
        Format::Json => {
            let printed = crate::cli::print_pieces(|sink| {
                crate::network::audit_json::AuditJson::new(model, net, query).write_pairs(sink)
            });
            if let Err(code) = printed {
                return code;
            }
        }
    }
    if failed { EXIT_FAILED } else { EXIT_OK }
}
