//! Diagnostics for CI tools (`--message-format sarif|github`) of check, gen and diff: the
//! SARIF logs validate against the official SARIF 2.1.0 schema (tests/schemas/), point at
//! the lines the terminal shows and keep their fingerprints when lines move; GitHub gets
//! one annotation per diagnostic, and no spec or file name can issue a workflow command
//! of its own.

use std::path::Path;

use serde_json::Value;
use trustgen::diagnostic::{printable, Code, Severity};

use crate::support::{schema_errors, toml_files, trustgen_in};

const SARIF_SCHEMA: &str = "tests/schemas/sarif-schema-2.1.0.json";
/// Formats of the schema the validator must check, not skip.
const FORMATS: [&str; 2] = ["uri", "uri-reference"];

fn trustgen(args: &[&str]) -> (i32, String, String) {
    trustgen_in(args, Path::new("."), &[])
}

/// The log parsed, after the schema found nothing wrong with it.
fn valid_sarif(log: &str) -> Value {
    let value: Value =
        serde_json::from_str(log).unwrap_or_else(|e| panic!("not JSON ({e}):\n{log}"));
    if let Some(errors) = schema_errors(SARIF_SCHEMA, log, &FORMATS) {
        assert!(
            errors.is_empty(),
            "the SARIF log breaks the SARIF 2.1.0 schema:\n{}",
            errors.join("\n")
        );
    }
    value
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {log}"))
}

/// `check --message-format json` of `specs`: one object per diagnostic.
fn json_lines(specs: &[&str]) -> Vec<Value> {
    let mut args = vec!["check", "--message-format", "json"];
    args.extend(specs);
    let (_, stdout, stderr) = trustgen(&args);
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}\n{stderr}")))
        .collect()
}

/// Each SARIF result says what the JSON line of the same diagnostic says: code, level,
/// file, and the span (an empty span still marks one character).
fn assert_same_places(sarif: &[Value], json: &[Value]) {
    assert_eq!(sarif.len(), json.len(), "one result per diagnostic");
    for (result, line) in sarif.iter().zip(json) {
        assert_eq!(result["ruleId"], line["code"], "{result}\n{line}");
        assert_eq!(result["level"], line["severity"], "{result}\n{line}");
        let location = &result["locations"][0]["physicalLocation"];
        let file = line["file"].as_str().unwrap_or_default();
        assert_eq!(location["artifactLocation"]["uri"], file);
        let region = &location["region"];
        match line["line"].as_u64() {
            None => assert_eq!(region, &serde_json::json!({"startLine": 1}), "{result}"),
            Some(start) => {
                let column = line["column"].as_u64().unwrap_or_default();
                let end_line = line["end_line"].as_u64().unwrap_or_default();
                let mut end_column = line["end_column"].as_u64().unwrap_or_default();
                if end_line == start {
                    end_column = end_column.max(column + 1);
                }
                assert_eq!(
                    region,
                    &serde_json::json!({"startLine": start, "startColumn": column,
                        "endLine": end_line, "endColumn": end_column}),
                    "{result}\n{line}"
                );
            }
        }
    }
}

