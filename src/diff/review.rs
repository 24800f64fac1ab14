//! The facts of one model that a review compares: every entity by the identity AWS knows
//! it by (account id, role ARN, task definition family, permission set), its field facts
//! (`classify`, one per model field), and the semantic facts compared by meaning rather
//! than by value: what each role and policy grants, who may assume which role under which
//! guards (the trust graph), which roles developers reach, which accounts have dev access.
//!
//! Strings are ids into the `Strings` both sides share.

use std::collections::{BTreeMap, BTreeSet};

use super::fields::{Fact, FieldKey};
use super::strings::{FxHashMap, FxHashSet, Strings, Sym};
use crate::graph;
use crate::model::policy::{Condition, Effect, Statement};
use crate::model::{developer_reach, is_developer_entry, Arn, Model, RoleKind};
use crate::spec::DevMode;
use crate::timings;

/// One condition clause, normalised: the operator, the key, and the values it compares
/// with (any of them), sorted by id and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Clause {
    pub operator: Sym,
    pub key: Sym,
    pub values: Box<[Sym]>,
}

/// All clauses must hold. Sorted and without repeats.
pub(crate) type Guard = BTreeSet<Clause>;

/// What AWS identifies an entity by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Subject {
    Project,
    Terraform,
    Account {
        id: Sym,
    },
    Role {
        arn: Sym,
    },
    /// The developer policy.
    Policy {
        arn: Sym,
    },
    /// Simulate mode: the session policy `assume` passes for one task, by its task role.
    SessionPolicy {
        account_id: Sym,
        role: Sym,
    },
    TaskDefinition {
        account_id: Sym,
        family: Sym,
    },
    IdentityCenter,
    PermissionSet {
        instance: Sym,
        name: Sym,
    },
    /// `[bootstrap]`'s StackSet, by its account and name.
    StackSet {
        account_id: Sym,
        name: Sym,
    },
    /// A Terraform root: its kind and account (empty for the single root).
    TerraformRoot {
        kind: &'static str,
        account_id: Sym,
    },
}

/// One entity's field facts, and how reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entity {
    /// `task_role`, `task_definition`, `permission_set`, …
    pub kind: &'static str,
    /// An ARN, a family, a name: what a reviewer recognises it by.
    pub label: Sym,
    /// The account it is deployed to; `None` for project-wide entities.
    pub account_id: Option<Sym>,
    /// Sorted by key, each key once (`Facts::finish`).
    pub facts: Box<[(FieldKey, Fact)]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountFacts {
    pub name: String,
    pub id: String,
    pub env: String,
    pub dev_access: DevMode,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Review<'b> {
    /// In model (spec) order.
    pub accounts: Vec<AccountFacts>,
    pub entities: BTreeMap<Subject, Entity>,
    /// What roles, the developer policy and session policies grant.
    pub holders: BTreeMap<Subject, Holder>,
    /// The review this one was made against (`against`): entities and holders equal to
    /// its own are not kept here, only named in `unchanged` and `unchanged_holders`.
    baseline: Option<&'b Review<'b>>,
    pub unchanged: FxHashSet<Subject>,
    pub unchanged_holders: FxHashSet<Subject>,
    /// Every edge once, by principal, role and guard.
    pub edges: BTreeMap<EdgeKey, EdgeFact>,
    /// Every role developers can reach, by ARN (or ARN pattern).
    pub reach: BTreeMap<Sym, ReachFact>,
    /// Tag keys (lower case, as IAM compares them) that some condition of the model reads:
    /// a role tag with such a key is access (ABAC), not a label.
    pub tag_keys: BTreeSet<String>,
}

/// (principal, role ARN, through the account root, guard).
pub(crate) type EdgeKey = (Sym, Sym, bool, Guard);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EdgeFact {
    pub account_id: Option<Sym>,
    pub role_kind: &'static str,
    pub principal_kind: &'static str,
    pub principal_label: Sym,
    /// What the trust statement lets the principal call (`sts:AssumeRole`, and
    /// `sts:TagSession` or `sts:SetSourceIdentity` where asked).
    pub actions: BTreeSet<Sym>,
}

/// What a role, the developer policy or a session policy grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub kind: &'static str,
    pub label: Sym,
    pub account_id: Sym,
    /// Inline statements of every policy, as one set: the policy a statement sits in, its
    /// Sid and its place are no grant. Sorted, without repeats.
    pub statements: Box<[Grant]>,
    pub managed: BTreeSet<Sym>,
    pub boundary: Option<Sym>,
    /// Existing principals the developer policy is attached to: (type, name).
    pub attachments: BTreeSet<(&'static str, Sym)>,
}

/// One statement, normalised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Grant {
    pub effect: Effect,
    pub actions: Box<[Sym]>,
    pub resources: Box<[Sym]>,
    pub guard: Guard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReachFact {
    pub account_id: Option<Sym>,
    pub kind: Option<&'static str>,
    pub direct: bool,
    pub through: Box<[Sym]>,
    pub dev_access: bool,
}

