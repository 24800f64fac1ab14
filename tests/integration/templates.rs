//! The templates are the layout of every file: an edit to one shows in every file it lays
//! out, and a user's override (`--templates DIR`) has the same power, and fails loudly:
//! a missing directory, a file that is no template, an undefined variable, an absent
//! optional value and output that does not parse are errors (exit 2) naming the template,
//! and nothing is written.

use std::path::Path;

use crate::support::{synthetic, tree, trustgen_in};

fn trustgen(args: &[&str], cwd: &Path) -> (i32, String, String) {
    trustgen_in(args, cwd, &[])
}

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/organisation-two-way.toml"
);

/// A directory holding the dumped built-in templates, one of them replaced.
fn overrides(dir: &Path, name: &str, edit: impl Fn(&str) -> String) {
    let (code, _, stderr) = trustgen(&["templates", "--dump", "templates"], dir);
    assert_eq!(code, 0, "{stderr}");
    let path = dir.join("templates").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let edited = edit(&text);
    assert_ne!(text, edited, "the edit must change {name}");
    std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
}

fn refused(dir: &Path, spec: &str, expected: &[&str]) {
    let out = dir.join("out");
    let (code, stdout, stderr) =
        trustgen(&["gen", spec, "-o", "out", "--templates", "templates"], dir);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    for text in expected {
        assert!(stderr.contains(text), "`{text}` not in:\n{stderr}");
    }
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(
        !out.exists() || tree(&out).is_empty(),
        "something was written"
    );
}

/// The edit of `tasks.yaml.tera` appears in every tasks stack of every account, split
/// ones included: there is no second layout beside the template.
#[test]
fn an_edited_tasks_template_shows_in_every_stack() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // 400 tasks in one of two accounts: the account's tasks are split over several stacks.
    std::fs::write(dir.path().join("big.toml"), synthetic(800, 2))
        .unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "cloudformation/tasks.yaml.tera", |text| {
        text.replacen(
            "Resources:",
            "# reviewed by the platform team\nResources:",
            1,
        )
    });
    let (code, _, stderr) = trustgen(
        &["gen", "big.toml", "-o", "out", "--templates", "templates"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    let stacks: Vec<(String, Vec<u8>)> = tree(&dir.path().join("out"))
        .into_iter()
        .filter(|(path, _)| path.contains("/tasks"))
        .collect();
    assert!(
        stacks.len() >= 4,
        "expected split accounts, found {} stacks",
        stacks.len()
    );
    assert!(stacks
        .iter()
        .any(|(path, _)| path.ends_with("tasks-2.yaml")));
    for (path, text) in &stacks {
        let text = String::from_utf8_lossy(text);
        assert!(
            text.contains("# reviewed by the platform team\nResources:"),
            "{path}"
        );
    }
}

#[test]
fn an_override_printing_an_undefined_variable_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "terraform/account.tf.tera", |text| {
        text.replacen("  name = {{ role.name }}", "  name = {{ role.nmae }}", 1)
    });
    refused(
        dir.path(),
        SPEC,
        &[
            "terraform/account.tf.tera:25:",
            "Field `nmae` is not defined",
        ],
    );
}

#[test]
fn an_override_printing_an_absent_optional_value_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "cloudformation/role.yaml.tera", |text| {
        text.replacen(
            "      MaxSessionDuration:",
            "      PermissionsBoundary: {{ role.permissions_boundary }}\n      MaxSessionDuration:",
            1,
        )
    });
    refused(
        dir.path(),
        SPEC,
        &[
            "cloudformation/role.yaml.tera",
            "`permissions_boundary` is not defined",
        ],
    );
}

#[test]
fn an_override_rendering_invalid_hcl_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A value printed twice: valid Tera, invalid HCL.
    overrides(dir.path(), "terraform/account.tf.tera", |text| {
        text.replacen(
            "  name = {{ role.name }}",
            "  name = {{ role.name }} {{ role.name }}",
            1,
        )
    });
    refused(dir.path(), SPEC, &["terraform/account.tf.tera", "not HCL"]);
}

#[test]
fn an_override_rendering_invalid_yaml_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "cloudformation/trust.yaml.tera", |text| {
        text.replacen("Resources:", "Resources: {{ account.name }}:", 1)
    });
    refused(
        dir.path(),
        SPEC,
        &["cloudformation/trust.yaml.tera", "not YAML"],
    );
}

#[test]
fn a_missing_templates_directory_or_an_unknown_template_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    refused(dir.path(), SPEC, &["templates does not exist"]);
    let misspelt = dir.path().join("templates/terraform");
    std::fs::create_dir_all(&misspelt).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(misspelt.join("acount.tf.tera"), "{{ header }}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    refused(
        dir.path(),
        SPEC,
        &[
            "acount.tf.tera is not a trustgen template",
            "did you mean terraform/account.tf.tera?",
        ],
    );
}

