//! The one path from rendered files to the output directory, for `gen` and `gen --check`
//! alike. Each file is judged against the disk (`plan`) and hashed for the manifest on
//! writer threads as soon as it is rendered. Writing (`gen`), a file that changes
//! anything goes to its temporary at once, and nothing reaches a target before
//! `Planned::commit`; `Planned::discard` takes every temporary back, so a failure or a
//! conflict leaves the directory as it was. Checking (`gen --check`), the changed files'
//! old and new text are kept for the diff instead, and nothing is written.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;

use super::journal;
use super::manifest::{PreviousManifest, Recorded};
use super::plan::{Conflict, Disk, Judgement, Stale};
use crate::collections::HashSet;
use crate::render::{Emit, GeneratedFile};

/// Threads judging and writing files: each write ends in an fsync that waits on the disk,
/// not the CPU, so more of them than cores overlap those waits.
const WRITERS: usize = 8;
/// Jobs rendered but not yet taken by a writer; bounds the files held in memory.
const QUEUED_JOBS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Stage every change to a temporary, for `commit`.
    Write,
    /// Keep the old and new text of every change, for `diffs`.
    Check,
}

/// One generated file, as far as the output goes.
#[derive(Debug)]
struct PlannedFile {
    recorded: Recorded,
    judgement: Judgement,
    /// Check mode, a changed file: what is there now (if anything) and what would be.
    texts: Option<(Option<String>, String)>,
}

/// Every rendered file judged against the output directory (and, writing, staged).
pub(crate) struct Planned<'p> {
    out: PathBuf,
    mode: Mode,
    previous: Option<&'p PreviousManifest>,
    /// In output order, the manifest last once added.
    files: Vec<PlannedFile>,
    stale: Vec<Stale>,
    created_dirs: Vec<PathBuf>,
}

/// Why planning stopped.
#[derive(Debug)]
pub(crate) enum PlanFailure<E> {
    /// What produced the files failed (a render error).
    Producing(E),
    /// A file could not be judged or written.
    Writing(String),
}

