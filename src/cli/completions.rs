//! `orgc completions SHELL`: completion scripts generated from the same flag
//! definitions the parser uses, so they can never drift.

use super::{Cli, EXIT_OK};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> u8 {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "orgc", &mut std::io::stdout());
    EXIT_OK
}
