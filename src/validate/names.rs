//! Names: what the spec's own names (accounts, tasks) may be, and names that must not
//! meet: the model's Terraform resource names across the root, its CloudFormation logical
//! ids within a stack, the directories and files named after accounts and tasks (on a file
//! system that ignores case too), and the AWS CLI profile names `aws-config` writes. All
//! come from `model::names`; this only checks them.

use crate::collections::HashMap;

use super::{Findings, Here};
use crate::diagnostic::{Code, PathSegment};
use crate::model::names::{self, RootKind, TERRAFORM_BACKEND_FILE, TERRAFORM_ROOT_FILES};
use crate::model::{
    profiles, sso_profiles, Account, IdentityCenter, Model, Role, RoleKind, RESERVED_SSO_PREFIX,
};
use crate::path;
use crate::spec::{Spec, TerraformLayout};

/// Names of spec entries (accounts, tasks): they become file names and resource
/// identifiers, so trustgen holds them to letters, digits, `-` and `_`.
fn is_spec_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// An account's or task's name (`what`) that is not a spec name, at its table key.
pub(super) fn invalid_name(what: &str, name: &str, at: Here<'_>, findings: &mut Findings) {
    if !is_spec_name(name) {
        findings.at_key(
            Code::InvalidName,
            at(),
            format!("{what} name `{name}` is not allowed"),
            "start with a letter; use letters, digits, - and _ (at most 64)",
        );
    }
}

/// Where a role comes from in the spec.
pub(super) fn role_location(role: &Role) -> Vec<PathSegment> {
    match &role.kind {
        RoleKind::Task(task) => path!["tasks", task],
        RoleKind::Execution(_) => path!["execution_role"],
        RoleKind::Developer => path!["developers", "role_name"],
        RoleKind::Simulator => path!["dev_access", "mode"],
        RoleKind::Trusted => path!["roles", &role.name],
    }
}

/// The spec's own names: accounts and tasks become directory and file names.
pub(super) fn check_spec(spec: &Spec, findings: &mut Findings) {
    let mut accounts: HashMap<String, &str> = HashMap::default();
    for name in spec.accounts.keys() {
        reserved_account_name(spec, name, findings);
        name_collision_by_case("accounts", name, &mut accounts, findings);
    }
    let mut tasks: HashMap<String, &str> = HashMap::default();
    for name in spec.tasks.keys() {
        name_collision_by_case("tasks", name, &mut tasks, findings);
    }
    name_collision_of_provider_aliases(spec, findings);
}

/// Names a Terraform root's own files or state already use.
fn reserved_account_name(spec: &Spec, name: &str, findings: &mut Findings) {
    // The single root's own files; `backend.tf` only when there is a backend.
    let s3_backend = spec.terraform.s3_backend().is_some();
    let backend = spec.terraform.layout == TerraformLayout::SingleRoot && s3_backend;
    let mut reserved = TERRAFORM_ROOT_FILES
        .iter()
        .chain(backend.then_some(&TERRAFORM_BACKEND_FILE));
    // The single root keeps its state at <key_prefix>/terraform.tfstate: a per-account
    // root named so would share it, and a layout switch would hand one layout's state
    // (every account's resources) to the other. Refused in both layouts, so the switch is.
    let single_root = names::terraform_root_name(RootKind::Single, "");
    if s3_backend && name.eq_ignore_ascii_case(&single_root) {
        findings.at_key(
            Code::ReservedAccountName,
            path!["accounts", name],
            format!("an account named `{name}` would keep its per-account Terraform state at <key_prefix>/{single_root}.tfstate, the single root's state key: the two layouts would read and lock each other's state"),
            "rename the account",
        );
    }
    if reserved.any(|f| f.eq_ignore_ascii_case(name)) {
        findings.at_key(
            Code::ReservedAccountName,
            path!["accounts", name],
            format!("an account named `{name}` would write terraform/{name}.tf over the Terraform root's own file"),
            "rename the account",
        );
    }
}

