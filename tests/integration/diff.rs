//! `trustgen diff` on pairs of specs (`tests/fixtures/diff/<case>/{old,new}.toml`): the JSON
//! each pair makes (`expected.json`), cross-checked against an independent reading of the
//! CloudFormation both specs generate; `--fail-on-broaden`'s exit codes; `--base` in a
//! temporary git repository; invalid specs and revisions; one pair's Markdown, golden.
//! Regenerate the expected files after an intended change with
//! `UPDATE_GOLDEN=1 cargo test --test integration diff`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::access::{generate, list, statements, trust_allows_with_conditions, DeployedRole};
use crate::support::trustgen_in;

const CASES: &str = "tests/fixtures/diff";

/// Whether each case grants more than before: written down by hand, not read from the
/// expected files, so a change in `broadens` cannot pass by updating them.
const BROADENS: &[(&str, bool)] = &[
    ("account-renamed", false),
    ("action-repeated", false),
    ("boundary-removed-managed-added", true),
    ("capability-sys-admin", true),
    ("container-privileged", true),
    ("container-renamed", false),
    ("container-renamed-unhardened", true),
    ("container-runs-as-root", true),
    ("deny-removed", true),
    ("dev-principal-added", true),
    ("docker-socket-mounted", true),
    ("efs-access-point-removed", true),
    ("efs-mounted", true),
    ("entry-point-posts-credentials", false),
    ("env-into-dev-access", true),
    ("environment-file-added", true),
    ("health-check-posts-credentials", false),
    ("host-pid-ipc", true),
    ("host-root-mounted", true),
    ("hostile-text", true),
    ("identity-center-accounts-widened", true),
    ("identity-center-admin-policy-added", true),
    ("identity-center-group-added", true),
    ("mfa-removed", true),
    ("mount-path-moved", false),
    ("narrowed-only", false),
    ("pair-removed", false),
    ("prod-destination-added", true),
    ("prod-secret-added", true),
    ("reordered", false),
    ("role-names-swapped", true),
    ("secret-variable-renamed", false),
    ("session-durations-raised", true),
    ("simulate-task-renamed", false),
    ("stack-set-account-listed", true),
    ("stack-set-auto-deployment-off", true),
    ("stack-set-baseline-trusts-more", true),
    ("stack-set-exclusion-lifted", true),
    ("stack-set-only-to-all-but", true),
    ("stack-set-ou-added", true),
    ("stack-set-ou-moved-to-wider-target", true),
    ("stack-set-ou-removed", false),
    ("stack-set-region-moved", true),
    ("star-escape-widened", true),
    ("tag-in-policy-variable", true),
    ("tag-key-lower-case", true),
    ("tag-removed-lifts-deny", true),
    ("tagged-permission-set-added", true),
    ("trust-by-name-again", false),
    ("trust-through-account-root", true),
    ("user-signed-zero", true),
    ("volume-renamed", false),
    ("wildcard-widened", true),
];

