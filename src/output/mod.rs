//! Bringing the output directory in line with what the spec generates: which files change,
//! which are stale, which were edited by hand (`plan`), staging and committing them safely
//! (`stage`, `journal`), and the manifest that says which files are trustgen's.

mod diff;
mod foreign;
mod journal;
mod manifest;
mod plan;
mod retired;
mod stage;

pub(crate) use diff::unified;
pub(crate) use foreign::foreign_terraform;
pub use journal::PENDING_NAME;
pub(crate) use journal::{is_pending, recover};
pub use manifest::sha256_hex;
pub(crate) use manifest::{Manifest, PreviousManifest, Recorded};
pub(crate) use plan::Conflict;
pub(crate) use retired::retired;
pub(crate) use stage::{plan_while, Mode, PlanFailure, Planned};
