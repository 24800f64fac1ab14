//! AWS's own words that checks compare spec values against: IAM's condition operators
//! and global condition keys, the actions that only read, give away secrets or escalate,
//! the managed policies that administer an account, ECS's FireLens options and reserved
//! label namespace, CloudFormation's intrinsic keys, and an EC2 instance's system
//! directories.

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

/// Directories of an EC2 instance a container must not get: the Docker and ECS agents'
/// state and sockets (credentials of every task), the kernel's interfaces, system config.
pub(crate) const HOST_SYSTEM_PATHS: [&str; 12] = [
    "/var/run",
    "/run",
    "/var/lib/docker",
    "/var/lib/ecs",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/root",
    "/boot",
    "/home",
    "/var/log",
];

/// Whether `mount` is `path` or one of its parent directories.
pub(crate) fn covers_path(mount: &str, path: &str) -> bool {
    let mount = mount.trim_end_matches('/');
    path == mount
        || path
            .strip_prefix(mount)
            .is_some_and(|rest| rest.starts_with('/'))
}

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
}
