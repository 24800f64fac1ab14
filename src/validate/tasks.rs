//! Tasks: their account, role, permissions, sizes and containers.

use std::collections::HashSet;

use super::fargate;
use super::organisation::{account_suggestion, check_tags, dev_tag_key_in};
use super::syntax::{self, ArnKind};
use super::Findings;
use crate::diagnostic::PathSegment;
use crate::model::{self, dev_access_for, Arn, PartitionExt, ASSUME_ROLES_SID};
use crate::path;
use crate::spec::{Compatibility, DevMode, Partition, Spec, Statement, Task};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    for (name, task) in &spec.tasks {
        let at = |rest: Vec<PathSegment>| {
            let mut path = path!["tasks", name];
            path.extend(rest);
            path
        };
        if !syntax::is_spec_name(name) {
            findings.key_error(
                "invalid-name",
                path!["tasks", name],
                format!("task name `{name}` is not allowed"),
                "start with a letter; use letters, digits, - and _ (at most 64)",
            );
        }
        let account = spec.accounts.get(&task.account);
        if account.is_none() {
            findings.error_help(
                "unknown-account",
                at(path!["account"]),
                format!("no account named `{}`", task.account),
                account_suggestion(spec, &task.account),
            );
        }
        check_identity(spec, name, task, findings);
        check_size(task, &at, findings);
        check_permissions(spec, task, &at, findings);
        super::containers::check(spec, task, &at, findings);
        super::platform::check(task, &at, findings);
        check_tags(&task.tags, at(path!["tags"]), findings);
        if let (DevMode::Tagged, Some(account)) = (spec.dev_access.mode, account) {
            let tag = spec.dev_access.tag.clone().unwrap_or_default();
            if let Some((key, value)) = dev_tag_key_in(&task.tags, &tag) {
                if dev_access_for(spec, &account.env) == DevMode::None {
                    if value.eq_ignore_ascii_case(&tag.value) {
                        findings.error_help("dev-tag-outside-dev", at(path!["tags", key]), format!("task `{name}` runs in account `{}` (env `{}`), where developers must not assume roles, but carries the dev-access tag {}={}", task.account, account.env, tag.key, tag.value), "remove the tag: trustgen adds it exactly where dev access applies");
                    }
                } else {
                    findings.error_help(
                        "dev-tag-conflict",
                        at(path!["tags", key]),
                        format!(
                            "tag `{key}` is the dev-access tag key `{}` (IAM ignores case in tag keys); trustgen sets it to `{}` here",
                            tag.key, tag.value
                        ),
                        "remove this tag",
                    );
                }
            }
        }
    }
}

fn check_identity(spec: &Spec, name: &str, task: &Task, findings: &mut Findings) {
    // The names the model will give: from `model::names`, not derived again here.
    let role_name = model::task_role_name(spec, name, task);
    if let Some(problem) = syntax::role_name_problem(&role_name) {
        let (at, what) = match task.role_name {
            Some(_) => (
                path!["tasks", name, "role_name"],
                format!("role name `{role_name}` {problem}"),
            ),
            None => (
                path!["tasks", name],
                format!("the default role name `{role_name}` {problem}"),
            ),
        };
        findings.error_help(
            "invalid-role-name",
            at,
            what,
            "1-64 of A-Z a-z 0-9 + = , . @ _ -; set role_name to a shorter name",
        );
    }
    let family = model::task_family(spec, name, task);
    if !syntax::is_family(&family) {
        findings.error_help(
            "invalid-family",
            path!["tasks", name, "family"],
            format!("`{family}` is not a valid task definition family"),
            "up to 255 letters, digits, - and _",
        );
    }
    if let Some(path) = &task.path {
        if let Some(why) = syntax::path_problem(path) {
            findings.error_help(
                "invalid-path",
                path!["tasks", name, "path"],
                format!("`{path}` {why}"),
                "starts and ends with /, no wildcard, e.g. \"/ecs/\"",
            );
        }
    }
}

