//! Rendering: the model laid out as files, one target per backend.
//!
//! Each backend turns the model into contexts of finished one-line values
//! (`cloudformation/context.rs`, `terraform/context.rs` and `terraform/account.rs`: names
//! and ids from the model, quoted strings, intrinsics) and placed documents, and renders
//! them through its Tera templates (`templates/`, embedded; a user's directory overrides
//! them by file name); the emitters in `emit/` write each document where its template put
//! it (`place`). The templates are the layout of every file; nothing else writes one. What
//! render hands on is backend-neutral (`files`).

mod address;
pub(crate) mod cloudformation;
mod compiled;
mod emit;
mod files;
mod place;
mod session_policies;
mod stack_set;
mod templates;
pub(crate) mod terraform;

use std::sync::Mutex;

use crate::model::names;
use crate::model::{Account, Model};
use crate::spec::Format;

pub use files::{Deployment, GeneratedFile, Provenance, Unit};
pub use templates::Templates;
pub(crate) use templates::EMBEDDED;

/// The size in bytes of the StackSet's template body, as `templates` lay it out; 0 when
/// it cannot be rendered (rendering itself reports that).
pub(crate) fn stack_set_template_size(
    model: &Model,
    bootstrap: &crate::model::Bootstrap,
    templates: &Templates,
    provenance: &Provenance,
) -> usize {
    cloudformation::template_body_unchecked(model, bootstrap, templates, provenance)
        .map_or(0, |body| body.len())
}

