//! `[dev_access]`: the mode and its settings, the environments it applies to (never one
//! that looks like production unless the spec opts in), the developer principals, and the
//! IAM Identity Center permission sets whose sessions are developers.

use crate::collections::HashSet;

use super::arn_kinds::{arn_problem, ArnKind};
use super::{envs, tags, Findings};
use crate::diagnostic::{suggest, Code};
use crate::model::limits::SESSION_SECONDS;
use crate::model::{Arn, RESERVED_SSO_PATH, RESERVED_SSO_PREFIX};
use crate::path;
use crate::spec::{DevAccess, DevMode, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    let dev = &spec.dev_access;
    tag_without_tagged_mode(dev, findings);
    if let Some(tag) = &dev.tag {
        let mut entries = crate::collections::IndexMap::default();
        entries.insert(tag.key.clone(), tag.value.clone());
        tags::check(&entries, path!["dev_access", "tag"], findings);
        invalid_tag(&tag.value, findings);
    }
    principals_without_extended_mode(dev, findings);
    for (index, principal) in dev.principals.iter().enumerate() {
        invalid_principal(spec, index, principal, findings);
    }
    invalid_session_duration(dev, findings);
    no_dev_environments(dev, findings);
    for (index, env) in dev.environments.iter().enumerate() {
        let at = path!["dev_access", "environments", index];
        if !envs::invalid_env(env, at, findings) {
            dev_access_in_production(dev, index, env, findings);
        }
    }
}

fn tag_without_tagged_mode(dev: &DevAccess, findings: &mut Findings) {
    if dev.tag.is_some() && dev.mode != DevMode::Tagged {
        findings.at_key(
            Code::TagWithoutTaggedMode,
            path!["dev_access", "tag"],
            "`tag` only applies in tagged mode",
            "remove it, or set mode = \"tagged\"",
        );
    }
}

fn invalid_tag(value: &str, findings: &mut Findings) {
    if value.is_empty() {
        findings.at(
            Code::InvalidTag,
            path!["dev_access", "tag", "value"],
            "the dev-access tag value is empty",
            "an empty value would match roles tagged by anyone: use e.g. \"dev\"",
        );
    }
}

fn principals_without_extended_mode(dev: &DevAccess, findings: &mut Findings) {
    if !dev.principals.is_empty() && !matches!(dev.mode, DevMode::Extended | DevMode::Simulate) {
        findings.at_key(
            Code::PrincipalsWithoutExtendedMode,
            path!["dev_access", "principals"],
            "`principals` only applies in extended and simulate modes",
            "remove it, or set mode = \"extended\" or \"simulate\"",
        );
    }
}

fn invalid_principal(spec: &Spec, index: usize, principal: &str, findings: &mut Findings) {
    if let Some(problem) = arn_problem(principal, spec.project.partition, ArnKind::Principal) {
        findings.at(
            Code::InvalidPrincipal,
            path!["dev_access", "principals", index],
            problem.message,
            format!(
                "name each developer principal by its full ARN; `*` is never trusted ({})",
                problem.help
            ),
        );
    }
}

fn invalid_session_duration(dev: &DevAccess, findings: &mut Findings) {
    if !SESSION_SECONDS.contains(&dev.max_session_duration) {
        findings.at(
            Code::InvalidSessionDuration,
            path!["dev_access", "max_session_duration"],
            format!(
                "max_session_duration {} is outside IAM's range",
                dev.max_session_duration
            ),
            format!(
                "{} to {} seconds",
                SESSION_SECONDS.start(),
                SESSION_SECONDS.end()
            ),
        );
    }
}

fn no_dev_environments(dev: &DevAccess, findings: &mut Findings) {
    if dev.environments.is_empty() && dev.mode != DevMode::None {
        findings.at(
            Code::NoDevEnvironments,
            path!["dev_access", "environments"],
            "dev access is on but no environment is listed",
            "e.g. environments = [\"dev\"]",
        );
    }
}

fn dev_access_in_production(dev: &DevAccess, index: usize, env: &str, findings: &mut Findings) {
    if dev.mode != DevMode::None && !dev.allow_production && envs::is_production_env(env) {
        findings.at(
            Code::DevAccessInProduction,
            path!["dev_access", "environments", index],
            format!("dev access would apply to env `{env}`, which reads as production (prod, prd, production or live, look-alikes such as pr0d included)"),
            "list only development environments, or set allow_production = true if you really mean it",
        );
    }
}

/// What `[dev_access]` says about IAM Identity Center: the permission sets whose sessions
/// are developers, the session options, and principals that are Identity Center's roles.
pub(super) fn check_permission_sets(spec: &Spec, findings: &mut Findings) {
    let dev = &spec.dev_access;
    permission_sets_without_dev_access(dev, findings);
    for key in ["set_source_identity", "tag_session"] {
        developer_option_without_dev_access(dev, key, findings);
    }
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
    let mut seen = HashSet::default();
    for (index, name) in dev.permission_sets.iter().enumerate() {
        if !unknown_permission_set(&declared, index, name, findings) {
            duplicate_permission_set(&mut seen, index, name, findings);
        }
    }
    for (index, principal) in dev.principals.iter().enumerate() {
        reserved_sso_principal(index, principal, findings);
    }
}

