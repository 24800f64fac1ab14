//! `trustgen diff` by pairs of specs: each kind of change both ways (widen: broadens;
//! narrow: reported; reorder: nothing), the semantic comparison of grants and guards, the
//! reports, and a property test that mutates every key the schema allows.

mod fields;
mod grants;
mod mutations;
mod reports;
mod trust;

use super::*;
use crate::spec::SourceFile;

pub(super) const BASE: &str = r#"version = 1

[project]
name = "shop"
region = "eu-west-1"

[accounts.identity]
id = "999988887777"
env = "identity"

[accounts.dev]
id = "111122223333"
env = "dev"

[accounts.staging]
id = "222233334444"
env = "staging"

[accounts.prod]
id = "555566667777"
env = "prod"

[dev_access]
mode = "extended"
environments = ["dev"]
principals = ["arn:aws:iam::999988887777:role/alice"]
require_mfa = true

[developers]
attach_to_roles = ["Developer"]

[tasks.api]
account = "dev"
cpu = 256
memory = 512

[[tasks.api.statements]]
sid = "Assets"
actions = ["s3:GetObject", "s3:ListBucket"]
resources = ["arn:aws:s3:::shop-assets/logo.png", "arn:aws:s3:::shop-assets"]
condition = { StringEquals = { "aws:RequestedRegion" = ["eu-west-1", "eu-central-1"] } }

[[tasks.api.statements]]
sid = "NoDeletes"
effect = "Deny"
actions = ["s3:DeleteObject"]
resources = ["*"]

[[tasks.api.containers]]
name = "app"
image = "nginx:1.27"
secrets = { DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db" }

[[tasks.api.containers]]
name = "sidecar"
image = "envoy:1.30"
essential = false

[tasks.web]
account = "staging"
cpu = 256
memory = 512

[[tasks.web.containers]]
name = "web"
image = "nginx:1.27"

[tasks.ledger]
account = "prod"
cpu = 256
memory = 512
managed_policies = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]
permissions_boundary = "arn:aws:iam::555566667777:policy/boundary"

[[tasks.ledger.statements]]
actions = ["dynamodb:GetItem"]
resources = ["arn:aws:dynamodb:eu-west-1:555566667777:table/ledger"]

[[tasks.ledger.containers]]
name = "ledger"
image = "ledger:2"

[roles.ledger-reader]
account = "prod"
trusted_tasks = ["ledger"]
external_id = "shop-ledger-7f3a"

[[roles.ledger-reader.statements]]
actions = ["dynamodb:Query"]
resources = ["arn:aws:dynamodb:eu-west-1:555566667777:table/ledger"]
"#;

pub(super) const DEV: &str = "arn:aws:iam::111122223333";
pub(super) const PROD: &str = "arn:aws:iam::555566667777";

pub(super) fn review(text: &str, strings: &mut Strings) -> Review<'static> {
    let source = SourceFile::new("spec.toml", text);
    let spec = crate::spec::load(&source).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let model = crate::validate::validate_and_build(&spec)
        .unwrap_or_else(|d| panic!("{}", source.render(&d)));
    Review::of(&model, strings)
}

/// `old -> new`; `None` is a spec that does not exist (everything added, or removed).
pub(super) fn between(old: Option<&str>, new: Option<&str>) -> Diff {
    let mut strings = Strings::default();
    let mut side =
        |text: Option<&str>| text.map_or_else(Review::empty, |t| review(t, &mut strings));
    let (old, new) = (side(old), side(new));
    compare(&old, &new, &strings)
}

pub(super) fn diff(old: &str, new: &str) -> Diff {
    between(Some(old), Some(new))
}

/// `text` with `from` replaced by `to` (which must be there).
pub(super) fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no {from:?} to replace");
    text.replacen(from, to, 1)
}

fn sign(mark: Mark) -> char {
    match mark {
        Mark::Added => '+',
        Mark::Removed => '-',
        Mark::Changed => '~',
    }
}

