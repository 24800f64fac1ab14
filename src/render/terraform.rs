//! Terraform target: one root module. `versions.tf`, `providers.tf` with one aliased
//! provider per account (pinned to that account by `allowed_account_ids`), and one
//! `<account>.tf` per account in which every resource names its provider.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};
use tera::Context;

use super::hcl::{self, EXPRESSION_KEY};
use super::{GeneratedFile, Provenance, Templates};
use crate::model::{snake_case, Account, Model, Role, RoleKind};

pub fn render(
    model: &Model,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let mut context = Context::new();
    context.insert("header", &provenance.header());
    context.insert("project", &model.project);
    let accounts: Vec<Value> = model
        .accounts
        .iter()
        .map(|account| {
            json!({
                "name": account.name,
                "alias": provider_alias(account),
                "id": account.id,
                "region": account.region,
                "deploy_role_arn": account.deploy_role_arn,
            })
        })
        .collect();
    context.insert("accounts", &accounts);
    let mut files = vec![
        GeneratedFile {
            path: "terraform/versions.tf".into(),
            contents: finish(&templates.render("terraform/versions.tf.tera", &context)?),
        },
        GeneratedFile {
            path: "terraform/providers.tf".into(),
            contents: finish(&templates.render("terraform/providers.tf.tera", &context)?),
        },
    ];
    // Trust policies name source task roles by reference, so Terraform creates them first
    // (IAM rejects a trust policy naming a role that does not exist yet), across providers.
    let task_role_addresses: HashMap<String, String> = model
        .accounts
        .iter()
        .flat_map(|account| {
            account.task_roles.iter().map(move |role| {
                (
                    role.arn.clone(),
                    format!("aws_iam_role.{}.arn", role_resource(account, role)),
                )
            })
        })
        .collect();
    let mut addresses = HashSet::new();
    for account in &model.accounts {
        let context = account_context(model, account, provenance, &task_role_addresses);
        let contents = finish(&templates.render("terraform/account.tf.tera", &context)?);
        check_unique_addresses(&contents, &mut addresses)?;
        files.push(GeneratedFile {
            path: format!("terraform/{}.tf", account.name),
            contents,
        });
    }
    Ok(files)
}

pub fn provider_alias(account: &Account) -> String {
    snake_case(&account.name)
}

pub fn role_resource(account: &Account, role: &Role) -> String {
    let account = snake_case(&account.name);
    match &role.kind {
        RoleKind::Task(task) => format!("{account}_task_{}", snake_case(task)),
        RoleKind::Execution(1) => format!("{account}_execution"),
        RoleKind::Execution(shard) => format!("{account}_execution_{shard}"),
        RoleKind::Developer => format!("{account}_developer"),
        RoleKind::Trusted => format!("{account}_role_{}", snake_case(&role.name)),
    }
}

fn expression(text: String) -> Value {
    json!({ EXPRESSION_KEY: text })
}

fn role_view(account: &Account, role: &Role, in_module_policy: Option<(&str, &str)>) -> Value {
    let resource = role_resource(account, role);
    let depends_on: Vec<String> = in_module_policy
        .filter(|(arn, _)| role.managed_policy_arns.iter().any(|a| a == arn))
        .map(|(_, address)| address.to_string())
        .into_iter()
        .collect();
    json!({
        "resource": resource,
        "name": role.name,
        "path": role.path,
        "description": role.description,
        "max_session_duration": role.max_session_duration,
        "trust_policy": role.trust_policy.to_json(),
        "permissions_boundary": role.permissions_boundary,
        "tags": role.tags,
        "policies": role.inline_policies.iter().map(|policy| json!({
            "resource": format!("{resource}_{}", snake_case(&policy.name)),
            "name": policy.name,
            "document": policy.document.to_json(),
        })).collect::<Vec<_>>(),
        "managed_policy_arns": role.managed_policy_arns,
        // Attachments are keyed by literal ARNs (known at plan time); an in-module policy
        // is ordered before its attachment explicitly.
        "attachment_depends_on": depends_on.iter().map(|a| expression(a.clone())).collect::<Vec<_>>(),
    })
}

