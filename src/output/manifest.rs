//! `trustgen.lock.json`: every generated file with its hash, the spec's hash, and the
//! units the files deploy in stages: stacks (`stages`) and roots applied on their own
//! (`terraform_stages`), as rendering reports them on each file. It is how `gen` knows
//! which files are its own.

use std::path::{Component, Path};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::render::{Deployment, GeneratedFile, Provenance, Unit};

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

/// What a manifest records of a file: its path and hash, and what it deploys if it stands
/// for a unit deployed on its own.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub entry: FileEntry,
    pub deploys: Option<Deployment>,
}

impl Recorded {
    pub fn of(file: &GeneratedFile) -> Self {
        Recorded {
            entry: FileEntry {
                path: file.path.clone(),
                sha256: sha256_hex(file.contents.as_bytes()),
            },
            deploys: file.deploys.clone(),
        }
    }
}

impl Manifest {
    /// The manifest of `files` (in output order): their hashes, and the units they deploy
    /// by stage, each stage in output order.
    pub fn new(provenance: &Provenance, spec_sha256: String, files: Vec<Recorded>) -> Self {
        let stages = by_stage(&files, |file, deployment| match &deployment.unit {
            Unit::Stack { name } => Some(StackEntry {
                account: deployment.account.clone(),
                account_id: deployment.account_id.clone(),
                region: deployment.region.clone(),
                stack_name: name.clone(),
                template: file.entry.path.clone(),
            }),
            Unit::Root { .. } => None,
        })
        .into_iter()
        .map(|(stage, why, stacks)| Stage { stage, why, stacks })
        .collect();
        let terraform_stages = by_stage(&files, |_, deployment| match &deployment.unit {
            Unit::Root {
                dir,
                after,
                backend_config,
            } => Some(RootEntry {
                account: deployment.account.clone(),
                account_id: deployment.account_id.clone(),
                region: deployment.region.clone(),
                root: dir.clone(),
                after: after.clone(),
                backend_config: backend_config.clone(),
            }),
            Unit::Stack { .. } => None,
        })
        .into_iter()
        .map(|(stage, why, roots)| TerraformStage { stage, why, roots })
        .collect();
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

/// The units `entry` picks from `files`, grouped by rank: (stage number from 1, why,
/// entries in output order) for each rank that holds any.
fn by_stage<T>(
    files: &[Recorded],
    entry: impl Fn(&Recorded, &Deployment) -> Option<T>,
) -> Vec<(usize, &'static str, Vec<T>)> {
    let mut picked: Vec<(usize, &'static str, T)> = files
        .iter()
        .filter_map(|file| {
            let deployment = file.deploys.as_ref()?;
            Some((deployment.rank, deployment.why, entry(file, deployment)?))
        })
        .collect();
    // Stable: output order within a rank.
    picked.sort_by_key(|(rank, _, _)| *rank);
    let mut stages: Vec<(usize, &'static str, Vec<T>)> = Vec::new();
    let mut last = None;
    for (rank, why, item) in picked {
        if last != Some(rank) {
            stages.push((stages.len() + 1, why, Vec::new()));
            last = Some(rank);
        }
        if let Some((_, _, items)) = stages.last_mut() {
            items.push(item);
        }
    }
    stages
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

#[cfg(test)]
mod tests {
    use super::*;

    fn deployed(path: &str, unit: Unit, rank: usize) -> Recorded {
        Recorded {
            entry: FileEntry {
                path: path.into(),
                sha256: String::new(),
            },
            deploys: Some(Deployment {
                unit,
                account: "dev".into(),
                account_id: "111122223333".into(),
                region: "eu-west-1".into(),
                rank,
                why: if rank == 3 { "three" } else { "other" },
            }),
        }
    }

    fn stack(name: &str) -> Unit {
        Unit::Stack { name: name.into() }
    }

    #[test]
    fn stages_number_the_ranks_that_hold_units_of_each_kind_in_output_order() {
        let root = Unit::Root {
            dir: "terraform/dev".into(),
            after: Vec::new(),
            backend_config: None,
        };
        let files = vec![
            deployed("b.yaml", stack("b"), 3),
            deployed("terraform/dev/providers.tf", root, 1),
            deployed("a.yaml", stack("a"), 0),
            Recorded::of(&GeneratedFile::new("x".into(), String::new())),
            deployed("c.yaml", stack("c"), 3),
        ];
        let manifest = Manifest::new(
            &Provenance {
                spec: "spec.toml".into(),
            },
            String::new(),
            files,
        );
        let stacks: Vec<(usize, &str, Vec<&str>)> = manifest
            .stages
            .iter()
            .map(|stage| {
                let names = stage.stacks.iter().map(|s| s.stack_name.as_str());
                (stage.stage, stage.why, names.collect())
            })
            .collect();
        assert_eq!(
            stacks,
            vec![(1, "other", vec!["a"]), (2, "three", vec!["b", "c"])],
            "ranks 0 and 3 become stages 1 and 2; b before c as written"
        );
        assert_eq!(manifest.terraform_stages.len(), 1);
        assert_eq!(manifest.terraform_stages[0].stage, 1);
        assert_eq!(manifest.terraform_stages[0].roots[0].root, "terraform/dev");
        assert_eq!(manifest.files.len(), 5);
    }
}
