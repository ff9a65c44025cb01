//! Policy templates: JSON IAM policies with Handlebars expressions, rendered so that no
//! interpolated value can change the policy's structure, then checked as policies.

mod errors;
mod escape;
mod lint;
mod position;

pub use escape::json_escape;

use super::check::{PolicyKind, check};
use super::document::PolicyDocument;
use super::problem::{Problem, codes};
use handlebars::Handlebars;
use handlebars::template::Template;
use std::collections::BTreeMap;

/// A template context prepared once. Handlebars copies a plain JSON context into its
/// own form on every render; for the same account context rendered into dozens of
/// role policies that copy cost more than the rendering.
#[derive(Debug, Clone)]
pub struct TemplateContext(handlebars::Context);

impl TemplateContext {
    pub fn new(value: serde_json::Value) -> Self {
        TemplateContext(handlebars::Context::from(value))
    }

    pub fn value(&self) -> &serde_json::Value {
        self.0.data()
    }
}

/// A set of loaded templates, ready to render.
pub struct Templates {
    registry: Handlebars<'static>,
    /// The source of every template that loaded, for spans in render errors.
    sources: BTreeMap<String, String>,
}

/// A problem in one template; its span is in that template's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub template: String,
    pub problem: Problem,
}

/// A rendered policy that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedPolicy {
    /// The rendered text; warning spans refer to it.
    pub text: String,
    pub document: PolicyDocument,
    /// Characters not counting whitespace.
    pub size: usize,
    pub warnings: Vec<Problem>,
}

/// Why a template did not yield a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// The rendered text when rendering worked and the policy check failed; the problems'
    /// spans are in it. `None` when rendering failed; the spans are then in the template.
    pub text: Option<String>,
    pub problems: Vec<Problem>,
}

impl Templates {
    /// Loads templates from `(name, source)` pairs. A template with a syntax error, an
    /// unescaped expression or a `json` helper inside a string is not loaded; each such
    /// problem is returned with the template's name.
    pub fn load<I, N, S>(templates: I) -> (Templates, Vec<TemplateProblem>)
    where
        I: IntoIterator<Item = (N, S)>,
        N: Into<String>,
        S: Into<String>,
    {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        // Partials must not re-indent their output: the text is JSON, not prose.
        registry.set_prevent_indent(true);
        registry.register_escape_fn(json_escape);
        registry.register_helper("json", Box::new(escape::JsonHelper));
        let mut sources = BTreeMap::new();
        let mut problems = Vec::new();
        for (name, source) in templates {
            let (name, source) = (name.into(), source.into());
            let found = match Template::compile_with_name(&source, name.clone()) {
                Ok(template) => {
                    let mut found = lint::unescaped_expressions(&template, &source);
                    found.extend(lint::json_inside_strings(&source));
                    if found.is_empty() {
                        registry.register_template(&name, template);
                        sources.insert(name.clone(), source);
                    }
                    found
                }
                Err(error) => vec![errors::syntax_problem(&error, &source)],
            };
            problems.extend(found.into_iter().map(|problem| TemplateProblem {
                template: name.clone(),
                problem,
            }));
        }
        (Templates { registry, sources }, problems)
    }

    /// The names of the templates that loaded.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(String::as_str)
    }

    /// Renders a template with a context such as `{"org": …, "vars": …, "account": …}`.
    /// A missing variable is an error (strict mode), with the span of the template line and
    /// the keys the context does have.
    pub fn render(&self, name: &str, context: &serde_json::Value) -> Result<String, Problem> {
        self.render_in(name, &TemplateContext::new(context.clone()))
    }

    /// [`Templates::render`] with a context prepared once for many renders.
    pub fn render_in(&self, name: &str, context: &TemplateContext) -> Result<String, Problem> {
        let Some(source) = self.sources.get(name) else {
            return Err(Problem::error(
                codes::UNKNOWN_TEMPLATE,
                format!("template `{name}` does not exist or did not load"),
            )
            .with_optional_help(super::suggest::did_you_mean(name, self.names())));
        };
        // Into a buffer the size of the template (handlebars' own starts at 8 KiB).
        let mut out = Vec::with_capacity(source.len() + source.len() / 4);
        self.registry
            .render_with_context_to_write(name, &context.0, &mut out)
            .map_err(|e| errors::render_problem(&e, name, source, context.value()))?;
        // Handlebars writes only `str`s, so the bytes are UTF-8.
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Renders a template and checks the result as a policy of the given kind.
    pub fn render_and_check(
        &self,
        name: &str,
        context: &serde_json::Value,
        kind: PolicyKind,
    ) -> Result<RenderedPolicy, Rejected> {
        let text = self.render(name, context).map_err(|problem| Rejected {
            text: None,
            problems: vec![problem],
        })?;
        Self::check_rendered(text, kind)
    }

    /// Checks a rendered text as a policy of the given kind: the second half of
    /// [`Templates::render_and_check`], for callers that render first and may already
    /// know the answer for this text.
    pub fn check_rendered(text: String, kind: PolicyKind) -> Result<RenderedPolicy, Rejected> {
        let checked = check(&text, kind);
        match checked.document {
            Some(document) => Ok(RenderedPolicy {
                text,
                document,
                size: checked.size,
                warnings: checked.problems,
            }),
            None => Err(Rejected {
                text: Some(text),
                problems: checked.problems,
            }),
        }
    }
}

#[cfg(test)]
mod tests;
