//! `action.yml`, the composite GitHub Action: it validates against SchemaStore's schema of
//! action metadata (tests/schemas/), no workflow value is pasted into a script, and its
//! steps run here as a runner runs them (bash, `if:` conditions, step outputs,
//! `GITHUB_PATH`), against a local `origin` and with fake `cargo` and `gh` on the PATH:
//! it installs trustgen from its own checkout, checks the stacks, hands the SARIF to the
//! upload, and posts or updates the pull request comment by its marker.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::support::{schema_errors, trustgen_in};

fn action() -> Value {
    let text = std::fs::read_to_string("action.yml").unwrap_or_else(|e| panic!("{e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

fn steps() -> Vec<Value> {
    action()["runs"]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn action_metadata_validates_against_the_schema() {
    let document = action().to_string();
    if let Some(errors) = schema_errors("tests/schemas/github-action.json", &document, &[]) {
        assert!(errors.is_empty(), "action.yml:\n{}", errors.join("\n"));
    }
    // The schema checks the shape; a broken file must fail it too.
    let mut broken = action();
    broken["runs"]["steps"][0]["shell"] = Value::Null;
    if let Some(errors) =
        schema_errors("tests/schemas/github-action.json", &broken.to_string(), &[])
    {
        assert!(!errors.is_empty(), "a run step without a shell passed");
    }
}

/// Every `${{ }}` expression in the action: only in `env:`, `with:`, `if:` and outputs,
/// never in a script, and naming only what the action declares or the runner gives.
#[test]
fn no_expression_is_pasted_into_a_script() {
    let action = action();
    let inputs: Vec<String> = action["inputs"]
        .as_object()
        .map(|inputs| inputs.keys().cloned().collect())
        .unwrap_or_default();
    let mut ids = Vec::new();
    for step in steps() {
        let script = step["run"].as_str().unwrap_or_default();
        assert!(
            !script.contains("${{"),
            "a script holds an expression:\n{script}"
        );
        let mut texts: Vec<String> = Vec::new();
        for key in ["env", "with"] {
            if let Some(map) = step[key].as_object() {
                texts.extend(map.values().filter_map(|v| v.as_str().map(str::to_string)));
            }
        }
        for text in texts {
            for reference in references(&text) {
                let known = match reference.split('.').collect::<Vec<_>>().as_slice() {
                    ["inputs", name] => inputs.iter().any(|i| i == name),
                    ["steps", id, "outputs", _] => ids.iter().any(|i: &String| i == id),
                    ["github" | "runner", ..] => true,
                    _ => false,
                };
                assert!(known, "unknown reference {reference} in {text}");
            }
        }
        if let Some(id) = step["id"].as_str() {
            ids.push(id.to_string());
        }
    }
}

/// The references of the `${{ … }}` expressions in `text`.
fn references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .unwrap_or_else(|| panic!("unclosed expression in {text}"));
        found.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    found
}

/// The `--jq` projection the comment step asks gh for, which the fake gh performs.
const PROJECTION: &str =
    r#".[] | [.id, .user.login, (.body | startswith("<!-- trustgen-diff -->"))] | @tsv"#;

const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
# A fake cargo: records its arguments; `cargo install --root R` puts the test's trustgen in R/bin.
printf '%s\n' "$*" >> "$FAKE_LOG/cargo.log"
root=""
while [ $# -gt 0 ]; do
  [ "$1" = --root ] && root=$2
  shift
done
mkdir -p "$root/bin" && cp "$TRUSTGEN_BIN" "$root/bin/trustgen"
"#;

const FAKE_GH: &str = r#"#!/usr/bin/env python3
"""A fake gh: lists the comments of $FAKE_COMMENTS as the jq projection would, and records
the comments written (method, path, body) in $FAKE_LOG/gh-writes.jsonl."""
import json, os, sys
args = sys.argv[1:]
log = os.environ["FAKE_LOG"]
with open(os.path.join(log, "gh.log"), "a") as f:
    f.write(json.dumps(args) + "\n")
if "--jq" in args:
    if args[args.index("--jq") + 1] != os.environ["PROJECTION"]:
        sys.exit("fake gh: unexpected --jq filter")
    with open(os.environ["FAKE_COMMENTS"]) as f:
        for c in json.load(f):
            starts = "true" if c["body"].startswith("<!-- trustgen-diff -->") else "false"
            print(f'{c["id"]}\t{c["user"]["login"]}\t{starts}')
    sys.exit(0)
method = args[args.index("--method") + 1]
path = args[args.index("--method") + 2]
field = args[args.index("-F") + 1]
assert field.startswith("body=@"), field
with open(field[len("body=@"):]) as f:
    body = f.read()
with open(os.path.join(log, "gh-writes.jsonl"), "a") as f:
    f.write(json.dumps({"method": method, "path": path, "body": body}) + "\n")
print("{}")
"#;

/// A runner for the action's steps, in one workspace.
struct Runner {
    workspace: PathBuf,
    temp: PathBuf,
    fake_bin: PathBuf,
    logs: PathBuf,
    tool_cache: PathBuf,
    inputs: BTreeMap<String, String>,
    github: Value,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    path: Vec<String>,
    /// Each step's name and whether it ran and passed: `None` when skipped.
    results: Vec<(String, Option<bool>)>,
    uploads: Vec<(String, String)>,
    log: String,
}

impl Runner {
    fn new(dir: &Path, tool_cache: &Path, comments: Value) -> Runner {
        let (workspace, temp, fake_bin, logs) = (
            dir.join("work"),
            dir.join("runner-temp"),
            dir.join("fake-bin"),
            dir.join("logs"),
        );
        for directory in [&temp, &fake_bin, &logs] {
            std::fs::create_dir_all(directory).unwrap_or_else(|e| panic!("{e}"));
        }
        for (name, text) in [("cargo", FAKE_CARGO), ("gh", FAKE_GH)] {
            let file = fake_bin.join(name);
            std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
            let mut permissions = std::fs::metadata(&file)
                .unwrap_or_else(|e| panic!("{e}"))
                .permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
            std::fs::set_permissions(&file, permissions).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(logs.join("comments.json"), comments.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let inputs = action()["inputs"]
            .as_object()
            .map(|inputs| {
                inputs
                    .iter()
                    .map(|(name, input)| {
                        let default = input["default"].as_str().unwrap_or_default();
                        (name.clone(), default.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut runner = Runner {
            workspace,
            temp,
            fake_bin,
            logs,
            tool_cache: tool_cache.to_path_buf(),
            inputs,
            github: json!({
                "action_path": env!("CARGO_MANIFEST_DIR"),
                "event_name": "pull_request",
                "base_ref": "main",
                "repository": "acme/infra",
                "token": "fake-token",
                "event": {"pull_request": {"number": 7, "head": {"repo": {"full_name": "acme/infra"}}}},
            }),
            outputs: BTreeMap::new(),
            path: Vec::new(),
            results: Vec::new(),
            uploads: Vec::new(),
            log: String::new(),
        };
        // `${{ github.token }}`, the token's default, as the runner fills it in.
        let token = runner.evaluate(&runner.inputs["github-token"]);
        runner.inputs.insert("github-token".into(), token);
        runner
    }

    fn lookup(&self, reference: &str) -> String {
        let parts: Vec<&str> = reference.split('.').collect();
        let value = match parts.as_slice() {
            ["inputs", name] => self.inputs.get(*name).cloned(),
            ["steps", id, "outputs", name] => Some(
                self.outputs
                    .get(*id)
                    .and_then(|outputs| outputs.get(*name))
                    .cloned()
                    .unwrap_or_default(),
            ),
            ["runner", "temp"] => Some(self.temp.to_string_lossy().into_owned()),
            ["runner", "tool_cache"] => Some(self.tool_cache.to_string_lossy().into_owned()),
            ["github", rest @ ..] => {
                let mut value = &self.github;
                for part in rest {
                    value = &value[*part];
                }
                Some(match value {
                    Value::String(text) => text.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
            }
            _ => None,
        };
        value.unwrap_or_else(|| panic!("the test runner does not know {reference}"))
    }

    /// A value with its `${{ reference }}` expressions filled in.
    fn evaluate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 3..];
            let end = after.find("}}").unwrap_or(after.len());
            out.push_str(&self.lookup(after[..end].trim()));
            rest = after.get(end + 2..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    }

    /// An `if:` of `&&`-joined comparisons (`a == 'x'`, `a != b`) and `always()`; without
    /// `always()`, a step runs only while every step before it passed.
    fn condition(&self, condition: Option<&str>, failed: bool) -> bool {
        let Some(condition) = condition else {
            return !failed;
        };
        let condition = condition
            .trim()
            .trim_start_matches("${{")
            .trim_end_matches("}}");
        let mut always = false;
        let mut holds = true;
        for term in condition.split("&&").map(str::trim) {
            if term == "always()" {
                always = true;
                continue;
            }
            let (left, right, equal) = match (term.split_once("=="), term.split_once("!=")) {
                (Some((l, r)), _) => (l, r, true),
                (_, Some((l, r))) => (l, r, false),
                _ => panic!("the test runner cannot evaluate `{term}`"),
            };
            let operand = |text: &str| {
                let text = text.trim();
                match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
                    Some(literal) => literal.to_string(),
                    None => self.lookup(text),
                }
            };
            holds &= (operand(left) == operand(right)) == equal;
        }
        holds && (always || !failed)
    }

    /// Runs every step in order.
    fn run(&mut self) {
        let mut failed = false;
        let github_path = self.temp.join("github-path");
        for (index, step) in steps().iter().enumerate() {
            let name = step["name"].as_str().unwrap_or_default().to_string();
            if !self.condition(step["if"].as_str(), failed) {
                self.results.push((name, None));
                continue;
            }
            let passed = match (step["uses"].as_str(), step["run"].as_str()) {
                (Some(uses), _) => self.uses(uses, &step["with"]),
                (None, Some(script)) => self.script(index, step, script, &github_path),
                _ => panic!("step {name} neither uses nor runs"),
            };
            failed |= !passed;
            self.results.push((name, Some(passed)));
        }
    }

    fn uses(&mut self, uses: &str, with: &Value) -> bool {
        let with = |key: &str| self.evaluate(with[key].as_str().unwrap_or_default());
        if uses.starts_with("actions/cache@") {
            // A cache miss; the runner would save the path after the job.
            assert!(!with("path").is_empty() && !with("key").is_empty());
        } else if uses.starts_with("github/codeql-action/upload-sarif@") {
            let upload = (with("sarif_file"), with("category"));
            self.uploads.push(upload);
        } else {
            panic!("the test runner does not know {uses}");
        }
        true
    }

    fn script(&mut self, index: usize, step: &Value, script: &str, github_path: &Path) -> bool {
        assert_eq!(step["shell"], "bash");
        let file = self.temp.join(format!("step-{index}.sh"));
        let output_file = self.temp.join(format!("output-{index}"));
        std::fs::write(&file, script).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&output_file, "").unwrap_or_else(|e| panic!("{e}"));
        let mut path: Vec<String> = vec![self.fake_bin.to_string_lossy().into_owned()];
        path.extend(self.path.iter().rev().cloned());
        path.push(std::env::var("PATH").unwrap_or_default());
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(&self.workspace)
            .env("PATH", path.join(":"))
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", github_path)
            .env("RUNNER_TEMP", &self.temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("GITHUB_WORKSPACE", &self.workspace)
            .env("FAKE_LOG", &self.logs)
            .env("FAKE_COMMENTS", self.logs.join("comments.json"))
            .env("PROJECTION", PROJECTION)
            .env("TRUSTGEN_BIN", env!("CARGO_BIN_EXE_trustgen"));
        if let Some(env) = step["env"].as_object() {
            for (key, value) in env {
                command.env(key, self.evaluate(value.as_str().unwrap_or_default()));
            }
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
        self.log.push_str(&format!(
            "## {}\n{}{}",
            step["name"].as_str().unwrap_or_default(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
        let written = std::fs::read_to_string(&output_file).unwrap_or_default();
        if let Some(id) = step["id"].as_str() {
            let outputs = self.outputs.entry(id.to_string()).or_default();
            for line in written.lines() {
                let (key, value) = line
                    .split_once('=')
                    .unwrap_or_else(|| panic!("not key=value in GITHUB_OUTPUT: {line}"));
                outputs.insert(key.to_string(), value.to_string());
            }
        }
        self.path = std::fs::read_to_string(github_path)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        output.status.success()
    }

    /// Whether the step named `name` passed (`None`: skipped).
    fn result(&self, name: &str) -> Option<bool> {
        self.results
            .iter()
            .find(|(step, _)| step == name)
            .unwrap_or_else(|| panic!("no step {name}"))
            .1
    }

    fn output(&self, name: &str) -> String {
        let value = action()["outputs"][name]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.evaluate(&value)
    }

    fn log_lines(&self, file: &str) -> Vec<String> {
        std::fs::read_to_string(self.logs.join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn writes(&self) -> Vec<Value> {
        self.log_lines("gh-writes.jsonl")
            .iter()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap_or_else(|e| panic!("cannot run git: {e}"));
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A repository whose `main` (pushed to a local `origin`) has `old.toml` of `pair` as
/// `trustgen.toml` with its stacks, checked out at a pull request commit that changes it
/// to `new.toml` with its stacks; `origin/main` not fetched yet.
fn repository(dir: &Path, pair: &str) {
    let (origin, work) = (dir.join("origin.git"), dir.join("work"));
    std::fs::create_dir_all(&origin).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{e}"));
    git(&origin, &["init", "--quiet", "--bare"]);
    git(&work, &["init", "--quiet", "--initial-branch", "main"]);
    let origin_path = origin.to_string_lossy().into_owned();
    git(&work, &["remote", "add", "origin", &origin_path]);
    for (side, message) in [("old", "main"), ("new", "pull request")] {
        let spec = format!("tests/fixtures/diff/{pair}/{side}.toml");
        std::fs::copy(&spec, work.join("trustgen.toml")).unwrap_or_else(|e| panic!("{e}"));
        let (code, _, stderr) = trustgen_in(&["gen"], &work, &[]);
        assert_eq!(code, 0, "{stderr}");
        git(&work, &["add", "--all"]);
        git(&work, &["commit", "--quiet", "--message", message]);
        if side == "old" {
            git(&work, &["push", "--quiet", "origin", "main"]);
            git(&work, &["switch", "--quiet", "--create", "pr"]);
        }
    }
    git(&work, &["update-ref", "-d", "refs/remotes/origin/main"]);
}

fn report(dir: &Path) -> String {
    let (_, stdout, _) = trustgen_in(
        &[
            "diff",
            "trustgen.toml",
            "--base",
            "origin/main",
            "--format",
            "markdown",
        ],
        &dir.join("work"),
        &[],
    );
    stdout
}

#[test]
fn on_a_pull_request_it_installs_checks_uploads_and_comments_once() {
    let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let mut runner = Runner::new(dir.path(), cache.path(), json!([]));
    runner.run();
    let log = &runner.log;
    assert!(
        runner
            .results
            .iter()
            .all(|(_, passed)| *passed == Some(true)),
        "{:?}\n{log}",
        runner.results
    );
    // Built from the action's own checkout, locked, into the cached root.
    let key = runner.outputs["version"]["key"].clone();
    assert!(key.starts_with(&format!(
        "trustgen-{}-Linux-X64-",
        env!("CARGO_PKG_VERSION")
    )));
    let root = runner.outputs["version"]["root"].clone();
    assert_eq!(
        runner.log_lines("cargo.log"),
        [format!(
            "install --locked --path {} --root {root} --bin trustgen",
            env!("CARGO_MANIFEST_DIR")
        )]
    );
    // The stacks are current; the SARIF goes to code scanning and is valid.
    assert_eq!(runner.outputs["check"]["exit-code"], "0", "{log}");
    let (sarif, category) = runner.uploads[0].clone();
    assert_eq!(category, "trustgen");
    let text = std::fs::read_to_string(&sarif).unwrap_or_default();
    if let Some(errors) = schema_errors(
        "tests/schemas/sarif-schema-2.1.0.json",
        &text,
        &["uri", "uri-reference"],
    ) {
        assert!(errors.is_empty(), "{errors:?}");
    }
    assert_eq!(runner.output("sarif"), sarif);
    // Access broadens: annotations in the log, the report commented once.
    assert_eq!(runner.output("broadens"), "true");
    assert!(log.contains("::warning file=trustgen.toml,line="), "{log}");
    let writes = runner.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["method"], "POST");
    assert_eq!(writes[0]["path"], "repos/acme/infra/issues/7/comments");
    assert_eq!(writes[0]["body"], report(dir.path()));

    // The next push: trustgen comes from the cache, and the action's own comment is
    // updated, not one that another user started with the marker.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let comments = json!([
        {"id": 11, "user": {"login": "mallory"}, "body": "<!-- trustgen-diff -->\nlooks fine"},
        {"id": 12, "user": {"login": "github-actions[bot]"}, "body": "deployed"},
        {"id": 13, "user": {"login": "github-actions[bot]"}, "body": "<!-- trustgen-diff -->\nold"},
    ]);
    let mut again = Runner::new(dir.path(), cache.path(), comments);
    again.run();
    assert!(again
        .results
        .iter()
        .all(|(_, passed)| *passed == Some(true)));
    assert_eq!(again.outputs["version"]["key"], key, "the key is stable");
    assert!(
        again.log_lines("cargo.log").is_empty(),
        "rebuilt despite the cache"
    );
    let writes = again.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["method"], "PATCH");
    assert_eq!(writes[0]["path"], "repos/acme/infra/issues/comments/13");
}

#[test]
fn stale_stacks_and_broadening_fail_the_job_after_the_comment() {
    let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let stack = dir.path().join("work/generated/trust-graph.md");
    let text = std::fs::read_to_string(&stack).unwrap_or_default();
    std::fs::write(&stack, text + "edited\n").unwrap_or_else(|e| panic!("{e}"));
    let mut runner = Runner::new(dir.path(), cache.path(), json!([]));
    runner
        .inputs
        .insert("fail-on-broaden".into(), "true".into());
    runner.run();
    let log = &runner.log;
    assert_eq!(runner.outputs["check"]["exit-code"], "1", "{log}");
    assert!(
        log.contains("+++ b/trust-graph.md"),
        "the diff is in the log:\n{log}"
    );
    assert_eq!(
        runner.result("Upload diagnostics to code scanning"),
        Some(true)
    );
    assert_eq!(runner.result("Comment on the pull request"), Some(true));
    assert_eq!(runner.writes().len(), 1);
    assert_eq!(runner.result("Verdict"), Some(false), "{log}");
    assert!(log.contains("::error title=trustgen::the generated stacks are not"));

    // Current stacks, but access broadens and fail-on-broaden is set.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let mut runner = Runner::new(dir.path(), cache.path(), json!([]));
    runner
        .inputs
        .insert("fail-on-broaden".into(), "true".into());
    runner.run();
    assert_eq!(runner.result("Verdict"), Some(false), "{}", runner.log);
    assert!(runner
        .log
        .contains("::error title=trustgen::access broadens"));
}

/// A fork's pull request gets no comment (its token cannot write); inputs are data, even
/// one written to break out of its quotes; off pull requests there is no review at all.
#[test]
fn forks_get_no_comment_and_inputs_stay_data() {
    let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let mut runner = Runner::new(dir.path(), cache.path(), json!([]));
    runner.github["event"]["pull_request"]["head"]["repo"]["full_name"] = "mallory/infra".into();
    runner.run();
    assert_eq!(runner.result("Access review"), Some(true));
    assert_eq!(runner.result("Comment on the pull request"), None);
    assert!(runner.log_lines("gh.log").is_empty());

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let mut runner = Runner::new(dir.path(), cache.path(), json!([]));
    runner.inputs.insert(
        "spec".into(),
        "trustgen.toml\"; touch pwned-1; echo \"$(touch pwned-2)`touch pwned-3`".into(),
    );
    runner.run();
    for pwned in ["pwned-1", "pwned-2", "pwned-3"] {
        assert!(
            !dir.path().join("work").join(pwned).exists(),
            "{}",
            runner.log
        );
    }
    assert_eq!(runner.outputs["check"]["exit-code"], "2", "{}", runner.log);
    assert_eq!(runner.result("Verdict"), Some(false));

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    repository(dir.path(), "dev-principal-added");
    let mut runner = Runner::new(dir.path(), cache.path(), json!([]));
    runner.github["event_name"] = "push".into();
    runner.run();
    assert_eq!(runner.result("Access review"), None);
    assert_eq!(runner.result("Comment on the pull request"), None);
    assert_eq!(runner.result("Verdict"), Some(true), "{}", runner.log);
    assert_eq!(runner.output("broadens"), "");
}
