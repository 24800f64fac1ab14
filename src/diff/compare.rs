//! Two reviews side by side: every change, what kind it is, and whether it broadens.
//! Grants, trust edges, reach and dev access are compared by meaning (`grants`); every
//! other field by its key and its rule (`fields`), entity by entity, matched by the
//! identity AWS knows them by.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fields::{Fact, FieldKey, PartKey, Rule, Stored};
use super::grants::{actions_covered, gained, implies, statement_changes};
use super::review::{AccountFacts, Entity, Guard, Holder, Review, Subject};
use super::strings::{Strings, Sym};
use super::{
    AccountHeading, Change, Clause, Diff, Edge, FactEntry, FieldChange, Grant, Kind, Mark, Part,
    Value, What,
};
use crate::graph;
use crate::model::policy::Effect;
use crate::spec::DevMode;

pub(crate) fn compare(old: &Review, new: &Review, strings: &Strings) -> Diff {
    let accounts = headings(old, new);
    let mut out = Changes {
        strings,
        changes: Vec::new(),
    };
    out.dev_access(old, new);
    out.edges(old, new);
    out.permissions(old, new);
    out.reach(old, new);
    out.entities(old, new);
    let mut changes = out.changes;
    // Names by id: the new side's name (an account renamed is one account).
    let names: HashMap<&str, &str> = accounts
        .iter()
        .map(|heading| (heading.id.as_str(), heading.name.as_str()))
        .collect();
    for change in &mut changes {
        change.account = change
            .account_id
            .as_deref()
            .and_then(|id| names.get(id))
            .map(|name| name.to_string());
    }
    let position: HashMap<&str, usize> = accounts
        .iter()
        .enumerate()
        .map(|(index, heading)| (heading.id.as_str(), index))
        .collect();
    changes.sort_by_cached_key(|change| {
        (
            change
                .account_id
                .as_deref()
                .and_then(|id| position.get(id).copied())
                .unwrap_or(usize::MAX),
            section(change),
            sort_label(change),
        )
    });
    Diff {
        broadens: changes.iter().any(|change| change.broadens),
        changes,
        accounts,
    }
}

/// The order of sections within an account: access first, then by kind.
fn section(change: &Change) -> (u8, Kind) {
    let rank = match &change.what {
        What::DevAccess { .. } => 0,
        What::Assume(_) => 1,
        What::Grant { .. } => 2,
        What::RunsAs { .. } => 3,
        What::Reach { .. } => 4,
        What::Entity { .. } => 5,
        What::Field { .. } => 6,
    };
    (rank, change.kind)
}

/// Within a section: by subject, removed before added, then what changed.
fn sort_label(change: &Change) -> (String, u8, String) {
    let (subject, detail) = match &change.what {
        What::DevAccess { .. } => (String::new(), String::new()),
        What::Assume(edge) => (edge.role.clone(), edge.principal.clone()),
        What::Grant { holder, grant, .. } => (holder.clone(), format!("{grant:?}")),
        What::RunsAs { family, role, .. } => (family.clone(), role.clone()),
        What::Reach { role, .. } => (role.clone(), String::new()),
        What::Entity { subject, .. } => (subject.clone(), String::new()),
        What::Field { subject, field, .. } => (
            subject.clone(),
            format!(
                "{:?} {} {:?}",
                field.part.as_ref().map(|p| (&p.kind, &p.name)),
                field.field,
                field.item
            ),
        ),
    };
    // A field is one row whatever its mark; an edge or a grant changed reads as the old one
    // removed, then the new one added.
    let mark = match (&change.what, change.change) {
        (What::Field { .. }, _) | (_, Mark::Removed) => 0,
        (_, Mark::Added) => 1,
        (_, Mark::Changed) => 2,
    };
    (subject, mark, detail)
}

/// Accounts of the new side in its order, then those only the old one has; by id.
fn headings(old: &Review, new: &Review) -> Vec<AccountHeading> {
    let mut headings: Vec<AccountHeading> = new
        .accounts
        .iter()
        .map(|account| AccountHeading {
            id: account.id.clone(),
            name: account.name.clone(),
            renamed_from: old
                .account_name(&account.id)
                .filter(|name| *name != account.name)
                .map(str::to_string),
        })
        .collect();
    for account in &old.accounts {
        if !headings.iter().any(|h| h.id == account.id) {
            headings.push(AccountHeading {
                id: account.id.clone(),
                name: account.name.clone(),
                renamed_from: None,
            });
        }
    }
    headings
}

