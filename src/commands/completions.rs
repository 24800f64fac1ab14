//! `trustgen completions SHELL` and `trustgen man [COMMAND]`: the shell completion scripts
//! and the manual pages, generated from the command line's own definition (`cli.rs`), so
//! they cannot fall behind it.

use clap::CommandFactory;
use clap_complete::Shell as Generator;

use super::{Outcome, EXIT_FAILED, EXIT_INVALID};
use crate::cli::{Cli, Shell};
use crate::diagnostic::printable;

pub(super) fn completions(shell: Shell) -> Outcome {
    let generator = match shell {
        Shell::Bash => Generator::Bash,
        Shell::Zsh => Generator::Zsh,
        Shell::Fish => Generator::Fish,
        Shell::Powershell => Generator::PowerShell,
    };
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut command, "trustgen", &mut script);
    Outcome::ok(String::from_utf8_lossy(&script).into_owned())
}

/// trustgen(1), or trustgen-COMMAND(1), named as trustgen(1) lists its subcommands.
pub(super) fn man(subcommand: Option<&str>) -> Outcome {
    let mut command = Cli::command();
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => {
            let Some(found) = command.find_subcommand(name) else {
                let names: Vec<&str> = command
                    .get_subcommands()
                    .map(clap::Command::get_name)
                    .collect();
                return Outcome::fail(
                    EXIT_INVALID,
                    format!(
                        "error: `{}` is not a trustgen command: one of {}\n",
                        printable(name),
                        names.join(", ")
                    ),
                );
            };
            // Built, a subcommand is displayed as `trustgen-<name>`, its page's title.
            found.clone()
        }
    };
    let mut text = Vec::new();
    let man = clap_mangen::Man::new(page).source(format!("trustgen {}", env!("CARGO_PKG_VERSION")));
    match man.render(&mut text) {
        Ok(()) => Outcome::ok(String::from_utf8_lossy(&text).into_owned()),
        // Writing into memory does not fail; were it to, say so rather than print half a page.
        Err(error) => Outcome::fail(EXIT_FAILED, format!("error: {error}\n")),
    }
}
