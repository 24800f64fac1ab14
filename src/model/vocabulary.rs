//! AWS's own words that checks compare spec values against: IAM's condition operators
//! and global condition keys, the actions that only read, give away secrets or escalate,
//! the managed policies that administer an account, ECS's FireLens options and reserved
//! label namespace, CloudFormation's intrinsic keys, the users a container runs as root
//! with, and an EC2 instance's system directories and the kernel capabilities that reach
//! them. What a secret in plain text looks like is in `secrets.rs`.

use crate::spec::Capability;

/// Action-name prefixes that only read. Any other action, or a wildcard that may reach
/// other actions, counts as a write.
pub(crate) const READ_PREFIXES: [&str; 16] = [
    "Get", "List", "Describe", "Head", "Query", "Scan", "BatchGet", "Lookup", "Search", "Select",
    "View", "Check", "Read", "Validate", "Estimate", "Simulate",
];

/// AWS managed policies that amount to administering the account.
pub(crate) const ADMIN_POLICIES: [&str; 3] =
    ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/// Actions that read secrets: on every resource, they read every secret.
pub(crate) const SECRET_READS: [&str; 7] = [
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
];

/// IAM actions that let whoever holds them give themselves more (on any resource: the
/// role or user they name is the one that gains).
pub(crate) const IAM_ESCALATION: [&str; 16] = [
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachGroupPolicy",
    "iam:AddUserToGroup",
    "iam:DeleteUserPermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateRole",
];

/// IAM's condition operators, without the `ForAllValues:` / `ForAnyValue:` set prefixes
/// and the `IfExists` suffix, which all but `Null` may take.
pub(crate) const OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// AWS's global condition keys (IAM User Guide, "AWS global condition context keys").
/// Keys ending in `/` take a tag key after it.
pub(crate) const GLOBAL_KEYS: [&str; 49] = [
    "aws:AssumedRoot",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ChatbotSourceArn",
    "aws:CurrentTime",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:Ec2InstanceSourceVpc",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalTag/",
    "aws:PrincipalType",
    "aws:RequestTag/",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TagKeys",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "aws:referer",
    "aws:userid",
    "aws:username",
    "aws:SourceOwner",
];

/// Whether a container's `user` runs it as root, whatever the group after `:`: the name
/// `root`; uid 0 in any spelling the runtime parses as 0 (`0`, `000`, and, as Go's
/// `strconv.Atoi` reads a sign, `+0` and `-0`); or no user before the `:` (`:1000`), which
/// Docker and containerd leave at uid 0.
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default();
    let digits = name.strip_prefix(['+', '-']).unwrap_or(name);
    name == "root"
        || (name.is_empty() && user.contains(':'))
        || (!digits.is_empty() && digits.bytes().all(|b| b == b'0'))
}

/// The FireLens options ECS reads.
pub(crate) const FIRELENS_OPTIONS: [&str; 3] = [
    "enable-ecs-log-metadata",
    "config-file-type",
    "config-file-value",
];

/// Labels the ECS agent sets on every container (task ARN, cluster, container name): a spec
/// must not forge them.
pub(crate) const RESERVED_LABEL_PREFIX: &str = "com.amazonaws.ecs.";

