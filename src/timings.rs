//! `gen --timings`: wall time per phase, for benchmarks and for users asking where a slow
//! run goes. Off unless enabled; then each phase records its duration once, the CPU time
//! the whole process spent in it (all threads; shows whether a phase used every core), the
//! page faults it took (memory touched for the first time: each costs microseconds) and
//! the resident memory when it ended.

use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Phase {
    name: &'static str,
    wall: Duration,
    /// None where the system does not say (these are read from Linux's /proc).
    usage: Option<Usage>,
}

/// What the process used during a phase.
struct Usage {
    cpu: Duration,
    minor_faults: u64,
    /// At the phase's end.
    resident_bytes: Option<u64>,
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
    let counted_start = if enabled() { counted() } else { None };
    let start = Instant::now();
    let result = work();
    let wall = start.elapsed();
    if let Ok(mut phases) = PHASES.lock() {
        if let Some(phases) = phases.as_mut() {
            let usage = counted_start.and_then(|(cpu_start, faults_start)| {
                let (cpu, faults) = counted()?;
                Some(Usage {
                    cpu: cpu.saturating_sub(cpu_start),
                    minor_faults: faults.saturating_sub(faults_start),
                    resident_bytes: resident_bytes(),
                })
            });
            phases.push(Phase { name, wall, usage });
        }
    }
    result
}

/// User plus system time of every thread of this process so far (in clock ticks, 100 per
/// second on Linux: 10 ms steps), and its minor page faults, from /proc/self/stat.
fn counted() -> Option<(Duration, u64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let field = |number: usize| fields.get(number - 3)?.parse::<u64>().ok();
    // minflt is field 10, utime and stime are 14 and 15; after ')' the first field is 3.
    let ticks = field(14)? + field(15)?;
    Some((Duration::from_millis(ticks * 10), field(10)?))
}

/// Resident memory now: `VmRSS` of /proc/self/status (in kB, whatever the page size).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
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
    let mut text = String::from(
        "timings:             wall          cpu (all threads)   page faults   resident\n",
    );
    for phase in phases {
        let share = if total.is_zero() {
            0.0
        } else {
            100.0 * phase.wall.as_secs_f64() / total.as_secs_f64()
        };
        let usage = phase.usage.as_ref().map_or_else(String::new, |usage| {
            let resident = usage.resident_bytes.map_or_else(String::new, |bytes| {
                format!("   {:>5.0} MB", bytes as f64 / (1024.0 * 1024.0))
            });
            format!(
                "  {:>7.0} ms   {:>11}{resident}",
                ms(usage.cpu),
                usage.minor_faults
            )
        });
        text.push_str(&format!(
            "  {:<18} {:>9.1} ms {share:>5.1}%{usage}\n",
            phase.name,
            ms(phase.wall)
        ));
    }
    text.push_str(&format!("  {:<18} {:>9.1} ms\n", "total", ms(total)));
    text
}
