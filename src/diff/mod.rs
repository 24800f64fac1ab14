//! Access review (`trustgen diff`): what a change to the spec grants, exposes, runs or
//! moves, computed from the two models (not the files).
//!
//! Complete by construction: `classify` (and `containers`) destructure every model struct
//! without `..`, so a model field nobody classified does not compile, and each field gets
//! one [`Kind`] and one rule for when its change broadens (`fields`). Grants, trust and
//! developer reach are compared by meaning (`grants`): an action or resource pattern counts
//! as new only when no pattern of the other side covers it, a condition only narrows when
//! every request it admits was admitted before, and order or repetition in the spec is no
//! change at all. Identity is what AWS sees (`review`): accounts by id, roles and policies by
//! ARN, task definitions by account and family, permission sets by instance and name, so
//! renaming a spec key is a rename, not an access change.
//!
//! `review` holds one model's facts, `compare` sets two side by side, `report` writes the
//! result as text, Markdown or JSON.

mod classify;
mod compare;
mod facts;

mod fields;
mod grants;
pub(crate) mod report;
mod review;
mod strings;

pub(crate) use compare::compare;
pub(crate) use report::{findings, json, markdown, text, Place};
pub(crate) use review::Review;
pub(crate) use strings::Strings;

use serde::Serialize;

use crate::model::policy::Effect;

/// What a change is to a reviewer. JSON's `kind`, so CI can choose what fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// Grants access: statements, managed policies and boundaries; trust and its guards;
    /// which role each task definition runs as; dev access and developer reach; Identity
    /// Center permission sets, their policies, groups and accounts.
    Access,
    /// Exposes data or the host to a container's code: secrets, environment files, volumes
    /// and mounts, privileged, user, capabilities, pid/ipc and network mode, launch type,
    /// a read-only root turned off.
    Exposure,
    /// Changes what runs with a role's credentials: image, command, entry point, working
    /// directory, health check, environment, logging.
    Code,
    /// How long credentials last: session durations.
    Session,
    /// Where state lives or who applies: Terraform's layout, backend and roots, deploy
    /// roles, regions, the formats generated.
    Deployment,
    /// Anything else: names in the spec, logical ids, descriptions, sizes, labels.
    Other,
}