fn check_size(
    task: &Task,
    at: &dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    match (task.compatibility, task.cpu, task.memory) {
        (Compatibility::Fargate, Some(cpu), Some(memory)) => match fargate::memory_options(cpu) {
            None => findings.error_help(
                "invalid-fargate-size",
                at(path!["cpu"]),
                format!("Fargate has no cpu size {cpu}"),
                fargate::describe(cpu),
            ),
            Some(options) if !options.contains(&memory) => findings.error_help(
                "invalid-fargate-size",
                at(path!["memory"]),
                format!("Fargate does not run cpu {cpu} with memory {memory}"),
                fargate::describe(cpu),
            ),
            Some(_) => {}
        },
        (Compatibility::Fargate, _, _) => findings.key_error(
            "missing-task-size",
            at(vec![]),
            "a Fargate task needs task-level cpu and memory",
            "e.g. cpu = 256 and memory = 512",
        ),
        (Compatibility::Ec2, cpu, memory) => {
            if cpu.is_some_and(|c| c < 128) {
                findings.error_help(
                    "invalid-task-size",
                    at(path!["cpu"]),
                    "task cpu below 128 units",
                    "at least 128 (1024 = one vCPU)",
                );
            }
            if memory.is_none() && task.containers.iter().any(|c| c.memory.is_none()) {
                findings.key_error(
                    "missing-task-size",
                    at(vec![]),
                    "an EC2 task needs task memory or memory on every container",
                    "set memory = 512 on the task",
                );
            }
        }
    }
}

fn check_permissions(
    spec: &Spec,
    task: &Task,
    at: &dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    let partition = spec.project.partition;
    check_role_permissions(
        spec,
        &task.statements,
        &task.managed_policies,
        task.permissions_boundary.as_ref(),
        at,
        findings,
    );
    for (key, arns, kind) in [
        (
            "assume_role_arns",
            &task.assume_role_arns,
            ArnKind::AssumableRole,
        ),
        ("secrets_kms_keys", &task.secrets_kms_keys, ArnKind::KmsKey),
    ] {
        for (index, arn) in arns.iter().enumerate() {
            if let Some(problem) = syntax::arn_problem(arn, partition, kind) {
                findings.error_help(
                    "invalid-arn",
                    at(path![key, index]),
                    problem.message,
                    problem.help,
                );
            }
        }
    }
}

/// What task roles and `[roles.*]` roles share: statements, managed policies (count and
/// ARNs) and the permissions boundary.
pub(super) fn check_role_permissions(
    spec: &Spec,
    statements: &[Statement],
    managed_policies: &[String],
    permissions_boundary: Option<&String>,
    at: &dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    let partition = spec.project.partition;
    let mut sids: HashSet<String> = HashSet::new();
    for (index, statement) in statements.iter().enumerate() {
        check_statement(
            statement,
            partition,
            &at(path!["statements", index]),
            findings,
        );
        let Some(sid) = &statement.sid else { continue };
        // IAM refuses a policy whose Sids repeat; trustgen adds `AssumeRoles` itself.
        if sid.eq_ignore_ascii_case(ASSUME_ROLES_SID) {
            findings.error_help(
                "reserved-sid",
                at(path!["statements", index, "sid"]),
                format!("sid `{sid}` is the one trustgen gives the statement it adds for the roles this one assumes"),
                "choose another sid",
            );
        } else if !sids.insert(sid.to_ascii_lowercase()) {
            findings.error_help(
                "duplicate-sid",
                at(path!["statements", index, "sid"]),
                format!("sid `{sid}` is used by another statement of this role; IAM refuses a policy whose Sids repeat"),
                "give each statement its own sid, or none",
            );
        }
    }
    if managed_policies.len() as i64 > spec.limits.managed_policies_per_role {
        findings.error_help(
            "too-many-managed-policies",
            at(path!["managed_policies"]),
            format!(
                "{} managed policies; the limit is {}",
                managed_policies.len(),
                spec.limits.managed_policies_per_role
            ),
            "merge some, or raise limits.managed_policies_per_role after raising the quota",
        );
    }
    for (index, arn) in managed_policies.iter().enumerate() {
        if let Some(problem) = syntax::arn_problem(arn, partition, ArnKind::ManagedPolicy) {
            findings.error_help(
                "invalid-arn",
                at(path!["managed_policies", index]),
                problem.message,
                problem.help,
            );
        }
    }
    if let Some(arn) = permissions_boundary {
        if let Some(problem) = syntax::arn_problem(arn, partition, ArnKind::ManagedPolicy) {
            findings.error_help(
                "invalid-arn",
                at(path!["permissions_boundary"]),
                problem.message,
                problem.help,
            );
        }
    }
}

