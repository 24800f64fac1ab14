//! `trustgen templates --dump DIR`: the embedded templates as a starting point for overrides.

use super::{Outcome, EXIT_FAILED, EXIT_INVALID};
use crate::cli::TemplatesArgs;
use crate::render::EMBEDDED;

pub(super) fn run(args: &TemplatesArgs) -> Outcome {
    let existing: Vec<&str> = EMBEDDED
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| args.dump.join(name).exists())
        .collect();
    if !existing.is_empty() && !args.force {
        return Outcome::fail(
            EXIT_INVALID,
            format!(
                "error: {} already holds {}; pass --force to overwrite\n",
                args.dump.display(),
                existing.join(", ")
            ),
        );
    }
    for (name, source) in EMBEDDED {
        let path = args.dump.join(name);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, source));
        if let Err(error) = written {
            return Outcome::fail(
                EXIT_FAILED,
                format!("error: cannot write {}: {error}\n", path.display()),
            );
        }
    }
    Outcome::ok(format!(
        "wrote {} templates to {}; edit any of them and pass `--templates {}` to gen (variables: docs/templates.md)\n",
        EMBEDDED.len(),
        args.dump.display(),
        args.dump.display()
    ))
}