/// Keys CloudFormation reads as code: a map whose key is `Ref`, `Condition` or starts with
/// `Fn::` is an intrinsic function, evaluated, not data.
pub(crate) fn is_intrinsic_key(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

/// Directories of a Linux EC2 instance a container must not get (nor any of their parents,
/// which hold them): the Docker, containerd and ECS agents' state and sockets (every task's
/// credentials), the SSM agent's and cloud-init's, the kernel's interfaces, devices, boot
/// files, programs and libraries (writing one runs code as root on the instance), system
/// configuration, users' homes, logs, cron's spool, package databases, and the ECS agent's
/// image that ecs-init loads as root (`/var/cache/ecs`). Every top-level
/// directory of the Filesystem Hierarchy Standard is here but `/srv`, `/mnt`, `/media`,
/// `/opt` and `/tmp`, where a task's own data belongs.
pub(crate) const HOST_SYSTEM_PATHS: [&str; 31] = [
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var/run",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/ecs",
    "/var/cache/ecs",
    "/var/lib/amazon",
    "/var/lib/cloud",
    "/var/lib/kubelet",
    "/var/lib/rpm",
    "/var/lib/dpkg",
    "/var/lib/alternatives",
    "/var/lib/systemd",
    "/var/log",
    "/var/spool",
    "/.bottlerocket",
    "/local",
];

/// `path` with `.`, `..` and repeated or trailing `/` resolved, as the kernel reads it
/// (`/srv/../var/run/docker.sock` is `/var/run/docker.sock`; `..` stops at `/`). Only
/// lexical: a symbolic link on the instance is not followed.
pub(crate) fn lexically_normal(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether `mount` is `path` or one of its parent directories.
pub(crate) fn covers_path(mount: &str, path: &str) -> bool {
    let mount = mount.trim_end_matches('/');
    path == mount
        || path
            .strip_prefix(mount)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Kernel capabilities that reach past a container on an EC2 instance: what each allows,
/// and what a container can then do. (Fargate adds only `SYS_PTRACE`, inside the task's own micro VM; ECS knows no
/// `BPF`, `PERFMON` or `CHECKPOINT_RESTORE`, so the spec cannot name them.)
pub(crate) const HOST_CAPABILITIES: [(Capability, &str, &str); 13] = [
    (
        Capability::All,
        "every capability",
        "it is root on the EC2 instance",
    ),
    (
        Capability::SysAdmin,
        "mounts, namespaces and most of the kernel's administration",
        "it is nearly root on the EC2 instance",
    ),
    (
        Capability::SysModule,
        "loading kernel modules",
        "it runs code in the instance's kernel",
    ),
    (
        Capability::SysRawio,
        "raw access to devices, I/O ports and memory",
        "it reads and writes the instance's disks and memory",
    ),
    (
        Capability::DacReadSearch,
        "opening any file by handle, past every permission check",
        "it reads the instance's files outside its own",
    ),
    (
        Capability::SysPtrace,
        "tracing processes",
        "it reads and changes the memory of every process it sees (with pid_mode = \"host\", every process of the instance)",
    ),
    (
        Capability::NetAdmin,
        "network administration",
        "it can rewrite the routes and firewall rules that keep it from the instance metadata service and the instance role's credentials",
    ),
    (
        Capability::SysBoot,
        "rebooting and loading a new kernel",
        "it can stop or replace the instance's kernel",
    ),
    (
        Capability::SysTime,
        "setting the clock",
        "it changes the time of the instance and every task on it",
    ),
    (
        Capability::Syslog,
        "reading the kernel's log",
        "it sees kernel addresses that help an exploit, and other tasks' messages",
    ),
    (
        Capability::MacAdmin,
        "configuring mandatory access control",
        "it can lift the AppArmor or SELinux profile that confines it",
    ),
    (
        Capability::AuditControl,
        "configuring the kernel's audit system",
        "it can switch off or rewrite the audit rules that record what happens on the instance",
    ),
    (
        Capability::MacOverride,
        "overriding mandatory access control",
        "it ignores the AppArmor or SELinux profile that confines it",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_covered_by_their_parents_only() {
        assert!(covers_path("/var/lib/amazon", "/var/lib/amazon/ssm"));
        assert!(covers_path("/var/lib/amazon/", "/var/lib/amazon/ssm"));
        assert!(covers_path("/var/lib/amazon/ssm", "/var/lib/amazon/ssm"));
        assert!(!covers_path("/var/lib/am", "/var/lib/amazon/ssm"));
        assert!(!covers_path("/var/lib/amazon/ssm/x", "/var/lib/amazon/ssm"));
    }

    #[test]
    fn root_is_found_in_every_spelling_the_runtime_parses() {
        for user in [
            "root",
            "0",
            "000",
            "0:1000",
            "+0",
            "-0",
            "+0:0",
            "root:root",
            ":0",
            ":1000",
        ] {
            assert!(is_root_user(user), "{user}");
        }
        for user in ["1000", "1000:0", "rootless", "app", "+1", "++0", "", "ROOT"] {
            assert!(!is_root_user(user), "{user}");
        }
    }

    #[test]
    fn paths_are_normalised_as_the_kernel_reads_them() {
        for (given, normal) in [
            ("/srv/../var/run/docker.sock", "/var/run/docker.sock"),
            ("//etc", "/etc"),
            ("/./etc/", "/etc"),
            ("/../../etc", "/etc"),
            ("/srv/data", "/srv/data"),
            ("/", "/"),
            ("/srv/./a//b/..", "/srv/a"),
        ] {
            assert_eq!(lexically_normal(given), normal, "{given}");
        }
    }
}
