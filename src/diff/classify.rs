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

use super::fields::{Facts, Rule, Scale, Writer};
use super::review::{grants, AccountFacts, Holder, Review, Subject};
use super::strings::Strings;
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

/// A new entity's facts, written through `Writer`s, then filed under its subject.
struct Building<'b> {
    facts: Facts,
    strings: &'b mut Strings,
}

impl<'b> Building<'b> {
    fn new(strings: &'b mut Strings) -> Self {
        Building {
            facts: Facts::default(),
            strings,
        }
    }

    /// A writer of the entity's own fields.
    fn fields(&mut self) -> Writer<'_> {
        Writer {
            facts: &mut self.facts,
            strings: self.strings,
            part: None,
        }
    }

    fn file(
        self,
        review: &mut Review,
        subject: Subject,
        kind: &'static str,
        label: &str,
        account_id: Option<&str>,
    ) {
        let label = self.strings.intern(label);
        let account_id = account_id.map(|id| self.strings.intern(id));
        review.entity(subject, kind, label, account_id, self.facts, self.strings);
    }
}

pub(super) fn model(review: &mut Review, strings: &mut Strings, model: &Model) {
    let Model {
        project,
        partition,
        cloudformation_exports,
        formats,
        accounts,
        identity_center,
        terraform,
    } = model;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
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
        fields.member("format generated", Deployment, Rule::Report, name);
    }
    entity.file(review, Subject::Project, "project", project, None);
    for account in accounts {
        self::account(review, strings, account);
    }
    if let Some(center) = identity_center {
        self::identity_center(review, strings, center);
    }
    self::terraform(review, strings, terraform, accounts);
}

fn account(review: &mut Review, strings: &mut Strings, account: &Account) {
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
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
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
    let subject = Subject::Account {
        id: entity.strings.intern(id),
    };
    entity.file(review, subject, "account", name, Some(id));
    let roles = task_roles
        .iter()
        .chain(execution_roles)
        .chain(simulator_role)
        .chain(developer_role)
        .chain(trusted_roles);
    for role in roles {
        self::role(review, strings, id, role);
    }
    for definition in task_definitions {
        task_definition(review, strings, id, definition);
    }
    for policy in session_policies {
        session_policy(review, strings, id, policy);
    }
    if let Some(policy) = developer_policy {
        self::developer_policy(review, strings, id, policy);
    }
}

fn role(review: &mut Review, strings: &mut Strings, account_id: &str, role: &Role) {
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
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
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
        fields.keyed("tag", key, Other, Rule::Tag, value);
    }
    // Trust is compared as edges (the trust graph); its text is the safety net.
    document(&mut fields, "trust policy as written", trust_policy);
    for policy in inline_policies {
        let InlinePolicy {
            name,
            terraform,
            document,
        } = policy;
        // The document: as grants (the holder's) and as written (below).
        let _ = document;
        fields.keyed("inline policy", name, Other, Rule::Report, terraform);
    }
    let written: Vec<&Statement> = inline_policies
        .iter()
        .flat_map(|policy| &policy.document.statements)
        .collect();
    let lines = as_written(written.iter().copied());
    fields.list(
        "permissions as written",
        Other,
        Rule::AsWritten,
        lines.iter().map(String::as_str),
    );
    fields.list(
        "managed policies as written",
        Other,
        Rule::AsWritten,
        sorted(managed_policy_arns),
    );
    for statement in trust_policy
        .statements
        .iter()
        .chain(written.iter().copied())
    {
        review.note_tag_keys(statement);
    }
    let strings = &mut *entity.strings;
    let arn_sym = strings.intern(arn);
    let kind_name = graph::role_kind(kind).name();
    let holder = Holder {
        kind: kind_name,
        label: arn_sym,
        account_id: strings.intern(account_id),
        statements: grants(written.into_iter(), strings),
        managed: managed_policy_arns
            .iter()
            .map(|arn| strings.intern(arn))
            .collect(),
        boundary: permissions_boundary.as_deref().map(|b| strings.intern(b)),
        attachments: BTreeSet::new(),
    };
    let subject = Subject::Role { arn: arn_sym };
    review.holders.insert(subject, holder);
    entity.file(review, subject, kind_name, arn, Some(account_id));
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

