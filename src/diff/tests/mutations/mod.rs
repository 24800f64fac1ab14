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

use toml::Value as Toml;

use super::super::{compare, Review, Strings};
use crate::render::{self, Provenance, Templates};
use crate::spec::SourceFile;

mod walker;

use walker::{apply, Donors, Edit, Rng, Walker};

/// How many mutations to render and compare, over the whole corpus (`TRUSTGEN_MUTATIONS`
/// for a longer hunt).
const BUDGET: usize = 3000;
const DEFAULT_SEED: u64 = 0x7275_7374_6765_6e31;

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

/// What one mutation showed.
enum Outcome {
    Invalid,
    SameOutput,
    Reported,
    /// The output changed and `diff` said nothing: the bug this test exists for.
    Missed(String),
}

/// Every edit of every spec of the corpus, shuffled by `seed`: each schema key once first,
/// then the rest, cut to the budget.
fn candidates(corpus: &[(String, String)], seed: u64) -> (Vec<(usize, Edit)>, usize) {
    let mut rng = Rng(seed | 1);
    let schema = crate::spec::schema::json_schema();
    let donors = Donors::gather(&schema, corpus);
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
    let mut seen = BTreeSet::new();
    candidates.sort_by_key(|(_, edit)| !seen.insert(edit.key.clone()));
    let budget = std::env::var("TRUSTGEN_MUTATIONS")
        .ok()
        .and_then(|budget| budget.parse().ok())
        .unwrap_or(BUDGET);
    candidates.truncate(budget);
    (candidates, keys.len())
}

/// A spec of the corpus as the mutations start from it: its table, its files, its model.
type Base = (Toml, BTreeMap<String, String>, crate::model::Model);

fn bases(corpus: &[(String, String)], templates: &Templates) -> Vec<Base> {
    corpus
        .iter()
        .map(|(name, text)| {
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            // Both sides go through the same serialiser, so only the edit differs.
            let again = toml::to_string(&table).unwrap_or_default();
            let model = load(&again).unwrap_or_else(|| panic!("{name} reserialised is invalid"));
            let files = generate(&model, templates);
            (Toml::Table(table), files, model)
        })
        .collect()
}

/// One mutation: applied, rendered, compared.
fn judge(base: &Base, name: &str, edit: &Edit, templates: &Templates) -> Outcome {
    let (table, files, base) = base;
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
    if compare(&before, &against, &strings).changes != diff.changes {
        return Outcome::Missed(format!("{name}: the review against the baseline differs"));
    }
    if &generate(&model, templates) == files {
        return Outcome::SameOutput;
    }
    if diff.is_empty() {
        Outcome::Missed(format!("{name} at {:?}: {:?}", edit.path, edit.op))
    } else {
        Outcome::Reported
    }
}

#[test]
fn every_mutation_that_changes_the_output_is_reported() {
    let seed = std::env::var("TRUSTGEN_MUTATION_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let corpus = corpus();
    assert!(corpus.len() >= 20, "the corpus is {} specs", corpus.len());
    let (candidates, keys) = candidates(&corpus, seed);
    let templates = Templates::load(None).unwrap_or_else(|e| panic!("{e}"));
    let bases = bases(&corpus, &templates);
    let outcomes =
        crate::parallel::map_in_order(&candidates, crate::parallel::cores(), |(index, edit)| {
            judge(&bases[*index], &corpus[*index].0, edit, &templates)
        });
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let missed: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Missed(what) => Some(what.as_str()),
            _ => None,
        })
        .collect();
    let reported = count(|o| matches!(o, Outcome::Reported));
    eprintln!(
        "seed {seed}: {} specs, {keys} schema keys, {} mutations: {} invalid, {} same output, {reported} reported, {} missed",
        corpus.len(),
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
        missed[..missed.len().min(40)].join("\n")
    );
    // A test that mutates nothing valid proves nothing.
    assert!(
        reported >= outcomes.len() / 5,
        "only {reported} mutations were compared"
    );
}
