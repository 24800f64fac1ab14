//! `[roles.NAME]`: cross-account trust pairs.

use std::collections::HashSet;

use super::organisation::{account_suggestion, check_tags, dev_tag_in};
use super::syntax;
use super::tasks::check_role_permissions;
use super::Findings;
use crate::diagnostic::suggest;
use crate::path;
use crate::spec::{DevMode, Spec};

pub(super) fn check(spec: &Spec, findings: &mut Findings) {
    for (name, role) in &spec.roles {
        let at = |rest: Vec<crate::diagnostic::PathSegment>| {
            let mut path = path!["roles", name];
            path.extend(rest);
            path
        };
        if let Some(problem) = syntax::role_name_problem(name) {
            findings.key_error(
                "invalid-role-name",
                path!["roles", name],
                format!("role name `{name}` {problem}"),
                "the table key is the role's name: 1-64 of A-Z a-z 0-9 + = , . @ _ -",
            );
        }
        if !spec.accounts.contains_key(&role.account) {
            findings.error_help(
                "unknown-account",
                at(path!["account"]),
                format!("no account named `{}`", role.account),
                account_suggestion(spec, &role.account),
            );
        }
        if role.trusted_tasks.is_empty() {
            findings.key_error(
                "no-trusted-tasks",
                at(vec![]),
                format!("role `{name}` trusts no task: nobody could assume it"),
                "list the tasks whose roles may assume it: trusted_tasks = [\"my-task\"]",
            );
        }
        let mut seen = HashSet::new();
        for (index, task) in role.trusted_tasks.iter().enumerate() {
            if !spec.tasks.contains_key(task) {
                let help = match suggest(task, spec.tasks.keys().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "name a [tasks.*] entry of this spec; for roles outside it use the task's assume_role_arns".into(),
                };
                findings.error_help(
                    "unknown-task",
                    at(path!["trusted_tasks", index]),
                    format!("no task named `{task}`"),
                    help,
                );
            } else if !seen.insert(task) {
                findings.error_help(
                    "duplicate-task",
                    at(path!["trusted_tasks", index]),
                    format!("task `{task}` is listed twice"),
                    "list each task once",
                );
            }
        }
        if let Some(external_id) = &role.external_id {
            let length = external_id.chars().count();
            let bad = external_id
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(*c)));
            let problem = match bad {
                _ if !(2..=1224).contains(&length) => Some(format!(
                    "the external id has {length} characters; STS allows 2 to 1224"
                )),
                Some(c) => Some(format!(
                    "the external id contains `{c}`, which STS does not accept"
                )),
                None => None,
            };
            if let Some(problem) = problem {
                findings.error_help(
                    "invalid-external-id",
                    at(path!["external_id"]),
                    problem,
                    "2-1224 characters of A-Z a-z 0-9 _ + = , . @ : / -",
                );
            }
        }
        if !(3600..=43200).contains(&role.max_session_duration) {
            findings.error_help(
                "invalid-session-duration",
                at(path!["max_session_duration"]),
                format!(
                    "max_session_duration {} is outside IAM's range",
                    role.max_session_duration
                ),
                "3600 to 43200 seconds",
            );
        }
        if let Some(path) = &role.path {
            if let Some(why) = syntax::path_problem(path) {
                findings.error_help(
                    "invalid-path",
                    at(path!["path"]),
                    format!("`{path}` {why}"),
                    "starts and ends with /, no wildcard, e.g. \"/cross-account/\"",
                );
            }
        }
        check_role_permissions(
            spec,
            &role.statements,
            &role.managed_policies,
            role.permissions_boundary.as_ref(),
            &at,
            findings,
        );
        check_tags(&role.tags, at(path!["tags"]), findings);
        if spec.dev_access.mode == DevMode::Tagged {
            let tag = spec.dev_access.tag.clone().unwrap_or_default();
            if let Some((key, _)) = dev_tag_in(&role.tags, &tag) {
                findings.error_help(
                    "dev-tag-outside-dev",
                    at(path!["tags", key]),
                    format!(
                        "role `{name}` is not a task role but carries the dev-access tag {}={}",
                        tag.key, tag.value
                    ),
                    "remove the tag: developers reach task roles only",
                );
            }
        }
    }
}
