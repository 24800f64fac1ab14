//! A diff as text (terminals), Markdown (a pull request comment) or JSON. Every value
//! shown comes from a spec, which comes from a pull request: text escapes control and
//! bidirectional characters (`diagnostic::printable`), Markdown puts each value in a code
//! span (`markdown::code`), JSON is serde's.

use std::fmt::Write as _;

use super::{
    Clause, DevAccessChange, Diff, EdgeChange, Grant, PermissionChange, ReachChange, SettingChange,
    TaskChange, TaskEntry,
};
use crate::diagnostic::printable;
use crate::markdown::code;
use crate::model::policy::Effect;

/// Where a row sits in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Added,
    Removed,
    Changed,
}

/// One line of a section: its mark, whether it broadens, and its values (spec text, not
/// yet escaped) in the section's columns; a cell is a list of values.
struct Row {
    mark: Mark,
    broadens: bool,
    cells: Vec<Cell>,
}

/// A cell: fixed words (trustgen's) and values (the spec's), in order.
#[derive(Default)]
struct Cell(Vec<Part>);

enum Part {
    Words(String),
    Value(String),
}

impl Cell {
    fn words(mut self, words: impl Into<String>) -> Self {
        self.0.push(Part::Words(words.into()));
        self
    }

    fn value(mut self, value: impl Into<String>) -> Self {
        self.0.push(Part::Value(value.into()));
        self
    }

    /// Values separated by `, `; `-` when there are none.
    fn values<'a>(mut self, values: impl IntoIterator<Item = &'a String>) -> Self {
        let mut any = false;
        for value in values {
            if any {
                self = self.words(", ");
            }
            self = self.value(value.clone());
            any = true;
        }
        if any {
            self
        } else {
            self.words("-")
        }
    }

    fn text(&self) -> String {
        self.0
            .iter()
            .map(|part| match part {
                Part::Words(words) => words.clone(),
                Part::Value(value) => printable(value),
            })
            .collect()
    }

    fn markdown(&self) -> String {
        self.0
            .iter()
            .map(|part| match part {
                Part::Words(words) => words.clone(),
                Part::Value(value) => code(value),
            })
            .collect()
    }
}

struct Section {
    title: &'static str,
    /// Markdown column headers after the change column.
    columns: &'static [&'static str],
    rows: Vec<Row>,
}

/// The sections of one account (`None`: roles outside the spec's accounts).
fn sections(diff: &Diff, account: Option<&str>) -> Vec<Section> {
    let mine = |name: &str| account == Some(name);
    let mut assume = Vec::new();
    for (mark, list) in [
        (Mark::Added, &diff.assume.added),
        (Mark::Removed, &diff.assume.removed),
    ] {
        for edge in list.iter().filter(|e| mine(&e.account)) {
            assume.push(edge_row(mark, edge));
        }
    }
    let mut permissions = Vec::new();
    for (mark, list) in [
        (Mark::Added, &diff.permissions.added),
        (Mark::Removed, &diff.permissions.removed),
    ] {
        for change in list.iter().filter(|p| mine(&p.account)) {
            permissions.push(permission_row(mark, change));
        }
    }
    // Grouped by role, added before removed within one.
    permissions.sort_by_key(|row| row.cells.first().map(Cell::text));
    let mut reach = Vec::new();
    for (mark, list) in [
        (Mark::Added, &diff.developer_reach.added),
        (Mark::Removed, &diff.developer_reach.removed),
    ] {
        for change in list.iter().filter(|r| r.account.as_deref() == account) {
            reach.push(reach_row(mark, change));
        }
    }
    let mut tasks = Vec::new();
    for (mark, list) in [
        (Mark::Added, &diff.task_definitions.added),
        (Mark::Removed, &diff.task_definitions.removed),
    ] {
        for entry in list.iter().filter(|t| mine(&t.account)) {
            tasks.push(task_row(mark, entry));
        }
    }
    for change in diff
        .task_definitions
        .changed
        .iter()
        .filter(|t| mine(&t.account))
    {
        tasks.push(task_change_row(change));
    }
    let mut dev_access = Vec::new();
    for (mark, list) in [
        (Mark::Added, &diff.dev_access.added),
        (Mark::Removed, &diff.dev_access.removed),
        (Mark::Changed, &diff.dev_access.changed),
    ] {
        for change in list.iter().filter(|d| mine(&d.account)) {
            dev_access.push(dev_access_row(mark, change));
        }
    }
    [
        Section {
            title: "Dev access",
            columns: &["developer access"],
            rows: dev_access,
        },
        Section {
            title: "Assume edges",
            columns: &["principal", "may assume", "guarded by"],
            rows: assume,
        },
        Section {
            title: "Permissions",
            columns: &["role", "grant"],
            rows: permissions,
        },
        Section {
            title: "Developer reach",
            columns: &["developers reach", "through"],
            rows: reach,
        },
        Section {
            title: "Task definitions",
            columns: &["task", "what"],
            rows: tasks,
        },
    ]
    .into_iter()
    .filter(|section| !section.rows.is_empty())
    .collect()
}

