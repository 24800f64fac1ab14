//! Field facts: one value of one entity, with the kind of change it is to a reviewer and
//! the rule that says when a change of it broadens. `classify` writes one for every model
//! field that is not a grant, trust or reach (those are compared semantically by
//! `compare` and `grants`); `compare` matches them by key across the two sides.

use serde::Serialize;

use super::Kind;

/// Where in an entity a fact sits: a part (a container, a volume, a root) if any, the
/// field's name (trustgen's words), and an item for keyed or set-like fields (an
/// environment variable's name, a mounted path, a managed policy ARN).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FieldKey {
    pub part: Option<Part>,
    pub name: &'static str,
    pub item: Option<String>,
}

/// A named part of an entity: `("container", "app")`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub(crate) struct Part {
    pub kind: &'static str,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Fact {
    pub kind: Kind,
    pub rule: Rule,
    pub value: Value,
}

/// A field's value as the reviewer compares it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub(crate) enum Value {
    Text(String),
    Number(i64),
    Flag(bool),
    /// A sequence whose order matters (a command's arguments).
    List(Vec<String>),
}

impl Value {
    /// As one line for a terminal or a table cell (the caller escapes it).
    pub(crate) fn shown(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Flag(flag) => flag.to_string(),
            Value::List(items) => {
                let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
                format!("[{}]", quoted.join(", "))
            }
        }
    }
}

/// When a change of a field broadens what a role, a developer or a container can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rule {
    /// Reported; never broadens.
    Report,
    /// Broadens when it appears or changes: a secret read, a volume mounted, a permission
    /// set's managed policy, group or account.
    Grows,
    /// Broadens when it disappears or changes: a limit (a dropped capability, an IAM
    /// authorisation of a file system, transit encryption).
    Limits,
    /// A flag that broadens when it turns on; absent is off (privileged).
    On,
    /// A flag that broadens when it turns off; absent is off (a read-only root).
    Off,
    /// A number that broadens when it grows (a session duration).
    Longer,
    /// Levels from narrowest to widest, each a group of names that mean the same;
    /// broadens when it moves wider. Absent is the name `""`; a name not listed counts as
    /// the widest.
    Levels(&'static [&'static [&'static str]]),
    /// A directory shared with the container (a host path, an EFS root): broadens when it
    /// appears, or moves anywhere but inside the old one.
    Path,
    /// The user a container runs as: an explicit non-root user, then unset (the image's
    /// own, often root), then root. Broadens when it moves towards root.
    User,
    /// The role a task definition runs as: broadens when the new role grants anything the
    /// old one did not (`compare` judges it with both sides' grants).
    RunsAs,
    /// A role's tag: access when a policy of either side conditions on its key (ABAC), and
    /// then broadens when it appears or changes; otherwise reported as other.
    Tag,
    /// A document as written (Sids, spelling, order-free form): reported only when its
    /// semantic comparison found nothing, so no change of text goes unseen.
    AsWritten,
}

impl Rule {
    /// Whether `before -> after` broadens under this rule (`RunsAs` and `Tag` are judged
    /// by `compare`, which knows both sides).
    pub(crate) fn broadens(self, before: Option<&Value>, after: Option<&Value>) -> bool {
        if before == after {
            return false;
        }
        match self {
            Rule::Report | Rule::AsWritten | Rule::RunsAs | Rule::Tag => false,
            Rule::Grows => after.is_some(),
            Rule::Limits => before.is_some(),
            Rule::On => on(after) && !on(before),
            Rule::Off => on(before) && !on(after),
            // A duration can only lengthen what existed: a new role is judged by its grants.
            Rule::Longer => match (before.and_then(seconds), after.and_then(seconds)) {
                (Some(old), Some(new)) => new > old,
                (Some(_), None) | (None, _) => before.is_some() && after.is_some(),
            },
            Rule::Levels(levels) => level(levels, after) > level(levels, before),
            Rule::Path => match (before, after) {
                (Some(Value::Text(old)), Some(Value::Text(new))) => !inside(new, old),
                (_, after) => after.is_some(),
            },
            Rule::User => user_level(after) > user_level(before),
        }
    }
}

fn on(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Flag(true)))
}

fn level(levels: &[&[&str]], value: Option<&Value>) -> usize {
    let name = match value {
        None => "",
        Some(Value::Text(text)) => text.as_str(),
        Some(_) => return levels.len(),
    };
    levels
        .iter()
        .position(|names| names.contains(&name))
        .unwrap_or(levels.len())
}

