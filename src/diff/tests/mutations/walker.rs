//! Mutations of a spec from the JSON Schema, walked together with the spec: each value
//! present changed, each key absent added (see the test's own doc in `mod.rs`).

use std::collections::BTreeMap;

use serde_json::Value as Json;
use toml::Value as Toml;

/// xorshift64*: small, seeded, the same everywhere.
pub(super) struct Rng(pub u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(super) fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone)]
pub(super) enum Op {
    Set(Toml),
    Remove,
}

/// One edit of a spec: at `path`, `op`; `key` is the schema key it exercises.
#[derive(Debug, Clone)]
pub(super) struct Edit {
    pub path: Vec<Step>,
    pub op: Op,
    pub key: String,
}

/// The schema node a `$ref` names, or the node itself.
fn resolve<'s>(schema: &'s Json, node: &'s Json) -> &'s Json {
    match node.get("$ref").and_then(Json::as_str) {
        Some(reference) => reference
            .strip_prefix("#/$defs/")
            .and_then(|name| schema["$defs"].get(name))
            .map_or(node, |target| resolve(schema, target)),
        None => node,
    }
}

/// The alternatives of a node (`anyOf`), `null` left out, each resolved.
fn options<'s>(schema: &'s Json, node: &'s Json) -> Vec<&'s Json> {
    let node = resolve(schema, node);
    match node.get("anyOf").and_then(Json::as_array) {
        Some(any) => any
            .iter()
            .map(|option| resolve(schema, option))
            .filter(|option| option.get("type") != Some(&Json::from("null")))
            .flat_map(|option| options(schema, option))
            .collect(),
        None => vec![node],
    }
}

fn types(node: &Json) -> Vec<&str> {
    match node.get("type") {
        Some(Json::String(one)) => vec![one.as_str()],
        Some(Json::Array(many)) => many.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether a TOML value has the shape a schema node describes.
fn fits(node: &Json, value: &Toml) -> bool {
    let kinds = types(node);
    let kind = match value {
        Toml::String(_) => "string",
        Toml::Integer(_) => "integer",
        Toml::Float(_) => "number",
        Toml::Boolean(_) => "boolean",
        Toml::Array(_) => "array",
        Toml::Table(_) => "object",
        Toml::Datetime(_) => "string",
    };
    kinds.is_empty() || kinds.contains(&kind)
}

/// Values seen at each place of the schema across the corpus: where a mutation takes a
/// realistic value from.
#[derive(Default)]
pub(super) struct Donors(BTreeMap<String, Vec<Toml>>);

impl Donors {
    pub(super) fn gather(schema: &Json, corpus: &[(String, String)]) -> Self {
        let mut donors = Donors::default();
        for (_, text) in corpus {
            if let Ok(table) = text.parse::<toml::Table>() {
                donors.visit(schema, schema, &Toml::Table(table), String::new());
            }
        }
        for values in donors.0.values_mut() {
            values.sort_by_key(|v| v.to_string());
            values.dedup();
        }
        donors
    }

    fn visit(&mut self, schema: &Json, node: &Json, value: &Toml, place: String) {
        self.0.entry(place.clone()).or_default().push(value.clone());
        let Some(node) = options(schema, node).into_iter().find(|o| fits(o, value)) else {
            return;
        };
        match value {
            Toml::Table(table) => {
                for (key, item) in table {
                    let (child, name) = child(node, key);
                    if let Some(child) = child {
                        self.visit(schema, child, item, format!("{place}.{name}"));
                    }
                }
            }
            Toml::Array(items) => {
                if let Some(child) = node.get("items") {
                    for item in items {
                        self.visit(schema, child, item, format!("{place}[]"));
                    }
                }
            }
            _ => {}
        }
    }

    fn at(&self, place: &str) -> &[Toml] {
        self.0.get(place).map_or(&[], Vec::as_slice)
    }
}

/// The schema of a table's `key`, and its name in a place: a property by its name, a map
/// entry (`additionalProperties`) as `*`.
fn child<'s>(node: &'s Json, key: &str) -> (Option<&'s Json>, String) {
    if let Some(property) = node.get("properties").and_then(|p| p.get(key)) {
        return (Some(property), key.to_string());
    }
    match node.get("additionalProperties") {
        Some(Json::Bool(false)) | None => (None, key.to_string()),
        Some(entry) => (Some(entry), "*".into()),
    }
}

pub(super) struct Walker<'a> {
    pub schema: &'a Json,
    pub donors: &'a Donors,
    pub edits: Vec<Edit>,
}

