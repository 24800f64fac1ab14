//! `[[tasks.<name>.volumes]]`: bind mounts of the EC2 instance and EFS volumes, their
//! names and the Sids of the statements EFS IAM authorization adds, each held to ECS's
//! rules for the task's launch type.

use crate::collections::HashSet;

use super::containers::invalid_port;
use super::platform::{linux_only, unsupported_on_fargate};
use super::tasks::At;
use super::Findings;
use crate::diagnostic::{Code, PathSegment};
use crate::model;
use crate::model::identifiers::{is_ecs_name, is_efs_id};
use crate::model::limits::VOLUME_NAME_CHARS;
use crate::model::vocabulary::{covers_path, lexically_normal, HOST_SYSTEM_PATHS};
use crate::path;
use crate::spec::{
    Compatibility, EfsAuthorizationConfig, EfsVolumeConfiguration, Task, Toggle, Volume,
};

pub(super) fn check(task: &Task, at: At<'_>, findings: &mut Findings) {
    let fargate = task.compatibility == Compatibility::Fargate;
    let windows = task
        .runtime_platform
        .as_ref()
        .and_then(|p| p.operating_system_family)
        .is_some_and(|f| f.is_windows());
    let mut names = HashSet::default();
    for (index, volume) in task.volumes.iter().enumerate() {
        let here = |rest: Vec<PathSegment>| [at(path!["volumes", index]), rest].concat();
        let here: At<'_> = &here;
        if !invalid_volume_name(volume, here, findings) {
            duplicate_volume(volume, &mut names, here, findings);
        }
        if let Some(path) = volume.host.as_ref().and_then(|h| h.source_path.as_ref()) {
            let at_path = here(path!["host", "source_path"]);
            let refused = unsupported_on_fargate(
                fargate,
                at_path.clone(),
                "Fargate mounts no directory of a host: a bind volume there is the task's own storage",
                "remove source_path (the volume is then the task's storage)",
                findings,
            );
            if !refused {
                invalid_source_path(path, windows, at_path, findings);
            }
        }
        if let Some(efs) = &volume.efs_volume_configuration {
            check_efs(volume, efs, windows, here, findings);
        }
    }
}

/// Reports and returns whether the name is not one ECS accepts.
fn invalid_volume_name(volume: &Volume, here: At<'_>, findings: &mut Findings) -> bool {
    let invalid = !is_ecs_name(&volume.name, VOLUME_NAME_CHARS);
    if invalid {
        findings.at(
            Code::InvalidVolumeName,
            here(path!["name"]),
            format!(
                "volume name `{}` is not allowed",
                volume.name.escape_debug()
            ),
            "up to 255 letters, digits, - and _",
        );
    }
    invalid
}

fn duplicate_volume<'t>(
    volume: &'t Volume,
    seen: &mut HashSet<&'t str>,
    here: At<'_>,
    findings: &mut Findings,
) {
    if !seen.insert(volume.name.as_str()) {
        findings.at(
            Code::DuplicateVolume,
            here(path!["name"]),
            format!("volume `{}` appears twice in this task", volume.name),
            "give each volume its own name",
        );
    }
}

/// An absolute path in its plain form: `.`, `..` or `//` could hide a system directory
/// behind an innocent start (`/srv/../var/run/docker.sock`), so they are refused, with the
/// path they stand for.
fn invalid_source_path(path: &str, windows: bool, at: Vec<PathSegment>, findings: &mut Findings) {
    if !(path.starts_with('/') || windows) || path.chars().any(char::is_control) {
        findings.at(
            Code::InvalidSourcePath,
            at,
            format!(
                "source_path `{}` is not an absolute path free of control characters",
                path.escape_debug()
            ),
            "a directory of the EC2 instance, e.g. \"/srv/cache\"",
        );
        return;
    }
    let dotted = path
        .split(['/', '\\'])
        .any(|part| part == "." || part == "..");
    let normal = lexically_normal(path);
    let plain = !dotted && (windows || path.trim_end_matches('/') == normal || path == "/");
    if !plain {
        findings.at(
            Code::InvalidSourcePath,
            at,
            format!(
                "source_path `{}` is not in its plain form: `.`, `..` and `//` are not compared as the directory they stand for",
                path.escape_debug()
            ),
            if windows {
                "write the directory without `.` or `..`".to_string()
            } else {
                format!("write the directory it stands for, `{normal}`")
            },
        );
    }
}

