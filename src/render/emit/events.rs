//! A document as a stream of events, the one interface between what describes a document
//! (a policy walked as it is, `policy`; a container definition through its serde derive,
//! `serialize`) and what writes it (`yaml::YamlWriter`, `hcl_writer::HclWriter`). Nothing
//! is built in between: each string goes from the model straight into the output.
//!
//! Every string arrives as `Scalar::Text` (data, quoted by the writer); only a renderer
//! makes a `Scalar::Reference`, from names the model computed, and a CloudFormation
//! writer's own substitution makes an intrinsic. So no spec value can become an expression.

/// One value that is not a collection.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(&'a str),
    /// A Terraform expression the renderer wrote (a reference to a resource it declares).
    Reference(&'a str),
}

/// Receives a document: values in order; a map's entries as `key` then its value.
pub(crate) trait Sink {
    fn scalar(&mut self, value: Scalar<'_>);
    fn begin_map(&mut self);
    fn key(&mut self, key: &str);
    fn end_map(&mut self);
    fn begin_list(&mut self);
    fn end_list(&mut self);
}

/// A JSON value (a condition's values) as events.
pub(crate) fn json(value: &serde_json::Value, sink: &mut impl Sink) {
    match value {
        serde_json::Value::Null => sink.scalar(Scalar::Null),
        serde_json::Value::Bool(b) => sink.scalar(Scalar::Bool(*b)),
        serde_json::Value::Number(n) => sink.scalar(Scalar::Number(n.clone())),
        serde_json::Value::String(s) => sink.scalar(Scalar::Text(s)),
        serde_json::Value::Array(items) => {
            sink.begin_list();
            for item in items {
                json(item, sink);
            }
            sink.end_list();
        }
        serde_json::Value::Object(map) => {
            sink.begin_map();
            for (key, item) in map {
                sink.key(key);
                json(item, sink);
            }
            sink.end_map();
        }
    }
}
