//! `[developers]`: the developer policy, the principals it is attached to, and the
//! bootstrap role developers assume from the accounts it trusts.

use super::arn_kinds::{self, ArnKind};
use super::permissions::{self, Holder};
use super::{accounts, envs, Findings};
use crate::diagnostic::Code;
use crate::model::dev_access_for;
use crate::model::identifiers::{is_iam_name, role_name_problem};
use crate::path;
use crate::spec::{DevMode, Developers, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    let Some(developers) = &spec.developers else {
        return;
    };
    developers_without_dev_access(spec, findings);
    invalid_policy_name(developers, findings);
    invalid_role_name(developers, findings);
    for (key, names) in [
        ("attach_to_roles", &developers.attach_to_roles),
        ("attach_to_groups", &developers.attach_to_groups),
        ("attach_to_users", &developers.attach_to_users),
    ] {
        for (index, name) in names.iter().enumerate() {
            if !invalid_name(key, index, name, findings) && key == "attach_to_roles" {
                reserved_sso_role(index, name, findings);
            }
        }
    }
    no_trusted_accounts(developers, findings);
    for (index, name) in developers.trusted_accounts.iter().enumerate() {
        let at = || path!["developers", "trusted_accounts", index];
        accounts::unknown_account(spec, name, &at, findings);
    }
    too_many_managed_policies(spec, developers, findings);
    for (index, arn) in developers.managed_policies.iter().enumerate() {
        let at = || path!["developers", "managed_policies", index];
        arn_kinds::invalid_arn(spec, arn, ArnKind::ManagedPolicy, &at, findings);
    }
}

fn developers_without_dev_access(spec: &Spec, findings: &mut Findings) {
    if spec.dev_access.mode == DevMode::None {
        findings.at_key(
            Code::DevelopersWithoutDevAccess,
            path!["developers"],
            "[developers] does nothing while dev_access.mode is \"none\"",
            "set dev_access.mode = \"tagged\", \"extended\" or \"simulate\", or remove [developers]",
        );
    }
}

fn invalid_policy_name(developers: &Developers, findings: &mut Findings) {
    if !is_iam_name(&developers.policy_name) {
        findings.at(
            Code::InvalidPolicyName,
            path!["developers", "policy_name"],
            format!(
                "`{}` is not a valid IAM policy name",
                developers.policy_name
            ),
            "1-128 of A-Z a-z 0-9 + = , . @ _ -",
        );
    }
}

fn invalid_role_name(developers: &Developers, findings: &mut Findings) {
    if let Some(problem) = role_name_problem(&developers.role_name) {
        findings.at(
            Code::InvalidRoleName,
            path!["developers", "role_name"],
            format!("role name `{}` {problem}", developers.role_name),
            "1-64 of A-Z a-z 0-9 + = , . @ _ -",
        );
    }
}

/// Reports and returns whether an attachment is not a plain IAM name.
fn invalid_name(key: &str, index: usize, name: &str, findings: &mut Findings) -> bool {
    let invalid = !is_iam_name(name) || name.starts_with("arn:");
    if invalid {
        findings.at(
            Code::InvalidName,
            path!["developers", key, index],
            format!("`{name}` is not an IAM name"),
            "give the existing role, group or user by name, not ARN",
        );
    }
    invalid
}

fn reserved_sso_role(index: usize, name: &str, findings: &mut Findings) {
    if !name.to_ascii_lowercase().starts_with("awsreservedsso_") {
        return;
    }
    // `AWSReservedSSO_<permission set>_<suffix>`.
    let set = name
        .get("AWSReservedSSO_".len()..)
        .and_then(|rest| rest.rsplit_once('_'))
        .map_or("<name>", |(set, _)| set);
    findings.at(
        Code::ReservedSsoRole,
        path!["developers", "attach_to_roles", index],
        format!("`{name}` is an IAM Identity Center role: IAM refuses to attach policies to it, so the developer policy would never reach those developers"),
        format!("remove this entry, and list the permission set in dev_access.permission_sets = [\"{set}\"] with a [identity_center.permission_sets.{set}] table: the permission set then references the developer policy, and task roles trust its sessions"),
    );
}

fn no_trusted_accounts(developers: &Developers, findings: &mut Findings) {
    if developers.create_role && developers.trusted_accounts.is_empty() {
        findings.at_key(
            Code::NoTrustedAccounts,
            path!["developers", "create_role"],
            "create_role needs trusted_accounts: nobody could assume the role",
            "e.g. trusted_accounts = [\"identity\"]",
        );
    }
}

