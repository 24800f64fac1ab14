//! Two models' facts side by side: what was added, what was removed, and whether any of it
//! grants more than before.
//!
//! Grants are compared semantically. A statement is a set of (action, resource) pairs
//! allowed or denied under a guard; a pair of one side is unchanged when a statement of
//! the other side with the same effect covers it: an action pattern covering its action
//! (ignoring case, as IAM does), a resource pattern covering its resource, and a guard it
//! implies. So `s3:*` replacing `s3:GetObject` adds `s3:*` and removes nothing; the
//! reverse removes `s3:*` and adds nothing; a condition dropped from a statement adds the
//! unconditioned grant. Whatever this cannot prove covered counts as changed: a reviewer
//! sees too much rather than too little.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::access::{
    Access, AccountFacts, EdgeFact, EdgeKey, Grant as Fact, Guard, Holder, ReachFact, TaskFact,
};
use super::{
    AccountHeading, Changes, Clause, DevAccessChange, DevAccessChanges, Diff, EdgeChange, Grant,
    Image, Moved, PermissionChange, ReachChange, SettingChange, TaskChange, TaskChanges, TaskEntry,
};
use crate::graph;
use crate::model::pattern_covers;
use crate::model::policy::Effect;
use crate::spec::DevMode;

pub(crate) fn compare(old: &Access, new: &Access) -> Diff {
    let accounts = headings(old, new);
    let position: HashMap<&str, usize> = accounts
        .iter()
        .enumerate()
        .map(|(index, heading)| (heading.name.as_str(), index))
        .collect();
    let order = |account: Option<&str>| {
        account
            .and_then(|name| position.get(name).copied())
            .unwrap_or(usize::MAX)
    };
    let mut assume = edges(old, new);
    let mut permissions = permissions(old, new);
    let mut developer_reach = reach(old, new);
    let mut task_definitions = tasks(old, new);
    let dev_access = dev_access(old, new, &accounts);
    let deployment = deployment(old, new);
    for list in [&mut assume.added, &mut assume.removed] {
        list.sort_by(|a, b| {
            (order(Some(&a.account)), &a.role).cmp(&(order(Some(&b.account)), &b.role))
        });
    }
    for list in [&mut permissions.added, &mut permissions.removed] {
        list.sort_by(|a, b| {
            (order(Some(&a.account)), &a.role, &a.grant).cmp(&(
                order(Some(&b.account)),
                &b.role,
                &b.grant,
            ))
        });
    }
    for list in [&mut developer_reach.added, &mut developer_reach.removed] {
        list.sort_by(|a, b| {
            (order(a.account.as_deref()), &a.role).cmp(&(order(b.account.as_deref()), &b.role))
        });
    }
    for list in [&mut task_definitions.added, &mut task_definitions.removed] {
        list.sort_by(|a, b| {
            (order(Some(&a.account)), &a.task).cmp(&(order(Some(&b.account)), &b.task))
        });
    }
    task_definitions.changed.sort_by(|a, b| {
        (order(Some(&a.account)), &a.task).cmp(&(order(Some(&b.account)), &b.task))
    });
    let broadens = assume.added.iter().any(|e| e.broadens)
        || permissions
            .added
            .iter()
            .chain(&permissions.removed)
            .any(|p| p.broadens)
        || developer_reach.added.iter().any(|r| r.broadens)
        || dev_access.added.iter().any(|d| d.broadens);
    Diff {
        broadens,
        assume,
        permissions,
        developer_reach,
        task_definitions,
        dev_access,
        deployment,
        accounts,
    }
}

/// The deployment settings that differ, in the old side's order, then the new side's.
fn deployment(old: &Access, new: &Access) -> Vec<SettingChange> {
    let value = |side: &Access, setting: &str| {
        side.deployment
            .iter()
            .find(|(name, _)| *name == setting)
            .map(|(_, value)| value.clone())
    };
    let mut settings: Vec<&'static str> = Vec::new();
    for (setting, _) in old.deployment.iter().chain(&new.deployment) {
        if !settings.contains(setting) {
            settings.push(setting);
        }
    }
    settings
        .into_iter()
        .map(|setting| SettingChange {
            setting,
            before: value(old, setting),
            after: value(new, setting),
        })
        .filter(|change| change.before != change.after)
        .collect()
}

/// Accounts of the new model in its order, then those only the old one has.
fn headings(old: &Access, new: &Access) -> Vec<AccountHeading> {
    let mut headings: Vec<AccountHeading> = Vec::new();
    for account in new.accounts.iter().chain(&old.accounts) {
        if !headings.iter().any(|h| h.name == account.name) {
            headings.push(AccountHeading {
                name: account.name.clone(),
                id: account.id.clone(),
            });
        }
    }
    headings
}

