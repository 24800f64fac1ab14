//! What a container's process reads from outside: `environment`, `secrets` (exact
//! parameter or secret ARNs), `environment_files` (exact .env objects) and the registry
//! credentials of `repository_credentials`.

use super::At;
use crate::diagnostic::{Code, PathSegment};
use crate::model::limits;
use crate::path;
use crate::spec::{Container, EnvironmentFile, Spec};
use crate::validate::arn_kinds::{arn_problem, ArnKind};
use crate::validate::{Findings, Here};

pub(super) fn check(spec: &Spec, container: &Container, here: At<'_>, findings: &mut Findings) {
    for (name, arn) in &container.secrets {
        invalid_secret(
            spec,
            arn,
            ArnKind::Secret,
            &|| here(path!["secrets", name]),
            findings,
        );
    }
    for name in container.environment.keys().chain(container.secrets.keys()) {
        invalid_variable_name(container, name, here, findings);
    }
    duplicate_variable(container, here, findings);
    too_many_environment_files(container, here, findings);
    for (index, file) in container.environment_files.iter().enumerate() {
        let at_file = match file {
            EnvironmentFile::Arn(_) => here(path!["environment_files", index]),
            EnvironmentFile::File(_) => here(path!["environment_files", index, "value"]),
        };
        invalid_environment_file(spec, file.arn(), at_file, findings);
    }
    if let Some(credentials) = &container.repository_credentials {
        invalid_secret(
            spec,
            &credentials.credentials_parameter,
            ArnKind::SecretsManagerSecret,
            &|| here(path!["repository_credentials", "credentials_parameter"]),
            findings,
        );
    }
}

fn invalid_secret(spec: &Spec, arn: &str, kind: ArnKind, at: Here<'_>, findings: &mut Findings) {
    if let Some(problem) = arn_problem(arn, spec.project.partition, kind) {
        findings.at(Code::InvalidSecret, at(), problem.message, problem.help);
    }
}

fn invalid_variable_name(container: &Container, name: &str, here: At<'_>, findings: &mut Findings) {
    if name.is_empty()
        || name.contains('=')
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        let table = if container.environment.contains_key(name) {
            "environment"
        } else {
            "secrets"
        };
        findings.at_key(
            Code::InvalidVariableName,
            here(path![table, name]),
            format!(
                "`{}` is not an environment variable name",
                name.escape_debug()
            ),
            "use letters, digits and _ (no =, spaces or control characters)",
        );
    }
}

fn duplicate_variable(container: &Container, here: At<'_>, findings: &mut Findings) {
    for name in container
        .environment
        .keys()
        .filter(|k| container.secrets.contains_key(*k))
    {
        findings.at(
            Code::DuplicateVariable,
            here(path!["secrets", name]),
            format!("`{name}` is both an environment variable and a secret"),
            "keep one",
        );
    }
}

fn too_many_environment_files(container: &Container, here: At<'_>, findings: &mut Findings) {
    if container.environment_files.len() > limits::ENVIRONMENT_FILES {
        findings.at(
            Code::TooManyEnvironmentFiles,
            here(path!["environment_files", limits::ENVIRONMENT_FILES]),
            format!(
                "{} environment files; ECS reads at most {}",
                container.environment_files.len(),
                limits::ENVIRONMENT_FILES
            ),
            "merge some",
        );
    }
}

fn invalid_environment_file(
    spec: &Spec,
    object: &str,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if let Some(problem) = arn_problem(object, spec.project.partition, ArnKind::S3Object) {
        findings.at(
            Code::InvalidEnvironmentFile,
            at,
            problem.message,
            problem.help,
        );
    } else if !object.ends_with(".env") {
        findings.at(
            Code::InvalidEnvironmentFile,
            at,
            format!("`{object}` does not end in .env; ECS reads only .env files"),
            "rename the object, e.g. arn:aws:s3:::config-bucket/app/prod.env",
        );
    }
}
