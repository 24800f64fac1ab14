//! What a CloudFormation template receives: the model's values as finished YAML text. Names
//! and ids come from the model; own-account ARNs become `!Sub` with pseudo parameters;
//! documents are written once by the YAML emitter. A template only places them.

use std::collections::HashMap;

use serde::Serialize;

use super::pseudo::PseudoParameters;
use crate::model::{names, Account, IdentityCenter, Model, Role, TaskDefinition, Volume};
use crate::render::emit::doc::{Doc, Intrinsic};
use crate::render::emit::yaml;

/// Text already written as YAML: one line, or (documents) lines the template indents where
/// it places them (`{{ x | indent(width=N) }}`).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(super) struct Yaml(String);

impl Yaml {
    fn of(value: &Doc) -> Self {
        Yaml(yaml::text(value))
    }

    fn scalar(text: &str) -> Self {
        Yaml(yaml::scalar(text))
    }
}

#[derive(Serialize)]
pub(super) struct AccountContext<'a> {
    pub name: &'a str,
    pub env: &'a str,
    pub region: &'a str,
}

/// One stack; which fields a stack uses depends on its kind (see docs/templates.md).
#[derive(Serialize)]
pub(super) struct StackContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    pub account: AccountContext<'a>,
    pub description: Yaml,
    // Absent, not null: a template that prints it without asking is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<DeveloperPolicyContext<'a>>,
    pub roles: Vec<RoleContext<'a>>,
    pub log_groups: Vec<LogGroupContext<'a>>,
    pub task_definitions: Vec<TaskDefinitionContext<'a>>,
    pub outputs: Vec<OutputContext>,
}

#[derive(Serialize)]
pub(super) struct RoleContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    pub path: Yaml,
    pub description: Yaml,
    pub max_session_duration: i64,
    pub trust_policy: Yaml,
    pub policies: Vec<InlinePolicyContext>,
    pub managed_policy_arns: Vec<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<Yaml>,
    pub tags: Vec<TagContext>,
}

#[derive(Serialize)]
pub(super) struct InlinePolicyContext {
    pub name: Yaml,
    pub document: Yaml,
}

#[derive(Serialize)]
pub(super) struct TagContext {
    pub key: Yaml,
    pub value: Yaml,
}

#[derive(Serialize)]
pub(super) struct LogGroupContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i64>,
}

#[derive(Serialize)]
pub(super) struct TaskDefinitionContext<'a> {
    pub logical_id: &'a str,
    pub family: Yaml,
    pub task_role_arn: Yaml,
    pub execution_role_arn: Yaml,
    pub network_mode: Yaml,
    pub requires_compatibilities: Vec<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_platform: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc_mode: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Yaml>,
    pub containers: Yaml,
}

#[derive(Serialize)]
pub(super) struct OutputContext {
    pub logical_id: String,
    pub description: Yaml,
    pub value: Yaml,
    /// Only with `[project] cloudformation_exports = true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_name: Option<Yaml>,
}

#[derive(Serialize)]
pub(super) struct DeveloperPolicyContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    pub path: Yaml,
    pub description: Yaml,
    pub document: Yaml,
    pub roles: Vec<Yaml>,
    pub groups: Vec<Yaml>,
    pub users: Vec<Yaml>,
}

fn get_arn(logical_id: &str) -> Doc<'static> {
    Doc::Intrinsic(Intrinsic::GetAtt(logical_id.to_string(), "Arn"))
}

fn reference(logical_id: &str) -> Doc<'static> {
    Doc::Intrinsic(Intrinsic::Ref(logical_id.to_string()))
}

/// An output; exported (for `Fn::ImportValue`) only when the spec asks, because an import
/// freezes the value: CloudFormation refuses to change an export another stack imports.
fn output(model: &Model, logical_id: String, description: String, value: &Doc) -> OutputContext {
    let export_name = model.cloudformation_exports.then(|| {
        Yaml::of(&Doc::Intrinsic(Intrinsic::Sub(format!(
            "${{AWS::StackName}}-{logical_id}"
        ))))
    });
    OutputContext {
        logical_id,
        description: Yaml::scalar(&description),
        value: Yaml::of(value),
        export_name,
    }
}

/// A one-entry map such as `{SizeInGiB: 30}`.
fn entry<'a>(key: &'static str, value: Doc<'a>) -> Doc<'a> {
    Doc::single(key, value)
}

