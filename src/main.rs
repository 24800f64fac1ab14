use std::process::ExitCode;

/// jemalloc instead of the system's allocator: a large spec is millions of small
/// allocations made and freed on every core, where glibc's malloc took about a sixth of
/// `gen`'s time (its arenas' locking and consolidation) and jemalloc's per-thread caches
/// take a fraction of that, at the same peak memory (BENCHMARKS.md has the runs). mimalloc
/// was faster still but held a third more memory, past the 150 MB a 10,000-task spec may
/// take.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = trustgen::cli::Cli::parse();
    let outcome = trustgen::run(cli.command);
    if !outcome.stdout.is_empty() {
        print!("{}", outcome.stdout);
    }
    if !outcome.stderr.is_empty() {
        eprint!("{}", outcome.stderr);
    }
    ExitCode::from(outcome.code)
}
