//! `trustgen diff OLD_SPEC NEW_SPEC` and `trustgen diff [SPEC] --base GIT_REV`: the access
//! a change to the spec grants or takes away, for a reviewer (and a CI check).

use std::path::{Path, PathBuf};

use super::revision::{read_at_revision, Revision};
use super::{messages, shown, Outcome, EXIT_FAILED, EXIT_INVALID, EXIT_OK};
use crate::cli::{DiffArgs, DiffFormat, DiffMessageFormat, MessageFormat};
use crate::diagnostic::{github, sarif, Location, PathSegment, Severity};
use crate::diff::{self, Place, Review, Strings};
use crate::error::Error;
use crate::pipeline::{self, Built};
use crate::spec::SourceFile;
use crate::timings;

const DEFAULT_SPEC: &str = "trustgen.toml";

/// One side of the comparison: a spec's model, or nothing (a spec absent at the revision).
struct Side<'b> {
    name: String,
    review: Review<'b>,
    /// The spec's text, where its findings are placed (the new side's).
    source: Option<SourceFile>,
}

/// Why a side could not be compared: a spec that does not load (and which side it is),
/// or a revision that cannot be read.
enum Problem {
    Spec(&'static str, Error),
    Revision(String),
}

const USAGE: &str = "error: give two specs (trustgen diff OLD_SPEC NEW_SPEC) or one and a \
                     revision (trustgen diff [SPEC] --base GIT_REV)\n";

pub(super) fn run(args: &DiffArgs) -> Outcome {
    if args.timings {
        timings::enable();
    }
    let mut outcome = compare(args);
    outcome.stderr.push_str(&timings::report());
    outcome
}

fn compare(args: &DiffArgs) -> Outcome {
    // One side at a time: each model is reduced to its review and let go before the next
    // is built, so two large specs never hold two models at once; the new side keeps only
    // what differs from the old one. Both sides' strings are in one table: equal strings
    // are equal ids.
    let mut strings = Strings::default();
    let (old_side, new_path) = match (&args.base, &args.first, &args.second) {
        (Some(revision), spec, None) => {
            let spec = spec.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_SPEC));
            (at_revision(&spec, revision, &mut strings), spec)
        }
        (None, Some(old), Some(new)) => (read("old", old, &mut strings, None), new.clone()),
        _ => return Outcome::fail(EXIT_INVALID, USAGE.into()),
    };
    let baseline = old_side.as_ref().ok().map(|side| &side.review);
    let new_side = read("new", &new_path, &mut strings, baseline);
    let (old, new) = match (&old_side, &new_side) {
        (Ok(old), Ok(new)) => (old, new),
        // Every problem of both sides at once (the new side first: it borrows the old).
        _ => {
            let new = new_side.err();
            return problems([old_side.err(), new], args.message_format);
        }
    };
    let diff = timings::phase("compare", || {
        diff::compare(&old.review, &new.review, &strings)
    });
    let failing = args.fail_on_broaden && diff.broadens;
    let stdout = timings::phase("report", || match args.message_format {
        DiffMessageFormat::Human => match args.format {
            DiffFormat::Text => diff::text(&diff, &old.name, &new.name),
            DiffFormat::Markdown => diff::markdown(&diff, &old.name, &new.name),
            DiffFormat::Json => diff::json(&diff),
        },
        ci => findings(&diff, new, failing, ci),
    });
    let outcome = if failing {
        Outcome {
            code: EXIT_FAILED,
            stdout,
            stderr: "error: access broadens (--fail-on-broaden): a security owner should review \
                     this change\n"
                .into(),
        }
    } else {
        Outcome {
            code: EXIT_OK,
            stdout,
            stderr: String::new(),
        }
    };
    // The two reviews and their strings are millions of small allocations: the report does
    // not wait for them to be freed (the CLI exits right after).
    drop(new_side);
    crate::parallel::drop_in_background((old_side, strings));
    outcome
}