/// The task definition's runtime platform, in CloudFormation's property names.
fn runtime_platform(definition: &TaskDefinition) -> Option<Yaml> {
    let platform = definition.runtime_platform.as_ref()?;
    let mut fields = Vec::new();
    if let Some(architecture) = platform.cpu_architecture {
        fields.push(("CpuArchitecture".into(), Doc::text(architecture)));
    }
    if let Some(family) = platform.operating_system_family {
        fields.push(("OperatingSystemFamily".into(), Doc::text(family)));
    }
    Some(Yaml::of(&Doc::Map(fields)))
}

/// Volumes in CloudFormation's property names (`EFSVolumeConfiguration`, `FilesystemId`,
/// `IAM`: not the ECS API's spelling, so not derived from it).
fn volumes(volumes: &[Volume]) -> Option<Yaml> {
    if volumes.is_empty() {
        return None;
    }
    let items = volumes
        .iter()
        .map(|volume| {
            let mut fields = vec![("Name".into(), Doc::text(volume.name.as_str()))];
            if let Some(path) = &volume.host_source_path {
                fields.push(("Host".into(), entry("SourcePath", Doc::text(path.as_str()))));
            }
            if let Some(efs) = &volume.efs {
                let mut config = vec![(
                    "FilesystemId".into(),
                    Doc::text(efs.file_system_id.as_str()),
                )];
                if let Some(directory) = &efs.root_directory {
                    config.push(("RootDirectory".into(), Doc::text(directory.as_str())));
                }
                if let Some(encryption) = efs.transit_encryption {
                    config.push(("TransitEncryption".into(), Doc::text(encryption)));
                }
                if let Some(port) = efs.transit_encryption_port {
                    config.push(("TransitEncryptionPort".into(), Doc::int(port)));
                }
                let mut authorization = Vec::new();
                if let Some(id) = &efs.access_point_id {
                    authorization.push(("AccessPointId".into(), Doc::text(id.as_str())));
                }
                if let Some(iam) = efs.iam {
                    authorization.push(("IAM".into(), Doc::text(iam)));
                }
                if !authorization.is_empty() {
                    config.push(("AuthorizationConfig".into(), Doc::Map(authorization)));
                }
                fields.push(("EFSVolumeConfiguration".into(), Doc::Map(config)));
            }
            Doc::Map(fields)
        })
        .collect();
    Some(Yaml::of(&Doc::List(items)))
}

/// `in_stack`: ARNs of resources in the same stack, by the intrinsic that stands for them.
fn role_context<'a>(
    role: &'a Role,
    pseudo: &PseudoParameters,
    in_stack: &HashMap<&str, Doc<'static>>,
) -> RoleContext<'a> {
    let arn = |arn: &'a String| {
        Yaml::of(
            &in_stack
                .get(arn.as_str())
                .cloned()
                .unwrap_or_else(|| pseudo.string(arn)),
        )
    };
    RoleContext {
        logical_id: &role.logical_id,
        name: Yaml::scalar(&role.name),
        path: Yaml::scalar(&role.path),
        description: Yaml::scalar(&role.description),
        max_session_duration: role.max_session_duration,
        trust_policy: Yaml::of(&pseudo.apply_policy(&role.trust_policy)),
        policies: role
            .inline_policies
            .iter()
            .map(|policy| InlinePolicyContext {
                name: Yaml::scalar(&policy.name),
                document: Yaml::of(&pseudo.apply_policy(&policy.document)),
            })
            .collect(),
        managed_policy_arns: role.managed_policy_arns.iter().map(arn).collect(),
        permissions_boundary: role.permissions_boundary.as_ref().map(arn),
        tags: role
            .tags
            .iter()
            .map(|(key, value)| TagContext {
                key: Yaml::scalar(key),
                value: Yaml::scalar(value),
            })
            .collect(),
    }
}

fn stack<'a>(
    model: &'a Model,
    account: &'a Account,
    header: &'a str,
    description: String,
) -> StackContext<'a> {
    StackContext {
        header,
        project: &model.project,
        account: AccountContext {
            name: &account.name,
            env: &account.env,
            region: &account.region,
        },
        description: Yaml::scalar(&description),
        policy: None,
        roles: Vec::new(),
        log_groups: Vec::new(),
        task_definitions: Vec::new(),
        outputs: Vec::new(),
    }
}

/// The stack's roles, and an output with each one's ARN after the outputs it has.
fn add_roles<'a>(
    model: &Model,
    context: &mut StackContext<'a>,
    roles: &[&'a Role],
    pseudo: &PseudoParameters,
    in_stack: &HashMap<&str, Doc<'static>>,
) {
    for role in roles {
        context.roles.push(role_context(role, pseudo, in_stack));
        context.outputs.push(output(
            model,
            names::arn_output(&role.logical_id),
            format!("ARN of role {}", role.name),
            &get_arn(&role.logical_id),
        ));
    }
}

