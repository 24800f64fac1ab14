//! The house rules ARCHITECTURE.md states, checked on the source: imports follow the
//! pipeline (no stage imports a later one; output knows no backend and no model), only the
//! checks make a `spec::Checked` (the gate into the model), no file in `src/` is over 600
//! lines, and a function over 80 lines says why it is long (`Long on purpose: …`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module of `src/` may import from the others (production code;
/// tests may reach further). `commands` is on top and may use everything.
const ALLOWED: &[(&str, &[&str])] = &[
    ("cli", &["collections", "spec", "diagnostic"]),
    ("diagnostic", &["collections", "spec"]),
    ("markdown", &["collections", "diagnostic"]),
    ("collections", &[]),
    ("parallel", &["collections"]),
    ("timings", &["collections"]),
    (
        "spec",
        &["collections", "diagnostic", "parallel", "timings"],
    ),
    ("model", &["collections", "spec", "diagnostic", "parallel"]),
    (
        "validate",
        &["collections", "spec", "model", "diagnostic", "parallel"],
    ),
    (
        "render",
        &[
            "collections",
            "model",
            "spec",
            "graph",
            "diagnostic",
            "markdown",
            "parallel",
            "timings",
        ],
    ),
    (
        "graph",
        &["collections", "model", "spec", "diagnostic", "markdown"],
    ),
    (
        "diff",
        &[
            "collections",
            "model",
            "graph",
            "spec",
            "diagnostic",
            "markdown",
            "timings",
        ],
    ),
    (
        "output",
        &["collections", "render", "diagnostic", "parallel", "timings"],
    ),
    ("error", &["collections", "diagnostic", "spec"]),
    (
        "pipeline",
        &[
            "collections",
            "spec",
            "validate",
            "model",
            "render",
            "output",
            "diagnostic",
            "error",
            "parallel",
            "timings",
        ],
    ),
];

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                into.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new("src"), &mut files);
    files.sort();
    assert!(files.len() > 50, "the sources are found");
    files
}

/// A file's production code: without its `#[cfg(test)]` module (at the end, by the
/// house's habit) and none for a file of a `tests` folder.
fn production(path: &Path, text: &str) -> String {
    if path.components().any(|c| c.as_os_str() == "tests") || path.ends_with("tests.rs") {
        return String::new();
    }
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text.to_string(),
    }
}

/// The top-level modules a text names as `crate::module` or `crate::{module, …}`.
fn imported(text: &str) -> BTreeSet<String> {
    let mut modules = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for name in group.split(',') {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    modules.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                modules.insert(name);
            }
        }
    }
    modules
}

fn top_module(path: &Path) -> String {
    let inside = path.strip_prefix("src").unwrap_or(path);
    let first = inside
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn imports_follow_the_pipeline() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for path in sources() {
        let module = top_module(&path);
        if matches!(module.as_str(), "commands" | "lib" | "main" | "bin") {
            continue;
        }
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "{}: module {module} is not in ALLOWED",
                path.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for import in imported(&production(&path, &text)) {
            // `path!`, the macro diagnostics are located with, is exported at the root.
            let import = if import == "path" {
                "diagnostic".to_string()
            } else {
                import
            };
            if import != module && !may.contains(&import.as_str()) {
                wrong.push(format!("{}: {module} imports {import}", path.display()));
            }
        }
        // Output writes what render hands it: no backend's types.
        if module == "output"
            && (text.contains("render::cloudformation") || text.contains("render::terraform"))
        {
            wrong.push(format!("{}: output names a backend", path.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_the_checks_make_a_checked_spec() {
    let makers: Vec<String> = sources()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            production(path, &text).contains("Checked::vouch(")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert_eq!(makers, ["src/validate/mod.rs"]);
}

#[test]
fn files_are_short_and_long_functions_say_why() {
    let mut wrong = Vec::new();
    for path in sources() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 600 {
            wrong.push(format!("{}: {} lines", path.display(), lines.len()));
        }
        let mut index = 0;
        while index < lines.len() {
            let line = lines[index];
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
            ]
            .iter()
            .any(|start| trimmed.starts_with(start));
            if !is_fn || trimmed.ends_with(';') {
                index += 1;
                continue;
            }
            let close = format!("{}}}", " ".repeat(indent));
            let end = (index + 1..lines.len())
                .find(|&at| lines[at] == close)
                .unwrap_or(lines.len() - 1);
            let length = end - index + 1;
            let said = lines[index.saturating_sub(6)..index]
                .iter()
                .any(|above| above.contains("Long on purpose"));
            if length > 80 && !said {
                wrong.push(format!(
                    "{}:{}: {length} lines, no `Long on purpose:` comment",
                    path.display(),
                    index + 1
                ));
            }
            index = end + 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
