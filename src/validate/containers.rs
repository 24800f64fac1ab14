//! Containers: every container definition field typed and range-checked as ECS checks it,
//! with Fargate's and Windows' own rules where they differ, and the references between
//! containers (`depends_on`, `volumes_from`) and to the task's volumes (`mount_points`).

use std::collections::{HashMap, HashSet};

use super::fargate;
use super::syntax::{self, ArnKind};
use super::Findings;
use crate::diagnostic::{suggest, PathSegment};
use crate::model::limits;
use crate::path;
use crate::spec::{
    Capability, Compatibility, Container, DependencyCondition, EnvironmentFile, PortMapping, Spec,
    Task, UlimitName,
};

/// Where a container's own keys are: `tasks.<task>.containers[<index>].…`.
type At<'a> = &'a dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>;

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

/// Docker label keys CloudFormation reads as code: a map whose key is `Ref`, `Condition` or
/// starts with `Fn::` is an intrinsic function, evaluated, not a label.
fn is_intrinsic_key(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

/// Labels the ECS agent sets on every container (task ARN, cluster, container name): a spec
/// must not forge them.
const RESERVED_LABEL_PREFIX: &str = "com.amazonaws.ecs.";

/// The FireLens options ECS reads.
const FIRELENS_OPTIONS: [&str; 3] = [
    "enable-ecs-log-metadata",
    "config-file-type",
    "config-file-value",
];

pub(super) fn check(spec: &Spec, task: &Task, at: At<'_>, findings: &mut Findings) {
    if task.containers.is_empty() {
        findings.key_error(
            "no-containers",
            at(vec![]),
            "a task definition needs at least one container",
            "add a [[tasks.<name>.containers]] table with name and image",
        );
        return;
    }
    if task.containers.len() > limits::CONTAINERS_PER_TASK {
        findings.error_help(
            "too-many-containers",
            at(path!["containers", limits::CONTAINERS_PER_TASK]),
            format!(
                "{} containers; ECS allows {} in one task definition",
                task.containers.len(),
                limits::CONTAINERS_PER_TASK
            ),
            "split the task, or merge sidecars",
        );
    }
    if !task.containers.iter().any(|c| c.essential) {
        findings.error_help(
            "no-essential-container",
            at(path!["containers"]),
            "no container is essential; ECS requires at least one",
            "set essential = true on the main container",
        );
    }
    let platform = Platform::of(task);
    let names: Vec<&str> = task.containers.iter().map(|c| c.name.as_str()).collect();
    let volumes: Vec<&str> = task.volumes.iter().map(|v| v.name.as_str()).collect();
    let mut seen_names = HashSet::new();
    // (port, protocol) -> first container using it: containers share the task's interface.
    let mut ports: HashMap<(i64, &str), &str> = HashMap::new();
    let mut port_names: HashSet<&str> = HashSet::new();
    let mut firelens: Option<&str> = None;
    for (index, container) in task.containers.iter().enumerate() {
        let here = |rest: Vec<PathSegment>| {
            let mut path = at(path!["containers", index]);
            path.extend(rest);
            path
        };
        let here: At<'_> = &here;
        check_name(container, &mut seen_names, here, findings);
        check_basics(task, container, platform, here, findings);
        check_ports(
            container,
            platform,
            &mut ports,
            &mut port_names,
            here,
            findings,
        );
        check_variables(spec, container, here, findings);
        check_health_check(container, here, findings);
        check_dependencies(task, container, &names, here, findings);
        check_mounts(container, &names, &volumes, platform, here, findings);
        check_limits(task, container, platform, here, findings);
        check_labels(container, here, findings);
        if let Some(firelens_config) = &container.firelens_configuration {
            if let Some(first) = firelens {
                findings.error_help(
                    "two-log-routers",
                    here(path!["firelens_configuration"]),
                    format!("container `{first}` is already this task's FireLens log router; ECS allows one"),
                    "keep firelens_configuration on one container",
                );
            }
            firelens = Some(&container.name);
            for (key, value) in &firelens_config.options {
                let at_option = here(path!["firelens_configuration", "options", key]);
                match key.as_str() {
                    "enable-ecs-log-metadata" if value != "true" && value != "false" => {
                        findings.error_help(
                            "invalid-firelens-option",
                            at_option,
                            format!("enable-ecs-log-metadata cannot be `{}`", value.escape_debug()),
                            "\"true\" or \"false\"",
                        );
                    }
                    "config-file-type" if value == "s3" => findings.error_help(
                        "invalid-firelens-option",
                        at_option,
                        "a FireLens configuration file from S3 is not supported by trustgen (and not on Fargate)",
                        "build the configuration into the router's image and set config-file-type = \"file\"",
                    ),
                    "config-file-type" if value != "file" => findings.error_help(
                        "invalid-firelens-option",
                        at_option,
                        format!("config-file-type cannot be `{}`", value.escape_debug()),
                        "\"file\" (a path inside the image, in config-file-value)",
                    ),
                    "config-file-value" if !value.starts_with('/') || has_control(value) => {
                        findings.error_help(
                            "invalid-firelens-option",
                            at_option,
                            format!("config-file-value `{}` is not an absolute path free of control characters", value.escape_debug()),
                            "the configuration file's path inside the image, e.g. /fluent-bit/etc/extra.conf",
                        );
                    }
                    known if FIRELENS_OPTIONS.contains(&known) => {}
                    unknown => {
                        let help = match suggest(unknown, FIRELENS_OPTIONS) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => format!("ECS reads: {}", FIRELENS_OPTIONS.join(", ")),
                        };
                        findings.key_error(
                            "unknown-firelens-option",
                            at_option,
                            format!("`{}` is not a FireLens option", unknown.escape_debug()),
                            help,
                        );
                    }
                }
            }
            let options = &firelens_config.options;
            if options.contains_key("config-file-type") != options.contains_key("config-file-value")
            {
                findings.error_help(
                    "invalid-firelens-option",
                    here(path!["firelens_configuration", "options"]),
                    "config-file-type and config-file-value go together",
                    "set both (config-file-type = \"file\" and the file's path), or neither",
                );
            }
        }
    }
    check_dependency_cycles(task, at, findings);
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

fn check_name<'t>(
    container: &'t Container,
    seen: &mut HashSet<&'t str>,
    here: At<'_>,
    findings: &mut Findings,
) {
    let valid_name = !container.name.is_empty()
        && container.name.len() <= limits::CONTAINER_NAME_CHARS
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
    } else if !seen.insert(container.name.as_str()) {
        findings.error_help(
            "duplicate-container",
            here(path!["name"]),
            format!("container `{}` appears twice in this task", container.name),
            "give each container its own name",
        );
    }
}

