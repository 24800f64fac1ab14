//! What an account's Terraform file shows of the model: resource names, references in
//! place of ARNs of resources the module creates. Both layouts read these: the built-in
//! one in `layout.rs`, and Tera templates (the same fields, serialized into the context).

use std::collections::HashMap;

use serde::Serialize;

use super::{provider_alias, role_resource};
use crate::model::policy::PolicyDocument;
use crate::model::{snake_case, Account, Model, Role, RoleKind};
use crate::render::doc::{self, texts, Doc, KeyCase};
use crate::render::hcl;

#[derive(Serialize)]
pub struct AccountFileView<'a> {
    pub header: String,
    pub project: &'a str,
    pub account: AccountView<'a>,
    pub roles: Vec<RoleView<'a>>,
    pub developer_policy: Option<DeveloperPolicyView<'a>>,
    pub task_definitions: Vec<TaskDefinitionView<'a>>,
}

#[derive(Serialize)]
pub struct AccountView<'a> {
    pub name: &'a str,
    pub alias: String,
    pub id: &'a str,
    pub region: &'a str,
}

#[derive(Serialize)]
pub struct RoleView<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub description: &'a str,
    pub max_session_duration: i64,
    pub trust_policy: Doc<'a>,
    pub permissions_boundary: Option<&'a str>,
    pub tags: Doc<'a>,
    pub policies: Vec<InlinePolicyView<'a>>,
    pub managed_policy_arns: Doc<'a>,
    pub attachment_depends_on: Doc<'a>,
    pub resource: String,
}

#[derive(Serialize)]
pub struct InlinePolicyView<'a> {
    pub resource: String,
    pub name: &'a str,
    pub document: Doc<'a>,
}

#[derive(Serialize)]
pub struct DeveloperPolicyView<'a> {
    pub resource: String,
    pub name: &'a str,
    pub path: &'a str,
    pub description: &'a str,
    pub document: Doc<'a>,
    pub roles: Doc<'a>,
    pub groups: Doc<'a>,
    pub users: Doc<'a>,
}

#[derive(Serialize)]
pub struct TaskDefinitionView<'a> {
    pub resource: String,
    pub family: &'a str,
    pub task_role_arn: Doc<'a>,
    pub execution_role_arn: Doc<'a>,
    pub network_mode: &'a str,
    pub requires_compatibilities: Vec<&'a str>,
    pub cpu: Option<&'a str>,
    pub memory: Option<&'a str>,
    pub containers: Doc<'a>,
    pub log_group: Option<LogGroupView<'a>>,
}

#[derive(Serialize)]
pub struct LogGroupView<'a> {
    pub resource: String,
    pub name: &'a str,
    pub retention_in_days: Option<i64>,
}

fn policy(document: &PolicyDocument) -> Doc<'_> {
    doc::from_policy(document, &doc::no_substitution)
}

fn role_view<'a>(
    role: &'a Role,
    resource: String,
    in_module_policy: Option<(&str, &str)>,
    task_role_addresses: &HashMap<String, String>,
) -> RoleView<'a> {
    let depends_on: Vec<Doc> = in_module_policy
        .filter(|(arn, _)| role.managed_policy_arns.iter().any(|a| a == arn))
        .map(|(_, address)| hcl::raw(address.to_string()))
        .into_iter()
        .collect();
    let mut trust_policy = policy(&role.trust_policy);
    // Only destination roles name principals this module creates (by reference).
    if role.kind == RoleKind::Trusted {
        reference_principals(&mut trust_policy, task_role_addresses);
    }
    RoleView {
        name: &role.name,
        path: &role.path,
        description: &role.description,
        max_session_duration: role.max_session_duration,
        trust_policy,
        permissions_boundary: role.permissions_boundary.as_deref(),
        tags: Doc::Map(
            role.tags
                .iter()
                .map(|(key, value)| (key.as_str().into(), Doc::text(value.as_str())))
                .collect(),
        ),
        policies: role
            .inline_policies
            .iter()
            .map(|inline| InlinePolicyView {
                resource: format!("{resource}_{}", snake_case(&inline.name)),
                name: &inline.name,
                document: policy(&inline.document),
            })
            .collect(),
        managed_policy_arns: texts(&role.managed_policy_arns),
        // Attachments are keyed by literal ARNs (known at plan time); an in-module policy
        // is ordered before its attachment explicitly.
        attachment_depends_on: Doc::List(depends_on),
        resource,
    }
}

