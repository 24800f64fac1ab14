//! The diff as a pull request comment: a hidden marker line (so CI updates its comment in
//! place), the summary, the broadening changes, then every change folded in `<details>`;
//! always under GitHub's comment limit, saying what was left out and how to see it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::rows::{row, Section};
use super::{groups, plural, summary};
use crate::diff::{AccountHeading, Change, Diff, Mark};
use crate::markdown::code;

/// The first line of every Markdown report: CI finds its earlier comment by it.
pub(crate) const MARKER: &str = "<!-- trustgen-diff -->";

/// GitHub refuses a comment body over 65,536 characters; bytes are never fewer.
pub(crate) const LIMIT: usize = 65_536;

/// Room kept for the closing lines and the note on what was left out.
const RESERVE: usize = 1_024;

pub(crate) fn markdown(diff: &Diff, old: &str, new: &str) -> String {
    markdown_within(diff, old, new, LIMIT)
}

pub(crate) fn markdown_within(diff: &Diff, old: &str, new: &str, limit: usize) -> String {
    let mut report = Report {
        out: format!(
            "{MARKER}\n**{}**\n\n<sub>trustgen diff {} → {}</sub>\n",
            summary(diff),
            code(old),
            code(new)
        ),
        limit: limit.saturating_sub(RESERVE),
        full: false,
        shown: BTreeSet::new(),
    };
    if diff.broadens {
        report.write("\n### Broadening changes\n");
        report.accounts(diff, "####", |change| change.broadens);
    }
    if !diff.is_empty()
        && report.write(&format!(
            "\n<details>\n<summary>All {}, by account</summary>\n",
            plural(diff.changes.len(), "change", "changes")
        ))
    {
        report.accounts(diff, "###", |_| true);
        // Closed whatever fits: the reserve keeps room for it.
        report.out.push_str("\n</details>\n");
    }
    let left_out = diff.changes.len() - report.shown.len();
    if left_out > 0 {
        let _ = write!(
            report.out,
            "\n**{} not shown**: this report is cut to stay under GitHub's {LIMIT}-character \
             comment limit. Run `trustgen diff` with `--format text` or `--format json` for \
             every change.\n",
            plural(left_out, "change is", "changes are")
        );
    }
    report.out
}

struct Report {
    out: String,
    limit: usize,
    /// The limit was reached: nothing more is written but the closing lines.
    full: bool,
    /// Indices of the changes some row shows.
    shown: BTreeSet<usize>,
}

impl Report {
    /// Appends `text` if it fits; once something did not, nothing more is.
    fn write(&mut self, text: &str) -> bool {
        if self.full || self.out.len() + text.len() > self.limit {
            self.full = true;
            return false;
        }
        self.out.push_str(text);
        true
    }

    fn accounts(&mut self, diff: &Diff, heading: &str, keep: impl Fn(&Change) -> bool) {
        for (account, changes) in groups(diff, keep) {
            if !self.write(&format!("\n{heading} {}\n", account_title(account))) {
                return;
            }
            let mut current: Option<Section> = None;
            for (index, change) in changes {
                let (section, row) = row(change);
                if current != Some(section) {
                    let columns = section.columns();
                    let header = format!(
                        "\n**{}**\n\n| change | {} |\n|---|{}\n",
                        section.title(),
                        columns.join(" | "),
                        "---|".repeat(columns.len())
                    );
                    if !self.write(&header) {
                        return;
                    }
                    current = Some(section);
                }
                let mark = match row.mark {
                    Mark::Added => "added",
                    Mark::Removed => "removed",
                    Mark::Changed => "changed",
                };
                let cells: Vec<String> = row.cells.iter().map(|cell| cell.markdown()).collect();
                let line = format!(
                    "| {mark}{} | {} |\n",
                    if row.broadens { " **(broadens)**" } else { "" },
                    cells.join(" | ")
                );
                if !self.write(&line) {
                    return;
                }
                self.shown.insert(index);
            }
        }
    }
}

fn account_title(account: Option<&AccountHeading>) -> String {
    match account {
        Some(account) => {
            let mut title = format!("Account {} ({})", code(&account.name), code(&account.id));
            if let Some(old_name) = &account.renamed_from {
                let _ = write!(title, ", renamed from {}", code(old_name));
            }
            title
        }
        None => "Outside the spec's accounts, and project-wide".into(),
    }
}
