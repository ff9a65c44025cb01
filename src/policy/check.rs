//! Checks IAM policy text the way IAM and Access Analyzer would, before anything is written:
//! characters, JSON syntax, the policy grammar, and the actions against the catalogue.
//! Every problem carries the span of the offending JSON value.

mod action;
mod condition;
pub mod operators;
mod principal;
mod statement;
mod text;

pub use text::{is_allowed_char, size_without_whitespace, thousands};

use super::document::{OneOrMany, POLICY_VERSION, PolicyDocument, Statement};
use super::json::{self, SpannedValue, ValueKind};
use super::problem::{Problem, codes};
use super::suggest;
use foldhash::{HashMap, HashMapExt};
use std::ops::Range;

/// Which rules apply: identity policies are attached to a role or permission set; trust
/// policies say who may assume a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    Identity,
    Trust,
}

impl PolicyKind {
    fn describe(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an identity policy",
            PolicyKind::Trust => "a trust policy",
        }
    }
}

/// The outcome of checking one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The typed document, present only when there are no errors (warnings allowed).
    pub document: Option<PolicyDocument>,
    pub problems: Vec<Problem>,
    /// Characters not counting whitespace, as AWS counts them against its size quotas.
    pub size: usize,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

const TOP_LEVEL_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

/// Checks policy text. Never panics, whatever the input.
pub fn check(text: &str, kind: PolicyKind) -> Checked {
    let size = size_without_whitespace(text);
    let mut problems = text::charset_problems(text);
    let parsed = match json::parse(text) {
        Ok(parsed) => parsed,
        Err(problem) => {
            problems.push(problem);
            return Checked {
                document: None,
                problems,
                size,
            };
        }
    };
    problems.extend(parsed.duplicate_keys);
    let mut checker = Checker {
        kind,
        problems,
        sids: HashMap::new(),
    };
    let document = checker.document(&parsed.value);
    let mut problems = checker.problems;
    problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    let document = document.filter(|_| !problems.iter().any(Problem::is_error));
    Checked {
        document,
        problems,
        size,
    }
}

/// Checks a document built in Rust (for example a generated trust policy) by serialising
/// it as pretty JSON; spans refer to `serde_json::to_string_pretty(document)`.
pub fn check_document(document: &PolicyDocument, kind: PolicyKind) -> Checked {
    match serde_json::to_string_pretty(document) {
        Ok(text) => check(&text, kind),
        Err(e) => Checked {
            document: None,
            problems: vec![Problem::error(
                codes::INVALID_JSON,
                format!("the document cannot be written as JSON: {e}"),
            )],
            size: 0,
        },
    }
}

/// What a statement looks like, for problems about its shape.
const STATEMENT_HELP: &str = r#"write each statement as an object, e.g. `{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }`"#;

/// How to write an element that takes a string or a list of strings, with an example
/// value that fits the element.
fn string_list_help(element: &str) -> String {
    let example = match element {
        "Action" | "NotAction" => "s3:GetObject",
        "Resource" | "NotResource" => "arn:aws:s3:::my-bucket/*",
        "AWS" => "arn:aws:iam::111122223333:root",
        "Service" => "ecs-tasks.amazonaws.com",
        "Federated" => "arn:aws:iam::111122223333:saml-provider/my-idp",
        _ => "…",
    };
    format!("write `\"{element}\": \"{example}\"` or a list of such strings")
}

/// State shared by the checks of one policy.
struct Checker {
    kind: PolicyKind,
    problems: Vec<Problem>,
    /// Sids seen so far and where each was first used, to report repeats.
    sids: HashMap<String, Range<usize>>,
}

/// A string or list of strings as written, with the span of each string.
struct StringList<'v> {
    items: Vec<(&'v str, Range<usize>)>,
    many: bool,
}

impl StringList<'_> {
    fn to_one_or_many(&self) -> OneOrMany<String> {
        let mut strings = self.items.iter().map(|(s, _)| (*s).to_owned());
        match (self.many, strings.next()) {
            (false, Some(one)) => OneOrMany::One(one),
            (_, first) => OneOrMany::Many(first.into_iter().chain(strings).collect()),
        }
    }
}

impl Checker {
    fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn error(&mut self, code: &'static str, message: String, span: Range<usize>) {
        self.push(Problem::error(code, message).with_span(span));
    }

    fn error_with_help(
        &mut self,
        code: &'static str,
        message: String,
        span: Range<usize>,
        help: impl Into<String>,
    ) {
        self.push(
            Problem::error(code, message)
                .with_span(span)
                .with_help(help),
        );
    }

