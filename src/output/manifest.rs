//! `trustgen.lock.json`: every generated file with its hash, the spec's hash, the
//! CloudFormation deploy stages and (per-account layout) the Terraform apply stages. It is
//! how `gen` knows which files are its own.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::names::{self, Stage as DeployStage};
use crate::model::Model;
use crate::render::{GeneratedFile, Provenance, RootFile, StackFile};

pub(crate) const MANIFEST_NAME: &str = "trustgen.lock.json";

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub generator: &'static str,
    pub version: &'static str,
    pub spec: SpecEntry,
    /// CloudFormation deploy order: every stack of a stage before any of the next.
    pub stages: Vec<Stage>,
    /// Per-account Terraform roots in apply order: every root of a stage before any of the
    /// next (absent in the single-root layout, which Terraform orders itself).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terraform_stages: Vec<TerraformStage>,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TerraformStage {
    pub stage: usize,
    pub why: &'static str,
    pub roots: Vec<RootEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RootEntry {
    pub account: String,
    pub account_id: String,
    pub region: String,
    /// The root's directory, relative to the output directory.
    pub root: String,
    /// The roots it waits for (each in an earlier stage).
    pub after: Vec<String>,
    /// A partial backend's settings, relative to `root`: `init -backend-config=<this>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_config: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpecEntry {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub stage: usize,
    pub why: &'static str,
    pub stacks: Vec<StackEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackEntry {
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub stack_name: String,
    pub template: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a manifest records of a file: its path and hash, and where it deploys if it is
/// a CloudFormation template or stands for a per-account Terraform root.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub entry: FileEntry,
    pub stack: Option<StackFile>,
    pub root: Option<RootFile>,
}

impl Recorded {
    pub fn of(file: &GeneratedFile) -> Self {
        Recorded {
            entry: FileEntry {
                path: file.path.clone(),
                sha256: sha256_hex(file.contents.as_bytes()),
            },
            stack: file.stack.clone(),
            root: file.root.clone(),
        }
    }
}

impl Manifest {
    /// The manifest of `files` (in output order): their hashes, and the stacks among them
    /// in deploy stages (`names::Stage`), each stage in output order.
    pub fn new(
        provenance: &Provenance,
        spec_sha256: String,
        model: &Model,
        files: Vec<Recorded>,
    ) -> Self {
        let stages = DeployStage::ALL
            .iter()
            .filter_map(|&kind| {
                let stacks: Vec<StackEntry> = files
                    .iter()
                    .filter_map(|file| {
                        let stack = file
                            .stack
                            .as_ref()
                            .filter(|s| DeployStage::of(s.stack, s.part) == kind)?;
                        let account = model.accounts.iter().find(|a| a.name == stack.account)?;
                        Some(StackEntry {
                            account: account.name.clone(),
                            account_id: account.id.clone(),
                            region: stack.region.clone(),
                            stack_name: stack.name.clone(),
                            template: file.entry.path.clone(),
                        })
                    })
                    .collect();
                (!stacks.is_empty()).then_some((stacks, kind.why()))
            })
            .enumerate()
            .map(|(index, (stacks, why))| Stage {
                stage: index + 1,
                why,
                stacks,
            })
            .collect();
        let terraform_stages = terraform_stages(model, &files);
        Manifest {
            generator: "trustgen",
            version: env!("CARGO_PKG_VERSION"),
            spec: SpecEntry {
                path: provenance.spec.clone(),
                sha256: spec_sha256,
            },
            stages,
            terraform_stages,
            files: files.into_iter().map(|file| file.entry).collect(),
        }
    }

    pub fn file(&self) -> GeneratedFile {
        GeneratedFile::new(MANIFEST_NAME.into(), self.to_json())
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The per-account roots among `files` by stage, each stage in output order.
fn terraform_stages(model: &Model, files: &[Recorded]) -> Vec<TerraformStage> {
    let roots: Vec<&RootFile> = files.iter().filter_map(|file| file.root.as_ref()).collect();
    let last = roots.iter().map(|root| root.stage).max().unwrap_or(0);
    (1..=last)
        .map(|stage| TerraformStage {
            stage,
            why: names::terraform_stage_why(stage),
            roots: roots
                .iter()
                .filter(|root| root.stage == stage)
                .filter_map(|root| {
                    let account = model.accounts.iter().find(|a| a.name == root.account)?;
                    Some(RootEntry {
                        account: account.name.clone(),
                        account_id: account.id.clone(),
                        region: root.region.clone(),
                        root: root.dir.clone(),
                        after: root.after.clone(),
                        backend_config: root.backend_config.clone(),
                    })
                })
                .collect(),
        })
        .filter(|stage| !stage.roots.is_empty())
        .collect()
}

/// What `gen` needs from a previous manifest: the files it generated and their hashes,
/// and where its stacks and per-account roots deployed (to name those it no longer
/// generates, which stay in AWS until someone deletes them).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousManifest {
    pub files: Vec<PreviousFile>,
    #[serde(default)]
    pub stages: Vec<PreviousStage>,
    #[serde(default)]
    pub terraform_stages: Vec<PreviousTerraformStage>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousStage {
    #[serde(default)]
    pub stacks: Vec<PreviousStack>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousStack {
    pub account_id: String,
    pub region: String,
    pub stack_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousTerraformStage {
    #[serde(default)]
    pub roots: Vec<PreviousRoot>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousRoot {
    pub account_id: String,
    pub region: String,
    pub root: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PreviousFile {
    pub path: String,
    pub sha256: String,
}

impl PreviousManifest {
    /// The manifest in `out`, if there is one. A manifest that cannot be read, or that names
    /// a path outside the output directory, is an error: trustgen will not guess which
    /// files are its own, and never touches a file outside `out`.
    pub(crate) fn read(out: &Path) -> Result<Option<Self>, String> {
        let path = within(out, MANIFEST_NAME)?;
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        };
        let manifest: PreviousManifest = serde_json::from_str(&text).map_err(|error| {
            format!("{} is not a trustgen manifest ({error}); restore it or remove the output directory", path.display())
        })?;
        if let Some(bad) = manifest.files.iter().find(|f| !is_inside(&f.path)) {
            return Err(format!(
                "{} lists `{}`, which is not a path inside the output directory",
                path.display(),
                bad.path
            ));
        }
        Ok(Some(manifest))
    }
}

/// `relative` below `out`, checked: a path of plain components, and no symbolic link on the
/// way (`out` itself included). The output directory comes with the repository, so a pull
/// request could plant a link there; trustgen never reads or writes through one.
pub(super) fn within(out: &Path, relative: &str) -> Result<std::path::PathBuf, String> {
    if !is_inside(relative) {
        return Err(format!(
            "`{relative}` is not a path inside the output directory"
        ));
    }
    let mut path = out.to_path_buf();
    let mut steps = vec![path.clone()];
    for component in Path::new(relative).components() {
        path.push(component);
        steps.push(path.clone());
    }
    for step in steps {
        match std::fs::symlink_metadata(&step) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link: trustgen never reads or writes through one in its output directory (remove it)",
                    step.display()
                ))
            }
            Ok(_) => {}
            // What does not exist yet cannot be a link; nor can anything below it.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => break,
            Err(error) => return Err(format!("cannot inspect {}: {error}", step.display())),
        }
    }
    Ok(path)
}

/// A relative path of plain components: nothing absolute, no `..`.
pub(super) fn is_inside(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}
