//! A thousand tasks in one account: stacks split under CloudFormation's quotas in spec
//! order, execution roles sharded under IAM's inline limit, each still exact.

use std::process::Command;

use crate::support::{generate_into, require_tool, run, synthetic, Moto};
use trustgen::input::{self, SourceFile};
use trustgen::validate_and_build;

#[test]
fn a_thousand_task_account_splits_into_stacks_cloudformation_accepts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("big.toml"), synthetic(1000, 1))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_trustgen"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let output = run(&["gen", "big.toml"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stacks = dir.path().join("generated/cloudformation/acct000");
    let mut templates: Vec<String> = std::fs::read_dir(&stacks)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("tasks"))
        .collect();
    templates.sort();
    assert!(templates.len() >= 6, "{templates:?}");
    let mut families = Vec::new();
    for name in &templates {
        let text = std::fs::read_to_string(stacks.join(name)).unwrap_or_default();
        let resources = text.matches("\n    Type: ").count();
        let outputs = text
            .split("\nOutputs:\n")
            .nth(1)
            .map_or(0, |list| list.matches("\n    Value: ").count());
        assert!(
            resources <= 500 && outputs <= 200 && text.len() <= 1_000_000,
            "{name}: {resources} resources, {outputs} outputs, {} bytes",
            text.len()
        );
        families.extend(
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("Family: "))
                .map(str::to_string),
        );
    }
    // Spec order across stacks: tasks.yaml, tasks-2.yaml, … hold svc00000, svc00001, …
    let mut ordered: Vec<(usize, String)> = templates
        .iter()
        .map(|n| {
            (
                n.trim_start_matches("tasks")
                    .trim_start_matches('-')
                    .trim_end_matches(".yaml")
                    .parse()
                    .unwrap_or(1),
                n.clone(),
            )
        })
        .collect();
    ordered.sort();
    let mut in_order = Vec::new();
    for (_, name) in ordered {
        let text = std::fs::read_to_string(stacks.join(name)).unwrap_or_default();
        in_order.extend(
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("Family: "))
                .map(str::to_string),
        );
    }
    let expected: Vec<String> = (0..1000).map(|t| format!("synth-svc{t:05}")).collect();
    assert_eq!(in_order, expected);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("generated/trustgen.lock.json"))
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    let staged: usize = manifest["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["stacks"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(
        staged,
        templates.len() + 2,
        "every task stack, developers.yaml and trust.yaml are staged"
    );
    // tasks-2.yaml, … name the execution role tasks.yaml creates: a stage after it.
    let stage_of = |template: &str| {
        manifest["stages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|stage| {
                stage["stacks"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|s| s["template"] == template)
            })
            .and_then(|stage| stage["stage"].as_u64())
    };
    let first = stage_of("cloudformation/acct000/tasks.yaml");
    let second = stage_of("cloudformation/acct000/tasks-2.yaml");
    assert!(
        first.is_some() && second > first && stage_of("cloudformation/acct000/trust.yaml") > second,
        "{first:?} {second:?}"
    );
    assert_eq!(families.len(), 1000);
}

#[test]
fn execution_roles_shard_and_each_reads_only_its_tasks_secrets() {
    let source = SourceFile::new("big.toml", synthetic(1000, 1));
    let spec = input::load(&source).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let model = validate_and_build(&spec).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let account = &model.accounts[0];
    assert!(account.execution_roles.len() > 1);
    let mut seen = 0;
    for definition in &account.task_definitions {
        let role = account
            .execution_roles
            .iter()
            .find(|r| r.arn == definition.execution_role_arn)
            .unwrap_or_else(|| panic!("{} has no execution role", definition.family));
        let policy =
            serde_json::to_string(&role.inline_policies[0].document.to_json()).unwrap_or_default();
        let secret = format!("parameter/{}/db-password", definition.task);
        assert!(
            policy.contains(&secret),
            "{} cannot read its own secret",
            definition.family
        );
        assert!(role.inline_policies[0].document.size() <= 10_240);
        seen += 1;
    }
    let total: usize = account
        .execution_roles
        .iter()
        .map(|r| {
            serde_json::to_string(&r.inline_policies[0].document.to_json())
                .unwrap_or_default()
                .matches("db-password")
                .count()
        })
        .sum();
    assert_eq!(
        total, seen,
        "each secret is readable by exactly one execution role"
    );
}

/// The split stacks deploy: in stage order, templates over 51,200 bytes through S3 (as
/// CloudFormation requires), into a fresh moto_server; afterwards every task role and task
/// definition exists and every role a task definition names exists (`deploy_split.py`).
#[test]
fn a_thousand_task_account_deploys_stack_by_stack() {
    if !(require_tool("moto_server", "--help") && require_tool("python3", "--version")) {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("big.toml");
    std::fs::write(&spec, synthetic(1000, 1)).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("out");
    generate_into(&spec, &out);
    let stacks = std::fs::read_dir(out.join("cloudformation/acct000"))
        .into_iter()
        .flatten()
        .count();
    assert!(stacks >= 6, "only {stacks} stacks");
    let moto = Moto::start();
    let (ok, text) = run(Command::new("python3").args([
        "tests/tools/deploy_split.py",
        "--spec",
        &spec.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--moto",
        &moto.endpoint,
    ]));
    assert!(ok, "{text}");
    assert!(text.contains("1000 task roles"), "{text}");
}
