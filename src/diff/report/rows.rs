//! Each change as one row of its section: the cells a terminal and a Markdown table show.

use super::cells::Cell;
use crate::diff::{Change, Clause, Edge, FactEntry, FieldChange, Grant, Kind, Mark, Value, What};
use crate::model::policy::Effect;
use crate::model::service_reference::expand_action;

/// Where a row is shown, in the order sections appear within an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Section {
    DevAccess,
    Assume,
    Permissions,
    RunsAs,
    Reach,
    Entities,
    Fields(Kind),
}

impl Section {
    pub(super) fn title(self) -> &'static str {
        match self {
            Section::DevAccess => "Dev access",
            Section::Assume => "Assume edges",
            Section::Permissions => "Permissions",
            Section::RunsAs => "Roles task definitions run as",
            Section::Reach => "Developer reach",
            Section::Entities => "Added or removed",
            Section::Fields(Kind::Access) => "Access",
            Section::Fields(Kind::Exposure) => "Exposed to containers",
            Section::Fields(Kind::Code) => "Code run with a role's credentials",
            Section::Fields(Kind::Session) => "Session durations",
            Section::Fields(Kind::Deployment) => "Deployment and state",
            Section::Fields(Kind::Other) => "Other changes",
        }
    }

    /// Markdown column headers after the change column.
    pub(super) fn columns(self) -> &'static [&'static str] {
        match self {
            Section::DevAccess => &["developer access"],
            Section::Assume => &["principal", "may assume", "guarded by"],
            Section::Permissions => &["holder", "grant"],
            Section::RunsAs => &["task definition", "role", "now grants beyond the old one"],
            Section::Reach => &["developers reach", "through"],
            Section::Entities => &["what", "with"],
            Section::Fields(_) => &["of", "field", "before", "after"],
        }
    }
}

pub(super) struct Row {
    pub mark: Mark,
    pub broadens: bool,
    pub cells: Vec<Cell>,
}

pub(super) fn row(change: &Change) -> (Section, Row) {
    let (section, cells) = match &change.what {
        What::DevAccess { .. } => (Section::DevAccess, dev_access_cells(&change.what)),
        What::Assume(edge) => (Section::Assume, edge_cells(edge)),
        What::Grant {
            holder,
            holder_kind,
            grant,
        } => (
            Section::Permissions,
            vec![
                Cell::default()
                    .value(holder)
                    .words(format!(" ({})", kind_words(holder_kind))),
                grant_cell(grant),
            ],
        ),
        What::RunsAs { .. } => (Section::RunsAs, runs_as_cells(&change.what)),
        What::Reach { .. } => (Section::Reach, reach_cells(&change.what)),
        What::Entity {
            subject,
            subject_kind,
            facts,
        } => (
            Section::Entities,
            vec![subject_cell(subject_kind, subject), facts_cell(facts)],
        ),
        What::Field {
            subject,
            subject_kind,
            field,
        } => (
            Section::Fields(change.kind),
            vec![
                subject_cell(subject_kind, subject),
                field_cell(field),
                value_cell(field, field.before.as_ref()),
                value_cell(field, field.after.as_ref()),
            ],
        ),
    };
    (
        section,
        Row {
            mark: change.change,
            broadens: change.broadens,
            cells,
        },
    )
}

/// An account's developer access before and after.
fn dev_access_cells(what: &What) -> Vec<Cell> {
    let What::DevAccess {
        env_before,
        env_after,
        mode_before,
        mode_after,
    } = what
    else {
        return Vec::new();
    };
    let side = |env: &Option<String>, mode: &str| match env {
        Some(env) => Cell::default()
            .words("env ")
            .value(env)
            .words(format!(", mode {mode}")),
        None => Cell::default().words("not in the spec"),
    };
    let cell = side(env_before, mode_before)
        .words(" -> ")
        .then(side(env_after, mode_after));
    vec![cell]
}

/// A task definition running as another role, and what that role grants beyond.
fn runs_as_cells(what: &What) -> Vec<Cell> {
    let What::RunsAs {
        family,
        role,
        before,
        after,
        gained,
    } = what
    else {
        return Vec::new();
    };
    vec![
        Cell::default().words("task definition ").value(family),
        Cell::default()
            .words(format!("{role} "))
            .value(before)
            .words(" -> ")
            .value(after),
        Cell::default().values(gained),
    ]
}

/// `task definition shop-api`.
fn subject_cell(kind: &str, subject: &str) -> Cell {
    Cell::default()
        .words(format!("{} ", kind_words(kind)))
        .value(subject)
}

/// A role developers reach, and the roles held on the way.
fn reach_cells(what: &What) -> Vec<Cell> {
    let What::Reach {
        role,
        role_kind,
        direct,
        through,
        dev_access,
    } = what
    else {
        return Vec::new();
    };
    let mut notes: Vec<String> = role_kind.iter().map(|k| kind_words(k)).collect();
    if *direct {
        notes.push("assumed directly".into());
    }
    if !dev_access {
        notes.push("outside dev access".into());
    }
    let mut cell = Cell::default().value(role);
    if !notes.is_empty() {
        cell = cell.words(format!(" ({})", notes.join(", ")));
    }
    let mut path = Cell::default();
    for (index, arn) in through.iter().enumerate() {
        if index > 0 {
            path = path.words(" -> ");
        }
        path = path.value(arn);
    }
    if path.is_empty() {
        path = path.words("-");
    }
    vec![cell, path]
}

/// `task_role` as words: `task role`.
fn kind_words(kind: &str) -> String {
    kind.replace('_', " ")
}

