//! trustgen: one TOML spec in, least-privilege IAM trust and ECS task definitions out,
//! as CloudFormation and Terraform rendered from one model.
//!
//! Pipeline (see ARCHITECTURE.md): `spec` (parse) -> `validate` -> `model` -> `render` ->
//! `output`; `commands` wires them to the CLI, and nothing below `main` exits the process.
//!
//! The library's public surface is what the CLI, the tests and the fuzz targets use:
//!
//! - [`run`] runs a parsed command line ([`cli::Cli`]) and returns an [`Outcome`];
//! - [`generate`] is `gen` without the disk: every file a spec generates, in memory;
//! - the stages one by one: [`input::load`] (with the located [`Diagnostic`]s of a bad
//!   spec), [`validate_and_build`] and [`warnings`], the resolved model ([`inspect`]),
//!   [`render`].
//!
//! Everything else is crate-private: `spec` and `model` are reached only through the two
//! facades below, so what tests and fuzz targets lean on is listed in one place.

pub mod cli;
mod collections;
mod commands;
pub mod diagnostic;
mod diff;
mod error;
mod graph;
mod markdown;
mod model;
mod output;
mod parallel;
mod pipeline;
mod render;
mod spec;
mod timings;
mod validate;

pub use commands::{run, Outcome};
pub use diagnostic::Diagnostic;
pub use error::Error;
pub use output::{sha256_hex, PENDING_NAME};
pub use pipeline::{generate, rendered_limits, Generated};
pub use render::{render, Deployment, GeneratedFile, Provenance, Templates, Unit};
pub use validate::{validate_and_build, warnings};

/// Reading a spec: the facade over `spec` that tests, fuzz targets and the schema check use.
pub mod input {
    pub use crate::spec::schema::SCHEMA_ID;
    pub use crate::spec::{load, load_with_toml, Format, SourceFile, Spec};

    /// The fast strict reader of plain TOML, fuzzed against the `toml` crate.
    pub mod fast {
        pub use crate::spec::fast::{document_as_json, load};
    }
}

/// The resolved model, to read: the facade over `model` that tests use to look at the
/// roles, policy documents and names `gen` renders.
pub mod inspect {
    pub use crate::model::names::{provider_alias, IDENTITY_CENTER_PROVIDER};
    pub use crate::model::{Account, Model, PartitionExt, Role};
}
