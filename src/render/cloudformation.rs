//! CloudFormation target: per account, `tasks.yaml` (task roles, execution role, log groups,
//! task definitions) and `developers.yaml` (developer policy and role).
//!
//! Own-account ARNs and ids are written with pseudo parameters (`${AWS::Partition}`,
//! `${AWS::AccountId}`, `${AWS::Region}`) so a stack is portable between accounts, which the
//! developer stack needs to roll out through a StackSet.

use std::collections::HashMap;

use tera::{Context, Value};

use super::tree::{self, list, Object};
use super::{GeneratedFile, Provenance, Templates};
use crate::model::policy::PolicyDocument;
use crate::model::{
    pascal_case, Account, ContainerDefinition, Model, PartitionExt, Role, RoleKind,
};
use crate::spec::Partition;
use crate::validate::syntax::parse_arn;

/// The stacks of one account, in a fixed order: tasks, trust, developers.
pub fn render_account(
    model: &Model,
    account: &Account,
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();
    {
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
            let render_chunk = |chunk: &[usize], first: bool| {
                let context = tasks_context(model, account, chunk, first, &pseudo, provenance);
                templates
                    .render("cloudformation/tasks.yaml.tera", &context)
                    .map(finish)
            };
            files.extend(split(
                &account.name,
                "tasks",
                &costs,
                StackCost {
                    resources: account.execution_roles.len()
                        + account.simulator_role.iter().count(),
                    outputs: account.execution_roles.len() + account.simulator_role.iter().count(),
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
            let render_chunk = |chunk: &[usize], _: bool| {
                let context = trust_context(model, account, chunk, &pseudo, provenance);
                templates
                    .render("cloudformation/trust.yaml.tera", &context)
                    .map(finish)
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
            let context = developers_context(model, account, &pseudo, provenance);
            files.push(GeneratedFile {
                path: format!("cloudformation/{}/developers.yaml", account.name),
                contents: finish(
                    templates.render("cloudformation/developers.yaml.tera", &context)?,
                ),
            });
        }
    }
    Ok(files)
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

/// Replaces own-account literals with pseudo parameters; resolving them again gives back
/// exactly the model's value (the parity tests do that).
pub struct PseudoParameters {
    partition: &'static str,
    account_id: String,
    region: String,
}

impl PseudoParameters {
    pub fn new(partition: Partition, account: &Account) -> Self {
        PseudoParameters {
            partition: partition.as_str(),
            account_id: account.id.clone(),
            region: account.region.clone(),
        }
    }

    /// A JSON document with every own-account literal replaced.
    pub fn apply(&self, value: &serde_json::Value) -> Value {
        tree::from_json_with(value, &|text| self.substitute(text))
    }

    /// Container definitions in CloudFormation's spelling, own-account literals replaced.
    pub fn apply_containers(&self, containers: &[ContainerDefinition]) -> Value {
        tree::from_containers(containers, tree::KeyCase::Pascal, &|text| {
            self.substitute(text)
        })
    }

    /// A policy document with every own-account literal replaced.
    pub fn apply_policy(&self, document: &PolicyDocument) -> Value {
        tree::from_policy(document, &|text| self.substitute(text))
    }

    pub fn string(&self, text: &str) -> Value {
        self.substitute(text).unwrap_or_else(|| Value::from(text))
    }

    /// The intrinsic standing for `text`, when `text` names this account.
    fn substitute(&self, text: &str) -> Option<Value> {
        if text == self.account_id {
            return Some(intrinsic("Ref", Value::from("AWS::AccountId")));
        }
        let arn = parse_arn(text)?;
        if arn.partition != self.partition || arn.account != self.account_id {
            return None;
        }
        let region = if arn.region == self.region {
            "${AWS::Region}".to_string()
        } else {
            escape_sub(arn.region)
        };
        Some(intrinsic(
            "Fn::Sub",
            Value::from(format!(
                "arn:${{AWS::Partition}}:{}:{region}:${{AWS::AccountId}}:{}",
                escape_sub(arn.service),
                escape_sub(arn.resource)
            )),
        ))
    }
}

/// `{"Ref": …}`, `{"Fn::Sub": …}`, `{"Fn::GetAtt": …}`: the long form the `yaml` filter
/// writes as a short tag.
fn intrinsic(function: &'static str, argument: Value) -> Value {
    Object::new().set(function, argument).into()
}

fn get_att(logical_id: &str) -> Value {
    intrinsic("Fn::GetAtt", list([logical_id, "Arn"]))
}

/// In `Fn::Sub` text, a literal `${` is written `${!`.
fn escape_sub(text: &str) -> String {
    text.replace("${", "${!")
}

fn role_view(role: &Role, pseudo: &PseudoParameters, in_stack: &HashMap<String, Value>) -> Value {
    let arn_value = |arn: &String| {
        in_stack
            .get(arn)
            .cloned()
            .unwrap_or_else(|| pseudo.string(arn))
    };
    Object::new()
        .set("logical_id", role_logical_id(role))
        .set("name", role.name.as_str())
        .set("path", role.path.as_str())
        .set("description", role.description.as_str())
        .set("max_session_duration", role.max_session_duration)
        .set("trust_policy", pseudo.apply_policy(&role.trust_policy))
        .set(
            "policies",
            list(role.inline_policies.iter().map(|policy| {
                Object::new()
                    .set("name", policy.name.as_str())
                    .set("document", pseudo.apply_policy(&policy.document))
            })),
        )
        .set(
            "managed_policy_arns",
            list(role.managed_policy_arns.iter().map(arn_value)),
        )
        .set(
            "permissions_boundary",
            role.permissions_boundary.as_ref().map(arn_value),
        )
        .set(
            "tags",
            list(role.tags.iter().map(|(key, value)| {
                Object::new()
                    .set("key", key.as_str())
                    .set("value", value.as_str())
            })),
        )
        .into()
}

fn output(logical_id: &str, description: String, value: Value) -> Value {
    Object::new()
        .set("logical_id", logical_id)
        .set("description", description)
        .set("value", value)
        .set(
            "export_name",
            intrinsic(
                "Fn::Sub",
                Value::from(format!("${{AWS::StackName}}-{logical_id}")),
            ),
        )
        .into()
}

fn role_output(role: &Role) -> Value {
    let id = role_logical_id(role);
    output(
        &format!("{id}Arn"),
        format!("ARN of role {}", role.name),
        get_att(&id),
    )
}

fn base_context(model: &Model, account: &Account, provenance: &Provenance) -> Context {
    let mut context = Context::new();
    context.insert("header", &provenance.header());
    context.insert("project", &model.project);
    context.insert_value(
        "account",
        Object::new()
            .set("name", account.name.as_str())
            .set("env", account.env.as_str())
            .set("region", account.region.as_str())
            .into(),
    );
    context
}

fn tasks_context(
    model: &Model,
    account: &Account,
    chunk: &[usize],
    with_execution_role: bool,
    pseudo: &PseudoParameters,
    provenance: &Provenance,
) -> Context {
    let mut context = base_context(model, account, provenance);
    let no_refs = HashMap::new();
    let roles: Vec<&Role> = chunk
        .iter()
        .filter_map(|&index| account.task_roles.get(index))
        .chain(
            account
                .execution_roles
                .iter()
                .chain(account.simulator_role.iter())
                .filter(|_| with_execution_role),
        )
        .collect();
    context.insert("description", &format!(
        "trustgen: ECS task roles, execution role and task definitions of project {} in account {} ({})",
        model.project, account.name, account.env
    ));
    context.insert_value(
        "roles",
        list(roles.iter().map(|role| role_view(role, pseudo, &no_refs))),
    );
    // Roles of this stack by GetAtt; any other (the execution role, from a later stack of a
    // split account) by its ARN.
    let role_ids: HashMap<&str, String> = roles
        .iter()
        .map(|role| (role.arn.as_str(), role_logical_id(role)))
        .collect();
    let get_arn = |arn: &str| match role_ids.get(arn) {
        Some(id) => get_att(id),
        None => pseudo.string(arn),
    };
    let mut log_groups = Vec::new();
    let mut definitions = Vec::new();
    let mut outputs: Vec<Value> = roles.iter().map(|role| role_output(role)).collect();
    for definition in chunk
        .iter()
        .filter_map(|&index| account.task_definitions.get(index))
    {
        let stem = pascal_case(&definition.task);
        if let Some(group) = &definition.log_group {
            log_groups.push(Value::from(
                Object::new()
                    .set("logical_id", format!("{stem}LogGroup"))
                    .set("name", group.name.as_str())
                    .set("retention_in_days", group.retention_in_days),
            ));
        }

        definitions.push(Value::from(
            Object::new()
                .set("logical_id", format!("{stem}TaskDefinition"))
                .set("family", definition.family.as_str())
                .set("task_role_arn", get_arn(&definition.task_role_arn))
                .set(
                    "execution_role_arn",
                    get_arn(&definition.execution_role_arn),
                )
                .set("cpu", definition.cpu.as_deref())
                .set("memory", definition.memory.as_deref())
                .set("network_mode", definition.network_mode)
                .set(
                    "requires_compatibilities",
                    list(definition.requires_compatibilities.iter().copied()),
                )
                .set(
                    "containers",
                    pseudo.apply_containers(&definition.containers),
                ),
        ));
        outputs.push(output(
            &format!("{stem}TaskDefinitionArn"),
            format!("ARN of task definition {}", definition.family),
            intrinsic("Ref", Value::from(format!("{stem}TaskDefinition"))),
        ));
    }
    context.insert_value("log_groups", Value::from(log_groups));
    context.insert_value("task_definitions", Value::from(definitions));
    context.insert_value("outputs", Value::from(outputs));
    context
}

fn developers_context(
    model: &Model,
    account: &Account,
    pseudo: &PseudoParameters,
    provenance: &Provenance,
) -> Context {
    let mut context = base_context(model, account, provenance);
    context.insert("description", &format!(
        "trustgen: developer access to the ECS task roles of project {} (account-independent: deployable to every dev account)",
        model.project
    ));
    let mut in_stack = HashMap::new();
    let mut outputs = Vec::new();
    if let Some(policy) = &account.developer_policy {
        let reference = intrinsic("Ref", Value::from(DEVELOPER_POLICY_ID));
        in_stack.insert(policy.arn.clone(), reference.clone());
        let names = |items: &[String]| list(items.iter().map(String::as_str));
        context.insert_value(
            "policy",
            Object::new()
                .set("logical_id", DEVELOPER_POLICY_ID)
                .set("name", policy.name.as_str())
                .set("path", policy.path.as_str())
                .set("description", policy.description.as_str())
                .set("document", pseudo.apply_policy(&policy.document))
                .set("roles", names(&policy.attach_to_roles))
                .set("groups", names(&policy.attach_to_groups))
                .set("users", names(&policy.attach_to_users))
                .into(),
        );
        outputs.push(output(
            &format!("{DEVELOPER_POLICY_ID}Arn"),
            format!("ARN of managed policy {}", policy.name),
            reference,
        ));
    }
    let roles: Vec<Value> = account
        .developer_role
        .iter()
        .map(|role| role_view(role, pseudo, &in_stack))
        .collect();
    outputs.extend(account.developer_role.iter().map(role_output));
    context.insert_value("roles", Value::from(roles));
    context.insert_value("outputs", Value::from(outputs));
    context
}

fn trust_context(
    model: &Model,
    account: &Account,
    chunk: &[usize],
    pseudo: &PseudoParameters,
    provenance: &Provenance,
) -> Context {
    let mut context = base_context(model, account, provenance);
    context.insert("description", &format!(
        "trustgen: roles that ECS task roles assume (cross-account trust pairs) of project {} in account {} ({})",
        model.project, account.name, account.env
    ));
    let no_refs = HashMap::new();
    let roles: Vec<&Role> = chunk
        .iter()
        .filter_map(|&index| account.trusted_roles.get(index))
        .collect();
    context.insert_value(
        "roles",
        list(roles.iter().map(|role| role_view(role, pseudo, &no_refs))),
    );
    context.insert_value("outputs", list(roles.iter().map(|role| role_output(role))));
    context
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LogConfiguration, NameValue, PortMapping, Secret};

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
        assert_eq!(
            pseudo().apply_containers(&containers),
            pseudo().apply(&cloudformation_case(&json))
        );
        assert_eq!(
            tree::from_containers(&containers, tree::KeyCase::Camel, &|_| None),
            tree::from_json(&json)
        );
    }
    use crate::render::tree::json as tjson;
    use serde_json::json;

    fn pseudo() -> PseudoParameters {
        PseudoParameters {
            partition: "aws",
            account_id: "111122223333".into(),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn own_account_arns_use_pseudo_parameters() {
        assert_eq!(
            pseudo().string("arn:aws:ecs:eu-west-1:111122223333:*"),
            tjson(
                json!({"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*"})
            )
        );
        assert_eq!(
            pseudo().string("111122223333"),
            tjson(json!({"Ref": "AWS::AccountId"}))
        );
        assert_eq!(
            pseudo().string("arn:aws:iam::111122223333:role/x"),
            tjson(json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"}))
        );
    }

    #[test]
    fn other_accounts_and_policy_variables_stay_literal_or_escaped() {
        assert_eq!(
            pseudo().string("arn:aws:iam::999988887777:root"),
            tjson(json!("arn:aws:iam::999988887777:root"))
        );
        assert_eq!(
            pseudo().string("arn:aws:s3:us-east-1:111122223333:b/${aws:username}"),
            tjson(
                json!({"Fn::Sub": "arn:${AWS::Partition}:s3:us-east-1:${AWS::AccountId}:b/${!aws:username}"})
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
