//! Production data stays out of developers' reach: a task (or `[roles]` role) of a
//! dev-access account that reads secrets, parameters, KMS keys or files outside dev-access
//! accounts hands them to developers, who act as its role, run it or exec into it. Each
//! such read warns, unless the spec opts in by name where a reviewer sees it (the ARN in
//! the task's or role's `allow_developer_reads`, as `allow_developer_reach_to` does for
//! roles).
//!
//! What is read: the containers' `secrets`, `repository_credentials` and
//! `environment_files` and the task's `secrets_kms_keys` (the execution role reads them
//! into the container), and Allow statements that read secrets, parameters, keys or S3
//! objects. An ARN's account says whose it is; an S3 ARN names no account, so a bucket is
//! judged by its name: one that reads as production, or carries the id of an account
//! without developer access.

use super::{envs, Findings};
use crate::diagnostic::{Code, PathSegment};
use crate::model::vocabulary::SECRET_READS;
use crate::model::{dev_access_for, has_wildcard, pattern_matches, Arn};
use crate::path;
use crate::spec::{DevMode, Effect, EnvironmentFile, Spec, Statement};

/// Actions that read data: secrets, parameters, keys, and S3 objects (environment files).
const DATA_READS: [&str; 2] = ["s3:GetObject", "s3:GetObjectVersion"];

/// Where a read lands outside dev access, in words (`None`: inside, or not knowable).
fn outside_dev(spec: &Spec, arn: &str) -> Option<String> {
    let parsed = Arn::parse(arn)?;
    if parsed.service == "s3" && parsed.account.is_empty() {
        return bucket_outside_dev(spec, parsed.resource);
    }
    let id = parsed.account;
    if id.is_empty() || has_wildcard(id) {
        return None;
    }
    match spec.accounts.iter().find(|(_, account)| account.id == id) {
        Some((_, account)) if dev_access_for(spec, &account.env) != DevMode::None => None,
        Some((name, account)) => Some(format!(
            "account `{name}` (env `{}`, no developer access)",
            account.env
        )),
        None => Some(format!("account {id}, which this spec does not describe")),
    }
}

/// A bucket whose name reads as production, or carries the id of an account without
/// developer access (`config-555566667777`).
fn bucket_outside_dev(spec: &Spec, resource: &str) -> Option<String> {
    let bucket = resource.split('/').next().unwrap_or_default();
    if has_wildcard(bucket) {
        return None;
    }
    if envs::is_production_env(bucket) {
        return Some(format!("bucket `{bucket}`, whose name reads as production"));
    }
    spec.accounts
        .iter()
        .filter(|(_, account)| dev_access_for(spec, &account.env) == DevMode::None)
        .find(|(_, account)| bucket.contains(account.id.as_str()))
        .map(|(name, _)| {
            format!(
                "bucket `{bucket}`, which carries the id of account `{name}` (no developer access)"
            )
        })
}

/// One read: what it is, the ARN as the spec wrote it, and where.
struct Read<'s> {
    what: &'static str,
    arn: &'s str,
    at: Vec<PathSegment>,
}

/// Everything a task's execution role reads into its containers, and its role's reads.
fn task_reads<'s>(name: &str, task: &'s crate::spec::Task) -> Vec<Read<'s>> {
    let mut reads = Vec::new();
    for (index, container) in task.containers.iter().enumerate() {
        let at =
            |rest: Vec<PathSegment>| [path!["tasks", name, "containers", index], rest].concat();
        for (variable, arn) in &container.secrets {
            reads.push(Read {
                what: "its containers get the secret",
                arn,
                at: at(path!["secrets", variable]),
            });
        }
        if let Some(credentials) = &container.repository_credentials {
            reads.push(Read {
                what: "its containers' image is pulled with the secret",
                arn: &credentials.credentials_parameter,
                at: at(path!["repository_credentials", "credentials_parameter"]),
            });
        }
        for (file_index, file) in container.environment_files.iter().enumerate() {
            let at_file = match file {
                EnvironmentFile::Arn(_) => at(path!["environment_files", file_index]),
                EnvironmentFile::File(_) => at(path!["environment_files", file_index, "value"]),
            };
            reads.push(Read {
                what: "its containers get the environment file",
                arn: file.arn(),
                at: at_file,
            });
        }
    }
    for (index, key) in task.secrets_kms_keys.iter().enumerate() {
        reads.push(Read {
            what: "its secrets are decrypted with the KMS key",
            arn: key,
            at: path!["tasks", name, "secrets_kms_keys", index],
        });
    }
    reads.extend(statement_reads(&task.statements, path!["tasks", name]));
    reads
}

