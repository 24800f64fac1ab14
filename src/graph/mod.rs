//! Who can assume what, computed from the model the templates render: one edge per
//! principal a role's trust policy allows to call `sts:AssumeRole`, labelled with the
//! conditions that guard it. Drawn as Mermaid or Graphviz (`draw`).

mod draw;
mod stack_set;

pub(crate) use draw::{dot, json, markdown, mermaid};
pub(crate) use stack_set::StackSetReach;

use crate::collections::HashMap;

use serde::Serialize;

use crate::model::policy::{Condition, Effect, Principal, Statement};
use crate::model::{developer_reach, Account, Model, Reach, Role, RoleKind};
use crate::model::{reserved_role_permission_set, Arn, RESERVED_SSO_PREFIX};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NodeKind {
    /// The ECS tasks service of one account.
    Ecs,
    /// Every principal of an account whose own policies allow it (a trusted account root).
    AccountPrincipals,
    /// A principal named by ARN that trustgen does not create (developers' roles, users).
    Principal,
    /// The sessions of an IAM Identity Center permission set: the roles it creates in each
    /// account it is provisioned to, named in trust by ARN pattern.
    PermissionSet,
    TaskRole,
    ExecutionRole,
    SimulatorRole,
    DeveloperRole,
    /// A `[roles.NAME]` role that task roles assume.
    DestinationRole,
    /// A role outside the spec that a role of the spec may assume (`assume_role_arns`).
    ExternalRole,
    /// An organisational unit a `[bootstrap]` StackSet targets: every account of it
    /// (accounts created later included) receives the baseline.
    OrganizationalUnit,
    /// The baseline's developer policy, when the baseline has no role to draw.
    DeveloperPolicy,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    /// The account (spec name) the node lives in, when the spec knows it.
    pub account: Option<String>,
    /// The principal as trust policies name it (a service or an ARN).
    pub principal: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Edge {
    pub from: String,
    pub to: String,
    /// The principal exactly as the trust policy names it (after PrincipalArn narrowing).
    pub principal: String,
    /// The ARN of the role that may be assumed.
    pub role_arn: String,
    /// Short names of the guarding conditions: "source guard", "MFA", "ExternalId",
    /// "tag k=v", "PrincipalArn"; other condition keys by name.
    pub conditions: Vec<String>,
}

/// A role developers can chain into beyond the roles they assume directly.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeveloperReach {
    /// Node id of the role the last step is taken from.
    pub from: String,
    /// Node id of the reached role.
    pub to: String,
    /// The ARN (or ARN pattern, for a role outside the spec) reached.
    pub role_arn: String,
    /// ARNs of the roles held on the way, the one developers assume first.
    pub through: Vec<String>,
    /// Whether the reached role is in a dev-access account; when not, the spec opted in
    /// (`allow_developer_reach`, `allow_developer_reach_to`), or validation would refuse it.
    pub dev_access: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TrustGraph {
    pub project: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Roles developers reach by role chaining from the ones they may assume: identity
    /// grants (`sts:AssumeRole` in the role's own policies) that the target's trust admits.
    pub developer_reach: Vec<DeveloperReach>,
    /// Every organisational unit a StackSet reaches, with what it receives.
    pub stack_sets: Vec<StackSetReach>,
    /// Groups (the `account` of nodes) that stand for every account a StackSet reaches,
    /// not one account of the spec.
    #[serde(skip)]
    pub(crate) baseline_groups: Vec<String>,
    /// (principal, account for ECS nodes) -> index in `nodes`.
    #[serde(skip)]
    index: HashMap<(String, Option<String>), usize>,
}

impl TrustGraph {
    pub(crate) fn from_model(model: &Model) -> Self {
        let mut graph = TrustGraph {
            project: model.project.clone(),
            nodes: Vec::new(),
            edges: Vec::new(),
            developer_reach: Vec::new(),
            stack_sets: Vec::new(),
            baseline_groups: Vec::new(),
            index: HashMap::default(),
        };
        // Roles first, so principals that are roles of this model point at their node.
        for account in model_accounts(model) {
            for role in account.roles() {
                graph.node(
                    role_kind(&role.kind),
                    role.name.clone(),
                    Some(account.name.clone()),
                    role.arn.clone(),
                );
            }
        }
        for edge in trust_edges(model) {
            graph.add_edge(model, &edge);
        }
        for reach in developer_reach(model) {
            graph.add_reach(model, &reach);
        }
        graph.add_stack_set(model);
        graph
    }

    fn add_reach(&mut self, model: &Model, reach: &Reach) {
        let (source, target) = (reach.source(), reach.target());
        let from = if source.permission_set.is_some() {
            let (kind, label, account, principal) =
                self.describe_principal(model, &source.role_arn);
            self.node(kind, label, account, principal)
        } else {
            self.node(
                NodeKind::TaskRole,
                source.role_arn.clone(),
                source.account.clone(),
                source.role_arn.clone(),
            )
        };
        let to = match self.index.get(&(target.role_arn.clone(), None)) {
            Some(&index) => self.nodes[index].id.clone(),
            None => {
                let (_, label, account, principal) =
                    self.describe_principal(model, &target.role_arn);
                self.node(NodeKind::ExternalRole, label, account, principal)
            }
        };
        self.developer_reach.push(DeveloperReach {
            from,
            to,
            role_arn: target.role_arn.clone(),
            through: reach.chain[..reach.chain.len() - 1]
                .iter()
                .map(|hop| hop.role_arn.clone())
                .collect(),
            dev_access: target.dev_access,
        });
    }

    fn add_edge(&mut self, model: &Model, edge: &TrustEdge<'_>) {
        let (account, role) = (edge.account, edge.role);
        let (kind, label, node_account, node_principal) = if edge.service {
            (
                NodeKind::Ecs,
                ecs_label(account),
                Some(account.name.clone()),
                edge.principal.to_string(),
            )
        } else {
            self.describe_principal(model, edge.principal)
        };
        let mut conditions = condition_labels(edge.statement);
        for allow in &edge.policy_allows {
            for label in condition_labels(allow) {
                if !conditions.contains(&label) {
                    conditions.push(label);
                }
            }
        }
        let from = self.node(kind, label, node_account, node_principal);
        let to = self.node(
            role_kind(&role.kind),
            role.name.clone(),
            Some(account.name.clone()),
            role.arn.clone(),
        );
        self.edges.push(Edge {
            from,
            to,
            principal: edge.principal.to_string(),
            role_arn: role.arn.clone(),
            conditions,
        });
    }

    fn describe_principal(
        &self,
        model: &Model,
        arn: &str,
    ) -> (NodeKind, String, Option<String>, String) {
        describe_principal(model, arn, |arn| {
            self.index
                .get(&(arn.to_string(), None))
                .and_then(|&i| self.nodes.get(i))
                .map(|node| (node.kind.clone(), node.label.clone(), node.account.clone()))
        })
    }

    /// The node for `principal`, created on first use; ids follow first appearance.
    fn node(
        &mut self,
        kind: NodeKind,
        label: String,
        account: Option<String>,
        principal: String,
    ) -> String {
        // ECS is one node per account; everything else is one node per principal.
        let key = (
            principal.clone(),
            if kind == NodeKind::Ecs {
                account.clone()
            } else {
                None
            },
        );
        if let Some(node) = self.index.get(&key).and_then(|&i| self.nodes.get(i)) {
            return node.id.clone();
        }
        self.index.insert(key, self.nodes.len());
        let id = format!("n{}", self.nodes.len());
        self.nodes.push(Node {
            id: id.clone(),
            kind,
            label,
            account,
            principal,
        });
        id
    }
}

impl NodeKind {
    /// The kind's name as the JSON shows it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            NodeKind::Ecs => "ecs",
            NodeKind::AccountPrincipals => "account_principals",
            NodeKind::Principal => "principal",
            NodeKind::TaskRole => "task_role",
            NodeKind::ExecutionRole => "execution_role",
            NodeKind::SimulatorRole => "simulator_role",
            NodeKind::DeveloperRole => "developer_role",
            NodeKind::DestinationRole => "destination_role",
            NodeKind::ExternalRole => "external_role",
            NodeKind::PermissionSet => "permission_set",
            NodeKind::OrganizationalUnit => "organizational_unit",
            NodeKind::DeveloperPolicy => "developer_policy",
        }
    }
}

