//! The property that makes the review gate complete: for every example and fixture spec,
//! mutate one value at a time across every key the schema allows, and whenever `gen`'s
//! output bytes change, `diff` must report a change (never "No access changes.").
//!
//! Mutations come from the JSON Schema, walked together with the spec: each value present
//! is changed (another enum value, a number moved, a flag flipped, a string edited or taken
//! from another spec at the same place, a list item added or removed, a map entry added or
//! removed), and each key absent is added (with a value another spec has there, or one the
//! schema describes). Most mutations make an invalid spec and are skipped; the rest are
//! rendered and compared. The choice is seeded (`TRUSTGEN_MUTATION_SEED`), so a failure
//! can be replayed; the failures it found are kept as pairs in `tests/fixtures/diff/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use toml::Value as Toml;

use super::super::{compare, Review, Strings};
use crate::render::{self, Provenance, Templates};
use crate::spec::SourceFile;

/// How many mutations to render and compare, over the whole corpus (`TRUSTGEN_MUTATIONS`
/// for a longer hunt).
const BUDGET: usize = 3000;
const DEFAULT_SEED: u64 = 0x7275_7374_6765_6e31;

/// xorshift64*: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone)]
enum Op {
    Set(Toml),
    Remove,
}

/// One edit of a spec: at `path`, `op`; `key` is the schema key it exercises.
#[derive(Debug, Clone)]
struct Edit {
    path: Vec<Step>,
    op: Op,
    key: String,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every sound spec of the corpus: the examples, the fixture specs, both sides of every
/// diff fixture, and the hostile fixtures that validate (rendered safely).
fn corpus() -> Vec<(String, String)> {
    let root = manifest_dir();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["examples", "tests/fixtures/specs", "tests/fixtures/hostile"] {
        files.extend(toml_files(&root.join(dir)));
    }
    if let Ok(entries) = std::fs::read_dir(root.join("tests/fixtures/diff")) {
        for entry in entries.flatten() {
            files.extend(toml_files(&entry.path()));
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            let name = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            load(&text).is_some().then_some((name, text))
        })
        .collect()
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect()
}

/// The spec's model, when it is valid.
fn load(text: &str) -> Option<crate::model::Model> {
    let source = SourceFile::new("spec.toml", text);
    let spec = crate::spec::load(&source).ok()?;
    crate::validate::validate_and_build(&spec).ok()
}

/// Everything `gen` writes for a model, by path.
fn generate(model: &crate::model::Model, templates: &Templates) -> BTreeMap<String, String> {
    let provenance = Provenance::from_spec_path(Path::new("spec.toml"));
    render::render(model, &model.formats, templates, &provenance)
        .unwrap_or_default()
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect()
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
struct Donors(BTreeMap<String, Vec<Toml>>);

impl Donors {
    fn gather(schema: &Json, corpus: &[(String, String)]) -> Self {
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

struct Walker<'a> {
    schema: &'a Json,
    donors: &'a Donors,
    edits: Vec<Edit>,
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
    fn walk(&mut self, node: &Json, value: Option<&Toml>, path: &mut Vec<Step>, place: &str) {
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

fn apply(root: &Toml, edit: &Edit) -> Option<Toml> {
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

/// What one mutation showed.
enum Outcome {
    Invalid,
    SameOutput,
    Reported,
    /// The output changed and `diff` said nothing: the bug this test exists for.
    Missed(String),
}

#[test]
fn every_mutation_that_changes_the_output_is_reported() {
    let seed = std::env::var("TRUSTGEN_MUTATION_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let mut rng = Rng(seed | 1);
    let schema = crate::spec::schema::json_schema();
    let corpus = corpus();
    assert!(corpus.len() >= 20, "the corpus is {} specs", corpus.len());
    let donors = Donors::gather(&schema, &corpus);
    // Every edit of every spec, then a seeded sample of the budget's size.
    let mut candidates: Vec<(usize, Edit)> = Vec::new();
    for (index, (_, text)) in corpus.iter().enumerate() {
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        let mut walker = Walker {
            schema: &schema,
            donors: &donors,
            edits: Vec::new(),
        };
        walker.walk(&schema, Some(&Toml::Table(table)), &mut Vec::new(), "");
        candidates.extend(walker.edits.into_iter().map(|edit| (index, edit)));
    }
    let keys: BTreeSet<String> = candidates.iter().map(|(_, e)| e.key.clone()).collect();
    for at in 0..candidates.len() {
        let other = at + rng.below(candidates.len() - at);
        candidates.swap(at, other);
    }
    // Each schema key once first (in shuffled order), then the rest.
    let mut seen = BTreeSet::new();
    candidates.sort_by_key(|(_, edit)| !seen.insert(edit.key.clone()));
    let budget = std::env::var("TRUSTGEN_MUTATIONS")
        .ok()
        .and_then(|budget| budget.parse().ok())
        .unwrap_or(BUDGET);
    candidates.truncate(budget);
    let templates = Templates::load(None).unwrap_or_else(|e| panic!("{e}"));
    let bases: Vec<(Toml, BTreeMap<String, String>, crate::model::Model)> = corpus
        .iter()
        .map(|(name, text)| {
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            // Both sides go through the same serialiser, so only the edit differs.
            let again = toml::to_string(&table).unwrap_or_default();
            let model = load(&again).unwrap_or_else(|| panic!("{name} reserialised is invalid"));
            let files = generate(&model, &templates);
            (Toml::Table(table), files, model)
        })
        .collect();
    let outcomes =
        crate::parallel::map_in_order(&candidates, crate::parallel::cores(), |(index, edit)| {
            let (table, files, base) = &bases[*index];
            let Some(mutated) = apply(table, edit) else {
                return Outcome::Invalid;
            };
            let text = toml::to_string(&mutated).unwrap_or_default();
            let Some(model) = load(&text) else {
                return Outcome::Invalid;
            };
            let mut strings = Strings::default();
            let before = Review::of(base, &mut strings);
            let after = Review::of(&model, &mut strings);
            let diff = compare(&before, &after, &strings);
            // The new side against the old (what the CLI does) finds exactly the same.
            let against = Review::against(&model, &mut strings, &before);
            let same = compare(&before, &against, &strings);
            if same.changes != diff.changes {
                return Outcome::Missed(format!(
                    "{}: the review against the baseline differs",
                    corpus[*index].0
                ));
            }
            if &generate(&model, &templates) == files {
                if !diff.is_empty() {
                    eprintln!(
                        "NOISE {} {:?} {:?}: {:?}",
                        corpus[*index].0,
                        edit.path,
                        edit.op,
                        diff.changes.iter().map(super::line).collect::<Vec<_>>()
                    );
                }
                return Outcome::SameOutput;
            }
            if diff.is_empty() {
                Outcome::Missed(format!(
                    "{} at {:?}: {:?}",
                    corpus[*index].0, edit.path, edit.op
                ))
            } else {
                Outcome::Reported
            }
        });
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let missed: Vec<&String> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Missed(what) => Some(what),
            _ => None,
        })
        .collect();
    let reported = count(|o| matches!(o, Outcome::Reported));
    eprintln!(
        "seed {seed}: {} specs, {} schema keys, {} mutations: {} invalid, {} same output, {reported} reported, {} missed",
        corpus.len(),
        keys.len(),
        outcomes.len(),
        count(|o| matches!(o, Outcome::Invalid)),
        count(|o| matches!(o, Outcome::SameOutput)),
        missed.len()
    );
    assert!(
        missed.is_empty(),
        "gen's output changed and diff reported nothing ({} of {}):\n{}",
        missed.len(),
        outcomes.len(),
        missed
            .iter()
            .take(40)
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // A test that mutates nothing valid proves nothing.
    assert!(
        reported >= outcomes.len() / 5,
        "only {reported} mutations were compared"
    );
}
