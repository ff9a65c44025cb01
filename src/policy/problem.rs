//! The findings that policy checks, managed-policy lookups and template rendering report.

use std::fmt;
use std::ops::Range;

/// How bad a finding is: errors stop the compile, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a policy or a template.
///
/// `span` is a byte range in the text that was checked: the policy text for policy
/// problems, the template source for template problems. Managed-policy lookups leave it
/// empty, since the caller knows where the reference was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Option<Range<usize>>,
    /// Other places in the same text that explain the problem (for example where a
    /// repeated Sid was first used), each with a short message. Their spans are in the
    /// same text as `span`.
    pub labels: Vec<(Range<usize>, String)>,
    pub help: Option<String>,
}

impl Problem {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: None,
            labels: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code, message)
        }
    }

    #[must_use]
    pub fn with_span(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    #[must_use]
    pub fn with_label(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.labels.push((span, message.into()));
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets `help` only when there is something to say, which keeps call sites that
    /// compute an optional suggestion short.
    #[must_use]
    pub fn with_optional_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}]: {}", self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// The stable problem codes. Tests, `acknowledge` lists and documentation refer to these,
/// so a code is never renamed once published.
pub mod codes {
    pub const INVALID_JSON: &str = "orgc::policy::invalid-json";
    pub const DUPLICATE_KEY: &str = "orgc::policy::duplicate-key";
    pub const INVALID_CHARACTER: &str = "orgc::policy::invalid-character";
    pub const INVALID_VERSION: &str = "orgc::policy::invalid-version";
    pub const MISSING_ELEMENT: &str = "orgc::policy::missing-element";
    pub const UNKNOWN_ELEMENT: &str = "orgc::policy::unknown-element";
    pub const FORBIDDEN_ELEMENT: &str = "orgc::policy::forbidden-element";
    pub const CONFLICTING_ELEMENTS: &str = "orgc::policy::conflicting-elements";
    pub const INVALID_TYPE: &str = "orgc::policy::invalid-type";
    pub const INVALID_EFFECT: &str = "orgc::policy::invalid-effect";
    pub const INVALID_SID: &str = "orgc::policy::invalid-sid";
    pub const DUPLICATE_SID: &str = "orgc::policy::duplicate-sid";
    pub const INVALID_PRINCIPAL: &str = "orgc::policy::invalid-principal";
    pub const WILDCARD_PRINCIPAL: &str = "orgc::policy::wildcard-principal";
    pub const INVALID_ACTION: &str = "orgc::policy::invalid-action";
    pub const UNKNOWN_SERVICE: &str = "orgc::policy::unknown-service";
    pub const UNKNOWN_ACTION: &str = "orgc::policy::unknown-action";
    pub const UNMATCHED_WILDCARD: &str = "orgc::policy::unmatched-wildcard";
    pub const TRUST_ACTION: &str = "orgc::policy::trust-action";
    pub const INVALID_RESOURCE: &str = "orgc::policy::invalid-resource";
    pub const UNKNOWN_CONDITION_OPERATOR: &str = "orgc::policy::unknown-condition-operator";
    pub const NULL_IF_EXISTS: &str = "orgc::policy::null-if-exists";
    pub const INVALID_CONDITION: &str = "orgc::policy::invalid-condition";
    pub const WILDCARD_WITHOUT_LIKE: &str = "orgc::policy::wildcard-without-like";
    pub const UNKNOWN_MANAGED_POLICY: &str = "orgc::policy::unknown-managed-policy";
    pub const INVALID_MANAGED_POLICY_ARN: &str = "orgc::policy::invalid-managed-policy-arn";
    pub const TEMPLATE_SYNTAX: &str = "orgc::template::syntax";
    pub const TRIPLE_STASH: &str = "orgc::template::triple-stash";
    pub const JSON_IN_STRING: &str = "orgc::template::json-in-string";
    pub const UNKNOWN_TEMPLATE: &str = "orgc::template::unknown-template";
    pub const MISSING_VARIABLE: &str = "orgc::template::missing-variable";
    pub const RENDER: &str = "orgc::template::render";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_code_message_and_help() {
        let p = Problem::error(codes::UNKNOWN_ACTION, "unknown action `s3:GetObjekt`")
            .with_span(3..17)
            .with_help("did you mean `s3:GetObject`?");
        assert_eq!(
            p.to_string(),
            "error[orgc::policy::unknown-action]: unknown action `s3:GetObjekt`\nhelp: did you mean `s3:GetObject`?"
        );
        assert!(p.is_error());
        assert!(!Problem::warning(codes::RENDER, "x").is_error());
    }
}
