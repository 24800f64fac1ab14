//! The formats AWS gives its names and ids: IAM names and paths, account ids, regions, S3
//! bucket names and key prefixes, DynamoDB tables, actions, ECS names, IAM Identity Center's
//! ids and durations. Plain functions, no regex engine.
//!
//! Where AWS's own character set is narrower than a TOML string, values are held to
//! AWS's: nothing else could be deployed, and nothing else can then surprise a shell, an
//! INI file or a policy (a `*` or `${…}` in a path would widen every policy naming it).

use super::limits::{INSTANCE_ID_HEX_CHARS, PERMISSION_SET_NAME_CHARS};
use super::{has_wildcard, Arn, PartitionExt};
use crate::spec::Partition;

pub(crate) fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with a role name, with the numbers: `None` when IAM accepts it.
pub(crate) fn role_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if !(1..=64).contains(&length) {
        return Some(format!("has {length} characters; IAM allows 1 to 64"));
    }
    name.chars().find(|c| !is_iam_name_char(*c)).map(|c| {
        format!(
            "contains `{}`, which IAM does not allow in role names",
            c.escape_debug()
        )
    })
}

/// Policy, group and user names: 1-128 of `[A-Za-z0-9+=,.@_-]`.
pub(crate) fn is_iam_name(name: &str) -> bool {
    (1..=128).contains(&name.len()) && name.chars().all(is_iam_name_char)
}

pub(crate) fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// What is wrong with an IAM path, or `None`. IAM takes 1-512 printable ASCII characters
/// between slashes; trustgen also refuses `*` and `?` (a path is part of the ARNs that
/// policies name, where they would match other roles) and `${` (a policy variable there
/// would be substituted per request).
pub(crate) fn path_problem(path: &str) -> Option<&'static str> {
    if !(1..=512).contains(&path.len()) || !path.starts_with('/') || !path.ends_with('/') {
        return Some("is not an IAM path: 1-512 characters, starting and ending with /");
    }
    if !path.chars().all(|c| ('!'..='~').contains(&c)) {
        return Some(
            "holds characters IAM does not accept in paths (printable ASCII only, no spaces)",
        );
    }
    if has_wildcard(path) {
        return Some(
            "holds a wildcard: every policy naming this role's ARN would match other roles too",
        );
    }
    if path.contains("${") {
        return Some(
            "holds `${`, which IAM reads as a policy variable in the ARNs naming this role",
        );
    }
    None
}

/// ECS family: up to 255 letters, digits, hyphens and underscores.
pub(crate) fn is_family(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-3`.
pub(crate) fn is_region(region: &str) -> bool {
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
pub(crate) fn region_partition(region: &str) -> Partition {
    if region.starts_with("cn-") {
        Partition::AwsCn
    } else if region.starts_with("us-gov-") {
        Partition::AwsUsGov
    } else {
        Partition::Aws
    }
}

/// What is wrong with an S3 bucket name, or `None`: 3-63 of `a-z 0-9 . -`, starting and
/// ending with a letter or digit, no `..`, not shaped like an IP address, none of the
/// prefixes and suffixes S3 reserves.
pub(crate) fn bucket_problem(name: &str) -> Option<String> {
    if !(3..=63).contains(&name.len()) {
        return Some(format!("has {} characters; S3 allows 3 to 63", name.len()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Some(format!(
            "contains `{}`; S3 bucket names hold only a-z, 0-9, `.` and `-`",
            c.escape_debug()
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return Some("must start and end with a letter or digit".into());
    }
    if name.contains("..") {
        return Some("holds two adjacent periods".into());
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return Some("is shaped like an IP address".into());
    }
    const PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    if let Some(prefix) = PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Some(format!("starts with `{prefix}`, which S3 reserves"));
    }
    if let Some(suffix) = SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        return Some(format!("ends with `{suffix}`, which S3 reserves"));
    }
    None
}

/// The longest key prefix: a state key is `<prefix>/<root>.tfstate`, within S3's 1,024
/// bytes with room for any root name.
pub(crate) const KEY_PREFIX_MAX: usize = 512;

/// What is wrong with a state key prefix, or `None`: 1-512 characters, `/`-separated
/// segments of `A-Z a-z 0-9 . _ -`, none empty, `.` or `..`. It becomes part of every
/// root's state key (an HCL string) and nothing may make it climb out of its prefix or
/// carry a template, a quote or a line break.
pub(crate) fn key_prefix_problem(prefix: &str) -> Option<String> {
    if !(1..=KEY_PREFIX_MAX).contains(&prefix.len()) {
        return Some(format!(
            "has {} characters; the limit is {KEY_PREFIX_MAX}",
            prefix.len()
        ));
    }
    if let Some(c) = prefix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return Some(format!(
            "contains `{}`; a key prefix holds only A-Z a-z 0-9 . _ - and `/` between segments",
            c.escape_debug()
        ));
    }
    if prefix.starts_with('/') || prefix.ends_with('/') {
        return Some(
            "starts or ends with `/`: a prefix is relative, segments joined by `/`".into(),
        );
    }
    if let Some(segment) = prefix
        .split('/')
        .find(|segment| segment.is_empty() || *segment == "." || *segment == "..")
    {
        return Some(if segment.is_empty() {
            "holds an empty segment (`//`)".to_string()
        } else {
            format!("holds the segment `{segment}`: a state key must stay below its prefix")
        });
    }
    None
}

