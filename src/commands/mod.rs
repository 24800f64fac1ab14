//! The commands: each turns parsed arguments into an `Outcome` (exit code and text).

mod access;
mod assume;
mod aws_config;
mod check;
mod completions;
mod diff;
mod explain;
mod gen;
mod graph;
mod init;
mod messages;
mod quote;
mod revision;
mod templates;

use std::path::Path;

use crate::cli::{Command, FormatArg, MessageFormat};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::pipeline;
use crate::spec::{Format, SourceFile};

pub(crate) const EXIT_OK: u8 = 0;
/// Stale output (`gen --check`) or a failed operation.
pub(crate) const EXIT_FAILED: u8 = 1;
/// Invalid spec or usage.
pub(crate) const EXIT_INVALID: u8 = 2;

/// What a command leaves for `main` to print and return.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn ok(stdout: String) -> Self {
        Outcome {
            code: EXIT_OK,
            stdout,
            stderr: String::new(),
        }
    }

    pub fn fail(code: u8, stderr: String) -> Self {
        Outcome {
            code,
            stdout: String::new(),
            stderr,
        }
    }
}

pub fn run(command: Command) -> Outcome {
    match command {
        Command::Gen(args) => gen::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Templates(args) => templates::run(&args),
        Command::Schema => Outcome::ok(crate::spec::schema::json_schema_text()),
        Command::Assume(args) => assume::run(&args),
        Command::AwsConfig(args) => aws_config::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => completions::completions(args.shell),
        Command::Man(args) => completions::man(args.command.as_deref()),
    }
}

pub(crate) use crate::pipeline::Loaded;

/// A spec loaded through the pipeline, or the failure as the user asked to see it (exit 2).
pub(crate) fn load(path: &Path, format: MessageFormat) -> Result<Loaded, Outcome> {
    pipeline::load(path).map_err(|error| failure(error, format))
}

/// A pipeline failure as the user asked to see it: diagnostics and messages in `format`,
/// with its exit code, and "nothing was written" where a terminal reads it.
pub(crate) fn failure(error: Error, format: MessageFormat) -> Outcome {
    match error {
        Error::Invalid(source, diagnostics) => invalid(&source, &diagnostics, format),
        Error::Unreadable(message) => Outcome {
            code: EXIT_INVALID,
            stdout: messages::render(&[], std::slice::from_ref(&message), format),
            stderr: format!("error: {message}\n"),
        },
        Error::Templates(message) | Error::Render(message) => stopped(&message, format),
        Error::Output(ref message) => Outcome {
            code: error.code(),
            stdout: messages::render(&[], std::slice::from_ref(message), format),
            stderr: format!("error: {message}\n"),
        },
    }
}

/// A pipeline failure as a terminal shows it.
pub(crate) fn shown(error: &Error) -> String {
    match error {
        Error::Invalid(source, diagnostics) => {
            invalid(source, diagnostics, MessageFormat::Human).stderr
        }
        other => format!("error: {other}\n"),
    }
}

/// An invalid spec's errors as the user asked for them: a terminal's on standard error
/// with a count, a CI tool's alone on standard output. Exit code 2.
fn invalid(source: &SourceFile, diagnostics: &[Diagnostic], format: MessageFormat) -> Outcome {
    let text = messages::render(&[(source, diagnostics)], &[], format);
    if format != MessageFormat::Human {
        return Outcome {
            code: EXIT_INVALID,
            stdout: text,
            stderr: String::new(),
        };
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    Outcome::fail(
        EXIT_INVALID,
        format!(
            "{text}\n{} in {}: nothing was written\n",
            if errors == 1 {
                "1 error".to_string()
            } else {
                format!("{errors} errors")
            },
            source.name
        ),
    )
}

/// A spec prepared for rendering, and how its diagnostics are to be shown.
pub(crate) struct Prepared {
    pub pipeline: pipeline::Prepared,
    message_format: MessageFormat,
}

/// Everything up to rendering; failures are rendered outcomes, diagnostics in
/// `message_format`.
pub(crate) fn prepare(
    spec_path: &Path,
    format: Option<FormatArg>,
    templates: Option<&Path>,
    message_format: MessageFormat,
) -> Result<Prepared, Outcome> {
    pipeline::prepare(spec_path, formats(format), templates)
        .map(|pipeline| Prepared {
            pipeline,
            message_format,
        })
        .map_err(|error| failure(error, message_format))
}

/// The formats `--format` asks for; `None` leaves the spec's.
pub(crate) fn formats(format: Option<FormatArg>) -> Option<Vec<Format>> {
    format.map(|format| match format {
        FormatArg::Cloudformation => vec![Format::Cloudformation],
        FormatArg::Terraform => vec![Format::Terraform],
        FormatArg::All => vec![Format::Cloudformation, Format::Terraform],
    })
}

/// A failure that stops a command before it could look at the spec's output (templates
/// that do not load, a render error), exit 2; a CI format still gets its document, saying
/// the run failed.
pub(crate) fn stopped(message: &str, format: MessageFormat) -> Outcome {
    Outcome {
        code: EXIT_INVALID,
        stdout: messages::render(&[], &[message.to_string()], format),
        stderr: format!("error: {message}\nnothing was written\n"),
    }
}

/// A render failure (a template error, a Terraform address used twice) as the user sees it.
pub(crate) fn render_failed(message: &str) -> Outcome {
    stopped(message, MessageFormat::Human)
}

impl Prepared {
    /// Frees the spec's text when there is no warning to quote it in: all that is shown
    /// of it after rendering (its hash is taken). A large spec's text is megabytes that
    /// rendering could use.
    pub(crate) fn release_text_without_warnings(&mut self) {
        if self.pipeline.warnings.is_empty() {
            self.pipeline.source.text = String::new();
        }
    }

    /// How many warnings the spec has.
    pub(crate) fn warning_count(&self) -> usize {
        self.pipeline.warnings.len()
    }

    /// The warnings as the user asked for them (a SARIF log even when there are none).
    pub(crate) fn rendered_warnings(&self) -> String {
        let loaded = &self.pipeline;
        if loaded.warnings.is_empty() && self.message_format == MessageFormat::Human {
            return String::new();
        }
        messages::render(
            &[(&loaded.source, &loaded.warnings)],
            &[],
            self.message_format,
        )
    }

    /// A command's outcome with the warnings where the user wants them: before a
    /// terminal's messages, or alone on standard output for a CI format, everything else
    /// moved to standard error. An exit 2 here is a run that stopped (a render error).
    pub(crate) fn present(&self, outcome: Outcome) -> Outcome {
        if self.message_format == MessageFormat::Human {
            return Outcome {
                stderr: self.rendered_warnings() + &outcome.stderr,
                ..outcome
            };
        }
        let failures: Vec<String> = if outcome.code == EXIT_INVALID {
            let text = outcome.stderr.trim_end_matches("nothing was written\n");
            vec![text.trim().trim_start_matches("error: ").to_string()]
        } else {
            Vec::new()
        };
        let loaded = &self.pipeline;
        Outcome {
            code: outcome.code,
            stdout: messages::render(
                &[(&loaded.source, &loaded.warnings)],
                &failures,
                self.message_format,
            ),
            stderr: outcome.stdout + &outcome.stderr,
        }
    }
}