fn developer_policy(
    review: &mut Review,
    strings: &mut Strings,
    account_id: &str,
    policy: &ManagedPolicy,
) {
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
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    self::document(&mut fields, "permissions as written", document);
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
    fields.list(
        "attachments as written",
        Other,
        Rule::AsWritten,
        written.iter().map(String::as_str),
    );
    for statement in &document.statements {
        review.note_tag_keys(statement);
    }
    let strings = &mut *entity.strings;
    let arn_sym = strings.intern(arn);
    let holder = Holder {
        kind: "developer_policy",
        label: arn_sym,
        account_id: strings.intern(account_id),
        statements: grants(document.statements.iter(), strings),
        managed: BTreeSet::new(),
        boundary: None,
        attachments: listed
            .into_iter()
            .flat_map(|(kind, names)| names.iter().map(move |name| (kind, name)))
            .map(|(kind, name)| (kind, strings.intern(name)))
            .collect(),
    };
    let subject = Subject::Policy { arn: arn_sym };
    review.holders.insert(subject, holder);
    entity.file(review, subject, "developer_policy", arn, Some(account_id));
}

fn session_policy(
    review: &mut Review,
    strings: &mut Strings,
    account_id: &str,
    policy: &SessionPolicy,
) {
    let SessionPolicy {
        task,
        document,
        managed_policy_arns,
    } = policy;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    if let Some(document) = document {
        self::document(&mut fields, "permissions as written", document);
    }
    fields.list(
        "managed policies as written",
        Other,
        Rule::AsWritten,
        sorted(managed_policy_arns),
    );
    let label = format!("session policy of task {task}");
    let strings = &mut *entity.strings;
    let subject = Subject::SessionPolicy {
        account_id: strings.intern(account_id),
        task: strings.intern(task),
    };
    let holder = Holder {
        kind: "session_policy",
        label: strings.intern(&label),
        account_id: strings.intern(account_id),
        statements: grants(
            document.iter().flat_map(|document| &document.statements),
            strings,
        ),
        managed: managed_policy_arns
            .iter()
            .map(|arn| strings.intern(arn))
            .collect(),
        boundary: None,
        attachments: BTreeSet::new(),
    };
    review.holders.insert(subject, holder);
    entity.file(review, subject, "session_policy", &label, Some(account_id));
}

/// A policy document as written, order-free: the safety net behind its semantic comparison.
fn document(fields: &mut Writer<'_>, name: &'static str, document: &PolicyDocument) {
    let PolicyDocument {
        version,
        statements,
    } = document;
    let mut lines = as_written(statements.iter());
    lines.insert(0, format!("Version {version}"));
    fields.list(
        name,
        Other,
        Rule::AsWritten,
        lines.iter().map(String::as_str),
    );
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
            let mut line = String::new();
            if let Some(sid) = sid {
                line.push_str(&format!("Sid {sid:?} "));
            }
            line.push_str(&format!("{effect:?}"));
            if !principals.is_empty() {
                let principals: Vec<&str> = sorted(&principals).collect();
                line.push_str(&format!(" Principal {principals:?}"));
            }
            line.push_str(&format!(
                " Action {:?} Resource {:?}",
                sorted(actions).collect::<Vec<_>>(),
                sorted(resources).collect::<Vec<_>>()
            ));
            if !clauses.is_empty() {
                line.push_str(&format!(" Condition {clauses:?}"));
            }
            line
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
fn sorted(items: &[String]) -> impl Iterator<Item = &str> {
    let mut items: Vec<&str> = items.iter().map(String::as_str).collect();
    items.sort_unstable();
    items.into_iter()
}

fn task_definition(
    review: &mut Review,
    strings: &mut Strings,
    account_id: &str,
    definition: &TaskDefinition,
) {
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
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
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
        Rule::Levels(Scale::NetworkMode),
        network_mode,
    );
    for launch_type in requires_compatibilities {
        // On EC2 the task shares an instance (its kernel, its metadata service) with others.
        let rule = if *launch_type == "EC2" {
            Rule::Grows
        } else {
            Rule::Report
        };
        fields.member("launch type", Exposure, rule, launch_type);
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
    fields.opt_text(
        "pid mode",
        Exposure,
        Rule::Levels(Scale::PidMode),
        *pid_mode,
    );
    fields.opt_text(
        "ipc mode",
        Exposure,
        Rule::Levels(Scale::IpcMode),
        *ipc_mode,
    );
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
        self::volume(&mut fields, volume);
    }
    for container in containers {
        super::containers::container(&mut fields, container);
    }
    let subject = Subject::TaskDefinition {
        account_id: entity.strings.intern(account_id),
        family: entity.strings.intern(family),
    };
    entity.file(review, subject, "task_definition", family, Some(account_id));
}

fn volume(fields: &mut Writer<'_>, volume: &Volume) {
    let Volume {
        name,
        host_source_path,
        efs,
    } = volume;
    let mut fields = fields.part("volume", name);
    let source = match (host_source_path, efs) {
        (_, Some(_)) => "EFS file system",
        (Some(_), None) => "host directory",
        (None, None) => "task storage",
    };
    fields.text(
        "volume",
        Exposure,
        Rule::Levels(Scale::VolumeSource),
        source,
    );
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
            Rule::Levels(Scale::OnThenOff),
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
            Rule::Levels(Scale::OnThenOff),
            *iam,
        );
    }
}

