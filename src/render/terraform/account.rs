//! What `account.tf.tera` receives: one account's resources in one root (`<account>.tf`
//! of the single root, or a per-account root's `main.tf`), as finished one-line HCL
//! values and placed documents. The template writes every resource block, nested block,
//! list, reference and `depends_on` itself, from resource names the model computed; the
//! one reference inside a document (a trust policy naming a task role this root creates)
//! is spelled by the templates' own `tf.role_arn` component.

use std::sync::Arc;

use serde::Serialize;

use super::context::{account_context, AccountContext, Hcl};
use super::Templates;
use crate::collections::HashMap;
use crate::model::names::{RootKind, IDENTITY_CENTER_PROVIDER};
use crate::model::policy::{PolicyDocument, Principal};
use crate::model::{
    Account, ContainerDefinition, IdentityCenter, Model, Role, RoleKind, Root, TaskDefinition,
    Volume,
};
use crate::render::emit::hcl_writer::HclWriter;
use crate::render::emit::policy;
use crate::render::emit::serialize::{self, KeyCase};
use crate::render::place::{self, Documents, Placed};

/// A document of a Terraform file, written when the template has placed it.
pub(super) enum Document<'a> {
    Policy(&'a PolicyDocument),
    /// A trust policy whose `Principal.AWS` ARNs of roles this root creates are written as
    /// these references (ARN, reference), so Terraform creates those roles first: IAM
    /// refuses a trust policy naming a role that does not exist yet.
    Trust(&'a PolicyDocument, Vec<(&'a str, String)>),
    Containers(&'a [ContainerDefinition]),
}

impl place::Document for Document<'_> {
    fn write(&self, out: &mut String, indent: usize) -> Result<(), String> {
        let mut writer = HclWriter::new(out, indent);
        match self {
            Document::Policy(document) => policy::write(document, &[], &mut writer),
            Document::Trust(document, references) => {
                policy::write(document, references, &mut writer);
            }
            Document::Containers(containers) => {
                serialize::write(*containers, KeyCase::Camel, &mut writer)
                    .map_err(|error| format!("cannot write the container definitions: {error}"))?;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    fn write_tree(&self, out: &mut String, indent: usize) -> Option<Result<(), String>> {
        use crate::render::emit::tree;
        let document = match self {
            Document::Policy(document) => tree::from_policy(document, &tree::no_substitution),
            Document::Trust(document, references) => tree::trust_policy(document, references),
            Document::Containers(containers) => {
                match tree::serialize::to_tree(*containers, KeyCase::Camel, &tree::no_substitution)
                {
                    Ok(document) => document,
                    Err(error) => return Some(Err(error.to_string())),
                }
            }
        };
        tree::hcl::write_value(out, &document, indent);
        Some(Ok(()))
    }
}

/// The documents of one file's rendering.
pub(super) type HclDocuments<'a> = Documents<Document<'a>>;

/// `<account>.tf` of the single root, or a per-account root's `main.tf`.
#[derive(Serialize)]
pub(super) struct AccountFileContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    pub account: AccountContext<'a>,
    /// A per-account root's name (`<account>` or `<account>-trust`); absent in the single
    /// root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<&'a str>,
    /// A per-account root: the directories of the roots it must be applied after (plain
    /// text; empty when it waits for none). Absent in the single root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Vec<&'a str>>,
    pub roles: Vec<RoleContext<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_policy: Option<DeveloperPolicyContext<'a>>,
    pub task_definitions: Vec<TaskDefinitionContext<'a>>,
    /// In the file of the account that administers IAM Identity Center.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_center: Option<IdentityCenterContext<'a>>,
    /// In the file (or root) of the account that holds the `[bootstrap]` StackSet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<super::bootstrap::BootstrapContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct RoleContext<'a> {
    /// The resource name, an identifier.
    pub resource: &'a str,
    pub name: Hcl,
    pub path: Hcl,
    pub description: Hcl,
    pub max_session_duration: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<Hcl>,
    pub trust_policy: Placed,
    pub tags: Vec<TagContext>,
    pub policies: Vec<InlinePolicyContext<'a>>,
    pub managed_policy_arns: Vec<Hcl>,
    /// Whether one of them is the developer policy this root creates: attachments are
    /// keyed by literal ARNs (known at plan time), so the template orders the policy
    /// first with `depends_on`.
    pub attaches_developer_policy: bool,
}

#[derive(Serialize)]
pub(super) struct TagContext {
    /// An object key: bare or quoted.
    pub key: Hcl,
    pub value: Hcl,
}

#[derive(Serialize)]
pub(super) struct InlinePolicyContext<'a> {
    pub resource: &'a str,
    pub name: Hcl,
    pub document: Placed,
}

