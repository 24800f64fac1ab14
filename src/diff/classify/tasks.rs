//! Task definitions: which roles they run as (access), what they expose of the host
//! (namespaces, launch type, volumes) and their containers (`containers.rs`).

use super::Building;
use crate::diff::fields::{Rule, Scale, Writer};
use crate::diff::review::{Review, Subject};
use crate::diff::strings::Strings;
use crate::diff::Kind::{Access, Exposure, Other};
use crate::model::{EfsVolume, LogGroup, RuntimePlatform, TaskDefinition, Volume};

// Long on purpose: every field of `TaskDefinition` bound, so none goes unclassified.
pub(super) fn task_definition(
    review: &mut Review,
    strings: &mut Strings,
    account_id: &str,
    definition: &TaskDefinition,
) {
    let TaskDefinition {
        task,
        logical_id,
        log_group_logical_id,
        terraform,
        family,
        task_role_arn,
        execution_role_arn,
        cpu,
        memory,
        network_mode,
        requires_compatibilities,
        runtime_platform,
        ephemeral_storage_gib,
        pid_mode,
        ipc_mode,
        volumes,
        containers,
        log_group,
    } = definition;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("task in the spec", Other, Rule::Report, task);
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text(
        "log group logical id",
        Other,
        Rule::Report,
        log_group_logical_id,
    );
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("task role", Access, Rule::RunsAs, task_role_arn);
    fields.text("execution role", Access, Rule::RunsAs, execution_role_arn);
    fields.opt_text("cpu", Other, Rule::Report, cpu.as_deref());
    fields.opt_text("memory", Other, Rule::Report, memory.as_deref());
    host(
        &mut fields,
        network_mode,
        requires_compatibilities,
        *pid_mode,
        *ipc_mode,
    );
    if let Some(platform) = runtime_platform {
        let RuntimePlatform {
            cpu_architecture,
            operating_system_family,
        } = platform;
        fields.opt_text("CPU architecture", Other, Rule::Report, *cpu_architecture);
        fields.opt_text(
            "operating system",
            Other,
            Rule::Report,
            *operating_system_family,
        );
    }
    fields.opt_number(
        "ephemeral storage (GiB)",
        Other,
        Rule::Report,
        *ephemeral_storage_gib,
    );
    if let Some(group) = log_group {
        let LogGroup {
            name,
            retention_in_days,
        } = group;
        fields.text("log group", Other, Rule::Report, name);
        fields.opt_number(
            "log retention (days)",
            Other,
            Rule::Report,
            *retention_in_days,
        );
    }
    for volume in volumes {
        self::volume(&mut fields, volume);
    }
    for container in containers {
        super::containers::container(&mut fields, container, volumes);
    }
    let subject = Subject::TaskDefinition {
        account_id: entity.strings.intern(account_id),
        family: entity.strings.intern(family),
    };
    entity.file(review, subject, "task_definition", family, Some(account_id));
}

/// How much of the instance the task shares: its network, its kernel (on EC2), its
/// process and IPC namespaces.
fn host(
    fields: &mut Writer<'_>,
    network_mode: &str,
    launch_types: &[&str],
    pid_mode: Option<&str>,
    ipc_mode: Option<&str>,
) {
    fields.text(
        "network mode",
        Exposure,
        Rule::Levels(Scale::NetworkMode),
        network_mode,
    );
    for launch_type in launch_types {
        // On EC2 the task shares an instance (its kernel, its metadata service) with others.
        let rule = if *launch_type == "EC2" {
            Rule::Grows
        } else {
            Rule::Report
        };
        fields.member("launch type", Exposure, rule, launch_type);
    }
    fields.opt_text("pid mode", Exposure, Rule::Levels(Scale::PidMode), pid_mode);
    fields.opt_text("ipc mode", Exposure, Rule::Levels(Scale::IpcMode), ipc_mode);
}

fn volume(fields: &mut Writer<'_>, volume: &Volume) {
    let Volume {
        name,
        host_source_path,
        efs,
    } = volume;
    let mut fields = fields.part("volume", name);
    let source = match (host_source_path, efs) {
        (_, Some(_)) => "EFS file system",
        (Some(_), None) => "host directory",
        (None, None) => "task storage",
    };
    fields.text(
        "volume",
        Exposure,
        Rule::Levels(Scale::VolumeSource),
        source,
    );
    fields.opt_text(
        "host path",
        Exposure,
        Rule::Path,
        host_source_path.as_deref(),
    );
    if let Some(efs) = efs {
        let EfsVolume {
            file_system_id,
            root_directory,
            transit_encryption,
            transit_encryption_port,
            access_point_id,
            iam,
        } = efs;
        fields.text("EFS file system", Exposure, Rule::Grows, file_system_id);
        // EFS mounts the file system's root when no directory is given.
        fields.text(
            "EFS root directory",
            Exposure,
            Rule::Path,
            root_directory.as_deref().unwrap_or("/"),
        );
        fields.opt_text(
            "EFS transit encryption",
            Exposure,
            Rule::Levels(Scale::OnThenOff),
            *transit_encryption,
        );
        fields.opt_number(
            "EFS transit encryption port",
            Other,
            Rule::Report,
            *transit_encryption_port,
        );
        // An access point pins a directory and a POSIX user: losing it is a limit gone.
        fields.opt_text(
            "EFS access point",
            Exposure,
            Rule::Limits,
            access_point_id.as_deref(),
        );
        fields.opt_text(
            "EFS IAM authorisation",
            Exposure,
            Rule::Levels(Scale::OnThenOff),
            *iam,
        );
    }
}

/// What a volume's storage is: the task's own, a directory of the host, or an EFS file
/// system (`Scale::VolumeSource` names them).
pub(crate) fn volume_source(volume: &Volume) -> &'static str {
    match (&volume.host_source_path, &volume.efs) {
        (_, Some(_)) => "EFS file system",
        (Some(_), None) => "host directory",
        (None, None) => TASK_STORAGE,
    }
}

/// The task's own storage: gone with the task, shared only by its containers.
pub(crate) const TASK_STORAGE: &str = "task storage";
