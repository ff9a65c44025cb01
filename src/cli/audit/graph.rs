//! `orgc audit graph`: the org as Mermaid or DOT.

use crate::cli::{EXIT_FAILED, EXIT_OK, OrgArgs};
use crate::graph::{self, GraphFilter};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub org: OrgArgs,
    /// Mermaid (GitHub renders it in comments) or DOT (Graphviz).
    #[arg(long, value_enum)]
    pub format: GraphFormat,
    /// Only edges that touch this account.
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
    /// Only this principal's access edges (`group:<name>`, `role:<name>@<account>`, …).
    #[arg(long, value_name = "PRINCIPAL")]
    pub principal: Option<String>,
    /// Only network reachability or only access.
    #[arg(long, value_enum)]
    pub kind: Option<GraphKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphKind {
    Network,
    Access,
}

pub fn run(args: &GraphArgs) -> u8 {
    let crate::cli::Reported {
        checked,
        diags: _,
        failed,
    } = match args.org.check_and_report(crate::compile::Want::Audits) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (Some(model), Some(access), Some(network)) =
        (&checked.model, &checked.access, &checked.network)
    else {
        return EXIT_FAILED;
    };
    let filter = GraphFilter {
        account: args.account.clone(),
        principal: args.principal.clone(),
        // A principal filter is about access; show the network only when asked.
        network: args.kind != Some(GraphKind::Access)
            && (args.principal.is_none() || args.kind == Some(GraphKind::Network)),
        access: args.kind != Some(GraphKind::Network),
    };
    let g = graph::build(model, access, network, &filter);
    print!(
        "{}",
        match args.format {
            GraphFormat::Mermaid => g.mermaid(),
            GraphFormat::Dot => g.dot(),
        }
    );
    if failed { EXIT_FAILED } else { EXIT_OK }
}