fn clauses(clauses: &[Clause]) -> String {
    clauses
        .iter()
        .map(|c| format!(" if {} {}={}", c.operator, c.key, c.values.join(",")))
        .collect()
}

fn shown(value: &Option<Value>) -> String {
    value.as_ref().map_or_else(|| "-".into(), Value::shown)
}

/// Every change of a diff as one line, in the diff's order.
pub(super) fn lines(diff: &Diff) -> Vec<String> {
    diff.changes.iter().map(line).collect()
}

pub(super) fn line(change: &Change) -> String {
    let flag = if change.broadens { " BROADENS" } else { "" };
    let sign = sign(change.change);
    let text = match &change.what {
        What::DevAccess {
            mode_before,
            mode_after,
            ..
        } => format!(
            "dev-access {} {mode_before}->{mode_after}",
            change.account.as_deref().unwrap_or("?")
        ),
        What::Assume(e) => edge_line(sign, e),
        What::Grant { holder, grant, .. } => format!("perm {sign} {holder}: {}", grant_line(grant)),
        What::Reach { role, direct, .. } => format!(
            "reach {sign} {role}{}",
            if *direct { " direct" } else { "" }
        ),
        What::RunsAs {
            family,
            role,
            before,
            after,
            gained,
        } => format!(
            "runs-as {family} {role}: {before} -> {after} gains [{}]",
            gained.join("; ")
        ),
        What::Entity {
            subject,
            subject_kind,
            ..
        } => format!("{} {sign} {subject_kind} {subject}", change.kind.name()),
        What::Field { subject, field, .. } => {
            format!(
                "{} {sign} {subject}: {}",
                change.kind.name(),
                field_line(field)
            )
        }
    };
    format!("{text}{flag}")
}

fn edge_line(sign: char, e: &Edge) -> String {
    let detail = match e.edge_change {
        "guards" | "principal" => format!(
            " (guards -{} +{})",
            e.guards_removed.join(","),
            e.guards_added.join(",")
        ),
        "actions" => format!(" (actions {})", e.actions.join(",")),
        _ => String::new(),
    };
    format!(
        "assume {sign} {} -> {} [{}]{detail}",
        e.principal,
        e.role,
        e.guards.join(",")
    )
}

fn grant_line(grant: &Grant) -> String {
    match grant {
        Grant::Statement {
            effect,
            actions,
            resources,
            conditions,
        } => format!(
            "{effect:?} {} on {}{}",
            actions.join(","),
            resources.join(","),
            clauses(conditions)
        ),
        Grant::ManagedPolicy { policy_arn } => format!("managed {policy_arn}"),
        Grant::PermissionsBoundary { policy_arn } => format!("boundary {policy_arn}"),
        Grant::Attachment {
            principal_type,
            name,
        } => format!("attached {principal_type} {name}"),
    }
}

fn field_line(field: &FieldChange) -> String {
    let part = field
        .part
        .as_ref()
        .map(|p| format!("{} {}: ", p.kind, p.name))
        .unwrap_or_default();
    let item = field
        .item
        .as_ref()
        .map(|item| format!(" {item}"))
        .unwrap_or_default();
    format!(
        "{part}{}{item}: {} -> {}",
        field.field,
        shown(&field.before),
        shown(&field.after)
    )
}

/// The pair both ways: `forward` is what `old -> new` reports, `backward` the reverse.
pub(super) fn both_ways(
    old: &str,
    new: &str,
    forward: &[&str],
    forward_broadens: bool,
    backward: &[&str],
    backward_broadens: bool,
) {
    let there = diff(old, new);
    assert_eq!(lines(&there), forward, "old -> new");
    assert_eq!(there.broadens, forward_broadens, "old -> new broadens");
    let back = diff(new, old);
    assert_eq!(lines(&back), backward, "new -> old");
    assert_eq!(back.broadens, backward_broadens, "new -> old broadens");
}
