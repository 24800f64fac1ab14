//! Two reviews side by side: every change, what kind it is, and whether it broadens.
//! Grants, trust edges, reach and dev access are compared by meaning (`grants`); every
//! other field by its key and its rule (`fields`), entity by entity, matched by the
//! identity AWS knows them by.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fields::{Fact, FieldKey, Part, Rule, Value};
use super::grants::{actions_covered, gained, implies, statement_changes};
use super::review::{Entity, Guard, Holder, Review, Subject};
use super::{
    AccountHeading, Change, Clause, Diff, Edge, FactEntry, FieldChange, Grant, Kind, Mark, What,
};
use crate::graph;
use crate::model::policy::Effect;
use crate::spec::DevMode;

pub(crate) fn compare(old: &Review, new: &Review) -> Diff {
    let accounts = headings(old, new);
    let mut changes = Vec::new();
    dev_access(old, new, &mut changes);
    edges(old, new, &mut changes);
    permissions(old, new, &mut changes);
    reach(old, new, &mut changes);
    entities(old, new, &mut changes);
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
        What::RunsAs { family, role, .. } => (family.clone(), (*role).to_string()),
        What::Reach { role, .. } => (role.clone(), String::new()),
        What::Entity { subject, .. } => (subject.clone(), String::new()),
        What::Field { subject, field, .. } => (
            subject.clone(),
            format!(
                "{:?} {} {:?}",
                field.part.as_ref().map(|p| (p.kind, &p.name)),
                field.field,
                field.item
            ),
        ),
    };
    // A field is one row whatever its mark; an edge or a grant changed reads as the old one
    // removed, then the new one added.
    let mark = match (&change.what, change.change) {
        (What::Field { .. }, _) => 0,
        (_, Mark::Removed) => 0,
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

fn change(
    kind: Kind,
    mark: Mark,
    broadens: bool,
    account_id: Option<String>,
    what: What,
) -> Change {
    Change {
        kind,
        change: mark,
        broadens,
        account: None,
        account_id,
        what,
    }
}

fn dev_access(old: &Review, new: &Review, out: &mut Vec<Change>) {
    let ids: BTreeSet<&str> = old
        .accounts
        .iter()
        .chain(&new.accounts)
        .map(|a| a.id.as_str())
        .collect();
    for id in ids {
        let before = old.accounts.iter().find(|a| a.id == id);
        let after = new.accounts.iter().find(|a| a.id == id);
        let mode = |side: Option<&super::review::AccountFacts>| {
            side.map_or(DevMode::None, |a| a.dev_access)
        };
        let (mode_before, mode_after) = (mode(before), mode(after));
        if mode_before == mode_after {
            continue;
        }
        let mark = match (mode_before, mode_after) {
            (DevMode::None, _) => Mark::Added,
            (_, DevMode::None) => Mark::Removed,
            _ => Mark::Changed,
        };
        out.push(change(
            Kind::Access,
            mark,
            mark == Mark::Added,
            Some(id.to_string()),
            What::DevAccess {
                env_before: before.map(|a| a.env.clone()),
                env_after: after.map(|a| a.env.clone()),
                mode_before: mode_name(mode_before),
                mode_after: mode_name(mode_after),
            },
        ));
    }
}

pub(crate) fn mode_name(mode: DevMode) -> &'static str {
    match mode {
        DevMode::None => "none",
        DevMode::Extended => "extended",
        DevMode::Tagged => "tagged",
        DevMode::Simulate => "simulate",
    }
}

