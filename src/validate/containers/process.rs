//! How a container's process runs: its start and stop timeouts, `ulimits`, and
//! `linux_parameters` (the init process ECS Exec needs, kernel capabilities), with
//! Fargate's and Windows' rules.

use crate::collections::HashSet;

use super::{At, Platform};
use crate::diagnostic::{Code, PathSegment};
use crate::model::ecs_exec;
use crate::model::limits::{
    FARGATE_CAPABILITIES, FARGATE_CONTAINER_TIMEOUT, FARGATE_NOFILE_MAX, FARGATE_ULIMITS,
};
use crate::path;
use crate::spec::{Capability, Container, KernelCapabilities, Task, Ulimit, UlimitName};
use crate::validate::platform::{linux_only, unsupported_on_fargate};
use crate::validate::Findings;

pub(super) fn check(
    task: &Task,
    container: &Container,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (key, value) in [
        ("stop_timeout", container.stop_timeout),
        ("start_timeout", container.start_timeout),
    ] {
        if let Some(seconds) = value {
            invalid_timeout(key, seconds, platform, here(path![key]), findings);
        }
    }
    if !container.ulimits.is_empty() {
        let message = "ECS does not set ulimits for Windows containers";
        linux_only(
            platform.windows,
            &|| here(path!["ulimits"]),
            message,
            "remove them",
            findings,
        );
    }
    let mut seen = HashSet::default();
    for (index, limit) in container.ulimits.iter().enumerate() {
        let at = |rest: Vec<PathSegment>| [here(path!["ulimits", index]), rest].concat();
        duplicate_ulimit(limit, &mut seen, at(path!["name"]), findings);
        unsupported_on_fargate(
            platform.fargate && !FARGATE_ULIMITS.contains(&limit.name),
            at(path!["name"]),
            format!(
                "Fargate does not set ulimit `{}`: its tasks keep the operating system's limits, except nofile",
                limit.name.as_str()
            ),
            "remove it, or run the task on EC2",
            findings,
        );
        invalid_ulimit(limit, platform, &at, findings);
    }
    let Some(parameters) = &container.linux_parameters else {
        return;
    };
    let message = "linux_parameters do not apply to Windows containers";
    let at = || here(path!["linux_parameters"]);
    linux_only(platform.windows, &at, message, "remove them", findings);
    exec_needs_init_process(task, container, here, findings);
    if let Some(capabilities) = &parameters.capabilities {
        check_capabilities(capabilities, platform, here, findings);
    }
}

fn invalid_timeout(
    key: &str,
    seconds: i64,
    platform: Platform,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if platform.fargate && !FARGATE_CONTAINER_TIMEOUT.contains(&seconds) {
        findings.at(
            Code::InvalidTimeout,
            at,
            format!("{key} {seconds} is out of Fargate's range"),
            format!(
                "{} to {} seconds",
                FARGATE_CONTAINER_TIMEOUT.start(),
                FARGATE_CONTAINER_TIMEOUT.end()
            ),
        );
    } else if seconds < 1 {
        findings.at(
            Code::InvalidTimeout,
            at,
            format!("{key} {seconds} is not a duration"),
            "seconds, at least 1",
        );
    }
}

fn duplicate_ulimit(
    limit: &Ulimit,
    seen: &mut HashSet<UlimitName>,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if !seen.insert(limit.name) {
        findings.at(
            Code::DuplicateUlimit,
            at,
            format!("ulimit `{}` is set twice", limit.name.as_str()),
            "set each limit once",
        );
    }
}

fn invalid_ulimit(
    limit: &Ulimit,
    platform: Platform,
    at: &dyn Fn(Vec<PathSegment>) -> Vec<PathSegment>,
    findings: &mut Findings,
) {
    if limit.soft_limit < 0 || limit.hard_limit < 0 {
        findings.at(
            Code::InvalidUlimit,
            at(vec![]),
            format!("ulimit `{}` has a negative limit", limit.name.as_str()),
            "limits are 0 or more",
        );
    } else if limit.soft_limit > limit.hard_limit {
        findings.at(
            Code::InvalidUlimit,
            at(path!["soft_limit"]),
            format!(
                "soft_limit {} is above hard_limit {}",
                limit.soft_limit, limit.hard_limit
            ),
            "the soft limit is at most the hard limit",
        );
    } else if platform.fargate
        && limit.name == UlimitName::Nofile
        && limit.hard_limit > FARGATE_NOFILE_MAX
    {
        findings.at(
            Code::InvalidUlimit,
            at(path!["hard_limit"]),
            format!(
                "nofile {} is above Fargate's {FARGATE_NOFILE_MAX}",
                limit.hard_limit
            ),
            format!("at most {FARGATE_NOFILE_MAX}"),
        );
    }
}

fn exec_needs_init_process(
    task: &Task,
    container: &Container,
    here: At<'_>,
    findings: &mut Findings,
) {
    if ecs_exec::init_process_refused(task, container) {
        findings.at(
            Code::ExecNeedsInitProcess,
            here(path!["linux_parameters", "init_process_enabled"]),
            "ECS Exec (enable_execute_command) needs an init process in every container",
            "remove init_process_enabled = false (trustgen turns it on with ECS Exec)",
        );
    }
}

fn check_capabilities(
    capabilities: &KernelCapabilities,
    platform: Platform,
    here: At<'_>,
    findings: &mut Findings,
) {
    for (index, capability) in capabilities.add.iter().enumerate() {
        let at = here(path!["linux_parameters", "capabilities", "add", index]);
        unsupported_on_fargate(
            platform.fargate && !FARGATE_CAPABILITIES.contains(capability),
            at.clone(),
            format!(
                "Fargate does not add capability {}; it adds only SYS_PTRACE",
                capability.as_str()
            ),
            "remove it, or run the task on EC2",
            findings,
        );
        capability_added_and_dropped(capabilities, *capability, at, findings);
    }
}

fn capability_added_and_dropped(
    capabilities: &KernelCapabilities,
    capability: Capability,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if capabilities.drop.contains(&capability) && capability != Capability::All {
        findings.at(
            Code::CapabilityAddedAndDropped,
            at,
            format!("{} is both added and dropped", capability.as_str()),
            "keep it in one list",
        );
    }
}