fn too_many_managed_policies(spec: &Spec, developers: &Developers, findings: &mut Findings) {
    let limit = spec.limits.managed_policies_per_role;
    if developers.managed_policies.len() as i64 + 1 > limit {
        findings.at(
            Code::TooManyManagedPolicies,
            path!["developers", "managed_policies"],
            format!("the developer role would have {} managed policies (with the developer policy); the limit is {limit}", developers.managed_policies.len() + 1),
            "remove some, or raise limits.managed_policies_per_role after raising the quota",
        );
    }
}

/// Where permission sets replace the account root, `[developers]` attachments would get the
/// developer policy but no trust statement would admit them.
pub(super) fn developers_not_trusted(spec: &Spec, findings: &mut Findings) {
    let dev = &spec.dev_access;
    let narrowed = matches!(dev.mode, DevMode::Extended | DevMode::Simulate)
        && !dev.permission_sets.is_empty()
        && dev.principals.is_empty();
    let Some(developers) = spec.developers.as_ref().filter(|_| narrowed) else {
        return;
    };
    let attached = [
        ("attach_to_roles", !developers.attach_to_roles.is_empty()),
        ("attach_to_groups", !developers.attach_to_groups.is_empty()),
        ("attach_to_users", !developers.attach_to_users.is_empty()),
        ("create_role", developers.create_role),
    ];
    let trusting = if dev.mode == DevMode::Simulate {
        "simulator roles"
    } else {
        "task roles"
    };
    for (key, _) in attached.iter().filter(|(_, on)| *on) {
        findings.at_key(
            Code::DevelopersNotTrusted,
            path!["developers", *key],
            format!("with permission sets and no dev_access.principals, the {trusting} trust only the permission sets' sessions: the principals of `{key}` would get the developer policy, but nothing would let them in"),
            "sign in through the permission sets and remove it, or name these principals' ARNs in dev_access.principals",
        );
    }
}

/// Warning (with dev access on): dev accounts where nobody gets the developer policy.
pub(super) fn developer_policy_unattached(spec: &Spec, findings: &mut Findings) {
    let dev_accounts = spec
        .accounts
        .values()
        .any(|a| dev_access_for(spec, &a.env) != DevMode::None);
    // A developers' permission set references the policy in every dev-access account.
    let attached = spec
        .developers
        .as_ref()
        .is_some_and(Developers::is_attached)
        || !spec.dev_access.permission_sets.is_empty();
    if dev_accounts && !attached {
        let at = if spec.developers.is_some() {
            path!["developers"]
        } else {
            path!["dev_access", "mode"]
        };
        findings.at(
            Code::DeveloperPolicyUnattached,
            at,
            "dev access is on, but no principal gets the developer policy: nobody in the dev accounts is allowed to assume what it opens (tagged and simulate modes trust the account root, which only delegates)",
            "attach it in [developers] (attach_to_roles, attach_to_groups, attach_to_users), set create_role = true, or list developers' IAM Identity Center permission sets in dev_access.permission_sets",
        );
    }
}

/// Warnings (with dev access on) about the bootstrap role: what it holds, and whom it trusts.
pub(super) fn warnings(spec: &Spec, findings: &mut Findings) {
    let Some(developers) = spec.developers.as_ref().filter(|d| d.create_role) else {
        return;
    };
    permissions::admin_managed_policy(
        &developers.managed_policies,
        &|| path!["developers", "managed_policies"],
        Holder {
            developers_inherit: true,
        },
        findings,
    );
    developer_role_trusts_workload_account(spec, developers, findings);
}

/// Whoever administers a trusted account can become a developer in every dev account: a
/// production or workload account must not be one.
fn developer_role_trusts_workload_account(
    spec: &Spec,
    developers: &Developers,
    findings: &mut Findings,
) {
    for (index, name) in developers.trusted_accounts.iter().enumerate() {
        let Some(account) = spec.accounts.get(name) else {
            continue;
        };
        let workload = spec.tasks.values().any(|t| &t.account == name)
            || spec.roles.values().any(|r| &r.account == name);
        let production = envs::is_production_env(&account.env);
        if production || (workload && dev_access_for(spec, &account.env) == DevMode::None) {
            findings.at(
                Code::DeveloperRoleTrustsWorkloadAccount,
                path!["developers", "trusted_accounts", index],
                format!("the developer role trusts account `{name}` (env `{}`), a {} account: whoever administers it can become a developer in every dev account", account.env, if production { "production" } else { "workload" }),
                "trust the account where developers sign in (an identity account without workloads)",
            );
        }
    }
}
