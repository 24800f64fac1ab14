//! CloudFormation target: per account, `tasks.yaml` (task roles, execution role, log groups,
//! task definitions), `trust.yaml` (destination roles of cross-account pairs) and
//! `developers.yaml` (developer policy and role), each split into more stacks where
//! CloudFormation's quotas require it. Every file is its template's rendering of a context
//! (`context.rs`).

mod bootstrap;
mod compiled;
mod context;
mod pseudo;

use super::{place, Deployment, GeneratedFile, Provenance, Templates, Unit};
use crate::model::limits::{STACK_OUTPUTS, STACK_RESOURCES, STACK_TEMPLATE_BYTES};
use crate::model::names::{self, Stack, Stage};
use crate::model::{Account, Model};

pub(crate) use bootstrap::{template_body, template_body_unchecked};
pub(crate) use pseudo::PseudoParameters;

const TASKS_TEMPLATE: &str = "cloudformation/tasks.yaml.tera";
const TRUST_TEMPLATE: &str = "cloudformation/trust.yaml.tera";
const DEVELOPERS_TEMPLATE: &str = "cloudformation/developers.yaml.tera";
const IDENTITY_CENTER_TEMPLATE: &str = "cloudformation/identity-center.yaml.tera";

/// The stacks of one account, in a fixed order: tasks, trust, developers, identity
/// center, and the StackSet with its template body (`baseline`, rendered once for both
/// backends) in its account.
pub(crate) fn render_account(
    model: &Model,
    account: &Account,
    templates: &Templates,
    provenance: &Provenance,
    baseline: Option<&str>,
) -> Result<Vec<GeneratedFile>, String> {
    let header = provenance.header();
    let stacks = AccountStacks {
        model,
        account,
        templates,
        pseudo: PseudoParameters::new(model.partition, account),
        header: &header,
    };
    let mut files = Vec::new();
    if account.has_tasks_stack() {
        files.extend(stacks.tasks()?);
    }
    if account.has_trust_stack() {
        files.extend(stacks.trust()?);
    }
    if account.has_developers_stack() {
        let contents = stacks.render(DEVELOPERS_TEMPLATE, &|stack| stack.developers())?;
        files.extend(stacks.files(Stack::Developers, &account.region, vec![contents]));
    }
    if let Some(center) = model
        .identity_center
        .as_ref()
        .filter(|center| center.account == account.name)
    {
        let context = context::identity_center(model, account, center, &stacks.pseudo, &header);
        let documents = context::YamlDocuments::new();
        let contents = templates.render_yaml(IDENTITY_CENTER_TEMPLATE, &context, &documents)?;
        // Identity Center's resources live in its own region, not the account's.
        files.extend(stacks.files(Stack::IdentityCenter, &center.region, vec![contents]));
    }
    let holds = model
        .bootstrap
        .as_ref()
        .filter(|b| b.account == account.name);
    if let (Some(bootstrap), Some(body)) = (holds, baseline) {
        let documents = place::Documents::new();
        let context = bootstrap::context(model, bootstrap, &header, body, &documents);
        let contents =
            templates.render_yaml(bootstrap::BOOTSTRAP_TEMPLATE, &context, &documents)?;
        files.push(GeneratedFile::new(
            names::stack_set_template_cloudformation(&account.name),
            body.to_string(),
        ));
        // The StackSet lives in its account's region, where its own stack deploys.
        files.extend(stacks.files(Stack::Bootstrap, &bootstrap.region, vec![contents]));
    }
    Ok(files)
}

/// What rendering an account's stacks takes.
struct AccountStacks<'a> {
    model: &'a Model,
    account: &'a Account,
    templates: &'a Templates,
    pseudo: PseudoParameters,
    header: &'a str,
}

