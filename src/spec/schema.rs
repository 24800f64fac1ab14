//! The JSON Schema of the spec, generated from the spec types, so editors and trustgen's
//! own structural check read the same rules.

use schemars::generate::SchemaSettings;

use super::Spec;

/// The schema as JSON (draft 2020-12), `$defs` included.
pub fn json_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Spec>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("title".into(), "trustgen spec (version 1)".into());
    }
    value
}

/// The schema as committed in `schemas/trustgen.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}
