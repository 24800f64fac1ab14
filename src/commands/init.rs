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
    match std::fs::write(&args.path, text) {
        Ok(()) => Outcome::ok(format!(
            "wrote {}: review it, then run `trustgen gen {}`\n",
            args.path.display(),
            args.path.display()
        )),
        Err(error) => Outcome::fail(
            EXIT_FAILED,
            format!("error: cannot write {}: {error}\n", args.path.display()),
        ),
    }
}

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
        r#"#:schema https://raw.githubusercontent.com/trustgen/trustgen/main/schemas/trustgen.schema.json
# trustgen spec: bootstraps developer access to the ECS task roles of a new dev account.
# Reference: README.md, "Spec reference". Generate with `trustgen gen`.
version = 1

[project]
name = "{project}"                # prefix of generated names: [a-z0-9-]
partition = "{partition}"
region = "{region}"

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
"#
    )
}
