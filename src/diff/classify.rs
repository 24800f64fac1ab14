//! Every field of the model, classified once for a reviewer: what a change of it means
//! (a `Kind`) and when it broadens (a `Rule`), or which semantic comparison owns it
//! (grants, trust, reach, dev access).
//!
//! Complete by construction: each model struct is destructured without `..`, so a field
//! added to the model does not compile until someone decides here what it means to a
//! reviewer. A field that is part of an entity's identity (a role's name and path are its
//! ARN) is bound and said so; nothing is dropped silently.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::fields::{Facts, Part, Rule, Value, Writer};
use super::review::{grant, AccountFacts, Holder, Review, Subject};
use super::Kind::{Access, Deployment, Exposure, Other, Session};
use crate::graph;
use crate::model::names::RootKind;
use crate::model::policy::{PolicyDocument, Principal, Statement};
use crate::model::{
    Account, Assignment, EfsVolume, IdentityCenter, InlinePolicy, LogGroup, ManagedPolicy, Model,
    PartitionExt, PermissionSet, PolicyReference, Role, RoleKind, Root, RuntimePlatform, S3Backend,
    SessionPolicy, TaskDefinition, Terraform, Volume,
};
use crate::spec::Format;

/// Network modes from the most isolated to the least: in `bridge` and `host` mode a
/// container reaches the instance's metadata service and the host's network.
const NETWORK_MODES: &[&[&str]] = &[&["none"], &["awsvpc"], &["bridge"], &["host"]];
/// Process namespaces: the container's own, the task's, the host's.
const PID_MODES: &[&[&str]] = &[&[""], &["task"], &["host"]];
/// IPC: none at all, the container's own (Docker's default), the task's, the host's.
const IPC_MODES: &[&[&str]] = &[&["none"], &[""], &["task"], &["host"]];
/// A volume's storage: the task's own, or shared with the host or other tasks.
const VOLUME_SOURCES: &[&[&str]] = &[
    &["", "task storage"],
    &["EFS file system", "host directory"],
];
/// Transit encryption and IAM authorisation of an EFS volume: on, or off (the default).
const ON_THEN_OFF: &[&[&str]] = &[&["ENABLED"], &["", "DISABLED"]];

pub(super) fn model(review: &mut Review, model: &Model) {
    let Model {
        project,
        partition,
        cloudformation_exports,
        formats,
        accounts,
        identity_center,
        terraform,
    } = model;
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("project name", Other, Rule::Report, project);
    fields.text("partition", Other, Rule::Report, partition.as_str());
    fields.flag(
        "CloudFormation exports",
        Other,
        Rule::Report,
        *cloudformation_exports,
    );
    for format in formats {
        let name = match format {
            Format::Cloudformation => "cloudformation",
            Format::Terraform => "terraform",
        };
        fields.member("format generated", Deployment, Rule::Report, name.into());
    }
    review.entity(Subject::Project, "project", project.clone(), None, facts);
    for account in accounts {
        self::account(review, account);
    }
    if let Some(center) = identity_center {
        self::identity_center(review, center);
    }
    self::terraform(review, terraform, accounts);
}

fn account(review: &mut Review, account: &Account) {
    let Account {
        name,
        alias,
        id,
        region,
        env,
        deploy_role_arn,
        dev_access,
        task_roles,
        execution_roles,
        task_definitions,
        simulator_role,
        session_policies,
        developer_policy,
        developer_role,
        trusted_roles,
    } = account;
    // Dev access is compared semantically (`compare::dev_access`): by account id.
    review.accounts.push(AccountFacts {
        name: name.clone(),
        id: id.clone(),
        env: env.clone(),
        dev_access: *dev_access,
    });
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("name in the spec", Other, Rule::Report, name);
    fields.text("Terraform provider alias", Other, Rule::Report, alias);
    fields.text("region", Deployment, Rule::Report, region);
    fields.text("env", Other, Rule::Report, env);
    fields.opt_text(
        "deploy role",
        Deployment,
        Rule::Report,
        deploy_role_arn.as_deref(),
    );
    review.entity(
        Subject::Account { id: id.clone() },
        "account",
        name.clone(),
        Some(id),
        facts,
    );
    let roles = task_roles
        .iter()
        .chain(execution_roles)
        .chain(simulator_role)
        .chain(developer_role)
        .chain(trusted_roles);
    for role in roles {
        self::role(review, id, role);
    }
    for definition in task_definitions {
        task_definition(review, id, definition);
    }
    for policy in session_policies {
        session_policy(review, id, policy);
    }
    if let Some(policy) = developer_policy {
        self::developer_policy(review, id, policy);
    }
}