pub(crate) fn mode_name(mode: DevMode) -> &'static str {
    match mode {
        DevMode::None => "none",
        DevMode::Extended => "extended",
        DevMode::Tagged => "tagged",
        DevMode::Simulate => "simulate",
    }
}

/// The changes found so far, and the strings both sides share.
struct Changes<'s> {
    strings: &'s Strings,
    changes: Vec<Change>,
}

impl Changes<'_> {
    fn push(&mut self, kind: Kind, mark: Mark, broadens: bool, account: Option<Sym>, what: What) {
        self.changes.push(Change {
            kind,
            change: mark,
            broadens,
            account: None,
            account_id: account.map(|id| self.strings.string(id)),
            what,
        });
    }

    /// A set of strings as a report lists them: sorted by text.
    fn texts<'a>(&self, syms: impl IntoIterator<Item = &'a Sym>) -> Vec<String> {
        let mut texts: Vec<String> = syms.into_iter().map(|s| self.strings.string(*s)).collect();
        texts.sort();
        texts
    }

    fn clauses(&self, guard: &Guard) -> Vec<Clause> {
        let mut clauses: Vec<Clause> = guard
            .iter()
            .map(|clause| Clause {
                operator: self.strings.string(clause.operator),
                key: self.strings.string(clause.key),
                values: self.texts(clause.values.iter()),
            })
            .collect();
        clauses.sort();
        clauses
    }

    fn dev_access(&mut self, old: &Review, new: &Review) {
        let ids: BTreeSet<&str> = old
            .accounts
            .iter()
            .chain(&new.accounts)
            .map(|a| a.id.as_str())
            .collect();
        for id in ids {
            let before = old.accounts.iter().find(|a| a.id == id);
            let after = new.accounts.iter().find(|a| a.id == id);
            let mode = |side: Option<&AccountFacts>| side.map_or(DevMode::None, |a| a.dev_access);
            let (mode_before, mode_after) = (mode(before), mode(after));
            if mode_before == mode_after {
                continue;
            }
            let mark = match (mode_before, mode_after) {
                (DevMode::None, _) => Mark::Added,
                (_, DevMode::None) => Mark::Removed,
                _ => Mark::Changed,
            };
            self.changes.push(Change {
                kind: Kind::Access,
                change: mark,
                broadens: mark == Mark::Added,
                account: None,
                account_id: Some(id.to_string()),
                what: What::DevAccess {
                    env_before: before.map(|a| a.env.clone()),
                    env_after: after.map(|a| a.env.clone()),
                    mode_before: mode_name(mode_before),
                    mode_after: mode_name(mode_after),
                },
            });
        }
    }

    fn edges(&mut self, old: &Review, new: &Review) {
        type Pairs<'r> = HashMap<(Sym, Sym), Vec<(bool, &'r Guard, &'r BTreeSet<Sym>)>>;
        fn pairs<'r>(review: &'r Review<'_>) -> Pairs<'r> {
            let mut pairs: Pairs<'_> = HashMap::new();
            for ((principal, role, by_root, guard), fact) in &review.edges {
                pairs.entry((*principal, *role)).or_default().push((
                    *by_root,
                    guard,
                    &fact.actions,
                ));
            }
            pairs
        }
        let (old_pairs, new_pairs) = (pairs(old), pairs(new));
        for (other, this, other_pairs, mark) in [
            (old, new, &old_pairs, Mark::Added),
            (new, old, &new_pairs, Mark::Removed),
        ] {
            for (key, fact) in &this.edges {
                let (principal, role, by_root, guard) = key;
                let before = other.edges.get(key);
                if before.is_some_and(|before| before.actions == fact.actions) {
                    continue;
                }
                let others = other_pairs
                    .get(&(*principal, *role))
                    .cloned()
                    .unwrap_or_default();
                // Everything this edge admits, an edge of the other side admitted (a role
                // named as principal admits less than the account root narrowed to it).
                let broadens = mark == Mark::Added
                    && !others.iter().any(|(other_by_root, other_guard, actions)| {
                        let covers = match (*other_by_root, *by_root) {
                            (false, true) => false,
                            // The root narrowed to this principal by its `aws:PrincipalArn`
                            // clause covers the principal named directly.
                            (true, false) => implies(
                                guard,
                                &self.without_principal_arn(other_guard),
                                self.strings,
                            ),
                            _ => implies(guard, other_guard, self.strings),
                        };
                        covers && actions_covered(&fact.actions, actions, self.strings)
                    });
                let edge_change = if before.is_some() {
                    "actions"
                } else if others.is_empty() {
                    "edge"
                } else if others
                    .iter()
                    .all(|(other_by_root, _, _)| other_by_root != by_root)
                {
                    "principal"
                } else {
                    "guards"
                };
                let (guards_removed, guards_added) = match others.first() {
                    Some((_, other_guard, _))
                        if edge_change != "edge" && edge_change != "actions" =>
                    {
                        let (was, is) = if mark == Mark::Added {
                            (*other_guard, guard)
                        } else {
                            (guard, *other_guard)
                        };
                        (
                            self.labels(was.difference(is)),
                            self.labels(is.difference(was)),
                        )
                    }
                    _ => (Vec::new(), Vec::new()),
                };
                let edge = Edge {
                    role: self.strings.string(*role),
                    role_kind: fact.role_kind,
                    principal: self.strings.string(*principal),
                    through_account_root: *by_root,
                    principal_kind: fact.principal_kind,
                    principal_label: self.strings.string(fact.principal_label),
                    actions: self.texts(&fact.actions),
                    guards: self.labels(guard.iter()),
                    conditions: self.clauses(guard),
                    edge_change,
                    guards_removed,
                    guards_added,
                };
                self.push(
                    Kind::Access,
                    mark,
                    broadens,
                    fact.account_id,
                    What::Assume(edge),
                );
            }
        }
    }

    /// A guard without its `aws:PrincipalArn` clauses.
    fn without_principal_arn(&self, guard: &Guard) -> Guard {
        guard
            .iter()
            .filter(|clause| {
                !self
                    .strings
                    .get(clause.key)
                    .eq_ignore_ascii_case("aws:PrincipalArn")
            })
            .cloned()
            .collect()
    }

    /// The short names of clauses, sorted, each once.
    fn labels<'a>(&self, clauses: impl Iterator<Item = &'a super::review::Clause>) -> Vec<String> {
        clauses
            .map(|clause| {
                let values = self.texts(clause.values.iter());
                let value = match values.as_slice() {
                    [one] => serde_json::Value::String(one.clone()),
                    many => serde_json::Value::from(many.to_vec()),
                };
                graph::condition_label(self.strings.get(clause.key), &value)
            })
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect()
    }

    fn permissions(&mut self, old: &Review, new: &Review) {
        let subjects: BTreeSet<&Subject> = old.holders.keys().chain(new.holders.keys()).collect();
        for subject in subjects {
            if new.unchanged_holders.contains(subject) {
                continue;
            }
            let (before, after) = (old.holder_of(subject), new.holder_of(subject));
            if before == after {
                continue;
            }
            let Some(holder) = after.or(before) else {
                continue;
            };
            self.holder(holder, before, after);
        }
    }

    fn holder(&mut self, holder: &Holder, before: Option<&Holder>, after: Option<&Holder>) {
        let strings = self.strings;
        let mut found: Vec<(Mark, Grant, bool)> = Vec::new();
        let nothing: &[super::review::Grant] = &[];
        let (statements_before, statements_after) = (
            before.map_or(nothing, |h| &h.statements),
            after.map_or(nothing, |h| &h.statements),
        );
        // A new Allow broadens; a Deny gone from a holder that is still there broadens too.
        for (effect, guard, actions, resources) in
            statement_changes(statements_after, statements_before, strings)
        {
            let grant = self.statement(effect, &guard, &actions, &resources);
            found.push((Mark::Added, grant, effect == Effect::Allow));
        }
        for (effect, guard, actions, resources) in
            statement_changes(statements_before, statements_after, strings)
        {
            let grant = self.statement(effect, &guard, &actions, &resources);
            found.push((
                Mark::Removed,
                grant,
                effect == Effect::Deny && after.is_some(),
            ));
        }
        let empty = BTreeSet::new();
        let (managed_before, managed_after) = (
            before.map_or(&empty, |h| &h.managed),
            after.map_or(&empty, |h| &h.managed),
        );
        for policy in managed_after.difference(managed_before) {
            let policy_arn = strings.string(*policy);
            found.push((Mark::Added, Grant::ManagedPolicy { policy_arn }, true));
        }
        for policy in managed_before.difference(managed_after) {
            let policy_arn = strings.string(*policy);
            found.push((Mark::Removed, Grant::ManagedPolicy { policy_arn }, false));
        }
        let boundary = |h: Option<&Holder>| h.and_then(|h| h.boundary);
        let (boundary_before, boundary_after) = (boundary(before), boundary(after));
        if boundary_before != boundary_after {
            // A boundary only limits: losing one (or trading it for another, whose
            // contents trustgen cannot see) may let the role do more.
            if let Some(policy) = boundary_before {
                let grant = Grant::PermissionsBoundary {
                    policy_arn: strings.string(policy),
                };
                found.push((Mark::Removed, grant, after.is_some()));
            }
            if let Some(policy) = boundary_after {
                let grant = Grant::PermissionsBoundary {
                    policy_arn: strings.string(policy),
                };
                found.push((Mark::Added, grant, false));
            }
        }
        let none = BTreeSet::new();
        let (attached_before, attached_after) = (
            before.map_or(&none, |h| &h.attachments),
            after.map_or(&none, |h| &h.attachments),
        );
        for (principal_type, name) in attached_after.difference(attached_before) {
            let name = strings.string(*name);
            found.push((
                Mark::Added,
                Grant::Attachment {
                    principal_type,
                    name,
                },
                true,
            ));
        }
        for (principal_type, name) in attached_before.difference(attached_after) {
            let name = strings.string(*name);
            found.push((
                Mark::Removed,
                Grant::Attachment {
                    principal_type,
                    name,
                },
                false,
            ));
        }
        for (mark, grant, broadens) in found {
            let what = What::Grant {
                holder: strings.string(holder.label),
                holder_kind: holder.kind,
                grant,
            };
            self.push(Kind::Access, mark, broadens, Some(holder.account_id), what);
        }
    }

    fn statement(
        &self,
        effect: Effect,
        guard: &Guard,
        actions: &BTreeSet<Sym>,
        resources: &BTreeSet<Sym>,
    ) -> Grant {
        Grant::Statement {
            effect,
            actions: self.texts(actions),
            resources: self.texts(resources),
            conditions: self.clauses(guard),
        }
    }

    fn reach(&mut self, old: &Review, new: &Review) {
        for (this, other, mark) in [(new, old, Mark::Added), (old, new, Mark::Removed)] {
            for (role, fact) in &this.reach {
                if other.reach.contains_key(role) {
                    continue;
                }
                let what = What::Reach {
                    role: self.strings.string(*role),
                    role_kind: fact.kind,
                    direct: fact.direct,
                    through: fact
                        .through
                        .iter()
                        .map(|r| self.strings.string(*r))
                        .collect(),
                    dev_access: fact.dev_access,
                };
                self.push(
                    Kind::Access,
                    mark,
                    mark == Mark::Added,
                    fact.account_id,
                    what,
                );
            }
        }
    }

    /// Every entity: added or removed whole, or field by field.
    fn entities(&mut self, old: &Review, new: &Review) {
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
            let shown = |f: Option<&Fact>| f.map(|f| f.value.value(self.strings));
            let what = if fact.rule == Rule::RunsAs {
                let text = |f: Option<&Fact>| shown(f).map(|v| v.shown()).unwrap_or_default();
                What::RunsAs {
                    family: label.clone(),
                    role: self.strings.string(key.name),
                    before: text(old),
                    after: text(new),
                    gained: self.runs_as_gained(old, new),
                }
            } else {
                let (before_value, after_value) = if fact.rule == Rule::AsWritten {
                    written_difference(shown(old), shown(new))
                } else {
                    (shown(old), shown(new))
                };
                What::Field {
                    subject: label.clone(),
                    subject_kind: after.kind,
                    field: FieldChange {
                        part: self.part(key.part),
                        field: self.strings.string(key.name),
                        item: key.item.map(|item| self.strings.string(item)),
                        before: before_value,
                        after: after_value,
                    },
                }
            };
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
    let mut renamed = HashMap::new();
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
        | Subject::PermissionSet { .. } => Kind::Access,
        Subject::Account { .. }
        | Subject::IdentityCenter
        | Subject::Terraform
        | Subject::TerraformRoot { .. } => Kind::Deployment,
        Subject::Project => Kind::Other,
    }
}
