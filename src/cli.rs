//! Command-line interface (clap derive): what the user typed, before any file is read.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "trustgen",
    version,
    about = "Least-privilege ECS task roles, developer access and task definitions as CloudFormation and Terraform, from one TOML spec"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate CloudFormation and/or Terraform from a spec.
    Gen(GenArgs),
    /// Validate a spec without writing anything.
    Check(CheckArgs),
    /// Write a commented starter spec for bootstrapping a new dev account.
    Init(InitArgs),
    /// Work with the embedded templates (see docs/templates.md).
    Templates(TemplatesArgs),
    /// Print the JSON Schema of the spec (committed as schemas/trustgen.schema.json).
    Schema,
    /// Print the `aws sts assume-role` command that lets a developer act as a task's role.
    Assume(AssumeArgs),
    /// Print AWS CLI config profiles: task roles developers may assume, and in-task
    /// profiles for cross-account pairs.
    AwsConfig(AwsConfigArgs),
    /// Draw who can assume what (Mermaid, Graphviz DOT or JSON), from the same model as
    /// the stacks.
    Graph(GraphArgs),
    /// Review an access change: who gains or loses which role, which permissions, and
    /// developer reach, between two specs (or a spec and its version at a git revision).
    Diff(DiffArgs),
    /// Explain a diagnostic code at length, with a wrong and a right spec (as `rustc
    /// --explain`); without CODE, list every code.
    Explain(ExplainArgs),
    /// Print a shell completion script: `source <(trustgen completions bash)`.
    Completions(CompletionsArgs),
    /// Print a manual page (roff): trustgen(1), or with COMMAND trustgen-COMMAND(1), the
    /// pages trustgen(1) refers to: `trustgen man gen | man -l -`.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A subcommand, for its own page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The code of a diagnostic: `invalid-arn` for `error[invalid-arn]`.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal: `+` added, `-` removed, `~` changed.
    Text,
    /// For a pull request comment: a marker line, the summary, the broadening changes,
    /// then every change folded; always under GitHub's 65,536-character limit.
    Markdown,
    /// One object: `broadens` and `changes`, each with its `kind` (access, exposure, code,
    /// session, deployment, other) and `what` (see README, "Reviewing access changes").
    Json,
}

