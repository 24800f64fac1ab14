//! Developer reach: every role developers can end up in, directly or by role chaining,
//! computed from the generated policies themselves.
//!
//! Developers start in the roles they may assume: task roles of tagged and extended
//! dev-access accounts, the simulator, the bootstrap developer role, and the sessions of
//! their IAM Identity Center permission sets (which hold the developer policy in each
//! account the permission set is for). From any role they
//! hold, they reach every role its own policies allow `sts:AssumeRole` on, when that
//! role's trust admits it (roles outside the model are assumed to admit it: their trust
//! is not ours to see). Wide patterns (`*`, or a wildcard account or partition) are left
//! to the over-grant warnings: they are not a path to a known role but to every role.

use std::collections::VecDeque;

use super::arn::{RESERVED_SSO_PATH, RESERVED_SSO_PREFIX};
use super::policy::{Effect, Principal, Statement};
use super::{
    has_wildcard, pattern_matches, pattern_matches_ignoring_case, patterns_intersect, Account, Arn,
    Model, PartitionExt, Role, RoleKind,
};
use crate::collections::{HashMap, HashSet};
use crate::spec::DevMode;

/// A role developers can reach, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reach {
    /// The roles held on the way, from the one developers assume first to the reached
    /// one, which is last.
    pub chain: Vec<Hop>,
}

impl Reach {
    pub(crate) fn target(&self) -> &Hop {
        // A reach always holds at least the role developers start in and the reached role.
        &self.chain[self.chain.len() - 1]
    }

    /// The role the last step was taken from.
    pub(crate) fn source(&self) -> &Hop {
        &self.chain[self.chain.len() - 2]
    }
}

/// One role on a developer's way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    /// The role's ARN; for a role outside the model named by a pattern, the pattern.
    pub role_arn: String,
    /// The spec account the role is in, when the spec has one with its id.
    pub account: Option<String>,
    /// What the role is, when the model creates it.
    pub kind: Option<RoleKind>,
    /// The role name, when known.
    pub name: Option<String>,
    /// Whether developer access applies to its account.
    pub dev_access: bool,
    /// The `Resource` of the `sts:AssumeRole` grant that led here (empty for the first).
    pub via: String,
    /// For the session of an IAM Identity Center permission set: its name.
    pub permission_set: Option<String>,
}

/// What developers hold at some step: a role of the model, or a permission set's session
/// in an account (a role IAM Identity Center creates, with the developer policy).
enum Holder<'m> {
    Role(usize),
    Session {
        account: &'m Account,
        /// A concrete ARN of the session's role, for trust policies to judge.
        arn: String,
        patterns: Vec<String>,
    },
}

