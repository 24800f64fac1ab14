//! `[tasks.<name>]`: a task's account, role and family names, size, permissions and tags;
//! its containers (`containers/`), task definition settings (`platform.rs`) and volumes
//! (`volumes.rs`) each have their own file.

use crate::collections::HashSet;

use super::arn_kinds::{self, ArnKind};
use super::permissions::{self, Holder};
use super::{accounts, containers, names, platform, tags, volumes, Findings};
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::{is_family, path_problem, role_name_problem};
use crate::model::limits::{fargate_memory_options, FARGATE_CPU};
use crate::model::{self, dev_access_for, has_wildcard, same_grant, Arn, Model, RoleKind};
use crate::path;
use crate::spec::{Account, Compatibility, DevMode, Spec, Tag, Task};

/// Where a task's own keys are: `tasks.<task>.…`.
pub(super) type At<'a> = &'a dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>;

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    // Tasks check independently: on every core, merged in spec order.
    let tasks: Vec<(&String, &Task)> = spec.tasks.iter().collect();
    let runs = crate::parallel::map_runs(&tasks, |run| {
        let mut findings = Findings::default();
        for &(name, task) in run {
            check_task(spec, name, task, &mut findings);
        }
        findings.diagnostics
    });
    findings.diagnostics.extend(runs.into_iter().flatten());
}

/// One task's own errors, in the order a user reads them.
fn check_task(spec: &Spec, name: &String, task: &Task, findings: &mut Findings) {
    let at = |rest: Vec<PathSegment>| [path!["tasks", name], rest].concat();
    names::invalid_name("task", name, &|| path!["tasks", name], findings);
    let account =
        accounts::unknown_account(spec, &task.account, &|| at(path!["account"]), findings);
    invalid_role_name(spec, name, task, findings);
    invalid_family(spec, name, task, findings);
    invalid_path(name, task, findings);
    check_size(task, &at, findings);
    permissions::check_role(
        spec,
        &task.statements,
        &task.managed_policies,
        task.permissions_boundary.as_ref(),
        &at,
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
            arn_kinds::invalid_arn(spec, arn, kind, &|| at(path![key, index]), findings);
        }
    }
    containers::check(spec, task, &at, findings);
    platform::check(task, &at, findings);
    volumes::check(task, &at, findings);
    volumes::duplicate_sid(task, &at, findings);
    reserved_sid(task, &at, findings);
    tags::check(&task.tags, at(path!["tags"]), findings);
    match account {
        Some(account) if dev_access_for(spec, &account.env) != DevMode::None => {
            dev_tag_conflict(spec, name, task, findings);
        }
        Some(account) => dev_tag_outside_dev(spec, name, task, account, findings),
        None => {}
    }
}

/// The role name the model will give (from `model::names`, not derived again here).
fn invalid_role_name(spec: &Spec, name: &str, task: &Task, findings: &mut Findings) {
    let role_name = model::task_role_name(spec, name, task);
    let Some(problem) = role_name_problem(&role_name) else {
        return;
    };
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
    findings.at(
        Code::InvalidRoleName,
        at,
        what,
        "1-64 of A-Z a-z 0-9 + = , . @ _ -; set role_name to a shorter name",
    );
}

fn invalid_family(spec: &Spec, name: &str, task: &Task, findings: &mut Findings) {
    let family = model::task_family(spec, name, task);
    if !is_family(&family) {
        findings.at(
            Code::InvalidFamily,
            path!["tasks", name, "family"],
            format!("`{family}` is not a valid task definition family"),
            "up to 255 letters, digits, - and _",
        );
    }
}

fn invalid_path(name: &str, task: &Task, findings: &mut Findings) {
    let Some(path) = &task.path else {
        return;
    };
    if let Some(why) = path_problem(path) {
        findings.at(
            Code::InvalidPath,
            path!["tasks", name, "path"],
            format!("`{path}` {why}"),
            "starts and ends with /, no wildcard, e.g. \"/ecs/\"",
        );
    }
}

/// Task-level cpu and memory: Fargate's pairs, EC2's minimum, and what each needs.
fn check_size(task: &Task, at: At<'_>, findings: &mut Findings) {
    match (task.compatibility, task.cpu, task.memory) {
        (Compatibility::Fargate, Some(cpu), Some(memory)) => {
            invalid_fargate_size(cpu, memory, at, findings);
        }
        (Compatibility::Fargate, _, _) => missing_task_size(
            "a Fargate task needs task-level cpu and memory",
            "e.g. cpu = 256 and memory = 512",
            at,
            findings,
        ),
        (Compatibility::Ec2, cpu, memory) => {
            invalid_task_size(cpu, at, findings);
            if memory.is_none() && task.containers.iter().any(|c| c.memory.is_none()) {
                missing_task_size(
                    "an EC2 task needs task memory or memory on every container",
                    "set memory = 512 on the task",
                    at,
                    findings,
                );
            }
        }
    }
}