fn role(review: &mut Review, account_id: &str, role: &Role) {
    let Role {
        kind,
        name,
        logical_id,
        terraform,
        path,
        arn,
        description,
        trust_policy,
        inline_policies,
        managed_policy_arns,
        permissions_boundary,
        max_session_duration,
        tags,
    } = role;
    // The role's identity: they are its ARN.
    let _ = (name, path);
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("role kind", Other, Rule::Report, &role_kind_text(kind));
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    fields.number(
        "max session duration (s)",
        Session,
        Rule::Longer,
        *max_session_duration,
    );
    for (key, value) in tags {
        // Access or other by whether a policy reads the key: `compare` knows both sides.
        fields.keyed("tag", key, Other, Rule::Tag, Value::Text(value.clone()));
    }
    // Trust is compared as edges (the trust graph); its text is the safety net.
    document(&mut fields, "trust policy as written", trust_policy);
    let mut statements = BTreeSet::new();
    for policy in inline_policies {
        let InlinePolicy {
            name,
            terraform,
            document,
        } = policy;
        fields.keyed(
            "inline policy",
            name,
            Other,
            Rule::Report,
            Value::Text(terraform.clone()),
        );
        statements.extend(document.statements.iter().map(grant));
    }
    let written: Vec<&Statement> = inline_policies
        .iter()
        .flat_map(|policy| &policy.document.statements)
        .collect();
    fields.put(
        "permissions as written",
        None,
        Other,
        Rule::AsWritten,
        Value::List(as_written(written.iter().copied())),
    );
    fields.put(
        "managed policies as written",
        None,
        Other,
        Rule::AsWritten,
        Value::List(sorted(managed_policy_arns).into_iter().cloned().collect()),
    );
    for statement in trust_policy.statements.iter().chain(written) {
        review.note_tag_keys(statement);
    }
    let subject = Subject::Role { arn: arn.clone() };
    let kind_name = graph::role_kind(kind).name();
    review.holders.insert(
        subject.clone(),
        Holder {
            kind: kind_name,
            label: arn.clone(),
            account_id: account_id.to_string(),
            statements,
            managed: managed_policy_arns.iter().cloned().collect(),
            boundary: permissions_boundary.clone(),
            attachments: BTreeSet::new(),
        },
    );
    review.entity(subject, kind_name, arn.clone(), Some(account_id), facts);
}

fn role_kind_text(kind: &RoleKind) -> String {
    match kind {
        RoleKind::Task(task) => format!("task role of task {task}"),
        RoleKind::Execution(shard) => format!("execution role {shard}"),
        RoleKind::Developer => "developer role".into(),
        RoleKind::Simulator => "simulator role".into(),
        RoleKind::Trusted => "destination role".into(),
    }
}

fn developer_policy(review: &mut Review, account_id: &str, policy: &ManagedPolicy) {
    let ManagedPolicy {
        name,
        logical_id,
        terraform,
        path,
        arn,
        description,
        document,
        attach_to_roles,
        attach_to_groups,
        attach_to_users,
    } = policy;
    // The policy's identity: they are its ARN.
    let _ = (name, path);
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    self::document(&mut fields, "permissions as written", document);
    for statement in &document.statements {
        review.note_tag_keys(statement);
    }
    let listed = [
        ("role", attach_to_roles),
        ("group", attach_to_groups),
        ("user", attach_to_users),
    ];
    let mut written: Vec<String> = listed
        .iter()
        .flat_map(|(kind, names)| names.iter().map(move |name| format!("{kind} {name}")))
        .collect();
    written.sort();
    fields.put(
        "attachments as written",
        None,
        Other,
        Rule::AsWritten,
        Value::List(written),
    );
    let attachments = listed
        .into_iter()
        .flat_map(|(kind, names)| names.iter().map(move |name| (kind, name.clone())))
        .collect();
    let subject = Subject::Policy { arn: arn.clone() };
    review.holders.insert(
        subject.clone(),
        Holder {
            kind: "developer_policy",
            label: arn.clone(),
            account_id: account_id.to_string(),
            statements: document.statements.iter().map(grant).collect(),
            managed: BTreeSet::new(),
            boundary: None,
            attachments,
        },
    );
    review.entity(
        subject,
        "developer_policy",
        arn.clone(),
        Some(account_id),
        facts,
    );
}

