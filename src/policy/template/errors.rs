//! Turning handlebars' errors into problems that point at the template source and say what
//! the context offers instead.

use super::position::{line_span, mustache_span, offset};
use crate::policy::problem::{Problem, codes};
use crate::policy::suggest;
use handlebars::{RenderError, RenderErrorReason, TemplateError, TemplateErrorReason};
use std::ops::Range;

/// A syntax error, with the span handlebars' line and column point at.
///
/// Handlebars' own wording is kept where it is readable (a block closed by the wrong
/// helper); its parser's reasons ("expected trailing_tilde_to_omit_whitespace") name
/// grammar rules, so those become a plain description of the malformed expression.
pub fn syntax_problem(error: &TemplateError, source: &str) -> Problem {
    let unclosed = match error.reason() {
        TemplateErrorReason::InvalidSyntax(expected) if expected.contains("helper_block_end") => {
            unclosed_block(source)
        }
        _ => None,
    };
    if let Some((name, span)) = unclosed {
        return Problem::error(
            codes::TEMPLATE_SYNTAX,
            format!("block `{{{{#{name}}}}}` is never closed"),
        )
        .with_span(span)
        .with_help(format!("end the block with `{{{{/{name}}}}}`"));
    }
    let at = error
        .pos()
        .map(|(line, column)| offset(source, line, column));
    let problem = match error.reason() {
        TemplateErrorReason::InvalidSyntax(_) => {
            return malformed_expression(source, at);
        }
        TemplateErrorReason::MismatchingClosedHelper(open, close)
        | TemplateErrorReason::MismatchingClosedDecorator(open, close) => Problem::error(
            codes::TEMPLATE_SYNTAX,
            format!("block `{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`"),
        )
        .with_help(format!("close `{{{{#{open} …}}}}` with `{{{{/{open}}}}}`")),
        other => Problem::error(codes::TEMPLATE_SYNTAX, lowercase_first(&other.to_string())),
    };
    match at {
        // Handlebars points at the start of the offending tag.
        Some(start) => problem.with_span(mustache_span(source, start)),
        None => problem,
    }
}

/// A parser error: the reason names grammar rules, so it is described instead. The span
/// runs from the expression's `{{` to where parsing stopped, or covers the whole
/// expression when it is closed but malformed inside.
fn malformed_expression(source: &str, at: Option<usize>) -> Problem {
    let problem = Problem::error(codes::TEMPLATE_SYNTAX, "malformed `{{ … }}` expression");
    let Some(start) = at else {
        return problem.with_help(CLOSE_HELP);
    };
    let end = source
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n')
        .map_or(start, |c| start + c.len_utf8());
    let Some(open) = open_expression(source, start) else {
        return problem.with_span(start..end).with_help(CLOSE_HELP);
    };
    let whole = mustache_span(source, open);
    let tag = source.get(whole.clone()).unwrap_or("");
    let closed = tag.ends_with("}}") && !tag.get(2..).is_some_and(|t| t.contains("{{"));
    let closing = tag.trim_start_matches('{').trim_start_matches('~');
    if closed && let Some(name) = closing.strip_prefix('/') {
        let name = name.trim_end_matches('}').trim_end_matches('~').trim();
        problem
            .with_span(whole)
            .with_help(format!(
                "`{tag}` closes a block that is not open; remove it or open the block with `{{{{#{name} …}}}}`"
            ))
    } else if closed {
        problem.with_span(whole).with_help(
            "an expression holds a path such as `{{vars.bucket}}`, or a helper and its arguments such as `{{json vars.buckets}}`",
        )
    } else {
        problem.with_span(open..end).with_help(CLOSE_HELP)
    }
}

const CLOSE_HELP: &str = "close every `{{` with `}}`, e.g. `{{vars.bucket}}`";

/// The innermost `{{#name …}}` block left open at the end of the source: its helper name
/// and the span of its opening tag.
fn unclosed_block(source: &str) -> Option<(String, Range<usize>)> {
    let mut open: Vec<(String, Range<usize>)> = Vec::new();
    let mut from = 0;
    while let Some(i) = source.get(from..).and_then(|rest| rest.find("{{")) {
        let start = from + i;
        let tag = mustache_span(source, start);
        from = tag.end.max(start + 2);
        let inner = source.get(start..tag.end).unwrap_or("");
        let body = inner.trim_start_matches('{').trim_start_matches('~');
        let name = |rest: &str| -> String {
            rest.trim_start_matches('>')
                .split(|c: char| c.is_whitespace() || c == '}' || c == '~')
                .find(|w| !w.is_empty())
                .unwrap_or("")
                .to_owned()
        };
        if let Some(rest) = body.strip_prefix('#') {
            open.push((name(rest), tag));
        } else if body.starts_with('/') {
            open.pop();
        }
    }
    open.pop().filter(|(name, _)| !name.is_empty())
}

/// The start of the `{{` that is still open at `at` on the same line, so a malformed
/// expression is underlined from its opening braces to where parsing stopped.
fn open_expression(source: &str, at: usize) -> Option<usize> {
    let before = source.get(..at)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let open = before.rfind("{{").filter(|&i| i >= line_start)?;
    let inner = before.get(open + 2..)?;
    (!inner.contains("}}")).then_some(open)
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