fn edges(old: &Review, new: &Review, out: &mut Vec<Change>) {
    type Pairs<'r> = HashMap<(&'r str, &'r str), Vec<(&'r Guard, &'r BTreeSet<String>)>>;
    fn pairs(review: &Review) -> Pairs<'_> {
        let mut pairs: Pairs<'_> = HashMap::new();
        for ((principal, role, guard), fact) in &review.edges {
            pairs
                .entry((principal.as_str(), role.as_str()))
                .or_default()
                .push((guard, &fact.actions));
        }
        pairs
    }
    let (old_pairs, new_pairs) = (pairs(old), pairs(new));
    for (sides, mark) in [
        ((old, new, &old_pairs), Mark::Added),
        ((new, old, &new_pairs), Mark::Removed),
    ] {
        let (other, this, other_pairs) = sides;
        for (key, fact) in &this.edges {
            let (principal, role, guard) = key;
            let before = other.edges.get(key);
            if before.is_some_and(|before| before.actions == fact.actions) {
                continue;
            }
            let others = other_pairs
                .get(&(principal.as_str(), role.as_str()))
                .cloned()
                .unwrap_or_default();
            // Everything this edge admits, an edge of the old side admitted: nothing new.
            let broadens = mark == Mark::Added
                && !others.iter().any(|(other_guard, actions)| {
                    implies(guard, other_guard) && actions_covered(&fact.actions, actions)
                });
            let edge_change = if before.is_some() {
                "actions"
            } else if others.is_empty() {
                "edge"
            } else {
                "guards"
            };
            let (guards_removed, guards_added) = match others.first() {
                Some((other_guard, _)) if edge_change == "guards" => {
                    let (was, is) = if mark == Mark::Added {
                        (*other_guard, guard)
                    } else {
                        (guard, *other_guard)
                    };
                    (labels(was.difference(is)), labels(is.difference(was)))
                }
                _ => (Vec::new(), Vec::new()),
            };
            out.push(change(
                Kind::Access,
                mark,
                broadens,
                Some(fact.account_id.clone()).filter(|id| !id.is_empty()),
                What::Assume(Edge {
                    role: role.clone(),
                    role_kind: fact.role_kind,
                    principal: principal.clone(),
                    principal_kind: fact.principal_kind,
                    principal_label: fact.principal_label.clone(),
                    actions: fact.actions.iter().cloned().collect(),
                    guards: labels(guard.iter()),
                    conditions: guard.iter().cloned().collect(),
                    edge_change,
                    guards_removed,
                    guards_added,
                }),
            ));
        }
    }
}

/// The short names of clauses, sorted, each once.
fn labels<'a>(clauses: impl Iterator<Item = &'a Clause>) -> Vec<String> {
    clauses
        .map(|clause| {
            let value = match clause.values.as_slice() {
                [one] => serde_json::Value::String(one.clone()),
                many => serde_json::Value::from(many.to_vec()),
            };
            graph::condition_label(&clause.key, &value)
        })
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect()
}

fn permissions(old: &Review, new: &Review, out: &mut Vec<Change>) {
    let subjects: BTreeSet<&Subject> = old.holders.keys().chain(new.holders.keys()).collect();
    let nothing = BTreeSet::new();
    for subject in subjects {
        let (before, after) = (old.holders.get(subject), new.holders.get(subject));
        let Some(holder) = after.or(before) else {
            continue;
        };
        let mut push = |mark: Mark, grant: Grant, broadens: bool| {
            out.push(change(
                Kind::Access,
                mark,
                broadens,
                Some(holder.account_id.clone()),
                What::Grant {
                    holder: holder.label.clone(),
                    holder_kind: holder.kind,
                    grant,
                },
            ));
        };
        let (statements_before, statements_after) = (
            before.map_or(&nothing, |h| &h.statements),
            after.map_or(&nothing, |h| &h.statements),
        );
        // A new Allow broadens; a Deny gone from a holder that is still there broadens too.
        for (effect, guard, actions, resources) in
            statement_changes(statements_after, statements_before)
        {
            push(
                Mark::Added,
                statement(effect, guard, actions, resources),
                effect == Effect::Allow,
            );
        }
        for (effect, guard, actions, resources) in
            statement_changes(statements_before, statements_after)
        {
            push(
                Mark::Removed,
                statement(effect, guard, actions, resources),
                effect == Effect::Deny && after.is_some(),
            );
        }
        let managed = |h: Option<&Holder>| h.map(|h| h.managed.clone()).unwrap_or_default();
        let (managed_before, managed_after) = (managed(before), managed(after));
        for policy_arn in managed_after.difference(&managed_before) {
            let policy_arn = policy_arn.clone();
            push(Mark::Added, Grant::ManagedPolicy { policy_arn }, true);
        }
        for policy_arn in managed_before.difference(&managed_after) {
            let policy_arn = policy_arn.clone();
            push(Mark::Removed, Grant::ManagedPolicy { policy_arn }, false);
        }
        let boundary = |h: Option<&Holder>| h.and_then(|h| h.boundary.clone());
        let (boundary_before, boundary_after) = (boundary(before), boundary(after));
        if boundary_before != boundary_after {
            // A boundary only limits: losing one (or trading it for another, whose
            // contents trustgen cannot see) may let the role do more.
            if let Some(policy_arn) = boundary_before {
                let grant = Grant::PermissionsBoundary { policy_arn };
                push(Mark::Removed, grant, after.is_some());
            }
            if let Some(policy_arn) = boundary_after {
                push(
                    Mark::Added,
                    Grant::PermissionsBoundary { policy_arn },
                    false,
                );
            }
        }
        let attachments = |h: Option<&Holder>| h.map(|h| h.attachments.clone()).unwrap_or_default();
        let (attached_before, attached_after) = (attachments(before), attachments(after));
        for (principal_type, name) in attached_after.difference(&attached_before) {
            let grant = Grant::Attachment {
                principal_type,
                name: name.clone(),
            };
            push(Mark::Added, grant, true);
        }
        for (principal_type, name) in attached_before.difference(&attached_after) {
            let grant = Grant::Attachment {
                principal_type,
                name: name.clone(),
            };
            push(Mark::Removed, grant, false);
        }
    }
}

