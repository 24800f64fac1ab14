//! Findings as a SARIF 2.1.0 log (OASIS), for GitHub code scanning and other SARIF
//! viewers: one run of trustgen, the rules its findings are instances of, and each
//! finding with its level, message, place and a fingerprint that survives moved lines.
//! The test suite validates it against the official schema (tests/schemas/).

use serde_json::{json, Value};

use super::finding::{fingerprints, Finding, Rule};
use super::Severity;

/// The schema a log names (the OASIS errata 01 schema, as vendored in tests/schemas/).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The partial fingerprint's name (versioned, as SARIF recommends: a new way of computing
/// it gets a new name).
pub const FINGERPRINT: &str = "trustgenFinding/v1";

/// A whole log: `rules` are the rules of the findings (deduplicated, in the order given),
/// `failures` what stopped trustgen from looking (an unreadable spec): the run then did
/// not succeed, and says why.
pub fn log(rules: &[Rule], findings: &[Finding], failures: &[String]) -> String {
    let mut used: Vec<&Rule> = Vec::new();
    for rule in rules.iter().chain(findings.iter().map(|f| &f.rule)) {
        if !used.iter().any(|known| known.id == rule.id) {
            used.push(rule);
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .zip(fingerprints(findings))
        .map(|(finding, fingerprint)| {
            let index = used.iter().position(|rule| rule.id == finding.rule.id);
            result(finding, index.unwrap_or_default(), &fingerprint)
        })
        .collect();
    let notifications: Vec<Value> = failures
        .iter()
        .map(|message| json!({"level": "error", "message": {"text": message}}))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                "rules": used.iter().map(|rule| rule_object(rule)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": failures.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_object(rule: &Rule) -> Value {
    // The first paragraph says what the rule is about; the whole explanation is the help.
    let first: Vec<&str> = rule
        .explanation
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .collect();
    let mut object = json!({
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first.join(" ")},
        "help": {"text": rule.explanation, "markdown": rule.explanation},
        "defaultConfiguration": {"level": level(rule.level)},
    });
    if let (Some(uri), Some(object)) = (&rule.help_uri, object.as_object_mut()) {
        object.insert("helpUri".into(), uri.clone().into());
    }
    object
}

fn result(finding: &Finding, rule_index: usize, fingerprint: &str) -> Value {
    // Code scanning wants a line for every result: a finding about the file as a whole
    // points at its first line.
    let region = match finding.region {
        Some(region) => json!({
            "startLine": region.start_line,
            "startColumn": region.start_column,
            "endLine": region.end_line,
            "endColumn": region.end_column,
        }),
        None => json!({"startLine": 1}),
    };
    json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": level(finding.level),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&finding.file)},
            "region": region,
        }}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    })
}

/// A file name as a URI reference: relative paths stay relative (code scanning reads them
/// from the repository's root), absolute ones become `file:` URIs; every byte but
/// unreserved characters and `/` is percent-encoded, so a `:` cannot pass for a scheme,
/// nor a `#` or `?` end the path.
pub fn uri(file: &str) -> String {
    let drive = file.len() >= 3
        && file.as_bytes()[0].is_ascii_alphabetic()
        && file.as_bytes()[1] == b':'
        && file.as_bytes()[2] == b'/';
    let (prefix, path) = if file.starts_with('/') {
        ("file://", file)
    } else if drive {
        // `C:/…`: the drive's colon belongs to the path of a file URI.
        return format!("file:///{}:{}", &file[..1], encode(&file[2..]));
    } else {
        ("", file)
    };
    format!("{prefix}{}", encode(path))
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_references_that_cannot_change_meaning() {
        assert_eq!(uri("infra/trustgen.toml"), "infra/trustgen.toml");
        assert_eq!(uri("main:infra/a b.toml"), "main%3Ainfra/a%20b.toml");
        assert_eq!(uri("/work/x#1?.toml"), "file:///work/x%231%3F.toml");
        assert_eq!(uri("C:/specs/é.toml"), "file:///C:/specs/%C3%A9.toml");
    }
}
