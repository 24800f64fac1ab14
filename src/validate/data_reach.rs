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
use crate::model::{dev_access_for, has_wildcard, pattern_matches_ignoring_case, Arn};
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
    if envs::is_production_name(bucket) {
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

/// One read: what it is, the ARN as the spec wrote it, and where (made into a spec path
/// only for a diagnostic: most reads draw none).
struct Read<'s> {
    what: &'static str,
    arn: &'s str,
    at: ReadAt<'s>,
}

/// Where a read is written, under its task or role.
enum ReadAt<'s> {
    Secret(usize, &'s str),
    RepositoryCredentials(usize),
    EnvironmentFile(usize, usize, bool),
    KmsKey(usize),
    Statement(usize, usize),
}

impl ReadAt<'_> {
    /// The spec path, under `<table>.<name>` (`tasks.api`, `roles.reader`).
    fn path(&self, table: &str, name: &str) -> Vec<PathSegment> {
        let rest = match *self {
            ReadAt::Secret(container, variable) => {
                path!["containers", container, "secrets", variable]
            }
            ReadAt::RepositoryCredentials(container) => path![
                "containers",
                container,
                "repository_credentials",
                "credentials_parameter"
            ],
            ReadAt::EnvironmentFile(container, file, false) => {
                path!["containers", container, "environment_files", file]
            }
            ReadAt::EnvironmentFile(container, file, true) => {
                path!["containers", container, "environment_files", file, "value"]
            }
            ReadAt::KmsKey(index) => path!["secrets_kms_keys", index],
            ReadAt::Statement(statement, resource) => {
                path!["statements", statement, "resources", resource]
            }
        };
        [path![table, name], rest].concat()
    }
}

/// Everything a task's execution role reads into its containers, and its role's reads.
fn task_reads(task: &crate::spec::Task) -> Vec<Read<'_>> {
    let mut reads = Vec::new();
    for (index, container) in task.containers.iter().enumerate() {
        for (variable, arn) in &container.secrets {
            reads.push(Read {
                what: "its containers get the secret",
                arn,
                at: ReadAt::Secret(index, variable),
            });
        }
        if let Some(credentials) = &container.repository_credentials {
            reads.push(Read {
                what: "its containers' image is pulled with the secret",
                arn: &credentials.credentials_parameter,
                at: ReadAt::RepositoryCredentials(index),
            });
        }
        for (file_index, file) in container.environment_files.iter().enumerate() {
            let table = matches!(file, EnvironmentFile::File(_));
            reads.push(Read {
                what: "its containers get the environment file",
                arn: file.arn(),
                at: ReadAt::EnvironmentFile(index, file_index, table),
            });
        }
    }
    for (index, key) in task.secrets_kms_keys.iter().enumerate() {
        reads.push(Read {
            what: "its secrets are decrypted with the KMS key",
            arn: key,
            at: ReadAt::KmsKey(index),
        });
    }
    reads.extend(statement_reads(&task.statements));
    reads
}

/// The resources of Allow statements whose actions read secrets, parameters, keys or
/// objects.
fn statement_reads(statements: &[Statement]) -> Vec<Read<'_>> {
    let mut reads = Vec::new();
    for (index, statement) in statements.iter().enumerate() {
        let reads_data = statement.effect == Effect::Allow
            && statement.actions.iter().any(|action| {
                SECRET_READS
                    .iter()
                    .chain(DATA_READS.iter())
                    .any(|read| pattern_matches_ignoring_case(action, read))
            });
        if !reads_data {
            continue;
        }
        for (resource_index, resource) in statement.resources.iter().enumerate() {
            reads.push(Read {
                what: "its role may read",
                arn: resource,
                at: ReadAt::Statement(index, resource_index),
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
        let owner = Owner {
            table: "tasks",
            name,
            account: &task.account,
            allowed: &task.allow_developer_reads,
        };
        for read in task_reads(task) {
            owner.report(spec, read, findings);
        }
    }
    for (name, role) in spec.roles.iter().filter(|(_, role)| dev(&role.account)) {
        let owner = Owner {
            table: "roles",
            name,
            account: &role.account,
            allowed: &role.allow_developer_reads,
        };
        for read in statement_reads(&role.statements) {
            owner.report(spec, read, findings);
        }
    }
}

/// The task or `[roles]` role that reads.
struct Owner<'s> {
    /// `tasks` or `roles`.
    table: &'static str,
    name: &'s str,
    account: &'s str,
    allowed: &'s [String],
}

impl Owner<'_> {
    fn report(&self, spec: &Spec, read: Read<'_>, findings: &mut Findings) {
        if self.allowed.iter().any(|arn| arn == read.arn) {
            return;
        }
        let Some(whose) = outside_dev(spec, read.arn) else {
            return;
        };
        let (what, developers) = if self.table == "tasks" {
            (
                "task",
                "developers who act as the task, run it or exec into it read it too",
            )
        } else {
            ("role", "developers who reach this role read it too")
        };
        let (name, account, arn) = (self.name, self.account, read.arn);
        findings.at(
            Code::DeveloperReadsOutsideDev,
            read.at.path(self.table, name),
            format!(
                "{what} `{name}` (dev-access account `{account}`): {} `{arn}` of {whose}: {developers}",
                read.what
            ),
            format!(
                "give the dev account its own copy; if developers may really read it, add \"{arn}\" to allow_developer_reads in [{}.{name}]",
                self.table
            ),
        );
    }
}

/// Each `allow_developer_reads` entry names something its task or role reads, exactly as
/// written there: a stale entry would silently allow a read added later.
pub(super) fn unknown_read_opt_in(spec: &Spec, findings: &mut Findings) {
    let listing = spec
        .tasks
        .iter()
        .filter(|(_, task)| !task.allow_developer_reads.is_empty());
    for (name, task) in listing {
        let at = path!["tasks", name, "allow_developer_reads"];
        unknown_entries(&task.allow_developer_reads, &task_reads(task), at, findings);
    }
    let listing = spec
        .roles
        .iter()
        .filter(|(_, role)| !role.allow_developer_reads.is_empty());
    for (name, role) in listing {
        let at = path!["roles", name, "allow_developer_reads"];
        let reads = statement_reads(&role.statements);
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
