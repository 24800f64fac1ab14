//! The binary as users run it: exit codes, and nothing written when the spec is invalid.

use std::path::Path;

fn trustgen(args: &[&str], cwd: &Path) -> (i32, String, String) {
    crate::support::trustgen_in(args, cwd, &[])
}

#[test]
fn invalid_spec_exits_2_with_located_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = "version = 1\n[project]\nname = \"demo\"\nregion = \"eu-west-1\"\n[accounts.dev]\nid = \"111122223333\"\nenv = \"dev\"\n[tasks.web]\naccount = \"dve\"\ncpu = 256\nmemory = 512\n[[tasks.web.statements]]\nactoins = [\"s3:GetObject\"]\n";
    std::fs::write(dir.path().join("trustgen.toml"), spec).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("generated");
    std::fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(out.join("keep.txt"), "mine").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("trustgen.toml:13:1"), "{stderr}");
    assert!(stderr.contains("did you mean `actions`?"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    let entries: Vec<_> = std::fs::read_dir(&out)
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    assert_eq!(entries.len(), 1, "the output directory must be untouched");

    // A semantic error (after parsing) is located too, with a suggestion.
    let fixed = spec.replace("actoins", "actions").replace("[\"s3:GetObject\"]\n", "[\"s3:GetObject\"]\nresources = [\"*\"]\n[[tasks.web.containers]]\nname = \"web\"\nimage = \"nginx\"\n");
    std::fs::write(dir.path().join("trustgen.toml"), fixed).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["check"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("trustgen.toml:9:11") && stderr.contains("did you mean `dev`?"),
        "{stderr}"
    );
}

#[test]
fn missing_spec_exits_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen", "nope.toml"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read spec nope.toml"), "{stderr}");
}

#[test]
fn init_writes_a_spec_that_generates_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(
        &["init", "--project", "shop", "--account-id", "123456789012"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("trustgen.toml")).unwrap_or_default();
    assert!(text.contains("id = \"123456789012\"") && text.contains("name = \"shop\""));
    // Editors find the schema beside the spec, offline.
    assert!(text.starts_with("#:schema ./trustgen.schema.json\n"));
    let schema =
        std::fs::read_to_string(dir.path().join("trustgen.schema.json")).unwrap_or_default();
    assert_eq!(schema, trustgen(&["schema"], dir.path()).1);
    let (code, stdout, stderr) = trustgen(&["gen", "--format", "all"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("7 created"), "{stdout}");
    assert!(dir
        .path()
        .join("generated/cloudformation/dev/developers.yaml")
        .is_file());
    let (code, _, stderr) = trustgen(&["init"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
}

#[test]
fn format_flag_limits_the_backends() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = env!("CARGO_MANIFEST_DIR");
    let spec = format!("{root}/examples/tagged-dev-account.toml");
    let (code, _, stderr) = trustgen(
        &["gen", &spec, "-o", "out", "--format", "terraform"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.path().join("out/terraform/dev.tf").is_file());
    assert!(!dir.path().join("out/cloudformation").exists());
}

#[test]
fn templates_override_by_file_name_and_broken_ones_are_located() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = format!(
        "{}/examples/tagged-dev-account.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let overrides = dir.path().join("templates/terraform");
    std::fs::create_dir_all(&overrides).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        overrides.join("versions.tf.tera"),
        "{{ header }}\n# pinned by my team\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(
        &["gen", &spec, "-o", "out", "--templates", "templates"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    let versions =
        std::fs::read_to_string(dir.path().join("out/terraform/versions.tf")).unwrap_or_default();
    assert!(versions.ends_with("# pinned by my team\n"), "{versions}");
    assert!(
        dir.path().join("out/terraform/dev.tf").is_file(),
        "other templates stay embedded"
    );

    std::fs::write(
        overrides.join("versions.tf.tera"),
        "{{ header }}\n{{ nope.missing }}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(
        &["gen", &spec, "-o", "out2", "--templates", "templates"],
        dir.path(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("terraform/versions.tf.tera:2:4") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert!(!dir.path().join("out2").exists());
}

/// `init`'s output is kept as a fixture so cfn-lint, terraform and the parity checker run on
/// exactly what a new user starts from.
#[test]
fn init_default_output_is_the_checked_fixture() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["init", "starter.toml"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("starter.toml")).unwrap_or_default();
    let fixture = std::fs::read_to_string(format!(
        "{}/tests/fixtures/specs/init-default.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default();
    assert_eq!(
        written, fixture,
        "update tests/fixtures/specs/init-default.toml with `trustgen init`"
    );
}

/// What a newcomer met: a garbled `assume` usage line, undescribed SPEC arguments, "1
/// accounts", and `-o FILE` failing with a message about a journal.
#[test]
fn help_and_messages_read_as_a_newcomer_reads_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, help, _) = trustgen(&["assume", "--help"], dir.path());
    assert!(
        help.contains("Usage: trustgen assume [SPEC] TASK"),
        "{help}"
    );
    assert!(!help.contains("<SPEC] [TASK>"), "{help}");
    for command in ["graph", "aws-config"] {
        let (_, help, _) = trustgen(&[command, "--help"], dir.path());
        assert!(help.contains("The spec file"), "{command}: {help}");
    }
    let spec = format!(
        "{}/examples/tagged-dev-account.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, stdout, _) = trustgen(&["check", &spec], dir.path());
    assert_eq!(code, 0);
    assert!(
        stdout.contains("(1 account with resources, 2 roles, 1 task definition, 0 warnings)"),
        "{stdout}"
    );
    std::fs::write(dir.path().join("out.txt"), "a file").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(&["gen", &spec, "-o", "out.txt"], dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("out.txt is not a directory"), "{stderr}");
}
