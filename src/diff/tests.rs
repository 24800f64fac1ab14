//! Each kind of change, in both directions: the exact entries a pair of specs makes, and
//! whether it broadens.

use super::*;
use crate::spec::SourceFile;

const BASE: &str = r#"version = 1

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

const DEV: &str = "arn:aws:iam::111122223333";
const PROD: &str = "arn:aws:iam::555566667777";
const ALICE: &str = "arn:aws:iam::999988887777:role/alice";

fn access(text: &str) -> Access {
    let source = SourceFile::new("spec.toml", text);
    let spec = crate::spec::load(&source).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let model = crate::validate::validate_and_build(&spec)
        .unwrap_or_else(|d| panic!("{}", source.render(&d)));
    Access::of(&model)
}

fn diff(old: &str, new: &str) -> Diff {
    compare(&access(old), &access(new))
}

/// `text` with `from` replaced by `to` (which must be there).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no {from:?} to replace");
    text.replacen(from, to, 1)
}

fn sign(added: bool) -> char {
    if added {
        '+'
    } else {
        '-'
    }
}

fn clauses(clauses: &[Clause]) -> String {
    clauses
        .iter()
        .map(|c| format!(" if {} {}={}", c.operator, c.key, c.values.join(",")))
        .collect()
}

/// Every entry of a diff as one line, in the diff's order.
fn lines(diff: &Diff) -> Vec<String> {
    let flag = |broadens: bool| if broadens { " BROADENS" } else { "" };
    let mut lines = Vec::new();
    for change in diff
        .dev_access
        .added
        .iter()
        .chain(&diff.dev_access.removed)
        .chain(&diff.dev_access.changed)
    {
        lines.push(format!(
            "dev-access {} {}->{}{}",
            change.account,
            change.mode_before,
            change.mode_after,
            flag(change.broadens)
        ));
    }
    for (added, list) in [(true, &diff.assume.added), (false, &diff.assume.removed)] {
        for e in list {
            let guards = if e.change == "guards" {
                format!(
                    " (guards -{} +{})",
                    e.guards_removed.join(","),
                    e.guards_added.join(",")
                )
            } else {
                String::new()
            };
            lines.push(format!(
                "assume {} {} -> {} [{}]{guards}{}",
                sign(added),
                e.principal,
                e.role,
                e.guards.join(","),
                flag(e.broadens)
            ));
        }
    }
    for (added, list) in [
        (true, &diff.permissions.added),
        (false, &diff.permissions.removed),
    ] {
        for p in list {
            let grant = match &p.grant {
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
            };
            lines.push(format!(
                "perm {} {}: {grant}{}",
                sign(added),
                p.role,
                flag(p.broadens)
            ));
        }
    }
    for (added, list) in [
        (true, &diff.developer_reach.added),
        (false, &diff.developer_reach.removed),
    ] {
        for r in list {
            lines.push(format!(
                "reach {} {}{}{}",
                sign(added),
                r.role,
                if r.direct { " direct" } else { "" },
                flag(r.broadens)
            ));
        }
    }
    for (added, list) in [
        (true, &diff.task_definitions.added),
        (false, &diff.task_definitions.removed),
    ] {
        for t in list {
            lines.push(format!("task {} {}/{}", sign(added), t.account, t.task));
        }
    }
    for t in &diff.task_definitions.changed {
        let images = |images: &[Image]| {
            images
                .iter()
                .map(|i| format!("{}={}", i.container, i.image))
                .collect::<Vec<_>>()
                .join(",")
        };
        lines.push(format!(
            "task ~ {}/{}: images -{} +{} secrets -{} +{}",
            t.account,
            t.task,
            images(&t.images_removed),
            images(&t.images_added),
            t.secrets_removed.join(","),
            t.secrets_added.join(",")
        ));
    }
    lines
}

