//! `trustgen aws-config [SPEC]`: AWS CLI profiles for every role a developer may assume and
//! an in-task profile (`credential_source = EcsContainer`) for every cross-account pair.
//!
//! Profile names (stable, documented in README.md):
//! - `<project>-<account>-<task>`: a task role (extended and tagged modes);
//! - `<project>-<account>-simulator`: simulate mode's base role (`trustgen assume` adds the
//!   session policies, which CLI profiles cannot carry);
//! - `<project>-<account>-developer`: the developer role, when `[developers] create_role`;
//!   the other profiles of that account then start from it;
//! - `<project>-<account>-<role>-from-ecs`: a `[roles.<role>]` destination, assumed from
//!   inside a task with the task role's credentials;
//! - `<project>-<account>-sso`: with IAM Identity Center, the developers' permission set in
//!   that account (`sso_session`, `sso_account_id`, `sso_role_name`); the account's task
//!   profiles start from it, and `[sso-session <project>]` is what `aws sso login` signs in.

use std::fmt::Write as _;

use super::access::{session_seconds, unattached_note};
use super::quote::{comment_text, ini_value};
use super::{load, Outcome, EXIT_INVALID};
use crate::cli::{AwsConfigArgs, MessageFormat};
use crate::model::{names, profiles, sso_profiles, Model, Profile, ProfileKind, Role};
use crate::spec::Spec;

pub(super) fn run(args: &AwsConfigArgs) -> Outcome {
    let loaded = match load(&args.spec, MessageFormat::Human) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let (text, placeholder) = match config_text(&loaded.spec, &loaded.model, args) {
        Ok(written) => written,
        Err(message) => return Outcome::fail(EXIT_INVALID, format!("error: {message}\n")),
    };
    let mut outcome = Outcome::ok(text);
    outcome.stderr = unattached_note(&loaded.spec);
    if placeholder.mfa {
        outcome.stderr.push_str("note: MFA is required; pass --mfa-serial ARN, or replace the mfa_serial placeholders\n");
    }
    if placeholder.start_url {
        outcome.stderr.push_str("note: set [identity_center] start_url or pass --sso-start-url URL, or replace the sso_start_url placeholder\n");
    }
    outcome
}

/// Which placeholders the config holds, for the notes that say how to fill them.
#[derive(Default)]
struct Placeholders {
    mfa: bool,
    start_url: bool,
}

/// `[sso-session]` and one SSO profile per dev-access account of a developers' permission
/// set.
fn write_identity_center(
    text: &mut String,
    model: &Model,
    args: &AwsConfigArgs,
    placeholders: &mut Placeholders,
) -> Result<(), String> {
    let (Some(center), profiles) = (&model.identity_center, sso_profiles(model)) else {
        return Ok(());
    };
    if profiles.is_empty() {
        return Ok(());
    }
    let start_url = match args.sso_start_url.as_ref().or(center.start_url.as_ref()) {
        Some(url) if crate::model::identifiers::is_start_url(url) => url.clone(),
        Some(url) => {
            return Err(format!(
                "`{}` is not an AWS access portal URL (https://<your portal>.awsapps.com/start)",
                url.escape_debug()
            ))
        }
        None => {
            placeholders.start_url = true;
            "https://REPLACE-with-your-AWS-access-portal.awsapps.com/start".to_string()
        }
    };
    let session = names::sso_session_name(&model.project);
    let _ = writeln!(
        text,
        "\n{}",
        comment_text(&format!(
            "# IAM Identity Center: sign in with `aws sso login --sso-session {session}`."
        ))
    );
    let _ = writeln!(
        text,
        "[sso-session {}]",
        ini_value("sso-session name", &session)?
    );
    set(text, "sso_start_url", &start_url)?;
    set(text, "sso_region", &center.region)?;
    set(text, "sso_registration_scopes", "sso:account:access")?;
    for profile in profiles {
        let _ = writeln!(
            text,
            "\n{}",
            comment_text(&format!(
                "# Permission set {} in account {}: the task profiles of that account start here.",
                profile.permission_set, profile.account.name
            ))
        );
        let _ = writeln!(
            text,
            "[profile {}]",
            ini_value("profile name", &profile.name)?
        );
        set(text, "sso_session", &session)?;
        set(text, "sso_account_id", &profile.account.id)?;
        set(text, "sso_role_name", profile.permission_set)?;
        set(text, "region", &profile.account.region)?;
    }
    Ok(())
}

