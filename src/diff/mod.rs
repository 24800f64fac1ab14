//! Access review: what a change to the spec grants or takes away, computed from the two
//! models (not the files). `access` extracts the normalised facts of one model, `compare`
//! sets two of them side by side, `report` writes the result as text, Markdown or JSON.
//!
//! "Broadens" is decided semantically: an action or resource pattern counts as new only
//! when no pattern of the other side covers it (`s3:*` replacing `s3:GetObject` is wider;
//! the reverse is not), a condition only narrows when every request it admits was admitted
//! before, and order or repetition in the spec is no change at all.

mod access;
mod compare;
mod report;

pub(crate) use access::Access;
pub(crate) use compare::compare;
pub(crate) use report::{json, markdown, text};

use serde::Serialize;

use crate::model::policy::Effect;

/// Everything a change grants or takes away, sorted by account (spec order) then role ARN.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Diff {
    /// Whether anything grants more than before: a new edge or one guarded by less, a
    /// wider or new Allow, a Deny or permissions boundary removed or narrowed, a new managed
    /// policy or attachment, a role newly within developers' reach, an account newly in
    /// dev access.
    pub broadens: bool,
    pub assume: Changes<EdgeChange>,
    pub permissions: Changes<PermissionChange>,
    pub developer_reach: Changes<ReachChange>,
    pub task_definitions: TaskChanges,
    pub dev_access: DevAccessChanges,
    /// Terraform's layout and state settings: no access of their own, but they decide
    /// where the state every apply trusts is kept, and which role reaches it.
    pub deployment: Vec<SettingChange>,
    /// The accounts the entries name, in the order the reports group them.
    #[serde(skip)]
    pub accounts: Vec<AccountHeading>,
}

impl Diff {
    /// Nothing changed at all.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.access_unchanged() && self.deployment.is_empty()
    }

    /// Nothing granted or taken away (deployment settings aside).
    pub(crate) fn access_unchanged(&self) -> bool {
        self.assume.added.is_empty()
            && self.assume.removed.is_empty()
            && self.permissions.added.is_empty()
            && self.permissions.removed.is_empty()
            && self.developer_reach.added.is_empty()
            && self.developer_reach.removed.is_empty()
            && self.task_definitions.added.is_empty()
            && self.task_definitions.removed.is_empty()
            && self.task_definitions.changed.is_empty()
            && self.dev_access.added.is_empty()
            && self.dev_access.removed.is_empty()
            && self.dev_access.changed.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountHeading {
    pub name: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Changes<T> {
    pub added: Vec<T>,
    pub removed: Vec<T>,
}

impl<T> Default for Changes<T> {
    fn default() -> Self {
        Changes {
            added: Vec::new(),
            removed: Vec::new(),
        }
    }
}

/// One condition clause, normalised: the operator, the key, and the values it compares
/// with (any of them), sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub(crate) struct Clause {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

/// An `sts:AssumeRole` a trust policy allows (`added`: allowed now, not before, with these
/// guards; `removed`: the reverse). A guard change on an existing principal → role pair is
/// the old edge removed and the new one added, both with `change: "guards"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct EdgeChange {
    /// The spec account the role is in.
    pub account: String,
    pub account_id: String,
    /// The ARN of the role that may be assumed.
    pub role: String,
    pub role_kind: &'static str,
    /// The principal as the trust policy names it (a service, or an ARN; an account root
    /// narrowed by `aws:PrincipalArn` counts as the ARNs it is narrowed to).
    pub principal: String,
    pub principal_kind: &'static str,
    pub principal_label: String,
    /// Short names of the guards: "source guard", "MFA", "ExternalId", "tag k=v",
    /// "PrincipalArn", other condition keys by name.
    pub guards: Vec<String>,
    /// The guarding conditions in full; all must hold.
    pub conditions: Vec<Clause>,
    /// `edge`: the principal → role pair is new (or gone); `guards`: the pair is on both
    /// sides and only its guards differ.
    pub change: &'static str,
    /// For `change: "guards"`: guards the old edge had and the new one lacks, and the reverse.
    pub guards_removed: Vec<String>,
    pub guards_added: Vec<String>,
    pub broadens: bool,
}

/// A grant of a role (or of the developer policy) that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PermissionChange {
    pub account: String,
    pub account_id: String,
    /// The role's ARN; for the developer policy, the policy's ARN.
    pub role: String,
    pub role_kind: &'static str,
    #[serde(flatten)]
    pub grant: Grant,
    pub broadens: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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

/// A role developers can reach (directly, or by role chaining from one they assume).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ReachChange {
    /// The spec account the role is in; `null` for an account the spec does not describe.
    pub account: Option<String>,
    pub account_id: Option<String>,
    /// The role's ARN (or the ARN pattern a grant names, for roles outside the spec).
    pub role: String,
    pub role_kind: Option<&'static str>,
    /// Assumed by developers themselves, rather than reached through another role.
    pub direct: bool,
    /// ARNs of the roles held on the way, the first one developers assume first.
    pub through: Vec<String>,
    /// Whether the role's account has dev access.
    pub dev_access: bool,
    pub broadens: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct TaskChanges {
    pub added: Vec<TaskEntry>,
    pub removed: Vec<TaskEntry>,
    pub changed: Vec<TaskChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct TaskEntry {
    pub account: String,
    pub account_id: String,
    pub task: String,
    pub family: String,
    pub task_role: String,
    pub execution_role: String,
    pub images: Vec<Image>,
    /// The `valueFrom` ARNs its containers read.
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Image {
    pub container: String,
    pub image: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Moved {
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct TaskChange {
    pub account: String,
    pub account_id: String,
    pub task: String,
    pub family: Option<Moved>,
    pub task_role: Option<Moved>,
    pub execution_role: Option<Moved>,
    pub images_added: Vec<Image>,
    pub images_removed: Vec<Image>,
    pub secrets_added: Vec<String>,
    pub secrets_removed: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct DevAccessChanges {
    /// Accounts developers have access to now and did not before.
    pub added: Vec<DevAccessChange>,
    pub removed: Vec<DevAccessChange>,
    /// Accounts in dev access on both sides whose mode changed.
    pub changed: Vec<DevAccessChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DevAccessChange {
    pub account: String,
    pub account_id: String,
    /// `null` where the account is not in that side's model.
    pub env_before: Option<String>,
    pub env_after: Option<String>,
    /// `none`, `tagged`, `extended` or `simulate`.
    pub mode_before: &'static str,
    pub mode_after: &'static str,
    pub broadens: bool,
}

/// One deployment setting that differs; `null` on the side that does not set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct SettingChange {
    pub setting: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod tests;
