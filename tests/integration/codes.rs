//! The registry of diagnostic codes (`src/diagnostic/codes.rs`, explanations in
//! `docs/codes/`): every code is documented with a wrong and a right example, the wrong
//! one (merged into `docs/codes/base.toml`) really produces the code and the right one
//! does not; the few examples too large to show are produced by generated specs instead;
//! `trustgen explain` prints each; every help line names it; the README lists the codes
//! (regenerate with `UPDATE_README=1 cargo test codes`).

use std::collections::BTreeSet;
use std::path::Path;

use toml::{Table, Value};
use trustgen::diagnostic::{Code, Severity};
use trustgen::input::{self, SourceFile};
use trustgen::{validate_and_build, warnings};

use crate::support::{toml_files, trustgen_in};

/// An explanation's parts: the text, the wrong example and the right one.
struct Explanation<'a> {
    text: &'a str,
    wrong: &'a str,
    right: &'a str,
}

/// `<text>\n\nWrong:\n\n```toml\n<wrong>```\n\nRight:\n\n```toml\n<right>```\n`.
fn parts(code: Code) -> Result<Explanation<'static>, String> {
    let pieces: Vec<&str> = code.explanation().split("```toml\n").collect();
    let [text, wrong, right] = pieces.as_slice() else {
        return Err(format!("{code}: not exactly two ```toml blocks"));
    };
    let text = text
        .strip_suffix("\n\nWrong:\n\n")
        .ok_or(format!("{code}: no `Wrong:` before the first example"))?;
    let wrong = wrong
        .strip_suffix("```\n\nRight:\n\n")
        .ok_or(format!("{code}: no `Right:` before the second example"))?;
    let right = right
        .strip_suffix("```\n")
        .ok_or(format!("{code}: the second example does not end the file"))?;
    Ok(Explanation { text, wrong, right })
}

/// Codes whose wrong example is abbreviated (`# …`): what produces them takes hundreds of
/// lines. `generated_spec` writes each such spec, and a test below runs it.
const ABBREVIATED: [Code; 8] = [
    Code::TooManyTags,
    Code::TooManyContainers,
    Code::TooManyEnvironmentFiles,
    Code::TrustPolicyTooLarge,
    Code::InlinePoliciesTooLarge,
    Code::ManagedPolicyTooLarge,
    Code::TaskDefinitionTooLarge,
    Code::SessionPolicyTooLarge,
];

/// Codes no spec file can produce, with the reason; a test produces each through the
/// library instead.
const LIBRARY_ONLY: [(Code, &str); 1] = [(
    Code::UnsupportedVersion,
    "the structural check refuses any version but 1 first, as invalid-value; validation still guards a Spec built in code",
)];

/// The spec text of an example: merged into the base spec (tables key by key, arrays of
/// tables entry by entry, other values replaced), or as it is when it declares `version`
/// and `[project]` itself or is not TOML at all.
fn example_spec(example: &str) -> String {
    let Ok(part) = toml::from_str::<Table>(example) else {
        return example.to_string();
    };
    if part.contains_key("version") && part.contains_key("project") {
        return example.to_string();
    }
    let base = std::fs::read_to_string("docs/codes/base.toml").unwrap_or_default();
    let mut spec: Table = toml::from_str(&base).unwrap_or_else(|e| panic!("base.toml: {e}"));
    merge(&mut spec, part);
    toml::to_string(&spec).unwrap_or_else(|e| panic!("{e}"))
}