/// Every role developers reach beyond the ones they assume directly, each with the
/// shortest chain (breadth first, in model order), reached roles in the order found.
// Long on purpose: one breadth-first walk; its queue and `seen` set are shared by every step.
pub(crate) fn developer_reach(model: &Model) -> Vec<Reach> {
    let roles: Vec<(&Account, &Role)> = model
        .accounts
        .iter()
        .flat_map(|account| account.roles().map(move |role| (account.as_ref(), role)))
        .collect();
    // Roles by ARN (an exact pattern is a lookup), and by account id (a pattern with a
    // wildcard in its name is matched against its own account's roles only).
    let by_arn: HashMap<&str, usize> = roles
        .iter()
        .enumerate()
        .map(|(index, (_, role))| (role.arn.as_str(), index))
        .collect();
    let mut by_account: HashMap<&str, Vec<usize>> = HashMap::default();
    for (index, (account, _)) in roles.iter().enumerate() {
        by_account
            .entry(account.id.as_str())
            .or_default()
            .push(index);
    }
    let account_of_id = |id: &str| model.accounts.iter().find(|a| a.id == id);
    let hop_for = |account: &Account, role: &Role, via: &str| Hop {
        role_arn: role.arn.clone(),
        account: Some(account.name.clone()),
        kind: Some(role.kind.clone()),
        name: Some(role.name.clone()),
        dev_access: account.dev_access != DevMode::None,
        via: via.to_string(),
        permission_set: None,
    };
    let mut queue: VecDeque<(Holder, Vec<Hop>)> = VecDeque::new();
    let mut seen: HashSet<String> = HashSet::default();
    for (index, (account, role)) in roles.iter().enumerate() {
        if is_developer_entry(account, role) && seen.insert(role.arn.clone()) {
            queue.push_back((Holder::Role(index), vec![hop_for(account, role, "")]));
        }
    }
    for (account, set, hop) in permission_set_sessions(model) {
        let patterns = account
            .developer_policy
            .iter()
            .flat_map(|policy| &policy.document.statements)
            .filter(|statement| allows_assume_role(statement))
            .flat_map(|statement| statement.resources.iter().cloned())
            // Tagged mode's `role/*` holds only under its tag condition, which the task
            // roles (entries already) meet; other roles carrying the tag are the tagged
            // mode's documented property, not a chain of this spec.
            .filter(|resource| !has_wildcard(resource))
            .collect();
        let arn = session_arn(model, account, set);
        queue.push_back((
            Holder::Session {
                account,
                arn,
                patterns,
            },
            vec![hop],
        ));
    }
    let mut reached = Vec::new();
    while let Some((holder, chain)) = queue.pop_front() {
        let (holder_index, holder_arn, holder_account_id, patterns) = match &holder {
            Holder::Role(index) => {
                let (account, role) = roles[*index];
                (
                    Some(*index),
                    role.arn.as_str(),
                    account.id.as_str(),
                    assumable_patterns(role),
                )
            }
            Holder::Session {
                account,
                arn,
                patterns,
            } => (None, arn.as_str(), account.id.as_str(), patterns.clone()),
        };
        for pattern in patterns {
            let Some(parsed) = Arn::parse(&pattern) else {
                continue;
            };
            // Wide patterns are the over-grant warnings' to report; a pattern that cannot
            // name an IAM role (`arn:aws:s3:::bucket/*` under `Action: *`) leads nowhere.
            let names_role = patterns_intersect(parsed.service, "iam")
                && patterns_intersect(parsed.resource, "role/*");
            if parsed.is_wide() || !names_role {
                continue;
            }
            let exact = !has_wildcard(parsed.resource);
            let candidates: Vec<usize> = if exact {
                by_arn.get(pattern.as_str()).copied().into_iter().collect()
            } else {
                by_account
                    .get(parsed.account)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&index| pattern_matches(&pattern, &roles[index].1.arn))
                    .collect()
            };
            let matched_in_model = !candidates.is_empty();
            for index in candidates {
                let (account, role) = roles[index];
                if Some(index) == holder_index
                    || !trust_admits(role, holder_arn, holder_account_id, model)
                    || !seen.insert(role.arn.clone())
                {
                    continue;
                }
                let mut next = chain.clone();
                next.push(hop_for(account, role, &pattern));
                reached.push(Reach {
                    chain: next.clone(),
                });
                queue.push_back((Holder::Role(index), next));
            }
            // An exact ARN the model creates is that role; a pattern may also match roles
            // outside the spec in its account, which the model cannot vouch for.
            if (matched_in_model && exact) || !seen.insert(pattern.clone()) {
                continue;
            }
            let account = account_of_id(parsed.account);
            let mut next = chain.clone();
            next.push(Hop {
                role_arn: pattern.clone(),
                account: account.map(|a| a.name.clone()),
                kind: None,
                name: parsed
                    .role_path_and_name()
                    .map(|(_, name)| name.to_string()),
                dev_access: account.is_some_and(|a| a.dev_access != DevMode::None),
                via: pattern.clone(),
                permission_set: None,
            });
            reached.push(Reach { chain: next });
        }
    }
    reached
}

