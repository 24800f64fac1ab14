//! A strict reader for the TOML that specs are made of: comments, `[table]` and
//! `[[array]]` headers, one bare or quoted key per line, and single-line strings, decimal
//! integers, booleans, arrays and inline tables as values.
//!
//! It refuses (returns `None`) at the first thing outside that subset, and at anything the
//! TOML specification forbids, rather than deciding it: the `toml` crate then reads the
//! file and reports the error, located. So this reader never has to be right about an
//! error, only about the files it accepts; for those it builds exactly the values the
//! `toml` crate would (the `fast_path` fuzz target compares them).

mod reader;

use crate::collections::HashMap;
use std::borrow::Cow;

use reader::Reader;

/// A TOML value as serde will read it.
#[derive(Debug)]
pub(super) enum Value<'a> {
    String(Cow<'a, str>),
    Integer(i64),
    Boolean(bool),
    Array(Vec<Value<'a>>, ArrayKind),
    Table(Table<'a>),
}

/// Whether an array was written as a value (closed) or grows with `[[header]]`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArrayKind {
    Static,
    OfTables,
}

/// How a table came to exist, which decides what may still be added to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    /// Named by a `[header]` (or the root): defined, may not be defined again.
    Defined,
    /// Created as the parent of a deeper header: may still be defined once.
    Implicit,
    /// An inline `{ ... }` table: closed.
    Inline,
}

/// Entries in file order; large tables (the `tasks` of a big spec) also get a key index so
/// each header does not scan them.
#[derive(Debug)]
pub(super) struct Table<'a> {
    entries: Vec<(Cow<'a, str>, Value<'a>)>,
    /// Keys share the entries' text (borrowed from the document, mostly). Boxed: few
    /// tables have one, and every value of a large document is as large as a table.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<Cow<'a, str>, usize>>>,
    kind: TableKind,
}

const INDEX_FROM: usize = 16;

impl<'a> Table<'a> {
    fn new(kind: TableKind) -> Self {
        Table {
            entries: Vec::new(),
            index: None,
            kind,
        }
    }

    pub(super) fn entries(&self) -> &[(Cow<'a, str>, Value<'a>)] {
        &self.entries
    }

    /// The entries of the table at `key` when it has at least `at_least`, leaving it empty
    /// (its kind kept): for reading them apart from the rest of the document. `None`, and
    /// nothing taken, when `key` is not a table of that many entries.
    pub(super) fn take_table_entries(
        &mut self,
        key: &str,
        at_least: usize,
    ) -> Option<Vec<(Cow<'a, str>, Value<'a>)>> {
        let at = self.position(key)?;
        match self.entries.get_mut(at) {
            Some((_, Value::Table(table))) if table.entries.len() >= at_least => {
                table.index = None;
                Some(std::mem::take(&mut table.entries))
            }
            _ => None,
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// Moves the entry at `at` after all others.
    fn move_to_end(&mut self, at: usize) {
        if at + 1 >= self.entries.len() {
            return;
        }
        let entry = self.entries.remove(at);
        self.entries.push(entry);
        if let Some(index) = &mut self.index {
            for (position, (key, _)) in self.entries.iter().enumerate().skip(at) {
                if let Some(slot) = index.get_mut(key.as_ref()) {
                    *slot = position;
                }
            }
        }
    }

    /// Adds a new key; `None` when it already exists (TOML forbids defining a key twice).
    fn insert(&mut self, key: Cow<'a, str>, value: Value<'a>) -> Option<usize> {
        if self.position(&key).is_some() {
            return None;
        }
        let at = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), at);
        } else if at + 1 >= INDEX_FROM {
            let mut index: HashMap<Cow<'a, str>, usize> = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            index.insert(key.clone(), at);
            self.index = Some(Box::new(index));
        }
        self.entries.push((key, value));
        Some(at)
    }
}

/// The document as a table, or `None` where the `toml` crate must decide.
pub(super) fn parse(text: &str) -> Option<Table<'_>> {
    let mut root = Table::root();
    parse_into(&mut root, text)?;
    Some(root)
}

impl<'a> Table<'a> {
    pub(super) fn root() -> Self {
        Table::new(TableKind::Defined)
    }

