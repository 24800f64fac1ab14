//! A task definition's own settings: runtime platform, ephemeral storage, process and IPC
//! namespaces, volumes (bind mounts and EFS), and the statements trustgen derives from them
//! (ECS Exec, EFS IAM authorization), each held to ECS's rules for the task's launch type.

use std::collections::HashSet;

use super::fargate;
use super::Findings;
use crate::diagnostic::PathSegment;
use crate::model::{self, limits};
use crate::path;
use crate::spec::{Compatibility, CpuArchitecture, EphemeralStorage, PidMode, Task, Toggle};

type At<'a> = &'a dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>;

pub(super) fn check(task: &Task, at: At<'_>, findings: &mut Findings) {
    let fargate = task.compatibility == Compatibility::Fargate;
    let family = task
        .runtime_platform
        .as_ref()
        .and_then(|p| p.operating_system_family);
    let windows = family.is_some_and(|f| f.is_windows());
    if let Some(platform) = &task.runtime_platform {
        if platform.cpu_architecture == Some(CpuArchitecture::Arm64) && windows {
            findings.error_help(
                "arm64-needs-linux",
                at(path!["runtime_platform", "cpu_architecture"]),
                format!(
                    "ARM64 runs only LINUX, not {}",
                    family.map_or("", |f| f.as_str())
                ),
                "use X86_64 for Windows, or operating_system_family = \"LINUX\"",
            );
        }
    }
    if fargate && windows {
        if let Some(cpu) = task
            .cpu
            .filter(|cpu| !fargate::WINDOWS_CPU_OPTIONS.contains(cpu))
        {
            findings.error_help(
                "invalid-fargate-size",
                at(path!["cpu"]),
                format!("Fargate does not run Windows tasks with cpu {cpu}"),
                "cpu = 1024, 2048 or 4096",
            );
        }
    }
    if let Some(size) = task.ephemeral_storage.map(EphemeralStorage::gib) {
        if !fargate {
            findings.error_help(
                "fargate-only",
                at(path!["ephemeral_storage"]),
                "ephemeral_storage is Fargate's; an EC2 task uses its instance's storage",
                "remove it, or run the task on Fargate",
            );
        } else if !limits::EPHEMERAL_STORAGE_GIB.contains(&size) {
            findings.error_help(
                "invalid-ephemeral-storage",
                at(path!["ephemeral_storage"]),
                format!("ephemeral_storage {size} GiB is out of Fargate's range"),
                format!(
                    "{} to {} GiB (without it, a task has 20)",
                    limits::EPHEMERAL_STORAGE_GIB.start(),
                    limits::EPHEMERAL_STORAGE_GIB.end()
                ),
            );
        }
    }
    if let Some(mode) = task.pid_mode {
        if windows {
            findings.error_help(
                "linux-only",
                at(path!["pid_mode"]),
                "pid_mode does not apply to Windows tasks",
                "remove it",
            );
        } else if fargate && mode == PidMode::Host {
            findings.error_help(
                "unsupported-on-fargate",
                at(path!["pid_mode"]),
                "Fargate does not share the host's process ids",
                "pid_mode = \"task\" shares process ids between the task's containers",
            );
        }
    }
    if task.ipc_mode.is_some() && (fargate || windows) {
        findings.error_help(
            if fargate {
                "unsupported-on-fargate"
            } else {
                "linux-only"
            },
            at(path!["ipc_mode"]),
            if fargate {
                "Fargate does not take ipc_mode"
            } else {
                "ipc_mode does not apply to Windows tasks"
            },
            "remove it",
        );
    }
    check_volumes(task, windows, at, findings);
    check_generated_sids(task, at, findings);
}

