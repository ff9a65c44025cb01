//! Questions several checks ask about a statement: which actions it grants, whether a
//! resource pattern covers every resource of a kind, whether one pattern covers another,
//! and whether a condition really requires a key.

use crate::policy::check::operators::parse_operator;
use crate::policy::document::{Effect, OneOrMany, Principal, Statement};
use crate::policy::wildcard::{self, Case};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// `*`, `**`, …: a pattern that matches anything.
pub fn is_all_stars(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.bytes().all(|b| b == b'*')
}

/// An action pattern that matches every action: `*`, or `*:*`.
pub fn is_every_action(pattern: &str) -> bool {
    match pattern.split_once(':') {
        Some((service, action)) => is_all_stars(service) && is_all_stars(action),
        None => is_all_stars(pattern),
    }
}

pub fn is_allow(statement: &Statement) -> bool {
    statement.effect == Effect::Allow
}

/// Whether the statement's `Condition` has no entries: only then does it apply to every
/// request its actions, resources and principals match.
pub fn is_unconditional(statement: &Statement) -> bool {
    statement
        .condition
        .as_ref()
        .is_none_or(|c| c.values().all(BTreeMap::is_empty))
}

/// How a statement comes to apply to one action, for messages: the `Action` pattern that
/// matches it, or `None` when it is reached through `NotAction`. The outer `None` means the
/// statement does not apply to the action at all.
pub fn grant_of<'s>(statement: &'s Statement, action: &str) -> Option<Option<&'s str>> {
    match (&statement.action, &statement.not_action) {
        (Some(patterns), _) => patterns
            .iter()
            .find(|p| wildcard::matches(p, action, Case::Insensitive))
            .map(|p| Some(p.as_str())),
        (None, Some(excluded)) => {
            let kept = !excluded
                .iter()
                .any(|p| wildcard::matches(p, action, Case::Insensitive));
            kept.then_some(None)
        }
        (None, None) => None,
    }
}

/// Says how an action was granted: "`iam:*`" or "`NotAction`, which does not exclude it".
pub fn describe_grant(grant: Option<&str>) -> String {
    match grant {
        Some(pattern) => format!("`{pattern}`"),
        None => "`NotAction`, which does not exclude it".to_owned(),
    }
}

/// A resource name no policy author writes literally (policy text may not contain control
/// characters), so only wildcards can match it.
const PROBE: &str = "\u{1}orgc-probe\u{1}";

/// Whether a resource pattern matches every resource of `service` whose resource part
/// starts with `prefix` (`role/` for every role), in at least one partition and account.
///
/// The pattern is tried against a probe ARN that keeps the pattern's own partition, Region
/// and account where they are literal, and an unguessable resource name: only a pattern
/// whose wildcards cover the name can match it. `arn:aws:iam::*:role/*` and
/// `arn:aws:iam::111122223333:role/*` cover every role; `…:role/app-*` does not.
pub fn covers_every_resource(pattern: &str, service: &str, prefix: &str) -> bool {
    if is_all_stars(pattern) {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let literal_or = |index: usize, default: &'static str| -> String {
        parts
            .get(index)
            .filter(|part| !wildcard::has_wildcard(part))
            .map_or(default, |part| part)
            .to_owned()
    };
    let probe = format!(
        "arn:{}:{service}:{}:{}:{prefix}{PROBE}",
        literal_or(1, "aws"),
        literal_or(3, "us-east-1"),
        literal_or(4, "123456789012"),
    );
    wildcard::matches(pattern, &probe, Case::Sensitive)
}

/// Whether every string `narrow` matches is also matched by `wide`.
///
/// Decided by matching `wide` against `narrow`'s text with `narrow`'s wildcards read as
/// literal characters: when `wide` has only `*` wildcards, each of `narrow`'s wildcards
/// then lies inside one of `wide`'s stars, so whatever it expands to still matches. A `?`
/// in `wide` could match a `*` of `narrow` that stands for many characters, so then only
/// a literal `narrow` (or an identical pattern) is decided; the answer errs towards "no".
pub fn pattern_covers(wide: &str, narrow: &str, case: Case) -> bool {
    let same = match case {
        Case::Sensitive => wide == narrow,
        Case::Insensitive => wide.eq_ignore_ascii_case(narrow),
    };
    if same {
        return true;
    }
    if wildcard::has_wildcard(narrow) && wide.contains('?') {
        return false;
    }
    wildcard::matches(wide, narrow, case)
}

