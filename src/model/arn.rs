//! ARNs and partition-specific names.

use crate::spec::Partition;

pub trait PartitionExt {
    fn as_str(&self) -> &'static str;
    /// The principal ECS uses to assume task roles; the same name in every partition
    /// (China included, unlike some older service principals).
    fn ecs_tasks_principal(&self) -> &'static str;
    fn iam_root(&self, account_id: &str) -> String;
    fn role_arn(&self, account_id: &str, path: &str, name: &str) -> String;
    fn policy_arn(&self, account_id: &str, path: &str, name: &str) -> String;
    fn aws_managed_policy(&self, name: &str) -> String;
}

impl PartitionExt for Partition {
    fn as_str(&self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    fn ecs_tasks_principal(&self) -> &'static str {
        "ecs-tasks.amazonaws.com"
    }

    fn iam_root(&self, account_id: &str) -> String {
        format!("arn:{}:iam::{account_id}:root", self.as_str())
    }

    fn role_arn(&self, account_id: &str, path: &str, name: &str) -> String {
        format!("arn:{}:iam::{account_id}:role{path}{name}", self.as_str())
    }

    fn policy_arn(&self, account_id: &str, path: &str, name: &str) -> String {
        format!("arn:{}:iam::{account_id}:policy{path}{name}", self.as_str())
    }

    fn aws_managed_policy(&self, name: &str) -> String {
        format!("arn:{}:iam::aws:policy/{name}", self.as_str())
    }
}

/// The resource a secret's `valueFrom` names, as IAM sees it: Secrets Manager references
/// may carry `:json-key:version-stage:version-id` after the secret ARN, which IAM ignores.
pub fn secret_resource_arn(value_from: &str) -> String {
    let parts: Vec<&str> = value_from.split(':').collect();
    if parts.get(2) == Some(&"secretsmanager") && parts.len() > 7 {
        parts[..7].join(":")
    } else {
        value_from.to_string()
    }
}

/// The service of an ARN (`ssm`, `secretsmanager`, ...).
pub fn service(arn: &str) -> Option<&str> {
    arn.split(':').nth(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_include_the_path_and_partition() {
        assert_eq!(
            Partition::AwsCn.role_arn("111122223333", "/app/", "web"),
            "arn:aws-cn:iam::111122223333:role/app/web"
        );
        assert_eq!(
            Partition::Aws.role_arn("111122223333", "/", "web"),
            "arn:aws:iam::111122223333:role/web"
        );
    }

    #[test]
    fn secrets_manager_suffixes_are_stripped_for_iam() {
        let arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf";
        assert_eq!(secret_resource_arn(&format!("{arn}:password::")), arn);
        assert_eq!(secret_resource_arn(arn), arn);
        let parameter = "arn:aws:ssm:eu-west-1:111122223333:parameter/db";
        assert_eq!(secret_resource_arn(parameter), parameter);
    }
}
