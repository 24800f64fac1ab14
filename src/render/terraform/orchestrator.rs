//! The files that let an orchestrator apply the Terraform roots in the lock file's order
//! (`[terraform] orchestrator`): `atlantis.yaml`, one project per root with its stage as
//! `execution_order_group` and the roots it waits for as `depends_on`; or a
//! `terragrunt.hcl` in every root whose `dependencies` are those roots. Both come from the
//! model's roots, the lock file's source, so they cannot order the roots otherwise.

use serde::Serialize;

use super::context::Hcl;
use super::{GeneratedFile, Templates};
use crate::model::names::{self, RootKind};
use crate::model::{Model, Root};
use crate::render::emit::yaml;
use crate::render::place::{Documents, Nothing};
use crate::spec::Orchestrator;

const ATLANTIS_TEMPLATE: &str = "terraform/atlantis.yaml.tera";
const TERRAGRUNT_TEMPLATE: &str = "terraform/terragrunt.hcl.tera";

/// The workflow every project of atlantis.yaml runs, defined in the same file.
const ATLANTIS_WORKFLOW: &str = "trustgen";

/// Text already written as one YAML scalar.
#[derive(Serialize)]
#[serde(transparent)]
struct Yaml(String);

impl Yaml {
    fn scalar(text: &str) -> Self {
        Yaml(yaml::scalar(text))
    }
}

#[derive(Serialize)]
struct AtlantisContext<'a> {
    header: &'a str,
    workflow: Yaml,
    /// `-backend-config=s3.tfbackend` for `init`, with a partial backend.
    #[serde(skip_serializing_if = "Option::is_none")]
    backend_config: Option<Yaml>,
    projects: Vec<ProjectContext>,
}

#[derive(Serialize)]
struct ProjectContext {
    name: Yaml,
    /// From the repository's root.
    dir: Yaml,
    stage: usize,
    depends_on: Vec<Yaml>,
    /// Files of the root besides Terraform's own, whose change plans it too.
    files: Vec<Yaml>,
}

#[derive(Serialize)]
struct TerragruntContext<'a> {
    header: &'a str,
    /// The root's name and the directory of the roots, as plain text for comments (names
    /// of accounts are plain: letters, digits, `-` and `_`).
    root: &'a str,
    parent: &'static str,
    /// The roots it waits for, relative to it (`../<root>`).
    dependencies: Vec<Hcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backend_config: Option<Hcl>,
}

/// `-backend-config=s3.tfbackend`, with a partial S3 backend.
fn backend_config(model: &Model) -> Option<String> {
    model
        .terraform
        .backend
        .as_ref()
        .filter(|backend| backend.partial)
        .map(|_| format!("-backend-config={}", names::TERRAFORM_BACKEND_CONFIG))
}

/// The orchestrator's files, none without one.
pub(super) fn render(
    model: &Model,
    templates: &Templates,
    header: &str,
) -> Result<Vec<GeneratedFile>, String> {
    match model.terraform.orchestrator {
        None => Ok(Vec::new()),
        Some(Orchestrator::Atlantis) => Ok(vec![GeneratedFile::new(
            names::ATLANTIS_FILE.into(),
            templates.render_yaml(
                ATLANTIS_TEMPLATE,
                &atlantis(model, header),
                &Documents::<Nothing>::new(),
            )?,
        )]),
        Some(Orchestrator::Terragrunt) => model
            .terraform
            .roots
            .iter()
            .map(|root| {
                Ok(GeneratedFile::new(
                    format!("{}/{}", root.dir, names::TERRAGRUNT_FILE),
                    templates
                        .render_hcl_plain(TERRAGRUNT_TEMPLATE, &terragrunt(model, root, header))?,
                ))
            })
            .collect(),
    }
}

fn atlantis<'a>(model: &Model, header: &'a str) -> AtlantisContext<'a> {
    let terraform = &model.terraform;
    let in_repository = |dir: &str| match terraform.repository_dir.as_str() {
        "." => dir.to_string(),
        prefix => format!("{prefix}/{dir}"),
    };
    let name_of = |dir: &str| {
        terraform
            .roots
            .iter()
            .find(|root| root.dir == dir)
            .map_or_else(|| dir.to_string(), |root| root.name.clone())
    };
    AtlantisContext {
        header,
        workflow: Yaml::scalar(ATLANTIS_WORKFLOW),
        backend_config: backend_config(model).as_deref().map(Yaml::scalar),
        projects: terraform
            .roots
            .iter()
            .map(|root| ProjectContext {
                name: Yaml::scalar(&root.name),
                dir: Yaml::scalar(&in_repository(&root.dir)),
                stage: root.stage,
                depends_on: terraform
                    .after_dirs(root)
                    .map(|dir| Yaml::scalar(&name_of(dir)))
                    .collect(),
                files: root_files(model, root)
                    .iter()
                    .map(|file| Yaml::scalar(file))
                    .collect(),
            })
            .collect(),
    }
}

fn terragrunt<'a>(model: &Model, root: &'a Root, header: &'a str) -> TerragruntContext<'a> {
    TerragruntContext {
        header,
        root: &root.name,
        parent: names::TERRAFORM_DIR,
        dependencies: model
            .terraform
            .after_dirs(root)
            .map(|dir| {
                let name = dir.rsplit('/').next().unwrap_or(dir);
                Hcl::quoted(&format!("../{name}"))
            })
            .collect(),
        backend_config: backend_config(model).as_deref().map(Hcl::quoted),
    }
}

/// A root's files besides Terraform's own: the StackSet's template body.
fn root_files(model: &Model, root: &Root) -> Vec<&'static str> {
    let holds = model.bootstrap.as_ref().is_some_and(|bootstrap| {
        root.holds_bootstrap()
            && (root.kind == RootKind::Single || bootstrap.account == root.account)
    });
    if holds {
        vec![names::STACK_SET_TEMPLATE_FILE]
    } else {
        Vec::new()
    }
}