/// Whether every pattern of `narrow` is covered by some pattern of `wide`.
pub fn all_covered(wide: &OneOrMany<String>, narrow: &OneOrMany<String>, case: Case) -> bool {
    narrow
        .iter()
        .all(|n| wide.iter().any(|w| pattern_covers(w, n, case)))
}

/// Each condition entry: operator, key and values.
pub fn conditions(statement: &Statement) -> impl Iterator<Item = (&str, &str, &OneOrMany<Value>)> {
    statement.condition.iter().flat_map(|blocks| {
        blocks.iter().flat_map(|(operator, keys)| {
            keys.iter()
                .map(move |(key, values)| (operator.as_str(), key.as_str(), values))
        })
    })
}

/// Whether the statement applies only when one of `keys` (ignoring case, as IAM does) is
/// present in the request and matches: a positive operator without `IfExists` and without
/// `ForAllValues:`. Negated operators, `IfExists`, `ForAllValues:` and `Null` are all true
/// when the key is absent, so they restrict nothing for a caller who leaves the key out.
pub fn requires_any_key(statement: &Statement, keys: &[&str]) -> bool {
    conditions(statement).any(|(operator, key, _)| {
        keys.iter().any(|k| k.eq_ignore_ascii_case(key)) && requires_presence(operator)
    })
}

/// Whether an operator is false when its key is absent from the request.
fn requires_presence(operator: &str) -> bool {
    use crate::policy::check::operators::SetQualifier;
    let Ok(op) = parse_operator(operator) else {
        return false;
    };
    let negated = op.base.contains("Not");
    !negated
        && !op.if_exists
        && op.base != "Null"
        && op.qualifier != Some(SetQualifier::ForAllValues)
}

/// A condition value read as a boolean, as IAM reads `Bool` and `Null`: `true`, `"true"`
/// (any case) and their `false` counterparts.
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// How another statement is named in a message: its index, and its Sid when it has one.
pub fn name_statement(index: usize, statement: &Statement) -> String {
    match statement.sid.as_deref().filter(|s| !s.is_empty()) {
        Some(sid) => format!("statement {index} (`{sid}`)"),
        None => format!("statement {index}"),
    }
}

/// A statement with its lists turned into sets and its spelling normalised where IAM
/// ignores it (action case, condition key case, `true` vs `"true"`), so two statements
/// that mean the same compare equal. The Sid is left out on purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Canonical {
    allow: bool,
    principal: Option<PrincipalSet>,
    not_principal: Option<PrincipalSet>,
    action: Option<BTreeSet<String>>,
    not_action: Option<BTreeSet<String>>,
    resource: Option<BTreeSet<String>>,
    not_resource: Option<BTreeSet<String>>,
    condition: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

/// Principal kind → values; `"*"` is kind `*`.
type PrincipalSet = BTreeMap<String, BTreeSet<String>>;

impl Canonical {
    pub fn of(statement: &Statement) -> Self {
        let lower_set = |list: &OneOrMany<String>| -> BTreeSet<String> {
            list.iter().map(|s| s.to_ascii_lowercase()).collect()
        };
        let set = |list: &OneOrMany<String>| -> BTreeSet<String> { list.iter().cloned().collect() };
        let mut condition: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for (operator, key, values) in conditions(statement) {
            condition
                .entry(operator.to_owned())
                .or_default()
                .entry(key.to_ascii_lowercase())
                .or_default()
                .extend(values.iter().map(value_text));
        }
        Canonical {
            allow: is_allow(statement),
            principal: statement.principal.as_ref().map(principal_set),
            not_principal: statement.not_principal.as_ref().map(principal_set),
            action: statement.action.as_ref().map(lower_set),
            not_action: statement.not_action.as_ref().map(lower_set),
            resource: statement.resource.as_ref().map(set),
            not_resource: statement.not_resource.as_ref().map(set),
            condition,
        }
    }
}

fn principal_set(principal: &Principal) -> PrincipalSet {
    match principal {
        Principal::Any => BTreeMap::from([("*".to_owned(), BTreeSet::from(["*".to_owned()]))]),
        Principal::Map(map) => map
            .iter()
            .map(|(kind, values)| (kind.clone(), values.iter().cloned().collect()))
            .collect(),
    }
}