/// Runs `produce`, which hands files to the `Emit` it is given, judging (and, writing,
/// staging) each file on writer threads as it comes. On any failure, whatever was staged
/// is taken back first.
pub(crate) fn plan_while<'p, T, E>(
    out: &Path,
    previous: Option<&'p PreviousManifest>,
    mode: Mode,
    produce: impl FnOnce(&Emit) -> Result<T, E>,
) -> Result<(T, Planned<'p>), PlanFailure<E>> {
    let disk = Disk::new(out, previous);
    let (sender, receiver) = sync_channel::<(usize, Vec<GeneratedFile>)>(QUEUED_JOBS);
    let receiver = Mutex::new(receiver);
    let (produced, results) = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| scope.spawn(|| plan_jobs(out, &disk, mode, &receiver)))
            .collect();
        let emit = |job: usize, files: Vec<GeneratedFile>| {
            sender
                .send((job, files))
                .map_err(|_| "the file writers stopped".to_string())
        };
        let produced = produce(&emit);
        drop(sender);
        // The files of the last jobs are still being hashed and written.
        let results: Vec<WriterResult> = crate::timings::phase("finish writing", || {
            writers
                .into_iter()
                .map(|writer| {
                    writer
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
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
    let planned = Planned {
        out: out.to_path_buf(),
        mode,
        previous,
        files: jobs.into_iter().flat_map(|(_, files)| files).collect(),
        stale: Vec::new(),
        created_dirs,
    };
    // A writer's error first: a producer stopped by it only reports the symptom.
    let failure = match (produced, failure) {
        (_, Some(error)) => PlanFailure::Writing(error),
        (Err(error), None) => PlanFailure::Producing(error),
        (Ok(value), None) => return Ok((value, planned)),
    };
    planned.discard();
    Err(failure)
}

#[derive(Default)]
struct WriterResult {
    jobs: Vec<(usize, Vec<PlannedFile>)>,
    created_dirs: Vec<PathBuf>,
    /// The first error; later jobs are then only drained, not written.
    failure: Option<String>,
}

fn plan_jobs(
    out: &Path,
    disk: &Disk,
    mode: Mode,
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
        let mut planned = Vec::with_capacity(files.len());
        for file in files {
            match plan_file(out, disk, mode, file, &mut result.created_dirs) {
                Ok(one) => planned.push(one),
                Err(error) => {
                    result.failure = Some(error);
                    break;
                }
            }
        }
        // Recorded even after a failure: what was staged must be taken back.
        result.jobs.push((job, planned));
    }
    result
}

fn plan_file(
    out: &Path,
    disk: &Disk,
    mode: Mode,
    file: GeneratedFile,
    created_dirs: &mut Vec<PathBuf>,
) -> Result<PlannedFile, String> {
    let (judgement, old) = disk.judge(&file.path, file.contents.as_bytes())?;
    let changed = judgement != Judgement::Unchanged;
    let recorded = Recorded::of(&file);
    let texts = match mode {
        Mode::Write => {
            if changed {
                created_dirs.extend(journal::stage(out, &file.path, file.contents)?);
            }
            None
        }
        Mode::Check => changed.then(|| {
            let old = old.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            (old, file.contents)
        }),
    };
    Ok(PlannedFile {
        recorded,
        judgement,
        texts,
    })
}

impl Planned<'_> {
    /// What the manifest records: every file, in output order.
    pub(crate) fn recorded(&self) -> Vec<Recorded> {
        self.files
            .iter()
            .map(|file| file.recorded.clone())
            .collect()
    }

    /// Plans the manifest (last), and the removal of files the previous manifest lists
    /// that this run no longer generates.
    pub(crate) fn finish_with(&mut self, manifest: GeneratedFile) -> Result<(), String> {
        let disk = Disk::new(&self.out, self.previous);
        let planned = plan_file(
            &self.out,
            &disk,
            self.mode,
            manifest,
            &mut self.created_dirs,
        )?;
        self.files.push(planned);
        let wanted: HashSet<&str> = self
            .files
            .iter()
            .map(|file| file.recorded.entry.path.as_str())
            .collect();
        self.stale = disk.stale(&wanted)?;
        Ok(())
    }

    /// Files that are not trustgen's as they are, with why.
    pub(crate) fn conflicts(&self) -> Vec<(String, Conflict)> {
        let written = self.files.iter().filter_map(|file| match &file.judgement {
            Judgement::Update(Some(conflict)) => {
                Some((file.recorded.entry.path.clone(), conflict.clone()))
            }
            _ => None,
        });
        let removed = self
            .stale
            .iter()
            .filter_map(|stale| stale.conflict.clone().map(|c| (stale.path.clone(), c)));
        written.chain(removed).collect()
    }

    /// (created, updated, removed, unchanged)
    pub(crate) fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |wanted: fn(&Judgement) -> bool| {
            self.files.iter().filter(|f| wanted(&f.judgement)).count()
        };
        (
            count(|j| *j == Judgement::Create),
            count(|j| matches!(j, Judgement::Update(_))),
            self.stale.len(),
            count(|j| *j == Judgement::Unchanged),
        )
    }

    /// Whether the output directory already holds exactly these files.
    pub(crate) fn is_current(&self) -> bool {
        let (created, updated, removed, _) = self.counts();
        created + updated + removed == 0
    }

    /// Check mode: a unified diff per changed file, removals last.
    pub(crate) fn diffs(&self) -> String {
        let mut text = String::new();
        for file in &self.files {
            if let Some((old, new)) = &file.texts {
                text.push_str(&super::unified(
                    &file.recorded.entry.path,
                    old.as_deref(),
                    Some(new),
                ));
            }
        }
        for stale in &self.stale {
            let old = String::from_utf8_lossy(&stale.old);
            text.push_str(&super::unified(&stale.path, Some(&old), None));
        }
        text
    }

    fn written(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|file| file.judgement != Judgement::Unchanged)
            .map(|file| file.recorded.entry.path.as_str())
            .collect()
    }

    /// Moves everything staged into place (see `journal::commit`).
    pub(crate) fn commit(self) -> Result<(), String> {
        if self.mode != Mode::Write {
            return Err("a checked plan has nothing staged to commit".into());
        }
        let removals: Vec<&str> = self.stale.iter().map(|stale| stale.path.as_str()).collect();
        journal::commit(&self.out, &self.written(), &removals)
    }

    /// Takes every temporary back, and the directories made for them.
    pub(crate) fn discard(self) {
        if self.mode == Mode::Write {
            journal::unstage(&self.out, &self.written(), &self.created_dirs);
        }
    }
}
