//! The spec's `version` and `[project]`: its name, default region, formats, tags and log
//! retention.

use super::{regions, tags, Findings};
use crate::diagnostic::Code;
use crate::model::limits::LOG_RETENTION_DAYS;
use crate::path;
use crate::spec::{DevMode, Project, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    unsupported_version(spec, findings);
    let project = &spec.project;
    invalid_project_name(project, findings);
    if let Some(region) = &project.region {
        regions::check(spec, region, path!["project", "region"], findings);
    }
    no_formats(project, findings);
    tags::check(&project.tags, path!["project", "tags"], findings);
    invalid_retention(project, findings);
}

fn unsupported_version(spec: &Spec, findings: &mut Findings) {
    if spec.version != 1 {
        findings.at(
            Code::UnsupportedVersion,
            path!["version"],
            format!("spec version {} is not supported", spec.version),
            "write `version = 1`",
        );
    }
}

/// trustgen's own rule: the name prefixes every generated name, file and profile.
pub(super) fn is_project_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn invalid_project_name(project: &Project, findings: &mut Findings) {
    if !is_project_name(&project.name) {
        findings.at(
            Code::InvalidProjectName,
            path!["project", "name"],
            format!("project name `{}` is not allowed", project.name),
            "use 1-32 of a-z 0-9 and -, not starting or ending with -",
        );
    }
}

fn no_formats(project: &Project, findings: &mut Findings) {
    if project.formats.as_ref().is_some_and(Vec::is_empty) {
        findings.at(
            Code::NoFormats,
            path!["project", "formats"],
            "`formats` is empty: nothing would be generated",
            "list \"cloudformation\", \"terraform\" or both, or remove the key",
        );
    }
}

fn invalid_retention(project: &Project, findings: &mut Findings) {
    let Some(days) = project.log_retention_days else {
        return;
    };
    if !LOG_RETENTION_DAYS.contains(&days) {
        findings.at(
            Code::InvalidRetention,
            path!["project", "log_retention_days"],
            format!("CloudWatch Logs does not accept a retention of {days} days"),
            format!(
                "one of {}",
                LOG_RETENTION_DAYS.map(|d| d.to_string()).join(", ")
            ),
        );
    }
}

/// The dev-access tag set by hand in project tags would put it on every role, production
/// included, and make those roles match the developers' conditional-assume policy.
pub(super) fn dev_tag_outside_dev(spec: &Spec, findings: &mut Findings) {
    if spec.dev_access.mode != DevMode::Tagged {
        return;
    }
    let tag = spec.dev_access.tag.clone().unwrap_or_default();
    if let Some((key, _)) = tags::dev_tag_in(&spec.project.tags, &tag) {
        findings.at(
            Code::DevTagOutsideDev,
            path!["project", "tags", key],
            format!(
                "project tags put the dev-access tag {}={} on every role, production included",
                tag.key, tag.value
            ),
            "remove it: trustgen tags exactly the task roles of dev-access accounts",
        );
    }
}

/// Warning: the tasks' log groups would keep every log forever.
pub(super) fn log_retention_unset(spec: &Spec, findings: &mut Findings) {
    let logs_anywhere = spec
        .tasks
        .values()
        .any(|task| task.containers.iter().any(|c| c.logs));
    if logs_anywhere && spec.project.log_retention_days.is_none() {
        findings.at_key(
            Code::LogRetentionUnset,
            path!["project"],
            "[project] sets no log_retention_days: the tasks' log groups keep every log forever, and CloudWatch charges for storing them",
            "set log_retention_days, e.g. 30 (or 3653 to keep ten years on purpose)",
        );
    }
}