impl AccountStacks<'_> {
    /// `template` with the context `build` makes. One table of documents per rendering:
    /// the context places them, the emitter writes them into the template's text.
    fn render(
        &self,
        template: &str,
        build: &dyn for<'s> Fn(&context::Stack<'s>) -> context::StackContext<'s>,
    ) -> Result<String, String> {
        let documents = context::YamlDocuments::new();
        let stack = context::Stack {
            model: self.model,
            account: self.account,
            pseudo: &self.pseudo,
            header: self.header,
            documents: &documents,
        };
        self.templates
            .render_yaml_with(template, &build(&stack), &documents, &compiled::render)
    }

    /// The tasks stacks, split where CloudFormation's quotas require it.
    fn tasks(&self) -> Result<Vec<GeneratedFile>, String> {
        let account = self.account;
        let costs: Vec<StackCost> = account
            .task_definitions
            .iter()
            .map(|d| StackCost {
                resources: 2 + usize::from(d.log_group.is_some()),
                outputs: 2,
            })
            .collect();
        let first_stack = account.execution_roles.len() + account.simulator_role.iter().count();
        let first = StackCost {
            resources: first_stack,
            outputs: first_stack,
        };
        let chunks = split(&costs, first, |chunk, first| {
            self.render(TASKS_TEMPLATE, &|stack| stack.tasks(chunk, first))
        })?;
        Ok(self.files(Stack::Tasks, &account.region, chunks))
    }

    /// The trust stacks, split where CloudFormation's quotas require it.
    fn trust(&self) -> Result<Vec<GeneratedFile>, String> {
        let one = StackCost {
            resources: 1,
            outputs: 1,
        };
        let costs = vec![one; self.account.trusted_roles.len()];
        let chunks = split(&costs, StackCost::default(), |chunk, _| {
            self.render(TRUST_TEMPLATE, &|stack| stack.trust(chunk))
        })?;
        Ok(self.files(Stack::Trust, &self.account.region, chunks))
    }

    /// The rendered parts of one stack kind as files, named and numbered by `names`,
    /// each deploying as its stack in its stage (`names::Stage`) to `region`.
    fn files(&self, stack: Stack, region: &str, parts: Vec<String>) -> Vec<GeneratedFile> {
        let (model, account) = (self.model, self.account);
        parts
            .into_iter()
            .enumerate()
            .map(|(index, contents)| {
                let stage = Stage::of(stack, index + 1);
                GeneratedFile {
                    path: names::stack_file(&account.name, stack, index + 1),
                    contents,
                    deploys: Some(Deployment {
                        unit: Unit::Stack {
                            name: names::stack_name(&model.project, stack, index + 1),
                        },
                        account: account.name.clone(),
                        account_id: account.id.clone(),
                        region: region.to_string(),
                        rank: stage as usize,
                        why: stage.why(),
                    }),
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct StackCost {
    resources: usize,
    outputs: usize,
}

/// Splits items (in spec order) into stacks: greedily by resource and output counts, then
/// halving any chunk whose template is still over 1 MB. `fixed` is what the first stack
/// carries besides the items (the execution roles). Returns each stack's text in order.
fn split(
    costs: &[StackCost],
    fixed: StackCost,
    render_chunk: impl Fn(&[usize], bool) -> Result<String, String>,
) -> Result<Vec<String>, String> {
    let mut chunks: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let (mut resources, mut outputs) = (fixed.resources, fixed.outputs);
    for (index, cost) in costs.iter().enumerate() {
        if !current.is_empty()
            && (resources + cost.resources > STACK_RESOURCES
                || outputs + cost.outputs > STACK_OUTPUTS)
        {
            chunks.push(std::mem::take(&mut current));
            resources = 0;
            outputs = 0;
        }
        current.push(index);
        resources += cost.resources;
        outputs += cost.outputs;
    }
    chunks.push(current);
    let mut rendered: Vec<String> = Vec::new();
    let mut pending: std::collections::VecDeque<Vec<usize>> = chunks.into();
    while let Some(chunk) = pending.pop_front() {
        let text = render_chunk(&chunk, rendered.is_empty())?;
        if text.len() > STACK_TEMPLATE_BYTES && chunk.len() > 1 {
            let (left, right) = chunk.split_at(chunk.len() / 2);
            pending.push_front(right.to_vec());
            pending.push_front(left.to_vec());
            continue;
        }
        if text.len() > STACK_TEMPLATE_BYTES {
            return Err("one item alone exceeds CloudFormation's 1 MB template limit".into());
        }
        rendered.push(text);
    }
    Ok(rendered)
}
