//! Project, accounts, dev access, developers and quotas.

use std::collections::HashMap;

use super::syntax::{self, ArnKind};
use super::Findings;
use crate::diagnostic::suggest;
use crate::model::{Arn, PartitionExt};
use crate::path;
use crate::spec::{DevMode, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    if spec.version != 1 {
        findings.error_help(
            "unsupported-version",
            path!["version"],
            format!("spec version {} is not supported", spec.version),
            "write `version = 1`",
        );
    }
    check_project(spec, findings);
    check_accounts(spec, findings);
    check_dev_access(spec, findings);
    check_limits(spec, findings);
    check_developers(spec, findings);
    if let Some(name) = &spec.execution_role.name {
        if let Some(problem) = syntax::role_name_problem(name) {
            findings.error_help(
                "invalid-role-name",
                path!["execution_role", "name"],
                format!("role name `{name}` {problem}"),
                "use 1-64 of A-Z a-z 0-9 + = , . @ _ -",
            );
        }
    }
}

/// Every account name a reference may use, for "did you mean".
pub(super) fn account_suggestion(spec: &Spec, given: &str) -> String {
    match suggest(given, spec.accounts.keys().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "accounts in this spec: {}",
            spec.accounts
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn check_project(spec: &Spec, findings: &mut Findings) {
    let project = &spec.project;
    if !syntax::is_project_name(&project.name) {
        findings.error_help(
            "invalid-project-name",
            path!["project", "name"],
            format!("project name `{}` is not allowed", project.name),
            "use 1-32 of a-z 0-9 and -, not starting or ending with -",
        );
    }
    if let Some(region) = &project.region {
        check_region(spec, region, path!["project", "region"], findings);
    }
    if let Some(formats) = &project.formats {
        if formats.is_empty() {
            findings.error_help(
                "no-formats",
                path!["project", "formats"],
                "`formats` is empty: nothing would be generated",
                "list \"cloudformation\", \"terraform\" or both, or remove the key",
            );
        }
    }
    check_tags(&project.tags, path!["project", "tags"], findings);
    if let Some(days) = project.log_retention_days {
        const ALLOWED: [i64; 22] = [
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
            2922, 3288, 3653,
        ];
        if !ALLOWED.contains(&days) {
            findings.error_help(
                "invalid-retention",
                path!["project", "log_retention_days"],
                format!("CloudWatch Logs does not accept a retention of {days} days"),
                format!("one of {}", ALLOWED.map(|d| d.to_string()).join(", ")),
            );
        }
    }
}

pub(super) fn check_region(
    spec: &Spec,
    region: &str,
    at: Vec<crate::diagnostic::PathSegment>,
    findings: &mut Findings,
) {
    if !syntax::is_region(region) {
        findings.error_help(
            "invalid-region",
            at,
            format!("`{region}` is not an AWS region"),
            "e.g. \"eu-west-1\"",
        );
    } else if syntax::region_partition(region) != spec.project.partition {
        findings.error_help(
            "region-partition-mismatch",
            at,
            format!(
                "region `{region}` is not in partition `{}`",
                spec.project.partition.as_str()
            ),
            format!(
                "set [project] partition = \"{}\" or pick a region of `{}`",
                syntax::region_partition(region).as_str(),
                spec.project.partition.as_str()
            ),
        );
    }
}

pub(super) fn check_tags(
    tags: &indexmap::IndexMap<String, String>,
    at: Vec<crate::diagnostic::PathSegment>,
    findings: &mut Findings,
) {
    if tags.len() > 50 {
        findings.error_help(
            "too-many-tags",
            at.clone(),
            format!("{} tags; IAM allows 50 on a role", tags.len()),
            "remove tags",
        );
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (key, value) in tags {
        let mut key_path = at.clone();
        key_path.push(key.into());
        // IAM compares tag keys ignoring case: two such keys are one tag.
        if let Some(first) = seen.insert(key.to_lowercase(), key) {
            findings.key_error(
                "duplicate-tag",
                key_path.clone(),
                format!("tag keys `{first}` and `{key}` differ only in case; IAM treats them as one key"),
                "keep one of them",
            );
        }
        if key.is_empty()
            || key.chars().count() > 128
            || key.to_ascii_lowercase().starts_with("aws:")
        {
            findings.key_error(
                "invalid-tag",
                key_path.clone(),
                format!("tag key `{key}` is not allowed"),
                "1-128 characters, not starting with `aws:`",
            );
        }
        let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
        let help = "letters, digits, spaces and _ . : / = + - @";
        if !key.chars().all(allowed) {
            findings.key_error(
                "invalid-tag",
                key_path.clone(),
                format!("tag key `{key}` has characters IAM does not accept"),
                help,
            );
        }
        if !value.chars().all(allowed) {
            findings.error_help(
                "invalid-tag",
                key_path.clone(),
                format!("the value of tag `{key}` has characters IAM does not accept"),
                help,
            );
        }
        if value.chars().count() > 256 {
            findings.error_help(
                "invalid-tag",
                key_path,
                format!(
                    "tag value of `{key}` has {} characters",
                    value.chars().count()
                ),
                "at most 256",
            );
        }
    }
}

fn check_accounts(spec: &Spec, findings: &mut Findings) {
    if spec.accounts.is_empty() {
        findings.error_help(
            "no-accounts",
            path!["accounts"],
            "the spec names no account",
            "add an [accounts.<name>] table with id and env",
        );
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (name, account) in &spec.accounts {
        if !syntax::is_spec_name(name) {
            findings.key_error(
                "invalid-name",
                path!["accounts", name],
                format!("account name `{name}` is not allowed"),
                "start with a letter; use letters, digits, - and _ (at most 64)",
            );
        }
        if !syntax::is_account_id(&account.id) {
            findings.error_help(
                "invalid-account-id",
                path!["accounts", name, "id"],
                format!("account id `{}` is not 12 digits", account.id),
                "write the 12-digit id as a string, leading zeros included: id = \"012345678901\"",
            );
        } else if let Some(first) = seen.insert(&account.id, name) {
            findings.error_help(
                "duplicate-account-id",
                path!["accounts", name, "id"],
                format!(
                    "account id {} is already used by account `{first}`",
                    account.id
                ),
                "give each AWS account one name",
            );
        }
        if !syntax::is_env_name(&account.env) {
            findings.error_help(
                "invalid-env",
                path!["accounts", name, "env"],
                format!("env `{}` is not allowed", account.env.escape_debug()),
                "use 1-64 ASCII letters, digits, spaces and - _ . (a look-alike letter from another script could hide a production env)",
            );
        }
        match &account.region {
            Some(region) => check_region(spec, region, path!["accounts", name, "region"], findings),
            None if spec.project.region.is_none() => findings.key_error(
                "missing-region",
                path!["accounts", name],
                format!("account `{name}` has no region"),
                "set [project] region or this account's region",
            ),
            None => {}
        }
        if let Some(arn) = &account.deploy_role_arn {
            let at = path!["accounts", name, "deploy_role_arn"];
            if let Some(problem) = syntax::arn_problem(arn, spec.project.partition, ArnKind::Role) {
                findings.error_help("invalid-arn", at, problem.message, problem.help);
            } else if Arn::parse(arn).is_some_and(|parts| parts.account != account.id) {
                findings.error_help("deploy-role-elsewhere", at, format!("deploy role `{arn}` is not in account {}", account.id), "Terraform assumes this role to deploy into this account: name a role of this account");
            }
        }
    }
}

fn check_dev_access(spec: &Spec, findings: &mut Findings) {
    let dev = &spec.dev_access;
    if dev.tag.is_some() && dev.mode != DevMode::Tagged {
        findings.key_error(
            "tag-without-tagged-mode",
            path!["dev_access", "tag"],
            "`tag` only applies in tagged mode",
            "remove it, or set mode = \"tagged\"",
        );
    }
    if let Some(tag) = &dev.tag {
        let mut tags = indexmap::IndexMap::new();
        tags.insert(tag.key.clone(), tag.value.clone());
        check_tags(&tags, path!["dev_access", "tag"], findings);
        if tag.value.is_empty() {
            findings.error_help(
                "invalid-tag",
                path!["dev_access", "tag", "value"],
                "the dev-access tag value is empty",
                "an empty value would match roles tagged by anyone: use e.g. \"dev\"",
            );
        }
    }
    if !dev.principals.is_empty() && !matches!(dev.mode, DevMode::Extended | DevMode::Simulate) {
        findings.key_error(
            "principals-without-extended-mode",
            path!["dev_access", "principals"],
            "`principals` only applies in extended and simulate modes",
            "remove it, or set mode = \"extended\" or \"simulate\"",
        );
    }
    for (index, principal) in dev.principals.iter().enumerate() {
        if let Some(problem) =
            syntax::arn_problem(principal, spec.project.partition, ArnKind::Principal)
        {
            findings.error_help(
                "invalid-principal",
                path!["dev_access", "principals", index],
                problem.message,
                format!(
                    "name each developer principal by its full ARN; `*` is never trusted ({})",
                    problem.help
                ),
            );
        }
    }
    if !(3600..=43200).contains(&dev.max_session_duration) {
        findings.error_help(
            "invalid-session-duration",
            path!["dev_access", "max_session_duration"],
            format!(
                "max_session_duration {} is outside IAM's range",
                dev.max_session_duration
            ),
            "3600 to 43200 seconds",
        );
    }
    if dev.environments.is_empty() && dev.mode != DevMode::None {
        findings.error_help(
            "no-dev-environments",
            path!["dev_access", "environments"],
            "dev access is on but no environment is listed",
            "e.g. environments = [\"dev\"]",
        );
    }
    for (index, env) in dev.environments.iter().enumerate() {
        if !syntax::is_env_name(env) {
            findings.error_help(
                "invalid-env",
                path!["dev_access", "environments", index],
                format!("env `{}` is not allowed", env.escape_debug()),
                "use 1-64 ASCII letters, digits, spaces and - _ . (a look-alike letter from another script could hide a production env)",
            );
        } else if dev.mode != DevMode::None
            && !dev.allow_production
            && syntax::is_production_env(env)
        {
            findings.error_help(
                "dev-access-in-production",
                path!["dev_access", "environments", index],
                format!("dev access would apply to env `{env}`, which is production (a word of it is prod, prd, production or live)"),
                "list only development environments, or set allow_production = true if you really mean it",
            );
        }
    }
    // The dev-access tag set by hand where dev access does not apply would make those roles
    // match the developers' conditional-assume policy.
    if dev.mode == DevMode::Tagged {
        let tag = dev.tag.clone().unwrap_or_default();
        if let Some((key, _)) = dev_tag_in(&spec.project.tags, &tag) {
            findings.error_help(
                "dev-tag-outside-dev",
                path!["project", "tags", key],
                format!(
                    "project tags put the dev-access tag {}={} on every role, production included",
                    tag.key, tag.value
                ),
                "remove it: trustgen tags exactly the task roles of dev-access accounts",
            );
        }
    }
}

fn check_limits(spec: &Spec, findings: &mut Findings) {
    if !(2048..=4096).contains(&spec.limits.trust_policy_chars) {
        findings.error_help(
            "invalid-limit",
            path!["limits", "trust_policy_chars"],
            format!(
                "trust_policy_chars = {} is outside IAM's range",
                spec.limits.trust_policy_chars
            ),
            "2048 (the default) up to 4096, where the quota was raised",
        );
    }
    if !(10..=20).contains(&spec.limits.managed_policies_per_role) {
        findings.error_help(
            "invalid-limit",
            path!["limits", "managed_policies_per_role"],
            format!(
                "managed_policies_per_role = {} is outside IAM's range",
                spec.limits.managed_policies_per_role
            ),
            "10 (the default) up to 20, where the quota was raised",
        );
    }
}

fn check_developers(spec: &Spec, findings: &mut Findings) {
    let Some(developers) = &spec.developers else {
        return;
    };
    if spec.dev_access.mode == DevMode::None {
        findings.key_error(
            "developers-without-dev-access",
            path!["developers"],
            "[developers] does nothing while dev_access.mode is \"none\"",
            "set dev_access.mode = \"tagged\", \"extended\" or \"simulate\", or remove [developers]",
        );
    }
    if !syntax::is_iam_name(&developers.policy_name) {
        findings.error_help(
            "invalid-policy-name",
            path!["developers", "policy_name"],
            format!(
                "`{}` is not a valid IAM policy name",
                developers.policy_name
            ),
            "1-128 of A-Z a-z 0-9 + = , . @ _ -",
        );
    }
    if let Some(problem) = syntax::role_name_problem(&developers.role_name) {
        findings.error_help(
            "invalid-role-name",
            path!["developers", "role_name"],
            format!("role name `{}` {problem}", developers.role_name),
            "1-64 of A-Z a-z 0-9 + = , . @ _ -",
        );
    }
    for (key, names) in [
        ("attach_to_roles", &developers.attach_to_roles),
        ("attach_to_groups", &developers.attach_to_groups),
        ("attach_to_users", &developers.attach_to_users),
    ] {
        for (index, name) in names.iter().enumerate() {
            if !syntax::is_iam_name(name) || name.starts_with("arn:") {
                findings.error_help(
                    "invalid-name",
                    path!["developers", key, index],
                    format!("`{name}` is not an IAM name"),
                    "give the existing role, group or user by name, not ARN",
                );
            } else if key == "attach_to_roles"
                && name.to_ascii_lowercase().starts_with("awsreservedsso_")
            {
                findings.error_help(
                    "reserved-sso-role",
                    path!["developers", key, index],
                    format!("`{name}` is an IAM Identity Center role: IAM refuses to attach policies to it, so the developer policy would never reach those developers"),
                    {
                        // `AWSReservedSSO_<permission set>_<suffix>`.
                        let set = name
                            .get("AWSReservedSSO_".len()..)
                            .and_then(|rest| rest.rsplit_once('_'))
                            .map_or("<name>", |(set, _)| set);
                        format!("remove this entry, and list the permission set in dev_access.permission_sets = [\"{set}\"] with a [identity_center.permission_sets.{set}] table: the permission set then references the developer policy, and task roles trust its sessions")
                    },
                );
            }
        }
    }
    if developers.create_role && developers.trusted_accounts.is_empty() {
        findings.key_error(
            "no-trusted-accounts",
            path!["developers", "create_role"],
            "create_role needs trusted_accounts: nobody could assume the role",
            "e.g. trusted_accounts = [\"identity\"]",
        );
    }
    for (index, name) in developers.trusted_accounts.iter().enumerate() {
        if !spec.accounts.contains_key(name) {
            findings.error_help(
                "unknown-account",
                path!["developers", "trusted_accounts", index],
                format!("no account named `{name}`"),
                account_suggestion(spec, name),
            );
        }
    }
    if developers.managed_policies.len() as i64 + 1 > spec.limits.managed_policies_per_role {
        findings.error_help("too-many-managed-policies", path!["developers", "managed_policies"], format!("the developer role would have {} managed policies (with the developer policy); the limit is {}", developers.managed_policies.len() + 1, spec.limits.managed_policies_per_role), "remove some, or raise limits.managed_policies_per_role after raising the quota");
    }
    for (index, arn) in developers.managed_policies.iter().enumerate() {
        if let Some(problem) =
            syntax::arn_problem(arn, spec.project.partition, ArnKind::ManagedPolicy)
        {
            findings.error_help(
                "invalid-arn",
                path!["developers", "managed_policies", index],
                problem.message,
                problem.help,
            );
        }
    }
}

/// The entry of `tags` that is the dev-access tag: its key compared ignoring case (as IAM
/// compares `iam:ResourceTag/<key>`), its value ignoring case too, to err on the safe side.
pub(super) fn dev_tag_in<'t>(
    tags: &'t indexmap::IndexMap<String, String>,
    tag: &crate::spec::Tag,
) -> Option<(&'t String, &'t String)> {
    tags.iter().find(|(key, value)| {
        key.eq_ignore_ascii_case(&tag.key) && value.eq_ignore_ascii_case(&tag.value)
    })
}

/// The entry of `tags` whose key is the dev-access tag's key, ignoring case.
pub(super) fn dev_tag_key_in<'t>(
    tags: &'t indexmap::IndexMap<String, String>,
    tag: &crate::spec::Tag,
) -> Option<(&'t String, &'t String)> {
    tags.iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(&tag.key))
}
