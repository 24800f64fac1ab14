//! The one data shape the `yaml` / `hcl` emitters write: a JSON-like tree whose strings
//! borrow from the model where they can. Maps keep their insertion order, which is the
//! output order.
//!
//! Two variants are code, not data: a CloudFormation intrinsic function (`!Sub`, `!Ref`,
//! `!GetAtt`) and a Terraform reference (`aws_iam_role.x.arn`). Only the renderers make
//! them, from names the model computed; spec data arrives through `from_json`, `from_policy`
//! and `serialize::to_doc`, which never do. So no spec value can become an expression.

use std::borrow::Cow;

use crate::model::policy::{Effect, PolicyDocument, Principal};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(Cow<'a, str>),
    List(Vec<Doc<'a>>),
    Map(Vec<(Cow<'a, str>, Doc<'a>)>),
    /// A CloudFormation intrinsic function.
    Intrinsic(Intrinsic),
    /// A Terraform expression the renderer wrote (a reference to a resource it declares).
    Reference(String),
}

/// The CloudFormation intrinsic functions trustgen writes, in their short YAML form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intrinsic {
    /// `!Ref <logical id or pseudo parameter>`
    Ref(String),
    /// `!Sub <text>`: `${…}` in the text are substituted by CloudFormation.
    Sub(String),
    /// `!GetAtt <logical id>.<attribute>`
    GetAtt(String, &'static str),
}

impl<'a> Doc<'a> {
    pub(crate) fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Doc::Text(text.into())
    }

    pub(crate) fn int(number: impl Into<serde_json::Number>) -> Self {
        Doc::Number(number.into())
    }

    /// A map of one entry, such as `{"AWS": …}`.
    pub(crate) fn single(key: &'static str, value: Doc<'a>) -> Self {
        Doc::Map(vec![(Cow::Borrowed(key), value)])
    }
}

/// Writes a number as its `Display` does, without a string of its own (documents hold
/// thousands: ports, sizes, timeouts).
pub(crate) fn push_number(out: &mut String, number: &serde_json::Number) {
    use std::fmt::Write as _;
    // Writing into a String cannot fail.
    let _ = write!(out, "{number}");
}

/// The width of a number as `push_number` writes it.
pub(crate) fn number_width(number: &serde_json::Number) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0 += text.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{number}"));
    count.0
}

/// Replaces strings: CloudFormation writes own-account ARNs as `Fn::Sub`.
pub(crate) type Substitute<'s> = &'s dyn Fn(&str) -> Option<Doc<'static>>;

pub(crate) fn no_substitution(_: &str) -> Option<Doc<'static>> {
    None
}

/// A JSON value as a document, each string replaced by what `string` returns for it.
pub(crate) fn from_json<'a>(value: &'a serde_json::Value, string: Substitute) -> Doc<'a> {
    match value {
        serde_json::Value::Null => Doc::Null,
        serde_json::Value::Bool(b) => Doc::Bool(*b),
        serde_json::Value::Number(n) => Doc::Number(n.clone()),
        serde_json::Value::String(s) => string(s).unwrap_or_else(|| Doc::text(s.as_str())),
        serde_json::Value::Array(items) => {
            Doc::List(items.iter().map(|item| from_json(item, string)).collect())
        }
        serde_json::Value::Object(map) => Doc::Map(
            map.iter()
                .map(|(key, item)| (Cow::Borrowed(key.as_str()), from_json(item, string)))
                .collect(),
        ),
    }
}

/// A policy document exactly as its serde JSON would convert
/// (`from_json(&document.to_json(), string)`), without building the JSON first.
pub(crate) fn from_policy<'a>(document: &'a PolicyDocument, string: Substitute) -> Doc<'a> {
    let text = |s: &'a str| string(s).unwrap_or_else(|| Doc::text(s));
    let one_or_many = |items: &'a [String]| match items {
        [single] => text(single),
        many => Doc::List(many.iter().map(|s| text(s)).collect()),
    };
    let statements = document
        .statements
        .iter()
        .map(|statement| {
            let mut map = Vec::with_capacity(6);
            let mut set = |key: &'static str, value: Doc<'a>| map.push((Cow::Borrowed(key), value));
            if let Some(sid) = &statement.sid {
                set("Sid", text(sid));
            }
            set(
                "Effect",
                text(match statement.effect {
                    Effect::Allow => "Allow",
                    Effect::Deny => "Deny",
                }),
            );
            if let Some(principal) = &statement.principal {
                set(
                    "Principal",
                    match principal {
                        Principal::Service(service) => Doc::single("Service", text(service)),
                        Principal::Aws(arns) => Doc::single("AWS", one_or_many(arns)),
                    },
                );
            }
            set("Action", one_or_many(&statement.actions));
            if !statement.resources.is_empty() {
                set("Resource", one_or_many(&statement.resources));
            }
            if !statement.condition.is_empty() {
                let operators = statement
                    .condition
                    .iter()
                    .map(|(operator, keys)| {
                        let keys = keys
                            .iter()
                            .map(|(key, value)| {
                                (Cow::Borrowed(key.as_str()), from_json(value, string))
                            })
                            .collect();
                        (Cow::Borrowed(operator.as_str()), Doc::Map(keys))
                    })
                    .collect();
                set("Condition", Doc::Map(operators));
            }
            Doc::Map(map)
        })
        .collect();
    Doc::Map(vec![
        (Cow::Borrowed("Version"), text(document.version)),
        (Cow::Borrowed("Statement"), Doc::List(statements)),
    ])
}

#[cfg(test)]
pub(crate) fn json(value: &serde_json::Value) -> Doc<'_> {
    from_json(value, &no_substitution)
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
        let substitute = |s: &str| (s == "arn:aws:iam::1:root").then(|| Doc::text("ONE"));
        let json = document.to_json();
        assert_eq!(
            from_policy(&document, &substitute),
            from_json(&json, &substitute)
        );
        assert_eq!(from_policy(&document, &no_substitution), self::json(&json));
    }
}