fn check_basics(
    task: &Task,
    container: &Container,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    if container.image.trim().is_empty() || container.image.chars().any(char::is_whitespace) {
        findings.error_help(
            "invalid-image",
            here(path!["image"]),
            "the image reference is empty or contains whitespace",
            "e.g. \"public.ecr.aws/nginx/nginx:1.27\"",
        );
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
    if let Some(directory) = &container.working_directory {
        let absolute = directory.starts_with('/') || platform.windows;
        if directory.is_empty() || !absolute || has_control(directory) {
            findings.error_help(
                "invalid-working-directory",
                here(path!["working_directory"]),
                format!(
                    "working_directory `{}` is not an absolute path free of control characters",
                    directory.escape_debug()
                ),
                "e.g. \"/app\"",
            );
        }
    }
    if let Some(user) = &container.user {
        if platform.windows {
            findings.error_help(
                "linux-only",
                here(path!["user"]),
                "ECS does not set `user` for Windows containers",
                "remove it (set the user in the image)",
            );
        } else if user.is_empty() || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
            findings.error_help(
                "invalid-user",
                here(path!["user"]),
                format!("user `{}` is not a user", user.escape_debug()),
                "a name or uid, optionally with a group: \"app\", \"1000\", \"1000:1000\"",
            );
        }
    }
    if container.privileged == Some(true) && (platform.fargate || platform.windows) {
        findings.error_help(
            "privileged-not-supported",
            here(path!["privileged"]),
            if platform.fargate {
                "Fargate does not run privileged containers"
            } else {
                "Windows containers cannot be privileged"
            },
            "remove privileged; add only the capability the container needs in linux_parameters.capabilities",
        );
    }
    if container.readonly_root_filesystem.is_some() && platform.windows {
        findings.error_help(
            "linux-only",
            here(path!["readonly_root_filesystem"]),
            "ECS does not support readonly_root_filesystem for Windows containers",
            "remove it",
        );
    }
    let texts = std::iter::once(&container.image)
        .chain(&container.entry_point)
        .chain(&container.command)
        .chain(container.environment.values())
        .chain(container.docker_labels.values())
        .chain(container.working_directory.iter())
        .chain(container.user.iter())
        .chain(container.health_check.iter().flat_map(|h| &h.command));
    if texts.into_iter().any(|text| text.contains('\0')) {
        findings.error_help(
            "invalid-container-text",
            here(vec![]),
            "a container's image, entry point, command, environment, labels, working directory, user or health check holds a NUL character, which no process can receive",
            "remove it",
        );
    }
}

