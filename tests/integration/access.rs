//! The graph, `assume` and `aws-config` against the generated stacks: every graph edge is
//! an allow in a generated trust policy and every allow is an edge; every ARN the commands
//! name is a role the stacks create; simulate mode stays within STS's limits and its base
//! role grants nothing beyond the task roles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value as Json;
use serde_norway::Value as Yaml;

use crate::support::{examples, fixture_specs, generate_into, trustgen_in};

/// A generated CloudFormation role, intrinsics resolved.
pub(crate) struct DeployedRole {
    pub arn: String,
    pub account: String,
    pub trust: Json,
    pub inline: Vec<Json>,
    pub managed: Vec<String>,
    pub boundary: Option<String>,
}

pub(crate) struct Output {
    pub roles: Vec<DeployedRole>,
    pub dir: tempfile::TempDir,
}

fn partition(spec: &Path) -> String {
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    let value: toml::Value = toml::from_str(&text).unwrap_or(toml::Value::Boolean(false));
    value
        .get("project")
        .and_then(|p| p.get("partition"))
        .and_then(|p| p.as_str())
        .unwrap_or("aws")
        .to_string()
}

/// YAML (with CloudFormation short tags) as JSON, pseudo parameters resolved.
pub fn resolve(value: &Yaml, partition: &str, account_id: &str, region: &str) -> Json {
    match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Number(n) => serde_json::to_value(n).unwrap_or(Json::Null),
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Sequence(items) => Json::Array(
            items
                .iter()
                .map(|i| resolve(i, partition, account_id, region))
                .collect(),
        ),
        Yaml::Mapping(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap_or_default().to_string(),
                        resolve(v, partition, account_id, region),
                    )
                })
                .collect(),
        ),
        Yaml::Tagged(tagged) => {
            let inner = tagged.value.as_str().unwrap_or_default();
            if tagged.tag == "Sub" {
                Json::String(
                    inner
                        .replace("${AWS::Partition}", partition)
                        .replace("${AWS::AccountId}", account_id)
                        .replace("${AWS::Region}", region)
                        .replace("${!", "${"),
                )
            } else if tagged.tag == "Ref" && inner == "AWS::AccountId" {
                Json::String(account_id.to_string())
            } else {
                Json::String(format!("!{} {inner}", tagged.tag))
            }
        }
    }
}

/// Every role the CloudFormation stacks of `spec` create (through `trustgen gen`).
pub(crate) fn generate(spec: &Path) -> Output {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    generate_into(spec, dir.path());
    let partition = partition(spec);
    let manifest: Json = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("trustgen.lock.json")).unwrap_or_default(),
    )
    .unwrap_or(Json::Null);
    let mut roles = Vec::new();
    for stage in manifest["stages"].as_array().into_iter().flatten() {
        for stack in stage["stacks"].as_array().into_iter().flatten() {
            let (account, id, region) = (
                stack["account"].as_str().unwrap_or_default(),
                stack["account_id"].as_str().unwrap_or_default(),
                stack["region"].as_str().unwrap_or_default(),
            );
            let path = dir
                .path()
                .join(stack["template"].as_str().unwrap_or_default());
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let template: Yaml = serde_norway::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
            // A StackSet's template body deploys to every account it reaches: its roles are
            // read with the account id the model gives them, `{account}`.
            let mut templates = vec![(resolve(&template, &partition, id, region), id.to_string())];
            for resource in templates[0].0["Resources"]
                .clone()
                .as_object()
                .into_iter()
                .flatten()
            {
                if resource.1["Type"] == "AWS::CloudFormation::StackSet" {
                    let body = resource.1["Properties"]["TemplateBody"]
                        .as_str()
                        .unwrap_or_default();
                    let body: Yaml = serde_norway::from_str(body).unwrap_or_else(|e| {
                        panic!("{}: the TemplateBody is not YAML: {e}", path.display())
                    });
                    templates.push((
                        resolve(&body, &partition, "{account}", region),
                        "{account}".into(),
                    ));
                }
            }
            for (template, id) in templates {
                push_roles(&template, &partition, account, &id, &mut roles);
            }
        }
    }
    Output { roles, dir }
}

