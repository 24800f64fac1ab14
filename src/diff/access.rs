//! The facts of one model that a review compares, normalised so that order and repetition
//! in the spec are no change: who may assume which role under which guards (from the trust
//! graph), what each role and developer policy grants, which roles developers reach, what
//! each task definition runs and reads, and which accounts have developer access.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Clause;
use crate::graph::{self, TrustGraph};
use crate::model::policy::{Condition, Effect, Statement};
use crate::model::{developer_reach, is_developer_entry, Arn, Model, RoleKind};
use crate::spec::DevMode;

/// All clauses must hold. Sorted and without repeats.
pub(crate) type Guard = BTreeSet<Clause>;

#[derive(Debug, Clone, Default)]
pub(crate) struct Access {
    /// In model (spec) order.
    pub accounts: Vec<AccountFacts>,
    /// Every edge once, by principal, role and guard.
    pub edges: BTreeMap<EdgeKey, EdgeFact>,
    /// Roles and developer policies by ARN.
    pub holders: BTreeMap<String, Holder>,
    /// Every role developers can reach, by ARN (or ARN pattern).
    pub reach: BTreeMap<String, ReachFact>,
    /// By account and task name.
    pub tasks: BTreeMap<(String, String), TaskFact>,
    /// Terraform's layout and state settings, in a fixed order.
    pub deployment: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountFacts {
    pub name: String,
    pub id: String,
    pub env: String,
    pub dev_access: DevMode,
}

/// (principal, role ARN, guard).
pub(crate) type EdgeKey = (String, String, Guard);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EdgeFact {
    pub account: String,
    pub account_id: String,
    pub role_kind: &'static str,
    pub principal_kind: &'static str,
    pub principal_label: String,
}

/// What a role or the developer policy grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub account: String,
    pub account_id: String,
    pub kind: &'static str,
    /// Inline statements of every policy, as one set: the policy a statement sits in, its
    /// Sid and its place are no grant.
    pub statements: BTreeSet<Grant>,
    pub managed: BTreeSet<String>,
    pub boundary: Option<String>,
    /// Existing principals the developer policy is attached to: (type, name).
    pub attachments: BTreeSet<(&'static str, String)>,
}

/// One statement, normalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Grant {
    pub effect: Effect,
    pub actions: BTreeSet<String>,
    pub resources: BTreeSet<String>,
    pub guard: Guard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReachFact {
    pub account: Option<String>,
    pub account_id: Option<String>,
    pub kind: Option<&'static str>,
    pub direct: bool,
    pub through: Vec<String>,
    pub dev_access: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskFact {
    pub account_id: String,
    pub family: String,
    pub task_role: String,
    pub execution_role: String,
    /// Container name → image.
    pub images: BTreeMap<String, String>,
    pub secrets: BTreeSet<String>,
}

impl Access {
    /// A spec that does not exist (at a git revision): nothing granted.
    pub(crate) fn empty() -> Self {
        Access::default()
    }

    pub(crate) fn of(model: &Model) -> Self {
        let mut access = Access {
            accounts: model
                .accounts
                .iter()
                .map(|account| AccountFacts {
                    name: account.name.clone(),
                    id: account.id.clone(),
                    env: account.env.clone(),
                    dev_access: account.dev_access,
                })
                .collect(),
            deployment: deployment(model),
            ..Access::default()
        };
        access.add_edges(model);
        for account in &model.accounts {
            for role in account.roles() {
                let statements = role
                    .inline_policies
                    .iter()
                    .flat_map(|policy| &policy.document.statements)
                    .map(grant)
                    .collect();
                access.holders.insert(
                    role.arn.clone(),
                    Holder {
                        account: account.name.clone(),
                        account_id: account.id.clone(),
                        kind: graph::role_kind(&role.kind).name(),
                        statements,
                        managed: role.managed_policy_arns.iter().cloned().collect(),
                        boundary: role.permissions_boundary.clone(),
                        attachments: BTreeSet::new(),
                    },
                );
            }
            if let Some(policy) = &account.developer_policy {
                let attachments = [
                    ("role", &policy.attach_to_roles),
                    ("group", &policy.attach_to_groups),
                    ("user", &policy.attach_to_users),
                ]
                .into_iter()
                .flat_map(|(kind, names)| names.iter().map(move |name| (kind, name.clone())))
                .collect();
                access.holders.insert(
                    policy.arn.clone(),
                    Holder {
                        account: account.name.clone(),
                        account_id: account.id.clone(),
                        kind: "developer_policy",
                        statements: policy.document.statements.iter().map(grant).collect(),
                        managed: BTreeSet::new(),
                        boundary: None,
                        attachments,
                    },
                );
            }
            for definition in &account.task_definitions {
                access.tasks.insert(
                    (account.name.clone(), definition.task.clone()),
                    TaskFact {
                        account_id: account.id.clone(),
                        family: definition.family.clone(),
                        task_role: definition.task_role_arn.clone(),
                        execution_role: definition.execution_role_arn.clone(),
                        images: definition
                            .containers
                            .iter()
                            .map(|c| (c.name.clone(), c.image.clone()))
                            .collect(),
                        secrets: definition
                            .containers
                            .iter()
                            .flat_map(|c| c.secrets.iter().map(|s| s.value_from.clone()))
                            .collect(),
                    },
                );
            }
        }
        access.add_reach(model);
        access
    }

    fn add_edges(&mut self, model: &Model) {
        let graph = TrustGraph::from_model(model);
        let nodes: HashMap<&str, &graph::Node> = graph
            .nodes
            .iter()
            .map(|node| (node.id.as_str(), node))
            .collect();
        let account_ids: HashMap<&str, &str> = model
            .accounts
            .iter()
            .map(|a| (a.name.as_str(), a.id.as_str()))
            .collect();
        for edge in &graph.edges {
            let (Some(from), Some(to)) =
                (nodes.get(edge.from.as_str()), nodes.get(edge.to.as_str()))
            else {
                continue;
            };
            let account = to.account.clone().unwrap_or_default();
            let account_id = account_ids
                .get(account.as_str())
                .map(|id| id.to_string())
                .unwrap_or_default();
            let guard = guard(edge.guard.iter());
            self.edges
                .entry((edge.principal.clone(), edge.role_arn.clone(), guard))
                .or_insert(EdgeFact {
                    account,
                    account_id,
                    role_kind: to.kind.name(),
                    principal_kind: from.kind.name(),
                    principal_label: from.label.clone(),
                });
        }
    }

    fn add_reach(&mut self, model: &Model) {
        for account in &model.accounts {
            for role in account.roles() {
                if is_developer_entry(account, role) {
                    self.reach.entry(role.arn.clone()).or_insert(ReachFact {
                        account: Some(account.name.clone()),
                        account_id: Some(account.id.clone()),
                        kind: Some(graph::role_kind(&role.kind).name()),
                        direct: true,
                        through: Vec::new(),
                        dev_access: account.dev_access != DevMode::None,
                    });
                }
            }
        }
        for reach in developer_reach(model) {
            let target = reach.target();
            let through = reach.chain[..reach.chain.len() - 1]
                .iter()
                .map(|hop| hop.role_arn.clone())
                .collect();
            let account_id = match &target.account {
                Some(name) => model
                    .accounts
                    .iter()
                    .find(|a| &a.name == name)
                    .map(|a| a.id.clone()),
                None => Arn::parse(&target.role_arn).map(|arn| arn.account.to_string()),
            };
            self.reach
                .entry(target.role_arn.clone())
                .or_insert(ReachFact {
                    account: target.account.clone(),
                    account_id,
                    kind: target
                        .kind
                        .as_ref()
                        .map(|kind: &RoleKind| graph::role_kind(kind).name()),
                    direct: false,
                    through,
                    dev_access: target.dev_access,
                });
        }
    }
}

fn grant(statement: &Statement) -> Grant {
    Grant {
        effect: statement.effect,
        actions: statement.actions.iter().cloned().collect(),
        resources: statement.resources.iter().cloned().collect(),
        guard: guard(std::iter::once(&statement.condition)),
    }
}

/// Conditions that must all hold, as a set of clauses: operator and key order, value
/// order and repeats are no difference, and a clause asked twice (a trust statement and
/// the developer policy both asking for MFA) is asked once.
pub(crate) fn guard<'a>(conditions: impl Iterator<Item = &'a Condition>) -> Guard {
    let mut clauses = Guard::new();
    for condition in conditions {
        for (operator, keys) in condition {
            for (key, value) in keys {
                let mut values = BTreeSet::new();
                push_values(value, &mut values);
                clauses.insert(Clause {
                    operator: operator.clone(),
                    key: key.clone(),
                    values: values.into_iter().collect(),
                });
            }
        }
    }
    clauses
}

/// A condition value as the strings IAM compares: `true` and `"true"` are one value.
fn push_values(value: &serde_json::Value, into: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(text) => {
            into.insert(text.clone());
        }
        serde_json::Value::Array(items) => {
            for item in items {
                push_values(item, into);
            }
        }
        serde_json::Value::Bool(b) => {
            into.insert(b.to_string());
        }
        serde_json::Value::Number(n) => {
            into.insert(n.to_string());
        }
        other => {
            into.insert(other.to_string());
        }
    }
}

/// Terraform's layout and, with an S3 backend, where the state is kept, how it is locked
/// and which role reaches it.
fn deployment(model: &Model) -> Vec<(&'static str, String)> {
    let terraform = &model.terraform;
    let mut settings = vec![("terraform layout", terraform.layout_name().to_string())];
    if let Some(backend) = &terraform.backend {
        settings.push(("state bucket", backend.bucket.clone()));
        settings.push(("state region", backend.region.clone()));
        settings.push(("state key prefix", backend.key_prefix.clone()));
        if let Some(role) = &backend.role_arn {
            settings.push(("state role", role.clone()));
        }
        let lock = match (backend.use_lockfile, &backend.dynamodb_table) {
            (true, None) => "S3 lock file".to_string(),
            (false, Some(table)) => format!("DynamoDB table {table}"),
            (true, Some(table)) => format!("S3 lock file and DynamoDB table {table}"),
            (false, None) => "none".to_string(),
        };
        settings.push(("state lock", lock));
        if backend.partial {
            settings.push((
                "state settings",
                format!(
                    "partial ({})",
                    crate::model::names::TERRAFORM_BACKEND_CONFIG
                ),
            ));
        }
    }
    settings
}
