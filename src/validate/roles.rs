//! `[roles.<name>]`: roles that tasks assume (cross-account trust pairs): the tasks they
//! trust, the ExternalId, session duration, path, permissions and tags.

use crate::collections::HashSet;

use super::permissions::{self, Holder};
use super::{accounts, tags, Findings};
use crate::diagnostic::{suggest, Code, PathSegment};
use crate::model::identifiers::{is_external_id_char, path_problem, role_name_problem};
use crate::model::limits::{EXTERNAL_ID_CHARS, SESSION_SECONDS};
use crate::path;
use crate::spec::{DevMode, Spec, TrustedRole};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    for (name, role) in &spec.roles {
        let at = |rest: Vec<PathSegment>| [path!["roles", name], rest].concat();
        invalid_role_name(name, findings);
        accounts::unknown_account(spec, &role.account, &|| at(path!["account"]), findings);
        no_trusted_tasks(name, role, findings);
        let mut seen = HashSet::default();
        for (index, task) in role.trusted_tasks.iter().enumerate() {
            let at_task = at(path!["trusted_tasks", index]);
            if !unknown_task(spec, task, at_task.clone(), findings) {
                duplicate_task(task, &mut seen, at_task, findings);
            }
        }
        invalid_external_id(name, role, findings);
        invalid_session_duration(name, role, findings);
        invalid_path(name, role, findings);
        permissions::check_role(
            spec,
            &role.statements,
            &role.managed_policies,
            role.permissions_boundary.as_ref(),
            &at,
            findings,
        );
        tags::check(&role.tags, at(path!["tags"]), findings);
        dev_tag_outside_dev(spec, name, role, findings);
    }
}

/// The table key is the role's name, as is.
fn invalid_role_name(name: &str, findings: &mut Findings) {
    if let Some(problem) = role_name_problem(name) {
        findings.at_key(
            Code::InvalidRoleName,
            path!["roles", name],
            format!("role name `{name}` {problem}"),
            "the table key is the role's name: 1-64 of A-Z a-z 0-9 + = , . @ _ -",
        );
    }
}

fn no_trusted_tasks(name: &str, role: &TrustedRole, findings: &mut Findings) {
    if role.trusted_tasks.is_empty() {
        findings.at_key(
            Code::NoTrustedTasks,
            path!["roles", name],
            format!("role `{name}` trusts no task: nobody could assume it"),
            "list the tasks whose roles may assume it: trusted_tasks = [\"my-task\"]",
        );
    }
}

/// Reports and returns whether the spec has no task named `task`.
fn unknown_task(spec: &Spec, task: &str, at: Vec<PathSegment>, findings: &mut Findings) -> bool {
    let unknown = !spec.tasks.contains_key(task);
    if unknown {
        let help = match suggest(task, spec.tasks.keys().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "name a [tasks.*] entry of this spec; for roles outside it use the task's assume_role_arns".into(),
        };
        findings.at(
            Code::UnknownTask,
            at,
            format!("no task named `{task}`"),
            help,
        );
    }
    unknown
}

fn duplicate_task<'r>(
    task: &'r str,
    seen: &mut HashSet<&'r str>,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    if !seen.insert(task) {
        findings.at(
            Code::DuplicateTask,
            at,
            format!("task `{task}` is listed twice"),
            "list each task once",
        );
    }
}

fn invalid_external_id(name: &str, role: &TrustedRole, findings: &mut Findings) {
    let Some(external_id) = &role.external_id else {
        return;
    };
    let length = external_id.chars().count();
    let (min, max) = (EXTERNAL_ID_CHARS.start(), EXTERNAL_ID_CHARS.end());
    let problem = if !EXTERNAL_ID_CHARS.contains(&length) {
        Some(format!(
            "the external id has {length} characters; STS allows {min} to {max}"
        ))
    } else {
        external_id
            .chars()
            .find(|c| !is_external_id_char(*c))
            .map(|c| format!("the external id contains `{c}`, which STS does not accept"))
    };
    if let Some(problem) = problem {
        findings.at(
            Code::InvalidExternalId,
            path!["roles", name, "external_id"],
            problem,
            format!("{min}-{max} characters of A-Z a-z 0-9 _ + = , . @ : / -"),
        );
    }
}

fn invalid_session_duration(name: &str, role: &TrustedRole, findings: &mut Findings) {
    if !SESSION_SECONDS.contains(&role.max_session_duration) {
        findings.at(
            Code::InvalidSessionDuration,
            path!["roles", name, "max_session_duration"],
            format!(
                "max_session_duration {} is outside IAM's range",
                role.max_session_duration
            ),
            format!(
                "{} to {} seconds",
                SESSION_SECONDS.start(),
                SESSION_SECONDS.end()
            ),
        );
    }
}

fn invalid_path(name: &str, role: &TrustedRole, findings: &mut Findings) {
    let Some(path) = &role.path else {
        return;
    };
    if let Some(why) = path_problem(path) {
        findings.at(
            Code::InvalidPath,
            path!["roles", name, "path"],
            format!("`{path}` {why}"),
            "starts and ends with /, no wildcard, e.g. \"/cross-account/\"",
        );
    }
}

/// Developers reach task roles only: the dev-access tag on a `[roles]` role would make it
/// assumable by them.
fn dev_tag_outside_dev(spec: &Spec, name: &str, role: &TrustedRole, findings: &mut Findings) {
    if spec.dev_access.mode != DevMode::Tagged {
        return;
    }
    let tag = spec.dev_access.tag.clone().unwrap_or_default();
    if let Some((key, _)) = tags::dev_tag_in(&role.tags, &tag) {
        findings.at(
            Code::DevTagOutsideDev,
            path!["roles", name, "tags", key],
            format!(
                "role `{name}` is not a task role but carries the dev-access tag {}={}",
                tag.key, tag.value
            ),
            "remove the tag: developers reach task roles only",
        );
    }
}

/// Warnings about what a `[roles]` role may do.
pub(super) fn warnings(spec: &Spec, name: &str, role: &TrustedRole, findings: &mut Findings) {
    let holder = Holder::of(spec, &role.account);
    for (index, statement) in role.statements.iter().enumerate() {
        let at = |rest| [path!["roles", name, "statements", index], rest].concat();
        permissions::statement_warnings(statement, &at, holder, findings);
    }
    let at = || path!["roles", name, "managed_policies"];
    permissions::admin_managed_policy(&role.managed_policies, &at, holder, findings);
}
