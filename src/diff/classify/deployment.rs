//! IAM Identity Center (its permission sets grant access) and the Terraform layout (where
//! state lives and who applies).

use std::sync::Arc;

use super::Building;
use crate::diff::fields::{Rule, Writer};
use crate::diff::review::{Review, Subject};
use crate::diff::strings::Strings;
use crate::diff::Kind::{Access, Deployment, Other, Session};
use crate::model::names::RootKind;
use crate::model::{
    Account, Assignment, IdentityCenter, PermissionSet, PolicyReference, Root, S3Backend, Terraform,
};

pub(super) fn identity_center(review: &mut Review, strings: &mut Strings, center: &IdentityCenter) {
    let IdentityCenter {
        account,
        account_id,
        region,
        instance_arn,
        start_url,
        permission_sets,
    } = center;
    // The account by its id; its name in the spec is the account's own fact.
    let _ = account;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text(
        "administered in account",
        Deployment,
        Rule::Report,
        account_id,
    );
    fields.text("region", Deployment, Rule::Report, region);
    fields.text("instance", Deployment, Rule::Report, instance_arn);
    fields.opt_text(
        "access portal URL",
        Other,
        Rule::Report,
        start_url.as_deref(),
    );
    entity.file(
        review,
        Subject::IdentityCenter,
        "identity_center",
        instance_arn,
        Some(account_id),
    );
    for set in permission_sets {
        permission_set(review, strings, center, set);
    }
}

fn permission_set(
    review: &mut Review,
    strings: &mut Strings,
    center: &IdentityCenter,
    set: &PermissionSet,
) {
    let PermissionSet {
        name,
        logical_id,
        terraform,
        description,
        session_duration,
        managed_policy_arns,
        developer_policy,
        accounts,
        assignments,
    } = set;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    fields.text("session duration", Session, Rule::Longer, session_duration);
    fields.members(
        "managed policy",
        Access,
        Rule::Grows,
        managed_policy_arns.iter().map(String::as_str),
    );
    if let Some(reference) = developer_policy {
        let PolicyReference { name, path } = reference;
        fields.text(
            "customer managed policy",
            Access,
            Rule::Grows,
            &format!("{path}{name}"),
        );
    }
    // Accounts by id, as AWS provisions them; a name unknown to this side stays a name.
    for account in accounts {
        let id = review
            .accounts
            .iter()
            .find(|known| &known.name == account)
            .map_or(account.as_str(), |known| known.id.as_str());
        fields.member("account", Access, Rule::Grows, id);
    }
    for assignment in assignments {
        self::assignment(&mut fields, assignment);
    }
    let subject = Subject::PermissionSet {
        instance: entity.strings.intern(&center.instance_arn),
        name: entity.strings.intern(name),
    };
    entity.file(
        review,
        subject,
        "permission_set",
        name,
        Some(&center.account_id),
    );
}

/// A group assigned the permission set in an account: by group and account id.
fn assignment(fields: &mut Writer<'_>, assignment: &Assignment) {
    let Assignment {
        account,
        account_id,
        group_id,
        logical_id,
        terraform,
    } = assignment;
    let _ = account; // by its id
    let key = format!("group {group_id} in account {account_id}");
    fields.member("assignment", Access, Rule::Grows, &key);
    fields.keyed(
        "assignment CloudFormation logical id",
        &key,
        Other,
        Rule::Report,
        logical_id,
    );
    fields.keyed(
        "assignment Terraform address",
        &key,
        Other,
        Rule::Report,
        terraform,
    );
}

pub(super) fn terraform(
    review: &mut Review,
    strings: &mut Strings,
    terraform: &Terraform,
    accounts: &[Arc<Account>],
) {
    let Terraform {
        layout,
        backend,
        roots,
        cycle,
    } = terraform;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    let _ = layout; // named by `layout_name`
    fields.text(
        "terraform layout",
        Deployment,
        Rule::Report,
        terraform.layout_name(),
    );
    if let Some(backend) = backend {
        let S3Backend {
            bucket,
            region,
            key_prefix,
            use_lockfile,
            dynamodb_table,
            role_arn,
            partial,
        } = backend;
        fields.text("state bucket", Deployment, Rule::Report, bucket);
        fields.text("state region", Deployment, Rule::Report, region);
        fields.text("state key prefix", Deployment, Rule::Report, key_prefix);
        fields.flag("state lock file", Deployment, Rule::Report, *use_lockfile);
        fields.opt_text(
            "state lock table",
            Deployment,
            Rule::Report,
            dynamodb_table.as_deref(),
        );
        fields.opt_text("state role", Deployment, Rule::Report, role_arn.as_deref());
        fields.flag(
            "partial backend settings",
            Deployment,
            Rule::Report,
            *partial,
        );
    }
    fields.members(
        "roots in a cycle",
        Other,
        Rule::Report,
        cycle.iter().map(String::as_str),
    );
    entity.file(
        review,
        Subject::Terraform,
        "terraform",
        "layout and state",
        None,
    );
    for root in roots {
        self::root(review, strings, terraform, root, accounts);
    }
}

fn root(
    review: &mut Review,
    strings: &mut Strings,
    terraform: &Terraform,
    root: &Root,
    accounts: &[Arc<Account>],
) {
    let Root {
        kind,
        account,
        name,
        dir,
        region,
        state_key,
        state_bucket,
        state_role_arn,
        after,
        stage,
    } = root;
    let account_id = accounts
        .iter()
        .find(|a| &a.name == account)
        .map_or("", |a| a.id.as_str());
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("root name", Deployment, Rule::Report, name);
    fields.text("directory", Deployment, Rule::Report, dir);
    fields.text("provider region", Deployment, Rule::Report, region);
    fields.opt_text("state key", Deployment, Rule::Report, state_key.as_deref());
    // Where the root's state lives and who reaches it: the backend's settings with
    // `{account_id}` read as this root's account. Reported where that made them the
    // root's own; as written, the layout's own facts report them.
    let written = terraform.backend.as_ref();
    fn own<'a>(resolved: Option<&'a str>, setting: Option<&str>) -> Option<&'a str> {
        resolved.filter(|resolved| Some(*resolved) != setting)
    }
    fields.opt_text(
        "state bucket",
        Deployment,
        Rule::Report,
        own(state_bucket.as_deref(), written.map(|b| b.bucket.as_str())),
    );
    fields.opt_text(
        "state role",
        Deployment,
        Rule::Report,
        own(
            state_role_arn.as_deref(),
            written.and_then(|b| b.role_arn.as_deref()),
        ),
    );
    let _ = after; // as the directories it waits for:
    fields.members(
        "applied after",
        Deployment,
        Rule::Report,
        terraform.after_dirs(root),
    );
    fields.number(
        "stage",
        Deployment,
        Rule::Report,
        i64::try_from(*stage).unwrap_or(i64::MAX),
    );
    let subject = Subject::TerraformRoot {
        kind: match kind {
            RootKind::Single => "single",
            RootKind::Account => "account",
            RootKind::Trust => "trust",
            RootKind::IdentityCenter => "identity_center",
        },
        account_id: entity.strings.intern(account_id),
    };
    let account_id = (!account_id.is_empty()).then_some(account_id);
    entity.file(review, subject, "terraform_root", dir, account_id);
}
