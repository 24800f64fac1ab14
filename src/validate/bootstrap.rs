//! `[bootstrap]`: the StackSet that gives every account of its organisational units the
//! dev-account baseline. It reaches accounts the spec does not describe, including
//! accounts created tomorrow, so what it targets is held to the env rules: every target's
//! env must have developer access, none may look like production (nor be the organisation
//! root, which holds every account) without `allow_production`, and an account this spec
//! describes as something else may not be named as a target.

use crate::collections::HashSet;

use super::{accounts, envs, regions, Findings};
use crate::diagnostic::{Code, PathSegment};
use crate::model::identifiers::{
    is_account_id, is_organization_root_id, is_organizational_unit_id, is_stack_set_name,
};
use crate::model::limits::{OPERATION_PERCENTAGE, STACK_SET_NAME_CHARS};
use crate::model::{dev_access_for, Model};
use crate::path;
use crate::spec::{Bootstrap, BootstrapTarget, ConcurrencyMode, DevMode, Spec};

fn at(rest: Vec<PathSegment>) -> Vec<PathSegment> {
    [path!["bootstrap"], rest].concat()
}

fn target_at(index: usize, rest: Vec<PathSegment>) -> Vec<PathSegment> {
    [path!["bootstrap", "targets", index], rest].concat()
}

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    let Some(bootstrap) = &spec.bootstrap else {
        return;
    };
    accounts::unknown_account(spec, &bootstrap.account, &|| at(path!["account"]), findings);
    if let Some(name) = &bootstrap.stack_set_name {
        invalid_stack_set_name(name, findings);
    }
    if let Some(regions) = &bootstrap.regions {
        for (index, region) in regions.iter().enumerate() {
            regions::check(spec, region, at(path!["regions", index]), findings);
        }
        stack_set_regions(regions, findings);
    }
    invalid_operation_preferences(spec, bootstrap, findings);
    if bootstrap.targets.is_empty() {
        findings.at_key(
            Code::MissingKey,
            path!["bootstrap"],
            "[bootstrap] needs at least one [[bootstrap.targets]]",
            "add [[bootstrap.targets]] with the env and organizational_units of the accounts to bootstrap",
        );
    }
    let mut units = HashSet::default();
    for (index, target) in bootstrap.targets.iter().enumerate() {
        check_target(spec, bootstrap, index, target, &mut units, findings);
    }
}

fn check_target<'s>(
    spec: &Spec,
    bootstrap: &Bootstrap,
    index: usize,
    target: &'s BootstrapTarget,
    units: &mut HashSet<&'s str>,
    findings: &mut Findings,
) {
    let env_at = target_at(index, path!["env"]);
    if !envs::invalid_env(&target.env, env_at.clone(), findings) {
        if envs::is_production_env(&target.env) && !bootstrap.allow_production {
            findings.at(
                Code::BootstrapReachesProduction,
                env_at.clone(),
                format!(
                    "the StackSet would give developer access to every account of env `{}`, which is production (a word of it is prod, prd, production or live)",
                    target.env
                ),
                "target only development OUs, or set [bootstrap] allow_production = true if you really mean it",
            );
        }
        bootstrap_without_dev_access(spec, &target.env, env_at, findings);
    }
    if target.organizational_units.is_empty() {
        findings.at_key(
            Code::MissingKey,
            target_at(index, Vec::new()),
            "a target needs `organizational_units`: service-managed StackSets deploy to organisational units",
            "add organizational_units = [\"ou-…\"]; leave some of their accounts out with exclude_accounts = [\"…\"]",
        );
    }
    organizational_units(bootstrap, index, target, units, findings);
    account_filters(spec, index, target, findings);
    account_filter_with_auto_deployment(bootstrap, index, target, findings);
}

