//! `trustgen gen`: render the spec and bring the output directory in line with it, or
//! (`--check`) show how it differs, or (`--stdout`) print one format. Writing and checking
//! take the same path: files are judged against the disk as they are rendered
//! (`output::plan_while`); writing stages them, checking keeps them for the diff.

use std::fmt::Write as _;

use super::{
    failure, formats, prepare, render_failed, Outcome, Prepared, EXIT_FAILED, EXIT_INVALID,
};
use crate::cli::{GenArgs, MessageFormat};
use crate::output::{self, Conflict, Mode, PlanFailure, PreviousManifest};
use crate::pipeline;
use crate::render::GeneratedFile;
use crate::spec::Format;
use crate::timings;

pub(super) fn run(args: &GenArgs) -> Outcome {
    if args.timings {
        timings::enable();
    }
    let mut outcome = if args.stdout {
        to_stdout(args)
    } else {
        to_directory(args)
    };
    outcome.stderr.push_str(&timings::report());
    outcome
}

const DENIED: &str = "warnings denied by --deny-warnings: nothing was written\n";

fn denied(warnings: &str) -> Outcome {
    Outcome::fail(EXIT_INVALID, format!("{warnings}\n{DENIED}"))
}

fn failed(message: impl std::fmt::Display) -> Outcome {
    Outcome::fail(EXIT_FAILED, format!("error: {message}\n"))
}

/// `OUT` must be a directory (or not exist yet).
fn check_out(args: &GenArgs) -> Result<(), Outcome> {
    if args.out.exists() && !args.out.is_dir() {
        return Err(Outcome::fail(
            EXIT_INVALID,
            format!(
                "error: {} is not a directory: -o names the directory trustgen writes into\n",
                args.out.display()
            ),
        ));
    }
    Ok(())
}

fn to_directory(args: &GenArgs) -> Outcome {
    if let Err(outcome) = check_out(args) {
        return outcome;
    }
    let prepared = match prepare(
        &args.spec,
        args.format,
        args.templates.as_deref(),
        args.message_format,
    ) {
        Ok(prepared) => prepared,
        Err(outcome) => return outcome,
    };
    if args.deny_warnings && prepared.warning_count() > 0 {
        // The warnings where the user wants them, then why nothing was written.
        let mut outcome = prepared.present(Outcome::default());
        outcome.code = EXIT_INVALID;
        if args.message_format == MessageFormat::Human {
            outcome.stderr.push('\n');
        }
        outcome.stderr.push_str(DENIED);
        return outcome;
    }
    let mut prepared = prepared;
    prepared.release_text_without_warnings();
    let outcome = if args.check {
        check(args, &prepared)
    } else {
        write(args, &prepared)
    };
    let outcome = prepared.present(outcome);
    // The model is millions of small allocations: freeing them is not worth waiting for.
    crate::parallel::drop_in_background(prepared);
    outcome
}

/// What a plan tells beyond its files: Terraform files nobody generated inside generated
/// roots (`output::foreign_terraform`), and the stacks and roots no longer generated
/// (`output::retired`).
struct Review {
    foreign: Vec<String>,
    retired: String,
}

/// Plans the whole output against the directory in `mode`, the manifest included.
fn plan<'p>(
    args: &GenArgs,
    prepared: &Prepared,
    previous: Option<&'p PreviousManifest>,
    mode: Mode,
) -> Result<(output::Planned<'p>, Review), Outcome> {
    let planned = output::plan_while(&args.out, previous, mode, |emit| {
        prepared.pipeline.render_into(emit)
    });
    let ((), mut planned) = match planned {
        Ok(planned) => planned,
        Err(PlanFailure::Producing(message)) => return Err(render_failed(&message)),
        Err(PlanFailure::Writing(message)) => return Err(failed(message)),
    };
    let recorded = planned.recorded();
    let foreign = match output::foreign_terraform(&args.out, &recorded, previous) {
        Ok(foreign) => foreign,
        Err(message) => {
            planned.discard();
            return Err(failed(message));
        }
    };
    let manifest = timings::phase("manifest", || prepared.pipeline.manifest(recorded));
    let retired = output::retired(previous, &manifest);
    if let Err(message) = planned.finish_with(manifest.file()) {
        planned.discard();
        return Err(failed(message));
    }
    Ok((planned, Review { foreign, retired }))
}

