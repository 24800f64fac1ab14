//! The diff for a terminal: `+` added, `-` removed, `~` changed, `[broadens]` where it does,
//! grouped by account, then by section.

use std::fmt::Write as _;

use super::rows::{row, Section, LISTED};
use super::{groups, summary};
use crate::diagnostic::printable;
use crate::diff::{Change, Diff, Mark};

pub(crate) fn text(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = format!(
        "trustgen diff {} -> {}\n{}\n",
        printable(old),
        printable(new),
        summary(diff)
    );
    for (heading, changes) in groups(diff, |_| true) {
        out.push('\n');
        out.push_str(&match heading {
            Some(account) => {
                let mut line = format!(
                    "account {} ({})",
                    printable(&account.name),
                    printable(&account.id)
                );
                if let Some(old_name) = &account.renamed_from {
                    let _ = write!(line, ", renamed from {}", printable(old_name));
                }
                line
            }
            None => "outside the spec's accounts, and project-wide".into(),
        });
        out.push('\n');
        let mut current: Option<Section> = None;
        for (_, change) in changes {
            let (section, line) = line(change);
            if current != Some(section) {
                let _ = writeln!(out, "  {}", section.title().to_lowercase());
                current = Some(section);
            }
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

/// A change as one line of its section: `+`, `-` or `~`, what changed, and `[broadens]`
/// where it does.
pub(super) fn line(change: &Change) -> (Section, String) {
    let (section, row) = row(change);
    let mark = match row.mark {
        Mark::Added => '+',
        Mark::Removed => '-',
        Mark::Changed => '~',
    };
    let cells: Vec<String> = row.cells.iter().map(|cell| cell.text()).collect();
    let joined = match (section, cells.as_slice()) {
        (Section::Assume, [principal, role, guards]) => {
            format!("{principal} -> {role}  guards: {guards}")
        }
        (Section::Reach, [role, through]) if through != "-" => {
            format!("{role}  through {through}")
        }
        (Section::Reach, [role, _]) => role.clone(),
        (Section::RunsAs, [family, role, gained]) => {
            format!("{family}: {role}  now also grants: {gained}")
        }
        (Section::Entities, [what, with]) => format!("{what}: {with}"),
        // A member of a set added or removed: its name says it all.
        (Section::Fields(_), [of, field, before, after])
            if [before, after]
                .iter()
                .all(|side| ["-", LISTED].contains(&side.as_str())) =>
        {
            format!("{of}: {field}")
        }
        (Section::Fields(_), [of, field, before, after]) => {
            format!("{of}: {field}: {before} -> {after}")
        }
        _ => cells.join("  "),
    };
    let broadens = if row.broadens { "  [broadens]" } else { "" };
    (section, format!("{mark} {joined}{broadens}"))
}
