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
use crate::model::Model;
use crate::output::{Manifest, Recorded};
use crate::render::{self, GeneratedFile, Provenance, Templates};
use crate::spec::{self, Format, SourceFile, Spec};
use crate::{timings, validate};

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

/// A spec read, validated and built, with its warnings.
pub(crate) struct Loaded {
    pub source: SourceFile,
    pub spec: Spec,
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
}

/// Why a spec did not load.
pub(crate) enum Failure {
    /// It could not be read: why.
    Unreadable(String),
    /// It is invalid: its errors.
    Invalid(SourceFile, Vec<Diagnostic>),
}

impl Failure {
    /// The failure as the user asked to see it; exit code 2.
    pub(crate) fn outcome(self, format: MessageFormat) -> Outcome {
        match self {
            Failure::Unreadable(message) => Outcome {
                code: EXIT_INVALID,
                stdout: messages::render(&[], std::slice::from_ref(&message), format),
                stderr: format!("error: {message}\n"),
            },
            Failure::Invalid(source, diagnostics) => invalid(&source, &diagnostics, format),
        }
    }

    /// The failure as a terminal shows it.
    pub(crate) fn shown(&self) -> String {
        match self {
            Failure::Unreadable(message) => format!("error: {message}\n"),
            Failure::Invalid(source, diagnostics) => {
                invalid(source, diagnostics, MessageFormat::Human).stderr
            }
        }
    }
}

/// Reads, parses and validates a spec; every problem comes back rendered, exit code 2.
pub(crate) fn load(path: &Path, format: MessageFormat) -> Result<Loaded, Outcome> {
    try_load(path).map_err(|failure| failure.outcome(format))
}

/// Reads, parses and validates a spec, with its warnings.
pub(crate) fn try_load(path: &Path) -> Result<Loaded, Failure> {
    let source = timings::phase("read", || SourceFile::read(path)).map_err(Failure::Unreadable)?;
    let (spec, model) = match build(&source) {
        Ok(built) => built,
        Err(diagnostics) => return Err(Failure::Invalid(source, diagnostics)),
    };
    let warnings = timings::phase("warnings", || validate::warnings(&spec, &model));
    Ok(Loaded {
        source,
        spec,
        model,
        warnings,
    })
}

/// A spec parsed, validated and built into its model, or its errors. No warnings: for
/// commands that need only the model.
pub(crate) fn build(source: &SourceFile) -> Result<(Spec, Model), Vec<Diagnostic>> {
    let spec = timings::phase("parse", || spec::load(source))?;
    let model = timings::phase("validate + model", || validate::validate_and_build(&spec))?;
    let rendered = rendered_limits(&model, Path::new(&source.name));
    if !rendered.is_empty() {
        return Err(rendered);
    }
    Ok((spec, model))
}

/// Limits only a rendered file shows, located at what the spec says: the StackSet's
/// template body, which CloudFormation takes inline up to 51,200 bytes (rendered with
/// the built-in templates; `gen` refuses an overridden one that grows past it too).
pub fn rendered_limits(model: &Model, spec_path: &Path) -> Vec<Diagnostic> {
    use crate::diagnostic::{Code, Location};
    use crate::model::limits::STACK_SET_TEMPLATE_BODY_BYTES;
    let Some(bootstrap) = &model.bootstrap else {
        return Vec::new();
    };
    let Ok(templates) = Templates::load(None) else {
        return Vec::new();
    };
    let provenance = Provenance::from_spec_path(spec_path);
    let size = render::stack_set_template_size(model, bootstrap, &templates, &provenance);
    if size <= STACK_SET_TEMPLATE_BODY_BYTES {
        return Vec::new();
    }
    vec![Diagnostic::new(
        Code::StackSetTemplateTooLarge,
        format!(
            "the template body of StackSet `{}` has {size} bytes; CloudFormation takes at most {STACK_SET_TEMPLATE_BODY_BYTES} inline",
            bootstrap.name
        ),
        Location::Key(crate::path!["bootstrap"]),
    )
    .with_help("attach the developer policy to fewer principals (a group instead of many users), or trust fewer accounts")]
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

/// Everything `gen` would write, in memory.
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub manifest: Manifest,
    pub formats: Vec<Format>,
    /// Rendered warnings, empty when there are none.
    pub warnings: String,
}

