//! Grants compared by meaning. A statement is a set of (action, resource) pairs allowed or
//! denied under a guard; a pair of one side is unchanged when a statement of the other
//! side with the same effect covers it: an action pattern covering its action (ignoring
//! case, as IAM does), a resource pattern covering its resource, and a guard it implies.
//! So `s3:*` replacing `s3:GetObject` adds `s3:*` and removes nothing; the reverse removes
//! `s3:*` and adds nothing; a condition dropped from a statement adds the unconditioned
//! grant. Whatever this cannot prove covered counts as changed: a reviewer sees too much
//! rather than too little.

use std::collections::{BTreeMap, BTreeSet};

use super::review::{Clause, Grant, Guard, Holder};
use super::strings::{Strings, Sym};
use crate::model::pattern_covers;
use crate::model::policy::Effect;

/// What part of a statement changed: per effect and guard, actions sharing one set of
/// resources.
pub(super) type Change = (Effect, Guard, BTreeSet<Sym>, BTreeSet<Sym>);

/// What `these` statements grant (or deny) that `others` do not cover, regrouped into
/// statements: per effect and guard, the actions that share one set of resources.
pub(super) fn statement_changes(
    these: &[Grant],
    others: &[Grant],
    strings: &Strings,
) -> Vec<Change> {
    let mut uncovered: BTreeMap<(Effect, &Guard), BTreeMap<Sym, BTreeSet<Sym>>> = BTreeMap::new();
    // A statement the other side has as it is covers itself; only the rest is taken apart.
    for statement in these.iter().filter(|s| others.binary_search(s).is_err()) {
        for &action in statement.actions.iter() {
            for &resource in statement.resources.iter() {
                if !covered(statement, action, resource, others, strings) {
                    uncovered
                        .entry((statement.effect, &statement.guard))
                        .or_default()
                        .entry(action)
                        .or_default()
                        .insert(resource);
                }
            }
        }
    }
    let mut statements = Vec::new();
    for ((effect, guard), by_action) in uncovered {
        let mut by_resources: BTreeMap<BTreeSet<Sym>, BTreeSet<Sym>> = BTreeMap::new();
        for (action, resources) in by_action {
            by_resources.entry(resources).or_default().insert(action);
        }
        for (resources, actions) in by_resources {
            statements.push((effect, guard.clone(), actions, resources));
        }
    }
    statements
}

/// Whether a statement of `others` with this statement's effect covers `action` on
/// `resource` whenever its guard holds. For an Allow: nothing new is allowed; for a Deny:
/// what this denies, the other side denies too (so losing this one loses nothing).
fn covered(
    statement: &Grant,
    action: Sym,
    resource: Sym,
    others: &[Grant],
    strings: &Strings,
) -> bool {
    let action = strings.get(action).to_ascii_lowercase();
    let resource = strings.get(resource);
    others.iter().any(|other| {
        other.effect == statement.effect
            && other
                .actions
                .iter()
                .any(|wide| pattern_covers(&strings.get(*wide).to_ascii_lowercase(), &action))
            && other
                .resources
                .iter()
                .any(|wide| text_covers(strings.get(*wide), resource))
            && implies(&statement.guard, &other.guard, strings)
    })
}

/// Whether pattern `wide` covers `narrow`. A policy variable (`${aws:PrincipalTag/x}`,
/// or the escapes `${*}`, `${?}`, `${$}` for a literal character) is not a pattern:
/// where one is involved, only the same text (or `*`) covers.
fn text_covers(wide: &str, narrow: &str) -> bool {
    if wide.contains("${") || narrow.contains("${") {
        wide == narrow || wide == "*"
    } else {
        pattern_covers(wide, narrow)
    }
}

/// Whether every action of `these` is covered by an action pattern of `others` (ignoring
/// case, as IAM does).
pub(super) fn actions_covered(
    these: &BTreeSet<Sym>,
    others: &BTreeSet<Sym>,
    strings: &Strings,
) -> bool {
    these.iter().all(|action| {
        let action = strings.get(*action).to_ascii_lowercase();
        others
            .iter()
            .any(|wide| pattern_covers(&strings.get(*wide).to_ascii_lowercase(), &action))
    })
}

