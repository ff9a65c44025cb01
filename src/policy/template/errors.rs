//! Turning handlebars' errors into problems that point at the template source and say what
//! the context offers instead.

use super::position::{line_span, mustache_span, offset};
use crate::policy::problem::{Problem, codes};
use crate::policy::suggest;
use handlebars::{RenderError, RenderErrorReason, TemplateError};

/// A syntax error, with the span handlebars' line and column point at.
pub fn syntax_problem(error: &TemplateError, source: &str) -> Problem {
    let mut problem = Problem::error(
        codes::TEMPLATE_SYNTAX,
        lowercase_first(&error.reason().to_string()),
    );
    if let Some((line, column)) = error.pos() {
        let start = offset(source, line, column);
        let end = source
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or(start, |c| start + c.len_utf8());
        problem.span = Some(start..end);
    }
    problem
}

/// A rendering error, with the span of the template line it happened on (the whole
/// mustache when the column is known).
pub fn render_problem(
    error: &RenderError,
    name: &str,
    source: &str,
    context: &serde_json::Value,
) -> Problem {
    let mut problem = match error.reason() {
        RenderErrorReason::MissingVariable(Some(path)) => Problem::error(
            codes::MISSING_VARIABLE,
            format!("template variable `{path}` is not defined"),
        )
        .with_help(available_keys(path, context)),
        RenderErrorReason::MissingVariable(None) => {
            Problem::error(codes::MISSING_VARIABLE, "a template value is not defined")
                .with_help(available_keys("", context))
        }
        RenderErrorReason::TemplateNotFound(missing)
        | RenderErrorReason::PartialNotFound(missing) => Problem::error(
            codes::UNKNOWN_TEMPLATE,
            format!("template `{missing}` does not exist"),
        ),
        RenderErrorReason::HelperNotFound(helper) => Problem::error(
            codes::RENDER,
            format!("unknown template helper `{helper}`"),
        )
        .with_help("the helpers are `json` and the handlebars built-ins (`if`, `unless`, `each`, `with`, `lookup`, `eq`, …)"),
        other => Problem::error(
            codes::RENDER,
            format!(
                "cannot render template `{name}`: {}",
                lowercase_first(&other.to_string())
            ),
        ),
    };
    // An error inside a partial carries the partial's line, which this source cannot show.
    let in_this_template = error.template_name.as_deref().is_none_or(|t| t == name);
    if let (Some(line), true) = (error.line_no, in_this_template) {
        problem.span = Some(match error.column_no {
            Some(column) => mustache_span(source, offset(source, line, column)),
            None => line_span(source, line),
        });
    } else if let Some(other) = &error.template_name {
        problem.message = format!("{} (in template `{other}`)", problem.message);
    }
    problem
}

/// "`vars` has `bucket`, `region`": the keys at the deepest part of `path` that exists,
/// with a suggestion for the first part that does not.
fn available_keys(path: &str, context: &serde_json::Value) -> String {
    let mut here = context;
    let mut walked: Vec<&str> = Vec::new();
    let segments = path
        .trim_start_matches("this.")
        .trim_start_matches("./")
        .split(['.', '/'])
        .filter(|s| !s.is_empty() && *s != "this");
    let mut missing = None;
    for segment in segments {
        match here.get(segment) {
            Some(next) => {
                here = next;
                walked.push(segment);
            }
            None => {
                missing = Some(segment);
                break;
            }
        }
    }
    let Some(object) = here.as_object() else {
        return "the context has no keys here".to_owned();
    };
    let where_ = if walked.is_empty() {
        "the context".to_owned()
    } else {
        format!("`{}`", walked.join("."))
    };
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let listed = if keys.is_empty() {
        format!("{where_} is empty")
    } else {
        format!(
            "{where_} has {}",
            keys.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match missing.and_then(|m| suggest::closest(m, keys.iter().copied())) {
        Some(close) => format!("did you mean `{close}`? {listed}"),
        None => listed,
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_the_keys_where_the_path_stops() {
        let ctx = json!({"org": {"name": "x"}, "vars": {"bucket": "b", "region": "r"}});
        assert_eq!(
            available_keys("vars.buckt", &ctx),
            "did you mean `bucket`? `vars` has `bucket`, `region`"
        );
        assert_eq!(
            available_keys("acount.id", &ctx),
            "the context has `org`, `vars`"
        );
        assert_eq!(
            available_keys("org.name.x", &ctx),
            "the context has no keys here"
        );
    }
}
