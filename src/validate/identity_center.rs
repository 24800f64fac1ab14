//! `[identity_center]`: the instance, its account and portal, and the developers'
//! permission sets.
//!
//! A permission set is an org-wide grant: a group assigned it in an account becomes a
//! role there. So its shape is held to AWS's (a name with no wildcard, a real instance
//! ARN, a group id that is an id), and it reaches dev-access accounts only, never one that
//! looks like production.

use crate::collections::HashSet;

use super::arn_kinds::{self, ArnKind};
use super::permissions::{self, Holder};
use super::{accounts, envs, regions, Findings};
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::{
    instance_arn_problem, is_group_id, is_permission_set_name, is_start_url, iso_duration_seconds,
};
use crate::model::limits::PERMISSION_SET_SESSION_SECONDS;
use crate::model::{dev_access_for, Arn, Model, PartitionExt};
use crate::path;
use crate::spec::{Account, DevMode, IdentityCenter, PermissionSet, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    let Some(center) = &spec.identity_center else {
        return;
    };
    invalid_instance_arn(spec, center, findings);
    let at = || path!["identity_center", "account"];
    accounts::unknown_account(spec, &center.account, &at, findings);
    if let Some(region) = &center.region {
        regions::check(spec, region, path!["identity_center", "region"], findings);
    }
    invalid_start_url(center, findings);
    no_permission_sets(center, findings);
    for (name, set) in &center.permission_sets {
        check_permission_set(spec, name, set, findings);
    }
}

fn invalid_instance_arn(spec: &Spec, center: &IdentityCenter, findings: &mut Findings) {
    let partition = spec.project.partition;
    if let Some(problem) = instance_arn_problem(&center.instance_arn, partition) {
        findings.at(
            Code::InvalidInstanceArn,
            path!["identity_center", "instance_arn"],
            problem,
            format!(
                "copy it from the IAM Identity Center console (Settings): arn:{}:sso:::instance/ssoins-<16 hex digits>",
                partition.as_str()
            ),
        );
    }
}

fn invalid_start_url(center: &IdentityCenter, findings: &mut Findings) {
    let Some(url) = &center.start_url else {
        return;
    };
    if !is_start_url(url) {
        findings.at(
            Code::InvalidStartUrl,
            path!["identity_center", "start_url"],
            format!("`{}` is not an AWS access portal URL", url.escape_debug()),
            "https://<your portal>.awsapps.com/start, as IAM Identity Center's settings show it",
        );
    }
}

fn no_permission_sets(center: &IdentityCenter, findings: &mut Findings) {
    if center.permission_sets.is_empty() {
        findings.at_key(
            Code::NoPermissionSets,
            path!["identity_center"],
            "[identity_center] declares no permission set",
            "add [identity_center.permission_sets.<name>] for the developers' permission set, or remove [identity_center]",
        );
    }
}

/// `identity_center.permission_sets.<name>` and what follows.
fn at(name: &str, rest: Vec<PathSegment>) -> Vec<PathSegment> {
    [path!["identity_center", "permission_sets", name], rest].concat()
}

fn check_permission_set(spec: &Spec, name: &str, set: &PermissionSet, findings: &mut Findings) {
    invalid_permission_set_name(name, findings);
    unused_permission_set(spec, name, findings);
    invalid_session_duration(name, set, findings);
    too_many_managed_policies(spec, name, set, findings);
    for (index, arn) in set.managed_policies.iter().enumerate() {
        let here = at(name, path!["managed_policies", index]);
        if !arn_kinds::invalid_arn(
            spec,
            arn,
            ArnKind::ManagedPolicy,
            &|| here.clone(),
            findings,
        ) {
            customer_policy_in_permission_set(arn, here, findings);
        }
    }
    let mut groups = HashSet::default();
    for (index, group) in set.assign_groups.iter().enumerate() {
        let here = at(name, path!["assign_groups", index]);
        if !invalid_group_id(group, here.clone(), findings) {
            duplicate_group(group, &mut groups, here, findings);
        }
    }
    match &set.accounts {
        Some(listed) if listed.is_empty() => permission_set_without_accounts(name, findings),
        Some(listed) => check_accounts(spec, name, listed, findings),
        None if !set.assign_groups.is_empty() => {
            permission_set_in_production_by_default(spec, name, findings);
        }
        None => {}
    }
}

/// `accounts = []` assigns the groups nowhere and drops the developer policy reference,
/// silently: a permission set that does nothing (leave `accounts` out for every dev-access
/// account).
fn permission_set_without_accounts(name: &str, findings: &mut Findings) {
    findings.at(
        Code::PermissionSetWithoutAccounts,
        at(name, path!["accounts"]),
        format!("permission set `{name}` lists no account: its groups are assigned nowhere and it references no developer policy"),
        "list the dev-access accounts it is for, or leave `accounts` out for every dev-access account with a developer policy",
    );
}

