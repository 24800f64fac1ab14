//! Writing generated files and `trustgen.lock.json`, the manifest of what was generated.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Model;
use crate::render::{GeneratedFile, Provenance};
use crate::spec::SourceFile;

pub const MANIFEST_NAME: &str = "trustgen.lock.json";

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub generator: &'static str,
    pub version: &'static str,
    pub spec: SpecEntry,
    /// CloudFormation deploy order: every stack of a stage before any of the next.
    pub stages: Vec<Stage>,
    pub files: Vec<FileEntry>,
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

/// Stages in deploy order, each with the template file names (per account) it holds.
const STAGES: [(&str, &str); 3] = [
    (
        "developers",
        "developer policies and roles first: task trust policies may name these principals",
    ),
    ("tasks", "task roles, execution roles and task definitions"),
    (
        "trust",
        "roles that trust task roles, after every task role exists: IAM refuses a trust policy naming a role that does not exist yet",
    ),
];

impl Manifest {
    pub fn new(
        provenance: &Provenance,
        source: &SourceFile,
        model: &Model,
        files: &[GeneratedFile],
    ) -> Self {
        let stages = STAGES
            .iter()
            .filter_map(|(stack, why)| {
                let stacks: Vec<StackEntry> = model
                    .accounts
                    .iter()
                    .filter_map(|account| {
                        let template = format!("cloudformation/{}/{stack}.yaml", account.name);
                        files
                            .iter()
                            .any(|f| f.path == template)
                            .then(|| StackEntry {
                                account: account.name.clone(),
                                account_id: account.id.clone(),
                                region: account.region.clone(),
                                stack_name: format!("{}-{stack}", model.project),
                                template,
                            })
                    })
                    .collect();
                (!stacks.is_empty()).then_some((stacks, *why))
            })
            .enumerate()
            .map(|(index, (stacks, why))| Stage {
                stage: index + 1,
                why,
                stacks,
            })
            .collect();
        Manifest {
            generator: "trustgen",
            version: env!("CARGO_PKG_VERSION"),
            spec: SpecEntry {
                path: provenance.spec.clone(),
                sha256: sha256_hex(source.text.as_bytes()),
            },
            stages,
            files: files
                .iter()
                .map(|file| FileEntry {
                    path: file.path.clone(),
                    sha256: sha256_hex(file.contents.as_bytes()),
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Writes every file (each through a temporary file and a rename, so no file is ever left
/// half-written), then the manifest.
pub fn write(out: &Path, files: &[GeneratedFile], manifest: &Manifest) -> Result<(), String> {
    for file in files {
        write_file(&out.join(&file.path), file.contents.as_bytes())?;
    }
    write_file(&out.join(MANIFEST_NAME), manifest.to_json().as_bytes())
}

fn write_file(path: &Path, contents: &[u8]) -> Result<(), String> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(parent)
        .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{file_name}.trustgen-tmp"));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    result.map_err(|error| {
        let _ = fs::remove_file(&temporary);
        format!("cannot write {}: {error}", path.display())
    })
}
