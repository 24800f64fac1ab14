//! The two languages the developer-side commands print besides comments: POSIX shell
//! (`assume`) and the AWS CLI's INI config (`aws-config`). Every value from the spec or the
//! command line passes through one of these, so no spec can put code into either.

/// `text` as one POSIX `sh` word: bare when it holds only characters no shell treats
/// specially, else single-quoted (inside single quotes only `'` itself needs care).
pub(super) fn shell_word(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Text for a `#` comment line: shown as the terminal would show a message, every line
/// break and control character escaped (a newline would end the comment and start a
/// command).
pub(super) fn comment_text(text: &str) -> String {
    crate::diagnostic::printable(text)
}

/// An INI value as the AWS CLI reads it: one line, no leading or trailing space (trimmed
/// away), nothing that could start a new key or section. INI has no escapes, so a value
/// that cannot be written as it is is refused.
pub(super) fn ini_value<'t>(key: &str, text: &'t str) -> Result<&'t str, String> {
    if text.is_empty() || text.chars().any(char::is_control) || text.trim() != text {
        return Err(format!(
            "`{}` cannot be written as `{key}` in an AWS CLI config: it is empty, holds a line break or control character, or starts or ends with a space",
            text.escape_debug()
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_everything_a_shell_would_read() {
        assert_eq!(
            shell_word("arn:aws:iam::1:role/web"),
            "arn:aws:iam::1:role/web"
        );
        assert_eq!(shell_word("$(touch x)"), "'$(touch x)'");
        assert_eq!(shell_word("a'b"), "'a'\\''b'");
        assert_eq!(shell_word("`id`;x"), "'`id`;x'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn ini_values_are_one_line() {
        assert!(ini_value("region", "eu-west-1").is_ok());
        assert!(ini_value("mfa_serial", "x\n[profile evil]").is_err());
        assert!(ini_value("source_profile", " x").is_err());
        assert_eq!(comment_text("a\nb"), "a\\u{a}b");
    }
}