/// The kinds of change each case must report (besides any other), written down by hand:
/// a case that broadens for the wrong reason fails here.
const KINDS: &[(&str, &[&str])] = &[
    ("account-renamed", &["other"]),
    ("action-repeated", &["other"]),
    ("capability-sys-admin", &["exposure"]),
    ("container-privileged", &["exposure"]),
    ("container-renamed", &["other"]),
    ("container-renamed-unhardened", &["exposure"]),
    ("container-runs-as-root", &["exposure"]),
    ("docker-socket-mounted", &["exposure"]),
    ("efs-access-point-removed", &["exposure"]),
    ("efs-mounted", &["exposure"]),
    ("entry-point-posts-credentials", &["code"]),
    ("environment-file-added", &["exposure", "access"]),
    ("health-check-posts-credentials", &["code"]),
    ("host-pid-ipc", &["exposure"]),
    ("host-root-mounted", &["exposure"]),
    ("identity-center-accounts-widened", &["access"]),
    ("identity-center-admin-policy-added", &["access"]),
    ("identity-center-group-added", &["access"]),
    ("mount-path-moved", &["exposure"]),
    ("prod-secret-added", &["exposure", "access"]),
    ("role-names-swapped", &["access"]),
    ("secret-variable-renamed", &["exposure"]),
    ("session-durations-raised", &["session"]),
    ("simulate-task-renamed", &["other"]),
    ("star-escape-widened", &["access"]),
    ("tag-in-policy-variable", &["access"]),
    ("tag-key-lower-case", &["access"]),
    ("tag-removed-lifts-deny", &["access"]),
    ("tagged-permission-set-added", &["access"]),
    ("trust-through-account-root", &["access"]),
    ("user-signed-zero", &["exposure"]),
    ("stack-set-account-listed", &["access"]),
    ("stack-set-auto-deployment-off", &["access"]),
    ("stack-set-baseline-trusts-more", &["access"]),
    ("stack-set-exclusion-lifted", &["access"]),
    ("stack-set-ou-added", &["access"]),
    ("stack-set-ou-removed", &["access"]),
    ("stack-set-region-moved", &["access"]),
    ("stack-set-only-to-all-but", &["access"]),
    ("stack-set-ou-moved-to-wider-target", &["access"]),
];

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(CASES)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {CASES}");
    cases
}

fn name(case: &Path) -> String {
    case.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn diff(case: &Path, extra: &[&str]) -> (i32, String, String) {
    let (old, new) = (arg(&case.join("old.toml")), arg(&case.join("new.toml")));
    let mut args = vec!["diff", old.as_str(), new.as_str()];
    args.extend_from_slice(extra);
    trustgen_in(&args, Path::new("."), &[])
}

fn parse(json: &str) -> Json {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}):\n{json}"))
}

/// Compares `actual` with the file at `path`, or writes it under UPDATE_GOLDEN=1.
fn golden(path: &Path, actual: &str) {
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs (if intended: UPDATE_GOLDEN=1 cargo test --test integration diff)\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

#[test]
fn each_pair_reports_exactly_its_expected_json() {
    for case in cases() {
        let (code, stdout, stderr) = diff(&case, &["--format", "json"]);
        assert_eq!(code, 0, "{}: {stderr}", case.display());
        golden(&case.join("expected.json"), &stdout);
        // Deterministic: the same bytes on a second run.
        assert_eq!(diff(&case, &["--format", "json"]).1, stdout);
    }
}

#[test]
fn fail_on_broaden_exits_1_exactly_when_access_broadens() {
    let names: Vec<String> = cases().iter().map(|c| name(c)).collect();
    let listed: Vec<String> = BROADENS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        names, listed,
        "every case needs its expectation in BROADENS"
    );
    for (case, broadens) in BROADENS {
        let case = Path::new(CASES).join(case);
        let (_, json, _) = diff(&case, &["--format", "json"]);
        assert_eq!(parse(&json)["broadens"], *broadens, "{}", case.display());
        for format in ["text", "markdown", "json"] {
            let (code, stdout, stderr) = diff(&case, &["--format", format, "--fail-on-broaden"]);
            assert_eq!(
                code,
                i32::from(*broadens),
                "{} --format {format}: {stderr}",
                case.display()
            );
            // The report is there either way, for the reviewer.
            assert!(!stdout.is_empty());
            assert_eq!(stderr.contains("access broadens"), *broadens);
        }
        // Without the flag, a comparison that ran exits 0.
        assert_eq!(diff(&case, &[]).0, 0);
    }
    // A pure reordering reports nothing at all.
    let (_, text, _) = diff(&Path::new(CASES).join("reordered"), &[]);
    assert!(text.contains("No access changes."), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    // Each case broadens (or is reported) for its own reason: the kinds it must show, and
    // when it broadens, a broadening change of one of them.
    for (case, kinds) in KINDS {
        let report = parse(&diff(&Path::new(CASES).join(case), &["--format", "json"]).1);
        let changes = report["changes"].as_array().cloned().unwrap_or_default();
        for kind in *kinds {
            assert!(
                changes.iter().any(|c| c["kind"] == *kind),
                "{case}: no {kind} change in {changes:#?}"
            );
        }
        let broadening: Vec<&Json> = changes.iter().filter(|c| c["broadens"] == true).collect();
        assert!(
            broadening
                .iter()
                .all(|c| kinds.iter().any(|kind| c["kind"] == *kind)),
            "{case}: broadens for another reason: {broadening:#?}"
        );
    }
}

/// The changes of a JSON report that are `what`, with this `change` mark.
fn changes<'r>(report: &'r Json, what: &'r str, mark: &'r str) -> impl Iterator<Item = &'r Json> {
    report["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(move |c| c["what"] == what && c["change"] == mark)
}

