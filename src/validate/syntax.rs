//! Shapes of names, ids and ARNs as AWS accepts them. Plain functions, no regex engine.
//!
//! Where AWS's own character set is narrower than a TOML string, values are held to
//! AWS's: nothing else could be deployed, and nothing else can then surprise a shell, an
//! INI file or a policy (a `*` or `${…}` in a path would widen every policy naming it).

use crate::model::limits::{INSTANCE_ID_HEX_CHARS, PERMISSION_SET_NAME_CHARS};
use crate::model::{has_wildcard, Arn, PartitionExt};
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

fn is_iam_name_char(c: char) -> bool {
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

/// Names of spec entries (accounts, tasks): they become file names and resource identifiers.
pub(crate) fn is_spec_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(crate) fn is_project_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// ECS family: up to 255 letters, digits, hyphens and underscores.
pub(crate) fn is_family(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Account envs: ASCII letters, digits and `-_. `, so that a production env cannot hide
/// behind a look-alike letter from another script.
pub(crate) fn is_env_name(env: &str) -> bool {
    (1..=64).contains(&env.len())
        && env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b' '))
}

/// Words that mark an env as production.
const PRODUCTION_WORDS: [&str; 4] = ["prod", "prd", "production", "live"];

/// Whether an env looks like production. It is cut into words at `-`, `_`, `.`, spaces,
/// between letters and digits and before a capital after a small letter (`eu-prod2`,
/// `euProd`, `Prd01`); an env is production when a word, ignoring case, is `prod`, `prd`,
/// `production` or `live`, or starts with `prod` (`prodeu`). `preprod` and `staging` are
/// not production.
pub(crate) fn is_production_env(env: &str) -> bool {
    env_words(env).iter().any(|word| {
        let word = word.to_ascii_lowercase();
        PRODUCTION_WORDS.contains(&word.as_str()) || word.starts_with("prod")
    })
}

