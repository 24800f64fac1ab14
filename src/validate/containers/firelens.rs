//! `firelens_configuration`: one log router per task, and the options ECS reads, with
//! values it accepts.

use super::{has_control, At, Seen};
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::model::vocabulary::FIRELENS_OPTIONS;
use crate::path;
use crate::spec::{Container, FirelensConfiguration};
use crate::validate::Findings;

pub(super) fn check<'t>(
    container: &'t Container,
    seen: &mut Seen<'t>,
    here: At<'_>,
    findings: &mut Findings,
) {
    let Some(configuration) = &container.firelens_configuration else {
        return;
    };
    two_log_routers(seen, here, findings);
    seen.log_router = Some(&container.name);
    for (key, value) in &configuration.options {
        let at = here(path!["firelens_configuration", "options", key]);
        if FIRELENS_OPTIONS.contains(&key.as_str()) {
            invalid_firelens_option(key, value, at, findings);
        } else {
            unknown_firelens_option(key, at, findings);
        }
    }
    invalid_firelens_option_pair(configuration, here, findings);
}

fn two_log_routers(seen: &Seen<'_>, here: At<'_>, findings: &mut Findings) {
    if let Some(first) = seen.log_router {
        findings.at(
            Code::TwoLogRouters,
            here(path!["firelens_configuration"]),
            format!(
                "container `{first}` is already this task's FireLens log router; ECS allows one"
            ),
            "keep firelens_configuration on one container",
        );
    }
}

/// The value of an option ECS reads.
fn invalid_firelens_option(key: &str, value: &str, at: Vec<PathSegment>, findings: &mut Findings) {
    let (message, help) = match key {
        "enable-ecs-log-metadata" if value != "true" && value != "false" => (
            format!("enable-ecs-log-metadata cannot be `{}`", value.escape_debug()),
            "\"true\" or \"false\"",
        ),
        "config-file-type" if value == "s3" => (
            "a FireLens configuration file from S3 is not supported by trustgen (and not on Fargate)".to_string(),
            "build the configuration into the router's image and set config-file-type = \"file\"",
        ),
        "config-file-type" if value != "file" => (
            format!("config-file-type cannot be `{}`", value.escape_debug()),
            "\"file\" (a path inside the image, in config-file-value)",
        ),
        "config-file-value" if !value.starts_with('/') || has_control(value) => (
            format!("config-file-value `{}` is not an absolute path free of control characters", value.escape_debug()),
            "the configuration file's path inside the image, e.g. /fluent-bit/etc/extra.conf",
        ),
        _ => return,
    };
    findings.at(Code::InvalidFirelensOption, at, message, help);
}

fn unknown_firelens_option(key: &str, at: Vec<PathSegment>, findings: &mut Findings) {
    let help = match suggest(key, FIRELENS_OPTIONS) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("ECS reads: {}", FIRELENS_OPTIONS.join(", ")),
    };
    findings.at_key(
        Code::UnknownFirelensOption,
        at,
        format!("`{}` is not a FireLens option", key.escape_debug()),
        help,
    );
}

/// `invalid-firelens-option`: a configuration file needs both its type and its path.
fn invalid_firelens_option_pair(
    configuration: &FirelensConfiguration,
    here: At<'_>,
    findings: &mut Findings,
) {
    let options = &configuration.options;
    if options.contains_key("config-file-type") != options.contains_key("config-file-value") {
        findings.at(
            Code::InvalidFirelensOption,
            here(path!["firelens_configuration", "options"]),
            "config-file-type and config-file-value go together",
            "set both (config-file-type = \"file\" and the file's path), or neither",
        );
    }
}
