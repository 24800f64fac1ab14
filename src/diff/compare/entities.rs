//! Every other field, entity by entity, matched by identity: an entity new or gone is one
//! change with its facts; one on both sides is compared fact by fact under each fact's
//! rule, parts renamed (a container, a volume) judged against what they were.

use std::collections::{BTreeMap, BTreeSet};

use super::Changes;
use crate::collections::HashMap;
use crate::diff::fields::{Fact, FieldKey, PartKey, Rule, Stored};
use crate::diff::grants::gained;
use crate::diff::review::{Entity, Holder, Review, Subject};
use crate::diff::strings::{Strings, Sym};
use crate::diff::{FactEntry, FieldChange, Kind, Mark, Part, Value, What};

impl Changes<'_> {
    /// Every entity: added or removed whole, or field by field.
    pub(super) fn entities(&mut self, old: &Review, new: &Review) {
        // Holders with a semantic change: their documents' text adds nothing to it.
        let explained: BTreeSet<String> = self
            .changes
            .iter()
            .filter_map(|change| match &change.what {
                What::Grant { holder, .. } => Some(holder.clone()),
                What::Assume(edge) => Some(edge.role.clone()),
                _ => None,
            })
            .collect();
        let tag_keys: BTreeSet<&String> = old.tag_keys.iter().chain(&new.tag_keys).collect();
        let judge = Judge {
            old,
            new,
            strings: self.strings,
            tag_keys: &tag_keys,
        };
        for (subject, after) in &new.entities {
            match old.entities.get(subject) {
                Some(before) if before == after => {}
                Some(before) => judge.fields(before, after, &explained, self),
                None => judge.whole(subject, after, Mark::Added, self),
            }
        }
        for (subject, before) in &old.entities {
            if !new.entities.contains_key(subject) && !new.unchanged.contains(subject) {
                judge.whole(subject, before, Mark::Removed, self);
            }
        }
    }
}

struct Judge<'a> {
    old: &'a Review<'a>,
    new: &'a Review<'a>,
    strings: &'a Strings,
    tag_keys: &'a BTreeSet<&'a String>,
}