impl Walker<'_> {
    fn push(&mut self, path: &[Step], op: Op, key: &str) {
        self.edits.push(Edit {
            path: path.to_vec(),
            op,
            key: key.to_string(),
        });
    }

    /// Edits of `value` (or of its absence) at `path`, described by `node`.
    pub(super) fn walk(
        &mut self,
        node: &Json,
        value: Option<&Toml>,
        path: &mut Vec<Step>,
        place: &str,
    ) {
        let Some(value) = value else {
            for added in self.made_up(node, place) {
                self.push(path, Op::Set(added), place);
            }
            return;
        };
        let alternatives = options(self.schema, node);
        let Some(node) = alternatives.iter().copied().find(|o| fits(o, value)) else {
            return;
        };
        // Another shape the schema allows (a port as a table instead of a number).
        for other in alternatives.iter().filter(|o| !fits(o, value)) {
            if let Some(donor) = self.donors.at(place).iter().find(|d| fits(other, d)) {
                self.push(path, Op::Set(donor.clone()), place);
            }
        }
        match value {
            Toml::Table(table) => self.table(node, table, path, place),
            Toml::Array(items) => self.array(node, items, path, place),
            scalar => {
                for changed in self.scalars(node, scalar, place) {
                    self.push(path, Op::Set(changed), place);
                }
            }
        }
    }

    fn table(&mut self, node: &Json, table: &toml::Table, path: &mut Vec<Step>, place: &str) {
        if let Some(properties) = node.get("properties").and_then(Json::as_object) {
            for (key, property) in properties {
                path.push(Step::Key(key.clone()));
                let present = table.get(key);
                self.walk(property, present, path, &format!("{place}.{key}"));
                if present.is_some() {
                    self.push(path, Op::Remove, &format!("{place}.{key}"));
                }
                path.pop();
            }
        }
        if let Some(entry) = node.get("additionalProperties").filter(|e| e.is_object()) {
            let entry_place = format!("{place}.*");
            for (key, item) in table {
                path.push(Step::Key(key.clone()));
                self.walk(entry, Some(item), path, &entry_place);
                self.push(path, Op::Remove, &entry_place);
                path.pop();
                // The same entry under another key: a rename.
                path.push(Step::Key(format!("{key}x")));
                self.push(
                    path,
                    Op::Set(item.clone()),
                    &format!("{entry_place} (renamed)"),
                );
                path.pop();
            }
            path.push(Step::Key("mutant".into()));
            for added in self.made_up(entry, &entry_place) {
                self.push(path, Op::Set(added), &entry_place);
            }
            path.pop();
        }
    }

    fn array(&mut self, node: &Json, items: &[Toml], path: &mut Vec<Step>, place: &str) {
        let Some(item_node) = node.get("items") else {
            return;
        };
        let item_place = format!("{place}[]");
        for (index, item) in items.iter().enumerate() {
            path.push(Step::Index(index));
            self.walk(item_node, Some(item), path, &item_place);
            self.push(path, Op::Remove, &item_place);
            path.pop();
        }
        path.push(Step::Index(items.len()));
        for added in self.made_up(item_node, &item_place) {
            self.push(path, Op::Set(added), &item_place);
        }
        if let Some(last) = items.last() {
            for changed in self.scalars(item_node, last, &item_place) {
                self.push(path, Op::Set(changed), &item_place);
            }
        }
        path.pop();
    }

    /// Other values for a scalar: enum values, numbers moved, a flag flipped, strings
    /// edited or taken from other specs.
    fn scalars(&self, node: &Json, value: &Toml, place: &str) -> Vec<Toml> {
        let node = resolve(self.schema, node);
        let mut out: Vec<Toml> = Vec::new();
        match value {
            Toml::Boolean(flag) => out.push(Toml::Boolean(!flag)),
            Toml::Integer(number) => {
                for moved in [number + 1, number - 1, number * 2, number / 2] {
                    out.push(Toml::Integer(moved));
                }
                for bound in ["minimum", "maximum"] {
                    if let Some(bound) = node.get(bound).and_then(Json::as_i64) {
                        out.push(Toml::Integer(bound));
                    }
                }
            }
            Toml::String(text) => {
                if let Some(values) = node.get("enum").and_then(Json::as_array) {
                    out.extend(values.iter().filter_map(Json::as_str).map(Toml::from));
                } else {
                    out.push(Toml::String(format!("{text}x")));
                    // The last character changed: an ARN's name, a digit of an id.
                    let mut edited = text.clone();
                    if let Some(last) = edited.pop() {
                        let next = match last {
                            '0'..='8' | 'a'..='y' | 'A'..='Y' => (last as u8 + 1) as char,
                            _ => 'a',
                        };
                        edited.push(next);
                        out.push(Toml::String(edited));
                    }
                    out.push(Toml::String(text.to_ascii_uppercase()));
                }
            }
            _ => {}
        }
        out.extend(
            self.donors
                .at(place)
                .iter()
                .filter(|donor| fits(node, donor))
                .take(4)
                .cloned(),
        );
        out.retain(|other| other != value);
        out
    }

    /// Values for a key absent: what other specs have there, or one the schema describes.
    fn made_up(&self, node: &Json, place: &str) -> Vec<Toml> {
        let donors: Vec<Toml> = self.donors.at(place).iter().take(3).cloned().collect();
        if !donors.is_empty() {
            return donors;
        }
        options(self.schema, node)
            .into_iter()
            .filter_map(|option| self.invent(option, place, 0))
            .take(2)
            .collect()
    }

    /// A value of the schema's shape: its first enum value, its minimum, `true`, a word; a
    /// table of its required keys; a list of one.
    fn invent(&self, node: &Json, place: &str, depth: usize) -> Option<Toml> {
        let node = resolve(self.schema, node);
        if depth > 6 {
            return None;
        }
        if let Some(donor) = self.donors.at(place).first() {
            return Some(donor.clone());
        }
        if let Some(first) = node
            .get("enum")
            .and_then(Json::as_array)
            .and_then(|e| e.first())
        {
            return first.as_str().map(Toml::from);
        }
        if node.get("anyOf").is_some() {
            return options(self.schema, node)
                .into_iter()
                .find_map(|option| self.invent(option, place, depth + 1));
        }
        match types(node).first().copied()? {
            "string" => Some(Toml::from("mutant")),
            "integer" => Some(Toml::Integer(
                node.get("minimum").and_then(Json::as_i64).unwrap_or(1),
            )),
            "boolean" => Some(Toml::Boolean(true)),
            "array" => {
                let item = self.invent(node.get("items")?, &format!("{place}[]"), depth + 1)?;
                Some(Toml::Array(vec![item]))
            }
            "object" => {
                let mut table = toml::Table::new();
                for key in node
                    .get("required")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                {
                    let key = key.as_str()?;
                    let property = node.get("properties")?.get(key)?;
                    table.insert(
                        key.to_string(),
                        self.invent(property, &format!("{place}.{key}"), depth + 1)?,
                    );
                }
                Some(Toml::Table(table))
            }
            _ => None,
        }
    }
}

pub(super) fn apply(root: &Toml, edit: &Edit) -> Option<Toml> {
    let mut root = root.clone();
    let (last, parents) = edit.path.split_last()?;
    let mut at = &mut root;
    for step in parents {
        at = match (at, step) {
            (Toml::Table(table), Step::Key(key)) => table.get_mut(key)?,
            (Toml::Array(items), Step::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    match (at, last, &edit.op) {
        (Toml::Table(table), Step::Key(key), Op::Set(value)) => {
            table.insert(key.clone(), value.clone());
        }
        (Toml::Table(table), Step::Key(key), Op::Remove) => {
            table.remove(key)?;
        }
        (Toml::Array(items), Step::Index(index), Op::Set(value)) => {
            if *index < items.len() {
                items[*index] = value.clone();
            } else {
                items.push(value.clone());
            }
        }
        (Toml::Array(items), Step::Index(index), Op::Remove) => {
            if *index >= items.len() {
                return None;
            }
            items.remove(*index);
        }
        _ => return None,
    }
    Some(root)
}