pub(super) fn check_statement(
    statement: &Statement,
    partition: Partition,
    at: &[PathSegment],
    findings: &mut Findings,
) {
    let sub = |rest: Vec<PathSegment>| {
        let mut path = at.to_vec();
        path.extend(rest);
        path
    };
    if let Some(sid) = &statement.sid {
        if sid.is_empty() || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            findings.error_help(
                "invalid-sid",
                sub(path!["sid"]),
                format!("sid `{sid}` is not allowed"),
                "letters and digits only",
            );
        }
    }
    if statement.actions.is_empty() {
        findings.error_help(
            "empty-actions",
            sub(path!["actions"]),
            "a statement with no actions grants nothing",
            "list actions as service:Action, e.g. \"s3:GetObject\"",
        );
    }
    for (index, action) in statement.actions.iter().enumerate() {
        if !syntax::is_action(action) {
            findings.error_help(
                "invalid-action",
                sub(path!["actions", index]),
                format!("`{action}` is not an action"),
                "write service:Action, e.g. \"ssm:GetParameter\" (wildcards allowed)",
            );
        }
    }
    if statement.resources.is_empty() {
        findings.error_help(
            "empty-resources",
            sub(path!["resources"]),
            "a statement needs at least one resource",
            "list ARNs, or \"*\" where the action has no resource type",
        );
    }
    for (index, resource) in statement.resources.iter().enumerate() {
        if resource
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            findings.error_help(
                "invalid-resource",
                sub(path!["resources", index]),
                format!(
                    "`{}` holds whitespace or control characters, which no ARN has",
                    resource.escape_debug()
                ),
                "arn:partition:service:region:account:resource, or \"*\"",
            );
            continue;
        }
        if let Some(arn) = Arn::parse(resource) {
            if arn.partition != partition.as_str() && arn.partition != "*" {
                findings.error_help(
                    "wrong-partition",
                    sub(path!["resources", index]),
                    format!(
                        "`{resource}` is in partition `{}`, but the project's partition is `{}`",
                        arn.partition,
                        partition.as_str()
                    ),
                    format!("write arn:{}:…", partition.as_str()),
                );
            }
        } else if resource != "*" {
            findings.error_help(
                "invalid-resource",
                sub(path!["resources", index]),
                format!("`{resource}` is not an ARN"),
                "arn:partition:service:region:account:resource, or \"*\"",
            );
        }
    }
    if let Some(condition) = &statement.condition {
        super::conditions::check(condition, &sub(path!["condition"]), findings);
    }
}

/// Simulate mode gives one role per account the union of its tasks' permissions: it can
/// carry one permissions boundary, so the tasks it stands for must share theirs (or all
/// have none). Otherwise a boundary-limited task would be simulated without its limit.
pub(super) fn check_simulate_boundaries(spec: &Spec, findings: &mut Findings) {
    for (account_name, account) in &spec.accounts {
        if dev_access_for(spec, &account.env) != DevMode::Simulate {
            continue;
        }
        let tasks: Vec<(&String, Option<&String>)> = spec
            .tasks
            .iter()
            .filter(|(_, task)| &task.account == account_name)
            .map(|(name, task)| (name, task.permissions_boundary.as_ref()))
            .collect();
        let Some((first_name, first)) = tasks.first().copied() else {
            continue;
        };
        let Some((name, boundary)) = tasks.iter().copied().find(|(_, b)| *b != first) else {
            continue;
        };
        let show = |b: Option<&String>| b.map_or("none".to_string(), |arn| format!("`{arn}`"));
        findings.error_help(
            "simulate-boundaries-differ",
            path!["tasks", name, "permissions_boundary"],
            format!(
                "simulate mode: tasks of account `{account_name}` have different permissions boundaries (`{first_name}`: {}, `{name}`: {}), but its one simulator role can carry only one",
                show(first),
                show(boundary)
            ),
            "give every task of this account the same permissions_boundary (or none), or use tagged or extended mode",
        );
    }
}
