//! `trustgen gen`: render the spec and write the files.

use super::{generate, Outcome, EXIT_FAILED};
use crate::cli::GenArgs;
use crate::output;

pub fn run(args: &GenArgs) -> Outcome {
    let generated = match generate(&args.spec, args.format, args.templates.as_deref()) {
        Ok(generated) => generated,
        Err(outcome) => return outcome,
    };
    match output::write(&args.out, &generated.files, &generated.manifest) {
        Ok(()) => Outcome::ok(format!(
            "wrote {} files to {}\n",
            generated.files.len() + 1,
            args.out.display()
        )),
        Err(message) => Outcome::fail(EXIT_FAILED, format!("error: {message}\n")),
    }
}
