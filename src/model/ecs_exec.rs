//! ECS Exec (`enable_execute_command`), what it means, in one place: the statement the task
//! role gets, the init process every Linux container then runs, and the directories its
//! SSM agent writes to, which a read-only root filesystem must leave writable.

use super::policy::Statement;
use super::vocabulary::covers_path;
use crate::spec;

/// The Sid of the statement trustgen adds for ECS Exec, and its actions: exactly what the
/// SSM agent in the container needs to open the session's channels (they take no resource).
pub(crate) const SID: &str = "EcsExec";
pub(crate) const ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// Where the SSM agent of ECS Exec writes inside a container: with a read-only root
/// filesystem these must be writable volumes, or the agent stops and Exec fails.
pub(crate) const AGENT_PATHS: [&str; 2] = ["/var/lib/amazon/ssm", "/var/log/amazon/ssm"];

/// The task role's statement for ECS Exec, when the task turns it on.
pub(super) fn statement(task: &spec::Task) -> Option<Statement> {
    task.enable_execute_command
        .then(|| Statement::allow(SID, &ACTIONS).resources(vec!["*".into()]))
}

/// A container's init process. ECS Exec needs one in every Linux container (the SSM
/// agent's children must be reaped), so it turns it on; otherwise the spec decides.
pub(super) fn init_process_enabled(task: &spec::Task, container: &spec::Container) -> Option<bool> {
    let windows = task
        .runtime_platform
        .as_ref()
        .and_then(|p| p.operating_system_family)
        .is_some_and(|family| family.is_windows());
    if task.enable_execute_command && !windows {
        Some(true)
    } else {
        container
            .linux_parameters
            .as_ref()
            .and_then(|parameters| parameters.init_process_enabled)
    }
}

/// Whether the spec turns off the init process that ECS Exec needs.
pub(crate) fn init_process_refused(task: &spec::Task, container: &spec::Container) -> bool {
    task.enable_execute_command
        && container
            .linux_parameters
            .as_ref()
            .is_some_and(|parameters| parameters.init_process_enabled == Some(false))
}

/// The agent's directories that a container with a read-only root filesystem leaves
/// unwritable (none when ECS Exec is off or the root filesystem is writable).
pub(crate) fn unwritable_agent_paths(
    task: &spec::Task,
    container: &spec::Container,
) -> Vec<&'static str> {
    if !task.enable_execute_command || container.readonly_root_filesystem != Some(true) {
        return Vec::new();
    }
    AGENT_PATHS
        .iter()
        .copied()
        .filter(|needed| {
            !container.mount_points.iter().any(|mount| {
                mount.read_only != Some(true) && covers_path(&mount.container_path, needed)
            })
        })
        .collect()
}
