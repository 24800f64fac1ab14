//! A container definition's fields, classified for a reviewer (see `classify`): what a
//! container can read (secrets, files, volumes) and how much of the host it holds
//! (privileges, user, capabilities) are exposure; what it runs (image, command, entry
//! point, health check, environment, logging) is code; the rest is other.

use std::collections::BTreeMap;

use super::classify::volume_source;
use super::fields::{Rule, Writer};
use super::Kind::{Code, Exposure, Other};
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
    fields.text("image", Code, Rule::Report, image);
    fields.flag("essential", Other, Rule::Report, *essential);
    fields.opt_number("cpu", Other, Rule::Report, *cpu);
    fields.opt_number("memory (MiB)", Other, Rule::Report, *memory);
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
    fields.opt_text(
        "working directory",
        Code,
        Rule::Report,
        working_directory.as_deref(),
    );
    fields.opt_text("user", Exposure, Rule::User, user.as_deref());
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
    for variable in environment {
        let NameValue { name, value } = variable;
        fields.keyed("environment", name, Code, Rule::Report, value);
    }
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
    // A volume by name, valued by what it is and where it is mounted: a path moved is no
    // new exposure; a path made writable is.
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
        let source = volumes
            .iter()
            .find(|v| v.name == volume)
            .map_or("unknown volume", volume_source);
        paths.insert(0, source.to_string());
        fields.keyed_list(
            "mount",
            volume,
            Exposure,
            Rule::Mounted,
            paths.iter().map(String::as_str),
        );
    }
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
    for dependency in depends_on {
        let ContainerDependency {
            container_name,
            condition,
        } = dependency;
        fields.keyed("depends on", container_name, Other, Rule::Report, condition);
    }
    if let Some(check) = health_check {
        let HealthCheck {
            command,
            interval,
            timeout,
            retries,
            start_period,
        } = check;
        // Docker runs it in the container, with the task role's credentials at hand.
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
    fields.opt_flag(
        "read-only root filesystem",
        Exposure,
        Rule::Off,
        *readonly_root_filesystem,
    );
    fields.opt_flag("privileged", Exposure, Rule::On, *privileged);
    fields.opt_number("stop timeout", Other, Rule::Report, *stop_timeout);
    fields.opt_number("start timeout", Other, Rule::Report, *start_timeout);
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
    for (key, value) in docker_labels {
        fields.keyed("docker label", key, Other, Rule::Report, value);
    }
    if let Some(credentials) = repository_credentials {
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
    if let Some(firelens) = firelens_configuration {
        let FirelensConfiguration { kind, options } = firelens;
        fields.text("FireLens router", Code, Rule::Report, kind);
        for (key, value) in options {
            fields.keyed("FireLens option", key, Code, Rule::Report, value);
        }
    }
    if let Some(logging) = log_configuration {
        // Where the container's output (and whatever it prints) is sent.
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
