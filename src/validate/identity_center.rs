//! IAM Identity Center: `[identity_center]`, its permission sets, and the
//! `dev_access.permission_sets` that make their sessions developers.
//!
//! A permission set is an org-wide grant: a group assigned it in an account becomes a
//! role there. So its shape is held to AWS's (a name with no wildcard, a real instance
//! ARN, a group id that is an id), and it reaches dev-access accounts only, never one that
//! looks like production.

use std::collections::HashSet;

use super::organisation::{account_suggestion, check_region};
use super::syntax::{self, ArnKind};
use super::Findings;
use crate::diagnostic::{suggest, PathSegment};
use crate::model::limits::PERMISSION_SET_SESSION_SECONDS;
use crate::model::{dev_access_for, Model};
use crate::path;
use crate::spec::{DevMode, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    check_dev_access(spec, findings);
    let Some(center) = &spec.identity_center else {
        return;
    };
    if let Some(problem) =
        syntax::instance_arn_problem(&center.instance_arn, spec.project.partition)
    {
        findings.error_help(
            "invalid-instance-arn",
            path!["identity_center", "instance_arn"],
            problem,
            format!(
                "copy it from the IAM Identity Center console (Settings): arn:{}:sso:::instance/ssoins-<16 hex digits>",
                crate::model::PartitionExt::as_str(&spec.project.partition)
            ),
        );
    }
    if !spec.accounts.contains_key(&center.account) {
        findings.error_help(
            "unknown-account",
            path!["identity_center", "account"],
            format!("no account named `{}`", center.account),
            account_suggestion(spec, &center.account),
        );
    }
    if let Some(region) = &center.region {
        check_region(spec, region, path!["identity_center", "region"], findings);
    }
    if let Some(url) = &center.start_url {
        if !syntax::is_start_url(url) {
            findings.error_help(
                "invalid-start-url",
                path!["identity_center", "start_url"],
                format!("`{}` is not an AWS access portal URL", url.escape_debug()),
                "https://<your portal>.awsapps.com/start, as IAM Identity Center's settings show it",
            );
        }
    }
    if center.permission_sets.is_empty() {
        findings.key_error(
            "no-permission-sets",
            path!["identity_center"],
            "[identity_center] declares no permission set",
            "add [identity_center.permission_sets.<name>] for the developers' permission set, or remove [identity_center]",
        );
    }
    for (name, set) in &center.permission_sets {
        let at = |rest: Vec<PathSegment>| {
            [path!["identity_center", "permission_sets", name], rest].concat()
        };
        if !syntax::is_permission_set_name(name) {
            findings.key_error(
                "invalid-permission-set-name",
                at(Vec::new()),
                format!("`{}` is not a permission set name", name.escape_debug()),
                "1-32 of A-Z a-z 0-9 _ + = , . @ - (no wildcard: the name is part of the role ARNs that task roles trust)",
            );
        }
        if !spec.dev_access.permission_sets.contains(name) {
            findings.key_error(
                "unused-permission-set",
                at(Vec::new()),
                format!("permission set `{name}` is not in dev_access.permission_sets"),
                format!("trustgen manages the developers' permission sets only: add \"{name}\" to dev_access.permission_sets, or remove this table"),
            );
        }
        if let Some(duration) = &set.session_duration {
            let seconds = syntax::iso_duration_seconds(duration);
            if !seconds.is_some_and(|s| PERMISSION_SET_SESSION_SECONDS.contains(&s)) {
                findings.error_help(
                    "invalid-session-duration",
                    at(path!["session_duration"]),
                    match seconds {
                        Some(_) => format!(
                            "session_duration `{duration}` is outside IAM Identity Center's range"
                        ),
                        None => format!(
                            "session_duration `{}` is not an ISO 8601 duration",
                            duration.escape_debug()
                        ),
                    },
                    "PT1H to PT12H, e.g. \"PT8H\"",
                );
            }
        }
        let limit = spec.limits.managed_policies_per_role;
        if set.managed_policies.len() as i64 + 1 > limit {
            findings.error_help(
                "too-many-managed-policies",
                at(path!["managed_policies"]),
                format!(
                    "permission set `{name}` would give its role {} managed policies (with the developer policy); the limit is {limit}",
                    set.managed_policies.len() + 1
                ),
                "remove some, or raise limits.managed_policies_per_role after raising the quota",
            );
        }
        for (index, arn) in set.managed_policies.iter().enumerate() {
            if let Some(problem) =
                syntax::arn_problem(arn, spec.project.partition, ArnKind::ManagedPolicy)
            {
                findings.error_help(
                    "invalid-arn",
                    at(path!["managed_policies", index]),
                    problem.message,
                    problem.help,
                );
            } else if crate::model::Arn::parse(arn).is_some_and(|parsed| parsed.account != "aws") {
                findings.error_help(
                    "customer-policy-in-permission-set",
                    at(path!["managed_policies", index]),
                    format!("`{arn}` is a customer managed policy: a permission set attaches only AWS managed policies by ARN"),
                    "a permission set names customer managed policies by name and path, the same in every account (trustgen does so for the developer policy): list only arn:<partition>:iam::aws:policy/… here",
                );
            }
        }
        let mut groups = HashSet::new();
        for (index, group) in set.assign_groups.iter().enumerate() {
            if !syntax::is_group_id(group) {
                findings.error_help(
                    "invalid-group-id",
                    at(path!["assign_groups", index]),
                    format!("`{}` is not an Identity Store group id", group.escape_debug()),
                    "the group's id from IAM Identity Center (Groups → the group → Group ID): a UUID, after a `<10 hex digits>-` prefix for Identity Center's own directory; not its name",
                );
            } else if !groups.insert(group.to_ascii_lowercase()) {
                findings.error_help(
                    "duplicate-group",
                    at(path!["assign_groups", index]),
                    format!("group `{group}` is listed twice"),
                    "list each group once",
                );
            }
        }
        check_accounts(spec, name, set, findings);
    }
}

