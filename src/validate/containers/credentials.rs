//! Credentials in plain text: a container's `environment` (and its labels, command and
//! health check) is in the task definition, readable by whoever may describe it, and in
//! the spec's git history, so a secret there has already leaked. AWS's own credentials
//! (the SDK's variables, or a value shaped like an access key id) are errors: a task gets
//! its credentials from its role. A variable whose name says it is a secret warns.

use super::At;
use crate::diagnostic::Code;
use crate::model::vocabulary::{holds_access_key_id, is_secret_name, AWS_CREDENTIAL_VARIABLES};
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
    let lists = [
        ("command", &container.command),
        ("entry_point", &container.entry_point),
    ];
    for (key, list) in lists {
        if let Some(index) = list.iter().position(|arg| holds_access_key_id(arg)) {
            findings.at(
                Code::PlaintextAwsCredentials,
                here(path![key, index]),
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
/// ARN, a path, a URL without credentials), a number or a boolean.
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
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no")
        || lower.starts_with("arn:")
        || value.starts_with('/')
        || ((lower.starts_with("https://") || lower.starts_with("http://")) && !value.contains('@'))
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
}
