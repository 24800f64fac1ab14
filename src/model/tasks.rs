//! Task roles, the account's execution role, and ECS task definitions.

use std::collections::HashSet;

use indexmap::{IndexMap, IndexSet};

use super::arn::{self, PartitionExt};
use super::build::AccountContext;
use super::policy::{self, PolicyDocument, Principal, Statement};
use super::{limits, names};
use super::{
    ContainerDefinition, ContainerDependency, EfsVolume, EnvironmentFile, FirelensConfiguration,
    HealthCheck, InlinePolicy, KernelCapabilities, LinuxParameters, LogConfiguration, LogGroup,
    MountPoint, NameValue, PortMapping, RepositoryCredentials, Role, RoleKind, RuntimePlatform,
    Secret, TaskDefinition, Ulimit, Volume, VolumeFrom,
};
use crate::spec::{self, Compatibility, DevMode, Toggle};

pub(super) const TASK_POLICY_NAME: &str = "task-permissions";
/// The Sid of the statement trustgen adds for the roles a task assumes.
pub(crate) const ASSUME_ROLES_SID: &str = "AssumeRoles";
pub(super) const SECRETS_POLICY_NAME: &str = "read-task-secrets";
/// The Sid of the statement trustgen adds for ECS Exec, and its actions: exactly what the
/// SSM agent in the container needs to open the session's channels (they take no resource).
pub(crate) const ECS_EXEC_SID: &str = "EcsExec";
pub(crate) const ECS_EXEC_ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// The Sid of the statement that lets a task mount an EFS volume with IAM authorization.
pub(crate) fn efs_sid(volume: &str) -> String {
    format!("Efs{}", names::pascal_case(volume))
}

/// Every Sid trustgen adds to a task role's policy (validation keeps the spec's apart).
pub(crate) fn generated_sids(task: &spec::Task) -> Vec<String> {
    let mut sids = vec![ASSUME_ROLES_SID.to_string()];
    if task.enable_execute_command {
        sids.push(ECS_EXEC_SID.to_string());
    }
    sids.extend(
        task.volumes
            .iter()
            .filter(|volume| uses_iam(volume))
            .map(|volume| efs_sid(&volume.name)),
    );
    sids
}

fn uses_iam(volume: &spec::Volume) -> bool {
    volume
        .efs_volume_configuration
        .as_ref()
        .and_then(|efs| efs.authorization_config.as_ref())
        .and_then(|authorization| authorization.iam)
        == Some(Toggle::Enabled)
}

pub(crate) fn role_name(spec: &spec::Spec, task_name: &str, task: &spec::Task) -> String {
    task.role_name
        .clone()
        .unwrap_or_else(|| names::default_task_name(&spec.project.name, task_name))
}

/// The final ARN of a task's role, wherever in the spec it is needed (cross-account trust).
pub(super) fn task_role_arn(spec: &spec::Spec, task_name: &str) -> Option<String> {
    let task = spec.tasks.get(task_name)?;
    let account = spec.accounts.get(&task.account)?;
    let path = task.path.as_deref().unwrap_or("/");
    Some(
        spec.project
            .partition
            .role_arn(&account.id, path, &role_name(spec, task_name, task)),
    )
}

pub(crate) fn family(spec: &spec::Spec, task_name: &str, task: &spec::Task) -> String {
    task.family
        .clone()
        .unwrap_or_else(|| names::default_task_name(&spec.project.name, task_name))
}

