//! The commands: each turns parsed arguments into an `Outcome` (exit code and text).

mod check;
mod gen;
mod init;
mod templates;

use std::path::Path;

use crate::cli::{Command, FormatArg};
use crate::model::Model;
use crate::output::Manifest;
use crate::render::{self, GeneratedFile, Provenance, Templates};
use crate::spec::{self, Format, SourceFile, Spec};
use crate::validate;

pub const EXIT_OK: u8 = 0;
/// Stale output (`gen --check`) or a failed operation.
pub const EXIT_FAILED: u8 = 1;
/// Invalid spec or usage.
pub const EXIT_INVALID: u8 = 2;

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
    }
}

/// A spec read, validated and built.
pub struct Loaded {
    pub source: SourceFile,
    pub spec: Spec,
    pub model: Model,
}

/// Reads, parses and validates a spec; every problem comes back rendered, exit code 2.
pub fn load(path: &Path) -> Result<Loaded, Outcome> {
    let source = SourceFile::read(path)
        .map_err(|message| Outcome::fail(EXIT_INVALID, format!("error: {message}\n")))?;
    let spec = spec::load(&source).map_err(|diagnostics| invalid(&source, &diagnostics))?;
    let model = validate::validate_and_build(&spec)
        .map_err(|diagnostics| invalid(&source, &diagnostics))?;
    Ok(Loaded {
        source,
        spec,
        model,
    })
}

fn invalid(source: &SourceFile, diagnostics: &[crate::diagnostic::Diagnostic]) -> Outcome {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    let mut text = source.render(diagnostics);
    text.push_str(&format!(
        "\n{} in {}: nothing was written\n",
        if errors == 1 {
            "1 error".to_string()
        } else {
            format!("{errors} errors")
        },
        source.name
    ));
    Outcome::fail(EXIT_INVALID, text)
}

/// Everything `gen` would write, in memory.
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub manifest: Manifest,
    pub formats: Vec<Format>,
}

/// Parse, validate, build and render a spec without touching the disk.
pub fn generate(
    spec_path: &Path,
    format: Option<FormatArg>,
    templates: Option<&Path>,
) -> Result<Generated, Outcome> {
    let loaded = load(spec_path)?;
    let formats = match format {
        Some(FormatArg::Cloudformation) => vec![Format::Cloudformation],
        Some(FormatArg::Terraform) => vec![Format::Terraform],
        Some(FormatArg::All) => vec![Format::Cloudformation, Format::Terraform],
        None => loaded
            .spec
            .project
            .formats
            .clone()
            .unwrap_or_else(|| vec![Format::Cloudformation, Format::Terraform]),
    };
    let templates = Templates::load(templates)
        .map_err(|message| Outcome::fail(EXIT_INVALID, format!("error: {message}\n")))?;
    let provenance = Provenance::from_spec_path(spec_path);
    let files =
        render::render(&loaded.model, &formats, &templates, &provenance).map_err(|message| {
            Outcome::fail(
                EXIT_INVALID,
                format!("error: {message}\nnothing was written\n"),
            )
        })?;
    let manifest = Manifest::new(&provenance, &loaded.source, &loaded.model, &files);
    Ok(Generated {
        files,
        manifest,
        formats,
    })
}