/// Whether every request that satisfies `strong` satisfies `weak`: each clause of `weak`
/// follows from a clause of `strong`.
pub(crate) fn implies(strong: &Guard, weak: &Guard, strings: &Strings) -> bool {
    weak.iter()
        .all(|w| strong.iter().any(|s| clause_implies(s, w, strings)))
}

/// Whether clause `s` holding means clause `w` holds. Only clauses of one operator and key
/// are compared (keys ignoring case, as IAM reads them); anything unknown must be equal.
fn clause_implies(s: &Clause, w: &Clause, strings: &Strings) -> bool {
    if s.operator != w.operator || !strings.get(s.key).eq_ignore_ascii_case(strings.get(w.key)) {
        return false;
    }
    if s.values == w.values {
        return true;
    }
    let (strong, weak) = (
        s.values.iter().map(|v| strings.get(*v)).collect::<Vec<_>>(),
        w.values.iter().map(|v| strings.get(*v)).collect::<Vec<_>>(),
    );
    // `ForAllValues:` / `ForAnyValue:` and `…IfExists` keep each comparison's direction.
    let operator = strings.get(s.operator);
    let operator = operator.rsplit(':').next().unwrap_or_default();
    let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
    let ignore_case = operator.ends_with("IgnoreCase");
    let equal = |a: &str, b: &str| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    match operator {
        // Any of the values: fewer values (or narrower patterns) admit less.
        "StringEquals"
        | "StringEqualsIgnoreCase"
        | "Bool"
        | "BinaryEquals"
        | "NumericEquals"
        | "DateEquals"
        | "IpAddress" => strong
            .iter()
            .all(|value| weak.iter().any(|allowed| equal(allowed, value))),
        "StringLike" | "ArnLike" | "ArnEquals" => strong
            .iter()
            .all(|value| weak.iter().any(|allowed| text_covers(allowed, value))),
        // None of the values: more values (or wider patterns) admit less.
        "StringNotEquals"
        | "StringNotEqualsIgnoreCase"
        | "NumericNotEquals"
        | "DateNotEquals"
        | "NotIpAddress" => weak
            .iter()
            .all(|value| strong.iter().any(|excluded| equal(excluded, value))),
        "StringNotLike" | "ArnNotLike" | "ArnNotEquals" => weak
            .iter()
            .all(|value| strong.iter().any(|excluded| text_covers(excluded, value))),
        _ => false,
    }
}

/// What `new` grants that `old` did not, in short: Allows not covered, managed policies
/// not attached before, a permissions boundary lost or traded, a Deny lost. `None` stands
/// for a role that does not exist on its side (everything it grants is new; nothing was
/// granted).
pub(super) fn gained(old: Option<&Holder>, new: Option<&Holder>, strings: &Strings) -> Vec<String> {
    let Some(new) = new else {
        return Vec::new();
    };
    let joined = |syms: BTreeSet<Sym>| {
        let mut texts: Vec<&str> = syms.into_iter().map(|s| strings.get(s)).collect();
        texts.sort_unstable();
        texts.join(", ")
    };
    let nothing: &[Grant] = &[];
    let mut gained = Vec::new();
    let before = old.map_or(nothing, |h| &h.statements);
    for (effect, guard, actions, resources) in statement_changes(&new.statements, before, strings) {
        if effect == Effect::Allow {
            let when = if guard.is_empty() {
                ""
            } else {
                " (conditioned)"
            };
            gained.push(format!(
                "Allow {} on {}{when}",
                joined(actions),
                joined(resources)
            ));
        }
    }
    for policy in &new.managed {
        if !old.is_some_and(|old| old.managed.contains(policy)) {
            gained.push(format!("managed policy {}", strings.get(*policy)));
        }
    }
    if let Some(old) = old {
        if old.boundary.is_some() && old.boundary != new.boundary {
            gained.push(match new.boundary {
                Some(boundary) => {
                    format!("permissions boundary {} instead", strings.get(boundary))
                }
                None => "no permissions boundary".to_string(),
            });
        }
        // A Deny the old role had and the new one lacks lets the new one do more.
        for (effect, _, actions, resources) in
            statement_changes(&old.statements, &new.statements, strings)
        {
            if effect == Effect::Deny {
                gained.push(format!(
                    "no Deny of {} on {}",
                    joined(actions),
                    joined(resources)
                ));
            }
        }
    }
    gained
}
