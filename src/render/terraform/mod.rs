//! Terraform target, in one of two layouts (`[terraform] layout`, `model::Terraform`):
//!
//! - single root: `versions.tf`, `providers.tf` with one aliased provider per account
//!   (pinned to that account by `allowed_account_ids`), and one `<account>.tf` per account
//!   in which every resource names its provider;
//! - per account: `terraform/<account>/` and, for an account with `[roles]` destinations,
//!   `terraform/<account>-trust/`, each a complete root with exactly one provider and no
//!   reference to another root (their order is the lock file's stages).
//!
//! Either may have a `backend.tf` (and, partial, an `s3.tfbackend`) per root. Every file
//! is its template's rendering of a context (`context.rs`).

mod account;
mod bootstrap;
mod compiled;
mod context;
mod orchestrator;

use crate::collections::{HashMap, HashSet};

use super::{Deployment, GeneratedFile, Provenance, Templates, Unit};
use crate::model::names;
use crate::model::{Account, Model, Root};

const VERSIONS_TEMPLATE: &str = "terraform/versions.tf.tera";
const PROVIDERS_TEMPLATE: &str = "terraform/providers.tf.tera";
const ACCOUNT_TEMPLATE: &str = "terraform/account.tf.tera";
const BACKEND_TEMPLATE: &str = "terraform/backend.tf.tera";
const BACKEND_CONFIG_TEMPLATE: &str = "terraform/backend.tfbackend.tera";

/// What every account's file needs to know about the others: task role ARN -> resource
/// name, for the single root's trust policies that name task roles of other accounts.
pub(crate) struct Shared<'m> {
    task_roles: HashMap<&'m str, &'m str>,
}

impl<'m> Shared<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        Shared {
            task_roles: model
                .accounts
                .iter()
                .flat_map(|account| &account.task_roles)
                .map(|role| (role.arn.as_str(), role.terraform.as_str()))
                .collect(),
        }
    }
}

/// An account's resources in `root`, rendered with their documents.
fn render_account_file(
    model: &Model,
    account: &Account,
    root: &Root,
    shared: &Shared,
    templates: &Templates,
    header: &str,
) -> Result<String, String> {
    let documents = account::HclDocuments::new();
    let file = account::AccountFile {
        model,
        account,
        root,
        header,
        task_roles: &shared.task_roles,
        templates,
        documents: &documents,
    };
    templates.render_hcl_with(
        ACCOUNT_TEMPLATE,
        &file.context()?,
        &documents,
        &compiled::render,
    )
}

/// The single root's own files: `versions.tf`, `providers.tf` and its backend's (nothing
/// of them in the per-account layout, where each account's job writes its roots whole);
/// and in either layout the orchestrator's files.
pub(crate) fn render_root(
    model: &Model,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let header = provenance.header();
    let mut files = orchestrator::render(model, templates, &header)?;
    let Some(root) = model.terraform.single_root() else {
        return Ok(files);
    };
    let context = context::root(model, &header);
    for (stem, template) in [
        (names::TERRAFORM_VERSIONS_FILE, VERSIONS_TEMPLATE),
        (names::TERRAFORM_PROVIDERS_FILE, PROVIDERS_TEMPLATE),
    ] {
        files.push(GeneratedFile::new(
            names::terraform_file_in(&root.dir, stem),
            templates.render_hcl_plain(template, &context)?,
        ));
    }
    files.extend(render_backend(model, root, templates, &header)?);
    Ok(files)
}

/// `<account>.tf` of the single root, or the account's per-account roots, whole; and,
/// in the root holding the `[bootstrap]` StackSet, its template body (`baseline`).
pub(crate) fn render_account(
    model: &Model,
    account: &Account,
    shared: &Shared,
    templates: &Templates,
    provenance: &Provenance,
    baseline: Option<&str>,
) -> Result<Vec<GeneratedFile>, String> {
    let header = provenance.header();
    let holds_bootstrap = model
        .bootstrap
        .as_ref()
        .is_some_and(|b| b.account == account.name);
    let template_body = |root: &Root| {
        baseline
            .filter(|_| holds_bootstrap && root.holds_bootstrap())
            .map(|body| {
                GeneratedFile::new(
                    names::stack_set_template_terraform(&root.dir),
                    body.to_string(),
                )
            })
    };
    if let Some(root) = model.terraform.single_root() {
        let mut files = vec![GeneratedFile::new(
            names::terraform_account_file(&account.name),
            render_account_file(model, account, root, shared, templates, &header)?,
        )];
        files.extend(template_body(root));
        return Ok(files);
    }
    let mut files = Vec::new();
    for root in model.terraform.roots_of(&account.name) {
        files.extend(render_account_root(
            model, account, root, shared, templates, &header,
        )?);
        files.extend(template_body(root));
    }
    Ok(files)
}