fn edges(old: &Access, new: &Access) -> Changes<EdgeChange> {
    fn pairs(access: &Access) -> HashMap<(&str, &str), Vec<&Guard>> {
        let mut pairs: HashMap<(&str, &str), Vec<&Guard>> = HashMap::new();
        for (principal, role, guard) in access.edges.keys() {
            pairs
                .entry((principal.as_str(), role.as_str()))
                .or_default()
                .push(guard);
        }
        pairs
    }
    let (old_pairs, new_pairs) = (pairs(old), pairs(new));
    let mut changes = Changes::default();
    for (key, fact) in &new.edges {
        if old.edges.contains_key(key) {
            continue;
        }
        let before = old_pairs
            .get(&(key.0.as_str(), key.1.as_str()))
            .cloned()
            .unwrap_or_default();
        // Everything this edge admits, an edge of the old side admitted: nothing new.
        let broadens = !before.iter().any(|guard| implies(&key.2, guard));
        changes.added.push(edge_change(
            key,
            fact,
            before.first().copied(),
            true,
            broadens,
        ));
    }
    for (key, fact) in &old.edges {
        if new.edges.contains_key(key) {
            continue;
        }
        let after = new_pairs
            .get(&(key.0.as_str(), key.1.as_str()))
            .and_then(|guards| guards.first().copied());
        changes
            .removed
            .push(edge_change(key, fact, after, false, false));
    }
    changes
}

