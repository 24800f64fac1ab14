//! Grants compared by meaning. A statement is a set of (action, resource) pairs allowed or
//! denied under a guard; a pair of one side is unchanged when a statement of the other
//! side with the same effect covers it: an action pattern covering its action (ignoring
//! case, as IAM does), a resource pattern covering its resource, and a guard it implies.
//! So `s3:*` replacing `s3:GetObject` adds `s3:*` and removes nothing; the reverse removes
//! `s3:*` and adds nothing; a condition dropped from a statement adds the unconditioned
//! grant. Whatever this cannot prove covered counts as changed: a reviewer sees too much
//! rather than too little.

use std::collections::{BTreeMap, BTreeSet};

use super::review::{Grant as Fact, Guard, Holder};
use super::Clause;
use crate::model::pattern_covers;
use crate::model::policy::Effect;

/// What `these` statements grant (or deny) that `others` do not cover, regrouped into
/// statements: per effect and guard, the actions that share one set of resources.
pub(super) fn statement_changes(
    these: &BTreeSet<Fact>,
    others: &BTreeSet<Fact>,
) -> Vec<(Effect, Guard, BTreeSet<String>, BTreeSet<String>)> {
    let mut uncovered: BTreeMap<(Effect, &Guard), BTreeMap<&String, BTreeSet<String>>> =
        BTreeMap::new();
    // A statement the other side has as it is covers itself; only the rest is taken apart.
    for statement in these.iter().filter(|s| !others.contains(*s)) {
        for action in &statement.actions {
            for resource in &statement.resources {
                if !covered(statement.effect, action, resource, &statement.guard, others) {
                    uncovered
                        .entry((statement.effect, &statement.guard))
                        .or_default()
                        .entry(action)
                        .or_default()
                        .insert(resource.clone());
                }
            }
        }
    }
    let mut statements = Vec::new();
    for ((effect, guard), by_action) in uncovered {
        let mut by_resources: BTreeMap<BTreeSet<String>, BTreeSet<String>> = BTreeMap::new();
        for (action, resources) in by_action {
            by_resources
                .entry(resources)
                .or_default()
                .insert(action.clone());
        }
        for (resources, actions) in by_resources {
            statements.push((effect, guard.clone(), actions, resources));
        }
    }
    statements
}

/// Whether a statement of `others` with this effect covers `action` on `resource` whenever
/// `guard` holds. For an Allow: nothing new is allowed; for a Deny: what this denies, the
/// other side denies too (so losing this one loses nothing).
fn covered(
    effect: Effect,
    action: &str,
    resource: &str,
    guard: &Guard,
    others: &BTreeSet<Fact>,
) -> bool {
    let action = action.to_ascii_lowercase();
    others.iter().any(|other| {
        other.effect == effect
            && other
                .actions
                .iter()
                .any(|wide| pattern_covers(&wide.to_ascii_lowercase(), &action))
            && other
                .resources
                .iter()
                .any(|wide| pattern_covers(wide, resource))
            && implies(guard, &other.guard)
    })
}

/// Whether every request that satisfies `strong` satisfies `weak`: each clause of `weak`
/// follows from a clause of `strong`.
pub(crate) fn implies(strong: &Guard, weak: &Guard) -> bool {
    weak.iter()
        .all(|w| strong.iter().any(|s| clause_implies(s, w)))
}

/// Whether clause `s` holding means clause `w` holds. Only clauses of one operator and key
/// are compared (keys ignoring case, as IAM reads them); anything unknown must be equal.
fn clause_implies(s: &Clause, w: &Clause) -> bool {
    if s.operator != w.operator || !s.key.eq_ignore_ascii_case(&w.key) {
        return false;
    }
    if s.values == w.values {
        return true;
    }
    // `ForAllValues:` / `ForAnyValue:` and `…IfExists` keep each comparison's direction.
    let operator = s.operator.rsplit(':').next().unwrap_or_default();
    let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
    let ignore_case = operator.ends_with("IgnoreCase");
    let equal = |a: &String, b: &String| {
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
        | "IpAddress" => s
            .values
            .iter()
            .all(|value| w.values.iter().any(|allowed| equal(allowed, value))),
        "StringLike" | "ArnLike" | "ArnEquals" => s.values.iter().all(|value| {
            w.values
                .iter()
                .any(|allowed| pattern_covers(allowed, value))
        }),
        // None of the values: more values (or wider patterns) admit less.
        "StringNotEquals"
        | "StringNotEqualsIgnoreCase"
        | "NumericNotEquals"
        | "DateNotEquals"
        | "NotIpAddress" => w
            .values
            .iter()
            .all(|value| s.values.iter().any(|excluded| equal(excluded, value))),
        "StringNotLike" | "ArnNotLike" | "ArnNotEquals" => w.values.iter().all(|value| {
            s.values
                .iter()
                .any(|excluded| pattern_covers(excluded, value))
        }),
        _ => false,
    }
}

/// Whether every action of `these` is covered by an action pattern of `others` (ignoring
/// case, as IAM does).
pub(super) fn actions_covered(these: &BTreeSet<String>, others: &BTreeSet<String>) -> bool {
    these.iter().all(|action| {
        let action = action.to_ascii_lowercase();
        others
            .iter()
            .any(|wide| pattern_covers(&wide.to_ascii_lowercase(), &action))
    })
}

/// What `new` grants that `old` did not, in short: Allows not covered, managed policies
/// not attached before, a permissions boundary lost or traded. `None` stands for a role
/// that does not exist on its side (everything it grants is new; nothing was granted).
pub(super) fn gained(old: Option<&Holder>, new: Option<&Holder>) -> Vec<String> {
    let Some(new) = new else {
        return Vec::new();
    };
    let nothing = BTreeSet::new();
    let mut gained = Vec::new();
    for (effect, guard, actions, resources) in
        statement_changes(&new.statements, old.map_or(&nothing, |h| &h.statements))
    {
        if effect == Effect::Allow {
            let when = if guard.is_empty() {
                ""
            } else {
                " (conditioned)"
            };
            gained.push(format!(
                "Allow {} on {}{when}",
                actions.into_iter().collect::<Vec<_>>().join(", "),
                resources.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let managed_before = old.map(|h| &h.managed);
    for policy in &new.managed {
        if !managed_before.is_some_and(|before| before.contains(policy)) {
            gained.push(format!("managed policy {policy}"));
        }
    }
    if let Some(old) = old {
        if old.boundary.is_some() && old.boundary != new.boundary {
            gained.push(match &new.boundary {
                Some(boundary) => format!("permissions boundary {boundary} instead"),
                None => "no permissions boundary".to_string(),
            });
        }
        // A Deny the old role had and the new one lacks lets the new one do more.
        for (effect, _, actions, resources) in statement_changes(&old.statements, &new.statements) {
            if effect == Effect::Deny {
                gained.push(format!(
                    "no Deny of {} on {}",
                    actions.into_iter().collect::<Vec<_>>().join(", "),
                    resources.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    gained
}
