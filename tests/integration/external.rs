//! The generated files as AWS tooling sees them: cfn-lint, terraform fmt/validate of every
//! root of both Terraform layouts, and a deployment of CloudFormation and both layouts into
//! a local moto_server, checked independently.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use trustgen::input::{self, SourceFile};
use trustgen::inspect::provider_alias;
use trustgen::inspect::PartitionExt;

use crate::support::{
    all_specs, generate_into, in_parallel, per_account_roots, plugin_dir, prepare_terraform,
    require_tool, run, stem, terraform, with_layout, Moto, SharedProvider,
};

/// A spec generated in both Terraform layouts (the CloudFormation of both is the same), or
/// in the single-root layout only.
struct Trees {
    /// The single-root layout's tree; its `terraform/` is the root.
    single: PathBuf,
    per_account: Option<PathBuf>,
}

impl Trees {
    fn per_account(&self) -> &Path {
        self.per_account
            .as_deref()
            .unwrap_or_else(|| panic!("no per-account tree"))
    }
}

fn generate_both(spec: &Path, dir: &Path) -> Trees {
    let trees = Trees {
        single: dir.join("single-root"),
        per_account: Some(dir.join("per-account")),
    };
    let single = with_layout(spec, "single-root", &dir.join("spec-single-root"));
    let per_account = with_layout(spec, "per-account", &dir.join("spec-per-account"));
    generate_into(&single, &trees.single);
    generate_into(&per_account, trees.per_account());
    assert!(
        !per_account_roots(trees.per_account()).is_empty(),
        "{}: no per-account roots",
        spec.display()
    );
    trees
}

/// The single-root layout only: for checks of what both layouts render alike.
fn generate_single(spec: &Path, dir: &Path) -> Trees {
    let trees = Trees {
        single: dir.join("single-root"),
        per_account: None,
    };
    let single = with_layout(spec, "single-root", &dir.join("spec-single-root"));
    generate_into(&single, &trees.single);
    trees
}

/// Every Terraform root of both layouts.
fn roots(trees: &Trees) -> Vec<PathBuf> {
    let mut roots = vec![trees.single.join("terraform")];
    roots.extend(
        per_account_roots(trees.per_account())
            .into_iter()
            .map(|r| r.dir),
    );
    roots
}

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
    // The deployment checker reads templates with its own small loader (cheaper than
    // importing cfn-lint in every run): it must read each as cfn-lint's decoder does.
    let (ok, text) = run(Command::new("python3")
        .arg("tests/tools/cfn_yaml.py")
        .args(&templates));
    assert!(
        ok,
        "the checker's YAML loader disagrees with cfn-lint:\n{text}"
    );
}

/// Every root of both layouts of every spec: `fmt -check` on each, and `validate` of all
/// of them at once, each root called as a module of one validation root. Terraform checks
/// a module's resources, arguments, types and references as it checks a root's, and one
/// run loads the AWS provider's schema once instead of once per root (about 2.8 CPU-s each,
/// for some 60 roots: most of what this test cost). What only a root may hold, the S3
/// backend, Terraform reports as ignored in a module; `terraform init` checks it, as a
/// root, in the deployment test, which also applies every root with a backend or beside
/// other roots as a root. Any other warning fails the test, as does any error.
#[test]
fn terraform_passes_fmt_check_and_validate() {
    if !require_tool("terraform", "version") {
        return;
    }
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let specs = all_specs();
    let trees: Vec<Trees> = specs
        .iter()
        .map(|spec| generate_both(spec, &root.path().join(stem(spec))))
        .collect();
    let dirs: Vec<PathBuf> = trees.iter().flat_map(roots).collect();
    assert!(dirs.len() > 2 * specs.len(), "{} roots", dirs.len());
    let mut failures: String = in_parallel(&dirs, 2, |dir| {
        let (ok, text) = run(terraform(dir).args(["fmt", "-check", "-diff", "-no-color"]));
        if ok {
            String::new()
        } else {
            format!("{}: terraform fmt -check:\n{text}\n", dir.display())
        }
    })
    .concat();
    failures += &validate_as_modules(root.path(), &dirs);
    assert!(failures.is_empty(), "{failures}");
}