fn config_text(
    spec: &Spec,
    model: &Model,
    args: &AwsConfigArgs,
) -> Result<(String, Placeholders), String> {
    let mfa_required = spec.dev_access.require_mfa;
    let mfa_serial = args
        .mfa_serial
        .clone()
        .unwrap_or_else(|| "REPLACE-with-your-MFA-device-ARN".to_string());
    let mut placeholder = Placeholders::default();
    ini_value("source_profile", &args.source_profile)?;
    ini_value("mfa_serial", &mfa_serial)?;
    let sso: Vec<String> = sso_profiles(model).into_iter().map(|p| p.name).collect();
    let mut text = header(model, args, &sso);
    write_identity_center(&mut text, model, args, &mut placeholder)?;
    for profile in profiles(model) {
        let role = profile.role;
        if profile.kind == ProfileKind::FromEcs {
            write_from_ecs(&mut text, &profile)?;
            continue;
        }
        let note = (profile.kind == ProfileKind::Simulator).then_some(
            "simulate mode: act as one task with `trustgen assume TASK`, which adds its session policies",
        );
        // A session from IAM Identity Center met its MFA at sign-in: the CLI has no IAM
        // MFA device to prompt for.
        let from_sso = profile.source.as_ref().is_some_and(|s| sso.contains(s));
        let mfa = mfa_required && !from_sso;
        write_profile(
            &mut text,
            &profile.name,
            role,
            profile.source.as_deref().unwrap_or(&args.source_profile),
            mfa.then_some(&mfa_serial),
            &profile.account.region,
            note,
        )?;
        placeholder.mfa |= mfa && args.mfa_serial.is_none();
    }
    Ok((text, placeholder))
}

/// The file's opening comments: what it is, and where developers start from.
fn header(model: &Model, args: &AwsConfigArgs, sso: &[String]) -> String {
    let mut text = comment_text(&format!(
        "# AWS CLI profiles for project {}, generated by trustgen {} from {}.",
        model.project,
        env!("CARGO_PKG_VERSION"),
        args.spec.display(),
    ));
    text.push('\n');
    text.push_str(&comment_text(&if sso.is_empty() {
        format!(
            "# Append to ~/.aws/config. Developers start from profile `{}`.",
            args.source_profile
        )
    } else {
        let session = names::sso_session_name(&model.project);
        let own_source = profiles(model)
            .iter()
            .any(|p| p.kind != ProfileKind::FromEcs && p.source.is_none());
        if own_source {
            format!(
                "# Append to ~/.aws/config. Developers sign in with `aws sso login --sso-session {session}`; profiles of accounts without IAM Identity Center start from `{}`.",
                args.source_profile
            )
        } else {
            format!("# Append to ~/.aws/config. Developers sign in with `aws sso login --sso-session {session}`.")
        }
    }));
    text.push('\n');
    text
}

/// An in-task profile: a `[roles]` destination assumed with the task role's credentials.
fn write_from_ecs(text: &mut String, profile: &Profile<'_>) -> Result<(), String> {
    let role = profile.role;
    let _ = writeln!(
        text,
        "\n{}",
        comment_text(&format!(
            "# Inside an ECS task of a trusted task role: assume {}.",
            role.name
        ))
    );
    let _ = writeln!(
        text,
        "[profile {}]",
        ini_value("profile name", &profile.name)?
    );
    set(text, "role_arn", &role.arn)?;
    set(text, "credential_source", "EcsContainer")?;
    if let Some(external_id) = external_id(role) {
        set(text, "external_id", &external_id)?;
    }
    set(text, "duration_seconds", &session_seconds(role).to_string())?;
    set(text, "region", &profile.account.region)
}

/// One `key = value` line; the value must be INI-safe as it is.
fn set(text: &mut String, key: &str, value: &str) -> Result<(), String> {
    let _ = writeln!(text, "{key} = {}", ini_value(key, value)?);
    Ok(())
}

fn write_profile(
    text: &mut String,
    name: &str,
    role: &Role,
    source_profile: &str,
    mfa_serial: Option<&String>,
    region: &str,
    note: Option<&str>,
) -> Result<(), String> {
    text.push('\n');
    if let Some(note) = note {
        let _ = writeln!(text, "{}", comment_text(&format!("# {note}")));
    }
    let _ = writeln!(text, "[profile {}]", ini_value("profile name", name)?);
    set(text, "role_arn", &role.arn)?;
    set(text, "source_profile", source_profile)?;
    if let Some(serial) = mfa_serial {
        set(text, "mfa_serial", serial)?;
    }
    set(text, "duration_seconds", &session_seconds(role).to_string())?;
    set(text, "region", region)
}

/// The `sts:ExternalId` a destination role's trust requires, if any.
fn external_id(role: &Role) -> Option<String> {
    role.trust_policy
        .statements
        .iter()
        .flat_map(|s| s.condition.values())
        .find_map(|keys| keys.get("sts:ExternalId"))
        .and_then(|value| value.as_str().map(str::to_string))
}
