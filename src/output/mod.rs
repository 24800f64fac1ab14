//! Bringing the output directory in line with what the spec generates: which files change,
//! which are stale, which were edited by hand (`plan`), staging and committing them safely
//! (`stage`, `journal`), and the manifest that says which files are trustgen's.

mod diff;
mod journal;
mod manifest;
mod plan;
mod stage;

pub use diff::unified;
pub use journal::{is_pending, recover, PENDING_NAME};
pub use manifest::{sha256_hex, Manifest, PreviousManifest, Recorded, MANIFEST_NAME};
pub use plan::Conflict;
pub use stage::{plan_while, Mode, PlanFailure, Planned};