fn identity_center(review: &mut Review, strings: &mut Strings, center: &IdentityCenter) {
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
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
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
    entity.file(
        review,
        Subject::IdentityCenter,
        "identity_center",
        instance_arn,
        Some(account_id),
    );
    for set in permission_sets {
        permission_set(review, strings, center, set);
    }
}

fn permission_set(
    review: &mut Review,
    strings: &mut Strings,
    center: &IdentityCenter,
    set: &PermissionSet,
) {
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
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("CloudFormation logical id", Other, Rule::Report, logical_id);
    fields.text("Terraform address", Other, Rule::Report, terraform);
    fields.text("description", Other, Rule::Report, description);
    fields.text("session duration", Session, Rule::Longer, session_duration);
    fields.members(
        "managed policy",
        Access,
        Rule::Grows,
        managed_policy_arns.iter().map(String::as_str),
    );
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
            .map_or(account.as_str(), |known| known.id.as_str());
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
        fields.member("assignment", Access, Rule::Grows, &key);
        fields.keyed(
            "assignment CloudFormation logical id",
            &key,
            Other,
            Rule::Report,
            logical_id,
        );
        fields.keyed(
            "assignment Terraform address",
            &key,
            Other,
            Rule::Report,
            terraform,
        );
    }
    let subject = Subject::PermissionSet {
        instance: entity.strings.intern(&center.instance_arn),
        name: entity.strings.intern(name),
    };
    entity.file(
        review,
        subject,
        "permission_set",
        name,
        Some(&center.account_id),
    );
}

fn terraform(
    review: &mut Review,
    strings: &mut Strings,
    terraform: &Terraform,
    accounts: &[Arc<Account>],
) {
    let Terraform {
        layout,
        backend,
        roots,
        cycle,
    } = terraform;
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    let _ = layout; // named by `layout_name`
    fields.text(
        "terraform layout",
        Deployment,
        Rule::Report,
        terraform.layout_name(),
    );
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
    fields.members(
        "roots in a cycle",
        Other,
        Rule::Report,
        cycle.iter().map(String::as_str),
    );
    entity.file(
        review,
        Subject::Terraform,
        "terraform",
        "layout and state",
        None,
    );
    for root in roots {
        self::root(review, strings, terraform, root, accounts);
    }
}

fn root(
    review: &mut Review,
    strings: &mut Strings,
    terraform: &Terraform,
    root: &Root,
    accounts: &[Arc<Account>],
) {
    let Root {
        kind,
        account,
        name,
        dir,
        region,
        state_key,
        state_bucket,
        state_role_arn,
        after,
        stage,
    } = root;
    let account_id = accounts
        .iter()
        .find(|a| &a.name == account)
        .map_or("", |a| a.id.as_str());
    let mut entity = Building::new(strings);
    let mut fields = entity.fields();
    fields.text("root name", Deployment, Rule::Report, name);
    fields.text("directory", Deployment, Rule::Report, dir);
    fields.text("provider region", Deployment, Rule::Report, region);
    fields.opt_text("state key", Deployment, Rule::Report, state_key.as_deref());
    // Where the root's state lives and who reaches it: the backend's settings with
    // `{account_id}` read as this root's account. Reported where that made them the
    // root's own; as written, the layout's own facts report them.
    let written = terraform.backend.as_ref();
    fn own<'a>(resolved: Option<&'a str>, setting: Option<&str>) -> Option<&'a str> {
        resolved.filter(|resolved| Some(*resolved) != setting)
    }
    fields.opt_text(
        "state bucket",
        Deployment,
        Rule::Report,
        own(state_bucket.as_deref(), written.map(|b| b.bucket.as_str())),
    );
    fields.opt_text(
        "state role",
        Deployment,
        Rule::Report,
        own(
            state_role_arn.as_deref(),
            written.and_then(|b| b.role_arn.as_deref()),
        ),
    );
    let _ = after; // as the directories it waits for:
    fields.members(
        "applied after",
        Deployment,
        Rule::Report,
        terraform.after_dirs(root),
    );
    fields.number(
        "stage",
        Deployment,
        Rule::Report,
        i64::try_from(*stage).unwrap_or(i64::MAX),
    );
    let subject = Subject::TerraformRoot {
        kind: match kind {
            RootKind::Single => "single",
            RootKind::Account => "account",
            RootKind::Trust => "trust",
            RootKind::IdentityCenter => "identity_center",
        },
        account_id: entity.strings.intern(account_id),
    };
    let account_id = (!account_id.is_empty()).then_some(account_id);
    entity.file(review, subject, "terraform_root", dir, account_id);
}
