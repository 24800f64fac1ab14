//! A spec as committed at a git revision (`diff --base`): read through git, one argument
//! each, never through a shell, never through a symbolic link or into a git submodule.

use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diagnostic::printable;
use crate::spec::SourceFile;

pub(super) enum Revision {
    Found(SourceFile),
    /// The spec did not exist at the revision; its name (`REV:PATH`).
    Absent(String),
}

/// The spec as committed at `revision` of the git repository it is in. The revision comes
/// from the command line, the path from the file system: git gets each as one argument of
/// its own (no shell), a revision cannot pass for an option, and paths are literal.
pub(super) fn read_at_revision(spec: &Path, revision: &str) -> Result<Revision, String> {
    if revision.is_empty()
        || revision.starts_with('-')
        || revision
            .chars()
            .any(|c| c == ':' || c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "`{}` is not a revision diff accepts: give a branch, tag or commit (not starting \
             with `-`, without `:` or spaces)",
            printable(revision)
        ));
    }
    let (root, parts) = repository_path(spec)?;
    let path = parts.join("/");
    let name = format!("{revision}:{path}");
    let commit = git(
        &root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision `{}`", printable(revision)))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    // The spec's own entry; only when the revision has none, the directories on the way:
    // one of them being a symbolic link there would have gen read another file.
    let entry = |path: &str| tree_entry(&root, &commit, path, &name);
    let refused = |prefix: &str, mode: &str| {
        let what = if mode == "160000" {
            "a git submodule"
        } else {
            "a symbolic link"
        };
        format!(
            "{} is {what} at {}: diff compares the path as git sees it at both \
             revisions, so give the path of the file itself",
            printable(&format!("{revision}:{prefix}")),
            printable(revision)
        )
    };
    let Some((mode, kind, object)) = entry(&path)? else {
        for depth in 1..parts.len() {
            let prefix = parts[..depth].join("/");
            match entry(&prefix)? {
                Some((mode, _, _)) if mode == "120000" || mode == "160000" => {
                    return Err(refused(&prefix, &mode))
                }
                Some((_, kind, _)) if kind == "tree" => {}
                _ => break,
            }
        }
        return Ok(Revision::Absent(name));
    };
    if mode == "120000" || mode == "160000" {
        return Err(refused(&path, &mode));
    }
    if kind != "blob" {
        return Err(format!(
            "{} is not a regular file at that revision",
            printable(&name)
        ));
    }
    let bytes = git(&root, &["show", &object])
        .map_err(|message| format!("cannot read {}: {message}", printable(&name)))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", printable(&name)))?;
    Ok(Revision::Found(SourceFile::new(name, text)))
}

/// The entry of `path` in the tree of `commit`: its mode, type and object, or `None`.
/// `name` is how messages call the spec.
fn tree_entry(
    root: &Path,
    commit: &str,
    path: &str,
    name: &str,
) -> Result<Option<(String, String, String)>, String> {
    let listing = git(root, &["ls-tree", "-z", "--full-tree", commit, "--", path])
        .map_err(|message| format!("cannot list {}: {message}", printable(name)))?;
    // `<mode> <type> <object>\t<path>\0` for each entry; this path's, exactly.
    for raw in listing.split(|byte| *byte == 0) {
        let Some((meta, entry_path)) = std::str::from_utf8(raw)
            .ok()
            .and_then(|text| text.split_once('\t'))
        else {
            continue;
        };
        let mut fields = meta.split(' ');
        if let (true, Some(mode), Some(kind), Some(object)) = (
            entry_path == path,
            fields.next(),
            fields.next(),
            fields.next(),
        ) {
            return Ok(Some((mode.into(), kind.into(), object.into())));
        }
    }
    Ok(None)
}

/// The repository `spec` is in, and the spec's path in it as git sees it: the path as
/// given, not the file a symbolic link leads to. A symbolic link on the way inside the
/// repository is refused: git at the revision and the file on disk could then be two
/// different files (a pull request that turns the spec into a link to another spec would
/// have `--base` compare that other spec with its own past).
fn repository_path(spec: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let cannot = |error: std::io::Error| {
        format!(
            "cannot read spec {}: {error}",
            printable(&spec.to_string_lossy())
        )
    };
    std::fs::metadata(spec).map_err(cannot)?;
    let current = std::env::current_dir().map_err(cannot)?;
    let absolute = lexical(&current.join(spec), spec)?;
    let directory = absolute.parent().unwrap_or(Path::new("/"));
    let root = git(directory, &["rev-parse", "--show-toplevel"])
        .map_err(|message| format!("{} is not in a git repository: {message}", shown(spec)))?;
    // A submodule has a history of its own: its revisions are not the repository's that
    // holds it, and the superproject may not have had a submodule there at all.
    let superproject = git(
        directory,
        &["rev-parse", "--show-superproject-working-tree"],
    )
    .unwrap_or_default();
    if !superproject.is_empty() {
        return Err(format!(
            "{} is inside a git submodule of {}: diff compares the path as one repository \
             has it at both revisions; compare two files instead (trustgen diff OLD_SPEC \
             NEW_SPEC)",
            shown(spec),
            printable(String::from_utf8_lossy(&superproject).trim())
        ));
    }
    let root = std::fs::canonicalize(String::from_utf8_lossy(&root).trim_end_matches('\n'))
        .map_err(|error| format!("cannot find the repository of {}: {error}", shown(spec)))?;
    // The deepest directory on the path that is the repository's root; below it, every
    // step as written.
    let inside = absolute
        .ancestors()
        .skip(1)
        .find(|ancestor| std::fs::canonicalize(ancestor).is_ok_and(|real| real == root))
        .and_then(|top| absolute.strip_prefix(top).ok())
        .ok_or_else(|| {
            format!(
                "{} is not inside the git repository at {}",
                shown(spec),
                shown(&root)
            )
        })?;
    let mut parts = Vec::new();
    let mut walked = absolute.clone();
    for _ in inside.components() {
        walked.pop();
    }
    for component in inside.components() {
        let Component::Normal(part) = component else {
            return Err(format!("{} is not inside the repository", shown(spec)));
        };
        walked.push(part);
        if is_link(&walked) {
            return Err(format!(
                "{} is a symbolic link: diff compares the path as git sees it at both \
                 revisions, so give the path of the file itself",
                shown(&walked)
            ));
        }
        parts.push(
            part.to_str()
                .ok_or_else(|| format!("the path of {} is not UTF-8", shown(spec)))?
                .to_string(),
        );
    }
    Ok((root, parts))
}

/// `path` with `.` and `..` resolved as written. `link/..` is the parent of where the link
/// leads, not the directory holding the link: the path git sees and the file read would
/// differ, so it is refused.
fn lexical(path: &Path, spec: &Path) -> Result<PathBuf, String> {
    let mut absolute = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if is_link(&absolute) => {
                return Err(format!(
                    "{} is a symbolic link followed by `..` in {}: give the path of the \
                     spec itself",
                    shown(&absolute),
                    shown(spec)
                ));
            }
            Component::ParentDir => {
                absolute.pop();
            }
            other => absolute.push(other),
        }
    }
    Ok(absolute)
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

fn shown(path: &Path) -> String {
    printable(&path.to_string_lossy())
}

/// Runs git in `directory` with `args`, each one argument; its standard output, or its
/// message on failure.
fn git(directory: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(directory)
        .args(args)
        // Paths are file names, never patterns; nothing may wait for a prompt.
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(printable(String::from_utf8_lossy(&output.stderr).trim()))
    }
}
