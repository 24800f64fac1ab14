//! Interruption-safe writes. New contents go to temporary files beside their targets; then
//! a journal naming every rename and removal is written (the commit point); then the
//! renames and removals run, the manifest last; then the journal is deleted.
//!
//! Killed before the commit point, the previous output is untouched and the next run
//! deletes the temporary files. Killed after it, the next run finishes the journal first.
//! No file is ever half-written: each appears by an atomic rename.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::{is_inside, within, MANIFEST_NAME};

pub const PENDING_NAME: &str = ".trustgen-pending.json";
const TEMPORARY_SUFFIX: &str = ".trustgen-tmp";

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    /// (temporary, target), relative to the output directory; the manifest last.
    renames: Vec<(String, String)>,
    removes: Vec<String>,
}

fn temporary_for(path: &str) -> String {
    let (dir, name) = path.rsplit_once('/').map_or(("", path), |(d, n)| (d, n));
    let temporary = format!(".{name}{TEMPORARY_SUFFIX}");
    if dir.is_empty() {
        temporary
    } else {
        format!("{dir}/{temporary}")
    }
}

/// Writes `contents` to `path` and waits until it is on disk. `contents` is freed once
/// written, before that wait: a large run waits on many files at once, and their text
/// is in the page cache by then.
fn write_durably(path: &Path, contents: String) -> Result<(), String> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(parent)
        .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    let result = (|| {
        let mut file = fs::File::create(path)?;
        file.write_all(contents.as_bytes())?;
        drop(contents);
        file.sync_all()
    })();
    result.map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// Writes `contents` durably to the temporary beside `path` (relative to `out`), ready for
/// `commit`. Returns the directories that had to be created for it, deepest first.
pub(super) fn stage(out: &Path, path: &str, contents: String) -> Result<Vec<PathBuf>, String> {
    let temporary = within(out, &temporary_for(path))?;
    let mut created = Vec::new();
    let mut dir = temporary.parent().map(Path::to_path_buf);
    while let Some(missing) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        dir = missing.parent().map(Path::to_path_buf);
        created.push(missing);
    }
    write_durably(&temporary, contents)?;
    Ok(created)
}

/// Takes back what `stage` wrote: the temporaries of `paths`, then the directories it
/// created, where they are empty again. Best effort: what remains is swept by `recover`.
pub(super) fn unstage(out: &Path, paths: &[&str], created: &[PathBuf]) {
    for path in paths {
        let _ = fs::remove_file(out.join(temporary_for(path)));
    }
    let mut dirs: Vec<&PathBuf> = created.iter().collect();
    // Deepest first, so parents are empty when their turn comes.
    dirs.sort_by_key(|dir| std::cmp::Reverse(dir.components().count()));
    dirs.dedup();
    for dir in dirs {
        let _ = fs::remove_dir(dir);
    }
}

/// The commit point and what follows it: a journal naming every rename (staged
/// temporaries of `writes`, in order, the manifest last) and removal, then the renames and
/// removals, then the journal goes.
pub(super) fn commit(out: &Path, writes: &[&str], removes: &[&str]) -> Result<(), String> {
    let (manifest, others): (Vec<&str>, Vec<&str>) =
        writes.iter().partition(|path| **path == MANIFEST_NAME);
    let journal = Journal {
        renames: others
            .iter()
            .chain(&manifest)
            .map(|path| (temporary_for(path), path.to_string()))
            .collect(),
        removes: removes.iter().map(|path| path.to_string()).collect(),
    };
    if journal.renames.is_empty() && journal.removes.is_empty() {
        return Ok(());
    }
    let text = serde_json::to_string_pretty(&journal).map_err(|error| error.to_string())?;
    let pending = within(out, PENDING_NAME)?;
    let staged = within(out, &temporary_for(PENDING_NAME))?;
    write_durably(&staged, text)?;
    fs::rename(&staged, &pending)
        .map_err(|error| format!("cannot write {}: {error}", pending.display()))?;
    finish(out, &journal)
}

fn finish(out: &Path, journal: &Journal) -> Result<(), String> {
    for (temporary, target) in &journal.renames {
        let from = within(out, temporary)?;
        if from.exists() {
            fs::rename(&from, within(out, target)?)
                .map_err(|error| format!("cannot move {} into place: {error}", from.display()))?;
        }
    }
    for path in &journal.removes {
        let target = within(out, path)?;
        match fs::remove_file(&target) {
            Ok(()) => remove_empty_parents(out, &target),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(format!("cannot remove {}: {error}", target.display())),
        }
    }
    fs::remove_file(out.join(PENDING_NAME))
        .map_err(|error| format!("cannot remove the journal: {error}"))
}

/// Directories a removal emptied (an account that left the spec) go too, up to `out`.
fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir: Option<PathBuf> = file.parent().map(Path::to_path_buf);
    while let Some(current) = dir {
        if current == out || !current.starts_with(out) || fs::remove_dir(&current).is_err() {
            break;
        }
        dir = current.parent().map(Path::to_path_buf);
    }
}

