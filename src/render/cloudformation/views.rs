//! What a CloudFormation stack shows of the model: logical ids, intrinsics in place of
//! own-account literals, outputs. Both layouts read these: the built-in one in
//! `layout.rs`, and Tera templates (the same fields, serialized into the context).

use std::collections::HashMap;

use serde::Serialize;

use super::pseudo::PseudoParameters;
use super::{role_logical_id, DEVELOPER_POLICY_ID};
use crate::model::{pascal_case, Account, Model, Role};
use crate::render::doc::{texts, Doc, KeyCase};

#[derive(Serialize)]
pub struct AccountView<'a> {
    pub name: &'a str,
    pub env: &'a str,
    pub region: &'a str,
}

/// One stack's contents; which fields a stack uses depends on its kind.
#[derive(Serialize)]
pub struct StackView<'a> {
    pub header: String,
    pub project: &'a str,
    pub account: AccountView<'a>,
    pub description: String,
    pub policy: Option<DeveloperPolicyView<'a>>,
    pub roles: Vec<RoleView<'a>>,
    pub log_groups: Vec<LogGroupView<'a>>,
    pub task_definitions: Vec<TaskDefinitionView<'a>>,
    pub outputs: Vec<OutputView<'a>>,
}

#[derive(Serialize)]
pub struct RoleView<'a> {
    pub logical_id: String,
    pub name: &'a str,
    pub path: &'a str,
    pub description: &'a str,
    pub max_session_duration: i64,
    pub trust_policy: Doc<'a>,
    pub policies: Vec<InlinePolicyView<'a>>,
    pub managed_policy_arns: Vec<Doc<'a>>,
    pub permissions_boundary: Option<Doc<'a>>,
    pub tags: Vec<TagView<'a>>,
}

#[derive(Serialize)]
pub struct InlinePolicyView<'a> {
    pub name: &'a str,
    pub document: Doc<'a>,
}

#[derive(Serialize)]
pub struct TagView<'a> {
    pub key: &'a str,
    pub value: &'a str,
}

#[derive(Serialize)]
pub struct LogGroupView<'a> {
    pub logical_id: String,
    pub name: &'a str,
    pub retention_in_days: Option<i64>,
}

#[derive(Serialize)]
pub struct TaskDefinitionView<'a> {
    pub logical_id: String,
    pub family: &'a str,
    pub task_role_arn: Doc<'a>,
    pub execution_role_arn: Doc<'a>,
    pub cpu: Option<&'a str>,
    pub memory: Option<&'a str>,
    pub network_mode: &'a str,
    pub requires_compatibilities: Vec<&'a str>,
    pub containers: Doc<'a>,
}

#[derive(Serialize)]
pub struct OutputView<'a> {
    pub logical_id: String,
    pub description: String,
    pub value: Doc<'a>,
    pub export_name: Doc<'a>,
}

#[derive(Serialize)]
pub struct DeveloperPolicyView<'a> {
    pub logical_id: &'static str,
    pub name: &'a str,
    pub path: &'a str,
    pub description: &'a str,
    pub document: Doc<'a>,
    pub roles: Doc<'a>,
    pub groups: Doc<'a>,
    pub users: Doc<'a>,
}

/// `{"Ref": …}`, `{"Fn::Sub": …}`, `{"Fn::GetAtt": …}`: the long form the YAML emitter
/// writes as a short tag.
pub fn reference<'a>(logical_id: impl Into<std::borrow::Cow<'a, str>>) -> Doc<'a> {
    Doc::single("Ref", Doc::text(logical_id))
}

fn get_att<'a>(logical_id: String) -> Doc<'a> {
    Doc::single(
        "Fn::GetAtt",
        Doc::List(vec![Doc::text(logical_id), Doc::text("Arn")]),
    )
}

fn role_view<'a>(
    role: &'a Role,
    pseudo: &PseudoParameters,
    in_stack: &HashMap<&str, Doc<'static>>,
) -> RoleView<'a> {
    let arn_value = |arn: &'a String| {
        in_stack
            .get(arn.as_str())
            .cloned()
            .unwrap_or_else(|| pseudo.string(arn))
    };
    RoleView {
        logical_id: role_logical_id(role),
        name: &role.name,
        path: &role.path,
        description: &role.description,
        max_session_duration: role.max_session_duration,
        trust_policy: pseudo.apply_policy(&role.trust_policy),
        policies: role
            .inline_policies
            .iter()
            .map(|policy| InlinePolicyView {
                name: &policy.name,
                document: pseudo.apply_policy(&policy.document),
            })
            .collect(),
        managed_policy_arns: role.managed_policy_arns.iter().map(arn_value).collect(),
        permissions_boundary: role.permissions_boundary.as_ref().map(arn_value),
        tags: role
            .tags
            .iter()
            .map(|(key, value)| TagView { key, value })
            .collect(),
    }
}

fn output<'a>(logical_id: String, description: String, value: Doc<'a>) -> OutputView<'a> {
    let export_name = Doc::single(
        "Fn::Sub",
        Doc::text(format!("${{AWS::StackName}}-{logical_id}")),
    );
    OutputView {
        logical_id,
        description,
        value,
        export_name,
    }
}

/// The stack's roles, and an output with each one's ARN after the outputs it has.
/// `in_stack`: ARNs of resources of the same stack, by the reference that stands for them.
fn add_roles<'a>(
    view: &mut StackView<'a>,
    roles: &[&'a Role],
    pseudo: &PseudoParameters,
    in_stack: &HashMap<&str, Doc<'static>>,
) {
    view.roles
        .extend(roles.iter().map(|role| role_view(role, pseudo, in_stack)));
    view.outputs
        .extend(roles.iter().map(|role| role_output(role)));
}

