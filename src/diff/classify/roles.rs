//! Roles, the developer policy and session policies: each an entity (its names and
//! texts) and a holder of grants (compared by meaning).

use std::collections::BTreeSet;

use super::{as_written, sorted, Building, SharedTrusts};
use crate::diff::fields::Rule;
use crate::diff::review::{grants, Holder, Review, Subject};
use crate::diff::strings::Strings;
use crate::diff::Kind::{Other, Session};
use crate::graph;
use crate::model::policy::Statement;
use crate::model::{InlinePolicy, ManagedPolicy, Role, RoleKind, SessionPolicy};

// Long on purpose: every field of `Role` bound, so none goes unclassified.
pub(super) fn role(
    review: &mut Review,
    strings: &mut Strings,
    trusts: &mut SharedTrusts,
    account_id: &str,
    role: &Role,
) {
    let Role {
        kind,
        name,
        logical_id,
        terraform,
        path,
        arn,
        description,
        trust_policy,
        inline_policies,
        managed_policy_arns,
        permissions_boundary,
        max_session_duration,
        tags,
    } = role;
    // The role's identity: they are its ARN.
    let _ = (name, path);
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("role kind", Other, Rule::Report, &role_kind_text(kind));
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    fields.number(
        "max session duration (s)",
        Session,
        Rule::Longer,
        *max_session_duration,
    );
    for (key, value) in tags {
        // Access or other by whether a policy reads the key: `compare` knows both sides.
        fields.keyed("tag", key, Other, Rule::Tag, value);
    }
    // Trust is compared as edges (the trust graph); its text is the safety net.
    let (trust_written, first_with_trust) = trusts.as_written(fields.strings, trust_policy);
    fields.put(
        "trust policy as written",
        None,
        Other,
        Rule::AsWritten,
        trust_written,
    );
    for policy in inline_policies {
        let InlinePolicy {
            name,
            terraform,
            document,
        } = policy;
        // The document: as grants (the holder's) and as written (below).
        let _ = document;
        fields.keyed("inline policy", name, Other, Rule::Report, terraform);
    }
    let written: Vec<&Statement> = inline_policies
        .iter()
        .flat_map(|policy| &policy.document.statements)
        .collect();
    let lines = as_written(written.iter().copied());
    fields.list(
        "permissions as written",
        Other,
        Rule::AsWritten,
        lines.iter().map(String::as_str),
    );
    fields.list(
        "managed policies as written",
        Other,
        Rule::AsWritten,
        sorted(managed_policy_arns),
    );
    let trust_statements = if first_with_trust {
        trust_policy.statements.as_slice()
    } else {
        &[]
    };
    for statement in trust_statements.iter().chain(written.iter().copied()) {
        review.note_tag_keys(statement);
    }
    let kind_name = graph::role_kind(kind).name();
    let subject = role_holder(
        review,
        entity.strings,
        (arn, kind_name, account_id),
        written,
        managed_policy_arns,
        permissions_boundary.as_deref(),
    );
    entity.file(review, subject, kind_name, arn, Some(account_id));
}

/// What a role grants, as a holder of its review: its statements, managed policies and
/// boundary.
fn role_holder(
    review: &mut Review,
    strings: &mut Strings,
    (arn, kind, account_id): (&str, &'static str, &str),
    statements: Vec<&Statement>,
    managed: &[String],
    boundary: Option<&str>,
) -> Subject {
    let arn = strings.intern(arn);
    let holder = Holder {
        kind,
        label: arn,
        account_id: strings.intern(account_id),
        statements: grants(statements.into_iter(), strings),
        managed: managed.iter().map(|arn| strings.intern(arn)).collect(),
        boundary: boundary.map(|b| strings.intern(b)),
        attachments: BTreeSet::new(),
    };
    let subject = Subject::Role { arn };
    review.holder(subject, holder);
    subject
}

fn role_kind_text(kind: &RoleKind) -> String {
    match kind {
        RoleKind::Task(task) => format!("task role of task {task}"),
        RoleKind::Execution(shard) => format!("execution role {shard}"),
        RoleKind::Developer => "developer role".into(),
        RoleKind::Simulator => "simulator role".into(),
        RoleKind::Trusted => "destination role".into(),
    }
}

pub(super) fn developer_policy(
    review: &mut Review,
    strings: &mut Strings,
    account_id: &str,
    policy: &ManagedPolicy,
) {
    let ManagedPolicy {
        name,
        logical_id,
        terraform,
        path,
        arn,
        description,
        document,
        attach_to_roles,
        attach_to_groups,
        attach_to_users,
    } = policy;
    // The policy's identity: they are its ARN.
    let _ = (name, path);
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    super::document(&mut fields, "permissions as written", document);
    let listed = [
        ("role", attach_to_roles),
        ("group", attach_to_groups),
        ("user", attach_to_users),
    ];
    let mut written: Vec<String> = listed
        .iter()
        .flat_map(|(kind, names)| names.iter().map(move |name| format!("{kind} {name}")))
        .collect();
    written.sort();
    fields.list(
        "attachments as written",
        Other,
        Rule::AsWritten,
        written.iter().map(String::as_str),
    );
    for statement in &document.statements {
        review.note_tag_keys(statement);
    }
    let strings = &mut *entity.strings;
    let arn_sym = strings.intern(arn);
    let holder = Holder {
        kind: "developer_policy",
        label: arn_sym,
        account_id: strings.intern(account_id),
        statements: grants(document.statements.iter(), strings),
        managed: BTreeSet::new(),
        boundary: None,
        attachments: listed
            .into_iter()
            .flat_map(|(kind, names)| names.iter().map(move |name| (kind, name)))
            .map(|(kind, name)| (kind, strings.intern(name)))
            .collect(),
    };
    let subject = Subject::Policy { arn: arn_sym };
    review.holder(subject, holder);
    entity.file(review, subject, "developer_policy", arn, Some(account_id));
}

pub(super) fn session_policy(
    review: &mut Review,
    strings: &mut Strings,
    account_id: &str,
    role: &str,
    policy: &SessionPolicy,
) {
    let SessionPolicy {
        task,
        document,
        managed_policy_arns,
    } = policy;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    if let Some(document) = document {
        super::document(&mut fields, "permissions as written", document);
    }
    fields.list(
        "managed policies as written",
        Other,
        Rule::AsWritten,
        sorted(managed_policy_arns),
    );
    let label = format!("session policy of task {task}");
    let strings = &mut *entity.strings;
    let subject = Subject::SessionPolicy {
        account_id: strings.intern(account_id),
        role: strings.intern(role),
    };
    let holder = Holder {
        kind: "session_policy",
        label: strings.intern(&label),
        account_id: strings.intern(account_id),
        statements: grants(
            document.iter().flat_map(|document| &document.statements),
            strings,
        ),
        managed: managed_policy_arns
            .iter()
            .map(|arn| strings.intern(arn))
            .collect(),
        boundary: None,
        attachments: BTreeSet::new(),
    };
    review.holder(subject, holder);
    entity.file(review, subject, "session_policy", &label, Some(account_id));
}
