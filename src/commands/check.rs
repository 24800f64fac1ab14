//! `trustgen check`: validate only (one spec or several, as pre-commit passes them);
//! optionally show how close each role is to IAM's limits.

use std::fmt::Write as _;

use super::{failure, messages, Loaded, Outcome, EXIT_INVALID};
use crate::cli::{CheckArgs, MessageFormat};
use crate::error::Error;
use crate::model::Model;
use crate::pipeline;
use crate::spec::Spec;

use crate::model::limits::{INLINE_POLICIES_CHARS, SESSION_POLICY_ARNS, SESSION_POLICY_CHARS};

pub(super) fn run(args: &CheckArgs) -> Outcome {
    let format = args.message_format;
    let results: Vec<Result<Loaded, Error>> =
        args.specs.iter().map(|p| pipeline::load(p)).collect();
    let mut outcome = Outcome::default();
    for result in &results {
        let denied = match result {
            Ok(loaded) => args.deny_warnings && !loaded.warnings.is_empty(),
            Err(_) => true,
        };
        if denied {
            outcome.code = EXIT_INVALID;
        }
    }
    if format == MessageFormat::Human {
        for result in results {
            let part = match result {
                Ok(loaded) => human(args, &loaded),
                Err(error) => failure(error, format),
            };
            outcome.stdout.push_str(&part.stdout);
            outcome.stderr.push_str(&part.stderr);
        }
        return outcome;
    }
    // A CI format: every spec's diagnostics in one document on standard output.
    let mut batches = Vec::new();
    let mut failures = Vec::new();
    for result in &results {
        match result {
            Ok(loaded) => batches.push((&loaded.source, loaded.warnings.as_slice())),
            Err(Error::Invalid(source, diagnostics)) => {
                batches.push((&**source, diagnostics.as_slice()));
            }
            Err(other) => {
                failures.push(other.to_string());
                let _ = writeln!(outcome.stderr, "error: {other}");
            }
        }
    }
    outcome.stdout = messages::render(&batches, &failures, format);
    for loaded in results.iter().flatten().filter(|_| args.sizes) {
        // JSON lines join the diagnostics; for SARIF and GitHub the table goes to the log.
        let table = sizes(&loaded.spec, &loaded.model, format);
        match format {
            MessageFormat::Json => outcome.stdout.push_str(&table),
            _ => outcome.stderr.push_str(&table),
        }
    }
    outcome
}

/// One spec checked, for a terminal: its warnings on standard error, an `ok` line (or
/// the warnings denied) and the sizes on standard output.
fn human(args: &CheckArgs, loaded: &Loaded) -> Outcome {
    let mut stdout = String::new();
    let mut stderr = loaded.source.render(&loaded.warnings);
    if args.sizes {
        stdout.push_str(&sizes(&loaded.spec, &loaded.model, MessageFormat::Human));
    }
    if args.deny_warnings && !loaded.warnings.is_empty() {
        let _ = writeln!(
            stderr,
            "\n{} in {}, denied by --deny-warnings",
            count(loaded.warnings.len(), "warning", "warnings"),
            loaded.source.name
        );
        return Outcome {
            code: EXIT_INVALID,
            stdout,
            stderr,
        };
    }
    let roles: usize = loaded
        .model
        .accounts
        .iter()
        .map(|a| a.roles().count())
        .sum();
    let definitions: usize = loaded
        .model
        .accounts
        .iter()
        .map(|a| a.task_definitions.len())
        .sum();
    let _ = writeln!(
        stdout,
        "{}: ok ({} with resources, {}, {}, {})",
        loaded.source.name,
        count(loaded.model.accounts.len(), "account", "accounts"),
        count(roles, "role", "roles"),
        count(definitions, "task definition", "task definitions"),
        count(loaded.warnings.len(), "warning", "warnings"),
    );
    stdout.push_str(&stack_set_summary(&loaded.model));
    Outcome {
        code: 0,
        stdout,
        stderr,
    }
}

