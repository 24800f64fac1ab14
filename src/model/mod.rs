//! The resolved model: every role with its final ARN, trust policy, permissions and tags,
//! every developer policy and task definition. Built once from a validated spec; both
//! backends render it, so they cannot disagree about who may do what.

mod arn;
mod bootstrap;
mod build;
mod developers;
pub(crate) mod ecs_exec;
mod efs;
pub(crate) mod identifiers;
mod identity_center;
pub(crate) mod limits;
pub(crate) mod names;
mod pairs;
mod pattern;
pub(crate) mod policy;
mod profiles;
mod reach;
pub(crate) mod secrets;
pub(crate) mod service_reference;
mod simulate;
mod tasks;
mod terraform;
pub(crate) mod vocabulary;

pub(crate) use arn::Arn;
pub use arn::PartitionExt;
pub(crate) use arn::{reserved_role_permission_set, RESERVED_SSO_PATH, RESERVED_SSO_PREFIX};
pub(crate) use bootstrap::{AccountFilter, Bootstrap, OperationPreferences, Target};
pub(crate) use build::{build, dev_access_for};
pub(crate) use developers::DENY_DEV_TAGGING_SID;
pub(crate) use efs::sid as efs_sid;
pub(crate) use pattern::{
    has_wildcard, pattern_covers, pattern_matches, pattern_matches_ignoring_case,
    patterns_intersect,
};
pub(crate) use profiles::{profiles, sso_profiles, Profile, ProfileKind};
pub(crate) use reach::{developer_reach, is_developer_entry, Hop, Reach};
pub(crate) use simulate::same_grant;
pub(crate) use tasks::{
    family as task_family, generated_sids, role_name as task_role_name, ASSUME_ROLES_SID,
};
pub(crate) use terraform::{for_account, ACCOUNT_ID_PATTERN};
pub(crate) use terraform::{Root, S3Backend, Terraform};

use crate::collections::IndexMap;
use serde::Serialize;
use std::sync::Arc;

use crate::spec::{DevMode, Format, Partition};
use policy::PolicyDocument;

#[derive(Debug, Clone)]
pub struct Model {
    pub project: String,
    pub partition: Partition,
    /// `[project] cloudformation_exports`: CloudFormation outputs carry an `Export`.
    pub cloudformation_exports: bool,
    /// `[project] formats`: the backends `gen` writes unless `--format` says otherwise.
    pub formats: Vec<Format>,
    /// Accounts that own at least one generated resource, in spec order. Shared, so that
    /// rendering can let go of each account as soon as its files are written.
    pub accounts: Vec<Arc<Account>>,
    /// IAM Identity Center's permission sets, deployed in its account (which is then one
    /// of `accounts`).
    pub identity_center: Option<IdentityCenter>,
    /// `[bootstrap]`: the StackSet that gives every account of some organisational units
    /// the dev-account baseline (its account is then one of `accounts`).
    pub bootstrap: Option<Bootstrap>,
    /// The Terraform layout: its roots, their state keys and the order they apply in.
    pub terraform: Terraform,
}

#[derive(Debug, Clone)]
pub struct Account {
    /// The account's name in the spec.
    pub name: String,
    /// Its Terraform provider alias (`names::provider_alias`).
    pub alias: String,
    pub id: String,
    pub region: String,
    pub env: String,
    pub deploy_role_arn: Option<String>,
    /// `Extended`, `Tagged` or `Simulate` where developers have access, else `None`.
    pub dev_access: DevMode,
    pub task_roles: Vec<Role>,
    /// Usually one; more only when one role's inline policy could not name every secret
    /// the account's containers read (IAM's 10,240-character limit).
    pub execution_roles: Vec<Role>,
    pub task_definitions: Vec<TaskDefinition>,
    /// Simulate mode: the base role developers assume with a task's session policies.
    pub simulator_role: Option<Role>,
    /// Simulate mode: one per task, in spec order.
    pub session_policies: Vec<SessionPolicy>,
    pub developer_policy: Option<ManagedPolicy>,
    pub developer_role: Option<Role>,
    /// Roles that ECS task roles (of any account) assume: cross-account trust pairs.
    pub trusted_roles: Vec<Role>,
}

