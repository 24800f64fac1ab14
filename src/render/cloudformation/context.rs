//! What a CloudFormation template receives: the model's values as finished YAML. Names and
//! ids come from the model; own-account ARNs become `!Sub` with pseudo parameters;
//! documents (policies, container definitions) are `Placed`: the YAML emitter writes them
//! where the template puts them. Everything else is one line, and the template lays out
//! every block around them: properties, lists, volumes, outputs, descriptions.

use std::sync::Arc;

use serde::Serialize;

use super::pseudo::PseudoParameters;
use crate::collections::HashMap;
use crate::model::policy::PolicyDocument;
use crate::model::{
    names, Account, ContainerDefinition, IdentityCenter, Model, Role, TaskDefinition, Volume,
};
use crate::render::emit::doc::{Doc, Intrinsic};
use crate::render::emit::yaml;
use crate::render::place::{self, Documents, Placed};

/// Text already written as YAML, on one line.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(super) struct Yaml(String);

impl Yaml {
    pub(super) fn of(value: &Doc) -> Self {
        Yaml(yaml::text(value))
    }

    pub(super) fn scalar(text: &str) -> Self {
        Yaml(yaml::scalar(text))
    }
}

/// A document of a CloudFormation template, written when the template has placed it.
pub(super) enum Document<'a> {
    Policy(&'a PolicyDocument, &'a PseudoParameters),
    Containers(&'a [ContainerDefinition], &'a PseudoParameters),
}

impl place::Document for Document<'_> {
    fn write(&self, out: &mut String, indent: usize) -> Result<(), String> {
        match self {
            Document::Policy(document, pseudo) => pseudo.write_policy(document, out, indent),
            Document::Containers(containers, pseudo) => {
                pseudo.write_containers(containers, out, indent)?;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    fn write_tree(&self, out: &mut String, indent: usize) -> Option<Result<(), String>> {
        let document = match self {
            Document::Policy(document, pseudo) => pseudo.policy_tree(document),
            Document::Containers(containers, pseudo) => match pseudo.containers_tree(containers) {
                Ok(document) => document,
                Err(error) => return Some(Err(error)),
            },
        };
        crate::render::emit::tree::yaml::write_placed(out, &document, indent);
        Some(Ok(()))
    }
}

/// The documents of one template's rendering.
pub(super) type YamlDocuments<'a> = Documents<Document<'a>>;

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
    // Absent, not null: a template that prints it without asking is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<DeveloperPolicyContext<'a>>,
    pub roles: Vec<RoleContext<'a>>,
    pub log_groups: Vec<LogGroupContext<'a>>,
    pub task_definitions: Vec<TaskDefinitionContext<'a>>,
}

/// A resource's ARN output: `<logical id>Arn`, its value, and its export name when the
/// spec asks for exports.
#[derive(Serialize)]
pub(super) struct OutputContext {
    pub id: String,
    pub value: Yaml,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Yaml>,
}

#[derive(Serialize)]
pub(super) struct RoleContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    /// The name as plain text, for prose the template writes (and quotes) itself.
    pub name_text: &'a str,
    pub path: Yaml,
    pub description: Yaml,
    pub max_session_duration: i64,
    pub trust_policy: Placed,
    pub policies: Vec<InlinePolicyContext>,
    pub managed_policy_arns: Vec<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<Yaml>,
    pub tags: Vec<TagContext>,
    pub output: OutputContext,
}

#[derive(Serialize)]
pub(super) struct InlinePolicyContext {
    pub name: Yaml,
    pub document: Placed,
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
    /// The family as plain text, for prose the template writes (and quotes) itself.
    pub family_text: &'a str,
    pub task_role_arn: Yaml,
    pub execution_role_arn: Yaml,
    pub network_mode: Yaml,
    pub requires_compatibilities: Vec<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_platform: Option<RuntimePlatformContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage_gib: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc_mode: Option<Yaml>,
    pub volumes: Vec<VolumeContext>,
    pub containers: Placed,
    pub output: OutputContext,
}

#[derive(Serialize)]
pub(super) struct RuntimePlatformContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_architecture: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_system_family: Option<Yaml>,
}

/// A volume; the template spells CloudFormation's own property names
/// (`EFSVolumeConfiguration`, `FilesystemId`, `IAM`).
#[derive(Serialize)]
pub(super) struct VolumeContext {
    pub name: Yaml,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efs: Option<EfsContext>,
}

#[derive(Serialize)]
pub(super) struct EfsContext {
    pub file_system_id: Yaml,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_directory: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_encryption: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_encryption_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_point_id: Option<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam: Option<Yaml>,
}

#[derive(Serialize)]
pub(super) struct DeveloperPolicyContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    /// The name as plain text, for prose the template writes (and quotes) itself.
    pub name_text: &'a str,
    pub path: Yaml,
    pub description: Yaml,
    pub document: Placed,
    pub roles: Vec<Yaml>,
    pub groups: Vec<Yaml>,
    pub users: Vec<Yaml>,
    pub output: OutputContext,
}

