//! The structural check: the TOML document walked against the spec's JSON Schema, so
//! every unknown key, wrong type and invalid enum value is reported at once, located, with
//! the nearest valid key or value. Only a structurally sound document reaches serde.

use std::ops::Range;

use serde_json::Value as Schema;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::schema::json_schema;
use crate::diagnostic::{suggest, Code, Diagnostic, Location};

/// Every structural problem of the document, or a TOML syntax error.
#[cfg(test)]
fn check(text: &str) -> Vec<Diagnostic> {
    match parse(text) {
        Ok(document) => check_document(&document),
        Err(problems) => problems,
    }
}

/// The TOML document with spans, or its syntax error located.
pub(super) fn parse(text: &str) -> Result<Spanned<DeTable<'_>>, Vec<Diagnostic>> {
    DeTable::parse(text).map_err(|error| {
        let span = error.span().map_or(Location::Nowhere, Location::Span);
        vec![
            Diagnostic::new(Code::TomlSyntax, error.message().trim().to_string(), span)
                .with_help("see the TOML syntax at https://toml.io"),
        ]
    })
}

/// Every structural problem of a parsed document: unknown keys, wrong types, bad values.
pub(super) fn check_document(document: &Spanned<DeTable<'_>>) -> Vec<Diagnostic> {
    let root = json_schema();
    let mut walker = Walker {
        root: &root,
        found: Vec::new(),
    };
    walker.table(document.get_ref(), document.span(), &root, "");
    walker.found
}

struct Walker<'s> {
    root: &'s Schema,
    found: Vec<Diagnostic>,
}

fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn describe_type(name: &str) -> &'static str {
    match name {
        "object" => "a table",
        "array" => "an array",
        "string" => "a string",
        "integer" => "an integer",
        "boolean" => "a boolean (true or false)",
        "number" => "a number",
        _ => "a value",
    }
}

fn matches_type(value: &DeValue<'_>, name: &str) -> bool {
    matches!(
        (name, value),
        ("object", DeValue::Table(_))
            | ("array", DeValue::Array(_))
            | ("string", DeValue::String(_))
            | ("integer", DeValue::Integer(_))
            | ("boolean", DeValue::Boolean(_))
            | ("number", DeValue::Integer(_) | DeValue::Float(_))
            | ("null", _)
    )
}