/// Which organisational units get developer access through the StackSet: every account
/// of them, accounts created there later included, whatever the spec lists.
fn stack_set_summary(model: &Model) -> String {
    let Some(bootstrap) = &model.bootstrap else {
        return String::new();
    };
    let baseline = &bootstrap.baseline;
    let mut gives = Vec::new();
    if let Some(policy) = &baseline.developer_policy {
        gives.push(format!("developer policy {}", policy.name));
    }
    if let Some(role) = &baseline.developer_role {
        gives.push(format!("role {}", role.name));
    }
    let mut out = format!(
        "  StackSet {} (in {}) gives developer access ({}: {}) to every account of:\n",
        bootstrap.name,
        bootstrap.account,
        match baseline.dev_access {
            crate::spec::DevMode::Tagged => "tagged",
            crate::spec::DevMode::Extended => "extended",
            crate::spec::DevMode::Simulate => "simulate",
            crate::spec::DevMode::None => "none",
        },
        gives.join(", ")
    );
    for target in &bootstrap.targets {
        let which = match &target.accounts {
            crate::model::AccountFilter::All => String::new(),
            crate::model::AccountFilter::Only(ids) => format!(", only {}", ids.join(", ")),
            crate::model::AccountFilter::Except(ids) => format!(", but {}", ids.join(", ")),
        };
        // Auto-deployment reaches accounts that join later whatever the filter; without
        // it, accounts that leave keep the baseline.
        let later = if bootstrap.auto_deployment {
            "accounts that join it later included"
        } else {
            "not accounts that join it later; accounts that leave it keep the baseline"
        };
        for unit in &target.organizational_units {
            let _ = writeln!(
                out,
                "    OU {unit} (env {}{which}), {later}",
                crate::diagnostic::printable(&target.env)
            );
        }
    }
    out
}

/// `1 role`, `2 roles`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Per role: trust policy and inline policy characters (whitespace excluded, as IAM counts)
/// and managed policy attachments, each against its limit.
// Long on purpose: one table in two shapes (JSON lines, a terminal's columns) from the same rows.
fn sizes(spec: &Spec, model: &Model, format: MessageFormat) -> String {
    let trust_limit = usize::try_from(spec.limits.trust_policy_chars).unwrap_or(2048);
    let managed_limit = usize::try_from(spec.limits.managed_policies_per_role).unwrap_or(10);
    let mut rows = Vec::new();
    for account in &model.accounts {
        for role in account.roles() {
            let inline: usize = role.inline_policies.iter().map(|p| p.document.size()).sum();
            rows.push((
                account.name.as_str(),
                role.name.as_str(),
                role.trust_policy.size(),
                inline,
                role.managed_policy_arns.len(),
            ));
        }
    }
    let sessions: Vec<(&str, &str, usize, usize)> = model
        .accounts
        .iter()
        .flat_map(|account| {
            account.session_policies.iter().map(move |session| {
                (
                    account.name.as_str(),
                    session.task.as_str(),
                    session.document.as_ref().map_or(0, |d| d.size()),
                    session.managed_policy_arns.len(),
                )
            })
        })
        .collect();
    let mut out = String::new();
    if format == MessageFormat::Json {
        for (account, task, chars, arns) in &sessions {
            let row = serde_json::json!({
                "account": account, "task": task,
                "session_policy_chars": chars, "session_policy_limit": SESSION_POLICY_CHARS,
                "session_policy_arns": arns, "session_policy_arns_limit": SESSION_POLICY_ARNS,
            });
            let _ = writeln!(out, "{row}");
        }
        for (account, role, trust, inline, managed) in rows {
            let row = serde_json::json!({
                "account": account, "role": role,
                "trust_policy_chars": trust, "trust_policy_limit": trust_limit,
                "inline_policies_chars": inline, "inline_policies_limit": INLINE_POLICIES_CHARS,
                "managed_policies": managed, "managed_policies_limit": managed_limit,
            });
            let _ = writeln!(out, "{row}");
        }
        return out;
    }
    let percent = |used: usize, limit: usize| used * 100 / limit.max(1);
    let width = rows
        .iter()
        .map(|r| r.0.len() + r.1.len() + 1)
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<width$}  {:>16}  {:>18}  {:>8}",
        "role", "trust policy", "inline policies", "managed"
    );
    for (account, role, trust, inline, managed) in rows {
        let _ = writeln!(
            out,
            "{:<width$}  {:>16}  {:>18}  {:>8}",
            format!("{account}/{role}"),
            format!("{trust}/{trust_limit} {:>3}%", percent(trust, trust_limit)),
            format!(
                "{inline}/{INLINE_POLICIES_CHARS} {:>3}%",
                percent(inline, INLINE_POLICIES_CHARS)
            ),
            format!("{managed}/{managed_limit}"),
        );
    }
    if !sessions.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<width$}  {:>16}  {:>8}",
            "session policy", "chars", "ARNs"
        );
        for (account, task, chars, arns) in sessions {
            let _ = writeln!(
                out,
                "{:<width$}  {:>16}  {:>8}",
                format!("{account}/{task}"),
                format!(
                    "{chars}/{SESSION_POLICY_CHARS} {:>3}%",
                    percent(chars, SESSION_POLICY_CHARS)
                ),
                format!("{arns}/{SESSION_POLICY_ARNS}"),
            );
        }
    }
    out
}
