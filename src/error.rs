//! The library's one error: whatever stops the pipeline, typed. Only `commands` turns it
//! into text for a terminal or a CI tool, an exit code, and "nothing was written".

use std::fmt;

use crate::diagnostic::{Diagnostic, Severity};
use crate::spec::SourceFile;

#[derive(Debug)]
pub enum Error {
    /// The spec (or another input file) could not be read: why.
    Unreadable(String),
    /// The spec is invalid: its errors (and any warnings found with them), located in its
    /// text.
    Invalid(Box<SourceFile>, Vec<Diagnostic>),
    /// The templates could not be used (`--templates`): why.
    Templates(String),
    /// Rendering failed: a template's error, a name two resources would share.
    Render(String),
    /// The output directory could not be read, planned or written: why.
    Output(String),
}

impl Error {
    /// The exit status: 2 for what the user gave (the spec, the templates), 1 for a run
    /// that failed on the disk.
    pub fn code(&self) -> u8 {
        match self {
            Error::Unreadable(_) | Error::Invalid(..) | Error::Templates(_) | Error::Render(_) => 2,
            Error::Output(_) => 1,
        }
    }

    /// How many errors an invalid spec has.
    pub fn error_count(&self) -> usize {
        match self {
            Error::Invalid(_, diagnostics) => diagnostics
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .count(),
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unreadable(message)
            | Error::Templates(message)
            | Error::Render(message)
            | Error::Output(message) => f.write_str(message),
            Error::Invalid(source, _) => {
                let count = self.error_count();
                let errors = if count == 1 { "error" } else { "errors" };
                write!(f, "{count} {errors} in {}", source.name)
            }
        }
    }
}

impl std::error::Error for Error {}
