//! `[terraform]`: the layout and the state backend. Every backend value lands in an HCL
//! string of every root (and the key prefix in each root's state key), so each is held to
//! what S3, DynamoDB and IAM accept: nothing of it can close a string, start a template or
//! climb out of its key prefix.

use crate::collections::HashMap;

use super::arn_kinds::{self, ArnKind};
use super::{regions, Findings};
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::{
    bucket_problem, is_dynamodb_table, key_prefix_problem, repository_dir_problem,
};
use crate::model::{for_account, Arn, Model, ACCOUNT_ID_PATTERN};
use crate::path;
use crate::spec::{Backend, BackendType, Format, Spec, TerraformLayout};

fn at(key: &str) -> Vec<PathSegment> {
    path!["terraform", "backend", key]
}

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    if let Some(dir) = &spec.terraform.repository_dir {
        invalid_repository_dir(dir, findings);
    }
    let Some(backend) = &spec.terraform.backend else {
        return;
    };
    if backend.kind == BackendType::Local {
        backend_key_unused(backend, findings);
        return;
    }
    missing_key(backend, findings);
    account_pattern_in_single_root(spec, backend, findings);
    if let Some(bucket) = &backend.bucket {
        invalid_bucket(bucket, findings);
    }
    if let Some(region) = &backend.region {
        regions::check(spec, region, at("region"), findings);
    }
    if let Some(prefix) = &backend.key_prefix {
        invalid_key_prefix(prefix, findings);
    }
    if let Some(table) = &backend.dynamodb_table {
        invalid_dynamodb_table(table, findings);
    }
    state_without_lock(backend, findings);
    if let Some(arn) = &backend.role_arn {
        let sample = for_account(arn, SAMPLE_ACCOUNT_ID);
        if let Some(problem) =
            arn_kinds::arn_problem(&sample, spec.project.partition, ArnKind::Role)
        {
            findings.at(
                Code::InvalidArn,
                at("role_arn"),
                as_written(&problem.message, arn),
                problem.help,
            );
        }
    }
}

/// An account id standing in for `{account_id}` where a setting is checked without a root:
/// every id has twelve digits, so lengths and characters are judged as deployed.
const SAMPLE_ACCOUNT_ID: &str = "123456789012";

/// A message about a setting checked with [`SAMPLE_ACCOUNT_ID`], showing `{account_id}`
/// where the spec wrote it.
fn as_written(message: &str, written: &str) -> String {
    if written.contains(ACCOUNT_ID_PATTERN) {
        message.replace(SAMPLE_ACCOUNT_ID, ACCOUNT_ID_PATTERN)
    } else {
        message.to_string()
    }
}

/// `{account_id}` means each root's account; the single root deploys to every account.
fn account_pattern_in_single_root(spec: &Spec, backend: &Backend, findings: &mut Findings) {
    if spec.terraform.layout != TerraformLayout::SingleRoot {
        return;
    }
    let settings = [("bucket", &backend.bucket), ("role_arn", &backend.role_arn)];
    for (key, value) in settings {
        if value
            .as_deref()
            .is_some_and(|v| v.contains(ACCOUNT_ID_PATTERN))
        {
            findings.at(
                Code::AccountPatternInSingleRoot,
                at(key),
                format!("`{ACCOUNT_ID_PATTERN}` stands for the account of each root, but the single-root layout has one root for every account"),
                "set [terraform] layout = \"per-account\" to give each account's roots their own state, or name one bucket and role",
            );
        }
    }
}

/// Warnings: state kept or reached in an account the spec does not describe (the role's
/// account; a bucket's name carrying an account id), where no reviewer of this spec sees
/// who else may write it.
pub(super) fn state_outside_spec(spec: &Spec, model: &Model, findings: &mut Findings) {
    let described = |id: &str| spec.accounts.values().any(|account| account.id == id);
    let mut reported: Vec<&str> = Vec::new();
    for root in &model.terraform.roots {
        if let Some(role) = root.state_role_arn.as_deref() {
            let id = Arn::parse(role).map_or("", |arn| arn.account);
            if !described(id) && !reported.contains(&"role_arn") {
                reported.push("role_arn");
                findings.at(
                    Code::StateOutsideSpec,
                    at("role_arn"),
                    format!("the state role `{role}` is in account {id}, which this spec does not describe: whoever administers that account can rewrite every root's state"),
                    "describe that account in [accounts] (its env, e.g. \"shared\"), so reviewers see where state lives",
                );
            }
        }
        if let Some(bucket) = root.state_bucket.as_deref() {
            let foreign = account_ids_in(bucket).find(|id| !described(id));
            if let Some(id) = foreign.filter(|_| !reported.contains(&"bucket")) {
                reported.push("bucket");
                findings.at(
                    Code::StateOutsideSpec,
                    at("bucket"),
                    format!("the state bucket `{bucket}` carries the id of account {id}, which this spec does not describe"),
                    "describe that account in [accounts] (its env, e.g. \"shared\"), so reviewers see where state lives",
                );
            }
        }
    }
}