    /// A string, or a non-empty list of strings: the shape of `Action`, `Resource` and
    /// principal values.
    fn string_list<'v>(&mut self, element: &str, node: &'v SpannedValue) -> Option<StringList<'v>> {
        match &node.kind {
            ValueKind::String(s) => Some(StringList {
                items: vec![(s.as_ref(), node.span.clone())],
                many: false,
            }),
            ValueKind::Array(items) if items.is_empty() => {
                self.error_with_help(
                    codes::INVALID_TYPE,
                    format!("`{element}` is an empty list"),
                    node.span.clone(),
                    string_list_help(element),
                );
                None
            }
            ValueKind::Array(items) => {
                let mut strings = Vec::with_capacity(items.len());
                for item in items {
                    match &item.kind {
                        ValueKind::String(s) => strings.push((s.as_ref(), item.span.clone())),
                        _ => self.error_with_help(
                            codes::INVALID_TYPE,
                            format!("`{element}` must list strings, not {}", item.kind_name()),
                            item.span.clone(),
                            string_list_help(element),
                        ),
                    }
                }
                (strings.len() == items.len()).then_some(StringList {
                    items: strings,
                    many: true,
                })
            }
            _ => {
                self.error_with_help(
                    codes::INVALID_TYPE,
                    format!(
                        "`{element}` must be a string or a list of strings, not {}",
                        node.kind_name()
                    ),
                    node.span.clone(),
                    string_list_help(element),
                );
                None
            }
        }
    }

    /// Reports an element name that is not one of `known`, suggesting the closest.
    fn unknown_element(&mut self, what: &str, key: &str, span: Range<usize>, known: &[&str]) {
        self.push(
            Problem::error(
                codes::UNKNOWN_ELEMENT,
                format!("unknown {what} element `{key}`"),
            )
            .with_span(span)
            .with_optional_help(
                suggest::did_you_mean(key, known.iter().copied()).or_else(|| {
                    Some(format!(
                        "the {what} elements are {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }),
            ),
        );
    }

    fn document(&mut self, root: &SpannedValue) -> Option<PolicyDocument> {
        let Some(members) = root.as_object() else {
            self.error_with_help(
                codes::INVALID_TYPE,
                format!("a policy must be a JSON object, not {}", root.kind_name()),
                root.span.clone(),
                format!("write `{{ \"Version\": \"{POLICY_VERSION}\", \"Statement\": [ … ] }}`"),
            );
            return None;
        };
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        let mut saw_statement = false;
        for member in members {
            match member.key.as_ref() {
                "Version" => version = self.version(&member.value),
                "Id" => id = self.id(member),
                "Statement" => {
                    saw_statement = true;
                    statements = self.statements(&member.value);
                }
                other => self.unknown_element(
                    "policy",
                    other,
                    member.key_span.clone(),
                    &TOP_LEVEL_ELEMENTS,
                ),
            }
        }
        if root.get("Version").is_none() {
            self.push(
                Problem::error(codes::MISSING_ELEMENT, "the policy has no `Version`")
                    .with_span(root.span.start..root.span.start + 1)
                    .with_help(format!(
                        "add `\"Version\": \"{POLICY_VERSION}\"`; without it IAM treats policy variables such as `${{aws:username}}` as literal text"
                    )),
            );
        }
        if !saw_statement {
            self.push(
                Problem::error(codes::MISSING_ELEMENT, "the policy has no `Statement`")
                    .with_span(root.span.start..root.span.start + 1),
            );
        }
        Some(PolicyDocument {
            version: version?,
            id,
            statement: statements?,
        })
    }

    fn version(&mut self, node: &SpannedValue) -> Option<String> {
        match node.as_str() {
            Some(POLICY_VERSION) => Some(POLICY_VERSION.to_owned()),
            Some("2008-10-17") => {
                self.push(
                    Problem::error(
                        codes::INVALID_VERSION,
                        "policy version `2008-10-17` is not supported",
                    )
                    .with_span(node.span.clone())
                    .with_help(format!(
                        "use `{POLICY_VERSION}`; with `2008-10-17` IAM treats policy variables such as `${{aws:username}}` as literal text"
                    )),
                );
                None
            }
            Some(other) => {
                self.push(
                    Problem::error(
                        codes::INVALID_VERSION,
                        format!("unknown policy version `{other}`"),
                    )
                    .with_span(node.span.clone())
                    .with_help(format!("use `{POLICY_VERSION}`")),
                );
                None
            }
            None => {
                self.error(
                    codes::INVALID_VERSION,
                    format!("`Version` must be the string `{POLICY_VERSION}`"),
                    node.span.clone(),
                );
                None
            }
        }
    }

    fn id(&mut self, member: &json::Member) -> Option<String> {
        if self.kind == PolicyKind::Identity {
            self.push(
                Problem::error(
                    codes::FORBIDDEN_ELEMENT,
                    "`Id` is not allowed in an identity policy",
                )
                .with_span(member.span())
                .with_help("`Id` belongs only in resource-based policies; remove it"),
            );
            return None;
        }
        match member.value.as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                self.error_with_help(
                    codes::INVALID_TYPE,
                    format!("`Id` must be a string, not {}", member.value.kind_name()),
                    member.value.span.clone(),
                    "write `\"Id\": \"DeployTrust\"`, or remove it",
                );
                None
            }
        }
    }

    fn statements(&mut self, node: &SpannedValue) -> Option<OneOrMany<Statement>> {
        match &node.kind {
            ValueKind::Object(_) => self.statement(node).map(OneOrMany::One),
            ValueKind::Array(items) if items.is_empty() => {
                self.error(
                    codes::MISSING_ELEMENT,
                    "`Statement` is an empty list".to_owned(),
                    node.span.clone(),
                );
                None
            }
            ValueKind::Array(items) => {
                let statements: Vec<Option<Statement>> =
                    items.iter().map(|item| self.statement(item)).collect();
                statements
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(OneOrMany::Many)
            }
            _ => {
                self.error_with_help(
                    codes::INVALID_TYPE,
                    format!(
                        "`Statement` must be an object or a list of objects, not {}",
                        node.kind_name()
                    ),
                    node.span.clone(),
                    STATEMENT_HELP,
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