    /// The tasks a piece of the document defined (`piece` read on its own from a
    /// `[tasks.NAME]` header on), when that is all it defined: as if read in sequence, a
    /// piece's headers only ever create new tasks under the `tasks` they imply.
    pub(super) fn into_tasks(self) -> Option<Vec<(Cow<'a, str>, Value<'a>)>> {
        let [(key, Value::Table(tasks))] = <[_; 1]>::try_from(self.entries).ok()? else {
            return None;
        };
        (key == "tasks" && tasks.kind == TableKind::Implicit).then_some(tasks.entries)
    }

    /// Whether this (the document around the pieces) leaves `tasks` to the pieces: absent,
    /// or an empty table that tasks may still be added to. Anything else (a task defined or
    /// extended outside the pieces, `tasks` inline or not a table) is for the sequential
    /// reader to decide.
    pub(super) fn leaves_tasks_to_pieces(&self) -> bool {
        match self.position("tasks").and_then(|at| self.entries.get(at)) {
            None => true,
            Some((_, Value::Table(tasks))) => {
                tasks.entries.is_empty() && tasks.kind != TableKind::Inline
            }
            Some(_) => false,
        }
    }
}

/// Reads `text` (whole lines: the document, or a piece of it from a header on) into
/// `root`, as the next part of one document.
pub(super) fn parse_into<'a>(root: &mut Table<'a>, text: &'a str) -> Option<()> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let mut header: Option<(Vec<Cow<'_, str>>, bool)> = None;
    // Key/value lines go into the table of the last header, found again from the root for
    // each line group: tables only ever grow, so the path stays valid.
    let mut pending: Vec<(Cow<'_, str>, Value<'_>)> = Vec::new();
    loop {
        reader.skip_blank();
        match reader.peek() {
            None => break,
            Some(b'\n') => reader.at += 1,
            Some(b'\r') => {
                reader.line_end()?;
            }
            Some(b'#') => {
                reader.line_end()?;
            }
            Some(b'[') => {
                flush(root, header.take(), &mut pending)?;
                header = Some(reader.header()?);
                // An empty `[table]` is still defined, so a second one is an error.
                if let Some((path, is_array)) = &header {
                    open(root, path, *is_array)?;
                }
                reader.line_end()?;
            }
            Some(_) => {
                let entry = reader.key_value()?;
                reader.line_end()?;
                pending.push(entry);
            }
        }
    }
    flush(root, header, &mut pending)?;
    Some(())
}

/// Creates (or, for `[[...]]`, appends) the table a header names.
fn open<'a>(root: &mut Table<'a>, path: &[Cow<'a, str>], is_array: bool) -> Option<()> {
    let (last, parents) = path.split_last()?;
    let parent = descend(root, parents)?;
    match parent.position(last) {
        None => {
            let value = if is_array {
                Value::Array(
                    vec![Value::Table(Table::new(TableKind::Defined))],
                    ArrayKind::OfTables,
                )
            } else {
                Value::Table(Table::new(TableKind::Defined))
            };
            parent.insert(last.clone(), value)?;
        }
        Some(at) => match (&mut parent.entries[at].1, is_array) {
            (Value::Array(items, ArrayKind::OfTables), true) => {
                items.push(Value::Table(Table::new(TableKind::Defined)));
            }
            (Value::Table(table), false) if table.kind == TableKind::Implicit => {
                table.kind = TableKind::Defined;
                // The toml crate places a table where it is defined, not where a deeper
                // header first implied it; key order is output order, so follow it.
                parent.move_to_end(at);
            }
            _ => return None,
        },
    }
    Some(())
}

