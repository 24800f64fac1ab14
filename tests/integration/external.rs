//! The generated files as AWS tooling sees them: cfn-lint, terraform fmt/validate, and a
//! deployment of both backends into a local moto_server, checked independently.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use trustgen::model::names::provider_alias;
use trustgen::model::PartitionExt;
use trustgen::spec::{self, SourceFile};

use crate::support::{
    all_specs, generate_into, prepare_terraform, require_tool, run, stem, terraform, Moto,
};

/// Informational rules too (`--include-checks I`): I3011 asks stateful resources such as
/// log groups for an explicit DeletionPolicy and UpdateReplacePolicy.
#[test]
fn cloudformation_passes_cfn_lint_without_errors_or_warnings() {
    if !require_tool("cfn-lint", "--version") {
        return;
    }
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut templates = Vec::new();
    for spec in all_specs() {
        let out = root.path().join(stem(&spec));
        generate_into(&spec, &out);
        for account in std::fs::read_dir(out.join("cloudformation"))
            .into_iter()
            .flatten()
            .flatten()
        {
            for template in std::fs::read_dir(account.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                templates.push(template.path());
            }
        }
    }
    assert!(
        templates.len() >= 8,
        "expected templates from every spec, found {}",
        templates.len()
    );
    let (ok, text) = run(Command::new("cfn-lint")
        .args(["--include-checks", "I", "--"])
        .args(&templates));
    assert!(
        ok && text.trim().is_empty(),
        "cfn-lint found problems:\n{text}"
    );
}

