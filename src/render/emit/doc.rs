//! The one data shape the `yaml` / `hcl` emitters write: a JSON-like tree whose strings
//! borrow from the model where they can. Maps keep their insertion order, which is the
//! output order.
//!
//! Two variants are code, not data: a CloudFormation intrinsic function (`!Sub`, `!Ref`,
//! `!GetAtt`) and a Terraform reference (`aws_iam_role.x.arn`). Only the renderers make
//! them, from names the model computed; spec data arrives through `from_json`, `from_policy`
//! and `from_containers`, which never do. So no spec value can become an expression.

use std::borrow::Cow;

use indexmap::IndexMap;

use crate::model::policy::{Effect, PolicyDocument, Principal};
use crate::model::ContainerDefinition;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Doc<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(Cow<'a, str>),
    List(Vec<Doc<'a>>),
    Map(Vec<(Cow<'a, str>, Doc<'a>)>),
    /// A CloudFormation intrinsic function.
    Intrinsic(Intrinsic),
    /// A Terraform expression the renderer wrote (a reference to a resource it declares).
    Reference(String),
}

/// The CloudFormation intrinsic functions trustgen writes, in their short YAML form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intrinsic {
    /// `!Ref <logical id or pseudo parameter>`
    Ref(String),
    /// `!Sub <text>`: `${…}` in the text are substituted by CloudFormation.
    Sub(String),
    /// `!GetAtt <logical id>.<attribute>`
    GetAtt(String, &'static str),
}

impl<'a> Doc<'a> {
    pub(crate) fn text(text: impl Into<Cow<'a, str>>) -> Self {
        Doc::Text(text.into())
    }

    pub(crate) fn int(number: impl Into<serde_json::Number>) -> Self {
        Doc::Number(number.into())
    }

    /// A map of one entry, such as `{"AWS": …}`.
    pub(crate) fn single(key: &'static str, value: Doc<'a>) -> Self {
        Doc::Map(vec![(Cow::Borrowed(key), value)])
    }
}

/// Replaces strings: CloudFormation writes own-account ARNs as `Fn::Sub`.
pub(crate) type Substitute<'s> = &'s dyn Fn(&str) -> Option<Doc<'static>>;

pub(crate) fn no_substitution(_: &str) -> Option<Doc<'static>> {
    None
}

/// A JSON value as a document, each string replaced by what `string` returns for it.
pub(crate) fn from_json<'a>(value: &'a serde_json::Value, string: Substitute) -> Doc<'a> {
    match value {
        serde_json::Value::Null => Doc::Null,
        serde_json::Value::Bool(b) => Doc::Bool(*b),
        serde_json::Value::Number(n) => Doc::Number(n.clone()),
        serde_json::Value::String(s) => string(s).unwrap_or_else(|| Doc::text(s.as_str())),
        serde_json::Value::Array(items) => {
            Doc::List(items.iter().map(|item| from_json(item, string)).collect())
        }
        serde_json::Value::Object(map) => Doc::Map(
            map.iter()
                .map(|(key, item)| (Cow::Borrowed(key.as_str()), from_json(item, string)))
                .collect(),
        ),
    }
}

