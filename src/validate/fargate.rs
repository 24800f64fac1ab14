//! Fargate's rules where they differ from EC2's, as AWS documents them: the task-level cpu /
//! memory combinations (MiB), and what a container may change.

use crate::spec::{Capability, UlimitName};

/// The one ulimit Fargate lets a task set; it keeps the operating system's others.
pub(super) const ULIMITS: [UlimitName; 1] = [UlimitName::Nofile];

/// The one capability Fargate adds (dropping any is allowed).
pub(super) const CAPABILITIES: [Capability; 1] = [Capability::SysPtrace];

/// Windows on Fargate: at least one vCPU, and no sizes above four.
pub(super) const WINDOWS_CPU_OPTIONS: [i64; 3] = [1024, 2048, 4096];

/// The memory sizes Fargate accepts with `cpu`, or `None` when `cpu` itself is invalid.
pub(super) fn memory_options(cpu: i64) -> Option<Vec<i64>> {
    let (from, to, step) = match cpu {
        256 => return Some(vec![512, 1024, 2048]),
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16384, 1024),
        4096 => (8192, 30720, 1024),
        8192 => (16384, 61440, 4096),
        16384 => (32768, 122880, 8192),
        _ => return None,
    };
    Some((from..=to).step_by(step).collect())
}

pub(super) const CPU_OPTIONS: [i64; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// A short human description of the valid memory range for `cpu`.
pub(super) fn describe(cpu: i64) -> String {
    match memory_options(cpu) {
        Some(options) if options.len() <= 3 => format!(
            "with cpu = {cpu}, memory must be one of {}",
            options
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(options) => format!(
            "with cpu = {cpu}, memory must be {} to {} in steps of {}",
            options[0],
            options[options.len() - 1],
            options[1] - options[0]
        ),
        None => format!(
            "cpu must be one of {}",
            CPU_OPTIONS
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fargate_table_edges() {
        assert_eq!(memory_options(256), Some(vec![512, 1024, 2048]));
        let large = memory_options(16384).unwrap_or_default();
        assert_eq!(large.first(), Some(&32768));
        assert_eq!(large.last(), Some(&122880));
        assert!(memory_options(4096).unwrap_or_default().contains(&30720));
        assert!(!memory_options(8192).unwrap_or_default().contains(&18432));
        assert_eq!(memory_options(300), None);
    }
}
