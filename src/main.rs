use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = trustgen::cli::Cli::parse();
    let outcome = trustgen::run(cli.command);
    if !outcome.stdout.is_empty() {
        print!("{}", outcome.stdout);
    }
    if !outcome.stderr.is_empty() {
        eprint!("{}", outcome.stderr);
    }
    ExitCode::from(outcome.code)
}
