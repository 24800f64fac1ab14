//! The document writers as they were before documents streamed (test builds only): each
//! document built as a tree first (`from_policy`; container definitions through the
//! derive, `serialize::to_tree`), then written (`yaml`, `hcl`). Every document a test
//! build renders is also written this way and compared with what the streaming writers
//! wrote (`place::Documents`): they must agree byte for byte.

pub(crate) mod hcl;
pub(crate) mod serialize;
pub(crate) mod yaml;

use std::borrow::Cow;

use super::doc::{Doc, Intrinsic, Substitute};
use crate::model::policy::{Effect, PolicyDocument, Principal};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(Cow<'a, str>),
    List(Vec<Tree<'a>>),
    Map(Vec<(Cow<'a, str>, Tree<'a>)>),
    /// A CloudFormation intrinsic function.
    Intrinsic(Intrinsic),
    /// A Terraform expression the renderer wrote (a reference to a resource it declares).
    Reference(String),
}

impl<'a> Tree<'a> {
    pub(crate) fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Tree::Text(text.into())
    }

    pub(crate) fn int(number: impl Into<serde_json::Number>) -> Self {
        Tree::Number(number.into())
    }

    /// A map of one entry, such as `{"AWS": …}`.
    pub(crate) fn single(key: &'static str, value: Tree<'a>) -> Self {
        Tree::Map(vec![(Cow::Borrowed(key), value)])
    }
}

impl<'a> From<Doc<'a>> for Tree<'a> {
    fn from(value: Doc<'a>) -> Self {
        match value {
            Doc::Text(text) => Tree::Text(text),
            Doc::Intrinsic(intrinsic) => Tree::Intrinsic(intrinsic),
        }
    }
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

pub(crate) fn no_substitution(_: &str) -> Option<Doc<'static>> {
    None
}

/// A JSON value as a document, each string replaced by what `string` returns for it.
pub(crate) fn from_json<'a>(value: &'a serde_json::Value, string: Substitute) -> Tree<'a> {
    match value {
        serde_json::Value::Null => Tree::Null,
        serde_json::Value::Bool(b) => Tree::Bool(*b),
        serde_json::Value::Number(n) => Tree::Number(n.clone()),
        serde_json::Value::String(s) => {
            string(s).map_or_else(|| Tree::text(s.as_str()), Tree::from)
        }
        serde_json::Value::Array(items) => {
            Tree::List(items.iter().map(|item| from_json(item, string)).collect())
        }
        serde_json::Value::Object(map) => Tree::Map(
            map.iter()
                .map(|(key, item)| (Cow::Borrowed(key.as_str()), from_json(item, string)))
                .collect(),
        ),
    }
}

/// A policy document exactly as its serde JSON would convert
/// (`from_json(&document.to_json(), string)`), without building the JSON first.
pub(crate) fn from_policy<'a>(document: &'a PolicyDocument, string: Substitute) -> Tree<'a> {
    let text = |s: &'a str| string(s).map_or_else(|| Tree::text(s), Tree::from);
    let one_or_many = |items: &'a [String]| match items {
        [single] => text(single),
        many => Tree::List(many.iter().map(|s| text(s)).collect()),
    };
    let statements = document
        .statements
        .iter()
        .map(|statement| {
            let mut map = Vec::with_capacity(6);
            let mut set =
                |key: &'static str, value: Tree<'a>| map.push((Cow::Borrowed(key), value));
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
                        Principal::Service(service) => Tree::single("Service", text(service)),
                        Principal::Aws(arns) => Tree::single("AWS", one_or_many(arns)),
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
                        (Cow::Borrowed(operator.as_str()), Tree::Map(keys))
                    })
                    .collect();
                set("Condition", Tree::Map(operators));
            }
            Tree::Map(map)
        })
        .collect();
    Tree::Map(vec![
        (Cow::Borrowed("Version"), text(document.version)),
        (Cow::Borrowed("Statement"), Tree::List(statements)),
    ])
}

/// The trust policy with each `Principal.AWS` ARN that `references` names replaced by its
/// reference.
pub(crate) fn trust_policy<'a>(
    document: &'a PolicyDocument,
    references: &[(&str, String)],
) -> Tree<'a> {
    let mut written = from_policy(document, &no_substitution);
    let Tree::Map(entries) = &mut written else {
        return written;
    };
    let statements = entries.iter_mut().find(|(key, _)| key == "Statement");
    let Some((_, Tree::List(statements))) = statements else {
        return written;
    };
    let replace = |value: &mut Tree| {
        let reference = match value {
            Tree::Text(arn) => references.iter().find(|(known, _)| *known == arn.as_ref()),
            _ => None,
        };
        if let Some((_, reference)) = reference {
            *value = Tree::Reference(reference.clone());
        }
    };
    for (statement, source) in statements.iter_mut().zip(&document.statements) {
        if !matches!(source.principal, Some(Principal::Aws(_))) {
            continue;
        }
        let Tree::Map(fields) = statement else {
            continue;
        };
        let Some((_, Tree::Map(kinds))) = fields.iter_mut().find(|(key, _)| key == "Principal")
        else {
            continue;
        };
        for (_, arns) in kinds.iter_mut() {
            match arns {
                Tree::List(items) => items.iter_mut().for_each(replace),
                single => replace(single),
            }
        }
    }
    written
}

pub(crate) fn json(value: &serde_json::Value) -> Tree<'_> {
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