/// `name-collision`: two accounts (or tasks, the `table`) whose directories or files
/// collide on a file system that ignores case.
fn name_collision_by_case<'s>(
    table: &str,
    name: &'s str,
    seen: &mut HashMap<String, &'s str>,
    findings: &mut Findings,
) {
    if let Some(first) = seen.insert(name.to_ascii_lowercase(), name) {
        let what = if table == "accounts" {
            "their directories"
        } else {
            "their files"
        };
        findings.at_key(
            Code::NameCollision,
            path![table, name],
            format!("{table} `{first}` and `{name}` differ only in case: {what} collide on a file system that ignores case"),
            "rename one",
        );
    }
}

/// `name-collision`: two accounts with one Terraform provider alias.
fn name_collision_of_provider_aliases(spec: &Spec, findings: &mut Findings) {
    let mut aliases: HashMap<String, &str> = HashMap::default();
    for name in spec.accounts.keys() {
        let alias = names::provider_alias(name);
        if let Some(first) = aliases.insert(alias.clone(), name) {
            findings.at_key(
                Code::NameCollision,
                path!["accounts", name],
                format!("accounts `{first}` and `{name}` map to the same Terraform provider alias `{alias}`"),
                "rename one so they differ in more than punctuation or case",
            );
        }
    }
}

/// The model's names: Terraform resource names across the root, logical ids per stack,
/// profile names.
pub(super) fn check_model(model: &Model, findings: &mut Findings) {
    attached_to_own_role(model, findings);
    name_collision_in_terraform(model, findings);
    for account in &model.accounts {
        name_collision_of_logical_ids(account, findings);
    }
    if let Some(center) = &model.identity_center {
        name_collision_in_identity_center(center, findings);
    }
    name_collision_of_profiles(model, findings);
}

/// `name-collision` in Terraform: each resource type's names come from one namespace of
/// the model.
fn name_collision_in_terraform(model: &Model, findings: &mut Findings) {
    // The first owner of each name; a location is made only for a collision (a large spec
    // has tens of thousands of names and, being sound, none).
    let mut roles: HashMap<&str, ()> = HashMap::default();
    let mut policies: HashMap<&str, ()> = HashMap::default();
    let mut definitions: HashMap<&str, &str> = HashMap::default();
    let collision = |findings: &mut Findings, at: Vec<PathSegment>, name: &str| {
        findings.at_key(
            Code::NameCollision,
            at,
            format!("two resources would have the Terraform name `{name}`"),
            "rename the account, task or role so their names differ in more than punctuation or case",
        );
    };
    for account in &model.accounts {
        for role in account.roles() {
            if roles.insert(&role.terraform, ()).is_some() {
                collision(findings, role_location(role), &role.terraform);
            }
            for policy in &role.inline_policies {
                if policies.insert(&policy.terraform, ()).is_some() {
                    collision(findings, role_location(role), &policy.terraform);
                }
            }
        }
        for definition in &account.task_definitions {
            if let Some(first) = definitions.insert(&definition.terraform, &definition.task) {
                findings.at_key(
                    Code::NameCollision,
                    path!["tasks", &definition.task],
                    format!(
                        "tasks `{first}` and `{}` map to the same Terraform resource name `{}`",
                        definition.task, definition.terraform
                    ),
                    "rename one so they differ in more than punctuation or case",
                );
            }
        }
    }
}

