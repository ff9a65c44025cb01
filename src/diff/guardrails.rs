//! Guardrails that newly fail or newly pass, and guardrails added, removed or
//! redefined, matched by name. Guardrails are not in the output tree: their state
//! comes from each side's model and diagnostics.

use serde::Serialize;

/// A guardrail on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardrailState {
    pub name: String,
    /// What it checks, in one canonical line (selectors expanded to accounts), so a
    /// changed definition is noticed.
    pub rule: String,
    /// Accounts whose access it protects: `deny_access` targets, `require_*` ends.
    pub protects: Vec<String>,
    /// Its failure message, when it fails.
    pub failure: Option<String>,
    /// For `deny_access`, the principals it excepts, named as the access audit names
    /// them: the org allows them any access on the accounts it protects.
    #[serde(skip)]
    pub except: Vec<String>,
}

impl GuardrailState {
    /// Whether the guardrail guards `principal`'s access to `account`: it protects
    /// the account and does not except the principal. Any level counts: on an
    /// account a guardrail protects, even a grant below the level it forbids
    /// deserves a careful review.
    pub fn guards(&self, principal: &str, account: &str) -> bool {
        self.protects.iter().any(|a| a == account) && !self.except.iter().any(|e| e == principal)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardrailChangeKind {
    /// Passed (or did not exist) before, fails now.
    NewlyFails,
    /// Existed before, gone now.
    Removed,
    /// The same name, checking something else.
    Redefined,
    /// New, and passing.
    Added,
    /// Failed before, passes now.
    NewlyPasses,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardrailChange {
    pub name: String,
    pub change: GuardrailChangeKind,
    /// The definition before and after (for redefinitions, additions, removals).
    pub old_rule: Option<String>,
    pub new_rule: Option<String>,
    /// Why it fails now, for a guardrail newly failing.
    pub failure: Option<String>,
    /// Newly failing, removed or redefined: an invariant no longer holds or no
    /// longer guards what it did.
    pub risky: bool,
}

/// Compare guardrails by name, newly failing first.
pub fn compare(old: &[GuardrailState], new: &[GuardrailState]) -> Vec<GuardrailChange> {
    let mut names: Vec<&String> = old.iter().chain(new).map(|g| &g.name).collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let o = old.iter().find(|g| &g.name == name);
        let n = new.iter().find(|g| &g.name == name);
        let change = match (o, n) {
            (_, Some(n)) if n.failure.is_some() && o.is_none_or(|o| o.failure.is_none()) => {
                GuardrailChangeKind::NewlyFails
            }
            (Some(_), None) => GuardrailChangeKind::Removed,
            (None, Some(_)) => GuardrailChangeKind::Added,
            (Some(o), Some(n)) if o.failure.is_some() && n.failure.is_none() => {
                GuardrailChangeKind::NewlyPasses
            }
            (Some(o), Some(n)) if o.rule != n.rule => GuardrailChangeKind::Redefined,
            _ => continue,
        };
        out.push(GuardrailChange {
            name: name.clone(),
            change,
            old_rule: o.map(|g| g.rule.clone()),
            new_rule: n.map(|g| g.rule.clone()),
            failure: n.and_then(|g| g.failure.clone()),
            risky: matches!(
                change,
                GuardrailChangeKind::NewlyFails
                    | GuardrailChangeKind::Removed
                    | GuardrailChangeKind::Redefined
            ),
        });
    }
    out.sort_by(|a, b| (a.change, &a.name).cmp(&(b.change, &b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(name: &str, rule: &str, failure: Option<&str>) -> GuardrailState {
        GuardrailState {
            name: name.to_string(),
            rule: rule.to_string(),
            protects: Vec::new(),
            failure: failure.map(str::to_string),
            except: Vec::new(),
        }
    }

    #[test]
    fn every_kind_of_change() {
        let old = [
            g("fixed", "r", Some("fails")),
            g("broken", "r", None),
            g("gone", "r", None),
            g("same", "r", None),
            g("still-failing", "r", Some("x")),
            g("loosened", "deny_access level write", None),
        ];
        let new = [
            g("fixed", "r", None),
            g("broken", "r", Some("now fails")),
            g("new", "r", None),
            g("same", "r", None),
            g("still-failing", "r", Some("x")),
            g("loosened", "deny_access level admin", None),
        ];
        let changes = compare(&old, &new);
        let kinds: Vec<(&str, GuardrailChangeKind)> = changes
            .iter()
            .map(|c| (c.name.as_str(), c.change))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("broken", GuardrailChangeKind::NewlyFails),
                ("gone", GuardrailChangeKind::Removed),
                ("loosened", GuardrailChangeKind::Redefined),
                ("new", GuardrailChangeKind::Added),
                ("fixed", GuardrailChangeKind::NewlyPasses),
            ]
        );
    }
}
