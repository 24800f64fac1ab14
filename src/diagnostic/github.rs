//! Findings as GitHub Actions workflow commands: one `::error` or `::warning` line per
//! finding, which the runner shows as an annotation on the file and line of the pull
//! request.
//!
//! The runner reads every line of a step's output that starts with `::` as a command. A
//! finding quotes the spec (and its file name), which come from the pull request, so
//! everything goes through GitHub's own escaping (`@actions/core`'s `escapeData` and
//! `escapeProperty`): a line break is `%0A`, so no spec text can start a line, end the
//! annotation or issue a command of its own, and `:` and `,` cannot end a property.

use std::fmt::Write as _;

use super::finding::Finding;
use super::{printable, Severity};

/// One line per finding.
pub fn annotations(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let command = match finding.level {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = vec![("file", printable(&finding.file))];
        if let Some(region) = finding.region {
            properties.extend([
                ("line", region.start_line.to_string()),
                ("col", region.start_column.to_string()),
                ("endLine", region.end_line.to_string()),
                ("endColumn", region.end_column.to_string()),
            ]);
        }
        properties.push(("title", format!("trustgen {}", finding.rule.id)));
        let properties: Vec<String> = properties
            .iter()
            .map(|(name, value)| format!("{name}={}", escape_property(value)))
            .collect();
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&finding.message)
        );
    }
    out
}

/// A workflow command's message, as `@actions/core` escapes it.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, as `@actions/core` escapes it.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A failure that stopped trustgen from looking (an unreadable spec), as an annotation.
pub fn failure(message: &str) -> String {
    format!(
        "::error title=trustgen::{}\n",
        escape_data(&printable(message))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_github_s() {
        assert_eq!(escape_data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // Percent first: an escape already in the text is shown, not decoded.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
