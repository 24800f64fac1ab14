//! Writes a synthetic trustgen spec for benchmarks and scale tests:
//! `trustgen-synth --tasks N --accounts A > spec.toml`.
//!
//! The mix is realistic: each task has two inline statements, every third a managed
//! policy, two containers with environment and a secret; half of the accounts (the even
//! ones) are dev accounts with tagged developer access; every tenth task assumes a role two
//! accounts on (dev with dev, prod with prod) through a cross-account pair with an ExternalId.

use std::fmt::Write as _;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: trustgen-synth --tasks N --accounts A");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut tasks = None;
    let mut accounts = None;
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let value = iter.next().and_then(|v| v.parse::<usize>().ok());
        match flag.as_str() {
            "--tasks" => tasks = value,
            "--accounts" => accounts = value,
            _ => return usage(),
        }
    }
    let (Some(tasks), Some(accounts)) = (tasks, accounts) else {
        return usage();
    };
    if accounts == 0 || accounts > 999 {
        return usage();
    }
    print!("{}", synthesize(tasks, accounts));
    ExitCode::SUCCESS
}

fn account_id(index: usize) -> String {
    format!("{:012}", 100_000_000_000 + index)
}

fn synthesize(tasks: usize, accounts: usize) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "#:schema ../schemas/trustgen.schema.json\n# Synthetic spec: {tasks} tasks over {accounts} accounts (trustgen-synth).\nversion = 1\n\n[project]\nname = \"synth\"\nregion = \"eu-west-1\"\ntags = {{ team = \"platform\", generated-by = \"trustgen-synth\" }}\nlog_retention_days = 30\n\n"
    );
    for a in 0..accounts {
        let env = if a % 2 == 0 { "dev" } else { "prod" };
        let _ = write!(
            out,
            "[accounts.acct{a:03}]\nid = \"{}\"\nenv = \"{env}\"\n\n",
            account_id(a)
        );
    }
    out.push_str("[dev_access]\nmode = \"tagged\"\nenvironments = [\"dev\"]\ntag = { key = \"developer-access\", value = \"allowed\" }\nrequire_mfa = true\n\n[developers]\nattach_to_roles = [\"Developer\"]\n\n");
    for t in 0..tasks {
        let a = t % accounts;
        let id = account_id(a);
        let _ = write!(
            out,
            "[tasks.svc{t:05}]\naccount = \"acct{a:03}\"\ncpu = 256\nmemory = 512\n"
        );
        if t % 3 == 0 {
            out.push_str(
                "managed_policies = [\"arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess\"]\n",
            );
        }
        let _ = write!(
            out,
            "\n[[tasks.svc{t:05}.statements]]\nsid = \"Orders\"\nactions = [\"dynamodb:GetItem\", \"dynamodb:PutItem\", \"dynamodb:Query\"]\nresources = [\"arn:aws:dynamodb:eu-west-1:{id}:table/svc{t:05}-orders\"]\n\n[[tasks.svc{t:05}.statements]]\nsid = \"Assets\"\nactions = [\"s3:GetObject\"]\nresources = [\"arn:aws:s3:::synth-svc{t:05}-assets/*\"]\n\n[[tasks.svc{t:05}.containers]]\nname = \"app\"\nimage = \"{id}.dkr.ecr.eu-west-1.amazonaws.com/svc{t:05}:1.0.{t}\"\nreadonly_root_filesystem = true\nport_mappings = [8080]\nenvironment = {{ LOG_LEVEL = \"info\", SERVICE = \"svc{t:05}\" }}\nsecrets = {{ DB_PASSWORD = \"arn:aws:ssm:eu-west-1:{id}:parameter/svc{t:05}/db-password\" }}\n\n[[tasks.svc{t:05}.containers]]\nname = \"envoy\"\nimage = \"public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod\"\nreadonly_root_filesystem = true\nessential = false\nenvironment = {{ APPMESH_RESOURCE_ARN = \"mesh/synth/virtualNode/svc{t:05}\" }}\n\n"
        );
    }
    for t in (0..tasks).step_by(10) {
        // Two accounts on: dev pairs with dev and prod with prod (developers acting as a dev
        // task must not reach production); the same account when no such one exists.
        let source = t % accounts;
        let target = match (source + 2) % accounts {
            other if other % 2 == source % 2 => other,
            _ => source,
        };
        let _ = write!(
            out,
            "[roles.synth-pair-{t:05}]\naccount = \"acct{target:03}\"\ntrusted_tasks = [\"svc{t:05}\"]\nexternal_id = \"synth-{t:05}\"\n\n[[roles.synth-pair-{t:05}.statements]]\nactions = [\"sqs:SendMessage\"]\nresources = [\"arn:aws:sqs:eu-west-1:{}:svc{t:05}-events\"]\n\n",
            account_id(target)
        );
    }
    out
}