/// Completes or undoes an interrupted `gen`. Returns what it did, for the user.
pub(crate) fn recover(out: &Path) -> Result<Option<String>, String> {
    let pending = within(out, PENDING_NAME)?;
    match fs::read_to_string(&pending) {
        Ok(text) => {
            let journal: Journal = serde_json::from_str(&text).map_err(|error| {
                format!(
                    "{} is damaged ({error}); remove it and run gen again",
                    pending.display()
                )
            })?;
            let paths = journal
                .renames
                .iter()
                .flat_map(|(a, b)| [a, b])
                .chain(&journal.removes);
            if let Some(bad) = paths.into_iter().find(|p| !is_inside(p)) {
                return Err(format!(
                    "{} names `{bad}`, outside the output directory",
                    pending.display()
                ));
            }
            // A journal only ever moves a target's own temporary onto it: anything else was
            // not written by trustgen (the output directory comes with the repository).
            if let Some((from, to)) = journal
                .renames
                .iter()
                .find(|(from, to)| *from != temporary_for(to))
            {
                return Err(format!(
                    "{} would move `{from}` onto `{to}`, which trustgen never does; remove it and run gen again",
                    pending.display()
                ));
            }
            finish(out, &journal)?;
            Ok(Some(
                "completed the changes of an interrupted `trustgen gen`".into(),
            ))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let removed = remove_temporaries(out);
            Ok((removed > 0).then(|| {
                format!("removed {removed} temporary files of an interrupted `trustgen gen`")
            }))
        }
        Err(error) => Err(format!("cannot read {}: {error}", pending.display())),
    }
}

fn remove_temporaries(dir: &Path) -> usize {
    let mut removed = 0;
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            removed += remove_temporaries(&path);
        } else if name.starts_with('.')
            && name.ends_with(TEMPORARY_SUFFIX)
            && fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Whether an interrupted `gen` left a journal behind.
pub(crate) fn is_pending(out: &Path) -> bool {
    out.join(PENDING_NAME).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        let _ = fs::create_dir_all(path.parent().unwrap_or(path));
        let _ = fs::write(path, text);
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_default()
    }

    /// A gen killed after its commit point, with one rename done and one to go.
    #[test]
    fn recover_finishes_a_committed_journal() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let out = dir.path();
        write(&out.join("a.tf"), "new a");
        write(&out.join(".b.tf.trustgen-tmp"), "new b");
        write(&out.join("b.tf"), "old b");
        write(&out.join("gone/old.yaml"), "old");
        write(
            &out.join(".trustgen.lock.json.trustgen-tmp"),
            "new manifest",
        );
        write(&out.join("trustgen.lock.json"), "old manifest");
        let journal = Journal {
            renames: vec![
                (".a.tf.trustgen-tmp".into(), "a.tf".into()),
                (".b.tf.trustgen-tmp".into(), "b.tf".into()),
                (
                    ".trustgen.lock.json.trustgen-tmp".into(),
                    MANIFEST_NAME.into(),
                ),
            ],
            removes: vec!["gone/old.yaml".into()],
        };
        write(
            &out.join(PENDING_NAME),
            &serde_json::to_string(&journal).unwrap_or_default(),
        );
        assert!(recover(out).is_ok_and(|note| note.is_some()));
        assert_eq!(read(&out.join("a.tf")), "new a");
        assert_eq!(read(&out.join("b.tf")), "new b");
        assert_eq!(read(&out.join(MANIFEST_NAME)), "new manifest");
        assert!(!out.join("gone").exists(), "emptied directories go too");
        assert!(!out.join(PENDING_NAME).exists());
    }

    /// A gen killed before its commit point: only temporaries to sweep away.
    #[test]
    fn recover_discards_uncommitted_temporaries() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let out = dir.path();
        write(&out.join("terraform/.dev.tf.trustgen-tmp"), "half");
        write(&out.join("terraform/dev.tf"), "old");
        assert!(recover(out).is_ok_and(|note| note.is_some()));
        assert_eq!(read(&out.join("terraform/dev.tf")), "old");
        assert!(!out.join("terraform/.dev.tf.trustgen-tmp").exists());
    }

    #[test]
    fn a_journal_naming_paths_outside_is_refused() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let journal = r#"{"renames": [], "removes": ["../escape"]}"#;
        write(&dir.path().join(PENDING_NAME), journal);
        assert!(recover(dir.path()).is_err());
    }

    /// The output directory comes with the repository: a planted journal must not move
    /// anything but a target's own temporary, nor reach through a symbolic link.
    #[test]
    fn a_planted_journal_cannot_move_or_remove_files_elsewhere() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let out = dir.path().join("out");
        let victim = dir.path().join("victim");
        write(&victim.join("keep.txt"), "keep");
        write(&out.join("payload.sh"), "evil");
        let _ = std::os::unix::fs::symlink(&victim, out.join("escape"));
        let renamed = r#"{"renames": [["payload.sh", "escape/.bashrc"]], "removes": []}"#;
        write(&out.join(PENDING_NAME), renamed);
        assert!(
            recover(&out).is_err(),
            "a rename of something that is not the target's temporary"
        );
        let removed = r#"{"renames": [], "removes": ["escape/keep.txt"]}"#;
        write(&out.join(PENDING_NAME), removed);
        assert!(recover(&out).is_err(), "a removal through a symbolic link");
        assert_eq!(read(&victim.join("keep.txt")), "keep");
        assert!(!victim.join(".bashrc").exists());
    }

    #[test]
    fn temporaries_sit_beside_their_targets() {
        assert_eq!(
            temporary_for("terraform/dev.tf"),
            "terraform/.dev.tf.trustgen-tmp"
        );
        assert_eq!(
            temporary_for("trustgen.lock.json"),
            ".trustgen.lock.json.trustgen-tmp"
        );
    }
}
