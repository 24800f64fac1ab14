//! Diagnostics a user can act on: what is wrong, where (file:line:col with the source line
//! and a caret underline), and what would be right.

pub mod codes;
pub mod finding;
pub mod github;
pub mod sarif;

use std::fmt::Write as _;
use std::ops::Range;

pub use codes::Code;
pub use finding::{Finding, Region, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One segment of a path into the spec document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// Where in the spec a diagnostic points: a byte range, or a path the locator resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Span(Range<usize>),
    /// The value at this path.
    Value(Vec<PathSegment>),
    /// The key (not the value) of the last segment of this path.
    Key(Vec<PathSegment>),
    Nowhere,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The registry's code, which also decides the severity.
    pub code: Code,
    pub message: String,
    pub location: Location,
    /// What would be right.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, location: Location) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            location,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The code's severity, from the registry.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Builds a path from string-like keys and indexes: `path!["tasks", name, "containers", 0]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::diagnostic::PathSegment::from($seg)),*]
    };
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        PathSegment::Key(key.to_string())
    }
}
impl From<&String> for PathSegment {
    fn from(key: &String) -> Self {
        PathSegment::Key(key.clone())
    }
}
impl From<String> for PathSegment {
    fn from(key: String) -> Self {
        PathSegment::Key(key)
    }
}
impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        PathSegment::Index(index)
    }
}

/// A source text with its line starts, so that locating many diagnostics in one file
/// costs a binary search each, not a scan from the top (800 warnings once took seconds).
pub struct SourceLines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> SourceLines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceLines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// The text of a 1-based line, without its line break.
    fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line - 1) else {
            return "";
        };
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end];
        text.strip_suffix('\r').unwrap_or(text)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Text a terminal, CI log or comment line shows as it is: control characters (a line
/// break could forge a `::error::` workflow command or end a comment, an escape sequence
/// could rewrite the screen), Unicode line separators and format characters
/// (bidirectional overrides) are shown escaped. Messages, comments and file headers quote
/// spec values and paths, which come from pull requests: they all pass through here.
pub fn printable(text: &str) -> String {
    let hidden = |c: char| c.is_control() || invisible(c);
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    text.chars()
        .flat_map(|c| {
            let shown: Vec<char> = if hidden(c) {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            shown
        })
        .collect()
}

/// Unicode format characters that change how text around them shows without showing
/// themselves: zero-width characters, bidirectional overrides and isolates, line and
/// paragraph separators, the byte order mark.
pub(crate) fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2028}' | '\u{2029}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Renders a diagnostic whose location is already a span (or nowhere) against its source.
pub fn render(
    diagnostic: &Diagnostic,
    file: &str,
    source: &SourceLines<'_>,
    span: Option<Range<usize>>,
) -> String {
    let label = match diagnostic.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!(
        "{label}[{}]: {}\n",
        diagnostic.code,
        printable(&diagnostic.message)
    );
    if let Some(span) = span.clone() {
        let (line, col) = source.line_col(span.start);
        let text = source.line(line);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{line}:{col}", printable(file));
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line} | {}", printable(text));
        let line_chars = text.chars().count();
        let start = (col - 1).min(line_chars);
        let (end_line, end_col) = source.line_col(span.end);
        let end = if end_line == line {
            end_col - 1
        } else {
            line_chars
        };
        let width = end.saturating_sub(start).max(1);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(start), "^".repeat(width));
    } else {
        let _ = writeln!(out, "  --> {}", printable(file));
    }
    // Every help line names the command that explains the code at length.
    let explain = format!("trustgen explain {}", diagnostic.code);
    let help = match &diagnostic.help {
        Some(help) => format!("{} ({explain})", printable(help)),
        None => explain,
    };
    let pad = span.map_or(1, |s| source.line_col(s.start).0.to_string().len());
    let _ = writeln!(out, "{} = help: {help}", " ".repeat(pad));
    out
}

/// A diagnostic as one JSON object, for CI annotations.
pub fn to_json(
    diagnostic: &Diagnostic,
    file: &str,
    source: &SourceLines<'_>,
    span: Option<Range<usize>>,
) -> serde_json::Value {
    let (line, column, end_line, end_column) = match &span {
        Some(span) => {
            let (line, column) = source.line_col(span.start);
            let (end_line, end_column) = source.line_col(span.end);
            (Some(line), Some(column), Some(end_line), Some(end_column))
        }
        None => (None, None, None, None),
    };
    serde_json::json!({
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": match diagnostic.severity() { Severity::Error => "error", Severity::Warning => "warning" },
        "code": diagnostic.code.name(),
        "message": diagnostic.message,
        "help": diagnostic.help,
    })
}

/// The closest candidate to `given` by edit distance, if it is close enough to be a typo.
pub fn suggest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given_lower = given.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                edit_distance(&given_lower, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(given.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance: edits, with a swap of neighbours counting as one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let source = SourceLines::new("a = 1\r\nbb = 2\né = 3");
        assert_eq!(source.line_col(0), (1, 1));
        assert_eq!(source.line_col(7), (2, 1));
        assert_eq!(source.line_col(9), (2, 3));
        assert_eq!(source.line_col(14), (3, 1));
        // Inside a multi-byte character, and past the end, clamp to a character boundary.
        assert_eq!(source.line_col(15), (3, 1));
        assert_eq!(source.line_col(16), (3, 2));
        assert_eq!(source.line_col(99), (3, 6));
        assert_eq!(source.line(1), "a = 1");
        assert_eq!(source.line(3), "é = 3");
        assert_eq!(source.line(4), "");
    }

    #[test]
    fn suggest_finds_typos_not_strangers() {
        let keys = ["actions", "resources", "condition"];
        assert_eq!(suggest("action", keys), Some("actions"));
        assert_eq!(suggest("resource", keys), Some("resources"));
        assert_eq!(suggest("principal", keys), None);
    }

    #[test]
    fn messages_cannot_forge_log_lines_or_escape_sequences() {
        let message = "`x\n::error title=Forged::y\u{1b}[2J\u{202E}` is not an ARN";
        let diagnostic = Diagnostic::new(Code::InvalidArn, message, Location::Nowhere);
        let text = render(&diagnostic, "spec.toml", &SourceLines::new(""), None);
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202E}'));
    }

    #[test]
    fn render_underlines_the_span() {
        let source = "version = 1\nname = \"x\"\n";
        let diagnostic =
            Diagnostic::new(Code::InvalidName, "wrong name", Location::Nowhere).with_help("use y");
        let text = render(
            &diagnostic,
            "spec.toml",
            &SourceLines::new(source),
            Some(19..22),
        );
        assert_eq!(
            text,
            "error[invalid-name]: wrong name\n --> spec.toml:2:8\n  |\n2 | name = \"x\"\n  |        ^^^\n  = help: use y (trustgen explain invalid-name)\n"
        );
    }
}