fn merge(into: &mut Table, part: Table) {
    for (key, value) in part {
        match (into.get_mut(&key), value) {
            (Some(Value::Table(table)), Value::Table(part)) => merge(table, part),
            (Some(Value::Array(items)), Value::Array(part))
                if items.iter().chain(&part).all(Value::is_table) =>
            {
                for (index, entry) in part.into_iter().enumerate() {
                    match (items.get_mut(index), entry) {
                        (Some(Value::Table(table)), Value::Table(entry)) => merge(table, entry),
                        (_, entry) => items.push(entry),
                    }
                }
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// Every diagnostic of a spec text: errors, or the warnings of a valid spec.
fn diagnose(text: &str) -> Vec<(Code, Severity)> {
    let source = SourceFile::new("example.toml", text);
    let diagnostics = match input::load(&source) {
        Err(errors) => errors,
        Ok(spec) => match validate_and_build(&spec) {
            Err(errors) => errors,
            Ok(model) => warnings(&spec, &model),
        },
    };
    diagnostics.iter().map(|d| (d.code, d.severity())).collect()
}

#[test]
fn every_code_is_documented_with_a_wrong_and_a_right_example() {
    let mut problems = Vec::new();
    for code in Code::ALL {
        match parts(*code) {
            Err(problem) => problems.push(problem),
            Ok(explanation) => {
                for (what, part) in [
                    ("summary", code.summary()),
                    ("explanation", explanation.text),
                    ("wrong example", explanation.wrong),
                    ("right example", explanation.right),
                ] {
                    if part.trim().is_empty() {
                        problems.push(format!("{code}: empty {what}"));
                    }
                }
                if explanation.wrong == explanation.right {
                    problems.push(format!("{code}: the wrong and the right example are one"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_wrong_example_produces_its_code_and_every_right_one_does_not() {
    let mut problems = Vec::new();
    let library_only: Vec<Code> = LIBRARY_ONLY.iter().map(|(code, _)| *code).collect();
    let examples = Code::ALL
        .iter()
        .filter(|code| !ABBREVIATED.contains(code) && !library_only.contains(code));
    for code in examples {
        let Ok(explanation) = parts(*code) else {
            problems.push(format!("{code}: undocumented"));
            continue;
        };
        let wrong = diagnose(&example_spec(explanation.wrong));
        if !wrong.iter().any(|(found, _)| found == code) {
            problems.push(format!("{code}: the wrong example gives {wrong:?}"));
        }
        let right = diagnose(&example_spec(explanation.right));
        if right
            .iter()
            .any(|(found, severity)| found == code || *severity == Severity::Error)
        {
            problems.push(format!("{code}: the right example gives {right:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A spec that produces an abbreviated code, as an example merged into the base spec.
fn generated_spec(code: Code) -> String {
    let lines = |count: usize, line: &dyn Fn(usize) -> String| -> String {
        (1..=count).map(line).collect()
    };
    let part = match code {
        Code::TooManyTags => format!(
            "[project.tags]\n{}",
            lines(51, &|i| format!("tag-{i} = \"x\"\n"))
        ),
        Code::TooManyContainers => lines(11, &|i| {
            format!("[[tasks.web.containers]]\nname = \"c{i}\"\nimage = \"nginx:1.27\"\n")
        }),
        Code::TooManyEnvironmentFiles => format!(
            "[[tasks.web.containers]]\nenvironment_files = [{}]\n",
            lines(11, &|i| format!("\"arn:aws:s3:::shop-config/{i}.env\", "))
        ),
        Code::TrustPolicyTooLarge => format!(
            "[dev_access]\nmode = \"extended\"\nprincipals = [{}]\n",
            lines(60, &|i| format!(
                "\"arn:aws:iam::111122223333:role/developer-{i:02}\", "
            ))
        ),
        Code::InlinePoliciesTooLarge => format!(
            "[[tasks.web.statements]]\nresources = [{}]\n",
            lines(300, &|i| format!("\"arn:aws:s3:::shop-receipts-{i:04}/*\", "))
        ),
        Code::ManagedPolicyTooLarge => format!(
            "[dev_access]\nmode = \"extended\"\nprincipals = [\"arn:aws:iam::111122223333:role/Developer\"]\n[developers]\nattach_to_roles = [\"Developer\"]\n{}",
            lines(200, &|i| format!(
                "[tasks.task-{i:03}]\naccount = \"dev\"\ncpu = 256\nmemory = 512\n[[tasks.task-{i:03}.containers]]\nname = \"app\"\nimage = \"nginx:1.27\"\n"
            ))
        ),
        Code::TaskDefinitionTooLarge => format!(
            "[[tasks.web.containers]]\nenvironment = {{ CONFIG = \"{}\" }}\n",
            "x".repeat(70_000)
        ),
        Code::SessionPolicyTooLarge => format!(
            "[dev_access]\nmode = \"simulate\"\nprincipals = [\"arn:aws:iam::111122223333:role/Developer\"]\n[[tasks.web.statements]]\nresources = [{}]\n",
            lines(60, &|i| format!("\"arn:aws:s3:::shop-receipts-{i:04}/*\", "))
        ),
        other => panic!("{other} has a full example: no generated spec"),
    };
    example_spec(&part)
}

#[test]
fn abbreviated_examples_are_produced_by_generated_specs() {
    let mut problems = Vec::new();
    for code in ABBREVIATED {
        let found = diagnose(&generated_spec(code));
        if !found.iter().any(|(found, _)| *found == code) {
            problems.push(format!("{code}: the generated spec gives {found:?}"));
        }
        // The shortened example is still documentation: its right example is sound.
        let right = parts(code).map(|e| diagnose(&example_spec(e.right)));
        if !right.as_ref().is_ok_and(|right| {
            right
                .iter()
                .all(|(found, severity)| *found != code && *severity != Severity::Error)
        }) {
            problems.push(format!("{code}: the right example gives {right:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn codes_no_file_can_produce_are_produced_through_the_library() {
    for (code, why) in LIBRARY_ONLY {
        let Ok(explanation) = parts(code) else {
            panic!("{code}: undocumented");
        };
        // From a file, the wrong example is refused before validation, as documented.
        let from_file = diagnose(&example_spec(explanation.wrong));
        assert!(
            !from_file.is_empty() && from_file.iter().all(|(found, _)| *found != code),
            "{code} ({why}): {from_file:?}"
        );
        let base = std::fs::read_to_string("docs/codes/base.toml").unwrap_or_default();
        let mut built = input::load(&SourceFile::new("base.toml", base))
            .unwrap_or_else(|e| panic!("base.toml: {e:?}"));
        match code {
            Code::UnsupportedVersion => built.version = 2,
            other => panic!("{other}: no way to build it"),
        }
        let errors = validate_and_build(&built).err().unwrap_or_default();
        assert!(errors.iter().any(|d| d.code == code), "{code}: {errors:?}");
    }
}

#[test]
fn explain_prints_every_code_and_refuses_an_unknown_one_with_a_suggestion() {
    let run = |args: &[&str]| trustgen_in(args, Path::new("."), &[]);
    for code in Code::ALL {
        let (status, stdout, stderr) = run(&["explain", code.name()]);
        let label = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        assert_eq!(status, 0, "{code}: {stderr}");
        assert!(
            stdout.starts_with(&format!("{label}[{code}]: {}\n\n", code.summary()))
                && stdout.contains(code.explanation()),
            "{code}: {stdout}"
        );
    }
    let (status, stdout, stderr) = run(&["explain", "invalid-arm"]);
    assert_eq!(status, 2, "{stdout}");
    assert!(
        stderr.contains("`invalid-arm` is not a diagnostic code")
            && stderr.contains("did you mean `invalid-arn`?"),
        "{stderr}"
    );
    // The argument is shown back escaped: it cannot rewrite the terminal or forge a line.
    let (status, _, stderr) = run(&["explain", "x\u{1b}[2J\n::error::forged"]);
    assert_eq!(status, 2);
    assert!(
        !stderr.contains('\u{1b}') && stderr.lines().count() == 2,
        "{stderr}"
    );
    let (status, listed, _) = run(&["explain"]);
    assert_eq!(status, 0);
    assert_eq!(listed.lines().count(), Code::ALL.len(), "{listed}");
}

/// Every help line of the invalid and hostile corpora ends with the command that explains
/// its diagnostic's code, and every code shown there is registered.
#[test]
fn every_help_line_names_trustgen_explain_with_its_code() {
    let mut problems = Vec::new();
    let expected = toml_files("tests/fixtures/invalid")
        .into_iter()
        .chain(toml_files("tests/fixtures/hostile"))
        .map(|spec| spec.with_extension("expected"))
        .filter(|path| path.exists());
    for path in expected {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for block in text.split("\n\n").filter(|b| b.contains("]: ")) {
            let name = block
                .split_once('[')
                .and_then(|(_, rest)| rest.split_once(']'))
                .map_or("", |(name, _)| name);
            let help = block
                .lines()
                .find(|l| l.trim_start().starts_with("= help:"));
            let named = help.is_some_and(|h| h.ends_with(&format!("(trustgen explain {name})")));
            if Code::from_name(name).is_none() || !named {
                problems.push(format!("{}:\n{block}", path.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

const START: &str = "<!-- codes:start (generated from src/diagnostic/codes.rs: UPDATE_README=1 cargo test codes) -->\n";
const END: &str = "<!-- codes:end -->";

/// The README's table of codes, from the registry.
fn readme_table() -> String {
    let mut table = String::from("| code | | what it means |\n|---|---|---|\n");
    for code in Code::ALL {
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        table.push_str(&format!(
            "| [`{code}`](docs/codes/{code}.md) | {severity} | {} |\n",
            code.summary().replace('|', "\\|")
        ));
    }
    table
}

#[test]
fn the_readme_lists_every_code_from_the_registry() {
    let readme = std::fs::read_to_string("README.md").unwrap_or_default();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no codes section between {START:?} and {END:?}");
    };
    let current = &readme[start + START.len()..end];
    let table = readme_table();
    if current == table {
        return;
    }
    if std::env::var("UPDATE_README").is_ok_and(|v| v == "1") {
        let updated = format!("{}{START}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write("README.md", updated).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    let listed: BTreeSet<&str> = current.lines().collect();
    let missing: Vec<&str> = table.lines().filter(|l| !listed.contains(l)).collect();
    panic!(
        "README.md's list of codes is stale (regenerate: UPDATE_README=1 cargo test codes); rows to add or change:\n{}",
        missing.join("\n")
    );
}