fn invalid_permission_set_name(name: &str, findings: &mut Findings) {
    if !is_permission_set_name(name) {
        findings.at_key(
            Code::InvalidPermissionSetName,
            at(name, Vec::new()),
            format!("`{}` is not a permission set name", name.escape_debug()),
            "1-32 of A-Z a-z 0-9 _ + = , . @ - (no wildcard: the name is part of the role ARNs that task roles trust)",
        );
    }
}

fn unused_permission_set(spec: &Spec, name: &str, findings: &mut Findings) {
    if !spec.dev_access.permission_sets.iter().any(|s| s == name) {
        findings.at_key(
            Code::UnusedPermissionSet,
            at(name, Vec::new()),
            format!("permission set `{name}` is not in dev_access.permission_sets"),
            format!("trustgen manages the developers' permission sets only: add \"{name}\" to dev_access.permission_sets, or remove this table"),
        );
    }
}

fn invalid_session_duration(name: &str, set: &PermissionSet, findings: &mut Findings) {
    let Some(duration) = &set.session_duration else {
        return;
    };
    let seconds = iso_duration_seconds(duration);
    if !seconds.is_some_and(|s| PERMISSION_SET_SESSION_SECONDS.contains(&s)) {
        findings.at(
            Code::InvalidSessionDuration,
            at(name, path!["session_duration"]),
            match seconds {
                Some(_) => {
                    format!("session_duration `{duration}` is outside IAM Identity Center's range")
                }
                None => format!(
                    "session_duration `{}` is not an ISO 8601 duration",
                    duration.escape_debug()
                ),
            },
            "PT1H to PT12H, e.g. \"PT8H\"",
        );
    }
}

fn too_many_managed_policies(
    spec: &Spec,
    name: &str,
    set: &PermissionSet,
    findings: &mut Findings,
) {
    let limit = spec.limits.managed_policies_per_role;
    if set.managed_policies.len() as i64 + 1 > limit {
        findings.at(
            Code::TooManyManagedPolicies,
            at(name, path!["managed_policies"]),
            format!(
                "permission set `{name}` would give its role {} managed policies (with the developer policy); the limit is {limit}",
                set.managed_policies.len() + 1
            ),
            "remove some, or raise limits.managed_policies_per_role after raising the quota",
        );
    }
}

fn customer_policy_in_permission_set(arn: &str, at: Vec<PathSegment>, findings: &mut Findings) {
    if Arn::parse(arn).is_some_and(|parsed| parsed.account != "aws") {
        findings.at(
            Code::CustomerPolicyInPermissionSet,
            at,
            format!("`{arn}` is a customer managed policy: a permission set attaches only AWS managed policies by ARN"),
            "a permission set names customer managed policies by name and path, the same in every account (trustgen does so for the developer policy): list only arn:<partition>:iam::aws:policy/… here",
        );
    }
}

/// Reports and returns whether `group` is no Identity Store group id.
fn invalid_group_id(group: &str, at: Vec<PathSegment>, findings: &mut Findings) -> bool {
    let invalid = !is_group_id(group);
    if invalid {
        findings.at(
            Code::InvalidGroupId,
            at,
            format!("`{}` is not an Identity Store group id", group.escape_debug()),
            "the group's id from IAM Identity Center (Groups → the group → Group ID): a UUID, after a `<10 hex digits>-` prefix for Identity Center's own directory; not its name",
        );
    }
    invalid
}

fn duplicate_group(
    group: &str,
    seen: &mut HashSet<String>,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if !seen.insert(group.to_ascii_lowercase()) {
        findings.at(
            Code::DuplicateGroup,
            at,
            format!("group `{group}` is listed twice"),
            "list each group once",
        );
    }
}

/// With no `accounts`, groups are assigned in every dev-access account: none of them may
/// look like production.
fn permission_set_in_production_by_default(spec: &Spec, name: &str, findings: &mut Findings) {
    for (account_name, account) in &spec.accounts {
        if dev_access_for(spec, &account.env) != DevMode::None
            && envs::is_production_env(&account.env)
        {
            findings.at(
                Code::PermissionSetInProduction,
                at(name, path!["assign_groups"]),
                format!("permission set `{name}` would be assigned in every dev-access account, and account `{account_name}` (env `{}`) is production", account.env),
                "permission sets are never assigned in production: list the accounts it is for in `accounts`, without that one",
            );
        }
    }
}

