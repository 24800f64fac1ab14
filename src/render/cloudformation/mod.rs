//! CloudFormation target: per account, `tasks.yaml` (task roles, execution role, log groups,
//! task definitions), `trust.yaml` (destination roles of cross-account pairs) and
//! `developers.yaml` (developer policy and role), each split into more stacks where
//! CloudFormation's quotas require it.

mod layout;
mod pseudo;
mod views;

use tera::{Context, Value};

use super::{GeneratedFile, Provenance, Templates};
use crate::model::{pascal_case, Account, Model, Role, RoleKind};

pub use pseudo::PseudoParameters;
use views::StackView;

/// The stacks of one account, in a fixed order: tasks, trust, developers.
pub fn render_account(
    model: &Model,
    account: &Account,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    let pseudo = PseudoParameters::new(model.partition, account);
    if account.has_tasks_stack() {
        let costs: Vec<StackCost> = account
            .task_definitions
            .iter()
            .map(|d| StackCost {
                resources: 2 + usize::from(d.log_group.is_some()),
                outputs: 2,
            })
            .collect();
        let built_in = templates.all_built_in(&layout::TASKS_TEMPLATES);
        let render_chunk = |chunk: &[usize], first: bool| {
            let view = views::tasks(model, account, chunk, first, &pseudo, provenance.header());
            if built_in {
                Ok(layout::tasks(&view))
            } else {
                render_template(templates, TASKS_TEMPLATE, &view)
            }
        };
        let execution_roles = account.execution_roles.len() + account.simulator_role.iter().count();
        files.extend(split(
            &account.name,
            "tasks",
            &costs,
            StackCost {
                resources: execution_roles,
                outputs: execution_roles,
            },
            render_chunk,
        )?);
    }
    if account.has_trust_stack() {
        let costs = vec![
            StackCost {
                resources: 1,
                outputs: 1
            };
            account.trusted_roles.len()
        ];
        let built_in = templates.all_built_in(&layout::TRUST_TEMPLATES);
        let render_chunk = |chunk: &[usize], _: bool| {
            let view = views::trust(model, account, chunk, &pseudo, provenance.header());
            if built_in {
                Ok(layout::trust(&view))
            } else {
                render_template(templates, "cloudformation/trust.yaml.tera", &view)
            }
        };
        files.extend(split(
            &account.name,
            "trust",
            &costs,
            StackCost {
                resources: 0,
                outputs: 0,
            },
            render_chunk,
        )?);
    }
    if account.has_developers_stack() {
        let view = views::developers(model, account, &pseudo, provenance.header());
        files.push(GeneratedFile {
            path: format!("cloudformation/{}/developers.yaml", account.name),
            contents: render_template(templates, "cloudformation/developers.yaml.tera", &view)?,
        });
    }
    Ok(files)
}

const TASKS_TEMPLATE: &str = "cloudformation/tasks.yaml.tera";

/// A stack through its (possibly user-supplied) template.
fn render_template(templates: &Templates, name: &str, view: &StackView) -> Result<String, String> {
    let mut context = Context::new();
    let mut insert = |key: &'static str, value: Result<Value, tera::Error>| {
        value
            .map(|value| context.insert_value(key, value))
            .map_err(|error| format!("cannot pass {key} to template {name}: {error}"))
    };
    insert("header", Value::try_from_serializable(&view.header))?;
    insert("project", Value::try_from_serializable(&view.project))?;
    insert("account", Value::try_from_serializable(&view.account))?;
    insert(
        "description",
        Value::try_from_serializable(&view.description),
    )?;
    if let Some(policy) = &view.policy {
        insert("policy", Value::try_from_serializable(policy))?;
    }
    insert("roles", Value::try_from_serializable(&view.roles))?;
    if name == TASKS_TEMPLATE {
        insert("log_groups", Value::try_from_serializable(&view.log_groups))?;
        insert(
            "task_definitions",
            Value::try_from_serializable(&view.task_definitions),
        )?;
    }
    insert("outputs", Value::try_from_serializable(&view.outputs))?;
    templates.render(name, &context).map(finish)
}

/// CloudFormation's per-stack quotas; an account that needs more gets more stacks.
const MAX_RESOURCES: usize = 500;
const MAX_OUTPUTS: usize = 200;
const MAX_TEMPLATE_BYTES: usize = 1_000_000;

#[derive(Debug, Clone, Copy)]
struct StackCost {
    resources: usize,
    outputs: usize,
}

/// Splits items (in spec order) into stacks `<stem>.yaml`, `<stem>-2.yaml`, …: greedily by
/// resource and output counts, then halving any chunk whose template is still over 1 MB.
/// `fixed` is what the first stack carries besides the items (the execution role).
fn split(
    account: &str,
    stem: &str,
    costs: &[StackCost],
    fixed: StackCost,
    render_chunk: impl Fn(&[usize], bool) -> Result<String, String>,
) -> Result<Vec<GeneratedFile>, String> {
    let mut chunks: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let (mut resources, mut outputs) = (fixed.resources, fixed.outputs);
    for (index, cost) in costs.iter().enumerate() {
        if !current.is_empty()
            && (resources + cost.resources > MAX_RESOURCES || outputs + cost.outputs > MAX_OUTPUTS)
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
        if text.len() > MAX_TEMPLATE_BYTES && chunk.len() > 1 {
            let (left, right) = chunk.split_at(chunk.len() / 2);
            pending.push_front(right.to_vec());
            pending.push_front(left.to_vec());
            continue;
        }
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(format!("one item of cloudformation/{account}/{stem}.yaml alone exceeds CloudFormation's 1 MB template limit"));
        }
        rendered.push(text);
    }
    Ok(rendered
        .into_iter()
        .enumerate()
        .map(|(index, contents)| GeneratedFile {
            path: if index == 0 {
                format!("cloudformation/{account}/{stem}.yaml")
            } else {
                format!("cloudformation/{account}/{stem}-{}.yaml", index + 1)
            },
            contents,
        })
        .collect())
}

