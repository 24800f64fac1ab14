//! Spec -> model. Assumes a spec that `validate` accepted; resolves defaults, names and ARNs.

use std::sync::{Arc, OnceLock};

use crate::collections::IndexMap;
use serde_json::json;

use super::arn::PartitionExt;
use super::policy::{PolicyDocument, Principal, Statement};
use super::{developers, identity_center, names, pairs, simulate, tasks, Account, Model};
use crate::collections::HashMap;
use crate::spec::{self, Checked, DevMode, Spec};

/// Everything the builders need to know about one account.
pub(super) struct AccountContext<'a> {
    pub spec: &'a Spec,
    pub name: &'a str,
    pub account: &'a spec::Account,
    pub region: String,
    /// The mode where developer access applies, else `None`.
    pub dev_access: DevMode,
    /// Task name -> ARNs of the spec's roles that trust it.
    pub roles_trusting: &'a HashMap<&'a str, Vec<String>>,
    /// The trust policy of the account's task roles, made by the first.
    pub task_trust: OnceLock<Arc<PolicyDocument>>,
}

impl AccountContext<'_> {
    pub(super) fn partition(&self) -> spec::Partition {
        self.spec.project.partition
    }

    pub(super) fn id(&self) -> &str {
        &self.account.id
    }

    /// Project tags, then the given ones; later keys win.
    pub(super) fn tags(&self, own: &IndexMap<String, String>) -> IndexMap<String, String> {
        let mut tags = self.spec.project.tags.clone();
        tags.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        tags
    }

    /// The actions of every developer statement: `sts:AssumeRole`, and `sts:SetSourceIdentity`
    /// / `sts:TagSession` where the spec asks for them.
    pub(super) fn developer_actions(&self) -> Vec<&'static str> {
        let dev = &self.spec.dev_access;
        let mut actions = vec!["sts:AssumeRole"];
        if dev.set_source_identity {
            actions.push("sts:SetSourceIdentity");
        }
        if dev.tag_session {
            actions.push("sts:TagSession");
        }
        actions
    }

    /// A developer statement with the developer actions; `developer_mfa` adds the MFA
    /// condition once the statement is complete (it comes last).
    pub(super) fn developer_statement(&self, sid: &str) -> Statement {
        Statement::allow(sid, &self.developer_actions())
    }

    /// Who may assume a role developers assume (extended mode's task roles, the simulator):
    /// `dev_access.principals` exactly; the permission sets' sessions, as the account root
    /// narrowed by `ArnLike aws:PrincipalArn` to their reserved roles (both path forms);
    /// the account root when neither is given.
    pub(super) fn developer_trust(&self) -> Vec<Statement> {
        let dev = &self.spec.dev_access;
        let partition = self.partition();
        let root = partition.iam_root(self.id());
        let mut statements = Vec::new();
        let principals = if !dev.principals.is_empty() {
            dev.principals.clone()
        } else if dev.permission_sets.is_empty() {
            vec![root.clone()]
        } else {
            Vec::new()
        };
        if !principals.is_empty() {
            statements.push(
                self.developer_mfa(
                    self.developer_statement("DeveloperAccess")
                        .principal(Principal::Aws(principals)),
                ),
            );
        }
        if !dev.permission_sets.is_empty() {
            let region = identity_center::region(self.spec).unwrap_or_default();
            let patterns: Vec<String> = dev
                .permission_sets
                .iter()
                .flat_map(|set| partition.reserved_role_patterns(self.id(), &region, set))
                .collect();
            statements.push(
                self.developer_mfa(
                    self.developer_statement(PERMISSION_SET_SID)
                        .principal(Principal::Aws(vec![root]))
                        .condition("ArnLike", "aws:PrincipalArn", json!(patterns)),
                ),
            );
        }
        statements
    }

    /// `Bool aws:MultiFactorAuthPresent` on a developer statement when the spec asks for MFA.
    pub(super) fn developer_mfa(&self, statement: Statement) -> Statement {
        if self.spec.dev_access.require_mfa {
            statement.condition("Bool", "aws:MultiFactorAuthPresent", json!("true"))
        } else {
            statement
        }
    }

    /// The trust statement that lets ECS (and only ECS of this account and region) assume a role.
    pub(super) fn ecs_trust(&self, source_guard: bool) -> Statement {
        let partition = self.partition();
        let statement = Statement::allow("EcsTasks", &["sts:AssumeRole"]).principal(
            Principal::Service(partition.ecs_tasks_principal().to_string()),
        );
        if !source_guard {
            return statement;
        }
        statement
            .condition("StringEquals", "aws:SourceAccount", json!(self.id()))
            .condition(
                "ArnLike",
                "aws:SourceArn",
                json!(partition.ecs_sources(&self.region, self.id())),
            )
    }
}

/// The Sid of the trust statement that admits IAM Identity Center permission set sessions.
pub(crate) const PERMISSION_SET_SID: &str = "PermissionSetSessions";

/// Whether developer access applies to an account of this env under this spec.
pub(crate) fn dev_access_for(spec: &Spec, env: &str) -> DevMode {
    let mode = spec.dev_access.mode;
    let listed = spec.dev_access.environments.iter().any(|e| e == env);
    match mode {
        DevMode::Extended | DevMode::Tagged | DevMode::Simulate if listed => mode,
        _ => DevMode::None,
    }
}

