//! Terraform target: one root module. `versions.tf`, `providers.tf` with one aliased
//! provider per account (pinned to that account by `allowed_account_ids`), and one
//! `<account>.tf` per account in which every resource names its provider.

use std::collections::{HashMap, HashSet};

use tera::{Context, Value};

use super::hcl::{self, EXPRESSION_KEY};
use super::tree::{self, list, Object};
use super::{GeneratedFile, Provenance, Templates};
use crate::model::{snake_case, Account, Model, Role, RoleKind};

/// What every account's module file needs to know about the others.
pub struct Shared {
    /// Task role ARN -> Terraform address. Trust policies name source task roles by
    /// reference, so Terraform creates them first (IAM rejects a trust policy naming a role
    /// that does not exist yet), across providers.
    task_role_addresses: HashMap<String, String>,
}

impl Shared {
    pub fn new(model: &Model) -> Self {
        let task_role_addresses = model
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
        Shared {
            task_role_addresses,
        }
    }
}

/// `versions.tf` and `providers.tf`.
pub fn render_root(
    model: &Model,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let mut context = Context::new();
    context.insert("header", &provenance.header());
    context.insert("project", &model.project);
    let accounts = list(model.accounts.iter().map(|account| {
        Object::new()
            .set("name", account.name.as_str())
            .set("alias", provider_alias(account))
            .set("id", account.id.as_str())
            .set("region", account.region.as_str())
            .set("deploy_role_arn", account.deploy_role_arn.as_deref())
    }));
    context.insert_value("accounts", accounts);
    Ok(vec![
        GeneratedFile {
            path: "terraform/versions.tf".into(),
            contents: finish(&templates.render("terraform/versions.tf.tera", &context)?),
        },
        GeneratedFile {
            path: "terraform/providers.tf".into(),
            contents: finish(&templates.render("terraform/providers.tf.tera", &context)?),
        },
    ])
}

/// `<account>.tf`.
pub fn render_account(
    model: &Model,
    account: &Account,
    shared: &Shared,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<GeneratedFile, String> {
    let context = account_context(model, account, provenance, &shared.task_role_addresses);
    Ok(GeneratedFile {
        path: format!("terraform/{}.tf", account.name),
        contents: finish(&templates.render("terraform/account.tf.tera", &context)?),
    })
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
        RoleKind::Simulator => format!("{account}_simulator"),
        RoleKind::Trusted => format!("{account}_role_{}", snake_case(&role.name)),
    }
}

fn expression(text: String) -> Value {
    Object::new().set(EXPRESSION_KEY, text).into()
}

fn strings(items: &[String]) -> Value {
    list(items.iter().map(String::as_str))
}

fn role_view(
    account: &Account,
    role: &Role,
    in_module_policy: Option<(&str, &str)>,
    task_role_addresses: &HashMap<String, String>,
) -> Value {
    let resource = role_resource(account, role);
    let depends_on: Vec<Value> = in_module_policy
        .filter(|(arn, _)| role.managed_policy_arns.iter().any(|a| a == arn))
        .map(|(_, address)| expression(address.to_string()))
        .into_iter()
        .collect();
    // Only destination roles name principals this module creates (by reference).
    let trust_policy = if role.kind == RoleKind::Trusted {
        let mut trust_policy = role.trust_policy.to_json();
        reference_principals(&mut trust_policy, task_role_addresses);
        tree::from_json(&trust_policy)
    } else {
        tree::from_policy(&role.trust_policy, &|_| None)
    };
    let tags: indexmap::IndexMap<&str, &str> = role
        .tags
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    Object::new()
        .set("name", role.name.as_str())
        .set("path", role.path.as_str())
        .set("description", role.description.as_str())
        .set("max_session_duration", role.max_session_duration)
        .set("trust_policy", trust_policy)
        .set("permissions_boundary", role.permissions_boundary.as_deref())
        .set("tags", tags_value(&tags))
        .set(
            "policies",
            list(role.inline_policies.iter().map(|policy| {
                Object::new()
                    .set(
                        "resource",
                        format!("{resource}_{}", snake_case(&policy.name)),
                    )
                    .set("name", policy.name.as_str())
                    .set("document", tree::from_policy(&policy.document, &|_| None))
            })),
        )
        .set("managed_policy_arns", strings(&role.managed_policy_arns))
        // Attachments are keyed by literal ARNs (known at plan time); an in-module policy
        // is ordered before its attachment explicitly.
        .set("attachment_depends_on", Value::from(depends_on))
        .set("resource", resource)
        .into()
}

