//! Every name trustgen derives, in one place: AWS resource names it defaults, the
//! CloudFormation logical ids and Terraform resource names of each model entity, stack and
//! file paths, and AWS CLI profile names.
//!
//! The model builder stores the results on the entities it builds (`Role::logical_id`,
//! `Role::terraform`, …); validation checks them for collisions; render, the manifest, the
//! graph and the developer commands read them. Nothing re-derives a name from another name.

use super::RoleKind;

/// `<project>-<task>`: a task role's name and its task definition's family by default.
pub(crate) fn default_task_name(project: &str, task: &str) -> String {
    // `concat`, not `format!`, in the names made once per task: a tenth of the cost.
    [project, "-", task].concat()
}

/// `<project>-ecs-execution` by default; shards after the first are numbered.
pub(crate) fn execution_role_name(project: &str, configured: Option<&str>, shard: usize) -> String {
    let base = configured.map_or_else(|| format!("{project}-ecs-execution"), str::to_string);
    if shard == 1 {
        base
    } else {
        format!("{base}-{shard}")
    }
}

pub(crate) fn simulator_role_name(project: &str) -> String {
    format!("{project}-simulator")
}

/// `my-task` -> `MyTask`: a CloudFormation logical id stem (alphanumerics only).
pub(crate) fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            word_start = true;
        } else if word_start {
            out.push(c.to_ascii_uppercase());
            word_start = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `my-task` -> `my_task`: a Terraform identifier.
pub(crate) fn snake_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The aliased `aws` provider of an account, and the prefix of its Terraform resources.
pub fn provider_alias(account: &str) -> String {
    snake_case(account)
}

/// A role's CloudFormation logical id.
pub(crate) fn role_logical_id(kind: &RoleKind, name: &str) -> String {
    match kind {
        RoleKind::Task(task) => pascal_case(task) + "TaskRole",
        RoleKind::Execution(1) => "ExecutionRole".into(),
        RoleKind::Execution(shard) => format!("ExecutionRole{shard}"),
        RoleKind::Developer => "DeveloperRole".into(),
        RoleKind::Simulator => "SimulatorRole".into(),
        RoleKind::Trusted => {
            let stem = pascal_case(name);
            if stem.ends_with("Role") {
                stem
            } else {
                format!("{stem}Role")
            }
        }
    }
}

/// A role's Terraform resource name (`aws_iam_role.<this>`), also the name of its managed
/// policy attachments (`aws_iam_role_policy_attachment.<this>`).
pub(crate) fn role_terraform(alias: &str, kind: &RoleKind, name: &str) -> String {
    match kind {
        RoleKind::Task(task) => [alias, "_task_", &snake_case(task)].concat(),
        RoleKind::Execution(1) => format!("{alias}_execution"),
        RoleKind::Execution(shard) => format!("{alias}_execution_{shard}"),
        RoleKind::Developer => format!("{alias}_developer"),
        RoleKind::Simulator => format!("{alias}_simulator"),
        RoleKind::Trusted => format!("{alias}_role_{}", snake_case(name)),
    }
}

/// An inline policy's Terraform resource name (`aws_iam_role_policy.<this>`).
pub(crate) fn inline_policy_terraform(role_terraform: &str, policy: &str) -> String {
    [role_terraform, "_", &snake_case(policy)].concat()
}

/// A task definition's CloudFormation logical id, and its log group's.
pub(crate) fn task_definition_logical_ids(task: &str) -> (String, String) {
    let stem = pascal_case(task);
    ([&stem, "TaskDefinition"].concat(), stem + "LogGroup")
}

/// A task definition's (and its log group's) Terraform resource name.
pub(crate) fn task_definition_terraform(alias: &str, task: &str) -> String {
    [alias, "_", &snake_case(task)].concat()
}

pub(crate) const DEVELOPER_POLICY_LOGICAL_ID: &str = "DeveloperPolicy";

/// The developer policy's Terraform resource name (`aws_iam_policy.<this>`); its
/// attachments add `_roles`, `_groups`, `_users`.
pub(crate) fn developer_policy_terraform(alias: &str) -> String {
    format!("{alias}_developer")
}

/// A permission set's CloudFormation logical id.
pub(crate) fn permission_set_logical_id(name: &str) -> String {
    format!("PermissionSet{}", pascal_case(name))
}

/// A permission set's Terraform resource name, shared by its resources of each
/// `aws_ssoadmin_*` type (a name may start with a digit: the prefix keeps it an identifier).
pub(crate) fn permission_set_terraform(name: &str) -> String {
    format!("ps_{}", snake_case(name))
}

/// An account assignment's CloudFormation logical id: permission set, account, group.
pub(crate) fn assignment_logical_id(permission_set: &str, account: &str, group: &str) -> String {
    format!(
        "Assignment{}{}{}",
        pascal_case(permission_set),
        pascal_case(account),
        pascal_case(group)
    )
}

/// An account assignment's Terraform resource name.
pub(crate) fn assignment_terraform(permission_set: &str, account: &str, group: &str) -> String {
    format!(
        "{}_{}_{}",
        permission_set_terraform(permission_set),
        snake_case(account),
        snake_case(group)
    )
}

/// The Terraform provider alias of IAM Identity Center's account and region. Account
/// aliases are `snake_case` and never hold a `-`, so this one cannot be an account's.
pub const IDENTITY_CENTER_PROVIDER: &str = "identity-center";

/// The output of a resource's ARN (`<logical id>Arn`).
pub(crate) fn arn_output(logical_id: &str) -> String {
    [logical_id, "Arn"].concat()
}

/// `<project>-dev-baseline`: the StackSet's name by default.
pub(crate) fn stack_set_name(project: &str) -> String {
    format!("{project}-dev-baseline")
}

/// The account id the StackSet's baseline is built for: no account's (a real id is 12
/// digits, and no spec value may hold `{`), so the baseline's own ARNs name it and
/// nothing else does. CloudFormation writes it as `${AWS::AccountId}`.
pub(crate) const BASELINE_ACCOUNT_ID: &str = "{account}";

/// The StackSet's logical id in the bootstrap stack.
pub(crate) const STACK_SET_LOGICAL_ID: &str = "BaselineStackSet";

/// The StackSet's Terraform resource name (`aws_cloudformation_stack_set.<this>`).
pub(crate) fn stack_set_terraform(alias: &str) -> String {
    format!("{alias}_bootstrap")
}

/// The Terraform resource name of the stack instances of target `index` (from 1).
pub(crate) fn stack_set_instance_terraform(alias: &str, index: usize) -> String {
    format!("{alias}_bootstrap_target_{index}")
}

/// The StackSet's template body beside the file that deploys it: in the holding account's
/// CloudFormation directory, and in the Terraform root that reads it with `file()`.
pub(crate) const STACK_SET_TEMPLATE_FILE: &str = "bootstrap-template.yaml";

/// `cloudformation/<account>/bootstrap-template.yaml`.
pub(crate) fn stack_set_template_cloudformation(account: &str) -> String {
    format!("cloudformation/{account}/{STACK_SET_TEMPLATE_FILE}")
}

/// `<root dir>/bootstrap-template.yaml`.
pub(crate) fn stack_set_template_terraform(root_dir: &str) -> String {
    format!("{root_dir}/{STACK_SET_TEMPLATE_FILE}")
}

/// atlantis.yaml, at the top of the output directory.
pub(crate) const ATLANTIS_FILE: &str = "atlantis.yaml";

/// Terragrunt's file in each root.
pub(crate) const TERRAGRUNT_FILE: &str = "terragrunt.hcl";

/// The CloudFormation stacks of an account, in deploy order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Stack {
    /// The StackSet that bootstraps every account of its organisational units: it names
    /// nothing another stack creates, and no stack of the spec waits for it.
    Bootstrap,
    /// Developer policies and roles: task trust policies may name these principals.
    Developers,
    /// IAM Identity Center permission sets and their account assignments: after every
    /// developers stack, since a permission set's reference to the developer policy fails
    /// wherever that policy does not exist yet.
    IdentityCenter,
    /// Task roles, execution roles, log groups and task definitions.
    Tasks,
    /// Roles that trust task roles, after every task role exists.
    Trust,
}