fn statement(
    effect: Effect,
    guard: Guard,
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
) -> Grant {
    Grant::Statement {
        effect,
        actions: actions.into_iter().collect(),
        resources: resources.into_iter().collect(),
        conditions: guard.into_iter().collect(),
    }
}

fn reach(old: &Review, new: &Review, out: &mut Vec<Change>) {
    for (this, other, mark) in [(new, old, Mark::Added), (old, new, Mark::Removed)] {
        for (role, fact) in &this.reach {
            if other.reach.contains_key(role) {
                continue;
            }
            out.push(change(
                Kind::Access,
                mark,
                mark == Mark::Added,
                fact.account_id.clone(),
                What::Reach {
                    role: role.clone(),
                    role_kind: fact.kind,
                    direct: fact.direct,
                    through: fact.through.clone(),
                    dev_access: fact.dev_access,
                },
            ));
        }
    }
}

/// Every entity: added or removed whole, or field by field.
fn entities(old: &Review, new: &Review, out: &mut Vec<Change>) {
    // Holders with a semantic change: their documents' text adds nothing to it.
    let explained: BTreeSet<String> = out
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
        tag_keys: &tag_keys,
    };
    let subjects: BTreeSet<&Subject> = old.entities.keys().chain(new.entities.keys()).collect();
    for subject in subjects {
        match (old.entities.get(subject), new.entities.get(subject)) {
            (Some(before), Some(after)) => {
                judge.fields(before, after, &explained, out);
            }
            (None, Some(entity)) => out.push(judge.whole(subject, entity, Mark::Added)),
            (Some(entity), None) => out.push(judge.whole(subject, entity, Mark::Removed)),
            (None, None) => {}
        }
    }
}

struct Judge<'a> {
    old: &'a Review,
    new: &'a Review,
    tag_keys: &'a BTreeSet<&'a String>,
}

