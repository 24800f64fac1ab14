//! Every example's full output, byte for byte, against `tests/golden/<example>/`.
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test golden`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{examples, generate, stem};

fn read_tree(root: &Path) -> BTreeMap<String, String> {
    crate::support::tree(root)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

#[test]
fn every_example_matches_its_golden_output() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut problems = Vec::new();
    for spec in examples() {
        let golden_dir = Path::new("tests/golden").join(stem(&spec));
        let generated: BTreeMap<String, String> = generate(&spec)
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
        if update {
            let _ = std::fs::remove_dir_all(&golden_dir);
            for (path, contents) in &generated {
                let target = golden_dir.join(path);
                if let Some(parent) = target.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                if let Err(error) = std::fs::write(&target, contents) {
                    panic!("cannot write {}: {error}", target.display());
                }
            }
            continue;
        }
        let golden = read_tree(&golden_dir);
        for path in golden.keys().filter(|p| !generated.contains_key(*p)) {
            problems.push(format!(
                "{}: {path} is in the golden tree but no longer generated",
                spec.display()
            ));
        }
        for (path, contents) in &generated {
            match golden.get(path) {
                None => problems.push(format!(
                    "{}: {path} is generated but has no golden file",
                    spec.display()
                )),
                Some(expected) if expected != contents => {
                    let line = expected
                        .lines()
                        .zip(contents.lines())
                        .position(|(a, b)| a != b)
                        .map_or(
                            expected.lines().count().min(contents.lines().count()) + 1,
                            |i| i + 1,
                        );
                    problems.push(format!(
                        "{}: {path} differs from its golden file from line {line}:\n  golden:    {}\n  generated: {}",
                        spec.display(),
                        expected.lines().nth(line - 1).unwrap_or("<end>"),
                        contents.lines().nth(line - 1).unwrap_or("<end>")
                    ));
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(if intended: UPDATE_GOLDEN=1 cargo test golden)",
        problems.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    for spec in examples() {
        assert_eq!(
            generate(&spec),
            generate(&spec),
            "{} differs between two runs",
            spec.display()
        );
    }
}

/// The developer stack must roll out unchanged to every dev account (a StackSet): it holds
/// no literal of its own account, and two dev accounts get byte-identical templates.
#[test]
fn developer_stacks_are_account_independent() {
    let spec = Path::new("tests/fixtures/specs/govcloud-two-dev-envs.toml");
    let files = generate(spec);
    let developer_stacks: Vec<_> = files
        .iter()
        .filter(|f| f.path.ends_with("developers.yaml"))
        .collect();
    assert_eq!(developer_stacks.len(), 2);
    for (stack, own_id) in developer_stacks
        .iter()
        .zip(["000022223333", "000033334444"])
    {
        assert!(
            !stack.contents.contains(own_id),
            "{} contains its own account id",
            stack.path
        );
    }
    assert_eq!(developer_stacks[0].contents, developer_stacks[1].contents);
    for example in examples() {
        for file in generate(&example)
            .iter()
            .filter(|f| f.path.starts_with("cloudformation/"))
        {
            let account = file.path.split('/').nth(1).unwrap_or_default();
            let text = std::fs::read_to_string(&example).unwrap_or_default();
            let spec: toml::Table = toml::from_str(&text).unwrap_or_default();
            let id = spec["accounts"][account]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            // Own-account ARNs are pseudo parameters; only strings the spec wrote may repeat it.
            for line in file.contents.lines().filter(|l| l.contains(&id)) {
                assert!(
                    text.contains(
                        line.trim()
                            .trim_start_matches("- ")
                            .split(": ")
                            .last()
                            .unwrap_or(line)
                            .trim_matches('"')
                    ),
                    "{}: {line}",
                    file.path
                );
            }
        }
    }
}

/// Outputs are exported only when the spec asks: an export another stack imports freezes
/// the value (CloudFormation refuses to change it), so stacks are coupled by ARN instead.
#[test]
fn cloudformation_exports_are_opt_in() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string("examples/cross-account-pair.toml").unwrap_or_default();
    let exported = text.replacen(
        "log_retention_days = 30\n",
        "log_retention_days = 30\ncloudformation_exports = true\n",
        1,
    );
    assert_ne!(text, exported, "the example sets log_retention_days");
    let spec = dir.path().join("exported.toml");
    std::fs::write(&spec, exported).unwrap_or_else(|e| panic!("{e}"));
    let tasks = |files: Vec<trustgen::GeneratedFile>| {
        files
            .into_iter()
            .find(|f| f.path == "cloudformation/source/tasks.yaml")
            .map(|f| f.contents)
            .unwrap_or_default()
    };
    let plain = tasks(generate(Path::new("examples/cross-account-pair.toml")));
    assert!(plain.contains("\nOutputs:\n") && !plain.contains("Export:"));
    let with_exports = tasks(generate(&spec));
    assert!(
        with_exports.contains("    Export:\n      Name: !Sub ${AWS::StackName}-TestTaskRoleArn\n"),
        "{with_exports}"
    );
}