fn edge_row(mark: Mark, edge: &EdgeChange) -> Row {
    let mut principal = Cell::default().value(&edge.principal);
    // ECS and account roots are named by a service or `:root`; say whose.
    if matches!(edge.principal_kind, "ecs" | "account_principals") {
        principal = principal
            .words(" (")
            .value(&edge.principal_label)
            .words(")");
    }
    let mut guards = Cell::default().values(&edge.guards);
    if edge.change == "guards" {
        guards = guards.words("; guards changed");
        if !edge.guards_removed.is_empty() {
            guards = guards.words(", removed: ").values(&edge.guards_removed);
        }
        if !edge.guards_added.is_empty() {
            guards = guards.words(", added: ").values(&edge.guards_added);
        }
    }
    if !edge.conditions.is_empty() {
        guards = conditions(guards.words(" ("), &edge.conditions).words(")");
    }
    Row {
        mark,
        broadens: edge.broadens,
        cells: vec![principal, Cell::default().value(&edge.role), guards],
    }
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

fn permission_row(mark: Mark, change: &PermissionChange) -> Row {
    let grant = match &change.grant {
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
    };
    Row {
        mark,
        broadens: change.broadens,
        cells: vec![
            Cell::default()
                .value(&change.role)
                .words(format!(" ({})", change.role_kind)),
            grant,
        ],
    }
}

fn reach_row(mark: Mark, change: &ReachChange) -> Row {
    let mut role = Cell::default().value(&change.role);
    let mut notes: Vec<&str> = Vec::new();
    if let Some(kind) = change.role_kind {
        notes.push(kind);
    }
    if change.direct {
        notes.push("assumed directly");
    }
    if !change.dev_access {
        notes.push("outside dev access");
    }
    if !notes.is_empty() {
        role = role.words(format!(" ({})", notes.join(", ")));
    }
    let through = if change.through.is_empty() {
        Cell::default().words("-")
    } else {
        let mut cell = Cell::default();
        for (index, arn) in change.through.iter().enumerate() {
            if index > 0 {
                cell = cell.words(" -> ");
            }
            cell = cell.value(arn);
        }
        cell
    };
    Row {
        mark,
        broadens: change.broadens,
        cells: vec![role, through],
    }
}

fn images(mut cell: Cell, images: &[super::Image]) -> Cell {
    for (index, image) in images.iter().enumerate() {
        if index > 0 {
            cell = cell.words(", ");
        }
        cell = cell
            .value(&image.container)
            .words(" = ")
            .value(&image.image);
    }
    cell
}

fn task_row(mark: Mark, entry: &TaskEntry) -> Row {
    let mut what = Cell::default()
        .words("task role ")
        .value(&entry.task_role)
        .words("; execution role ")
        .value(&entry.execution_role)
        .words("; images ");
    what = images(what, &entry.images);
    if !entry.secrets.is_empty() {
        what = what.words("; secrets ").values(&entry.secrets);
    }
    Row {
        mark,
        broadens: false,
        cells: vec![
            Cell::default()
                .value(&entry.task)
                .words(" (family ")
                .value(&entry.family)
                .words(")"),
            what,
        ],
    }
}

fn task_change_row(change: &TaskChange) -> Row {
    let mut what = Cell::default();
    let mut first = true;
    let mut next = |cell: Cell, words: &str| {
        let cell = if first { cell } else { cell.words("; ") };
        first = false;
        cell.words(words.to_string())
    };
    for (label, moved) in [
        ("family ", &change.family),
        ("task role ", &change.task_role),
        ("execution role ", &change.execution_role),
    ] {
        if let Some(moved) = moved {
            what = next(what, label)
                .value(&moved.old)
                .words(" -> ")
                .value(&moved.new);
        }
    }
    if !change.images_removed.is_empty() {
        what = images(next(what, "images removed: "), &change.images_removed);
    }
    if !change.images_added.is_empty() {
        what = images(next(what, "images added: "), &change.images_added);
    }
    if !change.secrets_removed.is_empty() {
        what = next(what, "secrets no longer read: ").values(&change.secrets_removed);
    }
    if !change.secrets_added.is_empty() {
        what = next(what, "secrets now read: ").values(&change.secrets_added);
    }
    Row {
        mark: Mark::Changed,
        broadens: false,
        cells: vec![Cell::default().value(&change.task), what],
    }
}

fn dev_access_row(mark: Mark, change: &DevAccessChange) -> Row {
    let side = |env: &Option<String>, mode: &str| match env {
        Some(env) => Cell::default()
            .words("env ")
            .value(env)
            .words(format!(", mode {mode}")),
        None => Cell::default().words("not in the spec"),
    };
    let mut cell = side(&change.env_before, change.mode_before);
    cell.0.push(Part::Words(" -> ".into()));
    cell.0.extend(side(&change.env_after, change.mode_after).0);
    Row {
        mark,
        broadens: change.broadens,
        cells: vec![cell],
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// `Access broadens: …` / `Access changes, nothing broadens: …` / `No access changes.`
fn summary(diff: &Diff) -> String {
    let mut parts: Vec<String> = Vec::new();
    let counts = [
        (
            diff.assume.added.len(),
            diff.assume.removed.len(),
            "assume edge",
            "assume edges",
        ),
        (
            diff.permissions.added.len(),
            diff.permissions.removed.len(),
            "grant",
            "grants",
        ),
        (
            diff.developer_reach.added.len(),
            diff.developer_reach.removed.len(),
            "role in developers' reach",
            "roles in developers' reach",
        ),
        (
            diff.task_definitions.added.len(),
            diff.task_definitions.removed.len(),
            "task definition",
            "task definitions",
        ),
        (
            diff.dev_access.added.len(),
            diff.dev_access.removed.len(),
            "account in dev access",
            "accounts in dev access",
        ),
    ];
    for (added, removed, one, many) in counts {
        match (added, removed) {
            (0, 0) => {}
            (added, 0) => parts.push(format!("{} added", plural(added, one, many))),
            (0, removed) => parts.push(format!("{} removed", plural(removed, one, many))),
            (added, removed) => parts.push(format!(
                "{} added, {removed} removed",
                plural(added, one, many)
            )),
        }
    }
    if !diff.task_definitions.changed.is_empty() {
        parts.push(format!(
            "{} changed",
            plural(
                diff.task_definitions.changed.len(),
                "task definition",
                "task definitions"
            )
        ));
    }
    if !diff.dev_access.changed.is_empty() {
        parts.push(format!(
            "{} changed dev access mode",
            plural(diff.dev_access.changed.len(), "account", "accounts")
        ));
    }
    let deployment = match diff.deployment.len() {
        0 => String::new(),
        count => format!(
            " {} of Terraform's state or layout changed: review where the state is kept and which role reaches it.",
            plural(count, "setting", "settings")
        ),
    };
    let access = if diff.access_unchanged() {
        "No access changes.".to_string()
    } else if diff.broadens {
        format!("Access broadens: {}.", parts.join("; "))
    } else {
        format!("Access changes, nothing broadens: {}.", parts.join("; "))
    };
    access + &deployment
}

/// A setting's value as a cell: `-` where that side does not set it.
fn setting_value(value: &Option<String>) -> Cell {
    match value {
        Some(value) => Cell::default().value(value),
        None => Cell::default().words("-"),
    }
}

/// The deployment settings that changed, for a terminal.
fn deployment_text(changes: &[SettingChange]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        return out;
    }
    out.push_str(
        "
terraform state and layout
",
    );
    for change in changes {
        let _ = writeln!(
            out,
            "    ~ {}: {} -> {}",
            change.setting,
            setting_value(&change.before).text(),
            setting_value(&change.after).text()
        );
    }
    out
}

/// The deployment settings that changed, as a Markdown table.
fn deployment_markdown(changes: &[SettingChange]) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        return out;
    }
    out.push_str("\n### Terraform state and layout\n\n");
    out.push_str("| change | setting | before | after |\n|---|---|---|---|\n");
    for change in changes {
        let _ = writeln!(
            out,
            "| changed | {} | {} | {} |",
            change.setting,
            setting_value(&change.before).markdown(),
            setting_value(&change.after).markdown()
        );
    }
    out
}

