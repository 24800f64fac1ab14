//! Production stays out of developers' reach: a role outside dev-access accounts that
//! developers can chain into (through a task they may act as) is an error naming the
//! chain, unless the spec opts in by name where a reviewer sees it
//! (`[roles.X] allow_developer_reach = true`, or the ARN in the source's
//! `allow_developer_reach_to`).

use super::Findings;
use crate::diagnostic::{Code, PathSegment};
use crate::model::{developer_reach, Hop, Model, Reach, RoleKind};
use crate::path;
use crate::spec::Spec;

pub(super) fn developer_reach_outside_dev(spec: &Spec, model: &Model, findings: &mut Findings) {
    for reach in developer_reach(model) {
        let target = reach.target();
        if target.dev_access || opted_in(spec, &reach) {
            continue;
        }
        let (location, help) = grant_location(spec, &reach);
        findings.at(
            Code::DeveloperReachOutsideDev,
            location,
            format!(
                "developers can reach a role outside dev-access accounts: {}",
                describe_chain(spec, &reach)
            ),
            help,
        );
    }
}

fn opted_in(spec: &Spec, reach: &Reach) -> bool {
    let target = reach.target();
    if let (Some(RoleKind::Trusted), Some(name)) = (&target.kind, &target.name) {
        if spec
            .roles
            .get(name)
            .is_some_and(|role| role.allow_developer_reach)
        {
            return true;
        }
    }
    let source = reach.source();
    let listed = |list: &[String]| list.contains(&target.via);
    match (&source.kind, &source.name) {
        (Some(RoleKind::Task(task)), _) => spec
            .tasks
            .get(task)
            .is_some_and(|t| listed(&t.allow_developer_reach_to)),
        (Some(RoleKind::Trusted), Some(name)) => spec
            .roles
            .get(name)
            .is_some_and(|r| listed(&r.allow_developer_reach_to)),
        // The simulator holds the union of its account's tasks: the task granting the
        // step carries the opt-in.
        (Some(RoleKind::Simulator), _) => spec
            .tasks
            .values()
            .filter(|task| Some(&task.account) == source.account.as_ref())
            .any(|task| listed(&task.allow_developer_reach_to)),
        _ => false,
    }
}

/// Where the spec grants the last step, and the help line that fits it.
fn grant_location(spec: &Spec, reach: &Reach) -> (Vec<PathSegment>, String) {
    let (source, target) = (reach.source(), reach.target());
    let via = target.via.as_str();
    let opt_in_to = |table: String| {
        format!("if developers may really reach it, add \"{via}\" to allow_developer_reach_to in {table}; otherwise let dev tasks assume only roles in dev-access accounts")
    };
    let tasks: Vec<&String> = match (&source.kind, &source.account) {
        (Some(RoleKind::Task(task)), _) => vec![task],
        (Some(RoleKind::Simulator), Some(account)) => spec
            .tasks
            .iter()
            .filter(|(_, task)| &task.account == account)
            .map(|(name, _)| name)
            .collect(),
        _ => Vec::new(),
    };
    for name in tasks {
        let Some(task) = spec.tasks.get(name) else {
            continue;
        };
        if let Some(index) = task.assume_role_arns.iter().position(|arn| arn == via) {
            return (
                path!["tasks", name, "assume_role_arns", index],
                opt_in_to(format!("[tasks.{name}]")),
            );
        }
        if let Some(at) = statement_resource(&task.statements, via) {
            return (
                [path!["tasks", name, "statements"], at].concat(),
                opt_in_to(format!("[tasks.{name}]")),
            );
        }
        if let (Some(RoleKind::Trusted), Some(role)) = (&target.kind, &target.name) {
            if let Some(index) = spec
                .roles
                .get(role)
                .and_then(|r| r.trusted_tasks.iter().position(|t| t == name))
            {
                return (
                    path!["roles", role, "trusted_tasks", index],
                    format!("if developers may really reach `{role}`, set allow_developer_reach = true in [roles.{role}]; otherwise pair dev tasks only with roles in dev-access accounts"),
                );
            }
        }
    }
    if let (Some(RoleKind::Trusted), Some(name)) = (&source.kind, &source.name) {
        if let Some(at) = spec
            .roles
            .get(name)
            .and_then(|r| statement_resource(&r.statements, via))
        {
            return (
                [path!["roles", name, "statements"], at].concat(),
                opt_in_to(format!("[roles.{name}]")),
            );
        }
    }
    (
        path!["dev_access", "mode"],
        "keep what developers can act as inside dev-access accounts".into(),
    )
}