/// A duration in seconds: a number of seconds, or ISO 8601's `PT…H…M…S`.
fn seconds(value: &Value) -> Option<i64> {
    match value {
        Value::Number(seconds) => Some(*seconds),
        Value::Text(text) => {
            let mut rest = text.strip_prefix("PT")?;
            let mut total: i64 = 0;
            while !rest.is_empty() {
                let digits = rest.find(|c: char| !c.is_ascii_digit())?;
                let amount: i64 = rest[..digits].parse().ok()?;
                let unit = match rest[digits..].chars().next()? {
                    'H' => 3600,
                    'M' => 60,
                    'S' => 1,
                    _ => return None,
                };
                total = total.checked_add(amount.checked_mul(unit)?)?;
                rest = &rest[digits + 1..];
            }
            Some(total)
        }
        _ => None,
    }
}

/// Whether directory `path` is `parent` or inside it, as plain absolute paths. A path
/// with `.`, `..` or an empty step may lead anywhere: never proven inside.
fn inside(path: &str, parent: &str) -> bool {
    if !plain(path) || !plain(parent) {
        return false;
    }
    let parent = parent.trim_end_matches('/');
    let path = path.trim_end_matches('/');
    parent.is_empty() || path == parent || path.starts_with(&format!("{parent}/"))
}

/// 0: an explicit user other than root; 1: unset (the image decides, often root); 2: root
/// (by name or uid 0, whatever the group).
fn user_level(value: Option<&Value>) -> u8 {
    match value {
        None => 1,
        Some(Value::Text(user)) => {
            let who = user.split(':').next().unwrap_or_default();
            if who == "root" || (!who.is_empty() && who.bytes().all(|b| b == b'0')) {
                2
            } else {
                0
            }
        }
        Some(_) => 1,
    }
}

/// An absolute path of plain steps (a trailing `/` allowed).
fn plain(path: &str) -> bool {
    if path == "/" {
        return true;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.split('/').all(|step| !matches!(step, "" | "." | ".."))
}

/// The facts of one entity, written by `classify` through the helpers below.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub facts: Vec<(FieldKey, Fact)>,
}

impl Facts {
    /// Sorted by key, each key once. A fact repeated as it is (a managed policy listed
    /// twice) is kept as a repeat, reported but never broadening: the output repeats it
    /// too. A key given two values keeps both, told apart by a number: nothing is lost.
    pub(crate) fn finish(&mut self) {
        self.facts.sort();
        let mut index = 1;
        while index < self.facts.len() {
            let (previous, current) = (&self.facts[index - 1], &self.facts[index]);
            if previous == current {
                let (key, fact) = &mut self.facts[index];
                let item = key.item.take().unwrap_or_default();
                key.item = Some(format!("{item} (repeated)"));
                fact.kind = Kind::Other;
                fact.rule = Rule::Report;
                self.facts.sort();
                index = 1;
            } else if previous.0 == current.0 {
                let (key, _) = &mut self.facts[index];
                let item = key.item.take().unwrap_or_default();
                key.item = Some(format!("{item} #{index}"));
                self.facts.sort();
                index = 1;
            } else {
                index += 1;
            }
        }
    }

    /// A writer for the entity's own fields (`None`) or one part's.
    pub(crate) fn part(&mut self, part: Option<Part>) -> Writer<'_> {
        Writer { facts: self, part }
    }
}

/// Writes facts of one part of an entity.
pub(crate) struct Writer<'f> {
    facts: &'f mut Facts,
    part: Option<Part>,
}

