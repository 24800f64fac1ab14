//! `gen` without holding the output: each rendered file is judged against the disk, hashed
//! for the manifest and, when it changes anything, written to its temporary while the
//! other files are still rendering. Nothing reaches a target before `Staged::commit`, and
//! `Staged::discard` takes every temporary back, so a failure or a conflict still leaves
//! the output directory as it was.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

use super::journal;
use super::manifest::{sha256_hex, within, FileEntry, PreviousManifest, MANIFEST_NAME};
use super::sync::{judge, Conflict, Judgement};
use crate::render::{Emit, GeneratedFile};

/// Threads judging and writing files: each write ends in an fsync that waits on the disk,
/// not the CPU, so more of them than cores overlap those waits.
const WRITERS: usize = 8;
/// Jobs rendered but not yet taken by a writer; bounds the files held in memory.
const QUEUED_JOBS: usize = 4;

/// One generated file, as far as the write goes.
#[derive(Debug)]
struct StagedFile {
    path: String,
    sha256: String,
    judgement: Judgement,
}

/// Files judged and, where they change anything, written to temporaries.
pub struct Staged {
    out: PathBuf,
    /// In output order, the manifest last once added.
    files: Vec<StagedFile>,
    removals: Vec<(String, Option<Conflict>)>,
    created_dirs: Vec<PathBuf>,
}

/// Why staging stopped.
#[derive(Debug)]
pub enum StageFailure<E> {
    /// What produced the files failed (a render error).
    Producing(E),
    /// A file could not be judged or written.
    Writing(String),
}