fn session_policy(review: &mut Review, account_id: &str, policy: &SessionPolicy) {
    let SessionPolicy {
        task,
        document,
        managed_policy_arns,
    } = policy;
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    if let Some(document) = document {
        self::document(&mut fields, "permissions as written", document);
    }
    let subject = Subject::SessionPolicy {
        account_id: account_id.to_string(),
        task: task.clone(),
    };
    let label = format!("session policy of task {task}");
    review.holders.insert(
        subject.clone(),
        Holder {
            kind: "session_policy",
            label: label.clone(),
            account_id: account_id.to_string(),
            statements: document
                .iter()
                .flat_map(|document| &document.statements)
                .map(grant)
                .collect(),
            managed: managed_policy_arns.iter().cloned().collect(),
            boundary: None,
            attachments: BTreeSet::new(),
        },
    );
    review.entity(subject, "session_policy", label, Some(account_id), facts);
}

/// A policy document as written, order-free: the safety net behind its semantic comparison.
fn document(fields: &mut Writer<'_>, name: &'static str, document: &PolicyDocument) {
    let PolicyDocument {
        version,
        statements,
    } = document;
    let mut written = as_written(statements.iter());
    written.insert(0, format!("Version {version}"));
    fields.put(name, None, Other, Rule::AsWritten, Value::List(written));
}

/// Statements as written (Sid, spelling, repeats), each with its lists sorted: reordering
/// is no change, but every other edit of the text is one.
fn as_written<'s>(statements: impl Iterator<Item = &'s Statement>) -> Vec<String> {
    let mut written: Vec<String> = statements
        .map(|statement| {
            let Statement {
                sid,
                effect,
                principal,
                actions,
                resources,
                condition,
            } = statement;
            let principals: Vec<String> = match principal {
                Some(Principal::Service(service)) => vec![format!("Service {service}")],
                Some(Principal::Aws(arns)) => arns.iter().map(|arn| format!("AWS {arn}")).collect(),
                None => Vec::new(),
            };
            let mut clauses: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
            for (operator, keys) in condition {
                for (key, value) in keys {
                    let mut values: Vec<String> = match value {
                        serde_json::Value::Array(items) => items.iter().map(plain).collect(),
                        one => vec![plain(one)],
                    };
                    values.sort();
                    clauses.entry(operator).or_default().insert(key, values);
                }
            }
            serde_json::json!({
                "Sid": sid,
                "Effect": effect,
                "Principal": sorted(&principals),
                "Action": sorted(actions),
                "Resource": sorted(resources),
                "Condition": clauses,
            })
            .to_string()
        })
        .collect();
    written.sort();
    written
}

/// A condition value as written: a string as itself, anything else as JSON.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A list sorted, repeats kept: order is no change, a repeat is (the output repeats it).
fn sorted(items: &[String]) -> Vec<&String> {
    let mut items: Vec<&String> = items.iter().collect();
    items.sort();
    items
}