impl Judge<'_> {
    /// A fact's kind: a tag is access when a policy of either side reads its key.
    fn kind(&self, key: &FieldKey, fact: &Fact) -> Kind {
        match (fact.rule, key.item) {
            (Rule::Tag, Some(tag))
                if self
                    .tag_keys
                    .contains(&self.strings.get(tag).to_ascii_lowercase()) =>
            {
                Kind::Access
            }
            _ => fact.kind,
        }
    }

    fn broadens(&self, key: &FieldKey, before: Option<&Fact>, after: Option<&Fact>) -> bool {
        let Some(fact) = after.or(before) else {
            return false;
        };
        let (was, is) = (before.map(|f| &f.value), after.map(|f| &f.value));
        match fact.rule {
            // A tag a condition reads may gate an Allow or a Deny: any change may widen.
            Rule::Tag => self.kind(key, fact) == Kind::Access && was != is,
            Rule::RunsAs => !self.runs_as_gained(before, after).is_empty(),
            rule => rule.broadens(was, is, self.strings),
        }
    }

    /// What the role a task definition runs as now grants beyond the one it ran as.
    fn runs_as_gained(&self, before: Option<&Fact>, after: Option<&Fact>) -> Vec<String> {
        let holder = |review: &'_ Review, fact: Option<&Fact>| -> Option<Holder> {
            let Stored::Text(arn) = &fact?.value else {
                return None;
            };
            review.holder_of(&Subject::Role { arn: *arn }).cloned()
        };
        let (old, new) = (holder(self.old, before), holder(self.new, after));
        match (&new, after) {
            // A role the model does not hold: nothing proves it grants no more.
            (None, Some(fact)) => vec![format!(
                "role {} outside the spec",
                fact.value.value(self.strings).shown()
            )],
            _ => gained(old.as_ref(), new.as_ref(), self.strings),
        }
    }

    fn part(&self, part: Option<PartKey>) -> Option<Part> {
        part.map(|part| Part {
            kind: self.strings.string(part.kind),
            name: self.strings.string(part.name),
        })
    }

    fn whole(&self, subject: &Subject, entity: &Entity, mark: Mark, out: &mut Changes<'_>) {
        let mut facts: Vec<FactEntry> = entity
            .facts
            .iter()
            .filter(|(_, fact)| fact.rule != Rule::AsWritten)
            .map(|(key, fact)| FactEntry {
                kind: self.kind(key, fact),
                broadens: mark == Mark::Added && self.broadens(key, None, Some(fact)),
                part: self.part(key.part),
                field: self.strings.string(key.name),
                item: key.item.map(|item| self.strings.string(item)),
                value: fact.value.value(self.strings),
            })
            .collect();
        // In the order of their text, whatever order the strings were first seen in.
        facts.sort_by(|a, b| (&a.part, &a.field, &a.item).cmp(&(&b.part, &b.field, &b.item)));
        let what = What::Entity {
            subject: self.strings.string(entity.label),
            subject_kind: entity.kind,
            facts,
        };
        let broadens =
            matches!(&what, What::Entity { facts, .. } if facts.iter().any(|f| f.broadens));
        out.push(
            entity_kind(subject),
            mark,
            broadens,
            entity.account_id,
            what,
        );
    }

    /// One field on both sides: which role a task definition runs as, or any other field.
    fn what(
        &self,
        entity: &Entity,
        label: &str,
        key: &FieldKey,
        old: Option<&Fact>,
        new: Option<&Fact>,
    ) -> What {
        let shown = |f: Option<&Fact>| f.map(|f| f.value.value(self.strings));
        let rule = new.or(old).map(|fact| fact.rule);
        if rule == Some(Rule::RunsAs) {
            let text = |f: Option<&Fact>| shown(f).map(|v| v.shown()).unwrap_or_default();
            return What::RunsAs {
                family: label.to_string(),
                role: self.strings.string(key.name),
                before: text(old),
                after: text(new),
                gained: self.runs_as_gained(old, new),
            };
        }
        let (before, after) = if rule == Some(Rule::AsWritten) {
            written_difference(shown(old), shown(new))
        } else {
            (shown(old), shown(new))
        };
        What::Field {
            subject: label.to_string(),
            subject_kind: entity.kind,
            field: FieldChange {
                part: self.part(key.part),
                field: self.strings.string(key.name),
                item: key.item.map(|item| self.strings.string(item)),
                before,
                after,
            },
        }
    }

    fn fields(
        &self,
        before: &Entity,
        after: &Entity,
        explained: &BTreeSet<String>,
        out: &mut Changes<'_>,
    ) {
        let parts_after: BTreeSet<Option<PartKey>> =
            after.facts.iter().map(|(key, _)| key.part).collect();
        // A part renamed (a container, a volume) is judged against what it was.
        let renamed = renamed_parts(before, after);
        let was: BTreeMap<FieldKey, &Fact> = before
            .facts
            .iter()
            .map(|(key, fact)| {
                let part = key
                    .part
                    .map(|part| renamed.get(&part).copied().unwrap_or(part));
                (FieldKey { part, ..*key }, fact)
            })
            .collect();
        let is: BTreeMap<FieldKey, &Fact> = after.facts.iter().map(|(k, f)| (*k, f)).collect();
        let keys: BTreeSet<&FieldKey> = was.keys().chain(is.keys()).collect();
        let label = self.strings.string(after.label);
        for (old_part, new_part) in &renamed {
            let what = What::Field {
                subject: label.clone(),
                subject_kind: after.kind,
                field: FieldChange {
                    part: self.part(Some(*new_part)),
                    field: "in place of".into(),
                    item: None,
                    before: Some(Value::Text(self.strings.string(old_part.name))),
                    after: Some(Value::Text(self.strings.string(new_part.name))),
                },
            };
            out.push(Kind::Other, Mark::Changed, false, after.account_id, what);
        }
        for key in keys {
            let (old, new) = (was.get(key).copied(), is.get(key).copied());
            let (Some(fact), true) = (new.or(old), old.map(|f| &f.value) != new.map(|f| &f.value))
            else {
                continue;
            };
            if fact.rule == Rule::AsWritten && explained.contains(&label) {
                continue;
            }
            // A part gone (a container, a volume) exposes nothing any more.
            let part_gone = new.is_none() && !parts_after.contains(&key.part);
            let broadens = !part_gone && self.broadens(key, old, new);
            let mark = match (old, new) {
                (None, _) => Mark::Added,
                (_, None) => Mark::Removed,
                _ => Mark::Changed,
            };
            let what = self.what(after, &label, key, old, new);
            out.push(self.kind(key, fact), mark, broadens, after.account_id, what);
        }
    }
}

