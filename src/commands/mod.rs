//! The commands: each turns parsed arguments into an `Outcome` (exit code and text).

mod access;
mod assume;
mod aws_config;
mod check;
mod diff;
mod gen;
mod graph;
mod init;
mod quote;
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
    }
}

/// A spec read, validated and built, with its warnings.
pub(crate) struct Loaded {
    pub source: SourceFile,
    pub spec: Spec,
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
}

/// Reads, parses and validates a spec; every problem comes back rendered, exit code 2.
pub(crate) fn load(path: &Path, format: MessageFormat) -> Result<Loaded, Outcome> {
    let source = timings::phase("read", || SourceFile::read(path))
        .map_err(|message| Outcome::fail(EXIT_INVALID, format!("error: {message}\n")))?;
    load_source(source, format)
}

/// `load` for a spec already read (from git, say).
pub(crate) fn load_source(source: SourceFile, format: MessageFormat) -> Result<Loaded, Outcome> {
    let spec = timings::phase("parse", || spec::load(&source))
        .map_err(|diagnostics| invalid(&source, &diagnostics, format))?;
    let model = timings::phase("validate + model", || validate::validate_and_build(&spec))
        .map_err(|diagnostics| invalid(&source, &diagnostics, format))?;
    let warnings = timings::phase("warnings", || validate::warnings(&spec, &model));
    Ok(Loaded {
        source,
        spec,
        model,
        warnings,
    })
}

/// Diagnostics as the user asked for them.
pub(crate) fn render_diagnostics(
    source: &SourceFile,
    diagnostics: &[Diagnostic],
    format: MessageFormat,
) -> String {
    match format {
        MessageFormat::Human => source.render(diagnostics),
        MessageFormat::Json => source.render_json(diagnostics),
    }
}

fn invalid(source: &SourceFile, diagnostics: &[Diagnostic], format: MessageFormat) -> Outcome {
    let mut text = render_diagnostics(source, diagnostics, format);
    if format == MessageFormat::Human {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        text.push_str(&format!(
            "\n{} in {}: nothing was written\n",
            if errors == 1 {
                "1 error".to_string()
            } else {
                format!("{errors} errors")
            },
            source.name
        ));
    }
    match format {
        MessageFormat::Human => Outcome::fail(EXIT_INVALID, text),
        // Machine-readable output goes to standard output, for CI tools to parse.
        MessageFormat::Json => Outcome {
            code: EXIT_INVALID,
            stdout: text,
            stderr: String::new(),
        },
    }
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
    /// Rendered warnings, empty when there are none.
    pub warnings: String,
}

/// Everything up to rendering; errors are rendered outcomes (exit 2).
pub(crate) fn prepare(
    spec_path: &Path,
    format: Option<FormatArg>,
    templates: Option<&Path>,
) -> Result<Prepared, Outcome> {
    let Loaded {
        source,
        spec,
        model,
        warnings,
    } = load(spec_path, MessageFormat::Human)?;
    let formats = match format {
        Some(FormatArg::Cloudformation) => vec![Format::Cloudformation],
        Some(FormatArg::Terraform) => vec![Format::Terraform],
        Some(FormatArg::All) => vec![Format::Cloudformation, Format::Terraform],
        None => spec
            .project
            .formats
            .clone()
            .unwrap_or_else(|| vec![Format::Cloudformation, Format::Terraform]),
    };
    let templates =
        timings::phase("templates", || Templates::load(templates)).map_err(|message| {
            Outcome::fail(
                EXIT_INVALID,
                format!("error: {message}\nnothing was written\n"),
            )
        })?;
    Ok(Prepared {
        model,
        formats,
        templates,
        provenance: Provenance::from_spec_path(spec_path),
        spec_sha256: crate::output::sha256_hex(source.text.as_bytes()),
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            source.render(&warnings)
        },
    })
}

/// A render failure (a template error, a Terraform address used twice) as the user sees it.
pub(crate) fn render_failed(message: &str) -> Outcome {
    let message = message.trim_end_matches("\nnothing was written");
    Outcome::fail(
        EXIT_INVALID,
        format!("error: {message}\nnothing was written\n"),
    )
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
    let prepared = prepare(spec_path, format, templates)?;
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
        formats: prepared.formats,
        warnings: prepared.warnings,
    })
}