/// `accounts` (only these) while auto-deployment is on: StackSets deploys to every account
/// that joins a targeted OU later whatever the account filter, so the target would reach
/// more than it says (production accounts created in the OU tomorrow included).
fn account_filter_with_auto_deployment(
    bootstrap: &Bootstrap,
    index: usize,
    target: &BootstrapTarget,
    findings: &mut Findings,
) {
    if bootstrap.auto_deployment && !target.accounts.is_empty() {
        findings.at_key(
            Code::AccountFilterWithAutoDeployment,
            target_at(index, path!["accounts"]),
            "this target deploys to the listed accounts only, but with auto-deployment StackSets also deploys to every account that joins its OUs later: account filters do not apply to them",
            "target an OU that holds only these accounts, or set [bootstrap] auto_deployment = false (new accounts then get no baseline)",
        );
    }
}

/// Each OU id of a target: an OU (or the root, which holds production), targeted once.
fn organizational_units<'s>(
    bootstrap: &Bootstrap,
    index: usize,
    target: &'s BootstrapTarget,
    units: &mut HashSet<&'s str>,
    findings: &mut Findings,
) {
    for (position, unit) in target.organizational_units.iter().enumerate() {
        let here = target_at(index, path!["organizational_units", position]);
        if is_organization_root_id(unit) {
            if !bootstrap.allow_production {
                findings.at(
                    Code::BootstrapReachesProduction,
                    here.clone(),
                    format!("`{unit}` is the organisation root: every account of the organisation, production included, would get developer access"),
                    "target the development OUs instead, or set [bootstrap] allow_production = true if you really mean it",
                );
            }
        } else if !is_organizational_unit_id(unit) {
            findings.at(
                Code::InvalidOrganizationalUnit,
                here.clone(),
                format!("`{}` is not an organisational unit id", unit.escape_debug()),
                "ou-<4-32 of a-z 0-9>-<8-32 of a-z 0-9> (or the root, r-<4-32 of a-z 0-9>), as AWS Organizations shows it",
            );
            continue;
        }
        if !units.insert(unit) {
            findings.at(
                Code::DuplicateOrganizationalUnit,
                here,
                format!("organisational unit `{unit}` is targeted twice"),
                "target each OU once: one env per OU",
            );
        }
    }
}

/// A target's `accounts` (only these) or `exclude_accounts` (all but these): one of them,
/// account ids, each once, and a listed account of the spec only with the target's env.
fn account_filters(spec: &Spec, index: usize, target: &BootstrapTarget, findings: &mut Findings) {
    if !target.accounts.is_empty() && !target.exclude_accounts.is_empty() {
        findings.at_key(
            Code::ConflictingAccountFilters,
            target_at(index, path!["exclude_accounts"]),
            "a target takes either `accounts` (only these) or `exclude_accounts` (all but these), not both",
            "keep `accounts` to deploy to those accounts only, or `exclude_accounts` to deploy to every other",
        );
    }
    for (key, list) in [
        ("accounts", &target.accounts),
        ("exclude_accounts", &target.exclude_accounts),
    ] {
        let mut seen = HashSet::default();
        for (position, id) in list.iter().enumerate() {
            let here = target_at(index, path![key, position]);
            if !is_account_id(id) {
                findings.at(
                    Code::InvalidAccountId,
                    here,
                    format!("account id `{}` is not 12 digits", id.escape_debug()),
                    "write the 12-digit id as a string, leading zeros included",
                );
            } else if !seen.insert(id.as_str()) {
                findings.at(
                    Code::DuplicateAccount,
                    here,
                    format!("account `{id}` is listed twice"),
                    "list each account once",
                );
            } else if key == "accounts" {
                bootstrap_account_in_spec(spec, target, id, here, findings);
            }
        }
    }
}

fn invalid_stack_set_name(name: &str, findings: &mut Findings) {
    if !is_stack_set_name(name) {
        findings.at(
            Code::InvalidStackSetName,
            at(path!["stack_set_name"]),
            format!("`{}` is not a StackSet name", name.escape_debug()),
            format!(
                "a letter, then letters, digits and -, at most {STACK_SET_NAME_CHARS} characters"
            ),
        );
    }
}

