//! `trustgen explain [CODE]`: a diagnostic code's long explanation from the registry, or
//! the list of every code.

use super::{Outcome, EXIT_INVALID};
use crate::cli::ExplainArgs;
use crate::diagnostic::{printable, suggest, Code, Severity};

pub(super) fn run(args: &ExplainArgs) -> Outcome {
    let Some(given) = &args.code else {
        return Outcome::ok(list());
    };
    match Code::from_name(given.trim()) {
        Some(code) => Outcome::ok(explain(code)),
        None => {
            let near = suggest(given, Code::ALL.iter().map(|code| code.name()))
                .map_or(String::new(), |near| format!("did you mean `{near}`? "));
            Outcome::fail(
                EXIT_INVALID,
                format!(
                    "error: `{}` is not a diagnostic code\n  = help: {near}`trustgen explain` lists every code\n",
                    printable(given)
                ),
            )
        }
    }
}

fn label(code: Code) -> &'static str {
    match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The header a diagnostic of this code starts with, then the explanation.
fn explain(code: Code) -> String {
    format!(
        "{}[{}]: {}\n\n{}\nThe examples show the tables that matter, in a spec that is otherwise sound.\n",
        label(code),
        code.name(),
        code.summary(),
        code.explanation()
    )
}

/// One line per code: name, severity, summary.
fn list() -> String {
    let width = Code::ALL
        .iter()
        .map(|code| code.name().len())
        .max()
        .unwrap_or_default();
    Code::ALL
        .iter()
        .map(|code| {
            format!(
                "{:width$}  {:7}  {}\n",
                code.name(),
                label(*code),
                code.summary()
            )
        })
        .collect()
}
