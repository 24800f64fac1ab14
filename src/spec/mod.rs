//! The spec as the user wrote it: a serde mirror of `trustgen.toml` (version 1).
//!
//! Nothing here is checked beyond TOML types and unknown keys; `validate` judges the
//! values and `model` resolves them. Maps are `IndexMap` so output follows spec order.

mod bootstrap;
mod checked;
mod ecs;
pub(crate) mod fast;
mod identity_center;
mod load;
mod read;
pub(crate) mod schema;
mod structure;

pub(crate) use bootstrap::*;
pub(crate) use checked::Checked;
pub(crate) use ecs::*;
pub(crate) use identity_center::{IdentityCenter, PermissionSet};
pub use load::{load, load_with_toml, SourceFile};

use crate::collections::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// A whole spec file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Spec format version; only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub version: i64,
    /// Project-wide settings.
    pub project: Project,
    /// Accounts by their name in this spec.
    pub accounts: IndexMap<String, Account>,
    /// Which accounts developers may reach, and how.
    #[serde(default)]
    pub dev_access: DevAccess,
    /// IAM quotas, where they were raised for the accounts.
    #[serde(default)]
    pub limits: Limits,
    /// The developer side: policy and optional bootstrap role, in each dev-access account.
    pub developers: Option<Developers>,
    /// IAM Identity Center: the permission sets developers sign in with.
    pub identity_center: Option<IdentityCenter>,
    /// The per-account ECS task execution role.
    #[serde(default)]
    pub execution_role: ExecutionRole,
    /// ECS tasks by name.
    #[serde(default)]
    pub tasks: IndexMap<String, Task>,
    /// Roles that tasks assume (cross-account trust pairs), by IAM role name.
    #[serde(default)]
    pub roles: IndexMap<String, TrustedRole>,
    /// How the Terraform output is laid out, and where its state lives.
    #[serde(default)]
    pub terraform: Terraform,
    /// A service-managed StackSet giving every account of some organisational units the
    /// dev-account baseline, accounts created there later included.
    pub bootstrap: Option<Bootstrap>,
}

/// `[terraform]`: the layout of the Terraform output and its state backend.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Terraform {
    /// single-root (default: one root, one aliased provider per account) or per-account
    /// (one root per account, applied in the lock file's stages).
    #[serde(default)]
    pub layout: TerraformLayout,
    /// Where each root keeps its state; none (or type = "local") writes no backend.
    pub backend: Option<Backend>,
    /// atlantis or terragrunt: also write that engine's files, which apply the roots in
    /// the lock file's order.
    pub orchestrator: Option<Orchestrator>,
    /// Where the output directory sits in the repository, for atlantis.yaml (Atlantis
    /// reads project directories from the repository's root); default ".".
    pub repository_dir: Option<String>,
}

