//! `[accounts]`: each account's name, id, env, region and deploy role, and references to
//! accounts from elsewhere in the spec.

use crate::collections::HashMap;

use super::arn_kinds::{self, ArnKind};
use super::{envs, names, regions, Findings, Here};
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::model::identifiers::is_account_id;
use crate::model::{dev_access_for, Arn};
use crate::path;
use crate::spec::{Account, DevMode, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    no_accounts(spec, findings);
    let mut ids: HashMap<&str, &str> = HashMap::default();
    for (name, account) in &spec.accounts {
        names::invalid_name("account", name, &|| path!["accounts", name], findings);
        if !invalid_account_id(name, account, findings) {
            duplicate_account_id(name, account, &mut ids, findings);
        }
        envs::invalid_env(&account.env, path!["accounts", name, "env"], findings);
        match &account.region {
            Some(region) => {
                regions::check(spec, region, path!["accounts", name, "region"], findings);
            }
            None => missing_region(spec, name, findings),
        }
        if let Some(arn) = &account.deploy_role_arn {
            let at = path!["accounts", name, "deploy_role_arn"];
            if !arn_kinds::invalid_arn(spec, arn, ArnKind::Role, &|| at.clone(), findings) {
                deploy_role_elsewhere(arn, account, at, findings);
            }
        }
    }
}

fn no_accounts(spec: &Spec, findings: &mut Findings) {
    if spec.accounts.is_empty() {
        findings.at(
            Code::NoAccounts,
            path!["accounts"],
            "the spec names no account",
            "add an [accounts.<name>] table with id and env",
        );
    }
}

/// Reports and returns whether the id is not 12 digits.
fn invalid_account_id(name: &str, account: &Account, findings: &mut Findings) -> bool {
    let invalid = !is_account_id(&account.id);
    if invalid {
        findings.at(
            Code::InvalidAccountId,
            path!["accounts", name, "id"],
            format!("account id `{}` is not 12 digits", account.id),
            "write the 12-digit id as a string, leading zeros included: id = \"012345678901\"",
        );
    }
    invalid
}

fn duplicate_account_id<'s>(
    name: &'s str,
    account: &'s Account,
    ids: &mut HashMap<&'s str, &'s str>,
    findings: &mut Findings,
) {
    if let Some(first) = ids.insert(&account.id, name) {
        findings.at(
            Code::DuplicateAccountId,
            path!["accounts", name, "id"],
            format!(
                "account id {} is already used by account `{first}`",
                account.id
            ),
            "give each AWS account one name",
        );
    }
}

fn missing_region(spec: &Spec, name: &str, findings: &mut Findings) {
    if spec.project.region.is_none() {
        findings.at_key(
            Code::MissingRegion,
            path!["accounts", name],
            format!("account `{name}` has no region"),
            "set [project] region or this account's region",
        );
    }
}

fn deploy_role_elsewhere(
    arn: &str,
    account: &Account,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if Arn::parse(arn).is_some_and(|parts| parts.account != account.id) {
        findings.at(
            Code::DeployRoleElsewhere,
            at,
            format!("deploy role `{arn}` is not in account {}", account.id),
            "Terraform assumes this role to deploy into this account: name a role of this account",
        );
    }
}

/// The account a reference names; reported as `unknown-account` (with "did you mean") when
/// the spec has none of that name.
pub(super) fn unknown_account<'s>(
    spec: &'s Spec,
    given: &str,
    at: Here<'_>,
    findings: &mut Findings,
) -> Option<&'s Account> {
    let account = spec.accounts.get(given);
    if account.is_none() {
        let help = match suggest(given, spec.accounts.keys().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "accounts in this spec: {}",
                spec.accounts
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        findings.at(
            Code::UnknownAccount,
            at(),
            format!("no account named `{given}`"),
            help,
        );
    }
    account
}

/// Warning: an account whose name reads as production (look-alikes included) gets
/// developer access because its env is listed: the name is what people read, so either it
/// or the env is wrong. `dev_access.allow_production` is the opt-in, as for envs.
pub(super) fn production_name_with_dev_access(spec: &Spec, findings: &mut Findings) {
    if spec.dev_access.allow_production {
        return;
    }
    for (name, account) in &spec.accounts {
        let mode = dev_access_for(spec, &account.env);
        if mode == DevMode::None || !envs::is_production_name(name) {
            continue;
        }
        findings.at_key(
            Code::ProductionNameWithDevAccess,
            path!["accounts", name],
            format!("account `{name}` reads as production (prod, prd, production or live, look-alikes included), but its env `{}` gives developers access to it", account.env),
            "give a production account an env without developer access; if it is a dev account, rename it; if developers really belong there, set dev_access.allow_production = true",
        );
    }
}
