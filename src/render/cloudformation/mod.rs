//! CloudFormation target: per account, `tasks.yaml` (task roles, execution role, log groups,
//! task definitions), `trust.yaml` (destination roles of cross-account pairs) and
//! `developers.yaml` (developer policy and role), each split into more stacks where
//! CloudFormation's quotas require it. Every file is its template's rendering of a context
//! (`context.rs`).

mod context;
mod pseudo;

use super::{Deployment, GeneratedFile, Provenance, Templates, Unit};
use crate::model::limits::{STACK_OUTPUTS, STACK_RESOURCES, STACK_TEMPLATE_BYTES};
use crate::model::names::{self, Stack, Stage};
use crate::model::{Account, Model};

pub(crate) use pseudo::PseudoParameters;

const TASKS_TEMPLATE: &str = "cloudformation/tasks.yaml.tera";
const TRUST_TEMPLATE: &str = "cloudformation/trust.yaml.tera";
const DEVELOPERS_TEMPLATE: &str = "cloudformation/developers.yaml.tera";
const IDENTITY_CENTER_TEMPLATE: &str = "cloudformation/identity-center.yaml.tera";

/// The stacks of one account, in a fixed order: tasks, trust, developers, identity center.
pub(crate) fn render_account(
    model: &Model,
    account: &Account,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let header = provenance.header();
    let pseudo = PseudoParameters::new(model.partition, account);
    let mut files = Vec::new();
    if account.has_tasks_stack() {
        let costs: Vec<StackCost> = account
            .task_definitions
            .iter()
            .map(|d| StackCost {
                resources: 2 + usize::from(d.log_group.is_some()),
                outputs: 2,
            })
            .collect();
        let first_stack = account.execution_roles.len() + account.simulator_role.iter().count();
        let chunks = split(
            &costs,
            StackCost {
                resources: first_stack,
                outputs: first_stack,
            },
            |chunk, first| {
                let context = context::tasks(model, account, chunk, first, &pseudo, &header)?;
                templates.render_yaml(TASKS_TEMPLATE, &context)
            },
        )?;
        files.extend(stack_files(
            model,
            account,
            &account.region,
            Stack::Tasks,
            chunks,
        ));
    }
    if account.has_trust_stack() {
        let costs = vec![
            StackCost {
                resources: 1,
                outputs: 1
            };
            account.trusted_roles.len()
        ];
        let chunks = split(&costs, StackCost::default(), |chunk, _| {
            let context = context::trust(model, account, chunk, &pseudo, &header);
            templates.render_yaml(TRUST_TEMPLATE, &context)
        })?;
        files.extend(stack_files(
            model,
            account,
            &account.region,
            Stack::Trust,
            chunks,
        ));
    }
    if account.has_developers_stack() {
        let context = context::developers(model, account, &pseudo, &header);
        let contents = templates.render_yaml(DEVELOPERS_TEMPLATE, &context)?;
        files.extend(stack_files(
            model,
            account,
            &account.region,
            Stack::Developers,
            vec![contents],
        ));
    }
    if let Some(center) = model
        .identity_center
        .as_ref()
        .filter(|center| center.account == account.name)
    {
        let context = context::identity_center(model, account, center, &pseudo, &header);
        let contents = templates.render_yaml(IDENTITY_CENTER_TEMPLATE, &context)?;
        // Identity Center's resources live in its own region, not the account's.
        files.extend(stack_files(
            model,
            account,
            &center.region,
            Stack::IdentityCenter,
            vec![contents],
        ));
    }
    Ok(files)
}

/// The rendered parts of one stack kind as files, named and numbered by `names`, each
/// deploying as its stack in its stage (`names::Stage`).
fn stack_files(
    model: &Model,
    account: &Account,
    region: &str,
    stack: Stack,
    parts: Vec<String>,
) -> Vec<GeneratedFile> {
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
