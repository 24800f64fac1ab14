//! Warnings: specs that are valid but grant more than they probably mean. They do not stop
//! `gen` unless `--deny-warnings` is given.

use crate::diagnostic::{Diagnostic, Location, PathSegment, Severity};
use crate::path;
use crate::spec::{DevMode, Spec, Statement};

/// Action-name prefixes that only read. Any other action, or a wildcard that may reach
/// other actions, counts as a write.
const READ_PREFIXES: [&str; 16] = [
    "Get", "List", "Describe", "Head", "Query", "Scan", "BatchGet", "Lookup", "Search", "Select",
    "View", "Check", "Read", "Validate", "Estimate", "Simulate",
];

fn warning(code: &'static str, path: Vec<PathSegment>, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        code,
        message,
        location: Location::Value(path),
        help: Some(help.to_string()),
    }
}

pub fn is_write_action(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    !READ_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

fn statement_warnings(statement: &Statement, at: Vec<PathSegment>, out: &mut Vec<Diagnostic>) {
    if statement.effect == crate::spec::Effect::Deny {
        return;
    }
    let sub = |rest: Vec<PathSegment>| [at.clone(), rest].concat();
    if let Some(index) = statement.actions.iter().position(|a| a == "*") {
        out.push(warning(
            "action-star",
            sub(path!["actions", index]),
            "`*` allows every action of every service".into(),
            "list the actions the task needs",
        ));
        return;
    }
    if statement.resources.iter().any(|r| r == "*") {
        let writes: Vec<&str> = statement
            .actions
            .iter()
            .map(String::as_str)
            .filter(|a| is_write_action(a))
            .collect();
        if !writes.is_empty() {
            let index = statement
                .resources
                .iter()
                .position(|r| r == "*")
                .unwrap_or(0);
            out.push(warning(
                "write-on-any-resource",
                sub(path!["resources", index]),
                format!("write actions ({}) on every resource", writes.join(", ")),
                "name the resources (ARNs) these actions may change",
            ));
        }
    }
}

pub fn check(spec: &Spec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if matches!(spec.dev_access.mode, DevMode::Extended | DevMode::Simulate)
        && spec.dev_access.principals.is_empty()
    {
        out.push(warning(
            "extended-trusts-account-root",
            path!["dev_access", "mode"],
            format!("{} mode with no principals trusts each dev account's root: any principal there whose own policies allow sts:AssumeRole can assume the {}", if spec.dev_access.mode == DevMode::Simulate { "simulate" } else { "extended" }, if spec.dev_access.mode == DevMode::Simulate { "simulator role" } else { "task roles" }),
            "name the developers' role ARNs in dev_access.principals",
        ));
    }
    let assumed_by: std::collections::HashSet<&str> = spec
        .roles
        .values()
        .flat_map(|role| role.trusted_tasks.iter().map(String::as_str))
        .collect();
    for (name, task) in &spec.tasks {
        for (index, statement) in task.statements.iter().enumerate() {
            statement_warnings(
                statement,
                path!["tasks", name, "statements", index],
                &mut out,
            );
        }
        let assumes = !task.assume_role_arns.is_empty() || assumed_by.contains(name.as_str());
        if task.statements.is_empty() && task.managed_policies.is_empty() && !assumes {
            out.push(warning(
                "role-without-permissions",
                path!["tasks", name],
                format!("the task role of `{name}` has no permissions"),
                "fine for a task that calls no AWS API; otherwise add statements or managed_policies",
            ));
        }
    }
    for (name, role) in &spec.roles {
        for (index, statement) in role.statements.iter().enumerate() {
            statement_warnings(
                statement,
                path!["roles", name, "statements", index],
                &mut out,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_actions_are_told_from_reads() {
        assert!(!is_write_action("s3:GetObject"));
        assert!(!is_write_action("ecs:ListClusters"));
        assert!(!is_write_action("s3:Get*"));
        assert!(is_write_action("s3:PutObject"));
        assert!(is_write_action("s3:*"));
        assert!(is_write_action("iam:PassRole"));
        assert!(is_write_action("sqs:SendMessage"));
    }
}