fn is_resource_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|hex| {
        (8..=40).contains(&hex.len())
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn check_volumes(task: &Task, windows: bool, at: At<'_>, findings: &mut Findings) {
    let fargate = task.compatibility == Compatibility::Fargate;
    let mut names = HashSet::new();
    for (index, volume) in task.volumes.iter().enumerate() {
        let here = |rest: Vec<PathSegment>| {
            let mut path = at(path!["volumes", index]);
            path.extend(rest);
            path
        };
        let valid_name = !volume.name.is_empty()
            && volume.name.len() <= limits::VOLUME_NAME_CHARS
            && volume
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            findings.error_help(
                "invalid-volume-name",
                here(path!["name"]),
                format!(
                    "volume name `{}` is not allowed",
                    volume.name.escape_debug()
                ),
                "up to 255 letters, digits, - and _",
            );
        } else if !names.insert(volume.name.as_str()) {
            findings.error_help(
                "duplicate-volume",
                here(path!["name"]),
                format!("volume `{}` appears twice in this task", volume.name),
                "give each volume its own name",
            );
        }
        if let Some(path) = volume.host.as_ref().and_then(|h| h.source_path.as_ref()) {
            let at_path = here(path!["host", "source_path"]);
            if fargate {
                findings.error_help(
                    "unsupported-on-fargate",
                    at_path,
                    "Fargate mounts no directory of a host: a bind volume there is the task's own storage",
                    "remove source_path (the volume is then the task's storage)",
                );
            } else if !(path.starts_with('/') || windows) || path.chars().any(char::is_control) {
                findings.error_help(
                    "invalid-source-path",
                    at_path,
                    format!(
                        "source_path `{}` is not an absolute path free of control characters",
                        path.escape_debug()
                    ),
                    "a directory of the EC2 instance, e.g. \"/srv/cache\"",
                );
            }
        }
        let Some(efs) = &volume.efs_volume_configuration else {
            continue;
        };
        if volume.host.is_some() {
            findings.error_help(
                "two-volume-kinds",
                here(path!["host"]),
                format!(
                    "volume `{}` is both a bind mount (host) and an EFS volume",
                    volume.name
                ),
                "keep one: declare two volumes if the task needs both",
            );
        }
        let at_efs = |key: &str| here(path!["efs_volume_configuration", key]);
        if windows {
            findings.error_help(
                "linux-only",
                here(path!["efs_volume_configuration"]),
                "ECS does not mount EFS volumes into Windows containers",
                "remove it",
            );
        }
        if !is_resource_id(&efs.file_system_id, "fs-") {
            findings.error_help(
                "invalid-file-system-id",
                at_efs("file_system_id"),
                format!(
                    "`{}` is not an EFS file system id",
                    efs.file_system_id.escape_debug()
                ),
                "fs- and 8 to 40 lowercase hex digits, e.g. \"fs-0123456789abcdef0\"",
            );
        }
        let encrypted = efs.transit_encryption == Some(Toggle::Enabled);
        let authorization = efs.authorization_config.clone().unwrap_or_default();
        let iam = authorization.iam == Some(Toggle::Enabled);
        if let Some(directory) = &efs.root_directory {
            if !directory.starts_with('/') || directory.chars().any(char::is_control) {
                findings.error_help(
                    "invalid-root-directory",
                    at_efs("root_directory"),
                    format!(
                        "root_directory `{}` is not an absolute path free of control characters",
                        directory.escape_debug()
                    ),
                    "a directory of the file system, e.g. \"/data\"",
                );
            } else if authorization.access_point_id.is_some() && directory != "/" {
                findings.error_help(
                    "root-directory-with-access-point",
                    at_efs("root_directory"),
                    "with an access point, the access point sets the directory: ECS takes root_directory only as \"/\"",
                    "remove root_directory, or set the directory on the access point",
                );
            }
        }
        if let Some(port) = efs.transit_encryption_port {
            if !limits::PORT.contains(&port) {
                findings.error_help(
                    "invalid-port",
                    at_efs("transit_encryption_port"),
                    format!("port {port} is out of range"),
                    "1 to 65535",
                );
            } else if !encrypted {
                findings.error_help(
                    "needs-transit-encryption",
                    at_efs("transit_encryption_port"),
                    "transit_encryption_port is the port of encrypted traffic, but transit_encryption is not ENABLED",
                    "set transit_encryption = \"ENABLED\"",
                );
            }
        }
        if let Some(id) = &authorization.access_point_id {
            let at_point = here(path![
                "efs_volume_configuration",
                "authorization_config",
                "access_point_id"
            ]);
            if !is_resource_id(id, "fsap-") {
                findings.error_help(
                    "invalid-access-point-id",
                    at_point,
                    format!("`{}` is not an EFS access point id", id.escape_debug()),
                    "fsap- and 8 to 40 lowercase hex digits, e.g. \"fsap-0123456789abcdef0\"",
                );
            } else if !encrypted {
                findings.error_help(
                    "needs-transit-encryption",
                    at_point,
                    "ECS mounts an EFS access point only with transit encryption",
                    "set transit_encryption = \"ENABLED\"",
                );
            }
        }
        if iam && !encrypted {
            findings.error_help(
                "needs-transit-encryption",
                here(path![
                    "efs_volume_configuration",
                    "authorization_config",
                    "iam"
                ]),
                "ECS uses IAM authorization for EFS only with transit encryption",
                "set transit_encryption = \"ENABLED\"",
            );
        }
        if efs.client_root_access && !iam {
            findings.error_help(
                "root-access-without-iam",
                at_efs("client_root_access"),
                "client_root_access grants elasticfilesystem:ClientRootAccess to the task role, which EFS checks only with IAM authorization",
                "set authorization_config = { iam = \"ENABLED\" }, or remove client_root_access",
            );
        }
    }
}

/// The statements trustgen adds to a task role carry Sids of their own; IAM refuses a
/// policy whose Sids repeat, so the spec's statements (and the volumes) must keep apart.
fn check_generated_sids(task: &Task, at: At<'_>, findings: &mut Findings) {
    let generated = model::generated_sids(task);
    let mut seen: HashSet<String> = HashSet::new();
    for sid in &generated {
        if !seen.insert(sid.to_ascii_lowercase()) {
            if let Some(index) = task
                .volumes
                .iter()
                .rposition(|v| model::efs_sid(&v.name) == *sid)
            {
                findings.error_help(
                    "duplicate-sid",
                    at(path!["volumes", index, "name"]),
                    format!("the EFS statement of this volume would have the Sid `{sid}` of another volume's"),
                    "rename the volume so its letters and digits differ from the other's",
                );
            }
        }
    }
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
            findings.error_help(
                "reserved-sid",
                at(path!["statements", index, "sid"]),
                format!("sid `{sid}` is taken: trustgen gives it{spelled} to the statement it adds to this task's role"),
                "choose another sid",
            );
        }
    }
}
