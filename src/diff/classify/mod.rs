//! Every field of the model, classified once for a reviewer: what a change of it means
//! (a `Kind`) and when it broadens (a `Rule`), or which semantic comparison owns it
//! (grants, trust, reach, dev access). One file per part of the model: roles and
//! policies (`roles.rs`), task definitions (`tasks.rs`) and their containers
//! (`containers.rs`), IAM Identity Center and Terraform (`deployment.rs`).
//!
//! Complete by construction: each model struct is destructured without `..`, so a field
//! added to the model does not compile until someone decides here what it means to a
//! reviewer. A field that is part of an entity's identity (a role's name and path are its
//! ARN) is bound and said so; nothing is dropped silently.

mod bootstrap;
mod containers;
mod deployment;
mod roles;
mod tasks;

use std::collections::BTreeMap;
use std::sync::Arc;

use super::fields::{Facts, Rule, Stored, Writer};
use super::review::{AccountFacts, Review, Subject};
use super::strings::{FxHashMap, ListId, Strings, Sym};
use super::Kind::{Deployment, Other};
use crate::model::policy::{PolicyDocument, Principal, Statement};
use crate::model::{Account, Model, PartitionExt, RoleKind};
use crate::spec::Format;

pub(crate) use tasks::{volume_source, TASK_STORAGE};

/// A new entity's facts, written through `Writer`s, then filed under its subject.
pub(super) struct Building<'b> {
    facts: Facts,
    pub(super) strings: &'b mut Strings,
}

impl<'b> Building<'b> {
    pub(super) fn new(strings: &'b mut Strings) -> Self {
        Building {
            facts: Facts::default(),
            strings,
        }
    }

    /// A writer of the entity's own fields.
    pub(super) fn fields(&mut self) -> Writer<'_> {
        Writer {
            facts: &mut self.facts,
            strings: self.strings,
            part: None,
        }
    }

    pub(super) fn file(
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
        bootstrap,
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
        deployment::identity_center(review, strings, center);
    }
    if let Some(bootstrap) = bootstrap {
        self::bootstrap::bootstrap(review, strings, bootstrap);
    }
    deployment::terraform(review, strings, terraform, accounts);
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
        ..
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
    account_contents(review, strings, account);
}

/// What an account holds: its roles, task definitions and policies (its own fields are
/// `account`'s). The StackSet's baseline is classified by this too.
fn account_contents(review: &mut Review, strings: &mut Strings, account: &Account) {
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
    // The account's own fields: `account` classifies them (the baseline has none a
    // reviewer needs beyond its StackSet's).
    let _ = (name, alias, region, env, deploy_role_arn, dev_access);
    let roles = task_roles
        .iter()
        .chain(execution_roles)
        .chain(simulator_role)
        .chain(developer_role)
        .chain(trusted_roles);
    let mut trusts = SharedTrusts::default();
    for role in roles {
        roles::role(review, strings, &mut trusts, id, role);
    }
    for definition in task_definitions {
        tasks::task_definition(review, strings, id, definition);
    }
    // By the task's role, which `assume` narrows: a task renamed keeps its policy.
    let task_role_arns: FxHashMap<&str, &str> = task_roles
        .iter()
        .filter_map(|role| match &role.kind {
            RoleKind::Task(task) => Some((task.as_str(), role.arn.as_str())),
            _ => None,
        })
        .collect();
    for policy in session_policies {
        let role = task_role_arns
            .get(policy.task.as_str())
            .copied()
            .unwrap_or(policy.task.as_str());
        roles::session_policy(review, strings, id, role, policy);
    }
    if let Some(policy) = developer_policy {
        roles::developer_policy(review, strings, id, policy);
    }
}

/// A policy document as written, order-free: the safety net behind its semantic comparison.
pub(super) fn document(fields: &mut Writer<'_>, name: &'static str, document: &PolicyDocument) {
    let lines = document_as_written(document);
    fields.list(
        name,
        Other,
        Rule::AsWritten,
        lines.iter().map(String::as_str),
    );
}

fn document_as_written(document: &PolicyDocument) -> Vec<String> {
    let PolicyDocument {
        version,
        statements,
    } = document;
    let mut lines = as_written(statements.iter());
    lines.insert(0, format!("Version {version}"));
    lines
}

/// The trust policies of one account's roles already written out, by document: the model
/// gives an account's task roles one shared trust policy (`Arc`), and writing it out once
/// per role was most of classifying them. Keyed by address: the model, alive while its
/// account is classified, keeps each address one document's.
#[derive(Default)]
pub(super) struct SharedTrusts(FxHashMap<*const PolicyDocument, ListId>);

impl SharedTrusts {
    /// `document` as written, a list of the shared table; and whether this is its first
    /// role (the statements are read for tag keys once).
    pub(super) fn as_written(
        &mut self,
        strings: &mut Strings,
        document: &Arc<PolicyDocument>,
    ) -> (Stored, bool) {
        if let Some(&list) = self.0.get(&Arc::as_ptr(document)) {
            return (Stored::List(list), false);
        }
        let lines: Vec<Sym> = document_as_written(document)
            .iter()
            .map(|line| strings.intern(line))
            .collect();
        let list = strings.intern_list(&lines);
        self.0.insert(Arc::as_ptr(document), list);
        (Stored::List(list), true)
    }
}

/// Statements as written (Sid, spelling, repeats), each with its lists sorted: reordering
/// is no change, but every other edit of the text is one.
pub(super) fn as_written<'s>(statements: impl Iterator<Item = &'s Statement>) -> Vec<String> {
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
pub(super) fn sorted(items: &[String]) -> impl Iterator<Item = &str> {
    let mut items: Vec<&str> = items.iter().map(String::as_str).collect();
    items.sort_unstable();
    items.into_iter()
}
