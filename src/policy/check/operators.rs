//! IAM condition operators: the complete list, with the `IfExists` suffix and the
//! `ForAllValues:` / `ForAnyValue:` set qualifiers.

use crate::policy::problem::{Problem, codes};
use crate::policy::suggest;

/// Every base operator IAM documents.
pub const OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

const QUALIFIERS: [&str; 2] = ["ForAllValues", "ForAnyValue"];
const IF_EXISTS: &str = "IfExists";

/// Operators that compare strings literally, where `*` is not a wildcard.
const LITERAL_STRING_OPERATORS: [&str; 4] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A parsed condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub base: &'static str,
    pub if_exists: bool,
}

impl Operator {
    /// Whether a `*` in a value is taken literally, so the author probably meant `…Like`.
    pub fn compares_literally(&self) -> bool {
        LITERAL_STRING_OPERATORS.contains(&self.base)
    }
}

fn base_operators() -> impl Iterator<Item = &'static str> {
    OPERATORS.iter().copied()
}

/// Parses an operator. The error has no span; the caller knows where the operator is.
pub fn parse_operator(text: &str) -> Result<Operator, Problem> {
    let (qualifier, rest) = match text.split_once(':') {
        Some((q, rest)) => (Some(q), rest),
        None => (None, text),
    };
    let qualifier = match qualifier {
        None => None,
        Some("ForAllValues") => Some(SetQualifier::ForAllValues),
        Some("ForAnyValue") => Some(SetQualifier::ForAnyValue),
        Some(q) => {
            let fixed = suggest::closest(q, QUALIFIERS)
                .map(|good| format!("did you mean `{good}:{}`?", suggest_base(rest)));
            return Err(Problem::error(
                codes::UNKNOWN_CONDITION_OPERATOR,
                format!("unknown set qualifier `{q}` in condition operator `{text}`"),
            )
            .with_optional_help(fixed.or_else(|| {
                Some("the set qualifiers are `ForAllValues:` and `ForAnyValue:`".to_owned())
            })));
        }
    };
    if let Some(base) = base_operators().find(|op| *op == rest) {
        return Ok(Operator {
            qualifier,
            base,
            if_exists: false,
        });
    }
    if let Some(stripped) = rest.strip_suffix(IF_EXISTS)
        && let Some(base) = base_operators().find(|op| *op == stripped)
    {
        if base == "Null" {
            return Err(Problem::error(
                codes::NULL_IF_EXISTS,
                format!("`{text}` is not a condition operator: `Null` cannot take `IfExists`"),
            )
            .with_help("`Null` already tests whether the key exists; use plain `Null`"));
        }
        return Ok(Operator {
            qualifier,
            base,
            if_exists: true,
        });
    }
    let prefix = text.get(..text.len() - rest.len()).unwrap_or("");
    let help = suggest_full(rest).map(|good| format!("did you mean `{prefix}{good}`?"));
    Err(Problem::error(
        codes::UNKNOWN_CONDITION_OPERATOR,
        format!("unknown condition operator `{text}`"),
    )
    .with_optional_help(help))
}

/// The closest operator, with or without `IfExists`.
fn suggest_full(text: &str) -> Option<String> {
    let with_suffix: Vec<String> = base_operators()
        .filter(|op| *op != "Null")
        .map(|op| format!("{op}{IF_EXISTS}"))
        .collect();
    let plain = OPERATORS.iter().map(|op| -> &str { op });
    let candidates = plain.chain(with_suffix.iter().map(String::as_str));
    suggest::closest(text, candidates).map(str::to_owned)
}

/// The operator part of a suggestion, corrected when it is itself wrong.
fn suggest_base(text: &str) -> String {
    if parse_operator(text).is_ok() {
        return text.to_owned();
    }
    suggest_full(text).unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_documented_form() {
        for op in base_operators() {
            assert_eq!(parse_operator(op).unwrap().base, op);
        }
        let op = parse_operator("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, "StringLike");
        assert!(op.if_exists);
        assert!(parse_operator("ForAllValues:ArnEquals").is_ok());
        assert_eq!(base_operators().count(), 27);
    }

    #[test]
    fn rejects_unknown_operators_with_a_suggestion() {
        let p = parse_operator("StringEqual").unwrap_err();
        assert_eq!(p.code, codes::UNKNOWN_CONDITION_OPERATOR);
        assert_eq!(p.help.as_deref(), Some("did you mean `StringEquals`?"));
        let p = parse_operator("ForAnyValues:StringLike").unwrap_err();
        assert_eq!(
            p.help.as_deref(),
            Some("did you mean `ForAnyValue:StringLike`?")
        );
        let p = parse_operator("stringlikeifexists").unwrap_err();
        assert_eq!(
            p.help.as_deref(),
            Some("did you mean `StringLikeIfExists`?")
        );
        assert!(parse_operator("StringSortOf").is_err());
    }

    #[test]
    fn null_cannot_take_if_exists() {
        assert_eq!(
            parse_operator("NullIfExists").unwrap_err().code,
            codes::NULL_IF_EXISTS
        );
        assert!(parse_operator("Null").is_ok());
    }
}