fn missing_task_size(message: &str, help: &str, at: At<'_>, findings: &mut Findings) {
    findings.at_key(Code::MissingTaskSize, at(vec![]), message, help);
}

fn invalid_fargate_size(cpu: i64, memory: i64, at: At<'_>, findings: &mut Findings) {
    match fargate_memory_options(cpu) {
        None => findings.at(
            Code::InvalidFargateSize,
            at(path!["cpu"]),
            format!("Fargate has no cpu size {cpu}"),
            describe_fargate_sizes(cpu),
        ),
        Some(options) if !options.contains(&memory) => findings.at(
            Code::InvalidFargateSize,
            at(path!["memory"]),
            format!("Fargate does not run cpu {cpu} with memory {memory}"),
            describe_fargate_sizes(cpu),
        ),
        Some(_) => {}
    }
}

/// The memory Fargate runs with `cpu`, or its cpu sizes when `cpu` is none of them.
fn describe_fargate_sizes(cpu: i64) -> String {
    let list = |sizes: &[i64]| {
        sizes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match fargate_memory_options(cpu) {
        Some(options) if options.len() <= 3 => {
            format!("with cpu = {cpu}, memory must be one of {}", list(&options))
        }
        Some(options) => format!(
            "with cpu = {cpu}, memory must be {} to {} in steps of {}",
            options[0],
            options[options.len() - 1],
            options[1] - options[0]
        ),
        None => format!("cpu must be one of {}", list(&FARGATE_CPU)),
    }
}

fn invalid_task_size(cpu: Option<i64>, at: At<'_>, findings: &mut Findings) {
    if cpu.is_some_and(|c| c < 128) {
        findings.at(
            Code::InvalidTaskSize,
            at(path!["cpu"]),
            "task cpu below 128 units",
            "at least 128 (1024 = one vCPU)",
        );
    }
}

/// The statements trustgen adds to a task role carry Sids of their own (`AssumeRoles` is
/// checked with the role's statements); IAM refuses a policy whose Sids repeat.
fn reserved_sid(task: &Task, at: At<'_>, findings: &mut Findings) {
    let generated = model::generated_sids(task);
    for (index, statement) in task.statements.iter().enumerate() {
        let Some(sid) = &statement.sid else { continue };
        let clash = generated
            .iter()
            .skip(1) // AssumeRoles: reported with the roles' own checks.
            .find(|g| g.eq_ignore_ascii_case(sid));
        if let Some(generated) = clash {
            let spelled = if generated == sid {
                String::new()
            } else {
                format!(" (as `{generated}`: IAM ignores case)")
            };
            findings.at(
                Code::ReservedSid,
                at(path!["statements", index, "sid"]),
                format!("sid `{sid}` is taken: trustgen gives it{spelled} to the statement it adds to this task's role"),
                "choose another sid",
            );
        }
    }
}

/// The dev-access tag among a task's own tags, in tagged mode: its key (any case) and value.
fn dev_tag_of<'t>(spec: &Spec, task: &'t Task) -> Option<(Tag, &'t String, &'t String)> {
    if spec.dev_access.mode != DevMode::Tagged {
        return None;
    }
    let tag = spec.dev_access.tag.clone().unwrap_or_default();
    let (key, value) = tags::dev_tag_key_in(&task.tags, &tag)?;
    Some((tag, key, value))
}

/// In a dev-access account trustgen sets the dev-access tag itself.
fn dev_tag_conflict(spec: &Spec, name: &str, task: &Task, findings: &mut Findings) {
    let Some((tag, key, _)) = dev_tag_of(spec, task) else {
        return;
    };
    findings.at(
        Code::DevTagConflict,
        path!["tasks", name, "tags", key],
        format!(
            "tag `{key}` is the dev-access tag key `{}` (IAM ignores case in tag keys); trustgen sets it to `{}` here",
            tag.key, tag.value
        ),
        "remove this tag",
    );
}

/// Outside dev access the dev-access tag would make the role assumable by developers.
fn dev_tag_outside_dev(
    spec: &Spec,
    name: &str,
    task: &Task,
    account: &Account,
    findings: &mut Findings,
) {
    let Some((tag, key, value)) = dev_tag_of(spec, task) else {
        return;
    };
    if value.eq_ignore_ascii_case(&tag.value) {
        findings.at(
            Code::DevTagOutsideDev,
            path!["tasks", name, "tags", key],
            format!("task `{name}` runs in account `{}` (env `{}`), where developers must not assume roles, but carries the dev-access tag {}={}", task.account, account.env, tag.key, tag.value),
            "remove the tag: trustgen adds it exactly where dev access applies",
        );
    }
}

