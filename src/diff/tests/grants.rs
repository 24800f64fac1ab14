//! Grants and dev access: compared by meaning, both ways; order is no change.

use super::*;

const ALICE: &str = "arn:aws:iam::999988887777:role/alice";

#[test]
fn the_same_spec_reports_nothing() {
    let same = diff(BASE, BASE);
    assert!(same.is_empty() && !same.broadens, "{:?}", lines(&same));
}

/// The base with two of each list to reorder: principals, managed policies, secrets.
fn with_two_of_each(text: &str) -> String {
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
}

/// `old` in another order: accounts, tasks, statements, actions, resources, condition
/// values, principals, containers, managed policies and secrets.
fn reordered(old: &str) -> String {
    let mut new = old.to_string();
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
            r#"actions = ["s3:ListBucket", "s3:GetObject"]"#,
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
    new
}

#[test]
fn a_pure_reordering_reports_nothing() {
    let old = with_two_of_each(BASE);
    let new = reordered(&old);
    assert_ne!(old, new);
    let reordered = diff(&old, &new);
    assert!(reordered.is_empty(), "{:?}", lines(&reordered));
    assert!(!reordered.broadens);
}

#[test]
fn a_repeat_or_a_case_change_is_text_only() {
    let old = with_two_of_each(BASE);
    // An action repeated grants nothing new, but the policy's text repeats it: shown, as
    // other.
    let repeated = edit(
        &old,
        r#"actions = ["s3:GetObject", "s3:ListBucket"]"#,
        r#"actions = ["s3:GetObject", "s3:ListBucket", "s3:GetObject"]"#,
    );
    let repeated = diff(&old, &repeated);
    assert!(!repeated.broadens);
    assert_eq!(
        repeated
            .changes
            .iter()
            .map(|c| (c.kind, c.change))
            .collect::<Vec<_>>(),
        [(Kind::Other, Mark::Changed)],
        "{:?}",
        lines(&repeated)
    );
    // A case change in an action grants nothing new (IAM reads actions ignoring case), but
    // the policy's text changed: it is shown, as other.
    let cased = edit(&old, "\"s3:GetObject\"", "\"s3:getobject\"");
    let cased = diff(&old, &cased);
    assert!(!cased.broadens);
    assert_eq!(
        cased
            .changes
            .iter()
            .map(|c| (c.kind, c.change))
            .collect::<Vec<_>>(),
        [(Kind::Other, Mark::Changed)],
        "{:?}",
        lines(&cased)
    );
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
            &format!("perm + {staging}:policy/developer-assume-task-roles: attached role Developer BROADENS"),
            &format!(
                "perm + {staging}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {staging}:role/shop-web if Bool aws:MultiFactorAuthPresent=true BROADENS"
            ),
            &format!("reach + {staging}:role/shop-web direct BROADENS"),
            &format!("access + developer_policy {staging}:policy/developer-assume-task-roles"),
        ],
        true,
        &[
            "dev-access staging extended->none",
            &format!("assume - {ALICE} -> {staging}:role/shop-web [MFA]"),
            &format!("perm - {staging}:policy/developer-assume-task-roles: attached role Developer"),
            &format!(
                "perm - {staging}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {staging}:role/shop-web if Bool aws:MultiFactorAuthPresent=true"
            ),
            &format!("reach - {staging}:role/shop-web direct"),
            &format!("access - developer_policy {staging}:policy/developer-assume-task-roles"),
        ],
        false,
    );
}

#[test]
fn a_spec_against_nothing_is_everything_added() {
    let everything = between(None, Some(BASE));
    assert!(everything.broadens);
    assert!(everything.changes.iter().all(|c| c.change == Mark::Added));
    // ECS into each of the 6 task and execution roles, alice into the dev task role, the
    // ledger task into its destination.
    assert_eq!(
        everything
            .changes
            .iter()
            .filter(|c| matches!(c.what, What::Assume(_)))
            .count(),
        8,
        "{:#?}",
        lines(&everything)
    );
    let nothing = between(Some(BASE), None);
    assert!(!nothing.broadens, "removing everything narrows");
    assert_eq!(
        nothing
            .changes
            .iter()
            .filter(|c| matches!(c.what, What::Assume(_)) && c.change == Mark::Removed)
            .count(),
        8
    );
    assert!(nothing.changes.iter().all(|c| c.change == Mark::Removed));
}

#[test]
fn simulate_mode_a_task_grant_reaches_the_simulator_too() {
    let old = include_str!("../../../examples/simulate-dev-account.toml");
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
            &format!("perm + session policy of task worker: {grant} BROADENS"),
        ],
        true,
        &[
            &format!("perm - {DEV}:role/orders-simulator: {grant}"),
            &format!("perm - {DEV}:role/orders-worker: {grant}"),
            &format!("perm - session policy of task worker: {grant}"),
        ],
        false,
    );
}
