//! orgc compiles a TOML description of a multi-account AWS organisation into JSON
//! desired state, after checking it against the format's schema, every semantic rule
//! and AWS's limits.
//!
//! The pipeline, one module per stage: [`load`] (files) → [`parse`] (syntax, schema,
//! typed [`spec`], merge) → [`resolve`] (references, selectors, semantic checks →
//! [`model`]). Diagnostics from every stage are collected in one [`diagnostic::Diagnostics`].

pub mod cli;
pub mod diagnostic;
pub mod load;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod spanned;
pub mod spec;
pub mod suggest;
pub mod toml_json;

use diagnostic::Diagnostics;
use source::SourceMap;

/// The result of checking an org: the resolved model when there were no errors, and
/// every diagnostic found either way.
pub struct Checked {
    pub sources: SourceMap,
    pub model: Option<model::Model>,
    pub diagnostics: Diagnostics,
}

/// Run every check on an org already read into memory.
pub fn check(inputs: load::Inputs) -> Checked {
    let mut sources = SourceMap::default();
    for f in inputs.org_files {
        sources.add(f);
    }
    let templates: Vec<String> = inputs
        .templates
        .iter()
        .filter_map(|t| template_name(&t.name))
        .collect();
    let mut diagnostics = Diagnostics::default();
    for (name, offset) in &inputs.encoding_errors {
        if let Some((id, _)) = sources.iter().find(|(_, f)| &f.name == name) {
            diagnostics.push(
                diagnostic::Diagnostic::error(
                    "orgc::syntax::encoding",
                    "the file is not valid UTF-8",
                )
                .at(id, *offset..*offset)
                .with_help("save the file as UTF-8"),
            );
        }
    }
    let model = parse::parse(&sources, &mut diagnostics)
        .and_then(|spec| resolve::resolve(&spec, &templates, &mut diagnostics));
    let model = if diagnostics.has_errors() {
        None
    } else {
        model
    };
    Checked {
        sources,
        model,
        diagnostics,
    }
}

/// A template's name: its file name without `.json.hbs` or `.json`.
pub fn template_name(path: &str) -> Option<String> {
    let file = path.rsplit('/').next()?;
    file.strip_suffix(".json.hbs")
        .or_else(|| file.strip_suffix(".json"))
        .map(str::to_string)
}
