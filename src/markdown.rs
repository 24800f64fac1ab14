//! Spec text in Markdown: the one quoting function for every Markdown trustgen writes
//! (`trust-graph.md`, `diff --format markdown`). Spec values come from pull requests; in a
//! table cell they must stay one cell of plain text.

/// Text as a Markdown code span in a table cell: the fence is longer than any run of
/// backticks inside, and `|` is escaped, which GitHub honours even inside code spans.
/// Control characters (a line break would end the table row) become spaces; invisible
/// format characters (a bidirectional override would make the cell read otherwise than it
/// is) are shown escaped, as the terminal shows them (`diagnostic::printable`).
///
/// A table row is cut at every `|` not escaped by a backslash, and backslashes pair up
/// from the left: so backslashes right before a `|` are doubled, or an odd run would
/// leave the pipe's own escape paired with them (those show doubled; nothing else does).
pub(crate) fn code(text: &str) -> String {
    // Most text (names, ARNs) needs none of the below: printable ASCII with no backslash,
    // `|` or backtick is its own code span.
    if text
        .bytes()
        .all(|b| (b.is_ascii_graphic() || b == b' ') && !matches!(b, b'\\' | b'|' | b'`'))
    {
        let mut span = String::with_capacity(text.len() + 2);
        span.push('`');
        span.push_str(text);
        span.push('`');
        return span;
    }
    let mut shown = String::with_capacity(text.len());
    let mut backslashes = 0;
    for c in text.chars() {
        match c {
            '\\' => {
                backslashes += 1;
                continue;
            }
            '|' => {
                shown.push_str(&"\\".repeat(2 * backslashes));
                shown.push_str("\\|");
            }
            c => {
                shown.push_str(&"\\".repeat(backslashes));
                if c.is_control() {
                    shown.push(' ');
                } else if crate::diagnostic::invisible(c) {
                    shown.extend(c.escape_unicode());
                } else {
                    shown.push(c);
                }
            }
        }
        backslashes = 0;
    }
    shown.push_str(&"\\".repeat(backslashes));
    let text = shown;
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
        assert_eq!(code("a\u{202E}b\u{2028}"), "`a\\u{202e}b\\u{2028}`");
        // Every `|` stays escaped: after pairing the backslashes before it, one is left.
        assert_eq!(code(r"a\|b"), r"`a\\\|b`");
        assert_eq!(code(r"a\\|b"), r"`a\\\\\|b`");
        assert_eq!(code(r"a\b\"), r"`a\b\`");
    }
}
