//! The AWS CLI profiles a developer uses, resolved from the model: which roles developers
//! assume, under which stable names, and from which profile. `aws-config` writes them and
//! validation checks their names for collisions; `assume` names the developer profile.

use super::{names, Account, Model, Role, RoleKind};
use crate::spec::DevMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileKind {
    /// The bootstrap developer role; the account's other profiles start from it.
    Developer,
    /// A task role (tagged and extended modes).
    Task,
    /// Simulate mode's base role (`trustgen assume` adds the session policies).
    Simulator,
    /// A `[roles]` destination, assumed from inside a task with the task role's credentials.
    FromEcs,
}

#[derive(Debug, Clone)]
pub(crate) struct Profile<'m> {
    pub name: String,
    pub kind: ProfileKind,
    pub account: &'m Account,
    pub role: &'m Role,
    /// The profile it assumes from: the account's SSO profile, else its developer profile,
    /// else the developer's own (`None`); in-task profiles have none.
    pub source: Option<String>,
}

/// An IAM Identity Center profile (`sso_session`, `sso_account_id`, `sso_role_name`): a
/// permission set's session in one dev-access account, which that account's task (or
/// simulator) profiles start from.
#[derive(Debug, Clone)]
pub(crate) struct SsoProfile<'m> {
    pub name: String,
    pub account: &'m Account,
    /// The permission set (`sso_role_name`): the first of `dev_access.permission_sets`
    /// that is for this account.
    pub permission_set: &'m str,
}

/// One SSO profile per dev-access account some developer permission set is for, in
/// account order.
pub(crate) fn sso_profiles(model: &Model) -> Vec<SsoProfile<'_>> {
    let Some(center) = &model.identity_center else {
        return Vec::new();
    };
    model
        .accounts
        .iter()
        .filter(|account| account.dev_access != DevMode::None)
        .filter_map(|account| {
            let set = center
                .permission_sets
                .iter()
                .find(|set| set.accounts.contains(&account.name))?;
            Some(SsoProfile {
                name: names::sso_profile(&model.project, &account.name),
                account,
                permission_set: &set.name,
            })
        })
        .collect()
}

/// Every profile, in a stable order: per dev-access account its developer profile, then
/// its task (or simulator) profiles; then every destination's in-task profile. Task and
/// simulator profiles start from the account's SSO profile where it has one, else from
/// its developer profile, else from the developer's own.
pub(crate) fn profiles(model: &Model) -> Vec<Profile<'_>> {
    let sso = sso_profiles(model);
    let mut profiles = Vec::new();
    for account in &model.accounts {
        if account.dev_access == DevMode::None {
            continue;
        }
        let mut source = None;
        if let Some(role) = &account.developer_role {
            let name = names::profile_name(&model.project, &account.name, "developer");
            profiles.push(Profile {
                name: name.clone(),
                kind: ProfileKind::Developer,
                account,
                role,
                source: None,
            });
            source = Some(name);
        }
        if let Some(profile) = sso.iter().find(|p| p.account.name == account.name) {
            source = Some(profile.name.clone());
        }
        match (account.dev_access, &account.simulator_role) {
            (DevMode::Simulate, Some(simulator)) => profiles.push(Profile {
                name: names::profile_name(&model.project, &account.name, "simulator"),
                kind: ProfileKind::Simulator,
                account,
                role: simulator,
                source: source.clone(),
            }),
            (DevMode::Tagged | DevMode::Extended, _) => {
                for role in &account.task_roles {
                    let RoleKind::Task(task) = &role.kind else {
                        continue;
                    };
                    profiles.push(Profile {
                        name: names::profile_name(&model.project, &account.name, task),
                        kind: ProfileKind::Task,
                        account,
                        role,
                        source: source.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    for account in &model.accounts {
        for role in &account.trusted_roles {
            profiles.push(Profile {
                name: names::destination_profile(&model.project, &account.name, &role.name),
                kind: ProfileKind::FromEcs,
                account,
                role,
                source: None,
            });
        }
    }
    profiles
}
