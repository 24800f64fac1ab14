//! `mount_points` and `volumes_from`: volumes the task declares, absolute paths each
//! mounted once, and other containers of the task.

use crate::collections::HashSet;

use super::{container_suggestion, has_control, At, Platform};
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::path;
use crate::spec::{Container, MountPoint};
use crate::validate::Findings;

pub(super) fn check(
    container: &Container,
    names: &[&str],
    volumes: &[&str],
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    let mut paths = HashSet::default();
    for (index, mount) in container.mount_points.iter().enumerate() {
        unknown_volume(
            mount,
            volumes,
            here(path!["mount_points", index, "source_volume"]),
            findings,
        );
        let at_path = here(path!["mount_points", index, "container_path"]);
        if !invalid_container_path(mount, platform, at_path.clone(), findings) {
            duplicate_mount(&mount.container_path, &mut paths, at_path, findings);
        }
    }
    for (index, from) in container.volumes_from.iter().enumerate() {
        let at_source = here(path!["volumes_from", index, "source_container"]);
        if !invalid_volumes_from(
            container,
            &from.source_container,
            at_source.clone(),
            findings,
        ) {
            unknown_container(&from.source_container, names, at_source, findings);
        }
    }
}

/// Reports and returns whether a container takes volumes from itself.
fn invalid_volumes_from(
    container: &Container,
    source: &str,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) -> bool {
    let itself = source == container.name;
    if itself {
        findings.at(
            Code::InvalidVolumesFrom,
            at,
            format!(
                "container `{}` cannot take volumes from itself",
                container.name
            ),
            "name another container of the task",
        );
    }
    itself
}

fn unknown_container(source: &str, names: &[&str], at: Vec<PathSegment>, findings: &mut Findings) {
    if !names.contains(&source) {
        findings.at(
            Code::UnknownContainer,
            at,
            format!("no container named `{source}` in this task"),
            container_suggestion(source, names),
        );
    }
}

fn unknown_volume(
    mount: &MountPoint,
    volumes: &[&str],
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if volumes.contains(&mount.source_volume.as_str()) {
        return;
    }
    let help = match suggest(&mount.source_volume, volumes.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if volumes.is_empty() => {
            "declare it: [[tasks.<name>.volumes]] name = \"…\"".to_string()
        }
        None => format!("volumes of this task: {}", volumes.join(", ")),
    };
    findings.at(
        Code::UnknownVolume,
        at,
        format!("no volume named `{}` in this task", mount.source_volume),
        help,
    );
}

/// Reports and returns whether the mount path is not absolute (on Linux) or holds
/// control characters.
fn invalid_container_path(
    mount: &MountPoint,
    platform: Platform,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) -> bool {
    let path = &mount.container_path;
    let absolute = path.starts_with('/') || platform.windows;
    let invalid = path.is_empty() || !absolute || has_control(path);
    if invalid {
        findings.at(
            Code::InvalidContainerPath,
            at,
            format!(
                "container_path `{}` is not an absolute path free of control characters",
                path.escape_debug()
            ),
            "e.g. \"/tmp\"",
        );
    }
    invalid
}

fn duplicate_mount<'c>(
    path: &'c str,
    seen: &mut HashSet<&'c str>,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if !seen.insert(path.trim_end_matches('/')) {
        findings.at(
            Code::DuplicateMount,
            at,
            format!("`{path}` is mounted twice in this container"),
            "mount one volume per path",
        );
    }
}
