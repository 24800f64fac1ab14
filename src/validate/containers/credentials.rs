//! Credentials in plain text: a container's `environment` (and its labels, command and
//! health check) is in the task definition, readable by whoever may describe it, and in
//! the spec's git history, so a secret there has already leaked. AWS's own credentials
//! (the SDK's variables, or a value shaped like an access key id) are errors: a task gets
//! its credentials from its role. A variable whose name says it is a secret warns.

use super::At;
use crate::diagnostic::{Code, PathSegment};
use crate::model::secrets::{
    holds_access_key_id, holds_password_setting, holds_private_key, is_secret_access_key_shaped,
    is_secret_name, AWS_CREDENTIAL_VARIABLES,
};
use crate::path;
use crate::spec::Container;
use crate::validate::Findings;

const HELP: &str = "remove it and rotate the key (it is in the spec's history): the task role's credentials reach the AWS SDK on their own";

/// An AWS credential variable, or an access key id anywhere in what the container is given.
pub(super) fn plaintext_aws_credentials(
    container: &Container,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (name, value) in &container.environment {
        if AWS_CREDENTIAL_VARIABLES
            .iter()
            .any(|variable| variable.eq_ignore_ascii_case(name))
        {
            findings.at_key(
                Code::PlaintextAwsCredentials,
                here(path!["environment", name]),
                format!("`{name}` in the environment of container `{}` is an AWS credential in plain text: it is in the task definition and in the spec's history", container.name),
                HELP,
            );
        } else if holds_access_key_id(value) {
            findings.at(
                Code::PlaintextAwsCredentials,
                here(path!["environment", name]),
                format!("the value of `{name}` in the environment of container `{}` holds an AWS access key id in plain text", container.name),
                HELP,
            );
        }
    }
    let health_check = container.health_check.as_ref().map(|check| &check.command);
    // Keys as text: the located path is made only for a finding.
    let lists: [(&[&str], _); 3] = [
        (&["command"], Some(&container.command)),
        (&["entry_point"], Some(&container.entry_point)),
        (&["health_check", "command"], health_check),
    ];
    for (key, list) in lists {
        let Some(list) = list else { continue };
        if let Some(index) = list.iter().position(|arg| holds_access_key_id(arg)) {
            let mut at: Vec<PathSegment> = key.iter().map(|&key| key.into()).collect();
            at.push(index.into());
            findings.at(
                Code::PlaintextAwsCredentials,
                here(at),
                format!(
                    "an argument of container `{}` holds an AWS access key id in plain text",
                    container.name
                ),
                HELP,
            );
        }
    }
    for (label, value) in &container.docker_labels {
        if holds_access_key_id(value) {
            findings.at(
                Code::PlaintextAwsCredentials,
                here(path!["docker_labels", label]),
                format!(
                    "label `{label}` of container `{}` holds an AWS access key id in plain text",
                    container.name
                ),
                HELP,
            );
        }
    }
}

/// A variable whose name says it holds a secret, with a value that is not a reference (an
/// ARN, a path, a URL without credentials), a number, a boolean or a duration; or a value
/// that is a secret whatever its name: a URL or connection string with a password, a
/// private key, a value shaped like an AWS secret access key.
pub(super) fn secret_in_environment(
    task: &str,
    container: &Container,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (name, value) in &container.environment {
        let aws = AWS_CREDENTIAL_VARIABLES
            .iter()
            .any(|variable| variable.eq_ignore_ascii_case(name));
        let what = if aws {
            continue;
        } else if is_secret_name(name) && !is_reference(value) {
            "looks like a secret"
        } else if holds_url_password(value) {
            "holds a URL with a password"
        } else if holds_password_setting(value) {
            "holds a connection string with a password"
        } else if holds_private_key(value) {
            "holds a private key"
        } else if is_secret_access_key_shaped(value) {
            "holds a value shaped like an AWS secret access key"
        } else {
            continue;
        };
        findings.at_key(
            Code::SecretInEnvironment,
            here(path!["environment", name]),
            format!("`{name}` of container `{}` (task `{task}`) {what} in plain text: the environment is in the task definition, readable by whoever may describe it, and in the spec's history", container.name),
            "use `secrets` instead: an SSM parameter or Secrets Manager secret ARN that the execution role reads when the task starts",
        );
    }
}

/// `scheme://user:password@host…`: a connection string with its password.
fn holds_url_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return false;
    };
    userinfo
        .split_once(':')
        .is_some_and(|(_, password)| !password.is_empty())
}

/// Values that name where a secret is, or are not secrets at all.
fn is_reference(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.is_empty()
        || value.parse::<f64>().is_ok()
        || is_duration(&lower)
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no")
        || lower.starts_with("arn:")
        || value.starts_with('/')
        || ((lower.starts_with("https://") || lower.starts_with("http://")) && !value.contains('@'))
}

/// `90s`, `15m`, `1h`, `7d`, `500ms`, or ISO 8601's `PT1H`: how long, not a secret.
fn is_duration(lower: &str) -> bool {
    if let Some(rest) = lower.strip_prefix('p') {
        return rest.bytes().any(|b| b.is_ascii_digit())
            && rest.ends_with(['y', 'm', 'w', 'd', 'h', 's'])
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b"tymwdhs.".contains(&b));
    }
    let unit_start = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    unit_start > 0 && ["ms", "s", "m", "h", "d", "w"].contains(&&lower[unit_start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_passwords_are_told_from_plain_urls() {
        assert!(holds_url_password(
            "postgres://app:hunter2@db.internal:5432/shop"
        ));
        assert!(holds_url_password("redis://:s3cr3t@cache:6379/0"));
        assert!(!holds_url_password("https://auth.example.com/token"));
        assert!(!holds_url_password("postgres://app@db.internal/shop"));
        assert!(!holds_url_password("mailto:team@example.com"));
        assert!(!holds_url_password("https://example.com/a?email=x:y@z"));
    }

    #[test]
    fn durations_are_told_from_secrets() {
        for value in ["90s", "15m", "1h", "7d", "500ms", "pt1h", "p1dt12h"] {
            assert!(is_duration(value), "{value}");
        }
        for value in ["hunter2", "s3cr3t", "h", "p", "pass", "1hx", "pt", "p12345"] {
            assert!(!is_duration(value), "{value}");
        }
    }
}