/// A policy document exactly as its serde JSON would convert
/// (`from_json(&document.to_json(), string)`), without building the JSON first.
pub(crate) fn from_policy<'a>(document: &'a PolicyDocument, string: Substitute) -> Doc<'a> {
    let text = |s: &'a str| string(s).unwrap_or_else(|| Doc::text(s));
    let one_or_many = |items: &'a [String]| match items {
        [single] => text(single),
        many => Doc::List(many.iter().map(|s| text(s)).collect()),
    };
    let statements = document
        .statements
        .iter()
        .map(|statement| {
            let mut map = Vec::with_capacity(6);
            let mut set = |key: &'static str, value: Doc<'a>| map.push((Cow::Borrowed(key), value));
            if let Some(sid) = &statement.sid {
                set("Sid", text(sid));
            }
            set(
                "Effect",
                text(match statement.effect {
                    Effect::Allow => "Allow",
                    Effect::Deny => "Deny",
                }),
            );
            if let Some(principal) = &statement.principal {
                set(
                    "Principal",
                    match principal {
                        Principal::Service(service) => Doc::single("Service", text(service)),
                        Principal::Aws(arns) => Doc::single("AWS", one_or_many(arns)),
                    },
                );
            }
            set("Action", one_or_many(&statement.actions));
            if !statement.resources.is_empty() {
                set("Resource", one_or_many(&statement.resources));
            }
            if !statement.condition.is_empty() {
                let operators = statement
                    .condition
                    .iter()
                    .map(|(operator, keys)| {
                        let keys = keys
                            .iter()
                            .map(|(key, value)| {
                                (Cow::Borrowed(key.as_str()), from_json(value, string))
                            })
                            .collect();
                        (Cow::Borrowed(operator.as_str()), Doc::Map(keys))
                    })
                    .collect();
                set("Condition", Doc::Map(operators));
            }
            Doc::Map(map)
        })
        .collect();
    Doc::Map(vec![
        (Cow::Borrowed("Version"), text(document.version)),
        (Cow::Borrowed("Statement"), Doc::List(statements)),
    ])
}

/// How container definition keys are spelled: the ECS API's camelCase (Terraform's
/// `jsonencode`) or CloudFormation's PascalCase. User keys (Docker labels, log driver and
/// FireLens options) keep their spelling either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCase {
    Camel,
    Pascal,
}

/// A map under construction whose keys are spelled in one case.
struct Fields<'a> {
    case: KeyCase,
    entries: Vec<(Cow<'a, str>, Doc<'a>)>,
}

impl<'a> Fields<'a> {
    fn new(case: KeyCase) -> Self {
        Fields {
            case,
            entries: Vec::with_capacity(8),
        }
    }

    fn set(&mut self, camel: &'static str, pascal: &'static str, value: Doc<'a>) {
        let key = match self.case {
            KeyCase::Camel => camel,
            KeyCase::Pascal => pascal,
        };
        self.entries.push((Cow::Borrowed(key), value));
    }

    fn set_some(&mut self, camel: &'static str, pascal: &'static str, value: Option<Doc<'a>>) {
        if let Some(value) = value {
            self.set(camel, pascal, value);
        }
    }

    /// A list, when it has items.
    fn set_list(&mut self, camel: &'static str, pascal: &'static str, items: Vec<Doc<'a>>) {
        if !items.is_empty() {
            self.set(camel, pascal, Doc::List(items));
        }
    }

    fn done(self) -> Doc<'a> {
        Doc::Map(self.entries)
    }
}

