//! The built-in layout of `<account>.tf`, written straight from the view: byte for byte
//! what Tera renders from `templates/terraform/account.tf.tera` (then formatted), without
//! building a context or interpreting the template. A user's override of that template
//! goes through Tera instead.
//!
//! Keep in step with the template; the template-dump tests compare both on every example.
//! Each resource block is written to a scratch buffer and formatted into the file from
//! there (`=` aligned, blank lines as `finish` leaves the template's output).

use std::fmt::Write;

use super::views::{AccountFileView, RoleView};
use crate::render::doc::Doc;
use crate::render::hcl::{push_quoted, write_value, Formatted};

pub const ACCOUNT_TEMPLATE: &str = "terraform/account.tf.tera";

pub fn account(view: &AccountFileView) -> String {
    let mut file = Formatted::with_capacity(4096 * (view.roles.len() + 1));
    // One resource block (or a role's few) at a time, pushed into `file` when complete.
    let mut out = String::with_capacity(16 * 1024);
    let mut flush = |out: &mut String| {
        file.push(out);
        out.clear();
    };
    let account = &view.account;
    let alias = account.alias.as_str();
    out.push_str(&view.header);
    let _ = writeln!(
        out,
        "\n# Account {} ({}), provider aws.{alias}.",
        account.name, account.id
    );
    flush(&mut out);
    for role in &view.roles {
        push_role(&mut out, role, alias);
        flush(&mut out);
    }
    if let Some(policy) = &view.developer_policy {
        open(&mut out, "aws_iam_policy", &policy.resource, alias);
        out.push_str("\n  name = ");
        push_quoted(&mut out, policy.name);
        out.push_str("\n  path = ");
        push_quoted(&mut out, policy.path);
        out.push_str("\n  description = ");
        push_quoted(&mut out, policy.description);
        out.push_str("\n  policy = jsonencode(");
        write_value(&mut out, &policy.document, 2);
        out.push_str(")\n}\n");
        let attachments = [
            (
                "aws_iam_role_policy_attachment",
                "_roles",
                "role",
                &policy.roles,
            ),
            (
                "aws_iam_group_policy_attachment",
                "_groups",
                "group",
                &policy.groups,
            ),
            (
                "aws_iam_user_policy_attachment",
                "_users",
                "user",
                &policy.users,
            ),
        ];
        for (kind, suffix, principal, names) in attachments {
            if names.is_empty_collection() {
                continue;
            }
            let _ = write!(
                out,
                "\nresource \"{kind}\" \"{}{suffix}\" {{\n  provider = aws.{alias}\n  for_each = toset(",
                policy.resource
            );
            write_value(&mut out, names, 2);
            let _ = write!(
                out,
                ")\n\n  {principal} = each.value\n  policy_arn = aws_iam_policy.{}.arn\n}}\n",
                policy.resource
            );
        }
        flush(&mut out);
    }
    for definition in &view.task_definitions {
        if let Some(group) = &definition.log_group {
            open(&mut out, "aws_cloudwatch_log_group", &group.resource, alias);
            out.push_str("\n  name = ");
            push_quoted(&mut out, group.name);
            if let Some(days) = group.retention_in_days.filter(|days| *days != 0) {
                let _ = write!(out, "\n  retention_in_days = {days}");
            }
            out.push_str("\n}\n");
        }
        open(
            &mut out,
            "aws_ecs_task_definition",
            &definition.resource,
            alias,
        );
        out.push_str("\n  family = ");
        push_quoted(&mut out, definition.family);
        out.push_str("\n  task_role_arn = ");
        write_value(&mut out, &definition.task_role_arn, 0);
        out.push_str("\n  execution_role_arn = ");
        write_value(&mut out, &definition.execution_role_arn, 0);
        out.push_str("\n  network_mode = ");
        push_quoted(&mut out, definition.network_mode);
        out.push_str("\n  requires_compatibilities = ");
        let compatibilities = Doc::List(
            definition
                .requires_compatibilities
                .iter()
                .map(|c| Doc::text(*c))
                .collect(),
        );
        write_value(&mut out, &compatibilities, 0);
        if let Some(cpu) = definition.cpu.filter(|cpu| !cpu.is_empty()) {
            out.push_str("\n  cpu = ");
            push_quoted(&mut out, cpu);
        }
        if let Some(memory) = definition.memory.filter(|memory| !memory.is_empty()) {
            out.push_str("\n  memory = ");
            push_quoted(&mut out, memory);
        }
        out.push_str("\n  container_definitions = jsonencode(");
        write_value(&mut out, &definition.containers, 2);
        out.push_str(")\n}\n");
        flush(&mut out);
    }
    file.finish()
}

/// A resource block's opening, its provider line and the blank line after it.
fn open(out: &mut String, kind: &str, name: &str, alias: &str) {
    let _ = write!(
        out,
        "\nresource \"{kind}\" \"{name}\" {{\n  provider = aws.{alias}\n"
    );
}

fn push_role(out: &mut String, role: &RoleView, alias: &str) {
    open(out, "aws_iam_role", &role.resource, alias);
    out.push_str("\n  name = ");
    push_quoted(out, role.name);
    out.push_str("\n  path = ");
    push_quoted(out, role.path);
    out.push_str("\n  description = ");
    push_quoted(out, role.description);
    let _ = write!(
        out,
        "\n  max_session_duration = {}",
        role.max_session_duration
    );
    if let Some(boundary) = role.permissions_boundary.filter(|b| !b.is_empty()) {
        out.push_str("\n  permissions_boundary = ");
        push_quoted(out, boundary);
    }
    out.push_str("\n  assume_role_policy = jsonencode(");
    write_value(out, &role.trust_policy, 2);
    out.push(')');
    if !role.tags.is_empty_collection() {
        out.push_str("\n  tags = ");
        write_value(out, &role.tags, 2);
    }
    out.push_str("\n}\n");
    for policy in &role.policies {
        open(out, "aws_iam_role_policy", &policy.resource, alias);
        out.push_str("\n  name = ");
        push_quoted(out, policy.name);
        let _ = write!(
            out,
            "\n  role = aws_iam_role.{}.id\n  policy = jsonencode(",
            role.resource
        );
        write_value(out, &policy.document, 2);
        out.push_str(")\n}\n");
    }
    if !role.managed_policy_arns.is_empty_collection() {
        let _ = write!(
            out,
            "\nresource \"aws_iam_role_policy_attachment\" \"{}\" {{\n  provider = aws.{alias}\n  for_each = toset(",
            role.resource
        );
        write_value(out, &role.managed_policy_arns, 2);
        let _ = write!(
            out,
            ")\n\n  role = aws_iam_role.{}.name\n  policy_arn = each.value",
            role.resource
        );
        if !role.attachment_depends_on.is_empty_collection() {
            out.push_str("\n\n  depends_on = ");
            write_value(out, &role.attachment_depends_on, 2);
        }
        out.push_str("\n}\n");
    }
}
