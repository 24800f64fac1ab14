//! `[bootstrap]`: the StackSet that gives every account of some organisational units the
//! dev-account baseline, and that baseline.
//!
//! The baseline is what the developers stack of a dev account holds when nothing in it
//! depends on the account: built by the same builder (`developers::build`) for an account
//! with no tasks whose id is `names::BASELINE_ACCOUNT_ID`, so its own ARNs name that
//! placeholder (CloudFormation writes it `${AWS::AccountId}`) and one template serves
//! every account. Tagged mode: the developer policy (assume this account's tagged roles,
//! never tag them) and the developer role; simulate mode: the policy that lets developers
//! assume this account's simulator, and the developer role (the simulator itself carries
//! its account's task permissions, so each account's tasks stack creates it); extended
//! mode: the developer role (its policy lists each account's task roles).

use crate::collections::HashMap;

use super::arn::PartitionExt;
use super::build::AccountContext;
use super::names;
use super::{developers, Account};
use crate::spec::{self, CallAs, DevMode, Spec};

#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// The account (spec name) that holds the StackSet, and its id.
    pub account: String,
    pub account_id: String,
    /// The StackSet's home region: its account's region.
    pub region: String,
    pub name: String,
    pub description: String,
    pub logical_id: String,
    /// `aws_cloudformation_stack_set.<this>`.
    pub terraform: String,
    pub call_as: CallAs,
    pub auto_deployment: bool,
    pub retain_stacks_on_account_removal: bool,
    /// Where the stack instances are: one region (the baseline is IAM, which is global).
    pub regions: Vec<String>,
    pub operation_preferences: OperationPreferences,
    pub targets: Vec<Target>,
    /// What every targeted account receives: an account of no name in the spec whose id is
    /// `names::BASELINE_ACCOUNT_ID`, with only a developer policy and role.
    pub baseline: Account,
}

/// StackSetOperationPreferences, as given (AWS's defaults where unset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationPreferences {
    pub max_concurrent_count: Option<i64>,
    pub max_concurrent_percentage: Option<i64>,
    pub failure_tolerance_count: Option<i64>,
    pub failure_tolerance_percentage: Option<i64>,
    pub region_concurrency_type: Option<&'static str>,
    pub region_order: Vec<String>,
    pub concurrency_mode: Option<&'static str>,
}

impl OperationPreferences {
    pub fn is_empty(&self) -> bool {
        *self == OperationPreferences::default()
    }
}

/// Organisational units whose accounts all have one env, and which of their accounts.
#[derive(Debug, Clone)]
pub struct Target {
    pub env: String,
    pub organizational_units: Vec<String>,
    pub accounts: AccountFilter,
    /// `aws_cloudformation_stack_set_instance.<this>`.
    pub terraform: String,
}

/// CloudFormation's AccountFilterType, with its accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountFilter {
    /// Every account of the OUs (NONE).
    All,
    /// Only these accounts of the OUs (INTERSECTION).
    Only(Vec<String>),
    /// Every account of the OUs but these (DIFFERENCE).
    Except(Vec<String>),
}

impl AccountFilter {
    /// CloudFormation's name for it, when it is not every account.
    pub fn filter_type(&self) -> Option<&'static str> {
        match self {
            AccountFilter::All => None,
            AccountFilter::Only(_) => Some("INTERSECTION"),
            AccountFilter::Except(_) => Some("DIFFERENCE"),
        }
    }

    pub fn accounts(&self) -> &[String] {
        match self {
            AccountFilter::All => &[],
            AccountFilter::Only(accounts) | AccountFilter::Except(accounts) => accounts,
        }
    }
}

impl Bootstrap {
    /// Whether the StackSet carries anything (validation refuses one that does not).
    pub fn carries_anything(&self) -> bool {
        self.baseline.has_developers_stack()
    }
}

