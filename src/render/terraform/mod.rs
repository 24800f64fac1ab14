//! Terraform target: one root module. `versions.tf`, `providers.tf` with one aliased
//! provider per account (pinned to that account by `allowed_account_ids`), and one
//! `<account>.tf` per account in which every resource names its provider. Every file is
//! its template's rendering of a context (`context.rs`).

mod context;

use std::collections::{HashMap, HashSet};

use super::{GeneratedFile, Provenance, Templates};
use crate::model::names;
use crate::model::{Account, Model};

const VERSIONS_TEMPLATE: &str = "terraform/versions.tf.tera";
const PROVIDERS_TEMPLATE: &str = "terraform/providers.tf.tera";
const ACCOUNT_TEMPLATE: &str = "terraform/account.tf.tera";

/// What every account's file needs to know about the others: task role ARN -> reference.
pub(crate) struct Shared<'m> {
    task_roles: HashMap<&'m str, String>,
}

impl<'m> Shared<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        Shared {
            task_roles: context::task_role_references(model),
        }
    }
}

/// `versions.tf` and `providers.tf`.
pub(crate) fn render_root(
    model: &Model,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let header = provenance.header();
    let context = context::root(model, &header);
    [
        ("versions", VERSIONS_TEMPLATE),
        ("providers", PROVIDERS_TEMPLATE),
    ]
    .into_iter()
    .map(|(stem, template)| {
        Ok(GeneratedFile::new(
            names::terraform_root_file(stem),
            templates.render_hcl(template, &context)?,
        ))
    })
    .collect()
}

/// `<account>.tf`.
pub(crate) fn render_account(
    model: &Model,
    account: &Account,
    shared: &Shared,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<GeneratedFile, String> {
    let header = provenance.header();
    let context = context::account_file(model, account, &header, &shared.task_roles);
    Ok(GeneratedFile::new(
        names::terraform_account_file(&account.name),
        templates.render_hcl(ACCOUNT_TEMPLATE, &context)?,
    ))
}

/// Resource addresses must be unique across the root module. Validation makes the model's
/// names unique; a user's template may declare more, so the rendered files are checked too.
const RESOURCE_OPENING: &str = "resource \"";
const NEWLINE_RESOURCE: &str = "\nresource \"";

/// The addresses (`type.name`) of the resources `files` declare, in order; only Terraform
/// files declare any.
pub(crate) fn resource_addresses(files: &[GeneratedFile]) -> Vec<String> {
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
pub(crate) fn check_unique_addresses(addresses: Vec<String>) -> Result<(), String> {
    let mut seen = HashSet::with_capacity(addresses.len());
    for address in addresses {
        if let Some(address) = seen.replace(address) {
            return Err(format!(
                "two resources would have the Terraform address `{address}`: a template declares it twice"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile::new(path.into(), contents.into())
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