/// An EFS volume: alone in its volume, on Linux, with ids EFS could issue and the transit
/// encryption its access point, port and IAM authorization need.
fn check_efs(
    volume: &Volume,
    efs: &EfsVolumeConfiguration,
    windows: bool,
    here: At<'_>,
    findings: &mut Findings,
) {
    two_volume_kinds(volume, here, findings);
    let message = "ECS does not mount EFS volumes into Windows containers";
    let at = || here(path!["efs_volume_configuration"]);
    linux_only(windows, &at, message, "remove it", findings);
    let at_efs = |key: &str| here(path!["efs_volume_configuration", key]);
    invalid_file_system_id(efs, at_efs("file_system_id"), findings);
    let authorization = efs.authorization_config.clone().unwrap_or_default();
    if let Some(directory) = &efs.root_directory {
        let at_directory = at_efs("root_directory");
        if !invalid_root_directory(directory, at_directory.clone(), findings) {
            root_directory_with_access_point(directory, &authorization, at_directory, findings);
        }
    }
    needs_transit_encryption(efs, &authorization, here, findings);
    root_access_without_iam(efs, &authorization, here, findings);
}

fn two_volume_kinds(volume: &Volume, here: At<'_>, findings: &mut Findings) {
    if volume.host.is_some() {
        findings.at(
            Code::TwoVolumeKinds,
            here(path!["host"]),
            format!(
                "volume `{}` is both a bind mount (host) and an EFS volume",
                volume.name
            ),
            "keep one: declare two volumes if the task needs both",
        );
    }
}

fn invalid_file_system_id(
    efs: &EfsVolumeConfiguration,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if !is_efs_id(&efs.file_system_id, "fs-") {
        findings.at(
            Code::InvalidFileSystemId,
            at,
            format!(
                "`{}` is not an EFS file system id",
                efs.file_system_id.escape_debug()
            ),
            "fs- and 8 to 40 lowercase hex digits, e.g. \"fs-0123456789abcdef0\"",
        );
    }
}

/// Reports and returns whether the root directory is not an absolute path.
fn invalid_root_directory(directory: &str, at: Vec<PathSegment>, findings: &mut Findings) -> bool {
    let invalid = !directory.starts_with('/') || directory.chars().any(char::is_control);
    if invalid {
        findings.at(
            Code::InvalidRootDirectory,
            at,
            format!(
                "root_directory `{}` is not an absolute path free of control characters",
                directory.escape_debug()
            ),
            "a directory of the file system, e.g. \"/data\"",
        );
    }
    invalid
}

fn root_directory_with_access_point(
    directory: &str,
    authorization: &EfsAuthorizationConfig,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if authorization.access_point_id.is_some() && directory != "/" {
        findings.at(
            Code::RootDirectoryWithAccessPoint,
            at,
            "with an access point, the access point sets the directory: ECS takes root_directory only as \"/\"",
            "remove root_directory, or set the directory on the access point",
        );
    }
}

/// A transit encryption port, an access point and IAM authorization each need transit
/// encryption (each id or port is first checked for its own shape).
fn needs_transit_encryption(
    efs: &EfsVolumeConfiguration,
    authorization: &EfsAuthorizationConfig,
    here: At<'_>,
    findings: &mut Findings,
) {
    let encrypted = efs.transit_encryption == Some(Toggle::Enabled);
    let help = "set transit_encryption = \"ENABLED\"";
    if let Some(port) = efs.transit_encryption_port {
        let at = here(path!["efs_volume_configuration", "transit_encryption_port"]);
        if !invalid_port(port, &|| at.clone(), findings) && !encrypted {
            findings.at(
                Code::NeedsTransitEncryption,
                at,
                "transit_encryption_port is the port of encrypted traffic, but transit_encryption is not ENABLED",
                help,
            );
        }
    }
    if let Some(id) = &authorization.access_point_id {
        let at = here(path![
            "efs_volume_configuration",
            "authorization_config",
            "access_point_id"
        ]);
        if !invalid_access_point_id(id, at.clone(), findings) && !encrypted {
            findings.at(
                Code::NeedsTransitEncryption,
                at,
                "ECS mounts an EFS access point only with transit encryption",
                help,
            );
        }
    }
    if authorization.iam == Some(Toggle::Enabled) && !encrypted {
        findings.at(
            Code::NeedsTransitEncryption,
            here(path![
                "efs_volume_configuration",
                "authorization_config",
                "iam"
            ]),
            "ECS uses IAM authorization for EFS only with transit encryption",
            help,
        );
    }
}

/// Reports and returns whether `id` is no EFS access point id.
fn invalid_access_point_id(id: &str, at: Vec<PathSegment>, findings: &mut Findings) -> bool {
    let invalid = !is_efs_id(id, "fsap-");
    if invalid {
        findings.at(
            Code::InvalidAccessPointId,
            at,
            format!("`{}` is not an EFS access point id", id.escape_debug()),
            "fsap- and 8 to 40 lowercase hex digits, e.g. \"fsap-0123456789abcdef0\"",
        );
    }
    invalid
}

