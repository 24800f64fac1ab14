//! The facts of one entity as `classify` writes them: every string interned, then sorted
//! and each key made unique (`Facts::finish`).

use super::fields::{Fact, FieldKey, PartKey, Rule, Stored};
use super::strings::{Strings, Sym};
use super::Kind;

/// The facts of one entity, written by `classify` through a `Writer`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub facts: Vec<(FieldKey, Fact)>,
}

impl Facts {
    /// Sorted by key, each key once. A fact repeated as it is (a managed policy listed
    /// twice) is kept as a repeat, reported but never broadening: the output repeats it
    /// too. A key given two values keeps both, told apart by a number: nothing is lost.
    pub(crate) fn finish(mut self, strings: &mut Strings) -> Box<[(FieldKey, Fact)]> {
        self.facts.sort_unstable();
        let mut index = 1;
        while index < self.facts.len() {
            let (previous, current) = (&self.facts[index - 1], &self.facts[index]);
            if previous == current || previous.0 == current.0 {
                let repeat = previous == current;
                let (key, fact) = &mut self.facts[index];
                let item = key.item.map_or("", |item| strings.get(item)).to_string();
                let item = if repeat {
                    fact.kind = Kind::Other;
                    fact.rule = Rule::Report;
                    format!("{item} (repeated)")
                } else {
                    format!("{item} #{index}")
                };
                key.item = Some(strings.intern(&item));
                self.facts.sort_unstable();
                index = 1;
            } else {
                index += 1;
            }
        }
        self.facts.into_boxed_slice()
    }
}

/// Writes the facts of one part of an entity (`None`: the entity's own fields),
/// interning every string.
pub(crate) struct Writer<'w> {
    pub facts: &'w mut Facts,
    pub strings: &'w mut Strings,
    pub part: Option<PartKey>,
}

impl Writer<'_> {
    /// A writer for another part of the same entity.
    pub(crate) fn part(&mut self, kind: &'static str, name: &str) -> Writer<'_> {
        let part = PartKey {
            kind: self.strings.intern(kind),
            name: self.strings.intern(name),
        };
        Writer {
            facts: self.facts,
            strings: self.strings,
            part: Some(part),
        }
    }

    pub(crate) fn put(
        &mut self,
        name: &'static str,
        item: Option<&str>,
        kind: Kind,
        rule: Rule,
        value: Stored,
    ) {
        let item = item.map(|item| self.strings.intern(item));
        let name = self.strings.intern(name);
        self.facts.facts.push((
            FieldKey {
                part: self.part,
                name,
                item,
            },
            Fact { kind, rule, value },
        ));
    }

    pub(crate) fn text(&mut self, name: &'static str, kind: Kind, rule: Rule, value: &str) {
        let value = Stored::Text(self.strings.intern(value));
        self.put(name, None, kind, rule, value);
    }

    pub(crate) fn opt_text(
        &mut self,
        name: &'static str,
        kind: Kind,
        rule: Rule,
        value: Option<&str>,
    ) {
        if let Some(value) = value {
            self.text(name, kind, rule, value);
        }
    }

    pub(crate) fn number(&mut self, name: &'static str, kind: Kind, rule: Rule, value: i64) {
        self.put(name, None, kind, rule, Stored::Number(value));
    }

    pub(crate) fn opt_number(
        &mut self,
        name: &'static str,
        kind: Kind,
        rule: Rule,
        value: Option<i64>,
    ) {
        if let Some(value) = value {
            self.number(name, kind, rule, value);
        }
    }

    pub(crate) fn flag(&mut self, name: &'static str, kind: Kind, rule: Rule, value: bool) {
        self.put(name, None, kind, rule, Stored::Flag(value));
    }

    pub(crate) fn opt_flag(
        &mut self,
        name: &'static str,
        kind: Kind,
        rule: Rule,
        value: Option<bool>,
    ) {
        if let Some(value) = value {
            self.flag(name, kind, rule, value);
        }
    }

    /// A sequence; nothing when empty.
    pub(crate) fn list<'v>(
        &mut self,
        name: &'static str,
        kind: Kind,
        rule: Rule,
        items: impl IntoIterator<Item = &'v str>,
    ) {
        let items: Vec<Sym> = items.into_iter().map(|i| self.strings.intern(i)).collect();
        if !items.is_empty() {
            let list = self.strings.intern_list(&items);
            self.put(name, None, kind, rule, Stored::List(list));
        }
    }

    /// A keyed sequence: `name item = [values]`; nothing when empty.
    pub(crate) fn keyed_list<'v>(
        &mut self,
        name: &'static str,
        item: &str,
        kind: Kind,
        rule: Rule,
        items: impl IntoIterator<Item = &'v str>,
    ) {
        let items: Vec<Sym> = items.into_iter().map(|i| self.strings.intern(i)).collect();
        if !items.is_empty() {
            let list = self.strings.intern_list(&items);
            self.put(name, Some(item), kind, rule, Stored::List(list));
        }
    }

    /// A keyed value: `name item = value` (an environment variable, a tag).
    pub(crate) fn keyed(
        &mut self,
        name: &'static str,
        item: &str,
        kind: Kind,
        rule: Rule,
        value: &str,
    ) {
        let value = Stored::Text(self.strings.intern(value));
        self.put(name, Some(item), kind, rule, value);
    }

    pub(crate) fn keyed_flag(
        &mut self,
        name: &'static str,
        item: &str,
        kind: Kind,
        rule: Rule,
        value: bool,
    ) {
        self.put(name, Some(item), kind, rule, Stored::Flag(value));
    }

    /// Members of a set: each present as itself; order is no change.
    pub(crate) fn members<'v>(
        &mut self,
        name: &'static str,
        kind: Kind,
        rule: Rule,
        members: impl IntoIterator<Item = &'v str>,
    ) {
        for member in members {
            self.member(name, kind, rule, member);
        }
    }

    pub(crate) fn member(&mut self, name: &'static str, kind: Kind, rule: Rule, member: &str) {
        let sym = self.strings.intern(member);
        let name = self.strings.intern(name);
        self.facts.facts.push((
            FieldKey {
                part: self.part,
                name,
                item: Some(sym),
            },
            Fact {
                kind,
                rule,
                value: Stored::Text(sym),
            },
        ));
    }
}
