//! Bringing the output directory in line with what the spec generates: which files change,
//! which are stale, which were edited by hand, and an interruption-safe way to write them.

mod diff;
mod journal;
mod manifest;
mod sync;

pub use diff::unified;
pub use journal::{apply, is_pending, recover, PENDING_NAME};
pub use manifest::{is_inside, sha256_hex, Manifest, PreviousManifest, MANIFEST_NAME};
pub use sync::{plan, Action, Conflict, SyncPlan};
