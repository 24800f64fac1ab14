//! Findings as CI tools take them (SARIF for code scanning, GitHub workflow annotations):
//! a rule, a level, a message and a place in a file, whatever found it. A spec's
//! diagnostics become findings of their registered code (`SourceFile::findings`); `diff`
//! makes findings of the changes that broaden access.

use sha2::{Digest, Sha256};

use super::{Code, Severity};

/// What a finding is an instance of: a SARIF rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable and unique: a diagnostic code's name.
    pub id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// The long explanation, Markdown.
    pub explanation: &'static str,
    pub level: Severity,
    /// Where the explanation is published, if it is.
    pub help_uri: Option<String>,
}

impl Code {
    /// The code as a rule: its name, summary, explanation and severity from the registry;
    /// its explanation as published at this version's tag.
    pub fn rule(self) -> Rule {
        Rule {
            id: self.name(),
            summary: self.summary(),
            explanation: self.explanation(),
            level: self.severity(),
            help_uri: Some(format!(
                "{}/blob/v{}/docs/codes/{}.md",
                env!("CARGO_PKG_REPOSITORY"),
                env!("CARGO_PKG_VERSION"),
                self.name()
            )),
        }
    }
}

/// 1-based lines and columns (columns in characters); the end column is the one just past
/// the last character, as SARIF counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One finding. Its text is shown as it is: whoever builds it passes spec text through
/// `printable` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub level: Severity,
    pub message: String,
    /// The file as the user named it (a path relative to where trustgen runs, usually).
    pub file: String,
    /// Where in the file; `None`: the file as a whole.
    pub region: Option<Region>,
    /// What tells this finding apart from others of its rule in its file without counting
    /// lines: the spec path or text it points at. With the rule, the file and the message,
    /// it makes the fingerprint, so a finding keeps its identity when lines move.
    pub anchor: String,
}

impl Finding {
    /// sha256 of rule, file, anchor and message, hex.
    fn identity(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [self.rule.id, &self.file, &self.anchor, &self.message] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// Each finding's fingerprint, in order: its identity, and `:N` counting the findings
/// before it with the same identity (as GitHub numbers equal line hashes), so two equal
/// findings stay two alerts.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen = crate::collections::HashMap::<String, usize>::default();
    findings
        .iter()
        .map(|finding| {
            let identity = finding.identity();
            let count = seen.entry(identity.clone()).or_insert(0);
            *count += 1;
            format!("{identity}:{count}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(anchor: &str, line: usize) -> Finding {
        Finding {
            rule: Code::InvalidArn.rule(),
            level: Severity::Error,
            message: "`x` is not an ARN".into(),
            file: "spec.toml".into(),
            region: Some(Region {
                start_line: line,
                start_column: 1,
                end_line: line,
                end_column: 2,
            }),
            anchor: anchor.into(),
        }
    }

    #[test]
    fn fingerprints_ignore_lines_and_count_equal_findings() {
        let before = fingerprints(&[finding("tasks.a", 3), finding("tasks.b", 9)]);
        // Lines moved (a comment added above): the same fingerprints.
        let after = fingerprints(&[finding("tasks.a", 13), finding("tasks.b", 19)]);
        assert_eq!(before, after);
        assert_ne!(before[0], before[1]);
        let twice = fingerprints(&[finding("tasks.a", 3), finding("tasks.a", 4)]);
        assert_eq!(twice[0].rsplit_once(':').map(|p| p.1), Some("1"));
        assert_eq!(twice[1].rsplit_once(':').map(|p| p.1), Some("2"));
        assert_eq!(twice[0].split(':').next(), twice[1].split(':').next());
    }
}