/// A trust condition as a comparable value: each key's values sorted, and an
/// `aws:PrincipalArn` narrowing reduced to the principal of the edge.
fn normalised_condition(condition: &Json, principal: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut clauses = BTreeMap::new();
    for (operator, keys) in condition.as_object().into_iter().flatten() {
        for (key, values) in keys.as_object().into_iter().flatten() {
            let values: BTreeSet<String> = if key == "aws:PrincipalArn" {
                BTreeSet::from([principal.to_string()])
            } else {
                list(values).into_iter().collect()
            };
            clauses.insert(format!("{operator} {key}"), values);
        }
    }
    clauses
}

/// What a generated role grants, as comparable text: its statements without Sids, actions,
/// resources and condition values sorted; its managed policies; its boundary.
fn grants(role: &DeployedRole) -> BTreeSet<String> {
    let mut grants = BTreeSet::new();
    for statement in role.inline.iter().flat_map(statements) {
        let sorted = |value: &Json| list(value).into_iter().collect::<BTreeSet<_>>();
        let condition: BTreeMap<String, BTreeSet<String>> =
            normalised_condition(&statement["Condition"], "");
        grants.insert(format!(
            "{} {:?} {:?} {condition:?}",
            statement["Effect"],
            sorted(&statement["Action"]),
            sorted(&statement["Resource"])
        ));
    }
    grants.extend(role.managed.iter().map(|arn| format!("managed {arn}")));
    grants.extend(role.boundary.iter().map(|arn| format!("boundary {arn}")));
    grants
}