fn root_access_without_iam(
    efs: &EfsVolumeConfiguration,
    authorization: &EfsAuthorizationConfig,
    here: At<'_>,
    findings: &mut Findings,
) {
    if efs.client_root_access && authorization.iam != Some(Toggle::Enabled) {
        findings.at(
            Code::RootAccessWithoutIam,
            here(path!["efs_volume_configuration", "client_root_access"]),
            "client_root_access grants elasticfilesystem:ClientRootAccess to the task role, which EFS checks only with IAM authorization",
            "set authorization_config = { iam = \"ENABLED\" }, or remove client_root_access",
        );
    }
}

/// Two volumes whose EFS statements would get one Sid (`Efs` and the name's letters and
/// digits): IAM refuses a policy whose Sids repeat.
pub(super) fn duplicate_sid(task: &Task, at: At<'_>, findings: &mut Findings) {
    let mut seen: HashSet<String> = HashSet::default();
    for sid in model::generated_sids(task) {
        if seen.insert(sid.to_ascii_lowercase()) {
            continue;
        }
        if let Some(index) = task
            .volumes
            .iter()
            .rposition(|v| model::efs_sid(&v.name) == sid)
        {
            findings.at(
                Code::DuplicateSid,
                at(path!["volumes", index, "name"]),
                format!("the EFS statement of this volume would have the Sid `{sid}` of another volume's"),
                "rename the volume so its letters and digits differ from the other's",
            );
        }
    }
}

/// Volumes that work, but not as safely as they could: a system directory of the EC2
/// instance, a volume no container mounts, EFS traffic in clear text.
pub(super) fn warnings(name: &str, task: &Task, findings: &mut Findings) {
    for (index, volume) in task.volumes.iter().enumerate() {
        let at = |rest: Vec<PathSegment>| [path!["tasks", name, "volumes", index], rest].concat();
        host_privileges(name, volume, at(path!["host", "source_path"]), findings);
        unused_volume(name, task, volume, at(path!["name"]), findings);
        efs_transit_unencrypted(
            name,
            volume,
            at(path!["efs_volume_configuration"]),
            findings,
        );
    }
}

/// A bind mount of the instance's root, of a system directory or inside one, or of a
/// parent of one (`/var` holds `/var/run`), compared in the path's plain form.
fn host_privileges(task: &str, volume: &Volume, at: Vec<PathSegment>, findings: &mut Findings) {
    let Some(source) = volume.host.as_ref().and_then(|h| h.source_path.as_ref()) else {
        return;
    };
    if !source.starts_with('/') {
        return;
    }
    let source = lexically_normal(source);
    let what = if source == "/" {
        "its root directory".to_string()
    } else if let Some(system) = HOST_SYSTEM_PATHS
        .iter()
        .find(|system| covers_path(system, &source))
    {
        format!("a system directory, under {system}")
    } else if let Some(system) = HOST_SYSTEM_PATHS
        .iter()
        .find(|system| covers_path(&source, system))
    {
        format!("a parent of the system directory {system}")
    } else {
        return;
    };
    findings.at(
        Code::HostPrivileges,
        at,
        format!(
            "volume `{}` of task `{task}` mounts `{source}` of the EC2 instance ({what}): its containers can read or change what the instance and its other tasks rely on",
            volume.name,
        ),
        "mount a directory of your own, e.g. /srv/<task>",
    );
}

fn unused_volume(
    task_name: &str,
    task: &Task,
    volume: &Volume,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let mounted = task
        .containers
        .iter()
        .flat_map(|c| &c.mount_points)
        .any(|mount| mount.source_volume == volume.name);
    if !mounted {
        findings.at(
            Code::UnusedVolume,
            at,
            format!(
                "no container of task `{task_name}` mounts volume `{}`",
                volume.name
            ),
            "mount it in a container's mount_points, or remove it",
        );
    }
}

fn efs_transit_unencrypted(
    task: &str,
    volume: &Volume,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let Some(efs) = &volume.efs_volume_configuration else {
        return;
    };
    if efs.transit_encryption != Some(Toggle::Enabled) {
        findings.at(
            Code::EfsTransitUnencrypted,
            at,
            format!("EFS volume `{}` of task `{task}` travels unencrypted between the task and the file system", volume.name),
            "set transit_encryption = \"ENABLED\" (IAM authorization and access points need it too)",
        );
    }
}