/// The sessions of the developers' permission sets: one per permission set and account
/// it is for, with its first hop (named by the pattern the task roles trust).
fn permission_set_sessions(model: &Model) -> Vec<(&Account, &str, Hop)> {
    let Some(center) = &model.identity_center else {
        return Vec::new();
    };
    center
        .permission_sets
        .iter()
        .flat_map(|set| {
            set.accounts.iter().filter_map(move |name| {
                let account = model.accounts.iter().find(|a| &a.name == name)?;
                let [_, regional] =
                    model
                        .partition
                        .reserved_role_patterns(&account.id, &center.region, &set.name);
                let hop = Hop {
                    role_arn: regional,
                    account: Some(account.name.clone()),
                    kind: None,
                    name: None,
                    dev_access: account.dev_access != DevMode::None,
                    via: String::new(),
                    permission_set: Some(set.name.clone()),
                };
                Some((account.as_ref(), set.name.as_str(), hop))
            })
        })
        .collect()
}

/// A role IAM Identity Center could create for `set` in `account` (its random suffix
/// zeroed): what trust policies judge a session of the permission set by.
fn session_arn(model: &Model, account: &Account, set: &str) -> String {
    let region = model
        .identity_center
        .as_ref()
        .map_or("", |center| center.region.as_str());
    model.partition.role_arn(
        &account.id,
        &format!("{RESERVED_SSO_PATH}{region}/"),
        &format!(
            "{RESERVED_SSO_PREFIX}{set}_{}",
            "0".repeat(super::limits::RESERVED_ROLE_SUFFIX_CHARS)
        ),
    )
}

/// Roles developers assume themselves.
pub(crate) fn is_developer_entry(account: &Account, role: &Role) -> bool {
    matches!(
        (&role.kind, account.dev_access),
        (RoleKind::Task(_), DevMode::Tagged | DevMode::Extended)
            | (RoleKind::Simulator | RoleKind::Developer, _)
    )
}

/// Whether an action pattern (`sts:*`, `*`, `sts:Assume*`) covers `sts:AssumeRole`.
pub(super) fn allows_assume_role(statement: &Statement) -> bool {
    statement.effect == Effect::Allow
        && statement
            .actions
            .iter()
            .any(|action| pattern_matches_ignoring_case(action, "sts:assumerole"))
}

/// The resources a role's own inline policies allow it to `sts:AssumeRole`.
fn assumable_patterns(role: &Role) -> Vec<String> {
    role.inline_policies
        .iter()
        .flat_map(|policy| &policy.document.statements)
        .filter(|statement| allows_assume_role(statement))
        .flat_map(|statement| statement.resources.iter().cloned())
        .collect()
}

/// Whether `role`'s trust lets a session of `principal_arn` (in account `principal_account`)
/// assume it: named exactly, or through its account root when no `aws:PrincipalArn`
/// condition narrows the root to other principals.
fn trust_admits(role: &Role, principal_arn: &str, principal_account: &str, model: &Model) -> bool {
    let root = model.partition.iam_root(principal_account);
    role.trust_policy.statements.iter().any(|statement| {
        let Some(Principal::Aws(principals)) = &statement.principal else {
            return false;
        };
        if !allows_assume_role(statement) {
            return false;
        }
        if principals.iter().any(|p| p == principal_arn) {
            return true;
        }
        if !principals.contains(&root) {
            return false;
        }
        let narrowed: Vec<&str> = statement
            .condition
            .iter()
            .filter(|(operator, _)| operator.starts_with("Arn"))
            .filter_map(|(_, keys)| keys.get("aws:PrincipalArn"))
            .flat_map(|value| match value {
                serde_json::Value::Array(items) => {
                    items.iter().filter_map(|v| v.as_str()).collect()
                }
                serde_json::Value::String(single) => vec![single.as_str()],
                _ => Vec::new(),
            })
            .collect();
        narrowed.is_empty()
            || narrowed
                .iter()
                .any(|pattern| pattern_matches(pattern, principal_arn))
    })
}
