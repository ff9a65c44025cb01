//! The typed IAM policy document: what `check` produces from policy text, what managed
//! policies are read into, and what Rust code builds trust policies with. Serialising it
//! writes IAM's canonical key order.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The only policy language version `orgc` writes or accepts: with the older
/// `2008-10-17`, policy variables such as `${aws:username}` are literal text.
pub const POLICY_VERSION: &str = "2012-10-17";

/// A value IAM lets the author write either alone or in a list. Which form was used is
/// kept so the output reads like the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    // `Many` first: for `T = serde_json::Value` an array would otherwise become `One`.
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Appends an item; a single item becomes a list of two.
    pub fn push(&mut self, item: T) {
        let this = std::mem::replace(self, OneOrMany::Many(Vec::new()));
        *self = match this {
            OneOrMany::One(first) => OneOrMany::Many(vec![first, item]),
            OneOrMany::Many(mut items) => {
                items.push(item);
                OneOrMany::Many(items)
            }
        };
    }

    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(item) => vec![item],
            OneOrMany::Many(items) => items,
        }
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Appends to an optional list, creating it as a single item.
fn push_opt<T>(slot: &mut Option<OneOrMany<T>>, item: T) {
    match slot {
        Some(list) => list.push(item),
        None => *slot = Some(OneOrMany::One(item)),
    }
}

/// `Condition`: operator → condition key → value(s). Sorted, so output is stable whatever
/// order the author used.
pub type Condition = BTreeMap<String, BTreeMap<String, OneOrMany<serde_json::Value>>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "Statement")]
    pub statement: OneOrMany<Statement>,
}

impl PolicyDocument {
    /// A `2012-10-17` document with these statements, written as a list.
    pub fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION.to_owned(),
            id: None,
            statement: OneOrMany::Many(statements),
        }
    }

    pub fn statements(&self) -> &[Statement] {
        self.statement.as_slice()
    }

    #[must_use]
    pub fn with_statement(mut self, statement: Statement) -> Self {
        self.statement.push(statement);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement. Field order is IAM's canonical element order, which serde follows when
/// serialising.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_principal: Option<Principal>,
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany<String>>,
    #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
    pub not_action: Option<OneOrMany<String>>,
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany<String>>,
    #[serde(
        rename = "NotResource",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_resource: Option<OneOrMany<String>>,
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

impl Statement {
    /// An empty statement; add actions, resources and so on with the `with_*` methods.
    pub fn new(effect: Effect) -> Self {
        Statement {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
        }
    }

    pub fn allow() -> Self {
        Statement::new(Effect::Allow)
    }

    pub fn deny() -> Self {
        Statement::new(Effect::Deny)
    }

    #[must_use]
    pub fn with_sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    #[must_use]
    pub fn with_principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds one action; the first is written as a string, later ones turn it into a list.
    #[must_use]
    pub fn with_action(mut self, action: impl Into<String>) -> Self {
        push_opt(&mut self.action, action.into());
        self
    }

    #[must_use]
    pub fn with_actions<I, S>(self, actions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        actions.into_iter().fold(self, Statement::with_action)
    }

    #[must_use]
    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        push_opt(&mut self.resource, resource.into());
        self
    }

    #[must_use]
    pub fn with_resources<I, S>(self, resources: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        resources.into_iter().fold(self, Statement::with_resource)
    }

    /// Adds a value under `operator` → `key`. A second value for the same key makes a list,
    /// which IAM reads as "any of these" (OR); different keys or operators are ANDed.
    #[must_use]
    pub fn with_condition(
        mut self,
        operator: impl Into<String>,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        let keys = self
            .condition
            .get_or_insert_with(BTreeMap::new)
            .entry(operator.into())
            .or_default();
        let key = key.into();
        let value = value.into();
        match keys.get_mut(&key) {
            Some(values) => values.push(value),
            None => {
                keys.insert(key, OneOrMany::One(value));
            }
        }
        self
    }

    /// Merges a whole condition block (for example one a user wrote in the org file) into
    /// this statement's. A key present in both keeps the values from both, as a list.
    #[must_use]
    pub fn with_condition_block(mut self, block: &Condition) -> Self {
        for (operator, keys) in block {
            for (key, values) in keys {
                for value in values {
                    self = self.with_condition(operator.clone(), key.clone(), value.clone());
                }
            }
        }
        self
    }

    pub fn actions(&self) -> &[String] {
        self.action.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    pub fn resources(&self) -> &[String] {
        self.resource.as_ref().map_or(&[], OneOrMany::as_slice)
    }
}

/// The principal kinds IAM knows, in the spelling IAM uses as the map key.
pub const PRINCIPAL_KINDS: [&str; 4] = ["AWS", "CanonicalUser", "Federated", "Service"];

/// `Principal` or `NotPrincipal`: `"*"` or a map from kind (`AWS`, `Service`, …) to values.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"`: everyone, including anonymous callers.
    Any,
    Map(BTreeMap<String, OneOrMany<String>>),
}

