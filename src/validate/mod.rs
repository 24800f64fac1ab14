//! Judges a parsed spec: every independent problem is reported at once, each located, and
//! a spec with any error never reaches the model builder.

mod conditions;
mod containers;
mod fargate;
mod identity_center;
mod limits;
mod names;
mod organisation;
mod platform;
mod reach;
mod roles;
pub(crate) mod syntax;
mod tasks;
mod terraform;
mod warnings;

pub use warnings::check as warnings;

use crate::diagnostic::{Diagnostic, Location, PathSegment, Severity};
use crate::model::{self, Model};
use crate::spec::Spec;

/// Collects diagnostics; the validators below push into it.
#[derive(Default)]
pub(crate) struct Findings {
    pub diagnostics: Vec<Diagnostic>,
}

impl Findings {
    pub(crate) fn error_help(
        &mut self,
        code: &'static str,
        path: Vec<PathSegment>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(code, message, Location::Value(path)).with_help(help));
    }

    pub(crate) fn key_error(
        &mut self,
        code: &'static str,
        path: Vec<PathSegment>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(code, message, Location::Key(path)).with_help(help));
    }
}

/// Validates the spec and, when it is sound, builds the model and checks AWS's limits on it.
pub fn validate_and_build(spec: &Spec) -> Result<Model, Vec<Diagnostic>> {
    let mut findings = Findings::default();
    organisation::check(spec, &mut findings);
    identity_center::check(spec, &mut findings);
    names::check_spec(spec, &mut findings);
    tasks::check(spec, &mut findings);
    tasks::check_simulate_boundaries(spec, &mut findings);
    roles::check(spec, &mut findings);
    reach::check_opt_ins(spec, &mut findings);
    terraform::check(spec, &mut findings);
    if has_errors(&findings.diagnostics) {
        return Err(findings.diagnostics);
    }
    let model = model::build(spec);
    limits::check_model(spec, &model, &mut findings);
    names::check_model(&model, &mut findings);
    identity_center::check_model(spec, &model, &mut findings);
    terraform::check_model(spec, &model, &mut findings);
    reach::check(spec, &model, &mut findings);
    if has_errors(&findings.diagnostics) {
        return Err(findings.diagnostics);
    }
    Ok(model)
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}