impl Stack {
    pub(crate) fn stem(self) -> &'static str {
        match self {
            Stack::Bootstrap => "bootstrap",
            Stack::Developers => "developers",
            Stack::IdentityCenter => "identity-center",
            Stack::Tasks => "tasks",
            Stack::Trust => "trust",
        }
    }

    /// Why a stack deploys in its stage (the lock file says it).
    pub(crate) fn why(self) -> &'static str {
        match self {
            Stack::Bootstrap => {
                "the StackSet that gives every account of its organisational units the dev-account baseline: it names nothing another stack creates, and no stack waits for it"
            }
            Stack::Developers => {
                "developer policies and roles first: task trust policies may name these principals"
            }
            Stack::IdentityCenter => {
                "IAM Identity Center permission sets and assignments, after every developers stack: a permission set's reference to the developer policy fails until that policy exists in every account it is provisioned to (task trust names the permission sets' roles by ARN pattern, so it needs nothing from this stage)"
            }
            Stack::Tasks => "task roles, execution roles and task definitions",
            Stack::Trust => {
                "roles that trust task roles, after every task role exists: IAM refuses a trust policy naming a role that does not exist yet"
            }
        }
    }
}

/// A CloudFormation deploy stage: every stack of one stage deploys before any of the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Stage {
    Bootstrap,
    Developers,
    IdentityCenter,
    /// Every account's first tasks stack: it holds the execution roles (and the simulator).
    Tasks,
    /// The other tasks stacks of a split account: their task definitions name the
    /// execution role the first one creates.
    TasksContinued,
    Trust,
}

