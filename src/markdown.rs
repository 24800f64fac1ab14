//! Spec text in Markdown: the one quoting function for every Markdown trustgen writes
//! (`trust-graph.md`, `diff --format markdown`). Spec values come from pull requests; in a
//! table cell they must stay one cell of plain text.

/// Text as a Markdown code span in a table cell: the fence is longer than any run of
/// backticks inside, and `|` is escaped, which GitHub honours even inside code spans.
/// Control characters (a line break would end the table row) become spaces.
pub(crate) fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn code_spans_hold_any_text_in_one_cell() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`start"), "`` `start ``");
        assert_eq!(code("two\nlines\r"), "`two lines `");
        assert_eq!(code("``"), "``` `` ```");
    }
}