/// The roles of a resolved template, deployed in account `id`.
fn push_roles(
    template: &Json,
    partition: &str,
    account: &str,
    id: &str,
    roles: &mut Vec<DeployedRole>,
) {
    for resource in template["Resources"].as_object().into_iter().flatten() {
        let resource = resource.1;
        if resource["Type"] != "AWS::IAM::Role" {
            continue;
        }
        let props = &resource["Properties"];
        roles.push(DeployedRole {
            arn: format!(
                "arn:{partition}:iam::{id}:role{}{}",
                props["Path"].as_str().unwrap_or("/"),
                props["RoleName"].as_str().unwrap_or_default()
            ),
            account: account.to_string(),
            trust: props["AssumeRolePolicyDocument"].clone(),
            inline: props["Policies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| p["PolicyDocument"].clone())
                .collect(),
            managed: props["ManagedPolicyArns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
            boundary: props["PermissionsBoundary"].as_str().map(str::to_string),
        });
    }
}

pub(crate) fn list(value: &Json) -> Vec<String> {
    match value {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn statements(document: &Json) -> Vec<Json> {
    match &document["Statement"] {
        Json::Array(items) => items.clone(),
        Json::Null => Vec::new(),
        single => vec![single.clone()],
    }
}

/// (principal, role ARN) for every sts:AssumeRole a generated trust policy allows; an
/// account root narrowed by aws:PrincipalArn counts as the ARNs it is narrowed to.
fn trust_allows(output: &Output) -> BTreeSet<(String, String)> {
    trust_allows_with_conditions(output).into_keys().collect()
}

/// `trust_allows`, each with the `Condition` of the statement that allows it (`null` when
/// it has none).
pub(crate) fn trust_allows_with_conditions(output: &Output) -> BTreeMap<(String, String), Json> {
    let mut edges = BTreeMap::new();
    for role in &output.roles {
        for statement in statements(&role.trust) {
            let actions = list(&statement["Action"]);
            if statement["Effect"] != "Allow"
                || !actions
                    .iter()
                    .any(|a| a == "sts:AssumeRole" || a == "sts:*" || a == "*")
            {
                continue;
            }
            let principal = &statement["Principal"];
            let mut principals = list(&principal["Service"]);
            let narrowed: Vec<String> = statement["Condition"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(operator, _)| operator.starts_with("Arn"))
                .flat_map(|(_, keys)| list(&keys["aws:PrincipalArn"]))
                .collect();
            if narrowed.is_empty() {
                principals.extend(list(&principal["AWS"]));
            } else {
                principals.extend(narrowed);
            }
            for principal in principals {
                edges.insert(
                    (principal, role.arn.clone()),
                    statement["Condition"].clone(),
                );
            }
        }
    }
    edges
}

#[test]
fn graph_edges_equal_the_allows_in_the_generated_trust_policies() {
    for spec in examples().into_iter().chain(fixture_specs()) {
        let output = generate(&spec);
        let spec_arg = spec.to_string_lossy().into_owned();
        let (code, stdout, stderr) = trustgen_in(
            &["graph", &spec_arg, "--format", "json"],
            Path::new("."),
            &[],
        );
        assert_eq!(code, 0, "{spec_arg}: {stderr}");
        let graph: Json = serde_json::from_str(&stdout).unwrap_or(Json::Null);
        let edges: BTreeSet<(String, String)> = graph["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["principal"].as_str().unwrap_or_default().to_string(),
                    e["role_arn"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        // ECS is guarded by the source guard only; developer conditions never label it.
        for edge in graph["edges"].as_array().into_iter().flatten() {
            if edge["principal"]
                .as_str()
                .is_some_and(|p| p.ends_with(".amazonaws.com") || p.ends_with(".amazonaws.com.cn"))
            {
                let conditions = list(&edge["conditions"]);
                assert!(
                    conditions.iter().all(|c| c == "source guard"),
                    "{spec_arg}: ECS edge labelled {conditions:?}"
                );
            }
        }
        let allows = trust_allows(&output);
        assert!(!allows.is_empty(), "{spec_arg}: no trust allows found");
        assert_eq!(edges, allows, "{spec_arg}: graph edges != generated allows");
        // gen writes the same picture.
        let page =
            std::fs::read_to_string(output.dir.path().join("trust-graph.md")).unwrap_or_default();
        let (_, mermaid, _) = trustgen_in(&["graph", &spec_arg], Path::new("."), &[]);
        assert!(
            page.contains(&mermaid),
            "{spec_arg}: trust-graph.md lacks the graph"
        );
    }
}

fn tasks_of(spec: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    let value: toml::Value = toml::from_str(&text).unwrap_or(toml::Value::Boolean(false));
    value
        .get("tasks")
        .and_then(|t| t.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

/// The single-quoted `--policy '…'` argument of an assume command, unquoted.
fn policy_argument(command: &str) -> Option<String> {
    let start = command.find("--policy '")? + "--policy '".len();
    let rest = &command[start..];
    let end = rest.find("' \\").or_else(|| rest.rfind('\''))?;
    Some(rest[..end].replace("'\\''", "'"))
}

#[test]
fn assume_and_aws_config_name_roles_the_stacks_create() {
    let mut assumable = 0;
    for spec in examples().into_iter().chain(fixture_specs()) {
        let output = generate(&spec);
        let role_arns: BTreeMap<&str, &DeployedRole> =
            output.roles.iter().map(|r| (r.arn.as_str(), r)).collect();
        let spec_arg = spec.to_string_lossy().into_owned();
        for task in tasks_of(&spec) {
            let (code, stdout, stderr) =
                trustgen_in(&["assume", &spec_arg, &task], Path::new("."), &[]);
            if code != 0 {
                assert_eq!(code, 2, "{spec_arg} {task}: {stderr}");
                assert!(stderr.contains("developers have no access"), "{stderr}");
                continue;
            }
            assumable += 1;
            let arn = stdout
                .split("--role-arn ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default();
            let role = role_arns
                .get(arn)
                .unwrap_or_else(|| panic!("{spec_arg} {task}: assume names {arn}, not created"));
            let Some(policy) = policy_argument(&stdout) else {
                continue;
            };
            // Simulate mode: the session policy is the task role's statements, within limits.
            assert!(
                policy.len() <= 2048,
                "{spec_arg} {task}: {} chars",
                policy.len()
            );
            let session: Json = serde_json::from_str(&policy)
                .unwrap_or_else(|e| panic!("{spec_arg} {task}: --policy is not JSON: {e}"));
            let file = output
                .dir
                .path()
                .join(format!("session-policies/{}/{task}.json", role.account));
            let written: Json =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_default())
                    .unwrap_or(Json::Null);
            assert_eq!(
                session,
                written,
                "{spec_arg} {task}: --policy != {}",
                file.display()
            );
            let arns = stdout.matches("arn=").count();
            assert!(arns <= 10, "{spec_arg} {task}: {arns} policy ARNs");
        }
        let (code, config, stderr) = trustgen_in(&["aws-config", &spec_arg], Path::new("."), &[]);
        assert_eq!(code, 0, "{spec_arg}: {stderr}");
        for line in config.lines().filter(|l| l.starts_with("role_arn = ")) {
            let arn = &line["role_arn = ".len()..];
            assert!(
                role_arns.contains_key(arn),
                "{spec_arg}: profile names {arn}, not created"
            );
        }
    }
    assert!(
        assumable >= 5,
        "only {assumable} assumable tasks across the examples"
    );
}

fn without_sid(statement: &Json) -> Json {
    let mut statement = statement.clone();
    if let Some(map) = statement.as_object_mut() {
        map.remove("Sid");
    }
    statement
}

#[test]
fn the_simulator_grants_nothing_beyond_the_union_of_the_task_roles() {
    let spec = Path::new("examples/simulate-dev-account.toml");
    let output = generate(spec);
    let simulator = output
        .roles
        .iter()
        .find(|r| r.arn.ends_with(":role/orders-simulator"))
        .unwrap_or_else(|| panic!("no simulator role"));
    assert!(
        output
            .roles
            .iter()
            .filter(|r| r.arn.contains("simulator"))
            .all(|r| r.account == "dev"),
        "a simulator outside the dev account"
    );
    let tasks: Vec<&DeployedRole> = output
        .roles
        .iter()
        .filter(|r| {
            r.account == simulator.account
                && !r.arn.contains("simulator")
                && !r.arn.contains("execution")
        })
        .collect();
    let union: Vec<Json> = tasks
        .iter()
        .flat_map(|r| r.inline.iter().flat_map(statements))
        .filter(|s| s["Effect"] == "Allow")
        .map(|s| without_sid(&s))
        .collect();
    let granted: Vec<Json> = simulator
        .inline
        .iter()
        .flat_map(statements)
        .map(|s| without_sid(&s))
        .collect();
    let denies: Vec<Json> = tasks
        .iter()
        .flat_map(|r| r.inline.iter().flat_map(statements))
        .filter(|s| s["Effect"] == "Deny")
        .map(|s| without_sid(&s))
        .collect();
    assert!(!granted.is_empty());
    for statement in &granted {
        // A Deny only narrows; it must be one of a task's own.
        let from_tasks = if statement["Effect"] == "Deny" {
            &denies
        } else {
            &union
        };
        assert!(
            from_tasks.contains(statement),
            "beyond the task roles: {statement}"
        );
    }
    assert!(
        granted.iter().any(|s| s["Effect"] == "Deny"),
        "api's NoDeletes denies nothing worker may do: the simulator carries it"
    );
    for statement in &union {
        assert!(
            granted.contains(statement),
            "missing from the simulator: {statement}"
        );
    }
    let managed: BTreeSet<&String> = tasks.iter().flat_map(|r| &r.managed).collect();
    assert_eq!(simulator.managed.iter().collect::<BTreeSet<_>>(), managed);
    // Task roles keep production trust: ECS only.
    for task in &tasks {
        for statement in statements(&task.trust) {
            assert!(statement["Principal"]["AWS"].is_null(), "{}", task.arn);
        }
    }
}

/// The `--exec` snippet, run by `sh` with a stand-in `aws` that records its arguments:
/// the credentials reach the command, the call carries the session policy, and a missing
/// MFA code stops it before anything runs.
#[test]
fn the_exec_snippet_runs_the_command_with_the_assumed_credentials() {
    let bin = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let fake_aws = bin.path().join("aws");
    let record = bin.path().join("aws-args");
    std::fs::write(
        &fake_aws,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'\necho 'ASIAFAKE secret/fake token+fake'\n",
            record.display()
        ),
    )
    .unwrap_or_else(|e| panic!("write fake aws: {e}"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_aws, std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("chmod: {e}"));
    }
    let spec = "examples/simulate-dev-account.toml";
    let (code, snippet, stderr) = trustgen_in(
        &[
            "assume",
            spec,
            "api",
            "--exec",
            "--",
            "sh",
            "-c",
            "echo \"$AWS_ACCESS_KEY_ID|$AWS_SECRET_ACCESS_KEY|$AWS_SESSION_TOKEN|$AWS_REGION|${AWS_PROFILE:-none}\"",
        ],
        Path::new("."),
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |env: &[(&str, &str)]| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(&snippet)
            .env("PATH", &path)
            .env("AWS_PROFILE", "someone-else")
            .envs(env.iter().copied())
            .output()
            .unwrap_or_else(|e| panic!("sh: {e}"))
    };
    let output = run(&[
        ("MFA_SERIAL", "arn:aws:iam::111122223333:mfa/alice"),
        ("MFA_CODE", "123456"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "ASIAFAKE|secret/fake|token+fake|eu-west-1|none"
    );
    let args = std::fs::read_to_string(&record).unwrap_or_default();
    let args: Vec<&str> = args.lines().collect();
    let after = |flag: &str| {
        args.iter()
            .position(|a| *a == flag)
            .and_then(|i| args.get(i + 1))
            .copied()
            .unwrap_or_default()
    };
    assert_eq!(args.first().copied(), Some("sts"));
    assert_eq!(
        after("--role-arn"),
        "arn:aws:iam::111122223333:role/orders-simulator"
    );
    assert_eq!(
        after("--serial-number"),
        "arn:aws:iam::111122223333:mfa/alice"
    );
    assert_eq!(after("--token-code"), "123456");
    let session =
        std::fs::read_to_string("tests/golden/simulate-dev-account/session-policies/dev/api.json")
            .unwrap_or_default();
    assert_eq!(after("--policy"), session.trim_end());
    assert_eq!(
        after("--policy-arns"),
        "arn=arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"
    );
    // Without the MFA code, nothing runs.
    std::fs::remove_file(&record).unwrap_or_else(|e| panic!("rm: {e}"));
    let output = run(&[("MFA_SERIAL", "arn:aws:iam::111122223333:mfa/alice")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("MFA_CODE"));
    assert!(output.stdout.is_empty() && !record.exists());
}
