//! `health_check`: a command ECS can run, and its timings within ECS's ranges.

use super::At;
use crate::diagnostic::Code;
use crate::model::limits;
use crate::path;
use crate::spec::{Container, HealthCheck};
use crate::validate::Findings;

pub(super) fn check(container: &Container, here: At<'_>, findings: &mut Findings) {
    let Some(check) = &container.health_check else {
        return;
    };
    invalid_health_check_command(check, here, findings);
    invalid_health_check_timings(check, here, findings);
}

/// `invalid-health-check`: the command.
fn invalid_health_check_command(check: &HealthCheck, here: At<'_>, findings: &mut Findings) {
    let runs_something = match check.command.as_slice() {
        [kind, rest @ ..] if kind == "CMD" || kind == "CMD-SHELL" => {
            !rest.is_empty() && rest.iter().all(|part| !part.trim().is_empty())
        }
        _ => false,
    };
    if !runs_something {
        findings.at(
            Code::InvalidHealthCheck,
            here(path!["health_check", "command"]),
            "a health check command starts with \"CMD\" (then the program and its arguments) or \"CMD-SHELL\" (then one command line)",
            "e.g. [\"CMD-SHELL\", \"curl -f http://localhost:8080/health || exit 1\"]",
        );
    }
}

/// `invalid-health-check`: interval, timeout, retries and start period.
fn invalid_health_check_timings(check: &HealthCheck, here: At<'_>, findings: &mut Findings) {
    for (key, value, range, unit) in [
        (
            "interval",
            check.interval,
            limits::HEALTH_CHECK_INTERVAL,
            "seconds",
        ),
        (
            "timeout",
            check.timeout,
            limits::HEALTH_CHECK_TIMEOUT,
            "seconds",
        ),
        (
            "retries",
            check.retries,
            limits::HEALTH_CHECK_RETRIES,
            "failures",
        ),
        (
            "start_period",
            check.start_period,
            limits::HEALTH_CHECK_START_PERIOD,
            "seconds",
        ),
    ] {
        if let Some(value) = value.filter(|v| !range.contains(v)) {
            findings.at(
                Code::InvalidHealthCheck,
                here(path!["health_check", key]),
                format!("health check {key} {value} is out of ECS's range"),
                format!("{} to {} {unit}", range.start(), range.end()),
            );
        }
    }
}
