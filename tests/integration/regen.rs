//! trustgen in CI: deterministic output, `gen --check`, the manifest's ownership rules,
//! interruption safety, template dumps and `--stdout`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{tree, trustgen_in as trustgen_env};

fn trustgen(args: &[&str], cwd: &Path) -> (i32, String, String) {
    trustgen_env(args, cwd, &[])
}

fn workspace(example: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(dir.path().join("examples")).unwrap_or_else(|e| panic!("{e}"));
    let source = format!("{}/examples/{example}", env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(source, dir.path().join("examples").join(example))
        .unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        text.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap_or_else(|e| panic!("{e}"));
}

const SPEC: &str = "examples/dev-and-prod.toml";

#[test]
fn same_tree_in_any_directory_and_locale() {
    let first = workspace("dev-and-prod.toml");
    let second = workspace("dev-and-prod.toml");
    let (code, _, stderr) = trustgen_env(
        &["gen", SPEC],
        first.path(),
        &[("LC_ALL", "C"), ("TZ", "UTC")],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = trustgen_env(
        &["gen", SPEC],
        second.path(),
        &[
            ("LC_ALL", "tr_TR.UTF-8"),
            ("LANG", "de_DE.UTF-8"),
            ("TZ", "Asia/Tokyo"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let one = tree(&first.path().join("generated"));
    assert_eq!(one, tree(&second.path().join("generated")));
    // A second run changes nothing, byte for byte.
    let (code, stdout, _) = trustgen(&["gen", SPEC], first.path());
    assert_eq!(code, 0);
    assert!(
        stdout.contains("0 created, 0 updated, 0 removed, 9 unchanged"),
        "{stdout}"
    );
    assert_eq!(one, tree(&first.path().join("generated")));
}

#[test]
fn check_is_clean_after_gen_and_shows_diffs_after_a_spec_change() {
    let dir = workspace("dev-and-prod.toml");
    let (code, stdout, stderr) = trustgen(&["gen", SPEC, "--check"], dir.path());
    assert_eq!(code, 1, "a missing tree is stale: {stderr}");
    assert!(stdout.contains("+++ b/terraform/dev.tf"), "{stdout}");
    assert!(
        !dir.path().join("generated").exists(),
        "--check writes nothing"
    );

    assert_eq!(trustgen(&["gen", SPEC], dir.path()).0, 0);
    let (code, stdout, stderr) = trustgen(&["gen", SPEC, "--check"], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("up to date"), "{stdout}");

    let before = tree(&dir.path().join("generated"));
    edit(
        &dir.path().join(SPEC),
        "payments-api:1.4.2\"\nreadonly_root_filesystem",
        "payments-api:1.5.0\"\nreadonly_root_filesystem",
    );
    let (code, stdout, stderr) = trustgen(&["gen", SPEC, "--check"], dir.path());
    assert_eq!(code, 1);
    assert!(
        stdout.contains("--- a/cloudformation/dev/tasks.yaml\n+++ b/cloudformation/dev/tasks.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "-          Image: \"111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments-api:1.4.2\""
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "+          Image: \"111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments-api:1.5.0\""
        ),
        "{stdout}"
    );
    assert!(stderr.contains("run `trustgen gen`"), "{stderr}");
    assert_eq!(
        before,
        tree(&dir.path().join("generated")),
        "--check writes nothing"
    );
}

#[test]
fn stale_files_go_and_foreign_files_stay() {
    let dir = workspace("dev-and-prod.toml");
    let out = dir.path().join("generated");
    assert_eq!(trustgen(&["gen", SPEC], dir.path()).0, 0);
    std::fs::write(out.join("NOTES.md"), "ours").unwrap_or_else(|e| panic!("{e}"));
    // Drop the prod account and its task: its files must go, and its now-empty directory.
    let spec = dir.path().join(SPEC);
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    let start = text.find("[tasks.api-prod]").unwrap_or(0);
    let end = text
        .find("# A worker that only exists in dev")
        .unwrap_or(text.len());
    let text = format!("{}{}", &text[..start], &text[end..]);
    let text = text.replace("[accounts.prod]\nid = \"555566667777\"\nenv = \"prod\"\nregion = \"eu-central-1\"\ndeploy_role_arn = \"arn:aws:iam::555566667777:role/infra-deployer\"\n", "");
    std::fs::write(&spec, text).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 removed"), "{stdout}");
    assert!(!out.join("cloudformation/prod").exists());
    assert!(!out.join("terraform/prod.tf").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("NOTES.md")).unwrap_or_default(),
        "ours"
    );
    assert_eq!(trustgen(&["gen", SPEC, "--check"], dir.path()).0, 0);
}

#[test]
fn hand_edits_are_reported_not_overwritten_unless_forced() {
    let dir = workspace("dev-and-prod.toml");
    let out = dir.path().join("generated");
    assert_eq!(trustgen(&["gen", SPEC], dir.path()).0, 0);
    edit(
        &out.join("terraform/prod.tf"),
        "max_session_duration = 3600",
        "max_session_duration = 43200",
    );
    edit(
        &dir.path().join(SPEC),
        "cost-center = \"cc-1234\"",
        "cost-center = \"cc-9999\"",
    );
    let before = tree(&out);
    let (code, _, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("terraform/prod.tf: edited by hand since trustgen generated it"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        before,
        tree(&out),
        "nothing may change while a conflict stands"
    );
    let (code, stdout, _) = trustgen(&["gen", SPEC, "--check"], dir.path());
    assert_eq!(code, 1);
    assert!(
        stdout.contains("-  max_session_duration = 43200"),
        "{stdout}"
    );
    let (code, stdout, stderr) = trustgen(&["gen", SPEC, "--force"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("overwrote terraform/prod.tf"), "{stdout}");
    assert_eq!(trustgen(&["gen", SPEC, "--check"], dir.path()).0, 0);
}

#[test]
fn files_trustgen_did_not_write_are_never_touched_without_force() {
    let dir = workspace("tagged-dev-account.toml");
    let out = dir.path().join("generated/terraform");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(out.join("dev.tf"), "# my own terraform\n").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen", "examples/tagged-dev-account.toml"], dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("terraform/dev.tf: not generated by trustgen"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("dev.tf")).unwrap_or_default(),
        "# my own terraform\n"
    );

    // A manifest naming a path outside the output directory is refused, nothing removed.
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("generated/trustgen.lock.json"),
        r#"{"files": [{"path": "../victim.txt", "sha256": "x"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(
        &["gen", "examples/tagged-dev-account.toml", "--force"],
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("not a path inside the output directory"),
        "{stderr}"
    );
    assert!(victim.exists());
}

fn large_spec(image_tag: &str) -> String {
    let mut text = String::from("version = 1\n[project]\nname = \"big\"\nregion = \"eu-west-1\"\n[accounts.dev]\nid = \"111122223333\"\nenv = \"dev\"\n[accounts.prod]\nid = \"555566667777\"\nenv = \"prod\"\n[dev_access]\nmode = \"tagged\"\n[developers]\nattach_to_roles = [\"Developer\"]\n");
    for i in 0..800 {
        let account = if i % 2 == 0 { "prod" } else { "dev" };
        text.push_str(&format!(
            "[tasks.svc{i}]\naccount = \"{account}\"\ncpu = 256\nmemory = 512\n[[tasks.svc{i}.statements]]\nactions = [\"s3:GetObject\"]\nresources = [\"arn:aws:s3:::bucket-{i}/*\"]\n[[tasks.svc{i}.containers]]\nname = \"app\"\nimage = \"nginx:{image_tag}\"\n"
        ));
    }
    text
}

/// Every file the manifest lists exists with the listed hash.
fn manifest_consistent(out: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(out.join("trustgen.lock.json")) else {
        return false;
    };
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    manifest["files"].as_array().is_some_and(|files| {
        files.iter().all(|file| {
            let path = out.join(file["path"].as_str().unwrap_or_default());
            std::fs::read(path).is_ok_and(|bytes| {
                Some(trustgen::sha256_hex(&bytes).as_str()) == file["sha256"].as_str()
            })
        })
    })
}

#[test]
fn a_killed_gen_leaves_the_previous_output_complete_or_a_journal_the_next_gen_completes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = dir.path().join("big.toml");
    let out = dir.path().join("generated");
    std::fs::write(&spec, large_spec("1.0")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trustgen(&["gen", "big.toml"], dir.path()).0, 0);
    let old_tree = tree(&out);
    std::fs::write(&spec, large_spec("2.0")).unwrap_or_else(|e| panic!("{e}"));
    // What a complete run writes: a process killed after its commit (while it frees memory
    // on the way out, say) leaves exactly this, and no journal.
    let (code, _, _) = trustgen(&["gen", "big.toml", "-o", "complete"], dir.path());
    assert_eq!(code, 0);
    let new_tree = tree(&dir.path().join("complete"));
    let mut outcomes = BTreeMap::new();
    for delay_ms in [5u64, 40, 120, 250, 400, 550, 700, 850, 1000, 1500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trustgen"))
            .args(["gen", "big.toml"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let finished = child.wait().is_ok_and(|status| status.success());
        let pending = out.join(trustgen::PENDING_NAME).exists();
        let now: BTreeMap<_, _> = tree(&out)
            .into_iter()
            .filter(|(p, _)| !p.ends_with(".trustgen-tmp"))
            .collect();
        let state = if finished {
            "finished"
        } else if pending {
            "killed after commit"
        } else if now == new_tree {
            "killed after the journal was done"
        } else {
            "killed before commit"
        };
        *outcomes.entry(state).or_insert(0) += 1;
        if !pending {
            assert!(
                manifest_consistent(&out),
                "after a kill at {delay_ms} ms the manifest must describe the files"
            );
        }
        if state == "killed before commit" {
            assert!(
                now == old_tree,
                "a gen killed at {delay_ms} ms, with no journal, left neither the previous output nor the complete new one"
            );
        }
        if state == "finished" {
            break;
        }
    }
    eprintln!("kill outcomes: {outcomes:?}");
    assert!(
        outcomes.contains_key("killed before commit"),
        "no kill landed mid-run: {outcomes:?}"
    );
    // The next gen completes or undoes whatever was interrupted.
    let (code, _, stderr) = trustgen(&["gen", "big.toml"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!tree(&out)
        .keys()
        .any(|p| p.ends_with(".trustgen-tmp") || p.ends_with(trustgen::PENDING_NAME)));
    assert_eq!(trustgen(&["gen", "big.toml", "--check"], dir.path()).0, 0);
    assert!(manifest_consistent(&out));
}

/// Files are staged while rendering; a render that fails part way takes back every
/// temporary and every directory staging created, and leaves the tree as it was.
#[test]
fn a_failed_render_takes_back_what_it_staged() {
    let dir = workspace("dev-and-prod.toml");
    let (code, _, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let out = dir.path().join("generated");
    let before = tree(&out);
    // A changed account name: CloudFormation stages files into a new directory, while
    // the Terraform account template, overridden with an error, fails.
    let spec = dir.path().join(SPEC);
    let text = std::fs::read_to_string(&spec).unwrap_or_default();
    std::fs::write(
        &spec,
        text.replace("[accounts.prod]", "[accounts.production]")
            .replace("account = \"prod\"", "account = \"production\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let overrides = dir.path().join("templates/terraform");
    std::fs::create_dir_all(&overrides).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        overrides.join("account.tf.tera"),
        "{{ header }}\n{{ nope.missing }}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen", SPEC, "--templates", "templates"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(tree(&out), before, "no file changed, no temporary left");
    assert!(
        !out.join("cloudformation/production").exists(),
        "the directory made for staging is gone"
    );
    // Without the broken template the same spec generates, and the old account goes.
    let (code, stdout, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        out.join("cloudformation/production/tasks.yaml").is_file(),
        "{stdout}"
    );
    assert!(!out.join("cloudformation/prod").exists(), "{stdout}");
}

#[test]
fn stdout_streams_one_format_and_writes_nothing() {
    let dir = workspace("cross-account-pair.toml");
    let spec = "examples/cross-account-pair.toml";
    let (code, stdout, stderr) = trustgen(
        &["gen", spec, "--stdout", "--format", "cloudformation"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.matches("\n--- # cloudformation/").count()
            + usize::from(stdout.starts_with("--- # cloudformation/")),
        2,
        "{stdout}"
    );
    let (code, stdout, _) = trustgen(
        &["gen", spec, "--stdout", "--format", "terraform"],
        dir.path(),
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("# ---- terraform/destination.tf ----"),
        "{stdout}"
    );
    let (code, _, stderr) = trustgen(&["gen", spec, "--stdout"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("--format"), "{stderr}");
    assert!(!dir.path().join("generated").exists());
}

/// The output directory comes with the repository, so a pull request can plant symbolic
/// links in it: `gen --check` must not print what one points at (a CI secret), and `gen`
/// must not write through one (a found red-team path: terraform/ linked elsewhere).
#[test]
fn symbolic_links_in_the_output_directory_are_never_followed() {
    let dir = workspace("dev-and-prod.toml");
    let (code, _, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "CI_TOKEN=ghp_secret").unwrap_or_else(|e| panic!("{e}"));
    let planted = dir.path().join("generated/terraform/dev.tf");
    std::fs::remove_file(&planted).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&secret, &planted).unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = trustgen(&["gen", SPEC, "--check"], dir.path());
    assert_ne!(code, 0);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!stdout.contains("ghp_secret") && !stderr.contains("ghp_secret"));
    let (code, _, stderr) = trustgen(&["gen", SPEC, "--force"], dir.path());
    assert_ne!(code, 0);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap_or_default(),
        "CI_TOKEN=ghp_secret"
    );
    // A whole directory linked elsewhere.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap_or_else(|e| panic!("{e}"));
    let terraform = dir.path().join("generated/terraform");
    std::fs::remove_dir_all(&terraform).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&elsewhere, &terraform).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen", SPEC, "--force"], dir.path());
    assert_ne!(code, 0);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(
        tree(&elsewhere).is_empty(),
        "nothing is written through the link"
    );
}

/// Switching `[terraform] layout` replaces one tree of roots by the other through the
/// manifest: the old layout's files go (and the directories they leave empty), files
/// trustgen did not write stay, a hand-edited file of the old layout stops the switch
/// until `--force`, and `gen --check` sees each step.
#[test]
fn switching_the_terraform_layout_removes_the_old_roots_and_keeps_foreign_files() {
    const ORG: &str = "examples/organisation-two-way.toml";
    let dir = workspace("organisation-two-way.toml");
    let out = dir.path().join("generated");
    let spec = dir.path().join(ORG);
    let single_root = std::fs::read_to_string(&spec).unwrap_or_default();
    let per_account = format!("{single_root}\n[terraform]\nlayout = \"per-account\"\n");
    let write =
        |path: &Path, text: &str| std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(trustgen(&["gen", ORG], dir.path()).0, 0);
    write(
        &out.join("terraform/.terraform.lock.hcl"),
        "# terraform init's\n",
    );
    write(&out.join("NOTES.md"), "ours");

    write(&spec, &per_account);
    let before = tree(&out);
    let (code, stdout, stderr) = trustgen(&["gen", ORG, "--check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    for diff in [
        "--- a/terraform/orders.tf\n+++ /dev/null",
        "--- a/terraform/providers.tf\n+++ /dev/null",
        "+++ b/terraform/orders/main.tf",
        "+++ b/terraform/billing-trust/providers.tf",
    ] {
        assert!(stdout.contains(diff), "{diff}\n{stdout}");
    }
    assert_eq!(before, tree(&out), "--check writes nothing");

    let (code, stdout, stderr) = trustgen(&["gen", ORG], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("5 removed"), "{stdout}");
    let files = tree(&out);
    for gone in [
        "terraform/orders.tf",
        "terraform/versions.tf",
        "terraform/providers.tf",
    ] {
        assert!(!files.contains_key(gone), "{gone} is stale and must go");
    }
    for root in [
        "orders",
        "orders-trust",
        "billing",
        "billing-trust",
        "orders-dev",
        "orders-dev-trust",
    ] {
        for file in ["versions.tf", "providers.tf", "main.tf"] {
            let path = format!("terraform/{root}/{file}");
            assert!(files.contains_key(&path), "{path} missing");
        }
    }
    assert!(
        files.contains_key("terraform/.terraform.lock.hcl"),
        "foreign files stay"
    );
    assert!(files.contains_key("NOTES.md"));
    let (code, stdout, _) = trustgen(&["gen", ORG, "--check"], dir.path());
    assert_eq!(code, 0, "{stdout}");
    // The lock file lists exactly what trustgen wrote: everything but the foreign files.
    let lock: serde_json::Value =
        serde_json::from_slice(&files["trustgen.lock.json"]).unwrap_or_default();
    let mut listed: Vec<&str> = lock["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str())
        .collect();
    listed.push("trustgen.lock.json");
    listed.sort_unstable();
    let mut on_disk: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|p| !["terraform/.terraform.lock.hcl", "NOTES.md"].contains(p))
        .collect();
    on_disk.sort_unstable();
    assert_eq!(listed, on_disk);

    // Back to one root, with a foreign file in one per-account root and a hand edit in
    // another: the edit stops the switch, and is only overwritten by --force.
    write(
        &out.join("terraform/orders/.terraform.lock.hcl"),
        "# init's\n",
    );
    edit(
        &out.join("terraform/billing/main.tf"),
        "max_session_duration = 3600",
        "max_session_duration = 43200",
    );
    write(&spec, &single_root);
    let before = tree(&out);
    let (code, _, stderr) = trustgen(&["gen", ORG], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("terraform/billing/main.tf: edited by hand since trustgen generated it"),
        "{stderr}"
    );
    assert_eq!(
        before,
        tree(&out),
        "nothing changes while a conflict stands"
    );
    let (code, stdout, stderr) = trustgen(&["gen", ORG, "--force"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("overwrote terraform/billing/main.tf"),
        "{stdout}"
    );
    let files = tree(&out);
    for emptied in [
        "billing",
        "billing-trust",
        "orders-trust",
        "orders-dev",
        "orders-dev-trust",
    ] {
        assert!(
            !out.join("terraform").join(emptied).exists(),
            "{emptied}/ was emptied and goes"
        );
    }
    assert_eq!(
        files
            .keys()
            .filter(|p| p.starts_with("terraform/orders/"))
            .collect::<Vec<_>>(),
        ["terraform/orders/.terraform.lock.hcl"],
        "a root with a foreign file keeps it, and only it"
    );
    assert!(files.contains_key("terraform/orders.tf"));
    assert_eq!(trustgen(&["gen", ORG, "--check"], dir.path()).0, 0);
}

/// Red team: Terraform configuration added beside the generated files of a root (a second
/// provider for another account, a JSON override, variable values) is applied with that
/// root, so `gen --check` must not call the tree up to date; `gen` keeps it (it is not
/// trustgen's) but says so. State, lock files and `.terraform/` stay unremarked.
#[test]
fn terraform_files_added_inside_a_generated_root_fail_the_check() {
    let dir = workspace("organisation-per-account.toml");
    let spec = "examples/organisation-per-account.toml";
    assert_eq!(trustgen(&["gen", spec], dir.path()).0, 0);
    let root = dir.path().join("generated/terraform/orders");
    assert!(root.join("main.tf").exists());
    let planted = ["zz.tf", "billing_override.tf.json", "prod.auto.tfvars"];
    std::fs::write(
        root.join(planted[0]),
        "provider \"aws\" {\n  alias               = \"prod\"\n  allowed_account_ids = [\"222233334444\"]\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join(planted[1]), "{}\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join(planted[2]), "x = 1\n").unwrap_or_else(|e| panic!("{e}"));
    // What Terraform itself leaves in a root is not configuration.
    std::fs::create_dir_all(root.join(".terraform/providers")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join(".terraform.lock.hcl"), "# lock\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("terraform.tfstate"), "{}\n").unwrap_or_else(|e| panic!("{e}"));

    let (code, _, stderr) = trustgen(&["gen", spec, "--check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    for name in planted {
        assert!(
            stderr.contains(&format!("terraform/orders/{name}")),
            "{name}: {stderr}"
        );
    }
    assert!(
        !stderr.contains("tfstate") && !stderr.contains("lock.hcl"),
        "{stderr}"
    );

    let (code, _, stderr) = trustgen(&["gen", spec], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: Terraform configuration trustgen did not write"),
        "{stderr}"
    );
    assert!(
        root.join(planted[0]).exists(),
        "gen must not delete what it did not write"
    );

    for name in planted {
        std::fs::remove_file(root.join(name)).unwrap_or_else(|e| panic!("{e}"));
    }
    let (code, _, stderr) = trustgen(&["gen", spec, "--check"], dir.path());
    assert_eq!(code, 0, "{stderr}");
}

/// Red team: a destination dropped from the spec takes its stack's template and its
/// Terraform root's files with it, but nothing in AWS: the role keeps its trust. `gen`
/// (and `gen --check`) must name the stack and the root someone has to delete.
#[test]
fn a_retired_stack_and_root_are_named_for_deletion() {
    let dir = workspace("organisation-per-account.toml");
    let spec = "examples/organisation-per-account.toml";
    assert_eq!(trustgen(&["gen", spec], dir.path()).0, 0);
    let path = dir.path().join(spec);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let start = text
        .find("[roles.ledger-writer]")
        .unwrap_or_else(|| panic!("no ledger-writer"));
    let end = text
        .find("# Same account")
        .unwrap_or_else(|| panic!("no marker"));
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..]))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, check) = trustgen(&["gen", spec, "--check"], dir.path());
    assert_eq!(code, 1, "{check}");
    let (code, _, stderr) = trustgen(&["gen", spec], dir.path());
    assert_eq!(code, 0, "{stderr}");
    for text in [&check, &stderr] {
        assert!(
            text.contains("warning: Terraform root terraform/ledger-trust (account 666677778888, eu-west-1) is no longer generated"),
            "{text}"
        );
        assert!(
            text.contains("warning: CloudFormation stack")
                && text.contains("(account 666677778888, eu-west-1) is no longer generated"),
            "{text}"
        );
        // Only what went: the other accounts' roots and stacks are still generated.
        assert_eq!(text.matches("is no longer generated").count(), 2, "{text}");
    }
    // Once generated without it, nothing more to say.
    let (code, _, stderr) = trustgen(&["gen", spec], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("no longer generated"), "{stderr}");
}

/// What the plan removes is not foreign, and what AWS still has is not retired: dropping
/// the state backend removes every root's backend.tf without calling it "not written by
/// trustgen"; renaming an account keeps its stacks (AWS knows them by account id, region
/// and name) but retires its per-account roots (their directories and state keys move).
#[test]
fn stale_files_are_not_foreign_and_a_renamed_account_keeps_its_stacks() {
    let dir = workspace("organisation-per-account.toml");
    let spec = "examples/organisation-per-account.toml";
    assert_eq!(trustgen(&["gen", spec], dir.path()).0, 0);
    let path = dir.path().join(spec);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let start = text
        .find("[terraform.backend]")
        .unwrap_or_else(|| panic!("no backend"));
    let end = start
        + text[start..]
            .find("\n\n")
            .unwrap_or_else(|| panic!("no end"));
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..]))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = trustgen(&["gen", spec, "--check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("did not write"), "{stderr}");
    assert!(stdout.contains("backend.tf"), "{stdout}");
    let (code, _, stderr) = trustgen(&["gen", spec], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("did not write") && !stderr.contains("no longer generated"),
        "{stderr}"
    );

    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, text.replace("orders-dev", "orders-sandbox"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen", spec], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("CloudFormation stack"), "{stderr}");
    assert!(
        stderr.contains("warning: Terraform root terraform/orders-dev (account"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: Terraform root terraform/orders-dev-trust (account"),
        "{stderr}"
    );
}

/// The lock file names the spec by the hash of its bytes on disk, whether the run keeps
/// the spec's text to quote in warnings or frees it before rendering (no warnings).
#[test]
fn the_lock_file_hashes_the_spec_as_read_with_and_without_warnings() {
    let dir = workspace("dev-and-prod.toml");
    let spec = dir.path().join(SPEC);
    let spec_hash = |dir: &Path| {
        let lock = std::fs::read_to_string(dir.join("generated/trustgen.lock.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        let lock: serde_json::Value = serde_json::from_str(&lock).unwrap_or_default();
        lock["spec"]["sha256"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let (code, _, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let bytes = std::fs::read(&spec).unwrap_or_default();
    assert_eq!(spec_hash(dir.path()), trustgen::sha256_hex(&bytes));
    // Without a log retention the spec draws a warning, and its text is kept.
    edit(&spec, "log_retention_days = 30\n", "");
    let (code, _, stderr) = trustgen(&["gen", SPEC], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning"), "{stderr}");
    let bytes = std::fs::read(&spec).unwrap_or_default();
    assert_eq!(spec_hash(dir.path()), trustgen::sha256_hex(&bytes));
}