impl Writer<'_> {
    pub(crate) fn put(
        &mut self,
        name: &'static str,
        item: Option<String>,
        kind: Kind,
        rule: Rule,
        value: Value,
    ) {
        self.facts.facts.push((
            FieldKey {
                part: self.part.clone(),
                name,
                item,
            },
            Fact { kind, rule, value },
        ));
    }

    pub(crate) fn text(&mut self, name: &'static str, kind: Kind, rule: Rule, value: &str) {
        self.put(name, None, kind, rule, Value::Text(value.to_string()));
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
        self.put(name, None, kind, rule, Value::Number(value));
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
        self.put(name, None, kind, rule, Value::Flag(value));
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

    /// A sequence whose order matters; nothing when empty.
    pub(crate) fn list(&mut self, name: &'static str, kind: Kind, rule: Rule, items: &[String]) {
        if !items.is_empty() {
            self.put(name, None, kind, rule, Value::List(items.to_vec()));
        }
    }

    /// A keyed value: `name item = value` (an environment variable, a tag).
    pub(crate) fn keyed(
        &mut self,
        name: &'static str,
        item: &str,
        kind: Kind,
        rule: Rule,
        value: Value,
    ) {
        self.put(name, Some(item.to_string()), kind, rule, value);
    }

    /// Members of a set: each present as itself; order and repeats are no change.
    pub(crate) fn members<'v>(
        &mut self,
        name: &'static str,
        kind: Kind,
        rule: Rule,
        members: impl IntoIterator<Item = &'v String>,
    ) {
        for member in members {
            self.member(name, kind, rule, member.clone());
        }
    }

    pub(crate) fn member(&mut self, name: &'static str, kind: Kind, rule: Rule, member: String) {
        self.put(name, Some(member.clone()), kind, rule, Value::Text(member));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Option<Value> {
        Some(Value::Text(value.into()))
    }

    #[test]
    fn rules_broaden_only_towards_wider() {
        let yes = Some(Value::Flag(true));
        let no = Some(Value::Flag(false));
        // (rule, before, after, broadens)
        let cases: Vec<(Rule, Option<Value>, Option<Value>, bool)> = vec![
            (Rule::Grows, None, text("a"), true),
            (Rule::Grows, text("a"), text("b"), true),
            (Rule::Grows, text("a"), None, false),
            (Rule::Limits, text("a"), None, true),
            (Rule::Limits, None, text("a"), false),
            (Rule::On, None, yes.clone(), true),
            (Rule::On, no.clone(), yes.clone(), true),
            (Rule::On, yes.clone(), None, false),
            (Rule::On, None, no.clone(), false),
            (Rule::Off, yes.clone(), None, true),
            (Rule::Off, yes.clone(), no.clone(), true),
            (Rule::Off, None, yes.clone(), false),
            (Rule::Off, no.clone(), None, false),
            (
                Rule::Longer,
                Some(Value::Number(3600)),
                Some(Value::Number(43200)),
                true,
            ),
            (
                Rule::Longer,
                Some(Value::Number(43200)),
                Some(Value::Number(3600)),
                false,
            ),
            (
                Rule::Levels(&[&[""], &["task"], &["host"]]),
                None,
                text("task"),
                true,
            ),
            (
                Rule::Levels(&[&[""], &["task"], &["host"]]),
                text("host"),
                text("task"),
                false,
            ),
            (
                Rule::Levels(&[&[""], &["task"]]),
                text("task"),
                text("new"),
                true,
            ),
            (
                Rule::Levels(&[&["ENABLED"], &["", "DISABLED"]]),
                None,
                text("DISABLED"),
                false,
            ),
            (
                Rule::Levels(&[&["ENABLED"], &["", "DISABLED"]]),
                text("ENABLED"),
                None,
                true,
            ),
            (Rule::Longer, text("PT1H"), text("PT12H"), true),
            (Rule::Longer, text("PT2H"), text("PT90M"), false),
            (Rule::Path, text("/var/log"), text("/var/log/app"), false),
            (Rule::Path, text("/var/log/app"), text("/var"), true),
            (
                Rule::Path,
                text("/var/log"),
                text("/var/log/../../etc"),
                true,
            ),
            (Rule::Path, text("/data"), text("/database"), true),
            (Rule::Path, text("/"), text("/data"), false),
            (Rule::Path, None, text("/data"), true),
            (Rule::Path, text("/data"), None, false),
            (Rule::User, text("1000"), None, true),
            (Rule::User, None, text("root"), true),
            (Rule::User, text("app"), text("0:1000"), true),
            (Rule::User, text("00"), text("root:root"), false),
            (Rule::User, text("root"), text("1000:1000"), false),
            (Rule::User, text("1000"), text("1001"), false),
            (Rule::Report, None, text("a"), false),
            (Rule::AsWritten, text("a"), text("b"), false),
        ];
        for (index, (rule, before, after, expected)) in cases.iter().enumerate() {
            assert_eq!(
                rule.broadens(before.as_ref(), after.as_ref()),
                *expected,
                "case {index}: {rule:?} {before:?} -> {after:?}"
            );
        }
    }

    #[test]
    fn a_key_given_twice_keeps_both_values() {
        let mut facts = Facts::default();
        let mut writer = facts.part(None);
        writer.text("image", Kind::Code, Rule::Report, "a");
        writer.text("image", Kind::Code, Rule::Report, "b");
        writer.text("image", Kind::Code, Rule::Report, "a");
        facts.finish();
        assert_eq!(facts.facts.len(), 3);
        let keys: std::collections::BTreeSet<_> = facts.facts.iter().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), 3);
        let repeated = facts
            .facts
            .iter()
            .filter(|(key, _)| {
                key.item
                    .as_deref()
                    .is_some_and(|i| i.ends_with("(repeated)"))
            })
            .count();
        assert_eq!(repeated, 1);
    }
}