/// The resources of Allow statements whose actions read secrets, parameters, keys or
/// objects.
fn statement_reads(statements: &[Statement], at: Vec<PathSegment>) -> Vec<Read<'_>> {
    let mut reads = Vec::new();
    for (index, statement) in statements.iter().enumerate() {
        let reads_data = statement.effect == Effect::Allow
            && statement.actions.iter().any(|action| {
                let action = action.to_ascii_lowercase();
                SECRET_READS
                    .iter()
                    .chain(DATA_READS.iter())
                    .any(|read| pattern_matches(&action, &read.to_ascii_lowercase()))
            });
        if !reads_data {
            continue;
        }
        for (resource_index, resource) in statement.resources.iter().enumerate() {
            reads.push(Read {
                what: "its role may read",
                arn: resource,
                at: [
                    at.clone(),
                    path!["statements", index, "resources", resource_index],
                ]
                .concat(),
            });
        }
    }
    reads
}

/// Warnings: reads outside dev access by tasks and `[roles]` roles of dev-access accounts.
pub(super) fn developer_reads_outside_dev(spec: &Spec, findings: &mut Findings) {
    let dev = |account: &str| {
        spec.accounts
            .get(account)
            .is_some_and(|a| dev_access_for(spec, &a.env) != DevMode::None)
    };
    for (name, task) in spec.tasks.iter().filter(|(_, task)| dev(&task.account)) {
        let who = format!("task `{name}` (dev-access account `{}`)", task.account);
        let table = format!("[tasks.{name}]");
        for read in task_reads(name, task) {
            report(
                spec,
                &who,
                &table,
                &task.allow_developer_reads,
                read,
                findings,
            );
        }
    }
    for (name, role) in spec.roles.iter().filter(|(_, role)| dev(&role.account)) {
        let who = format!("role `{name}` (dev-access account `{}`)", role.account);
        let table = format!("[roles.{name}]");
        for read in statement_reads(&role.statements, path!["roles", name]) {
            report(
                spec,
                &who,
                &table,
                &role.allow_developer_reads,
                read,
                findings,
            );
        }
    }
}

fn report(
    spec: &Spec,
    who: &str,
    table: &str,
    allowed: &[String],
    read: Read<'_>,
    findings: &mut Findings,
) {
    if allowed.iter().any(|arn| arn == read.arn) {
        return;
    }
    let Some(whose) = outside_dev(spec, read.arn) else {
        return;
    };
    findings.at(
        Code::DeveloperReadsOutsideDev,
        read.at,
        format!(
            "{who}: {} `{}` of {whose}: developers who act as the task, run it or exec into it read it too",
            read.what, read.arn
        ),
        format!(
            "give the dev account its own copy; if developers may really read it, add \"{}\" to allow_developer_reads in {table}",
            read.arn
        ),
    );
}

/// Each `allow_developer_reads` entry names something its task or role reads, exactly as
/// written there: a stale entry would silently allow a read added later.
pub(super) fn unknown_read_opt_in(spec: &Spec, findings: &mut Findings) {
    for (name, task) in &spec.tasks {
        let reads = task_reads(name, task);
        let at = path!["tasks", name, "allow_developer_reads"];
        unknown_entries(&task.allow_developer_reads, &reads, at, findings);
    }
    for (name, role) in &spec.roles {
        let reads = statement_reads(&role.statements, path!["roles", name]);
        let at = path!["roles", name, "allow_developer_reads"];
        unknown_entries(&role.allow_developer_reads, &reads, at, findings);
    }
}

fn unknown_entries(
    listed: &[String],
    reads: &[Read<'_>],
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    for (index, arn) in listed.iter().enumerate() {
        if !reads.iter().any(|read| read.arn == arn) {
            findings.at(
                Code::UnknownReadOptIn,
                [at.clone(), path![index]].concat(),
                format!("`{arn}` is nothing this entry reads"),
                "list only ARNs of its secrets, repository credentials, environment files, secrets_kms_keys or reading statements' resources, exactly as written there",
            );
        }
    }
}