/// One principal -> role pair a trust policy allows: what the graph draws and what `diff`
/// compares, before either labels it.
pub(crate) struct TrustEdge<'m> {
    pub account: &'m Account,
    pub role: &'m Role,
    pub statement: &'m Statement,
    /// The principal exactly as the trust policy names it (an account root narrowed by
    /// `aws:PrincipalArn` counts as each ARN it is narrowed to).
    pub principal: &'m str,
    /// Whether the principal is a service (ECS), not an ARN.
    pub service: bool,
    /// Narrowed to this principal when the statement lists many under `aws:PrincipalArn`.
    narrowed: Option<Condition>,
    /// In a dev account, the account's developers reach roles through the developer
    /// policy: its allows' conditions (tag, MFA) guard the edge too.
    pub policy_allows: Vec<&'m Statement>,
}

impl TrustEdge<'_> {
    /// Whether the trust names the account root, narrowed by `aws:PrincipalArn` to this
    /// principal: unlike a role named as principal (which IAM binds to the role's unique
    /// id), it admits a role re-created under the same ARN.
    pub(crate) fn through_account_root(&self) -> bool {
        self.narrowed.is_some()
    }

    /// The conditions that must all hold: the statement's own (narrowed to this
    /// principal), then the developer policy's.
    pub(crate) fn guard(&self) -> impl Iterator<Item = &Condition> {
        std::iter::once(self.narrowed.as_ref().unwrap_or(&self.statement.condition))
            .chain(self.policy_allows.iter().map(|allow| &allow.condition))
            .filter(|condition| !condition.is_empty())
    }
}