fn check_ports<'t>(
    container: &'t Container,
    platform: Platform,
    ports: &mut HashMap<(i64, &'t str), &'t str>,
    names: &mut HashSet<&'t str>,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (index, mapping) in container.port_mappings.iter().enumerate() {
        let container_port = mapping.container_port();
        let at_port = match mapping {
            PortMapping::Port(_) => here(path!["port_mappings", index]),
            PortMapping::Mapping(_) => here(path!["port_mappings", index, "container_port"]),
        };
        if !limits::PORT.contains(&container_port) {
            findings.error_help(
                "invalid-port",
                at_port,
                format!("port {container_port} is out of range"),
                "1 to 65535",
            );
            continue;
        }
        let protocol = mapping.protocol().as_str();
        if let Some(first) = ports.insert((container_port, protocol), &container.name) {
            findings.error_help(
                "duplicate-port",
                at_port,
                format!("port {container_port}/{protocol} is already mapped by container `{first}`; the containers of a task share one network interface (awsvpc)"),
                "map each port once per task",
            );
        }
        let PortMapping::Mapping(table) = mapping else {
            continue;
        };
        if let Some(host_port) = table.host_port {
            if host_port != container_port {
                let why = if platform.fargate {
                    "Fargate tasks use the awsvpc network mode"
                } else {
                    "the task uses the awsvpc network mode"
                };
                findings.error_help(
                    "host-port-mismatch",
                    here(path!["port_mappings", index, "host_port"]),
                    format!("host_port {host_port} differs from container_port {container_port}: {why}, where the task's own network interface exposes the container port itself"),
                    format!("leave host_port out, or set it to {container_port}"),
                );
            }
        }
        if let Some(name) = &table.name {
            let bytes = name.as_bytes();
            let valid = !name.is_empty()
                && name.len() <= limits::PORT_NAME_CHARS
                && bytes[0] != b'-'
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(b));
            if !valid {
                findings.error_help(
                    "invalid-port-name",
                    here(path!["port_mappings", index, "name"]),
                    format!("port name `{}` is not allowed", name.escape_debug()),
                    "1-64 of a-z, 0-9, _ and -, not starting with -",
                );
            } else if !names.insert(name) {
                findings.error_help(
                    "duplicate-port-name",
                    here(path!["port_mappings", index, "name"]),
                    format!("port name `{name}` is used twice in this task"),
                    "give each port its own name",
                );
            }
        }
    }
}

