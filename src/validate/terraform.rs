//! `[terraform]`: the layout and the state backend. Every backend value lands in an HCL
//! string of every root (and the key prefix in each root's state key), so each is held to
//! what S3, DynamoDB and IAM accept: nothing of it can close a string, start a template or
//! climb out of its key prefix.

use super::syntax::{self, ArnKind};
use super::Findings;
use crate::model::Model;
use crate::path;
use crate::spec::{BackendType, Format, Spec, TerraformLayout};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    let Some(backend) = &spec.terraform.backend else {
        return;
    };
    let at = |key: &str| path!["terraform", "backend", key];
    if backend.kind == BackendType::Local {
        let given = [
            ("bucket", backend.bucket.is_some()),
            ("region", backend.region.is_some()),
            ("key_prefix", backend.key_prefix.is_some()),
            ("use_lockfile", backend.use_lockfile.is_some()),
            ("dynamodb_table", backend.dynamodb_table.is_some()),
            ("role_arn", backend.role_arn.is_some()),
            ("partial", backend.partial),
        ];
        for (key, _) in given.iter().filter(|(_, given)| *given) {
            findings.key_error(
                "backend-key-unused",
                at(key),
                format!("`{key}` is a setting of the S3 backend, but type = \"local\" writes no backend"),
                "remove it, or set type = \"s3\"",
            );
        }
        return;
    }
    for (key, value) in [
        ("bucket", &backend.bucket),
        ("region", &backend.region),
        ("key_prefix", &backend.key_prefix),
    ] {
        if value.is_none() {
            findings.key_error(
                "missing-key",
                path!["terraform", "backend"],
                format!("the S3 backend needs `{key}`"),
                "add bucket, region and key_prefix; each root keeps its state at <key_prefix>/<root>.tfstate",
            );
        }
    }
    if let Some(bucket) = &backend.bucket {
        if let Some(problem) = syntax::bucket_problem(bucket) {
            findings.error_help(
                "invalid-bucket",
                at("bucket"),
                format!("bucket name `{}` {problem}", bucket.escape_debug()),
                "use S3's rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit",
            );
        }
    }
    if let Some(region) = &backend.region {
        super::organisation::check_region(spec, region, at("region"), findings);
    }
    if let Some(prefix) = &backend.key_prefix {
        if let Some(problem) = syntax::key_prefix_problem(prefix) {
            findings.error_help(
                "invalid-key-prefix",
                at("key_prefix"),
                format!("key prefix `{}` {problem}", prefix.escape_debug()),
                "e.g. \"terraform/payments\": each root keeps its state at <key_prefix>/<root>.tfstate",
            );
        }
    }
    if let Some(table) = &backend.dynamodb_table {
        if !syntax::is_dynamodb_table(table) {
            findings.error_help(
                "invalid-dynamodb-table",
                at("dynamodb_table"),
                format!("`{}` is not a DynamoDB table name", table.escape_debug()),
                "use 3-255 of A-Z a-z 0-9 _ . -",
            );
        }
    }
    if backend.use_lockfile == Some(false) && backend.dynamodb_table.is_none() {
        findings.error_help(
            "state-without-lock",
            at("use_lockfile"),
            "the state would have no lock: two applies at once could corrupt it",
            "remove use_lockfile (an S3 lock file is the default) or name a dynamodb_table",
        );
    }
    if let Some(arn) = &backend.role_arn {
        if let Some(problem) = syntax::arn_problem(arn, spec.project.partition, ArnKind::Role) {
            findings.error_help("invalid-arn", at("role_arn"), problem.message, problem.help);
        }
    }
}

/// On the model: per-account roots that would share a directory, and roots that wait
/// for each other.
pub(super) fn check_model(spec: &Spec, model: &Model, findings: &mut Findings) {
    let terraform = &model.terraform;
    let mut dirs: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for root in &terraform.roots {
        if let Some(first) = dirs.insert(root.dir.to_ascii_lowercase(), &root.account) {
            findings.key_error(
                "name-collision",
                path!["accounts", &root.account],
                format!(
                    "accounts `{first}` and `{}` would both write the Terraform root {}/",
                    root.account, root.dir
                ),
                "rename one: the per-account layout writes terraform/<account>/ and, where it has something to hold, terraform/<account>-trust/ ([roles] destinations) and terraform/<account>-identity-center/",
            );
        }
    }
    let renders_terraform = spec
        .project
        .formats
        .as_ref()
        .is_none_or(|formats| formats.contains(&Format::Terraform));
    if terraform.layout == TerraformLayout::PerAccount
        && renders_terraform
        && !terraform.cycle.is_empty()
    {
        let mut names = terraform.cycle.clone();
        if let Some(first) = names.first().cloned() {
            names.push(first);
        }
        findings.error_help(
            "roots-wait-for-each-other",
            path!["terraform", "layout"],
            format!(
                "per-account roots wait for each other ({}): each names, in a trust policy or an attachment, a role or policy the next one creates, and IAM refuses to name one that does not exist yet, so no order applies them",
                names.join(" -> ")
            ),
            "name developer principals (dev_access.principals) and managed policies that already exist, not ones another root of this spec creates: IAM needs each to exist before a policy names it",
        );
    }
}
