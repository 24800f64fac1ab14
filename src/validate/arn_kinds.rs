//! The ARN each spec key expects (a role, a managed policy, a developer principal, a
//! secret, an S3 object, a KMS key), and why a value is not one: kind, partition, the
//! wildcards a key may not hold, and the parts IAM and ECS read.

use super::{Findings, Here};
use crate::diagnostic::Code;
use crate::model::identifiers::{
    is_account_id, is_iam_name, is_iam_name_char, is_region, path_problem, role_name_problem,
    split_path,
};
use crate::model::{has_wildcard, Arn, PartitionExt};
use crate::spec::{Partition, Spec};

/// What kind of ARN a spec key expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArnKind {
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
pub(super) struct ArnProblem {
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

/// Reports `invalid-arn` and returns whether `arn` is not an ARN of `kind`.
pub(super) fn invalid_arn(
    spec: &Spec,
    arn: &str,
    kind: ArnKind,
    at: Here<'_>,
    findings: &mut Findings,
) -> bool {
    let problem = arn_problem(arn, spec.project.partition, kind);
    if let Some(problem) = &problem {
        findings.at(
            Code::InvalidArn,
            at(),
            problem.message.clone(),
            problem.help.clone(),
        );
    }
    problem.is_some()
}

/// One value being judged against the kind its key expects.
struct Judged<'a> {
    text: &'a str,
    partition: &'static str,
    kind: ArnKind,
    arn: Arn<'a>,
}

impl Judged<'_> {
    fn problem(message: String, help: String) -> Option<ArnProblem> {
        Some(ArnProblem { message, help })
    }

    fn not_kind(&self) -> Option<ArnProblem> {
        not_kind(self.text, self.partition, self.kind)
    }

    /// A wildcard where the key promises one exact resource.
    fn exact(&self, what: &str) -> Option<ArnProblem> {
        Self::problem(
            format!(
                "`{}` holds a wildcard, but {what} must be named exactly",
                self.text
            ),
            format!(
                "name each one by its full ARN, e.g. {}",
                self.kind.example(self.partition)
            ),
        )
    }

    /// An IAM ARN (no region) in an account of 12 digits (or `aws`, where allowed).
    fn iam_in_account(&self, aws_allowed: bool) -> bool {
        self.arn.service == "iam"
            && self.arn.region.is_empty()
            && (is_account_id(self.arn.account) || (aws_allowed && self.arn.account == "aws"))
    }
}

fn not_kind(text: &str, partition: &str, kind: ArnKind) -> Option<ArnProblem> {
    Some(ArnProblem {
        message: format!("`{text}` is not {}", kind.describe()),
        help: format!("e.g. {}", kind.example(partition)),
    })
}

/// Why `text` is not an ARN of the wanted kind, or `None` when it is.
pub(super) fn arn_problem(text: &str, partition: Partition, kind: ArnKind) -> Option<ArnProblem> {
    let partition_name = partition.as_str();
    let Some(arn) = Arn::parse(text) else {
        return not_kind(text, partition_name, kind);
    };
    if has_wildcard(arn.partition) || has_wildcard(arn.account) || has_wildcard(arn.region) {
        return Judged::problem(
            format!("`{text}` has a wildcard in its partition, region or account: it would reach every account"),
            "name the exact account (12 digits) and partition".into(),
        );
    }
    if arn.partition != partition_name {
        return Judged::problem(
            format!(
                "`{text}` is in partition `{}`, but the project's partition is `{partition_name}`",
                arn.partition
            ),
            format!("write arn:{partition_name}:…"),
        );
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Judged::problem(
            format!(
                "`{}` holds whitespace or control characters",
                text.escape_debug()
            ),
            format!("e.g. {}", kind.example(partition_name)),
        );
    }
    let judged = Judged {
        text,
        partition: partition_name,
        kind,
        arn,
    };
    match kind {
        ArnKind::Role | ArnKind::AssumableRole => role_problem(&judged),
        ArnKind::ManagedPolicy => managed_policy_problem(&judged),
        ArnKind::Principal => principal_problem(&judged),
        ArnKind::Secret | ArnKind::SecretsManagerSecret => secret_arn_problem(&judged),
        ArnKind::S3Object => s3_object_problem(&judged),
        ArnKind::KmsKey => kms_key_problem(&judged),
    }
}