#[test]
fn sarif_of_errors_and_warnings_validates_and_points_at_their_lines() {
    let invalid = "tests/fixtures/invalid/unknown-task-key.toml";
    let warned = "tests/fixtures/specs/china-extended-ec2.toml";
    let (code, stdout, stderr) = trustgen(&["check", invalid, warned, "--message-format", "sarif"]);
    assert_eq!(code, 2, "{stderr}");
    let log = valid_sarif(&stdout);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1), "one run");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "trustgen");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_HOMEPAGE"));
    let results = results(&log);
    assert_same_places(results, &json_lines(&[invalid, warned]));
    // The lines the terminal shows (README, "Diagnostics"): `actoins` at 28:1, the
    // statement at 27:1; then the other spec's two warnings.
    let places: Vec<(String, String, u64)> = results
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"];
            (
                r["level"].as_str().unwrap_or_default().to_string(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                location["region"]["startLine"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(places[0], ("error".into(), invalid.into(), 28));
    assert_eq!(places[1], ("error".into(), invalid.into(), 27));
    assert_eq!(
        places
            .iter()
            .filter(|p| p.0 == "warning" && p.1 == warned)
            .count(),
        2
    );
    // Rules come from the registry: what `trustgen explain` says, at the code's severity.
    let rules = driver["rules"].as_array().cloned().unwrap_or_default();
    assert!(!rules.is_empty());
    for rule in &rules {
        let id = rule["id"].as_str().unwrap_or_default();
        let code = Code::from_name(id).unwrap_or_else(|| panic!("{id} is no registered code"));
        assert_eq!(rule["shortDescription"]["text"], code.summary());
        assert_eq!(rule["help"]["markdown"], code.explanation());
        assert_eq!(rule["help"]["text"], code.explanation());
        let level = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        assert!(rule["helpUri"]
            .as_str()
            .is_some_and(|uri| uri.ends_with(&format!("/docs/codes/{id}.md"))));
    }
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_of_every_invalid_and_hostile_spec_validates() {
    let mut specs: Vec<String> = toml_files("tests/fixtures/invalid")
        .into_iter()
        .chain(toml_files("tests/fixtures/hostile"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    // And a spec that cannot be read: the run says it did not succeed, and why.
    specs.push("tests/fixtures/no-such-spec.toml".into());
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    let mut args = vec!["check", "--message-format", "sarif"];
    args.extend(&specs);
    let (code, stdout, stderr) = trustgen(&args);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read spec tests/fixtures/no-such-spec.toml"),
        "{stderr}"
    );
    let log = valid_sarif(&stdout);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .is_some_and(|text| text.contains("no-such-spec.toml"))
    );
    let results = results(&log);
    assert!(results.len() > 200, "{} results", results.len());
    assert_same_places(results, &json_lines(&specs));
    let fingerprints: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["trustgenFinding/v1"]
                .as_str()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        fingerprints.len(),
        results.len(),
        "every finding its own fingerprint"
    );
}

#[test]
fn fingerprints_do_not_move_with_lines() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("trustgen.toml");
    let text = std::fs::read_to_string("tests/fixtures/specs/china-extended-ec2.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let sarif = |text: &str| {
        std::fs::write(&spec, text).unwrap_or_else(|e| panic!("{e}"));
        let (_, stdout, _) = trustgen_in(&["check", "--message-format", "sarif"], dir.path(), &[]);
        let log = valid_sarif(&stdout);
        results(&log)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["trustgenFinding/v1"].clone(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = sarif(&text);
    let after = sarif(&format!("# reviewed in PR 42\n# owner: platform\n{text}"));
    assert_eq!(before.len(), 2);
    for ((print, line), (moved_print, moved_line)) in before.iter().zip(&after) {
        assert_eq!(print, moved_print, "the fingerprint followed the line");
        assert_eq!(moved_line.as_u64(), line.as_u64().map(|l| l + 2));
    }
}

/// A workflow command line as the runner reads it: the command, its properties
/// (unescaped) and its message (unescaped).
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a command: {line}"));
    let (head, message) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("no message: {line}"));
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let unescape = |text: &str| {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (name.to_string(), unescape(value))
        })
        .collect();
    (command.to_string(), properties, unescape(message))
}

#[test]
fn github_annotations_are_one_per_diagnostic_with_file_and_line() {
    let specs = [
        "tests/fixtures/invalid/unknown-task-key.toml",
        "tests/fixtures/invalid/dev-access-in-production.toml",
        "tests/fixtures/specs/china-extended-ec2.toml",
    ];
    let mut args = vec!["check", "--message-format", "github"];
    args.extend(specs);
    let (code, stdout, _) = trustgen(&args);
    assert_eq!(code, 2);
    let json = json_lines(&specs);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), json.len(), "{stdout}");
    for (line, diagnostic) in lines.iter().zip(&json) {
        let (command, properties, message) = parse_command(line);
        assert_eq!(command, diagnostic["severity"].as_str().unwrap_or_default());
        let property = |name: &str| {
            properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            property("file"),
            diagnostic["file"].as_str().unwrap_or_default()
        );
        assert_eq!(property("line"), diagnostic["line"].to_string());
        assert_eq!(property("col"), diagnostic["column"].to_string());
        assert_eq!(
            property("title"),
            format!(
                "trustgen {}",
                diagnostic["code"].as_str().unwrap_or_default()
            )
        );
        assert!(message.starts_with(diagnostic["message"].as_str().unwrap_or_default()));
        assert!(message.contains("\nhelp: "), "{message}");
    }
}

/// A spec from a pull request tries to start a workflow command of its own: through a
/// key, through a value quoted in a message, and through its file name.
#[test]
fn no_spec_can_issue_a_workflow_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = std::fs::read_to_string("examples/tagged-dev-account.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let forged = "\n::error file=README.md,line=1::forged%0A\r\n::stop-commands::x\n";
    // An unknown key (a structural error, its name quoted).
    let structural = base.replacen(
        "version = 1\n",
        &format!("version = 1\n{} = 1\n", toml_string(&format!("k{forged}"))),
        1,
    );
    // A bad managed policy ARN (a semantic error, its value quoted).
    let semantic = format!(
        "{base}\n[tasks.forged]\naccount = \"dev\"\ncpu = 256\nmemory = 512\nmanaged_policies = [{}]\n[[tasks.forged.containers]]\nname = \"app\"\nimage = \"nginx:1.27\"\n",
        toml_string(&format!("ReadOnly{forged}"))
    );
    let names = [
        "a,line=1,title=x::forged.toml".to_string(),
        format!("b{forged}.toml"),
    ];
    let texts = [structural, semantic];
    for (name, text) in names.iter().zip(&texts) {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let run = |format: &str| {
        let mut args = vec!["check", "--message-format", format];
        args.extend(&names);
        trustgen_in(&args, dir.path(), &[])
    };
    let (_, json, _) = run("json");
    let count = json.lines().count();
    assert!(count >= 2, "{json}");
    let (code, stdout, _) = run("github");
    assert_eq!(code, 2);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), count, "one line per diagnostic:\n{stdout}");
    let mut forged_data = 0;
    for line in &lines {
        // The runner's reading: a command, then its properties up to the first `::`,
        // then data. Every line is one of trustgen's annotations, with trustgen's
        // properties only (the file name's `,line=1,title=x` is not a property), on the
        // spec's file (shown printable).
        let (command, properties, message) = parse_command(line);
        assert!(["error", "warning"].contains(&command.as_str()), "{line}");
        let keys: Vec<&str> = properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
        assert!(
            names.iter().any(|name| printable(name) == properties[0].1),
            "{line}"
        );
        // What the spec forged stays text inside the message.
        if message.contains("::error file=README.md") {
            forged_data += 1;
        }
    }
    assert!(forged_data >= 2, "{stdout}");
    // SARIF carries the same text as data.
    let (_, sarif, _) = run("sarif");
    assert_eq!(results(&valid_sarif(&sarif)).len(), count);
}