impl<'s> Walker<'s> {
    /// Follows `$ref`, and picks the non-null branch of `anyOf` (how schemars writes Option).
    /// An `anyOf` of several non-null branches (a number or a table) is left for `value`,
    /// which picks the branch by the value's type.
    fn resolve(&self, mut schema: &'s Schema) -> &'s Schema {
        for _ in 0..8 {
            if let Some(reference) = schema.get("$ref").and_then(Schema::as_str) {
                let name = reference.trim_start_matches("#/$defs/");
                match self.root.get("$defs").and_then(|defs| defs.get(name)) {
                    Some(target) => schema = target,
                    None => return schema,
                }
            } else if let Some(branches) = schema.get("anyOf").and_then(Schema::as_array) {
                let mut choices = branches
                    .iter()
                    .filter(|b| b.get("type").and_then(Schema::as_str) != Some("null"));
                match (choices.next(), choices.next()) {
                    (Some(branch), None) => schema = branch,
                    _ => return schema,
                }
            } else {
                return schema;
            }
        }
        schema
    }

    /// The types a schema accepts (`null` aside).
    fn types(schema: &Schema) -> Vec<&str> {
        match schema.get("type") {
            Some(Schema::String(name)) => vec![name.as_str()],
            Some(Schema::Array(names)) => names
                .iter()
                .filter_map(Schema::as_str)
                .filter(|n| *n != "null")
                .collect(),
            _ => Vec::new(),
        }
    }

    fn value(&mut self, value: &Spanned<DeValue<'_>>, schema: &'s Schema, path: &str) {
        let schema = self.resolve(schema);
        if let Some(branches) = schema.get("anyOf").and_then(Schema::as_array) {
            // One of several shapes (a port number or a port table): the one of its type.
            let choices: Vec<&'s Schema> = branches
                .iter()
                .map(|branch| self.resolve(branch))
                .filter(|branch| !Self::types(branch).is_empty())
                .collect();
            let chosen = choices.iter().find(|branch| {
                Self::types(branch)
                    .iter()
                    .any(|t| matches_type(value.get_ref(), t))
            });
            match chosen {
                Some(branch) => self.value(value, branch, path),
                None => {
                    let expected: Vec<&str> = choices
                        .iter()
                        .flat_map(|branch| Self::types(branch))
                        .map(describe_type)
                        .collect();
                    self.found.push(Diagnostic::new(
                        Code::WrongType,
                        format!(
                            "`{path}` must be {}, not {}",
                            expected.join(" or "),
                            kind(value.get_ref())
                        ),
                        Location::Span(value.span()),
                    ));
                }
            }
            return;
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Schema::String(name)) => vec![name.as_str()],
            Some(Schema::Array(names)) => names
                .iter()
                .filter_map(Schema::as_str)
                .filter(|n| *n != "null")
                .collect(),
            _ => return, // any value (IAM condition values are checked later)
        };
        if !types.iter().any(|t| matches_type(value.get_ref(), t)) {
            let expected = types.first().map_or("a value", |t| describe_type(t));
            let mut diagnostic = Diagnostic::new(
                Code::WrongType,
                format!("`{path}` must be {expected}, not {}", kind(value.get_ref())),
                Location::Span(value.span()),
            );
            if path.ends_with(".id") && matches!(value.get_ref(), DeValue::Integer(_)) {
                diagnostic = diagnostic.with_help(
                    "write account ids as strings, so leading zeros survive: id = \"012345678901\"",
                );
            } else if expected == "an array" {
                diagnostic = diagnostic.with_help("wrap it in brackets: [ ... ]");
            }
            self.found.push(diagnostic);
            return;
        }
        match value.get_ref() {
            DeValue::Table(table) => self.table(table, value.span(), schema, path),
            DeValue::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        self.value(item, item_schema, &format!("{path}[{index}]"));
                    }
                }
            }
            DeValue::String(text) => self.enumeration(text, value.span(), schema, path),
            DeValue::Integer(_) => self.range(value, schema, path),
            _ => {}
        }
    }

    fn enumeration(&mut self, text: &str, span: Range<usize>, schema: &Schema, path: &str) {
        let Some(options) = schema.get("enum").and_then(Schema::as_array) else {
            return;
        };
        let options: Vec<&str> = options.iter().filter_map(Schema::as_str).collect();
        if options.contains(&text) {
            return;
        }
        let help = match suggest(text, options.iter().copied()) {
            Some(near) => format!("did you mean \"{near}\"?"),
            None => format!(
                "one of: {}",
                options
                    .iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.found.push(
            Diagnostic::new(
                Code::InvalidValue,
                format!("`{path}` cannot be \"{text}\""),
                Location::Span(span),
            )
            .with_help(help),
        );
    }

    fn range(&mut self, value: &Spanned<DeValue<'_>>, schema: &Schema, path: &str) {
        let Some(number) = value
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
        else {
            self.found.push(Diagnostic::new(
                Code::InvalidValue,
                format!("`{path}` is not a 64-bit integer"),
                Location::Span(value.span()),
            ));
            return;
        };
        let minimum = schema.get("minimum").and_then(Schema::as_i64);
        let maximum = schema.get("maximum").and_then(Schema::as_i64);
        if minimum.is_some_and(|m| number < m) || maximum.is_some_and(|m| number > m) {
            let allowed = match (minimum, maximum) {
                (Some(a), Some(b)) if a == b => format!("write {a}"),
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => String::new(),
            };
            self.found.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("`{path}` cannot be {number}"),
                    Location::Span(value.span()),
                )
                .with_help(allowed),
            );
        }
    }

    fn table(&mut self, table: &DeTable<'_>, span: Range<usize>, schema: &'s Schema, path: &str) {
        let schema = self.resolve(schema);
        let properties = schema.get("properties").and_then(Schema::as_object);
        let additional = schema.get("additionalProperties");
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let child = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            if let Some(property) = properties.and_then(|p| p.get(name)) {
                self.value(value, property, &child);
            } else if let Some(item_schema) =
                additional.filter(|a| a.is_object() || **a == Schema::Bool(true))
            {
                self.value(value, item_schema, &child);
            } else {
                let known: Vec<&str> = properties
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let help = match suggest(name, known.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if known.is_empty() => "remove this key".to_string(),
                    None => format!("valid keys here: {}", known.join(", ")),
                };
                let location = if path.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("in `{path}`")
                };
                self.found.push(
                    Diagnostic::new(
                        Code::UnknownKey,
                        format!("unknown key `{name}` {location}: trustgen never ignores a key it does not know"),
                        Location::Span(key.span()),
                    )
                    .with_help(help),
                );
            }
        }
        for required in schema
            .get("required")
            .and_then(Schema::as_array)
            .into_iter()
            .flatten()
            .filter_map(Schema::as_str)
        {
            if !table.iter().any(|(key, _)| key.get_ref() == required) {
                let what = if path.is_empty() {
                    "the spec".to_string()
                } else {
                    format!("`{path}`")
                };
                let help = match required {
                    "version" => "start the spec with `version = 1`".to_string(),
                    _ => format!("add `{required} = …` (see the spec reference in README.md)"),
                };
                self.found.push(
                    Diagnostic::new(
                        Code::MissingKey,
                        format!("{what} needs `{required}`"),
                        Location::Span(span.clone()),
                    )
                    .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<Code> {
        check(text).iter().map(|d| d.code).collect()
    }

    #[test]
    fn reports_every_independent_problem_at_once() {
        let text = "version = 1\nnmae = 2\n[project]\nname = \"x\"\npartition = \"aws-china\"\n[accounts.dev]\nid = 111122223333\nenv = \"dev\"\n[tasks.a]\naccount = \"dev\"\nactoins = []\n";
        let found = check(text);
        assert_eq!(
            codes(text),
            [
                Code::UnknownKey,
                Code::InvalidValue,
                Code::WrongType,
                Code::UnknownKey
            ],
            "{found:?}"
        );
        assert_eq!(found[1].help.as_deref(), Some("did you mean \"aws-cn\"?"));
        assert!(found[2]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("as strings"));
    }

    #[test]
    fn a_value_of_several_shapes_is_checked_against_the_one_of_its_type() {
        let base = "version = 1\n[project]\nname = \"x\"\n[accounts.dev]\nid = \"111122223333\"\nenv = \"dev\"\n[tasks.a]\naccount = \"dev\"\n[[tasks.a.containers]]\nname = \"a\"\nimage = \"i\"\n";
        let ports = |value: &str| check(&format!("{base}port_mappings = {value}\n"));
        assert!(ports("[8080, { container_port = 53, protocol = \"udp\" }]").is_empty());
        let found =
            ports("[{ container_prot = 1 }, \"80\", { container_port = 1, protocol = \"sctp\" }]");
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown key `container_prot` in `tasks.a.containers[0].port_mappings[0]`: trustgen never ignores a key it does not know",
                "`tasks.a.containers[0].port_mappings[0]` needs `container_port`",
                "`tasks.a.containers[0].port_mappings[1]` must be an integer or a table, not a string",
                "`tasks.a.containers[0].port_mappings[2].protocol` cannot be \"sctp\"",
            ]
        );
    }

    #[test]
    fn missing_required_keys_are_named() {
        let found = check("[project]\nname = \"x\"\n");
        assert!(found
            .iter()
            .any(|d| d.message == "the spec needs `version`"));
        assert!(found
            .iter()
            .any(|d| d.message == "the spec needs `accounts`"));
    }

    #[test]
    fn a_valid_spec_has_no_structural_problem() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/organisation-two-way.toml"
        ))
        .unwrap_or_default();
        assert!(check(&text).is_empty(), "{:?}", check(&text));
    }
}
