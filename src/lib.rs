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
//! - the stages one by one: [`spec::load`] (with the located [`Diagnostic`]s of a bad
//!   spec), [`validate_and_build`] and [`warnings`], the resolved [`model`], [`render`].
//!
//! Everything else is crate-private.

pub mod cli;
mod commands;
pub mod diagnostic;
mod diff;
mod graph;
mod markdown;
pub mod model;
mod output;
mod parallel;
mod render;
pub mod spec;
mod timings;
mod validate;

pub use commands::{generate, rendered_limits, run, Generated, Outcome};
pub use diagnostic::Diagnostic;
pub use output::{sha256_hex, PENDING_NAME};
pub use render::{render, Deployment, GeneratedFile, Provenance, Templates, Unit};
pub use validate::{validate_and_build, warnings};
