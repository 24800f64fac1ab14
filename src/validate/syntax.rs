//! Shapes of names, ids and ARNs as AWS accepts them. Plain functions, no regex engine.

use crate::model::PartitionExt;
use crate::spec::Partition;

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with a role name, with the numbers: `None` when IAM accepts it.
pub fn role_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if !(1..=64).contains(&length) {
        return Some(format!("has {length} characters; IAM allows 1 to 64"));
    }
    name.chars()
        .find(|c| !is_iam_name_char(*c))
        .map(|c| format!("contains `{c}`, which IAM does not allow in role names"))
}

/// Policy, group and user names: 1-128 of `[A-Za-z0-9+=,.@_-]`.
pub fn is_iam_name(name: &str) -> bool {
    (1..=128).contains(&name.len()) && name.chars().all(is_iam_name_char)
}

fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// IAM path: 1-512 chars, starts and ends with `/`, printable ASCII.
pub fn is_iam_path(path: &str) -> bool {
    (1..=512).contains(&path.len())
        && path.starts_with('/')
        && path.ends_with('/')
        && path.chars().all(|c| ('!'..='~').contains(&c))
}

/// Names of spec entries (accounts, tasks): they become file names and resource identifiers.
pub fn is_spec_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub fn is_project_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// ECS family: up to 255 letters, digits, hyphens and underscores.
pub fn is_family(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-3`.
pub fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts[0].len() == 2
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// The partition a region belongs to.
pub fn region_partition(region: &str) -> Partition {
    if region.starts_with("cn-") {
        Partition::AwsCn
    } else if region.starts_with("us-gov-") {
        Partition::AwsUsGov
    } else {
        Partition::Aws
    }
}

/// An action: `service:Action`, wildcards allowed in the action part, or `*`.
pub fn is_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, PartialEq, Eq)]
pub struct ArnParts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse_arn(arn: &str) -> Option<ArnParts<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let arn = ArnParts {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    };
    (!arn.service.is_empty() && !arn.resource.is_empty()).then_some(arn)
}

/// Why `arn` is not an ARN of the wanted kind, or `None` when it is.
pub fn arn_problem(arn: &str, partition: Partition, expect: ArnKind) -> Option<String> {
    let Some(parts) = parse_arn(arn) else {
        return Some(format!(
            "`{arn}` is not an ARN (arn:partition:service:region:account:resource)"
        ));
    };
    if parts.partition != partition.as_str() {
        return Some(format!(
            "`{arn}` is in partition `{}`, but the project's partition is `{}`",
            parts.partition,
            partition.as_str()
        ));
    }
    let iam_account_ok = parts.region.is_empty() && is_account_id(parts.account);
    let ok = match expect {
        ArnKind::Any => true,
        ArnKind::Role => {
            parts.service == "iam" && iam_account_ok && parts.resource.starts_with("role/")
        }
        ArnKind::ManagedPolicy => {
            parts.service == "iam"
                && parts.region.is_empty()
                && (parts.account == "aws" || is_account_id(parts.account))
                && parts.resource.starts_with("policy/")
        }
        ArnKind::Principal => {
            parts.service == "iam"
                && iam_account_ok
                && (parts.resource == "root"
                    || parts.resource.starts_with("role/")
                    || parts.resource.starts_with("user/"))
        }
        ArnKind::Secret => {
            !parts.region.is_empty()
                && is_account_id(parts.account)
                && ((parts.service == "ssm" && parts.resource.starts_with("parameter/"))
                    || (parts.service == "secretsmanager" && parts.resource.starts_with("secret:")))
        }
        ArnKind::KmsKey => {
            parts.service == "kms"
                && !parts.region.is_empty()
                && is_account_id(parts.account)
                && (parts.resource.starts_with("key/") || parts.resource.starts_with("alias/"))
        }
    };
    (!ok).then(|| format!("`{arn}` is not {}", expect.describe()))
}

#[derive(Debug, Clone, Copy)]
pub enum ArnKind {
    Any,
    Role,
    ManagedPolicy,
    Principal,
    Secret,
    KmsKey,
}

impl ArnKind {
    fn describe(self) -> &'static str {
        match self {
            ArnKind::Any => "an ARN",
            ArnKind::Role => "an IAM role ARN (arn:<partition>:iam::<12-digit id>:role/<name>)",
            ArnKind::ManagedPolicy => {
                "a managed policy ARN (arn:<partition>:iam::<aws|12-digit id>:policy/<name>)"
            }
            ArnKind::Principal => {
                "an IAM principal ARN (…:iam::<12-digit id>:root, :role/<name> or :user/<name>)"
            }
            ArnKind::Secret => "an SSM parameter or Secrets Manager secret ARN",
            ArnKind::KmsKey => "a KMS key ARN (arn:<partition>:kms:<region>:<id>:key/<key-id>)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_need_a_service_prefix() {
        assert!(is_action("ssm:DescribeParameters"));
        assert!(is_action("s3:Get*"));
        assert!(is_action("*"));
        assert!(!is_action("DescribeParameters"));
        assert!(!is_action("ssm:"));
        assert!(!is_action("SSM:Get"));
    }

    #[test]
    fn arns_are_checked_for_kind_and_partition() {
        let role = "arn:aws:iam::111122223333:role/deployer";
        assert_eq!(arn_problem(role, Partition::Aws, ArnKind::Role), None);
        assert!(arn_problem(role, Partition::AwsCn, ArnKind::Role).is_some());
        assert!(arn_problem("deployer", Partition::Aws, ArnKind::Role).is_some());
        assert!(arn_problem(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            Partition::Aws,
            ArnKind::ManagedPolicy
        )
        .is_none());
        assert!(arn_problem("ReadOnlyAccess", Partition::Aws, ArnKind::ManagedPolicy).is_some());
        assert!(arn_problem("*", Partition::Aws, ArnKind::Principal).is_some());
    }

    #[test]
    fn regions_know_their_partition() {
        assert!(is_region("eu-west-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("europe"));
        assert_eq!(region_partition("cn-north-1"), Partition::AwsCn);
    }
}
