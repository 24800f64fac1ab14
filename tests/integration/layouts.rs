//! The built-in layouts are written natively unless a template is overridden; the
//! embedded templates, dumped and passed back as overrides, must render every spec byte
//! for byte the same (split stacks included).

use std::path::Path;

use crate::support::{all_specs, synthetic};
use trustgen::cli::FormatArg;
use trustgen::render::{GeneratedFile, EMBEDDED};

fn files(spec: &Path, templates: Option<&Path>) -> Vec<GeneratedFile> {
    match trustgen::generate(spec, Some(FormatArg::All), templates) {
        Ok(generated) => generated.files,
        Err(outcome) => panic!("{} does not generate:\n{}", spec.display(), outcome.stderr),
    }
}

#[test]
fn native_layouts_equal_the_embedded_templates_rendered_by_tera() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let templates = dir.path().join("templates");
    for (name, source) in EMBEDDED {
        let path = templates.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(path, source).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut specs = all_specs();
    for (tasks, accounts) in [(1000, 1), (300, 4)] {
        let spec = dir.path().join(format!("synth-{tasks}-{accounts}.toml"));
        std::fs::write(&spec, synthetic(tasks, accounts)).unwrap_or_else(|e| panic!("{e}"));
        specs.push(spec);
    }
    let mut seen = String::new();
    for spec in &specs {
        let native = files(spec, None);
        let interpreted = files(spec, Some(&templates));
        assert_eq!(native.len(), interpreted.len(), "{}", spec.display());
        for (native, interpreted) in native.iter().zip(&interpreted) {
            assert_eq!(native.path, interpreted.path, "{}", spec.display());
            assert!(
                native.contents == interpreted.contents,
                "{}: {} differs from its template's rendering",
                spec.display(),
                native.path
            );
            seen.push_str(&native.path);
            seen.push_str(&native.contents);
        }
    }
    // The comparison covers every optional part of the layouts.
    for part in [
        "tasks-2.yaml",
        "PermissionsBoundary: ",
        "RetentionInDays: ",
        "      Tags:",
        "          PolicyDocument:",
        "ManagedPolicyArns:",
        "  permissions_boundary",
        "  depends_on",
        "  retention_in_days",
        "  tags",
        "aws_iam_role_policy\"",
        "aws_iam_group_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_role_policy_attachment\" \"",
        "  cpu",
        "  memory",
    ] {
        assert!(seen.contains(part), "no spec under test renders {part:?}");
    }
}
