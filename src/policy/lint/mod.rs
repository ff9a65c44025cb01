//! The security lint: checks modelled on IAM Access Analyzer's policy checks, run on every
//! policy `orgc` writes, identity and trust alike.
//!
//! The structural checker (`policy::check`) decides whether a document is a valid policy;
//! the lint assumes it is one and asks whether it is a *safe* one. Each check lives in its
//! own file with a stable code (`orgc::lint::<name>`), a severity and a one-paragraph doc,
//! and is registered once in the `registry!` list below, which both runs it and lists it
//! in [`all_lints`].
//!
//! Severities follow Access Analyzer: errors and security warnings fail the build; an org
//! may acknowledge a security warning by code on the role or permission set that carries
//! the policy. Warnings and suggestions are reported and never fail the build.

mod support;

#[cfg(test)]
mod tests;

use super::check::PolicyKind;
use super::document::PolicyDocument;
use super::document::Statement;
use std::fmt;

/// How bad a finding is, in Access Analyzer's four levels, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LintSeverity {
    /// The policy does not do what it says, or IAM rejects it.
    Error,
    /// The policy grants more than it appears to, in a way attackers use.
    SecurityWarning,
    /// The policy probably does not do what its author meant.
    Warning,
    /// The policy works but could be shorter or clearer.
    Suggestion,
}

impl LintSeverity {
    /// The name used in diagnostics and documentation, e.g. `security warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            LintSeverity::Error => "error",
            LintSeverity::SecurityWarning => "security warning",
            LintSeverity::Warning => "warning",
            LintSeverity::Suggestion => "suggestion",
        }
    }

    /// Whether a finding of this severity fails the build when it is not acknowledged.
    pub fn fails_build(self) -> bool {
        matches!(self, LintSeverity::Error | LintSeverity::SecurityWarning)
    }

    /// Whether an org may accept a finding of this severity with `acknowledge`: only
    /// security warnings, since errors are never right and the rest never fail the build.
    pub fn can_be_acknowledged(self) -> bool {
        self == LintSeverity::SecurityWarning
    }
}

impl fmt::Display for LintSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about one policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check's stable code, e.g. `orgc::lint::pass-role-star`.
    pub code: &'static str,
    pub severity: LintSeverity,
    pub message: String,
    /// Index into the document's statements, when the finding is about one statement.
    pub statement: Option<usize>,
    pub help: Option<String>,
}

impl Finding {
    /// A finding of `info`'s check about statement `index`.
    fn new(info: &LintInfo, index: usize, message: String) -> Self {
        Finding {
            code: info.code,
            severity: info.severity,
            message,
            statement: Some(index),
            help: None,
        }
    }

    #[must_use]
    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        if let Some(index) = self.statement {
            write!(f, " (statement {index})")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

/// What the registry knows about one check: enough for the README, for `--explain`-style
/// output and for validating `acknowledge` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintInfo {
    /// Stable, never renamed once published: org files acknowledge findings by it.
    pub code: &'static str,
    pub severity: LintSeverity,
    /// One line: what the check finds.
    pub summary: &'static str,
    /// One paragraph: what the check finds, why it matters and what to write instead.
    pub doc: &'static str,
}

/// What every check sees: the statements and the kind of policy they form.
struct Context<'a> {
    kind: PolicyKind,
    statements: &'a [Statement],
}

impl<'a> Context<'a> {
    fn statements(&self) -> impl Iterator<Item = (usize, &'a Statement)> {
        self.statements.iter().enumerate()
    }
}

/// A check: appends its findings, in statement order.
type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// Declares the check modules once, so the list that runs them and the list that documents
/// them cannot drift apart. Order is the order findings about one statement are reported.
macro_rules! registry {
    ($($module:ident),+ $(,)?) => {
        $(mod $module;)+

        static LINTS: &[LintInfo] = &[$($module::INFO),+];

        const CHECKS: &[Check] = &[$($module::check),+];

        /// Every check's failing and passing examples, for the registry-wide tests.
        #[cfg(test)]
        fn all_examples() -> Vec<(&'static LintInfo, Vec<tests::Example>)> {
            vec![$((&$module::INFO, $module::examples())),+]
        }
    };
}

registry! {
    pass_role_star,
    allow_not_action,
    allow_not_resource,
    full_admin,
    sensitive_action_wildcard,
    service_wildcard,
    for_all_values_with_allow,
    null_if_exists,
    mfa_bool_without_if_exists,
    mfa_if_exists_with_allow,
    service_principal_without_source,
    missing_external_id_or_org,
    duplicate_statement,
    redundant_statement,
    redundant_action,
    redundant_resource,
}

/// Every check, in registry order.
pub fn all_lints() -> &'static [LintInfo] {
    LINTS
}

/// The check with this code, if there is one: `acknowledge` lists are validated with it.
pub fn lint_info(code: &str) -> Option<&'static LintInfo> {
    LINTS.iter().find(|info| info.code == code)
}

/// The known code closest to a misspelt one, for "did you mean" in `acknowledge` lists.
pub fn closest_code(code: &str) -> Option<&'static str> {
    super::suggest::closest(code, LINTS.iter().map(|info| info.code))
}

/// Lints one policy document.
///
/// The document is expected to have passed the structural checker for `kind`, but any
/// document is accepted and none makes this panic. Findings are ordered by statement,
/// then by check in registry order, so the output is the same on every run.
pub fn lint(doc: &PolicyDocument, kind: PolicyKind) -> Vec<Finding> {
    let context = Context {
        kind,
        statements: doc.statements(),
    };
    let mut findings = Vec::new();
    for check in CHECKS {
        check(&context, &mut findings);
    }
    // Stable, so the registry order survives within each statement.
    findings.sort_by_key(|f| f.statement);
    findings
}
