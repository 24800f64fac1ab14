//! What a Terraform template receives: the model's values as finished HCL expressions.
//! Strings are quoted (with `${` and `%{` escaped); references to resources the module
//! declares are expressions the renderer writes from the model's names; documents are
//! written once by the HCL emitter. A template only places them.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::names::{self, RootKind, IDENTITY_CENTER_PROVIDER};
use crate::model::policy::{PolicyDocument, Principal};
use crate::model::{Account, IdentityCenter, Model, Role, RoleKind, Root, S3Backend, Volume};
use crate::render::emit::doc::{self, texts, Doc, KeyCase};
use crate::render::emit::hcl;

/// Text already written as an HCL expression: one line, or (documents, long lists) lines
/// the template indents where it places them (`{{ x | indent(width=N) }}`).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(super) struct Hcl(String);

impl Hcl {
    fn of(value: &Doc) -> Self {
        Hcl(hcl::expression(value, 0))
    }

    fn quoted(text: &str) -> Self {
        Hcl(hcl::quote(text))
    }

    fn number(number: i64) -> Self {
        Hcl(number.to_string())
    }

    /// `<type>.<name>.<attribute>`: a reference to a resource of this module.
    fn reference(kind: &str, name: &str, attribute: &str) -> Self {
        Hcl(reference(kind, name, attribute))
    }
}

fn reference(kind: &str, name: &str, attribute: &str) -> String {
    format!("{kind}.{name}.{attribute}")
}

/// A list of strings, or nothing when it is empty (templates test for it).
fn list(items: &[String]) -> Option<Hcl> {
    (!items.is_empty()).then(|| Hcl::of(&texts(items)))
}

#[derive(Serialize)]
pub(super) struct AccountContext<'a> {
    pub name: &'a str,
    /// The single root's provider alias, an identifier: `provider = aws.<alias>`. Absent
    /// in a per-account root, whose one provider needs none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<&'a str>,
    /// The 12-digit id, as it is (digits need no quoting in a comment or a string).
    pub id: &'a str,
    pub region: Hcl,
    // Absent, not null: a template that prints it without asking is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy_role_arn: Option<Hcl>,
}

fn account_context(account: &Account, aliased: bool) -> AccountContext<'_> {
    AccountContext {
        name: &account.name,
        alias: aliased.then_some(account.alias.as_str()),
        id: &account.id,
        region: Hcl::quoted(&account.region),
        deploy_role_arn: account.deploy_role_arn.as_deref().map(Hcl::quoted),
    }
}

/// `versions.tf` and `providers.tf`.
#[derive(Serialize)]
pub(super) struct RootContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    /// The Terraform versions the root needs (an HCL string): newer with some backend
    /// settings.
    pub required_version: Hcl,
    /// Every account of the single root; the one account of a per-account root.
    pub accounts: Vec<AccountContext<'a>>,
    /// IAM Identity Center's provider: its account, in its region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_center: Option<AccountContext<'a>>,
}

/// The oldest Terraform that reads every setting the root holds: 1.5 for the resources,
/// 1.6 for the S3 backend's `assume_role` attribute, 1.10 for its `use_lockfile`.
fn required_version(backend: Option<&S3Backend>) -> Hcl {
    let version = match backend {
        Some(backend) if backend.use_lockfile => ">= 1.10.0",
        Some(backend) if backend.role_arn.is_some() => ">= 1.6.0",
        _ => ">= 1.5.0",
    };
    Hcl::quoted(version)
}

/// The single root's `versions.tf` and `providers.tf`: every account.
pub(super) fn root<'a>(model: &'a Model, header: &'a str) -> RootContext<'a> {
    let identity_center = model.identity_center.as_ref().and_then(|center| {
        let account = model.accounts.iter().find(|a| a.name == center.account)?;
        Some(AccountContext {
            name: &account.name,
            alias: Some(IDENTITY_CENTER_PROVIDER),
            id: &account.id,
            region: Hcl::quoted(&center.region),
            deploy_role_arn: account.deploy_role_arn.as_deref().map(Hcl::quoted),
        })
    });
    RootContext {
        header,
        project: &model.project,
        required_version: required_version(model.terraform.backend.as_ref()),
        accounts: model
            .accounts
            .iter()
            .map(|a| account_context(a, true))
            .collect(),
        identity_center,
    }
}