/// The tasks stack holding the task roles and definitions at `chunk` (indices into the
/// account's tasks), and the execution roles (and the simulator) when `first`.
pub(super) fn tasks<'a>(
    model: &'a Model,
    account: &'a Account,
    chunk: &[usize],
    first: bool,
    pseudo: &PseudoParameters,
    header: &'a str,
) -> Result<StackContext<'a>, String> {
    let description = format!(
        "trustgen: ECS task roles, execution role and task definitions of project {} in account {} ({})",
        model.project, account.name, account.env
    );
    let mut context = stack(model, account, header, description);
    let roles: Vec<&Role> = chunk
        .iter()
        .filter_map(|&index| account.task_roles.get(index))
        .chain(
            account
                .execution_roles
                .iter()
                .chain(account.simulator_role.iter())
                .filter(|_| first),
        )
        .collect();
    add_roles(model, &mut context, &roles, pseudo, &HashMap::new());
    // Roles of this stack by GetAtt; any other (the execution role, from the first stack
    // of a split account) by its ARN.
    let in_stack: HashMap<&str, &str> = roles
        .iter()
        .map(|role| (role.arn.as_str(), role.logical_id.as_str()))
        .collect();
    let role_arn = |arn: &str| match in_stack.get(arn) {
        Some(id) => Yaml::of(&get_arn(id)),
        None => Yaml::of(&pseudo.string(arn)),
    };
    let mut outputs = Vec::new();
    for definition in chunk
        .iter()
        .filter_map(|&index| account.task_definitions.get(index))
    {
        if let Some(group) = &definition.log_group {
            context.log_groups.push(LogGroupContext {
                logical_id: &definition.log_group_logical_id,
                name: Yaml::scalar(&group.name),
                retention_in_days: group.retention_in_days,
            });
        }
        context.task_definitions.push(TaskDefinitionContext {
            logical_id: &definition.logical_id,
            family: Yaml::scalar(&definition.family),
            task_role_arn: role_arn(&definition.task_role_arn),
            execution_role_arn: role_arn(&definition.execution_role_arn),
            network_mode: Yaml::scalar(definition.network_mode),
            requires_compatibilities: definition
                .requires_compatibilities
                .iter()
                .map(|c| Yaml::scalar(c))
                .collect(),
            cpu: definition.cpu.as_deref().map(Yaml::scalar),
            memory: definition.memory.as_deref().map(Yaml::scalar),
            runtime_platform: runtime_platform(definition),
            ephemeral_storage: definition
                .ephemeral_storage_gib
                .map(|size| Yaml::of(&entry("SizeInGiB", Doc::int(size)))),
            pid_mode: definition.pid_mode.map(Yaml::scalar),
            ipc_mode: definition.ipc_mode.map(Yaml::scalar),
            volumes: volumes(&definition.volumes),
            containers: Yaml::of(&pseudo.apply_containers(&definition.containers)?),
        });
        outputs.push(output(
            model,
            names::arn_output(&definition.logical_id),
            format!("ARN of task definition {}", definition.family),
            &reference(&definition.logical_id),
        ));
    }
    context.outputs.extend(outputs);
    Ok(context)
}

/// The trust stack holding the destination roles at `chunk`.
pub(super) fn trust<'a>(
    model: &'a Model,
    account: &'a Account,
    chunk: &[usize],
    pseudo: &PseudoParameters,
    header: &'a str,
) -> StackContext<'a> {
    let description = format!(
        "trustgen: roles that ECS task roles assume (cross-account trust pairs) of project {} in account {} ({})",
        model.project, account.name, account.env
    );
    let mut context = stack(model, account, header, description);
    let roles: Vec<&Role> = chunk
        .iter()
        .filter_map(|&index| account.trusted_roles.get(index))
        .collect();
    add_roles(model, &mut context, &roles, pseudo, &HashMap::new());
    context
}

