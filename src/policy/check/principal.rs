//! `Principal` and `NotPrincipal`: forbidden in identity policies; in trust policies a
//! `Principal` must name specific principals, never everyone.

use super::{Checker, PolicyKind};
use crate::policy::document::{PRINCIPAL_KINDS, Principal};
use crate::policy::json::{Member, ValueKind};
use crate::policy::problem::{Problem, codes};
use std::collections::BTreeMap;

impl Checker {
    pub(super) fn principal(&mut self, member: &Member) -> Option<Principal> {
        match self.kind {
            PolicyKind::Identity => {
                self.push(
                    Problem::error(
                        codes::FORBIDDEN_ELEMENT,
                        "`Principal` is not allowed in an identity policy",
                    )
                    .with_span(member.span())
                    .with_help("an identity policy applies to whoever it is attached to; remove `Principal`"),
                );
                None
            }
            PolicyKind::Trust => self.trust_principal(member),
        }
    }

    pub(super) fn not_principal(&mut self, member: &Member) -> Option<Principal> {
        self.push(
            Problem::error(
                codes::FORBIDDEN_ELEMENT,
                format!("`NotPrincipal` is not allowed in {}", self.kind.describe()),
            )
            .with_span(member.span())
            .with_help(
                "name the principals in `Principal` and narrow them with an `aws:PrincipalArn` condition",
            ),
        );
        None
    }

    fn trust_principal(&mut self, member: &Member) -> Option<Principal> {
        let node = &member.value;
        let entries = match &node.kind {
            ValueKind::String(s) if s == "*" => {
                self.wildcard_principal(node.span.clone(), "`\"Principal\": \"*\"`");
                return None;
            }
            ValueKind::Object(entries) => entries,
            _ => {
                self.push(
                    Problem::error(
                        codes::INVALID_PRINCIPAL,
                        format!(
                            "`Principal` must be an object such as `{{\"AWS\": \"…\"}}`, not {}",
                            node.kind_name()
                        ),
                    )
                    .with_span(node.span.clone()),
                );
                return None;
            }
        };
        if entries.is_empty() {
            self.error(
                codes::INVALID_PRINCIPAL,
                "`Principal` names no principal".to_owned(),
                node.span.clone(),
            );
            return None;
        }
        let mut map = BTreeMap::new();
        for entry in entries {
            if !PRINCIPAL_KINDS.contains(&entry.key.as_ref()) {
                self.unknown_element(
                    "principal",
                    &entry.key,
                    entry.key_span.clone(),
                    &PRINCIPAL_KINDS,
                );
                continue;
            }
            let Some(values) = self.string_list(&entry.key, &entry.value) else {
                continue;
            };
            for (value, span) in &values.items {
                if *value == "*" {
                    self.wildcard_principal(span.clone(), &format!("`\"{}\": \"*\"`", entry.key));
                } else if value.contains(['*', '?']) {
                    self.push(
                        Problem::error(
                            codes::INVALID_PRINCIPAL,
                            format!("principal `{value}` contains a wildcard"),
                        )
                        .with_span(span.clone())
                        .with_help("IAM does not match wildcards in principals; name the account and narrow it with an `ArnLike` condition on `aws:PrincipalArn`"),
                    );
                }
            }
            map.insert(entry.key.to_string(), values.to_one_or_many());
        }
        Some(Principal::Map(map))
    }

    fn wildcard_principal(&mut self, span: std::ops::Range<usize>, written: &str) {
        self.push(
            Problem::error(
                codes::WILDCARD_PRINCIPAL,
                format!("a trust policy must not trust everyone ({written})"),
            )
            .with_span(span)
            .with_help("name the accounts, roles or services that may assume the role"),
        );
    }
}