fn stack_set_regions(regions: &[String], findings: &mut Findings) {
    if regions.len() != 1 {
        findings.at(
            Code::StackSetRegions,
            at(path!["regions"]),
            format!("the StackSet would deploy to {} regions; its baseline is IAM, which is global, so each account takes it once", regions.len()),
            "name exactly one region: a second region's stack instance would create the same roles and policy again and fail",
        );
    }
}

fn invalid_operation_preferences(spec: &Spec, bootstrap: &Bootstrap, findings: &mut Findings) {
    let preferences = &bootstrap.operation_preferences;
    let here = |key: &str| at(path!["operation_preferences", key]);
    let mut problem = |key: &str, message: String, help: &str| {
        findings.at(Code::InvalidOperationPreferences, here(key), message, help);
    };
    if preferences.max_concurrent_count.is_some() && preferences.max_concurrent_percentage.is_some()
    {
        problem(
            "max_concurrent_percentage",
            "max_concurrent_count and max_concurrent_percentage are given both".into(),
            "give one of them",
        );
    }
    if preferences.failure_tolerance_count.is_some()
        && preferences.failure_tolerance_percentage.is_some()
    {
        problem(
            "failure_tolerance_percentage",
            "failure_tolerance_count and failure_tolerance_percentage are given both".into(),
            "give one of them",
        );
    }
    if let Some(count) = preferences.max_concurrent_count.filter(|c| *c < 1) {
        problem(
            "max_concurrent_count",
            format!("max_concurrent_count is {count}"),
            "at least 1",
        );
    }
    if let Some(count) = preferences.failure_tolerance_count.filter(|c| *c < 0) {
        problem(
            "failure_tolerance_count",
            format!("failure_tolerance_count is {count}"),
            "0 or more",
        );
    }
    if let Some(percent) = preferences
        .max_concurrent_percentage
        .filter(|p| !OPERATION_PERCENTAGE.contains(p) || *p == 0)
    {
        problem(
            "max_concurrent_percentage",
            format!("max_concurrent_percentage is {percent}"),
            "1 to 100",
        );
    }
    if let Some(percent) = preferences
        .failure_tolerance_percentage
        .filter(|p| !OPERATION_PERCENTAGE.contains(p))
    {
        problem(
            "failure_tolerance_percentage",
            format!("failure_tolerance_percentage is {percent}"),
            "0 to 100",
        );
    }
    // Strict failure tolerance (the default) runs at most one account more than it
    // tolerates failing.
    let strict = preferences.concurrency_mode != Some(ConcurrencyMode::Soft);
    if let (true, Some(count), Some(tolerated)) = (
        strict,
        preferences.max_concurrent_count,
        preferences.failure_tolerance_count,
    ) {
        if count > tolerated.saturating_add(1) {
            problem(
                "max_concurrent_count",
                format!("max_concurrent_count {count} is more than one above failure_tolerance_count {tolerated}"),
                "with STRICT_FAILURE_TOLERANCE (the default) CloudFormation takes at most failure_tolerance_count + 1; or set concurrency_mode = \"SOFT_FAILURE_TOLERANCE\"",
            );
        }
    }
    region_order(spec, bootstrap, findings);
}

/// `region_order` may name only the regions the StackSet deploys to.
fn region_order(spec: &Spec, bootstrap: &Bootstrap, findings: &mut Findings) {
    let preferences = &bootstrap.operation_preferences;
    // Without `regions`, the StackSet's account's region.
    let holder_region = spec
        .accounts
        .get(&bootstrap.account)
        .and_then(|account| account.region.as_ref())
        .or(spec.project.region.as_ref());
    let regions: Vec<&str> = match &bootstrap.regions {
        Some(regions) => regions.iter().map(String::as_str).collect(),
        None => holder_region.map(String::as_str).into_iter().collect(),
    };
    for (index, region) in preferences.region_order.iter().enumerate() {
        if !regions.contains(&region.as_str()) {
            findings.at(
                Code::InvalidOperationPreferences,
                at(path!["operation_preferences", "region_order", index]),
                format!(
                    "region `{}` of region_order is not one of [bootstrap] regions",
                    region.escape_debug()
                ),
                "list only regions of [bootstrap] regions",
            );
        }
    }
}