fn role_output<'a>(role: &Role) -> OutputView<'a> {
    let id = role_logical_id(role);
    output(
        format!("{id}Arn"),
        format!("ARN of role {}", role.name),
        get_att(id),
    )
}

fn stack<'a>(
    model: &'a Model,
    account: &'a Account,
    header: String,
    description: String,
) -> StackView<'a> {
    StackView {
        header,
        project: &model.project,
        account: AccountView {
            name: &account.name,
            env: account.env.as_str(),
            region: &account.region,
        },
        description,
        policy: None,
        roles: Vec::new(),
        log_groups: Vec::new(),
        task_definitions: Vec::new(),
        outputs: Vec::new(),
    }
}

/// The tasks stack holding the task roles and definitions at `chunk` (indices into the
/// account's tasks), and the execution roles when `with_execution_role`.
pub fn tasks<'a>(
    model: &'a Model,
    account: &'a Account,
    chunk: &[usize],
    with_execution_role: bool,
    pseudo: &PseudoParameters,
    header: String,
) -> StackView<'a> {
    let description = format!(
        "trustgen: ECS task roles, execution role and task definitions of project {} in account {} ({})",
        model.project, account.name, account.env
    );
    let mut view = stack(model, account, header, description);
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
    add_roles(&mut view, &roles, pseudo, &HashMap::new());
    // Roles of this stack by GetAtt; any other (the execution role, from a later stack of a
    // split account) by its ARN.
    let role_ids: HashMap<&str, &str> = roles
        .iter()
        .zip(&view.roles)
        .map(|(role, shown)| (role.arn.as_str(), shown.logical_id.as_str()))
        .collect();
    let get_arn = |arn: &'a str| match role_ids.get(arn) {
        Some(id) => get_att(id.to_string()),
        None => pseudo.string(arn),
    };
    let mut log_groups = Vec::new();
    let mut definitions = Vec::new();
    let mut outputs = Vec::new();
    for definition in chunk
        .iter()
        .filter_map(|&index| account.task_definitions.get(index))
    {
        let stem = pascal_case(&definition.task);
        if let Some(group) = &definition.log_group {
            log_groups.push(LogGroupView {
                logical_id: format!("{stem}LogGroup"),
                name: &group.name,
                retention_in_days: group.retention_in_days,
            });
        }
        definitions.push(TaskDefinitionView {
            logical_id: format!("{stem}TaskDefinition"),
            family: &definition.family,
            task_role_arn: get_arn(&definition.task_role_arn),
            execution_role_arn: get_arn(&definition.execution_role_arn),
            cpu: definition.cpu.as_deref(),
            memory: definition.memory.as_deref(),
            network_mode: definition.network_mode,
            requires_compatibilities: definition.requires_compatibilities.clone(),
            containers: pseudo.apply_containers(&definition.containers, KeyCase::Pascal),
        });
        outputs.push(output(
            format!("{stem}TaskDefinitionArn"),
            format!("ARN of task definition {}", definition.family),
            reference(format!("{stem}TaskDefinition")),
        ));
    }
    view.log_groups = log_groups;
    view.task_definitions = definitions;
    view.outputs.extend(outputs);
    view
}

/// The trust stack holding the destination roles at `chunk`.
pub fn trust<'a>(
    model: &'a Model,
    account: &'a Account,
    chunk: &[usize],
    pseudo: &PseudoParameters,
    header: String,
) -> StackView<'a> {
    let description = format!(
        "trustgen: roles that ECS task roles assume (cross-account trust pairs) of project {} in account {} ({})",
        model.project, account.name, account.env
    );
    let mut view = stack(model, account, header, description);
    let roles: Vec<&Role> = chunk
        .iter()
        .filter_map(|&index| account.trusted_roles.get(index))
        .collect();
    add_roles(&mut view, &roles, pseudo, &HashMap::new());
    view
}

/// The developers stack: the developer policy and role.
pub fn developers<'a>(
    model: &'a Model,
    account: &'a Account,
    pseudo: &PseudoParameters,
    header: String,
) -> StackView<'a> {
    let description = format!(
        "trustgen: developer access to the ECS task roles of project {} (account-independent: deployable to every dev account)",
        model.project
    );
    let mut view = stack(model, account, header, description);
    let mut in_stack = HashMap::new();
    if let Some(policy) = &account.developer_policy {
        in_stack.insert(policy.arn.as_str(), reference(DEVELOPER_POLICY_ID));
        view.policy = Some(DeveloperPolicyView {
            logical_id: DEVELOPER_POLICY_ID,
            name: &policy.name,
            path: &policy.path,
            description: &policy.description,
            document: pseudo.apply_policy(&policy.document),
            roles: texts(&policy.attach_to_roles),
            groups: texts(&policy.attach_to_groups),
            users: texts(&policy.attach_to_users),
        });
        view.outputs.push(output(
            format!("{DEVELOPER_POLICY_ID}Arn"),
            format!("ARN of managed policy {}", policy.name),
            reference(DEVELOPER_POLICY_ID),
        ));
    }
    let roles: Vec<&Role> = account.developer_role.iter().collect();
    add_roles(&mut view, &roles, pseudo, &in_stack);
    view
}