/// `terraform validate` of one root below `parent` that calls each of `dirs` (below
/// `parent` too) as a module; returns what failed, each finding with the root it is in.
fn validate_as_modules(parent: &Path, dirs: &[PathBuf]) -> String {
    let validation = parent.join("validate-all-roots");
    std::fs::create_dir_all(&validation).unwrap_or_else(|e| panic!("{e}"));
    let mut calls = String::new();
    for (index, dir) in dirs.iter().enumerate() {
        let relative = dir
            .strip_prefix(parent)
            .unwrap_or_else(|_| panic!("{} is not below {}", dir.display(), parent.display()));
        let _ = writeln!(
            calls,
            "module \"root_{index}\" {{\n  source = \"../{}\"\n}}\n",
            relative.display()
        );
    }
    std::fs::write(validation.join("main.tf"), calls).unwrap_or_else(|e| panic!("{e}"));
    // Its own init: it records the module calls in .terraform/modules, which must not go
    // into the shared init's directory. The provider is linked from the mirror, not copied.
    let (ok, text) = run(terraform(&validation).args([
        "init",
        "-backend=false",
        "-input=false",
        "-no-color",
        &format!("-plugin-dir={}", plugin_dir()),
    ]));
    assert!(ok, "terraform init of the validation root failed:\n{text}");
    let provider = SharedProvider::start();
    let output = terraform(&validation)
        .env("TF_REATTACH_PROVIDERS", &provider.reattach)
        .args(["validate", "-json", "-no-color"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run terraform validate: {e}"));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "terraform validate printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut failures = String::new();
    for diagnostic in report["diagnostics"].as_array().into_iter().flatten() {
        let summary = diagnostic["summary"].as_str().unwrap_or_default();
        let file = diagnostic["range"]["filename"].as_str().unwrap_or("?");
        let expected = diagnostic["severity"] == "warning"
            && summary == "Backend configuration ignored"
            && file.ends_with("backend.tf");
        if !expected {
            let _ = writeln!(
                failures,
                "terraform validate: {} in {file} line {}: {summary}: {}",
                diagnostic["severity"].as_str().unwrap_or("?"),
                diagnostic["range"]["start"]["line"],
                diagnostic["detail"].as_str().unwrap_or_default()
            );
        }
    }
    if report["valid"] != true && failures.is_empty() {
        let _ = writeln!(failures, "terraform validate: not valid:\n{report:#}");
    }
    failures
}

/// The validation above must be able to fail, in any root it calls: an argument the AWS
/// provider does not know in a per-account root, and a reference to an undeclared
/// resource in a single root, are both reported with their files.
#[test]
fn validation_as_modules_reports_a_broken_root() {
    if !require_tool("terraform", "version") {
        return;
    }
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let trees = generate_both(
        Path::new("examples/dev-and-prod.toml"),
        &root.path().join("broken"),
    );
    let per_account = trees.per_account().join("terraform/prod/main.tf");
    let single = trees.single.join("terraform/dev.tf");
    for (file, from, to) in [
        (
            &per_account,
            "  max_session_duration",
            "  maximum_session_length = 3600\n  max_session_duration",
        ),
        (
            &single,
            "  role = aws_iam_role.",
            "  role = aws_iam_role.undeclared.id\n  #",
        ),
    ] {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let broken = text.replacen(from, to, 1);
        assert_ne!(text, broken, "{}", file.display());
        std::fs::write(file, broken).unwrap_or_else(|e| panic!("{e}"));
    }
    let failures = validate_as_modules(root.path(), &roots(&trees));
    for expected in [
        "broken/per-account/terraform/prod/main.tf line",
        "Unsupported argument",
        "broken/single-root/terraform/dev.tf line",
        "Reference to undeclared resource",
    ] {
        assert!(failures.contains(expected), "{expected}\n{failures}");
    }
}

/// A provider deploying as the account `id` (moto scopes credentials from AssumeRole to
/// the role's account, so `allowed_account_ids` is exercised for real). `alias` picks the
/// single root's provider of that account; a per-account root's one provider has none.
/// The emulator's address reaches the provider through AWS_ENDPOINT_URL (deploy.py says
/// why not an `endpoints` block).
fn moto_provider(alias: Option<&str>, partition: &str, id: &str) -> String {
    let alias = alias
        .map(|alias| format!("  alias                       = \"{alias}\"\n"))
        .unwrap_or_default();
    format!(
        r#"provider "aws" {{
{alias}  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  assume_role {{
    role_arn = "arn:{partition}:iam::{id}:role/trustgen-test"
  }}
}}
"#
    )
}

