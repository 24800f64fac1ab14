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
        check_containers(spec, task, &at, findings);
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

fn check_containers(
    spec: &Spec,
    task: &Task,
    at: &dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    if task.containers.is_empty() {
        findings.key_error(
            "no-containers",
            at(vec![]),
            "a task definition needs at least one container",
            "add a [[tasks.<name>.containers]] table with name and image",
        );
        return;
    }
    if !task.containers.iter().any(|c| c.essential) {
        findings.error_help(
            "no-essential-container",
            at(path!["containers"]),
            "no container is essential; ECS requires at least one",
            "set essential = true on the main container",
        );
    }
    let mut names = HashSet::new();
    for (index, container) in task.containers.iter().enumerate() {
        let here = |rest: Vec<PathSegment>| {
            let mut path = at(path!["containers", index]);
            path.extend(rest);
            path
        };
        let valid_name = !container.name.is_empty()
            && container.name.len() <= 255
            && container
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            findings.error_help(
                "invalid-container-name",
                here(path!["name"]),
                format!("container name `{}` is not allowed", container.name),
                "up to 255 letters, digits, - and _",
            );
        } else if !names.insert(container.name.as_str()) {
            findings.error_help(
                "duplicate-container",
                here(path!["name"]),
                format!("container `{}` appears twice in this task", container.name),
                "give each container its own name",
            );
        }
        if container.image.trim().is_empty() || container.image.chars().any(char::is_whitespace) {
            findings.error_help(
                "invalid-image",
                here(path!["image"]),
                "the image reference is empty or contains whitespace",
                "e.g. \"public.ecr.aws/nginx/nginx:1.27\"",
            );
        }
        for (index, port) in container.port_mappings.iter().enumerate() {
            if !(1..=65535).contains(port) {
                findings.error_help(
                    "invalid-port",
                    here(path!["port_mappings", index]),
                    format!("port {port} is out of range"),
                    "1 to 65535",
                );
            }
        }
        for (key, value) in [("cpu", container.cpu), ("memory", container.memory)] {
            if value.is_some_and(|v| v < 0 || (key == "memory" && v < 6)) {
                findings.error_help(
                    "invalid-container-size",
                    here(path![key]),
                    format!(
                        "container {key} {} is not allowed",
                        value.unwrap_or_default()
                    ),
                    "cpu in units (1024 = one vCPU), memory in MiB (at least 6)",
                );
            }
        }
        if let (Some(limit), Some(own)) = (task.memory, container.memory) {
            if own > limit {
                findings.error_help(
                    "container-exceeds-task",
                    here(path!["memory"]),
                    format!("container memory {own} exceeds the task's {limit}"),
                    "lower it or raise the task memory",
                );
            }
        }
        for (name, arn) in &container.secrets {
            if let Some(problem) = syntax::arn_problem(arn, spec.project.partition, ArnKind::Secret)
            {
                findings.error_help(
                    "invalid-secret",
                    here(path!["secrets", name]),
                    problem.message,
                    problem.help,
                );
            }
        }
        for name in container.environment.keys().chain(container.secrets.keys()) {
            if name.is_empty()
                || name.contains('=')
                || name.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                findings.key_error(
                    "invalid-variable-name",
                    here(path![
                        if container.environment.contains_key(name) {
                            "environment"
                        } else {
                            "secrets"
                        },
                        name
                    ]),
                    format!(
                        "`{}` is not an environment variable name",
                        name.escape_debug()
                    ),
                    "use letters, digits and _ (no =, spaces or control characters)",
                );
            }
        }
        let texts = std::iter::once(&container.image)
            .chain(&container.command)
            .chain(container.environment.values());
        if texts.into_iter().any(|text| text.contains('\0')) {
            findings.error_help(
                "invalid-container-text",
                here(vec![]),
                "a container's image, command or environment holds a NUL character, which no process can receive",
                "remove it",
            );
        }
        for name in container
            .environment
            .keys()
            .filter(|k| container.secrets.contains_key(*k))
        {
            findings.error_help(
                "duplicate-variable",
                here(path!["secrets", name]),
                format!("`{name}` is both an environment variable and a secret"),
                "keep one",
            );
        }
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
