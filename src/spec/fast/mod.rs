//! The fast path of reading a spec: a strict TOML reader for the plain TOML specs are
//! written in, straight into serde, with no spans kept.
//!
//! It answers only for specs that are valid and structurally sound. For anything else
//! (a syntax error, TOML it does not read, a value the structural check or serde would
//! reject) it returns `None` and `spec::load` takes the slow path, which parses with the
//! `toml` crate and reports every problem located. Both paths give the same `Spec` for
//! the files the fast one accepts: the `fast_path` fuzz target checks exactly that.

mod de;
mod split;
mod tree;

use std::borrow::Cow;

use crate::collections::IndexMap;
use serde::Deserialize;

use super::{Spec, Task};

/// From this many tasks on, tasks are read on every core.
const PARALLEL_TASKS: usize = 256;

/// The spec, when the fast path can vouch for it.
pub fn load(text: &str) -> Option<Spec> {
    split::cut(text)
        .and_then(|cut| load_in_pieces(&cut))
        .or_else(|| load_in_sequence(text))
}

/// A large spec read on every core: each piece of its task sections read, and its tasks
/// deserialized, by one thread, which frees each task's tree as soon as the task is read
/// (so the whole document's tree is never held at once: the peak of a large spec's
/// reading); the rest of the document read around them, beside the pieces rather than
/// after them (it holds every `[roles]` section, thousands in a large spec). `None` where
/// that could differ from reading in sequence (`split`).
fn load_in_pieces(cut: &split::Cut<'_>) -> Option<Spec> {
    let parts: Vec<Part<'_>> = std::iter::once(Part::Around)
        .chain(cut.pieces.iter().copied().map(Part::Piece))
        .collect();
    let mut read =
        crate::parallel::map_in_order(&parts, crate::parallel::cores(), |part| match part {
            Part::Around => read_around(cut).map(|spec| Read::Document(Box::new(spec))),
            Part::Piece(piece) => read_piece(piece).map(Read::Tasks),
        })
        .into_iter();
    // A part that cannot be read fails the whole reading, as it would in sequence.
    let Some(Some(Read::Document(mut spec))) = read.next() else {
        return None;
    };
    let pieces = read
        .map(|part| match part {
            Some(Read::Tasks(tasks)) => Some(tasks),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let mut tasks =
        IndexMap::with_capacity_and_hasher(pieces.iter().map(Vec::len).sum(), Default::default());
    for (name, task) in pieces.into_iter().flatten() {
        // A task named in two pieces: reading in sequence refuses it.
        if tasks.insert(name, task).is_some() {
            return None;
        }
    }
    spec.tasks = tasks;
    accepted(*spec)
}

/// One job of reading a cut spec: the text around the pieces (first), or a piece.
enum Part<'t> {
    Around,
    Piece(&'t str),
}

/// What one part of a cut spec reads as.
enum Read {
    /// The text around the pieces, as a spec with no tasks.
    Document(Box<Spec>),
    Tasks(Vec<(String, Task)>),
}

/// The text before and after the pieces, as one document that leaves the tasks to them.
fn read_around(cut: &split::Cut<'_>) -> Option<Spec> {
    let mut document = tree::Table::root();
    tree::parse_into(&mut document, cut.before)?;
    tree::parse_into(&mut document, cut.after)?;
    if !document.leaves_tasks_to_pieces() {
        return None;
    }
    Spec::deserialize(de::TableDeserializer(&document)).ok()
}

/// The tasks one piece defines, in its order.
fn read_piece(piece: &str) -> Option<Vec<(String, Task)>> {
    let mut table = tree::Table::root();
    tree::parse_into(&mut table, piece)?;
    table
        .into_tasks()?
        .into_iter()
        .map(|(name, value)| read_task(name, &value))
        .collect()
}

/// The spec read as one document.
fn load_in_sequence(text: &str) -> Option<Spec> {
    let mut document = tree::parse(text)?;
    // Tasks are most of a large spec and each reads on its own: read them on every core,
    // then put them in place of the (emptied) table serde saw, in file order. Any task
    // serde refuses sends the whole file to the slow path, as when read in one piece.
    let tasks = document.take_table_entries("tasks", PARALLEL_TASKS);
    let mut spec = Spec::deserialize(de::TableDeserializer(&document)).ok()?;
    if let Some(tasks) = tasks {
        spec.tasks = read_tasks(tasks)?;
    }
    accepted(spec)
}

/// The one constraint of the schema that serde does not enforce itself (the test
/// `schema_constraints_are_known_to_the_fast_path` keeps this list complete).
fn accepted(spec: Spec) -> Option<Spec> {
    (spec.version == 1).then_some(spec)
}

fn read_task(name: Cow<'_, str>, value: &tree::Value<'_>) -> Option<(String, Task)> {
    let task = Task::deserialize(de::ValueDeserializer(value)).ok()?;
    Some((name.into_owned(), task))
}

fn read_tasks(entries: Vec<(Cow<'_, str>, tree::Value<'_>)>) -> Option<IndexMap<String, Task>> {
    let cores = crate::parallel::cores();
    let size = entries.len().div_ceil(cores * 4).max(1);
    let count = entries.len();
    // Each run of entries is owned by the thread that reads it, which frees every entry's
    // tree as soon as its task is read: the tasks then reuse that memory instead of the
    // whole tree and all the tasks being held at once (the peak of a large spec's reading).
    let mut runs = Vec::new();
    let mut entries = entries.into_iter();
    loop {
        let run: Vec<_> = entries.by_ref().take(size).collect();
        if run.is_empty() {
            break;
        }
        runs.push(std::sync::Mutex::new(Some(run)));
    }
    let read = crate::parallel::map_in_order(&runs, cores, |run| {
        let run = run.lock().ok()?.take()?;
        run.into_iter()
            .map(|(name, value)| read_task(name, &value))
            .collect::<Option<Vec<_>>>()
    });
    let mut tasks = IndexMap::with_capacity_and_hasher(count, Default::default());
    for run in read {
        tasks.extend(run?);
    }
    Some(tasks)
}

/// The document as JSON, when the fast reader accepts it: what the `fast_path` fuzz target
/// compares with the `toml` crate's reading of the same text.
#[doc(hidden)]
pub fn document_as_json(text: &str) -> Option<serde_json::Value> {
    let document = tree::parse(text)?;
    serde_json::Value::deserialize(de::TableDeserializer(&document)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{load_with_toml, SourceFile};

    fn spec_files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["examples", "tests/fixtures/specs", "tests/fixtures/invalid"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                if entry.path().extension().is_some_and(|e| e == "toml") {
                    files.push(entry.path());
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn agrees_with_the_toml_crate_on_every_bundled_spec() {
        let files = spec_files();
        assert!(files.len() > 20, "found {}", files.len());
        let mut fast = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let slow = load_with_toml(&SourceFile::new("s.toml", text.as_str()));
            match load(&text) {
                Some(spec) => {
                    fast += 1;
                    let slow = slow.map(|s| format!("{s:?}"));
                    assert_eq!(Ok(format!("{spec:?}")), slow, "{}", path.display());
                }
                // The slow path must then have a reason, or it is something we do not read.
                None => assert!(
                    slow.is_err() || !path.starts_with("examples"),
                    "examples are plain TOML and should take the fast path: {}",
                    path.display()
                ),
            }
        }
        assert!(fast >= 8, "only {fast} specs took the fast path");
    }

    #[test]
    fn reads_tricky_toml_as_the_toml_crate_does() {
        for text in [
            "a = 1\n[t]\n'q k' = \"x\\u00e9\\\"\"\n[[t.list]]\nv = [1, -2, \n +3,] # c\n[[t.list]]\nw = { x = true, y = 'z' }\r\n",
            "[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = -0\n",
            "[[x]]\n[x.y]\nk = \"\\U0001F600\\t\"\n[[x]]\n[[x.z]]\n[[x.z]]\nn = []\n",
            "\"quoted.key\" = \"v\" # comment\n\t k\t=\t'lit\\n' \nm = [[1, 2], [\"a\"], { b = { c = false } }]\n",
            "big = 9223372036854775807\nsmall = -9223372036854775808\n",
            "[[t.b.s]]\nx = 1\n[t.a]\ny = 2\n[t.b]\nz = 3\n[t.c.d]\n[t]\nw = 4\n",
            "[x.b.c]\n[x.a]\n[x.b]\n[a.b.c]\n[a.d]\n[a.b]\n",
        ] {
            // As text: map equality would ignore the key order, which output follows.
            let as_text = |value: serde_json::Value| serde_json::to_string(&value).ok();
            let fast = document_as_json(text).and_then(as_text);
            let slow = toml::from_str::<serde_json::Value>(text).ok().and_then(as_text);
            assert!(fast.is_some(), "{text:?}");
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn a_large_table_keeps_the_toml_crate_order_when_tables_are_defined_late() {
        // Past 16 keys a table is indexed; moving a late-defined table must keep the index.
        let mut text: String = (0..20)
            .map(|i| format!("[[t.k{i}.s]]\nx = {i}\n"))
            .collect();
        text.push_str("[t.k3]\ny = 1\n[t.k3.z]\n[t.k5]\n[[t.k3.s]]\n[t.k19]\n[t.k0]\n");
        let as_text = |value: serde_json::Value| serde_json::to_string(&value).ok();
        let fast = document_as_json(&text).and_then(as_text);
        assert!(fast.is_some());
        assert_eq!(
            fast,
            toml::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(as_text)
        );
    }

    /// Past `PARALLEL_TASKS`, tasks are read apart from the rest of the file.
    #[test]
    fn many_tasks_read_in_parallel_give_the_same_spec() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let example = std::fs::read_to_string(root.join("examples/tagged-dev-account.toml"))
            .unwrap_or_default();
        let mut text = example.clone();
        for i in 0..PARALLEL_TASKS + 40 {
            text.push_str(&format!(
                "\n[tasks.t{i:03}]\naccount = \"dev\"\ncpu = 256\nmemory = 512\n[[tasks.t{i:03}.statements]]\nactions = [\"s3:GetObject\"]\nresources = [\"arn:aws:s3:::b{i}/*\"]\n[[tasks.t{i:03}.containers]]\nname = \"app\"\nimage = \"nginx:{i}\"\n"
            ));
        }
        let slow = load_with_toml(&SourceFile::new("s.toml", text.as_str()))
            .map(|spec| format!("{spec:?}"));
        let fast = load(&text).map(|spec| format!("{spec:?}"));
        assert!(fast.is_some());
        assert_eq!(fast.ok_or(()), slow.map_err(|_| ()));

        // One task serde refuses, deep in the parallel part: the slow path decides.
        let refused = text.replace("[tasks.t200]\naccount", "[tasks.t200]\nbogus = 1\naccount");
        assert!(load(&refused).is_none());
        assert!(load_with_toml(&SourceFile::new("s.toml", refused.as_str())).is_err());
    }

    #[test]
    fn every_example_takes_the_fast_path() {
        for path in spec_files() {
            if path.parent().is_some_and(|p| p.ends_with("examples")) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                assert!(load(&text).is_some(), "{}", path.display());
            }
        }
    }

    /// The fast path skips the structural check, which enforces the schema; serde enforces
    /// types (with the fast deserializer refusing a struct written as an array, which
    /// serde's derive would accept), enums, required and unknown keys itself, and `load`
    /// checks `version`. A new constraint in the schema must be checked by the fast path too.
    #[test]
    fn schema_constraints_are_known_to_the_fast_path() {
        fn walk(value: &serde_json::Value, path: &str, found: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, child) in map {
                        if [
                            "minimum",
                            "maximum",
                            "exclusiveMinimum",
                            "exclusiveMaximum",
                            "pattern",
                            "minLength",
                            "maxLength",
                            "minItems",
                            "maxItems",
                            "uniqueItems",
                            "const",
                            "multipleOf",
                            "minProperties",
                            "maxProperties",
                        ]
                        .contains(&key.as_str())
                        {
                            found.push(format!("{path}/{key}"));
                        }
                        walk(child, &format!("{path}/{key}"), found);
                    }
                }
                serde_json::Value::Array(items) => {
                    for item in items {
                        walk(item, path, found);
                    }
                }
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(&crate::spec::schema::json_schema(), "", &mut found);
        assert_eq!(
            found,
            ["/properties/version/minimum", "/properties/version/maximum"]
        );
    }

    #[test]
    fn refuses_a_table_written_as_an_array() {
        // Found by the fast_path fuzz target: serde's derive reads `[26]` as Limits' fields.
        let text = "version = 1\nlimits = [26]\n[project]\nname = \"x\"\n[accounts.a]\nid = \"111122223333\"\nenv = \"dev\"\n";
        assert!(load(text).is_none());
        assert!(load_with_toml(&SourceFile::new("s.toml", text)).is_err());
        assert!(
            load(&text.replace("limits = [26]", "limits = { trust_policy_chars = 26 }")).is_some()
        );
    }

    /// `port_mappings` items are a number or a table: both read alike on either path, and
    /// an array in their place (which serde's `untagged` would read as a table's fields)
    /// is left to the slow path, which refuses it located.
    #[test]
    fn values_of_several_shapes_read_alike_and_nothing_else_passes() {
        let text = "version = 1\n[project]\nname = \"x\"\n[accounts.a]\nid = \"111122223333\"\nenv = \"dev\"\n[tasks.t]\naccount = \"a\"\n[[tasks.t.containers]]\nname = \"c\"\nimage = \"i\"\nport_mappings = [8080, { container_port = 53, protocol = \"udp\", name = \"dns\" }]\n";
        let fast = load(text).map(|spec| format!("{spec:?}"));
        assert!(fast.is_some());
        let slow = load_with_toml(&SourceFile::new("s.toml", text)).map(|s| format!("{s:?}"));
        assert_eq!(fast.ok_or(()), slow.map_err(|_| ()));
        for wrong in [
            "[[8080, 80]]",
            "[\"8080\"]",
            "[{ container_port = 1, bogus = 2 }]",
        ] {
            let text = text.replace(
                "[8080, { container_port = 53, protocol = \"udp\", name = \"dns\" }]",
                wrong,
            );
            assert!(load(&text).is_none(), "{wrong}");
            assert!(
                load_with_toml(&SourceFile::new("s.toml", text.as_str())).is_err(),
                "{wrong}"
            );
        }
    }

    #[test]
    fn refuses_a_version_the_schema_refuses() {
        let text = "version = 2\n[project]\nname = \"x\"\n[accounts.a]\nid = \"111122223333\"\nenv = \"dev\"\n";
        assert!(load(text).is_none());
        assert!(load(&text.replace("version = 2", "version = 1")).is_some());
    }
}