/// The single root's override: every account's provider pointed at moto as that account.
fn moto_override(spec_path: &Path) -> String {
    let source = SourceFile::read(spec_path).unwrap_or_else(|e| panic!("{e}"));
    let spec =
        input::load(&source).unwrap_or_else(|_| panic!("{} does not parse", spec_path.display()));
    let partition = spec.project.partition;
    // IAM Identity Center's provider: its account, in its region (the checker applies
    // everything but its aws_ssoadmin_* resources, which moto cannot host; see deploy.py).
    let identity_center = spec.identity_center.as_ref().and_then(|center| {
        let account = spec.accounts.get(&center.account)?;
        Some((
            trustgen::inspect::IDENTITY_CENTER_PROVIDER.to_string(),
            account,
        ))
    });
    spec.accounts
        .iter()
        .map(|(name, account)| (provider_alias(name), account))
        .chain(identity_center)
        .map(|(alias, account)| moto_provider(Some(&alias), partition.as_str(), &account.id))
        .collect()
}

fn spec_partition(spec_path: &Path) -> String {
    let source = SourceFile::read(spec_path).unwrap_or_else(|e| panic!("{e}"));
    input::load(&source)
        .map(|spec| spec.project.partition.as_str().to_string())
        .unwrap_or_else(|_| panic!("{} does not parse", spec_path.display()))
}

/// A root ready to apply: linked to the shared `terraform init`, unless it has a backend,
/// which `check.py` initialises against the emulator once the bucket exists.
fn prepare_root(dir: &Path) {
    if !dir.join("backend.tf").exists() {
        prepare_terraform(dir);
    }
}

/// Deploys the output (CloudFormation stacks in stage order, the single Terraform root,
/// then the per-account roots in the lock file's stages) into moto and runs the
/// independent checker. `Err` carries what failed.
fn deploy_and_check(spec: &Path, trees: &Trees, moto: &Moto) -> Result<String, String> {
    let dir = trees.single.join("terraform");
    // Only accounts with resources have a provider block to override.
    let providers = std::fs::read_to_string(dir.join("providers.tf")).unwrap_or_default();
    let overrides: String = moto_override(spec)
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
    prepare_root(&dir);
    let partition = spec_partition(spec);
    for root in trees
        .per_account
        .iter()
        .flat_map(|tree| per_account_roots(tree))
    {
        let text = moto_provider(None, &partition, &root.account_id);
        std::fs::write(root.dir.join("moto_override.tf"), text).map_err(|e| e.to_string())?;
        prepare_root(&root.dir);
    }
    check(spec, trees, moto, &[])
}