fn edge_cells(edge: &Edge) -> Vec<Cell> {
    let mut principal = Cell::default().value(&edge.principal);
    // ECS and account roots are named by a service or `:root`; say whose.
    if matches!(edge.principal_kind, "ecs" | "account_principals") {
        principal = principal
            .words(" (")
            .value(&edge.principal_label)
            .words(")");
    }
    if edge.through_account_root {
        principal = principal.words(" (through its account's root)");
    }
    let mut role = Cell::default().value(&edge.role);
    if edge.actions.iter().any(|action| action != "sts:AssumeRole") {
        role = role.words(" (").values(&edge.actions).words(")");
    }
    let mut guards = Cell::default().values(&edge.guards);
    match edge.edge_change {
        "guards" => {
            guards = guards.words("; guards changed");
            if !edge.guards_removed.is_empty() {
                guards = guards.words(", removed: ").values(&edge.guards_removed);
            }
            if !edge.guards_added.is_empty() {
                guards = guards.words(", added: ").values(&edge.guards_added);
            }
        }
        "actions" => guards = guards.words("; actions changed"),
        "principal" => {
            guards = guards.words("; trusted through the account root instead of by name, or back")
        }
        _ => {}
    }
    if !edge.conditions.is_empty() {
        guards = conditions(guards.words(" ("), &edge.conditions).words(")");
    }
    vec![principal, role, guards]
}

/// `Operator key = a, b; …`.
fn conditions(mut cell: Cell, clauses: &[Clause]) -> Cell {
    for (index, clause) in clauses.iter().enumerate() {
        if index > 0 {
            cell = cell.words("; ");
        }
        cell = cell
            .value(&clause.operator)
            .words(" ")
            .value(&clause.key)
            .words(" = ")
            .values(&clause.values);
    }
    cell
}

/// ` (s3:Get* is 57 actions today)`, or ` (57 actions today)` for a lone pattern: what each action pattern of a service stands for in
/// AWS's service reference, so a reviewer sees the size of a wildcard. It describes, never
/// decides: a pattern also grants whatever AWS adds later, so coverage stays by pattern.
fn wildcard_sizes(actions: &[String]) -> Cell {
    let mut cell = Cell::default();
    let sized = actions
        .iter()
        .filter(|action| action.contains(['*', '?']))
        .filter_map(|action| Some((action, expand_action(action)?.len())));
    for (index, (action, count)) in sized.enumerate() {
        let plural = if count == 1 { "" } else { "s" };
        cell = cell.words(if index == 0 { " (" } else { ", " });
        // A lone pattern needs no repeating: `s3:Get*` (57 actions today).
        if actions.len() > 1 {
            cell = cell.value(action.as_str()).words(" is ");
        }
        cell = cell.words(format!("{count} action{plural} today"));
    }
    if cell.is_empty() {
        cell
    } else {
        cell.words(")")
    }
}

fn grant_cell(grant: &Grant) -> Cell {
    match grant {
        Grant::Statement {
            effect,
            actions,
            resources,
            conditions: clauses,
        } => {
            let cell = Cell::default()
                .words(match effect {
                    Effect::Allow => "Allow ",
                    Effect::Deny => "Deny ",
                })
                .values(actions)
                .then(wildcard_sizes(actions))
                .words(" on ")
                .values(resources);
            if clauses.is_empty() {
                cell
            } else {
                conditions(cell.words(" when "), clauses)
            }
        }
        Grant::ManagedPolicy { policy_arn } => {
            Cell::default().words("managed policy ").value(policy_arn)
        }
        Grant::PermissionsBoundary { policy_arn } => Cell::default()
            .words("permissions boundary ")
            .value(policy_arn),
        Grant::Attachment {
            principal_type,
            name,
        } => Cell::default()
            .words(format!("attached to {principal_type} "))
            .value(name),
    }
}

/// `container app: secret DB`.
fn field_cell(field: &FieldChange) -> Cell {
    let mut cell = Cell::default();
    if let Some(part) = &field.part {
        cell = cell
            .words(format!("{} ", part.kind))
            .value(&part.name)
            .words(": ");
    }
    cell = cell.words(field.field.clone());
    if let Some(item) = &field.item {
        cell = cell.words(" ").value(item);
    }
    cell
}

/// A side's value; a member of a set (its value is its item) is `listed` or `-`.
fn value_cell(field: &FieldChange, value: Option<&Value>) -> Cell {
    match value {
        Some(Value::Text(text)) if field.item.as_ref() == Some(text) => {
            Cell::default().words(LISTED)
        }
        Some(value) => Cell::default().value(value.shown()),
        None => Cell::default().words("-"),
    }
}

/// How a set's member shows on the side that has it.
pub(super) const LISTED: &str = "listed";

/// An entity's facts, but those of kind other (names, ids, sizes: in the JSON), each as
/// `field item = value`, the broadening ones marked.
fn facts_cell(facts: &[FactEntry]) -> Cell {
    let mut cell = Cell::default();
    let shown = facts.iter().filter(|fact| fact.kind != Kind::Other);
    for (index, fact) in shown.enumerate() {
        if index > 0 {
            cell = cell.words("; ");
        }
        cell = cell.then(field_cell(&FieldChange {
            part: fact.part.clone(),
            field: fact.field.clone(),
            item: fact.item.clone(),
            before: None,
            after: None,
        }));
        let value = fact.value.shown();
        if fact.item.as_deref() != Some(value.as_str()) {
            cell = cell.words(" = ").value(value);
        }
        if fact.broadens {
            cell = cell.words(" (broadens)");
        }
    }
    if cell.is_empty() {
        cell = cell.words("-");
    }
    cell
}
