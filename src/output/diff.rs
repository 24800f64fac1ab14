//! Unified diffs for `gen --check`, one per file, in `git diff` shape.

use similar::TextDiff;

/// The diff turning `old` into `new`; `None` stands for a missing file (`/dev/null`).
pub(crate) fn unified(path: &str, old: Option<&str>, new: Option<&str>) -> String {
    let (from, to) = (
        old.map_or_else(|| "/dev/null".to_string(), |_| format!("a/{path}")),
        new.map_or_else(|| "/dev/null".to_string(), |_| format!("b/{path}")),
    );
    let diff = TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""));
    let mut text = diff
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_name_both_sides() {
        let text = unified("a.tf", Some("x\ny\n"), Some("x\nz\n"));
        assert_eq!(
            text,
            "--- a/a.tf\n+++ b/a.tf\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n"
        );
        assert!(unified("new.tf", None, Some("x\n")).starts_with("--- /dev/null\n+++ b/new.tf\n"));
    }
}