/// Container definitions exactly as their serde JSON would convert (`from_json` of the
/// JSON, with keys in `case`), without building the JSON first.
pub(crate) fn from_containers<'a>(
    containers: &'a [ContainerDefinition],
    case: KeyCase,
    string: Substitute,
) -> Doc<'a> {
    let text = |s: &'a str| string(s).unwrap_or_else(|| Doc::text(s));
    let texts = |items: &'a [String]| items.iter().map(|s| text(s)).collect::<Vec<_>>();
    let user_map = |map: &'a IndexMap<String, String>| {
        Doc::Map(
            map.iter()
                .map(|(key, value)| (Cow::Borrowed(key.as_str()), text(value)))
                .collect(),
        )
    };
    let flag = |value: Option<bool>| value.map(Doc::Bool);
    let number = |value: Option<i64>| value.map(Doc::int);
    Doc::List(
        containers
            .iter()
            .map(|container| {
                let mut map = Fields::new(case);
                map.set("name", "Name", text(&container.name));
                map.set("image", "Image", text(&container.image));
                map.set("essential", "Essential", Doc::Bool(container.essential));
                map.set_some("cpu", "Cpu", number(container.cpu));
                map.set_some("memory", "Memory", number(container.memory));
                map.set_list("entryPoint", "EntryPoint", texts(&container.entry_point));
                map.set_list("command", "Command", texts(&container.command));
                map.set_some(
                    "workingDirectory",
                    "WorkingDirectory",
                    container.working_directory.as_deref().map(text),
                );
                map.set_some("user", "User", container.user.as_deref().map(text));
                let ports = container
                    .port_mappings
                    .iter()
                    .map(|mapping| {
                        let mut port = Fields::new(case);
                        port.set(
                            "containerPort",
                            "ContainerPort",
                            Doc::int(mapping.container_port),
                        );
                        port.set_some("hostPort", "HostPort", number(mapping.host_port));
                        port.set("protocol", "Protocol", text(mapping.protocol));
                        port.set_some("name", "Name", mapping.name.as_deref().map(text));
                        port.set_some("appProtocol", "AppProtocol", mapping.app_protocol.map(text));
                        port.done()
                    })
                    .collect();
                map.set_list("portMappings", "PortMappings", ports);
                let variables = container
                    .environment
                    .iter()
                    .map(|variable| {
                        let mut pair = Fields::new(case);
                        pair.set("name", "Name", text(&variable.name));
                        pair.set("value", "Value", text(&variable.value));
                        pair.done()
                    })
                    .collect();
                map.set_list("environment", "Environment", variables);
                let files = container
                    .environment_files
                    .iter()
                    .map(|file| {
                        let mut pair = Fields::new(case);
                        pair.set("value", "Value", text(&file.value));
                        pair.set("type", "Type", text(file.kind));
                        pair.done()
                    })
                    .collect();
                map.set_list("environmentFiles", "EnvironmentFiles", files);
                let secrets = container
                    .secrets
                    .iter()
                    .map(|secret| {
                        let mut pair = Fields::new(case);
                        pair.set("name", "Name", text(&secret.name));
                        pair.set("valueFrom", "ValueFrom", text(&secret.value_from));
                        pair.done()
                    })
                    .collect();
                map.set_list("secrets", "Secrets", secrets);
                let mounts = container
                    .mount_points
                    .iter()
                    .map(|mount| {
                        let mut fields = Fields::new(case);
                        fields.set("sourceVolume", "SourceVolume", text(&mount.source_volume));
                        fields.set(
                            "containerPath",
                            "ContainerPath",
                            text(&mount.container_path),
                        );
                        fields.set_some("readOnly", "ReadOnly", flag(mount.read_only));
                        fields.done()
                    })
                    .collect();
                map.set_list("mountPoints", "MountPoints", mounts);
                let volumes_from = container
                    .volumes_from
                    .iter()
                    .map(|from| {
                        let mut fields = Fields::new(case);
                        fields.set(
                            "sourceContainer",
                            "SourceContainer",
                            text(&from.source_container),
                        );
                        fields.set_some("readOnly", "ReadOnly", flag(from.read_only));
                        fields.done()
                    })
                    .collect();
                map.set_list("volumesFrom", "VolumesFrom", volumes_from);
                let dependencies = container
                    .depends_on
                    .iter()
                    .map(|dependency| {
                        let mut fields = Fields::new(case);
                        fields.set(
                            "containerName",
                            "ContainerName",
                            text(&dependency.container_name),
                        );
                        fields.set("condition", "Condition", text(dependency.condition));
                        fields.done()
                    })
                    .collect();
                map.set_list("dependsOn", "DependsOn", dependencies);
                if let Some(check) = &container.health_check {
                    let mut fields = Fields::new(case);
                    fields.set("command", "Command", Doc::List(texts(&check.command)));
                    fields.set_some("interval", "Interval", number(check.interval));
                    fields.set_some("timeout", "Timeout", number(check.timeout));
                    fields.set_some("retries", "Retries", number(check.retries));
                    fields.set_some("startPeriod", "StartPeriod", number(check.start_period));
                    map.set("healthCheck", "HealthCheck", fields.done());
                }
                map.set_some(
                    "readonlyRootFilesystem",
                    "ReadonlyRootFilesystem",
                    flag(container.readonly_root_filesystem),
                );
                map.set_some("privileged", "Privileged", flag(container.privileged));
                map.set_some("stopTimeout", "StopTimeout", number(container.stop_timeout));
                map.set_some(
                    "startTimeout",
                    "StartTimeout",
                    number(container.start_timeout),
                );
                let ulimits = container
                    .ulimits
                    .iter()
                    .map(|limit| {
                        let mut fields = Fields::new(case);
                        fields.set("name", "Name", text(limit.name));
                        fields.set("softLimit", "SoftLimit", Doc::int(limit.soft_limit));
                        fields.set("hardLimit", "HardLimit", Doc::int(limit.hard_limit));
                        fields.done()
                    })
                    .collect();
                map.set_list("ulimits", "Ulimits", ulimits);
                if let Some(parameters) = &container.linux_parameters {
                    let mut fields = Fields::new(case);
                    if let Some(capabilities) = &parameters.capabilities {
                        let mut lists = Fields::new(case);
                        let names = |items: &[&'static str]| {
                            items.iter().map(|c| text(c)).collect::<Vec<_>>()
                        };
                        lists.set_list("add", "Add", names(&capabilities.add));
                        lists.set_list("drop", "Drop", names(&capabilities.drop));
                        fields.set("capabilities", "Capabilities", lists.done());
                    }
                    fields.set_some(
                        "initProcessEnabled",
                        "InitProcessEnabled",
                        flag(parameters.init_process_enabled),
                    );
                    map.set("linuxParameters", "LinuxParameters", fields.done());
                }
                if !container.docker_labels.is_empty() {
                    map.set(
                        "dockerLabels",
                        "DockerLabels",
                        user_map(&container.docker_labels),
                    );
                }
                if let Some(credentials) = &container.repository_credentials {
                    let mut fields = Fields::new(case);
                    fields.set(
                        "credentialsParameter",
                        "CredentialsParameter",
                        text(&credentials.credentials_parameter),
                    );
                    map.set(
                        "repositoryCredentials",
                        "RepositoryCredentials",
                        fields.done(),
                    );
                }
                if let Some(firelens) = &container.firelens_configuration {
                    let mut fields = Fields::new(case);
                    fields.set("type", "Type", text(firelens.kind));
                    if !firelens.options.is_empty() {
                        fields.set("options", "Options", user_map(&firelens.options));
                    }
                    map.set(
                        "firelensConfiguration",
                        "FirelensConfiguration",
                        fields.done(),
                    );
                }
                if let Some(logs) = &container.log_configuration {
                    let mut fields = Fields::new(case);
                    fields.set("logDriver", "LogDriver", text(logs.log_driver));
                    fields.set("options", "Options", user_map(&logs.options));
                    map.set("logConfiguration", "LogConfiguration", fields.done());
                }
                map.done()
            })
            .collect(),
    )
}