/// An account (name and id; `None` for roles outside the spec's accounts) and its sections.
type Group<'a> = (Option<(&'a str, &'a str)>, Vec<Section>);

/// Account groups in order: each account with changes, then roles outside the spec.
fn groups(diff: &Diff) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = diff
        .accounts
        .iter()
        .map(|heading| {
            (
                Some((heading.name.as_str(), heading.id.as_str())),
                sections(diff, Some(&heading.name)),
            )
        })
        .collect();
    groups.push((None, sections(diff, None)));
    groups.retain(|(_, sections)| !sections.is_empty());
    groups
}

/// For a terminal: `+` added, `-` removed, `~` changed, `[broadens]` where it does.
pub(crate) fn text(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = format!(
        "trustgen diff {} -> {}\n{}\n",
        printable(old),
        printable(new),
        summary(diff)
    );
    out.push_str(&deployment_text(&diff.deployment));
    for (account, sections) in groups(diff) {
        match account {
            Some((name, id)) => {
                let _ = writeln!(out, "\naccount {} ({})", printable(name), printable(id));
            }
            None => out.push_str("\noutside the spec's accounts\n"),
        }
        for section in sections {
            let _ = writeln!(out, "  {}", section.title.to_lowercase());
            for row in section.rows {
                let mark = match row.mark {
                    Mark::Added => '+',
                    Mark::Removed => '-',
                    Mark::Changed => '~',
                };
                let cells: Vec<String> = row.cells.iter().map(Cell::text).collect();
                let joined = match section.title {
                    "Assume edges" => format!("{} -> {}  guards: {}", cells[0], cells[1], cells[2]),
                    "Developer reach" if cells[1] != "-" => {
                        format!("{}  through {}", cells[0], cells[1])
                    }
                    "Developer reach" => cells[0].clone(),
                    _ => cells.join("  "),
                };
                let _ = writeln!(
                    out,
                    "    {mark} {joined}{}",
                    if row.broadens { "  [broadens]" } else { "" }
                );
            }
        }
    }
    out
}

