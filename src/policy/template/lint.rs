//! Load-time checks that keep template output injection-proof: no unescaped expressions
//! (`{{{x}}}`, `{{&x}}`) anywhere, including inside blocks, and no `{{json …}}` inside a JSON
//! string, where its quotes would end the string.

use super::position::{mustache_span, offset};
use crate::policy::problem::{Problem, codes};
use handlebars::template::{Template, TemplateElement};

/// Every unescaped expression in the template and its blocks.
pub fn unescaped_expressions(template: &Template, source: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(template, source, &mut problems);
    problems
}

fn walk(template: &Template, source: &str, problems: &mut Vec<Problem>) {
    for (index, element) in template.elements.iter().enumerate() {
        match element {
            TemplateElement::HtmlExpression(_) => {
                let span = template
                    .mapping
                    .get(index)
                    .map(|m| mustache_span(source, offset(source, m.0, m.1)));
                let mut problem = Problem::error(
                    codes::TRIPLE_STASH,
                    "unescaped expression in a policy template",
                )
                .with_help("write `{{value}}` inside a JSON string, or `{{json value}}` for lists and objects; unescaped output could add statements to the policy");
                problem.span = span;
                problems.push(problem);
            }
            TemplateElement::HelperBlock(block) => {
                for inner in [&block.template, &block.inverse].into_iter().flatten() {
                    walk(inner, source, problems);
                }
            }
            TemplateElement::DecoratorBlock(block) | TemplateElement::PartialBlock(block) => {
                if let Some(inner) = &block.template {
                    walk(inner, source, problems);
                }
            }
            _ => {}
        }
    }
}

/// `{{json …}}` written between the quotes of a JSON string.
///
/// Works on the source text with a small JSON string tracker that skips over mustaches,
/// since the parsed template no longer says which text surrounds an expression.
pub fn json_inside_strings(source: &str) -> Vec<Problem> {
    let bytes = source.as_bytes();
    let mut problems = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if bytes.get(i..i + 2) == Some(b"{{") {
            let span = if bytes.get(i..i + 5) == Some(b"{{!--") {
                let end = source
                    .get(i..)
                    .and_then(|rest| rest.find("--}}"))
                    .map_or(source.len(), |e| i + e + 4);
                i..end
            } else {
                mustache_span(source, i)
            };
            if in_string && is_json_helper(source.get(span.clone()).unwrap_or("")) {
                problems.push(
                    Problem::error(
                        codes::JSON_IN_STRING,
                        "`json` helper used inside a JSON string",
                    )
                    .with_span(span.clone())
                    .with_help("`{{json value}}` writes its own quotes; put it outside the string, or use `{{value}}` inside one"),
                );
            }
            i = span.end.max(i + 2);
            continue;
        }
        match (in_string, b) {
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (false, b'"') => in_string = true,
            _ => {}
        }
        i += 1;
    }
    problems
}

/// Whether a mustache calls the `json` helper: `{{json x}}`, `{{~ json x ~}}`.
fn is_json_helper(mustache: &str) -> bool {
    let inner = mustache
        .trim_start_matches('{')
        .trim_start_matches('~')
        .trim_start();
    inner
        .strip_prefix("json")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_whitespace() || c == '}' || c == '~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unescaped(source: &str) -> Vec<String> {
        let template = Template::compile(source).unwrap();
        unescaped_expressions(&template, source)
            .into_iter()
            .map(|p| source[p.span.unwrap()].to_owned())
            .collect()
    }

    #[test]
    fn finds_unescaped_expressions_at_any_depth() {
        assert_eq!(unescaped("a {{{x}}} b"), ["{{{x}}}"]);
        assert_eq!(unescaped("{{& x}}"), ["{{& x}}"]);
        assert_eq!(
            unescaped("{{#each xs}}\n  {{#if this}}{{{ this }}}{{else}}{{{y}}}{{/if}}\n{{/each}}"),
            ["{{{ this }}}", "{{{y}}}"]
        );
        assert!(unescaped("{{x}} {{json y}} {{!-- {{{z}}} --}}").is_empty());
    }

    #[test]
    fn finds_json_inside_strings() {
        let spans = |s: &str| -> Vec<String> {
            json_inside_strings(s)
                .into_iter()
                .map(|p| s[p.span.unwrap()].to_owned())
                .collect()
        };
        assert_eq!(spans(r#"{"Resource": "arn:{{json x}}"}"#), ["{{json x}}"]);
        assert_eq!(spans(r#"{"R": ["{{~json x~}}"]}"#), ["{{~json x~}}"]);
        assert!(
            spans(r#"{"Resource": {{json x}}, "S": "{{jsonish}}", "T": "\"{{y}}"}"#).is_empty()
        );
        assert!(spans(r#"{{!-- "{{json x}}" --}} {"a": {{json y}}}"#).is_empty());
    }
}