fn account_context(
    model: &Model,
    account: &Account,
    provenance: &Provenance,
    task_role_addresses: &HashMap<String, String>,
) -> Context {
    let mut context = Context::new();
    context.insert("header", &provenance.header());
    context.insert("project", &model.project);
    let alias = provider_alias(account);
    context.insert(
        "account",
        &json!({"name": account.name, "alias": alias, "id": account.id, "region": account.region}),
    );
    let policy_resource = format!("{alias}_developer");
    let policy_address = format!("aws_iam_policy.{policy_resource}");
    let in_module_policy = account
        .developer_policy
        .as_ref()
        .map(|p| (p.arn.as_str(), policy_address.as_str()));
    let roles: Vec<Value> = account
        .roles()
        .map(|role| {
            let mut view = role_view(account, role, in_module_policy);
            if role.kind == RoleKind::Trusted {
                reference_principals(&mut view["trust_policy"], task_role_addresses);
            }
            view
        })
        .collect();
    context.insert("roles", &roles);
    if let Some(policy) = &account.developer_policy {
        context.insert(
            "developer_policy",
            &json!({
                "resource": policy_resource,
                "name": policy.name,
                "path": policy.path,
                "description": policy.description,
                "document": policy.document.to_json(),
                "roles": policy.attach_to_roles,
                "groups": policy.attach_to_groups,
                "users": policy.attach_to_users,
            }),
        );
    }
    let role_addresses: Vec<(String, String)> = account
        .roles()
        .map(|role| {
            (
                role.arn.clone(),
                format!("aws_iam_role.{}.arn", role_resource(account, role)),
            )
        })
        .collect();
    let reference = |arn: &str| {
        role_addresses
            .iter()
            .find(|(candidate, _)| candidate == arn)
            .map_or_else(
                || Value::String(arn.to_string()),
                |(_, address)| expression(address.clone()),
            )
    };
    let definitions: Vec<Value> = account
        .task_definitions
        .iter()
        .map(|definition| {
            let resource = format!("{alias}_{}", snake_case(&definition.task));
            json!({
                "resource": resource,
                "family": definition.family,
                "task_role_arn": reference(&definition.task_role_arn),
                "execution_role_arn": reference(&definition.execution_role_arn),
                "network_mode": definition.network_mode,
                "requires_compatibilities": definition.requires_compatibilities,
                "cpu": definition.cpu,
                "memory": definition.memory,
                "containers": definition.containers,
                "log_group": definition.log_group.as_ref().map(|group| json!({
                    "resource": resource,
                    "name": group.name,
                    "retention_in_days": group.retention_in_days,
                })),
            })
        })
        .collect();
    context.insert("task_definitions", &definitions);
    context
}

/// Replaces `Principal.AWS` ARNs of roles this module creates with references to them.
fn reference_principals(trust_policy: &mut Value, addresses: &HashMap<String, String>) {
    let Some(statements) = trust_policy
        .get_mut("Statement")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for statement in statements {
        let Some(principal) = statement
            .get_mut("Principal")
            .and_then(|p| p.get_mut("AWS"))
        else {
            continue;
        };
        let replace = |value: &mut Value| {
            if let Some(address) = value.as_str().and_then(|arn| addresses.get(arn)) {
                *value = expression(address.clone());
            }
        };
        match principal {
            Value::Array(items) => items.iter_mut().for_each(replace),
            single => replace(single),
        }
    }
}

/// `terraform fmt` layout: aligned `=`, no trailing spaces, single blank lines, one final newline.
fn finish(text: &str) -> String {
    let aligned = hcl::align_assignments(text);
    let mut out = String::with_capacity(aligned.len());
    let mut blank_run = 0;
    for line in aligned.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Resource addresses must be unique across the root module; names derived from spec names
/// could collide in ways validation does not foresee, so the rendered files are checked too.
fn check_unique_addresses(contents: &str, seen: &mut HashSet<String>) -> Result<(), String> {
    for line in contents.lines().filter(|l| l.starts_with("resource \"")) {
        let address: String = line
            .split('"')
            .skip(1)
            .step_by(2)
            .take(2)
            .collect::<Vec<_>>()
            .join(".");
        if !seen.insert(address.clone()) {
            return Err(format!(
                "two resources would have the Terraform address `{address}`: rename the accounts or tasks whose names differ only in punctuation"
            ));
        }
    }
    Ok(())
}