/// The runs of exactly twelve digits in a name: the account ids it carries.
fn account_ids_in(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 12)
}

fn backend_key_unused(backend: &Backend, findings: &mut Findings) {
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
        findings.at_key(
            Code::BackendKeyUnused,
            at(key),
            format!(
                "`{key}` is a setting of the S3 backend, but type = \"local\" writes no backend"
            ),
            "remove it, or set type = \"s3\"",
        );
    }
}

fn missing_key(backend: &Backend, findings: &mut Findings) {
    for (key, value) in [
        ("bucket", &backend.bucket),
        ("region", &backend.region),
        ("key_prefix", &backend.key_prefix),
    ] {
        if value.is_none() {
            findings.at_key(
                Code::MissingKey,
                path!["terraform", "backend"],
                format!("the S3 backend needs `{key}`"),
                "add bucket, region and key_prefix; each root keeps its state at <key_prefix>/<root>.tfstate",
            );
        }
    }
}

fn invalid_bucket(bucket: &str, findings: &mut Findings) {
    if let Some(problem) = bucket_problem(&for_account(bucket, SAMPLE_ACCOUNT_ID)) {
        findings.at(
            Code::InvalidBucket,
            at("bucket"),
            format!("bucket name `{}` {problem}", bucket.escape_debug()),
            "use S3's rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit",
        );
    }
}

fn invalid_key_prefix(prefix: &str, findings: &mut Findings) {
    if let Some(problem) = key_prefix_problem(prefix) {
        findings.at(
            Code::InvalidKeyPrefix,
            at("key_prefix"),
            format!("key prefix `{}` {problem}", prefix.escape_debug()),
            "e.g. \"terraform/payments\": each root keeps its state at <key_prefix>/<root>.tfstate",
        );
    }
}

fn invalid_dynamodb_table(table: &str, findings: &mut Findings) {
    if !is_dynamodb_table(table) {
        findings.at(
            Code::InvalidDynamodbTable,
            at("dynamodb_table"),
            format!("`{}` is not a DynamoDB table name", table.escape_debug()),
            "use 3-255 of A-Z a-z 0-9 _ . -",
        );
    }
}

fn state_without_lock(backend: &Backend, findings: &mut Findings) {
    if backend.use_lockfile == Some(false) && backend.dynamodb_table.is_none() {
        findings.at(
            Code::StateWithoutLock,
            at("use_lockfile"),
            "the state would have no lock: two applies at once could corrupt it",
            "remove use_lockfile (an S3 lock file is the default) or name a dynamodb_table",
        );
    }
}

/// On the model: per-account roots that would share a directory, and roots that wait
/// for each other.
pub(super) fn check_model(spec: &Spec, model: &Model, findings: &mut Findings) {
    name_collision_of_roots(model, findings);
    roots_wait_for_each_other(spec, model, findings);
}

fn name_collision_of_roots(model: &Model, findings: &mut Findings) {
    let mut dirs: HashMap<String, &str> = HashMap::default();
    for root in &model.terraform.roots {
        if let Some(first) = dirs.insert(root.dir.to_ascii_lowercase(), &root.account) {
            findings.at_key(
                Code::NameCollision,
                path!["accounts", &root.account],
                format!(
                    "accounts `{first}` and `{}` would both write the Terraform root {}/",
                    root.account, root.dir
                ),
                "rename one: the per-account layout writes terraform/<account>/ and, where it has something to hold, terraform/<account>-trust/ ([roles] destinations) and terraform/<account>-identity-center/",
            );
        }
    }
}

fn roots_wait_for_each_other(spec: &Spec, model: &Model, findings: &mut Findings) {
    let terraform = &model.terraform;
    let renders_terraform = spec
        .project
        .formats
        .as_ref()
        .is_none_or(|formats| formats.contains(&Format::Terraform));
    if terraform.layout != TerraformLayout::PerAccount
        || !renders_terraform
        || terraform.cycle.is_empty()
    {
        return;
    }
    let mut names = terraform.cycle.clone();
    if let Some(first) = names.first().cloned() {
        names.push(first);
    }
    findings.at(
        Code::RootsWaitForEachOther,
        path!["terraform", "layout"],
        format!(
            "per-account roots wait for each other ({}): each names, in a trust policy or an attachment, a role or policy the next one creates, and IAM refuses to name one that does not exist yet, so no order applies them",
            names.join(" -> ")
        ),
        "name developer principals (dev_access.principals) and managed policies that already exist, not ones another root of this spec creates: IAM needs each to exist before a policy names it",
    );
}

/// Every project directory of atlantis.yaml starts with it.
fn invalid_repository_dir(dir: &str, findings: &mut Findings) {
    if let Some(problem) = repository_dir_problem(dir) {
        findings.at(
            Code::InvalidRepositoryDir,
            path!["terraform", "repository_dir"],
            format!("repository_dir `{}` {problem}", dir.escape_debug()),
            "the output directory's path from the repository's root, e.g. \"infra/generated\", or \".\" when it is the root",
        );
    }
}
