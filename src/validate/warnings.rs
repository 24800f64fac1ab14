//! Warnings: specs that are valid but grant more than they probably mean, or set something
//! up that does nothing. They do not stop `gen` unless `--deny-warnings` is given.

use std::collections::HashSet;

use super::syntax::is_production_env;
use crate::diagnostic::{Diagnostic, Location, PathSegment, Severity};
use crate::model::{
    dev_access_for, has_wildcard, pattern_matches, same_grant, Arn, Model, RoleKind,
};
use crate::path;
use crate::spec::{
    Capability, DevMode, Developers, Effect, IpcMode, PidMode, Spec, Statement, Toggle,
};

/// Action-name prefixes that only read. Any other action, or a wildcard that may reach
/// other actions, counts as a write.
const READ_PREFIXES: [&str; 16] = [
    "Get", "List", "Describe", "Head", "Query", "Scan", "BatchGet", "Lookup", "Search", "Select",
    "View", "Check", "Read", "Validate", "Estimate", "Simulate",
];

/// AWS managed policies that amount to administering the account.
const ADMIN_POLICIES: [&str; 3] = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/// Actions that read secrets: on every resource, they read every secret.
const SECRET_READS: [&str; 7] = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
];

/// IAM actions that let whoever holds them give themselves more (on any resource: the
/// role or user they name is the one that gains).
const IAM_ESCALATION: [&str; 16] = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:AddUserToGroup",
    "iam:DeleteUserPermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateRole",
];

fn warning(code: &'static str, path: Vec<PathSegment>, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        code,
        message,
        location: Location::Value(path),
        help: Some(help.to_string()),
    }
}

