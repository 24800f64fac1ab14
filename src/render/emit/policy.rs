//! A policy document as events, in the order and shape of its JSON (`PolicyDocument::
//! to_json`), walked as it is: no JSON value or tree is built first.

use super::events::{self, Scalar, Sink};
use crate::model::policy::{Effect, PolicyDocument, Principal};

/// Writes `document` to `sink`. `references` (Terraform: ARN, reference) replace the
/// `Principal.AWS` ARNs they name with the reference the renderer made; elsewhere, and
/// for every other string, the text goes as it is.
pub(crate) fn write(
    document: &PolicyDocument,
    references: &[(&str, String)],
    sink: &mut impl Sink,
) {
    sink.begin_map();
    sink.key("Version");
    sink.scalar(Scalar::Text(document.version));
    sink.key("Statement");
    sink.begin_list();
    for statement in &document.statements {
        sink.begin_map();
        if let Some(sid) = &statement.sid {
            sink.key("Sid");
            sink.scalar(Scalar::Text(sid));
        }
        sink.key("Effect");
        sink.scalar(Scalar::Text(match statement.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }));
        match &statement.principal {
            Some(Principal::Service(service)) => {
                sink.key("Principal");
                sink.begin_map();
                sink.key("Service");
                sink.scalar(Scalar::Text(service));
                sink.end_map();
            }
            Some(Principal::Aws(arns)) => {
                sink.key("Principal");
                sink.begin_map();
                sink.key("AWS");
                one_or_many(arns, sink, |arn| {
                    match references.iter().find(|(known, _)| *known == arn) {
                        Some((_, reference)) => Scalar::Reference(reference),
                        None => Scalar::Text(arn),
                    }
                });
                sink.end_map();
            }
            None => {}
        }
        sink.key("Action");
        one_or_many(&statement.actions, sink, Scalar::Text);
        if !statement.resources.is_empty() {
            sink.key("Resource");
            one_or_many(&statement.resources, sink, Scalar::Text);
        }
        if !statement.condition.is_empty() {
            sink.key("Condition");
            sink.begin_map();
            for (operator, keys) in &statement.condition {
                sink.key(operator);
                sink.begin_map();
                for (key, value) in keys {
                    sink.key(key);
                    events::json(value, sink);
                }
                sink.end_map();
            }
            sink.end_map();
        }
        sink.end_map();
    }
    sink.end_list();
    sink.end_map();
}

/// One item as itself, more (or none) as a list: as the policy's JSON has it.
fn one_or_many<'a>(
    items: &'a [String],
    sink: &mut impl Sink,
    scalar: impl Fn(&'a str) -> Scalar<'a>,
) {
    match items {
        [single] => sink.scalar(scalar(single)),
        many => {
            sink.begin_list();
            for item in many {
                sink.scalar(scalar(item));
            }
            sink.end_list();
        }
    }
}