/// `text` as a one-line TOML basic string: line breaks escaped, as a key may be.
fn toml_string(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    format!("\"{escaped}\"")
}

#[test]
fn gen_puts_its_diagnostics_alone_on_standard_output() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        "tests/fixtures/specs/china-extended-ec2.toml",
        dir.path().join("trustgen.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let gen = |args: &[&str]| {
        let mut all = vec!["gen"];
        all.extend(args);
        trustgen_in(&all, dir.path(), &[])
    };
    // Stale: exit 1, the SARIF log with the spec's two warnings, the diff on stderr.
    let (code, stdout, stderr) = gen(&["--check", "--message-format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(results(&valid_sarif(&stdout)).len(), 2);
    assert!(
        stderr.contains("+++ b/trustgen.lock.json") && stderr.contains("differ"),
        "{stderr}"
    );
    // Denied warnings: exit 2, the annotations, nothing written.
    let (code, stdout, stderr) = gen(&["--deny-warnings", "--message-format", "github"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        2,
        "{stdout}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!dir.path().join("generated").exists());
    let (code, stdout, stderr) = gen(&["--message-format", "sarif"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(results(&valid_sarif(&stdout)).len(), 2);
    assert!(stderr.contains("created"), "{stderr}");
    let (code, stdout, _) = gen(&["--check", "--message-format", "sarif"]);
    assert_eq!(code, 0);
    valid_sarif(&stdout);
    // A run that stops before the spec's output: still a log, saying it failed.
    let (code, stdout, stderr) = gen(&["--templates", "no-such-dir", "--message-format", "sarif"]);
    assert_eq!(code, 2, "{stderr}");
    let log = valid_sarif(&stdout);
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    // Files on standard output leave no room for diagnostics.
    let (code, _, stderr) = gen(&[
        "--stdout",
        "--format",
        "terraform",
        "--message-format",
        "json",
    ]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn diff_reports_broadening_changes_as_findings_on_the_new_spec() {
    let pair = "tests/fixtures/diff/dev-principal-added";
    let (old, new) = (format!("{pair}/old.toml"), format!("{pair}/new.toml"));
    let (_, json, _) = trustgen(&["diff", &old, &new, "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let broadening = report["changes"]
        .as_array()
        .map(|changes| changes.iter().filter(|c| c["broadens"] == true).count())
        .unwrap_or_default();
    assert!(broadening > 0);
    let (code, stdout, _) = trustgen(&["diff", &old, &new, "--message-format", "sarif"]);
    assert_eq!(code, 0);
    let log = valid_sarif(&stdout);
    let found = results(&log);
    assert_eq!(found.len(), broadening);
    // At the line of the account the change is in (`[accounts.dev]` of the new spec).
    let text = std::fs::read_to_string(&new).unwrap_or_default();
    let account_line = text
        .lines()
        .position(|line| line.trim() == "[accounts.dev]")
        .map(|index| index as u64 + 1);
    for result in found {
        assert_eq!(result["level"], "warning");
        assert_eq!(result["ruleId"], "broadens-access");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], new.as_str());
        assert_eq!(location["region"]["startLine"].as_u64(), account_line);
    }
    // Failing on it makes them errors; GitHub gets one annotation each.
    let (code, stdout, _) = trustgen(&[
        "diff",
        &old,
        &new,
        "--message-format",
        "github",
        "--fail-on-broaden",
    ]);
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), broadening, "{stdout}");
    assert!(stdout
        .lines()
        .all(|l| l.starts_with(&format!("::error file={new},line="))));
    // Nothing broadens the other way round: an empty, valid log.
    let (code, stdout, _) = trustgen(&["diff", &new, &old, "--message-format", "sarif"]);
    assert_eq!(code, 0);
    assert!(results(&valid_sarif(&stdout)).is_empty());
    // An invalid side: its diagnostics in the log, exit 2.
    let (code, stdout, _) = trustgen(&[
        "diff",
        &old,
        "tests/fixtures/invalid/unknown-task-key.toml",
        "--message-format",
        "sarif",
    ]);
    assert_eq!(code, 2);
    assert_eq!(results(&valid_sarif(&stdout)).len(), 2);
}
