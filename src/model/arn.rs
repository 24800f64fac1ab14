//! ARNs: one parsed form for every stage that reads one (validation, CloudFormation's pseudo
//! parameters, the trust graph, developer reach), and the partition-specific names the
//! model builds.

use super::pattern::has_wildcard;
use crate::spec::Partition;

/// An ARN split into its parts, borrowed from the text it was parsed from:
/// `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// The parts of `text`, when it has the shape of an ARN (a service and a resource).
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        // Most text asked is no ARN at all: refused before any splitting.
        let rest = text.strip_prefix("arn:")?;
        // The first four colons end the four fields; the resource is the rest, colons and
        // all. A byte loop, not `splitn`: this runs for every string a document writes.
        let mut fields = [""; 4];
        let mut found = 0;
        let mut start = 0;
        for (at, byte) in rest.bytes().enumerate() {
            if byte == b':' {
                fields[found] = &rest[start..at];
                start = at + 1;
                found += 1;
                if found == fields.len() {
                    break;
                }
            }
        }
        if found < fields.len() {
            return None;
        }
        let [partition, service, region, account] = fields;
        let arn = Arn {
            partition,
            service,
            region,
            account,
            resource: &rest[start..],
        };
        (!arn.service.is_empty() && !arn.resource.is_empty()).then_some(arn)
    }

    /// Whether the partition, service, region or account holds a wildcard: such an ARN
    /// reaches across accounts or partitions, not just across names of one account.
    pub(crate) fn is_wide(&self) -> bool {
        [self.partition, self.service, self.region, self.account]
            .iter()
            .any(|part| has_wildcard(part))
    }

    /// For an IAM role ARN (`role/<path><name>`): the path (`/` when none) and the name.
    pub(crate) fn role_path_and_name(&self) -> Option<(&'a str, &'a str)> {
        let rest = self.resource.strip_prefix("role/")?;
        match rest.rfind('/') {
            Some(slash) => Some((&self.resource[4..5 + slash + 1], &rest[slash + 1..])),
            None => Some(("/", rest)),
        }
    }
}

pub trait PartitionExt {
    fn as_str(&self) -> &'static str;
    /// The principal ECS uses to assume task roles; the same name in every partition
    /// (China included, unlike some older service principals).
    fn ecs_tasks_principal(&self) -> &'static str;
    fn iam_root(&self, account_id: &str) -> String;
    fn role_arn(&self, account_id: &str, path: &str, name: &str) -> String;
    fn policy_arn(&self, account_id: &str, path: &str, name: &str) -> String;
    fn aws_managed_policy(&self, name: &str) -> String;
    /// Every role of an account: `arn:<partition>:iam::<id>:role/*`.
    fn roles_of(&self, account_id: &str) -> String;
    /// Every ECS resource of an account and region, for the `aws:SourceArn` guard.
    fn ecs_sources(&self, region: &str, account_id: &str) -> String;
    /// An EFS file system: what `elasticfilesystem:Client*` actions are granted on.
    fn efs_file_system_arn(&self, region: &str, account_id: &str, file_system_id: &str) -> String;
    /// An EFS access point, for the `elasticfilesystem:AccessPointArn` condition.
    fn efs_access_point_arn(&self, region: &str, account_id: &str, access_point_id: &str)
        -> String;
    /// The roles IAM Identity Center creates for a permission set in an account, as
    /// `ArnLike` patterns of both forms (see `reserved_role_patterns`).
    fn reserved_role_patterns(
        &self,
        account_id: &str,
        region: &str,
        permission_set: &str,
    ) -> [String; 2];
}

/// The path of every role IAM Identity Center creates (IAM reserves `/aws-reserved/`: no
/// one else can create a role there).
pub(crate) const RESERVED_SSO_PATH: &str = "/aws-reserved/sso.amazonaws.com/";
/// The start of a permission set's reserved role name.
pub(crate) const RESERVED_SSO_PREFIX: &str = "AWSReservedSSO_";

/// A permission set's reserved role name as an IAM pattern: the name, then `_` and
/// exactly 16 single-character wildcards for the random suffix. Exact in length, so the
/// pattern of `Dev` cannot match the roles of `Dev_Admin` (whose name continues for more
/// than 16 characters after `AWSReservedSSO_Dev_`) nor of any other permission set.
fn reserved_role_name_pattern(permission_set: &str) -> String {
    format!(
        "{RESERVED_SSO_PREFIX}{permission_set}_{}",
        "?".repeat(super::limits::RESERVED_ROLE_SUFFIX_CHARS)
    )
}

