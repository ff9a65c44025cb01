//! `orgc schema`: the JSON Schema of the org format, generated from the input types.

use super::EXIT_OK;
use clap::Args;

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn run(_: &SchemaArgs) -> u8 {
    print!("{}", crate::schema::org_schema_text());
    EXIT_OK
}
