//! Terraform target: one root module. `versions.tf`, `providers.tf` with one aliased
//! provider per account (pinned to that account by `allowed_account_ids`), and one
//! `<account>.tf` per account in which every resource names its provider.

mod layout;
mod views;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use tera::{Context, Value};

use super::hcl;
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

#[derive(Serialize)]
struct RootAccountView<'a> {
    name: &'a str,
    alias: String,
    id: &'a str,
    region: &'a str,
    deploy_role_arn: Option<&'a str>,
}

/// `versions.tf` and `providers.tf`.
pub fn render_root(
    model: &Model,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let accounts: Vec<RootAccountView> = model
        .accounts
        .iter()
        .map(|account| RootAccountView {
            name: &account.name,
            alias: provider_alias(account),
            id: &account.id,
            region: &account.region,
            deploy_role_arn: account.deploy_role_arn.as_deref(),
        })
        .collect();
    let mut context = Context::new();
    context.insert("header", &provenance.header());
    context.insert("project", &model.project);
    context.insert_value("accounts", serialized("accounts", &accounts)?);
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

fn serialized(name: &str, value: &impl Serialize) -> Result<Value, String> {
    Value::try_from_serializable(value)
        .map_err(|error| format!("cannot pass {name} to the Terraform templates: {error}"))
}

/// `<account>.tf`, and the addresses of the resources it declares.
pub fn render_account(
    model: &Model,
    account: &Account,
    shared: &Shared,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<(GeneratedFile, Vec<String>), String> {
    let view = views::account_file(
        model,
        account,
        provenance.header(),
        &shared.task_role_addresses,
    );
    let path = format!("terraform/{}.tf", account.name);
    if templates.all_built_in(&[layout::ACCOUNT_TEMPLATE]) {
        let (contents, addresses) = layout::account(&view);
        return Ok((GeneratedFile { path, contents }, addresses));
    }
    let contents = {
        let mut context = Context::new();
        context.insert("header", &view.header);
        context.insert("project", &view.project);
        context.insert_value("account", serialized("account", &view.account)?);
        context.insert_value("roles", serialized("roles", &view.roles)?);
        if let Some(policy) = &view.developer_policy {
            context.insert_value("developer_policy", serialized("developer_policy", policy)?);
        }
        context.insert_value(
            "task_definitions",
            serialized("task_definitions", &view.task_definitions)?,
        );
        finish(&templates.render(layout::ACCOUNT_TEMPLATE, &context)?)
    };
    let file = GeneratedFile { path, contents };
    let addresses = resource_addresses(std::slice::from_ref(&file));
    Ok((file, addresses))
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

/// `terraform fmt` layout: aligned `=`, no trailing spaces, single blank lines, one final newline.
fn finish(text: &str) -> String {
    hcl::format(text)
}

/// Resource addresses must be unique across the root module; names derived from spec names
/// could collide in ways validation does not foresee, so the rendered files are checked too.
const RESOURCE_OPENING: &str = "resource \"";
const NEWLINE_RESOURCE: &str = "\nresource \"";

/// The addresses (`type.name`) of the resources `files` declare, in order; only Terraform
/// files declare any.
pub fn resource_addresses(files: &[GeneratedFile]) -> Vec<String> {
    // A substring search for the block openings, not a walk over every line.
    files
        .iter()
        .filter(|file| file.path.starts_with("terraform/"))
        .flat_map(|file| {
            let text = file.contents.as_str();
            let first = text.starts_with(RESOURCE_OPENING).then_some(0);
            first
                .into_iter()
                .chain(text.match_indices(NEWLINE_RESOURCE).map(|(at, _)| at + 1))
                .map(move |start| {
                    let line = text[start..].lines().next().unwrap_or_default();
                    line.split('"')
                        .skip(1)
                        .step_by(2)
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(".")
                })
        })
        .collect()
}

/// Fails on the first address declared twice.
pub fn check_unique_addresses(addresses: Vec<String>) -> Result<(), String> {
    let mut seen = HashSet::with_capacity(addresses.len());
    for address in addresses {
        if let Some(address) = seen.replace(address) {
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

    /// The native layout reports the addresses it writes instead of having them scanned
    /// for; both must agree, so the duplicate check sees the same either way.
    #[test]
    fn native_addresses_are_the_declared_resources() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for example in [
            "examples/dev-and-prod.toml",
            "examples/organisation-two-way.toml",
        ] {
            let text = std::fs::read_to_string(root.join(example)).unwrap_or_default();
            let source = crate::spec::SourceFile::new(example, text);
            let Ok(spec) = crate::spec::load(&source) else {
                panic!("{example} does not load");
            };
            let Ok(model) = crate::validate::validate_and_build(&spec) else {
                panic!("{example} does not validate");
            };
            let shared = Shared::new(&model);
            for account in &model.accounts {
                let view = views::account_file(
                    &model,
                    account,
                    String::new(),
                    &shared.task_role_addresses,
                );
                let (contents, addresses) = layout::account(&view);
                let file = file("terraform/x.tf", &contents);
                assert_eq!(addresses, resource_addresses(&[file]), "{example}");
                checked += addresses.len();
            }
        }
        assert!(checked > 20, "{checked} addresses");
    }

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
        let check = |files: &[GeneratedFile]| check_unique_addresses(resource_addresses(files));
        assert!(check(&[first.clone(), other.clone()]).is_ok());
        let error = check(&[first, other, second]).err();
        assert!(
            error.is_some_and(|e| e.contains("`aws_iam_role.x`")),
            "the duplicate on the first line of one file and later in another is found"
        );
        let cloudformation = file(
            "cloudformation/a.yaml",
            "resource \"aws_iam_role\" \"z\" {\n",
        );
        let z = file("terraform/d.tf", "resource \"aws_iam_role\" \"z\" {\n");
        assert!(check(&[cloudformation, z]).is_ok());
    }
}
