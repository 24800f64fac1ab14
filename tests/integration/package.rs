//! The crate as it is published: its rust-version is what its dependencies allow, the
//! package holds what the build embeds and nothing of the tests' fixtures, `cargo
//! binstall`'s metadata names the archives the release workflow packs, the changelog keeps
//! its form, and the spec schema's `$id` is where the repository publishes it.
//! (`cargo package --locked` and `cargo publish --dry-run` themselves run in .ci/run.)

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use trustgen::diagnostic::Code;

use crate::support::schema_errors;

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        output.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn manifest() -> toml::Table {
    let text = std::fs::read_to_string("Cargo.toml").unwrap_or_else(|e| panic!("{e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("Cargo.toml: {e}"))
}

/// `1.88` as (1, 88, 0).
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// With one toolchain here, rust-version cannot be proven by building with that version.
/// What is checked: no crate cargo builds into trustgen, on any target, declares a newer
/// rust-version than trustgen's, and the newest one they declare is trustgen's (so it is
/// not set lower than the dependencies need either). Standard library items newer than
/// rust-version are clippy's `incompatible_msrv` lint, denied in .ci/run.
#[test]
fn rust_version_is_what_the_dependencies_need() {
    let ours = manifest()["package"]["rust-version"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let metadata: Value =
        serde_json::from_str(&cargo(&["metadata", "--locked", "--format-version", "1"]))
            .unwrap_or_else(|e| panic!("{e}"));
    let declared: BTreeMap<String, String> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let key = format!("{} v{}", p["name"].as_str()?, p["version"].as_str()?);
            Some((key, p["rust_version"].as_str()?.to_string()))
        })
        .collect();
    // What is built: normal and build dependencies, every target, features resolved.
    let tree = cargo(&[
        "tree",
        "--locked",
        "--edges",
        "normal,build",
        "--target",
        "all",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    let built: std::collections::BTreeSet<String> = tree
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .filter(|crate_| !crate_.starts_with("trustgen "))
        .collect();
    assert!(built.len() > 40, "{tree}");
    let newer: Vec<String> = built
        .iter()
        .filter_map(|c| declared.get(c).map(|v| (c, v)))
        .filter(|(_, v)| version(v) > version(&ours))
        .map(|(c, v)| format!("{c} needs {v}"))
        .collect();
    assert!(
        newer.is_empty(),
        "rust-version {ours} is too old: {newer:?}"
    );
    let newest = built
        .iter()
        .filter_map(|c| declared.get(c))
        .map(|v| version(v))
        .max()
        .unwrap_or_default();
    assert_eq!(
        newest,
        version(&ours),
        "no dependency needs {ours}: rust-version could be lower"
    );
}

#[test]
fn the_package_holds_what_the_build_embeds_and_no_fixtures() {
    let listed = cargo(&["package", "--locked", "--list", "--allow-dirty"]);
    let files: std::collections::BTreeSet<&str> = listed.lines().collect();
    // The explanations, which codes.rs embeds by a path its macro builds from each code.
    let mut needed: Vec<String> = Code::ALL
        .iter()
        .map(|code| format!("docs/codes/{}.md", code.name()))
        .collect();
    for entry in std::fs::read_dir("templates")
        .into_iter()
        .flatten()
        .flatten()
    {
        for template in std::fs::read_dir(entry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = template.path().to_string_lossy().replace('\\', "/");
            needed.push(path);
        }
    }
    // Every other file the library or the binary embeds, found in the source, so that a
    // new `include_str!` of a file outside the `include` list fails here, not on crates.io.
    needed.extend(embedded_files());
    needed.extend(
        [
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "Cargo.lock",
            "src/main.rs",
            "schemas/trustgen.schema.json",
            "tests/integration/main.rs",
        ]
        .map(String::from),
    );
    let missing: Vec<&String> = needed
        .iter()
        .filter(|f| !files.contains(f.as_str()))
        .collect();
    assert!(missing.is_empty(), "not packaged: {missing:?}");
    let stray: Vec<&&str> = files
        .iter()
        .filter(|f| {
            [
                "tests/fixtures/",
                "tests/schemas/",
                "tests/tools/",
                "bench/",
                "fuzz/",
                ".github/",
            ]
            .iter()
            .any(|prefix| f.starts_with(prefix))
        })
        .collect();
    assert!(stray.is_empty(), "packaged but not needed: {stray:?}");
}

/// The files that `include_str!` and `include_bytes!` embed in the code cargo package
/// builds (the source outside test modules: `src/**/tests/` and `tests.rs` files), as
/// package paths. An include whose path is built by a macro must be one this test knows
/// how to account for (codes.rs's explanations, listed by `Code::ALL` above).
fn embedded_files() -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
                for (at, _) in text
                    .match_indices("include_str!(")
                    .chain(text.match_indices("include_bytes!("))
                {
                    files.push(embedded_path(&path, &text[at..]));
                }
            }
        }
    }
    files.retain(|file| !file.is_empty());
    assert!(
        files.iter().any(|f| f.starts_with("templates/"))
            && files.iter().any(|f| f.starts_with("data/")),
        "the scan of src/ found no template or data file: {files:?}"
    );
    files
}