/// Where a permission set is for: named accounts must be dev-access accounts and not
/// production; by default every dev-access account, so none of them may look like
/// production when groups are assigned.
fn check_accounts(
    spec: &Spec,
    name: &str,
    set: &crate::spec::PermissionSet,
    findings: &mut Findings,
) {
    let at =
        |rest: Vec<PathSegment>| [path!["identity_center", "permission_sets", name], rest].concat();
    let Some(accounts) = &set.accounts else {
        if set.assign_groups.is_empty() {
            return;
        }
        for (account_name, account) in &spec.accounts {
            if dev_access_for(spec, &account.env) != DevMode::None
                && syntax::is_production_env(&account.env)
            {
                findings.error_help(
                    "permission-set-in-production",
                    at(path!["assign_groups"]),
                    format!("permission set `{name}` would be assigned in every dev-access account, and account `{account_name}` (env `{}`) is production", account.env),
                    "permission sets are never assigned in production: list the accounts it is for in `accounts`, without that one",
                );
            }
        }
        return;
    };
    let mut seen = HashSet::new();
    for (index, account_name) in accounts.iter().enumerate() {
        let at = at(path!["accounts", index]);
        let Some(account) = spec.accounts.get(account_name) else {
            findings.error_help(
                "unknown-account",
                at,
                format!("no account named `{account_name}`"),
                account_suggestion(spec, account_name),
            );
            continue;
        };
        if !seen.insert(account_name) {
            findings.error_help(
                "duplicate-account",
                at,
                format!("account `{account_name}` is listed twice"),
                "list each account once",
            );
        } else if syntax::is_production_env(&account.env) {
            findings.error_help(
                "permission-set-in-production",
                at,
                format!("permission set `{name}` would be assigned in account `{account_name}` (env `{}`), which is production", account.env),
                "permission sets are never assigned in production: developers act only in dev-access accounts",
            );
        } else if dev_access_for(spec, &account.env) == DevMode::None {
            findings.error_help(
                "permission-set-outside-dev",
                at,
                format!("account `{account_name}` (env `{}`) has no developer access", account.env),
                "a developers' permission set is for dev-access accounts only: list accounts whose env is in dev_access.environments",
            );
        }
    }
}