fn get_arn(logical_id: &str) -> Doc<'static> {
    Doc::Intrinsic(Intrinsic::GetAtt(logical_id.to_string(), "Arn"))
}

fn reference(logical_id: &str) -> Doc<'static> {
    Doc::Intrinsic(Intrinsic::Ref(logical_id.to_string()))
}

/// A resource's ARN output; exported (for `Fn::ImportValue`) only when the spec asks,
/// because an import freezes the value: CloudFormation refuses to change an export
/// another stack imports.
fn output(model: &Model, logical_id: &str, value: &Doc) -> OutputContext {
    let id = names::arn_output(logical_id);
    let export = model.cloudformation_exports.then(|| {
        Yaml::of(&Doc::Intrinsic(Intrinsic::Sub(format!(
            "${{AWS::StackName}}-{id}"
        ))))
    });
    OutputContext {
        id,
        value: Yaml::of(value),
        export,
    }
}

fn volume_context(volume: &Volume) -> VolumeContext {
    VolumeContext {
        name: Yaml::scalar(&volume.name),
        host_path: volume.host_source_path.as_deref().map(Yaml::scalar),
        efs: volume.efs.as_ref().map(|efs| EfsContext {
            file_system_id: Yaml::scalar(&efs.file_system_id),
            root_directory: efs.root_directory.as_deref().map(Yaml::scalar),
            transit_encryption: efs.transit_encryption.map(Yaml::scalar),
            transit_encryption_port: efs.transit_encryption_port,
            access_point_id: efs.access_point_id.as_deref().map(Yaml::scalar),
            iam: efs.iam.map(Yaml::scalar),
        }),
    }
}

/// What a stack's contexts are built with.
pub(super) struct Stack<'a> {
    pub model: &'a Model,
    pub account: &'a Account,
    pub pseudo: &'a PseudoParameters,
    pub header: &'a str,
    pub documents: &'a YamlDocuments<'a>,
}

