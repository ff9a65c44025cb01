//! One statement: which elements it may have in this kind of policy, which it must have,
//! and the `Sid`, `Effect` and `Resource` values.

use super::{Checker, PolicyKind};
use crate::policy::document::{Effect, OneOrMany, Statement};
use crate::policy::json::{Member, SpannedValue};
use crate::policy::problem::{Problem, codes};
use crate::policy::suggest;

const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Checker {
    pub(super) fn statement(&mut self, node: &SpannedValue) -> Option<Statement> {
        let Some(members) = node.as_object() else {
            self.error_with_help(
                codes::INVALID_TYPE,
                format!("a statement must be an object, not {}", node.kind_name()),
                node.span.clone(),
                super::STATEMENT_HELP,
            );
            return None;
        };
        // The effect is read first because condition warnings depend on it.
        let effect = node.get("Effect").and_then(|m| self.effect(&m.value));
        let mut statement = Statement::new(effect.unwrap_or(Effect::Allow));
        for member in members {
            let value = &member.value;
            match member.key.as_ref() {
                "Sid" => statement.sid = self.sid(value),
                "Effect" => {}
                "Principal" => statement.principal = self.principal(member),
                "NotPrincipal" => statement.not_principal = self.not_principal(member),
                "Action" => statement.action = self.actions(member),
                "NotAction" => statement.not_action = self.actions(member),
                "Resource" | "NotResource" => {
                    let resources = self.resources(member);
                    if member.key == "Resource" {
                        statement.resource = resources;
                    } else {
                        statement.not_resource = resources;
                    }
                }
                "Condition" => statement.condition = self.condition(value),
                other => self.unknown_element(
                    "statement",
                    other,
                    member.key_span.clone(),
                    &STATEMENT_ELEMENTS,
                ),
            }
        }
        self.required_elements(node);
        effect.map(|_| statement)
    }

    /// Presence rules: exactly one of each pair where one is required, and the elements
    /// each policy kind needs.
    fn required_elements(&mut self, node: &SpannedValue) {
        let start = node.span.start..node.span.start + 1;
        if node.get("Effect").is_none() {
            self.push(
                Problem::error(codes::MISSING_ELEMENT, "the statement has no `Effect`")
                    .with_span(start.clone())
                    .with_help("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
            );
        }
        self.exactly_one(node, "Action", "NotAction");
        match self.kind {
            PolicyKind::Identity => self.exactly_one(node, "Resource", "NotResource"),
            PolicyKind::Trust => {
                if node.get("Principal").is_none() {
                    self.push(
                        Problem::error(
                            codes::MISSING_ELEMENT,
                            "a trust policy statement needs a `Principal`",
                        )
                        .with_span(start)
                        .with_help("name who may assume the role, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}`"),
                    );
                }
            }
        }
    }

    fn exactly_one(&mut self, node: &SpannedValue, positive: &str, negative: &str) {
        match (node.get(positive), node.get(negative)) {
            (Some(_), Some(second)) => self.push(
                Problem::error(
                    codes::CONFLICTING_ELEMENTS,
                    format!("a statement cannot have both `{positive}` and `{negative}`"),
                )
                .with_span(second.key_span.clone())
                .with_help(format!("keep either `{positive}` or `{negative}`")),
            ),
            (None, None) => self.push(
                Problem::error(
                    codes::MISSING_ELEMENT,
                    format!("the statement has no `{positive}` or `{negative}`"),
                )
                .with_span(node.span.start..node.span.start + 1),
            ),
            _ => {}
        }
    }

    fn effect(&mut self, node: &SpannedValue) -> Option<Effect> {
        match node.as_str() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            other => {
                let shown = other.map_or_else(|| node.kind_name().to_owned(), |s| format!("`{s}`"));
                self.push(
                    Problem::error(
                        codes::INVALID_EFFECT,
                        format!("effect {shown} is neither `Allow` nor `Deny`"),
                    )
                    .with_span(node.span.clone())
                    .with_optional_help(
                        other.and_then(|s| suggest::did_you_mean(s, ["Allow", "Deny"])),
                    ),
                );
                None
            }
        }
    }

    fn sid(&mut self, node: &SpannedValue) -> Option<String> {
        let Some(sid) = node.as_str() else {
            self.error_with_help(
                codes::INVALID_TYPE,
                format!("`Sid` must be a string, not {}", node.kind_name()),
                node.span.clone(),
                "write `\"Sid\": \"ReadReports\"` (letters and digits only), or remove it",
            );
            return None;
        };
        if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            let cleaned: String = sid.chars().filter(char::is_ascii_alphanumeric).collect();
            self.push(
                Problem::error(
                    codes::INVALID_SID,
                    format!("sid `{sid}` may contain only letters and digits"),
                )
                .with_span(node.span.clone())
                .with_help(format!(
                    "IAM accepts only `[A-Za-z0-9]` in a Sid; try `{cleaned}`"
                )),
            );
        }
        // An empty Sid is the same as none, so it cannot clash.
        if !sid.is_empty() {
            match self.sids.get(sid) {
                Some(first) => {
                    let first = first.clone();
                    self.push(
                        Problem::error(
                            codes::DUPLICATE_SID,
                            format!("sid `{sid}` is used by more than one statement"),
                        )
                        .with_span(node.span.clone())
                        .with_label(first, "first used here")
                        .with_help("Sids must be unique within a policy; rename one of them"),
                    );
                }
                None => {
                    self.sids.insert(sid.to_owned(), node.span.clone());
                }
            }
        }
        Some(sid.to_owned())
    }

    fn resources(&mut self, member: &Member) -> Option<OneOrMany<String>> {
        if self.kind == PolicyKind::Trust {
            self.push(
                Problem::error(
                    codes::FORBIDDEN_ELEMENT,
                    format!("`{}` is not allowed in a trust policy", member.key),
                )
                .with_span(member.span())
                .with_help("a trust policy always applies to its own role; remove it"),
            );
            return None;
        }
        let list = self.string_list(&member.key, &member.value)?;
        for (resource, span) in &list.items {
            if !is_resource_pattern(resource) {
                self.push(
                    Problem::error(
                        codes::INVALID_RESOURCE,
                        format!("resource `{resource}` is neither an ARN nor `*`"),
                    )
                    .with_span(span.clone())
                    .with_help("write a full ARN such as `arn:aws:s3:::my-bucket/*`, or `*`"),
                );
            }
        }
        Some(list.to_one_or_many())
    }
}

/// `*`, or something shaped like an ARN: `arn:partition:service:region:account:resource`.
/// The parts themselves are not checked, since they may hold wildcards or policy variables.
fn is_resource_pattern(resource: &str) -> bool {
    resource == "*" || (resource.starts_with("arn:") && resource.matches(':').count() >= 5)
}

#[cfg(test)]
mod tests {
    use super::is_resource_pattern;

    #[test]
    fn resources_are_arns_or_star() {
        assert!(is_resource_pattern("*"));
        assert!(is_resource_pattern("arn:aws:s3:::bucket/*"));
        assert!(is_resource_pattern("arn:${aws:partition}:iam::*:role/x"));
        assert!(!is_resource_pattern("bucket"));
        assert!(!is_resource_pattern("arn:aws:s3"));
    }
}