/// Every edge of the model's trust policies: each principal an Allow of `sts:AssumeRole`
/// names, in model order.
pub(crate) fn trust_edges(model: &Model) -> Vec<TrustEdge<'_>> {
    let mut edges = Vec::new();
    for account in model_accounts(model) {
        for role in account.roles() {
            for statement in role
                .trust_policy
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow && allows_assume(s))
            {
                let policy_allows: Vec<&Statement> =
                    match (&account.developer_policy, &role.kind, &statement.principal) {
                        (
                            Some(policy),
                            RoleKind::Task(_) | RoleKind::Simulator,
                            Some(Principal::Aws(_)),
                        ) => policy
                            .document
                            .statements
                            .iter()
                            .filter(|s| s.effect == Effect::Allow && allows_assume(s))
                            .collect(),
                        _ => Vec::new(),
                    };
                let edge = |principal, service, narrowed| TrustEdge {
                    account,
                    role,
                    statement,
                    principal,
                    service,
                    narrowed,
                    policy_allows: policy_allows.clone(),
                };
                match &statement.principal {
                    Some(Principal::Service(service)) => edges.push(edge(service, true, None)),
                    Some(Principal::Aws(arns)) => {
                        let narrowed = principal_arn_condition(statement);
                        if narrowed.is_empty() {
                            edges.extend(arns.iter().map(|arn| edge(arn, false, None)));
                        } else {
                            for arn in narrowed {
                                let condition = narrowed_condition(&statement.condition, arn);
                                edges.push(edge(arn, false, Some(condition)));
                            }
                        }
                    }
                    None => {}
                }
            }
        }
    }
    edges
}

/// The model's accounts, then the baseline every account a StackSet reaches receives
/// (its roles' ARNs name `names::BASELINE_ACCOUNT_ID`).
fn model_accounts(model: &Model) -> impl Iterator<Item = &Account> {
    model
        .accounts
        .iter()
        .map(|account| &**account)
        .chain(model.bootstrap.iter().map(|bootstrap| &bootstrap.baseline))
}

/// The label of a role's ECS principal.
pub(crate) fn ecs_label(account: &Account) -> String {
    format!("ECS tasks in {}", account.name)
}