fn write(args: &GenArgs, prepared: &Prepared) -> Outcome {
    let mut report = String::new();
    match output::recover(&args.out) {
        Ok(Some(note)) => {
            let _ = writeln!(report, "note: {note}");
        }
        Ok(None) => {}
        Err(message) => return failed(message),
    }
    let previous = match PreviousManifest::read(&args.out) {
        Ok(previous) => previous,
        Err(message) => return failed(message),
    };
    let (planned, review) = match plan(args, prepared, previous.as_ref(), Mode::Write) {
        Ok(planned) => planned,
        Err(outcome) => return outcome,
    };
    let conflicts = planned.conflicts();
    if !conflicts.is_empty() && !args.force {
        planned.discard();
        return Outcome::fail(
            EXIT_FAILED,
            format!("{report}{}", conflict_message(&conflicts)),
        );
    }
    let (created, updated, removed, unchanged) = planned.counts();
    if let Err(message) = timings::phase("write", || planned.commit()) {
        return failed(message);
    }
    let _ = writeln!(
        report,
        "{}: {created} created, {updated} updated, {removed} removed, {unchanged} unchanged",
        args.out.display(),
    );
    for (path, conflict) in &conflicts {
        let _ = writeln!(
            report,
            "warning: overwrote {path} ({}) because of --force",
            conflict.describe()
        );
    }
    let mut outcome = Outcome::ok(report);
    outcome.stderr.push_str(&review.retired);
    if !review.foreign.is_empty() {
        outcome
            .stderr
            .push_str(&foreign_message(&review.foreign, "warning"));
    }
    outcome
}

/// Terraform files trustgen did not write, inside roots it generates (`output::foreign`).
fn foreign_message(foreign: &[String], severity: &str) -> String {
    let mut text = format!(
        "{severity}: Terraform configuration trustgen did not write, inside a generated root:\n"
    );
    for path in foreign {
        let _ = writeln!(text, "  {}", crate::diagnostic::printable(path));
    }
    text.push_str(
        "Terraform applies every .tf, .tf.json and .tfvars file of a root with that root's credentials: \
         remove them, or put what they hold into the spec (or a --templates override)\n",
    );
    text
}

fn conflict_message(conflicts: &[(String, Conflict)]) -> String {
    let mut text =
        String::from("error: refusing to change files trustgen did not write as they are:\n");
    for (path, conflict) in conflicts {
        let _ = writeln!(text, "  {path}: {}", conflict.describe());
    }
    text.push_str(
        "their content would be lost: carry the change into the spec (or a --templates override), \
         or pass --force to overwrite\nnothing was written\n",
    );
    text
}

/// `--check`: the diff between the tree on disk and what the spec generates.
fn check(args: &GenArgs, prepared: &Prepared) -> Outcome {
    if output::is_pending(&args.out) {
        return failed(format!(
            "an interrupted `trustgen gen` left {}/{}: run `trustgen gen` to complete it",
            args.out.display(),
            output::PENDING_NAME
        ));
    }
    let previous = match PreviousManifest::read(&args.out) {
        Ok(previous) => previous,
        Err(message) => return failed(message),
    };
    let (planned, review) = match plan(args, prepared, previous.as_ref(), Mode::Check) {
        Ok(planned) => planned,
        Err(outcome) => return outcome,
    };
    if !review.foreign.is_empty() {
        return Outcome::fail(EXIT_FAILED, foreign_message(&review.foreign, "error"));
    }
    let (created, updated, removed, unchanged) = planned.counts();
    if planned.is_current() {
        return Outcome::ok(format!(
            "{}: up to date ({unchanged} {})\n",
            args.out.display(),
            plural(unchanged, "file", "files")
        ));
    }
    let differing = created + updated + removed;
    Outcome {
        code: EXIT_FAILED,
        stdout: planned.diffs(),
        stderr: format!(
            "{}: {differing} {} from what {} generates; run `trustgen gen` and commit the result\n{}",
            args.out.display(),
            plural(differing, "file differs", "files differ"),
            args.spec.display(),
            review.retired,
        ),
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// `--stdout`: one format's files as one stream (YAML documents, or one HCL file).
fn to_stdout(args: &GenArgs) -> Outcome {
    if args.message_format != MessageFormat::Human {
        return Outcome::fail(
            EXIT_INVALID,
            "error: --stdout prints the generated files: --message-format is for gen with an \
             output directory (or trustgen check)\n"
                .into(),
        );
    }
    let generated =
        match pipeline::generate(&args.spec, formats(args.format), args.templates.as_deref()) {
            Ok(generated) => generated,
            Err(error) => return failure(error, MessageFormat::Human),
        };
    let warnings = if generated.warnings.is_empty() {
        String::new()
    } else {
        generated.source.render(&generated.warnings)
    };
    if args.deny_warnings && !warnings.is_empty() {
        return denied(&warnings);
    }
    let format = match generated.formats.as_slice() {
        [format] => *format,
        _ => {
            return Outcome::fail(
                EXIT_INVALID,
                "error: --stdout prints one format: add --format cloudformation or --format terraform\n".into(),
            )
        }
    };
    Outcome {
        code: 0,
        stdout: stream(&generated.files, format),
        stderr: warnings,
    }
}

fn stream(files: &[GeneratedFile], format: Format) -> String {
    let prefix = match format {
        Format::Cloudformation => "cloudformation/",
        Format::Terraform => "terraform/",
    };
    let mut text = String::new();
    for file in files.iter().filter(|file| file.path.starts_with(prefix)) {
        match format {
            Format::Cloudformation => {
                let _ = write!(text, "--- # {}\n{}", file.path, file.contents);
            }
            Format::Terraform => {
                let _ = write!(text, "# ---- {} ----\n{}\n", file.path, file.contents);
            }
        }
    }
    text
}