impl Model {
    /// The project and each account's identity, without anything the accounts generate:
    /// what the manifest and the Terraform providers need, cheap to keep while rendering
    /// lets go of the accounts one by one.
    pub fn skeleton(&self) -> Model {
        Model {
            project: self.project.clone(),
            partition: self.partition,
            cloudformation_exports: self.cloudformation_exports,
            formats: self.formats.clone(),
            accounts: self
                .accounts
                .iter()
                .map(|account| {
                    Arc::new(Account {
                        name: account.name.clone(),
                        alias: account.alias.clone(),
                        id: account.id.clone(),
                        region: account.region.clone(),
                        env: account.env.clone(),
                        deploy_role_arn: account.deploy_role_arn.clone(),
                        dev_access: account.dev_access,
                        task_roles: Vec::new(),
                        execution_roles: Vec::new(),
                        task_definitions: Vec::new(),
                        simulator_role: None,
                        session_policies: Vec::new(),
                        developer_policy: None,
                        developer_role: None,
                        trusted_roles: Vec::new(),
                    })
                })
                .collect(),
            identity_center: self.identity_center.clone(),
            bootstrap: self.bootstrap.clone(),
            terraform: self.terraform.clone(),
        }
    }
}

impl Account {
    pub fn has_tasks_stack(&self) -> bool {
        !self.task_roles.is_empty() || !self.execution_roles.is_empty()
    }

    pub fn has_developers_stack(&self) -> bool {
        self.developer_policy.is_some() || self.developer_role.is_some()
    }

    pub fn has_trust_stack(&self) -> bool {
        !self.trusted_roles.is_empty()
    }

    /// Every role the account's stacks create, tasks stack first.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.task_roles
            .iter()
            .chain(self.execution_roles.iter())
            .chain(self.simulator_role.iter())
            .chain(self.developer_role.iter())
            .chain(self.trusted_roles.iter())
    }
}

/// `[identity_center]`: the permission sets developers sign in with.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityCenter {
    /// The account (spec name) that administers it: its stack and Terraform file hold
    /// the permission sets and assignments.
    pub account: String,
    pub account_id: String,
    /// The Identity Center region: where its resources are deployed, and the region
    /// segment of its reserved roles' path.
    pub region: String,
    pub instance_arn: String,
    pub start_url: Option<String>,
    pub permission_sets: Vec<PermissionSet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PermissionSet {
    pub name: String,
    /// CloudFormation logical id, and the Terraform name of its `aws_ssoadmin_*` resources.
    pub logical_id: String,
    pub terraform: String,
    pub description: String,
    /// ISO 8601, PT1H..PT12H.
    pub session_duration: String,
    pub managed_policy_arns: Vec<String>,
    /// The developer policy by name and path, as every account of `accounts` has it.
    pub developer_policy: Option<PolicyReference>,
    /// The dev-access accounts (spec names) it is for: its assignments and SSO profiles.
    pub accounts: Vec<String>,
    pub assignments: Vec<Assignment>,
}

/// A customer managed policy as a permission set names it: the same name and path in
/// every account the permission set is provisioned to.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyReference {
    pub name: String,
    pub path: String,
}

/// A group assigned a permission set in an account.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub account: String,
    pub account_id: String,
    pub group_id: String,
    pub logical_id: String,
    pub terraform: String,
}

/// What a role is for; renderers derive resource identifiers from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum RoleKind {
    /// The task role of the named task.
    Task(String),
    /// Execution role shard, numbered from 1.
    Execution(usize),
    Developer,
    /// Simulate mode's base role.
    Simulator,
    /// A `[roles.NAME]` role that the listed tasks' roles assume.
    Trusted,
}

#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub kind: RoleKind,
    pub name: String,
    /// CloudFormation logical id and Terraform resource name (`names`).
    pub logical_id: String,
    pub terraform: String,
    pub path: String,
    pub arn: String,
    pub description: String,
    /// Shared where roles trust alike: every task role of an account has the same trust.
    pub trust_policy: Arc<PolicyDocument>,
    pub inline_policies: Vec<InlinePolicy>,
    pub managed_policy_arns: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub max_session_duration: i64,
    pub tags: IndexMap<String, String>,
}

