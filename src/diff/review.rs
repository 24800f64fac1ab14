//! The facts of one model that a review compares: every entity by the identity AWS knows
//! it by (account id, role ARN, task definition family, permission set), its field facts
//! (`classify`, one per model field), and the semantic facts compared by meaning rather
//! than by value: what each role and policy grants, who may assume which role under which
//! guards (the trust graph), which roles developers reach, which accounts have dev access.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::fields::Facts;
use super::Clause;
use crate::graph::{self, TrustGraph};
use crate::model::policy::{Condition, Effect, Statement};
use crate::model::{developer_reach, is_developer_entry, Arn, Model, RoleKind};
use crate::spec::DevMode;

/// All clauses must hold. Sorted and without repeats.
pub(crate) type Guard = BTreeSet<Clause>;

/// What AWS identifies an entity by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Subject {
    Project,
    Terraform,
    Account {
        id: String,
    },
    Role {
        arn: String,
    },
    /// The developer policy.
    Policy {
        arn: String,
    },
    /// Simulate mode: the session policy `assume` passes for one task.
    SessionPolicy {
        account_id: String,
        task: String,
    },
    TaskDefinition {
        account_id: String,
        family: String,
    },
    IdentityCenter,
    PermissionSet {
        instance: String,
        name: String,
    },
    /// A Terraform root: its kind and account (empty for the single root).
    TerraformRoot {
        kind: &'static str,
        account_id: String,
    },
}

/// One entity's field facts, and how reports name it.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    /// `task_role`, `task_definition`, `permission_set`, …
    pub kind: &'static str,
    /// An ARN, a family, a name: what a reviewer recognises it by.
    pub label: String,
    /// The account it is deployed to; `None` for project-wide entities.
    pub account_id: Option<String>,
    pub facts: Facts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountFacts {
    pub name: String,
    pub id: String,
    pub env: String,
    pub dev_access: DevMode,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Review {
    /// In model (spec) order.
    pub accounts: Vec<AccountFacts>,
    pub entities: BTreeMap<Subject, Entity>,
    /// What roles, the developer policy and session policies grant.
    pub holders: BTreeMap<Subject, Holder>,
    /// Every edge once, by principal, role and guard.
    pub edges: BTreeMap<EdgeKey, EdgeFact>,
    /// Every role developers can reach, by ARN (or ARN pattern).
    pub reach: BTreeMap<String, ReachFact>,
    /// Tag keys (lower case, as IAM compares them) that some condition of the model reads:
    /// a role tag with such a key is access (ABAC), not a label.
    pub tag_keys: BTreeSet<String>,
}

/// (principal, role ARN, guard).
pub(crate) type EdgeKey = (String, String, Guard);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EdgeFact {
    pub account_id: String,
    pub role_kind: &'static str,
    pub principal_kind: &'static str,
    pub principal_label: String,
    /// What the trust statement lets the principal call (`sts:AssumeRole`, and
    /// `sts:TagSession` or `sts:SetSourceIdentity` where asked).
    pub actions: BTreeSet<String>,
}

/// What a role, the developer policy or a session policy grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub kind: &'static str,
    pub label: String,
    pub account_id: String,
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
    pub account_id: Option<String>,
    pub kind: Option<&'static str>,
    pub direct: bool,
    pub through: Vec<String>,
    pub dev_access: bool,
}

impl Review {
    /// A spec that does not exist (at a git revision): nothing granted.
    pub(crate) fn empty() -> Self {
        Review::default()
    }

    pub(crate) fn of(model: &Model) -> Self {
        let mut review = Review::default();
        super::classify::model(&mut review, model);
        review.add_edges(model);
        review.add_reach(model);
        review
    }

    pub(crate) fn entity(
        &mut self,
        subject: Subject,
        kind: &'static str,
        label: String,
        account_id: Option<&str>,
        mut facts: Facts,
    ) {
        facts.finish();
        self.entities.insert(
            subject,
            Entity {
                kind,
                label,
                account_id: account_id.map(str::to_string),
                facts,
            },
        );
    }

    /// The spec name of the account with this id, on this side.
    pub(crate) fn account_name(&self, id: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|account| account.id == id)
            .map(|account| account.name.as_str())
    }

    /// Remembers the tag keys a statement's conditions read.
    pub(crate) fn note_tag_keys(&mut self, statement: &Statement) {
        for key in statement.condition.values().flat_map(|keys| keys.keys()) {
            if let Some((_, tag)) = key.split_once("Tag/") {
                self.tag_keys.insert(tag.to_ascii_lowercase());
            }
        }
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
            let account_id = to
                .account
                .as_deref()
                .and_then(|name| account_ids.get(name))
                .map(|id| id.to_string())
                .unwrap_or_default();
            let guard = guard(edge.guard.iter());
            self.edges
                .entry((edge.principal.clone(), edge.role_arn.clone(), guard))
                .or_insert_with(|| EdgeFact {
                    account_id,
                    role_kind: to.kind.name(),
                    principal_kind: from.kind.name(),
                    principal_label: from.label.clone(),
                    actions: BTreeSet::new(),
                })
                .actions
                .extend(edge.actions.iter().cloned());
        }
    }

    fn add_reach(&mut self, model: &Model) {
        for account in &model.accounts {
            for role in account.roles() {
                if is_developer_entry(account, role) {
                    self.reach.entry(role.arn.clone()).or_insert(ReachFact {
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

pub(crate) fn grant(statement: &Statement) -> Grant {
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