impl<'a> Stack<'a> {
    fn context(&self) -> StackContext<'a> {
        StackContext {
            header: self.header,
            project: &self.model.project,
            account: AccountContext {
                name: &self.account.name,
                env: &self.account.env,
                region: &self.account.region,
            },
            policy: None,
            roles: Vec::new(),
            log_groups: Vec::new(),
            task_definitions: Vec::new(),
        }
    }

    fn policy(&self, document: &'a PolicyDocument) -> Placed {
        self.documents
            .place(Document::Policy(document, self.pseudo))
    }

    /// A role's trust policy, written once per stack when roles share it.
    fn trust_policy(&self, document: &'a Arc<PolicyDocument>) -> Placed {
        if Arc::strong_count(document) == 1 {
            return self.policy(document);
        }
        let identity = Arc::as_ptr(document) as usize;
        self.documents
            .place_shared(Document::Policy(document, self.pseudo), identity)
    }

    /// An ARN: the intrinsic `in_stack` gives for it (a resource of this stack), else the
    /// literal, own-account ones with pseudo parameters.
    fn arn(&self, arn: &str, in_stack: &HashMap<&str, Doc<'static>>) -> Yaml {
        match in_stack.get(arn) {
            Some(intrinsic) => Yaml::of(intrinsic),
            None => Yaml::of(&self.pseudo.string(arn)),
        }
    }

    /// `in_stack`: ARNs of resources in the same stack, by the intrinsic that stands for them.
    fn role(&self, role: &'a Role, in_stack: &HashMap<&str, Doc<'static>>) -> RoleContext<'a> {
        RoleContext {
            logical_id: &role.logical_id,
            name: Yaml::scalar(&role.name),
            name_text: &role.name,
            path: Yaml::scalar(&role.path),
            description: Yaml::scalar(&role.description),
            max_session_duration: role.max_session_duration,
            trust_policy: self.trust_policy(&role.trust_policy),
            policies: role
                .inline_policies
                .iter()
                .map(|policy| InlinePolicyContext {
                    name: Yaml::scalar(&policy.name),
                    document: self.policy(&policy.document),
                })
                .collect(),
            managed_policy_arns: role
                .managed_policy_arns
                .iter()
                .map(|arn| self.arn(arn, in_stack))
                .collect(),
            permissions_boundary: role
                .permissions_boundary
                .as_deref()
                .map(|arn| self.arn(arn, in_stack)),
            tags: role
                .tags
                .iter()
                .map(|(key, value)| TagContext {
                    key: Yaml::scalar(key),
                    value: Yaml::scalar(value),
                })
                .collect(),
            output: output(self.model, &role.logical_id, &get_arn(&role.logical_id)),
        }
    }

    /// A task definition; `role_arn` writes its roles' ARNs.
    fn task_definition(
        &self,
        definition: &'a TaskDefinition,
        role_arn: &impl Fn(&str) -> Yaml,
    ) -> TaskDefinitionContext<'a> {
        TaskDefinitionContext {
            logical_id: &definition.logical_id,
            family: Yaml::scalar(&definition.family),
            family_text: &definition.family,
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
            runtime_platform: definition.runtime_platform.as_ref().map(|platform| {
                RuntimePlatformContext {
                    cpu_architecture: platform.cpu_architecture.map(Yaml::scalar),
                    operating_system_family: platform.operating_system_family.map(Yaml::scalar),
                }
            }),
            ephemeral_storage_gib: definition.ephemeral_storage_gib,
            pid_mode: definition.pid_mode.map(Yaml::scalar),
            ipc_mode: definition.ipc_mode.map(Yaml::scalar),
            volumes: definition.volumes.iter().map(volume_context).collect(),
            containers: self
                .documents
                .place(Document::Containers(&definition.containers, self.pseudo)),
            output: output(
                self.model,
                &definition.logical_id,
                &reference(&definition.logical_id),
            ),
        }
    }

    /// The tasks stack holding the task roles and definitions at `chunk` (indices into
    /// the account's tasks), and the execution roles (and the simulator) when `first`.
    pub(super) fn tasks(&self, chunk: &[usize], first: bool) -> StackContext<'a> {
        let account = self.account;
        let mut context = self.context();
        context.log_groups.reserve(chunk.len());
        context.task_definitions.reserve(chunk.len());
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
        let no_intrinsics = HashMap::default();
        context.roles = roles
            .iter()
            .map(|role| self.role(role, &no_intrinsics))
            .collect();
        // Roles of this stack by GetAtt; any other (the execution role, from the first
        // stack of a split account) by its ARN.
        let in_stack: HashMap<&str, &str> = roles
            .iter()
            .map(|role| (role.arn.as_str(), role.logical_id.as_str()))
            .collect();
        let role_arn = |arn: &str| match in_stack.get(arn) {
            Some(id) => Yaml::of(&get_arn(id)),
            None => Yaml::of(&self.pseudo.string(arn)),
        };
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
            context
                .task_definitions
                .push(self.task_definition(definition, &role_arn));
        }
        context
    }

    /// The trust stack holding the destination roles at `chunk`.
    pub(super) fn trust(&self, chunk: &[usize]) -> StackContext<'a> {
        let mut context = self.context();
        let no_intrinsics = HashMap::default();
        context.roles = chunk
            .iter()
            .filter_map(|&index| self.account.trusted_roles.get(index))
            .map(|role| self.role(role, &no_intrinsics))
            .collect();
        context
    }

    /// The developers stack: the developer policy and role.
    pub(super) fn developers(&self) -> StackContext<'a> {
        let mut context = self.context();
        let mut in_stack = HashMap::default();
        if let Some(policy) = &self.account.developer_policy {
            in_stack.insert(policy.arn.as_str(), reference(&policy.logical_id));
            let names_of =
                |items: &[String]| -> Vec<Yaml> { items.iter().map(|s| Yaml::scalar(s)).collect() };
            context.policy = Some(DeveloperPolicyContext {
                logical_id: &policy.logical_id,
                name: Yaml::scalar(&policy.name),
                name_text: &policy.name,
                path: Yaml::scalar(&policy.path),
                description: Yaml::scalar(&policy.description),
                document: self.policy(&policy.document),
                roles: names_of(&policy.attach_to_roles),
                groups: names_of(&policy.attach_to_groups),
                users: names_of(&policy.attach_to_users),
                output: output(
                    self.model,
                    &policy.logical_id,
                    &reference(&policy.logical_id),
                ),
            });
        }
        context.roles = self
            .account
            .developer_role
            .iter()
            .map(|role| self.role(role, &in_stack))
            .collect();
        context
    }
}

/// The IAM Identity Center stack: the permission sets and their assignments.
#[derive(Serialize)]
pub(super) struct IdentityCenterContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    pub account: AccountContext<'a>,
    pub instance_arn: Yaml,
    pub permission_sets: Vec<PermissionSetContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct PermissionSetContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    /// The name as plain text, for prose the template writes (and quotes) itself.
    pub name_text: &'a str,
    pub description: Yaml,
    pub session_duration: Yaml,
    /// `!GetAtt <logical id>.PermissionSetArn`.
    pub arn: Yaml,
    pub managed_policy_arns: Vec<Yaml>,
    pub customer_managed_policy_references: Vec<PolicyReferenceContext>,
    pub assignments: Vec<AssignmentContext<'a>>,
    pub output: OutputContext,
}

#[derive(Serialize)]
pub(super) struct PolicyReferenceContext {
    pub name: Yaml,
    pub path: Yaml,
}

#[derive(Serialize)]
pub(super) struct AssignmentContext<'a> {
    pub logical_id: &'a str,
    pub group_id: Yaml,
    pub account_id: Yaml,
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
                name_text: &set.name,
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
                        group_id: Yaml::scalar(&assignment.group_id),
                        account_id: Yaml::of(&pseudo.string(&assignment.account_id)),
                    })
                    .collect(),
                output: output(model, &set.logical_id, &arn),
            }
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
        instance_arn: Yaml::scalar(&center.instance_arn),
        permission_sets,
    }
}