impl Principal {
    fn single(kind: &str, value: impl Into<String>) -> Self {
        Principal::Map(BTreeMap::from([(
            kind.to_owned(),
            OneOrMany::One(value.into()),
        )]))
    }

    /// An `AWS` principal: an account ID or root ARN, a role, user or session ARN.
    pub fn aws(value: impl Into<String>) -> Self {
        Principal::single("AWS", value)
    }

    /// A `Service` principal such as `ecs-tasks.amazonaws.com`.
    pub fn service(value: impl Into<String>) -> Self {
        Principal::single("Service", value)
    }

    /// A `Federated` principal: a SAML provider ARN or an OIDC provider.
    pub fn federated(value: impl Into<String>) -> Self {
        Principal::single("Federated", value)
    }

    /// Adds a value of the given kind. Adding to `Any` keeps `Any`, which already covers it.
    #[must_use]
    pub fn with(mut self, kind: &str, value: impl Into<String>) -> Self {
        if let Principal::Map(map) = &mut self {
            let value = value.into();
            match map.get_mut(kind) {
                Some(values) => values.push(value),
                None => {
                    map.insert(kind.to_owned(), OneOrMany::One(value));
                }
            }
        }
        self
    }

    /// The values of one kind, empty if absent.
    pub fn values(&self, kind: &str) -> &[String] {
        match self {
            Principal::Any => &[],
            Principal::Map(map) => map.get(kind).map_or(&[], OneOrMany::as_slice),
        }
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Any => serializer.serialize_str("*"),
            Principal::Map(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Star(String),
            Map(BTreeMap<String, OneOrMany<String>>),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Star(s) if s == "*" => Ok(Principal::Any),
            Raw::Star(s) => Err(serde::de::Error::custom(format!(
                "a principal string must be \"*\", not {s:?}"
            ))),
            Raw::Map(map) => Ok(Principal::Map(map)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_in_canonical_order() {
        let doc = PolicyDocument::new(vec![
            Statement::allow()
                .with_condition("StringEquals", "sts:ExternalId", "abc")
                .with_resource("*")
                .with_actions(["s3:GetObject", "s3:PutObject"])
                .with_sid("Read"),
        ]);
        let text = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            text,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}]}"#
        );
    }

    #[test]
    fn builds_a_trust_policy() {
        let doc = PolicyDocument::new(vec![
            Statement::allow()
                .with_principal(Principal::aws("arn:aws:iam::111122223333:root"))
                .with_action("sts:AssumeRole")
                .with_condition(
                    "ArnLike",
                    "aws:PrincipalArn",
                    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Dev_*",
                )
                .with_condition("Bool", "aws:MultiFactorAuthPresent", true),
        ]);
        let value = serde_json::to_value(&doc).unwrap();
        assert_eq!(
            value["Statement"][0]["Principal"],
            json!({"AWS": "arn:aws:iam::111122223333:root"})
        );
        assert_eq!(
            value["Statement"][0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"],
            json!(true)
        );
    }

    #[test]
    fn condition_values_for_one_key_become_a_list() {
        let s = Statement::allow()
            .with_condition("StringEquals", "aws:PrincipalOrgID", "o-1")
            .with_condition_block(&BTreeMap::from([(
                "StringEquals".to_owned(),
                BTreeMap::from([(
                    "aws:PrincipalOrgID".to_owned(),
                    OneOrMany::One(json!("o-2")),
                )]),
            )]));
        let c = s.condition.unwrap();
        assert_eq!(
            c["StringEquals"]["aws:PrincipalOrgID"],
            OneOrMany::Many(vec![json!("o-1"), json!("o-2")])
        );
    }

    #[test]
    fn round_trips_one_or_many_as_written() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":["*"],"Condition":{"StringLike":{"k":["a","b"]},"NumericLessThan":{"n":5}}}}"#;
        let doc: PolicyDocument = serde_json::from_str(text).unwrap();
        let again = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            again,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":["*"],"Condition":{"NumericLessThan":{"n":5},"StringLike":{"k":["a","b"]}}}}"#
        );
    }

    #[test]
    fn principal_star_round_trips_and_other_strings_fail() {
        let p: Principal = serde_json::from_str(r#""*""#).unwrap();
        assert_eq!(p, Principal::Any);
        assert_eq!(serde_json::to_string(&p).unwrap(), r#""*""#);
        assert!(serde_json::from_str::<Principal>(r#""x""#).is_err());
        let p = Principal::service("ec2.amazonaws.com").with("Service", "lambda.amazonaws.com");
        assert_eq!(p.values("Service").len(), 2);
    }
}