impl<'b> Review<'b> {
    /// A spec that does not exist (at a git revision): nothing granted.
    pub(crate) fn empty() -> Self {
        Review::default()
    }

    pub(crate) fn of(model: &Model, strings: &mut Strings) -> Self {
        Review::build(model, strings, None)
    }

    /// The review of `model` as the new side of a comparison with `baseline`: what is
    /// equal to the baseline's is only named, not kept (two large specs differ in a few
    /// places; memory holds one side's facts, not two).
    pub(crate) fn against(model: &Model, strings: &mut Strings, baseline: &'b Review<'b>) -> Self {
        Review::build(model, strings, Some(baseline))
    }

    fn build(model: &Model, strings: &mut Strings, baseline: Option<&'b Review<'b>>) -> Self {
        let mut review = Review {
            baseline,
            ..Review::default()
        };
        timings::phase("classify", || {
            super::classify::model(&mut review, strings, model)
        });
        timings::phase("edges", || review.add_edges(model, strings));
        timings::phase("reach", || review.add_reach(model, strings));
        review
    }

    pub(crate) fn entity(
        &mut self,
        subject: Subject,
        kind: &'static str,
        label: Sym,
        account_id: Option<Sym>,
        facts: super::fields::Facts,
        strings: &mut Strings,
    ) {
        let entity = Entity {
            kind,
            label,
            account_id,
            facts: facts.finish(strings),
        };
        if self.baseline.and_then(|b| b.entities.get(&subject)) == Some(&entity) {
            self.unchanged.insert(subject);
        } else {
            self.entities.insert(subject, entity);
        }
    }

    pub(crate) fn holder(&mut self, subject: Subject, holder: Holder) {
        if self.baseline.and_then(|b| b.holders.get(&subject)) == Some(&holder) {
            self.unchanged_holders.insert(subject);
        } else {
            self.holders.insert(subject, holder);
        }
    }

    /// What a role, policy or session grants on this side: its own, or the baseline's
    /// when it is unchanged.
    pub(crate) fn holder_of(&self, subject: &Subject) -> Option<&Holder> {
        self.holders.get(subject).or_else(|| {
            self.unchanged_holders
                .contains(subject)
                .then(|| self.baseline.and_then(|b| b.holders.get(subject)))
                .flatten()
        })
    }