pub(super) fn task_role(context: &AccountContext<'_>, task_name: &str, task: &spec::Task) -> Role {
    let partition = context.partition();
    let name = role_name(context.spec, task_name, task);
    let path = task.path.clone().unwrap_or_else(|| "/".into());
    let mut trust = vec![context.ecs_trust(true)];
    trust.extend(developer_trust(context));
    let mut statements: Vec<Statement> = task.statements.iter().map(user_statement).collect();
    // Roles of this spec that trust this task, then roles outside it the spec names.
    let mut assumable: IndexSet<String> = context
        .roles_trusting
        .get(task_name)
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    assumable.extend(task.assume_role_arns.iter().cloned());
    if !assumable.is_empty() {
        statements.push(
            Statement::allow(ASSUME_ROLES_SID, &["sts:AssumeRole"])
                .resources(assumable.into_iter().collect()),
        );
    }
    if task.enable_execute_command {
        statements
            .push(Statement::allow(ECS_EXEC_SID, &ECS_EXEC_ACTIONS).resources(vec!["*".into()]));
    }
    statements.extend(
        task.volumes
            .iter()
            .filter_map(|volume| efs_statement(context, task, volume)),
    );
    let inline_policies = if statements.is_empty() {
        Vec::new()
    } else {
        vec![InlinePolicy {
            terraform: String::new(),
            name: TASK_POLICY_NAME.into(),
            document: PolicyDocument::new(statements),
        }]
    };
    let mut tags = context.tags(&task.tags);
    if context.dev_access == DevMode::Tagged {
        let tag = context.spec.dev_access.tag.clone().unwrap_or_default();
        tags.insert(tag.key, tag.value);
    }
    Role {
        logical_id: String::new(),
        terraform: String::new(),
        kind: RoleKind::Task(task_name.to_string()),
        arn: partition.role_arn(context.id(), &path, &name),
        name,
        path,
        description: format!("ECS task role of {task_name} (generated by trustgen)"),
        trust_policy: PolicyDocument::new(trust),
        inline_policies,
        managed_policy_arns: task.managed_policies.clone(),
        permissions_boundary: task.permissions_boundary.clone(),
        // Developers' session length is theirs to choose, but only where they assume the
        // role: everywhere else a task role keeps IAM's default.
        max_session_duration: if matches!(context.dev_access, DevMode::Tagged | DevMode::Extended) {
            context.spec.dev_access.max_session_duration
        } else {
            limits::SESSION_SECONDS_DEFAULT
        },
        tags,
    }
}