/// A list of strings.
pub(crate) fn texts<'a>(items: impl IntoIterator<Item = &'a String>) -> Doc<'a> {
    Doc::List(items.into_iter().map(|s| Doc::text(s.as_str())).collect())
}

#[cfg(test)]
pub(crate) fn json(value: &serde_json::Value) -> Doc<'_> {
    from_json(value, &no_substitution)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::policy::Statement;

    #[test]
    fn policies_convert_as_their_json_would() {
        let mut deny = Statement::allow("NoDeletes", &["s3:DeleteObject", "s3:DeleteBucket"])
            .resources(vec!["arn:aws:s3:::b/*".into()])
            .condition("Bool", "aws:SecureTransport", serde_json::json!("false"))
            .condition("StringLike", "s3:prefix", serde_json::json!(["a/*", "b/*"]));
        deny.effect = Effect::Deny;
        let mut anonymous =
            Statement::allow("x", &["sts:AssumeRole"]).principal(Principal::Aws(vec![
                "arn:aws:iam::1:root".into(),
                "arn:aws:iam::2:root".into(),
            ]));
        anonymous.sid = None;
        let document = PolicyDocument::new(vec![
            Statement::allow("Ecs", &["sts:AssumeRole"])
                .principal(Principal::Service("ecs-tasks.amazonaws.com".into())),
            deny,
            anonymous,
        ]);
        let substitute = |s: &str| (s == "arn:aws:iam::1:root").then(|| Doc::text("ONE"));
        let json = document.to_json();
        assert_eq!(
            from_policy(&document, &substitute),
            from_json(&json, &substitute)
        );
        assert_eq!(from_policy(&document, &no_substitution), self::json(&json));
    }
}
