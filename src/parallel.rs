//! Independent jobs on a few threads, results in job order, so output never depends on
//! scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of cores, for CPU-bound work.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `work` applied to every job on up to `threads` threads; results in job order.
pub(crate) fn map_in_order<J: Sync, R: Send>(
    jobs: &[J],
    threads: usize,
    work: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(jobs.len());
    if threads <= 1 {
        return jobs.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let take_jobs = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                break done;
            };
            done.push((index, work(job)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(take_jobs)).collect();
        // The calling thread works too: one thread fewer, and one malloc arena fewer
        // holding freed memory that the others cannot reuse.
        let mut results = take_jobs();
        for worker in workers {
            // A worker only panics on a bug; re-raise it rather than lose its jobs.
            results.extend(
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// `work` applied to consecutive runs of `items` on every core; results in order. For
/// many small independent jobs (a spec's tasks): a few runs per core keep the cores
/// evenly busy without a thread handoff per item.
pub(crate) fn map_runs<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if threads <= 1 || items.len() < 2 {
        return vec![work(items)];
    }
    let runs: Vec<&[T]> = items.chunks(items.len().div_ceil(threads * 4)).collect();
    map_in_order(&runs, threads, |run| work(run))
}

/// `first` on a thread of its own and `second` on the calling thread, side by side: for
/// two independent passes where one alone would leave a core idle.
pub(crate) fn both<A: Send, B>(
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let first = scope.spawn(first);
        let second = second();
        // `first` only panics on a bug; re-raise it rather than lose its result.
        let first = first
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    })
}

/// Frees `value` on a thread of its own. A large model or spec is millions of small
/// allocations; a command that is done with it should not wait for them to be freed
/// (and the CLI, which exits right after, does not).
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // Should the thread not start, the value comes back in the error and is freed here.
    drop(std::thread::Builder::new().spawn(move || drop(value)));
}