impl Terraform {
    /// The backend when it is S3's: the only kind that writes anything.
    pub fn s3_backend(&self) -> Option<&Backend> {
        self.backend
            .as_ref()
            .filter(|backend| backend.kind == BackendType::S3)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TerraformLayout {
    #[default]
    SingleRoot,
    PerAccount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BackendType {
    Local,
    S3,
}

/// `[terraform.backend]`: an S3 backend (every other key is for type = "s3").
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    /// s3, or local (Terraform's default, a local state file: no backend is written).
    #[serde(rename = "type")]
    pub kind: BackendType,
    /// The state bucket (S3 bucket naming rules). Per-account layout: `{account_id}` in
    /// it stands for each root's account id (a bucket per account).
    pub bucket: Option<String>,
    /// The bucket's region.
    pub region: Option<String>,
    /// Each root's state is `<key_prefix>/<root>.tfstate`.
    pub key_prefix: Option<String>,
    /// Lock the state with an S3 lock file (Terraform >= 1.10); default true without
    /// dynamodb_table.
    pub use_lockfile: Option<bool>,
    /// Lock the state in this DynamoDB table (its hash key `LockID`).
    pub dynamodb_table: Option<String>,
    /// A role the backend assumes to reach the bucket. Per-account layout: `{account_id}`
    /// in it stands for each root's account id (a role per account, so that no account's
    /// pipeline can write another's state).
    pub role_arn: Option<String>,
    /// Write the settings into a per-root `-backend-config` file instead of the block.
    #[serde(default)]
    pub partial: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Required, [a-z0-9-]; the default prefix of generated names.
    pub name: String,
    /// aws (default), aws-cn or aws-us-gov; every ARN in the spec must be in it.
    #[serde(default)]
    pub partition: Partition,
    /// Default region of every account.
    pub region: Option<String>,
    /// Formats `gen` writes; default both.
    pub formats: Option<Vec<Format>>,
    /// Tags put on every generated role.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// Retention of the `/ecs/<family>` log groups; unset keeps logs forever (a warning).
    pub log_retention_days: Option<i64>,
    /// Export every CloudFormation output (`Export: Name: <stack>-<output>`) for other
    /// stacks to `Fn::ImportValue`. Off by default: while another stack imports an export,
    /// CloudFormation refuses every change of its value.
    #[serde(default)]
    pub cloudformation_exports: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Cloudformation,
    Terraform,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id, written as a string.
    pub id: String,
    /// Free text; dev access applies only where it is listed in dev_access.environments.
    pub env: String,
    /// Overrides the project region.
    pub region: Option<String>,
    /// Role in this account that Terraform assumes to deploy.
    pub deploy_role_arn: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DevMode {
    #[default]
    None,
    Extended,
    Tagged,
    Simulate,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DevAccess {
    /// none (default), tagged, extended or simulate.
    #[serde(default)]
    pub mode: DevMode,
    /// Account envs with developer access; default ["dev"].
    #[serde(default = "default_dev_environments")]
    pub environments: Vec<String>,
    /// Tagged mode: the tag on dev task roles; default env=dev.
    pub tag: Option<Tag>,
    /// Extended and simulate modes: exact developer principal ARNs; empty trusts the account root.
    #[serde(default)]
    pub principals: Vec<String>,
    /// Require aws:MultiFactorAuthPresent on every developer statement.
    #[serde(default)]
    pub require_mfa: bool,
    /// Allow dev access in envs that look like production (prod, production, live).
    #[serde(default)]
    pub allow_production: bool,
    #[serde(default = "default_session_duration")]
    pub max_session_duration: i64,
    /// IAM Identity Center permission sets (keys of [identity_center.permission_sets])
    /// whose sessions are developers: the task roles (extended mode) or the simulator
    /// (simulate mode) trust their reserved roles, and they carry the developer policy.
    #[serde(default)]
    pub permission_sets: Vec<String>,
    /// Add sts:SetSourceIdentity to every developer statement (sessions that carry a
    /// source identity must set it again on each role they assume).
    #[serde(default)]
    pub set_source_identity: bool,
    /// Add sts:TagSession to every developer statement (sessions with transitive tags).
    #[serde(default)]
    pub tag_session: bool,
}

impl Default for DevAccess {
    fn default() -> Self {
        DevAccess {
            mode: DevMode::None,
            environments: default_dev_environments(),
            tag: None,
            principals: Vec::new(),
            require_mfa: false,
            allow_production: false,
            max_session_duration: default_session_duration(),
            permission_sets: Vec::new(),
            set_source_identity: false,
            tag_session: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Default for Tag {
    fn default() -> Self {
        Tag {
            key: "env".into(),
            value: "dev".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// 2048 (default) up to 4096 where the quota was raised.
    #[serde(default = "default_trust_policy_chars")]
    pub trust_policy_chars: i64,
    /// 10 (default) up to 20 where the quota was raised.
    #[serde(default = "default_managed_policies_per_role")]
    pub managed_policies_per_role: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            trust_policy_chars: default_trust_policy_chars(),
            managed_policies_per_role: default_managed_policies_per_role(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Developers {
    /// Name of the developer policy; default developer-assume-task-roles.
    #[serde(default = "default_developer_policy_name")]
    pub policy_name: String,
    /// Existing roles, by name, to attach the developer policy to.
    #[serde(default)]
    pub attach_to_roles: Vec<String>,
    /// Existing groups, by name.
    #[serde(default)]
    pub attach_to_groups: Vec<String>,
    /// Existing users, by name.
    #[serde(default)]
    pub attach_to_users: Vec<String>,
    /// Create a developer role that the trusted accounts may assume.
    #[serde(default)]
    pub create_role: bool,
    /// Name of that role; default developer.
    #[serde(default = "default_developer_role_name")]
    pub role_name: String,
    /// Names of accounts in this spec whose principals may assume the developer role.
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
    #[serde(default)]
    pub managed_policies: Vec<String>,
}

impl Developers {
    /// Whether anybody gets the developer policy: a role, group or user it is attached to,
    /// or the bootstrap role.
    pub fn is_attached(&self) -> bool {
        self.create_role
            || !self.attach_to_roles.is_empty()
            || !self.attach_to_groups.is_empty()
            || !self.attach_to_users.is_empty()
    }
}

/// The per-account role ECS uses to pull images, write logs and read secrets.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecutionRole {
    /// Role name; default `<project>-ecs-execution`.
    pub name: Option<String>,
    /// Add the aws:SourceAccount / aws:SourceArn guard to its trust as well.
    #[serde(default)]
    pub source_guard: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Compatibility {
    #[default]
    #[serde(rename = "FARGATE")]
    Fargate,
    #[serde(rename = "EC2")]
    Ec2,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// The account it runs in (a key of [accounts]).
    pub account: String,
    /// Default <project>-<task>.
    pub role_name: Option<String>,
    /// Task definition family; default <project>-<task>.
    pub family: Option<String>,
    pub path: Option<String>,
    /// Task-level CPU units; Fargate needs cpu and memory in a valid pair.
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
    /// FARGATE (default) or EC2.
    #[serde(default)]
    pub compatibility: Compatibility,
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Permissions boundary policy ARN.
    pub permissions_boundary: Option<String>,
    /// Roles outside this spec the task may sts:AssumeRole.
    #[serde(default)]
    pub assume_role_arns: Vec<String>,
    /// Roles this task may assume outside dev-access accounts that developers, acting as
    /// the task, may then reach too: each must be one of its `assume_role_arns` (or a role
    /// its statements allow it to assume). Without it such a path is an error.
    #[serde(default)]
    pub allow_developer_reach_to: Vec<String>,
    /// Data outside dev-access accounts this task reads (a secret, parameter, KMS key,
    /// environment file or statement resource ARN, exactly as written there) that
    /// developers, acting as the task or exec'ing into it, may read too. Without it such a
    /// read draws a warning.
    #[serde(default)]
    pub allow_developer_reads: Vec<String>,
    /// KMS keys that encrypt this task's secrets; the execution role may decrypt with them.
    #[serde(default)]
    pub secrets_kms_keys: Vec<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// Inline permissions of the task role.
    #[serde(default)]
    pub statements: Vec<Statement>,
    /// Container definitions; at least one, one of them essential.
    #[serde(default)]
    pub containers: Vec<Container>,
    /// ECS Exec (`aws ecs execute-command`): the task role gets exactly the four
    /// `ssmmessages` actions the SSM agent needs, and every container an init process.
    /// Start the task with `--enable-execute-command`.
    #[serde(default)]
    pub enable_execute_command: bool,
    /// CPU architecture and operating system (default X86_64 and LINUX).
    pub runtime_platform: Option<RuntimePlatform>,
    /// Fargate only: the task's ephemeral storage in GiB, 21-200 (Fargate's default 20), as
    /// a number or ECS's `{ size_in_gib = N }`.
    pub ephemeral_storage: Option<EphemeralStorage>,
    /// Volumes the containers mount (`mount_points`): bind mounts and EFS file systems.
    #[serde(default)]
    pub volumes: Vec<Volume>,
    /// task (containers share process ids) or host (EC2 only).
    pub pid_mode: Option<PidMode>,
    /// EC2 only: host, task or none.
    pub ipc_mode: Option<IpcMode>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Effect {
    #[default]
    Allow,
    Deny,
}

/// Condition block in IAM JSON shape: operator -> key -> value(s).
pub(crate) type Condition = IndexMap<String, IndexMap<String, serde_json::Value>>;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub sid: Option<String>,
    #[serde(default)]
    pub effect: Effect,
    /// service:Action, wildcards allowed.
    pub actions: Vec<String>,
    /// ARNs, or "*".
    pub resources: Vec<String>,
    /// IAM condition block: operator -> key -> value(s).
    pub condition: Option<Condition>,
}

/// One container of a task. Keys are the snake_case of ECS's container definition fields.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Container {
    /// 1-255 letters, digits, - and _; unique in the task.
    pub name: String,
    /// Image reference.
    pub image: String,
    /// The task stops when an essential container stops (default true).
    #[serde(default = "default_true")]
    pub essential: bool,
    /// CPU units (1024 = one vCPU).
    pub cpu: Option<i64>,
    /// Hard memory limit in MiB (at least 6, at most the task's).
    pub memory: Option<i64>,
    /// Entry point override.
    #[serde(default)]
    pub entry_point: Vec<String>,
    /// Command override.
    #[serde(default)]
    pub command: Vec<String>,
    /// The directory the command runs in: an absolute path.
    pub working_directory: Option<String>,
    /// The user (and group) the command runs as: name, uid, name:group or uid:gid. Root
    /// (`root`, `0`) draws a warning unless `allow_root_user` says it is meant.
    pub user: Option<String>,
    /// `user` is root, and that is meant (without it, a warning).
    #[serde(default)]
    pub allow_root_user: bool,
    /// Ports: a TCP port number, or a table with container_port, host_port, protocol, name,
    /// app_protocol.
    #[serde(default)]
    pub port_mappings: Vec<PortMapping>,
    /// Environment variables.
    #[serde(default)]
    pub environment: IndexMap<String, String>,
    /// Environment files: exact S3 object ARNs of `.env` files (or ECS's `{ value, type =
    /// "s3" }`); the execution role may read exactly these.
    #[serde(default)]
    pub environment_files: Vec<EnvironmentFile>,
    /// Variable name -> SSM parameter or Secrets Manager secret ARN (a JSON key or version
    /// selected as `…:secret:name-AbCdEf:json-key:version-stage:version-id`).
    #[serde(default)]
    pub secrets: IndexMap<String, String>,
    /// Volumes of the task mounted into this container.
    #[serde(default)]
    pub mount_points: Vec<MountPoint>,
    /// Every volume of another container of the task, mounted here too.
    #[serde(default)]
    pub volumes_from: Vec<VolumeFrom>,
    /// Containers of this task that must reach a state before this one starts.
    #[serde(default)]
    pub depends_on: Vec<ContainerDependency>,
    /// A command Docker runs to judge the container healthy.
    pub health_check: Option<Box<HealthCheck>>,
    /// Mount the root filesystem read-only (recommended; a container without it draws a
    /// warning): give paths the application writes to a volume in `mount_points`.
    pub readonly_root_filesystem: Option<bool>,
    /// EC2 only: root on the host (a warning); Fargate refuses it.
    pub privileged: Option<bool>,
    /// Seconds ECS waits after SIGTERM before killing the container: 2-120 on Fargate.
    pub stop_timeout: Option<i64>,
    /// Seconds this container's dependencies may take to reach their condition: 2-120 on
    /// Fargate.
    pub start_timeout: Option<i64>,
    /// Resource limits; on Fargate only nofile.
    #[serde(default)]
    pub ulimits: Vec<Ulimit>,
    /// Linux-specific settings: the init process and kernel capabilities.
    pub linux_parameters: Option<Box<LinuxParameters>>,
    /// Docker labels: key -> value (keys that CloudFormation would read as a function,
    /// `Fn::…`, `Ref` or `Condition`, are refused).
    #[serde(default)]
    pub docker_labels: IndexMap<String, String>,
    /// Credentials of a private image registry, from Secrets Manager.
    pub repository_credentials: Option<RepositoryCredentials>,
    /// This container is the task's FireLens log router.
    pub firelens_configuration: Option<Box<FirelensConfiguration>>,
    /// awslogs to /ecs/<family> (default true).
    #[serde(default = "default_true")]
    pub logs: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TrustPrincipal {
    #[default]
    Role,
    AccountWithArnCondition,
}

/// `[roles.NAME]`: a role in some account that ECS task roles assume.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedRole {
    pub account: String,
    /// Tasks whose roles may assume this role.
    #[serde(default)]
    pub trusted_tasks: Vec<String>,
    /// Adds StringEquals sts:ExternalId to the trust policy.
    pub external_id: Option<String>,
    /// role (default) or account-with-arn-condition.
    #[serde(default)]
    pub trust_principal: TrustPrincipal,
    pub path: Option<String>,
    #[serde(default = "default_session_duration")]
    pub max_session_duration: i64,
    #[serde(default)]
    pub managed_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    #[serde(default)]
    pub statements: Vec<Statement>,
    /// This role is outside dev-access accounts, but developers may reach it through a
    /// task (of a dev-access account) that it trusts. Without it such a path is an error.
    #[serde(default)]
    pub allow_developer_reach: bool,
    /// As for tasks: roles this role may assume, outside dev-access accounts, that
    /// developers may reach through it.
    #[serde(default)]
    pub allow_developer_reach_to: Vec<String>,
    /// As for tasks: data outside dev-access accounts this role's statements read that
    /// developers, reaching this role, may read too.
    #[serde(default)]
    pub allow_developer_reads: Vec<String>,
}

fn default_true() -> bool {
    true
}
fn default_dev_environments() -> Vec<String> {
    vec!["dev".into()]
}
fn default_session_duration() -> i64 {
    3600
}
fn default_trust_policy_chars() -> i64 {
    2048
}
fn default_managed_policies_per_role() -> i64 {
    10
}
pub(crate) fn default_developer_policy_name() -> String {
    "developer-assume-task-roles".into()
}
fn default_developer_role_name() -> String {
    "developer".into()
}
