//! `trustgen init`: a commented starter spec for bootstrapping a new dev account.

use super::{Outcome, EXIT_FAILED, EXIT_INVALID};
use crate::cli::InitArgs;
use crate::spec::{self, SourceFile};
use crate::validate;

pub(super) fn run(args: &InitArgs) -> Outcome {
    if args.path.exists() && !args.force {
        return Outcome::fail(
            EXIT_INVALID,
            format!(
                "error: {} already exists; pass --force to overwrite it\n",
                args.path.display()
            ),
        );
    }
    let text = starter_spec(args);
    // The starter must itself be a valid spec: check it the way `trustgen check` would.
    let source = SourceFile::new(args.path.to_string_lossy(), text.clone());
    let checked =
        spec::load(&source).and_then(|spec| validate::validate_and_build(&spec).map(|_| ()));
    if let Err(diagnostics) = checked {
        return Outcome::fail(
            EXIT_INVALID,
            format!(
                "{}\nfix the values given to `trustgen init`\n",
                source.render(&diagnostics)
            ),
        );
    }
    // The schema goes beside the spec, so editors complete and check keys offline.
    let schema_path = args
        .path
        .parent()
        .unwrap_or_else(|| std::path::Path::new(""))
        .join(SCHEMA_FILE);
    let schema = crate::spec::schema::json_schema_text();
    let stale_schema = std::fs::read_to_string(&schema_path).is_ok_and(|old| old != schema);
    if stale_schema && !args.force {
        return Outcome::fail(
            EXIT_INVALID,
            format!(
                "error: {} already exists with other content; pass --force to overwrite it\n",
                schema_path.display()
            ),
        );
    }
    let written =
        std::fs::write(&schema_path, schema).and_then(|()| std::fs::write(&args.path, text));
    match written {
        Ok(()) => Outcome::ok(format!(
            "wrote {} and {} (its JSON Schema, for editors): review the spec, then run `trustgen gen {}`\n",
            args.path.display(),
            schema_path.display(),
            args.path.display()
        )),
        Err(error) => Outcome::fail(
            EXIT_FAILED,
            format!("error: cannot write {}: {error}\n", args.path.display()),
        ),
    }
}

/// The schema `init` writes beside the spec, which the spec's first line points at.
const SCHEMA_FILE: &str = "trustgen.schema.json";

// Long on purpose: the starter spec, written out in the order the user reads it.
pub(super) fn starter_spec(args: &InitArgs) -> String {
    let project = &args.project;
    let account = &args.account_id;
    let identity = &args.identity_account_id;
    let region = &args.region;
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    format!(
        r#"#:schema ./trustgen.schema.json
# trustgen spec: bootstraps developer access to the ECS task roles of a new dev account.
# Reference: README.md, "Spec reference". Generate with `trustgen gen`.
version = 1

[project]
name = "{project}"                # prefix of generated names: [a-z0-9-]
partition = "{partition}"
region = "{region}"
log_retention_days = 30           # the tasks' logs; unset keeps them forever (and bills for it)

[accounts.dev]
id = "{account}"                 # the new dev account
env = "dev"

[accounts.identity]
id = "{identity}"                 # where developers sign in (users or SSO roles)
env = "identity"

[dev_access]
# tagged: task roles in dev accounts trust the account root and carry the tag below;
# developers get one conditional sts:AssumeRole on roles with that tag.
mode = "tagged"
environments = ["dev"]            # only accounts with these envs ever get developer access
# A tag that means only "developers may assume this" (not a cost-allocation tag).
tag = {{ key = "developer-access", value = "allowed" }}
require_mfa = true                # developers must have signed in with MFA
max_session_duration = 3600

# Developers who sign in through IAM Identity Center instead: uncomment, fill in, list the
# permission set in [dev_access] permission_sets = ["Engineer"], and drop create_role
# (README.md, "Developers from IAM Identity Center").
# [identity_center]
# instance_arn = "arn:{partition}:sso:::instance/ssoins-<16 hex digits>"
# account = "identity"            # where Identity Center is administered
# start_url = "https://<your portal>.awsapps.com/start"
#
# [identity_center.permission_sets.Engineer]
# session_duration = "PT8H"
# assign_groups = ["<Identity Store group id>"]   # assigned in every dev account, never prod

[developers]
policy_name = "developer-assume-task-roles"
create_role = true                # the role developers assume from the identity account
role_name = "developer"
trusted_accounts = ["identity"]
managed_policies = ["arn:{partition}:iam::aws:policy/job-function/ViewOnlyAccess"]

# One ECS task: its role gets exactly these permissions.
[tasks.app]
account = "dev"
cpu = 256
memory = 512

[[tasks.app.statements]]
sid = "DescribeParameters"
actions = ["ssm:DescribeParameters"]
resources = ["*"]

[[tasks.app.containers]]
name = "app"
image = "public.ecr.aws/nginx/nginx:1.27"
port_mappings = [8080]
environment = {{ LOG_LEVEL = "info" }}
# Nothing in the image can be changed at run time; the application writes only to volumes.
readonly_root_filesystem = true
mount_points = [
  {{ source_volume = "tmp", container_path = "/tmp" }},
  {{ source_volume = "nginx-cache", container_path = "/var/cache/nginx" }},
  {{ source_volume = "nginx-run", container_path = "/var/run" }},
]

# Writable volumes for the read-only container above: bind mounts, emptied with the task.
[[tasks.app.volumes]]
name = "tmp"

[[tasks.app.volumes]]
name = "nginx-cache"

[[tasks.app.volumes]]
name = "nginx-run"
"#
    )
}
