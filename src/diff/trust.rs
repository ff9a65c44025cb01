//! Trust changes: which principals a role's trust policy newly admits, or no longer
//! does. Each `Allow` statement of every `AssumeRolePolicyDocument` in the role files
//! (`iam/…`, the only files that hold trust policies) is
//! split into grants, one per principal, with the statement's actions and
//! conditions; grants are compared as a set per role. A principal admitted on both
//! sides for the same actions under other conditions is a condition change
//! (dropping a condition, such as MFA, widens the trust).

use super::entities::{flatten_conditions, flatten_principals, strings};
use crate::emit::Tree;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One principal admitted by a trust policy, with what it may do and under which
/// conditions (`Operator key=value`, every value its own entry).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Grant {
    pub principal: String,
    pub actions: Vec<String>,
    pub conditions: Vec<String>,
}

/// The same principal and actions, under different conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionChange {
    pub principal: String,
    pub actions: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl ConditionChange {
    /// A condition dropped: the principal is admitted in more situations.
    pub fn relaxed(&self) -> bool {
        !self.removed.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustChange {
    /// `role@account` for role files, else the file's path.
    pub role: String,
    pub path: String,
    /// Principals (with actions) newly admitted.
    pub added: Vec<Grant>,
    /// Principals (with actions) no longer admitted.
    pub removed: Vec<Grant>,
    /// Principals admitted before and now, under other conditions.
    pub conditions: Vec<ConditionChange>,
    /// Some principal is newly admitted, or admitted with fewer conditions.
    pub risky: bool,
}

/// `iam/<account>/roles/<role>.json` → `role@account`.
pub fn role_name(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["iam", account, "roles", file] => {
            format!("{}@{account}", file.strip_suffix(".json").unwrap_or(file))
        }
        _ => path.to_string(),
    }
}

fn grants(tree: &Tree) -> BTreeMap<String, BTreeSet<Grant>> {
    let mut out = BTreeMap::new();
    for (path, bytes) in tree {
        // Trust policies are only in role files; the audits and the assignments
        // (the largest files) are not worth parsing for them.
        if !path.starts_with("iam/") || !path.ends_with(".json") {
            continue;
        }
        let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
            continue;
        };
        let mut docs = Vec::new();
        find_trust(&v, &mut docs);
        if docs.is_empty() {
            continue;
        }
        let set: &mut BTreeSet<Grant> = out.entry(path.clone()).or_default();
        for doc in docs {
            for st in statements(doc) {
                if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    continue;
                }
                let mut actions = strings(st.get("Action"));
                actions.sort();
                let conditions = st
                    .get("Condition")
                    .map(flatten_conditions)
                    .unwrap_or_default();
                for principal in st
                    .get("Principal")
                    .map(flatten_principals)
                    .unwrap_or_default()
                {
                    set.insert(Grant {
                        principal,
                        actions: actions.clone(),
                        conditions: conditions.clone(),
                    });
                }
            }
        }
    }
    out
}

fn find_trust<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == "AssumeRolePolicyDocument" {
                    out.push(child);
                } else {
                    find_trust(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| find_trust(i, out)),
        _ => {}
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

/// Every role whose trust grants differ, roles admitting someone new first.
pub fn compare(old: &Tree, new: &Tree) -> Vec<TrustChange> {
    let (o, n) = (grants(old), grants(new));
    let empty = BTreeSet::new();
    let mut paths: Vec<&String> = o.keys().chain(n.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut out: Vec<TrustChange> = paths
        .into_iter()
        .filter_map(|path| {
            let (b, a) = (o.get(path).unwrap_or(&empty), n.get(path).unwrap_or(&empty));
            let mut added: Vec<Grant> = a.difference(b).cloned().collect();
            let mut removed: Vec<Grant> = b.difference(a).cloned().collect();
            if added.is_empty() && removed.is_empty() {
                return None;
            }
            // The same principal and actions on both sides: a change of conditions.
            let mut conditions = Vec::new();
            added.retain(|g| {
                let Some(i) = removed
                    .iter()
                    .position(|r| r.principal == g.principal && r.actions == g.actions)
                else {
                    return true;
                };
                let r = removed.remove(i);
                conditions.push(ConditionChange {
                    principal: g.principal.clone(),
                    actions: g.actions.clone(),
                    added: g
                        .conditions
                        .iter()
                        .filter(|c| !r.conditions.contains(c))
                        .cloned()
                        .collect(),
                    removed: r
                        .conditions
                        .iter()
                        .filter(|c| !g.conditions.contains(c))
                        .cloned()
                        .collect(),
                });
                false
            });
            Some(TrustChange {
                role: role_name(path),
                path: path.clone(),
                risky: !added.is_empty() || conditions.iter().any(ConditionChange::relaxed),
                added,
                removed,
                conditions,
            })
        })
        .collect();
    out.sort_by(|a, b| (!a.risky, &a.role).cmp(&(!b.risky, &b.role)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(trust: &str) -> Tree {
        let mut t = Tree::new();
        t.insert(
            "iam/prod/roles/deployer.json".to_string(),
            format!(
                r#"{{"CreateRole":{{"RoleName":"deployer","AssumeRolePolicyDocument":{trust}}}}}"#
            )
            .into_bytes(),
        );
        t
    }

    #[test]
    fn a_dropped_condition_is_a_new_grant() {
        let old = role(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        );
        let new = role(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","arn:aws:iam::2:root"]},"Action":"sts:AssumeRole"}]}"#,
        );
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 1);
        let c = &changes[0];
        assert_eq!(c.role, "deployer@prod");
        assert!(c.risky);
        let added: Vec<&str> = c.added.iter().map(|g| g.principal.as_str()).collect();
        assert_eq!(added, vec!["AWS arn:aws:iam::2:root"]);
        assert!(c.removed.is_empty());
        assert_eq!(c.conditions.len(), 1);
        assert_eq!(c.conditions[0].principal, "AWS arn:aws:iam::1:root");
        assert!(c.conditions[0].relaxed());
        assert_eq!(
            c.conditions[0].removed,
            vec!["Bool aws:MultiFactorAuthPresent=true".to_string()]
        );
    }

    #[test]
    fn reordering_is_no_change() {
        let old = role(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"a"},"Action":"sts:AssumeRole"},
                {"Effect":"Allow","Principal":{"Service":"b"},"Action":"sts:AssumeRole"}]}"#,
        );
        let new = role(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"b"},"Action":["sts:AssumeRole"]},
                {"Effect":"Allow","Principal":{"Service":"a"},"Action":"sts:AssumeRole"}]}"#,
        );
        assert!(compare(&old, &new).is_empty());
    }
}