/// For a pull request comment: the summary, then per account a table per kind of change.
pub(crate) fn markdown(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = format!(
        "**{}**\n\n<sub>trustgen diff {} → {}</sub>\n",
        summary(diff),
        code(old),
        code(new)
    );
    out.push_str(&deployment_markdown(&diff.deployment));
    for (account, sections) in groups(diff) {
        match account {
            Some((name, id)) => {
                let _ = writeln!(out, "\n### Account {} ({})", code(name), code(id));
            }
            None => out.push_str("\n### Outside the spec's accounts\n"),
        }
        for section in sections {
            let _ = write!(
                out,
                "\n**{}**\n\n| change | {} |\n|---|{}\n",
                section.title,
                section.columns.join(" | "),
                "---|".repeat(section.columns.len())
            );
            for row in section.rows {
                let mark = match row.mark {
                    Mark::Added => "added",
                    Mark::Removed => "removed",
                    Mark::Changed => "changed",
                };
                let cells: Vec<String> = row.cells.iter().map(Cell::markdown).collect();
                let _ = writeln!(
                    out,
                    "| {mark}{} | {} |",
                    if row.broadens { " **(broadens)**" } else { "" },
                    cells.join(" | ")
                );
            }
        }
    }
    out
}

pub(crate) fn json(diff: &Diff) -> String {
    let mut text = serde_json::to_string_pretty(diff).unwrap_or_default();
    text.push('\n');
    text
}