/// The pair both ways: `forward` is what `old -> new` reports, `backward` the reverse.
fn both_ways(
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

#[test]
fn the_same_spec_reports_nothing() {
    let same = diff(BASE, BASE);
    assert!(same.is_empty() && !same.broadens, "{:?}", lines(&same));
}

#[test]
fn a_pure_reordering_reports_nothing() {
    // Accounts, tasks, statements, actions, resources, condition values, principals,
    // containers, managed policies and secrets in another order; an action repeated.
    let two = |text: &str| {
        let text = edit(
            text,
            r#"principals = ["arn:aws:iam::999988887777:role/alice"]"#,
            r#"principals = ["arn:aws:iam::999988887777:role/alice", "arn:aws:iam::999988887777:role/bob"]"#,
        );
        let text = edit(
            &text,
            r#"managed_policies = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]"#,
            r#"managed_policies = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]"#,
        );
        edit(
            &text,
            r#"secrets = { DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db" }"#,
            r#"secrets = { DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db", KEY = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/key" }"#,
        )
    };
    let old = two(BASE);
    let mut new = old.clone();
    for (from, to) in [
        (
            r#"principals = ["arn:aws:iam::999988887777:role/alice", "arn:aws:iam::999988887777:role/bob"]"#,
            r#"principals = ["arn:aws:iam::999988887777:role/bob", "arn:aws:iam::999988887777:role/alice"]"#,
        ),
        (
            r#"managed_policies = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]"#,
            r#"managed_policies = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]"#,
        ),
        (
            r#"secrets = { DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db", KEY = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/key" }"#,
            r#"secrets = { KEY = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/key", DB = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db" }"#,
        ),
        (
            r#"actions = ["s3:GetObject", "s3:ListBucket"]"#,
            r#"actions = ["s3:ListBucket", "s3:GetObject", "s3:ListBucket"]"#,
        ),
        (
            r#"resources = ["arn:aws:s3:::shop-assets/logo.png", "arn:aws:s3:::shop-assets"]"#,
            r#"resources = ["arn:aws:s3:::shop-assets", "arn:aws:s3:::shop-assets/logo.png"]"#,
        ),
        (
            r#"["eu-west-1", "eu-central-1"]"#,
            r#"["eu-central-1", "eu-west-1"]"#,
        ),
    ] {
        new = edit(&new, from, to);
    }
    // Move blocks: the staging account after prod, the Deny before the Allow, the sidecar
    // before the app, the ledger task first.
    let block = |text: &str, start: &str, end: &str| -> (String, String) {
        let from = text.find(start).unwrap_or_else(|| panic!("{start}"));
        let to = from + text[from..].find(end).unwrap_or_else(|| panic!("{end}"));
        (
            text[from..to].to_string(),
            format!("{}{}", &text[..from], &text[to..]),
        )
    };
    let (staging, rest) = block(&new, "[accounts.staging]", "[accounts.prod]");
    new = edit(&rest, "[dev_access]", &format!("{staging}[dev_access]"));
    let (deny, rest) = block(
        &new,
        "[[tasks.api.statements]]\nsid = \"NoDeletes\"",
        "[[tasks.api.containers]]",
    );
    new = edit(
        &rest,
        "[[tasks.api.statements]]\nsid = \"Assets\"",
        &format!("{deny}[[tasks.api.statements]]\nsid = \"Assets\""),
    );
    let (app, rest) = block(
        &new,
        "[[tasks.api.containers]]\nname = \"app\"",
        "[[tasks.api.containers]]\nname = \"sidecar\"",
    );
    new = edit(&rest, "[tasks.web]", &format!("{app}[tasks.web]"));
    let (ledger, rest) = block(&new, "[tasks.ledger]", "[roles.ledger-reader]");
    new = edit(&rest, "[tasks.api]", &format!("{ledger}[tasks.api]"));
    assert_ne!(old, new);
    let reordered = diff(&old, &new);
    assert!(reordered.is_empty(), "{:?}", lines(&reordered));
    assert!(!reordered.broadens);
    // A case change in an action is no change either: IAM reads actions ignoring case.
    let cased = edit(&old, "\"s3:GetObject\"", "\"s3:getobject\"");
    assert!(diff(&old, &cased).is_empty());
}

#[test]
fn a_developer_principal_added_is_a_new_edge() {
    let new = edit(
        BASE,
        r#"principals = ["arn:aws:iam::999988887777:role/alice"]"#,
        r#"principals = ["arn:aws:iam::999988887777:role/alice", "arn:aws:iam::999988887777:role/bob"]"#,
    );
    both_ways(
        BASE,
        &new,
        &[&format!(
            "assume + arn:aws:iam::999988887777:role/bob -> {DEV}:role/shop-api [MFA] BROADENS"
        )],
        true,
        &[&format!(
            "assume - arn:aws:iam::999988887777:role/bob -> {DEV}:role/shop-api [MFA]"
        )],
        false,
    );
}

#[test]
fn mfa_removed_is_a_guard_removed_and_the_developer_policy_widened() {
    let new = edit(BASE, "require_mfa = true", "require_mfa = false");
    both_ways(
        BASE,
        &new,
        &[
            &format!("assume + {ALICE} -> {DEV}:role/shop-api [] (guards -MFA +) BROADENS"),
            &format!("assume - {ALICE} -> {DEV}:role/shop-api [MFA] (guards -MFA +)"),
            &format!(
                "perm + {DEV}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {DEV}:role/shop-api BROADENS"
            ),
        ],
        true,
        &[
            &format!("assume + {ALICE} -> {DEV}:role/shop-api [MFA] (guards - +MFA)"),
            &format!("assume - {ALICE} -> {DEV}:role/shop-api [] (guards - +MFA)"),
            &format!(
                "perm - {DEV}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {DEV}:role/shop-api"
            ),
        ],
        false,
    );
}

#[test]
fn an_external_id_removed_or_changed_broadens_and_added_does_not() {
    let reader = format!("{PROD}:role/ledger-reader");
    let ledger = format!("{PROD}:role/shop-ledger");
    let removed = edit(BASE, "external_id = \"shop-ledger-7f3a\"\n", "");
    both_ways(
        BASE,
        &removed,
        &[
            &format!("assume + {ledger} -> {reader} [] (guards -ExternalId +) BROADENS"),
            &format!("assume - {ledger} -> {reader} [ExternalId] (guards -ExternalId +)"),
        ],
        true,
        &[
            &format!("assume + {ledger} -> {reader} [ExternalId] (guards - +ExternalId)"),
            &format!("assume - {ledger} -> {reader} [] (guards - +ExternalId)"),
        ],
        false,
    );
    // Another value admits whoever knows it: the edge is guarded by something new.
    let changed = edit(BASE, "shop-ledger-7f3a", "shop-ledger-9b1c");
    let there = diff(BASE, &changed);
    assert!(there.broadens);
    assert_eq!(
        lines(&there),
        [
            format!("assume + {ledger} -> {reader} [ExternalId] (guards -ExternalId +ExternalId) BROADENS"),
            format!("assume - {ledger} -> {reader} [ExternalId] (guards -ExternalId +ExternalId)"),
        ]
    );
}

#[test]
fn a_destination_in_prod_added_and_the_pair_removed() {
    let new = format!(
        "{BASE}\n[roles.ledger-admin]\naccount = \"prod\"\ntrusted_tasks = [\"api\"]\nallow_developer_reach = true\n\n[[roles.ledger-admin.statements]]\nactions = [\"dynamodb:*\"]\nresources = [\"arn:aws:dynamodb:eu-west-1:555566667777:table/ledger\"]\n"
    );
    let admin = format!("{PROD}:role/ledger-admin");
    both_ways(
        BASE,
        &new,
        &[
            &format!("assume + {DEV}:role/shop-api -> {admin} [] BROADENS"),
            &format!("perm + {DEV}:role/shop-api: Allow sts:AssumeRole on {admin} BROADENS"),
            &format!(
                "perm + {admin}: Allow dynamodb:* on arn:aws:dynamodb:eu-west-1:555566667777:table/ledger BROADENS"
            ),
            &format!("reach + {admin} BROADENS"),
        ],
        true,
        &[
            &format!("assume - {DEV}:role/shop-api -> {admin} []"),
            &format!("perm - {DEV}:role/shop-api: Allow sts:AssumeRole on {admin}"),
            &format!(
                "perm - {admin}: Allow dynamodb:* on arn:aws:dynamodb:eu-west-1:555566667777:table/ledger"
            ),
            &format!("reach - {admin}"),
        ],
        false,
    );
    let reach = &diff(BASE, &new).developer_reach.added[0];
    assert_eq!(reach.through, [format!("{DEV}:role/shop-api")]);
    assert!(!reach.dev_access && !reach.direct);
    assert_eq!(reach.account.as_deref(), Some("prod"));
}

#[test]
fn a_wildcard_widened_adds_the_wildcard_and_removes_nothing() {
    let region = " if StringEquals aws:RequestedRegion=eu-central-1,eu-west-1";
    let actions = edit(
        BASE,
        r#"actions = ["s3:GetObject", "s3:ListBucket"]"#,
        r#"actions = ["s3:*"]"#,
    );
    both_ways(
        BASE,
        &actions,
        &[&format!(
            "perm + {DEV}:role/shop-api: Allow s3:* on arn:aws:s3:::shop-assets,arn:aws:s3:::shop-assets/logo.png{region} BROADENS"
        )],
        true,
        &[&format!(
            "perm - {DEV}:role/shop-api: Allow s3:* on arn:aws:s3:::shop-assets,arn:aws:s3:::shop-assets/logo.png{region}"
        )],
        false,
    );
    let resources = edit(
        BASE,
        "\"arn:aws:s3:::shop-assets/logo.png\"",
        "\"arn:aws:s3:::shop-assets/*\"",
    );
    both_ways(
        BASE,
        &resources,
        &[&format!(
            "perm + {DEV}:role/shop-api: Allow s3:GetObject,s3:ListBucket on arn:aws:s3:::shop-assets/*{region} BROADENS"
        )],
        true,
        &[&format!(
            "perm - {DEV}:role/shop-api: Allow s3:GetObject,s3:ListBucket on arn:aws:s3:::shop-assets/*{region}"
        )],
        false,
    );
}

#[test]
fn a_grown_statement_shows_what_it_added() {
    let new = edit(
        BASE,
        r#"actions = ["s3:GetObject", "s3:ListBucket"]"#,
        r#"actions = ["s3:GetObject", "s3:ListBucket", "s3:PutObject"]"#,
    );
    let region = " if StringEquals aws:RequestedRegion=eu-central-1,eu-west-1";
    both_ways(
        BASE,
        &new,
        &[&format!(
            "perm + {DEV}:role/shop-api: Allow s3:PutObject on arn:aws:s3:::shop-assets,arn:aws:s3:::shop-assets/logo.png{region} BROADENS"
        )],
        true,
        &[&format!(
            "perm - {DEV}:role/shop-api: Allow s3:PutObject on arn:aws:s3:::shop-assets,arn:aws:s3:::shop-assets/logo.png{region}"
        )],
        false,
    );
}

#[test]
fn a_condition_removed_widens_and_one_narrowed_does_not() {
    let condition = "condition = { StringEquals = { \"aws:RequestedRegion\" = [\"eu-west-1\", \"eu-central-1\"] } }\n";
    let grants =
        "s3:GetObject,s3:ListBucket on arn:aws:s3:::shop-assets,arn:aws:s3:::shop-assets/logo.png";
    let unconditioned = edit(BASE, condition, "");
    both_ways(
        BASE,
        &unconditioned,
        &[&format!(
            "perm + {DEV}:role/shop-api: Allow {grants} BROADENS"
        )],
        true,
        &[&format!("perm - {DEV}:role/shop-api: Allow {grants}")],
        false,
    );
    let narrowed = edit(BASE, "[\"eu-west-1\", \"eu-central-1\"]", "[\"eu-west-1\"]");
    both_ways(
        BASE,
        &narrowed,
        &[&format!(
            "perm - {DEV}:role/shop-api: Allow {grants} if StringEquals aws:RequestedRegion=eu-central-1,eu-west-1"
        )],
        false,
        &[&format!(
            "perm + {DEV}:role/shop-api: Allow {grants} if StringEquals aws:RequestedRegion=eu-central-1,eu-west-1 BROADENS"
        )],
        true,
    );
}

#[test]
fn a_deny_removed_broadens_and_one_added_does_not() {
    let new = edit(
        BASE,
        "[[tasks.api.statements]]\nsid = \"NoDeletes\"\neffect = \"Deny\"\nactions = [\"s3:DeleteObject\"]\nresources = [\"*\"]\n",
        "",
    );
    both_ways(
        BASE,
        &new,
        &[&format!(
            "perm - {DEV}:role/shop-api: Deny s3:DeleteObject on * BROADENS"
        )],
        true,
        &[&format!(
            "perm + {DEV}:role/shop-api: Deny s3:DeleteObject on *"
        )],
        false,
    );
    // A Deny that narrowed (fewer resources) denies less: that broadens too.
    let narrowed = edit(
        BASE,
        "actions = [\"s3:DeleteObject\"]\nresources = [\"*\"]",
        "actions = [\"s3:DeleteObject\"]\nresources = [\"arn:aws:s3:::shop-assets/*\"]",
    );
    let there = diff(BASE, &narrowed);
    assert!(there.broadens);
    assert_eq!(
        lines(&there),
        [format!(
            "perm - {DEV}:role/shop-api: Deny s3:DeleteObject on * BROADENS"
        )]
    );
}

#[test]
fn a_managed_policy_added_broadens() {
    let new = edit(
        BASE,
        r#"managed_policies = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]"#,
        r#"managed_policies = ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]"#,
    );
    both_ways(
        BASE,
        &new,
        &[&format!(
            "perm + {PROD}:role/shop-ledger: managed arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess BROADENS"
        )],
        true,
        &[&format!(
            "perm - {PROD}:role/shop-ledger: managed arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
        )],
        false,
    );
}

#[test]
fn a_permissions_boundary_removed_broadens() {
    let new = edit(
        BASE,
        "permissions_boundary = \"arn:aws:iam::555566667777:policy/boundary\"\n",
        "",
    );
    both_ways(
        BASE,
        &new,
        &[&format!(
            "perm - {PROD}:role/shop-ledger: boundary {PROD}:policy/boundary BROADENS"
        )],
        true,
        &[&format!(
            "perm + {PROD}:role/shop-ledger: boundary {PROD}:policy/boundary"
        )],
        false,
    );
}

#[test]
fn an_env_moved_into_dev_access() {
    let new = edit(
        BASE,
        "environments = [\"dev\"]",
        "environments = [\"dev\", \"staging\"]",
    );
    let staging = "arn:aws:iam::222233334444";
    both_ways(
        BASE,
        &new,
        &[
            "dev-access staging none->extended BROADENS",
            &format!("assume + {ALICE} -> {staging}:role/shop-web [MFA] BROADENS"),
            &format!(
                "perm + {staging}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {staging}:role/shop-web if Bool aws:MultiFactorAuthPresent=true BROADENS"
            ),
            &format!("perm + {staging}:policy/developer-assume-task-roles: attached role Developer BROADENS"),
            &format!("reach + {staging}:role/shop-web direct BROADENS"),
        ],
        true,
        &[
            "dev-access staging extended->none",
            &format!("assume - {ALICE} -> {staging}:role/shop-web [MFA]"),
            &format!(
                "perm - {staging}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {staging}:role/shop-web if Bool aws:MultiFactorAuthPresent=true"
            ),
            &format!("perm - {staging}:policy/developer-assume-task-roles: attached role Developer"),
            &format!("reach - {staging}:role/shop-web direct"),
        ],
        false,
    );
}

#[test]
fn task_definitions_report_images_secrets_and_roles() {
    let new = edit(
        BASE,
        "image = \"nginx:1.27\"\nsecrets",
        "image = \"nginx:1.28\"\nsecrets",
    );
    let new = edit(
        &new,
        "image = \"envoy:1.30\"\n",
        "image = \"envoy:1.30\"\nsecrets = { TLS = \"arn:aws:ssm:eu-west-1:111122223333:parameter/shop/tls\" }\n",
    );
    let tls = "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/tls";
    both_ways(
        BASE,
        &new,
        &[
            &format!(
                "perm + {DEV}:role/shop-ecs-execution: Allow ssm:GetParameters on {tls} BROADENS"
            ),
            &format!("task ~ dev/api: images -app=nginx:1.27 +app=nginx:1.28 secrets - +{tls}"),
        ],
        true,
        &[
            &format!("perm - {DEV}:role/shop-ecs-execution: Allow ssm:GetParameters on {tls}"),
            &format!("task ~ dev/api: images -app=nginx:1.28 +app=nginx:1.27 secrets -{tls} +"),
        ],
        false,
    );
    // A task given another role: the definition points elsewhere, and the role is new.
    let renamed = edit(
        BASE,
        "[tasks.web]\naccount = \"staging\"\n",
        "[tasks.web]\naccount = \"staging\"\nrole_name = \"web-v2\"\n",
    );
    let there = diff(BASE, &renamed);
    let change = &there.task_definitions.changed[0];
    assert_eq!(change.task, "web");
    assert_eq!(
        change.task_role,
        Some(Moved {
            old: "arn:aws:iam::222233334444:role/shop-web".into(),
            new: "arn:aws:iam::222233334444:role/web-v2".into(),
        })
    );
    assert!(there.broadens, "a new role trusted by ECS is a new edge");
    let www = edit(BASE, "[tasks.web]", "[tasks.www]");
    let www = edit(&www, "[[tasks.web.containers]]", "[[tasks.www.containers]]");
    let tasks = diff(BASE, &www);
    assert_eq!(
        lines(&tasks)
            .into_iter()
            .filter(|l| l.starts_with("task"))
            .collect::<Vec<_>>(),
        ["task + staging/www", "task - staging/web"]
    );
}

#[test]
fn a_spec_against_nothing_is_everything_added() {
    let everything = compare(&Access::empty(), &access(BASE));
    assert!(everything.broadens);
    assert!(everything.assume.removed.is_empty() && everything.permissions.removed.is_empty());
    // ECS into each of the 6 task and execution roles, alice into the dev task role, the
    // ledger task into its destination.
    assert_eq!(
        everything.assume.added.len(),
        8,
        "{:#?}",
        lines(&everything)
    );
    let nothing = compare(&access(BASE), &Access::empty());
    assert!(!nothing.broadens, "removing everything narrows");
    assert_eq!(nothing.assume.removed.len(), 8);
}

#[test]
fn guards_imply_only_what_they_prove() {
    let clause = |operator: &str, key: &str, values: &[&str]| Clause {
        operator: operator.into(),
        key: key.into(),
        values: values.iter().map(|v| (*v).to_string()).collect(),
    };
    let guard = |clauses: Vec<Clause>| clauses.into_iter().collect::<access::Guard>();
    let mfa = clause("Bool", "aws:MultiFactorAuthPresent", &["true"]);
    let west = clause("StringEquals", "aws:RequestedRegion", &["eu-west-1"]);
    let two = clause(
        "StringEquals",
        "aws:RequestedRegion",
        &["eu-west-1", "eu-central-1"],
    );
    let arn_like = clause("ArnLike", "aws:SourceArn", &["arn:aws:ecs:eu-west-1:1:*"]);
    let arn_exact = clause(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:ecs:eu-west-1:1:task/x"],
    );
    let not_west = clause("StringNotEquals", "aws:RequestedRegion", &["eu-west-1"]);
    let not_two = clause(
        "StringNotEquals",
        "aws:RequestedRegion",
        &["eu-west-1", "eu-central-1"],
    );
    let cases = [
        // (strong, weak, strong implies weak)
        (
            guard(vec![mfa.clone(), west.clone()]),
            guard(vec![west.clone()]),
            true,
        ),
        (
            guard(vec![west.clone()]),
            guard(vec![mfa.clone(), west.clone()]),
            false,
        ),
        (guard(vec![west.clone()]), guard(vec![two.clone()]), true),
        (guard(vec![two.clone()]), guard(vec![west.clone()]), false),
        (
            guard(vec![arn_exact.clone()]),
            guard(vec![arn_like.clone()]),
            true,
        ),
        (
            guard(vec![arn_like.clone()]),
            guard(vec![arn_exact.clone()]),
            false,
        ),
        (
            guard(vec![not_two.clone()]),
            guard(vec![not_west.clone()]),
            true,
        ),
        (
            guard(vec![not_west.clone()]),
            guard(vec![not_two.clone()]),
            false,
        ),
        (guard(vec![]), guard(vec![]), true),
        (guard(vec![mfa.clone()]), guard(vec![]), true),
        (guard(vec![]), guard(vec![mfa.clone()]), false),
        // Key names ignore case; other operators never stand in for each other.
        (
            guard(vec![clause(
                "Bool",
                "aws:multifactorauthpresent",
                &["true"],
            )]),
            guard(vec![mfa.clone()]),
            true,
        ),
        (
            guard(vec![clause(
                "StringLike",
                "aws:RequestedRegion",
                &["eu-west-1"],
            )]),
            guard(vec![west.clone()]),
            false,
        ),
        (
            guard(vec![clause(
                "NumericLessThan",
                "aws:MultiFactorAuthAge",
                &["300"],
            )]),
            guard(vec![clause(
                "NumericLessThan",
                "aws:MultiFactorAuthAge",
                &["600"],
            )]),
            false,
        ),
    ];
    for (index, (strong, weak, expected)) in cases.iter().enumerate() {
        assert_eq!(compare::implies(strong, weak), *expected, "case {index}");
    }
}

#[test]
fn reports_keep_hostile_spec_text_as_data() {
    let hostile = edit(
        BASE,
        "[tasks.api]\naccount = \"dev\"\n",
        "[tasks.api]\naccount = \"dev\"\npath = \"/a|b`c/\"\n",
    );
    let hostile = edit(
        &hostile,
        "resources = [\"*\"]\n",
        "resources = [\"*\"]\ncondition = { StringEquals = { \"aws:PrincipalTag/team\" = \"x\\n| forged | row |\\n`y\" } }\n",
    );
    let changes = compare(&Access::empty(), &access(&hostile));
    let markdown = markdown(&changes, "old|`x`", "new\nline");
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("| change") && !l.starts_with("|---"));
    for line in rows {
        // Every row has its columns and no more: each `|` of spec text is escaped.
        let separators = line.matches('|').count() - line.matches("\\|").count();
        let header = markdown
            .lines()
            .take_while(|l| *l != line)
            .filter(|l| l.starts_with("| change"))
            .last()
            .unwrap_or_default();
        assert_eq!(separators, header.matches('|').count(), "{line}");
    }
    assert!(markdown.contains("role/a\\|b`c/shop-api"), "{markdown}");
    assert!(!markdown.contains("\n| forged"), "{markdown}");
    let text = text(&changes, "old", "new\u{1b}[2J");
    assert!(!text.contains('\u{1b}') && text.contains("\\u{1b}"));
    assert!(text.contains("x\\u{a}| forged | row |\\u{a}`y"), "{text}");
    assert!(text.lines().all(|l| !l.starts_with("| forged")));
    let parsed: serde_json::Value =
        serde_json::from_str(&json(&changes)).unwrap_or(serde_json::Value::Null);
    let values: Vec<String> = parsed["permissions"]["added"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["conditions"].as_array().into_iter().flatten())
        .flat_map(|c| c["values"].as_array().into_iter().flatten())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    assert!(
        values.contains(&"x\n| forged | row |\n`y".to_string()),
        "{values:?}"
    );
}