#[test]
fn terraform_passes_fmt_check_and_validate() {
    if !require_tool("terraform", "version") {
        return;
    }
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut failures = String::new();
    for spec in all_specs() {
        let out = root.path().join(stem(&spec));
        generate_into(&spec, &out);
        let dir = out.join("terraform");
        let (ok, text) = run(terraform(&dir).args(["fmt", "-check", "-diff", "-no-color"]));
        if !ok {
            let _ = writeln!(
                failures,
                "{}: terraform fmt -check:\n{text}",
                spec.display()
            );
        }
        prepare_terraform(&dir);
        let (ok, text) = run(terraform(&dir).args(["validate", "-no-color"]));
        if !ok {
            let _ = writeln!(failures, "{}: terraform validate:\n{text}", spec.display());
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

/// Points every account's provider at moto, as that account (moto scopes credentials from
/// AssumeRole to the role's account, so `allowed_account_ids` is exercised for real).
fn moto_override(spec_path: &Path, endpoint: &str) -> String {
    let source = SourceFile::read(spec_path).unwrap_or_else(|e| panic!("{e}"));
    let spec =
        spec::load(&source).unwrap_or_else(|_| panic!("{} does not parse", spec_path.display()));
    let partition = spec.project.partition;
    let mut text = String::new();
    // IAM Identity Center's provider: its account, in its region (the checker applies
    // everything but its aws_ssoadmin_* resources, which moto cannot host; see deploy.py).
    let identity_center = spec.identity_center.as_ref().and_then(|center| {
        let account = spec.accounts.get(&center.account)?;
        Some((
            trustgen::model::names::IDENTITY_CENTER_PROVIDER.to_string(),
            account,
        ))
    });
    let accounts = spec
        .accounts
        .iter()
        .map(|(name, account)| (provider_alias(name), account))
        .chain(identity_center);
    for (alias, account) in accounts {
        let _ = write!(
            text,
            r#"provider "aws" {{
  alias                       = "{alias}"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {{
    sts      = "{endpoint}"
    iam      = "{endpoint}"
    ecs      = "{endpoint}"
    logs     = "{endpoint}"
    ssoadmin = "{endpoint}"
  }}
  assume_role {{
    role_arn = "arn:{partition}:iam::{id}:role/trustgen-test"
  }}
}}
"#,
            partition = partition.as_str(),
            id = account.id
        );
    }
    text
}

/// Deploys the output (CloudFormation stacks in stage order, then the Terraform root) into
/// moto and runs the independent checker. `Err` carries what failed.
fn deploy_and_check(spec: &Path, out: &Path, moto: &Moto) -> Result<String, String> {
    let dir = out.join("terraform");
    // Only accounts with resources have a provider block to override.
    let providers = std::fs::read_to_string(dir.join("providers.tf")).unwrap_or_default();
    let overrides: String = moto_override(spec, &moto.endpoint)
        .split_inclusive("}\n}\n")
        .filter(|block| {
            block
                .lines()
                .nth(1)
                .and_then(|line| line.split('"').nth(1))
                .is_some_and(|alias| providers.contains(&format!("\"{alias}\"")))
        })
        .collect();
    std::fs::write(dir.join("moto_override.tf"), overrides).map_err(|e| e.to_string())?;
    prepare_terraform(&dir);
    let (ok, text) = run(Command::new("python3").args([
        "tests/tools/check.py",
        "--spec",
        &spec.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--terraform-dir",
        &dir.to_string_lossy(),
        "--moto",
        &moto.endpoint,
    ]));
    if ok {
        Ok(text)
    } else {
        Err(text)
    }
}

fn external_tools_present() -> bool {
    require_tool("terraform", "version")
        && require_tool("moto_server", "--help")
        && require_tool("python3", "--version")
}

#[test]
fn both_backends_deploy_the_same_and_only_what_the_spec_allows() {
    if !external_tools_present() {
        return;
    }
    let specs = all_specs();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Two workers, each with its own emulator: the machine has two cores.
    let halves: Vec<Vec<_>> = vec![
        specs.iter().step_by(2).cloned().collect(),
        specs.iter().skip(1).step_by(2).cloned().collect(),
    ];
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = halves
            .iter()
            .map(|half| {
                let root = root.path();
                scope.spawn(move || {
                    let moto = Moto::start();
                    let mut failures = String::new();
                    for spec in half {
                        let out = root.join(stem(spec));
                        generate_into(spec, &out);
                        match deploy_and_check(spec, &out, &moto) {
                            Ok(text) => eprintln!("{}: {}", spec.display(), text.trim()),
                            Err(text) => {
                                let _ = writeln!(failures, "{}:\n{text}", spec.display());
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_else(|_| "a worker panicked".into()))
            .collect()
    });
    let failures = failures.concat();
    assert!(failures.is_empty(), "{failures}");
}

/// The checker above must be able to fail: a task role stripped of its ECS source guard,
/// and a developer statement smuggled into a prod role, are both reported.
#[test]
fn independent_checker_catches_a_weakened_trust_policy() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = Path::new("examples/dev-and-prod.toml");
    let out = root.path().join("tampered");
    generate_into(spec, &out);
    let dev = out.join("cloudformation/dev/tasks.yaml");
    let text = std::fs::read_to_string(&dev).unwrap_or_default();
    let unguarded = text.replacen(
        "                aws:SourceAccount: !Ref AWS::AccountId\n",
        "                aws:SourceAccount: \"000000000000\"\n",
        1,
    );
    assert_ne!(
        text, unguarded,
        "the example should contain a source guard to remove"
    );
    std::fs::write(&dev, unguarded).unwrap_or_else(|e| panic!("{e}"));
    let prod = out.join("terraform/prod.tf");
    let text = std::fs::read_to_string(&prod).unwrap_or_default();
    let widened = text.replacen(
        "    Statement = [\n",
        "    Statement = [\n      {\n        Sid       = \"DeveloperAccess\"\n        Effect    = \"Allow\"\n        Principal = { AWS = \"arn:aws:iam::555566667777:root\" }\n        Action    = \"sts:AssumeRole\"\n      },\n",
        1,
    );
    std::fs::write(&prod, widened).unwrap_or_else(|e| panic!("{e}"));
    let findings = match deploy_and_check(spec, &out, &moto) {
        Ok(text) => panic!("the checker accepted a tampered output:\n{text}"),
        Err(text) => text,
    };
    assert!(
        findings.contains("without aws:SourceAccount = 111122223333"),
        "{findings}"
    );
    assert!(
        findings.contains("developer trust in non-dev account"),
        "{findings}"
    );
    assert!(findings.contains("parity (files):"), "{findings}");
}

/// The checker must be able to fail for IAM Identity Center too: a permission set's
/// reserved-role pattern widened to `_*` (which admits `Engineer_Admin`'s sessions), the
/// Identity Center stage moved before the developer policies it references, and the
/// Terraform reference's ordering dropped, are all reported.
#[test]
fn independent_checker_catches_a_widened_permission_set_trust_and_misordered_stages() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = Path::new("examples/identity-center.toml");
    let out = root.path().join("tampered");
    generate_into(spec, &out);
    let tasks = out.join("cloudformation/dev-eu/tasks.yaml");
    let text = std::fs::read_to_string(&tasks).unwrap_or_default();
    let widened = text.replace("_????????????????\"", "_*\"");
    assert_ne!(
        text, widened,
        "the example should name reserved roles exactly"
    );
    std::fs::write(&tasks, widened).unwrap_or_else(|e| panic!("{e}"));
    let lock = out.join("trustgen.lock.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    if let Some(stages) = manifest["stages"].as_array_mut() {
        let position = stages.iter().position(|stage| {
            stage["stacks"][0]["template"]
                .as_str()
                .is_some_and(|t| t.ends_with("identity-center.yaml"))
        });
        let moved = position.map(|index| stages.remove(index));
        stages.splice(0..0, moved);
    }
    std::fs::write(&lock, manifest.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let management = out.join("terraform/management.tf");
    let text = std::fs::read_to_string(&management).unwrap_or_default();
    let unordered: String = text
        .lines()
        .filter(|line| !line.contains("depends_on = [aws_iam_policy."))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(
        text, unordered,
        "the example should order the policy reference"
    );
    std::fs::write(&management, unordered).unwrap_or_else(|e| panic!("{e}"));
    let findings = match deploy_and_check(spec, &out, &moto) {
        Ok(text) => panic!("the checker accepted a tampered output:\n{text}"),
        Err(text) => text,
    };
    for wanted in [
        "permission set sessions narrowed to",
        "another permission set's session",
        "which does not exist there yet",
        "terraform order: permission set Engineer references",
        "parity (files):",
    ] {
        assert!(findings.contains(wanted), "{wanted}:\n{findings}");
    }
}

/// The checker must catch a weakened task definition too: ECS Exec with one action too
/// many, EFS root access nobody asked for, a container's read-only root dropped, and a log
/// group that would be deleted with its stack.
#[test]
fn independent_checker_catches_a_widened_task_definition() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = Path::new("examples/ecs-exec-and-volumes.toml");
    let out = root.path().join("tampered");
    generate_into(spec, &out);
    let tasks = out.join("cloudformation/source/tasks.yaml");
    let text = std::fs::read_to_string(&tasks).unwrap_or_default();
    let tampered = text
        .replacen(
            "                  - elasticfilesystem:ClientWrite\n",
            "                  - elasticfilesystem:ClientWrite\n                  - elasticfilesystem:ClientRootAccess\n",
            1,
        )
        .replacen("    DeletionPolicy: Retain\n", "", 1)
        .replacen("          ReadonlyRootFilesystem: true\n", "", 1);
    assert_ne!(text, tampered, "the example should hold what is removed");
    std::fs::write(&tasks, tampered).unwrap_or_else(|e| panic!("{e}"));
    let account = out.join("terraform/source.tf");
    let text = std::fs::read_to_string(&account).unwrap_or_default();
    let widened = text.replacen(
        "\"ssmmessages:OpenDataChannel\"",
        "\"ssmmessages:OpenDataChannel\", \"ssm:StartSession\"",
        1,
    );
    assert_ne!(text, widened, "the example should grant ECS Exec");
    std::fs::write(&account, widened).unwrap_or_else(|e| panic!("{e}"));
    let findings = match deploy_and_check(spec, &out, &moto) {
        Ok(text) => panic!("the checker accepted a tampered output:\n{text}"),
        Err(text) => text,
    };
    for expected in [
        "templates: source/test: EFS grants",
        "is deleted with its stack",
        "readonlyRootFilesystem None, the spec says True",
        "terraform state: source/test: ssmmessages grants",
        "parity (files):",
    ] {
        assert!(findings.contains(expected), "{expected}:\n{findings}");
    }
}