/// The model of a spec the checks accepted (`validate::check_spec`): the only way to one.
pub(crate) fn build(checked: &Checked<'_>) -> Model {
    let spec: &Spec = checked.spec();
    let roles_trusting = pairs::roles_trusting_tasks(spec);
    let entries: Vec<(&String, &spec::Account)> = spec.accounts.iter().collect();
    // Accounts build independently: on all cores, in spec order.
    let accounts: Vec<Account> =
        crate::parallel::map_in_order(&entries, crate::parallel::cores(), |&(name, account)| {
            let context = AccountContext {
                spec,
                name,
                account,
                region: account
                    .region
                    .clone()
                    .or_else(|| spec.project.region.clone())
                    .unwrap_or_default(),
                dev_access: dev_access_for(spec, &account.env),
                roles_trusting: &roles_trusting,
                task_trust: OnceLock::new(),
            };
            build_account(&context)
        });
    let identity_center = identity_center::build(spec, &accounts);
    let bootstrap = super::bootstrap::build(spec);
    let administers = |account: &Account| {
        identity_center
            .as_ref()
            .is_some_and(|center| center.account == account.name)
            || bootstrap
                .as_ref()
                .is_some_and(|b| b.account == account.name)
    };
    let accounts = accounts
        .into_iter()
        .filter(|account| {
            account.has_tasks_stack()
                || account.has_developers_stack()
                || account.has_trust_stack()
                || administers(account)
        })
        .map(std::sync::Arc::new)
        .collect::<Vec<_>>();
    let terraform = super::terraform::build(
        spec,
        &accounts,
        identity_center.as_ref(),
        bootstrap.as_ref(),
    );
    Model {
        project: spec.project.name.clone(),
        partition: spec.project.partition,
        cloudformation_exports: spec.project.cloudformation_exports,
        formats: spec
            .project
            .formats
            .clone()
            .unwrap_or_else(|| vec![spec::Format::Cloudformation, spec::Format::Terraform]),
        accounts,
        identity_center,
        bootstrap,
        terraform,
    }
}

fn build_account(context: &AccountContext<'_>) -> Account {
    let task_specs: Vec<(&String, &spec::Task)> = context
        .spec
        .tasks
        .iter()
        .filter(|(_, task)| task.account == context.name)
        .collect();
    let (execution_roles, shard_of_task) = tasks::execution_roles(context, &task_specs);
    let task_roles: Vec<_> = task_specs
        .iter()
        .map(|(name, task)| tasks::task_role(context, name, task))
        .collect();
    // Sized up front: `filter_map` gives no size, and a definition is large to move.
    let mut task_definitions = Vec::with_capacity(task_specs.len());
    task_definitions.extend(
        task_specs
            .iter()
            .zip(&task_roles)
            .zip(&shard_of_task)
            .filter_map(|(((name, task), role), shard)| {
                let execution = execution_roles.get(*shard)?;
                Some(tasks::task_definition(context, name, task, role, execution))
            }),
    );
    let simulator_role = (context.dev_access == DevMode::Simulate)
        .then(|| simulate::simulator_role(context, &task_roles))
        .flatten();
    let session_policies = if simulator_role.is_some() {
        simulate::session_policies(&task_roles)
    } else {
        Vec::new()
    };
    let (developer_policy, developer_role) = developers::build(
        context,
        &task_roles,
        simulator_role.as_ref().map(|role| role.arn.as_str()),
    );
    let trusted_roles = context
        .spec
        .roles
        .iter()
        .filter(|(_, role)| role.account == context.name)
        .map(|(name, role)| pairs::trusted_role(context, name, role))
        .collect();
    let mut account = Account {
        name: context.name.to_string(),
        alias: names::provider_alias(context.name),
        id: context.account.id.clone(),
        region: context.region.clone(),
        env: context.account.env.clone(),
        deploy_role_arn: context.account.deploy_role_arn.clone(),
        dev_access: context.dev_access,
        task_roles,
        execution_roles,
        task_definitions,
        simulator_role,
        session_policies,
        developer_policy,
        developer_role,
        trusted_roles,
    };
    name_entities(&mut account);
    account
}

/// Gives every entity of the account its CloudFormation logical id and Terraform resource
/// name, all from `names`: the one place they are made.
pub(super) fn name_entities(account: &mut Account) {
    let alias = account.alias.clone();
    let roles = account
        .task_roles
        .iter_mut()
        .chain(account.execution_roles.iter_mut())
        .chain(account.simulator_role.iter_mut())
        .chain(account.developer_role.iter_mut())
        .chain(account.trusted_roles.iter_mut());
    for role in roles {
        role.logical_id = names::role_logical_id(&role.kind, &role.name);
        role.terraform = names::role_terraform(&alias, &role.kind, &role.name);
        for policy in &mut role.inline_policies {
            policy.terraform = names::inline_policy_terraform(&role.terraform, &policy.name);
        }
    }
    if let Some(policy) = &mut account.developer_policy {
        policy.logical_id = names::DEVELOPER_POLICY_LOGICAL_ID.into();
        policy.terraform = names::developer_policy_terraform(&alias);
    }
    for definition in &mut account.task_definitions {
        let (logical_id, log_group) = names::task_definition_logical_ids(&definition.task);
        definition.logical_id = logical_id;
        definition.log_group_logical_id = log_group;
        definition.terraform = names::task_definition_terraform(&alias, &definition.task);
    }
}