/// A spec read, checked and built, with its templates: everything before the first file.
pub(crate) struct Prepared {
    model: Model,
    pub formats: Vec<Format>,
    templates: Templates,
    provenance: Provenance,
    spec_sha256: String,
    source: SourceFile,
    warnings: Vec<Diagnostic>,
    message_format: MessageFormat,
}

/// Everything up to rendering; errors are rendered outcomes (exit 2), diagnostics in
/// `message_format`.
pub(crate) fn prepare(
    spec_path: &Path,
    format: Option<FormatArg>,
    templates: Option<&Path>,
    message_format: MessageFormat,
) -> Result<Prepared, Outcome> {
    let Loaded {
        source,
        spec: _,
        model,
        warnings,
    } = load(spec_path, message_format)?;
    let formats = match format {
        Some(FormatArg::Cloudformation) => vec![Format::Cloudformation],
        Some(FormatArg::Terraform) => vec![Format::Terraform],
        Some(FormatArg::All) => vec![Format::Cloudformation, Format::Terraform],
        None => model.formats.clone(),
    };
    let templates = timings::phase("templates", || Templates::load(templates))
        .map_err(|message| stopped(&message, message_format))?;
    Ok(Prepared {
        model,
        formats,
        templates,
        provenance: Provenance::from_spec_path(spec_path),
        spec_sha256: crate::output::sha256_hex(source.text.as_bytes()),
        source,
        warnings,
        message_format,
    })
}

/// A failure that stops a command before it could look at the spec's output (templates
/// that do not load, a render error), exit 2; a CI format still gets its document, saying
/// the run failed.
pub(crate) fn stopped(message: &str, format: MessageFormat) -> Outcome {
    let message = message.trim_end_matches("\nnothing was written");
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
    /// Renders, handing each job's files to `emit` as they are made.
    pub(crate) fn render_into(&self, emit: &render::Emit) -> Result<(), String> {
        timings::phase("render", || {
            render::render_into(
                &self.model,
                &self.formats,
                &self.templates,
                &self.provenance,
                emit,
            )
        })
    }

    /// How many warnings the spec has.
    pub(crate) fn warning_count(&self) -> usize {
        self.warnings.len()
    }

    /// The warnings as the user asked for them (a SARIF log even when there are none).
    pub(crate) fn rendered_warnings(&self) -> String {
        if self.warnings.is_empty() && self.message_format == MessageFormat::Human {
            return String::new();
        }
        messages::render(&[(&self.source, &self.warnings)], &[], self.message_format)
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
        Outcome {
            code: outcome.code,
            stdout: messages::render(
                &[(&self.source, &self.warnings)],
                &failures,
                self.message_format,
            ),
            stderr: outcome.stdout + &outcome.stderr,
        }
    }

    /// The lock file of the files rendered.
    pub(crate) fn manifest(&self, files: Vec<Recorded>) -> Manifest {
        Manifest::new(&self.provenance, self.spec_sha256.clone(), files)
    }
}

/// Parse, validate, build and render a spec without touching the disk.
pub fn generate(
    spec_path: &Path,
    format: Option<FormatArg>,
    templates: Option<&Path>,
) -> Result<Generated, Outcome> {
    let prepared = prepare(spec_path, format, templates, MessageFormat::Human)?;
    let files = timings::phase("render", || {
        render::render(
            &prepared.model,
            &prepared.formats,
            &prepared.templates,
            &prepared.provenance,
        )
    })
    .map_err(|message| render_failed(&message))?;
    let manifest = prepared.manifest(files.iter().map(Recorded::of).collect());
    Ok(Generated {
        files,
        manifest,
        warnings: prepared.rendered_warnings(),
        formats: prepared.formats,
    })
}
