//! A diff as text (terminals), Markdown (a pull request comment) or JSON. Every value
//! shown comes from a spec, which comes from a pull request: text escapes control and
//! bidirectional characters (`diagnostic::printable`), Markdown puts each value in a code
//! span (`markdown::code`), JSON is serde's.
//!
//! Both text forms are built from the same rows: a change becomes one row of its section
//! (`rows`), made of cells of trustgen's words and the spec's values.

mod cells;
mod findings;
pub(crate) mod markdown;
mod rows;
mod text;

pub(crate) use findings::{findings, Place};
pub(crate) use markdown::markdown;
pub(crate) use text::text;

use super::{AccountHeading, Change, Diff, Kind};

pub(crate) fn json(diff: &Diff) -> String {
    let mut text = serde_json::to_string_pretty(diff).unwrap_or_default();
    text.push('\n');
    text
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// `2 access, 1 exposure`: counts by kind, in kind order.
fn by_kind<'c>(changes: impl Iterator<Item = &'c super::Change>) -> String {
    let mut counts = [0usize; Kind::ALL.len()];
    for change in changes {
        if let Some(index) = Kind::ALL.iter().position(|kind| *kind == change.kind) {
            counts[index] += 1;
        }
    }
    Kind::ALL
        .iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
        .map(|(kind, count)| format!("{count} {}", kind.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one line a reviewer reads first.
fn summary(diff: &Diff) -> String {
    if diff.is_empty() {
        return "No access changes.".into();
    }
    let total = diff.changes.len();
    let all = by_kind(diff.changes.iter());
    let grants = [Kind::Access, Kind::Exposure, Kind::Session];
    let mut line = if diff.broadens {
        let broadening: Vec<&super::Change> = diff.changes.iter().filter(|c| c.broadens).collect();
        format!(
            "Access broadens: {} ({}); {} in all ({all}).",
            plural(broadening.len(), "change broadens", "changes broaden"),
            by_kind(broadening.iter().copied()),
            plural(total, "change", "changes"),
        )
    } else if diff.changes.iter().any(|c| grants.contains(&c.kind)) {
        format!(
            "Access changes, nothing broadens: {} ({all}).",
            plural(total, "change", "changes")
        )
    } else {
        format!(
            "Access unchanged, nothing broadens: {} ({all}).",
            plural(total, "change", "changes")
        )
    };
    if diff.of_kind(Kind::Deployment).next().is_some() {
        line.push_str(
            " Where Terraform keeps its state, how it is laid out or who applies changed: \
             review where the state is kept and which role reaches it.",
        );
    }
    line
}

/// An account (`None`: outside the spec's accounts, and project-wide) and its changes,
/// each with its index in the diff.
type Group<'d> = (Option<&'d AccountHeading>, Vec<(usize, &'d Change)>);

/// The changes `keep` selects, with their indices, grouped by account in report order; the
/// last group (`None`) holds changes outside the spec's accounts and project-wide ones.
fn groups(diff: &Diff, keep: impl Fn(&Change) -> bool) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = diff
        .accounts
        .iter()
        .map(|heading| (Some(heading), Vec::new()))
        .collect();
    groups.push((None, Vec::new()));
    for (index, change) in diff.changes.iter().enumerate().filter(|(_, c)| keep(c)) {
        let group = change
            .account_id
            .as_deref()
            .and_then(|id| diff.accounts.iter().position(|h| h.id == id))
            .unwrap_or(diff.accounts.len());
        groups[group].1.push((index, change));
    }
    groups.retain(|(_, changes)| !changes.is_empty());
    groups
}