impl Stage {
    /// The stage of part `part` (1, 2, …) of an account's stacks of kind `stack`.
    pub(crate) fn of(stack: Stack, part: usize) -> Stage {
        match stack {
            Stack::Bootstrap => Stage::Bootstrap,
            Stack::Developers => Stage::Developers,
            Stack::IdentityCenter => Stage::IdentityCenter,
            Stack::Tasks if part == 1 => Stage::Tasks,
            Stack::Tasks => Stage::TasksContinued,
            Stack::Trust => Stage::Trust,
        }
    }

    /// Why a stack deploys in its stage (the lock file says it).
    pub(crate) fn why(self) -> &'static str {
        match self {
            Stage::Bootstrap => Stack::Bootstrap.why(),
            Stage::Developers => Stack::Developers.why(),
            Stage::IdentityCenter => Stack::IdentityCenter.why(),
            Stage::Tasks => Stack::Tasks.why(),
            Stage::TasksContinued => {
                "the other tasks stacks of split accounts (tasks-2.yaml, …), after the first: their task definitions name the execution role it creates"
            }
            Stage::Trust => Stack::Trust.why(),
        }
    }
}

/// `cloudformation/<account>/<stem>.yaml`, then `<stem>-2.yaml`, … for a split account.
pub(crate) fn stack_file(account: &str, stack: Stack, part: usize) -> String {
    match part {
        1 => format!("cloudformation/{account}/{}.yaml", stack.stem()),
        _ => format!("cloudformation/{account}/{}-{part}.yaml", stack.stem()),
    }
}

/// The stack's name when deployed (one per account, so the same name in every account).
pub(crate) fn stack_name(project: &str, stack: Stack, part: usize) -> String {
    match part {
        1 => format!("{project}-{}", stack.stem()),
        _ => format!("{project}-{}-{part}", stack.stem()),
    }
}

/// Every root's `versions.tf` and `providers.tf`.
pub(crate) const TERRAFORM_VERSIONS_FILE: &str = "versions";
pub(crate) const TERRAFORM_PROVIDERS_FILE: &str = "providers";

/// The Terraform root's own files, which no account file may take the name of.
pub(crate) const TERRAFORM_ROOT_FILES: [&str; 2] =
    [TERRAFORM_VERSIONS_FILE, TERRAFORM_PROVIDERS_FILE];

/// The root's `backend.tf` (only with a backend: then no account may be named `backend`
/// in the single-root layout either).
pub(crate) const TERRAFORM_BACKEND_FILE: &str = "backend";

/// A per-account root's resources (`terraform/<account>/main.tf`).
pub(crate) const TERRAFORM_MAIN_FILE: &str = "main";

/// The single root's directory, and the parent of every per-account root.
pub(crate) const TERRAFORM_DIR: &str = "terraform";

/// The file a partial backend's settings go to (`terraform init -backend-config=<this>`),
/// in the root's directory.
pub(crate) const TERRAFORM_BACKEND_CONFIG: &str = "s3.tfbackend";

pub(crate) fn terraform_account_file(account: &str) -> String {
    format!("{TERRAFORM_DIR}/{account}.tf")
}

/// What a Terraform root holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RootKind {
    /// The single-root layout: every account's resources, one aliased provider each.
    Single,
    /// Per-account layout: everything of one account but the `[roles]` destinations.
    Account,
    /// Per-account layout: the `[roles]` destinations of one account, which name task roles
    /// (of any account) in their trust, so they wait for the roots creating those.
    Trust,
    /// Per-account layout: IAM Identity Center's permission sets and assignments, in its
    /// account and region (one provider), after the roots creating the developer policies
    /// they reference.
    IdentityCenter,
    /// Per-account layout: the StackSet that bootstraps every account of its
    /// organisational units, in its account and home region (one provider).
    Bootstrap,
}