#[derive(Serialize)]
pub(super) struct DeveloperPolicyContext<'a> {
    pub resource: &'a str,
    pub name: Hcl,
    pub path: Hcl,
    pub description: Hcl,
    pub document: Placed,
    pub roles: Vec<Hcl>,
    pub groups: Vec<Hcl>,
    pub users: Vec<Hcl>,
}

/// A role a task definition runs as: `resource` when this root declares it, else `arn`.
#[derive(Serialize)]
pub(super) struct RoleReference<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct TaskDefinitionContext<'a> {
    pub resource: &'a str,
    pub family: Hcl,
    pub task_role: RoleReference<'a>,
    pub execution_role: RoleReference<'a>,
    pub network_mode: Hcl,
    pub requires_compatibilities: Vec<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc_mode: Option<Hcl>,
    pub containers: Placed,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_platform: Option<RuntimePlatformContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage_gib: Option<i64>,
    pub volumes: Vec<VolumeContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group: Option<LogGroupContext>,
}

#[derive(Serialize)]
pub(super) struct RuntimePlatformContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_architecture: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_system_family: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct VolumeContext {
    pub name: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efs: Option<EfsContext>,
}

#[derive(Serialize)]
pub(super) struct EfsContext {
    pub file_system_id: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_directory: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_encryption: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_encryption_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_point_id: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct LogGroupContext {
    pub name: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i64>,
}

#[derive(Serialize)]
pub(super) struct IdentityCenterContext<'a> {
    /// The single root's provider alias for Identity Center; absent in its per-account
    /// root, whose one provider is Identity Center's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<&'static str>,
    pub instance_arn: Hcl,
    pub permission_sets: Vec<PermissionSetContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct PermissionSetContext<'a> {
    /// The name of its `aws_ssoadmin_*` resources, an identifier.
    pub resource: &'a str,
    pub name: Hcl,
    pub description: Hcl,
    pub session_duration: Hcl,
    pub managed_policy_arns: Vec<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_policy: Option<PolicyReferenceContext<'a>>,
    pub assignments: Vec<AssignmentContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct PolicyReferenceContext<'a> {
    pub name: Hcl,
    pub path: Hcl,
    /// The single root: the resource names of the developer policies of every account the
    /// permission set is for (the reference fails until they exist). Absent in a
    /// per-account root: those policies are other roots' (an earlier stage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depends_on_policies: Option<Vec<&'a str>>,
}

#[derive(Serialize)]
pub(super) struct AssignmentContext<'a> {
    pub resource: &'a str,
    pub group_id: Hcl,
    pub account_id: Hcl,
}

/// What an account's file is built with.
pub(super) struct AccountFile<'a> {
    pub model: &'a Model,
    pub account: &'a Account,
    pub root: &'a Root,
    pub header: &'a str,
    /// Task role ARN -> resource name, across the whole model (`Shared`).
    pub task_roles: &'a HashMap<&'a str, &'a str>,
    pub templates: &'a Templates,
    pub documents: &'a HclDocuments<'a>,
}