/// The package path of the file one include names: `include_str!("../x")` relative to the
/// including file, `include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/x"))` from the
/// package's root; "" for codes.rs's explanations (checked through `Code::ALL`).
fn embedded_path(file: &Path, call: &str) -> String {
    // The macro's arguments: up to the parenthesis that closes its own (no path here
    // holds a parenthesis or a quote).
    let mut depth = 0;
    let end = call
        .char_indices()
        .find(|&(_, c)| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            c == ')' && depth == 0
        })
        .map_or(call.len(), |(at, _)| at);
    let args = &call[..end];
    let literals: Vec<&str> = args.split('"').skip(1).step_by(2).collect();
    let display = file.display();
    if args.contains("concat!(") {
        match literals.as_slice() {
            ["CARGO_MANIFEST_DIR", path] => path.trim_start_matches('/').to_string(),
            ["CARGO_MANIFEST_DIR", "/docs/codes/", ".md"]
                if display.to_string().ends_with("codes.rs") =>
            {
                String::new()
            }
            _ => panic!("{display}: an include this test cannot follow: {args}"),
        }
    } else {
        let [relative] = literals.as_slice() else {
            panic!("{display}: an include this test cannot follow: {args}")
        };
        let mut parts: Vec<&str> = file
            .parent()
            .map(|p| p.to_str().unwrap_or_default())
            .unwrap_or_default()
            .split('/')
            .collect();
        for part in relative.split('/') {
            match part {
                ".." => {
                    parts.pop();
                }
                "." => {}
                part => parts.push(part),
            }
        }
        parts.join("/")
    }
}

/// A binstall template (`{ name }-{ target }`) filled in.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (key, value) in values {
        text = text.replace(&format!("{{ {key} }}"), value);
    }
    assert!(!text.contains('{'), "unfilled: {text}");
    text
}