    /// The spec name of the account with this id, on this side.
    pub(crate) fn account_name(&self, id: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|account| account.id == id)
            .map(|account| account.name.as_str())
    }

    /// Remembers the tag keys a statement reads: in its condition keys
    /// (`aws:PrincipalTag/team`, any case, as IAM reads keys) and in policy variables of
    /// its resources and condition values (`${aws:PrincipalTag/team}`).
    pub(crate) fn note_tag_keys(&mut self, statement: &Statement) {
        let keys = statement.condition.values().flat_map(|keys| keys.keys());
        for key in keys {
            if let Some(tag) = tag_key(key) {
                self.tag_keys.insert(tag);
            }
        }
        let mut texts: Vec<&str> = statement.resources.iter().map(String::as_str).collect();
        for value in statement.condition.values().flat_map(|keys| keys.values()) {
            match value {
                serde_json::Value::String(text) => texts.push(text),
                serde_json::Value::Array(items) => {
                    texts.extend(items.iter().filter_map(serde_json::Value::as_str));
                }
                _ => {}
            }
        }
        for text in texts {
            for variable in text.split("${").skip(1) {
                if let Some(tag) = variable.split('}').next().and_then(tag_key) {
                    self.tag_keys.insert(tag);
                }
            }
        }
    }

    fn add_edges(&mut self, model: &Model, strings: &mut Strings) {
        // Principals that are roles of the model, as the graph labels them.
        let roles: FxHashMap<&str, (graph::NodeKind, &str, &str)> = model
            .accounts
            .iter()
            .flat_map(|account| {
                account.roles().map(move |role| {
                    let kind = graph::role_kind(&role.kind);
                    (
                        role.arn.as_str(),
                        (kind, role.name.as_str(), account.name.as_str()),
                    )
                })
            })
            .collect();
        let mut ecs_labels: FxHashMap<&str, Sym> = FxHashMap::default();
        // A principal (a developer's account root, a role) trusted by many roles is
        // described once.
        let mut principal_labels: FxHashMap<&str, (graph::NodeKind, Sym)> = FxHashMap::default();
        for edge in graph::trust_edges(model) {
            let (kind, label) = if edge.service {
                let label = *ecs_labels
                    .entry(edge.account.name.as_str())
                    .or_insert_with(|| strings.intern(&graph::ecs_label(edge.account)));
                (graph::NodeKind::Ecs, label)
            } else if let Some((kind, label)) = principal_labels.get(edge.principal) {
                (kind.clone(), *label)
            } else {
                let (kind, label, _, _) = graph::describe_principal(model, edge.principal, |arn| {
                    roles.get(arn).map(|(kind, name, account)| {
                        (kind.clone(), name.to_string(), Some(account.to_string()))
                    })
                });
                let label = strings.intern(&label);
                principal_labels.insert(edge.principal, (kind.clone(), label));
                (kind, label)
            };
            let key = (
                strings.intern(edge.principal),
                strings.intern(&edge.role.arn),
                edge.through_account_root(),
                guard(edge.guard(), strings),
            );
            let account_id = Some(strings.intern(&edge.account.id));
            let actions: Vec<Sym> = edge
                .statement
                .actions
                .iter()
                .map(|action| strings.intern(action))
                .collect();
            self.edges
                .entry(key)
                .or_insert_with(|| EdgeFact {
                    account_id,
                    role_kind: graph::role_kind(&edge.role.kind).name(),
                    principal_kind: kind.name(),
                    principal_label: label,
                    actions: BTreeSet::new(),
                })
                .actions
                .extend(actions);
        }
    }

    fn add_reach(&mut self, model: &Model, strings: &mut Strings) {
        for account in &model.accounts {
            for role in account.roles() {
                if is_developer_entry(account, role) {
                    let arn = strings.intern(&role.arn);
                    let account_id = strings.intern(&account.id);
                    self.reach.entry(arn).or_insert(ReachFact {
                        account_id: Some(account_id),
                        kind: Some(graph::role_kind(&role.kind).name()),
                        direct: true,
                        through: Box::new([]),
                        dev_access: account.dev_access != DevMode::None,
                    });
                }
            }
        }
        for reach in developer_reach(model) {
            let target = reach.target();
            let through = reach.chain[..reach.chain.len() - 1]
                .iter()
                .map(|hop| strings.intern(&hop.role_arn))
                .collect();
            let account_id = match &target.account {
                Some(name) => model
                    .accounts
                    .iter()
                    .find(|a| &a.name == name)
                    .map(|a| strings.intern(&a.id)),
                None => Arn::parse(&target.role_arn).map(|arn| strings.intern(arn.account)),
            };
            let arn = strings.intern(&target.role_arn);
            self.reach.entry(arn).or_insert(ReachFact {
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

/// The tag key a condition key or policy variable reads (`…Tag/KEY`, any case), lower
/// case as IAM compares tag keys.
fn tag_key(key: &str) -> Option<String> {
    let lower = key.to_ascii_lowercase();
    lower.split_once("tag/").map(|(_, tag)| tag.to_string())
}

/// A statement as a grant: its lists as sets, its condition as a guard.
pub(crate) fn grant(statement: &Statement, strings: &mut Strings) -> Grant {
    let mut set = |items: &[String]| -> Box<[Sym]> {
        let mut syms: Vec<Sym> = items.iter().map(|item| strings.intern(item)).collect();
        syms.sort_unstable();
        syms.dedup();
        syms.into_boxed_slice()
    };
    let actions = set(&statement.actions);
    let resources = set(&statement.resources);
    Grant {
        effect: statement.effect,
        actions,
        resources,
        guard: guard(std::iter::once(&statement.condition), strings),
    }
}

/// Statements as one sorted set of grants.
pub(crate) fn grants<'s>(
    statements: impl Iterator<Item = &'s Statement>,
    strings: &mut Strings,
) -> Box<[Grant]> {
    let mut grants: Vec<Grant> = statements.map(|s| grant(s, strings)).collect();
    grants.sort_unstable();
    grants.dedup();
    grants.into_boxed_slice()
}

/// Conditions that must all hold, as a set of clauses: operator and key order, value
/// order and repeats are no difference, and a clause asked twice (a trust statement and
/// the developer policy both asking for MFA) is asked once.
pub(crate) fn guard<'a>(
    conditions: impl Iterator<Item = &'a Condition>,
    strings: &mut Strings,
) -> Guard {
    let mut clauses = Guard::new();
    for condition in conditions {
        for (operator, keys) in condition {
            for (key, value) in keys {
                let mut values = Vec::new();
                push_values(value, &mut values, strings);
                values.sort_unstable();
                values.dedup();
                clauses.insert(Clause {
                    operator: strings.intern(operator),
                    key: strings.intern(key),
                    values: values.into_boxed_slice(),
                });
            }
        }
    }
    clauses
}

/// A condition value as the strings IAM compares: `true` and `"true"` are one value.
fn push_values(value: &serde_json::Value, into: &mut Vec<Sym>, strings: &mut Strings) {
    match value {
        serde_json::Value::String(text) => into.push(strings.intern(text)),
        serde_json::Value::Array(items) => {
            for item in items {
                push_values(item, into, strings);
            }
        }
        serde_json::Value::Bool(b) => into.push(strings.intern(&b.to_string())),
        serde_json::Value::Number(n) => into.push(strings.intern(&n.to_string())),
        other => into.push(strings.intern(&other.to_string())),
    }
}
