//! Field facts: one value of one entity, with the kind of change it is to a reviewer and
//! the rule that says when a change of it broadens. `classify` writes one for every model
//! field that is not a grant, trust or reach (those are compared semantically by
//! `compare` and `grants`); `compare` matches them by key across the two sides.

use super::strings::{ListId, Strings, Sym};

pub(crate) use super::facts::{Facts, Writer};
use super::{Kind, Value};

/// Where in an entity a fact sits: a part (a container, a volume) if any, the field's name
/// (trustgen's words), and an item for keyed or set-like fields (an environment
/// variable's name, a mounted path, a managed policy ARN).
/// A review holds hundreds of thousands of facts: every string is an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FieldKey {
    pub part: Option<PartKey>,
    pub name: Sym,
    pub item: Option<Sym>,
}

/// A named part of an entity: `("container", "app")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PartKey {
    pub kind: Sym,
    pub name: Sym,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Fact {
    pub kind: Kind,
    pub rule: Rule,
    pub value: Stored,
}

/// A field's value as a review keeps it: strings by id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stored {
    Text(Sym),
    Number(i64),
    Flag(bool),
    /// A sequence whose order matters (a command's arguments).
    List(ListId),
}

impl Stored {
    /// The value as a report shows it.
    pub(crate) fn value(&self, strings: &Strings) -> Value {
        match self {
            Stored::Text(text) => Value::Text(strings.string(*text)),
            Stored::Number(number) => Value::Number(*number),
            Stored::Flag(flag) => Value::Flag(*flag),
            Stored::List(items) => Value::List(
                strings
                    .list(*items)
                    .iter()
                    .map(|item| strings.string(*item))
                    .collect(),
            ),
        }
    }
}

/// A scale from narrowest to widest, each level a group of names that mean the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scale {
    /// Network modes from the most isolated to the least: in `bridge` and `host` mode a
    /// container reaches the instance's metadata service and the host's network.
    NetworkMode,
    /// Process namespaces: the container's own, the task's, the host's.
    PidMode,
    /// IPC: none at all, the container's own (Docker's default), the task's, the host's.
    IpcMode,
    /// A volume's storage: the task's own, or shared with the host or other tasks.
    VolumeSource,
    /// Transit encryption or IAM authorisation of an EFS volume: on, or off (the default).
    OnThenOff,
}