/// No blank lines or trailing spaces, one final newline: the layout does not depend on how
/// a (possibly user-supplied) template spaces its tags.
fn finish(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
    {
        out.push_str(line);
        out.push('\n');
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

pub fn role_logical_id(role: &Role) -> String {
    match &role.kind {
        RoleKind::Task(task) => format!("{}TaskRole", pascal_case(task)),
        RoleKind::Execution(1) => "ExecutionRole".into(),
        RoleKind::Execution(shard) => format!("ExecutionRole{shard}"),
        RoleKind::Developer => "DeveloperRole".into(),
        RoleKind::Simulator => "SimulatorRole".into(),
        RoleKind::Trusted => {
            let stem = pascal_case(&role.name);
            if stem.ends_with("Role") {
                stem
            } else {
                format!("{stem}Role")
            }
        }
    }
}

pub const DEVELOPER_POLICY_ID: &str = "DeveloperPolicy";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ContainerDefinition, LogConfiguration, NameValue, PortMapping, Secret};

    /// The reference for `from_containers`: ECS API container JSON (camelCase) ->
    /// CloudFormation property names (PascalCase).
    /// Log driver `options` are user keys (`awslogs-group`) and keep their spelling.
    fn cloudformation_case(value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value as Json;
        match value {
            Json::Array(items) => Json::Array(items.iter().map(cloudformation_case).collect()),
            Json::Object(map) => {
                let converted: serde_json::Map<String, Json> = map
                    .iter()
                    .map(|(key, item)| {
                        let item = if key == "options" {
                            item.clone()
                        } else {
                            cloudformation_case(item)
                        };
                        (capitalize(key), item)
                    })
                    .collect();
                Json::Object(converted)
            }
            other => other.clone(),
        }
    }

    fn capitalize(key: &str) -> String {
        let mut chars = key.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        })
    }

    fn containers() -> Vec<ContainerDefinition> {
        let full = ContainerDefinition {
            name: "app".into(),
            image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1".into(),
            essential: true,
            cpu: Some(256),
            memory: Some(512),
            command: vec!["serve".into(), "--port=80".into()],
            port_mappings: vec![PortMapping {
                container_port: 80,
                protocol: "tcp",
            }],
            environment: vec![NameValue {
                name: "ACCOUNT".into(),
                value: "111122223333".into(),
            }],
            secrets: vec![Secret {
                name: "DB".into(),
                value_from: "arn:aws:ssm:eu-west-1:111122223333:parameter/db".into(),
            }],
            log_configuration: Some(LogConfiguration {
                log_driver: "awslogs",
                options: [
                    ("awslogs-group".to_string(), "/ecs/app".to_string()),
                    ("awslogs-region".to_string(), "eu-west-1".to_string()),
                ]
                .into_iter()
                .collect(),
            }),
        };
        let minimal = ContainerDefinition {
            name: "sidecar".into(),
            image: "public.ecr.aws/x/y:2".into(),
            essential: false,
            cpu: None,
            memory: None,
            command: Vec::new(),
            port_mappings: Vec::new(),
            environment: Vec::new(),
            secrets: Vec::new(),
            log_configuration: None,
        };
        vec![full, minimal]
    }

    #[test]
    fn containers_convert_as_their_json_would() {
        let containers = containers();
        let json = serde_json::to_value(&containers).unwrap_or_default();
        let pascal = cloudformation_case(&json);
        assert_eq!(
            pseudo().apply_containers(&containers, KeyCase::Pascal),
            pseudo().apply(&pascal)
        );
        assert_eq!(
            doc::from_containers(&containers, KeyCase::Camel, &doc::no_substitution),
            tjson(&json)
        );
    }
    use crate::render::doc::{self, json as tjson, KeyCase};
    use serde_json::json;

    fn pseudo() -> PseudoParameters {
        PseudoParameters::example()
    }

    #[test]
    fn own_account_arns_use_pseudo_parameters() {
        assert_eq!(
            pseudo().string("arn:aws:ecs:eu-west-1:111122223333:*"),
            tjson(
                &json!({"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*"})
            )
        );
        assert_eq!(
            pseudo().string("111122223333"),
            tjson(&json!({"Ref": "AWS::AccountId"}))
        );
        assert_eq!(
            pseudo().string("arn:aws:iam::111122223333:role/x"),
            tjson(&json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"}))
        );
    }

    #[test]
    fn other_accounts_and_policy_variables_stay_literal_or_escaped() {
        assert_eq!(
            pseudo().string("arn:aws:iam::999988887777:root"),
            tjson(&json!("arn:aws:iam::999988887777:root"))
        );
        assert_eq!(
            pseudo().string("arn:aws:s3:us-east-1:111122223333:b/${aws:username}"),
            tjson(
                &json!({"Fn::Sub": "arn:${AWS::Partition}:s3:us-east-1:${AWS::AccountId}:b/${!aws:username}"})
            )
        );
    }

    #[test]
    fn container_keys_become_pascal_case_but_log_options_do_not() {
        let value = json!([{"portMappings": [{"containerPort": 80}], "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/x"}}}]);
        assert_eq!(
            cloudformation_case(&value),
            json!([{"PortMappings": [{"ContainerPort": 80}], "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "/ecs/x"}}}])
        );
    }
}