/// An EFS volume with IAM authorization: exactly the client actions its mount points need
/// (`ClientWrite` only where one is writable, `ClientRootAccess` only when asked) on exactly
/// its file system, through exactly its access point when it names one.
fn efs_statement(
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
    let statement = Statement::allow(&efs_sid(&volume.name), &actions).resources(vec![
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

/// Who besides ECS may assume a task role, in dev-access accounts only: tagged mode the
/// account root (the tag condition is in the developer policy); extended mode the
/// developer principals and permission sets (`AccountContext::developer_trust`).
fn developer_trust(context: &AccountContext<'_>) -> Vec<Statement> {
    match context.dev_access {
        DevMode::Extended => context.developer_trust(),
        DevMode::Tagged => {
            vec![
                context.developer_mfa(context.developer_statement("DeveloperAccess").principal(
                    Principal::Aws(vec![context.partition().iam_root(context.id())]),
                )),
            ]
        }
        DevMode::None | DevMode::Simulate => Vec::new(),
    }
}

pub(super) fn user_statement(statement: &spec::Statement) -> Statement {
    Statement {
        sid: statement.sid.clone(),
        effect: match statement.effect {
            spec::Effect::Allow => policy::Effect::Allow,
            spec::Effect::Deny => policy::Effect::Deny,
        },
        principal: None,
        actions: statement.actions.clone(),
        resources: statement.resources.clone(),
        condition: statement.condition.clone().unwrap_or_default(),
    }
}

/// The account's execution role(s) and, per task, the index of the one it uses. Tasks are
/// taken in spec order; a new role starts only when the secrets policy of the current one
/// would pass IAM's inline limit, so every role still reads exactly its tasks' secrets.
pub(super) fn execution_roles(
    context: &AccountContext<'_>,
    tasks: &[(&String, &spec::Task)],
) -> (Vec<Role>, Vec<usize>) {
    const INLINE_LIMIT: usize = limits::INLINE_POLICIES_CHARS;
    // Upper bound of a secrets policy's size: its five statements' fixed text, plus each
    // distinct resource quoted with a comma. Linear, and never below the real size (which
    // the model's limit check measures exactly afterwards).
    const STATEMENTS_OVERHEAD: usize = 560;
    let mut shards: Vec<Vec<(&String, &spec::Task)>> = Vec::new();
    let mut assignment = Vec::with_capacity(tasks.len());
    let mut current: Vec<(&String, &spec::Task)> = Vec::new();
    let mut resources: HashSet<String> = HashSet::new();
    let mut size = STATEMENTS_OVERHEAD;
    for task in tasks {
        let own: IndexSet<String> = task_secret_resources(task.1).collect();
        let added: usize = own
            .iter()
            .filter(|r| !resources.contains(*r))
            .map(|r| r.len() + 3)
            .sum();
        if !current.is_empty() && size + added > INLINE_LIMIT {
            shards.push(std::mem::take(&mut current));
            resources.clear();
            size = STATEMENTS_OVERHEAD;
        }
        size += own
            .iter()
            .filter(|r| !resources.contains(*r))
            .map(|r| r.len() + 3)
            .sum::<usize>();
        resources.extend(own);
        current.push(*task);
        assignment.push(shards.len());
    }
    if !current.is_empty() {
        shards.push(current);
    }
    let roles = shards
        .iter()
        .enumerate()
        .map(|(index, shard)| execution_role(context, index + 1, shard))
        .collect();
    (roles, assignment)
}

fn execution_role(
    context: &AccountContext<'_>,
    shard: usize,
    tasks: &[(&String, &spec::Task)],
) -> Role {
    let partition = context.partition();
    let settings = &context.spec.execution_role;
    let name =
        names::execution_role_name(&context.spec.project.name, settings.name.as_deref(), shard);
    let path = "/".to_string();
    let statements = secret_statements(tasks);
    let inline_policies = if statements.is_empty() {
        Vec::new()
    } else {
        vec![InlinePolicy {
            terraform: String::new(),
            name: SECRETS_POLICY_NAME.into(),
            document: PolicyDocument::new(statements),
        }]
    };
    Role {
        logical_id: String::new(),
        terraform: String::new(),
        kind: RoleKind::Execution(shard),
        arn: partition.role_arn(context.id(), &path, &name),
        name,
        path,
        description: "ECS task execution role: pulls images, writes logs, reads the tasks' secrets (generated by trustgen)".into(),
        trust_policy: PolicyDocument::new(vec![context.ecs_trust(settings.source_guard)]),
        inline_policies,
        managed_policy_arns: vec![
            partition.aws_managed_policy("service-role/AmazonECSTaskExecutionRolePolicy"),
        ],
        permissions_boundary: None,
        max_session_duration: limits::SESSION_SECONDS_DEFAULT,
        tags: context.tags(&IndexMap::new()),
    }
}

/// What an execution role reads for a task, by the statement that grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Parameter,
    Secret,
    Key,
    Object,
    Bucket,
}

/// Every resource the execution role must read for one task, as IAM sees it: its
/// containers' secrets, registry credentials and environment files (and their buckets),
/// and its KMS keys.
fn execution_reads(task: &spec::Task) -> impl Iterator<Item = (Read, String)> + '_ {
    task.containers
        .iter()
        .flat_map(|container| {
            let secrets = container.secrets.values().map(|value_from| {
                let resource = arn::secret_resource_arn(value_from);
                match arn::service(&resource) {
                    Some("secretsmanager") => (Read::Secret, resource),
                    _ => (Read::Parameter, resource),
                }
            });
            let registry = container
                .repository_credentials
                .iter()
                .map(|credentials| (Read::Secret, credentials.credentials_parameter.clone()));
            let files = container.environment_files.iter().flat_map(|file| {
                let object = file.arn();
                std::iter::once((Read::Object, object.to_string())).chain(
                    arn::s3_bucket_of(object).map(|bucket| (Read::Bucket, bucket.to_string())),
                )
            });
            secrets.chain(registry).chain(files)
        })
        .chain(
            task.secrets_kms_keys
                .iter()
                .map(|key| (Read::Key, key.clone())),
        )
}

fn task_secret_resources(task: &spec::Task) -> impl Iterator<Item = String> + '_ {
    execution_reads(task).map(|(_, resource)| resource)
}