fn check_variables(spec: &Spec, container: &Container, here: At<'_>, findings: &mut Findings) {
    for (name, arn) in &container.secrets {
        if let Some(problem) = syntax::arn_problem(arn, spec.project.partition, ArnKind::Secret) {
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
    if container.environment_files.len() > limits::ENVIRONMENT_FILES {
        findings.error_help(
            "too-many-environment-files",
            here(path!["environment_files", limits::ENVIRONMENT_FILES]),
            format!(
                "{} environment files; ECS reads at most {}",
                container.environment_files.len(),
                limits::ENVIRONMENT_FILES
            ),
            "merge some",
        );
    }
    for (index, file) in container.environment_files.iter().enumerate() {
        let object = file.arn();
        let at_file = match file {
            EnvironmentFile::Arn(_) => here(path!["environment_files", index]),
            EnvironmentFile::File(_) => here(path!["environment_files", index, "value"]),
        };
        if let Some(problem) =
            syntax::arn_problem(object, spec.project.partition, ArnKind::S3Object)
        {
            findings.error_help(
                "invalid-environment-file",
                at_file,
                problem.message,
                problem.help,
            );
        } else if !object.ends_with(".env") {
            findings.error_help(
                "invalid-environment-file",
                at_file,
                format!("`{object}` does not end in .env; ECS reads only .env files"),
                "rename the object, e.g. arn:aws:s3:::config-bucket/app/prod.env",
            );
        }
    }
    if let Some(credentials) = &container.repository_credentials {
        if let Some(problem) = syntax::arn_problem(
            &credentials.credentials_parameter,
            spec.project.partition,
            ArnKind::SecretsManagerSecret,
        ) {
            findings.error_help(
                "invalid-secret",
                here(path!["repository_credentials", "credentials_parameter"]),
                problem.message,
                problem.help,
            );
        }
    }
}

fn check_health_check(container: &Container, here: At<'_>, findings: &mut Findings) {
    let Some(check) = &container.health_check else {
        return;
    };
    let runs_something = match check.command.as_slice() {
        [kind, rest @ ..] if kind == "CMD" || kind == "CMD-SHELL" => {
            !rest.is_empty() && rest.iter().all(|part| !part.trim().is_empty())
        }
        _ => false,
    };
    if !runs_something {
        findings.error_help(
            "invalid-health-check",
            here(path!["health_check", "command"]),
            "a health check command starts with \"CMD\" (then the program and its arguments) or \"CMD-SHELL\" (then one command line)",
            "e.g. [\"CMD-SHELL\", \"curl -f http://localhost:8080/health || exit 1\"]",
        );
    }
    for (key, value, range, unit) in [
        (
            "interval",
            check.interval,
            limits::HEALTH_CHECK_INTERVAL,
            "seconds",
        ),
        (
            "timeout",
            check.timeout,
            limits::HEALTH_CHECK_TIMEOUT,
            "seconds",
        ),
        (
            "retries",
            check.retries,
            limits::HEALTH_CHECK_RETRIES,
            "failures",
        ),
        (
            "start_period",
            check.start_period,
            limits::HEALTH_CHECK_START_PERIOD,
            "seconds",
        ),
    ] {
        if let Some(value) = value.filter(|v| !range.contains(v)) {
            findings.error_help(
                "invalid-health-check",
                here(path!["health_check", key]),
                format!("health check {key} {value} is out of ECS's range"),
                format!("{} to {} {unit}", range.start(), range.end()),
            );
        }
    }
}

fn check_dependencies(
    task: &Task,
    container: &Container,
    names: &[&str],
    here: At<'_>,
    findings: &mut Findings,
) {
    let mut targets = HashSet::new();
    for (index, dependency) in container.depends_on.iter().enumerate() {
        let at_target = here(path!["depends_on", index, "container"]);
        let Some(target) = task
            .containers
            .iter()
            .find(|c| c.name == dependency.container)
        else {
            findings.error_help(
                "unknown-container",
                at_target,
                format!("no container named `{}` in this task", dependency.container),
                container_suggestion(&dependency.container, names),
            );
            continue;
        };
        if target.name == container.name {
            findings.error_help(
                "dependency-cycle",
                at_target,
                format!("container `{}` depends on itself", container.name),
                "name another container of the task",
            );
            continue;
        }
        if !targets.insert(target.name.as_str()) {
            findings.error_help(
                "duplicate-dependency",
                at_target,
                format!(
                    "`{}` is already a dependency of this container",
                    target.name
                ),
                "name each container once",
            );
        }
        let at_condition = here(path!["depends_on", index, "condition"]);
        match dependency.condition {
            DependencyCondition::Healthy if target.health_check.is_none() => findings.error_help(
                "dependency-without-health-check",
                at_condition,
                format!(
                    "HEALTHY waits for the health check of `{}`, which has none",
                    target.name
                ),
                format!("add a health_check to `{}`, or wait for START", target.name),
            ),
            DependencyCondition::Complete | DependencyCondition::Success if target.essential => {
                findings.error_help(
                    "dependency-on-essential-exit",
                    at_condition,
                    format!(
                        "{} waits for `{}` to exit, but it is essential: its exit stops the task",
                        dependency.condition.as_str(),
                        target.name
                    ),
                    format!(
                        "set essential = false on `{}`, or wait for START or HEALTHY",
                        target.name
                    ),
                );
            }
            _ => {}
        }
    }
}

fn container_suggestion(given: &str, names: &[&str]) -> String {
    match suggest(given, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("containers of this task: {}", names.join(", ")),
    }
}

/// `depends_on` must not go round: ECS would start none of the containers in the cycle.
/// Each cycle is reported once, at the dependency that closes it, naming every container.
fn check_dependency_cycles(task: &Task, at: At<'_>, findings: &mut Findings) {
    let index_of: HashMap<&str, usize> = task
        .containers
        .iter()
        .enumerate()
        .map(|(index, c)| (c.name.as_str(), index))
        .collect();
    // Edges: container -> (dependency entry, container it waits for), self-loops excluded
    // (reported on their own).
    let edges: Vec<Vec<(usize, usize)>> = task
        .containers
        .iter()
        .enumerate()
        .map(|(from, container)| {
            container
                .depends_on
                .iter()
                .enumerate()
                .filter_map(|(entry, d)| {
                    index_of
                        .get(d.container.as_str())
                        .filter(|to| **to != from)
                        .map(|to| (entry, *to))
                })
                .collect()
        })
        .collect();
    let mut reported: HashSet<Vec<usize>> = HashSet::new();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; edges.len()];
    for start in 0..edges.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative depth-first search: (container, next edge to try).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some((node, next)) = stack.last().copied() {
            let Some(&(entry, to)) = edges[node].get(next) else {
                state[node] = 2;
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match state[to] {
                0 => {
                    state[to] = 1;
                    stack.push((to, 0));
                }
                1 => {
                    let begin = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let cycle: Vec<usize> = stack[begin..].iter().map(|(n, _)| *n).collect();
                    let mut key = cycle.clone();
                    key.sort_unstable();
                    if reported.insert(key) {
                        let names: Vec<String> = cycle
                            .iter()
                            .chain(std::iter::once(&to))
                            .map(|&n| format!("`{}`", task.containers[n].name))
                            .collect();
                        findings.error_help(
                            "dependency-cycle",
                            at(path!["containers", node, "depends_on", entry, "container"]),
                            format!(
                                "depends_on goes round: {} (ECS would start none of them)",
                                names.join(" → ")
                            ),
                            "remove one of these dependencies",
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn check_mounts(
    container: &Container,
    names: &[&str],
    volumes: &[&str],
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    let mut paths = HashSet::new();
    for (index, mount) in container.mount_points.iter().enumerate() {
        if !volumes.contains(&mount.source_volume.as_str()) {
            let help = match suggest(&mount.source_volume, volumes.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None if volumes.is_empty() => {
                    "declare it: [[tasks.<name>.volumes]] name = \"…\"".to_string()
                }
                None => format!("volumes of this task: {}", volumes.join(", ")),
            };
            findings.error_help(
                "unknown-volume",
                here(path!["mount_points", index, "source_volume"]),
                format!("no volume named `{}` in this task", mount.source_volume),
                help,
            );
        }
        let path = &mount.container_path;
        let absolute = path.starts_with('/') || platform.windows;
        if path.is_empty() || !absolute || has_control(path) {
            findings.error_help(
                "invalid-container-path",
                here(path!["mount_points", index, "container_path"]),
                format!(
                    "container_path `{}` is not an absolute path free of control characters",
                    path.escape_debug()
                ),
                "e.g. \"/tmp\"",
            );
        } else if !paths.insert(path.trim_end_matches('/')) {
            findings.error_help(
                "duplicate-mount",
                here(path!["mount_points", index, "container_path"]),
                format!("`{path}` is mounted twice in this container"),
                "mount one volume per path",
            );
        }
    }
    for (index, from) in container.volumes_from.iter().enumerate() {
        let at_source = here(path!["volumes_from", index, "source_container"]);
        if from.source_container == container.name {
            findings.error_help(
                "invalid-volumes-from",
                at_source,
                format!(
                    "container `{}` cannot take volumes from itself",
                    container.name
                ),
                "name another container of the task",
            );
        } else if !names.contains(&from.source_container.as_str()) {
            findings.error_help(
                "unknown-container",
                at_source,
                format!(
                    "no container named `{}` in this task",
                    from.source_container
                ),
                container_suggestion(&from.source_container, names),
            );
        }
    }
}

fn check_limits(
    task: &Task,
    container: &Container,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (key, value) in [
        ("stop_timeout", container.stop_timeout),
        ("start_timeout", container.start_timeout),
    ] {
        let Some(seconds) = value else { continue };
        if platform.fargate && !limits::FARGATE_CONTAINER_TIMEOUT.contains(&seconds) {
            findings.error_help(
                "invalid-timeout",
                here(path![key]),
                format!("{key} {seconds} is out of Fargate's range"),
                format!(
                    "{} to {} seconds",
                    limits::FARGATE_CONTAINER_TIMEOUT.start(),
                    limits::FARGATE_CONTAINER_TIMEOUT.end()
                ),
            );
        } else if seconds < 1 {
            findings.error_help(
                "invalid-timeout",
                here(path![key]),
                format!("{key} {seconds} is not a duration"),
                "seconds, at least 1",
            );
        }
    }
    if !container.ulimits.is_empty() && platform.windows {
        findings.error_help(
            "linux-only",
            here(path!["ulimits"]),
            "ECS does not set ulimits for Windows containers",
            "remove them",
        );
    }
    let mut seen = HashSet::new();
    for (index, limit) in container.ulimits.iter().enumerate() {
        if !seen.insert(limit.name) {
            findings.error_help(
                "duplicate-ulimit",
                here(path!["ulimits", index, "name"]),
                format!("ulimit `{}` is set twice", limit.name.as_str()),
                "set each limit once",
            );
        }
        if platform.fargate && !fargate::ULIMITS.contains(&limit.name) {
            findings.error_help(
                "unsupported-on-fargate",
                here(path!["ulimits", index, "name"]),
                format!(
                    "Fargate does not set ulimit `{}`: its tasks keep the operating system's limits, except nofile",
                    limit.name.as_str()
                ),
                "remove it, or run the task on EC2",
            );
        }
        if limit.soft_limit < 0 || limit.hard_limit < 0 {
            findings.error_help(
                "invalid-ulimit",
                here(path!["ulimits", index]),
                format!("ulimit `{}` has a negative limit", limit.name.as_str()),
                "limits are 0 or more",
            );
        } else if limit.soft_limit > limit.hard_limit {
            findings.error_help(
                "invalid-ulimit",
                here(path!["ulimits", index, "soft_limit"]),
                format!(
                    "soft_limit {} is above hard_limit {}",
                    limit.soft_limit, limit.hard_limit
                ),
                "the soft limit is at most the hard limit",
            );
        } else if platform.fargate
            && limit.name == UlimitName::Nofile
            && limit.hard_limit > limits::FARGATE_NOFILE_MAX
        {
            findings.error_help(
                "invalid-ulimit",
                here(path!["ulimits", index, "hard_limit"]),
                format!(
                    "nofile {} is above Fargate's {}",
                    limit.hard_limit,
                    limits::FARGATE_NOFILE_MAX
                ),
                format!("at most {}", limits::FARGATE_NOFILE_MAX),
            );
        }
    }
    let Some(parameters) = &container.linux_parameters else {
        return;
    };
    if platform.windows {
        findings.error_help(
            "linux-only",
            here(path!["linux_parameters"]),
            "linux_parameters do not apply to Windows containers",
            "remove them",
        );
    }
    if task.enable_execute_command && parameters.init_process_enabled == Some(false) {
        findings.error_help(
            "exec-needs-init-process",
            here(path!["linux_parameters", "init_process_enabled"]),
            "ECS Exec (enable_execute_command) needs an init process in every container",
            "remove init_process_enabled = false (trustgen turns it on with ECS Exec)",
        );
    }
    let Some(capabilities) = &parameters.capabilities else {
        return;
    };
    for (index, capability) in capabilities.add.iter().enumerate() {
        if platform.fargate && !fargate::CAPABILITIES.contains(capability) {
            findings.error_help(
                "unsupported-on-fargate",
                here(path!["linux_parameters", "capabilities", "add", index]),
                format!(
                    "Fargate does not add capability {}; it adds only SYS_PTRACE",
                    capability.as_str()
                ),
                "remove it, or run the task on EC2",
            );
        }
        if capabilities.drop.contains(capability) && *capability != Capability::All {
            findings.error_help(
                "capability-added-and-dropped",
                here(path!["linux_parameters", "capabilities", "add", index]),
                format!("{} is both added and dropped", capability.as_str()),
                "keep it in one list",
            );
        }
    }
}

fn check_labels(container: &Container, here: At<'_>, findings: &mut Findings) {
    for key in container.docker_labels.keys() {
        let at_key = here(path!["docker_labels", key]);
        if is_intrinsic_key(key) {
            findings.key_error(
                "label-key-is-intrinsic",
                at_key,
                format!(
                    "label key `{}` is what CloudFormation reads as a function (`Ref`, `Condition`, `Fn::…`), not as data",
                    key.escape_debug()
                ),
                "choose another key, e.g. in reverse-DNS form: com.example.team",
            );
        } else if key.starts_with(RESERVED_LABEL_PREFIX) {
            findings.key_error(
                "reserved-label",
                at_key,
                format!("label key `{}` is in the namespace the ECS agent labels every container with (task ARN, cluster, container name)", key.escape_debug()),
                "choose a key of your own, e.g. com.example.team",
            );
        } else if key.is_empty() || key.chars().any(|c| c.is_control() || c.is_whitespace()) {
            findings.key_error(
                "invalid-label",
                at_key,
                format!(
                    "label key `{}` is empty or holds whitespace or control characters",
                    key.escape_debug()
                ),
                "e.g. com.example.team",
            );
        }
    }
}
