//! ARNs: one parsed form for every stage that reads one (validation, CloudFormation's pseudo
//! parameters, the trust graph, developer reach), and the partition-specific names the
//! model builds.

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
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
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

/// `*` and `?` match anything in IAM's ARN patterns.
pub(crate) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Whether the IAM ARN pattern `pattern` (`*` any run, `?` one character) matches `text`,
/// as IAM matches a policy's Resource against a request's resource: case-sensitively.
pub(crate) fn pattern_matches(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        matches_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            a == b
        })
    } else {
        let (pattern, text): (Vec<char>, Vec<char>) =
            (pattern.chars().collect(), text.chars().collect());
        matches_units(&pattern, &text, '*', '?', |a, b| a == b)
    }
}

/// `pattern_matches` with ASCII letters compared ignoring case, as IAM compares actions:
/// what matching both lowercased with `to_ascii_lowercase` gives, without the copies
/// (this runs for every action of every statement against each escalating action).
pub(crate) fn pattern_matches_ignoring_case(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        matches_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            a.eq_ignore_ascii_case(&b)
        })
    } else {
        let (pattern, text): (Vec<char>, Vec<char>) =
            (pattern.chars().collect(), text.chars().collect());
        matches_units(&pattern, &text, '*', '?', |a, b| a.eq_ignore_ascii_case(&b))
    }
}