fn env_words(env: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    for c in env.chars() {
        let boundary = match previous {
            _ if matches!(c, '-' | '_' | '.' | ' ') => true,
            Some(p) => {
                (p.is_ascii_alphabetic() && c.is_ascii_digit())
                    || (p.is_ascii_digit() && c.is_ascii_alphabetic())
                    || (p.is_ascii_lowercase() && c.is_ascii_uppercase())
            }
            None => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !matches!(c, '-' | '_' | '.' | ' ') {
            word.push(c);
        }
        previous = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
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

/// What kind of ARN a spec key expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArnKind {
    /// An exact IAM role.
    Role,
    /// A role a task may assume (`assume_role_arns`): account and partition exact; the
    /// role name may hold a wildcard (a warning says so).
    AssumableRole,
    ManagedPolicy,
    /// A developer principal: an exact account root, role or user.
    Principal,
    /// An exact SSM parameter or Secrets Manager secret (a container's `valueFrom`).
    Secret,
    /// An exact Secrets Manager secret, nothing selected inside it (registry credentials).
    SecretsManagerSecret,
    /// An exact S3 object (an environment file).
    S3Object,
    /// An exact KMS key.
    KmsKey,
}

/// Why a value is not an ARN of the wanted kind, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnProblem {
    pub message: String,
    pub help: String,
}

impl ArnKind {
    fn describe(self) -> &'static str {
        match self {
            ArnKind::Role | ArnKind::AssumableRole => {
                "an IAM role ARN (arn:<partition>:iam::<12-digit id>:role/<path><name>)"
            }
            ArnKind::ManagedPolicy => {
                "a managed policy ARN (arn:<partition>:iam::<aws|12-digit id>:policy/<path><name>)"
            }
            ArnKind::Principal => {
                "an IAM principal ARN (arn:<partition>:iam::<12-digit id>:root, :role/<name> or :user/<name>)"
            }
            ArnKind::Secret => "an SSM parameter or Secrets Manager secret ARN",
            ArnKind::SecretsManagerSecret => "a Secrets Manager secret ARN",
            ArnKind::S3Object => "an S3 object ARN (arn:<partition>:s3:::<bucket>/<key>)",
            ArnKind::KmsKey => "a KMS key ARN (arn:<partition>:kms:<region>:<id>:key/<key-id>)",
        }
    }

    fn example(self, partition: &str) -> String {
        match self {
            ArnKind::Role | ArnKind::AssumableRole => {
                format!("arn:{partition}:iam::111122223333:role/my-role")
            }
            ArnKind::ManagedPolicy => format!("arn:{partition}:iam::aws:policy/ReadOnlyAccess"),
            ArnKind::Principal => format!(
                "arn:{partition}:iam::111122223333:role/Developer (`*` is never trusted)"
            ),
            ArnKind::Secret => format!(
                "arn:{partition}:ssm:eu-west-1:111122223333:parameter/db-password or arn:{partition}:secretsmanager:eu-west-1:111122223333:secret:db-password-AbCdEf"
            ),
            ArnKind::SecretsManagerSecret => format!(
                "arn:{partition}:secretsmanager:eu-west-1:111122223333:secret:registry-login-AbCdEf"
            ),
            ArnKind::S3Object => format!("arn:{partition}:s3:::config-bucket/app/prod.env"),
            ArnKind::KmsKey => format!(
                "arn:{partition}:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
        }
    }
}

/// Why `text` is not an ARN of the wanted kind, or `None` when it is.
pub(crate) fn arn_problem(text: &str, partition: Partition, kind: ArnKind) -> Option<ArnProblem> {
    let partition_name = partition.as_str();
    let problem = |message: String, help: String| Some(ArnProblem { message, help });
    let not_kind = || {
        problem(
            format!("`{text}` is not {}", kind.describe()),
            format!("e.g. {}", kind.example(partition_name)),
        )
    };
    let Some(arn) = Arn::parse(text) else {
        return not_kind();
    };
    if has_wildcard(arn.partition) || has_wildcard(arn.account) || has_wildcard(arn.region) {
        return problem(
            format!("`{text}` has a wildcard in its partition, region or account: it would reach every account"),
            "name the exact account (12 digits) and partition".into(),
        );
    }
    if arn.partition != partition_name {
        return problem(
            format!(
                "`{text}` is in partition `{}`, but the project's partition is `{partition_name}`",
                arn.partition
            ),
            format!("write arn:{partition_name}:…"),
        );
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return problem(
            format!(
                "`{}` holds whitespace or control characters",
                text.escape_debug()
            ),
            format!("e.g. {}", kind.example(partition_name)),
        );
    }
    let iam = arn.service == "iam" && arn.region.is_empty();
    let exact = |what: &str| {
        problem(
            format!("`{text}` holds a wildcard, but {what} must be named exactly"),
            format!(
                "name each one by its full ARN, e.g. {}",
                kind.example(partition_name)
            ),
        )
    };
    match kind {
        ArnKind::Role | ArnKind::AssumableRole => {
            if !(iam && is_account_id(arn.account)) {
                return not_kind();
            }
            let Some((path, name)) = arn.role_path_and_name() else {
                return not_kind();
            };
            let wildcard_name = kind == ArnKind::AssumableRole && has_wildcard(name);
            if kind == ArnKind::Role && has_wildcard(arn.resource) {
                return exact("this role");
            }
            if let Some(why) = path_problem(path) {
                return problem(
                    format!("the path `{path}` of `{text}` {why}"),
                    "a path starts and ends with / and holds no wildcard, e.g. /service/".into(),
                );
            }
            let name_ok = if wildcard_name {
                name.chars()
                    .all(|c| is_iam_name_char(c) || c == '*' || c == '?')
            } else {
                role_name_problem(name).is_none()
            };
            (!name_ok).then(|| ArnProblem {
                message: format!("`{text}` does not end in a valid role name"),
                help: "role names are 1-64 of A-Z a-z 0-9 + = , . @ _ -".into(),
            })
        }
        ArnKind::ManagedPolicy => {
            if !(iam && (arn.account == "aws" || is_account_id(arn.account))) {
                return not_kind();
            }
            if has_wildcard(arn.resource) {
                return exact("a managed policy");
            }
            let Some(rest) = arn.resource.strip_prefix("policy/") else {
                return not_kind();
            };
            let (path, name) = split_path(rest);
            if path_problem(&format!("/{path}")).is_some() || !is_iam_name(name) {
                return problem(
                    format!("`{text}` is not a valid managed policy ARN: IAM allows 1-128 of A-Z a-z 0-9 + = , . @ _ - in the name, after a path"),
                    format!("e.g. {}", kind.example(partition_name)),
                );
            }
            None
        }
        ArnKind::Principal => {
            if !(iam && is_account_id(arn.account)) {
                return not_kind();
            }
            if has_wildcard(arn.resource) {
                return exact("a developer principal");
            }
            if arn.resource == "root" {
                return None;
            }
            let rest = arn
                .resource
                .strip_prefix("role/")
                .or_else(|| arn.resource.strip_prefix("user/"));
            let Some(rest) = rest else {
                return not_kind();
            };
            let (path, name) = split_path(rest);
            if path_problem(&format!("/{path}")).is_some() || role_name_problem(name).is_some() {
                return not_kind();
            }
            None
        }
        ArnKind::Secret | ArnKind::SecretsManagerSecret => {
            if !(is_region(arn.region) && is_account_id(arn.account)) {
                return not_kind();
            }
            if has_wildcard(arn.resource) {
                return problem(
                    format!("`{text}` holds a wildcard: the execution role would read every secret it matches"),
                    "name the one parameter or secret the container reads, by its full ARN".into(),
                );
            }
            match (arn.service, arn.resource) {
                ("ssm", resource) if kind == ArnKind::Secret => {
                    let ok = resource.strip_prefix("parameter/").is_some_and(|name| {
                        !name.is_empty()
                            && name
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b))
                    });
                    if ok {
                        None
                    } else {
                        not_kind()
                    }
                }
                ("secretsmanager", resource) => {
                    let Some(rest) = resource.strip_prefix("secret:") else {
                        return not_kind();
                    };
                    secret_problem(text, rest, kind)
                }
                _ => not_kind(),
            }
        }
        ArnKind::S3Object => {
            let Some((bucket, key)) = arn.resource.split_once('/') else {
                return not_kind();
            };
            if arn.service != "s3" || !arn.region.is_empty() || !arn.account.is_empty() {
                return not_kind();
            }
            if has_wildcard(arn.resource) {
                return exact("an environment file");
            }
            let bucket_ok = (3..=63).contains(&bucket.len())
                && bucket
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
            if bucket_ok && !key.is_empty() {
                None
            } else {
                not_kind()
            }
        }
        ArnKind::KmsKey => {
            if !(arn.service == "kms" && is_region(arn.region) && is_account_id(arn.account)) {
                return not_kind();
            }
            if has_wildcard(arn.resource) {
                return problem(
                    format!("`{text}` holds a wildcard: the execution role could decrypt with every key it matches"),
                    "name each key by its full key ARN".into(),
                );
            }
            if arn.resource.starts_with("alias/") {
                return problem(
                    format!("`{text}` is an alias: IAM matches kms:Decrypt against the key's own ARN, so an alias grants nothing"),
                    format!("name the key itself, e.g. {}", kind.example(partition_name)),
                );
            }
            let key_ok = arn.resource.strip_prefix("key/").is_some_and(|id| {
                let id = id.strip_prefix("mrk-").unwrap_or(id);
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            });
            if key_ok {
                None
            } else {
                not_kind()
            }
        }
    }
}

