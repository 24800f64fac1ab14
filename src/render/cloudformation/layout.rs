//! The built-in layout of `tasks.yaml` and `trust.yaml` (with `role.yaml`), written
//! straight from the views: byte for byte what Tera renders from the embedded templates
//! (then `finish`ed), without building a context or interpreting a template per stack.
//! A user's override of any of these templates goes through Tera instead.
//!
//! Keep in step with `templates/cloudformation/{tasks,trust,role}.yaml.tera`; the
//! template-dump tests compare both on every example.

use std::fmt::Write;

use super::views::{OutputView, RoleView, StackView};
use crate::render::doc::Doc;
use crate::render::yaml::{push_scalar, write_after_key, write_lines};

/// The templates this layout stands for.
pub const TASKS_TEMPLATES: [&str; 2] = [
    "cloudformation/tasks.yaml.tera",
    "cloudformation/role.yaml.tera",
];
pub const TRUST_TEMPLATES: [&str; 2] = [
    "cloudformation/trust.yaml.tera",
    "cloudformation/role.yaml.tera",
];

pub fn tasks(view: &StackView) -> String {
    let mut out = String::with_capacity(64 * 1024);
    push_header(&mut out, &view.header);
    out.push_str(
        "# Task roles trust ECS only through the aws:SourceAccount / aws:SourceArn guard;\n\
         # developer statements and the dev-access tag appear only in dev-access accounts.\n",
    );
    push_preamble(&mut out, &view.description);
    for role in &view.roles {
        push_role(&mut out, role);
    }
    for group in &view.log_groups {
        line(&mut out, &["  ", &group.logical_id, ":"]);
        out.push_str("    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: ");
        push_scalar_line(&mut out, group.name);
        if let Some(days) = group.retention_in_days.filter(|days| *days != 0) {
            let _ = writeln!(out, "      RetentionInDays: {days}");
        }
    }
    for definition in &view.task_definitions {
        line(&mut out, &["  ", &definition.logical_id, ":"]);
        out.push_str("    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: ");
        push_scalar_line(&mut out, definition.family);
        out.push_str("      TaskRoleArn: ");
        write_after_key(&mut out, &definition.task_role_arn, 0);
        out.push_str("      ExecutionRoleArn: ");
        write_after_key(&mut out, &definition.execution_role_arn, 0);
        out.push_str("      NetworkMode: ");
        push_scalar_line(&mut out, definition.network_mode);
        out.push_str("      RequiresCompatibilities:\n");
        for compatibility in &definition.requires_compatibilities {
            out.push_str("        - ");
            push_scalar_line(&mut out, compatibility);
        }
        if let Some(cpu) = definition.cpu.filter(|cpu| !cpu.is_empty()) {
            out.push_str("      Cpu: ");
            push_scalar_line(&mut out, cpu);
        }
        if let Some(memory) = definition.memory.filter(|memory| !memory.is_empty()) {
            out.push_str("      Memory: ");
            push_scalar_line(&mut out, memory);
        }
        out.push_str("      ContainerDefinitions:\n");
        write_lines(&mut out, &definition.containers, 8);
    }
    push_outputs(&mut out, &view.outputs);
    out
}

pub fn trust(view: &StackView) -> String {
    let mut out = String::with_capacity(16 * 1024);
    push_header(&mut out, &view.header);
    out.push_str(
        "# Roles that ECS task roles assume. Deploy after every tasks.yaml: IAM refuses a trust\n\
         # policy that names a role which does not exist yet.\n",
    );
    push_preamble(&mut out, &view.description);
    for role in &view.roles {
        push_role(&mut out, role);
    }
    push_outputs(&mut out, &view.outputs);
    out
}

/// The provenance header as `finish` leaves it: no blank lines, no trailing spaces.
fn push_header(out: &mut String, header: &str) {
    for text in header.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
        line(out, &[text]);
    }
}

fn push_preamble(out: &mut String, description: &str) {
    out.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: ");
    push_scalar_line(out, description);
    out.push_str("Resources:\n");
}

fn push_role(out: &mut String, role: &RoleView) {
    line(out, &["  ", &role.logical_id, ":"]);
    out.push_str("    Type: AWS::IAM::Role\n    Properties:\n      RoleName: ");
    push_scalar_line(out, role.name);
    out.push_str("      Path: ");
    push_scalar_line(out, role.path);
    out.push_str("      Description: ");
    push_scalar_line(out, role.description);
    let _ = writeln!(
        out,
        "      MaxSessionDuration: {}",
        role.max_session_duration
    );
    out.push_str("      AssumeRolePolicyDocument:\n");
    write_lines(out, &role.trust_policy, 8);
    if !role.policies.is_empty() {
        out.push_str("      Policies:\n");
        for policy in &role.policies {
            out.push_str("        - PolicyName: ");
            push_scalar_line(out, policy.name);
            out.push_str("          PolicyDocument:\n");
            write_lines(out, &policy.document, 12);
        }
    }
    if !role.managed_policy_arns.is_empty() {
        out.push_str("      ManagedPolicyArns:\n");
        for arn in &role.managed_policy_arns {
            out.push_str("        - ");
            write_after_key(out, arn, 10);
        }
    }
    if let Some(boundary) = role.permissions_boundary.as_ref().filter(|b| truthy(b)) {
        out.push_str("      PermissionsBoundary: ");
        write_after_key(out, boundary, 0);
    }
    if !role.tags.is_empty() {
        out.push_str("      Tags:\n");
        for tag in &role.tags {
            out.push_str("        - Key: ");
            push_scalar_line(out, tag.key);
            out.push_str("          Value: ");
            push_scalar_line(out, tag.value);
        }
    }
}

fn push_outputs(out: &mut String, outputs: &[OutputView]) {
    out.push_str("Outputs:\n");
    for output in outputs {
        line(out, &["  ", &output.logical_id, ":"]);
        out.push_str("    Description: ");
        push_scalar_line(out, &output.description);
        out.push_str("    Value: ");
        write_after_key(out, &output.value, 0);
        out.push_str("    Export:\n      Name: ");
        write_after_key(out, &output.export_name, 0);
    }
}

fn line(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
    out.push('\n');
}

fn push_scalar_line(out: &mut String, text: &str) {
    push_scalar(out, text);
    out.push('\n');
}

/// Tera's truthiness, as the templates' `{% if %}` tests it.
fn truthy(value: &Doc) -> bool {
    match value {
        Doc::Null => false,
        Doc::Bool(b) => *b,
        Doc::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Doc::Text(text) => !text.is_empty(),
        Doc::List(_) | Doc::Map(_) => !value.is_empty_collection(),
    }
}
