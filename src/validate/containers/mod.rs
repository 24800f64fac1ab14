//! `[[tasks.<name>.containers]]`: every container definition field typed and range-checked
//! as ECS checks it, with Fargate's and Windows' own rules where they differ. One file per
//! group of keys: the container's own (`basics.rs`), `port_mappings` (`ports.rs`),
//! variables and secrets (`variables.rs`), `health_check` (`health_check.rs`), `depends_on`
//! (`dependencies.rs`), credentials in plain text (`credentials.rs`), `mount_points` and
//! `volumes_from` (`mounts.rs`), timeouts, ulimits and `linux_parameters` (`process.rs`),
//! `docker_labels` (`labels.rs`) and `firelens_configuration` (`firelens.rs`).

mod basics;
mod credentials;
mod dependencies;
mod firelens;
mod health_check;
mod labels;
mod mounts;
mod ports;
mod process;
mod variables;

pub(super) use ports::invalid_port;

use crate::collections::{HashMap, HashSet};

use super::tasks::At;
use super::{Findings, Here};
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::model::vocabulary::{is_root_user, HOST_CAPABILITIES};
use crate::model::{ecs_exec, limits};
use crate::path;
use crate::spec::{Compatibility, Container, Spec, Task};

/// What the task decides for all of its containers.
#[derive(Clone, Copy)]
struct Platform {
    fargate: bool,
    windows: bool,
}

impl Platform {
    fn of(task: &Task) -> Self {
        Platform {
            fargate: task.compatibility == Compatibility::Fargate,
            windows: task
                .runtime_platform
                .as_ref()
                .and_then(|p| p.operating_system_family)
                .is_some_and(|family| family.is_windows()),
        }
    }
}

/// What one task's containers share while they are checked in order: names, ports and
/// the log router seen so far.
#[derive(Default)]
struct Seen<'t> {
    names: HashSet<&'t str>,
    /// (port, protocol) -> first container using it: containers share the task's interface.
    ports: HashMap<(i64, &'t str), &'t str>,
    port_names: HashSet<&'t str>,
    log_router: Option<&'t str>,
}

pub(super) fn check(spec: &Spec, task: &Task, at: At<'_>, findings: &mut Findings) {
    if no_containers(task, at, findings) {
        return;
    }
    too_many_containers(task, at, findings);
    no_essential_container(task, at, findings);
    let platform = Platform::of(task);
    let names: Vec<&str> = task.containers.iter().map(|c| c.name.as_str()).collect();
    let volumes: Vec<&str> = task.volumes.iter().map(|v| v.name.as_str()).collect();
    let mut seen = Seen::default();
    for (index, container) in task.containers.iter().enumerate() {
        let here = |rest: Vec<PathSegment>| [at(path!["containers", index]), rest].concat();
        let here: At<'_> = &here;
        basics::check_name(container, &mut seen, here, findings);
        basics::check(task, container, platform, here, findings);
        ports::check(container, platform, &mut seen, here, findings);
        variables::check(spec, container, here, findings);
        credentials::plaintext_aws_credentials(container, here, findings);
        health_check::check(container, here, findings);
        dependencies::check(task, container, &names, here, findings);
        mounts::check(container, &names, &volumes, platform, here, findings);
        process::check(task, container, platform, here, findings);
        labels::check(container, here, findings);
        firelens::check(container, &mut seen, here, findings);
    }
    dependencies::dependency_cycle(task, at, findings);
}

/// Reports and returns whether the task has no container.
fn no_containers(task: &Task, at: At<'_>, findings: &mut Findings) -> bool {
    let none = task.containers.is_empty();
    if none {
        findings.at_key(
            Code::NoContainers,
            at(vec![]),
            "a task definition needs at least one container",
            "add a [[tasks.<name>.containers]] table with name and image",
        );
    }
    none
}

fn too_many_containers(task: &Task, at: At<'_>, findings: &mut Findings) {
    if task.containers.len() > limits::CONTAINERS_PER_TASK {
        findings.at(
            Code::TooManyContainers,
            at(path!["containers", limits::CONTAINERS_PER_TASK]),
            format!(
                "{} containers; ECS allows {} in one task definition",
                task.containers.len(),
                limits::CONTAINERS_PER_TASK
            ),
            "split the task, or merge sidecars",
        );
    }
}

