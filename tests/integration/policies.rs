//! The policy documents themselves, exactly: any wrong trust statement fails here.

use serde_json::{json, Value};
use trustgen::input::{self, SourceFile};
use trustgen::inspect::{Account, Model};
use trustgen::validate_and_build;

const BASE: &str = r#"
version = 1
[project]
name = "demo"
region = "eu-west-1"
[accounts.dev]
id = "111122223333"
env = "dev"
[accounts.prod]
id = "555566667777"
env = "prod"
[tasks.web]
account = "dev"
cpu = 256
memory = 512
[[tasks.web.containers]]
name = "web"
image = "nginx:1.27"
[tasks.web-prod]
account = "prod"
role_name = "demo-web"
cpu = 256
memory = 512
[[tasks.web-prod.containers]]
name = "web"
image = "nginx:1.27"
"#;

fn model(extra: &str) -> Model {
    let text = format!("{BASE}\n{extra}");
    let source = SourceFile::new("test.toml", text);
    let spec = input::load(&source).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    validate_and_build(&spec).unwrap_or_else(|d| panic!("{}", source.render(&d)))
}

fn account<'a>(model: &'a Model, name: &str) -> &'a Account {
    model
        .accounts
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no account {name}"))
}

fn trust(model: &Model, account_name: &str) -> Value {
    account(model, account_name).task_roles[0]
        .trust_policy
        .to_json()
}

fn ecs_statement(id: &str, region: &str) -> Value {
    json!({
        "Sid": "EcsTasks",
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": id},
            "ArnLike": {"aws:SourceArn": format!("arn:aws:ecs:{region}:{id}:*")}
        }
    })
}

#[test]
fn without_dev_access_task_roles_trust_only_guarded_ecs() {
    let model = model("");
    assert_eq!(
        trust(&model, "dev"),
        json!({"Version": "2012-10-17", "Statement": [ecs_statement("111122223333", "eu-west-1")]})
    );
    assert!(account(&model, "dev").developer_policy.is_none());
}