/// A condition value as IAM compares it: strings as themselves, other scalars as their
/// JSON text, so `true` and `"true"` are the same value.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_action_patterns() {
        assert!(is_every_action("*"));
        assert!(is_every_action("*:*"));
        assert!(is_every_action("**"));
        assert!(!is_every_action("s3:*"));
        assert!(!is_every_action("*:Get*"));
        assert!(!is_every_action(""));
    }

    #[test]
    fn resource_patterns_that_cover_every_role() {
        for wide in [
            "*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::111122223333:*",
            "arn:aws:iam::111122223333:r*",
            "arn:*:iam::*:role/*",
            "arn:aws-cn:iam::*:role/*",
            "arn:aws:iam:*:*:role/*",
            "arn:*",
            "arn:aws:*:*:*:*",
        ] {
            assert!(covers_every_resource(wide, "iam", "role/"), "{wide}");
        }
        for narrow in [
            "arn:aws:iam::111122223333:role/app-*",
            "arn:aws:iam::111122223333:role/service-role/*",
            "arn:aws:iam::111122223333:role/App",
            "arn:aws:iam::*:role/${aws:username}",
            "arn:aws:iam::*:user/*",
            "arn:aws:s3:::*",
            "arn:aws:iam::*:role/?",
        ] {
            assert!(!covers_every_resource(narrow, "iam", "role/"), "{narrow}");
        }
    }

    #[test]
    fn pattern_inclusion() {
        let i = Case::Insensitive;
        assert!(pattern_covers("s3:*", "s3:Get*", i));
        assert!(pattern_covers("s3:Get*", "S3:getobject", i));
        assert!(pattern_covers("*", "iam:Pass*", i));
        assert!(pattern_covers("s3:Get*", "s3:Get*Acl", i));
        assert!(!pattern_covers("s3:Get*", "s3:*", i));
        assert!(!pattern_covers("s3:GetObject", "s3:Get*", i));
        // `?` stands for one character; `*` for any number, so `a?` does not cover `a*`.
        assert!(!pattern_covers("s3:GetObj?ct", "s3:GetObj*", i));
        assert!(pattern_covers("s3:GetObj?ct", "s3:GetObject", i));
        assert!(pattern_covers("s3:GetObj?ct", "s3:getobj?ct", i));
        let s = Case::Sensitive;
        assert!(pattern_covers(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/${aws:username}/*",
            s
        ));
        assert!(!pattern_covers(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/x",
            s
        ));
    }

    #[test]
    fn only_positive_operators_require_a_key() {
        let with = |op: &str| {
            Statement::allow()
                .with_action("sts:AssumeRole")
                .with_condition(op, "aws:SourceAccount", "111122223333")
        };
        let keys = ["aws:sourceaccount"];
        assert!(requires_any_key(&with("StringEquals"), &keys));
        assert!(requires_any_key(&with("ForAnyValue:StringLike"), &keys));
        assert!(requires_any_key(&with("ArnLike"), &keys));
        for op in [
            "StringNotEquals",
            "StringEqualsIfExists",
            "ForAllValues:StringEquals",
            "Null",
            "ArnNotLike",
            "NoSuchOperator",
        ] {
            assert!(!requires_any_key(&with(op), &keys), "{op}");
        }
    }

    #[test]
    fn canonical_form_ignores_sid_order_and_spelling() {
        let a = Statement::allow()
            .with_sid("A")
            .with_actions(["s3:GetObject", "s3:ListBucket"])
            .with_resource("*")
            .with_condition("Bool", "aws:SecureTransport", true);
        let b = Statement::allow()
            .with_actions(["S3:listbucket", "s3:GetObject"])
            .with_resources(["*"])
            .with_condition("Bool", "AWS:SecureTransport", "true");
        assert_eq!(Canonical::of(&a), Canonical::of(&b));
        let c = b.clone().with_resource("arn:aws:s3:::x");
        assert_ne!(Canonical::of(&a), Canonical::of(&c));
        assert_eq!(as_bool(&json!("FALSE")), Some(false));
        assert_eq!(as_bool(&json!(1)), None);
    }
}
