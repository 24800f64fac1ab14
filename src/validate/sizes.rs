//! AWS's limits, measured on the built model (what would be deployed): policy sizes, tags,
//! role names and task families per account, and simulate mode's session policies.

use std::sync::Arc;

use super::names::role_location;
use super::{Findings, Here};
use crate::collections::HashMap;
use crate::diagnostic::{Code, PathSegment};
use crate::model::limits::{
    INLINE_POLICIES_CHARS, MANAGED_POLICY_CHARS, SESSION_POLICY_ARNS, SESSION_POLICY_CHARS,
    TAGS_PER_ROLE, TASK_DEFINITION_BYTES,
};
use crate::model::policy::{json_size, PolicyDocument};
use crate::model::{Account, Model, Role, RoleKind};
use crate::path;
use crate::spec::Spec;

pub(super) fn check(spec: &Spec, model: &Model, findings: &mut Findings) {
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
    let mut findings = Findings::default();
    let trust_limit = usize::try_from(spec.limits.trust_policy_chars).unwrap_or(2048);
    let mut role_names: HashMap<String, &RoleKind> = HashMap::default();
    // An account's task roles share one trust policy (`Arc`): measured once, by address
    // (the model, alive throughout, keeps each address one document's).
    let mut trust_sizes: HashMap<*const PolicyDocument, usize> = HashMap::default();
    for role in account.roles() {
        let at = || role_location(role);
        let trust_size = *trust_sizes
            .entry(Arc::as_ptr(&role.trust_policy))
            .or_insert_with(|| role.trust_policy.size());
        trust_policy_too_large(role, trust_size, trust_limit, &at, &mut findings);
        inline_policies_too_large(role, &at, &mut findings);
        too_many_tags(role, &at, &mut findings);
        duplicate_role_name(account, role, &mut role_names, &at, &mut findings);
    }
    let managed_limit = usize::try_from(spec.limits.managed_policies_per_role).unwrap_or(10);
    simulator_too_many_managed_policies(account, managed_limit, &mut findings);
    // Session policies are simulate mode's, which also has a simulator role.
    let sessions = account
        .simulator_role
        .iter()
        .flat_map(|_| &account.session_policies);
    for session in sessions {
        let at = path!["tasks", &session.task];
        session_policy_too_large(session, at.clone(), &mut findings);
        session_policy_too_many_arns(session, at, &mut findings);
    }
    managed_policy_too_large(account, &mut findings);
    let mut families: HashMap<&str, &str> = HashMap::default();
    for definition in &account.task_definitions {
        task_definition_too_large(definition, &mut findings);
        duplicate_family(account, definition, &mut families, &mut findings);
    }
    findings
}

fn trust_policy_too_large(
    role: &Role,
    size: usize,
    limit: usize,
    at: Here<'_>,
    findings: &mut Findings,
) {
    if size > limit {
        findings.at(
            Code::TrustPolicyTooLarge,
            at(),
            format!("the trust policy of role `{}` has {size} characters; the limit is {limit}", role.name),
            "trust fewer principals, or raise limits.trust_policy_chars (up to 4096) after raising the quota",
        );
    }
}

fn inline_policies_too_large(role: &Role, at: Here<'_>, findings: &mut Findings) {
    let inline: usize = role.inline_policies.iter().map(|p| p.document.size()).sum();
    if inline > INLINE_POLICIES_CHARS {
        findings.at(
            Code::InlinePoliciesTooLarge,
            at(),
            format!("the inline policies of role `{}` have {inline} characters; IAM allows {INLINE_POLICIES_CHARS}", role.name),
            "move permissions into managed policies",
        );
    }
}

fn too_many_tags(role: &Role, at: Here<'_>, findings: &mut Findings) {
    if role.tags.len() > TAGS_PER_ROLE {
        findings.at(
            Code::TooManyTags,
            at(),
            format!(
                "role `{}` would carry {} tags (project and own); IAM allows {TAGS_PER_ROLE}",
                role.name,
                role.tags.len()
            ),
            "remove tags",
        );
    }
}

