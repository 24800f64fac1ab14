//! Trust: assume edges with their guards and actions, developer reach, and when one guard
//! implies another.

use super::*;

const ALICE: &str = "arn:aws:iam::999988887777:role/alice";

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
            &format!("assume - {ALICE} -> {DEV}:role/shop-api [MFA] (guards -MFA +)"),
            &format!("assume + {ALICE} -> {DEV}:role/shop-api [] (guards -MFA +) BROADENS"),
            &format!(
                "perm + {DEV}:policy/developer-assume-task-roles: Allow sts:AssumeRole on {DEV}:role/shop-api BROADENS"
            ),
        ],
        true,
        &[
            &format!("assume - {ALICE} -> {DEV}:role/shop-api [] (guards - +MFA)"),
            &format!("assume + {ALICE} -> {DEV}:role/shop-api [MFA] (guards - +MFA)"),
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
            &format!("assume - {ledger} -> {reader} [ExternalId] (guards -ExternalId +)"),
            &format!("assume + {ledger} -> {reader} [] (guards -ExternalId +) BROADENS"),
        ],
        true,
        &[
            &format!("assume - {ledger} -> {reader} [] (guards - +ExternalId)"),
            &format!("assume + {ledger} -> {reader} [ExternalId] (guards - +ExternalId)"),
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
            format!("assume - {ledger} -> {reader} [ExternalId] (guards -ExternalId +ExternalId)"),
            format!("assume + {ledger} -> {reader} [ExternalId] (guards -ExternalId +ExternalId) BROADENS"),
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
            &format!("perm + {DEV}:role/shop-api: Allow sts:AssumeRole on {admin} BROADENS"),
            &format!("assume + {DEV}:role/shop-api -> {admin} [] BROADENS"),
            &format!(
                "perm + {admin}: Allow dynamodb:* on arn:aws:dynamodb:eu-west-1:555566667777:table/ledger BROADENS"
            ),
            &format!("reach + {admin} BROADENS"),
            &format!("access + destination_role {admin}"),
        ],
        true,
        &[
            &format!("perm - {DEV}:role/shop-api: Allow sts:AssumeRole on {admin}"),
            &format!("assume - {DEV}:role/shop-api -> {admin} []"),
            &format!(
                "perm - {admin}: Allow dynamodb:* on arn:aws:dynamodb:eu-west-1:555566667777:table/ledger"
            ),
            &format!("reach - {admin}"),
            &format!("access - destination_role {admin}"),
        ],
        false,
    );
    let there = diff(BASE, &new);
    let reach = there
        .changes
        .iter()
        .find(|change| matches!(change.what, What::Reach { .. }))
        .unwrap_or_else(|| panic!("no reach change: {:#?}", lines(&there)));
    let What::Reach {
        through,
        dev_access,
        direct,
        ..
    } = &reach.what
    else {
        unreachable!()
    };
    assert_eq!(through, &[format!("{DEV}:role/shop-api")]);
    assert!(!dev_access && !direct);
    assert_eq!(reach.account.as_deref(), Some("prod"));
}

#[test]
// Long on purpose: one table of cases, each a line.
fn guards_imply_only_what_they_prove() {
    let mut strings = Strings::default();
    let mut clause = |operator: &str, key: &str, values: &[&str]| {
        let mut values: Vec<_> = values.iter().map(|v| strings.intern(v)).collect();
        values.sort_unstable();
        review::Clause {
            operator: strings.intern(operator),
            key: strings.intern(key),
            values: values.into_boxed_slice(),
        }
    };
    let guard = |clauses: Vec<review::Clause>| clauses.into_iter().collect::<review::Guard>();
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
    let lower_mfa = clause("Bool", "aws:multifactorauthpresent", &["true"]);
    let like_west = clause("StringLike", "aws:RequestedRegion", &["eu-west-1"]);
    let age_300 = clause("NumericLessThan", "aws:MultiFactorAuthAge", &["300"]);
    let age_600 = clause("NumericLessThan", "aws:MultiFactorAuthAge", &["600"]);
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
        (guard(vec![lower_mfa]), guard(vec![mfa.clone()]), true),
        (guard(vec![like_west]), guard(vec![west.clone()]), false),
        (guard(vec![age_300]), guard(vec![age_600]), false),
    ];
    for (index, (strong, weak, expected)) in cases.iter().enumerate() {
        assert_eq!(
            crate::diff::grants::implies(strong, weak, &strings),
            *expected,
            "case {index}"
        );
    }
}

#[test]
fn tagged_mode_a_tag_changed_is_a_guard_changed_on_every_developer_edge() {
    let old = include_str!("../../../examples/dev-and-prod.toml");
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
    let tag = |role: &str, from: &str, to: &str| {
        format!("access ~ {DEV}:role/{role}: tag env: {from} -> {to} BROADENS")
    };
    both_ways(
        old,
        &new,
        &[
            &format!("assume - {root} -> {DEV}:role/payments-api [MFA,tag env=dev] (guards -tag env=dev +tag env=sandbox)"),
            &format!("assume + {root} -> {DEV}:role/payments-api [MFA,tag env=sandbox] (guards -tag env=dev +tag env=sandbox) BROADENS"),
            &format!("assume - {root} -> {DEV}:role/payments-reconciler [MFA,tag env=dev] (guards -tag env=dev +tag env=sandbox)"),
            &format!("assume + {root} -> {DEV}:role/payments-reconciler [MFA,tag env=sandbox] (guards -tag env=dev +tag env=sandbox) BROADENS"),
            &format!("perm - {policy}: Allow sts:AssumeRole on {DEV}:role/*{}", guard("dev")),
            &format!("perm + {policy}: Allow sts:AssumeRole on {DEV}:role/*{} BROADENS", guard("sandbox")),
            // The tag the developer policy reads is access (ABAC), not a label.
            &tag("payments-api", "dev", "sandbox"),
            &tag("payments-reconciler", "dev", "sandbox"),
        ],
        true,
        &[
            &format!("assume - {root} -> {DEV}:role/payments-api [MFA,tag env=sandbox] (guards -tag env=sandbox +tag env=dev)"),
            &format!("assume + {root} -> {DEV}:role/payments-api [MFA,tag env=dev] (guards -tag env=sandbox +tag env=dev) BROADENS"),
            &format!("assume - {root} -> {DEV}:role/payments-reconciler [MFA,tag env=sandbox] (guards -tag env=sandbox +tag env=dev)"),
            &format!("assume + {root} -> {DEV}:role/payments-reconciler [MFA,tag env=dev] (guards -tag env=sandbox +tag env=dev) BROADENS"),
            &format!("perm - {policy}: Allow sts:AssumeRole on {DEV}:role/*{}", guard("sandbox")),
            &format!("perm + {policy}: Allow sts:AssumeRole on {DEV}:role/*{} BROADENS", guard("dev")),
            &tag("payments-api", "sandbox", "dev"),
            &tag("payments-reconciler", "sandbox", "dev"),
        ],
        true,
    );
}