/// A per-account root's `versions.tf` and `providers.tf`: its one account, no alias; in
/// IAM Identity Center's root, that account in Identity Center's region.
pub(super) fn account_root<'a>(
    model: &'a Model,
    account: &'a Account,
    root: &Root,
    header: &'a str,
) -> RootContext<'a> {
    let mut context = account_context(account, false);
    context.region = Hcl::quoted(&root.region);
    RootContext {
        header,
        project: &model.project,
        required_version: required_version(model.terraform.backend.as_ref()),
        accounts: vec![context],
        identity_center: None,
    }
}

/// `backend.tf` and (partial) `s3.tfbackend` of a root.
#[derive(Serialize)]
pub(super) struct BackendContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    /// The root's name (`terraform`, `<account>`, `<account>-trust`): plain text.
    pub root: &'a str,
    pub backend: S3BackendContext,
}

#[derive(Serialize)]
pub(super) struct S3BackendContext {
    /// The settings are in `config_file`; the block stays empty.
    pub partial: bool,
    /// The partial settings' file name, in the root's directory: plain text.
    pub config_file: &'static str,
    pub bucket: Hcl,
    /// `<key_prefix>/<root>.tfstate`.
    pub key: Hcl,
    pub region: Hcl,
    pub use_lockfile: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamodb_table: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<Hcl>,
}

pub(super) fn backend<'a>(
    model: &'a Model,
    backend: &S3Backend,
    root: &'a Root,
    header: &'a str,
) -> BackendContext<'a> {
    BackendContext {
        header,
        project: &model.project,
        root: &root.name,
        backend: S3BackendContext {
            partial: backend.partial,
            config_file: names::TERRAFORM_BACKEND_CONFIG,
            bucket: Hcl::quoted(root.state_bucket.as_deref().unwrap_or(&backend.bucket)),
            key: Hcl::quoted(root.state_key.as_deref().unwrap_or_default()),
            region: Hcl::quoted(&backend.region),
            use_lockfile: backend.use_lockfile,
            dynamodb_table: backend.dynamodb_table.as_deref().map(Hcl::quoted),
            role_arn: root.state_role_arn.as_deref().map(Hcl::quoted),
        },
    }
}

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
}

#[derive(Serialize)]
pub(super) struct IdentityCenterContext<'a> {
    /// The single root's provider alias, an identifier: `provider = aws.<provider>`.
    /// Absent in its per-account root, whose one provider is Identity Center's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<&'static str>,
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
    /// References to the permission set: `aws_ssoadmin_permission_set.<resource>.…`.
    pub instance_arn: Hcl,
    pub arn: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_policy_arns: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_policy: Option<PolicyReferenceContext>,
    /// What an assignment waits for: the permission set's policy attachments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Hcl>,
    pub assignments: Vec<AssignmentContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct PolicyReferenceContext {
    pub name: Hcl,
    pub path: Hcl,
    /// The developer policy of every account the permission set is for, in the single
    /// root. Absent in a per-account root: those policies are other roots' (an earlier
    /// stage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct AssignmentContext<'a> {
    pub resource: &'a str,
    pub principal_type: Hcl,
    pub principal_id: Hcl,
    pub target_type: Hcl,
    pub target_id: Hcl,
}