#[test]
fn binstall_finds_the_archives_the_release_workflow_packs() {
    let workflow_text =
        std::fs::read_to_string(".github/workflows/release.yml").unwrap_or_else(|e| panic!("{e}"));
    let workflow: Value =
        serde_norway::from_str(&workflow_text).unwrap_or_else(|e| panic!("release.yml: {e}"));
    if let Some(errors) = schema_errors(
        "tests/schemas/github-workflow.json",
        &workflow.to_string(),
        &[],
    ) {
        assert!(errors.is_empty(), "release.yml:\n{}", errors.join("\n"));
    }
    let manifest = manifest();
    let package = &manifest["package"];
    let binstall = &package["metadata"]["binstall"];
    let text = |value: &toml::Value| value.as_str().unwrap_or_default().to_string();
    let (pkg_url, bin_dir) = (text(&binstall["pkg-url"]), text(&binstall["bin-dir"]));
    let targets: Vec<String> = workflow["jobs"]["archives"]["strategy"]["matrix"]["include"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["target"].as_str().map(str::to_string))
        .collect();
    assert_eq!(targets.len(), 5);
    let script = std::fs::read_to_string(".github/scripts/package-release.sh")
        .unwrap_or_else(|e| panic!("{e}"));
    for target in &targets {
        let windows = target.contains("windows");
        let format = binstall["overrides"]
            .get(target.as_str())
            .and_then(|o| o.get("pkg-fmt"))
            .map_or_else(|| text(&binstall["pkg-fmt"]), text);
        // The script packs a .zip exactly where binstall expects one.
        assert_eq!(format, if windows { "zip" } else { "tgz" }, "{target}");
        let suffix = if windows { ".zip" } else { ".tar.gz" };
        let url = fill(
            &pkg_url,
            &[
                ("repo", &text(&package["repository"])),
                ("version", &text(&package["version"])),
                ("name", "trustgen"),
                ("target", target),
                ("archive-suffix", suffix),
            ],
        );
        assert!(
            url.ends_with(&format!("/trustgen-{target}{suffix}")),
            "{url}"
        );
        assert!(script.contains(&format!("$name{suffix}")), "{target}");
    }
    assert!(script.contains("*windows*) ") && script.contains("-tzip"));
    // Pack the host's archive with this build and find the binary where binstall looks.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = "x86_64-unknown-linux-gnu";
    let status = Command::new("bash")
        .arg(".github/scripts/package-release.sh")
        .args([target, env!("CARGO_BIN_EXE_trustgen")])
        .arg(dir.path())
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    let archive = dir.path().join(format!("trustgen-{target}.tar.gz"));
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let listing = String::from_utf8_lossy(&listing.stdout);
    let binary = fill(
        &bin_dir,
        &[
            ("name", "trustgen"),
            ("target", target),
            ("bin", "trustgen"),
            ("binary-ext", ""),
        ],
    );
    for expected in [
        binary.as_str(),
        &format!("trustgen-{target}/completions/trustgen.bash"),
        &format!("trustgen-{target}/man/trustgen-gen.1"),
        &format!("trustgen-{target}/LICENSE"),
    ] {
        assert!(
            listing.lines().any(|l| l == expected),
            "{expected} not in:\n{listing}"
        );
    }
}

#[test]
fn the_changelog_keeps_a_changelog_form() {
    let text = std::fs::read_to_string("CHANGELOG.md").unwrap_or_else(|e| panic!("{e}"));
    assert!(text.starts_with("# Changelog\n"));
    assert!(text.contains("[Keep a Changelog](https://keepachangelog.com/"));
    let versions: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .collect();
    assert_eq!(versions.first(), Some(&"[Unreleased]"), "{versions:?}");
    for heading in &versions[1..] {
        // `[0.1.0] - 2026-12-14`
        let (name, date) = heading.split_once("] - ").unwrap_or_default();
        let name = name.trim_start_matches('[');
        assert!(
            name.split('.').count() == 3 && date.len() == 10,
            "{heading}"
        );
    }
    for heading in &versions {
        let name = heading.split(']').next().unwrap_or_default();
        assert!(
            text.contains(&format!("\n{name}]: ")),
            "no link for {heading}"
        );
    }
    for section in text.lines().filter_map(|line| line.strip_prefix("### ")) {
        assert!(
            [
                "Added",
                "Changed",
                "Deprecated",
                "Removed",
                "Fixed",
                "Security"
            ]
            .contains(&section),
            "{section}"
        );
    }
}

#[test]
fn the_schema_id_is_where_the_repository_publishes_it() {
    let repository = manifest()["package"]["repository"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let raw = repository.replacen(
        "https://github.com/",
        "https://raw.githubusercontent.com/",
        1,
    );
    let id = trustgen::input::SCHEMA_ID;
    assert_eq!(id, format!("{raw}/main/schemas/trustgen.schema.json"));
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/trustgen.schema.json").unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(committed["$id"], id);
    // The SchemaStore catalog entry to submit: the same URL, for the file name the hooks
    // and the action default to.
    let entry: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/schemastore-catalog.json").unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(entry["url"], id);
    assert!(entry["fileMatch"]
        .as_array()
        .is_some_and(|m| m.iter().any(|f| f == "trustgen.toml")));
    assert!(Path::new(".pre-commit-hooks.yaml").is_file());
}
