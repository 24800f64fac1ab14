//! AWS's limits, measured on the built model (what would be deployed).

use std::collections::HashMap;

use super::names::role_location;
use super::Findings;
use crate::model::limits::{
    INLINE_POLICIES_CHARS, MANAGED_POLICY_CHARS, SESSION_POLICY_ARNS, SESSION_POLICY_CHARS,
    TASK_DEFINITION_BYTES,
};
use crate::model::policy::json_size;
use crate::model::{Account, Model, RoleKind};
use crate::path;
use crate::spec::Spec;

pub(crate) fn check_model(spec: &Spec, model: &Model, findings: &mut Findings) {
    // Accounts check independently: on every core, merged in account order.
    let per_account =
        crate::parallel::map_in_order(&model.accounts, crate::parallel::cores(), |account| {
            check_account(spec, account)
        });
    for account in per_account {
        findings.diagnostics.extend(account.diagnostics);
    }
}

fn check_account(spec: &Spec, account: &Account) -> Findings {
    let trust_limit = usize::try_from(spec.limits.trust_policy_chars).unwrap_or(2048);
    let mut findings = Findings::default();
    let findings = &mut findings;
    {
        let mut role_names: HashMap<String, &RoleKind> = HashMap::new();
        for role in account.roles() {
            let at = role_location(role);
            let size = role.trust_policy.size();
            if size > trust_limit {
                findings.error_help("trust-policy-too-large", at.clone(), format!("the trust policy of role `{}` has {size} characters; the limit is {trust_limit}", role.name), "trust fewer principals, or raise limits.trust_policy_chars (up to 4096) after raising the quota");
            }
            let inline: usize = role.inline_policies.iter().map(|p| p.document.size()).sum();
            if inline > INLINE_POLICIES_CHARS {
                findings.error_help("inline-policies-too-large", at.clone(), format!("the inline policies of role `{}` have {inline} characters; IAM allows {INLINE_POLICIES_CHARS}", role.name), "move permissions into managed policies");
            }
            if role.tags.len() > 50 {
                findings.error_help(
                    "too-many-tags",
                    at.clone(),
                    format!(
                        "role `{}` would carry {} tags (project and own); IAM allows 50",
                        role.name,
                        role.tags.len()
                    ),
                    "remove tags",
                );
            }
            if let Some(first) = role_names.insert(role.name.to_ascii_lowercase(), &role.kind) {
                findings.error_help(
                    "duplicate-role-name",
                    at.clone(),
                    format!(
                        "role name `{}` is used twice in account `{}` (IAM ignores case)",
                        role.name, account.name
                    ),
                    format!("rename one; the other is {}", describe(first)),
                );
            }
        }
        check_simulate_limits(
            account,
            usize::try_from(spec.limits.managed_policies_per_role).unwrap_or(10),
            findings,
        );
        if let Some(policy) = &account.developer_policy {
            let size = policy.document.size();
            if size > MANAGED_POLICY_CHARS {
                findings.error_help("managed-policy-too-large", path!["developers"], format!("the developer policy of account `{}` has {size} characters; IAM allows {MANAGED_POLICY_CHARS}", account.name), "use tagged mode, whose policy does not grow with the tasks");
            }
        }
        let mut families: HashMap<&str, &str> = HashMap::new();
        for definition in &account.task_definitions {
            // What ECS registers, measured as the model's JSON (a little more than ECS's:
            // the model also carries its resource names); the containers are nearly all of it.
            let size = json_size(definition);
            if size > TASK_DEFINITION_BYTES {
                findings.error_help(
                    "task-definition-too-large",
                    path!["tasks", &definition.task],
                    format!(
                        "the task definition of `{}` has {size} bytes as JSON; ECS registers at most {TASK_DEFINITION_BYTES}",
                        definition.task
                    ),
                    "move environment values into environment_files or secrets, or split the task",
                );
            }
            if let Some(first) = families.insert(&definition.family, &definition.task) {
                findings.error_help(
                    "duplicate-family",
                    path!["tasks", &definition.task],
                    format!(
                        "task family `{}` is used by tasks `{first}` and `{}` in account `{}`",
                        definition.family, definition.task, account.name
                    ),
                    "set distinct `family` values",
                );
            }
        }
    }
    std::mem::take(findings)
}

/// Simulate mode works only if every task fits in a session and the base role can hold
/// the union of the task roles.
fn check_simulate_limits(account: &Account, managed_limit: usize, findings: &mut Findings) {
    let Some(simulator) = &account.simulator_role else {
        return;
    };
    let managed = simulator.managed_policy_arns.len();
    if managed > managed_limit {
        findings.error_help(
            "simulator-too-many-managed-policies",
            path!["dev_access", "mode"],
            format!("simulate mode: the task roles of account `{}` attach {managed} distinct managed policies, and the simulator role `{}` would need them all; the limit is {managed_limit}", account.name, simulator.name),
            "share managed policies between tasks, move permissions into statements, raise limits.managed_policies_per_role (up to 20) after raising the quota, or use tagged mode",
        );
    }
    for session in &account.session_policies {
        let at = path!["tasks", &session.task];
        if let Some(size) = session.document.as_ref().map(|d| d.size()) {
            if size > SESSION_POLICY_CHARS {
                findings.error_help(
                    "session-policy-too-large",
                    at.clone(),
                    format!("simulate mode: the session policy of task `{}` has {size} characters; sts:AssumeRole accepts at most {SESSION_POLICY_CHARS}", session.task),
                    "use fewer or shorter statements (wildcards in resource names count less), or use tagged or extended mode",
                );
            }
        }
        let arns = session.managed_policy_arns.len();
        if arns > SESSION_POLICY_ARNS {
            findings.error_help(
                "session-policy-too-many-arns",
                at,
                format!("simulate mode: task `{}` has {arns} managed policies; sts:AssumeRole accepts at most {SESSION_POLICY_ARNS} as session policies", session.task),
                "attach at most 10 managed policies to a task in simulate mode",
            );
        }
    }
}

fn describe(kind: &RoleKind) -> String {
    match kind {
        RoleKind::Task(task) => format!("the task role of `{task}`"),
        RoleKind::Execution(_) => "the execution role".into(),
        RoleKind::Developer => "the developer role".into(),
        RoleKind::Simulator => "the simulate-mode base role".into(),
        RoleKind::Trusted => "a [roles] role".into(),
    }
}