/// Runs `tests/tools/check.py` on both trees of `spec`.
fn check(spec: &Path, trees: &Trees, moto: &Moto, extra: &[&str]) -> Result<String, String> {
    let per_account: Vec<String> = trees
        .per_account
        .iter()
        .flat_map(|tree| {
            [
                "--per-account-out".to_string(),
                tree.to_string_lossy().into_owned(),
            ]
        })
        .collect();
    let (ok, text) = run(Command::new("python3")
        .args([
            "tests/tools/check.py",
            "--spec",
            &spec.to_string_lossy(),
            "--out",
            &trees.single.to_string_lossy(),
            "--terraform-dir",
            &trees.single.join("terraform").to_string_lossy(),
            "--moto",
            &moto.endpoint,
            "--plugin-dir",
            &plugin_dir(),
        ])
        .args(&per_account)
        .args(extra)
        .env("GOGC", "off")
        .env("GOMEMLIMIT", "512MiB"));
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

/// Every spec, deployed as CloudFormation, as the single Terraform root and as per-account
/// roots stage by stage: all three must grant the same, and only what the spec allows.
/// A spec whose per-account layout is one root, without a backend, is deployed the first
/// two ways: that root declares the single root's resources argument for argument, and its
/// provider and `terraform` blocks are the single root's but the alias
/// (`layouts::a_lone_per_account_root_is_the_single_root_under_one_provider`), so applying
/// it again would cost seconds of provider start-up and prove nothing new.
#[test]
fn both_backends_deploy_the_same_and_only_what_the_spec_allows() {
    if !external_tools_present() {
        return;
    }
    // TRUSTGEN_DEPLOY_SPECS=organisation,china deploys only the specs whose path holds one
    // of those words: for working on one spec; CI deploys every one.
    let only = std::env::var("TRUSTGEN_DEPLOY_SPECS").unwrap_or_default();
    let specs: Vec<PathBuf> = all_specs()
        .into_iter()
        .filter(|spec| {
            only.is_empty()
                || only
                    .split(',')
                    .any(|word| spec.to_string_lossy().contains(word))
        })
        .collect();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Two workers, each with its own emulator: the machine has two cores. Larger specs
    // first, so that no worker is left with the longest one at the end.
    let mut order: Vec<&PathBuf> = specs.iter().collect();
    order.sort_by_key(|spec| std::cmp::Reverse(std::fs::metadata(spec).map_or(0, |m| m.len())));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (root, order, next) = (root.path(), &order, &next);
                scope.spawn(move || {
                    let moto = Moto::start();
                    let mut failures = String::new();
                    while let Some(spec) =
                        order.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                    {
                        let mut trees = generate_both(spec, &root.join(stem(spec)));
                        // A lone per-account root is the single root's resources under
                        // one unaliased provider (layouts.rs): its single root is deployed.
                        // Not with a backend, which only `terraform init` of the root checks.
                        let lone = per_account_roots(trees.per_account());
                        if let [root] = lone.as_slice() {
                            if !root.dir.join("backend.tf").exists() {
                                trees.per_account = None;
                            }
                        }
                        match deploy_and_check(spec, &trees, &moto) {
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
/// and a developer statement smuggled into a prod role (of the single root and of a
/// per-account root), are all reported.
#[test]
fn independent_checker_catches_a_weakened_trust_policy() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = Path::new("examples/dev-and-prod.toml");
    let trees = generate_both(spec, &root.path().join("tampered"));
    let dev = trees.single.join("cloudformation/dev/tasks.yaml");
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
    for prod in [
        trees.single.join("terraform/prod.tf"),
        trees.per_account().join("terraform/prod/main.tf"),
    ] {
        let text = std::fs::read_to_string(&prod).unwrap_or_default();
        let widened = text.replacen(
            "    Statement = [\n",
            "    Statement = [\n      {\n        Sid       = \"DeveloperAccess\"\n        Effect    = \"Allow\"\n        Principal = { AWS = \"arn:aws:iam::555566667777:root\" }\n        Action    = \"sts:AssumeRole\"\n      },\n",
            1,
        );
        assert_ne!(text, widened, "{}", prod.display());
        std::fs::write(&prod, widened).unwrap_or_else(|e| panic!("{e}"));
    }
    let findings = match deploy_and_check(spec, &trees, &moto) {
        Ok(text) => panic!("the checker accepted a tampered output:\n{text}"),
        Err(text) => text,
    };
    for expected in [
        "without aws:SourceAccount = 111122223333",
        "terraform state: prod/payments-api: developer trust in non-dev account",
        "per-account state: prod/payments-api: developer trust in non-dev account",
        "parity (files):",
        "parity (files, per-account):",
    ] {
        assert!(findings.contains(expected), "{expected}\n{findings}");
    }
}

/// The per-account deployment must be able to fail too: roots applied out of the lock
/// file's order (a destination before the task role it trusts) are reported as IAM would
/// refuse them, and a root given credentials of another account is refused by its
/// `allowed_account_ids`.
#[test]
fn per_account_roots_out_of_order_or_in_the_wrong_account_are_caught() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A small spec with two stages (each root costs seconds of provider start-up), and a
    // root besides the trusted role's creator to hand the wrong credentials: the creator
    // applies, later in the same stage, so the finding shows `before` is the stage's start.
    let spec = Path::new("tests/fixtures/specs/china-cycle-mfa.toml");
    let trees = generate_both(spec, &root.path().join("reordered"));
    let partition = spec_partition(spec);
    for entry in per_account_roots(trees.per_account()) {
        // The ledger root is handed the core account's credentials.
        let id = if entry.dir.ends_with("ledger") {
            "100020003001"
        } else {
            entry.account_id.as_str()
        };
        let text = moto_provider(None, &partition, id);
        std::fs::write(entry.dir.join("moto_override.tf"), text).unwrap_or_else(|e| panic!("{e}"));
        prepare_root(&entry.dir);
    }
    // One stage, the trust roots first.
    let lock_path = trees.per_account().join("trustgen.lock.json");
    let text = std::fs::read_to_string(&lock_path).unwrap_or_default();
    let mut lock: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut all: Vec<serde_json::Value> = lock["terraform_stages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|stage| stage["roots"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(all.len(), 4, "{all:?}");
    all.sort_by_key(|r| !r["root"].as_str().unwrap_or_default().ends_with("-trust"));
    lock["terraform_stages"] = serde_json::json!([{"stage": 1, "why": "tampered", "roots": all}]);
    std::fs::write(&lock_path, lock.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let findings = match check(spec, &trees, &moto, &["--per-account-only"]) {
        Ok(text) => panic!("the checker accepted roots out of order:\n{text}"),
        Err(text) => text,
    };
    for expected in [
        "stage 1 terraform/ledger-trust: aws_iam_role.ledger_role_ledger_writer names arn:aws-cn:iam::100020003001:role/services/cn-pay-api, which no earlier stage created",
        "stage 1 terraform/ledger: terraform apply failed",
        "AWS account ID not allowed: 100020003001",
    ] {
        assert!(findings.contains(expected), "{expected}\n{findings}");
    }
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
    let trees = generate_both(spec, &root.path().join("tampered"));
    let out = &trees.single;
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
    // Per account: Identity Center's root moved into the first stage.
    let lock = trees.per_account().join("trustgen.lock.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&lock).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    let mut roots: Vec<serde_json::Value> = manifest["terraform_stages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|stage| stage["roots"].as_array().cloned().unwrap_or_default())
        .collect();
    roots.sort_by_key(|r| {
        !r["root"]
            .as_str()
            .unwrap_or_default()
            .ends_with("-identity-center")
    });
    manifest["terraform_stages"] =
        serde_json::json!([{"stage": 1, "why": "tampered", "roots": roots}]);
    std::fs::write(&lock, manifest.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let findings = match deploy_and_check(spec, &trees, &moto) {
        Ok(text) => panic!("the checker accepted a tampered output:\n{text}"),
        Err(text) => text,
    };
    for wanted in [
        "permission set sessions narrowed to",
        "another permission set's session",
        "which does not exist there yet",
        "terraform order: permission set Engineer references",
        "parity (files):",
        "stage 1 terraform/management-identity-center: permission set Engineer references",
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
    // Task definitions render alike in both layouts (layouts.rs): the single root will do.
    let trees = generate_single(spec, &root.path().join("tampered"));
    let out = &trees.single;
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
    let findings = match deploy_and_check(spec, &trees, &moto) {
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

/// One IAM CreateRole call to the emulator, as an SDK attempt: returns its status line.
fn create_role_attempt(moto: &Moto, invocation: &str, attempt: u32) -> String {
    use std::io::{Read, Write};
    let body =
        "Action=CreateRole&Version=2010-05-08&RoleName=retried&AssumeRolePolicyDocument=%7B%7D";
    let address = moto.endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap_or_else(|e| panic!("{e}"));
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0\r\n\
         amz-sdk-invocation-id: {invocation}\r\namz-sdk-request: attempt={attempt}; max=3\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .unwrap_or_else(|e| panic!("{e}"));
    answer.lines().next().unwrap_or_default().to_string()
}

/// The emulator answers an SDK retry of a call it already carried out as it answered the
/// first attempt (a lost answer must not fail a deployment), and nothing else: a second
/// call creating the same role, or a first attempt reusing an id, fails as AWS fails it.
#[test]
fn the_emulator_answers_a_retried_call_once_and_still_refuses_a_second_call() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let first = "5d0c7c4e-0000-4000-8000-000000000001";
    assert!(create_role_attempt(&moto, first, 1).ends_with(" 200 OK"));
    assert!(create_role_attempt(&moto, first, 2).ends_with(" 200 OK"));
    assert!(create_role_attempt(&moto, first, 1).contains(" 409 "));
    let second = "5d0c7c4e-0000-4000-8000-000000000002";
    assert!(create_role_attempt(&moto, second, 1).contains(" 409 "));
    assert!(create_role_attempt(&moto, second, 2).contains(" 409 "));
}

/// The checker must catch a StackSet that is not what the spec says: a template body
/// naming one account's id (every other account would get a policy for that account) and
/// a target that lost its exclusion (the StackSet reaches payments-dev, which the spec
/// bootstraps itself: its own developers stack then fails, as in AWS), in CloudFormation;
/// and a target moved to another OU, in Terraform.
#[test]
fn independent_checker_catches_an_account_specific_or_widened_stack_set() {
    if !external_tools_present() {
        return;
    }
    let moto = Moto::start();
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = Path::new("examples/organisation-bootstrap.toml");
    let trees = generate_single(spec, &root.path().join("tampered"));
    let stack = trees
        .single
        .join("cloudformation/stacksets-admin/bootstrap.yaml");
    let text = std::fs::read_to_string(&stack).unwrap_or_default();
    let literal = text.replacen(
        "Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*",
        "Resource: arn:aws:iam::444455556666:role/*",
        1,
    );
    assert_ne!(
        text, literal,
        "the example's body should name its own roles"
    );
    let tampered = literal.replacen(
        "            AccountFilterType: DIFFERENCE\n            Accounts:\n              - \"444455556666\"\n",
        "",
        1,
    );
    assert_ne!(literal, tampered, "the example should exclude payments-dev");
    std::fs::write(&stack, tampered).unwrap_or_else(|e| panic!("{e}"));
    let file = trees.single.join("terraform/stacksets-admin.tf");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let moved = text.replacen("[\"ou-a1b2-sandbox1\"]", "[\"ou-a1b2-elsewhere\"]", 1);
    assert_ne!(text, moved, "the example should target the sandbox OU");
    std::fs::write(&file, moved).unwrap_or_else(|e| panic!("{e}"));
    let findings = match deploy_and_check(spec, &trees, &moto) {
        Ok(text) => panic!("the checker accepted a tampered StackSet:\n{text}"),
        Err(text) => text,
    };
    for expected in [
        "CloudFormation: StackSet atlas-dev-baseline's template body names account 444455556666",
        "reaches ['arn:aws:iam::444455556666:role/*'], outside account",
        "cloudformation deploy: stage 2 cloudformation/payments-dev/developers.yaml: CREATE_FAILED",
        "CloudFormation: StackSet atlas-dev-baseline has instances in",
        "Terraform: StackSet atlas-dev-baseline has instances in",
        "parity (StackSets):",
    ] {
        assert!(findings.contains(expected), "{expected}\n{findings}");
    }
}