fn identity_center_context<'a>(
    model: &'a Model,
    center: &'a IdentityCenter,
    single: bool,
) -> IdentityCenterContext<'a> {
    let permission_sets = center
        .permission_sets
        .iter()
        .map(|set| {
            let of_set = |attribute: &str| {
                Hcl::reference("aws_ssoadmin_permission_set", &set.terraform, attribute)
            };
            // The developer policies the reference needs, each in its account's file.
            let policies: Vec<Doc> = set
                .accounts
                .iter()
                .filter_map(|name| model.accounts.iter().find(|a| &a.name == name))
                .filter_map(|account| account.developer_policy.as_ref())
                .map(|policy| Doc::Reference(format!("aws_iam_policy.{}", policy.terraform)))
                .collect();
            let mut attachments = Vec::new();
            if !set.managed_policy_arns.is_empty() {
                attachments.push(Doc::Reference(format!(
                    "aws_ssoadmin_managed_policy_attachment.{}",
                    set.terraform
                )));
            }
            if set.developer_policy.is_some() {
                attachments.push(Doc::Reference(format!(
                    "aws_ssoadmin_customer_managed_policy_attachment.{}",
                    set.terraform
                )));
            }
            PermissionSetContext {
                resource: &set.terraform,
                name: Hcl::quoted(&set.name),
                description: Hcl::quoted(&set.description),
                session_duration: Hcl::quoted(&set.session_duration),
                instance_arn: of_set("instance_arn"),
                arn: of_set("arn"),
                managed_policy_arns: list(&set.managed_policy_arns),
                developer_policy: set.developer_policy.as_ref().map(|policy| {
                    PolicyReferenceContext {
                        name: Hcl::quoted(&policy.name),
                        path: Hcl::quoted(&policy.path),
                        depends_on: single.then(|| Hcl::of(&Doc::List(policies))),
                    }
                }),
                attachments: (!attachments.is_empty()).then(|| Hcl::of(&Doc::List(attachments))),
                assignments: set
                    .assignments
                    .iter()
                    .map(|assignment| AssignmentContext {
                        resource: &assignment.terraform,
                        principal_type: Hcl::quoted("GROUP"),
                        principal_id: Hcl::quoted(&assignment.group_id),
                        target_type: Hcl::quoted("AWS_ACCOUNT"),
                        target_id: Hcl::quoted(&assignment.account_id),
                    })
                    .collect(),
            }
        })
        .collect();
    IdentityCenterContext {
        provider: single.then_some(IDENTITY_CENTER_PROVIDER),
        instance_arn: Hcl::quoted(&center.instance_arn),
        permission_sets,
    }
}

#[derive(Serialize)]
pub(super) struct RoleContext<'a> {
    pub resource: &'a str,
    pub name: Hcl,
    pub path: Hcl,
    pub description: Hcl,
    pub max_session_duration: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<Hcl>,
    pub trust_policy: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Hcl>,
    pub policies: Vec<InlinePolicyContext<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_policy_arns: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_depends_on: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct InlinePolicyContext<'a> {
    pub resource: &'a str,
    pub name: Hcl,
    pub document: Hcl,
}

#[derive(Serialize)]
pub(super) struct DeveloperPolicyContext<'a> {
    pub resource: &'a str,
    pub name: Hcl,
    pub path: Hcl,
    pub description: Hcl,
    pub document: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct TaskDefinitionContext<'a> {
    pub resource: &'a str,
    pub family: Hcl,
    pub task_role_arn: Hcl,
    pub execution_role_arn: Hcl,
    pub network_mode: Hcl,
    pub requires_compatibilities: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc_mode: Option<Hcl>,
    pub containers: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_platform: Option<RuntimePlatformContext>,
    /// GiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<Hcl>,
    pub volumes: Vec<VolumeContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group: Option<LogGroupContext>,
}

/// `runtime_platform { … }`.
#[derive(Serialize)]
pub(super) struct RuntimePlatformContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_architecture: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_system_family: Option<Hcl>,
}

/// `volume { name = … }`, with `efs_volume_configuration { … }` for an EFS volume.
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
    pub transit_encryption_port: Option<Hcl>,
    /// `authorization_config { … }`, when it has an access point or IAM setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<EfsAuthorizationContext>,
}

#[derive(Serialize)]
pub(super) struct EfsAuthorizationContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_point_id: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam: Option<Hcl>,
}

#[derive(Serialize)]
pub(super) struct LogGroupContext {
    pub name: Hcl,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<Hcl>,
}