#[derive(Debug, clap::Args)]
#[command(
    override_usage = "trustgen diff OLD_SPEC NEW_SPEC [OPTIONS]\n       trustgen diff [SPEC] --base GIT_REV [OPTIONS]",
    after_help = "Both specs are validated as `check` does (exit 2 when either is invalid). The whole models are \
compared, not the files, every field classified as access, exposure, code, session, deployment \
or other: reordering is no change, renaming a spec key is no access change, and `s3:*` \
replacing `s3:GetObject` is a wider grant while the reverse is not.\n\nExit codes: 0 compared \
(and, with --fail-on-broaden, nothing broadens), 1 --fail-on-broaden and something broadens, \
2 invalid spec, revision or usage."
)]
pub struct DiffArgs {
    /// OLD_SPEC, the spec before the change; with --base, SPEC (default trustgen.toml).
    #[arg(value_name = "OLD_SPEC|SPEC")]
    pub first: Option<PathBuf>,
    /// NEW_SPEC, the spec after the change (not with --base).
    #[arg(value_name = "NEW_SPEC", conflicts_with = "base")]
    pub second: Option<PathBuf>,
    /// Compare SPEC with the same file at this git revision (`git show REV:PATH`, PATH
    /// relative to the root of the repository SPEC is in); a spec that did not exist there
    /// counts as empty, granting nothing.
    #[arg(long, value_name = "GIT_REV")]
    pub base: Option<String>,
    /// How to write the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Exit 1 when anything broadens: access granted (a new assume edge or one with fewer
    /// guards, a new or wider Allow, a Deny or boundary removed, a managed policy, a task
    /// definition running as a role that grants more, developer reach, dev access,
    /// Identity Center sets, groups or accounts), data or the host exposed to a container,
    /// or longer sessions.
    #[arg(long)]
    pub fail_on_broaden: bool,
    /// `sarif` or `github`: the changes that broaden (and any invalid spec's diagnostics)
    /// as findings on the new spec's accounts, instead of the report; with
    /// --fail-on-broaden they are errors, else warnings.
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: DiffMessageFormat,
    /// Print the time each phase took to standard error.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, clap::Args)]
#[command(override_usage = "trustgen assume [SPEC] TASK [OPTIONS] [--exec -- CMD...]")]
pub struct AssumeArgs {
    /// The spec (default trustgen.toml), then the task to act as; with one argument, the task.
    #[arg(value_name = "SPEC", required = true)]
    pub first: String,
    /// The task to act as, when a spec is given first.
    #[arg(value_name = "TASK")]
    pub second: Option<String>,
    /// The account the task must be in (a check: a task belongs to one account).
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Print a shell snippet that exports the role's credentials and runs the command given
    /// after `--`.
    #[arg(long, requires = "command")]
    pub exec: bool,
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
    /// The AWS CLI profile whose credentials call sts:AssumeRole (default: the account's
    /// IAM Identity Center profile from `aws-config` when the spec has one, else the CLI's own).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AwsConfigArgs {
    /// The spec file.
    #[arg(default_value = "trustgen.toml")]
    pub spec: PathBuf,
    /// The profile developers start from (their identity-account credentials).
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub source_profile: String,
    /// Their MFA device ARN, written as `mfa_serial` where MFA is required.
    #[arg(long, value_name = "ARN")]
    pub mfa_serial: Option<String>,
    /// The AWS access portal URL of IAM Identity Center (default: [identity_center]
    /// start_url), written as the `[sso-session]`'s `sso_start_url`.
    #[arg(long, value_name = "URL")]
    pub sso_start_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The spec file.
    #[arg(default_value = "trustgen.toml")]
    pub spec: PathBuf,
    /// Mermaid (what trust-graph.md embeds), Graphviz DOT, or JSON (nodes, edges, developer reach).
    #[arg(long, value_enum, default_value = "mermaid")]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Cloudformation,
    Terraform,
    All,
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// The spec file.
    #[arg(default_value = "trustgen.toml")]
    pub spec: PathBuf,
    /// The directory to write into (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Which backend(s) to render; default: the spec's `project.formats`, else all.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Directory whose templates override the embedded ones by file name.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Write nothing; exit 1 with a unified diff per file when the output is not current.
    #[arg(long, conflicts_with_all = ["stdout", "force"])]
    pub check: bool,
    /// Overwrite generated files that were edited by hand, and files trustgen did not generate.
    #[arg(long)]
    pub force: bool,
    /// Print one format's files to standard output instead of writing them.
    #[arg(long)]
    pub stdout: bool,
    /// Treat warnings as errors (exit 2, nothing written).
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print the spec's diagnostics (see `check --help`); with any but `human`,
    /// they alone go to standard output and everything else `gen` says (the diff of
    /// `--check` too) to standard error. Not with --stdout.
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MessageFormat,
    /// Print the wall time of each phase (parse, validate, render, write) to stderr.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, clap::Args)]
pub struct TemplatesArgs {
    /// Write the embedded templates into this directory, as a starting point for --templates.
    #[arg(long, value_name = "DIR")]
    pub dump: PathBuf,
    /// Overwrite existing files in DIR.
    #[arg(long)]
    pub force: bool,
}

/// How diagnostics are printed. Every format but `human` goes to standard output, alone,
/// for a CI tool to read; what else the command says goes to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// For a terminal: the source line, the problem underlined, a help line.
    Human,
    /// One JSON object per diagnostic and line (file, line, column, severity, code,
    /// message, help).
    Json,
    /// One SARIF 2.1.0 log (GitHub code scanning, SARIF viewers), the codes as its rules.
    Sarif,
    /// GitHub Actions workflow commands: an `::error` or `::warning` annotation per
    /// diagnostic, on the spec's file and line.
    Github,
}

/// How `diff` speaks: its report, or its broadening changes as findings for CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffMessageFormat {
    /// The report, in `--format`.
    Human,
    /// The changes that broaden, as one SARIF 2.1.0 log (instead of the report).
    Sarif,
    /// The changes that broaden, as GitHub Actions annotations (instead of the report).
    Github,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The spec files (each checked on its own, as pre-commit passes them).
    #[arg(value_name = "SPEC", default_value = "trustgen.toml")]
    pub specs: Vec<PathBuf>,
    /// Print, per role, its trust policy and inline policy sizes against IAM's limits.
    #[arg(long)]
    pub sizes: bool,
    /// How to print diagnostics: `json` lines, one `sarif` log, or `github` annotations go
    /// to standard output alone, for CI.
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MessageFormat,
    /// Treat warnings as errors (exit 2).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write the spec.
    #[arg(default_value = "trustgen.toml")]
    pub path: PathBuf,
    /// Project name: [a-z0-9-], the default prefix of generated names.
    #[arg(long, default_value = "my-project")]
    pub project: String,
    /// The new dev account's 12-digit id.
    #[arg(long, default_value = "111122223333")]
    pub account_id: String,
    /// The 12-digit id of the account where developers sign in.
    #[arg(long, default_value = "999988887777")]
    pub identity_account_id: String,
    /// The dev account's region.
    #[arg(long, default_value = "eu-west-1")]
    pub region: String,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}