impl Judge<'_> {
    /// A fact's kind: a tag is access when a policy of either side reads its key.
    fn kind(&self, key: &FieldKey, fact: &Fact) -> Kind {
        match (fact.rule, &key.item) {
            (Rule::Tag, Some(tag)) if self.tag_keys.contains(&tag.to_ascii_lowercase()) => {
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
            Rule::Tag => self.kind(key, fact) == Kind::Access && is.is_some() && was != is,
            Rule::RunsAs => !self.runs_as_gained(before, after).is_empty(),
            rule => rule.broadens(was, is),
        }
    }

    /// What the role a task definition runs as now grants beyond the one it ran as.
    fn runs_as_gained(&self, before: Option<&Fact>, after: Option<&Fact>) -> Vec<String> {
        let holder = |review: &'_ Review, fact: Option<&Fact>| -> Option<Holder> {
            let super::Value::Text(arn) = &fact?.value else {
                return None;
            };
            review
                .holders
                .get(&Subject::Role { arn: arn.clone() })
                .cloned()
        };
        let (old, new) = (holder(self.old, before), holder(self.new, after));
        match (&new, after) {
            // A role the model does not hold: nothing proves it grants no more.
            (None, Some(fact)) => vec![format!("role {} outside the spec", fact.value.shown())],
            _ => gained(old.as_ref(), new.as_ref()),
        }
    }

    fn whole(&self, subject: &Subject, entity: &Entity, mark: Mark) -> Change {
        let facts: Vec<FactEntry> = entity
            .facts
            .facts
            .iter()
            .filter(|(_, fact)| fact.rule != Rule::AsWritten)
            .map(|(key, fact)| FactEntry {
                kind: self.kind(key, fact),
                broadens: mark == Mark::Added && self.broadens(key, None, Some(fact)),
                part: key.part.clone(),
                field: key.name,
                item: key.item.clone(),
                value: fact.value.clone(),
            })
            .collect();
        change(
            entity_kind(subject),
            mark,
            facts.iter().any(|fact| fact.broadens),
            entity.account_id.clone(),
            What::Entity {
                subject: entity.label.clone(),
                subject_kind: entity.kind,
                facts,
            },
        )
    }

    fn fields(
        &self,
        before: &Entity,
        after: &Entity,
        explained: &BTreeSet<String>,
        out: &mut Vec<Change>,
    ) {
        if before.facts.facts == after.facts.facts && before.kind == after.kind {
            return;
        }
        let parts = |entity: &Entity| -> BTreeSet<Option<Part>> {
            entity
                .facts
                .facts
                .iter()
                .map(|(key, _)| key.part.clone())
                .collect()
        };
        let parts_after = parts(after);
        let was: BTreeMap<&FieldKey, &Fact> =
            before.facts.facts.iter().map(|(k, f)| (k, f)).collect();
        let is: BTreeMap<&FieldKey, &Fact> =
            after.facts.facts.iter().map(|(k, f)| (k, f)).collect();
        let keys: BTreeSet<&FieldKey> = was.keys().chain(is.keys()).copied().collect();
        for key in keys {
            let (old, new) = (was.get(key).copied(), is.get(key).copied());
            let (Some(fact), true) = (new.or(old), old.map(|f| &f.value) != new.map(|f| &f.value))
            else {
                continue;
            };
            if fact.rule == Rule::AsWritten && explained.contains(&after.label) {
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
            let what = if fact.rule == Rule::RunsAs {
                let shown = |f: Option<&Fact>| f.map(|f| f.value.shown()).unwrap_or_default();
                What::RunsAs {
                    family: after.label.clone(),
                    role: key.name,
                    before: shown(old),
                    after: shown(new),
                    gained: self.runs_as_gained(old, new),
                }
            } else {
                let (before, after_value) = if fact.rule == Rule::AsWritten {
                    written_difference(old, new)
                } else {
                    (old.map(|f| f.value.clone()), new.map(|f| f.value.clone()))
                };
                What::Field {
                    subject: after.label.clone(),
                    subject_kind: after.kind,
                    field: FieldChange {
                        part: key.part.clone(),
                        field: key.name,
                        item: key.item.clone(),
                        before,
                        after: after_value,
                    },
                }
            };
            out.push(change(
                self.kind(key, fact),
                mark,
                broadens,
                after.account_id.clone(),
                what,
            ));
        }
    }
}

/// A document as written, shown as what only each side has: its lines are order-free, and
/// the rest of a long policy is no news to a reviewer.
fn written_difference(old: Option<&Fact>, new: Option<&Fact>) -> (Option<Value>, Option<Value>) {
    let lines = |fact: Option<&Fact>| match fact.map(|f| &f.value) {
        Some(Value::List(lines)) => lines.clone(),
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