/// A root's name: what its state key and the lock file call it.
pub(crate) fn terraform_root_name(kind: RootKind, account: &str) -> String {
    match kind {
        RootKind::Single => TERRAFORM_DIR.into(),
        RootKind::Account => account.into(),
        RootKind::Trust => format!("{account}-trust"),
        RootKind::IdentityCenter => format!("{account}-{IDENTITY_CENTER_ROOT}"),
        RootKind::Bootstrap => format!("{account}-{BOOTSTRAP_ROOT}"),
    }
}

/// The suffix of Identity Center's root (`terraform/<account>-identity-center/`).
const IDENTITY_CENTER_ROOT: &str = "identity-center";

/// The suffix of the StackSet's root (`terraform/<account>-bootstrap/`).
const BOOTSTRAP_ROOT: &str = "bootstrap";

/// A root's directory: `terraform`, `terraform/<account>`, `terraform/<account>-trust`.
pub(crate) fn terraform_root_dir(kind: RootKind, account: &str) -> String {
    match kind {
        RootKind::Single => TERRAFORM_DIR.into(),
        _ => format!("{TERRAFORM_DIR}/{}", terraform_root_name(kind, account)),
    }
}

/// `<dir>/<stem>.tf`: a file of the root in `dir` (`terraform_root_dir`).
pub(crate) fn terraform_file_in(dir: &str, stem: &str) -> String {
    format!("{dir}/{stem}.tf")
}

/// `<dir>/s3.tfbackend`: a root's partial backend settings.
pub(crate) fn terraform_backend_config_file(dir: &str) -> String {
    format!("{dir}/{TERRAFORM_BACKEND_CONFIG}")
}

/// `<key_prefix>/<root>.tfstate`: where a root keeps its state in the bucket.
pub(crate) fn terraform_state_key(key_prefix: &str, root: &str) -> String {
    format!("{key_prefix}/{root}.tfstate")
}

/// Why the roots of a Terraform stage apply there (the lock file says it).
pub(crate) fn terraform_stage_why(stage: usize) -> &'static str {
    if stage == 1 {
        "roots that need nothing another root creates: apply them first, in any order or in parallel"
    } else {
        "roots whose trust policies, attachments or permission sets name roles or policies that roots of earlier stages create: IAM refuses a trust policy naming a role that does not exist yet, and Identity Center a policy reference"
    }
}

pub(crate) fn session_policy_file(account: &str, task: &str) -> String {
    format!("session-policies/{account}/{task}.json")
}

pub(crate) const TRUST_GRAPH_FILE: &str = "trust-graph.md";

/// `<project>-<account>-<what>`: the stable AWS CLI profile names `aws-config` writes.
pub(crate) fn profile_name(project: &str, account: &str, what: &str) -> String {
    format!("{project}-{account}-{what}")
}

/// The `[sso-session NAME]` `aws-config` writes: the project's name.
pub(crate) fn sso_session_name(project: &str) -> String {
    project.to_string()
}

/// The IAM Identity Center profile of a dev-access account, which its task profiles
/// start from.
pub(crate) fn sso_profile(project: &str, account: &str) -> String {
    profile_name(project, account, "sso")
}

/// The profile of a `[roles.<role>]` destination assumed from inside a task.
pub(crate) fn destination_profile(project: &str, account: &str, role: &str) -> String {
    profile_name(project, account, &format!("{role}-from-ecs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_only_safe_characters() {
        assert_eq!(pascal_case("my-task"), "MyTask");
        assert_eq!(pascal_case("api_v2.worker"), "ApiV2Worker");
        assert_eq!(snake_case("my-Task.v2"), "my_task_v2");
        assert_eq!(pascal_case("--a--bC-é1"), "ABC1");
        assert_eq!(snake_case("é-a"), "__a");
    }

    #[test]
    fn split_stacks_are_numbered_from_the_second() {
        assert_eq!(
            stack_file("dev", Stack::Tasks, 1),
            "cloudformation/dev/tasks.yaml"
        );
        assert_eq!(
            stack_file("dev", Stack::Tasks, 3),
            "cloudformation/dev/tasks-3.yaml"
        );
        assert_eq!(stack_name("p", Stack::Trust, 2), "p-trust-2");
    }
}
