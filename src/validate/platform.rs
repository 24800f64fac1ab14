//! A task definition's own settings: `runtime_platform`, `ephemeral_storage`, `pid_mode`
//! and `ipc_mode`, each held to ECS's rules for the task's launch type and system.

use super::tasks::At;
use super::{Findings, Here};
use crate::diagnostic::{Code, PathSegment};
use crate::model::limits::{EPHEMERAL_STORAGE_GIB, FARGATE_WINDOWS_CPU};
use crate::path;
use crate::spec::{
    Compatibility, CpuArchitecture, EphemeralStorage, IpcMode, OperatingSystemFamily, PidMode, Task,
};

pub(super) fn check(task: &Task, at: At<'_>, findings: &mut Findings) {
    let fargate = task.compatibility == Compatibility::Fargate;
    let family = task
        .runtime_platform
        .as_ref()
        .and_then(|p| p.operating_system_family);
    let windows = family.is_some_and(|f| f.is_windows());
    arm64_needs_linux(task, family, at, findings);
    if fargate && windows {
        invalid_fargate_size(task, at, findings);
    }
    if let Some(size) = task.ephemeral_storage.map(EphemeralStorage::gib) {
        if !fargate_only(fargate, at, findings) {
            invalid_ephemeral_storage(size, at, findings);
        }
    }
    if let Some(mode) = task.pid_mode {
        let here = at(path!["pid_mode"]);
        let windows_only = "pid_mode does not apply to Windows tasks";
        if !linux_only(
            windows,
            &|| here.clone(),
            windows_only,
            "remove it",
            findings,
        ) {
            unsupported_on_fargate(
                fargate && mode == PidMode::Host,
                here,
                "Fargate does not share the host's process ids",
                "pid_mode = \"task\" shares process ids between the task's containers",
                findings,
            );
        }
    }
    if task.ipc_mode.is_some() {
        let here = at(path!["ipc_mode"]);
        let message = "Fargate does not take ipc_mode";
        if !unsupported_on_fargate(fargate, here.clone(), message, "remove it", findings) {
            let message = "ipc_mode does not apply to Windows tasks";
            linux_only(windows, &|| here.clone(), message, "remove it", findings);
        }
    }
}

/// Reports `linux-only` when `windows`, a setting ECS applies to Linux only; returns
/// whether it did.
pub(super) fn linux_only(
    windows: bool,
    at: Here<'_>,
    message: &str,
    help: &str,
    findings: &mut Findings,
) -> bool {
    if windows {
        findings.at(Code::LinuxOnly, at(), message, help);
    }
    windows
}

/// Reports `unsupported-on-fargate` when `refused`, a setting Fargate does not take;
/// returns whether it did.
pub(super) fn unsupported_on_fargate(
    refused: bool,
    at: Vec<PathSegment>,
    message: impl Into<String>,
    help: &str,
    findings: &mut Findings,
) -> bool {
    if refused {
        findings.at(Code::UnsupportedOnFargate, at, message, help);
    }
    refused
}

/// Reports and returns whether a Fargate setting is on an EC2 task.
fn fargate_only(fargate: bool, at: At<'_>, findings: &mut Findings) -> bool {
    if !fargate {
        findings.at(
            Code::FargateOnly,
            at(path!["ephemeral_storage"]),
            "ephemeral_storage is Fargate's; an EC2 task uses its instance's storage",
            "remove it, or run the task on Fargate",
        );
    }
    !fargate
}

fn arm64_needs_linux(
    task: &Task,
    family: Option<OperatingSystemFamily>,
    at: At<'_>,
    findings: &mut Findings,
) {
    let arm64 = task
        .runtime_platform
        .as_ref()
        .is_some_and(|p| p.cpu_architecture == Some(CpuArchitecture::Arm64));
    if arm64 && family.is_some_and(|f| f.is_windows()) {
        findings.at(
            Code::Arm64NeedsLinux,
            at(path!["runtime_platform", "cpu_architecture"]),
            format!(
                "ARM64 runs only LINUX, not {}",
                family.map_or("", |f| f.as_str())
            ),
            "use X86_64 for Windows, or operating_system_family = \"LINUX\"",
        );
    }
}

/// Windows on Fargate: at least one vCPU, and no size above four.
fn invalid_fargate_size(task: &Task, at: At<'_>, findings: &mut Findings) {
    if let Some(cpu) = task.cpu.filter(|cpu| !FARGATE_WINDOWS_CPU.contains(cpu)) {
        findings.at(
            Code::InvalidFargateSize,
            at(path!["cpu"]),
            format!("Fargate does not run Windows tasks with cpu {cpu}"),
            "cpu = 1024, 2048 or 4096",
        );
    }
}

fn invalid_ephemeral_storage(size: i64, at: At<'_>, findings: &mut Findings) {
    if !EPHEMERAL_STORAGE_GIB.contains(&size) {
        findings.at(
            Code::InvalidEphemeralStorage,
            at(path!["ephemeral_storage"]),
            format!("ephemeral_storage {size} GiB is out of Fargate's range"),
            format!(
                "{} to {} GiB (without it, a task has 20)",
                EPHEMERAL_STORAGE_GIB.start(),
                EPHEMERAL_STORAGE_GIB.end()
            ),
        );
    }
}

/// Warning: a task that shares the EC2 instance's process or IPC namespace.
pub(super) fn host_privileges(name: &str, task: &Task, findings: &mut Findings) {
    for (key, host) in [
        ("pid_mode", task.pid_mode == Some(PidMode::Host)),
        ("ipc_mode", task.ipc_mode == Some(IpcMode::Host)),
    ] {
        if host {
            findings.at(
                Code::HostPrivileges,
                path!["tasks", name, key],
                format!(
                    "task `{name}` shares the EC2 instance's {}",
                    if key == "pid_mode" {
                        "process namespace: its containers see and may signal every process on the instance"
                    } else {
                        "IPC namespace: its containers reach the shared memory and semaphores of every process on the instance"
                    }
                ),
                "use \"task\" to share it between the task's containers only",
            );
        }
    }
}
