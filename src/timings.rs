//! `gen --timings`: wall time per phase, for benchmarks and for users asking where a slow
//! run goes. Off unless enabled; then each phase records its duration once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

static PHASES: Mutex<Option<Vec<(&'static str, Duration)>>> = Mutex::new(None);

pub(crate) fn enable() {
    if let Ok(mut phases) = PHASES.lock() {
        *phases = Some(Vec::new());
    }
}

/// Runs `work`, recording its wall time under `name` when timings are enabled.
pub(crate) fn phase<T>(name: &'static str, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = work();
    if let Ok(mut phases) = PHASES.lock() {
        if let Some(phases) = phases.as_mut() {
            phases.push((name, start.elapsed()));
        }
    }
    result
}

/// The recorded phases as a table with shares of their sum; empty when disabled.
pub(crate) fn report() -> String {
    let Ok(phases) = PHASES.lock() else {
        return String::new();
    };
    let Some(phases) = phases.as_ref() else {
        return String::new();
    };
    let total: Duration = phases.iter().map(|(_, d)| *d).sum();
    let mut text = String::from("timings:\n");
    for (name, duration) in phases {
        let share = if total.is_zero() {
            0.0
        } else {
            100.0 * duration.as_secs_f64() / total.as_secs_f64()
        };
        text.push_str(&format!(
            "  {name:<18} {:>9.1} ms {share:>5.1}%\n",
            duration.as_secs_f64() * 1000.0
        ));
    }
    text.push_str(&format!(
        "  {:<18} {:>9.1} ms\n",
        "total",
        total.as_secs_f64() * 1000.0
    ));
    text
}