impl Scale {
    fn levels(self) -> &'static [&'static [&'static str]] {
        match self {
            Scale::NetworkMode => &[&["none"], &["awsvpc"], &["bridge"], &["host"]],
            Scale::PidMode => &[&[""], &["task"], &["host"]],
            Scale::IpcMode => &[&["none"], &[""], &["task"], &["host"]],
            Scale::VolumeSource => &[
                &["", "task storage"],
                &["EFS file system", "host directory"],
            ],
            Scale::OnThenOff => &[&["ENABLED"], &["", "DISABLED"]],
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
    /// Broadens when it appears, not when its value changes: a secret read (its value is
    /// the variable it is read into), an environment file.
    Appears,
    /// Broadens when it disappears or changes: a limit (a dropped capability, an EFS
    /// access point pinning a directory and a user).
    Limits,
    /// A flag that broadens when it turns on; absent is off (privileged).
    On,
    /// A flag that broadens when it turns off; absent is off (a read-only root).
    Off,
    /// A number that broadens when it grows (a session duration).
    Longer,
    /// Broadens when it moves to a wider level. Absent is the name `""`; a name not
    /// listed counts as the widest.
    Levels(Scale),
    /// A directory shared with the container (a host path, an EFS root): broadens when it
    /// appears, or moves anywhere but inside the old one.
    Path,
    /// The user a container runs as: an explicit non-root user, then unset (the image's
    /// own, often root), then root. Broadens when it moves towards root.
    User,
    /// A volume mounted into a container (keyed by what the volume is, valued by its
    /// paths `PATH ro|rw`): broadens when it appears (but for the task's own storage) or a
    /// path becomes writable where none was.
    Mounted,
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
    pub(crate) fn broadens(
        self,
        before: Option<&Stored>,
        after: Option<&Stored>,
        strings: &Strings,
    ) -> bool {
        if before == after {
            return false;
        }
        let text = |value: Option<&Stored>| match value {
            Some(Stored::Text(text)) => Some(strings.get(*text)),
            _ => None,
        };
        match self {
            Rule::Report | Rule::AsWritten | Rule::RunsAs | Rule::Tag => false,
            Rule::Grows => after.is_some(),
            Rule::Appears => before.is_none() && after.is_some(),
            Rule::Limits => before.is_some(),
            Rule::On => on(after) && !on(before),
            Rule::Off => on(before) && !on(after),
            // A duration can only lengthen what existed: a new role is judged by its grants.
            Rule::Longer => match (seconds(before, strings), seconds(after, strings)) {
                (Some(old), Some(new)) => new > old,
                _ => before.is_some() && after.is_some(),
            },
            Rule::Levels(levels) => level(levels, after, &text) > level(levels, before, &text),
            Rule::Path => match (text(before), text(after)) {
                (Some(old), Some(new)) => !inside(new, old),
                _ => after.is_some(),
            },
            Rule::User => user_level(after, &text) > user_level(before, &text),
            Rule::Mounted => {
                let writable = |value: Option<&Stored>| match value {
                    Some(Stored::List(paths)) => strings
                        .list(*paths)
                        .iter()
                        .any(|path| strings.get(*path).contains(" rw")),
                    _ => false,
                };
                let own_storage = |value: Option<&Stored>| match value {
                    Some(Stored::List(paths)) => strings
                        .list(*paths)
                        .first()
                        .is_some_and(|kind| strings.get(*kind) == super::classify::TASK_STORAGE),
                    _ => false,
                };
                match (before, after) {
                    (None, Some(_)) => !own_storage(after),
                    (Some(_), Some(_)) => writable(after) && !writable(before),
                    _ => false,
                }
            }
        }
    }
}

fn on(value: Option<&Stored>) -> bool {
    matches!(value, Some(Stored::Flag(true)))
}

fn level<'s>(
    scale: Scale,
    value: Option<&Stored>,
    text: &impl Fn(Option<&Stored>) -> Option<&'s str>,
) -> usize {
    let levels = scale.levels();
    let name = match (value, text(value)) {
        (None, _) => "",
        (Some(_), Some(name)) => name,
        (Some(_), None) => return levels.len(),
    };
    levels
        .iter()
        .position(|names| names.contains(&name))
        .unwrap_or(levels.len())
}

/// A duration in seconds: a number of seconds, or ISO 8601's `PT…H…M…S`.
fn seconds(value: Option<&Stored>, strings: &Strings) -> Option<i64> {
    match value? {
        Stored::Number(seconds) => Some(*seconds),
        Stored::Text(text) => {
            let mut rest = strings.get(*text).strip_prefix("PT")?;
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
fn user_level<'s>(
    value: Option<&Stored>,
    text: &impl Fn(Option<&Stored>) -> Option<&'s str>,
) -> u8 {
    match (value, text(value)) {
        (None, _) | (Some(_), None) => 1,
        (Some(_), Some(user)) => {
            // uid 0 by any spelling a runtime parses as 0 (`0`, `00`, `+0`, `-0`).
            let who = user.split(':').next().unwrap_or_default();
            let digits = who.trim_start_matches(['+', '-']);
            if who == "root" || (!digits.is_empty() && digits.bytes().all(|b| b == b'0')) {
                2
            } else {
                0
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // Long on purpose: one table of cases, each a line.
    fn rules_broaden_only_towards_wider() {
        let mut strings = Strings::default();
        let mut text = |value: &str| Some(Stored::Text(strings.intern(value)));
        let yes = Some(Stored::Flag(true));
        let no = Some(Stored::Flag(false));
        let number = |n: i64| Some(Stored::Number(n));
        // (rule, before, after, broadens)
        let cases: Vec<(Rule, Option<Stored>, Option<Stored>, bool)> = vec![
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
            (Rule::Longer, number(3600), number(43200), true),
            (Rule::Longer, number(43200), number(3600), false),
            (Rule::Longer, None, number(43200), false),
            (Rule::Levels(Scale::PidMode), None, text("task"), true),
            (
                Rule::Levels(Scale::PidMode),
                text("host"),
                text("task"),
                false,
            ),
            (
                Rule::Levels(Scale::PidMode),
                text("task"),
                text("new"),
                true,
            ),
            (Rule::Levels(Scale::IpcMode), text("none"), None, true),
            (
                Rule::Levels(Scale::OnThenOff),
                None,
                text("DISABLED"),
                false,
            ),
            (Rule::Levels(Scale::OnThenOff), text("ENABLED"), None, true),
            (
                Rule::Levels(Scale::NetworkMode),
                text("awsvpc"),
                text("bridge"),
                true,
            ),
            (
                Rule::Levels(Scale::VolumeSource),
                text("host directory"),
                text("task storage"),
                false,
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
            (Rule::User, text("1000"), text("+0"), true),
            (Rule::User, text("1000"), text("-0:0"), true),
            (Rule::Appears, None, text("DB"), true),
            (Rule::Appears, text("DB"), text("DATABASE"), false),
            (Rule::Limits, text("fsap-1"), None, true),
            (Rule::Report, None, text("a"), false),
            (Rule::AsWritten, text("a"), text("b"), false),
        ];
        for (index, (rule, before, after, expected)) in cases.iter().enumerate() {
            assert_eq!(
                rule.broadens(before.as_ref(), after.as_ref(), &strings),
                *expected,
                "case {index}: {rule:?} {before:?} -> {after:?}"
            );
        }
    }

    #[test]
    fn a_key_given_twice_keeps_both_values() {
        let mut strings = Strings::default();
        let mut facts = Facts::default();
        let mut writer = Writer {
            facts: &mut facts,
            strings: &mut strings,
            part: None,
        };
        writer.text("image", Kind::Code, Rule::Report, "a");
        writer.text("image", Kind::Code, Rule::Report, "b");
        writer.text("image", Kind::Code, Rule::Report, "a");
        let facts = facts.finish(&mut strings);
        assert_eq!(facts.len(), 3);
        let keys: std::collections::BTreeSet<_> = facts.iter().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), 3);
        let repeated = facts
            .iter()
            .filter(|(key, _)| {
                key.item
                    .is_some_and(|item| strings.get(item).ends_with("(repeated)"))
            })
            .count();
        assert_eq!(repeated, 1);
    }
}
