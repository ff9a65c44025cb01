//! Rules on the names of entities: the format's syntax and AWS's own limits.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::parse::{Defined, Spec};
use crate::source::Loc;
use std::collections::BTreeMap;

/// The longest name the format allows for any entity.
pub const MAX_NAME: usize = 64;
/// AWS's limit on a permission set's name.
pub const MAX_PERMISSION_SET_NAME: usize = 32;

/// Whether `name` matches `[A-Za-z0-9][A-Za-z0-9+=,.@_-]*`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

pub(super) fn check_all(spec: &Spec, diags: &mut Diagnostics) {
    check_section(&spec.ous, "OU", MAX_NAME, diags);
    check_section(&spec.accounts, "account", MAX_NAME, diags);
    check_section(&spec.groups, "group", MAX_NAME, diags);
    check_section(&spec.users, "user", MAX_NAME, diags);
    check_section(
        &spec.permission_sets,
        "permission set",
        MAX_PERMISSION_SET_NAME,
        diags,
    );
    check_section(&spec.roles, "role", MAX_NAME, diags);
    check_section(&spec.transit_gateways, "transit gateway", MAX_NAME, diags);
    check_section(&spec.spokes, "spoke", MAX_NAME, diags);
    for gw in spec.transit_gateways.values() {
        for (name, table) in &gw.route_tables {
            check_name(name, "route table", MAX_NAME, gw.loc(table), diags);
        }
    }
    for g in &spec.guardrails {
        check_name(&g.name, "guardrail", MAX_NAME, g.loc(&g.name), diags);
    }
}

fn check_section<T>(
    map: &BTreeMap<String, Defined<T>>,
    noun: &str,
    max: usize,
    diags: &mut Diagnostics,
) {
    for (name, def) in map {
        check_name(name, noun, max, def.whole(), diags);
    }
}

/// Rule `orgc::name::invalid`: names match `[A-Za-z0-9][A-Za-z0-9+=,.@_-]*`, the
/// characters every AWS name they become (roles, permission sets, tags) accepts.
///
/// Rule `orgc::name::too-long`: at most 64 characters, and at most 32 for a
/// permission set, whose name AWS limits to 32.
fn check_name(name: &str, noun: &str, max: usize, loc: Loc, diags: &mut Diagnostics) {
    if !is_valid_name(name) {
        let bad: String = name
            .chars()
            .filter(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
            .take(3)
            .map(|c| match c {
                ' ' => "a space".to_string(),
                '\t' => "a tab".to_string(),
                c => format!("`{c}`"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let why = if name.is_empty() {
            "it is empty".to_string()
        } else if bad.is_empty() {
            "it must start with a letter or digit".to_string()
        } else {
            format!("it contains {bad}")
        };
        let message = if name.is_empty() {
            format!("{noun} name is empty")
        } else {
            format!("{noun} name `{name}` is not valid: {why}")
        };
        diags.push(
            Diagnostic::error("orgc::name::invalid", message)
            .at_loc(loc.clone())
            .with_help(
                "names start with a letter or digit and contain only letters, digits and `+=,.@_-`",
            ),
        );
    }
    let n = name.chars().count();
    if n > max {
        diags.push(
            Diagnostic::error(
                "orgc::name::too-long",
                format!("{noun} name `{name}` is {n} characters long; at most {max} are allowed"),
            )
            .at_loc(loc)
            .with_help(format!("shorten it by {}", super::characters(n - max))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_syntax() {
        assert!(is_valid_name("prod-eu_1.a@b=c,d+e"));
        assert!(is_valid_name("9lives"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("-prod"));
        assert!(!is_valid_name("prod env"));
        assert!(!is_valid_name("prod/eu"));
    }
}
