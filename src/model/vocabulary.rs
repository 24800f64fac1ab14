//! AWS's own words that checks compare spec values against: IAM's condition operators
//! and global condition keys, the actions that only read, give away secrets or escalate,
//! the managed policies that administer an account, ECS's FireLens options and reserved
//! label namespace, CloudFormation's intrinsic keys, and an EC2 instance's system
//! directories and the kernel capabilities that reach them.

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

/// The variables the AWS SDKs and CLI read credentials from (and the older names some SDKs
/// still read): in a container's environment they are credentials in plain text.
pub(crate) const AWS_CREDENTIAL_VARIABLES: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
];

/// How IAM's access key ids start (long-term `AKIA`, temporary `ASIA`, and the prefixes
/// of keys for other credential types); 16 upper-case letters and digits follow.
pub(crate) const ACCESS_KEY_ID_PREFIXES: [&str; 4] = ["AKIA", "ASIA", "ABIA", "ACCA"];

/// Whether `text` holds something shaped like an access key id, as a word of its own.
pub(crate) fn holds_access_key_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric();
    (0..bytes.len().saturating_sub(19)).any(|start| {
        let candidate = &bytes[start..start + 20];
        ACCESS_KEY_ID_PREFIXES
            .iter()
            .any(|prefix| candidate.starts_with(prefix.as_bytes()))
            && candidate[4..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && (start == 0 || !word(bytes[start - 1]))
            && bytes.get(start + 20).is_none_or(|b| !word(*b))
    })
}

/// Words of a variable name that say its value is a secret (`DB_PASSWORD`,
/// `CLIENT_SECRET`, `dbPasswd`)...
const SECRET_WORDS: [&str; 4] = ["PASSWORD", "PASSWD", "SECRET", "CREDENTIAL"];
/// ...pairs of words that do (`API_KEY`, `PRIVATE_KEY`)...
const SECRET_PAIRS: [(&str, &str); 4] = [
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SIGNING", "KEY"),
];
/// ...and last words that make it a reference to one (`SECRET_ARN`, `TOKEN_URL`,
/// `PASSWORD_FILE`) or a setting about it (`PASSWORD_MIN_LENGTH`).
const REFERENCE_WORDS: [&str; 14] = [
    "ARN", "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "NAME", "ID", "ARNS", "LENGTH", "TTL",
    "TYPE", "HEADER",
];

/// Whether a variable's name says it holds a secret: a word (split at `_`, `-`, `.` and
/// before a capital after a small letter) containing one of [`SECRET_WORDS`], ending in
/// `TOKEN` or `TOKENS` (`GITHUB_TOKEN`, `AUTHTOKEN`, not `TOKENIZER`), `PASS`, `APIKEY`,
/// or a pair of [`SECRET_PAIRS`], unless its last word makes it a reference.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        let split = !c.is_ascii_alphanumeric()
            || previous.is_some_and(|p| p.is_ascii_lowercase() && c.is_ascii_uppercase());
        if split || words.is_empty() {
            words.push(String::new());
        }
        if let (Some(word), true) = (words.last_mut(), c.is_ascii_alphanumeric()) {
            word.push(c.to_ascii_uppercase());
        }
        previous = Some(c);
    }
    words.retain(|word| !word.is_empty());
    if words
        .last()
        .is_some_and(|last| REFERENCE_WORDS.contains(&last.as_str()))
    {
        return false;
    }
    let single = words.iter().any(|word| {
        SECRET_WORDS.iter().any(|secret| word.contains(secret))
            || word.ends_with("TOKEN")
            || word.ends_with("TOKENS")
            || word == "PASS"
            || word == "APIKEY"
    });
    let paired = words.windows(2).any(|pair| {
        SECRET_PAIRS
            .iter()
            .any(|(first, second)| pair[0] == *first && pair[1] == *second)
    });
    single || paired
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
/// configuration, users' homes, logs, cron's spool, package databases. Every top-level
/// directory of the Filesystem Hierarchy Standard is here but `/srv`, `/mnt`, `/media`,
/// `/opt` and `/tmp`, where a task's own data belongs.
pub(crate) const HOST_SYSTEM_PATHS: [&str; 30] = [
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
pub(crate) const HOST_CAPABILITIES: [(Capability, &str, &str); 12] = [
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
    fn access_key_ids_and_secret_names_are_recognised() {
        assert!(holds_access_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(holds_access_key_id("id=ASIAY34FZKBOKMUTVV7A;"));
        assert!(!holds_access_key_id("AKIAIOSFODNN7EXAMPL"));
        assert!(!holds_access_key_id("XAKIAIOSFODNN7EXAMPLE"));
        assert!(!holds_access_key_id("akiaiosfodnn7example"));
        for name in [
            "DATABASE_PASSWORD",
            "DB_PASS",
            "dbPassword",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "stripeApiKey",
            "APIKEY",
            "CLIENT_SECRET",
            "JWT_SECRET_KEY",
            "SSH_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "NPM_AUTHTOKEN",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "LOG_LEVEL",
            "PORT",
            "DB_PASSWORD_SECRET_ARN",
            "TOKEN_URL",
            "PASSWORD_FILE",
            "PASSWORD_MIN_LENGTH",
            "PASSPORT_STRATEGY",
            "KEYCLOAK_REALM",
            "SECRET_NAME",
            "TOKENIZER_MODEL",
        ] {
            assert!(!is_secret_name(name), "{name}");
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