/// An edge of one side; `other` is the guard of the same pair on the other side, if any.
fn edge_change(
    key: &EdgeKey,
    fact: &EdgeFact,
    other: Option<&Guard>,
    is_new: bool,
    broadens: bool,
) -> EdgeChange {
    let (principal, role, guard) = key;
    let (guards_removed, guards_added) = match other {
        Some(other) => {
            let (before, after) = if is_new {
                (other, guard)
            } else {
                (guard, other)
            };
            (
                labels(before.difference(after)),
                labels(after.difference(before)),
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    EdgeChange {
        account: fact.account.clone(),
        account_id: fact.account_id.clone(),
        role: role.clone(),
        role_kind: fact.role_kind,
        principal: principal.clone(),
        principal_kind: fact.principal_kind,
        principal_label: fact.principal_label.clone(),
        guards: labels(guard.iter()),
        conditions: guard.iter().cloned().collect(),
        change: if other.is_some() { "guards" } else { "edge" },
        guards_removed,
        guards_added,
        broadens,
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

fn permissions(old: &Access, new: &Access) -> Changes<PermissionChange> {
    let mut changes = Changes::default();
    let arns: BTreeSet<&String> = old.holders.keys().chain(new.holders.keys()).collect();
    let nothing = BTreeSet::new();
    for arn in arns {
        let (before, after) = (old.holders.get(arn), new.holders.get(arn));
        let Some(holder) = after.or(before) else {
            continue;
        };
        let entry = |grant: Grant, broadens: bool| PermissionChange {
            account: holder.account.clone(),
            account_id: holder.account_id.clone(),
            role: arn.clone(),
            role_kind: holder.kind,
            grant,
            broadens,
        };
        let (statements_before, statements_after) = (
            before.map_or(&nothing, |h| &h.statements),
            after.map_or(&nothing, |h| &h.statements),
        );
        // A new Allow broadens; a Deny gone from a role that is still there broadens too.
        for (effect, guard, actions, resources) in
            statement_changes(statements_after, statements_before)
        {
            let broadens = effect == Effect::Allow;
            changes.added.push(entry(
                statement(effect, guard, actions, resources),
                broadens,
            ));
        }
        for (effect, guard, actions, resources) in
            statement_changes(statements_before, statements_after)
        {
            let broadens = effect == Effect::Deny && after.is_some();
            changes.removed.push(entry(
                statement(effect, guard, actions, resources),
                broadens,
            ));
        }
        let managed =
            |holder: Option<&Holder>| holder.map(|h| h.managed.clone()).unwrap_or_default();
        let (managed_before, managed_after) = (managed(before), managed(after));
        for policy_arn in managed_after.difference(&managed_before) {
            let grant = Grant::ManagedPolicy {
                policy_arn: policy_arn.clone(),
            };
            changes.added.push(entry(grant, true));
        }
        for policy_arn in managed_before.difference(&managed_after) {
            let grant = Grant::ManagedPolicy {
                policy_arn: policy_arn.clone(),
            };
            changes.removed.push(entry(grant, false));
        }
        let boundary = |holder: Option<&Holder>| holder.and_then(|h| h.boundary.clone());
        let (boundary_before, boundary_after) = (boundary(before), boundary(after));
        if boundary_before != boundary_after {
            // A boundary only limits: losing one (or trading it for another, whose
            // contents trustgen cannot see) may let the role do more.
            if let Some(policy_arn) = boundary_before {
                let grant = Grant::PermissionsBoundary { policy_arn };
                changes.removed.push(entry(grant, after.is_some()));
            }
            if let Some(policy_arn) = boundary_after {
                let grant = Grant::PermissionsBoundary { policy_arn };
                changes.added.push(entry(grant, false));
            }
        }
        let attachments =
            |holder: Option<&Holder>| holder.map(|h| h.attachments.clone()).unwrap_or_default();
        let (attached_before, attached_after) = (attachments(before), attachments(after));
        for (principal_type, name) in attached_after.difference(&attached_before) {
            let grant = Grant::Attachment {
                principal_type,
                name: name.clone(),
            };
            changes.added.push(entry(grant, true));
        }
        for (principal_type, name) in attached_before.difference(&attached_after) {
            let grant = Grant::Attachment {
                principal_type,
                name: name.clone(),
            };
            changes.removed.push(entry(grant, false));
        }
    }
    changes
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

/// What `these` statements grant (or deny) that `others` do not cover, regrouped into
/// statements: per effect and guard, the actions that share one set of resources.
fn statement_changes(
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
pub(super) fn implies(strong: &Guard, weak: &Guard) -> bool {
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

fn reach(old: &Access, new: &Access) -> Changes<ReachChange> {
    let change = |role: &String, fact: &ReachFact, broadens: bool| ReachChange {
        account: fact.account.clone(),
        account_id: fact.account_id.clone(),
        role: role.clone(),
        role_kind: fact.kind,
        direct: fact.direct,
        through: fact.through.clone(),
        dev_access: fact.dev_access,
        broadens,
    };
    Changes {
        added: new
            .reach
            .iter()
            .filter(|(role, _)| !old.reach.contains_key(*role))
            .map(|(role, fact)| change(role, fact, true))
            .collect(),
        removed: old
            .reach
            .iter()
            .filter(|(role, _)| !new.reach.contains_key(*role))
            .map(|(role, fact)| change(role, fact, false))
            .collect(),
    }
}

fn tasks(old: &Access, new: &Access) -> TaskChanges {
    let entry = |(account, task): &(String, String), fact: &TaskFact| TaskEntry {
        account: account.clone(),
        account_id: fact.account_id.clone(),
        task: task.clone(),
        family: fact.family.clone(),
        task_role: fact.task_role.clone(),
        execution_role: fact.execution_role.clone(),
        images: images(&fact.images, None),
        secrets: fact.secrets.iter().cloned().collect(),
    };
    let mut changes = TaskChanges::default();
    for (key, after) in &new.tasks {
        let Some(before) = old.tasks.get(key) else {
            changes.added.push(entry(key, after));
            continue;
        };
        if before == after {
            continue;
        }
        let moved = |old: &String, new: &String| {
            (old != new).then(|| Moved {
                old: old.clone(),
                new: new.clone(),
            })
        };
        changes.changed.push(TaskChange {
            account: key.0.clone(),
            account_id: after.account_id.clone(),
            task: key.1.clone(),
            family: moved(&before.family, &after.family),
            task_role: moved(&before.task_role, &after.task_role),
            execution_role: moved(&before.execution_role, &after.execution_role),
            images_added: images(&after.images, Some(&before.images)),
            images_removed: images(&before.images, Some(&after.images)),
            secrets_added: after.secrets.difference(&before.secrets).cloned().collect(),
            secrets_removed: before.secrets.difference(&after.secrets).cloned().collect(),
        });
    }
    for (key, before) in &old.tasks {
        if !new.tasks.contains_key(key) {
            changes.removed.push(entry(key, before));
        }
    }
    changes
}

/// Containers' images, less those the other side runs in the same container.
fn images(
    these: &BTreeMap<String, String>,
    others: Option<&BTreeMap<String, String>>,
) -> Vec<Image> {
    these
        .iter()
        .filter(|(container, image)| others.and_then(|o| o.get(*container)) != Some(*image))
        .map(|(container, image)| Image {
            container: container.clone(),
            image: image.clone(),
        })
        .collect()
}

fn dev_access(old: &Access, new: &Access, accounts: &[AccountHeading]) -> DevAccessChanges {
    let mut changes = DevAccessChanges::default();
    for heading in accounts {
        let before = old.accounts.iter().find(|a| a.name == heading.name);
        let after = new.accounts.iter().find(|a| a.name == heading.name);
        let mode = |facts: Option<&AccountFacts>| facts.map_or(DevMode::None, |a| a.dev_access);
        let (mode_before, mode_after) = (mode(before), mode(after));
        if mode_before == mode_after {
            continue;
        }
        let change = |broadens: bool| DevAccessChange {
            account: heading.name.clone(),
            account_id: heading.id.clone(),
            env_before: before.map(|a| a.env.clone()),
            env_after: after.map(|a| a.env.clone()),
            mode_before: mode_name(mode_before),
            mode_after: mode_name(mode_after),
            broadens,
        };
        match (mode_before, mode_after) {
            (DevMode::None, _) => changes.added.push(change(true)),
            (_, DevMode::None) => changes.removed.push(change(false)),
            _ => changes.changed.push(change(false)),
        }
    }
    changes
}

fn mode_name(mode: DevMode) -> &'static str {
    match mode {
        DevMode::None => "none",
        DevMode::Extended => "extended",
        DevMode::Tagged => "tagged",
        DevMode::Simulate => "simulate",
    }
}