/// What narrows a simulator session to one task: `aws sts assume-role --policy` and
/// `--policy-arns`.
#[derive(Debug, Clone, Serialize)]
pub struct SessionPolicy {
    pub task: String,
    /// The task's inline statements; `None` when its managed policies say it all.
    pub document: Option<PolicyDocument>,
    pub managed_policy_arns: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InlinePolicy {
    pub name: String,
    /// Terraform resource name (`aws_iam_role_policy.<this>`).
    pub terraform: String,
    pub document: PolicyDocument,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManagedPolicy {
    pub name: String,
    /// CloudFormation logical id and Terraform resource name (`names`).
    pub logical_id: String,
    pub terraform: String,
    pub path: String,
    pub arn: String,
    pub description: String,
    pub document: PolicyDocument,
    /// Existing principals (by name) the policy is attached to.
    pub attach_to_roles: Vec<String>,
    pub attach_to_groups: Vec<String>,
    pub attach_to_users: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskDefinition {
    /// The task's name in the spec.
    pub task: String,
    /// CloudFormation logical ids of the definition and its log group, and the Terraform
    /// resource name of both (`names`).
    pub logical_id: String,
    pub log_group_logical_id: String,
    pub terraform: String,
    pub family: String,
    pub task_role_arn: String,
    pub execution_role_arn: String,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub network_mode: &'static str,
    pub requires_compatibilities: Vec<&'static str>,
    pub runtime_platform: Option<RuntimePlatform>,
    /// Fargate's ephemeral storage, GiB.
    pub ephemeral_storage_gib: Option<i64>,
    pub pid_mode: Option<&'static str>,
    pub ipc_mode: Option<&'static str>,
    pub volumes: Vec<Volume>,
    pub containers: Vec<ContainerDefinition>,
    pub log_group: Option<LogGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuntimePlatform {
    pub cpu_architecture: Option<&'static str>,
    pub operating_system_family: Option<&'static str>,
}

/// A task volume: a bind mount when `efs` is `None` (of an instance directory on EC2 when
/// `host_source_path` is set).
#[derive(Debug, Clone, Serialize)]
pub struct Volume {
    pub name: String,
    pub host_source_path: Option<String>,
    pub efs: Option<EfsVolume>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EfsVolume {
    pub file_system_id: String,
    pub root_directory: Option<String>,
    pub transit_encryption: Option<&'static str>,
    pub transit_encryption_port: Option<i64>,
    pub access_point_id: Option<String>,
    pub iam: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogGroup {
    pub name: String,
    pub retention_in_days: Option<i64>,
}

/// One container, in the ECS API's own (camelCase) shape. This serde derive is the one
/// description of the container definition: both backends write what it serializes
/// (`render::emit::serialize`; CloudFormation with the names' first letter capitalised).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    pub essential: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry_point: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub port_mappings: Vec<PortMapping>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environment: Vec<NameValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environment_files: Vec<EnvironmentFile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mount_points: Vec<MountPoint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes_from: Vec<VolumeFrom>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<ContainerDependency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<Box<HealthCheck>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readonly_root_filesystem: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_timeout: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ulimits: Vec<Ulimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linux_parameters: Option<Box<LinuxParameters>>,
    /// User keys: they keep their spelling in both backends.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub docker_labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_credentials: Option<RepositoryCredentials>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firelens_configuration: Option<Box<FirelensConfiguration>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_configuration: Option<LogConfiguration>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i64>,
    pub protocol: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    pub name: String,
    pub value_from: String,
}

/// An S3 object holding `NAME=value` lines.
#[derive(Debug, Clone, Serialize)]
pub struct EnvironmentFile {
    pub value: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeFrom {
    pub source_container: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDependency {
    pub container_name: String,
    pub condition: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    pub command: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_period: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ulimit {
    pub name: &'static str,
    pub soft_limit: i64,
    pub hard_limit: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinuxParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<KernelCapabilities>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_process_enabled: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KernelCapabilities {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryCredentials {
    pub credentials_parameter: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirelensConfiguration {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// User keys: they keep their spelling in both backends.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub options: IndexMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogConfiguration {
    pub log_driver: &'static str,
    /// The driver's options in their order, written as a map. Keys of trustgen's own:
    /// pairs, not a hash map (a map per container was a tenth of a large model).
    #[serde(serialize_with = "pairs_as_map")]
    pub options: Vec<(&'static str, String)>,
}

fn pairs_as_map<S: serde::Serializer>(
    pairs: &[(&'static str, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(key, value)| (key, value)))
}
