//! A container definition's fields, classified for a reviewer (see `classify`): what a
//! container can read (secrets, files, volumes) and how much of the host it holds
//! (privileges, user, capabilities) are exposure; what it runs (image, command, entry
//! point, health check, environment, logging) is code; the rest is other.

use std::collections::BTreeMap;

use super::volume_source;
use crate::collections::HashMap;
use crate::diff::fields::{Rule, Writer};
use crate::diff::Kind::{Code, Exposure, Other};
use crate::model::{
    ContainerDefinition, ContainerDependency, EnvironmentFile, FirelensConfiguration, HealthCheck,
    KernelCapabilities, LinuxParameters, LogConfiguration, MountPoint, NameValue, PortMapping,
    RepositoryCredentials, Secret, Ulimit, Volume, VolumeFrom,
};

pub(super) fn container(
    fields: &mut Writer<'_>,
    container: &ContainerDefinition,
    volumes: &[Volume],
) {
    // Every field bound here, so a new one does not build until it is classified below.
    let ContainerDefinition {
        name,
        image,
        essential,
        cpu,
        memory,
        entry_point,
        command,
        working_directory,
        user,
        port_mappings,
        environment,
        environment_files,
        secrets,
        mount_points,
        volumes_from,
        depends_on,
        health_check,
        readonly_root_filesystem,
        privileged,
        stop_timeout,
        start_timeout,
        ulimits,
        linux_parameters,
        docker_labels,
        repository_credentials,
        firelens_configuration,
        log_configuration,
    } = container;
    let mut fields = fields.part("container", name);
    code(
        &mut fields,
        image,
        entry_point,
        command,
        working_directory.as_deref(),
        environment,
    );
    health_and_logs(
        &mut fields,
        health_check.as_deref(),
        firelens_configuration.as_deref(),
        log_configuration.as_ref(),
    );
    reads(
        &mut fields,
        environment_files,
        secrets,
        repository_credentials.as_ref(),
        mount_points,
        volumes_from,
        volumes,
    );
    host(
        &mut fields,
        user.as_deref(),
        *privileged,
        *readonly_root_filesystem,
        linux_parameters.as_deref(),
    );
    fields.flag("essential", Other, Rule::Report, *essential);
    fields.opt_number("cpu", Other, Rule::Report, *cpu);
    fields.opt_number("memory (MiB)", Other, Rule::Report, *memory);
    fields.opt_number("stop timeout", Other, Rule::Report, *stop_timeout);
    fields.opt_number("start timeout", Other, Rule::Report, *start_timeout);
    other(
        &mut fields,
        port_mappings,
        depends_on,
        ulimits,
        docker_labels,
    );
}

/// What runs with the task role's credentials.
fn code(
    fields: &mut Writer<'_>,
    image: &str,
    entry_point: &[String],
    command: &[String],
    working_directory: Option<&str>,
    environment: &[NameValue],
) {
    fields.text("image", Code, Rule::Report, image);
    fields.list(
        "entry point",
        Code,
        Rule::Report,
        entry_point.iter().map(String::as_str),
    );
    fields.list(
        "command",
        Code,
        Rule::Report,
        command.iter().map(String::as_str),
    );
    fields.opt_text("working directory", Code, Rule::Report, working_directory);
    for variable in environment {
        let NameValue { name, value } = variable;
        fields.keyed("environment", name, Code, Rule::Report, value);
    }
}

/// A health check Docker runs in the container (with the task role's credentials at
/// hand), and where the container's output (and whatever it prints) is sent.
fn health_and_logs(
    fields: &mut Writer<'_>,
    health_check: Option<&HealthCheck>,
    firelens: Option<&FirelensConfiguration>,
    logging: Option<&LogConfiguration>,
) {
    if let Some(check) = health_check {
        let HealthCheck {
            command,
            interval,
            timeout,
            retries,
            start_period,
        } = check;
        fields.list(
            "health check command",
            Code,
            Rule::Report,
            command.iter().map(String::as_str),
        );
        fields.opt_number("health check interval", Other, Rule::Report, *interval);
        fields.opt_number("health check timeout", Other, Rule::Report, *timeout);
        fields.opt_number("health check retries", Other, Rule::Report, *retries);
        fields.opt_number(
            "health check start period",
            Other,
            Rule::Report,
            *start_period,
        );
    }
    if let Some(firelens) = firelens {
        let FirelensConfiguration { kind, options } = firelens;
        fields.text("FireLens router", Code, Rule::Report, kind);
        for (key, value) in options {
            fields.keyed("FireLens option", key, Code, Rule::Report, value);
        }
    }
    if let Some(logging) = logging {
        let LogConfiguration {
            log_driver,
            options,
        } = logging;
        fields.text("log driver", Code, Rule::Report, log_driver);
        for (key, value) in options {
            fields.keyed("log option", key, Code, Rule::Report, value);
        }
    }
}

