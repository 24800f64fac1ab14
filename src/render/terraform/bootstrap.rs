//! What `bootstrap.tf.tera` receives: the StackSet of `[bootstrap]` and its stack
//! instances, in its account's file (single root) or its own root's `main.tf`. The
//! template body is a file of the root (`names::STACK_SET_TEMPLATE_FILE`), read with
//! `file()`: the text the CloudFormation stack carries inline, byte for byte, which
//! Terraform reads as it is (a string written here would be interpolated).

use serde::Serialize;

use super::context::Hcl;
use crate::model::names::STACK_SET_TEMPLATE_FILE;
use crate::model::Bootstrap;
use crate::render::stack_set::PreferencesContext;

#[derive(Serialize)]
pub(super) struct BootstrapContext<'a> {
    /// `aws_cloudformation_stack_set.<this>`.
    pub resource: &'a str,
    pub name: Hcl,
    /// The name as plain text, for a comment the template writes.
    pub name_text: &'a str,
    pub description: Hcl,
    pub call_as: Hcl,
    /// The template body's file name, in the root's directory.
    pub template_file: &'static str,
    pub auto_deployment: bool,
    /// Only with auto-deployment, which it qualifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_stacks_on_account_removal: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_preferences: Option<PreferencesContext<Hcl>>,
    pub regions: Vec<Hcl>,
    pub targets: Vec<TargetContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct TargetContext<'a> {
    /// `aws_cloudformation_stack_set_instance.<this>`.
    pub resource: &'a str,
    /// The env as plain text, for a comment the template writes (env names are plain
    /// ASCII letters, digits and `-_. `).
    pub env: &'a str,
    pub organizational_units: Vec<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_filter_type: Option<Hcl>,
    pub accounts: Vec<Hcl>,
}

pub(super) fn context(bootstrap: &Bootstrap) -> BootstrapContext<'_> {
    let preferences = &bootstrap.operation_preferences;
    BootstrapContext {
        resource: &bootstrap.terraform,
        name: Hcl::quoted(&bootstrap.name),
        name_text: &bootstrap.name,
        description: Hcl::quoted(&bootstrap.description),
        call_as: Hcl::quoted(bootstrap.call_as.as_str()),
        template_file: STACK_SET_TEMPLATE_FILE,
        auto_deployment: bootstrap.auto_deployment,
        retain_stacks_on_account_removal: bootstrap
            .auto_deployment
            .then_some(bootstrap.retain_stacks_on_account_removal),
        operation_preferences: PreferencesContext::of(preferences, Hcl::quoted),
        regions: Hcl::quoted_all(&bootstrap.regions),
        targets: bootstrap
            .targets
            .iter()
            .map(|target| TargetContext {
                resource: &target.terraform,
                env: &target.env,
                organizational_units: Hcl::quoted_all(&target.organizational_units),
                account_filter_type: target.accounts.filter_type().map(Hcl::quoted),
                accounts: Hcl::quoted_all(target.accounts.accounts()),
            })
            .collect(),
    }
}