/// The dumped templates are the built-in ones: rendering through them changes nothing.
#[test]
fn dumped_templates_render_the_same_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = trustgen(&["templates", "--dump", "templates"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("wrote 17 templates"), "{stdout}");
    assert_eq!(
        trustgen(&["templates", "--dump", "templates"], dir.path()).0,
        2,
        "no silent overwrite"
    );
    // Both Terraform layouts, the second with an S3 backend, the Identity Center example,
    // and the StackSet with Atlantis and with Terragrunt: every template renders.
    let per_account = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/organisation-per-account.toml"
    );
    let identity_center = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/identity-center.toml");
    let bootstrap = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/organisation-bootstrap.toml"
    );
    let terragrunt = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/specs/bootstrap-simulate-terragrunt.toml"
    );
    for (index, spec) in [SPEC, per_account, identity_center, bootstrap, terragrunt]
        .into_iter()
        .enumerate()
    {
        let (embedded, dumped) = (format!("embedded-{index}"), format!("dumped-{index}"));
        assert_eq!(trustgen(&["gen", spec, "-o", &embedded], dir.path()).0, 0);
        let (code, _, stderr) = trustgen(
            &["gen", spec, "-o", &dumped, "--templates", "templates"],
            dir.path(),
        );
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            tree(&dir.path().join(embedded)),
            tree(&dir.path().join(dumped))
        );
    }
}

/// An edit of the backend template shows in every root of the per-account layout.
#[test]
fn an_edited_backend_template_shows_in_every_root() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "terraform/backend.tf.tera", |text| {
        text.replacen(
            "    encrypt = true",
            "    encrypt = true\n    acl = \"private\"",
            1,
        )
    });
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/organisation-per-account.toml"
    );
    let (code, _, stderr) = trustgen(
        &["gen", spec, "-o", "out", "--templates", "templates"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    let backends: Vec<(String, Vec<u8>)> = tree(&dir.path().join("out"))
        .into_iter()
        .filter(|(path, _)| path.ends_with("/backend.tf"))
        .collect();
    assert_eq!(backends.len(), 7, "one per root");
    for (path, text) in backends {
        assert!(
            String::from_utf8_lossy(&text).contains("acl          = \"private\""),
            "{path}"
        );
    }
}

/// A Terraform override that renames the roles' resources renames every reference to
/// them, those inside trust policies included: the templates spell each reference (the
/// `tf.role_arn` component, which the renderer also asks for the references it writes
/// into trust policies), so no reference is left naming the old resource.
#[test]
fn a_renamed_role_resource_is_referenced_by_its_new_name_everywhere() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "terraform/account.tf.tera", |text| {
        text.replace(
            "resource \"aws_iam_role\" \"{{ role.resource }}\"",
            "resource \"aws_iam_role\" \"renamed_{{ role.resource }}\"",
        )
        .replace(
            "aws_iam_role.{{ role.resource }}.",
            "aws_iam_role.renamed_{{ role.resource }}.",
        )
    });
    let components = dir.path().join("templates/terraform/components.tera");
    let text = std::fs::read_to_string(&components).unwrap_or_default();
    let renamed = text.replace(
        "aws_iam_role.{{ role.resource }}.arn",
        "aws_iam_role.renamed_{{ role.resource }}.arn",
    );
    assert_ne!(text, renamed);
    std::fs::write(&components, renamed).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = trustgen(
        &["gen", SPEC, "-o", "out", "--templates", "templates"],
        dir.path(),
    );
    assert_eq!(code, 0, "{stderr}");
    let terraform: String = tree(&dir.path().join("out/terraform"))
        .into_values()
        .map(|text| String::from_utf8_lossy(&text).into_owned())
        .collect();
    let declared: Vec<&str> = terraform
        .split("resource \"aws_iam_role\" \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(declared.iter().all(|name| name.starts_with("renamed_")));
    let references: Vec<&str> = terraform
        .split("aws_iam_role.")
        .skip(1)
        .filter_map(|rest| rest.split('.').next())
        .collect();
    assert!(references.len() > 10, "{references:?}");
    for name in &references {
        assert!(
            declared.contains(name),
            "aws_iam_role.{name} is not declared"
        );
    }
    assert!(
        terraform.contains("AWS = aws_iam_role.renamed_"),
        "a trust policy names a task role by reference"
    );
}

/// A template may not hold the control character that places documents: a marker an
/// override wrote itself would place a document where the renderer did not.
#[test]
fn a_template_holding_the_document_marker_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    overrides(dir.path(), "cloudformation/trust.yaml.tera", |text| {
        text.replacen("Resources:", "# \u{1}0\u{1}\nResources:", 1)
    });
    refused(
        dir.path(),
        SPEC,
        &["cloudformation/trust.yaml.tera", "U+0001"],
    );
}