fn check_dev_access(spec: &Spec, findings: &mut Findings) {
    let dev = &spec.dev_access;
    let declared = spec
        .identity_center
        .as_ref()
        .map(|center| {
            center
                .permission_sets
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if !dev.permission_sets.is_empty() && dev.mode == DevMode::None {
        findings.key_error(
            "permission-sets-without-dev-access",
            path!["dev_access", "permission_sets"],
            "`permission_sets` does nothing while dev_access.mode is \"none\"",
            "set mode = \"extended\", \"tagged\" or \"simulate\", or remove it",
        );
    }
    for key in ["set_source_identity", "tag_session"] {
        let on = match key {
            "set_source_identity" => dev.set_source_identity,
            _ => dev.tag_session,
        };
        if on && dev.mode == DevMode::None {
            findings.key_error(
                "developer-option-without-dev-access",
                path!["dev_access", key],
                format!("`{key}` does nothing while dev_access.mode is \"none\""),
                "set a dev access mode, or remove it",
            );
        }
    }
    let mut seen = HashSet::new();
    for (index, name) in dev.permission_sets.iter().enumerate() {
        let at = path!["dev_access", "permission_sets", index];
        if !declared.contains(&name.as_str()) {
            let help = match suggest(name, declared.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("declare it in [identity_center.permission_sets.{}] (trustgen creates it and gives it the developer policy)", name.escape_debug()),
            };
            findings.error_help(
                "unknown-permission-set",
                at,
                format!(
                    "no permission set named `{}` in [identity_center]",
                    name.escape_debug()
                ),
                help,
            );
        } else if !seen.insert(name) {
            findings.error_help(
                "duplicate-permission-set",
                at,
                format!("permission set `{name}` is listed twice"),
                "list each permission set once",
            );
        }
    }
    for (index, principal) in dev.principals.iter().enumerate() {
        let reserved = crate::model::Arn::parse(principal)
            .and_then(|arn| arn.role_path_and_name())
            .is_some_and(|(path, name)| {
                path.starts_with(crate::model::RESERVED_SSO_PATH)
                    || name.starts_with(crate::model::RESERVED_SSO_PREFIX)
            });
        if reserved {
            findings.error_help(
                "reserved-sso-principal",
                path!["dev_access", "principals", index],
                format!("`{principal}` is an IAM Identity Center role: Identity Center re-creates it under a new name when its permission set is removed from the account and assigned again, and a trust naming it then silently stops matching"),
                "list the permission set in dev_access.permission_sets (declared in [identity_center.permission_sets.<name>]): task roles then trust its sessions by name",
            );
        }
    }
    // Where permission sets replace the account root, [developers] attachments would get the
    // developer policy but no trust statement would admit them.
    let narrowed = matches!(dev.mode, DevMode::Extended | DevMode::Simulate)
        && !dev.permission_sets.is_empty()
        && dev.principals.is_empty();
    if let (true, Some(developers)) = (narrowed, &spec.developers) {
        let attached = [
            ("attach_to_roles", !developers.attach_to_roles.is_empty()),
            ("attach_to_groups", !developers.attach_to_groups.is_empty()),
            ("attach_to_users", !developers.attach_to_users.is_empty()),
            ("create_role", developers.create_role),
        ];
        for (key, _) in attached.iter().filter(|(_, on)| *on) {
            findings.key_error(
                "developers-not-trusted",
                path!["developers", *key],
                format!("with permission sets and no dev_access.principals, the {} trust only the permission sets' sessions: the principals of `{key}` would get the developer policy, but nothing would let them in", if dev.mode == DevMode::Simulate { "simulator roles" } else { "task roles" }),
                "sign in through the permission sets and remove it, or name these principals' ARNs in dev_access.principals",
            );
        }
    }
}

/// On the built model: the accounts a permission set names must have a developer policy
/// for it to reference (an extended or simulate account without tasks has none).
pub(super) fn check_model(spec: &Spec, model: &Model, findings: &mut Findings) {
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
            if dev && !syntax::is_production_env(&account.env) && !eligible {
                findings.error_help(
                    "permission-set-without-developer-policy",
                    path!["identity_center", "permission_sets", name, "accounts", index],
                    format!("account `{account_name}` has no developer policy for permission set `{name}` to reference: it has no task (or simulator) role to assume"),
                    "list only dev-access accounts with tasks (tagged mode: any dev-access account)",
                );
            }
        }
    }
}