#[test]
fn tagged_mode_a_tag_changed_is_a_guard_changed_on_every_developer_edge() {
    let old = include_str!("../../examples/dev-and-prod.toml");
    let new = edit(
        old,
        r#"tag = { key = "env", value = "dev" }"#,
        r#"tag = { key = "env", value = "sandbox" }"#,
    );
    let root = format!("{DEV}:root");
    let policy = format!("{DEV}:policy/developer-assume-task-roles");
    let guard = |value: &str| {
        format!(
            " if Bool aws:MultiFactorAuthPresent=true if StringEquals iam:ResourceTag/env={value}"
        )
    };
    both_ways(
        old,
        &new,
        &[
            &format!("assume + {root} -> {DEV}:role/payments-api [MFA,tag env=sandbox] (guards -tag env=dev +tag env=sandbox) BROADENS"),
            &format!("assume + {root} -> {DEV}:role/payments-reconciler [MFA,tag env=sandbox] (guards -tag env=dev +tag env=sandbox) BROADENS"),
            &format!("assume - {root} -> {DEV}:role/payments-api [MFA,tag env=dev] (guards -tag env=dev +tag env=sandbox)"),
            &format!("assume - {root} -> {DEV}:role/payments-reconciler [MFA,tag env=dev] (guards -tag env=dev +tag env=sandbox)"),
            &format!("perm + {policy}: Allow sts:AssumeRole on {DEV}:role/*{} BROADENS", guard("sandbox")),
            &format!("perm - {policy}: Allow sts:AssumeRole on {DEV}:role/*{}", guard("dev")),
        ],
        true,
        &[
            &format!("assume + {root} -> {DEV}:role/payments-api [MFA,tag env=dev] (guards -tag env=sandbox +tag env=dev) BROADENS"),
            &format!("assume + {root} -> {DEV}:role/payments-reconciler [MFA,tag env=dev] (guards -tag env=sandbox +tag env=dev) BROADENS"),
            &format!("assume - {root} -> {DEV}:role/payments-api [MFA,tag env=sandbox] (guards -tag env=sandbox +tag env=dev)"),
            &format!("assume - {root} -> {DEV}:role/payments-reconciler [MFA,tag env=sandbox] (guards -tag env=sandbox +tag env=dev)"),
            &format!("perm + {policy}: Allow sts:AssumeRole on {DEV}:role/*{} BROADENS", guard("dev")),
            &format!("perm - {policy}: Allow sts:AssumeRole on {DEV}:role/*{}", guard("sandbox")),
        ],
        true,
    );
}