/// Simulate mode gives one role per account the union of its tasks' permissions: it can
/// carry one permissions boundary, so the tasks it stands for must share theirs (or all
/// have none). Otherwise a boundary-limited task would be simulated without its limit.
pub(super) fn simulate_boundaries_differ(spec: &Spec, findings: &mut Findings) {
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
        findings.at(
            Code::SimulateBoundariesDiffer,
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

/// Warnings about a task role: its statements and managed policies, the roles it may
/// assume, a role with nothing to do, and Denies simulate mode cannot carry.
pub(super) fn warnings(
    spec: &Spec,
    model: &Model,
    name: &str,
    task: &Task,
    assumed_by: &HashSet<&str>,
    findings: &mut Findings,
) {
    let holder = Holder::of(spec, &task.account);
    for (index, statement) in task.statements.iter().enumerate() {
        let at = |rest| [path!["tasks", name, "statements", index], rest].concat();
        permissions::statement_warnings(statement, &at, holder, findings);
    }
    let at = || path!["tasks", name, "managed_policies"];
    permissions::admin_managed_policy(&task.managed_policies, &at, holder, findings);
    assume_role_wildcard_name(name, task, holder, findings);
    role_without_permissions(name, task, assumed_by, findings);
    simulator_drops_deny(model, name, task, findings);
}

fn assume_role_wildcard_name(name: &str, task: &Task, holder: Holder, findings: &mut Findings) {
    for (index, arn) in task.assume_role_arns.iter().enumerate() {
        let wildcard_name = Arn::parse(arn)
            .and_then(|a| a.role_path_and_name())
            .is_some_and(|(_, role)| has_wildcard(role));
        if wildcard_name {
            findings.at(
                Code::AssumeRoleWildcardName,
                path!["tasks", name, "assume_role_arns", index],
                format!(
                    "`{arn}` lets the task assume every role it matches in that account{}",
                    holder.note()
                ),
                "name the exact role",
            );
        }
    }
}

fn role_without_permissions(
    name: &str,
    task: &Task,
    assumed_by: &HashSet<&str>,
    findings: &mut Findings,
) {
    let assumes = !task.assume_role_arns.is_empty() || assumed_by.contains(name);
    // ECS Exec and EFS with IAM authorization give the role statements of their own
    // (`generated_sids` names them after `AssumeRoles`, which `assumes` covers).
    let derived = model::generated_sids(task).len() > 1;
    if task.statements.is_empty() && task.managed_policies.is_empty() && !assumes && !derived {
        findings.at(
            Code::RoleWithoutPermissions,
            path!["tasks", name],
            format!("the task role of `{name}` has no permissions"),
            "fine for a task that calls no AWS API; otherwise add statements or managed_policies",
        );
    }
}

/// Simulate mode: a task's Deny that would deny other tasks what they are allowed is not
/// on the simulator role, so it binds only sessions assumed with the task's session policy.
fn simulator_drops_deny(model: &Model, name: &str, task: &Task, findings: &mut Findings) {
    let simulator = model
        .accounts
        .iter()
        .find(|a| a.name == task.account)
        .and_then(|a| a.simulator_role.as_ref());
    let Some(simulator) = simulator else {
        return;
    };
    let carried: Vec<&model::policy::Statement> = simulator
        .inline_policies
        .iter()
        .flat_map(|p| &p.document.statements)
        .collect();
    let task_role = model
        .accounts
        .iter()
        .flat_map(|a| &a.task_roles)
        .find(|r| r.kind == RoleKind::Task(name.to_string()));
    let statements = task_role
        .into_iter()
        .flat_map(|r| &r.inline_policies)
        .flat_map(|p| &p.document.statements);
    for (index, statement) in statements.enumerate().take(task.statements.len()) {
        let dropped = statement.effect == model::policy::Effect::Deny
            && !carried.iter().any(|c| same_grant(c, statement));
        if dropped {
            findings.at(
                Code::SimulatorDropsDeny,
                path!["tasks", name, "statements", index],
                format!("simulate mode: this Deny of task `{name}` is not on the simulator role (it would deny other tasks what they are allowed); it binds only sessions assumed with `{name}`'s session policy"),
                "act as the task with `trustgen assume` (it always passes the session policy), or move the guard into a permissions boundary the account's tasks share",
            );
        }
    }
}
