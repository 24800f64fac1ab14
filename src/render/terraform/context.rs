//! What a Terraform template receives: the model's values as finished HCL, each on one
//! line. Strings are quoted (with `${` and `%{` escaped); numbers are numbers. The root's
//! own files (`versions.tf`, `providers.tf`, the backend's) are here; an account's
//! resources in `account.rs`. Templates write every reference and block themselves.

use serde::Serialize;

use crate::model::names::{self, IDENTITY_CENTER_PROVIDER};
use crate::model::{Account, Model, Root, S3Backend};
use crate::render::emit::hcl;

/// Text already written as one HCL expression on one line.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(super) struct Hcl(String);

impl Hcl {
    pub(super) fn quoted(text: &str) -> Self {
        Hcl(hcl::quote(text))
    }

    /// An object key: bare where HCL reads it as the same string, else quoted.
    pub(super) fn key(text: &str) -> Self {
        let mut out = String::with_capacity(text.len() + 2);
        hcl::push_object_key(&mut out, text);
        Hcl(out)
    }

    pub(super) fn quoted_all(items: &[String]) -> Vec<Self> {
        items.iter().map(|item| Hcl::quoted(item)).collect()
    }
}

#[derive(Serialize)]
pub(super) struct AccountContext<'a> {
    pub name: &'a str,
    /// The single root's provider alias, an identifier: `provider = aws.<alias>`. Absent
    /// in a per-account root, whose one provider needs none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<&'a str>,
    /// The 12-digit id, as it is (digits need no quoting in a comment or a string).
    pub id: &'a str,
    pub region: Hcl,
    // Absent, not null: a template that prints it without asking is an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy_role_arn: Option<Hcl>,
}

pub(super) fn account_context(account: &Account, aliased: bool) -> AccountContext<'_> {
    AccountContext {
        name: &account.name,
        alias: aliased.then_some(account.alias.as_str()),
        id: &account.id,
        region: Hcl::quoted(&account.region),
        deploy_role_arn: account.deploy_role_arn.as_deref().map(Hcl::quoted),
    }
}

/// `versions.tf` and `providers.tf`.
#[derive(Serialize)]
pub(super) struct RootContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    /// The Terraform versions the root needs (an HCL string): newer with some backend
    /// settings.
    pub required_version: Hcl,
    /// Every account of the single root; the one account of a per-account root.
    pub accounts: Vec<AccountContext<'a>>,
    /// IAM Identity Center's provider: its account, in its region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_center: Option<AccountContext<'a>>,
}

/// The oldest Terraform that reads every setting the root holds: 1.5 for the resources,
/// 1.6 for the S3 backend's `assume_role` attribute, 1.10 for its `use_lockfile`.
fn required_version(backend: Option<&S3Backend>) -> Hcl {
    let version = match backend {
        Some(backend) if backend.use_lockfile => ">= 1.10.0",
        Some(backend) if backend.role_arn.is_some() => ">= 1.6.0",
        _ => ">= 1.5.0",
    };
    Hcl::quoted(version)
}

/// The single root's `versions.tf` and `providers.tf`: every account.
pub(super) fn root<'a>(model: &'a Model, header: &'a str) -> RootContext<'a> {
    let identity_center = model.identity_center.as_ref().and_then(|center| {
        let account = model.accounts.iter().find(|a| a.name == center.account)?;
        Some(AccountContext {
            name: &account.name,
            alias: Some(IDENTITY_CENTER_PROVIDER),
            id: &account.id,
            region: Hcl::quoted(&center.region),
            deploy_role_arn: account.deploy_role_arn.as_deref().map(Hcl::quoted),
        })
    });
    RootContext {
        header,
        project: &model.project,
        required_version: required_version(model.terraform.backend.as_ref()),
        accounts: model
            .accounts
            .iter()
            .map(|a| account_context(a, true))
            .collect(),
        identity_center,
    }
}

/// A per-account root's `versions.tf` and `providers.tf`: its one account, no alias; in
/// IAM Identity Center's root, that account in Identity Center's region.
pub(super) fn account_root<'a>(
    model: &'a Model,
    account: &'a Account,
    root: &Root,
    header: &'a str,
) -> RootContext<'a> {
    let mut context = account_context(account, false);
    context.region = Hcl::quoted(&root.region);
    RootContext {
        header,
        project: &model.project,
        required_version: required_version(model.terraform.backend.as_ref()),
        accounts: vec![context],
        identity_center: None,
    }
}

/// `backend.tf` and (partial) `s3.tfbackend` of a root.
#[derive(Serialize)]
pub(super) struct BackendContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    /// The root's name (`terraform`, `<account>`, `<account>-trust`): plain text.
    pub root: &'a str,
    pub backend: S3BackendContext,
}

#[derive(Serialize)]
pub(super) struct S3BackendContext {
    /// The settings are in `config_file`; the block stays empty.
    pub partial: bool,
    /// The partial settings' file name, in the root's directory: plain text.
    pub config_file: &'static str,
    pub bucket: Hcl,
    /// `<key_prefix>/<root>.tfstate`.
    pub key: Hcl,
    pub region: Hcl,
    pub use_lockfile: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamodb_table: Option<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<Hcl>,
}

pub(super) fn backend<'a>(
    model: &'a Model,
    backend: &S3Backend,
    root: &'a Root,
    header: &'a str,
) -> BackendContext<'a> {
    BackendContext {
        header,
        project: &model.project,
        root: &root.name,
        backend: S3BackendContext {
            partial: backend.partial,
            config_file: names::TERRAFORM_BACKEND_CONFIG,
            bucket: Hcl::quoted(root.state_bucket.as_deref().unwrap_or(&backend.bucket)),
            key: Hcl::quoted(root.state_key.as_deref().unwrap_or_default()),
            region: Hcl::quoted(&backend.region),
            use_lockfile: backend.use_lockfile,
            dynamodb_table: backend.dynamodb_table.as_deref().map(Hcl::quoted),
            role_arn: root.state_role_arn.as_deref().map(Hcl::quoted),
        },
    }
}