fn tags_value(tags: &indexmap::IndexMap<&str, &str>) -> Value {
    let mut map = tera::Map::with_capacity(tags.len());
    for (key, value) in tags {
        map.insert(key.to_string().into(), Value::from(*value));
    }
    Value::from(map)
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
    context.insert_value(
        "account",
        Object::new()
            .set("name", account.name.as_str())
            .set("alias", alias.as_str())
            .set("id", account.id.as_str())
            .set("region", account.region.as_str())
            .into(),
    );
    let policy_resource = format!("{alias}_developer");
    let policy_address = format!("aws_iam_policy.{policy_resource}");
    let in_module_policy = account
        .developer_policy
        .as_ref()
        .map(|p| (p.arn.as_str(), policy_address.as_str()));
    context.insert_value(
        "roles",
        list(
            account
                .roles()
                .map(|role| role_view(account, role, in_module_policy, task_role_addresses)),
        ),
    );
    if let Some(policy) = &account.developer_policy {
        context.insert_value(
            "developer_policy",
            Object::new()
                .set("resource", policy_resource)
                .set("name", policy.name.as_str())
                .set("path", policy.path.as_str())
                .set("description", policy.description.as_str())
                .set("document", tree::from_policy(&policy.document, &|_| None))
                .set("roles", strings(&policy.attach_to_roles))
                .set("groups", strings(&policy.attach_to_groups))
                .set("users", strings(&policy.attach_to_users))
                .into(),
        );
    }
    let role_addresses: HashMap<&str, String> = account
        .roles()
        .map(|role| {
            (
                role.arn.as_str(),
                format!("aws_iam_role.{}.arn", role_resource(account, role)),
            )
        })
        .collect();
    let reference = |arn: &str| {
        role_addresses
            .get(arn)
            .map_or_else(|| Value::from(arn), |address| expression(address.clone()))
    };
    let definitions = list(account.task_definitions.iter().map(|definition| {
        let resource = format!("{alias}_{}", snake_case(&definition.task));

        Object::new()
            .set("resource", resource.as_str())
            .set("family", definition.family.as_str())
            .set("task_role_arn", reference(&definition.task_role_arn))
            .set(
                "execution_role_arn",
                reference(&definition.execution_role_arn),
            )
            .set("network_mode", definition.network_mode)
            .set(
                "requires_compatibilities",
                list(definition.requires_compatibilities.iter().copied()),
            )
            .set("cpu", definition.cpu.as_deref())
            .set("memory", definition.memory.as_deref())
            .set(
                "containers",
                tree::from_containers(&definition.containers, tree::KeyCase::Camel, &|_| None),
            )
            .set(
                "log_group",
                definition.log_group.as_ref().map(|group| {
                    Value::from(
                        Object::new()
                            .set("resource", resource.as_str())
                            .set("name", group.name.as_str())
                            .set("retention_in_days", group.retention_in_days),
                    )
                }),
            )
    }));
    context.insert_value("task_definitions", definitions);
    context
}

/// Replaces `Principal.AWS` ARNs of roles this module creates with references to them.
fn reference_principals(trust_policy: &mut serde_json::Value, addresses: &HashMap<String, String>) {
    use serde_json::Value;
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
                *value = serde_json::json!({ EXPRESSION_KEY: address });
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
const RESOURCE_OPENING: &str = "resource \"";
const NEWLINE_RESOURCE: &str = "\nresource \"";

pub fn check_unique_addresses(files: &[GeneratedFile]) -> Result<(), String> {
    let mut seen = HashSet::new();
    // A substring search for the block openings, not a walk over every line.
    let lines = files
        .iter()
        .filter(|file| file.path.starts_with("terraform/"))
        .flat_map(|file| {
            let text = file.contents.as_str();
            let first = text.starts_with(RESOURCE_OPENING).then_some(0);
            first
                .into_iter()
                .chain(text.match_indices(NEWLINE_RESOURCE).map(|(at, _)| at + 1))
                .map(move |start| text[start..].lines().next().unwrap_or_default())
        });
    for line in lines {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn a_resource_address_used_twice_is_refused_across_files() {
        let first = file(
            "terraform/a.tf",
            "resource \"aws_iam_role\" \"x\" {\n}\n\nresource \"aws_iam_role\" \"y\" {\n  name = \"resource \\\"z\"\n}\n",
        );
        let second = file(
            "terraform/b.tf",
            "# header\nresource \"aws_iam_role\" \"x\" {\n}\n",
        );
        let other = file(
            "terraform/c.tf",
            "# header\nresource \"aws_iam_role\" \"z\" {\n}\n",
        );
        assert!(check_unique_addresses(&[first.clone(), other.clone()]).is_ok());
        let error = check_unique_addresses(&[first, other, second]).err();
        assert!(
            error.is_some_and(|e| e.contains("`aws_iam_role.x`")),
            "the duplicate on the first line of one file and later in another is found"
        );
        let cloudformation = file(
            "cloudformation/a.yaml",
            "resource \"aws_iam_role\" \"z\" {\n",
        );
        let z = file("terraform/d.tf", "resource \"aws_iam_role\" \"z\" {\n");
        assert!(check_unique_addresses(&[cloudformation, z]).is_ok());
    }
}
