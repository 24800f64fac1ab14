//! EFS volumes with IAM authorization: the statement a task role gets for each, and its Sid.

use super::arn::PartitionExt;
use super::build::AccountContext;
use super::names;
use super::policy::Statement;
use crate::spec::{self, Toggle};

/// The Sid of the statement that lets a task mount an EFS volume with IAM authorization.
pub(crate) fn sid(volume: &str) -> String {
    format!("Efs{}", names::pascal_case(volume))
}

pub(super) fn uses_iam(volume: &spec::Volume) -> bool {
    volume
        .efs_volume_configuration
        .as_ref()
        .and_then(|efs| efs.authorization_config.as_ref())
        .and_then(|authorization| authorization.iam)
        == Some(Toggle::Enabled)
}

/// An EFS volume with IAM authorization: exactly the client actions its mount points need
/// (`ClientWrite` only where one is writable, `ClientRootAccess` only when asked) on exactly
/// its file system, through exactly its access point when it names one.
pub(super) fn statement(
    context: &AccountContext<'_>,
    task: &spec::Task,
    volume: &spec::Volume,
) -> Option<Statement> {
    if !uses_iam(volume) {
        return None;
    }
    let efs = volume.efs_volume_configuration.as_ref()?;
    let writable = task
        .containers
        .iter()
        .flat_map(|container| &container.mount_points)
        .any(|mount| mount.source_volume == volume.name && mount.read_only != Some(true));
    let mut actions = vec!["elasticfilesystem:ClientMount"];
    if writable {
        actions.push("elasticfilesystem:ClientWrite");
    }
    if efs.client_root_access {
        actions.push("elasticfilesystem:ClientRootAccess");
    }
    let partition = context.partition();
    let statement = Statement::allow(&sid(&volume.name), &actions).resources(vec![
        partition.efs_file_system_arn(&context.region, context.id(), &efs.file_system_id)
    ]);
    let access_point = efs
        .authorization_config
        .as_ref()
        .and_then(|authorization| authorization.access_point_id.as_ref());
    Some(match access_point {
        Some(id) => statement.condition(
            "StringEquals",
            "elasticfilesystem:AccessPointArn",
            serde_json::json!(partition.efs_access_point_arn(&context.region, context.id(), id)),
        ),
        None => statement,
    })
}
