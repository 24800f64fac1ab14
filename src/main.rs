use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tune_allocator();
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

/// glibc keeps small freed chunks in "fastbins" and merges them only when a large
/// allocation sweeps them all up (malloc_consolidate). trustgen frees millions of small
/// values (documents, views) between large buffers (files), so those sweeps and the frees
/// feeding them were a fifth of a large run's CPU. Without fastbins small chunks merge as
/// they are freed, and the per-thread caches still serve the hottest sizes.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn tune_allocator() {
    // SAFETY: mallopt only sets a malloc parameter, M_MXFAST = 0 is a documented value
    // ("disables the use of fastbins"), and this runs first in main, before any thread.
    // A refusal (return 0) leaves the default, which is only slower.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