/// What a principal named in a trust policy is (kind, label, the spec account it is in,
/// and the principal a node stands for): a role of the model (`known` says, by ARN), a
/// permission set's sessions, an account's principals, or a principal outside the spec.
pub(crate) fn describe_principal(
    model: &Model,
    arn: &str,
    known: impl Fn(&str) -> Option<(NodeKind, String, Option<String>)>,
) -> (NodeKind, String, Option<String>, String) {
    if let Some((kind, label, account)) = known(arn) {
        return (kind, label, account, arn.to_string());
    }
    // Both path forms of a permission set's roles, in every account: one node.
    if let Some(set) = reserved_role_permission_set(arn) {
        return (
            NodeKind::PermissionSet,
            format!("permission set {set} (IAM Identity Center)"),
            None,
            format!("{RESERVED_SSO_PREFIX}{set}_*"),
        );
    }
    let parsed = Arn::parse(arn);
    let account = parsed.as_ref().and_then(|parsed| {
        model
            .accounts
            .iter()
            .find(|a| a.id == parsed.account)
            .map(|a| a.name.clone())
    });
    match parsed {
        Some(parsed) if parsed.resource == "root" => (
            NodeKind::AccountPrincipals,
            match &account {
                Some(name) => format!("principals of {name} ({})", parsed.account),
                None => format!("principals of account {}", parsed.account),
            },
            account,
            arn.to_string(),
        ),
        Some(parsed) => (
            NodeKind::Principal,
            format!("{} ({})", parsed.resource, parsed.account),
            account,
            arn.to_string(),
        ),
        None => (NodeKind::Principal, arn.to_string(), None, arn.to_string()),
    }
}

pub(crate) fn role_kind(kind: &RoleKind) -> NodeKind {
    match kind {
        RoleKind::Task(_) => NodeKind::TaskRole,
        RoleKind::Execution(_) => NodeKind::ExecutionRole,
        RoleKind::Simulator => NodeKind::SimulatorRole,
        RoleKind::Developer => NodeKind::DeveloperRole,
        RoleKind::Trusted => NodeKind::DestinationRole,
    }
}

fn allows_assume(statement: &Statement) -> bool {
    statement
        .actions
        .iter()
        .any(|action| matches!(action.as_str(), "sts:AssumeRole" | "sts:*" | "*"))
}

/// ARNs an `aws:PrincipalArn` condition narrows an account-root principal to.
fn principal_arn_condition(statement: &Statement) -> Vec<&str> {
    statement
        .condition
        .iter()
        .filter(|(operator, _)| operator.starts_with("Arn"))
        .filter_map(|(_, keys)| keys.get("aws:PrincipalArn"))
        .flat_map(|value| match value {
            serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
            serde_json::Value::String(single) => vec![single.as_str()],
            _ => Vec::new(),
        })
        .collect()
}

/// A trust condition narrowed by `aws:PrincipalArn` to many ARNs, as it guards the edge
/// of one of them: that ARN alone. (Another task joining a pair must not read as a change
/// to the edges already there.)
fn narrowed_condition(condition: &Condition, principal: &str) -> Condition {
    let mut condition = condition.clone();
    for (operator, keys) in condition.iter_mut() {
        if operator.starts_with("Arn") {
            if let Some(value) = keys.get_mut("aws:PrincipalArn") {
                *value = serde_json::Value::String(principal.to_string());
            }
        }
    }
    condition
}

/// Short labels of a statement's conditions.
fn condition_labels(statement: &Statement) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for keys in statement.condition.values() {
        for (key, value) in keys {
            let label = condition_label(key, value);
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    labels
}

/// The short label of one condition key and its value, as edges show it: "source guard",
/// "MFA", "ExternalId", "PrincipalArn", "tag k=v"; any other key by name.
pub(crate) fn condition_label(key: &str, value: &serde_json::Value) -> String {
    match key {
        "aws:SourceAccount" | "aws:SourceArn" => "source guard".into(),
        "aws:MultiFactorAuthPresent" => "MFA".into(),
        "sts:ExternalId" => "ExternalId".into(),
        "aws:PrincipalArn" => "PrincipalArn".into(),
        tag if tag.starts_with("iam:ResourceTag/") => format!(
            "tag {}={}",
            &tag["iam:ResourceTag/".len()..],
            match value {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|item| item
                        .as_str()
                        .map_or_else(|| item.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            }
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::NodeKind;

    #[test]
    fn node_kind_names_are_the_json_names() {
        for kind in [
            NodeKind::Ecs,
            NodeKind::AccountPrincipals,
            NodeKind::Principal,
            NodeKind::TaskRole,
            NodeKind::ExecutionRole,
            NodeKind::SimulatorRole,
            NodeKind::DeveloperRole,
            NodeKind::DestinationRole,
            NodeKind::ExternalRole,
            NodeKind::OrganizationalUnit,
            NodeKind::DeveloperPolicy,
        ] {
            assert_eq!(
                serde_json::to_value(&kind).unwrap_or_default(),
                serde_json::json!(kind.name())
            );
        }
    }
}
