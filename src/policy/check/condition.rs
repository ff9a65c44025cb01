//! `Condition`: known operators, well-shaped values, no key repeated under one operator,
//! and warnings for the two common ways a condition silently means something else.

use super::Checker;
use super::operators::{self, Operator};
use crate::policy::document::{Condition, OneOrMany};
use crate::policy::json::{SpannedValue, ValueKind};
use crate::policy::problem::{Problem, codes};
use foldhash::{HashMap, HashMapExt};
use std::collections::BTreeMap;

impl Checker {
    pub(super) fn condition(&mut self, node: &SpannedValue) -> Option<Condition> {
        let Some(blocks) = node.as_object() else {
            self.error_with_help(
                codes::INVALID_CONDITION,
                format!(
                    "`Condition` must be an object of operators, not {}",
                    node.kind_name()
                ),
                node.span.clone(),
                r#"write `"Condition": { "StringEquals": { "aws:RequestedRegion": "eu-west-1" } }`"#,
            );
            return None;
        };
        let mut condition = Condition::new();
        let mut complete = true;
        for block in blocks {
            let operator = match operators::parse_operator(&block.key) {
                Ok(op) => Some(op),
                Err(problem) => {
                    self.push(problem.with_span(block.key_span.clone()));
                    complete = false;
                    None
                }
            };
            // `ForAllValues:` in an `Allow` is the lint's concern
            // (`orgc::lint::for-all-values-with-allow`), which knows the safe patterns.
            match self.condition_keys(&block.value, operator.as_ref(), &block.key) {
                Some(keys) => {
                    condition.insert(block.key.to_string(), keys);
                }
                None => complete = false,
            }
        }
        complete.then_some(condition)
    }

    fn condition_keys(
        &mut self,
        node: &SpannedValue,
        operator: Option<&Operator>,
        operator_text: &str,
    ) -> Option<BTreeMap<String, OneOrMany<serde_json::Value>>> {
        let Some(entries) = node.as_object() else {
            self.error_with_help(
                codes::INVALID_CONDITION,
                format!(
                    "condition operator `{operator_text}` must map condition keys to values, not {}",
                    node.kind_name()
                ),
                node.span.clone(),
                format!(r#"write `"{operator_text}": {{ "aws:RequestedRegion": "eu-west-1" }}`"#),
            );
            return None;
        };
        let mut keys = BTreeMap::new();
        // Condition keys ignore case, so `aws:SourceAccount` and `aws:sourceaccount` clash.
        let mut seen: HashMap<String, &str> = HashMap::new();
        let mut complete = true;
        for entry in entries {
            if let Some(first) = seen.insert(entry.key.to_ascii_lowercase(), &entry.key)
                && first != entry.key
            {
                self.push(
                    Problem::error(
                        codes::DUPLICATE_KEY,
                        format!(
                            "condition key `{}` repeats `{first}` under `{operator_text}`",
                            entry.key
                        ),
                    )
                    .with_span(entry.key_span.clone())
                    .with_help("condition keys ignore case; merge the two into one list of values"),
                );
            }
            match self.condition_values(&entry.value, &entry.key) {
                Some(values) => {
                    if let Some(op) = operator {
                        self.literal_wildcards(op, operator_text, &entry.value);
                    }
                    keys.insert(entry.key.to_string(), values);
                }
                None => complete = false,
            }
        }
        complete.then_some(keys)
    }

    fn condition_values(
        &mut self,
        node: &SpannedValue,
        key: &str,
    ) -> Option<OneOrMany<serde_json::Value>> {
        match &node.kind {
            ValueKind::Array(items) if items.is_empty() => {
                self.error_with_help(
                    codes::INVALID_CONDITION,
                    format!("condition key `{key}` has an empty list of values"),
                    node.span.clone(),
                    "give at least one value, or remove the key",
                );
                None
            }
            ValueKind::Array(items) => {
                let mut ok = true;
                for item in items {
                    ok &= self.scalar(item, key);
                }
                ok.then(|| OneOrMany::Many(items.iter().map(SpannedValue::to_json).collect()))
            }
            _ => self
                .scalar(node, key)
                .then(|| OneOrMany::One(node.to_json())),
        }
    }

    fn scalar(&mut self, node: &SpannedValue, key: &str) -> bool {
        match node.kind {
            ValueKind::String(_) | ValueKind::Number(_) | ValueKind::Bool(_) => true,
            _ => {
                self.error_with_help(
                    codes::INVALID_CONDITION,
                    format!(
                        "values of condition key `{key}` must be strings, numbers or booleans, not {}",
                        node.kind_name()
                    ),
                    node.span.clone(),
                    format!(r#"write `"{key}": "value"` or a list of such values"#),
                );
                false
            }
        }
    }

    /// `StringEquals` with `*` in a value compares against a literal asterisk, which is
    /// almost never what the author meant.
    fn literal_wildcards(&mut self, op: &Operator, operator_text: &str, node: &SpannedValue) {
        if !op.compares_literally() {
            return;
        }
        let values = match &node.kind {
            ValueKind::Array(items) => items.iter().collect::<Vec<_>>(),
            _ => vec![node],
        };
        for value in values {
            if let Some(s) = value.as_str()
                && s.contains('*')
            {
                self.push(
                    Problem::warning(
                        codes::WILDCARD_WITHOUT_LIKE,
                        format!(
                            "`{operator_text}` compares `{s}` literally, so `*` is not a wildcard"
                        ),
                    )
                    .with_span(value.span.clone())
                    .with_help(format!(
                        "use `{}` to match with wildcards",
                        operator_text
                            .replace("Equals", "Like")
                            .replace("IgnoreCase", "")
                    )),
                );
            }
        }
    }
}
