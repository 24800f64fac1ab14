//! The data templates receive, as Tera values, and the one view of it the `yaml` / `hcl`
//! emitters walk.
//!
//! Views are built as JSON (the model's documents serialise to it) and converted here once,
//! directly, rather than through Tera's generic serde path; the filters then read the Tera
//! values in place instead of converting them back for every call.

use std::borrow::Cow;

use tera::value::{Key, ValueKind};
use tera::{Map, Value};

use crate::model::policy::{Effect, PolicyDocument, Principal};
use crate::model::ContainerDefinition;

/// `value` as a Tera value, key order kept.
pub fn from_json(value: &serde_json::Value) -> Value {
    from_json_with(value, &|_| None)
}

/// `value` as a Tera value, each string replaced by what `string` returns for it, if
/// anything (CloudFormation writes own-account ARNs as `Fn::Sub`).
pub fn from_json_with(value: &serde_json::Value, string: &dyn Fn(&str) -> Option<Value>) -> Value {
    match value {
        serde_json::Value::Null => Value::none(),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => string(s).unwrap_or_else(|| Value::from(s.as_str())),
        serde_json::Value::Array(items) => Value::from(
            items
                .iter()
                .map(|item| from_json_with(item, string))
                .collect::<Vec<_>>(),
        ),
        serde_json::Value::Object(map) => {
            let mut converted = Map::with_capacity(map.len());
            for (key, item) in map {
                converted.insert(key.clone().into(), from_json_with(item, string));
            }
            Value::from(converted)
        }
    }
}

/// A policy document as a Tera value, exactly as its serde serialization would convert
/// (`from_json_with(&document.to_json(), string)`), without building the JSON first.
pub fn from_policy(document: &PolicyDocument, string: &dyn Fn(&str) -> Option<Value>) -> Value {
    let text = |s: &str| string(s).unwrap_or_else(|| Value::from(s));
    let one_or_many = |items: &[String]| match items {
        [single] => text(single),
        many => Value::from(many.iter().map(|s| text(s)).collect::<Vec<_>>()),
    };
    let statements: Vec<Value> = document
        .statements
        .iter()
        .map(|statement| {
            let mut map = Map::with_capacity(6);
            if let Some(sid) = &statement.sid {
                map.insert("Sid".into(), text(sid));
            }
            let effect = match statement.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            };
            map.insert("Effect".into(), text(effect));
            if let Some(principal) = &statement.principal {
                let mut inner = Map::with_capacity(1);
                match principal {
                    Principal::Service(service) => inner.insert("Service".into(), text(service)),
                    Principal::Aws(arns) => inner.insert("AWS".into(), one_or_many(arns)),
                };
                map.insert("Principal".into(), Value::from(inner));
            }
            map.insert("Action".into(), one_or_many(&statement.actions));
            if !statement.resources.is_empty() {
                map.insert("Resource".into(), one_or_many(&statement.resources));
            }
            if !statement.condition.is_empty() {
                let mut operators = Map::with_capacity(statement.condition.len());
                for (operator, keys) in &statement.condition {
                    let mut converted = Map::with_capacity(keys.len());
                    for (key, value) in keys {
                        converted.insert(key.clone().into(), from_json_with(value, string));
                    }
                    operators.insert(operator.clone().into(), Value::from(converted));
                }
                map.insert("Condition".into(), Value::from(operators));
            }
            Value::from(map)
        })
        .collect();
    let mut map = Map::with_capacity(2);
    map.insert("Version".into(), text(document.version));
    map.insert("Statement".into(), Value::from(statements));
    Value::from(map)
}

/// How container definition keys are spelled: the ECS API's camelCase (Terraform's
/// `jsonencode`) or CloudFormation's PascalCase. Log driver options are user keys and keep
/// their spelling either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCase {
    Camel,
    Pascal,
}