fn volume_context(volume: &Volume) -> VolumeContext {
    VolumeContext {
        name: Hcl::quoted(&volume.name),
        host_path: volume.host_source_path.as_deref().map(Hcl::quoted),
        efs: volume.efs.as_ref().map(|efs| EfsContext {
            file_system_id: Hcl::quoted(&efs.file_system_id),
            root_directory: efs.root_directory.as_deref().map(Hcl::quoted),
            transit_encryption: efs.transit_encryption.map(Hcl::quoted),
            transit_encryption_port: efs.transit_encryption_port.map(Hcl::number),
            authorization: (efs.access_point_id.is_some() || efs.iam.is_some()).then(|| {
                EfsAuthorizationContext {
                    access_point_id: efs.access_point_id.as_deref().map(Hcl::quoted),
                    iam: efs.iam.map(Hcl::quoted),
                }
            }),
        }),
    }
}

fn policy(document: &PolicyDocument) -> Doc<'_> {
    doc::from_policy(document, &doc::no_substitution)
}

/// A trust policy, with the `Principal.AWS` ARNs of task roles this root creates replaced
/// by references to them, so Terraform creates those roles first (IAM refuses a trust
/// policy naming a role that does not exist yet).
fn trust_policy<'a>(role: &'a Role, task_roles: &HashMap<&str, String>) -> Doc<'a> {
    let mut document = policy(&role.trust_policy);
    if role.kind != RoleKind::Trusted {
        return document;
    }
    let Doc::Map(entries) = &mut document else {
        return document;
    };
    let statements = entries.iter_mut().find(|(key, _)| key == "Statement");
    let Some((_, Doc::List(statements))) = statements else {
        return document;
    };
    for (statement, source) in statements.iter_mut().zip(&role.trust_policy.statements) {
        if !matches!(source.principal, Some(Principal::Aws(_))) {
            continue;
        }
        let Doc::Map(fields) = statement else {
            continue;
        };
        let Some((_, principal)) = fields.iter_mut().find(|(key, _)| key == "Principal") else {
            continue;
        };
        let Doc::Map(kinds) = principal else { continue };
        for (_, arns) in kinds.iter_mut() {
            let replace = |value: &mut Doc| {
                if let Some(address) = match value {
                    Doc::Text(arn) => task_roles.get(arn.as_ref()),
                    _ => None,
                } {
                    *value = Doc::Reference(address.clone());
                }
            };
            match arns {
                Doc::List(items) => items.iter_mut().for_each(replace),
                single => replace(single),
            }
        }
    }
    document
}

/// Task role ARN -> `aws_iam_role.<name>.arn`, across the whole root.
pub(super) fn task_role_references(model: &Model) -> HashMap<&str, String> {
    model
        .accounts
        .iter()
        .flat_map(|account| &account.task_roles)
        .map(|role| {
            (
                role.arn.as_str(),
                reference("aws_iam_role", &role.terraform, "arn"),
            )
        })
        .collect()
}

fn role_context<'a>(
    role: &'a Role,
    developer_policy: Option<(&str, &str)>,
    task_roles: &HashMap<&str, String>,
) -> RoleContext<'a> {
    // Attachments are keyed by literal ARNs (known at plan time); a policy this module
    // creates is ordered before its attachment explicitly.
    let depends_on = developer_policy
        .filter(|(arn, _)| role.managed_policy_arns.iter().any(|a| a == arn))
        .map(|(_, resource)| {
            Hcl::of(&Doc::List(vec![Doc::Reference(format!(
                "aws_iam_policy.{resource}"
            ))]))
        });
    RoleContext {
        resource: &role.terraform,
        name: Hcl::quoted(&role.name),
        path: Hcl::quoted(&role.path),
        description: Hcl::quoted(&role.description),
        max_session_duration: Hcl::number(role.max_session_duration),
        permissions_boundary: role.permissions_boundary.as_deref().map(Hcl::quoted),
        trust_policy: Hcl::of(&trust_policy(role, task_roles)),
        tags: (!role.tags.is_empty()).then(|| {
            Hcl::of(&Doc::Map(
                role.tags
                    .iter()
                    .map(|(key, value)| (key.as_str().into(), Doc::text(value.as_str())))
                    .collect(),
            ))
        }),
        policies: role
            .inline_policies
            .iter()
            .map(|inline| InlinePolicyContext {
                resource: &inline.terraform,
                name: Hcl::quoted(&inline.name),
                document: Hcl::of(&policy(&inline.document)),
            })
            .collect(),
        managed_policy_arns: list(&role.managed_policy_arns),
        attachment_depends_on: depends_on,
    }
}

