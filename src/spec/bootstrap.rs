//! `[bootstrap]`: a service-managed CloudFormation StackSet that gives every account of
//! some organisational units the account-agnostic dev-account baseline, including
//! accounts created in them later (auto-deployment). And `[terraform] orchestrator`: the
//! files that let Atlantis or Terragrunt apply the Terraform roots in the lock file's
//! order.

use schemars::JsonSchema;
use serde::Deserialize;

/// `[bootstrap]`: where the StackSet lives, what it targets and how it rolls out.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bootstrap {
    /// The spec account that holds the StackSet: the organisation's management account
    /// (call_as = "SELF") or a delegated administrator for StackSets (call_as =
    /// "DELEGATED_ADMIN").
    pub account: String,
    /// SELF (default: the management account) or DELEGATED_ADMIN.
    #[serde(default)]
    pub call_as: CallAs,
    /// The StackSet's name; default `<project>-dev-baseline`.
    pub stack_set_name: Option<String>,
    /// The region of each stack instance; default the holding account's region. Exactly
    /// one: the baseline is IAM, which is global, so a second region's instance would
    /// create the same roles again and fail.
    pub regions: Option<Vec<String>>,
    /// Deploy to accounts that join a targeted OU later, and remove the stack from those
    /// that leave it (default true).
    #[serde(default = "default_true")]
    pub auto_deployment: bool,
    /// Keep the baseline in an account that leaves a targeted OU (default false: it is
    /// removed, and with it the developers' access).
    #[serde(default)]
    pub retain_stacks_on_account_removal: bool,
    /// Allow a target whose env looks like production, or the organisation root (which
    /// holds every account, production included).
    #[serde(default)]
    pub allow_production: bool,
    /// How fast the StackSet rolls out, and how many failures it tolerates.
    #[serde(default)]
    pub operation_preferences: OperationPreferences,
    /// The organisational units (and accounts in them) the StackSet deploys to.
    #[serde(default)]
    pub targets: Vec<BootstrapTarget>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum CallAs {
    // The organisation's management account (variants carry no doc comment: the schema
    // keeps a plain enum of names).
    #[default]
    #[serde(rename = "SELF")]
    SelfAccount,
    // A delegated administrator for CloudFormation StackSets.
    #[serde(rename = "DELEGATED_ADMIN")]
    DelegatedAdmin,
}

impl CallAs {
    pub fn as_str(self) -> &'static str {
        match self {
            CallAs::SelfAccount => "SELF",
            CallAs::DelegatedAdmin => "DELEGATED_ADMIN",
        }
    }
}

/// `[bootstrap.operation_preferences]`: CloudFormation's StackSetOperationPreferences.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationPreferences {
    /// Accounts deployed to at once (at least 1); not with max_concurrent_percentage.
    pub max_concurrent_count: Option<i64>,
    /// Percentage of accounts deployed to at once, 1-100.
    pub max_concurrent_percentage: Option<i64>,
    /// Failed accounts tolerated per region before the operation stops (0 or more).
    pub failure_tolerance_count: Option<i64>,
    /// Percentage of failed accounts tolerated per region, 0-100.
    pub failure_tolerance_percentage: Option<i64>,
    /// SEQUENTIAL (default) or PARALLEL: regions one at a time, or all at once.
    pub region_concurrency_type: Option<RegionConcurrency>,
    /// The order regions are deployed in: regions of `regions`.
    #[serde(default)]
    pub region_order: Vec<String>,
    /// STRICT_FAILURE_TOLERANCE (default) or SOFT_FAILURE_TOLERANCE.
    pub concurrency_mode: Option<ConcurrencyMode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum RegionConcurrency {
    #[serde(rename = "SEQUENTIAL")]
    Sequential,
    #[serde(rename = "PARALLEL")]
    Parallel,
}

impl RegionConcurrency {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionConcurrency::Sequential => "SEQUENTIAL",
            RegionConcurrency::Parallel => "PARALLEL",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum ConcurrencyMode {
    #[serde(rename = "STRICT_FAILURE_TOLERANCE")]
    Strict,
    #[serde(rename = "SOFT_FAILURE_TOLERANCE")]
    Soft,
}

impl ConcurrencyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ConcurrencyMode::Strict => "STRICT_FAILURE_TOLERANCE",
            ConcurrencyMode::Soft => "SOFT_FAILURE_TOLERANCE",
        }
    }
}

/// `[[bootstrap.targets]]`: organisational units whose accounts all have one env.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BootstrapTarget {
    /// The env of every account of these OUs: dev access follows the env rules (an env
    /// listed in dev_access.environments gets developer access).
    pub env: String,
    /// OU ids (`ou-…`) or the organisation root id (`r-…`).
    #[serde(default)]
    pub organizational_units: Vec<String>,
    /// Only these accounts of the OUs (12-digit ids); not with exclude_accounts.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Every account of the OUs but these (12-digit ids).
    #[serde(default)]
    pub exclude_accounts: Vec<String>,
}

/// `[terraform] orchestrator`: the engine that applies the roots in pull requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Orchestrator {
    // `atlantis.yaml`: one project per root, ordered by stage and `depends_on`.
    Atlantis,
    // `terragrunt.hcl` in every root, with `dependencies` on the roots it waits for.
    Terragrunt,
}

fn default_true() -> bool {
    true
}