fn permission_sets_without_dev_access(dev: &DevAccess, findings: &mut Findings) {
    if !dev.permission_sets.is_empty() && dev.mode == DevMode::None {
        findings.at_key(
            Code::PermissionSetsWithoutDevAccess,
            path!["dev_access", "permission_sets"],
            "`permission_sets` does nothing while dev_access.mode is \"none\"",
            "set mode = \"extended\", \"tagged\" or \"simulate\", or remove it",
        );
    }
}

fn developer_option_without_dev_access(dev: &DevAccess, key: &str, findings: &mut Findings) {
    let on = match key {
        "set_source_identity" => dev.set_source_identity,
        _ => dev.tag_session,
    };
    if on && dev.mode == DevMode::None {
        findings.at_key(
            Code::DeveloperOptionWithoutDevAccess,
            path!["dev_access", key],
            format!("`{key}` does nothing while dev_access.mode is \"none\""),
            "set a dev access mode, or remove it",
        );
    }
}

/// Reports and returns whether `[identity_center]` declares no permission set `name`.
fn unknown_permission_set(
    declared: &[&str],
    index: usize,
    name: &str,
    findings: &mut Findings,
) -> bool {
    let unknown = !declared.contains(&name);
    if unknown {
        let help = match suggest(name, declared.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("declare it in [identity_center.permission_sets.{}] (trustgen creates it and gives it the developer policy)", name.escape_debug()),
        };
        findings.at(
            Code::UnknownPermissionSet,
            path!["dev_access", "permission_sets", index],
            format!(
                "no permission set named `{}` in [identity_center]",
                name.escape_debug()
            ),
            help,
        );
    }
    unknown
}

fn duplicate_permission_set<'s>(
    seen: &mut HashSet<&'s str>,
    index: usize,
    name: &'s str,
    findings: &mut Findings,
) {
    if !seen.insert(name) {
        findings.at(
            Code::DuplicatePermissionSet,
            path!["dev_access", "permission_sets", index],
            format!("permission set `{name}` is listed twice"),
            "list each permission set once",
        );
    }
}

fn reserved_sso_principal(index: usize, principal: &str, findings: &mut Findings) {
    let reserved = Arn::parse(principal)
        .and_then(|arn| arn.role_path_and_name())
        .is_some_and(|(path, name)| {
            path.starts_with(RESERVED_SSO_PATH) || name.starts_with(RESERVED_SSO_PREFIX)
        });
    if reserved {
        findings.at(
            Code::ReservedSsoPrincipal,
            path!["dev_access", "principals", index],
            format!("`{principal}` is an IAM Identity Center role: Identity Center re-creates it under a new name when its permission set is removed from the account and assigned again, and a trust naming it then silently stops matching"),
            "list the permission set in dev_access.permission_sets (declared in [identity_center.permission_sets.<name>]): task roles then trust its sessions by name",
        );
    }
}

/// Warnings: trust in each dev account's root, and developer principals of accounts the
/// spec does not describe.
pub(super) fn warnings(spec: &Spec, findings: &mut Findings) {
    extended_trusts_account_root(&spec.dev_access, findings);
    foreign_developer_principal(spec, findings);
}

/// Permission sets replace the account root with their own sessions; principals replace
/// it with themselves. With neither, the account root is trusted.
fn extended_trusts_account_root(dev: &DevAccess, findings: &mut Findings) {
    let mode = dev.mode;
    if matches!(mode, DevMode::Extended | DevMode::Simulate)
        && dev.principals.is_empty()
        && dev.permission_sets.is_empty()
    {
        let simulate = mode == DevMode::Simulate;
        findings.at(
            Code::ExtendedTrustsAccountRoot,
            path!["dev_access", "mode"],
            format!("{} mode with no principals trusts each dev account's root: any principal there whose own policies allow sts:AssumeRole can assume the {}", if simulate { "simulate" } else { "extended" }, if simulate { "simulator role" } else { "task roles" }),
            "name the developers' role ARNs in dev_access.principals",
        );
    }
}

fn foreign_developer_principal(spec: &Spec, findings: &mut Findings) {
    let known_ids: HashSet<&str> = spec.accounts.values().map(|a| a.id.as_str()).collect();
    for (index, principal) in spec.dev_access.principals.iter().enumerate() {
        if let Some(arn) = Arn::parse(principal).filter(|arn| !known_ids.contains(arn.account)) {
            findings.at(
                Code::ForeignDeveloperPrincipal,
                path!["dev_access", "principals", index],
                format!("`{principal}` is in account {}, which this spec does not describe: the dev task roles trust a principal of an account you may not control", arn.account),
                "add that account to [accounts] (e.g. env = \"identity\") if it is yours, or name a principal of one of your accounts",
            );
        }
    }
}
