//! Two reviews side by side: every change, what kind it is, and whether it broadens.
//! Grants, trust edges, reach and dev access are compared by meaning (`grants`); every
//! other field by its key and its rule (`fields`), entity by entity, matched by the
//! identity AWS knows them by.
//! `access.rs` compares what grants access (dev access, trust edges, grants, reach);
//! `entities.rs` every other field, entity by entity.

mod access;
mod entities;

use crate::collections::HashMap;

use super::review::{Guard, Review};
use super::strings::{Strings, Sym};
use super::{AccountHeading, Change, Clause, Diff, Kind, Mark, What};
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
pub(super) struct Changes<'s> {
    strings: &'s Strings,
    changes: Vec<Change>,
}

impl Changes<'_> {
    pub(super) fn push(
        &mut self,
        kind: Kind,
        mark: Mark,
        broadens: bool,
        account: Option<Sym>,
        what: What,
    ) {
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
    pub(super) fn texts<'a>(&self, syms: impl IntoIterator<Item = &'a Sym>) -> Vec<String> {
        let mut texts: Vec<String> = syms.into_iter().map(|s| self.strings.string(*s)).collect();
        texts.sort();
        texts
    }

    pub(super) fn clauses(&self, guard: &Guard) -> Vec<Clause> {
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
}
