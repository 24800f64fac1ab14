//! `gen --timings`: wall time per phase, for benchmarks and for users asking where a slow
//! run goes. Off unless enabled; then each phase records its duration once, and the CPU
//! time the whole process spent in it (all threads; shows whether a phase used every core).

use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Phase {
    name: &'static str,
    wall: Duration,
    /// None where the system does not say (the CPU time is read from Linux's /proc).
    cpu: Option<Duration>,
}

static PHASES: Mutex<Option<Vec<Phase>>> = Mutex::new(None);

pub(crate) fn enable() {
    if let Ok(mut phases) = PHASES.lock() {
        *phases = Some(Vec::new());
    }
}

fn enabled() -> bool {
    PHASES.lock().is_ok_and(|phases| phases.is_some())
}

/// Runs `work`, recording its wall time under `name` when timings are enabled.
pub(crate) fn phase<T>(name: &'static str, work: impl FnOnce() -> T) -> T {
    let cpu_start = if enabled() { process_cpu() } else { None };
    let start = Instant::now();
    let result = work();
    let wall = start.elapsed();
    if let Ok(mut phases) = PHASES.lock() {
        if let Some(phases) = phases.as_mut() {
            let cpu = cpu_start.and_then(|start| Some(process_cpu()?.saturating_sub(start)));
            phases.push(Phase { name, wall, cpu });
        }
    }
    result
}

/// User plus system time of every thread of this process so far, from /proc/self/stat
/// (in clock ticks, 100 per second on Linux: 10 ms steps).
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15; after ')' the first field is 3.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The recorded phases as a table with shares of their sum; empty when disabled.
pub(crate) fn report() -> String {
    let Ok(phases) = PHASES.lock() else {
        return String::new();
    };
    let Some(phases) = phases.as_ref() else {
        return String::new();
    };
    let total: Duration = phases.iter().map(|phase| phase.wall).sum();
    let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
    let mut text = String::from("timings:             wall          cpu (all threads)\n");
    for phase in phases {
        let share = if total.is_zero() {
            0.0
        } else {
            100.0 * phase.wall.as_secs_f64() / total.as_secs_f64()
        };
        let cpu = phase
            .cpu
            .map_or_else(String::new, |cpu| format!("  {:>7.0} ms", ms(cpu)));
        text.push_str(&format!(
            "  {:<18} {:>9.1} ms {share:>5.1}%{cpu}\n",
            phase.name,
            ms(phase.wall)
        ));
    }
    text.push_str(&format!("  {:<18} {:>9.1} ms\n", "total", ms(total)));
    text
}
