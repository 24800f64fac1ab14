//! Invalid specs: each exits 2 with located diagnostics (snapshot-checked in full) and leaves
//! the output directory untouched. Regenerate snapshots after an intended wording change
//! with `UPDATE_GOLDEN=1 cargo test diagnostics`.

use std::path::Path;

use crate::support::toml_files;

fn run(args: &[&str]) -> (i32, String, String) {
    crate::support::trustgen_in(args, Path::new("."), &[])
}

#[test]
fn every_invalid_spec_exits_2_with_its_located_diagnostics_and_writes_nothing() {
    let specs = toml_files("tests/fixtures/invalid");
    assert!(specs.len() >= 40, "the corpus has {} specs", specs.len());
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    for spec in &specs {
        let out = scratch.path().join("out");
        std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join("previous.txt"), "untouched").unwrap_or_else(|e| panic!("{e}"));
        let spec_arg = spec.to_string_lossy().into_owned();
        let (code, stdout, stderr) = run(&["gen", &spec_arg, "-o", &out.to_string_lossy()]);
        let name = spec.display();
        if code != 2 {
            problems.push(format!("{name}: exit {code}, expected 2\n{stderr}"));
        }
        if !stdout.is_empty() {
            problems.push(format!("{name}: printed to stdout: {stdout}"));
        }
        let entries: Vec<_> = std::fs::read_dir(&out)
            .into_iter()
            .flatten()
            .flatten()
            .collect();
        if entries.len() != 1
            || std::fs::read_to_string(out.join("previous.txt")).unwrap_or_default() != "untouched"
        {
            problems.push(format!("{name}: the output directory was changed"));
        }
        for block in stderr.split("\n\n").filter(|b| b.starts_with("error[")) {
            let located = block
                .lines()
                .any(|line| line.trim_start().starts_with(&format!("--> {spec_arg}:")));
            if !located {
                problems.push(format!(
                    "{name}: a diagnostic without file:line:column:\n{block}"
                ));
            }
        }
        let expected_path = spec.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &stderr).unwrap_or_else(|e| panic!("{e}"));
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != stderr {
                problems.push(format!("{name}: diagnostics differ from {}:\n--- expected\n{expected}\n--- got\n{stderr}", expected_path.display()));
            }
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(
        problems.is_empty(),
        "{}\n(after an intended change: UPDATE_GOLDEN=1 cargo test diagnostics)",
        problems.join("\n")
    );
}

#[test]
fn json_diagnostics_carry_file_line_column_severity_and_code() {
    let (code, stdout, _) = run(&[
        "check",
        "tests/fixtures/invalid/several-independent-errors.toml",
        "--message-format",
        "json",
    ]);
    assert_eq!(code, 2);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        lines[0]["file"],
        "tests/fixtures/invalid/several-independent-errors.toml"
    );
    assert_eq!(lines[0]["line"], 13);
    assert_eq!(lines[0]["column"], 6);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["code"], "invalid-account-id");
}

#[test]
fn warnings_pass_unless_denied() {
    let spec = "tests/fixtures/specs/china-extended-ec2.toml";
    let (code, _, stderr) = run(&["check", spec]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning[extended-trusts-account-root]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning[role-without-permissions]"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["check", spec, "--deny-warnings"]);
    assert_eq!(code, 2, "{stderr}");
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = scratch.path().join("out");
    let (code, _, _) = run(&["gen", spec, "-o", &out.to_string_lossy(), "--deny-warnings"]);
    assert_eq!(code, 2);
    assert!(!out.exists(), "denied warnings write nothing");
}

#[test]
fn sizes_show_each_role_against_its_limits() {
    let (code, stdout, stderr) = run(&["check", "examples/dev-and-prod.toml", "--sizes"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("dev/payments-api"), "{stdout}");
    assert!(stdout.contains("/2048"), "{stdout}");
    assert!(stdout.contains("/10240"), "{stdout}");
}

#[test]
fn the_committed_schema_is_current_and_every_example_points_at_it() {
    let (code, stdout, _) = run(&["schema"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string("schemas/trustgen.schema.json").unwrap_or_default();
    assert!(committed == stdout, "schemas/trustgen.schema.json is stale: run `cargo run -- schema > schemas/trustgen.schema.json`");
    for example in std::fs::read_dir("examples")
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(example.path()).unwrap_or_default();
        assert!(
            text.starts_with("#:schema ../schemas/trustgen.schema.json\n"),
            "{} must start with the #:schema line",
            Path::new(&example.file_name()).display()
        );
    }
}