/// The broadening changes as SARIF or GitHub annotations, placed on the new spec: at the
/// account they are in, when the spec names it. Errors when they fail the run.
fn findings(diff: &diff::Diff, new: &Side, failing: bool, format: DiffMessageFormat) -> String {
    let level = if failing {
        Severity::Error
    } else {
        Severity::Warning
    };
    let source = new.source.as_ref();
    let account = |name: &str| {
        let location = Location::Key(vec![
            PathSegment::Key("accounts".into()),
            PathSegment::Key(name.into()),
        ]);
        source.and_then(|source| source.region_of_exact(&location))
    };
    let place = Place {
        file: source.map_or(new.name.as_str(), |source| source.name.as_str()),
        account: &account,
    };
    let findings = diff::findings(diff, &place, level);
    match format {
        DiffMessageFormat::Sarif => sarif::log(&[], &findings, &[]),
        _ => github::annotations(&findings),
    }
}

/// Both sides' problems: as the terminal shows them, and for a CI format also on
/// standard output (the invalid specs' diagnostics, the rest as failures). Exit 2.
fn problems(sides: [Option<Problem>; 2], format: DiffMessageFormat) -> Outcome {
    let sides: Vec<Problem> = sides.into_iter().flatten().collect();
    let stderr = sides
        .iter()
        .map(|problem| match problem {
            Problem::Revision(message) => format!("error: {message}\n"),
            Problem::Spec(side, error) => {
                let shown = shown(error);
                format!("the {side} spec is invalid:\n{shown}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let format = match format {
        DiffMessageFormat::Human => return Outcome::fail(EXIT_INVALID, stderr),
        DiffMessageFormat::Sarif => MessageFormat::Sarif,
        DiffMessageFormat::Github => MessageFormat::Github,
    };
    let mut batches = Vec::new();
    let mut failures = Vec::new();
    for problem in &sides {
        match problem {
            Problem::Spec(_, Error::Invalid(source, diagnostics)) => {
                batches.push((&**source, diagnostics.as_slice()));
            }
            Problem::Spec(_, other) => failures.push(other.to_string()),
            Problem::Revision(message) => failures.push(message.clone()),
        }
    }
    Outcome {
        code: EXIT_INVALID,
        stdout: messages::render(&batches, &failures, format),
        stderr,
    }
}

/// The old side of `--base`: the spec as committed at the revision, or nothing.
fn at_revision(
    spec: &Path,
    revision: &str,
    strings: &mut Strings,
) -> Result<Side<'static>, Problem> {
    match read_at_revision(spec, revision) {
        Ok(Revision::Found(source)) => reviewed("old", source, strings, None),
        Ok(Revision::Absent(name)) => Ok(Side {
            name: format!("{name} (absent: nothing granted)"),
            review: Review::empty(),
            source: None,
        }),
        // The new side already says it cannot read the spec; once is enough.
        Err(_) if !spec.is_file() => Ok(Side {
            name: String::new(),
            review: Review::empty(),
            source: None,
        }),
        Err(message) => Err(Problem::Revision(message)),
    }
}

/// A side read from a file: the new one against the old one's review.
fn read<'b>(
    side: &'static str,
    path: &Path,
    strings: &mut Strings,
    baseline: Option<&'b Review<'b>>,
) -> Result<Side<'b>, Problem> {
    match timings::phase("read", || SourceFile::read(path)) {
        Ok(source) => reviewed(side, source, strings, baseline),
        Err(message) => Err(Problem::Spec(side, Error::Unreadable(message))),
    }
}

/// A side's review (the new side's keeps its text, to place findings), or its problems.
fn reviewed<'b>(
    side: &'static str,
    source: SourceFile,
    strings: &mut Strings,
    baseline: Option<&'b Review<'b>>,
) -> Result<Side<'b>, Problem> {
    match pipeline::build(source) {
        Ok(Built {
            source,
            spec,
            model,
        }) => {
            // The spec is not needed any more: let it go before the review is built.
            drop(spec);
            let review = timings::phase("review", || match baseline {
                Some(baseline) => Review::against(&model, strings, baseline),
                None => Review::of(&model, strings),
            });
            Ok(Side {
                review,
                name: source.name.clone(),
                source: (side == "new").then_some(source),
            })
        }
        Err(error) => Err(Problem::Spec(side, error)),
    }
}