impl<'a> AccountFile<'a> {
    pub(super) fn context(&self) -> Result<AccountFileContext<'a>, String> {
        let (model, account, root) = (self.model, self.account, self.root);
        let single = root.kind == RootKind::Single;
        let developer_policy = account
            .developer_policy
            .as_ref()
            .filter(|_| root.holds_account_resources());
        let roles = account
            .roles()
            .filter(|role| root.holds(&role.kind))
            .map(|role| self.role(role, developer_policy.map(|p| p.arn.as_str())))
            .collect::<Result<_, String>>()?;
        let roles_here: HashMap<&str, &str> = account
            .roles()
            .filter(|role| root.holds(&role.kind))
            .map(|role| (role.arn.as_str(), role.terraform.as_str()))
            .collect();
        let role_reference = |arn: &str| match roles_here.get(arn) {
            Some(&resource) => RoleReference {
                resource: Some(resource),
                arn: None,
            },
            None => RoleReference {
                resource: None,
                arn: Some(Hcl::quoted(arn)),
            },
        };
        Ok(AccountFileContext {
            header: self.header,
            project: &model.project,
            account: account_context(account, single),
            root: (!single).then_some(root.name.as_str()),
            after: (!single).then(|| model.terraform.after_dirs(root).collect()),
            roles,
            developer_policy: developer_policy.map(|policy| DeveloperPolicyContext {
                resource: &policy.terraform,
                name: Hcl::quoted(&policy.name),
                path: Hcl::quoted(&policy.path),
                description: Hcl::quoted(&policy.description),
                document: self.documents.place(Document::Policy(&policy.document)),
                roles: Hcl::quoted_all(&policy.attach_to_roles),
                groups: Hcl::quoted_all(&policy.attach_to_groups),
                users: Hcl::quoted_all(&policy.attach_to_users),
            }),
            task_definitions: account
                .task_definitions
                .iter()
                .filter(|_| root.holds_account_resources())
                .map(|definition| self.task_definition(definition, &role_reference))
                .collect(),
            identity_center: model
                .identity_center
                .as_ref()
                .filter(|center| center.account == account.name && root.holds_identity_center())
                .map(|center| identity_center(model, center, single)),
            bootstrap: model
                .bootstrap
                .as_ref()
                .filter(|b| b.account == account.name && root.holds_bootstrap())
                .map(super::bootstrap::context),
        })
    }

    /// References only to what this root declares: in the single root, a `[roles.*]`
    /// role's trust names the task roles it trusts by reference; a per-account root names
    /// every role of another root by its ARN (the lock file's stages order them).
    fn trust_policy(&self, role: &'a Role) -> Result<Placed, String> {
        if role.kind != RoleKind::Trusted || self.root.kind != RootKind::Single {
            let document = Document::Policy(&role.trust_policy);
            // Written once per file when roles share it (every task role does).
            if Arc::strong_count(&role.trust_policy) == 1 {
                return Ok(self.documents.place(document));
            }
            let identity = Arc::as_ptr(&role.trust_policy) as usize;
            return Ok(self.documents.place_shared(document, identity));
        }
        let mut references = Vec::new();
        for statement in &role.trust_policy.statements {
            let Some(Principal::Aws(arns)) = &statement.principal else {
                continue;
            };
            for arn in arns {
                if let Some(resource) = self.task_roles.get(arn.as_str()) {
                    let role = RoleReference {
                        resource: Some(resource),
                        arn: None,
                    };
                    #[derive(Serialize)]
                    struct Arguments<'r> {
                        role: RoleReference<'r>,
                    }
                    let reference = self
                        .templates
                        .component("tf.role_arn", &Arguments { role })?;
                    references.push((arn.as_str(), reference));
                }
            }
        }
        Ok(self
            .documents
            .place(Document::Trust(&role.trust_policy, references)))
    }

    fn role(
        &self,
        role: &'a Role,
        developer_policy_arn: Option<&str>,
    ) -> Result<RoleContext<'a>, String> {
        Ok(RoleContext {
            resource: &role.terraform,
            name: Hcl::quoted(&role.name),
            path: Hcl::quoted(&role.path),
            description: Hcl::quoted(&role.description),
            max_session_duration: role.max_session_duration,
            permissions_boundary: role.permissions_boundary.as_deref().map(Hcl::quoted),
            trust_policy: self.trust_policy(role)?,
            tags: role
                .tags
                .iter()
                .map(|(key, value)| TagContext {
                    key: Hcl::key(key),
                    value: Hcl::quoted(value),
                })
                .collect(),
            policies: role
                .inline_policies
                .iter()
                .map(|inline| InlinePolicyContext {
                    resource: &inline.terraform,
                    name: Hcl::quoted(&inline.name),
                    document: self.documents.place(Document::Policy(&inline.document)),
                })
                .collect(),
            managed_policy_arns: Hcl::quoted_all(&role.managed_policy_arns),
            attaches_developer_policy: developer_policy_arn
                .is_some_and(|arn| role.managed_policy_arns.iter().any(|a| a == arn)),
        })
    }

    fn task_definition(
        &self,
        definition: &'a TaskDefinition,
        role_reference: &impl Fn(&str) -> RoleReference<'a>,
    ) -> TaskDefinitionContext<'a> {
        TaskDefinitionContext {
            resource: &definition.terraform,
            family: Hcl::quoted(&definition.family),
            task_role: role_reference(&definition.task_role_arn),
            execution_role: role_reference(&definition.execution_role_arn),
            network_mode: Hcl::quoted(definition.network_mode),
            requires_compatibilities: definition
                .requires_compatibilities
                .iter()
                .map(|c| Hcl::quoted(c))
                .collect(),
            cpu: definition.cpu.as_deref().map(Hcl::quoted),
            memory: definition.memory.as_deref().map(Hcl::quoted),
            pid_mode: definition.pid_mode.map(Hcl::quoted),
            ipc_mode: definition.ipc_mode.map(Hcl::quoted),
            containers: self
                .documents
                .place(Document::Containers(&definition.containers)),
            runtime_platform: definition.runtime_platform.as_ref().map(|platform| {
                RuntimePlatformContext {
                    cpu_architecture: platform.cpu_architecture.map(Hcl::quoted),
                    operating_system_family: platform.operating_system_family.map(Hcl::quoted),
                }
            }),
            ephemeral_storage_gib: definition.ephemeral_storage_gib,
            volumes: definition.volumes.iter().map(volume_context).collect(),
            log_group: definition.log_group.as_ref().map(|group| LogGroupContext {
                name: Hcl::quoted(&group.name),
                retention_in_days: group.retention_in_days,
            }),
        }
    }
}