#[test]
fn simulate_mode_a_task_grant_reaches_the_simulator_too() {
    let old = include_str!("../../examples/simulate-dev-account.toml");
    let receipts = r#"resources = ["arn:aws:s3:::orders-receipts-111122223333/*"]"#;
    let new = edit(
        old,
        receipts,
        &format!(
            "{receipts}\n\n[[tasks.worker.statements]]\nactions = [\"s3:GetObject\"]\n{receipts}"
        ),
    );
    let grant = "Allow s3:GetObject on arn:aws:s3:::orders-receipts-111122223333/*";
    both_ways(
        old,
        &new,
        &[
            &format!("perm + {DEV}:role/orders-simulator: {grant} BROADENS"),
            &format!("perm + {DEV}:role/orders-worker: {grant} BROADENS"),
        ],
        true,
        &[
            &format!("perm - {DEV}:role/orders-simulator: {grant}"),
            &format!("perm - {DEV}:role/orders-worker: {grant}"),
        ],
        false,
    );
}

/// Red team: pointing the Terraform state at another bucket, or through a role of a foreign
/// account, grants nothing in IAM, but whoever controls the state controls what applies
/// destroy or keep: the review must show it, in every format, with no access change.
#[test]
fn terraform_state_and_layout_changes_are_shown_for_review() {
    let backend = "\n[terraform.backend]\ntype = \"s3\"\nbucket = \"shop-state\"\nregion = \"eu-west-1\"\nkey_prefix = \"shop\"\n";
    let old = format!("{BASE}{backend}");
    let new = edit(
        &old,
        "bucket = \"shop-state\"\n",
        "bucket = \"attacker-state\"\nrole_arn = \"arn:aws:iam::999999999999:role/x\"\n",
    );
    let new = format!("{new}\n[terraform]\nlayout = \"per-account\"\n");
    let changes = compare(&access(&old), &access(&new));
    assert!(changes.access_unchanged() && !changes.broadens);
    let settings: Vec<(&str, Option<&str>, Option<&str>)> = changes
        .deployment
        .iter()
        .map(|c| (c.setting, c.before.as_deref(), c.after.as_deref()))
        .collect();
    assert_eq!(
        settings,
        [
            ("terraform layout", Some("single-root"), Some("per-account")),
            ("state bucket", Some("shop-state"), Some("attacker-state")),
            ("state role", None, Some("arn:aws:iam::999999999999:role/x")),
        ]
    );
    let text = text(&changes, "old", "new");
    assert!(
        text.contains("No access changes. 3 settings of Terraform's state or layout changed"),
        "{text}"
    );
    assert!(
        text.contains("    ~ state bucket: shop-state -> attacker-state\n"),
        "{text}"
    );
    assert!(
        text.contains("    ~ state role: - -> arn:aws:iam::999999999999:role/x\n"),
        "{text}"
    );
    let markdown = markdown(&changes, "old", "new");
    assert!(
        markdown.contains("| changed | state bucket | `shop-state` | `attacker-state` |"),
        "{markdown}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json(&changes)).unwrap_or_default();
    assert_eq!(parsed["deployment"][1]["after"], "attacker-state");
    assert!(parsed["deployment"][2]["before"].is_null());
    // The same settings on both sides: nothing to show.
    assert!(compare(&access(&old), &access(&old)).deployment.is_empty());
}
