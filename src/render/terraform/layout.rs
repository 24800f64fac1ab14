//! The built-in layout of `<account>.tf`, written straight from the view: byte for byte
//! what Tera renders from `templates/terraform/account.tf.tera` (then formatted), without
//! building a context or interpreting the template. A user's override of that template
//! goes through Tera instead.
//!
//! Keep in step with the template; the template-dump tests compare both on every example.
//! Blocks are written already aligned (`hcl::write_body`), so only the header goes
//! through the formatter that a template's output needs.

use std::borrow::Cow;

use super::views::{AccountFileView, RoleView};
use crate::render::doc::Doc;
use crate::render::hcl::{write_body, Attribute, Expression, Formatted};

use Attribute::{Blank, Set};
use Expression::{Call, Quoted, Raw, Value};

pub const ACCOUNT_TEMPLATE: &str = "terraform/account.tf.tera";

/// The file, and the address (`type.name`) of every resource it declares, in order.
pub fn account(view: &AccountFileView) -> (String, Vec<String>) {
    let account = &view.account;
    let alias = account.alias.as_str();
    let provider = || Set("provider", Raw(Cow::Owned(format!("aws.{alias}"))));
    let mut header = Formatted::default();
    header.push(&format!(
        "{}\n# Account {} ({}), provider aws.{alias}.\n",
        view.header, account.name, account.id
    ));
    let mut out = Blocks {
        text: header.finish(),
        addresses: Vec::new(),
    };
    out.text.reserve(4096 * (view.roles.len() + 1));
    for role in &view.roles {
        push_role(&mut out, role, &provider);
    }
    if let Some(policy) = &view.developer_policy {
        out.block(
            "aws_iam_policy",
            &policy.resource,
            &[
                provider(),
                Blank,
                Set("name", Quoted(policy.name)),
                Set("path", Quoted(policy.path)),
                Set("description", Quoted(policy.description)),
                Set("policy", Call("jsonencode", &policy.document)),
            ],
        );
        let attachments = [
            (
                "aws_iam_role_policy_attachment",
                "roles",
                "role",
                &policy.roles,
            ),
            (
                "aws_iam_group_policy_attachment",
                "groups",
                "group",
                &policy.groups,
            ),
            (
                "aws_iam_user_policy_attachment",
                "users",
                "user",
                &policy.users,
            ),
        ];
        let policy_arn = format!("aws_iam_policy.{}.arn", policy.resource);
        for (kind, suffix, principal, names) in attachments {
            if names.is_empty_collection() {
                continue;
            }
            out.block(
                kind,
                &format!("{}_{suffix}", policy.resource),
                &[
                    provider(),
                    Set("for_each", Call("toset", names)),
                    Blank,
                    Set(principal, Raw(Cow::Borrowed("each.value"))),
                    Set("policy_arn", Raw(Cow::Borrowed(&policy_arn))),
                ],
            );
        }
    }
    for definition in &view.task_definitions {
        if let Some(group) = &definition.log_group {
            let mut attributes = vec![provider(), Blank, Set("name", Quoted(group.name))];
            if let Some(days) = group.retention_in_days.filter(|days| *days != 0) {
                attributes.push(Set("retention_in_days", Raw(days.to_string().into())));
            }
            out.block("aws_cloudwatch_log_group", &group.resource, &attributes);
        }
        let compatibilities = Doc::List(
            definition
                .requires_compatibilities
                .iter()
                .map(|c| Doc::text(*c))
                .collect(),
        );
        let mut attributes = vec![
            provider(),
            Blank,
            Set("family", Quoted(definition.family)),
            Set("task_role_arn", Value(&definition.task_role_arn)),
            Set("execution_role_arn", Value(&definition.execution_role_arn)),
            Set("network_mode", Quoted(definition.network_mode)),
            Set("requires_compatibilities", Value(&compatibilities)),
        ];
        if let Some(cpu) = definition.cpu.filter(|cpu| !cpu.is_empty()) {
            attributes.push(Set("cpu", Quoted(cpu)));
        }
        if let Some(memory) = definition.memory.filter(|memory| !memory.is_empty()) {
            attributes.push(Set("memory", Quoted(memory)));
        }
        attributes.push(Set(
            "container_definitions",
            Call("jsonencode", &definition.containers),
        ));
        out.block("aws_ecs_task_definition", &definition.resource, &attributes);
    }
    (out.text, out.addresses)
}

/// The file being written, and the addresses of its resources so far.
struct Blocks {
    text: String,
    addresses: Vec<String>,
}

impl Blocks {
    /// A resource block after an empty line; every block of the file goes through here.
    fn block(&mut self, kind: &str, name: &str, attributes: &[Attribute]) {
        let out = &mut self.text;
        out.push_str("\nresource \"");
        out.push_str(kind);
        out.push_str("\" \"");
        out.push_str(name);
        out.push_str("\" {\n");
        write_body(out, attributes, 2);
        out.push_str("}\n");
        self.addresses.push(format!("{kind}.{name}"));
    }
}

fn push_role<'v>(out: &mut Blocks, role: &'v RoleView, provider: &dyn Fn() -> Attribute<'v>) {
    let mut attributes = vec![
        provider(),
        Blank,
        Set("name", Quoted(role.name)),
        Set("path", Quoted(role.path)),
        Set("description", Quoted(role.description)),
        Set(
            "max_session_duration",
            Raw(role.max_session_duration.to_string().into()),
        ),
    ];
    if let Some(boundary) = role.permissions_boundary.filter(|b| !b.is_empty()) {
        attributes.push(Set("permissions_boundary", Quoted(boundary)));
    }
    attributes.push(Set(
        "assume_role_policy",
        Call("jsonencode", &role.trust_policy),
    ));
    if !role.tags.is_empty_collection() {
        attributes.push(Set("tags", Value(&role.tags)));
    }
    out.block("aws_iam_role", &role.resource, &attributes);
    let role_id = format!("aws_iam_role.{}.id", role.resource);
    for policy in &role.policies {
        out.block(
            "aws_iam_role_policy",
            &policy.resource,
            &[
                provider(),
                Blank,
                Set("name", Quoted(policy.name)),
                Set("role", Raw(Cow::Borrowed(&role_id))),
                Set("policy", Call("jsonencode", &policy.document)),
            ],
        );
    }
    if !role.managed_policy_arns.is_empty_collection() {
        let role_name = format!("aws_iam_role.{}.name", role.resource);
        let mut attributes = vec![
            provider(),
            Set("for_each", Call("toset", &role.managed_policy_arns)),
            Blank,
            Set("role", Raw(Cow::Borrowed(&role_name))),
            Set("policy_arn", Raw(Cow::Borrowed("each.value"))),
        ];
        if !role.attachment_depends_on.is_empty_collection() {
            attributes.push(Blank);
            attributes.push(Set("depends_on", Value(&role.attachment_depends_on)));
        }
        out.block(
            "aws_iam_role_policy_attachment",
            &role.resource,
            &attributes,
        );
    }
}