/// Read access to exactly what the account's containers reference.
fn secret_statements(tasks: &[(&String, &spec::Task)]) -> Vec<Statement> {
    const STATEMENTS: [(Read, &str, &str); 5] = [
        (Read::Parameter, "ReadSsmParameters", "ssm:GetParameters"),
        (Read::Secret, "ReadSecrets", "secretsmanager:GetSecretValue"),
        (Read::Key, "DecryptSecrets", "kms:Decrypt"),
        (Read::Object, "ReadEnvironmentFiles", "s3:GetObject"),
        (
            Read::Bucket,
            "LocateEnvironmentFiles",
            "s3:GetBucketLocation",
        ),
    ];
    let mut found: Vec<IndexSet<String>> = vec![IndexSet::new(); STATEMENTS.len()];
    for (_, task) in tasks {
        for (read, resource) in execution_reads(task) {
            if let Some(index) = STATEMENTS.iter().position(|(kind, _, _)| *kind == read) {
                found[index].insert(resource);
            }
        }
    }
    STATEMENTS
        .iter()
        .zip(found)
        .filter(|(_, resources)| !resources.is_empty())
        .map(|((_, sid, action), resources)| {
            Statement::allow(sid, &[action]).resources(resources.into_iter().collect())
        })
        .collect()
}

pub(super) fn task_definition(
    context: &AccountContext<'_>,
    task_name: &str,
    task: &spec::Task,
    task_role: &Role,
    execution_role: &Role,
) -> TaskDefinition {
    let family = family(context.spec, task_name, task);
    let log_group_name = format!("/ecs/{family}");
    let wants_logs = task.containers.iter().any(|c| c.logs);
    let containers = task
        .containers
        .iter()
        .map(|container| container_definition(task, container, &log_group_name, &context.region))
        .collect();
    TaskDefinition {
        logical_id: String::new(),
        log_group_logical_id: String::new(),
        terraform: String::new(),
        task: task_name.to_string(),
        family,
        task_role_arn: task_role.arn.clone(),
        execution_role_arn: execution_role.arn.clone(),
        cpu: task.cpu.map(|cpu| cpu.to_string()),
        memory: task.memory.map(|memory| memory.to_string()),
        network_mode: "awsvpc",
        requires_compatibilities: vec![match task.compatibility {
            Compatibility::Fargate => "FARGATE",
            Compatibility::Ec2 => "EC2",
        }],
        runtime_platform: task
            .runtime_platform
            .as_ref()
            .map(|platform| RuntimePlatform {
                cpu_architecture: platform.cpu_architecture.map(|a| a.as_str()),
                operating_system_family: platform.operating_system_family.map(|f| f.as_str()),
            }),
        ephemeral_storage_gib: task.ephemeral_storage.map(spec::EphemeralStorage::gib),
        pid_mode: task.pid_mode.map(|mode| mode.as_str()),
        ipc_mode: task.ipc_mode.map(|mode| mode.as_str()),
        volumes: task.volumes.iter().map(volume).collect(),
        containers,
        log_group: wants_logs.then_some(LogGroup {
            name: log_group_name,
            retention_in_days: context.spec.project.log_retention_days,
        }),
    }
}

fn volume(volume: &spec::Volume) -> Volume {
    Volume {
        name: volume.name.clone(),
        host_source_path: volume.host.as_ref().and_then(|h| h.source_path.clone()),
        efs: volume
            .efs_volume_configuration
            .as_ref()
            .map(|efs| EfsVolume {
                file_system_id: efs.file_system_id.clone(),
                root_directory: efs.root_directory.clone(),
                transit_encryption: efs.transit_encryption.map(|t| t.as_str()),
                transit_encryption_port: efs.transit_encryption_port,
                access_point_id: efs
                    .authorization_config
                    .as_ref()
                    .and_then(|a| a.access_point_id.clone()),
                iam: efs
                    .authorization_config
                    .as_ref()
                    .and_then(|a| a.iam)
                    .map(|t| t.as_str()),
            }),
    }
}