fn volume_context(volume: &Volume) -> VolumeContext {
    VolumeContext {
        name: Hcl::quoted(&volume.name),
        host_path: volume.host_source_path.as_deref().map(Hcl::quoted),
        efs: volume.efs.as_ref().map(|efs| EfsContext {
            file_system_id: Hcl::quoted(&efs.file_system_id),
            root_directory: efs.root_directory.as_deref().map(Hcl::quoted),
            transit_encryption: efs.transit_encryption.map(Hcl::quoted),
            transit_encryption_port: efs.transit_encryption_port,
            access_point_id: efs.access_point_id.as_deref().map(Hcl::quoted),
            iam: efs.iam.map(Hcl::quoted),
        }),
    }
}

fn identity_center<'a>(
    model: &'a Model,
    center: &'a IdentityCenter,
    single: bool,
) -> IdentityCenterContext<'a> {
    let permission_sets = center
        .permission_sets
        .iter()
        .map(|set| {
            // The developer policies the reference needs, each in its account's file.
            let policies: Vec<&str> = set
                .accounts
                .iter()
                .filter_map(|name| model.accounts.iter().find(|a| &a.name == name))
                .filter_map(|account| account.developer_policy.as_ref())
                .map(|policy| policy.terraform.as_str())
                .collect();
            PermissionSetContext {
                resource: &set.terraform,
                name: Hcl::quoted(&set.name),
                description: Hcl::quoted(&set.description),
                session_duration: Hcl::quoted(&set.session_duration),
                managed_policy_arns: Hcl::quoted_all(&set.managed_policy_arns),
                developer_policy: set.developer_policy.as_ref().map(|policy| {
                    PolicyReferenceContext {
                        name: Hcl::quoted(&policy.name),
                        path: Hcl::quoted(&policy.path),
                        depends_on_policies: single.then_some(policies),
                    }
                }),
                assignments: set
                    .assignments
                    .iter()
                    .map(|assignment| AssignmentContext {
                        resource: &assignment.terraform,
                        group_id: Hcl::quoted(&assignment.group_id),
                        account_id: Hcl::quoted(&assignment.account_id),
                    })
                    .collect(),
            }
        })
        .collect();
    IdentityCenterContext {
        alias: single.then_some(IDENTITY_CENTER_PROVIDER),
        instance_arn: Hcl::quoted(&center.instance_arn),
        permission_sets,
    }
}
