//! The JSON Schema of the spec, generated from the spec types, so editors and trustgen's
//! own structural check read the same rules.

use schemars::generate::SchemaSettings;

use super::Spec;

/// Where the schema of spec version 1 is published, its `$id`: the committed file on the
/// repository's main branch, which SchemaStore's catalog entry and editors point at
/// (README, "Schema for editors"; a test keeps it under Cargo.toml's repository).
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/trustgen/trustgen/main/schemas/trustgen.schema.json";

/// The schema as JSON (draft 2020-12), `$defs` included.
pub(crate) fn json_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Spec>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        // `$schema` first, then the id: the order editors show them in.
        let draft = object.shift_remove("$schema");
        let mut ordered = serde_json::Map::new();
        if let Some(draft) = draft {
            ordered.insert("$schema".into(), draft);
        }
        ordered.insert("$id".into(), SCHEMA_ID.into());
        ordered.extend(std::mem::take(object));
        ordered.insert("title".into(), "trustgen spec (version 1)".into());
        *object = ordered;
    }
    value
}

/// The schema as committed in `schemas/trustgen.schema.json`.
pub(crate) fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}