/// The StackSet of a spec with `[bootstrap]`, once its holding account exists.
pub(super) fn build(spec: &Spec) -> Option<Bootstrap> {
    let bootstrap = spec.bootstrap.as_ref()?;
    let holder = spec.accounts.get(&bootstrap.account)?;
    let region = holder
        .region
        .clone()
        .or_else(|| spec.project.region.clone())
        .unwrap_or_default();
    let alias = names::provider_alias(&bootstrap.account);
    let name = bootstrap
        .stack_set_name
        .clone()
        .unwrap_or_else(|| names::stack_set_name(&spec.project.name));
    let preferences = &bootstrap.operation_preferences;
    let targets = bootstrap
        .targets
        .iter()
        .enumerate()
        .map(|(index, target)| Target {
            env: target.env.clone(),
            organizational_units: target.organizational_units.clone(),
            accounts: if !target.accounts.is_empty() {
                AccountFilter::Only(target.accounts.clone())
            } else if !target.exclude_accounts.is_empty() {
                AccountFilter::Except(target.exclude_accounts.clone())
            } else {
                AccountFilter::All
            },
            terraform: names::stack_set_instance_terraform(&alias, index + 1),
        })
        .collect();
    Some(Bootstrap {
        account: bootstrap.account.clone(),
        account_id: holder.id.clone(),
        regions: bootstrap
            .regions
            .clone()
            .unwrap_or_else(|| vec![region.clone()]),
        baseline: baseline(spec, &name, &region),
        description: format!(
            "trustgen: the dev-account baseline of project {} (developer access) for every account of its organisational units",
            spec.project.name
        ),
        region,
        logical_id: names::STACK_SET_LOGICAL_ID.into(),
        terraform: names::stack_set_terraform(&alias),
        name,
        call_as: bootstrap.call_as,
        auto_deployment: bootstrap.auto_deployment,
        retain_stacks_on_account_removal: bootstrap.retain_stacks_on_account_removal,
        operation_preferences: OperationPreferences {
            max_concurrent_count: preferences.max_concurrent_count,
            max_concurrent_percentage: preferences.max_concurrent_percentage,
            failure_tolerance_count: preferences.failure_tolerance_count,
            failure_tolerance_percentage: preferences.failure_tolerance_percentage,
            region_concurrency_type: preferences
                .region_concurrency_type
                .map(spec::RegionConcurrency::as_str),
            region_order: preferences.region_order.clone(),
            concurrency_mode: preferences.concurrency_mode.map(spec::ConcurrencyMode::as_str),
        },
        targets,
    })
}

/// The developer side of an account with no tasks and no id of its own.
fn baseline(spec: &Spec, name: &str, region: &str) -> Account {
    let mode = spec.dev_access.mode;
    let account = spec::Account {
        id: names::BASELINE_ACCOUNT_ID.into(),
        env: spec
            .bootstrap
            .iter()
            .flat_map(|b| &b.targets)
            .map(|t| t.env.clone())
            .next()
            .unwrap_or_default(),
        region: Some(region.to_string()),
        deploy_role_arn: None,
    };
    let roles_trusting = HashMap::default();
    let context = AccountContext {
        spec,
        name,
        account: &account,
        region: region.to_string(),
        dev_access: mode,
        roles_trusting: &roles_trusting,
        // The baseline has no tasks: nothing shares a task trust policy.
        task_trust: std::sync::OnceLock::new(),
    };
    let simulator = (mode == DevMode::Simulate).then(|| {
        spec.project.partition.role_arn(
            names::BASELINE_ACCOUNT_ID,
            "/",
            &names::simulator_role_name(&spec.project.name),
        )
    });
    let (developer_policy, developer_role) = developers::build(&context, &[], simulator.as_deref());
    let mut baseline = Account {
        name: name.to_string(),
        alias: names::provider_alias(name),
        id: account.id.clone(),
        region: region.to_string(),
        env: account.env.clone(),
        deploy_role_arn: None,
        dev_access: mode,
        task_roles: Vec::new(),
        execution_roles: Vec::new(),
        task_definitions: Vec::new(),
        simulator_role: None,
        session_policies: Vec::new(),
        developer_policy,
        developer_role,
        trusted_roles: Vec::new(),
    };
    super::build::name_entities(&mut baseline);
    baseline
}
