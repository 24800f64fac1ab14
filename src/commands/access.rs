//! What a developer may assume, resolved from the model: shared by `assume` and
//! `aws-config`, so both name exactly the roles the stacks create.

use crate::model::limits::CHAINED_SESSION_SECONDS;
use crate::model::{Account, Model, Role, RoleKind, SessionPolicy};
use crate::spec::{DevMode, Developers, Spec};

/// How a developer acts as one task in its account.
pub(super) struct TaskAccess<'m> {
    pub account: &'m Account,
    /// The role to assume: the task role, or the simulator in simulate mode.
    pub role: &'m Role,
    /// Simulate mode: the policies that narrow the simulator to the task.
    pub session: Option<&'m SessionPolicy>,
    pub require_mfa: bool,
}

/// The access a developer has to `task`, or why there is none.
pub(super) fn task_access<'m>(
    spec: &Spec,
    model: &'m Model,
    task: &str,
    account_name: Option<&str>,
) -> Result<TaskAccess<'m>, String> {
    let Some(task_spec) = spec.tasks.get(task) else {
        let near = crate::diagnostic::suggest(task, spec.tasks.keys().map(String::as_str));
        return Err(match near {
            Some(near) => format!("no task `{task}` in the spec: did you mean `{near}`?"),
            None => format!(
                "no task `{task}` in the spec; tasks: {}",
                spec.tasks.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    };
    if let Some(wanted) = account_name.filter(|wanted| *wanted != task_spec.account) {
        return Err(format!(
            "task `{task}` runs in account `{}`, not `{wanted}`",
            task_spec.account
        ));
    }
    let account = model
        .accounts
        .iter()
        .find(|a| a.name == task_spec.account)
        .ok_or_else(|| format!("account `{}` has no generated resources", task_spec.account))?;
    let no_access = || {
        format!(
            "developers have no access to account `{}` (env `{}`): dev_access.mode is `{}` and applies to environments [{}]",
            account.name,
            account.env,
            mode_name(spec.dev_access.mode),
            spec.dev_access.environments.join(", ")
        )
    };
    let task_role = account
        .task_roles
        .iter()
        .find(|role| role.kind == RoleKind::Task(task.to_string()));
    let (role, session) = match account.dev_access {
        DevMode::Extended | DevMode::Tagged => (task_role.ok_or_else(no_access)?, None),
        DevMode::Simulate => (
            account.simulator_role.as_ref().ok_or_else(no_access)?,
            account.session_policies.iter().find(|s| s.task == task),
        ),
        DevMode::None => return Err(no_access()),
    };
    Ok(TaskAccess {
        account,
        role,
        session,
        require_mfa: spec.dev_access.require_mfa,
    })
}

fn mode_name(mode: DevMode) -> &'static str {
    match mode {
        DevMode::None => "none",
        DevMode::Extended => "extended",
        DevMode::Tagged => "tagged",
        DevMode::Simulate => "simulate",
    }
}

/// A session's length: the role's maximum, capped at one hour, since STS caps role
/// chaining (a role session assuming another role) there.
pub(super) fn session_seconds(role: &Role) -> i64 {
    role.max_session_duration.min(CHAINED_SESSION_SECONDS)
}

/// What `assume` and `aws-config` say when dev access is on but the spec gives the
/// developer policy to nobody (the `developer-policy-unattached` warning): their commands
/// only work if something outside the spec grants `sts:AssumeRole`.
pub(super) fn unattached_note(spec: &Spec) -> String {
    let attached = spec
        .developers
        .as_ref()
        .is_some_and(Developers::is_attached)
        || !spec.dev_access.permission_sets.is_empty();
    if spec.dev_access.mode == DevMode::None || attached {
        return String::new();
    }
    "note: the spec attaches the developer policy to nobody ([developers] has no attach_to_* and no create_role): these commands work only for principals that something else allows to sts:AssumeRole\n".into()
}