fn task_definition(review: &mut Review, account_id: &str, definition: &TaskDefinition) {
    let TaskDefinition {
        task,
        logical_id,
        log_group_logical_id,
        terraform,
        family,
        task_role_arn,
        execution_role_arn,
        cpu,
        memory,
        network_mode,
        requires_compatibilities,
        runtime_platform,
        ephemeral_storage_gib,
        pid_mode,
        ipc_mode,
        volumes,
        containers,
        log_group,
    } = definition;
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("task in the spec", Other, Rule::Report, task);
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text(
        "log group logical id",
        Other,
        Rule::Report,
        log_group_logical_id,
    );
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("task role", Access, Rule::RunsAs, task_role_arn);
    fields.text("execution role", Access, Rule::RunsAs, execution_role_arn);
    fields.opt_text("cpu", Other, Rule::Report, cpu.as_deref());
    fields.opt_text("memory", Other, Rule::Report, memory.as_deref());
    fields.text(
        "network mode",
        Exposure,
        Rule::Levels(NETWORK_MODES),
        network_mode,
    );
    for launch_type in requires_compatibilities {
        // On EC2 the task shares an instance (its kernel, its metadata service) with others.
        let rule = if *launch_type == "EC2" {
            Rule::Grows
        } else {
            Rule::Report
        };
        fields.member("launch type", Exposure, rule, launch_type.to_string());
    }
    if let Some(platform) = runtime_platform {
        let RuntimePlatform {
            cpu_architecture,
            operating_system_family,
        } = platform;
        fields.opt_text("CPU architecture", Other, Rule::Report, *cpu_architecture);
        fields.opt_text(
            "operating system",
            Other,
            Rule::Report,
            *operating_system_family,
        );
    }
    fields.opt_number(
        "ephemeral storage (GiB)",
        Other,
        Rule::Report,
        *ephemeral_storage_gib,
    );
    fields.opt_text("pid mode", Exposure, Rule::Levels(PID_MODES), *pid_mode);
    fields.opt_text("ipc mode", Exposure, Rule::Levels(IPC_MODES), *ipc_mode);
    if let Some(group) = log_group {
        let LogGroup {
            name,
            retention_in_days,
        } = group;
        fields.text("log group", Other, Rule::Report, name);
        fields.opt_number(
            "log retention (days)",
            Other,
            Rule::Report,
            *retention_in_days,
        );
    }
    for volume in volumes {
        self::volume(&mut facts, volume);
    }
    for container in containers {
        super::containers::container(&mut facts, container);
    }
    review.entity(
        Subject::TaskDefinition {
            account_id: account_id.to_string(),
            family: family.clone(),
        },
        "task_definition",
        family.clone(),
        Some(account_id),
        facts,
    );
}

fn volume(facts: &mut Facts, volume: &Volume) {
    let Volume {
        name,
        host_source_path,
        efs,
    } = volume;
    let mut fields = facts.part(Some(Part {
        kind: "volume",
        name: name.clone(),
    }));
    let source = match (host_source_path, efs) {
        (_, Some(_)) => "EFS file system",
        (Some(_), None) => "host directory",
        (None, None) => "task storage",
    };
    fields.text("volume", Exposure, Rule::Levels(VOLUME_SOURCES), source);
    fields.opt_text(
        "host path",
        Exposure,
        Rule::Path,
        host_source_path.as_deref(),
    );
    if let Some(efs) = efs {
        let EfsVolume {
            file_system_id,
            root_directory,
            transit_encryption,
            transit_encryption_port,
            access_point_id,
            iam,
        } = efs;
        fields.text("EFS file system", Exposure, Rule::Grows, file_system_id);
        // EFS mounts the file system's root when no directory is given.
        fields.text(
            "EFS root directory",
            Exposure,
            Rule::Path,
            root_directory.as_deref().unwrap_or("/"),
        );
        fields.opt_text(
            "EFS transit encryption",
            Exposure,
            Rule::Levels(ON_THEN_OFF),
            *transit_encryption,
        );
        fields.opt_number(
            "EFS transit encryption port",
            Other,
            Rule::Report,
            *transit_encryption_port,
        );
        fields.opt_text(
            "EFS access point",
            Exposure,
            Rule::Grows,
            access_point_id.as_deref(),
        );
        fields.opt_text(
            "EFS IAM authorisation",
            Exposure,
            Rule::Levels(ON_THEN_OFF),
            *iam,
        );
    }
}

fn identity_center(review: &mut Review, center: &IdentityCenter) {
    let IdentityCenter {
        account,
        account_id,
        region,
        instance_arn,
        start_url,
        permission_sets,
    } = center;
    // The account by its id; its name in the spec is the account's own fact.
    let _ = account;
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text(
        "administered in account",
        Deployment,
        Rule::Report,
        account_id,
    );
    fields.text("region", Deployment, Rule::Report, region);
    fields.text("instance", Deployment, Rule::Report, instance_arn);
    fields.opt_text(
        "access portal URL",
        Other,
        Rule::Report,
        start_url.as_deref(),
    );
    review.entity(
        Subject::IdentityCenter,
        "identity_center",
        instance_arn.clone(),
        Some(account_id),
        facts,
    );
    for set in permission_sets {
        permission_set(review, center, set);
    }
}