/// The permission set whose reserved roles `pattern` (one of `reserved_role_patterns`)
/// names, when it is such a pattern.
pub(crate) fn reserved_role_permission_set(pattern: &str) -> Option<&str> {
    let arn = Arn::parse(pattern)?;
    let rest = arn
        .resource
        .strip_prefix("role")?
        .strip_prefix(RESERVED_SSO_PATH)?;
    // `<name>` or `<region>/<name>`.
    let name = rest.rsplit('/').next()?;
    let suffix = format!("_{}", "?".repeat(super::limits::RESERVED_ROLE_SUFFIX_CHARS));
    name.strip_prefix(RESERVED_SSO_PREFIX)?
        .strip_suffix(&suffix)
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
        // Made for every task (and for each pair that trusts one): `concat`, not `format!`.
        [
            "arn:",
            self.as_str(),
            ":iam::",
            account_id,
            ":role",
            path,
            name,
        ]
        .concat()
    }

    fn policy_arn(&self, account_id: &str, path: &str, name: &str) -> String {
        format!("arn:{}:iam::{account_id}:policy{path}{name}", self.as_str())
    }

    fn aws_managed_policy(&self, name: &str) -> String {
        format!("arn:{}:iam::aws:policy/{name}", self.as_str())
    }

    fn roles_of(&self, account_id: &str) -> String {
        format!("arn:{}:iam::{account_id}:role/*", self.as_str())
    }

    fn ecs_sources(&self, region: &str, account_id: &str) -> String {
        format!("arn:{}:ecs:{region}:{account_id}:*", self.as_str())
    }

    /// `…:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_<set>_<16 × ?>` (an identity
    /// source in us-east-1) and `…/sso.amazonaws.com/<region>/AWSReservedSSO_<set>_<16 × ?>`
    /// (anywhere else): AWS documents both, so a trust names both.
    fn reserved_role_patterns(
        &self,
        account_id: &str,
        region: &str,
        permission_set: &str,
    ) -> [String; 2] {
        let name = reserved_role_name_pattern(permission_set);
        [
            self.role_arn(account_id, RESERVED_SSO_PATH, &name),
            self.role_arn(account_id, &format!("{RESERVED_SSO_PATH}{region}/"), &name),
        ]
    }

    fn efs_file_system_arn(&self, region: &str, account_id: &str, file_system_id: &str) -> String {
        format!(
            "arn:{}:elasticfilesystem:{region}:{account_id}:file-system/{file_system_id}",
            self.as_str()
        )
    }

    fn efs_access_point_arn(
        &self,
        region: &str,
        account_id: &str,
        access_point_id: &str,
    ) -> String {
        format!(
            "arn:{}:elasticfilesystem:{region}:{account_id}:access-point/{access_point_id}",
            self.as_str()
        )
    }
}

/// The bucket of an S3 object ARN (`arn:<partition>:s3:::<bucket>/<key>` -> `…:<bucket>`),
/// for `s3:GetBucketLocation`.
pub(crate) fn s3_bucket_of(object_arn: &str) -> Option<&str> {
    let arn = Arn::parse(object_arn).filter(|arn| arn.service == "s3")?;
    let slash = arn.resource.find('/')?;
    Some(&object_arn[..object_arn.len() - arn.resource.len() + slash])
}

/// The resource a secret's `valueFrom` names, as IAM sees it: Secrets Manager references
/// may carry `:json-key:version-stage:version-id` after the secret ARN, which IAM ignores.
pub(super) fn secret_resource_arn(value_from: &str) -> String {
    match Arn::parse(value_from) {
        Some(arn) if arn.service == "secretsmanager" => {
            // `secret:<name>` is the secret; anything after its next `:` selects inside it.
            let secret = arn
                .resource
                .splitn(3, ':')
                .take(2)
                .collect::<Vec<_>>()
                .join(":");
            format!(
                "arn:{}:{}:{}:{}:{secret}",
                arn.partition, arn.service, arn.region, arn.account
            )
        }
        _ => value_from.to_string(),
    }
}