/// Replaces `Principal.AWS` ARNs of roles this module creates with references to them.
fn reference_principals(trust_policy: &mut Doc, addresses: &HashMap<String, String>) {
    let Some(Doc::List(statements)) = entry(trust_policy, "Statement") else {
        return;
    };
    for statement in statements {
        let Some(principal) = entry(statement, "Principal").and_then(|p| entry(p, "AWS")) else {
            continue;
        };
        let replace = |value: &mut Doc| {
            if let Some(address) = value.as_str().and_then(|arn| addresses.get(arn)) {
                *value = hcl::raw(address.clone());
            }
        };
        match principal {
            Doc::List(items) => items.iter_mut().for_each(replace),
            single => replace(single),
        }
    }
}

fn entry<'d, 'a>(map: &'d mut Doc<'a>, key: &str) -> Option<&'d mut Doc<'a>> {
    match map {
        Doc::Map(entries) => entries
            .iter_mut()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value),
        _ => None,
    }
}

pub fn account_file<'a>(
    model: &'a Model,
    account: &'a Account,
    header: String,
    task_role_addresses: &HashMap<String, String>,
) -> AccountFileView<'a> {
    let alias = provider_alias(account);
    let policy_resource = format!("{alias}_developer");
    let policy_address = format!("aws_iam_policy.{policy_resource}");
    let in_module_policy = account
        .developer_policy
        .as_ref()
        .map(|p| (p.arn.as_str(), policy_address.as_str()));
    let role_resources: Vec<(&Role, String)> = account
        .roles()
        .map(|role| (role, role_resource(account, role)))
        .collect();
    let role_addresses: HashMap<&str, String> = role_resources
        .iter()
        .map(|(role, resource)| (role.arn.as_str(), format!("aws_iam_role.{resource}.arn")))
        .collect();
    let roles = role_resources
        .into_iter()
        .map(|(role, resource)| role_view(role, resource, in_module_policy, task_role_addresses))
        .collect();
    let developer_policy = account
        .developer_policy
        .as_ref()
        .map(|developer| DeveloperPolicyView {
            resource: policy_resource,
            name: &developer.name,
            path: &developer.path,
            description: &developer.description,
            document: policy(&developer.document),
            roles: texts(&developer.attach_to_roles),
            groups: texts(&developer.attach_to_groups),
            users: texts(&developer.attach_to_users),
        });
    let reference = |arn: &'a str| {
        role_addresses
            .get(arn)
            .map_or_else(|| Doc::text(arn), |address| hcl::raw(address.clone()))
    };
    let task_definitions = account
        .task_definitions
        .iter()
        .map(|definition| {
            let resource = format!("{alias}_{}", snake_case(&definition.task));
            TaskDefinitionView {
                family: &definition.family,
                task_role_arn: reference(&definition.task_role_arn),
                execution_role_arn: reference(&definition.execution_role_arn),
                network_mode: definition.network_mode,
                requires_compatibilities: definition.requires_compatibilities.clone(),
                cpu: definition.cpu.as_deref(),
                memory: definition.memory.as_deref(),
                containers: doc::from_containers(
                    &definition.containers,
                    KeyCase::Camel,
                    &doc::no_substitution,
                ),
                log_group: definition.log_group.as_ref().map(|group| LogGroupView {
                    resource: resource.clone(),
                    name: &group.name,
                    retention_in_days: group.retention_in_days,
                }),
                resource,
            }
        })
        .collect();
    AccountFileView {
        header,
        project: &model.project,
        account: AccountView {
            name: &account.name,
            alias,
            id: &account.id,
            region: &account.region,
        },
        roles,
        developer_policy,
        task_definitions,
    }
}
