//! `.pre-commit-hooks.yaml` as a user's pre-commit runs it: `pre-commit try-repo` clones
//! this repository (with its uncommitted changes), builds trustgen with cargo as the
//! hooks' `language: rust` says, and runs both hooks in a throwaway repository, once where
//! they pass and once where each has something to catch.

use std::path::Path;
use std::process::Command;

use crate::support::{require_tool, trustgen_in};

/// `pre-commit try-repo <this repository> --all-files` in `repo`: (passed, output).
fn try_repo(repo: &Path, home: &Path) -> (bool, String) {
    let output = Command::new("pre-commit")
        .args([
            "try-repo",
            env!("CARGO_MANIFEST_DIR"),
            "--all-files",
            "--color",
            "never",
        ])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", home)
        // try-repo commits the uncommitted changes into a shadow clone.
        .envs(git_identity())
        // pre-commit installs with `cargo install --path .` into a fresh clone; a target
        // directory kept between runs builds the dependencies once, not on every run.
        // Unoptimised, as the test only needs the hooks to run.
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-target"),
        )
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        // That install resolves the dependencies afresh (no --locked): let it prefer the
        // versions trustgen's rust-version supports, so a release on crates.io that needs
        // a newer compiler than this machine's cannot break the test.
        .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        // The release profile's fat LTO (Cargo.toml) is for speed the test does not need.
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .envs(built_jemalloc())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pre-commit: {e}"));
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// `JEMALLOC_OVERRIDE` naming the jemalloc library this test's own build already made,
/// when there is one: tikv-jemalloc-sys then links it instead of configuring and building
/// jemalloc again from C in the install's fresh target directory (about 150 CPU-seconds
/// of the suite on a fresh clone, for a library that is the same). Without one, the
/// install builds its own, as a user's does.
fn built_jemalloc() -> Option<(&'static str, std::path::PathBuf)> {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent()?;
    let mut built: Vec<std::path::PathBuf> = ["debug", "release"]
        .iter()
        .filter_map(|profile| std::fs::read_dir(target.join(profile).join("build")).ok())
        .flatten()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|dir| {
            dir.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("tikv-jemalloc-sys-"))
        })
        .map(|dir| dir.join("out/lib/libjemalloc.a"))
        .filter(|library| library.is_file())
        .collect();
    // Any of them: they differ only in the optimisation their C was compiled with.
    built.sort();
    Some(("JEMALLOC_OVERRIDE", built.into_iter().next()?))
}

fn git_identity() -> [(&'static str, &'static str); 4] {
    [
        ("GIT_AUTHOR_NAME", "trustgen test"),
        ("GIT_AUTHOR_EMAIL", "test@example.com"),
        ("GIT_COMMITTER_NAME", "trustgen test"),
        ("GIT_COMMITTER_EMAIL", "test@example.com"),
    ]
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo)
        .envs(git_identity())
        .status()
        .unwrap_or_else(|e| panic!("cannot run git: {e}"));
    assert!(status.success(), "git {args:?} failed");
}

/// The status pre-commit prints for the hook named `name`: `Passed` or `Failed`.
fn status<'a>(output: &'a str, name: &str) -> &'a str {
    output
        .lines()
        .find(|line| line.starts_with(&format!("{name}...")))
        .and_then(|line| line.rsplit('.').next())
        .unwrap_or_else(|| panic!("no line for hook {name}:\n{output}"))
}

#[test]
fn pre_commit_runs_both_hooks_from_this_repository() {
    if !require_tool("pre-commit", "--version") || !require_tool("cargo", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (repo, home) = (dir.path().join("repo"), dir.path().join("pre-commit-home"));
    std::fs::create_dir_all(repo.join("services")).unwrap_or_else(|e| panic!("{e}"));
    let copy = |from: &str, to: &str| {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(from),
            repo.join(to),
        )
        .unwrap_or_else(|e| panic!("{from}: {e}"));
    };
    copy("examples/tagged-dev-account.toml", "trustgen.toml");
    // Not a spec by its name: the check hook leaves it alone, though it would warn.
    copy(
        "tests/fixtures/specs/china-extended-ec2.toml",
        "services/notes.toml",
    );
    let (code, _, stderr) = trustgen_in(&["gen"], &repo, &[]);
    assert_eq!(code, 0, "{stderr}");
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "--quiet", "--message", "stacks"]);

    let (passed, output) = try_repo(&repo, &home);
    assert!(passed, "{output}");
    assert_eq!(status(&output, "trustgen check"), "Passed", "{output}");
    assert_eq!(
        status(&output, "trustgen generated stacks are current"),
        "Passed",
        "{output}"
    );

    // A second spec with warnings, and a generated file edited by hand.
    copy(
        "tests/fixtures/specs/china-extended-ec2.toml",
        "services/trustgen.toml",
    );
    let stack = repo.join("generated/terraform/dev.tf");
    let mut text = std::fs::read_to_string(&stack).unwrap_or_default();
    text.push_str("# edited by hand\n");
    std::fs::write(&stack, text).unwrap_or_else(|e| panic!("{e}"));
    git(&repo, &["add", "--all"]);

    let (passed, output) = try_repo(&repo, &home);
    assert!(!passed, "{output}");
    assert_eq!(status(&output, "trustgen check"), "Failed", "{output}");
    assert!(
        output.contains("warning[role-without-permissions]")
            && output.contains("services/trustgen.toml, denied by --deny-warnings"),
        "{output}"
    );
    assert!(!output.contains("services/notes.toml"), "{output}");
    assert_eq!(
        status(&output, "trustgen generated stacks are current"),
        "Failed",
        "{output}"
    );
    assert!(output.contains("-# edited by hand"), "{output}");
}