pub(super) fn is_write_action(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    !READ_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// `*`, or an ARN with a wildcard in its partition, service, region or account: it reaches
/// beyond one account's named resources (`arn:aws:s3:::bucket/*` is not wide).
pub(super) fn is_wide_resource(resource: &str) -> bool {
    resource == "*" || Arn::parse(resource).is_some_and(|arn| arn.is_wide())
}

/// Whether the action pattern covers `action` (IAM compares actions ignoring case).
fn covers(pattern: &str, action: &str) -> bool {
    pattern_matches(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// Who holds a statement's permissions, for the wording of its warnings.
#[derive(Clone, Copy)]
struct Holder {
    /// Developers can act as this role (a task or role of a dev-access account).
    developers_inherit: bool,
}

impl Holder {
    fn note(self) -> &'static str {
        if self.developers_inherit {
            " (a dev-access account: developers acting as this role inherit it)"
        } else {
            ""
        }
    }
}

fn statement_warnings(
    statement: &Statement,
    at: Vec<PathSegment>,
    holder: Holder,
    out: &mut Vec<Diagnostic>,
) {
    if statement.effect == Effect::Deny {
        return;
    }
    let sub = |rest: Vec<PathSegment>| [at.clone(), rest].concat();
    if let Some(index) = statement.actions.iter().position(|a| a == "*") {
        out.push(warning(
            "action-star",
            sub(path!["actions", index]),
            format!("`*` allows every action of every service{}", holder.note()),
            "list the actions the task needs",
        ));
        return;
    }
    let wide = statement.resources.iter().position(|r| is_wide_resource(r));
    let mut reported: HashSet<&str> = HashSet::new();
    for (index, action) in statement.actions.iter().enumerate() {
        // `iam:*`, `iam:**`, `iam:*?`: a name of wildcards only is every IAM action.
        let every_iam_action = action.split_once(':').is_some_and(|(service, name)| {
            service.eq_ignore_ascii_case("iam")
                && name.contains('*')
                && name.chars().all(|c| c == '*' || c == '?')
        });
        if every_iam_action {
            reported.insert(action);
            out.push(warning(
                "iam-star",
                sub(path!["actions", index]),
                format!("`{action}` allows every IAM action: creating roles, attaching policies, changing trust{}", holder.note()),
                "list the IAM actions needed, on the exact roles or policies",
            ));
            continue;
        }
        let escalations: Vec<&str> = IAM_ESCALATION
            .iter()
            .copied()
            .filter(|target| covers(action, target))
            .collect();
        if !escalations.is_empty() {
            reported.insert(action);
            out.push(warning(
                "iam-escalation",
                sub(path!["actions", index]),
                format!(
                    "`{action}` allows {}: whoever holds this role can give a role, user or itself more permissions{}",
                    escalations.join(", "),
                    holder.note()
                ),
                "keep IAM administration out of workload roles; if it is needed, limit it with a permissions boundary",
            ));
        }
    }
    if let Some(resource_index) = wide {
        let resource = &statement.resources[resource_index];
        let at_resource = sub(path!["resources", resource_index]);
        let kinds: [(&'static str, &[&str], &str, &str); 3] = [
            (
                "pass-role-wide",
                &["iam:PassRole"],
                "this role can hand any role to a service, and act with that role's permissions",
                "name the roles it may pass, e.g. arn:aws:iam::<id>:role/<name>",
            ),
            (
                "assume-role-wide",
                &["sts:AssumeRole"],
                "this role can assume any role, in any account, that trusts it",
                "name the roles it may assume by ARN",
            ),
            (
                "secret-read-wide",
                &SECRET_READS,
                "this role can read every secret, parameter or key it is not denied",
                "name the secrets, parameters or keys by ARN",
            ),
        ];
        for (code, targets, message, help) in kinds {
            let actions: Vec<&str> = statement
                .actions
                .iter()
                .map(String::as_str)
                .filter(|a| !reported.contains(a) && targets.iter().any(|t| covers(a, t)))
                .collect();
            if actions.is_empty() {
                continue;
            }
            reported.extend(actions.iter().copied());
            out.push(warning(
                code,
                at_resource.clone(),
                format!(
                    "{} on `{resource}`: {message}{}",
                    actions.join(", "),
                    holder.note()
                ),
                help,
            ));
        }
    }
    if let Some(index) = statement.resources.iter().position(|r| r == "*") {
        let writes: Vec<&str> = statement
            .actions
            .iter()
            .map(String::as_str)
            .filter(|a| is_write_action(a) && !reported.contains(a))
            .collect();
        if !writes.is_empty() {
            out.push(warning(
                "write-on-any-resource",
                sub(path!["resources", index]),
                format!(
                    "write actions ({}) on every resource{}",
                    writes.join(", "),
                    holder.note()
                ),
                "name the resources (ARNs) these actions may change",
            ));
        }
    }
}

fn managed_policy_warnings(
    policies: &[String],
    at: Vec<PathSegment>,
    holder: Holder,
    out: &mut Vec<Diagnostic>,
) {
    for (index, arn) in policies.iter().enumerate() {
        let admin = Arn::parse(arn).and_then(|parsed| {
            let name = parsed.resource.strip_prefix("policy/")?;
            (parsed.account == "aws" && ADMIN_POLICIES.contains(&name)).then_some(name)
        });
        if let Some(name) = admin {
            out.push(warning(
                "admin-managed-policy",
                [at.clone(), path![index]].concat(),
                format!("`{name}` administers the account{}", holder.note()),
                "attach a policy with the permissions this role needs",
            ));
        }
    }
}

pub fn check(spec: &Spec, model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let dev_mode = spec.dev_access.mode;
    let developers_act = |account: &str| {
        spec.accounts
            .get(account)
            .is_some_and(|a| dev_access_for(spec, &a.env) != DevMode::None)
    };
    // Permission sets replace the account root with their own sessions.
    if matches!(dev_mode, DevMode::Extended | DevMode::Simulate)
        && spec.dev_access.principals.is_empty()
        && spec.dev_access.permission_sets.is_empty()
    {
        out.push(warning(
            "extended-trusts-account-root",
            path!["dev_access", "mode"],
            format!("{} mode with no principals trusts each dev account's root: any principal there whose own policies allow sts:AssumeRole can assume the {}", if dev_mode == DevMode::Simulate { "simulate" } else { "extended" }, if dev_mode == DevMode::Simulate { "simulator role" } else { "task roles" }),
            "name the developers' role ARNs in dev_access.principals",
        ));
    }
    developer_warnings(spec, &mut out);
    task_definition_warnings(spec, &mut out);
    let assumed_by: HashSet<&str> = spec
        .roles
        .values()
        .flat_map(|role| role.trusted_tasks.iter().map(String::as_str))
        .collect();
    for (name, task) in &spec.tasks {
        let holder = Holder {
            developers_inherit: developers_act(&task.account),
        };
        for (index, statement) in task.statements.iter().enumerate() {
            statement_warnings(
                statement,
                path!["tasks", name, "statements", index],
                holder,
                &mut out,
            );
        }
        managed_policy_warnings(
            &task.managed_policies,
            path!["tasks", name, "managed_policies"],
            holder,
            &mut out,
        );
        for (index, arn) in task.assume_role_arns.iter().enumerate() {
            let wildcard_name = Arn::parse(arn)
                .and_then(|a| a.role_path_and_name())
                .is_some_and(|(_, role)| has_wildcard(role));
            if wildcard_name {
                out.push(warning(
                    "assume-role-wildcard-name",
                    path!["tasks", name, "assume_role_arns", index],
                    format!(
                        "`{arn}` lets the task assume every role it matches in that account{}",
                        holder.note()
                    ),
                    "name the exact role",
                ));
            }
        }
        let assumes = !task.assume_role_arns.is_empty() || assumed_by.contains(name.as_str());
        // ECS Exec and EFS with IAM authorization give the role statements of their own
        // (`generated_sids` names them after `AssumeRoles`, which `assumes` covers).
        let derived = crate::model::generated_sids(task).len() > 1;
        if task.statements.is_empty() && task.managed_policies.is_empty() && !assumes && !derived {
            out.push(warning(
                "role-without-permissions",
                path!["tasks", name],
                format!("the task role of `{name}` has no permissions"),
                "fine for a task that calls no AWS API; otherwise add statements or managed_policies",
            ));
        }
        let simulator = model
            .accounts
            .iter()
            .find(|a| a.name == task.account)
            .and_then(|a| a.simulator_role.as_ref());
        if let Some(simulator) = simulator {
            let carried: Vec<&crate::model::policy::Statement> = simulator
                .inline_policies
                .iter()
                .flat_map(|p| &p.document.statements)
                .collect();
            let task_role = model
                .accounts
                .iter()
                .flat_map(|a| &a.task_roles)
                .find(|r| r.kind == RoleKind::Task(name.clone()));
            let statements = task_role
                .into_iter()
                .flat_map(|r| &r.inline_policies)
                .flat_map(|p| &p.document.statements);
            for (index, statement) in statements.enumerate().take(task.statements.len()) {
                let dropped = statement.effect == crate::model::policy::Effect::Deny
                    && !carried.iter().any(|c| same_grant(c, statement));
                if dropped {
                    out.push(warning(
                        "simulator-drops-deny",
                        path!["tasks", name, "statements", index],
                        format!("simulate mode: this Deny of task `{name}` is not on the simulator role (it would deny other tasks what they are allowed); it binds only sessions assumed with `{name}`'s session policy"),
                        "act as the task with `trustgen assume` (it always passes the session policy), or move the guard into a permissions boundary the account's tasks share",
                    ));
                }
            }
        }
    }
    for (name, role) in &spec.roles {
        let holder = Holder {
            developers_inherit: developers_act(&role.account),
        };
        for (index, statement) in role.statements.iter().enumerate() {
            statement_warnings(
                statement,
                path!["roles", name, "statements", index],
                holder,
                &mut out,
            );
        }
        managed_policy_warnings(
            &role.managed_policies,
            path!["roles", name, "managed_policies"],
            holder,
            &mut out,
        );
    }
    out
}

/// Where the SSM agent of ECS Exec writes inside a container: with a read-only root
/// filesystem these must be writable volumes, or the agent stops and Exec fails.
const EXEC_AGENT_PATHS: [&str; 2] = ["/var/lib/amazon/ssm", "/var/log/amazon/ssm"];

/// Directories of an EC2 instance a container must not get: the Docker and ECS agents'
/// state and sockets (credentials of every task), the kernel's interfaces, system config.
const HOST_SYSTEM_PATHS: [&str; 12] = [
    "/var/run",
    "/run",
    "/var/lib/docker",
    "/var/lib/ecs",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/root",
    "/boot",
    "/home",
    "/var/log",
];

/// Whether `mount` is `path` or one of its parent directories.
fn covers_path(mount: &str, path: &str) -> bool {
    let mount = mount.trim_end_matches('/');
    path == mount
        || path
            .strip_prefix(mount)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Task definitions that run, but not as safely as they could: a writable root filesystem
/// left unstated, logs kept forever, EFS traffic in clear text, host namespaces and
/// privileges on EC2, ECS Exec that cannot start its agent, a volume no container mounts.
fn task_definition_warnings(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let logs_anywhere = spec
        .tasks
        .values()
        .any(|task| task.containers.iter().any(|c| c.logs));
    if logs_anywhere && spec.project.log_retention_days.is_none() {
        out.push(Diagnostic {
            severity: Severity::Warning,
            code: "log-retention-unset",
            message: "[project] sets no log_retention_days: the tasks' log groups keep every log forever, and CloudWatch charges for storing them".into(),
            location: Location::Key(path!["project"]),
            help: Some("set log_retention_days, e.g. 30 (or 3653 to keep ten years on purpose)".into()),
        });
    }
    for (name, task) in &spec.tasks {
        let windows = task
            .runtime_platform
            .as_ref()
            .and_then(|p| p.operating_system_family)
            .is_some_and(|family| family.is_windows());
        for (index, container) in task.containers.iter().enumerate() {
            let at =
                |rest: Vec<PathSegment>| [path!["tasks", name, "containers", index], rest].concat();
            if container.readonly_root_filesystem.is_none() && !windows {
                out.push(warning(
                    "writable-root-filesystem",
                    at(path!["name"]),
                    format!("container `{}` of task `{name}` does not say readonly_root_filesystem: its root filesystem is writable, so whoever runs code in it can change its programs", container.name),
                    "set readonly_root_filesystem = true and mount a volume where the application writes (or say false, if it must write everywhere)",
                ));
            }
            if task.enable_execute_command && container.readonly_root_filesystem == Some(true) {
                let missing: Vec<&str> = EXEC_AGENT_PATHS
                    .iter()
                    .copied()
                    .filter(|needed| {
                        !container.mount_points.iter().any(|mount| {
                            mount.read_only != Some(true)
                                && covers_path(&mount.container_path, needed)
                        })
                    })
                    .collect();
                if !missing.is_empty() {
                    out.push(warning(
                        "exec-needs-writable-paths",
                        at(path!["readonly_root_filesystem"]),
                        format!("ECS Exec runs an SSM agent in container `{}`, which writes to {}: with a read-only root filesystem it stops, and `aws ecs execute-command` fails", container.name, missing.join(" and ")),
                        "mount writable volumes at /var/lib/amazon and /var/log/amazon (see examples/ecs-exec-and-volumes.toml)",
                    ));
                }
            }
            if container.privileged == Some(true) {
                out.push(warning(
                    "host-privileges",
                    at(path!["privileged"]),
                    format!("container `{}` is privileged: it is root on the EC2 instance, with every task's credentials there", container.name),
                    "add only the capability it needs in linux_parameters.capabilities",
                ));
            }
            let added = container
                .linux_parameters
                .as_ref()
                .and_then(|p| p.capabilities.as_ref())
                .map(|c| c.add.as_slice())
                .unwrap_or_default();
            if let Some(position) = added
                .iter()
                .position(|c| matches!(c, Capability::All | Capability::SysAdmin))
            {
                out.push(warning(
                    "host-privileges",
                    at(path!["linux_parameters", "capabilities", "add", position]),
                    format!(
                        "container `{}` adds {}, which is nearly root on the EC2 instance",
                        container.name,
                        added[position].as_str()
                    ),
                    "add only the capability it needs",
                ));
            }
        }
        for (key, host) in [
            ("pid_mode", task.pid_mode == Some(PidMode::Host)),
            ("ipc_mode", task.ipc_mode == Some(IpcMode::Host)),
        ] {
            if host {
                out.push(warning(
                    "host-privileges",
                    path!["tasks", name, key],
                    format!(
                        "task `{name}` shares the EC2 instance's {}",
                        if key == "pid_mode" {
                            "process namespace: its containers see and may signal every process on the instance"
                        } else {
                            "IPC namespace: its containers reach the shared memory and semaphores of every process on the instance"
                        }
                    ),
                    "use \"task\" to share it between the task's containers only",
                ));
            }
        }
        for (index, volume) in task.volumes.iter().enumerate() {
            if let Some(source) = volume.host.as_ref().and_then(|h| h.source_path.as_ref()) {
                if let Some(system) = HOST_SYSTEM_PATHS
                    .iter()
                    .find(|system| source == "/" || covers_path(system, source))
                {
                    out.push(warning(
                        "host-privileges",
                        path!["tasks", name, "volumes", index, "host", "source_path"],
                        format!(
                            "volume `{}` of task `{name}` mounts `{source}` of the EC2 instance ({}): its containers can read or change what the instance and its other tasks rely on",
                            volume.name,
                            if source == "/" { "its root directory".to_string() } else { format!("a system directory, under {system}") }
                        ),
                        "mount a directory of your own, e.g. /srv/<task>",
                    ));
                }
            }
            let mounted = task
                .containers
                .iter()
                .flat_map(|c| &c.mount_points)
                .any(|mount| mount.source_volume == volume.name);
            if !mounted {
                out.push(warning(
                    "unused-volume",
                    path!["tasks", name, "volumes", index, "name"],
                    format!(
                        "no container of task `{name}` mounts volume `{}`",
                        volume.name
                    ),
                    "mount it in a container's mount_points, or remove it",
                ));
            }
            let Some(efs) = &volume.efs_volume_configuration else {
                continue;
            };
            if efs.transit_encryption != Some(Toggle::Enabled) {
                out.push(warning(
                    "efs-transit-unencrypted",
                    path!["tasks", name, "volumes", index, "efs_volume_configuration"],
                    format!("EFS volume `{}` of task `{name}` travels unencrypted between the task and the file system", volume.name),
                    "set transit_encryption = \"ENABLED\" (IAM authorization and access points need it too)",
                ));
            }
        }
    }
}

/// The developer side: principals outside the spec, a developer policy nobody gets, a
/// bootstrap role trusting a workload or production account.
fn developer_warnings(spec: &Spec, out: &mut Vec<Diagnostic>) {
    let dev_mode = spec.dev_access.mode;
    let known_ids: HashSet<&str> = spec.accounts.values().map(|a| a.id.as_str()).collect();
    for (index, principal) in spec.dev_access.principals.iter().enumerate() {
        if let Some(arn) = Arn::parse(principal).filter(|arn| !known_ids.contains(arn.account)) {
            out.push(warning(
                "foreign-developer-principal",
                path!["dev_access", "principals", index],
                format!("`{principal}` is in account {}, which this spec does not describe: the dev task roles trust a principal of an account you may not control", arn.account),
                "add that account to [accounts] (e.g. env = \"identity\") if it is yours, or name a principal of one of your accounts",
            ));
        }
    }
    if dev_mode == DevMode::None {
        return;
    }
    let dev_accounts = spec
        .accounts
        .values()
        .any(|a| dev_access_for(spec, &a.env) != DevMode::None);
    // A developers' permission set references the policy in every dev-access account.
    let attached = spec
        .developers
        .as_ref()
        .is_some_and(Developers::is_attached)
        || !spec.dev_access.permission_sets.is_empty();
    if dev_accounts && !attached {
        let at = if spec.developers.is_some() {
            path!["developers"]
        } else {
            path!["dev_access", "mode"]
        };
        out.push(warning(
            "developer-policy-unattached",
            at,
            "dev access is on, but no principal gets the developer policy: nobody in the dev accounts is allowed to assume what it opens (tagged and simulate modes trust the account root, which only delegates)".into(),
            "attach it in [developers] (attach_to_roles, attach_to_groups, attach_to_users), set create_role = true, or list developers' IAM Identity Center permission sets in dev_access.permission_sets",
        ));
    }
    if let Some(center) = &spec.identity_center {
        for (name, set) in &center.permission_sets {
            managed_policy_warnings(
                &set.managed_policies,
                path![
                    "identity_center",
                    "permission_sets",
                    name,
                    "managed_policies"
                ],
                Holder {
                    developers_inherit: true,
                },
                out,
            );
        }
        let administers_dev = spec
            .accounts
            .get(&center.account)
            .is_some_and(|account| dev_access_for(spec, &account.env) != DevMode::None);
        if administers_dev {
            out.push(warning(
                "identity-center-in-dev-account",
                path!["identity_center", "account"],
                format!("IAM Identity Center is administered from account `{}`, a dev-access account: whoever administers it decides who may sign in to every account of the organisation", center.account),
                "administer Identity Center from the management account or a delegated administrator account without developer access",
            ));
        }
    }
    let Some(developers) = spec.developers.as_ref().filter(|d| d.create_role) else {
        return;
    };
    managed_policy_warnings(
        &developers.managed_policies,
        path!["developers", "managed_policies"],
        Holder {
            developers_inherit: true,
        },
        out,
    );
    for (index, name) in developers.trusted_accounts.iter().enumerate() {
        let Some(account) = spec.accounts.get(name) else {
            continue;
        };
        let workload = spec.tasks.values().any(|t| &t.account == name)
            || spec.roles.values().any(|r| &r.account == name);
        let production = is_production_env(&account.env);
        if production || (workload && dev_access_for(spec, &account.env) == DevMode::None) {
            out.push(warning(
                "developer-role-trusts-workload-account",
                path!["developers", "trusted_accounts", index],
                format!("the developer role trusts account `{name}` (env `{}`), a {} account: whoever administers it can become a developer in every dev account", account.env, if production { "production" } else { "workload" }),
                "trust the account where developers sign in (an identity account without workloads)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_paths_are_covered_by_their_parents_only() {
        assert!(covers_path("/var/lib/amazon", "/var/lib/amazon/ssm"));
        assert!(covers_path("/var/lib/amazon/", "/var/lib/amazon/ssm"));
        assert!(covers_path("/var/lib/amazon/ssm", "/var/lib/amazon/ssm"));
        assert!(!covers_path("/var/lib/am", "/var/lib/amazon/ssm"));
        assert!(!covers_path("/var/lib/amazon/ssm/x", "/var/lib/amazon/ssm"));
    }

    #[test]
    fn write_actions_are_told_from_reads() {
        assert!(!is_write_action("s3:GetObject"));
        assert!(!is_write_action("ecs:ListClusters"));
        assert!(!is_write_action("s3:Get*"));
        assert!(is_write_action("s3:PutObject"));
        assert!(is_write_action("s3:*"));
        assert!(is_write_action("iam:PassRole"));
        assert!(is_write_action("sqs:SendMessage"));
    }

    #[test]
    fn wide_resources_reach_beyond_one_account() {
        assert!(is_wide_resource("*"));
        assert!(is_wide_resource("arn:aws:iam::*:role/*"));
        assert!(is_wide_resource(
            "arn:*:secretsmanager:eu-west-1:111122223333:secret:x"
        ));
        assert!(!is_wide_resource("arn:aws:s3:::receipts/*"));
        assert!(!is_wide_resource("arn:aws:iam::111122223333:role/app-*"));
    }
}