fn no_essential_container(task: &Task, at: At<'_>, findings: &mut Findings) {
    if !task.containers.iter().any(|c| c.essential) {
        findings.at(
            Code::NoEssentialContainer,
            at(path!["containers"]),
            "no container is essential; ECS requires at least one",
            "set essential = true on the main container",
        );
    }
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// "did you mean", or the task's containers.
fn container_suggestion(given: &str, names: &[&str]) -> String {
    match suggest(given, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("containers of this task: {}", names.join(", ")),
    }
}

/// Containers that run, but not as safely as they could: a writable root filesystem
/// left unstated, ECS Exec that cannot start its agent, privileges on the EC2 instance,
/// root as the user.
pub(super) fn warnings(name: &str, task: &Task, findings: &mut Findings) {
    let platform = Platform::of(task);
    for (index, container) in task.containers.iter().enumerate() {
        let at =
            |rest: Vec<PathSegment>| [path!["tasks", name, "containers", index], rest].concat();
        if !platform.windows {
            writable_root_filesystem(name, container, &|| at(path!["name"]), findings);
        }
        let at_readonly = || at(path!["readonly_root_filesystem"]);
        exec_needs_writable_paths(task, container, &at_readonly, findings);
        host_privileges(container, platform, &at, findings);
        root_user(name, container, platform, &|| at(path!["user"]), findings);
        credentials::secret_in_environment(name, container, &at, findings);
    }
}

fn writable_root_filesystem(
    task: &str,
    container: &Container,
    at: Here<'_>,
    findings: &mut Findings,
) {
    if container.readonly_root_filesystem.is_none() {
        findings.at(
            Code::WritableRootFilesystem,
            at(),
            format!("container `{}` of task `{task}` does not say readonly_root_filesystem: its root filesystem is writable, so whoever runs code in it can change its programs", container.name),
            "set readonly_root_filesystem = true and mount a volume where the application writes (or say false, if it must write everywhere)",
        );
    }
}

fn exec_needs_writable_paths(
    task: &Task,
    container: &Container,
    at: Here<'_>,
    findings: &mut Findings,
) {
    let missing = ecs_exec::unwritable_agent_paths(task, container);
    if !missing.is_empty() {
        findings.at(
            Code::ExecNeedsWritablePaths,
            at(),
            format!("ECS Exec runs an SSM agent in container `{}`, which writes to {}: with a read-only root filesystem it stops, and `aws ecs execute-command` fails", container.name, missing.join(" and ")),
            "mount writable volumes at /var/lib/amazon and /var/log/amazon (see examples/ecs-exec-and-volumes.toml)",
        );
    }
}

/// A privileged container, or (on EC2) one that adds a capability reaching past it.
fn host_privileges(
    container: &Container,
    platform: Platform,
    at: &dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    if container.privileged == Some(true) {
        findings.at(
            Code::HostPrivileges,
            at(path!["privileged"]),
            format!("container `{}` is privileged: it is root on the EC2 instance, with every task's credentials there", container.name),
            "add only the capability it needs in linux_parameters.capabilities",
        );
    }
    if platform.fargate {
        return;
    }
    let added = container
        .linux_parameters
        .as_ref()
        .and_then(|p| p.capabilities.as_ref())
        .map(|c| c.add.as_slice())
        .unwrap_or_default();
    for (position, capability) in added.iter().enumerate() {
        let Some((_, allows, so)) = HOST_CAPABILITIES.iter().find(|(c, ..)| c == capability) else {
            continue;
        };
        findings.at(
            Code::HostPrivileges,
            at(path!["linux_parameters", "capabilities", "add", position]),
            format!(
                "container `{}` adds {} ({allows}): {so}",
                container.name,
                capability.as_str()
            ),
            "add only a capability the container needs that stays inside it (NET_BIND_SERVICE, CHOWN, …), or none",
        );
    }
}

/// Root as a container's user (`root`, uid 0, with any group): whoever runs code in it is
/// root there, and on EC2 one container escape away from root on the instance.
fn root_user(
    task: &str,
    container: &Container,
    platform: Platform,
    at: Here<'_>,
    findings: &mut Findings,
) {
    let Some(user) = &container.user else {
        return;
    };
    if !is_root_user(user) || container.allow_root_user {
        return;
    }
    let where_ = if platform.fargate {
        "root in its task"
    } else {
        "root in its container, and one container escape away from root on the EC2 instance"
    };
    findings.at(
        Code::RootUser,
        at(),
        format!(
            "container `{}` of task `{task}` runs as `{user}`: whoever runs code in it (through the application, or ECS Exec) is {where_}",
            container.name
        ),
        "run as an unprivileged user, e.g. user = \"1000:1000\"; or set allow_root_user = true on the container if it must be root",
    );
}
