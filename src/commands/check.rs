//! `trustgen check`: validate only.

use super::{load, Outcome};
use crate::cli::CheckArgs;

pub fn run(args: &CheckArgs) -> Outcome {
    match load(&args.spec) {
        Ok(loaded) => {
            let roles: usize = loaded
                .model
                .accounts
                .iter()
                .map(|a| a.roles().count())
                .sum();
            Outcome::ok(format!(
                "{}: ok ({} accounts with resources, {} roles, {} task definitions)\n",
                loaded.source.name,
                loaded.model.accounts.len(),
                roles,
                loaded
                    .model
                    .accounts
                    .iter()
                    .map(|a| a.task_definitions.len())
                    .sum::<usize>()
            ))
        }
        Err(outcome) => outcome,
    }
}