/// The service of an ARN (`ssm`, `secretsmanager`, ...).
pub(super) fn service(arn: &str) -> Option<&str> {
    Arn::parse(arn).map(|arn| arn.service)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pattern::pattern_matches;

    #[test]
    fn parses_six_fields_with_colons_kept_in_the_resource() {
        let arn = Arn::parse("arn:aws:s3:eu-west-1:111122223333:b/c:d:e");
        assert_eq!(
            arn.map(|a| (a.partition, a.service, a.region, a.account, a.resource)),
            Some(("aws", "s3", "eu-west-1", "111122223333", "b/c:d:e"))
        );
        for not_arn in [
            "arn",
            "arn:",
            "arn:aws:s3:::",
            "arn:aws::eu-west-1:1:x",
            "ARN:aws:s3:::b",
            " arn:aws:s3:::b",
            "urn:aws:s3:::b",
            "arn:aws:s3",
            "",
        ] {
            assert!(Arn::parse(not_arn).is_none(), "{not_arn:?}");
        }
    }

    /// The byte loop splits as `splitn(5, ':')` does, over every text of up to seven
    /// characters from `a`, `:` and `/` after `arn:`.
    #[test]
    fn parse_splits_as_splitn_does() {
        fn by_splitn(text: &str) -> Option<[&str; 5]> {
            let mut parts = text.strip_prefix("arn:")?.splitn(5, ':');
            let fields = [
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            ];
            (!fields[1].is_empty() && !fields[4].is_empty()).then_some(fields)
        }
        let mut texts = vec![String::new()];
        for _ in 0..7 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|text| ['a', ':', '/'].map(|c| format!("{text}{c}")))
                .collect();
            texts.extend(longer);
            texts.sort();
            texts.dedup();
        }
        assert!(texts.len() > 3000);
        for tail in &texts {
            let text = format!("arn:{tail}");
            let parsed = Arn::parse(&text)
                .map(|a| [a.partition, a.service, a.region, a.account, a.resource]);
            assert_eq!(parsed, by_splitn(&text), "{text:?}");
        }
    }

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
    fn arns_split_into_parts_and_roles_into_path_and_name() {
        let text = "arn:aws:iam::111122223333:role/app/v2/web";
        let arn = Arn::parse(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(arn.account, "111122223333");
        assert_eq!(arn.role_path_and_name(), Some(("/app/v2/", "web")));
        let plain = Arn::parse("arn:aws:iam::111122223333:role/web");
        assert_eq!(
            plain.and_then(|a| a.role_path_and_name()),
            Some(("/", "web"))
        );
        assert!(Arn::parse("arn:aws:iam::*:role/x").is_some_and(|a| a.is_wide()));
        assert!(!Arn::parse("arn:aws:s3:::bucket/*").is_some_and(|a| a.is_wide()));
        assert_eq!(Arn::parse("role/x"), None);
    }

    #[test]
    fn efs_and_s3_arns_are_built_and_split() {
        assert_eq!(
            Partition::AwsCn.efs_file_system_arn("cn-north-1", "111122223333", "fs-0123abcd"),
            "arn:aws-cn:elasticfilesystem:cn-north-1:111122223333:file-system/fs-0123abcd"
        );
        assert_eq!(
            Partition::Aws.efs_access_point_arn("eu-west-1", "111122223333", "fsap-0123abcd"),
            "arn:aws:elasticfilesystem:eu-west-1:111122223333:access-point/fsap-0123abcd"
        );
        assert_eq!(
            s3_bucket_of("arn:aws:s3:::config-bucket/app/prod.env"),
            Some("arn:aws:s3:::config-bucket")
        );
        assert_eq!(s3_bucket_of("arn:aws:s3:::bucket-only"), None);
        assert_eq!(s3_bucket_of("arn:aws:ssm:eu-west-1:1:parameter/x"), None);
    }

    #[test]
    fn reserved_role_patterns_match_exactly_their_permission_sets_roles() {
        let [plain, regional] =
            Partition::Aws.reserved_role_patterns("111122223333", "eu-west-1", "Dev");
        assert_eq!(
            plain,
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_????????????????"
        );
        assert_eq!(
            regional,
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_????????????????"
        );
        let role = |path: &str, name: &str| format!("arn:aws:iam::111122223333:role{path}{name}");
        let ours = "AWSReservedSSO_Dev_0123456789abcdef";
        assert!(pattern_matches(&plain, &role(RESERVED_SSO_PATH, ours)));
        assert!(pattern_matches(
            &regional,
            &role("/aws-reserved/sso.amazonaws.com/eu-west-1/", ours)
        ));
        // Each form matches only its own path.
        assert!(!pattern_matches(
            &plain,
            &role("/aws-reserved/sso.amazonaws.com/eu-west-1/", ours)
        ));
        assert!(!pattern_matches(
            &regional,
            &role("/aws-reserved/sso.amazonaws.com/us-east-1/", ours)
        ));
        // A permission set whose name starts with ours (with or without `_`) is another.
        for other in [
            "AWSReservedSSO_Dev_Admin_0123456789abcdef",
            "AWSReservedSSO_Developer_0123456789abcdef",
            "AWSReservedSSO_Dev_0123456789abcdef0",
            "AWSReservedSSO_Dev_0123456789abcde",
            "AWSReservedSSO_De_0123456789abcdef",
        ] {
            assert!(
                !pattern_matches(&plain, &role(RESERVED_SSO_PATH, other)),
                "{other}"
            );
        }
        // Nor a role of the same name outside the reserved path, or in another account.
        assert!(!pattern_matches(&plain, &role("/", ours)));
        assert!(!pattern_matches(
            &plain,
            &format!("arn:aws:iam::999988887777:role{RESERVED_SSO_PATH}{ours}")
        ));
        assert_eq!(reserved_role_permission_set(&plain), Some("Dev"));
        assert_eq!(reserved_role_permission_set(&regional), Some("Dev"));
        assert_eq!(
            reserved_role_permission_set("arn:aws:iam::111122223333:role/Dev"),
            None
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