/// The assume edges `diff` reports are the difference of the `sts:AssumeRole` allows in
/// the two specs' generated trust policies, derived from the templates themselves; the
/// roles whose grants it reports are the roles whose generated policies changed.
#[test]
fn assume_edges_and_roles_match_the_generated_cloudformation() {
    for case in cases() {
        let label = case.display().to_string();
        let (old, new) = (
            generate(&case.join("old.toml")),
            generate(&case.join("new.toml")),
        );
        let (before, after) = (
            trust_allows_with_conditions(&old),
            trust_allows_with_conditions(&new),
        );
        let report = parse(&diff(&case, &["--format", "json"]).1);
        let reported = |side: &str, change: &str| -> BTreeSet<(String, String)> {
            changes(&report, "assume", side)
                .filter(|e| e["edge_change"] == change)
                .map(|e| {
                    (
                        e["principal"].as_str().unwrap_or_default().to_string(),
                        e["role"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        };
        let pairs = |allows: &BTreeMap<(String, String), Json>| -> BTreeSet<(String, String)> {
            allows.keys().cloned().collect()
        };
        let (pairs_before, pairs_after) = (pairs(&before), pairs(&after));
        assert_eq!(
            reported("added", "edge"),
            &pairs_after - &pairs_before,
            "{label}: new edges"
        );
        assert_eq!(
            reported("removed", "edge"),
            &pairs_before - &pairs_after,
            "{label}: edges gone"
        );
        // A pair on both sides whose trust condition changed is a guard change, reported
        // on both sides; one reported without a change in the trust policy can only come
        // from the developer policy's conditions (the tag).
        // (`principal`: the same pair trusted through the account root instead of by name.)
        let guard_changes = &reported("added", "guards") | &reported("added", "principal");
        assert_eq!(
            guard_changes,
            &reported("removed", "guards") | &reported("removed", "principal"),
            "{label}"
        );
        let trust_changed: BTreeSet<(String, String)> = pairs_before
            .intersection(&pairs_after)
            .filter(|pair| {
                normalised_condition(&before[*pair], &pair.0)
                    != normalised_condition(&after[*pair], &pair.0)
            })
            .cloned()
            .collect();
        assert!(
            trust_changed.is_subset(&guard_changes),
            "{label}: unreported guard changes {:?}",
            &trust_changed - &guard_changes
        );
        for edge in changes(&report, "assume", "added") {
            let pair = (
                edge["principal"].as_str().unwrap_or_default().to_string(),
                edge["role"].as_str().unwrap_or_default().to_string(),
            );
            if edge["edge_change"] == "guards" && !trust_changed.contains(&pair) {
                let labels: Vec<String> = list(&edge["guards_added"])
                    .into_iter()
                    .chain(list(&edge["guards_removed"]))
                    .collect();
                assert!(
                    labels.iter().all(|l| l.starts_with("tag ")),
                    "{label}: {pair:?} reported {labels:?} but its trust did not change"
                );
            }
        }
        // Roles: the grants of exactly the roles whose generated policies differ.
        let by_arn = |output: &crate::access::Output| -> BTreeMap<String, BTreeSet<String>> {
            output
                .roles
                .iter()
                .map(|role| (role.arn.clone(), grants(role)))
                .collect()
        };
        let (roles_before, roles_after) = (by_arn(&old), by_arn(&new));
        let empty = BTreeSet::new();
        let changed: BTreeSet<String> = roles_before
            .keys()
            .chain(roles_after.keys())
            .filter(|arn| {
                roles_before.get(*arn).unwrap_or(&empty) != roles_after.get(*arn).unwrap_or(&empty)
            })
            .cloned()
            .collect();
        let reported_roles: BTreeSet<String> = ["added", "removed"]
            .iter()
            .flat_map(|side| changes(&report, "grant", side))
            .filter(|p| {
                p["holder_kind"] != "developer_policy" && p["holder_kind"] != "session_policy"
            })
            .filter_map(|p| p["holder"].as_str().map(str::to_string))
            .collect();
        assert_eq!(
            reported_roles, changed,
            "{label}: roles whose grants changed"
        );
    }
}

#[test]
fn the_markdown_of_a_pair_is_golden_and_one_row_per_change() {
    let case = Path::new(CASES).join("prod-destination-added");
    let (code, markdown, stderr) = diff(&case, &["--format", "markdown"]);
    assert_eq!(code, 0, "{stderr}");
    golden(&case.join("expected.md"), &markdown);
    let report = parse(&diff(&case, &["--format", "json"]).1);
    let all = report["changes"].as_array().cloned().unwrap_or_default();
    let broadening = all.iter().filter(|c| c["broadens"] == true).count();
    let rows = |text: &str| {
        text.lines()
            .filter(|l| {
                ["| added", "| removed", "| changed"]
                    .iter()
                    .any(|m| l.starts_with(m))
            })
            .count()
    };
    // The broadening changes first, then every change, folded.
    let (first, folded) = markdown
        .split_once("<details>")
        .unwrap_or_else(|| panic!("no <details> in {markdown}"));
    assert_eq!(rows(first), broadening, "{markdown}");
    assert_eq!(rows(folded), all.len(), "{markdown}");
    assert!(
        markdown.starts_with("<!-- trustgen-diff -->\n**Access broadens: "),
        "{markdown}"
    );
}

/// The `|` a table row is cut at: those not escaped, backslashes pairing up from the left.
fn unescaped_pipes(line: &str) -> usize {
    let (mut pipes, mut escaped) = (0, false);
    for c in line.chars() {
        match c {
            '\\' => escaped = !escaped,
            '|' if !escaped => pipes += 1,
            _ => escaped = false,
        }
        if c == '|' {
            escaped = false;
        }
    }
    pipes
}

/// Spec text is data in every format: Markdown rows keep their columns, the terminal sees
/// no control character, JSON gives the values back exactly.
#[test]
fn hostile_spec_text_stays_data_in_every_format() {
    let case = Path::new(CASES).join("hostile-text");
    let (_, markdown, _) = diff(&case, &["--format", "markdown"]);
    let mut columns = 0;
    for line in markdown.lines().filter(|l| l.starts_with('|')) {
        let pipes = unescaped_pipes(line);
        if line.starts_with("| change") {
            columns = pipes;
        } else {
            assert_eq!(pipes, columns, "{line}");
        }
    }
    assert!(!markdown.contains('\u{1b}'), "{markdown}");
    assert!(
        markdown.contains("``arn:aws:iam::111122223333:role/a\\|b`c/shop-api``"),
        "{markdown}"
    );
    let (_, text, _) = diff(&case, &[]);
    assert!(
        !text.contains('\u{1b}') && text.contains("\\u{1b}[2J"),
        "{text}"
    );
    assert!(text.contains("x\\u{a}| forged | row |\\u{a}`y"), "{text}");
    assert_eq!(unescaped_pipes(r"| a \| b \\| c \\\| d |"), 3);
    // One line per entry: every line is a heading, a section title or an entry.
    for line in text.lines().skip(2).filter(|l| !l.is_empty()) {
        let trimmed = line.trim_start();
        assert!(
            line.starts_with("account ")
                || (line.starts_with("  ") && !line.starts_with("    "))
                || ["+ ", "- ", "~ "].iter().any(|m| trimmed.starts_with(m)),
            "{line}"
        );
    }
    let report = parse(&diff(&case, &["--format", "json"]).1);
    let values: Vec<String> = changes(&report, "grant", "added")
        .flat_map(|p| p["grant"]["conditions"].as_array().into_iter().flatten())
        .flat_map(|c| list(&c["values"]))
        .collect();
    assert!(
        values.contains(&"x\n| forged | row |\n`y\u{1b}[2J\\| z".to_string()),
        "{values:?}"
    );
    let images: Vec<String> = changes(&report, "field", "changed")
        .filter(|c| c["field"] == "image")
        .filter_map(|c| c["after"].as_str().map(str::to_string))
        .collect();
    assert_eq!(images, ["envoy:`whoami`|1.30"]);
}

/// Runs git in `dir` without the user's or the system's configuration.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=trustgen-test",
            "-c",
            "user.email=test@trustgen.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("cannot run git: {e}"));
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to)
        .unwrap_or_else(|e| panic!("{} -> {}: {e}", from.display(), to.display()));
}

#[test]
fn base_compares_with_the_spec_at_a_git_revision() {
    let case = Path::new(CASES).join("dev-principal-added");
    let (_, expected, _) = diff(&case, &["--format", "json"]);
    let repo = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let root = repo.path();
    let infra = root.join("infra");
    std::fs::create_dir(&infra).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let spec = infra.join("trustgen.toml");
    git(root, &["init", "-q"]);
    copy(&case.join("old.toml"), &spec);
    git(root, &["add", "infra/trustgen.toml"]);
    git(root, &["commit", "-q", "-m", "base"]);
    copy(&case.join("new.toml"), &spec);
    let run = |args: &[&str], cwd: &Path| trustgen_in(args, cwd, &[]);
    // From the root, from the spec's directory (SPEC defaults to trustgen.toml), and from
    // elsewhere with an absolute path: the path inside the repository is what counts.
    let spec_arg = arg(&spec);
    for (args, cwd) in [
        (
            vec![
                "diff",
                "infra/trustgen.toml",
                "--base",
                "HEAD",
                "--format",
                "json",
            ],
            root.to_path_buf(),
        ),
        (
            vec!["diff", "--base", "HEAD", "--format", "json"],
            infra.clone(),
        ),
        (
            vec!["diff", &spec_arg, "--base", "HEAD", "--format", "json"],
            PathBuf::from("."),
        ),
    ] {
        let (code, stdout, stderr) = run(&args, &cwd);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stdout, expected, "{args:?}");
    }
    let (code, text, _) = run(&["diff", "--base", "HEAD", "--fail-on-broaden"], &infra);
    assert_eq!(code, 1);
    assert!(
        text.starts_with("trustgen diff HEAD:infra/trustgen.toml -> trustgen.toml\n"),
        "{text}"
    );
    // Committed: nothing changed since HEAD, and HEAD~1 is the base again.
    git(root, &["commit", "-q", "-am", "bob"]);
    let (code, text, _) = run(&["diff", "--base", "HEAD", "--fail-on-broaden"], &infra);
    assert_eq!((code, text.lines().nth(1)), (0, Some("No access changes.")));
    let (_, stdout, _) = run(&["diff", "--base", "HEAD~1", "--format", "json"], &infra);
    assert_eq!(stdout, expected);
    // A spec the revision does not have counts as empty: everything it grants is new.
    copy(&case.join("new.toml"), &infra.join("other.toml"));
    let (code, stdout, stderr) = run(
        &[
            "diff",
            "other.toml",
            "--base",
            "HEAD",
            "--format",
            "json",
            "--fail-on-broaden",
        ],
        &infra,
    );
    assert_eq!(code, 1, "{stderr}");
    let report = parse(&stdout);
    assert_eq!(changes(&report, "assume", "removed").count(), 0);
    assert!(changes(&report, "assume", "added").count() >= 8);
    let (_, text, _) = run(&["diff", "other.toml", "--base", "HEAD"], &infra);
    assert!(
        text.contains("HEAD:infra/other.toml (absent: nothing granted)"),
        "{text}"
    );
}

#[test]
fn base_refuses_options_odd_revisions_and_specs_outside_the_repository() {
    let case = Path::new(CASES).join("dev-principal-added");
    let repo = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let root = repo.path();
    git(root, &["init", "-q"]);
    copy(&case.join("old.toml"), &root.join("trustgen.toml"));
    git(root, &["add", "trustgen.toml"]);
    git(root, &["commit", "-q", "-m", "base"]);
    let written = root.join("written");
    let output_option = format!("--base=--output={}", written.display());
    for (revision, message) in [
        ("--base=-n", "not a revision diff accepts"),
        (output_option.as_str(), "not a revision diff accepts"),
        ("--base=HEAD:trustgen.toml", "not a revision diff accepts"),
        ("--base=HEAD trustgen.toml", "not a revision diff accepts"),
        ("--base=", "not a revision diff accepts"),
        ("--base=no-such-branch", "unknown revision `no-such-branch`"),
        ("--base=HEAD..HEAD", "unknown revision"),
    ] {
        let (code, stdout, stderr) = trustgen_in(&["diff", revision], root, &[]);
        assert_eq!(code, 2, "{revision}: {stdout}");
        assert!(stderr.contains(message), "{revision}: {stderr}");
    }
    assert!(!written.exists(), "a revision was taken for an option");
    // A spec outside any repository, and one reached through a link out of it.
    let elsewhere = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let outside = elsewhere.path().join("trustgen.toml");
    copy(&case.join("new.toml"), &outside);
    let (code, _, stderr) = trustgen_in(&["diff", &arg(&outside), "--base", "HEAD"], root, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not in a git repository"), "{stderr}");
    std::os::unix::fs::symlink(&outside, root.join("linked.toml"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let (code, _, stderr) = trustgen_in(&["diff", "linked.toml", "--base", "HEAD"], root, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("linked.toml is a symbolic link"),
        "{stderr}"
    );
}

/// Red team: a pull request that only turns the spec into a symbolic link to another spec
/// already committed. `gen` deploys what the link leads to under the infra path; `--base`
/// must not compare that other file with its own past ("No access changes.").
#[test]
fn base_refuses_a_spec_that_is_a_symbolic_link_at_either_revision() {
    let narrow = Path::new(CASES).join("dev-principal-added/old.toml");
    let wide = Path::new(CASES).join("prod-destination-added/new.toml");
    let repo = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let root = repo.path();
    for dir in ["infra", "sandbox", "other"] {
        std::fs::create_dir(root.join(dir)).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    git(root, &["init", "-q"]);
    copy(&narrow, &root.join("infra/trustgen.toml"));
    copy(&wide, &root.join("sandbox/wide.toml"));
    copy(&wide, &root.join("other/trustgen.toml"));
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    // The spec itself becomes a link to the wide spec.
    std::fs::remove_file(root.join("infra/trustgen.toml")).unwrap_or_else(|e| panic!("rm: {e}"));
    std::os::unix::fs::symlink("../sandbox/wide.toml", root.join("infra/trustgen.toml"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let (code, stdout, stderr) = trustgen_in(
        &[
            "diff",
            "infra/trustgen.toml",
            "--base",
            "HEAD",
            "--fail-on-broaden",
        ],
        root,
        &[],
    );
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("infra/trustgen.toml is a symbolic link"),
        "{stderr}"
    );
    assert!(!stdout.contains("No access changes"), "{stdout}");
    // Committed as a link: the revision has it as a link too, and a later diff refuses it
    // at the base as well.
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "link"]);
    std::fs::remove_file(root.join("infra/trustgen.toml")).unwrap_or_else(|e| panic!("rm: {e}"));
    copy(&narrow, &root.join("infra/trustgen.toml"));
    let (code, _, stderr) = trustgen_in(
        &["diff", "infra/trustgen.toml", "--base", "HEAD"],
        root,
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("HEAD:infra/trustgen.toml is a symbolic link at HEAD"),
        "{stderr}"
    );
    // A directory on the way turned into a link.
    git(root, &["checkout", "-q", "HEAD~1", "--", "."]);
    git(root, &["rm", "-q", "-r", "--cached", "infra"]);
    std::fs::remove_dir_all(root.join("infra")).unwrap_or_else(|e| panic!("rm: {e}"));
    std::os::unix::fs::symlink("other", root.join("infra"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let (code, _, stderr) = trustgen_in(
        &["diff", "infra/trustgen.toml", "--base", "HEAD~1"],
        root,
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("is a symbolic link"), "{stderr}"); // `link/..` is the parent of where the link leads, not of the link: refused too.
    for dir in ["deep/down", "deep/other"] {
        std::fs::create_dir_all(root.join(dir)).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    copy(&wide, &root.join("deep/other/trustgen.toml"));
    std::os::unix::fs::symlink("deep/down", root.join("hop"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let (code, _, stderr) = trustgen_in(
        &["diff", "hop/../other/trustgen.toml", "--base", "HEAD~1"],
        root,
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("followed by `..`"), "{stderr}");
}

/// Red team: a pull request turns the directory holding the spec into a git submodule
/// whose own history has a wide spec under the same revision name. `--base main` run for
/// a spec in the submodule would compare the submodule with itself ("No access changes.").
#[test]
fn base_refuses_a_spec_inside_a_git_submodule() {
    let narrow = Path::new(CASES).join("dev-principal-added/old.toml");
    let wide = Path::new(CASES).join("prod-destination-added/new.toml");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (inner, outer) = (dir.path().join("inner"), dir.path().join("outer"));
    for repo in [&inner, &outer] {
        std::fs::create_dir(repo).unwrap_or_else(|e| panic!("mkdir: {e}"));
        git(repo, &["init", "-q", "-b", "main"]);
    }
    copy(&wide, &inner.join("trustgen.toml"));
    git(&inner, &["add", "."]);
    git(&inner, &["commit", "-q", "-m", "wide"]);
    std::fs::create_dir(outer.join("infra")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    copy(&narrow, &outer.join("infra/trustgen.toml"));
    git(&outer, &["add", "."]);
    git(&outer, &["commit", "-q", "-m", "narrow"]);
    git(&outer, &["checkout", "-q", "-b", "pr"]);
    git(&outer, &["rm", "-q", "-r", "infra"]);
    let url = arg(&inner);
    git(
        &outer,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            &url,
            "infra",
        ],
    );
    git(&outer, &["commit", "-q", "-m", "infra as a submodule"]);
    let sub = outer.join("infra");
    for (cwd, spec) in [(&outer, "infra/trustgen.toml"), (&sub, "trustgen.toml")] {
        let (code, stdout, stderr) = trustgen_in(
            &["diff", spec, "--base", "main", "--fail-on-broaden"],
            cwd,
            &[],
        );
        assert_eq!(code, 2, "{stdout}");
        assert!(stderr.contains("inside a git submodule"), "{stderr}");
    }
    // The other way: the base has the submodule, the pull request a plain directory.
    git(&outer, &["checkout", "-q", "-b", "back"]);
    git(&outer, &["rm", "-q", "-r", "--cached", "infra"]);
    std::fs::remove_dir_all(&sub).unwrap_or_else(|e| panic!("rm: {e}"));
    std::fs::create_dir(&sub).unwrap_or_else(|e| panic!("mkdir: {e}"));
    copy(&narrow, &sub.join("trustgen.toml"));
    let (code, _, stderr) = trustgen_in(
        &["diff", "infra/trustgen.toml", "--base", "pr"],
        &outer,
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("is a git submodule at pr"), "{stderr}");
}

#[test]
fn invalid_specs_exit_2_naming_the_side_located() {
    let valid = Path::new(CASES).join("reordered/old.toml");
    let invalid = Path::new("tests/fixtures/invalid/unknown-task-key.toml");
    let (code, stdout, stderr) =
        trustgen_in(&["diff", &arg(invalid), &arg(&valid)], Path::new("."), &[]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.starts_with("the old spec is invalid:\n"), "{stderr}");
    assert!(
        stderr.contains("--> tests/fixtures/invalid/unknown-task-key.toml:28:1"),
        "{stderr}"
    );
    assert!(!stderr.contains("the new spec"));
    let (code, _, stderr) =
        trustgen_in(&["diff", &arg(invalid), &arg(invalid)], Path::new("."), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the old spec is invalid") && stderr.contains("the new spec is invalid")
    );
    // At a revision: the diagnostics name it.
    let repo = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let root = repo.path();
    git(root, &["init", "-q"]);
    copy(invalid, &root.join("trustgen.toml"));
    git(root, &["add", "trustgen.toml"]);
    git(root, &["commit", "-q", "-m", "broken"]);
    copy(&valid, &root.join("trustgen.toml"));
    let (code, _, stderr) = trustgen_in(&["diff", "--base", "HEAD"], root, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the old spec is invalid"), "{stderr}");
    assert!(stderr.contains("--> HEAD:trustgen.toml:28:1"), "{stderr}");
    let (_, help, _) = trustgen_in(&["diff", "--help"], Path::new("."), &[]);
    for wanted in [
        "Usage: trustgen diff OLD_SPEC NEW_SPEC [OPTIONS]",
        "trustgen diff [SPEC] --base GIT_REV [OPTIONS]",
        "--fail-on-broaden",
        "Exit codes:",
    ] {
        assert!(help.contains(wanted), "{wanted}: {help}");
    }
    // A spec that is not there is said once.
    let (code, _, stderr) = trustgen_in(&["diff", "missing.toml", "--base", "HEAD"], root, &[]);
    assert_eq!(code, 2);
    assert_eq!(stderr.matches("cannot read spec").count(), 1, "{stderr}");
    // Usage: two specs, or one and --base.
    for args in [
        vec!["diff", "a.toml"],
        vec!["diff"],
        vec!["diff", "a.toml", "b.toml", "--base", "HEAD"],
    ] {
        let (code, _, _) = trustgen_in(&args, Path::new("."), &[]);
        assert_eq!(code, 2, "{args:?}");
    }
}