impl Kind {
    pub(crate) const ALL: [Kind; 6] = [
        Kind::Access,
        Kind::Exposure,
        Kind::Code,
        Kind::Session,
        Kind::Deployment,
        Kind::Other,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Exposure => "exposure",
            Kind::Code => "code",
            Kind::Session => "session",
            Kind::Deployment => "deployment",
            Kind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Mark {
    Added,
    Removed,
    Changed,
}

/// Everything a change grants, exposes, runs or moves, in report order: by account (the
/// new side's order, then accounts only the old side has, then project-wide changes),
/// then section, then subject.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Diff {
    /// Whether anything broadens: access granted, guards loosened, data or host exposed to
    /// a container, credentials made to last longer.
    pub broadens: bool,
    pub changes: Vec<Change>,
    /// The accounts the changes name, in the order the reports group them.
    #[serde(skip)]
    pub accounts: Vec<AccountHeading>,
}

impl Diff {
    /// Nothing changed at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changes of one kind.
    pub(crate) fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(move |change| change.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountHeading {
    pub id: String,
    /// Its name in the new spec (or the old one, for an account gone).
    pub name: String,
    /// Its name in the old spec, when the change renamed it.
    pub renamed_from: Option<String>,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Change {
    pub kind: Kind,
    pub change: Mark,
    pub broadens: bool,
    /// The spec account it is in (its new name); `null` for changes outside the spec's
    /// accounts or project-wide.
    pub account: Option<String>,
    pub account_id: Option<String>,
    #[serde(flatten)]
    pub what: What,
}

/// What changed. JSON's `what`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub(crate) enum What {
    /// An account whose developer access (its mode) changed.
    DevAccess {
        env_before: Option<String>,
        env_after: Option<String>,
        /// `none`, `tagged`, `extended` or `simulate`.
        mode_before: &'static str,
        mode_after: &'static str,
    },
    /// An `sts:AssumeRole` a trust policy allows (`added`: allowed now, not before, with
    /// these guards; `removed`: the reverse). A guard or action change on an existing
    /// principal -> role pair is the old edge removed and the new one added.
    Assume(Edge),
    /// A grant of a role, the developer policy or a session policy.
    Grant {
        /// The role's or policy's ARN; for a session policy, its task.
        holder: String,
        holder_kind: &'static str,
        grant: Grant,
    },
    /// A role developers can reach (directly, or by role chaining).
    Reach {
        /// The role's ARN (or the ARN pattern a grant names, for roles outside the spec).
        role: String,
        role_kind: Option<&'static str>,
        /// Assumed by developers themselves, rather than reached through another role.
        direct: bool,
        /// ARNs of the roles held on the way, the first one developers assume first.
        through: Vec<String>,
        /// Whether the role's account has dev access.
        dev_access: bool,
    },
    /// A task definition that now runs as another role.
    RunsAs {
        family: String,
        /// `task role` or `execution role`.
        role: String,
        before: String,
        after: String,
        /// What the new role grants that the old one did not, in short.
        gained: Vec<String>,
    },
    /// A whole entity that is new or gone, with its facts.
    Entity {
        subject: String,
        subject_kind: &'static str,
        facts: Vec<FactEntry>,
    },
    /// One field of an entity on both sides.
    Field {
        subject: String,
        subject_kind: &'static str,
        #[serde(flatten)]
        field: FieldChange,
    },
}

/// A field of an entity: where it is (a part, its name, an item) and its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A named part of an entity: a container, a volume.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Part {
    pub kind: String,
    pub name: String,
}

/// A field's value as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub(crate) enum Value {
    Text(String),
    Number(i64),
    Flag(bool),
    /// A sequence whose order matters (a command's arguments).
    List(Vec<String>),
}

impl Value {
    /// As one line for a terminal or a table cell (the caller escapes it).
    pub(crate) fn shown(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Flag(flag) => flag.to_string(),
            Value::List(items) => {
                let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
                format!("[{}]", quoted.join(", "))
            }
        }
    }
}

/// One fact of an entity added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FactEntry {
    pub kind: Kind,
    pub broadens: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Edge {
    /// The ARN of the role that may be assumed.
    pub role: String,
    pub role_kind: &'static str,
    /// The principal as the trust policy names it (a service, or an ARN; an account root
    /// narrowed by `aws:PrincipalArn` counts as the ARNs it is narrowed to).
    pub principal: String,
    /// The trust names the account root, narrowed by `aws:PrincipalArn` to the principal:
    /// it admits a role re-created under the same ARN, which a role named as principal
    /// (bound by IAM to the role's unique id) does not.
    pub through_account_root: bool,
    pub principal_kind: &'static str,
    pub principal_label: String,
    /// What it may call: `sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`.
    pub actions: Vec<String>,
    /// Short names of the guards: "source guard", "MFA", "ExternalId", "tag k=v",
    /// "PrincipalArn", other condition keys by name.
    pub guards: Vec<String>,
    /// The guarding conditions in full; all must hold.
    pub conditions: Vec<Clause>,
    /// `edge`: the principal -> role pair is new (or gone); `guards`: the pair is on both
    /// sides and its guards differ; `principal`: the pair is trusted through the account
    /// root on one side and by name on the other; `actions`: only what it may call differs.
    pub edge_change: &'static str,
    /// For `guards`: guards the old edge had and the new one lacks, and the reverse.
    pub guards_removed: Vec<String>,
    pub guards_added: Vec<String>,
}

/// One condition clause, normalised: the operator, the key, and the values it compares
/// with (any of them), sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub(crate) struct Clause {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Grant {
    /// What a statement allows or denies: every action on every resource, under the
    /// conditions. For a statement that grew, only what it added (or lost).
    Statement {
        effect: Effect,
        actions: Vec<String>,
        resources: Vec<String>,
        conditions: Vec<Clause>,
    },
    ManagedPolicy {
        policy_arn: String,
    },
    PermissionsBoundary {
        policy_arn: String,
    },
    /// The developer policy attached to an existing principal of the account.
    Attachment {
        principal_type: &'static str,
        name: String,
    },
}

#[cfg(test)]
mod tests;
