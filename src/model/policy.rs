//! IAM policy documents as typed values, serialized to IAM's JSON shape with serde.
//!
//! One serializer serves every backend, so CloudFormation and Terraform encode the same
//! document byte for byte before backend-specific substitutions.

use crate::collections::IndexMap;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

pub(crate) const POLICY_VERSION: &str = "2012-10-17";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    pub fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION,
            statements,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        // Serializing plain strings, maps and lists into a Value cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Length as IAM counts it against its quotas: the JSON with whitespace removed.
    pub fn size(&self) -> usize {
        // Counted as it is written, without building the string.
        let mut counter = ByteCounter(0);
        match serde_json::to_writer(&mut counter, self) {
            Ok(()) => counter.0,
            Err(_) => 0,
        }
    }
}

/// The length of `value`'s compact JSON, counted as it is written, without building it.
pub(crate) fn json_size<T: Serialize + ?Sized>(value: &T) -> usize {
    let mut counter = ByteCounter(0);
    match serde_json::to_writer(&mut counter, value) {
        Ok(()) => counter.0,
        Err(_) => 0,
    }
}

struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Principal`: the kinds trustgen trusts. Principals of one kind share a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Service(String),
    Aws(Vec<String>),
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Principal::Service(service) => map.serialize_entry("Service", service)?,
            Principal::Aws(arns) => map.serialize_entry("AWS", &OneOrMany(arns))?,
        }
        map.end()
    }
}

/// IAM accepts a single value or a list; one value is written bare, as AWS's own examples do.
struct OneOrMany<'a>(&'a [String]);

impl Serialize for OneOrMany<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [single] => serializer.serialize_str(single),
            many => many.serialize(serializer),
        }
    }
}

/// `Condition`: operator -> context key -> value(s), in insertion order.
pub(crate) type Condition = IndexMap<String, IndexMap<String, serde_json::Value>>;

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub condition: Condition,
}

impl Statement {
    pub fn allow(sid: &str, actions: &[&str]) -> Self {
        Statement {
            sid: Some(sid.to_string()),
            effect: Effect::Allow,
            principal: None,
            actions: actions.iter().map(|a| (*a).to_string()).collect(),
            resources: Vec::new(),
            condition: Condition::default(),
        }
    }

    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    pub fn resources(mut self, resources: Vec<String>) -> Self {
        self.resources = resources;
        self
    }

    pub fn condition(mut self, operator: &str, key: &str, value: serde_json::Value) -> Self {
        self.condition
            .entry(operator.to_string())
            .or_default()
            .insert(key.to_string(), value);
        self
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(sid) = &self.sid {
            map.serialize_entry("Sid", sid)?;
        }
        map.serialize_entry("Effect", &self.effect)?;
        if let Some(principal) = &self.principal {
            map.serialize_entry("Principal", principal)?;
        }
        map.serialize_entry("Action", &OneOrMany(&self.actions))?;
        if !self.resources.is_empty() {
            map.serialize_entry("Resource", &OneOrMany(&self.resources))?;
        }
        if !self.condition.is_empty() {
            map.serialize_entry("Condition", &self.condition)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_values_are_bare_and_lists_stay_lists() {
        let statement = Statement::allow("Two", &["s3:GetObject", "s3:PutObject"])
            .resources(vec!["arn:aws:s3:::b/*".into()]);
        assert_eq!(
            serde_json::to_value(&statement).unwrap_or_default(),
            json!({"Sid": "Two", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"})
        );
    }

    #[test]
    fn size_ignores_whitespace() {
        let document = PolicyDocument::new(vec![Statement::allow("A", &["sts:AssumeRole"])
            .principal(Principal::Aws(
                vec!["arn:aws:iam::111122223333:root".into()],
            ))]);
        let compact = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(document.size(), compact.len());
    }
}