/// `name-collision` in CloudFormation: logical ids within each stack kind of an account.
fn name_collision_of_logical_ids(account: &Account, findings: &mut Findings) {
    fn roles<'m>(roles: impl Iterator<Item = &'m Role>) -> Vec<(&'m str, IdSource<'m>)> {
        roles
            .map(|role| (role.logical_id.as_str(), IdSource::Role(role)))
            .collect()
    }
    let mut tasks_stack = roles(
        account
            .task_roles
            .iter()
            .chain(&account.execution_roles)
            .chain(&account.simulator_role),
    );
    for definition in &account.task_definitions {
        let task = IdSource::Task(&definition.task);
        tasks_stack.push((&definition.logical_id, task));
        tasks_stack.push((&definition.log_group_logical_id, task));
    }
    let trust_stack = roles(account.trusted_roles.iter());
    let mut developers_stack = roles(account.developer_role.iter());
    developers_stack.extend(
        account
            .developer_policy
            .iter()
            .map(|policy| (policy.logical_id.as_str(), IdSource::Developers)),
    );
    for ids in [tasks_stack, trust_stack, developers_stack] {
        let mut seen: HashMap<&str, ()> =
            HashMap::with_capacity_and_hasher(ids.len(), Default::default());
        for (id, source) in ids {
            if seen.insert(id, ()).is_some() {
                findings.at_key(
                    Code::NameCollision,
                    source.location(),
                    format!(
                        "two resources of account `{}` would have the CloudFormation logical id `{id}`",
                        account.name
                    ),
                    "rename one so they differ in more than punctuation, case or a `-role` suffix",
                );
            }
        }
    }
}

/// What in the spec a CloudFormation logical id comes from, located only for a collision.
#[derive(Clone, Copy)]
enum IdSource<'m> {
    Role(&'m Role),
    Task(&'m str),
    Developers,
}

impl IdSource<'_> {
    fn location(self) -> Vec<PathSegment> {
        match self {
            IdSource::Role(role) => role_location(role),
            IdSource::Task(task) => path!["tasks", task],
            IdSource::Developers => path!["developers"],
        }
    }
}

/// `name-collision` in IAM Identity Center: permission sets and assignments share one
/// stack and, per resource type, one Terraform namespace.
fn name_collision_in_identity_center(center: &IdentityCenter, findings: &mut Findings) {
    let mut logical: HashMap<&str, &str> = HashMap::default();
    let mut terraform: HashMap<&str, &str> = HashMap::default();
    for set in &center.permission_sets {
        let at = path!["identity_center", "permission_sets", &set.name];
        let names = std::iter::once((&set.logical_id, &set.terraform)).chain(
            set.assignments
                .iter()
                .map(|assignment| (&assignment.logical_id, &assignment.terraform)),
        );
        for (id, resource) in names {
            if let Some(first) = logical.insert(id, &set.name) {
                findings.at_key(
                    Code::NameCollision,
                    at.clone(),
                    format!("permission sets `{first}` and `{}` would give two resources the CloudFormation logical id `{id}`", set.name),
                    "rename one so they differ in more than punctuation or case",
                );
            }
            if let Some(first) = terraform.insert(resource, &set.name) {
                findings.at_key(
                    Code::NameCollision,
                    at.clone(),
                    format!("permission sets `{first}` and `{}` would give two resources the Terraform name `{resource}`", set.name),
                    "rename one so they differ in more than punctuation or case",
                );
            }
        }
    }
}

/// `name-collision` of AWS CLI profiles: `aws-config` writes one section per name.
fn name_collision_of_profiles(model: &Model, findings: &mut Findings) {
    let sso = sso_profiles(model);
    let profiles = profiles(model);
    // Who took each name first, described only for a collision.
    let mut seen: HashMap<&str, ProfileOwner<'_>> =
        HashMap::with_capacity_and_hasher(profiles.len(), Default::default());
    for profile in &sso {
        seen.insert(&profile.name, ProfileOwner::Sso(&profile.account.name));
    }
    for profile in &profiles {
        if let Some(first) = seen.insert(&profile.name, ProfileOwner::Role(&profile.role.name)) {
            findings.at_key(
                Code::NameCollision,
                role_location(profile.role),
                format!(
                    "{} and role `{}` would both get the AWS CLI profile `{}`",
                    first.describe(),
                    profile.role.name,
                    profile.name
                ),
                "rename the task, role or account: profile names are <project>-<account>-<task>, -developer, -simulator, -sso and -<role>-from-ecs",
            );
        }
    }
}

/// What an AWS CLI profile is for: an account's IAM Identity Center session, or a role.
enum ProfileOwner<'m> {
    Sso(&'m str),
    Role(&'m str),
}

impl ProfileOwner<'_> {
    fn describe(&self) -> String {
        match self {
            ProfileOwner::Sso(account) => {
                format!("the IAM Identity Center profile of account `{account}`")
            }
            ProfileOwner::Role(role) => format!("role `{role}`"),
        }
    }
}