#[test]
fn tagged_mode_trusts_the_dev_account_root_and_tags_only_dev_roles() {
    let model =
        model("[dev_access]\nmode = \"tagged\"\n[developers]\nattach_to_roles = [\"Developer\"]\n");
    assert_eq!(
        trust(&model, "dev"),
        json!({"Version": "2012-10-17", "Statement": [
            ecs_statement("111122223333", "eu-west-1"),
            {"Sid": "DeveloperAccess", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
        ]})
    );
    let dev_role = &account(&model, "dev").task_roles[0];
    assert_eq!(dev_role.tags.get("env").map(String::as_str), Some("dev"));

    // prod: same mode, but its env is not listed: ECS only, no tag, no developer policy.
    assert_eq!(
        trust(&model, "prod"),
        json!({"Version": "2012-10-17", "Statement": [ecs_statement("555566667777", "eu-west-1")]})
    );
    let prod = account(&model, "prod");
    assert!(!prod.task_roles[0].tags.contains_key("env"));
    assert!(prod.developer_policy.is_none() && prod.developer_role.is_none());
}

#[test]
fn tagged_developer_policy_is_one_conditional_statement_scoped_to_own_roles() {
    let model = model("[dev_access]\nmode = \"tagged\"\ntag = { key = \"access\", value = \"developers\" }\nrequire_mfa = true\n[developers]\nattach_to_roles = [\"Developer\"]\n");
    let policy = account(&model, "dev")
        .developer_policy
        .clone()
        .unwrap_or_else(|| panic!("no developer policy"));
    assert_eq!(
        policy.document.to_json()["Statement"][0],
        json!({
            "Sid": "AssumeTaggedTaskRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::111122223333:role/*",
            "Condition": {
                "StringEquals": {"iam:ResourceTag/access": "developers"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"}
            }
        })
    );
    assert_eq!(
        policy.document.to_json()["Statement"][1]["Effect"],
        json!("Deny")
    );
    // MFA reaches the task role trust too, so an admin without MFA cannot step in either.
    assert_eq!(
        trust(&model, "dev")["Statement"][1]["Condition"],
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    );
}

/// Tagged mode: developers acting as a task role (or a `[roles]` role of a tagged account)
/// must not put the dev-access tag on another root-trusting role. The developer policy's
/// Deny does not bind those roles' sessions, so each such role carries the Deny itself,
/// whatever its own grants (`iam:*` here) say; roles developers cannot act as do not.
#[test]
fn tagged_roles_developers_act_as_deny_tagging_roles_with_the_dev_access_tag() {
    let model = model(
        "[dev_access]\nmode = \"tagged\"\ntag = { key = \"Access\", value = \"developers\" }\n[developers]\nattach_to_roles = [\"Developer\"]\n[[tasks.web.statements]]\nactions = [\"iam:*\"]\nresources = [\"arn:aws:iam::111122223333:role/*\"]\n[roles.reader]\naccount = \"dev\"\ntrusted_tasks = [\"web\"]\n[roles.prod-reader]\naccount = \"prod\"\ntrusted_tasks = [\"web-prod\"]\n",
    );
    let deny = json!({
        "Sid": "DenyDevAccessTagging",
        "Effect": "Deny",
        "Action": ["iam:CreateRole", "iam:TagRole", "iam:UntagRole"],
        "Resource": "arn:aws:iam::111122223333:role/*",
        "Condition": {"ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": ["Access"]}}
    });
    let last_statement = |role: &trustgen::inspect::Role| {
        role.inline_policies
            .iter()
            .flat_map(|p| {
                p.document.to_json()["Statement"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .last()
    };
    let dev = account(&model, "dev");
    assert_eq!(last_statement(&dev.task_roles[0]), Some(deny.clone()));
    assert_eq!(
        last_statement(role(&model, "dev", "reader")),
        Some(deny.clone())
    );
    let developer_policy = dev
        .developer_policy
        .clone()
        .unwrap_or_else(|| panic!("no developer policy"));
    assert_eq!(developer_policy.document.to_json()["Statement"][1], deny);
    let prod = account(&model, "prod");
    for role in prod.roles() {
        let text = serde_json::to_string(
            &role
                .inline_policies
                .iter()
                .map(|p| p.document.to_json())
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        assert!(
            !text.contains("DenyDevAccessTagging"),
            "{}: {text}",
            role.name
        );
    }
    for role in &dev.execution_roles {
        let text = serde_json::to_string(
            &role
                .inline_policies
                .iter()
                .map(|p| p.document.to_json())
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        assert!(
            !text.contains("DenyDevAccessTagging"),
            "{}: {text}",
            role.name
        );
    }
}

#[test]
fn extended_mode_trusts_exactly_the_named_principals() {
    let model = model("[dev_access]\nmode = \"extended\"\nprincipals = [\"arn:aws:iam::111122223333:role/Developer\", \"arn:aws:iam::999988887777:role/Sso\"]\n[developers]\nattach_to_roles = [\"Developer\"]\n");
    assert_eq!(
        trust(&model, "dev")["Statement"][1],
        json!({"Sid": "DeveloperAccess", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/Developer", "arn:aws:iam::999988887777:role/Sso"]}, "Action": "sts:AssumeRole"})
    );
    let dev = account(&model, "dev");
    assert!(
        dev.task_roles[0].tags.is_empty(),
        "extended mode adds no tag"
    );
    let policy = dev
        .developer_policy
        .clone()
        .unwrap_or_else(|| panic!("no developer policy"));
    assert_eq!(
        policy.document.to_json()["Statement"],
        json!([{"Sid": "AssumeTaskRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/demo-web"}])
    );
    assert_eq!(
        trust(&model, "prod")["Statement"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn developer_role_trusts_the_identity_account_with_mfa() {
    let model = model("[accounts.identity]\nid = \"999988887777\"\nenv = \"identity\"\n[dev_access]\nmode = \"tagged\"\nrequire_mfa = true\n[developers]\ncreate_role = true\ntrusted_accounts = [\"identity\"]\n");
    let role = account(&model, "dev")
        .developer_role
        .clone()
        .unwrap_or_else(|| panic!("no developer role"));
    assert_eq!(
        role.trust_policy.to_json()["Statement"],
        json!([{"Sid": "TrustedAccounts", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])
    );
    assert!(role
        .managed_policy_arns
        .contains(&"arn:aws:iam::111122223333:policy/developer-assume-task-roles".to_string()));
    assert!(
        model.accounts.iter().all(|a| a.name != "identity"),
        "the identity account gets no stacks"
    );
}

#[test]
fn execution_role_reads_exactly_the_referenced_secrets() {
    let text = BASE.replace(
        "[[tasks.web.containers]]\nname = \"web\"\nimage = \"nginx:1.27\"",
        "secrets_kms_keys = [\"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"]\n[[tasks.web.containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\nsecrets = { A = \"arn:aws:ssm:eu-west-1:111122223333:parameter/a\", B = \"arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-AbCdEf:password::\" }",
    );
    let source = SourceFile::new("t.toml", text);
    let spec = input::load(&source).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let model = validate_and_build(&spec).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let execution = account(&model, "dev")
        .execution_roles
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no execution role"));
    assert_eq!(
        execution.inline_policies[0].document.to_json()["Statement"],
        json!([
            {"Sid": "ReadSsmParameters", "Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "arn:aws:ssm:eu-west-1:111122223333:parameter/a"},
            {"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-AbCdEf"},
            {"Sid": "DecryptSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
        ])
    );
    // The execution role is ECS-only, never reachable by developers, and unguarded unless asked.
    assert_eq!(
        execution.trust_policy.to_json()["Statement"],
        json!([{"Sid": "EcsTasks", "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}])
    );
}

#[test]
fn security_rules_reject_dangerous_specs() {
    let cases = [
        (
            "[dev_access]\nmode = \"tagged\"\nenvironments = [\"dev\", \"prod\"]\n",
            "dev-access-in-production",
        ),
        (
            "[dev_access]\nmode = \"extended\"\nprincipals = [\"*\"]\n",
            "invalid-principal",
        ),
        (
            "[dev_access]\nmode = \"tagged\"\n[tasks.web-prod.tags]\nenv = \"dev\"\n",
            "dev-tag-outside-dev",
        ),
        (
            "[dev_access]\nmode = \"tagged\"\n[project.tags]\nenv = \"dev\"\n",
            "dev-tag-outside-dev",
        ),
    ];
    for (extra, code) in cases {
        // Inline tables for existing tables need the keys merged; build the text by hand.
        let text = if extra.contains("[project.tags]") {
            BASE.replace(
                "region = \"eu-west-1\"\n[accounts.dev]",
                "region = \"eu-west-1\"\ntags = { env = \"dev\" }\n[accounts.dev]",
            ) + "[dev_access]\nmode = \"tagged\"\n"
        } else {
            format!("{BASE}\n{extra}")
        };
        let source = SourceFile::new("t.toml", text);
        let result = input::load(&source).and_then(|spec| validate_and_build(&spec).map(|_| ()));
        let diagnostics = result.err().unwrap_or_default();
        assert!(
            diagnostics.iter().any(|d| d.code == code),
            "expected {code} for {extra:?}, got {:?}",
            diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
}

fn role<'a>(model: &'a Model, account_name: &str, name: &str) -> &'a trustgen::inspect::Role {
    account(model, account_name)
        .roles()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no role {name} in {account_name}"))
}

#[test]
fn a_pair_trusts_exactly_the_task_role_and_the_task_may_assume_exactly_it() {
    let model = model("[roles.reader]\naccount = \"prod\"\ntrusted_tasks = [\"web\"]\nexternal_id = \"demo-42\"\n[[roles.reader.statements]]\nactions = [\"s3:GetObject\"]\nresources = [\"*\"]\n");
    assert_eq!(
        role(&model, "prod", "reader").trust_policy.to_json()["Statement"],
        json!([{
            "Sid": "TrustedTasks",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/demo-web"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "demo-42"}}
        }])
    );
    let task_policy = account(&model, "dev").task_roles[0].inline_policies[0]
        .document
        .to_json();
    assert_eq!(
        task_policy["Statement"],
        json!([{"Sid": "AssumeRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::555566667777:role/reader"}])
    );
    // The other task gets nothing it did not ask for.
    assert!(account(&model, "prod").task_roles[0]
        .inline_policies
        .is_empty());
}

#[test]
fn account_with_arn_condition_trusts_the_roots_narrowed_to_the_task_roles() {
    let model = model("[roles.reader]\naccount = \"prod\"\ntrusted_tasks = [\"web\", \"web-prod\"]\ntrust_principal = \"account-with-arn-condition\"\n");
    assert_eq!(
        role(&model, "prod", "reader").trust_policy.to_json()["Statement"],
        json!([{
            "Sid": "TrustedTasks",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::555566667777:root"]},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:role/demo-web", "arn:aws:iam::555566667777:role/demo-web"]}}
        }])
    );
    // Destination roles never get developer access, even in a dev account.
    let model = self::model("[dev_access]\nmode = \"tagged\"\n[roles.helper]\naccount = \"dev\"\ntrusted_tasks = [\"web\"]\n");
    let helper = role(&model, "dev", "helper");
    assert_eq!(helper.trust_policy.statements.len(), 1);
    assert!(!helper.tags.contains_key("env"));
}

#[test]
fn pair_mistakes_are_located_errors() {
    let cases = [
        (
            "[roles.reader]\naccount = \"prod\"\ntrusted_tasks = []\n",
            "no-trusted-tasks",
        ),
        (
            "[roles.reader]\naccount = \"prod\"\ntrusted_tasks = [\"wbe\"]\n",
            "unknown-task",
        ),
        (
            "[roles.reader]\naccount = \"prd\"\ntrusted_tasks = [\"web\"]\n",
            "unknown-account",
        ),
        (
            "[roles.reader]\naccount = \"prod\"\ntrusted_tasks = [\"web\"]\nexternal_id = \"x\"\n",
            "invalid-external-id",
        ),
        (
            "[roles.demo-web]\naccount = \"prod\"\ntrusted_tasks = [\"web\"]\n",
            "duplicate-role-name",
        ),
    ];
    for (extra, code) in cases {
        let source = SourceFile::new("t.toml", format!("{BASE}\n{extra}"));
        let result = input::load(&source).and_then(|spec| validate_and_build(&spec).map(|_| ()));
        let diagnostics = result.err().unwrap_or_default();
        assert!(
            diagnostics.iter().any(|d| d.code == code),
            "expected {code} for {extra:?}, got {:?}",
            diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
}

/// ECS Exec gives the task role exactly the four `ssmmessages` actions; an EFS volume with
/// IAM authorization exactly the client actions its mount points need on exactly its file
/// system, through its access point; root access only when asked. The execution role reads
/// exactly the registry credentials, the secret (not the JSON key inside it) and the
/// environment file, with its bucket's location.
#[test]
fn ecs_exec_and_efs_grant_exactly_their_actions() {
    let text = r#"
version = 1
[project]
name = "demo"
region = "eu-west-1"
log_retention_days = 30
[accounts.dev]
id = "111122223333"
env = "dev"
[tasks.web]
account = "dev"
cpu = 256
memory = 512
enable_execute_command = true
[[tasks.web.volumes]]
name = "shared"
efs_volume_configuration = { file_system_id = "fs-0123abcd", transit_encryption = "ENABLED", authorization_config = { access_point_id = "fsap-0123abcd", iam = "ENABLED" } }
[[tasks.web.volumes]]
name = "reference"
efs_volume_configuration = { file_system_id = "fs-4567cdef", transit_encryption = "ENABLED", authorization_config = { iam = "ENABLED" }, client_root_access = true }
[[tasks.web.volumes]]
name = "plain"
efs_volume_configuration = { file_system_id = "fs-89abcdef", transit_encryption = "ENABLED" }
[[tasks.web.containers]]
name = "web"
image = "registry.example.com/web:1"
readonly_root_filesystem = true
mount_points = [
  { source_volume = "shared", container_path = "/shared" },
  { source_volume = "reference", container_path = "/reference", read_only = true },
  { source_volume = "plain", container_path = "/plain" },
]
secrets = { TOKEN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:web/token-AbCdEf:value::" }
repository_credentials = { credentials_parameter = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:registry-Gh1jK2" }
environment_files = ["arn:aws:s3:::demo-config/web/prod.env"]
"#;
    let source = SourceFile::new("test.toml", text);
    let spec = input::load(&source).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let model = validate_and_build(&spec).unwrap_or_else(|d| panic!("{}", source.render(&d)));
    let dev = account(&model, "dev");
    let efs = "arn:aws:elasticfilesystem:eu-west-1:111122223333";
    assert_eq!(
        dev.task_roles[0].inline_policies[0].document.to_json(),
        json!({"Version": "2012-10-17", "Statement": [
            {
                "Sid": "EcsExec",
                "Effect": "Allow",
                "Action": [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel"
                ],
                "Resource": "*"
            },
            {
                "Sid": "EfsShared",
                "Effect": "Allow",
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                "Resource": format!("{efs}:file-system/fs-0123abcd"),
                "Condition": {"StringEquals": {
                    "elasticfilesystem:AccessPointArn": format!("{efs}:access-point/fsap-0123abcd")
                }}
            },
            {
                "Sid": "EfsReference",
                "Effect": "Allow",
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"],
                "Resource": format!("{efs}:file-system/fs-4567cdef")
            }
        ]})
    );
    assert_eq!(
        dev.execution_roles[0].inline_policies[0].document.to_json(),
        json!({"Version": "2012-10-17", "Statement": [
            {
                "Sid": "ReadSecrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": [
                    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:web/token-AbCdEf",
                    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:registry-Gh1jK2"
                ]
            },
            {
                "Sid": "ReadEnvironmentFiles",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::demo-config/web/prod.env"
            },
            {
                "Sid": "LocateEnvironmentFiles",
                "Effect": "Allow",
                "Action": "s3:GetBucketLocation",
                "Resource": "arn:aws:s3:::demo-config"
            }
        ]})
    );
    let container = &dev.task_definitions[0].containers[0];
    assert_eq!(
        container
            .linux_parameters
            .as_ref()
            .and_then(|p| p.init_process_enabled),
        Some(true),
        "ECS Exec turns the init process on"
    );
}

/// `[identity_center]` for the BASE accounts: a management account administers it.
const IDENTITY_CENTER: &str = r#"
[accounts.management]
id = "100000000001"
env = "management"
[identity_center]
instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
account = "management"
region = "eu-central-1"
[identity_center.permission_sets.Engineer]
session_duration = "PT8H"
assign_groups = ["8b4c5a1e-2f3d-4e5f-9a8b-7c6d5e4f3a2b"]
"#;

fn sso_patterns(id: &str, set: &str) -> Value {
    json!([
        format!("arn:aws:iam::{id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{set}_????????????????"),
        format!("arn:aws:iam::{id}:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_{set}_????????????????"),
    ])
}

#[test]
fn permission_set_sessions_are_trusted_as_the_root_narrowed_to_their_reserved_roles() {
    let model = model(&format!(
        "{IDENTITY_CENTER}[dev_access]\nmode = \"extended\"\npermission_sets = [\"Engineer\"]\nrequire_mfa = true\n"
    ));
    assert_eq!(
        trust(&model, "dev"),
        json!({"Version": "2012-10-17", "Statement": [
            ecs_statement("111122223333", "eu-west-1"),
            {
                "Sid": "PermissionSetSessions",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {"aws:PrincipalArn": sso_patterns("111122223333", "Engineer")},
                    "Bool": {"aws:MultiFactorAuthPresent": "true"}
                }
            }
        ]})
    );
    // Production: ECS only; no developer policy for a permission set to reference.
    assert_eq!(
        trust(&model, "prod"),
        json!({"Version": "2012-10-17", "Statement": [ecs_statement("555566667777", "eu-west-1")]})
    );
    assert!(account(&model, "prod").developer_policy.is_none());
    // The developer policy exists without [developers]: the permission set references it.
    let policy = account(&model, "dev")
        .developer_policy
        .clone()
        .unwrap_or_else(|| panic!("no developer policy"));
    assert_eq!(
        (policy.name.as_str(), policy.path.as_str()),
        ("developer-assume-task-roles", "/")
    );
    let center = model
        .identity_center
        .clone()
        .unwrap_or_else(|| panic!("no identity center"));
    let set = &center.permission_sets[0];
    assert_eq!(set.accounts, ["dev"]);
    assert_eq!(
        set.developer_policy
            .as_ref()
            .map(|p| (p.name.as_str(), p.path.as_str())),
        Some(("developer-assume-task-roles", "/"))
    );
    let assigned: Vec<&str> = set.assignments.iter().map(|a| a.account.as_str()).collect();
    assert_eq!(assigned, ["dev"], "never production");
    assert_eq!(center.region, "eu-central-1");
}

#[test]
fn principals_and_permission_sets_are_two_statements_and_options_add_actions() {
    let model = model(&format!(
        "{IDENTITY_CENTER}[dev_access]\nmode = \"simulate\"\npermission_sets = [\"Engineer\"]\nprincipals = [\"arn:aws:iam::111122223333:role/Developer\"]\nset_source_identity = true\ntag_session = true\n"
    ));
    let simulator = account(&model, "dev")
        .simulator_role
        .clone()
        .unwrap_or_else(|| panic!("no simulator"));
    let actions = json!(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]);
    assert_eq!(
        simulator.trust_policy.to_json()["Statement"],
        json!([
            {"Sid": "DeveloperAccess", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Developer"}, "Action": actions},
            {"Sid": "PermissionSetSessions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": actions, "Condition": {"ArnLike": {"aws:PrincipalArn": sso_patterns("111122223333", "Engineer")}}}
        ])
    );
    // Simulate mode: the task roles keep production trust.
    assert_eq!(
        trust(&model, "dev")["Statement"].as_array().map(Vec::len),
        Some(1)
    );
    let policy = account(&model, "dev")
        .developer_policy
        .clone()
        .unwrap_or_else(|| panic!("no developer policy"));
    assert_eq!(policy.document.to_json()["Statement"][0]["Action"], actions);
}

#[test]
fn tagged_mode_keeps_its_root_trust_with_permission_sets() {
    let model = model(&format!(
        "{IDENTITY_CENTER}[dev_access]\nmode = \"tagged\"\npermission_sets = [\"Engineer\"]\n"
    ));
    assert_eq!(
        trust(&model, "dev")["Statement"][1],
        json!({"Sid": "DeveloperAccess", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"})
    );
    assert!(account(&model, "dev").developer_policy.is_some());
}
