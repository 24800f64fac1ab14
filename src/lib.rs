//! trustgen: one TOML spec in, least-privilege IAM trust and ECS task definitions out,
//! as CloudFormation and Terraform rendered from one model.
//!
//! Pipeline: `spec` (parse) -> `validate` -> `model` -> `render` -> `output`.
//! `commands` wires them to the CLI; nothing below `main` exits the process.

pub mod cli;
mod commands;
pub mod diagnostic;
pub mod graph;
pub mod model;
pub mod output;
mod parallel;
pub mod render;
pub mod spec;
pub mod timings;
pub mod validate;

pub use commands::{generate, run, Generated, Outcome};