/// One unit of rendering work; accounts render independently.
enum Job<'m> {
    CloudFormation(&'m Account),
    TerraformRoot,
    Terraform(&'m Account),
    /// Files every format shares: session policies and the trust graph.
    Shared,
}

/// Where each job's files go as soon as they are rendered (from any thread): the job's
/// index, for putting files back in order, and its files in order.
pub(crate) type Emit<'e> = dyn Fn(usize, Vec<GeneratedFile>) -> Result<(), String> + Sync + 'e;

/// Renders the requested formats into memory: CloudFormation, then Terraform, then the
/// files every format shares.
pub fn render(
    model: &Model,
    formats: &[Format],
    templates: &Templates,
    provenance: &Provenance,
) -> Result<Vec<GeneratedFile>, String> {
    let rendered = Mutex::new(Vec::new());
    render_into(model, formats, templates, provenance, &|job, files| {
        rendered
            .lock()
            .map(|mut rendered| rendered.push((job, files)))
            .map_err(|_| "a render job failed".to_string())
    })?;
    let mut rendered = rendered
        .into_inner()
        .map_err(|_| "a render job failed".to_string())?;
    rendered.sort_by_key(|(job, _)| *job);
    Ok(rendered.into_iter().flat_map(|(_, files)| files).collect())
}

/// Renders as `render` does, handing each job's files to `emit` as soon as they exist
/// instead of keeping them (the seam that lets `gen` write while rendering). Jobs run on
/// every core; the first error in job order wins, after every job ran.
pub(crate) fn render_into(
    model: &Model,
    formats: &[Format],
    templates: &Templates,
    provenance: &Provenance,
    emit: &Emit,
) -> Result<(), String> {
    let mut jobs = Vec::new();
    if formats.contains(&Format::Cloudformation) {
        jobs.extend(model.accounts.iter().map(|a| Job::CloudFormation(a)));
    }
    if formats.contains(&Format::Terraform) {
        jobs.push(Job::TerraformRoot);
        jobs.extend(model.accounts.iter().map(|a| Job::Terraform(a)));
    }
    jobs.push(Job::Shared);
    let shared = terraform::Shared::new(model);
    // The StackSet's template body: one text, which both backends deploy.
    let baseline = model
        .bootstrap
        .as_ref()
        .map(|bootstrap| cloudformation::template_body(model, bootstrap, templates, provenance))
        .transpose()?;
    let baseline = baseline.as_deref();
    let run = |job: &Job| -> Result<Vec<GeneratedFile>, String> {
        match job {
            Job::CloudFormation(account) => {
                cloudformation::render_account(model, account, templates, provenance, baseline)
            }
            Job::TerraformRoot => terraform::render_root(model, templates, provenance),
            Job::Terraform(account) => {
                terraform::render_account(model, account, &shared, templates, provenance, baseline)
            }
            Job::Shared => {
                let mut files = session_policies::render(model);
                files.push(GeneratedFile::new(
                    names::TRUST_GRAPH_FILE.into(),
                    crate::graph::markdown(
                        &crate::graph::TrustGraph::from_model(model),
                        &provenance.header(),
                    ),
                ));
                Ok(files)
            }
        }
    };
    // Resource addresses are unique by the model's names; a user's template could still
    // declare one twice, so overridden Terraform is scanned for it.
    let scan = templates.any_overridden("terraform/");
    // The shared job (the trust graph of the whole model) starts first, so that it runs
    // beside the accounts' jobs instead of alone at the end; files keep job order.
    let mut indices: Vec<usize> = (0..jobs.len()).collect();
    indices.rotate_right(1);
    let mut results = crate::parallel::map_in_order(&indices, crate::parallel::cores(), |&index| {
        let files = run(&jobs[index])?;
        let addresses = if scan {
            terraform::resource_addresses(&files)
        } else {
            Vec::new()
        };
        emit(index, files).map(|()| addresses)
    });
    results.rotate_left(1);
    let mut addresses = Vec::new();
    for result in results {
        addresses.extend(result?);
    }
    terraform::check_unique_addresses(addresses)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::spec::Format;

    fn specs(dir: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.extension().is_some_and(|e| e == "toml"))
                    .collect()
            })
            .unwrap_or_default();
        specs.sort();
        specs
    }

    /// Held while the corpus renders, so each test's counts of what rendering checked
    /// (`place::tree_check`, `templates::compiled_check`) are its own.
    static CORPUS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Renders every example and sound fixture, both formats, hostile specs that generate
    /// included; the number of files. Callers that count hold `CORPUS`.
    fn render_corpus() -> usize {
        let examples = specs("examples");
        assert!(examples.len() >= 10, "the examples are found");
        let mut rendered = 0;
        for spec in examples
            .iter()
            .chain(&specs("tests/fixtures/specs"))
            .chain(&specs("tests/fixtures/hostile"))
        {
            let both = vec![Format::Cloudformation, Format::Terraform];
            match crate::pipeline::generate(spec, Some(both), None) {
                Ok(generated) => rendered += generated.files.len(),
                // Only hostile specs may be refused.
                Err(error) => assert!(
                    spec.to_string_lossy().contains("hostile"),
                    "{}: {error}",
                    spec.display()
                ),
            }
        }
        rendered
    }

    /// Every value a template receives is one line but the documents, which are placed
    /// (`place`): a multi-line value would be layout written in Rust. Rendering checks each
    /// context in test builds (`templates::single_line`).
    #[test]
    fn the_only_multi_line_values_reaching_a_template_are_documents() {
        let rendered = render_corpus();
        assert!(rendered > 100, "{rendered} files rendered");
    }

    /// The templates compiled at build time (build.rs) write what Tera writes: test builds
    /// render each such file both ways and compare (`templates::compiled_check`), over
    /// the corpus, both formats, including accounts whose Terraform file includes a
    /// template that is not compiled and so falls back to Tera.
    #[test]
    fn compiled_templates_and_tera_write_the_same_bytes() {
        use super::templates::compiled_check::{COMPARED, FELL_BACK};
        use std::sync::atomic::Ordering;
        let (compared, fell_back) = (
            COMPARED.load(Ordering::Relaxed),
            FELL_BACK.load(Ordering::Relaxed),
        );
        render_corpus();
        let compared = COMPARED.load(Ordering::Relaxed) - compared;
        let fell_back = FELL_BACK.load(Ordering::Relaxed) - fell_back;
        assert!(compared > 100, "{compared} files compared");
        assert!(fell_back > 0, "no rendering fell back to Tera");
    }

    /// Documents stream into their files (`emit::events`); test builds write each one again
    /// through the tree writers they had before and compare (`place::tree_check`): every
    /// policy, trust policy (own-account ARNs as `!Sub`, Terraform references) and
    /// container definition of the corpus, in both formats.
    #[test]
    fn streaming_and_tree_writers_agree_on_every_document() {
        use std::sync::atomic::Ordering;
        let _alone = CORPUS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = super::place::tree_check::COMPARED.load(Ordering::Relaxed);
        render_corpus();
        let compared = super::place::tree_check::COMPARED.load(Ordering::Relaxed) - before;
        assert!(compared > 1000, "{compared} documents compared");
    }
}
