//! `trustgen assume [SPEC] TASK`: the exact `aws sts assume-role` command (or, with
//! `--exec`, a shell snippet that runs a command with the credentials). Never calls AWS.

use std::fmt::Write as _;
use std::path::Path;

use super::access::{session_seconds, task_access, unattached_note, TaskAccess};
use super::quote::{comment_text, shell_word};
use super::{load, Outcome, EXIT_INVALID};
use crate::cli::{AssumeArgs, MessageFormat};
use crate::model::{names, sso_profiles};

pub(super) fn run(args: &AssumeArgs) -> Outcome {
    let (spec_path, task) = match &args.second {
        Some(task) => (args.first.as_str(), task.as_str()),
        None => ("trustgen.toml", args.first.as_str()),
    };
    let loaded = match load(Path::new(spec_path), MessageFormat::Human) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let access = match task_access(&loaded.spec, &loaded.model, task, args.account.as_deref()) {
        Ok(access) => access,
        Err(message) => return Outcome::fail(EXIT_INVALID, format!("error: {message}\n")),
    };
    // With IAM Identity Center the caller is the account's SSO profile (from `aws-config`),
    // unless another is given; an SSO profile of another account cannot assume this role.
    let sso = sso_profiles(&loaded.model);
    let own_sso = sso.iter().find(|p| p.account.name == access.account.name);
    if let Some(given) = &args.profile {
        if let Some(other) = sso
            .iter()
            .find(|p| &p.name == given && p.account.name != access.account.name)
        {
            return Outcome::fail(
                EXIT_INVALID,
                format!(
                    "error: profile `{given}` signs in to account `{}`, but task `{task}` runs in account `{}`{}\n",
                    other.account.name,
                    access.account.name,
                    own_sso.map_or_else(String::new, |p| format!(": use --profile {}", p.name))
                ),
            );
        }
    }
    let profile = args
        .profile
        .clone()
        .or_else(|| own_sso.map(|p| p.name.clone()));
    let from_sso = profile
        .as_ref()
        .is_some_and(|given| sso.iter().any(|p| &p.name == given));
    let command = assume_role_command(&access, task, profile.as_deref(), args.exec, from_sso);
    let mut text = describe(&access, task, from_sso);
    if let (Some(p), None) = (own_sso, &args.profile) {
        let _ = writeln!(
            text,
            "{}",
            comment_text(&format!(
                "# As permission set {} through IAM Identity Center: profile {} from `trustgen aws-config` (run `aws sso login --sso-session {}` first).",
                p.permission_set,
                p.name,
                names::sso_session_name(&loaded.model.project)
            ))
        );
    } else if let (Some(role), None) = (&access.account.developer_role, &args.profile) {
        let _ = writeln!(
            text,
            "{}",
            comment_text(&format!(
                "# Call it as the developer role {} (e.g. --profile {}, from `trustgen aws-config`).",
                role.name,
                names::profile_name(&loaded.model.project, &access.account.name, "developer")
            ))
        );
    }
    if args.exec {
        text.push_str(&exec_snippet(&command, &access, &args.command));
    } else {
        text.push_str(&command.join(" \\\n  "));
        text.push('\n');
    }
    let mut outcome = Outcome::ok(text);
    outcome.stderr = unattached_note(&loaded.spec);
    outcome
}

fn describe(access: &TaskAccess<'_>, task: &str, from_sso: bool) -> String {
    let mut text = comment_text(&format!(
        "# Act as task `{task}` in account {} ({}, {}).",
        access.account.name, access.account.id, access.account.region
    ));
    text.push('\n');
    if access.session.is_some() {
        let _ = writeln!(
            text,
            "{}",
            comment_text(&format!(
                "# Simulate mode: assumes {}, narrowed to the task's permissions by session policies.",
                access.role.name
            ))
        );
    }
    if access.require_mfa && from_sso {
        text.push_str("# MFA is required: IAM Identity Center asked for it when you signed in.\n");
    } else if access.require_mfa {
        text.push_str("# MFA is required: set MFA_SERIAL (your device ARN) and MFA_CODE.\n");
    }
    text
}

/// The command as lines (joined with continuations when printed).
fn assume_role_command(
    access: &TaskAccess<'_>,
    task: &str,
    profile: Option<&str>,
    for_exec: bool,
    from_sso: bool,
) -> Vec<String> {
    // Session names allow [\w+=,.@-], at most 64 characters; $USER is expanded by the shell.
    let session_task: String = task.chars().take(40).collect();
    let mut lines = vec!["aws sts assume-role".to_string()];
    if let Some(profile) = profile {
        lines.push(format!("--profile {}", shell_word(profile)));
    }
    lines.push(format!("--role-arn {}", shell_word(&access.role.arn)));
    lines.push(format!(
        "--role-session-name \"${{USER:-developer}}\"-{}",
        shell_word(&session_task)
    ));
    lines.push(format!(
        "--duration-seconds {}",
        session_seconds(access.role)
    ));
    // A session from IAM Identity Center met MFA at sign-in; it has no IAM MFA device.
    if access.require_mfa && !from_sso {
        lines.push(
            "--serial-number \"${MFA_SERIAL:?set MFA_SERIAL to your MFA device ARN}\"".into(),
        );
        lines.push("--token-code \"${MFA_CODE:?set MFA_CODE to the current MFA code}\"".into());
    }
    if let Some(session) = access.session {
        if let Some(document) = &session.document {
            let json = serde_json::to_string(document).unwrap_or_default();
            lines.push(format!("--policy {}", shell_word(&json)));
        }
        if !session.managed_policy_arns.is_empty() {
            let arns: Vec<String> = session
                .managed_policy_arns
                .iter()
                .map(|arn| shell_word(&format!("arn={arn}")))
                .collect();
            lines.push(format!("--policy-arns {}", arns.join(" ")));
        }
    }
    if for_exec {
        lines.push("--query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]'".into());
        lines.push("--output text".into());
    }
    lines
}

fn exec_snippet(command: &[String], access: &TaskAccess<'_>, program: &[String]) -> String {
    let program: Vec<String> = program.iter().map(|arg| shell_word(arg)).collect();
    format!(
        "# Run it: eval \"$(trustgen assume ... --exec -- CMD)\", or pipe it to sh.\n(\n  set -eu\n  credentials=$({})\n  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<EOF\n$credentials\nEOF\n  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\n  export AWS_REGION={}\n  unset AWS_PROFILE AWS_DEFAULT_PROFILE\n  exec {}\n)\n",
        command.join(" \\\n    "),
        shell_word(&access.account.region),
        program.join(" ")
    )
}