/// What the container can read: files, secrets, registry credentials, volumes.
fn reads(
    fields: &mut Writer<'_>,
    environment_files: &[EnvironmentFile],
    secrets: &[Secret],
    registry: Option<&RepositoryCredentials>,
    mount_points: &[MountPoint],
    volumes_from: &[VolumeFrom],
    volumes: &[Volume],
) {
    for file in environment_files {
        let EnvironmentFile { value, kind } = file;
        fields.keyed("environment file", value, Exposure, Rule::Appears, kind);
    }
    // A secret by what it reads (its ARN), valued by the variable it is read into: the
    // same secret under another name exposes nothing new.
    for secret in secrets {
        let Secret { name, value_from } = secret;
        fields.keyed("secret", value_from, Exposure, Rule::Appears, name);
    }
    if let Some(credentials) = registry {
        let RepositoryCredentials {
            credentials_parameter,
        } = credentials;
        fields.text(
            "registry credentials",
            Exposure,
            Rule::Grows,
            credentials_parameter,
        );
    }
    mounts(fields, mount_points, volumes);
    for from in volumes_from {
        let VolumeFrom {
            source_container,
            read_only,
        } = from;
        fields.keyed(
            "volumes of container",
            source_container,
            Exposure,
            Rule::Grows,
            "mounted",
        );
        if let Some(read_only) = read_only {
            fields.keyed_flag(
                "volumes of container read-only",
                source_container,
                Exposure,
                Rule::Off,
                *read_only,
            );
        }
    }
}

/// A volume by name, valued by what it is and where it is mounted: a path moved is no new
/// exposure; a path made writable is.
fn mounts(fields: &mut Writer<'_>, mount_points: &[MountPoint], volumes: &[Volume]) {
    let sources: HashMap<&str, &'static str> = volumes
        .iter()
        .map(|volume| (volume.name.as_str(), volume_source(volume)))
        .collect();
    let mut mounts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for mount in mount_points {
        let MountPoint {
            source_volume,
            container_path,
            read_only,
        } = mount;
        let access = match read_only {
            Some(true) => "ro",
            Some(false) => "rw",
            None => "rw (default)",
        };
        mounts
            .entry(source_volume)
            .or_default()
            .push(format!("{container_path} {access}"));
    }
    for (volume, mut paths) in mounts {
        paths.sort();
        let source = sources.get(volume).copied().unwrap_or("unknown volume");
        paths.insert(0, source.to_string());
        fields.keyed_list(
            "mount",
            volume,
            Exposure,
            Rule::Mounted,
            paths.iter().map(String::as_str),
        );
    }
}

/// How much of the host the container holds.
fn host(
    fields: &mut Writer<'_>,
    user: Option<&str>,
    privileged: Option<bool>,
    readonly_root_filesystem: Option<bool>,
    linux_parameters: Option<&LinuxParameters>,
) {
    fields.opt_text("user", Exposure, Rule::User, user);
    fields.opt_flag("privileged", Exposure, Rule::On, privileged);
    fields.opt_flag(
        "read-only root filesystem",
        Exposure,
        Rule::Off,
        readonly_root_filesystem,
    );
    if let Some(parameters) = linux_parameters {
        let LinuxParameters {
            capabilities,
            init_process_enabled,
        } = parameters;
        if let Some(capabilities) = capabilities {
            let KernelCapabilities { add, drop } = capabilities;
            for capability in add {
                fields.member("capability added", Exposure, Rule::Grows, capability);
            }
            // A capability no longer dropped is one the container holds again.
            for capability in drop {
                fields.member("capability dropped", Exposure, Rule::Limits, capability);
            }
        }
        fields.opt_flag("init process", Other, Rule::Report, *init_process_enabled);
    }
}

/// Ports, order of start, limits and labels: no access, no exposure.
fn other(
    fields: &mut Writer<'_>,
    port_mappings: &[PortMapping],
    depends_on: &[ContainerDependency],
    ulimits: &[Ulimit],
    docker_labels: &crate::collections::IndexMap<String, String>,
) {
    for mapping in port_mappings {
        let PortMapping {
            container_port,
            host_port,
            protocol,
            name,
            app_protocol,
        } = mapping;
        let mut shown = format!("{container_port}/{protocol}");
        if let Some(port) = host_port {
            shown.push_str(&format!(" host {port}"));
        }
        if let Some(name) = name {
            shown.push_str(&format!(" name {name}"));
        }
        if let Some(app) = app_protocol {
            shown.push_str(&format!(" app {app}"));
        }
        fields.member("port mapping", Other, Rule::Report, &shown);
    }
    for dependency in depends_on {
        let ContainerDependency {
            container_name,
            condition,
        } = dependency;
        fields.keyed("depends on", container_name, Other, Rule::Report, condition);
    }
    for limit in ulimits {
        let Ulimit {
            name,
            soft_limit,
            hard_limit,
        } = limit;
        fields.keyed(
            "ulimit",
            name,
            Other,
            Rule::Report,
            &format!("soft {soft_limit}, hard {hard_limit}"),
        );
    }
    for (key, value) in docker_labels {
        fields.keyed("docker label", key, Other, Rule::Report, value);
    }
}