/// The accounts a permission set names: each once, each a dev-access account that does
/// not look like production (reported by the first rule an entry breaks).
fn check_accounts(spec: &Spec, name: &str, listed: &[String], findings: &mut Findings) {
    let mut seen = HashSet::default();
    for (index, account_name) in listed.iter().enumerate() {
        let here = at(name, path!["accounts", index]);
        let Some(account) =
            accounts::unknown_account(spec, account_name, &|| here.clone(), findings)
        else {
            continue;
        };
        let _reported = duplicate_account(account_name, &mut seen, &here, findings)
            || permission_set_in_production(name, account_name, account, &here, findings)
            || permission_set_outside_dev(spec, account_name, account, &here, findings);
    }
}

fn duplicate_account<'s>(
    account_name: &'s str,
    seen: &mut HashSet<&'s str>,
    at: &[PathSegment],
    findings: &mut Findings,
) -> bool {
    let twice = !seen.insert(account_name);
    if twice {
        findings.at(
            Code::DuplicateAccount,
            at.to_vec(),
            format!("account `{account_name}` is listed twice"),
            "list each account once",
        );
    }
    twice
}

fn permission_set_in_production(
    name: &str,
    account_name: &str,
    account: &Account,
    at: &[PathSegment],
    findings: &mut Findings,
) -> bool {
    let production = envs::is_production_env(&account.env);
    if production {
        findings.at(
            Code::PermissionSetInProduction,
            at.to_vec(),
            format!("permission set `{name}` would be assigned in account `{account_name}` (env `{}`), which is production", account.env),
            "permission sets are never assigned in production: developers act only in dev-access accounts",
        );
    }
    production
}

fn permission_set_outside_dev(
    spec: &Spec,
    account_name: &str,
    account: &Account,
    at: &[PathSegment],
    findings: &mut Findings,
) -> bool {
    let outside = dev_access_for(spec, &account.env) == DevMode::None;
    if outside {
        findings.at(
            Code::PermissionSetOutsideDev,
            at.to_vec(),
            format!("account `{account_name}` (env `{}`) has no developer access", account.env),
            "a developers' permission set is for dev-access accounts only: list accounts whose env is in dev_access.environments",
        );
    }
    outside
}

/// On the built model: the accounts a permission set names must have a developer policy
/// for it to reference (an extended or simulate account without tasks has none).
pub(super) fn permission_set_without_developer_policy(
    spec: &Spec,
    model: &Model,
    findings: &mut Findings,
) {
    let Some(center) = &spec.identity_center else {
        return;
    };
    for (name, set) in &center.permission_sets {
        for (index, account_name) in set.accounts.iter().flatten().enumerate() {
            let Some(account) = spec.accounts.get(account_name) else {
                continue;
            };
            // The model keeps the accounts a permission set can reference the policy in.
            let eligible = model
                .identity_center
                .iter()
                .flat_map(|built| &built.permission_sets)
                .any(|built| &built.name == name && built.accounts.contains(account_name));
            let dev = dev_access_for(spec, &account.env) != DevMode::None;
            if dev && !envs::is_production_env(&account.env) && !eligible {
                findings.at(
                    Code::PermissionSetWithoutDeveloperPolicy,
                    at(name, path!["accounts", index]),
                    format!("account `{account_name}` has no developer policy for permission set `{name}` to reference: it has no task (or simulator) role to assume"),
                    "list only dev-access accounts with tasks (tagged mode: any dev-access account)",
                );
            }
        }
    }
}

/// Warnings (with dev access on): what the permission sets hold, and where Identity
/// Center is administered from.
pub(super) fn warnings(spec: &Spec, findings: &mut Findings) {
    let Some(center) = &spec.identity_center else {
        return;
    };
    for (name, set) in &center.permission_sets {
        permissions::admin_managed_policy(
            &set.managed_policies,
            &|| at(name, path!["managed_policies"]),
            Holder {
                developers_inherit: true,
            },
            findings,
        );
    }
    identity_center_in_dev_account(spec, center, findings);
}

fn identity_center_in_dev_account(spec: &Spec, center: &IdentityCenter, findings: &mut Findings) {
    let administers_dev = spec
        .accounts
        .get(&center.account)
        .is_some_and(|account| dev_access_for(spec, &account.env) != DevMode::None);
    if administers_dev {
        findings.at(
            Code::IdentityCenterInDevAccount,
            path!["identity_center", "account"],
            format!("IAM Identity Center is administered from account `{}`, a dev-access account: whoever administers it decides who may sign in to every account of the organisation", center.account),
            "administer Identity Center from the management account or a delegated administrator account without developer access",
        );
    }
}