fn bootstrap_without_dev_access(
    spec: &Spec,
    env: &str,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if dev_access_for(spec, env) == DevMode::None {
        let why = if spec.dev_access.mode == DevMode::None {
            "dev access is off (dev_access.mode = \"none\")".to_string()
        } else {
            format!("`{env}` is not in dev_access.environments")
        };
        findings.at(
            Code::BootstrapWithoutDevAccess,
            at,
            format!("the StackSet carries developer access, and env `{env}` has none: {why}"),
            format!("add \"{env}\" to dev_access.environments if its accounts are development accounts, or target only envs with developer access"),
        );
    }
}

/// A target narrowed to accounts this spec describes: each must have the target's env
/// (else the StackSet would give developer access to an account the spec calls something
/// else) and no developers stack of its own (the StackSet would create the same policy and
/// role there, and one of the two would fail).
fn bootstrap_account_in_spec(
    spec: &Spec,
    target: &BootstrapTarget,
    id: &str,
    here: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let Some((name, account)) = spec.accounts.iter().find(|(_, a)| a.id == id) else {
        return;
    };
    if account.env != target.env {
        findings.at(
            Code::BootstrapAccountInSpec,
            here,
            format!("account `{name}` ({id}) has env `{}` in this spec, but the target gives every account it names env `{}`", account.env, target.env),
            "target only accounts of the target's env",
        );
    } else if dev_access_for(spec, &account.env) != DevMode::None {
        findings.at(
            Code::BootstrapAccountInSpec,
            here,
            format!("account `{name}` ({id}) gets its own developers stack from this spec; the StackSet would create the same developer policy and role there"),
            format!("leave it out of the target (its own stacks give it developer access), or remove [accounts.{name}] to leave its bootstrap to the StackSet"),
        );
    }
}

/// Errors only the built model shows.
pub(super) fn check_model(model: &Model, findings: &mut Findings) {
    if let Some(bootstrap) = model.bootstrap.as_ref().filter(|b| !b.carries_anything()) {
        let _ = bootstrap;
        findings.at_key(
            Code::BootstrapCarriesNothing,
            path!["bootstrap"],
            "the StackSet would carry nothing: in this mode a dev account with no tasks has no developer policy and no developer role",
            "add [developers] create_role = true (the developer role every new dev account gets), or use tagged mode, whose developer policy is the same in every account",
        );
    }
}

pub(super) fn warnings(spec: &Spec, model: &Model, findings: &mut Findings) {
    let Some(bootstrap) = &spec.bootstrap else {
        return;
    };
    if let Some(holder) = spec.accounts.get(&bootstrap.account) {
        if dev_access_for(spec, &holder.env) != DevMode::None {
            findings.at(
                Code::StackSetInDevAccount,
                at(path!["account"]),
                format!("the StackSet lives in `{}`, a dev-access account: whoever may change it there changes what every account of its OUs receives", bootstrap.account),
                "hold it in the management account or a delegated administrator without developer access",
            );
        }
    }
    for (index, target) in bootstrap.targets.iter().enumerate() {
        if !target.accounts.is_empty() {
            continue; // only the listed accounts, checked as errors
        }
        for account in model.accounts.iter().filter(|a| {
            a.env == target.env
                && a.has_developers_stack()
                && !target.exclude_accounts.contains(&a.id)
        }) {
            findings.at_key(
                Code::BootstrapMayOverlap,
                target_at(index, path!["organizational_units"]),
                format!("account `{}` ({}) has env `{}` and its own developers stack; in one of these OUs it would get the StackSet's developer policy and role too, and one of the two would fail", account.name, account.id, target.env),
                format!("add \"{}\" to exclude_accounts (nothing changes if it is not in them)", account.id),
            );
        }
    }
}
