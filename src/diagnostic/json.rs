//! `--diagnostic-format json`: a list of `{ code, severity, message, file, line,
//! column, help }` objects, as the CLI contract fixes them.

use super::Diagnostic;
use crate::source::SourceMap;
use serde::Serialize;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
}

pub fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diags
        .iter()
        .map(|d| {
            let place = d.primary.as_ref().and_then(|loc| {
                sources
                    .get(loc.file)
                    .map(|f| (f.name.as_str(), f.line_col(loc.span.start)))
            });
            JsonDiagnostic {
                code: d.code,
                severity: d.severity.as_str(),
                message: &d.message,
                file: place.map(|p| p.0),
                line: place.map(|p| p.1.0),
                column: place.map(|p| p.1.1),
                help: d.help.as_deref(),
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}