/// Parts of an entity gone and parts new, of one kind, paired as renames: the pairs
/// sharing most facts first (a container renamed with everything else kept shares all
/// but its name), then the rest in order. Old part -> new part.
fn renamed_parts(before: &Entity, after: &Entity) -> HashMap<PartKey, PartKey> {
    let parts = |entity: &Entity| -> BTreeMap<PartKey, BTreeSet<(Sym, Option<Sym>, Stored)>> {
        let mut parts: BTreeMap<PartKey, BTreeSet<_>> = BTreeMap::new();
        for (key, fact) in entity.facts.iter() {
            if let Some(part) = key.part {
                parts
                    .entry(part)
                    .or_default()
                    .insert((key.name, key.item, fact.value.clone()));
            }
        }
        parts
    };
    let (old, new) = (parts(before), parts(after));
    let mut candidates: Vec<(usize, PartKey, PartKey)> = Vec::new();
    for (gone, gone_facts) in old.iter().filter(|(part, _)| !new.contains_key(part)) {
        for (came, came_facts) in new.iter().filter(|(part, _)| !old.contains_key(part)) {
            if gone.kind == came.kind {
                let shared = gone_facts.intersection(came_facts).count();
                candidates.push((shared, *gone, *came));
            }
        }
    }
    // Most shared first; ties in part order, so the pairing does not depend on chance.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut renamed = HashMap::default();
    let mut taken = BTreeSet::new();
    for (_, gone, came) in candidates {
        if !renamed.contains_key(&gone) && taken.insert(came) {
            renamed.insert(gone, came);
        }
    }
    renamed
}

/// A document as written, shown as what only each side has: its lines are order-free, and
/// the rest of a long policy is no news to a reviewer.
fn written_difference(old: Option<Value>, new: Option<Value>) -> (Option<Value>, Option<Value>) {
    let lines = |value: Option<Value>| match value {
        Some(Value::List(lines)) => lines,
        Some(other) => vec![other.shown()],
        None => Vec::new(),
    };
    let (mut only_old, mut only_new) = (lines(old), lines(new));
    // Remove what both have, as a multiset: a line repeated once more is a difference.
    let mut index = 0;
    while index < only_old.len() {
        if let Some(at) = only_new.iter().position(|line| *line == only_old[index]) {
            only_new.remove(at);
            only_old.remove(index);
        } else {
            index += 1;
        }
    }
    (Some(Value::List(only_old)), Some(Value::List(only_new)))
}

/// The kind of a whole entity added or removed.
fn entity_kind(subject: &Subject) -> Kind {
    match subject {
        Subject::Role { .. }
        | Subject::Policy { .. }
        | Subject::SessionPolicy { .. }
        | Subject::TaskDefinition { .. }
        | Subject::PermissionSet { .. }
        | Subject::StackSet { .. } => Kind::Access,
        Subject::Account { .. }
        | Subject::IdentityCenter
        | Subject::Terraform
        | Subject::TerraformRoot { .. } => Kind::Deployment,
        Subject::Project => Kind::Other,
    }
}
