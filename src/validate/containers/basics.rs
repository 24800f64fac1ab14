//! A container's own keys: name, image, sizes, working directory, user, privileges, root
//! filesystem, and no NUL in anything it runs.

use super::{has_control, At, Platform, Seen};
use crate::diagnostic::Code;
use crate::model::identifiers::is_ecs_name;
use crate::model::limits::CONTAINER_NAME_CHARS;
use crate::path;
use crate::spec::{Container, Task};
use crate::validate::platform::linux_only;
use crate::validate::Findings;

pub(super) fn check_name<'t>(
    container: &'t Container,
    seen: &mut Seen<'t>,
    here: At<'_>,
    findings: &mut Findings,
) {
    if !invalid_container_name(container, here, findings) {
        duplicate_container(container, seen, here, findings);
    }
}

/// Reports and returns whether the name is not one ECS accepts.
fn invalid_container_name(container: &Container, here: At<'_>, findings: &mut Findings) -> bool {
    let invalid = !is_ecs_name(&container.name, CONTAINER_NAME_CHARS);
    if invalid {
        findings.at(
            Code::InvalidContainerName,
            here(path!["name"]),
            format!("container name `{}` is not allowed", container.name),
            "up to 255 letters, digits, - and _",
        );
    }
    invalid
}

fn duplicate_container<'t>(
    container: &'t Container,
    seen: &mut Seen<'t>,
    here: At<'_>,
    findings: &mut Findings,
) {
    if !seen.names.insert(container.name.as_str()) {
        findings.at(
            Code::DuplicateContainer,
            here(path!["name"]),
            format!("container `{}` appears twice in this task", container.name),
            "give each container its own name",
        );
    }
}

pub(super) fn check(
    task: &Task,
    container: &Container,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    invalid_image(container, here, findings);
    invalid_container_size(container, here, findings);
    container_exceeds_task(task, container, here, findings);
    invalid_working_directory(container, platform, here, findings);
    if let Some(user) = &container.user {
        let message = "ECS does not set `user` for Windows containers";
        let help = "remove it (set the user in the image)";
        if !linux_only(
            platform.windows,
            &|| here(path!["user"]),
            message,
            help,
            findings,
        ) {
            invalid_user(user, here, findings);
        }
    }
    privileged_not_supported(container, platform, here, findings);
    if container.readonly_root_filesystem.is_some() {
        let message = "ECS does not support readonly_root_filesystem for Windows containers";
        let at = || here(path!["readonly_root_filesystem"]);
        linux_only(platform.windows, &at, message, "remove it", findings);
    }
    invalid_container_text(container, here, findings);
}

fn invalid_image(container: &Container, here: At<'_>, findings: &mut Findings) {
    if container.image.trim().is_empty() || container.image.chars().any(char::is_whitespace) {
        findings.at(
            Code::InvalidImage,
            here(path!["image"]),
            "the image reference is empty or contains whitespace",
            "e.g. \"public.ecr.aws/nginx/nginx:1.27\"",
        );
    }
}

fn invalid_container_size(container: &Container, here: At<'_>, findings: &mut Findings) {
    for (key, value) in [("cpu", container.cpu), ("memory", container.memory)] {
        if value.is_some_and(|v| v < 0 || (key == "memory" && v < 6)) {
            findings.at(
                Code::InvalidContainerSize,
                here(path![key]),
                format!(
                    "container {key} {} is not allowed",
                    value.unwrap_or_default()
                ),
                "cpu in units (1024 = one vCPU), memory in MiB (at least 6)",
            );
        }
    }
}

fn container_exceeds_task(
    task: &Task,
    container: &Container,
    here: At<'_>,
    findings: &mut Findings,
) {
    if let (Some(limit), Some(own)) = (task.memory, container.memory) {
        if own > limit {
            findings.at(
                Code::ContainerExceedsTask,
                here(path!["memory"]),
                format!("container memory {own} exceeds the task's {limit}"),
                "lower it or raise the task memory",
            );
        }
    }
}

fn invalid_working_directory(
    container: &Container,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    let Some(directory) = &container.working_directory else {
        return;
    };
    let absolute = directory.starts_with('/') || platform.windows;
    if directory.is_empty() || !absolute || has_control(directory) {
        findings.at(
            Code::InvalidWorkingDirectory,
            here(path!["working_directory"]),
            format!(
                "working_directory `{}` is not an absolute path free of control characters",
                directory.escape_debug()
            ),
            "e.g. \"/app\"",
        );
    }
}

fn invalid_user(user: &str, here: At<'_>, findings: &mut Findings) {
    if user.is_empty() || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
        findings.at(
            Code::InvalidUser,
            here(path!["user"]),
            format!("user `{}` is not a user", user.escape_debug()),
            "a name or uid, optionally with a group: \"app\", \"1000\", \"1000:1000\"",
        );
    }
}

fn privileged_not_supported(
    container: &Container,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    if container.privileged == Some(true) && (platform.fargate || platform.windows) {
        findings.at(
            Code::PrivilegedNotSupported,
            here(path!["privileged"]),
            if platform.fargate {
                "Fargate does not run privileged containers"
            } else {
                "Windows containers cannot be privileged"
            },
            "remove privileged; add only the capability the container needs in linux_parameters.capabilities",
        );
    }
}

fn invalid_container_text(container: &Container, here: At<'_>, findings: &mut Findings) {
    let texts = std::iter::once(&container.image)
        .chain(&container.entry_point)
        .chain(&container.command)
        .chain(container.environment.values())
        .chain(container.docker_labels.values())
        .chain(container.working_directory.iter())
        .chain(container.user.iter())
        .chain(container.health_check.iter().flat_map(|h| &h.command));
    if texts.into_iter().any(|text| text.contains('\0')) {
        findings.at(
            Code::InvalidContainerText,
            here(vec![]),
            "a container's image, entry point, command, environment, labels, working directory, user or health check holds a NUL character, which no process can receive",
            "remove it",
        );
    }
}
