//! Bringing the output directory in line with what the spec generates: which files change,
//! which are stale, which were edited by hand, and an interruption-safe way to write them.

mod diff;
mod journal;
mod manifest;
mod stream;
mod sync;

pub use diff::unified;
pub use journal::{apply, is_pending, recover, PENDING_NAME};
pub use manifest::{is_inside, sha256_hex, FileEntry, Manifest, PreviousManifest, MANIFEST_NAME};
pub use stream::{stage_while, StageFailure, Staged};
pub use sync::{plan, Action, Conflict, SyncPlan};
