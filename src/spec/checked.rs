//! The gate between judging a spec and building its model: a spec the checks accepted.
//! The model builder takes only a `Checked`, so no code path builds a model from a spec
//! that was not judged; `validate::check_spec` is the one place that makes one (a test,
//! `tests/integration/architecture.rs`, keeps it so).

use std::ops::Deref;

use super::Spec;
use crate::diagnostic::{Diagnostic, Severity};

/// A spec whose checks found no error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked<'s> {
    spec: &'s Spec,
}

impl<'s> Checked<'s> {
    /// The spec, when the diagnostics of its checks hold no error.
    pub(crate) fn vouch(spec: &'s Spec, diagnostics: &[Diagnostic]) -> Option<Self> {
        diagnostics
            .iter()
            .all(|diagnostic| diagnostic.severity() != Severity::Error)
            .then_some(Checked { spec })
    }

    pub(crate) fn spec(&self) -> &'s Spec {
        self.spec
    }
}

impl Deref for Checked<'_> {
    type Target = Spec;

    fn deref(&self) -> &Spec {
        self.spec
    }
}
