//! Diagnostics of one or more specs in the format the user asked for
//! (`--message-format`): a terminal's, JSON lines, one SARIF log or GitHub annotations.

use crate::cli::MessageFormat;
use crate::diagnostic::{github, sarif, Diagnostic, Finding};
use crate::spec::SourceFile;

/// One spec's diagnostics.
pub(crate) type Batch<'a> = (&'a SourceFile, &'a [Diagnostic]);

/// The diagnostics of `batches`, in order. `failures` are what stopped trustgen from
/// looking at a spec (one it could not read): a SARIF log reports them as a run that did
/// not succeed, GitHub as error annotations; the other formats leave them to the
/// command's own message on standard error.
pub(crate) fn render(batches: &[Batch<'_>], failures: &[String], format: MessageFormat) -> String {
    match format {
        MessageFormat::Human => batches
            .iter()
            .filter(|(_, diagnostics)| !diagnostics.is_empty())
            .map(|(source, diagnostics)| source.render(diagnostics))
            .collect::<Vec<_>>()
            .join("\n"),
        MessageFormat::Json => batches
            .iter()
            .map(|(source, diagnostics)| source.render_json(diagnostics))
            .collect(),
        MessageFormat::Sarif => sarif::log(&[], &findings(batches), failures),
        MessageFormat::Github => {
            let mut text: String = failures
                .iter()
                .map(|failure| github::failure(failure))
                .collect();
            text.push_str(&github::annotations(&findings(batches)));
            text
        }
    }
}

fn findings(batches: &[Batch<'_>]) -> Vec<Finding> {
    batches
        .iter()
        .flat_map(|(source, diagnostics)| source.findings(diagnostics))
        .collect()
}