/// What is wrong with the part of a Secrets Manager ARN after `secret:`: the secret's name
/// with the six characters Secrets Manager appends (`db-AbCdEf`; IAM matches the full ARN,
/// so a name without them grants nothing), then, for a container's `valueFrom` only,
/// nothing or exactly `:json-key:version-stage:version-id` (either of the last two).
fn secret_problem(text: &str, rest: &str, kind: ArnKind) -> Option<ArnProblem> {
    let mut parts = rest.split(':');
    let name = parts.next().unwrap_or_default();
    let selectors: Vec<&str> = parts.collect();
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+=.@-".contains(&b));
    if !name_ok {
        return Some(ArnProblem {
            message: format!("`{text}` does not name a secret: Secrets Manager names are letters, digits and / _ + = . @ -"),
            help: format!("e.g. {}", kind.example("aws")),
        });
    }
    let suffix_ok = name.rsplit_once('-').is_some_and(|(stem, suffix)| {
        !stem.is_empty() && suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if !suffix_ok {
        return Some(ArnProblem {
            message: format!("`{text}` names the secret without the six characters Secrets Manager appends to its ARN (`-AbCdEf`): IAM matches the full ARN, so the execution role could not read it"),
            help: "copy the secret's full ARN from Secrets Manager (aws secretsmanager describe-secret --secret-id NAME)".into(),
        });
    }
    match (kind, selectors.as_slice()) {
        (_, []) => None,
        (ArnKind::Secret, [key, stage, version]) => {
            let printable = |part: &str| part.bytes().all(|b| (b'!'..=b'~').contains(&b));
            if !(printable(key) && printable(stage) && printable(version)) {
                Some(ArnProblem {
                    message: format!("`{text}` selects a JSON key or version with characters ECS does not read"),
                    help: "json-key, version-stage and version-id are printable ASCII".into(),
                })
            } else if !stage.is_empty() && !version.is_empty() {
                Some(ArnProblem {
                    message: format!("`{text}` names both a version stage (`{stage}`) and a version id (`{version}`); ECS takes one or the other"),
                    help: "keep one, and leave the other empty: `…:json-key:AWSPREVIOUS:` or `…:json-key::<version-id>`".into(),
                })
            } else {
                None
            }
        }
        (ArnKind::Secret, _) => Some(ArnProblem {
            message: format!("`{text}` selects inside the secret, but not as ECS reads it: after the secret's ARN come exactly three fields, `:json-key:version-stage:version-id` (empty ones included)"),
            help: "e.g. …:secret:db-AbCdEf:password:: for the JSON key `password` of the current version".into(),
        }),
        _ => Some(ArnProblem {
            message: format!("`{text}` selects inside the secret; ECS reads registry credentials from the whole secret"),
            help: "name the secret's ARN alone".into(),
        }),
    }
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
fn split_path(rest: &str) -> (&str, &str) {
    match rest.rfind('/') {
        Some(slash) => (&rest[..=slash], &rest[slash + 1..]),
        None => ("", rest),
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

    fn ok(text: &str, kind: ArnKind) -> bool {
        arn_problem(text, Partition::Aws, kind).is_none()
    }

    #[test]
    fn arns_are_checked_for_kind_and_partition() {
        let role = "arn:aws:iam::111122223333:role/deployer";
        assert!(ok(role, ArnKind::Role));
        assert!(arn_problem(role, Partition::AwsCn, ArnKind::Role).is_some());
        assert!(!ok("deployer", ArnKind::Role));
        assert!(ok(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            ArnKind::ManagedPolicy
        ));
        assert!(ok(
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            ArnKind::ManagedPolicy
        ));
        assert!(!ok("ReadOnlyAccess", ArnKind::ManagedPolicy));
        assert!(!ok("*", ArnKind::Principal));
    }

    #[test]
    fn wildcards_are_refused_where_an_exact_arn_is_promised() {
        assert!(!ok("arn:aws:iam::111122223333:role/*", ArnKind::Principal));
        assert!(!ok("arn:aws:iam::111122223333:role/dev-?", ArnKind::Role));
        assert!(!ok(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:*",
            ArnKind::Secret
        ));
        assert!(!ok(
            "arn:aws:kms:eu-west-1:111122223333:key/*",
            ArnKind::KmsKey
        ));
        assert!(!ok("arn:aws:iam::*:role/x", ArnKind::AssumableRole));
        assert!(!ok(
            "arn:*:iam::111122223333:role/x",
            ArnKind::AssumableRole
        ));
        assert!(ok(
            "arn:aws:iam::111122223333:role/app-*",
            ArnKind::AssumableRole
        ));
        assert!(!ok(
            "arn:aws:iam::111122223333:role/*/x",
            ArnKind::AssumableRole
        ));
    }

    #[test]
    fn characters_iam_refuses_are_refused() {
        assert!(!ok(
            "arn:aws:iam::aws:policy/x;touch",
            ArnKind::ManagedPolicy
        ));
        assert!(!ok("arn:aws:iam::aws:policy/`id`", ArnKind::ManagedPolicy));
        assert!(!ok("arn:aws:iam::111122223333:role/a b", ArnKind::Role));
        // IAM takes shell metacharacters in paths; they are quoted wherever they land.
        assert!(ok("arn:aws:iam::111122223333:role/$(x)/web", ArnKind::Role));
        assert!(!ok(
            "arn:aws:kms:eu-west-1:111122223333:alias/app",
            ArnKind::KmsKey
        ));
        assert!(ok(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf:password::",
            ArnKind::Secret
        ));
    }

    #[test]
    fn secrets_manager_arns_are_read_as_ecs_and_iam_read_them() {
        let secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf";
        assert!(ok(secret, ArnKind::Secret));
        assert!(ok(secret, ArnKind::SecretsManagerSecret));
        assert!(ok(&format!("{secret}::AWSPREVIOUS:"), ArnKind::Secret));
        assert!(ok(&format!("{secret}:::"), ArnKind::Secret));
        // No suffix: IAM would match nothing. Selectors must be all three fields.
        assert!(!ok(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
            ArnKind::Secret
        ));
        assert!(!ok(&format!("{secret}:password"), ArnKind::Secret));
        assert!(!ok(&format!("{secret}:a:AWSCURRENT:1234"), ArnKind::Secret));
        assert!(!ok(
            &format!("{secret}:password::"),
            ArnKind::SecretsManagerSecret
        ));
        assert!(!ok(
            "arn:aws:ssm:eu-west-1:111122223333:parameter/x",
            ArnKind::SecretsManagerSecret
        ));
    }

    #[test]
    fn environment_files_are_exact_s3_objects() {
        assert!(ok(
            "arn:aws:s3:::config-bucket/app/prod.env",
            ArnKind::S3Object
        ));
        assert!(!ok("arn:aws:s3:::config-bucket/*", ArnKind::S3Object));
        assert!(!ok("arn:aws:s3:::config-bucket", ArnKind::S3Object));
        assert!(!ok("arn:aws-cn:s3:::b/x.env", ArnKind::S3Object));
        assert!(!ok(
            "arn:aws:s3:eu-west-1:111122223333:b/x.env",
            ArnKind::S3Object
        ));
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
    fn production_envs_are_found_by_their_words() {
        for env in [
            "prod",
            "PRD",
            "prod-eu",
            "eu_live",
            "production",
            "eu.prod.1",
            "prod1",
            "eu-prod2",
            "production2",
            "prodeu",
            "Prd01",
            "live1",
            "euProd",
        ] {
            assert!(is_production_env(env), "{env}");
        }
        for env in [
            "dev",
            "preprod",
            "staging",
            "sandbox",
            "dev2",
            "livestock-test",
            "delivery",
        ] {
            assert!(!is_production_env(env), "{env}");
        }
        assert!(!is_env_name("prоd"), "a Cyrillic o is not ASCII");
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
