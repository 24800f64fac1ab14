//! The pipeline, in the order it runs (ARCHITECTURE.md draws it):
//!
//! ```text
//! read -> parse -> check the spec -> build the model -> check the model
//!      -> check the rendered limits -> warnings -> render -> write
//! ```
//!
//! `load` runs the first seven steps, `prepare` adds the templates, `Prepared::render_into`
//! renders, and `output` writes what render hands it. Every command runs a prefix of it.
//! Failures are typed (`Error`); only `commands` turns them into text and exit codes.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::error::Error;
use crate::model::limits::STACK_SET_TEMPLATE_BODY_BYTES;
use crate::model::{self, Model};
use crate::output::{Manifest, Recorded};
use crate::render::{self, GeneratedFile, Provenance, Templates};
use crate::spec::{self, Format, SourceFile, Spec};
use crate::{timings, validate};

/// A spec read, checked and built, with its warnings.
pub(crate) struct Loaded {
    pub source: SourceFile,
    pub spec: Spec,
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
}

/// Read, parse, check the spec, build the model, check the model, warnings.
pub(crate) fn load(path: &Path) -> Result<Loaded, Error> {
    let source = timings::phase("read", || SourceFile::read(path)).map_err(Error::Unreadable)?;
    let Built {
        source,
        spec,
        model,
    } = build(source)?;
    let warnings = timings::phase("warnings", || validate::warnings(&spec, &model));
    Ok(Loaded {
        source,
        spec,
        model,
        warnings,
    })
}

/// A spec and its model, for commands that need no warnings (`diff`).
pub(crate) struct Built {
    pub source: SourceFile,
    pub spec: Spec,
    pub model: Model,
}

/// Parse, check the spec, build the model, check the model and the limits only its
/// rendering shows. The gate between judging
/// and building is a type: the model builder takes only a `spec::Checked`, which only
/// `validate::check_spec` makes.
pub(crate) fn build(source: SourceFile) -> Result<Built, Error> {
    let spec = match timings::phase("parse", || spec::load(&source)) {
        Ok(spec) => spec,
        Err(diagnostics) => return Err(invalid(source, diagnostics)),
    };
    let checked = match timings::phase("check spec", || validate::check_spec(&spec)) {
        Ok(checked) => checked,
        Err(diagnostics) => return Err(invalid(source, diagnostics)),
    };
    let model = timings::phase("model", || model::build(&checked));
    if let Err(diagnostics) =
        timings::phase("check model", || validate::check_model(&checked, &model))
    {
        return Err(invalid(source, diagnostics));
    }
    let rendered = timings::phase("check rendered limits", || {
        rendered_limits(&model, Path::new(&source.name))
    });
    if !rendered.is_empty() {
        return Err(invalid(source, rendered));
    }
    Ok(Built {
        source,
        spec,
        model,
    })
}

/// Limits only a rendered file shows, located at what the spec says: the StackSet's
/// template body, which CloudFormation takes inline up to 51,200 bytes (rendered with
/// the built-in templates; `gen` refuses an overridden one that grows past it too).
pub fn rendered_limits(model: &Model, spec_path: &Path) -> Vec<Diagnostic> {
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

fn invalid(source: SourceFile, diagnostics: Vec<Diagnostic>) -> Error {
    Error::Invalid(Box::new(source), diagnostics)
}

/// A spec loaded (its model, warnings and text; the spec itself is freed), with the
/// formats to render and the templates: everything before the first file.
pub(crate) struct Prepared {
    pub source: SourceFile,
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
    pub formats: Vec<Format>,
    templates: Templates,
    provenance: Provenance,
    spec_sha256: String,
}

/// Load a spec and its templates; `formats` overrides the spec's `[project] formats`.
pub(crate) fn prepare(
    spec_path: &Path,
    formats: Option<Vec<Format>>,
    templates: Option<&Path>,
) -> Result<Prepared, Error> {
    let Loaded {
        source,
        spec,
        model,
        warnings,
    } = load(spec_path)?;
    // Render reads only the model: the spec (a third of the memory a large one takes
    // until then) is freed while it runs, and render reuses the memory.
    crate::parallel::drop_in_background(spec);
    let formats = formats.unwrap_or_else(|| model.formats.clone());
    let templates =
        timings::phase("templates", || Templates::load(templates)).map_err(Error::Templates)?;
    Ok(Prepared {
        formats,
        templates,
        provenance: Provenance::from_spec_path(spec_path),
        spec_sha256: crate::output::sha256_hex(source.text.as_bytes()),
        source,
        model,
        warnings,
    })
}

impl Prepared {
    /// Render, handing each job's files to `emit` as they are made (for `output` to stage).
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

    /// Render into memory.
    pub(crate) fn render(&self) -> Result<Vec<GeneratedFile>, Error> {
        timings::phase("render", || {
            render::render(
                &self.model,
                &self.formats,
                &self.templates,
                &self.provenance,
            )
        })
        .map_err(Error::Render)
    }

    /// The lock file of the files rendered.
    pub(crate) fn manifest(&self, files: Vec<Recorded>) -> Manifest {
        Manifest::new(&self.provenance, self.spec_sha256.clone(), files)
    }
}

/// Everything `gen` would write, in memory.
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub manifest: Manifest,
    pub formats: Vec<Format>,
    /// The spec's warnings.
    pub warnings: Vec<Diagnostic>,
    pub source: SourceFile,
}

/// The whole pipeline without the disk: every file a spec generates, and its lock file.
pub fn generate(
    spec_path: &Path,
    formats: Option<Vec<Format>>,
    templates: Option<&Path>,
) -> Result<Generated, Error> {
    let prepared = prepare(spec_path, formats, templates)?;
    let files = prepared.render()?;
    let manifest = prepared.manifest(files.iter().map(Recorded::of).collect());
    Ok(Generated {
        files,
        manifest,
        formats: prepared.formats,
        warnings: prepared.warnings,
        source: prepared.source,
    })
}