/// The table a header's keys lead to, through implicit tables and the last element of
/// arrays of tables, creating implicit tables on the way.
fn descend<'t, 'a>(
    mut table: &'t mut Table<'a>,
    path: &[Cow<'a, str>],
) -> Option<&'t mut Table<'a>> {
    for key in path {
        let at = match table.position(key) {
            Some(at) => at,
            None => table.insert(key.clone(), Value::Table(Table::new(TableKind::Implicit)))?,
        };
        table = match &mut table.entries[at].1 {
            Value::Table(inner) if inner.kind != TableKind::Inline => inner,
            Value::Array(items, ArrayKind::OfTables) => match items.last_mut() {
                Some(Value::Table(inner)) => inner,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(table)
}

/// Puts the key/value lines read since `header` into its table.
fn flush<'a>(
    root: &mut Table<'a>,
    header: Option<(Vec<Cow<'a, str>>, bool)>,
    pending: &mut Vec<(Cow<'a, str>, Value<'a>)>,
) -> Option<()> {
    if pending.is_empty() {
        return Some(());
    }
    let table = match &header {
        None => root,
        Some((path, is_array)) => {
            let (last, parents) = path.split_last()?;
            let parent = descend(root, parents)?;
            let at = parent.position(last)?;
            match (&mut parent.entries[at].1, is_array) {
                (Value::Table(table), false) => table,
                (Value::Array(items, ArrayKind::OfTables), true) => match items.last_mut() {
                    Some(Value::Table(table)) => table,
                    _ => return None,
                },
                _ => return None,
            }
        }
    };
    // One allocation for the section's keys, not a regrowth every few.
    table.entries.reserve(pending.len());
    for (key, value) in pending.drain(..) {
        table.insert(key, value)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(text: &str) -> bool {
        parse(text).is_some()
    }

    #[test]
    fn reads_headers_keys_and_values() {
        let text = "a = 1 # one\n[t]\n'q k' = \"x\\u00e9\\\"\"\n[[t.list]]\nv = [1, -2, \n +3,] \n[[t.list]]\nw = { x = true, y = 'z' }\r\n";
        let Some(root) = parse(text) else {
            panic!("not accepted");
        };
        let rendered = format!("{root:?}");
        assert!(rendered.contains("Integer(1)"), "{rendered}");
        assert!(rendered.contains("\"xé\\\"\""), "{rendered}");
        assert!(rendered.contains("Integer(-2)") && rendered.contains("Integer(3)"));
        assert_eq!(rendered.matches("Boolean(true)").count(), 1);
    }

    #[test]
    fn refuses_what_toml_forbids() {
        for text in [
            "a = 1\na = 2\n",
            "[t]\n[t]\n",
            "[t]\nx = 1\n[t.x]\n",
            "x = { a = 1 }\n[x.b]\n",
            "x = [1]\n[[x]]\n",
            "[t]\n[[t]]\n",
            "a = 01\n",
            "a = 1_000\n",
            "a = \"\\q\"\n",
            "a = \"tab\u{1}\"\n",
            "a = truex\n",
            "a = 1 b = 2\n",
            "a = { b = 1, }\n",
            "a = { b = 1, b = 2 }\n",
            "a = \"\\ud800\"\n",
            "\"\" = 1\n",
            "a = 9223372036854775808\n",
            "a = 1\r",
        ] {
            assert!(!accepts(text), "accepted {text:?}");
        }
    }

    #[test]
    fn leaves_what_it_does_not_read_to_the_toml_crate() {
        for text in [
            "a.b = 1\n",
            "a = 1.5\n",
            "a = 0x10\n",
            "a = 1979-05-27\n",
            "a = \"\"\"x\"\"\"\n",
            "a = inf\n",
            "a = { b = 1,\n c = 2 }\n",
        ] {
            assert!(!accepts(text), "accepted {text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_left_to_the_toml_crate() {
        let deep = format!("a = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(!accepts(&deep));
        let shallow = format!("a = {}1{}\n", "[".repeat(8), "]".repeat(8));
        assert!(accepts(&shallow));
        let keys: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
        assert!(!accepts(&format!("[{}]\nx = 1\n", keys.join("."))));
        assert!(accepts(&format!("[{}]\nx = 1\n", keys[..8].join("."))));
    }

    #[test]
    fn an_implicit_table_may_be_defined_once() {
        assert!(accepts("[a.b]\n[a]\nx = 1\n"));
        assert!(!accepts("[a.b]\n[a]\n[a]\n"));
        assert!(accepts("[[a.b]]\n[a.b.c]\n[[a.b]]\n[a.b.c]\n"));
    }
}