fn permission_set(review: &mut Review, center: &IdentityCenter, set: &PermissionSet) {
    let PermissionSet {
        name,
        logical_id,
        terraform,
        description,
        session_duration,
        managed_policy_arns,
        developer_policy,
        accounts,
        assignments,
    } = set;
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    fields.text("session duration", Session, Rule::Longer, session_duration);
    fields.members("managed policy", Access, Rule::Grows, managed_policy_arns);
    if let Some(reference) = developer_policy {
        let PolicyReference { name, path } = reference;
        fields.text(
            "customer managed policy",
            Access,
            Rule::Grows,
            &format!("{path}{name}"),
        );
    }
    // Accounts by id, as AWS provisions them; a name unknown to this side stays a name.
    for account in accounts {
        let id = review
            .accounts
            .iter()
            .find(|known| &known.name == account)
            .map_or_else(|| account.clone(), |known| known.id.clone());
        fields.member("account", Access, Rule::Grows, id);
    }
    for assignment in assignments {
        let Assignment {
            account,
            account_id,
            group_id,
            logical_id,
            terraform,
        } = assignment;
        let _ = account; // by its id
        let key = format!("group {group_id} in account {account_id}");
        fields.member("assignment", Access, Rule::Grows, key.clone());
        fields.keyed(
            "assignment CloudFormation logical id",
            &key,
            Other,
            Rule::Report,
            Value::Text(logical_id.clone()),
        );
        fields.keyed(
            "assignment Terraform address",
            &key,
            Other,
            Rule::Report,
            Value::Text(terraform.clone()),
        );
    }
    review.entity(
        Subject::PermissionSet {
            instance: center.instance_arn.clone(),
            name: name.clone(),
        },
        "permission_set",
        name.clone(),
        Some(&center.account_id),
        facts,
    );
}

fn terraform(review: &mut Review, terraform: &Terraform, accounts: &[Arc<Account>]) {
    let Terraform {
        layout,
        backend,
        roots,
        cycle,
    } = terraform;
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text(
        "terraform layout",
        Deployment,
        Rule::Report,
        terraform.layout_name(),
    );
    let _ = layout; // named by `layout_name`
    if let Some(backend) = backend {
        let S3Backend {
            bucket,
            region,
            key_prefix,
            use_lockfile,
            dynamodb_table,
            role_arn,
            partial,
        } = backend;
        fields.text("state bucket", Deployment, Rule::Report, bucket);
        fields.text("state region", Deployment, Rule::Report, region);
        fields.text("state key prefix", Deployment, Rule::Report, key_prefix);
        fields.flag("state lock file", Deployment, Rule::Report, *use_lockfile);
        fields.opt_text(
            "state lock table",
            Deployment,
            Rule::Report,
            dynamodb_table.as_deref(),
        );
        fields.opt_text("state role", Deployment, Rule::Report, role_arn.as_deref());
        fields.flag(
            "partial backend settings",
            Deployment,
            Rule::Report,
            *partial,
        );
    }
    fields.members("roots in a cycle", Other, Rule::Report, cycle);
    review.entity(
        Subject::Terraform,
        "terraform",
        "layout and state".into(),
        None,
        facts,
    );
    for root in roots {
        self::root(review, terraform, root, accounts);
    }
}

fn root(review: &mut Review, terraform: &Terraform, root: &Root, accounts: &[Arc<Account>]) {
    let Root {
        kind,
        account,
        name,
        dir,
        region,
        state_key,
        after,
        stage,
    } = root;
    let account_id = accounts
        .iter()
        .find(|a| &a.name == account)
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let mut facts = Facts::default();
    let mut fields = facts.part(None);
    fields.text("root name", Deployment, Rule::Report, name);
    fields.text("directory", Deployment, Rule::Report, dir);
    fields.text("provider region", Deployment, Rule::Report, region);
    fields.opt_text("state key", Deployment, Rule::Report, state_key.as_deref());
    let _ = after; // as the directories it waits for:
    for dir in terraform.after_dirs(root) {
        fields.member("applied after", Deployment, Rule::Report, dir.to_string());
    }
    fields.number(
        "stage",
        Deployment,
        Rule::Report,
        i64::try_from(*stage).unwrap_or(i64::MAX),
    );
    review.entity(
        Subject::TerraformRoot {
            kind: match kind {
                RootKind::Single => "single",
                RootKind::Account => "account",
                RootKind::Trust => "trust",
                RootKind::IdentityCenter => "identity_center",
            },
            account_id: account_id.clone(),
        },
        "terraform_root",
        dir.clone(),
        (!account_id.is_empty()).then_some(account_id.as_str()),
        facts,
    );
}
