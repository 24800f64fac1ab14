//! The StackSet of `[bootstrap]`: its template body (the baseline, laid out by the
//! developers template for an account of no id of its own) and the stack that deploys it
//! (`AWS::CloudFormation::StackSet`, service-managed, with its targets and the body
//! inline).

use serde::Serialize;

use super::context::{self, Yaml};
use super::{PseudoParameters, Templates, DEVELOPERS_TEMPLATE};
use crate::model::limits::STACK_SET_TEMPLATE_BODY_BYTES;
use crate::model::{Bootstrap, Model};
use crate::render::place::{Document, Documents, Placed};
use crate::render::stack_set::PreferencesContext;
use crate::render::Provenance;

pub(super) const BOOTSTRAP_TEMPLATE: &str = "cloudformation/bootstrap.yaml.tera";

/// The baseline: the developers template rendered for the StackSet's placeholder account,
/// whose ARNs become `${AWS::AccountId}`. Over CloudFormation's inline limit it is an
/// error (validation reports it located first; this guards an overridden template).
pub(crate) fn template_body(
    model: &Model,
    bootstrap: &Bootstrap,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<String, String> {
    let body = template_body_unchecked(model, bootstrap, templates, provenance)?;
    if body.len() > STACK_SET_TEMPLATE_BODY_BYTES {
        return Err(format!(
            "the template body of StackSet `{}` ([bootstrap]) has {} bytes; CloudFormation takes at most {STACK_SET_TEMPLATE_BODY_BYTES} inline",
            bootstrap.name,
            body.len()
        ));
    }
    Ok(body)
}

/// The baseline, whatever its size.
pub(crate) fn template_body_unchecked(
    model: &Model,
    bootstrap: &Bootstrap,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<String, String> {
    let header = provenance.header();
    let stacks = super::AccountStacks {
        model,
        account: &bootstrap.baseline,
        templates,
        pseudo: PseudoParameters::new(model.partition, &bootstrap.baseline),
        header: &header,
    };
    stacks.render(DEVELOPERS_TEMPLATE, &|stack| stack.developers())
}

/// A text placed as a YAML literal block (`|`), every line of it kept as it is.
pub(super) struct LiteralBlock<'a>(pub &'a str);

impl Document for LiteralBlock<'_> {
    fn write(&self, out: &mut String, indent: usize) -> Result<(), String> {
        let text = self.0;
        if text.contains(|c: char| c.is_control() && c != '\n') {
            return Err("a StackSet template body holds a control character".into());
        }
        // An indentation indicator when the first line starts with a space (YAML would
        // take that space as the block's indentation); `-` when there is no final newline.
        out.push('|');
        if text.starts_with(' ') {
            out.push('2');
        }
        if !text.ends_with('\n') {
            out.push('-');
        }
        for line in text.lines() {
            out.push('\n');
            if !line.is_empty() {
                out.extend(std::iter::repeat_n(' ', indent + 2));
                out.push_str(line);
            }
        }
        Ok(())
    }
}

#[derive(Serialize)]
pub(super) struct BootstrapContext<'a> {
    pub header: &'a str,
    pub project: &'a str,
    pub account: context::AccountContext<'a>,
    pub stack_set: StackSetContext<'a>,
}

#[derive(Serialize)]
pub(super) struct StackSetContext<'a> {
    pub logical_id: &'a str,
    pub name: Yaml,
    /// The name as plain text, for prose the template writes (and quotes) itself.
    pub name_text: &'a str,
    pub description: Yaml,
    pub call_as: Yaml,
    pub auto_deployment: bool,
    /// Only with auto-deployment, which it qualifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_stacks_on_account_removal: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_preferences: Option<PreferencesContext<Yaml>>,
    pub targets: Vec<TargetContext>,
    pub regions: Vec<Yaml>,
    pub template_body: Placed,
}

#[derive(Serialize)]
pub(super) struct TargetContext {
    /// The env as plain text, for a comment the template writes.
    pub env: String,
    pub organizational_units: Vec<Yaml>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_filter_type: Option<Yaml>,
    pub accounts: Vec<Yaml>,
}

pub(super) fn context<'a>(
    model: &'a Model,
    bootstrap: &'a Bootstrap,
    header: &'a str,
    body: &'a str,
    documents: &'a Documents<LiteralBlock<'a>>,
) -> BootstrapContext<'a> {
    let preferences = &bootstrap.operation_preferences;
    let scalars = |items: &[String]| items.iter().map(|i| Yaml::scalar(i)).collect();
    BootstrapContext {
        header,
        project: &model.project,
        account: context::AccountContext {
            name: &bootstrap.account,
            env: "",
            region: &bootstrap.region,
        },
        stack_set: StackSetContext {
            logical_id: &bootstrap.logical_id,
            name: Yaml::scalar(&bootstrap.name),
            name_text: &bootstrap.name,
            description: Yaml::scalar(&bootstrap.description),
            call_as: Yaml::scalar(bootstrap.call_as.as_str()),
            auto_deployment: bootstrap.auto_deployment,
            retain_stacks_on_account_removal: bootstrap
                .auto_deployment
                .then_some(bootstrap.retain_stacks_on_account_removal),
            operation_preferences: PreferencesContext::of(preferences, Yaml::scalar),
            targets: bootstrap
                .targets
                .iter()
                .map(|target| TargetContext {
                    env: crate::diagnostic::printable(&target.env),
                    organizational_units: scalars(&target.organizational_units),
                    account_filter_type: target.accounts.filter_type().map(Yaml::scalar),
                    accounts: scalars(target.accounts.accounts()),
                })
                .collect(),
            regions: scalars(&bootstrap.regions),
            template_body: documents.place(LiteralBlock(body)),
        },
    }
}