/// The developers stack: the developer policy and role.
pub(super) fn developers<'a>(
    model: &'a Model,
    account: &'a Account,
    pseudo: &PseudoParameters,
    header: &'a str,
) -> StackContext<'a> {
    let description = format!(
        "trustgen: developer access to the ECS task roles of project {} (account-independent: deployable to every dev account)",
        model.project
    );
    let mut context = stack(model, account, header, description);
    let mut in_stack = HashMap::new();
    if let Some(policy) = &account.developer_policy {
        in_stack.insert(policy.arn.as_str(), reference(&policy.logical_id));
        let names_of =
            |items: &[String]| -> Vec<Yaml> { items.iter().map(|s| Yaml::scalar(s)).collect() };
        context.policy = Some(DeveloperPolicyContext {
            logical_id: &policy.logical_id,
            name: Yaml::scalar(&policy.name),
            path: Yaml::scalar(&policy.path),
            description: Yaml::scalar(&policy.description),
            document: Yaml::of(&pseudo.apply_policy(&policy.document)),
            roles: names_of(&policy.attach_to_roles),
            groups: names_of(&policy.attach_to_groups),
            users: names_of(&policy.attach_to_users),
        });
        context.outputs.push(output(
            model,
            names::arn_output(&policy.logical_id),
            format!("ARN of managed policy {}", policy.name),
            &reference(&policy.logical_id),
        ));
    }
    let roles: Vec<&Role> = account.developer_role.iter().collect();
    add_roles(model, &mut context, &roles, pseudo, &in_stack);
    context
}

/// The IAM Identity Center stack: the permission sets and their assignments.
#[derive(Serialize)]
pub(super) struct IdentityCenterContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    pub account: AccountContext<'a>,
    pub description: Yaml,
    pub instance_arn: Yaml,
    pub permission_sets: Vec<PermissionSetContext<'a>>,
    pub outputs: Vec<OutputContext>,
}

#[derive(Serialize)]
pub(super) struct PermissionSetContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    pub description: Yaml,
    pub session_duration: Yaml,
    /// `!GetAtt <logical id>.PermissionSetArn`.
    pub arn: Yaml,
    pub managed_policy_arns: Vec<Yaml>,
    pub customer_managed_policy_references: Vec<PolicyReferenceContext>,
    pub assignments: Vec<AssignmentContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct PolicyReferenceContext {
    pub name: Yaml,
    pub path: Yaml,
}

#[derive(Serialize)]
pub(super) struct AssignmentContext<'a> {
    pub logical_id: &'a str,
    pub principal_type: Yaml,
    pub principal_id: Yaml,
    pub target_type: Yaml,
    pub target_id: Yaml,
}

pub(super) fn identity_center<'a>(
    model: &'a Model,
    account: &'a Account,
    center: &'a IdentityCenter,
    pseudo: &PseudoParameters,
    header: &'a str,
) -> IdentityCenterContext<'a> {
    let permission_sets = center
        .permission_sets
        .iter()
        .map(|set| {
            let arn = Doc::Intrinsic(Intrinsic::GetAtt(
                set.logical_id.clone(),
                "PermissionSetArn",
            ));
            PermissionSetContext {
                logical_id: &set.logical_id,
                name: Yaml::scalar(&set.name),
                description: Yaml::scalar(&set.description),
                session_duration: Yaml::scalar(&set.session_duration),
                arn: Yaml::of(&arn),
                managed_policy_arns: set
                    .managed_policy_arns
                    .iter()
                    .map(|arn| Yaml::of(&pseudo.string(arn)))
                    .collect(),
                customer_managed_policy_references: set
                    .developer_policy
                    .iter()
                    .map(|policy| PolicyReferenceContext {
                        name: Yaml::scalar(&policy.name),
                        path: Yaml::scalar(&policy.path),
                    })
                    .collect(),
                assignments: set
                    .assignments
                    .iter()
                    .map(|assignment| AssignmentContext {
                        logical_id: &assignment.logical_id,
                        principal_type: Yaml::scalar("GROUP"),
                        principal_id: Yaml::scalar(&assignment.group_id),
                        target_type: Yaml::scalar("AWS_ACCOUNT"),
                        target_id: Yaml::of(&pseudo.string(&assignment.account_id)),
                    })
                    .collect(),
            }
        })
        .collect();
    let outputs = center
        .permission_sets
        .iter()
        .map(|set| {
            output(
                model,
                names::arn_output(&set.logical_id),
                format!("ARN of permission set {}", set.name),
                &Doc::Intrinsic(Intrinsic::GetAtt(
                    set.logical_id.clone(),
                    "PermissionSetArn",
                )),
            )
        })
        .collect();
    IdentityCenterContext {
        header,
        project: &model.project,
        account: AccountContext {
            name: &account.name,
            env: &account.env,
            region: &center.region,
        },
        description: Yaml::scalar(&format!(
            "trustgen: IAM Identity Center permission sets of project {}'s developers, and their assignments in dev accounts",
            model.project
        )),
        instance_arn: Yaml::scalar(&center.instance_arn),
        permission_sets,
        outputs,
    }
}
