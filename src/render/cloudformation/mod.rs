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
                let context = context::tasks(model, account, chunk, first, &pseudo, &header);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ContainerDefinition, ContainerDependency, EnvironmentFile, FirelensConfiguration,
        HealthCheck, KernelCapabilities, LinuxParameters, LogConfiguration, MountPoint, NameValue,
        PortMapping, RepositoryCredentials, Secret, Ulimit, VolumeFrom,
    };

    /// The reference for `from_containers`: ECS API container JSON (camelCase) ->
    /// CloudFormation property names (PascalCase).
    /// Log driver and FireLens `options` and `dockerLabels` are user keys (`awslogs-group`,
    /// `com.example.team`) and keep their spelling.
    fn cloudformation_case(value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value as Json;
        match value {
            Json::Array(items) => Json::Array(items.iter().map(cloudformation_case).collect()),
            Json::Object(map) => {
                let converted: serde_json::Map<String, Json> = map
                    .iter()
                    .map(|(key, item)| {
                        let item = if key == "options" || key == "dockerLabels" {
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
            entry_point: vec!["/bin/entry".into()],
            command: vec!["serve".into(), "--port=80".into()],
            working_directory: Some("/app".into()),
            user: Some("1000:1000".into()),
            port_mappings: vec![
                PortMapping {
                    container_port: 80,
                    host_port: None,
                    protocol: "tcp",
                    name: None,
                    app_protocol: None,
                },
                PortMapping {
                    container_port: 9090,
                    host_port: Some(9090),
                    protocol: "udp",
                    name: Some("metrics".into()),
                    app_protocol: Some("http"),
                },
            ],
            environment: vec![NameValue {
                name: "ACCOUNT".into(),
                value: "111122223333".into(),
            }],
            environment_files: vec![EnvironmentFile {
                value: "arn:aws:s3:::bucket/app.env".into(),
                kind: "s3",
            }],
            secrets: vec![Secret {
                name: "DB".into(),
                value_from: "arn:aws:ssm:eu-west-1:111122223333:parameter/db".into(),
            }],
            mount_points: vec![MountPoint {
                source_volume: "tmp".into(),
                container_path: "/tmp".into(),
                read_only: Some(false),
            }],
            volumes_from: vec![VolumeFrom {
                source_container: "sidecar".into(),
                read_only: Some(true),
            }],
            depends_on: vec![ContainerDependency {
                container_name: "sidecar".into(),
                condition: "START",
            }],
            health_check: Some(HealthCheck {
                command: vec!["CMD-SHELL".into(), "true".into()],
                interval: Some(30),
                timeout: None,
                retries: Some(3),
                start_period: Some(10),
            }),
            readonly_root_filesystem: Some(true),
            privileged: Some(false),
            stop_timeout: Some(30),
            start_timeout: Some(60),
            ulimits: vec![Ulimit {
                name: "nofile",
                soft_limit: 1024,
                hard_limit: 4096,
            }],
            linux_parameters: Some(LinuxParameters {
                capabilities: Some(KernelCapabilities {
                    add: vec!["SYS_PTRACE"],
                    drop: vec!["NET_RAW", "MKNOD"],
                }),
                init_process_enabled: Some(true),
            }),
            docker_labels: [("com.example.team".to_string(), "payments".to_string())]
                .into_iter()
                .collect(),
            repository_credentials: Some(RepositoryCredentials {
                credentials_parameter:
                    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:registry-AbCdEf".into(),
            }),
            firelens_configuration: Some(FirelensConfiguration {
                kind: "fluentbit",
                options: [("enable-ecs-log-metadata".to_string(), "true".to_string())]
                    .into_iter()
                    .collect(),
            }),
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
            entry_point: Vec::new(),
            command: Vec::new(),
            working_directory: None,
            user: None,
            port_mappings: Vec::new(),
            environment: Vec::new(),
            environment_files: Vec::new(),
            secrets: Vec::new(),
            mount_points: Vec::new(),
            volumes_from: Vec::new(),
            depends_on: Vec::new(),
            health_check: None,
            readonly_root_filesystem: None,
            privileged: None,
            stop_timeout: None,
            start_timeout: None,
            ulimits: Vec::new(),
            linux_parameters: Some(LinuxParameters {
                capabilities: None,
                init_process_enabled: Some(true),
            }),
            docker_labels: indexmap::IndexMap::new(),
            repository_credentials: None,
            firelens_configuration: None,
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
    use crate::render::emit::doc::{self, json as tjson, Doc, Intrinsic, KeyCase};
    use serde_json::json;

    fn pseudo() -> PseudoParameters {
        PseudoParameters::example()
    }

    fn sub(text: &str) -> Doc<'static> {
        Doc::Intrinsic(Intrinsic::Sub(text.into()))
    }

    #[test]
    fn own_account_arns_use_pseudo_parameters() {
        assert_eq!(
            pseudo().string("arn:aws:ecs:eu-west-1:111122223333:*"),
            sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:*")
        );
        assert_eq!(
            pseudo().string("111122223333"),
            Doc::Intrinsic(Intrinsic::Ref("AWS::AccountId".into()))
        );
        assert_eq!(
            pseudo().string("arn:aws:iam::111122223333:role/x"),
            sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x")
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
            sub("arn:${AWS::Partition}:s3:us-east-1:${AWS::AccountId}:b/${!aws:username}")
        );
    }

    #[test]
    fn container_keys_become_pascal_case_but_user_keys_do_not() {
        let value = json!([{"portMappings": [{"containerPort": 80}], "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/x"}}, "dockerLabels": {"team": "x"}}]);
        assert_eq!(
            cloudformation_case(&value),
            json!([{"PortMappings": [{"ContainerPort": 80}], "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "/ecs/x"}}, "DockerLabels": {"team": "x"}}])
        );
    }
}