/// Runs `produce`, which hands files to the `Emit` it is given, judging and staging each
/// file on writer threads as it comes. Returns what `produce` returned and the staged
/// files; on any failure, whatever was staged is taken back first.
pub fn stage_while<T, E>(
    out: &Path,
    previous: Option<&PreviousManifest>,
    produce: impl FnOnce(&Emit) -> Result<T, E>,
) -> Result<(T, Staged), StageFailure<E>> {
    let listed: HashMap<&str, &str> = previous
        .map(|manifest| {
            manifest
                .files
                .iter()
                .map(|file| (file.path.as_str(), file.sha256.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let (sender, receiver) = sync_channel::<(usize, Vec<GeneratedFile>)>(QUEUED_JOBS);
    let receiver = Mutex::new(receiver);
    let (produced, results) = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| scope.spawn(|| write_jobs(out, &listed, &receiver)))
            .collect();
        let emit = |job: usize, files: Vec<GeneratedFile>| {
            sender
                .send((job, files))
                .map_err(|_| "the file writers stopped".to_string())
        };
        let produced = produce(&emit);
        drop(sender);
        let results: Vec<WriterResult> = writers
            .into_iter()
            .map(|writer| {
                writer
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        (produced, results)
    });
    let mut jobs = Vec::new();
    let mut created_dirs = Vec::new();
    let mut failure = None;
    for result in results {
        jobs.extend(result.jobs);
        created_dirs.extend(result.created_dirs);
        failure = failure.or(result.failure);
    }
    jobs.sort_by_key(|(job, _)| *job);
    let staged = Staged {
        out: out.to_path_buf(),
        files: jobs.into_iter().flat_map(|(_, files)| files).collect(),
        removals: Vec::new(),
        created_dirs,
    };
    // A writer's error first: a producer stopped by it only reports the symptom.
    let failure = match (produced, failure) {
        (_, Some(error)) => StageFailure::Writing(error),
        (Err(error), None) => StageFailure::Producing(error),
        (Ok(value), None) => return Ok((value, staged)),
    };
    staged.discard();
    Err(failure)
}

#[derive(Default)]
struct WriterResult {
    jobs: Vec<(usize, Vec<StagedFile>)>,
    created_dirs: Vec<PathBuf>,
    /// The first error; later jobs are then only drained, not written.
    failure: Option<String>,
}

fn write_jobs(
    out: &Path,
    listed: &HashMap<&str, &str>,
    receiver: &Mutex<Receiver<(usize, Vec<GeneratedFile>)>>,
) -> WriterResult {
    let mut result = WriterResult::default();
    loop {
        // The lock is held only to take one job.
        let next = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => break,
        };
        let Ok((job, files)) = next else { break };
        if result.failure.is_some() {
            continue;
        }
        let mut staged = Vec::with_capacity(files.len());
        for file in files {
            match stage_file(out, listed, &file, &mut result.created_dirs) {
                Ok(one) => staged.push(one),
                Err(error) => {
                    result.failure = Some(error);
                    break;
                }
            }
        }
        // Recorded even after a failure: what was staged must be taken back.
        result.jobs.push((job, staged));
    }
    result
}

fn stage_file(
    out: &Path,
    listed: &HashMap<&str, &str>,
    file: &GeneratedFile,
    created_dirs: &mut Vec<PathBuf>,
) -> Result<StagedFile, String> {
    let contents = file.contents.as_bytes();
    let disk = read(&within(out, &file.path)?)?;
    let judgement = judge(
        disk.as_deref(),
        contents,
        listed.get(file.path.as_str()).copied(),
        file.path == MANIFEST_NAME,
    );
    if judgement != Judgement::Unchanged {
        created_dirs.extend(journal::stage(out, &file.path, contents)?);
    }
    Ok(StagedFile {
        path: file.path.clone(),
        sha256: sha256_hex(contents),
        judgement,
    })
}

fn read(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}

impl Staged {
    /// The manifest's entries: every file with its hash, in output order.
    pub fn entries(&self) -> Vec<FileEntry> {
        self.files
            .iter()
            .map(|file| FileEntry {
                path: file.path.clone(),
                sha256: file.sha256.clone(),
            })
            .collect()
    }

    /// Stages the manifest (last), and plans the removal of files the previous manifest
    /// lists that this run no longer generates.
    pub fn finish_with(
        &mut self,
        manifest: &GeneratedFile,
        previous: Option<&PreviousManifest>,
    ) -> Result<(), String> {
        let no_previous = HashMap::new();
        let staged = stage_file(&self.out, &no_previous, manifest, &mut self.created_dirs)?;
        self.files.push(staged);
        let wanted: HashSet<&str> = self.files.iter().map(|file| file.path.as_str()).collect();
        for entry in previous.map(|m| m.files.as_slice()).unwrap_or_default() {
            if wanted.contains(entry.path.as_str()) {
                continue;
            }
            if let Some(disk) = read(&within(&self.out, &entry.path)?)? {
                let conflict = (sha256_hex(&disk) != entry.sha256).then_some(Conflict::HandEdited);
                self.removals.push((entry.path.clone(), conflict));
            }
        }
        Ok(())
    }

    /// Files that are not trustgen's as they are, with why.
    pub fn conflicts(&self) -> Vec<(String, Conflict)> {
        let written = self.files.iter().filter_map(|file| match &file.judgement {
            Judgement::Update(Some(conflict)) => Some((file.path.clone(), conflict.clone())),
            _ => None,
        });
        let removed = self
            .removals
            .iter()
            .filter_map(|(path, conflict)| conflict.clone().map(|c| (path.clone(), c)));
        written.chain(removed).collect()
    }

    /// (created, updated, removed, unchanged)
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |wanted: fn(&Judgement) -> bool| {
            self.files.iter().filter(|f| wanted(&f.judgement)).count()
        };
        (
            count(|j| *j == Judgement::Create),
            count(|j| matches!(j, Judgement::Update(_))),
            self.removals.len(),
            count(|j| *j == Judgement::Unchanged),
        )
    }

    fn written(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|file| file.judgement != Judgement::Unchanged)
            .map(|file| file.path.as_str())
            .collect()
    }

    /// Moves everything staged into place (see `journal::commit`).
    pub fn commit(self) -> Result<(), String> {
        let removals: Vec<&str> = self
            .removals
            .iter()
            .map(|(path, _)| path.as_str())
            .collect();
        journal::commit(&self.out, &self.written(), &removals)
    }

    /// Takes every temporary back, and the directories made for them.
    pub fn discard(self) {
        journal::unstage(&self.out, &self.written(), &self.created_dirs);
    }
}