/// Greedy matching with one backtrack point: linear in practice, no recursion, and no
/// allocation for ASCII (this runs for every pattern against every role it may name).
fn matches_units<T: PartialEq + Copy>(
    pattern: &[T],
    text: &[T],
    star: T,
    one: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == one || same(c, text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match backtrack {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    backtrack = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == star)
}

/// Whether some text matches both IAM patterns (`*` any run, `?` one character): whether
/// two action or resource patterns can name the same thing.
pub(crate) fn patterns_intersect(a: &str, b: &str) -> bool {
    // No copies for ASCII: this runs for every resource of every statement against the
    // ARN formats of every resource type its actions take.
    if a.is_ascii() && b.is_ascii() {
        intersect_units(a.as_bytes(), b.as_bytes(), b'*', b'?')
    } else {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        intersect_units(&a, &b, '*', '?')
    }
}

/// `patterns_intersect` over code units. reachable(i, j): a[..i] and b[..j] can stand for
/// the same text; filled row by row, two rows kept (a row's cells only reach the next
/// row and the cells after them in their own), on the stack when `b` is short.
fn intersect_units<T: PartialEq + Copy>(a: &[T], b: &[T], star: T, one: T) -> bool {
    const ON_STACK: usize = 256;
    let width = b.len() + 1;
    let mut stack = [false; 2 * ON_STACK];
    let mut heap = Vec::new();
    let cells: &mut [bool] = if width <= ON_STACK {
        &mut stack[..2 * width]
    } else {
        heap.resize(2 * width, false);
        &mut heap
    };
    let (mut row, mut next) = cells.split_at_mut(width);
    row[0] = true;
    for i in 0..=a.len() {
        let x = a.get(i).copied();
        next.fill(false);
        let mut any = false;
        for j in 0..width {
            if !row[j] {
                continue;
            }
            any = true;
            let y = b.get(j).copied();
            if x == Some(star) {
                next[j] = true;
                if y.is_some() {
                    row[j + 1] = true;
                }
            }
            if y == Some(star) {
                row[j + 1] = true;
                if x.is_some() {
                    next[j] = true;
                }
            }
            if let (Some(x), Some(y)) = (x, y) {
                if x == y || x == one || y == one {
                    next[j + 1] = true;
                }
            }
        }
        if i == a.len() || !any {
            return row[b.len()];
        }
        std::mem::swap(&mut row, &mut next);
    }
    false
}

/// Whether every text the IAM pattern `narrow` matches is matched by `wide` too (`*` any
/// run, `?` one character): whether replacing `wide` by `narrow` can only narrow a grant.
/// Sound, not complete: a `*` of `narrow` must fall inside a `*` of `wide`, and a `?` of
/// `narrow` inside a `?` or `*`; so `true` is always right, and the few patterns it cannot
/// prove covered (`?*` against `*?`) count as not covered, the safe answer for a reviewer.
pub(crate) fn pattern_covers(wide: &str, narrow: &str) -> bool {
    if wide == narrow || wide == "*" {
        return true;
    }
    if !has_wildcard(narrow) {
        // One text: covered when the wide pattern matches it.
        return pattern_matches(wide, narrow);
    }
    let (wide, narrow): (Vec<char>, Vec<char>) = (wide.chars().collect(), narrow.chars().collect());
    // reachable[i][j]: wide[..i] covers narrow[..j]. Filled row by row.
    let mut reachable = vec![vec![false; narrow.len() + 1]; wide.len() + 1];
    reachable[0][0] = true;
    for i in 0..=wide.len() {
        for j in 0..=narrow.len() {
            if !reachable[i][j] {
                continue;
            }
            let (w, n) = (wide.get(i).copied(), narrow.get(j).copied());
            match w {
                // A star covers nothing more, or absorbs the next part of `narrow`, whatever it is.
                Some('*') => {
                    reachable[i + 1][j] = true;
                    if n.is_some() {
                        reachable[i][j + 1] = true;
                    }
                }
                Some('?') if n.is_some_and(|n| n != '*') => reachable[i + 1][j + 1] = true,
                Some(w) if n == Some(w) && w != '?' && w != '*' => reachable[i + 1][j + 1] = true,
                _ => {}
            }
        }
    }
    reachable[wide.len()][narrow.len()]
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
        format!("arn:{}:iam::{account_id}:role{path}{name}", self.as_str())
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
    fn patterns_match_as_iam_matches_resources() {
        assert!(pattern_matches(
            "arn:aws:iam::1:role/*",
            "arn:aws:iam::1:role/a/b"
        ));
        assert!(pattern_matches("*", "anything"));
        assert!(pattern_matches("a?c*", "abcde"));
        assert!(!pattern_matches(
            "arn:aws:iam::1:role/*",
            "arn:aws:iam::2:role/a"
        ));
        assert!(!pattern_matches("a*b", "acbc"));
        assert!(pattern_matches("a*b*c", "aXbYbZc"));
    }

    /// Matching ignoring case gives what matching both texts lowercased gave (the copies
    /// it replaced), non-ASCII texts included.
    #[test]
    fn actions_match_ignoring_ascii_case_as_when_lowercased() {
        let cases = [
            ("IAM:Pass*", "iam:PassRole"),
            ("iam:?assrole", "IAM:PASSROLE"),
            ("*", "sts:AssumeRole"),
            ("s3:Get*", "iam:PassRole"),
            ("iam:PassRoleX", "iam:PassRole"),
            ("ÉTAT:*", "état:x"),
            ("état:*", "état:X"),
            ("i*m:*Role", "IAM:passrole"),
        ];
        for (pattern, text) in cases {
            assert_eq!(
                pattern_matches_ignoring_case(pattern, text),
                pattern_matches(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase()),
                "{pattern} against {text}"
            );
        }
        assert!(pattern_matches_ignoring_case("IAM:Pass*", "iam:passrole"));
        assert!(!pattern_matches_ignoring_case("ÉTAT:*", "état:x"));
    }
    /// The table of every (i, j), as first written: what the two-row version must agree with.
    fn intersect_by_full_table(a: &str, b: &str) -> bool {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut reachable = vec![vec![false; b.len() + 1]; a.len() + 1];
        reachable[0][0] = true;
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                if !reachable[i][j] {
                    continue;
                }
                let (x, y) = (a.get(i).copied(), b.get(j).copied());
                if x == Some('*') {
                    reachable[i + 1][j] = true;
                    if y.is_some() {
                        reachable[i][j + 1] = true;
                    }
                }
                if y == Some('*') {
                    reachable[i][j + 1] = true;
                    if x.is_some() {
                        reachable[i + 1][j] = true;
                    }
                }
                if let (Some(x), Some(y)) = (x, y) {
                    if x == y || x == '?' || y == '?' {
                        reachable[i + 1][j + 1] = true;
                    }
                }
            }
        }
        reachable[a.len()][b.len()]
    }

    #[test]
    fn patterns_intersect_agrees_with_the_full_table() {
        // Every pattern of up to four units over a, é (not ASCII), `*` and `?`.
        let mut patterns = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|p| ["a", "é", "*", "?"].map(|unit| format!("{p}{unit}")))
                .collect();
            patterns.extend(last.iter().cloned());
        }
        for a in &patterns {
            for b in &patterns {
                assert_eq!(
                    patterns_intersect(a, b),
                    intersect_by_full_table(a, b),
                    "{a:?} and {b:?}"
                );
            }
        }
        // Longer than the table kept on the stack.
        let long = format!("arn:aws:s3:::{}", "x".repeat(300));
        for (a, b) in [(&long, "arn:?*:s3:::?*"), (&long, "arn:?*:s3:::y?*")] {
            assert_eq!(patterns_intersect(a, b), intersect_by_full_table(a, b));
            assert_eq!(patterns_intersect(b, a), intersect_by_full_table(b, a));
        }
        assert!(patterns_intersect(&long, "arn:?*:s3:::?*"));
    }

    #[test]
    fn patterns_intersect_when_some_text_matches_both() {
        assert!(patterns_intersect("dynamodb:*", "dynamodb:DeleteItem"));
        assert!(patterns_intersect("dynamodb:Delete*", "dynamodb:*Item"));
        assert!(patterns_intersect("*", "s3:GetObject"));
        assert!(!patterns_intersect(
            "dynamodb:DeleteItem",
            "dynamodb:GetItem"
        ));
        assert!(!patterns_intersect("s3:*", "dynamodb:*"));
        assert!(patterns_intersect("a?c", "*b*"));
        assert!(!patterns_intersect("a?c", "*d"));
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
    fn wide_patterns_cover_narrow_ones_and_not_the_reverse() {
        let covered = [
            ("s3:*", "s3:GetObject"),
            ("s3:*", "s3:Get*"),
            ("s3:Get*", "s3:GetObject"),
            ("*", "s3:*"),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x"),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*"),
            ("a?c", "abc"),
            ("a?c", "a?c"),
            ("a*", "a?"),
            ("*a*", "*aa*"),
            ("a*b", "a*b"),
        ];
        for (wide, narrow) in covered {
            assert!(pattern_covers(wide, narrow), "{wide} should cover {narrow}");
        }
        let not_covered = [
            ("s3:GetObject", "s3:*"),
            ("s3:Get*", "s3:*"),
            ("arn:aws:s3:::b/x", "arn:aws:s3:::b/*"),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::c/*"),
            // `?` is one character; `*` any run, the empty one included.
            ("a?", "a*"),
            ("a?c", "a*c"),
            ("abc", "a?c"),
            ("s3:*", "*"),
        ];
        for (wide, narrow) in not_covered {
            assert!(
                !pattern_covers(wide, narrow),
                "{wide} should not cover {narrow}"
            );
        }
        // Sound against matching: whatever the narrow pattern covers, the wide one matches.
        for text in ["s3:GetObject", "arn:aws:s3:::b/x", "abc", "a", "aXbYb"] {
            for (wide, narrow) in covered {
                if pattern_matches(narrow, text) {
                    assert!(
                        pattern_matches(wide, text),
                        "{wide} ⊇ {narrow} but not {text}"
                    );
                }
            }
        }
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