/// `[index, "resources", index]` of the statement resource equal to `via`.
fn statement_resource(
    statements: &[crate::spec::Statement],
    via: &str,
) -> Option<Vec<PathSegment>> {
    statements
        .iter()
        .enumerate()
        .find_map(|(index, statement)| {
            statement
                .resources
                .iter()
                .position(|resource| resource == via)
                .map(|at| path![index, "resources", at])
        })
}

/// "developers → task `api` (account `core`) → role `ledger-writer` (account `ledger`, env
/// `test`, no developer access)".
pub(super) fn describe_chain(spec: &Spec, reach: &Reach) -> String {
    reach
        .chain
        .iter()
        .map(|hop| describe_hop(spec, hop))
        .fold("developers".to_string(), |text, hop| {
            format!("{text} → {hop}")
        })
}

fn describe_hop(spec: &Spec, hop: &Hop) -> String {
    if let (Some(set), Some(account)) = (&hop.permission_set, &hop.account) {
        return format!("permission set `{set}` (its session in account `{account}`)");
    }
    let what = match (&hop.kind, &hop.name) {
        (Some(RoleKind::Task(task)), _) => format!("task `{task}`"),
        (Some(RoleKind::Simulator), _) => "the simulator role".to_string(),
        (Some(RoleKind::Developer), Some(name)) => format!("developer role `{name}`"),
        (Some(_), Some(name)) => format!("role `{name}`"),
        _ => format!("`{}`", hop.role_arn),
    };
    let place = match &hop.account {
        Some(account) => {
            let env = spec.accounts.get(account).map_or("", |a| a.env.as_str());
            if hop.dev_access {
                format!("account `{account}`")
            } else {
                format!("account `{account}`, env `{env}`, no developer access")
            }
        }
        None => {
            let id = crate::model::Arn::parse(&hop.role_arn).map_or("", |a| a.account);
            format!("account {id}, not in this spec")
        }
    };
    format!("{what} ({place})")
}

/// Each `allow_developer_reach_to` entry names a role its task or role may assume.
pub(super) fn unknown_reach_opt_in(spec: &Spec, findings: &mut Findings) {
    let grants = |statements: &[crate::spec::Statement], extra: &[String], arn: &str| {
        extra.iter().any(|a| a == arn)
            || statements
                .iter()
                .any(|s| s.resources.iter().any(|r| r == arn))
    };
    let entries = spec
        .tasks
        .iter()
        .map(|(name, task)| {
            (
                path!["tasks", name, "allow_developer_reach_to"],
                &task.allow_developer_reach_to,
                &task.statements,
                task.assume_role_arns.as_slice(),
            )
        })
        .chain(spec.roles.iter().map(|(name, role)| {
            (
                path!["roles", name, "allow_developer_reach_to"],
                &role.allow_developer_reach_to,
                &role.statements,
                &[][..],
            )
        }));
    for (at, listed, statements, assume) in entries {
        for (index, arn) in listed.iter().enumerate() {
            if !grants(statements, assume, arn) {
                findings.at(
                    Code::UnknownReachOptIn,
                    [at.clone(), path![index]].concat(),
                    format!("`{arn}` is not a role this entry may assume"),
                    "list only ARNs from its assume_role_arns or its statements' resources, exactly as written there",
                );
            }
        }
    }
}