/// Container definitions as Tera values, exactly as their serde JSON would convert
/// (`from_json_with` of the JSON, with keys in `case`), without building the JSON first.
pub fn from_containers(
    containers: &[ContainerDefinition],
    case: KeyCase,
    string: &dyn Fn(&str) -> Option<Value>,
) -> Value {
    let key = |camel: &'static str, pascal: &'static str| -> Key<'static> {
        match case {
            KeyCase::Camel => camel.into(),
            KeyCase::Pascal => pascal.into(),
        }
    };
    let text = |s: &str| string(s).unwrap_or_else(|| Value::from(s));
    let pair = |first: (&'static str, &'static str, &str),
                second: (&'static str, &'static str, &str)| {
        let mut map = Map::with_capacity(2);
        map.insert(key(first.0, first.1), text(first.2));
        map.insert(key(second.0, second.1), text(second.2));
        Value::from(map)
    };
    list(containers.iter().map(|container| {
        let mut map = Map::with_capacity(10);
        map.insert(key("name", "Name"), text(&container.name));
        map.insert(key("image", "Image"), text(&container.image));
        map.insert(
            key("essential", "Essential"),
            Value::from(container.essential),
        );
        if let Some(cpu) = container.cpu {
            map.insert(key("cpu", "Cpu"), Value::from(cpu));
        }
        if let Some(memory) = container.memory {
            map.insert(key("memory", "Memory"), Value::from(memory));
        }
        if !container.command.is_empty() {
            map.insert(
                key("command", "Command"),
                list(container.command.iter().map(|c| text(c))),
            );
        }
        if !container.port_mappings.is_empty() {
            let mappings = container.port_mappings.iter().map(|mapping| {
                let mut port = Map::with_capacity(2);
                port.insert(
                    key("containerPort", "ContainerPort"),
                    Value::from(mapping.container_port),
                );
                port.insert(key("protocol", "Protocol"), text(mapping.protocol));
                Value::from(port)
            });
            map.insert(key("portMappings", "PortMappings"), list(mappings));
        }
        if !container.environment.is_empty() {
            let variables = container.environment.iter().map(|variable| {
                pair(
                    ("name", "Name", &variable.name),
                    ("value", "Value", &variable.value),
                )
            });
            map.insert(key("environment", "Environment"), list(variables));
        }
        if !container.secrets.is_empty() {
            let secrets = container.secrets.iter().map(|secret| {
                pair(
                    ("name", "Name", &secret.name),
                    ("valueFrom", "ValueFrom", &secret.value_from),
                )
            });
            map.insert(key("secrets", "Secrets"), list(secrets));
        }
        if let Some(logs) = &container.log_configuration {
            let mut options = Map::with_capacity(logs.options.len());
            for (name, value) in &logs.options {
                options.insert(name.clone().into(), text(value));
            }
            let mut configuration = Map::with_capacity(2);
            configuration.insert(key("logDriver", "LogDriver"), text(logs.log_driver));
            configuration.insert(key("options", "Options"), Value::from(options));
            map.insert(
                key("logConfiguration", "LogConfiguration"),
                Value::from(configuration),
            );
        }
        Value::from(map)
    }))
}

/// Builds a Tera map in insertion order: `Object::new().set("name", x).into()`.
#[derive(Default)]
pub struct Object(Map);

impl Object {
    pub fn new() -> Self {
        Object::default()
    }

    pub fn set(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Value {
        Value::from(object.0)
    }
}

/// A list of values.
pub fn list<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> Value {
    Value::from(items.into_iter().map(Into::into).collect::<Vec<Value>>())
}

/// One value as the emitters see it.
pub enum Node<'a> {
    Null,
    Bool(bool),
    /// A number (or other scalar without quotes) already spelled out.
    Number(String),
    Text(Cow<'a, str>),
    Array(&'a [Value]),
    Map(&'a Map),
}

pub fn node(value: &Value) -> Node<'_> {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Node::Null,
        ValueKind::Bool => Node::Bool(value.as_bool().unwrap_or(false)),
        ValueKind::String => Node::Text(Cow::Borrowed(value.as_str().unwrap_or_default())),
        ValueKind::Array => Node::Array(value.as_array().unwrap_or_default()),
        ValueKind::Map => match value.as_map() {
            Some(map) => Node::Map(map),
            None => Node::Null,
        },
        ValueKind::Bytes => Node::Text(Cow::Owned(
            String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into_owned(),
        )),
        // Numbers print as serde_json prints them, so output does not depend on the path a
        // number took into the context.
        _ => Node::Number(number_text(value)),
    }
}

fn number_text(value: &Value) -> String {
    if let Some(i) = value.as_i64() {
        i.to_string()
    } else if let Some(u) = value.as_u64() {
        u.to_string()
    } else if let Some(i) = value.as_i128() {
        i.to_string()
    } else if let Some(u) = value.as_u128() {
        u.to_string()
    } else {
        value
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| "null".to_string(), |n| n.to_string())
    }
}

/// A map key as text (Tera keys may also be numbers or booleans).
pub fn key_text<'a>(key: &'a Key<'_>) -> Cow<'a, str> {
    key.as_str()
        .map_or_else(|| Cow::Owned(key.to_string()), Cow::Borrowed)
}

/// The single entry of a one-entry map.
pub fn single_entry(map: &Map) -> Option<(Cow<'_, str>, &Value)> {
    if map.len() != 1 {
        return None;
    }
    map.iter().next().map(|(key, value)| (key_text(key), value))
}

#[cfg(test)]
pub fn json(value: serde_json::Value) -> Value {
    from_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::policy::Statement;

    #[test]
    fn policies_convert_as_their_json_would() {
        let mut deny = Statement::allow("NoDeletes", &["s3:DeleteObject", "s3:DeleteBucket"])
            .resources(vec!["arn:aws:s3:::b/*".into()])
            .condition("Bool", "aws:SecureTransport", serde_json::json!("false"))
            .condition("StringLike", "s3:prefix", serde_json::json!(["a/*", "b/*"]));
        deny.effect = Effect::Deny;
        let mut anonymous =
            Statement::allow("x", &["sts:AssumeRole"]).principal(Principal::Aws(vec![
                "arn:aws:iam::1:root".into(),
                "arn:aws:iam::2:root".into(),
            ]));
        anonymous.sid = None;
        let document = PolicyDocument::new(vec![
            Statement::allow("Ecs", &["sts:AssumeRole"])
                .principal(Principal::Service("ecs-tasks.amazonaws.com".into())),
            deny,
            anonymous,
        ]);
        let substitute = |s: &str| (s == "arn:aws:iam::1:root").then(|| Value::from("ONE"));
        assert_eq!(
            from_policy(&document, &substitute),
            from_json_with(&document.to_json(), &substitute)
        );
        assert_eq!(
            from_policy(&document, &|_| None),
            from_json(&document.to_json())
        );
    }
}