fn role_problem(judged: &Judged<'_>) -> Option<ArnProblem> {
    let (text, kind) = (judged.text, judged.kind);
    if !judged.iam_in_account(false) {
        return judged.not_kind();
    }
    let Some((path, name)) = judged.arn.role_path_and_name() else {
        return judged.not_kind();
    };
    let wildcard_name = kind == ArnKind::AssumableRole && has_wildcard(name);
    if kind == ArnKind::Role && has_wildcard(judged.arn.resource) {
        return judged.exact("this role");
    }
    if let Some(why) = path_problem(path) {
        return Judged::problem(
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

fn managed_policy_problem(judged: &Judged<'_>) -> Option<ArnProblem> {
    if !judged.iam_in_account(true) {
        return judged.not_kind();
    }
    if has_wildcard(judged.arn.resource) {
        return judged.exact("a managed policy");
    }
    let Some(rest) = judged.arn.resource.strip_prefix("policy/") else {
        return judged.not_kind();
    };
    let (path, name) = split_path(rest);
    if path_problem(&format!("/{path}")).is_some() || !is_iam_name(name) {
        return Judged::problem(
            format!("`{}` is not a valid managed policy ARN: IAM allows 1-128 of A-Z a-z 0-9 + = , . @ _ - in the name, after a path", judged.text),
            format!("e.g. {}", judged.kind.example(judged.partition)),
        );
    }
    None
}

fn principal_problem(judged: &Judged<'_>) -> Option<ArnProblem> {
    if !judged.iam_in_account(false) {
        return judged.not_kind();
    }
    let resource = judged.arn.resource;
    if has_wildcard(resource) {
        return judged.exact("a developer principal");
    }
    if resource == "root" {
        return None;
    }
    let rest = resource
        .strip_prefix("role/")
        .or_else(|| resource.strip_prefix("user/"));
    let Some(rest) = rest else {
        return judged.not_kind();
    };
    let (path, name) = split_path(rest);
    if path_problem(&format!("/{path}")).is_some() || role_name_problem(name).is_some() {
        return judged.not_kind();
    }
    None
}

fn secret_arn_problem(judged: &Judged<'_>) -> Option<ArnProblem> {
    let (text, kind, arn) = (judged.text, judged.kind, &judged.arn);
    if !(is_region(arn.region) && is_account_id(arn.account)) {
        return judged.not_kind();
    }
    if has_wildcard(arn.resource) {
        return Judged::problem(
            format!(
                "`{text}` holds a wildcard: the execution role would read every secret it matches"
            ),
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
                judged.not_kind()
            }
        }
        ("secretsmanager", resource) => {
            let Some(rest) = resource.strip_prefix("secret:") else {
                return judged.not_kind();
            };
            secret_problem(text, rest, kind)
        }
        _ => judged.not_kind(),
    }
}

fn s3_object_problem(judged: &Judged<'_>) -> Option<ArnProblem> {
    let arn = &judged.arn;
    let Some((bucket, key)) = arn.resource.split_once('/') else {
        return judged.not_kind();
    };
    if arn.service != "s3" || !arn.region.is_empty() || !arn.account.is_empty() {
        return judged.not_kind();
    }
    if has_wildcard(arn.resource) {
        return judged.exact("an environment file");
    }
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
    if bucket_ok && !key.is_empty() {
        None
    } else {
        judged.not_kind()
    }
}

fn kms_key_problem(judged: &Judged<'_>) -> Option<ArnProblem> {
    let (text, arn) = (judged.text, &judged.arn);
    if !(arn.service == "kms" && is_region(arn.region) && is_account_id(arn.account)) {
        return judged.not_kind();
    }
    if has_wildcard(arn.resource) {
        return Judged::problem(
            format!("`{text}` holds a wildcard: the execution role could decrypt with every key it matches"),
            "name each key by its full key ARN".into(),
        );
    }
    if arn.resource.starts_with("alias/") {
        return Judged::problem(
            format!("`{text}` is an alias: IAM matches kms:Decrypt against the key's own ARN, so an alias grants nothing"),
            format!("name the key itself, e.g. {}", judged.kind.example(judged.partition)),
        );
    }
    let key_ok = arn.resource.strip_prefix("key/").is_some_and(|id| {
        let id = id.strip_prefix("mrk-").unwrap_or(id);
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
    });
    if key_ok {
        None
    } else {
        judged.not_kind()
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
