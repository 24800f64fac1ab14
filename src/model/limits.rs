//! AWS's own numbers, defined once: what IAM, STS and CloudFormation accept. Validation
//! checks the spec and the built model against them, the model builder shards by them, the
//! CloudFormation renderer splits stacks by them and `check --sizes` shows them.

use crate::spec::{Capability, UlimitName};

/// IAM: the inline policies of one role, together (whitespace not counted).
pub(crate) const INLINE_POLICIES_CHARS: usize = 10_240;
/// IAM: one customer managed policy document.
pub(crate) const MANAGED_POLICY_CHARS: usize = 6_144;
/// IAM: a trust policy, by default; a raised quota goes up to `TRUST_POLICY_CHARS_MAX`.
pub(crate) const TRUST_POLICY_CHARS: i64 = 2_048;
pub(crate) const TRUST_POLICY_CHARS_MAX: i64 = 4_096;
/// IAM: managed policies attached to one role, by default and at most with a raised quota.
pub(crate) const MANAGED_POLICIES_PER_ROLE: i64 = 10;
pub(crate) const MANAGED_POLICIES_PER_ROLE_MAX: i64 = 20;
/// IAM: a role's `MaxSessionDuration`, default and range.
pub(crate) const SESSION_SECONDS_DEFAULT: i64 = 3_600;
pub(crate) const SESSION_SECONDS_MAX: i64 = 43_200;
pub(crate) const SESSION_SECONDS: std::ops::RangeInclusive<i64> =
    SESSION_SECONDS_DEFAULT..=SESSION_SECONDS_MAX;
/// STS caps a session assumed from another role session (role chaining) at one hour.
pub(crate) const CHAINED_SESSION_SECONDS: i64 = 3_600;
/// STS: `sts:AssumeRole`'s inline session policy (plain text) and managed session policies.
pub(crate) const SESSION_POLICY_CHARS: usize = 2_048;
pub(crate) const SESSION_POLICY_ARNS: usize = 10;
/// IAM: tags on a role, and a tag key's and value's length.
pub(crate) const TAGS_PER_ROLE: usize = 50;
pub(crate) const TAG_KEY_CHARS: usize = 128;
pub(crate) const TAG_VALUE_CHARS: usize = 256;
/// STS: an ExternalId's length.
pub(crate) const EXTERNAL_ID_CHARS: std::ops::RangeInclusive<usize> = 2..=1_224;
/// CloudWatch Logs: the retention periods a log group accepts, in days.
pub(crate) const LOG_RETENTION_DAYS: [i64; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];
/// CloudFormation: one stack's resources, outputs and template size.
pub(crate) const STACK_RESOURCES: usize = 500;
pub(crate) const STACK_OUTPUTS: usize = 200;
pub(crate) const STACK_TEMPLATE_BYTES: usize = 1_000_000;

/// ECS: a port number.
pub(crate) const PORT: std::ops::RangeInclusive<i64> = 1..=65_535;
/// ECS: a Fargate task's ephemeral storage, GiB (20 without the setting).
pub(crate) const EPHEMERAL_STORAGE_GIB: std::ops::RangeInclusive<i64> = 21..=200;
/// ECS: a container health check's interval, timeout and start period (seconds) and retries.
pub(crate) const HEALTH_CHECK_INTERVAL: std::ops::RangeInclusive<i64> = 5..=300;
pub(crate) const HEALTH_CHECK_TIMEOUT: std::ops::RangeInclusive<i64> = 2..=120;
pub(crate) const HEALTH_CHECK_RETRIES: std::ops::RangeInclusive<i64> = 1..=10;
pub(crate) const HEALTH_CHECK_START_PERIOD: std::ops::RangeInclusive<i64> = 0..=300;
/// ECS on Fargate: a container's stop and start timeouts, seconds.
pub(crate) const FARGATE_CONTAINER_TIMEOUT: std::ops::RangeInclusive<i64> = 2..=120;
/// Fargate: the highest `nofile` limit (soft and hard).
pub(crate) const FARGATE_NOFILE_MAX: i64 = 1_048_576;
/// ECS: the names of containers and volumes, and of ports (Service Connect).
pub(crate) const CONTAINER_NAME_CHARS: usize = 255;
pub(crate) const VOLUME_NAME_CHARS: usize = 255;
pub(crate) const PORT_NAME_CHARS: usize = 64;
/// ECS: a registered task definition, as JSON.
pub(crate) const TASK_DEFINITION_BYTES: usize = 65_536;
/// ECS: containers in one task definition.
pub(crate) const CONTAINERS_PER_TASK: usize = 10;
/// ECS: environment files of one container.
pub(crate) const ENVIRONMENT_FILES: usize = 10;
/// IAM Identity Center: a permission set's name (`[\w+=,.@-]`) and its session duration.
pub(crate) const PERMISSION_SET_NAME_CHARS: usize = 32;
pub(crate) const PERMISSION_SET_SESSION_SECONDS: std::ops::RangeInclusive<i64> = 3_600..=43_200;
/// IAM Identity Center: the random suffix of a permission set's reserved role name
/// (`AWSReservedSSO_<permission set>_<16 hex characters>`).
pub(crate) const RESERVED_ROLE_SUFFIX_CHARS: usize = 16;
/// IAM Identity Center: the hex characters of an instance id (`ssoins-<16 hex>`).
pub(crate) const INSTANCE_ID_HEX_CHARS: usize = 16;

/// Fargate: the task-level cpu sizes (units; 1024 = one vCPU).
pub(crate) const FARGATE_CPU: [i64; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];
/// Fargate: Windows tasks take at least one vCPU, and no size above four.
pub(crate) const FARGATE_WINDOWS_CPU: [i64; 3] = [1024, 2048, 4096];
/// Fargate: the one ulimit a task may set; it keeps the operating system's others.
pub(crate) const FARGATE_ULIMITS: [UlimitName; 1] = [UlimitName::Nofile];
/// Fargate: the one capability a container may add (dropping any is allowed).
pub(crate) const FARGATE_CAPABILITIES: [Capability; 1] = [Capability::SysPtrace];

/// Fargate: the memory sizes (MiB) it runs with `cpu`, or `None` when `cpu` is no size.
pub(crate) fn fargate_memory_options(cpu: i64) -> Option<Vec<i64>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fargate_table_edges() {
        assert_eq!(fargate_memory_options(256), Some(vec![512, 1024, 2048]));
        let large = fargate_memory_options(16384).unwrap_or_default();
        assert_eq!(large.first(), Some(&32768));
        assert_eq!(large.last(), Some(&122880));
        assert!(fargate_memory_options(4096)
            .unwrap_or_default()
            .contains(&30720));
        assert!(!fargate_memory_options(8192)
            .unwrap_or_default()
            .contains(&18432));
        assert_eq!(fargate_memory_options(300), None);
    }
}