/// One per-account root: `versions.tf`, `providers.tf` (which carries where the root
/// stands in the lock file's stages), its backend's files, `main.tf`.
fn render_account_root(
    model: &Model,
    account: &Account,
    root: &Root,
    shared: &Shared,
    templates: &Templates,
    header: &str,
) -> Result<Vec<GeneratedFile>, String> {
    let context = context::account_root(model, account, root, header);
    let mut files = vec![GeneratedFile::new(
        names::terraform_file_in(&root.dir, names::TERRAFORM_VERSIONS_FILE),
        templates.render_hcl_plain(VERSIONS_TEMPLATE, &context)?,
    )];
    let mut providers = GeneratedFile::new(
        names::terraform_file_in(&root.dir, names::TERRAFORM_PROVIDERS_FILE),
        templates.render_hcl_plain(PROVIDERS_TEMPLATE, &context)?,
    );
    providers.deploys = Some(Deployment {
        unit: Unit::Root {
            dir: root.dir.clone(),
            after: model
                .terraform
                .after_dirs(root)
                .map(str::to_string)
                .collect(),
            backend_config: model
                .terraform
                .backend
                .as_ref()
                .filter(|backend| backend.partial)
                .map(|_| names::TERRAFORM_BACKEND_CONFIG.to_string()),
        },
        account: account.name.clone(),
        account_id: account.id.clone(),
        region: root.region.clone(),
        rank: root.stage,
        why: names::terraform_stage_why(root.stage),
    });
    files.push(providers);
    files.extend(render_backend(model, root, templates, header)?);
    files.push(GeneratedFile::new(
        names::terraform_file_in(&root.dir, names::TERRAFORM_MAIN_FILE),
        render_account_file(model, account, root, shared, templates, header)?,
    ));
    Ok(files)
}

/// With an S3 backend: the root's `backend.tf`, and its `s3.tfbackend` when partial.
fn render_backend(
    model: &Model,
    root: &Root,
    templates: &Templates,
    header: &str,
) -> Result<Vec<GeneratedFile>, String> {
    let Some(backend) = &model.terraform.backend else {
        return Ok(Vec::new());
    };
    let context = context::backend(model, backend, root, header);
    let mut files = vec![GeneratedFile::new(
        names::terraform_file_in(&root.dir, names::TERRAFORM_BACKEND_FILE),
        templates.render_hcl_plain(BACKEND_TEMPLATE, &context)?,
    )];
    if backend.partial {
        files.push(GeneratedFile::new(
            names::terraform_backend_config_file(&root.dir),
            templates.render_hcl_plain(BACKEND_CONFIG_TEMPLATE, &context)?,
        ));
    }
    Ok(files)
}

/// Resource addresses must be unique within each root module. Validation makes the
/// model's names unique; a user's template may declare more, so the rendered files are
/// checked too.
const RESOURCE_OPENING: &str = "resource \"";
const NEWLINE_RESOURCE: &str = "\nresource \"";

/// The resources `files` declare, in order, each as (root directory, `type.name`); only
/// Terraform files declare any.
pub(crate) fn resource_addresses(files: &[GeneratedFile]) -> Vec<(String, String)> {
    // A substring search for the block openings, not a walk over every line.
    let terraform = format!("{}/", names::TERRAFORM_DIR);
    files
        .iter()
        .filter(|file| file.path.starts_with(&terraform) && file.path.ends_with(".tf"))
        .flat_map(|file| {
            let dir = file
                .path
                .rsplit_once('/')
                .map_or("", |(dir, _)| dir)
                .to_string();
            let text = file.contents.as_str();
            let first = text.starts_with(RESOURCE_OPENING).then_some(0);
            first
                .into_iter()
                .chain(text.match_indices(NEWLINE_RESOURCE).map(|(at, _)| at + 1))
                .map(move |start| {
                    let line = text[start..].lines().next().unwrap_or_default();
                    let address = line
                        .split('"')
                        .skip(1)
                        .step_by(2)
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(".");
                    (dir.clone(), address)
                })
        })
        .collect()
}

/// Fails on the first address declared twice in one root.
pub(crate) fn check_unique_addresses(addresses: Vec<(String, String)>) -> Result<(), String> {
    let mut seen = HashSet::with_capacity_and_hasher(addresses.len(), Default::default());
    for (dir, address) in addresses {
        if let Some((dir, address)) = seen.replace((dir, address)) {
            return Err(format!(
                "two resources of the root in {dir}/ would have the Terraform address `{address}`: a template declares it twice"
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
        assert!(check(&[cloudformation, z.clone()]).is_ok());
        // Per-account roots are separate modules: the same address in two is no clash.
        let root_a = file("terraform/a/main.tf", "resource \"aws_iam_role\" \"z\" {\n");
        let root_b = file("terraform/b/main.tf", "resource \"aws_iam_role\" \"z\" {\n");
        assert!(check(&[z, root_a.clone(), root_b]).is_ok());
        let error = check(&[root_a.clone(), root_a]).err();
        assert!(error.is_some_and(|e| e.contains("terraform/a/")));
    }
}