/// IAM ignores case in role names.
fn duplicate_role_name<'a>(
    account: &Account,
    role: &'a Role,
    seen: &mut HashMap<String, &'a RoleKind>,
    at: Here<'_>,
    findings: &mut Findings,
) {
    if let Some(first) = seen.insert(role.name.to_ascii_lowercase(), &role.kind) {
        findings.at(
            Code::DuplicateRoleName,
            at(),
            format!(
                "role name `{}` is used twice in account `{}` (IAM ignores case)",
                role.name, account.name
            ),
            format!("rename one; the other is {}", describe(first)),
        );
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

/// Simulate mode works only if the base role can hold the union of the task roles'
/// managed policies.
fn simulator_too_many_managed_policies(account: &Account, limit: usize, findings: &mut Findings) {
    let Some(simulator) = &account.simulator_role else {
        return;
    };
    let managed = simulator.managed_policy_arns.len();
    if managed > limit {
        findings.at(
            Code::SimulatorTooManyManagedPolicies,
            path!["dev_access", "mode"],
            format!("simulate mode: the task roles of account `{}` attach {managed} distinct managed policies, and the simulator role `{}` would need them all; the limit is {limit}", account.name, simulator.name),
            "share managed policies between tasks, move permissions into statements, raise limits.managed_policies_per_role (up to 20) after raising the quota, or use tagged mode",
        );
    }
}

/// Simulate mode works only if every task fits in a session.
fn session_policy_too_large(
    session: &crate::model::SessionPolicy,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let Some(size) = session.document.as_ref().map(|d| d.size()) else {
        return;
    };
    if size > SESSION_POLICY_CHARS {
        findings.at(
            Code::SessionPolicyTooLarge,
            at,
            format!("simulate mode: the session policy of task `{}` has {size} characters; sts:AssumeRole accepts at most {SESSION_POLICY_CHARS}", session.task),
            "use fewer or shorter statements (wildcards in resource names count less), or use tagged or extended mode",
        );
    }
}

fn session_policy_too_many_arns(
    session: &crate::model::SessionPolicy,
    at: Vec<PathSegment>,
    findings: &mut Findings,
) {
    let arns = session.managed_policy_arns.len();
    if arns > SESSION_POLICY_ARNS {
        findings.at(
            Code::SessionPolicyTooManyArns,
            at,
            format!("simulate mode: task `{}` has {arns} managed policies; sts:AssumeRole accepts at most {SESSION_POLICY_ARNS} as session policies", session.task),
            "attach at most 10 managed policies to a task in simulate mode",
        );
    }
}

fn managed_policy_too_large(account: &Account, findings: &mut Findings) {
    let Some(policy) = &account.developer_policy else {
        return;
    };
    let size = policy.document.size();
    if size > MANAGED_POLICY_CHARS {
        findings.at(
            Code::ManagedPolicyTooLarge,
            path!["developers"],
            format!("the developer policy of account `{}` has {size} characters; IAM allows {MANAGED_POLICY_CHARS}", account.name),
            "use tagged mode, whose policy does not grow with the tasks",
        );
    }
}

/// What ECS registers, measured as the model's JSON (a little more than ECS's: the model
/// also carries its resource names); the containers are nearly all of it.
fn task_definition_too_large(definition: &crate::model::TaskDefinition, findings: &mut Findings) {
    let size = json_size(definition);
    if size > TASK_DEFINITION_BYTES {
        findings.at(
            Code::TaskDefinitionTooLarge,
            path!["tasks", &definition.task],
            format!(
                "the task definition of `{}` has {size} bytes as JSON; ECS registers at most {TASK_DEFINITION_BYTES}",
                definition.task
            ),
            "move environment values into environment_files or secrets, or split the task",
        );
    }
}

fn duplicate_family<'a>(
    account: &Account,
    definition: &'a crate::model::TaskDefinition,
    seen: &mut HashMap<&'a str, &'a str>,
    findings: &mut Findings,
) {
    if let Some(first) = seen.insert(&definition.family, &definition.task) {
        findings.at(
            Code::DuplicateFamily,
            path!["tasks", &definition.task],
            format!(
                "task family `{}` is used by tasks `{first}` and `{}` in account `{}`",
                definition.family, definition.task, account.name
            ),
            "set distinct `family` values",
        );
    }
}
