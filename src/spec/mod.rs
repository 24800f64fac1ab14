//! The spec as the user wrote it: a serde mirror of `trustgen.toml` (version 1).
//!
//! Nothing here is checked beyond TOML types and unknown keys; `validate` judges the
//! values and `model` resolves them. Maps are `IndexMap` so output follows spec order.

mod load;

pub use load::{load, SourceFile};

use indexmap::IndexMap;
use serde::Deserialize;

/// A whole spec file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Spec format version; only `1` exists.
    pub version: i64,
    pub project: Project,
    /// Accounts by their name in this spec.
    pub accounts: IndexMap<String, Account>,
    #[serde(default)]
    pub dev_access: DevAccess,
    #[serde(default)]
    pub limits: Limits,
    pub developers: Option<Developers>,
    #[serde(default)]
    pub execution_role: ExecutionRole,
    /// ECS tasks by name.
    #[serde(default)]
    pub tasks: IndexMap<String, Task>,
    /// Roles that tasks assume (cross-account trust pairs), by IAM role name.
    #[serde(default)]
    pub roles: IndexMap<String, TrustedRole>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    #[serde(default)]
    pub partition: Partition,
    pub region: Option<String>,
    pub formats: Option<Vec<Format>>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// Retention of the `/ecs/<family>` log groups; unset keeps logs forever.
    pub log_retention_days: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Partition {
    #[default]
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Cloudformation,
    Terraform,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub env: String,
    pub region: Option<String>,
    pub deploy_role_arn: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DevMode {
    #[default]
    None,
    Extended,
    Tagged,
    Simulate,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevAccess {
    #[serde(default)]
    pub mode: DevMode,
    #[serde(default = "default_dev_environments")]
    pub environments: Vec<String>,
    pub tag: Option<Tag>,
    #[serde(default)]
    pub principals: Vec<String>,
    #[serde(default)]
    pub require_mfa: bool,
    #[serde(default = "default_session_duration")]
    pub max_session_duration: i64,
}

impl Default for DevAccess {
    fn default() -> Self {
        DevAccess {
            mode: DevMode::None,
            environments: default_dev_environments(),
            tag: None,
            principals: Vec::new(),
            require_mfa: false,
            max_session_duration: default_session_duration(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default = "default_trust_policy_chars")]
    pub trust_policy_chars: i64,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Developers {
    #[serde(default = "default_developer_policy_name")]
    pub policy_name: String,
    #[serde(default)]
    pub attach_to_roles: Vec<String>,
    #[serde(default)]
    pub attach_to_groups: Vec<String>,
    #[serde(default)]
    pub attach_to_users: Vec<String>,
    #[serde(default)]
    pub create_role: bool,
    #[serde(default = "default_developer_role_name")]
    pub role_name: String,
    /// Names of accounts in this spec whose principals may assume the developer role.
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
    #[serde(default)]
    pub managed_policies: Vec<String>,
}

/// The per-account role ECS uses to pull images, write logs and read secrets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionRole {
    /// Role name; default `<project>-ecs-execution`.
    pub name: Option<String>,
    /// Add the aws:SourceAccount / aws:SourceArn guard to its trust as well.
    #[serde(default)]
    pub source_guard: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Compatibility {
    #[default]
    #[serde(rename = "FARGATE")]
    Fargate,
    #[serde(rename = "EC2")]
    Ec2,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub account: String,
    pub role_name: Option<String>,
    pub family: Option<String>,
    pub path: Option<String>,
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
    #[serde(default)]
    pub compatibility: Compatibility,
    #[serde(default)]
    pub managed_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub assume_role_arns: Vec<String>,
    /// KMS keys that encrypt this task's secrets; the execution role may decrypt with them.
    #[serde(default)]
    pub secrets_kms_keys: Vec<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    #[serde(default)]
    pub statements: Vec<Statement>,
    #[serde(default)]
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Effect {
    #[default]
    Allow,
    Deny,
}

/// Condition block in IAM JSON shape: operator -> key -> value(s).
pub type Condition = IndexMap<String, IndexMap<String, serde_json::Value>>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub sid: Option<String>,
    #[serde(default)]
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub condition: Option<Condition>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    pub name: String,
    pub image: String,
    #[serde(default = "default_true")]
    pub essential: bool,
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub port_mappings: Vec<i64>,
    #[serde(default)]
    pub environment: IndexMap<String, String>,
    #[serde(default)]
    pub secrets: IndexMap<String, String>,
    #[serde(default = "default_true")]
    pub logs: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustPrincipal {
    #[default]
    Role,
    AccountWithArnCondition,
}

/// `[roles.NAME]`: a role in some account that ECS task roles assume.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedRole {
    pub account: String,
    #[serde(default)]
    pub trusted_tasks: Vec<String>,
    pub external_id: Option<String>,
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
fn default_developer_policy_name() -> String {
    "developer-assume-task-roles".into()
}
fn default_developer_role_name() -> String {
    "developer".into()
}