/// `[developers] attach_to_roles` names existing roles developers sign in with. A role this
/// spec creates in the same account would become a developer (a task role given the
/// developer policy, say), and its creation is not ordered before the attachment: the
/// per-account layout creates destinations a stage later, and IAM refuses to attach a
/// policy to a role that does not exist.
fn attached_to_own_role(model: &Model, findings: &mut Findings) {
    for account in &model.accounts {
        let Some(policy) = &account.developer_policy else {
            continue;
        };
        for (index, name) in policy.attach_to_roles.iter().enumerate() {
            if let Some(role) = account
                .roles()
                .find(|role| role.name.eq_ignore_ascii_case(name))
            {
                findings.at(
                    Code::AttachedToOwnRole,
                    path!["developers", "attach_to_roles", index],
                    format!(
                        "`{name}` is a role this spec creates in account `{}` (from {}): the developer policy would make it a developer, and nothing orders its creation before the attachment",
                        account.name,
                        crate::diagnostic::printable(&render_path(&role_location(role))),
                    ),
                    "remove it: attach_to_roles names roles that already exist, which developers sign in with; developers reach task roles through dev_access",
                );
            }
        }
    }
}

/// IAM reserves names and paths for the roles it makes itself: IAM Identity Center's
/// (`AWSReservedSSO_…` under `/aws-reserved/sso.amazonaws.com/`, whose ARNs the permission
/// sets' trust patterns match) and service-linked roles' (`/aws-service-role/`). No role
/// this spec creates may take one, whatever its kind (checked on the model: every role).
pub(super) fn reserved_role_name(spec: &Spec, model: &Model, findings: &mut Findings) {
    for role in model.accounts.iter().flat_map(|account| account.roles()) {
        let reserved_name = role
            .name
            .get(..RESERVED_SSO_PREFIX.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(RESERVED_SSO_PREFIX));
        if reserved_name {
            findings.at(
                Code::ReservedRoleName,
                role_name_location(spec, role),
                format!("role name `{}` starts with `{RESERVED_SSO_PREFIX}`, which IAM Identity Center gives the roles of its permission sets", role.name),
                "choose a name of your own",
            );
        }
        let lower = role.path.to_ascii_lowercase();
        if let Some(reserved) = RESERVED_ROLE_PATHS.iter().find(|p| lower.starts_with(*p)) {
            findings.at(
                Code::ReservedRoleName,
                role_path_location(role),
                format!("role path `{}` is under `{reserved}`, which IAM reserves for the roles AWS creates", role.path),
                "choose a path of your own, e.g. \"/ecs/\"",
            );
        }
    }
}

/// Paths IAM reserves: IAM Identity Center's roles and service-linked roles.
const RESERVED_ROLE_PATHS: [&str; 2] = ["/aws-reserved/", "/aws-service-role/"];

/// Where a role's name is written (or, when it is derived, what it is derived from).
fn role_name_location(spec: &Spec, role: &Role) -> Vec<PathSegment> {
    match &role.kind {
        RoleKind::Task(task) if spec.tasks.get(task).is_some_and(|t| t.role_name.is_some()) => {
            path!["tasks", task, "role_name"]
        }
        RoleKind::Execution(_) => path!["execution_role", "name"],
        _ => role_location(role),
    }
}

/// Where a role's path is written.
fn role_path_location(role: &Role) -> Vec<PathSegment> {
    match &role.kind {
        RoleKind::Task(task) => path!["tasks", task, "path"],
        RoleKind::Trusted => path!["roles", &role.name, "path"],
        _ => role_location(role),
    }
}

/// `tasks.web` for a spec path, as messages name places in the spec.
fn render_path(path: &[PathSegment]) -> String {
    path.iter()
        .map(|segment| match segment {
            PathSegment::Key(key) => key.clone(),
            PathSegment::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}
