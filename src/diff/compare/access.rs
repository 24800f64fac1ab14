//! What grants access, compared by meaning: dev access per account, trust edges with
//! their guards and actions, each holder's grants, developer reach.

use std::collections::BTreeSet;

use super::Changes;
use crate::collections::HashMap;
use crate::diff::grants::{actions_covered, implies, statement_changes};
use crate::diff::review::{AccountFacts, EdgeFact, EdgeKey, Guard, Holder, Review, Subject};
use crate::diff::strings::Sym;
use crate::diff::{Change, Edge, Grant, Kind, Mark, What};
use crate::graph;
use crate::model::policy::Effect;
use crate::spec::DevMode;

/// An edge of a principal -> role pair: through the account root, its guard, its actions.
type Pair<'r> = (bool, &'r Guard, &'r BTreeSet<Sym>);

/// Every side's edges by principal and role.
fn pairs<'r>(review: &'r Review<'_>) -> HashMap<(Sym, Sym), Vec<Pair<'r>>> {
    let mut pairs: HashMap<(Sym, Sym), Vec<Pair<'r>>> = HashMap::default();
    for ((principal, role, by_root, guard), fact) in &review.edges {
        pairs
            .entry((*principal, *role))
            .or_default()
            .push((*by_root, guard, &fact.actions));
    }
    pairs
}

impl Changes<'_> {
    pub(super) fn dev_access(&mut self, old: &Review, new: &Review) {
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
                    mode_before: super::mode_name(mode_before),
                    mode_after: super::mode_name(mode_after),
                },
            });
        }
    }

    pub(super) fn edges(&mut self, old: &Review, new: &Review) {
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
                    .map_or(&[][..], Vec::as_slice);
                let broadens = mark == Mark::Added && !self.edge_covered(key, fact, others);
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
                    Some((_, other_guard, _)) if matches!(edge_change, "principal" | "guards") => {
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
                let what = What::Assume(edge);
                self.push(Kind::Access, mark, broadens, fact.account_id, what);
            }
        }
    }

    /// Whether everything an edge admits, an edge of the other side for the same pair
    /// admitted: its guard implied, its actions covered. A role named as principal admits
    /// less than the account root narrowed to it, so the root's edge covers the named one
    /// (without its `aws:PrincipalArn` narrowing) and never the reverse.
    fn edge_covered(&self, key: &EdgeKey, fact: &EdgeFact, others: &[Pair<'_>]) -> bool {
        let (_, _, by_root, guard) = key;
        others.iter().any(|(other_by_root, other_guard, actions)| {
            let covers = match (*other_by_root, *by_root) {
                (false, true) => false,
                (true, false) => implies(
                    guard,
                    &self.without_principal_arn(other_guard),
                    self.strings,
                ),
                _ => implies(guard, other_guard, self.strings),
            };
            covers && actions_covered(&fact.actions, actions, self.strings)
        })
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
    fn labels<'a>(
        &self,
        clauses: impl Iterator<Item = &'a crate::diff::review::Clause>,
    ) -> Vec<String> {
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

    pub(super) fn permissions(&mut self, old: &Review, new: &Review) {
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
        let mut found = self.statement_grants(before, after);
        found.extend(self.attached_grants(before, after));
        for (mark, grant, broadens) in found {
            let what = What::Grant {
                holder: self.strings.string(holder.label),
                holder_kind: holder.kind,
                grant,
            };
            self.push(Kind::Access, mark, broadens, Some(holder.account_id), what);
        }
    }

    /// Statements' grants added and removed. A new Allow broadens; a Deny gone from a
    /// holder that is still there broadens too.
    fn statement_grants(
        &self,
        before: Option<&Holder>,
        after: Option<&Holder>,
    ) -> Vec<(Mark, Grant, bool)> {
        let nothing: &[crate::diff::review::Grant] = &[];
        let (statements_before, statements_after) = (
            before.map_or(nothing, |h| &h.statements),
            after.map_or(nothing, |h| &h.statements),
        );
        let mut found = Vec::new();
        for (effect, guard, actions, resources) in
            statement_changes(statements_after, statements_before, self.strings)
        {
            let grant = self.statement(effect, &guard, &actions, &resources);
            found.push((Mark::Added, grant, effect == Effect::Allow));
        }
        for (effect, guard, actions, resources) in
            statement_changes(statements_before, statements_after, self.strings)
        {
            let grant = self.statement(effect, &guard, &actions, &resources);
            let broadens = effect == Effect::Deny && after.is_some();
            found.push((Mark::Removed, grant, broadens));
        }
        found
    }

    /// Managed policies, the permissions boundary and the developer policy's attachments,
    /// added and removed.
    fn attached_grants(
        &self,
        before: Option<&Holder>,
        after: Option<&Holder>,
    ) -> Vec<(Mark, Grant, bool)> {
        let strings = self.strings;
        let mut found = Vec::new();
        let empty = BTreeSet::new();
        let (managed_before, managed_after) = (
            before.map_or(&empty, |h| &h.managed),
            after.map_or(&empty, |h| &h.managed),
        );
        for (mark, policies) in [
            (Mark::Added, managed_after.difference(managed_before)),
            (Mark::Removed, managed_before.difference(managed_after)),
        ] {
            for policy in policies {
                let grant = Grant::ManagedPolicy {
                    policy_arn: strings.string(*policy),
                };
                found.push((mark, grant, mark == Mark::Added));
            }
        }
        let (boundary_before, boundary_after) = (
            before.and_then(|h| h.boundary),
            after.and_then(|h| h.boundary),
        );
        if boundary_before != boundary_after {
            // A boundary only limits: losing one (or trading it for another, whose
            // contents trustgen cannot see) may let the role do more.
            for (mark, boundary, broadens) in [
                (Mark::Removed, boundary_before, after.is_some()),
                (Mark::Added, boundary_after, false),
            ] {
                if let Some(policy) = boundary {
                    let policy_arn = strings.string(policy);
                    found.push((mark, Grant::PermissionsBoundary { policy_arn }, broadens));
                }
            }
        }
        let none = BTreeSet::new();
        let (attached_before, attached_after) = (
            before.map_or(&none, |h| &h.attachments),
            after.map_or(&none, |h| &h.attachments),
        );
        for (mark, attachments) in [
            (Mark::Added, attached_after.difference(attached_before)),
            (Mark::Removed, attached_before.difference(attached_after)),
        ] {
            for (principal_type, name) in attachments {
                let grant = Grant::Attachment {
                    principal_type,
                    name: strings.string(*name),
                };
                found.push((mark, grant, mark == Mark::Added));
            }
        }
        found
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

    pub(super) fn reach(&mut self, old: &Review, new: &Review) {
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
}