pub(super) fn account_file<'a>(
    model: &'a Model,
    account: &'a Account,
    root: &'a Root,
    header: &'a str,
    task_roles: &HashMap<&str, String>,
) -> AccountFileContext<'a> {
    let single = root.kind == RootKind::Single;
    let account_resources = root.holds_account_resources();
    let developer_policy = account
        .developer_policy
        .as_ref()
        .filter(|_| account_resources)
        .map(|p| (p.arn.as_str(), p.terraform.as_str()));
    let roles_here: HashMap<&str, &str> = account
        .roles()
        .filter(|role| root.holds(&role.kind))
        .map(|role| (role.arn.as_str(), role.terraform.as_str()))
        .collect();
    let role_arn = |arn: &str| match roles_here.get(arn) {
        Some(name) => Hcl::reference("aws_iam_role", name, "arn"),
        None => Hcl::quoted(arn),
    };
    // References only to what this root declares: a per-account root names every role of
    // another root by its ARN (the lock file's stages order them).
    let no_references = HashMap::new();
    let task_roles = if single { task_roles } else { &no_references };
    AccountFileContext {
        header,
        project: &model.project,
        account: account_context(account, single),
        root: (!single).then_some(root.name.as_str()),
        after: (!single).then(|| model.terraform.after_dirs(root).collect()),
        roles: account
            .roles()
            .filter(|role| root.holds(&role.kind))
            .map(|role| role_context(role, developer_policy, task_roles))
            .collect(),
        developer_policy: account
            .developer_policy
            .as_ref()
            .filter(|_| account_resources)
            .map(|policy| DeveloperPolicyContext {
                resource: &policy.terraform,
                name: Hcl::quoted(&policy.name),
                path: Hcl::quoted(&policy.path),
                description: Hcl::quoted(&policy.description),
                document: Hcl::of(&self::policy(&policy.document)),
                roles: list(&policy.attach_to_roles),
                groups: list(&policy.attach_to_groups),
                users: list(&policy.attach_to_users),
            }),
        task_definitions: account
            .task_definitions
            .iter()
            .filter(|_| account_resources)
            .map(|definition| TaskDefinitionContext {
                resource: &definition.terraform,
                family: Hcl::quoted(&definition.family),
                task_role_arn: role_arn(&definition.task_role_arn),
                execution_role_arn: role_arn(&definition.execution_role_arn),
                network_mode: Hcl::quoted(definition.network_mode),
                requires_compatibilities: Hcl::of(&Doc::List(
                    definition
                        .requires_compatibilities
                        .iter()
                        .map(|c| Doc::text(*c))
                        .collect(),
                )),
                cpu: definition.cpu.as_deref().map(Hcl::quoted),
                memory: definition.memory.as_deref().map(Hcl::quoted),
                pid_mode: definition.pid_mode.map(Hcl::quoted),
                ipc_mode: definition.ipc_mode.map(Hcl::quoted),
                runtime_platform: definition.runtime_platform.as_ref().map(|platform| {
                    RuntimePlatformContext {
                        cpu_architecture: platform.cpu_architecture.map(Hcl::quoted),
                        operating_system_family: platform.operating_system_family.map(Hcl::quoted),
                    }
                }),
                ephemeral_storage: definition.ephemeral_storage_gib.map(Hcl::number),
                volumes: definition.volumes.iter().map(volume_context).collect(),
                containers: Hcl::of(&doc::from_containers(
                    &definition.containers,
                    KeyCase::Camel,
                    &doc::no_substitution,
                )),
                log_group: definition.log_group.as_ref().map(|group| LogGroupContext {
                    name: Hcl::quoted(&group.name),
                    retention_in_days: group.retention_in_days.map(Hcl::number),
                }),
            })
            .collect(),
        identity_center: model
            .identity_center
            .as_ref()
            .filter(|center| center.account == account.name && root.holds_identity_center())
            .map(|center| identity_center_context(model, center, single)),
    }
}
