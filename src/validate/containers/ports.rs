//! `port_mappings`: ports in range, each once per task (its containers share one network
//! interface), no host port other than the container's, names ECS accepts.

use super::{At, Platform, Seen};
use crate::diagnostic::Code;
use crate::model::identifiers::is_port_name;
use crate::model::limits;
use crate::path;
use crate::spec::{Container, PortMapping};
use crate::validate::{Findings, Here};

pub(super) fn check<'t>(
    container: &'t Container,
    platform: Platform,
    seen: &mut Seen<'t>,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (index, mapping) in container.port_mappings.iter().enumerate() {
        let container_port = mapping.container_port();
        let at_port = || match mapping {
            PortMapping::Port(_) => here(path!["port_mappings", index]),
            PortMapping::Mapping(_) => here(path!["port_mappings", index, "container_port"]),
        };
        if invalid_port(container_port, &at_port, findings) {
            continue;
        }
        duplicate_port(container, mapping, seen, &at_port, findings);
        let PortMapping::Mapping(table) = mapping else {
            continue;
        };
        if let Some(host_port) = table.host_port {
            let at_host = || here(path!["port_mappings", index, "host_port"]);
            host_port_mismatch(host_port, container_port, platform, &at_host, findings);
        }
        if let Some(name) = &table.name {
            let at_name = || here(path!["port_mappings", index, "name"]);
            if !invalid_port_name(name, &at_name, findings) {
                duplicate_port_name(name, seen, &at_name, findings);
            }
        }
    }
}

/// The containers of a task share one network interface (awsvpc): a port and protocol is
/// mapped once per task.
fn duplicate_port<'t>(
    container: &'t Container,
    mapping: &PortMapping,
    seen: &mut Seen<'t>,
    at: Here<'_>,
    findings: &mut Findings,
) {
    let (port, protocol) = (mapping.container_port(), mapping.protocol().as_str());
    if let Some(first) = seen.ports.insert((port, protocol), &container.name) {
        findings.at(
            Code::DuplicatePort,
            at(),
            format!("port {port}/{protocol} is already mapped by container `{first}`; the containers of a task share one network interface (awsvpc)"),
            "map each port once per task",
        );
    }
}

/// Reports and returns whether `port` is out of range (for a container's port or EFS's
/// transit encryption port).
pub(in crate::validate) fn invalid_port(port: i64, at: Here<'_>, findings: &mut Findings) -> bool {
    let invalid = !limits::PORT.contains(&port);
    if invalid {
        findings.at(
            Code::InvalidPort,
            at(),
            format!("port {port} is out of range"),
            "1 to 65535",
        );
    }
    invalid
}

fn host_port_mismatch(
    host_port: i64,
    container_port: i64,
    platform: Platform,
    at: Here<'_>,
    findings: &mut Findings,
) {
    if host_port == container_port {
        return;
    }
    let why = if platform.fargate {
        "Fargate tasks use the awsvpc network mode"
    } else {
        "the task uses the awsvpc network mode"
    };
    findings.at(
        Code::HostPortMismatch,
        at(),
        format!("host_port {host_port} differs from container_port {container_port}: {why}, where the task's own network interface exposes the container port itself"),
        format!("leave host_port out, or set it to {container_port}"),
    );
}

/// Reports and returns whether `name` is not a port name ECS accepts.
fn invalid_port_name(name: &str, at: Here<'_>, findings: &mut Findings) -> bool {
    let invalid = !is_port_name(name);
    if invalid {
        findings.at(
            Code::InvalidPortName,
            at(),
            format!("port name `{}` is not allowed", name.escape_debug()),
            "1-64 of a-z, 0-9, _ and -, not starting with -",
        );
    }
    invalid
}

fn duplicate_port_name<'t>(
    name: &'t str,
    seen: &mut Seen<'t>,
    at: Here<'_>,
    findings: &mut Findings,
) {
    if !seen.port_names.insert(name) {
        findings.at(
            Code::DuplicatePortName,
            at(),
            format!("port name `{name}` is used twice in this task"),
            "give each port its own name",
        );
    }
}