/// A DynamoDB table name: 3-255 of `A-Z a-z 0-9 _ . -`.
pub(crate) fn is_dynamodb_table(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// An action: `service:Action`, wildcards allowed in the action part, or `*`.
pub(crate) fn is_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    is_service_prefix(service)
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

/// A service prefix as IAM writes them: `s3`, `secretsmanager`, `execute-api`.
pub(crate) fn is_service_prefix(service: &str) -> bool {
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An IAM Identity Center permission set name: 1-32 of `[A-Za-z0-9_+=,.@-]` (AWS's
/// `[\w+=,.@-]`), so never a wildcard.
pub(crate) fn is_permission_set_name(name: &str) -> bool {
    (1..=PERMISSION_SET_NAME_CHARS).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

/// What is wrong with an IAM Identity Center instance ARN
/// (`arn:<partition>:sso:::instance/ssoins-<16 hex>`), or `None`.
pub(crate) fn instance_arn_problem(text: &str, partition: Partition) -> Option<String> {
    let id = Arn::parse(text)
        .filter(|arn| arn.service == "sso" && arn.region.is_empty() && arn.account.is_empty())
        .and_then(|arn| {
            Some((
                arn.partition,
                arn.resource.strip_prefix("instance/ssoins-")?,
            ))
        });
    let Some((arn_partition, id)) = id else {
        return Some(format!(
            "`{text}` is not an IAM Identity Center instance ARN"
        ));
    };
    if id.len() != INSTANCE_ID_HEX_CHARS || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(format!(
            "`{text}` is not an IAM Identity Center instance ARN: the instance id is `ssoins-` and {INSTANCE_ID_HEX_CHARS} hex digits"
        ));
    }
    if arn_partition != partition.as_str() {
        return Some(format!(
            "`{text}` is in partition `{arn_partition}`, not the spec's `{}`",
            partition.as_str()
        ));
    }
    None
}

/// An Identity Store group id: a UUID, after a `<10 hex>-` identity store prefix when the
/// identity source is IAM Identity Center's own directory (AWS's pattern for a principal
/// id: `([0-9a-f]{10}-|)` then 8-4-4-4-12 hex digits).
pub(crate) fn is_group_id(id: &str) -> bool {
    let uuid = match id.len() {
        36 => id,
        47 => match id.split_at(11) {
            (prefix, uuid)
                if prefix.ends_with('-')
                    && prefix[..10]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
            {
                uuid
            }
            _ => return false,
        },
        _ => return false,
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The seconds of an ISO 8601 duration of hours, minutes and seconds (`PT8H`, `PT1H30M`,
/// `PT3600S`), as IAM Identity Center takes a session duration; `None` for anything else.
pub(crate) fn iso_duration_seconds(text: &str) -> Option<i64> {
    let mut rest = text.strip_prefix("PT")?;
    let mut seconds: i64 = 0;
    let mut units = ['H', 'M', 'S'].iter().peekable();
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 6 {
            return None;
        }
        let number: i64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        // Units in order, each once.
        while units.peek().is_some_and(|u| **u != unit) {
            units.next();
        }
        units.next()?;
        seconds += number
            * match unit {
                'H' => 3600,
                'M' => 60,
                _ => 1,
            };
        rest = &rest[digits + 1..];
        any = true;
    }
    any.then_some(seconds)
}

/// An AWS access portal URL as the AWS CLI's `sso_start_url` takes it: `https://`, a host
/// name, and an optional path of URL-safe characters (nothing an INI line or a shell could
/// read otherwise).
pub(crate) fn is_start_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let labels: Vec<&str> = host.split('.').collect();
    url.len() <= 512
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._~-".contains(&b))
}

/// `a/b/name` -> (`a/b/`, `name`); `name` -> (``, `name`).
pub(crate) fn split_path(rest: &str) -> (&str, &str) {
    match rest.rfind('/') {
        Some(slash) => (&rest[..=slash], &rest[slash + 1..]),
        None => ("", rest),
    }
}

/// ECS container and volume names: 1-255 letters, digits, hyphens and underscores.
pub(crate) fn is_ecs_name(name: &str, max_chars: usize) -> bool {
    !name.is_empty()
        && name.len() <= max_chars
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A port mapping's name (Service Connect): 1-64 of `a-z 0-9 _ -`, not starting with `-`.
pub(crate) fn is_port_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= super::limits::PORT_NAME_CHARS
        && bytes[0] != b'-'
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(b))
}

/// An EFS resource id: `prefix` (`fs-`, `fsap-`) and 8 to 40 lowercase hex digits.
pub(crate) fn is_efs_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|hex| {
        (8..=40).contains(&hex.len())
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A character IAM accepts in a tag key or value (`[\p{L}\p{Z}\p{N}_.:/=+\-@]`): spaces
/// and the Unicode separators, never a tab, line break or other control character.
pub(crate) fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

/// A statement's Sid: letters and digits.
pub(crate) fn is_sid(sid: &str) -> bool {
    !sid.is_empty() && sid.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A character STS accepts in an ExternalId.
pub(crate) fn is_external_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c)
}

/// An organisational unit id as AWS Organizations writes it: `ou-`, 4-32 of `a-z 0-9` (the
/// root's id part), `-`, 8-32 of `a-z 0-9`.
pub(crate) fn is_organizational_unit_id(id: &str) -> bool {
    let Some((root, unit)) = id.strip_prefix("ou-").and_then(|rest| rest.split_once('-')) else {
        return false;
    };
    lower_alphanumeric(root, 4..=32) && lower_alphanumeric(unit, 8..=32)
}

/// An organisation root id: `r-` and 4-32 of `a-z 0-9`.
pub(crate) fn is_organization_root_id(id: &str) -> bool {
    id.strip_prefix("r-")
        .is_some_and(|rest| lower_alphanumeric(rest, 4..=32))
}

fn lower_alphanumeric(text: &str, length: std::ops::RangeInclusive<usize>) -> bool {
    length.contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A StackSet name: a letter, then letters, digits and `-`, at most 128 characters.
pub(crate) fn is_stack_set_name(name: &str) -> bool {
    name.len() <= super::limits::STACK_SET_NAME_CHARS
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// What is wrong with the output directory's place in the repository, or `None`: `.`, or
/// `/`-separated segments of `A-Z a-z 0-9 . _ -`, none empty, `.` or `..`, with no
/// leading or trailing `/`, at most 512 characters. It is the start of every project
/// directory in atlantis.yaml, so it can neither climb out of the repository nor carry a
/// quote, a line break or a glob.
pub(crate) fn repository_dir_problem(dir: &str) -> Option<String> {
    if dir == "." {
        return None;
    }
    if !(1..=KEY_PREFIX_MAX).contains(&dir.len()) {
        return Some(format!(
            "has {} characters; the limit is {KEY_PREFIX_MAX}",
            dir.len()
        ));
    }
    if let Some(c) = dir
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return Some(format!(
            "contains `{}`: only A-Z a-z 0-9 . _ - and `/` between segments",
            c.escape_debug()
        ));
    }
    if dir.starts_with('/') || dir.ends_with('/') {
        return Some("starts or ends with `/`: it is relative to the repository's root".into());
    }
    dir.split('/')
        .find(|segment| segment.is_empty() || *segment == "." || *segment == "..")
        .map(|segment| {
            if segment.is_empty() {
                "holds an empty segment (`//`)".to_string()
            } else {
                format!(
                    "holds the segment `{segment}`: it must name a directory inside the repository"
                )
            }
        })
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
    fn paths_refuse_wildcards_and_policy_variables() {
        assert_eq!(path_problem("/ecs/"), None);
        assert!(path_problem("/*/").is_some());
        assert!(path_problem("/${aws:username}/").is_some());
        assert!(path_problem("/a b/").is_some());
        assert!(
            path_problem("/$(touch x)/").is_some(),
            "spaces are not printable ASCII to IAM"
        );
        assert!(path_problem("ecs").is_some());
        // IAM accepts shell metacharacters in paths: they are quoted where they land.
        assert_eq!(path_problem("/$(id)/`id`;x/"), None);
    }

    #[test]
    fn bucket_names_follow_s3s_rules() {
        for ok in ["acme-tf-state", "a.b-c", "123", "state.eu-west-1.example"] {
            assert_eq!(bucket_problem(ok), None, "{ok}");
        }
        for bad in [
            "ab",
            "Acme",
            "a_b",
            "-ab",
            "ab-",
            "a..b",
            "192.168.1.10",
            "xn--ab",
            "ab-s3alias",
            "a\"b",
            "a${b}",
            "a\nb",
        ] {
            assert!(bucket_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn identity_center_values_have_aws_shapes() {
        let instance = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
        assert_eq!(instance_arn_problem(instance, Partition::Aws), None);
        assert!(instance_arn_problem(instance, Partition::AwsCn).is_some());
        for bad in [
            "arn:aws:sso:::instance/ssoins-*",
            "arn:aws:sso:::instance/ssoins-0123456789abcdeg",
            "arn:aws:sso:::instance/ssoins-0123456789abcdef0",
            "arn:aws:sso:eu-west-1::instance/ssoins-0123456789abcdef",
            "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef",
            "ssoins-0123456789abcdef",
        ] {
            assert!(instance_arn_problem(bad, Partition::Aws).is_some(), "{bad}");
        }
        assert!(is_group_id("8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b"));
        assert!(is_group_id(
            "906744a1c1-8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b"
        ));
        for bad in [
            "Developers",
            "8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2",
            "906744a1c1_8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b",
            "90674XXXc1-8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b",
            "8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b\"; id",
            "8b4c5a1e-2f3d-4e5f-9a8b-${x}e4f3a2b",
        ] {
            assert!(!is_group_id(bad), "{bad}");
        }
        assert_eq!(iso_duration_seconds("PT8H"), Some(28_800));
        assert_eq!(iso_duration_seconds("PT1H30M"), Some(5_400));
        assert_eq!(iso_duration_seconds("PT3600S"), Some(3_600));
        for bad in [
            "8H", "PT", "PT8", "PTH", "PT30M1H", "PT1H1H", "P1D", "PT-1H", "PT1.5H",
        ] {
            assert_eq!(iso_duration_seconds(bad), None, "{bad}");
        }
        assert!(is_permission_set_name("Dev_Admin+2=x,y.z@w-1"));
        assert!(!is_permission_set_name("Dev*"));
        assert!(!is_permission_set_name("Dev?"));
        assert!(!is_permission_set_name(&"a".repeat(33)));
        assert!(is_start_url("https://d-1234567890.awsapps.com/start"));
        assert!(is_start_url("https://my-org.awsapps.com/start/"));
        for bad in [
            "http://d-1234567890.awsapps.com/start",
            "https://d-1234567890.awsapps.com/start\n[profile x]",
            "https://localhost/start",
            "https://a.com/start?x=1",
            "https://a.com/$(id)",
        ] {
            assert!(!is_start_url(bad), "{bad}");
        }
    }

    #[test]
    fn key_prefixes_stay_inside_their_prefix_and_out_of_hcl() {
        for ok in ["org/payments", "a", "teams/v1.2/state_files"] {
            assert_eq!(key_prefix_problem(ok), None, "{ok}");
        }
        for bad in [
            "", "/abs", "trail/", "a//b", "../up", "a/../b", "a/./b", "..", "a b", "a\"b",
            "${var.x}", "%{if}", "a\nb", "a\\b", "é",
        ] {
            assert!(key_prefix_problem(bad).is_some(), "{bad:?}");
        }
        assert!(key_prefix_problem(&"a".repeat(KEY_PREFIX_MAX + 1)).is_some());
    }

    #[test]
    fn regions_know_their_partition() {
        assert!(is_region("eu-west-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("europe"));
        assert_eq!(region_partition("cn-north-1"), Partition::AwsCn);
    }
}