/// One container in ECS's shape. ECS Exec needs an init process in every Linux container
/// (the SSM agent's children must be reaped), so `enable_execute_command` turns it on.
fn container_definition(
    task: &spec::Task,
    container: &spec::Container,
    log_group_name: &str,
    region: &str,
) -> ContainerDefinition {
    let names_of =
        |capabilities: &[spec::Capability]| capabilities.iter().map(|c| c.as_str()).collect();
    let parameters = container.linux_parameters.clone().unwrap_or_default();
    let windows = task
        .runtime_platform
        .as_ref()
        .and_then(|p| p.operating_system_family)
        .is_some_and(|family| family.is_windows());
    let init_process_enabled = if task.enable_execute_command && !windows {
        Some(true)
    } else {
        parameters.init_process_enabled
    };
    let capabilities = parameters
        .capabilities
        .as_ref()
        .filter(|c| !c.add.is_empty() || !c.drop.is_empty())
        .map(|c| KernelCapabilities {
            add: names_of(&c.add),
            drop: names_of(&c.drop),
        });
    let linux_parameters =
        (capabilities.is_some() || init_process_enabled.is_some()).then_some(LinuxParameters {
            capabilities,
            init_process_enabled,
        });
    ContainerDefinition {
        name: container.name.clone(),
        image: container.image.clone(),
        essential: container.essential,
        cpu: container.cpu,
        memory: container.memory,
        entry_point: container.entry_point.clone(),
        command: container.command.clone(),
        working_directory: container.working_directory.clone(),
        user: container.user.clone(),
        port_mappings: container
            .port_mappings
            .iter()
            .map(|mapping| match mapping {
                spec::PortMapping::Port(port) => PortMapping {
                    container_port: *port,
                    host_port: None,
                    protocol: spec::Protocol::Tcp.as_str(),
                    name: None,
                    app_protocol: None,
                },
                spec::PortMapping::Mapping(table) => PortMapping {
                    container_port: table.container_port,
                    host_port: table.host_port,
                    protocol: mapping.protocol().as_str(),
                    name: table.name.clone(),
                    app_protocol: table.app_protocol.map(|p| p.as_str()),
                },
            })
            .collect(),
        environment: container
            .environment
            .iter()
            .map(|(name, value)| NameValue {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
        environment_files: container
            .environment_files
            .iter()
            .map(|file| EnvironmentFile {
                value: file.arn().to_string(),
                kind: spec::EnvironmentFileType::S3.as_str(),
            })
            .collect(),
        secrets: container
            .secrets
            .iter()
            .map(|(name, value_from)| Secret {
                name: name.clone(),
                value_from: value_from.clone(),
            })
            .collect(),
        mount_points: container
            .mount_points
            .iter()
            .map(|mount| MountPoint {
                source_volume: mount.source_volume.clone(),
                container_path: mount.container_path.clone(),
                read_only: mount.read_only,
            })
            .collect(),
        volumes_from: container
            .volumes_from
            .iter()
            .map(|from| VolumeFrom {
                source_container: from.source_container.clone(),
                read_only: from.read_only,
            })
            .collect(),
        depends_on: container
            .depends_on
            .iter()
            .map(|dependency| ContainerDependency {
                container_name: dependency.container.clone(),
                condition: dependency.condition.as_str(),
            })
            .collect(),
        health_check: container.health_check.as_ref().map(|check| HealthCheck {
            command: check.command.clone(),
            interval: check.interval,
            timeout: check.timeout,
            retries: check.retries,
            start_period: check.start_period,
        }),
        readonly_root_filesystem: container.readonly_root_filesystem,
        privileged: container.privileged,
        stop_timeout: container.stop_timeout,
        start_timeout: container.start_timeout,
        ulimits: container
            .ulimits
            .iter()
            .map(|limit| Ulimit {
                name: limit.name.as_str(),
                soft_limit: limit.soft_limit,
                hard_limit: limit.hard_limit,
            })
            .collect(),
        linux_parameters,
        docker_labels: container.docker_labels.clone(),
        repository_credentials: container.repository_credentials.as_ref().map(|c| {
            RepositoryCredentials {
                credentials_parameter: c.credentials_parameter.clone(),
            }
        }),
        firelens_configuration: container.firelens_configuration.as_ref().map(|firelens| {
            FirelensConfiguration {
                kind: firelens.kind.as_str(),
                options: firelens.options.clone(),
            }
        }),
        log_configuration: container.logs.then(|| LogConfiguration {
            log_driver: "awslogs",
            options: IndexMap::from([
                ("awslogs-group".to_string(), log_group_name.to_string()),
                ("awslogs-region".to_string(), region.to_string()),
                ("awslogs-stream-prefix".to_string(), "ecs".to_string()),
            ]),
        }),
    }
}
