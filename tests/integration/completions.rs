//! `trustgen completions SHELL` and `trustgen man [COMMAND]`: bash loads the completion
//! script and completes subcommands and option values from it; every shell gets a script
//! naming every subcommand; every page renders with groff without a warning.

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;
use trustgen::cli::Cli;

use crate::support::{require_tool, run, trustgen_in};

fn trustgen(args: &[&str]) -> (i32, String, String) {
    trustgen_in(args, Path::new("."), &[])
}

fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect()
}

/// What bash completes for the words typed so far (the last one being completed), with
/// the script `trustgen completions bash` printed sourced as a user's shell sources it.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = r#"
source <("$TRUSTGEN" completions bash) || exit 3
complete -p trustgen >/dev/null || exit 4
read -r -a COMP_WORDS <<< "$WORDS"
[ -n "$PARTIAL" ] || COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$WORDS"
COMP_POINT=${#COMP_LINE}
_trustgen trustgen "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let line = words.join(" ");
    let partial = words.last().is_some_and(|word| !word.is_empty());
    let (ok, output) = run(Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .env("TRUSTGEN", env!("CARGO_BIN_EXE_trustgen"))
        .env("WORDS", line.trim_end())
        .env("PARTIAL", if partial { "1" } else { "" }));
    assert!(ok, "bash could not load or run the completion:\n{output}");
    output
        .lines()
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn bash_loads_the_completion_and_completes_subcommands_and_values() {
    if !require_tool("bash", "--version") {
        return;
    }
    assert_eq!(bash_completes(&["trustgen", "ge"]), ["gen"]);
    assert_eq!(bash_completes(&["trustgen", "com"]), ["completions"]);
    let all = bash_completes(&["trustgen", ""]);
    for sub in subcommands() {
        assert!(all.contains(&sub), "{sub} is not completed: {all:?}");
    }
    assert_eq!(
        bash_completes(&["trustgen", "check", "--message-format", ""]),
        ["human", "json", "sarif", "github"]
    );
    assert_eq!(
        bash_completes(&["trustgen", "completions", "p"]),
        ["powershell"]
    );
}

#[test]
fn every_shell_gets_a_script_with_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, script, stderr) = trustgen(&["completions", shell]);
        assert_eq!(code, 0, "{stderr}");
        for sub in subcommands() {
            assert!(script.contains(&sub), "{shell}: no {sub}");
        }
        assert!(script.contains("message-format"), "{shell}");
    }
    let (code, _, stderr) = trustgen(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn man_pages_render_for_trustgen_and_each_subcommand() {
    // groff (Debian's groff-base, on this machine with man) is not something .ci/run
    // installs: without it the pages are still checked for their title and version.
    let groff = Command::new("groff")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !groff {
        eprintln!("groff is not installed: the man pages are not rendered");
    }
    let mut pages = vec![("trustgen".to_string(), vec!["man"])];
    let subs = subcommands();
    for sub in &subs {
        pages.push((format!("trustgen-{sub}"), vec!["man", sub.as_str()]));
    }
    for (title, args) in &pages {
        let (code, page, stderr) = trustgen(args);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            page.contains(&format!(".TH {title} 1 ")),
            "{title}:\n{page}"
        );
        assert!(page.contains(&format!("trustgen {}", env!("CARGO_PKG_VERSION"))));
        if groff {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let file = dir.path().join(format!("{title}.1"));
            std::fs::write(&file, &page).unwrap_or_else(|e| panic!("{e}"));
            let output = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(&file)
                .output()
                .unwrap_or_else(|e| panic!("cannot run groff: {e}"));
            let warnings = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success() && warnings.trim().is_empty(),
                "{title}: {warnings}"
            );
        }
    }
    // trustgen(1) lists the pages of its subcommands, which `man COMMAND` prints.
    let (_, page, _) = trustgen(&["man"]);
    for sub in subs.iter().filter(|sub| *sub != "help") {
        let roff = sub.replace('-', "\\-");
        assert!(page.contains(&format!("trustgen\\-{roff}(1)")), "{sub}");
    }
    let (code, _, stderr) = trustgen(&["man", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a trustgen command"), "{stderr}");
}
