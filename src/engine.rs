//! Small helpers around the lazy engine that several stages share.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

use polars::prelude::*;

/// Collect several plans in one go, so inputs and caches they share are
/// computed once.
/// A day in milliseconds, the engine's unit for times.
pub const DAY_MS: i64 = 86_400_000;

/// A window of `days` (a config's fractional days) in whole milliseconds.
pub fn days_ms(days: f64) -> i64 {
    (days * DAY_MS as f64).round() as i64
}

pub fn collect_all(plans: Vec<LazyFrame>) -> PolarsResult<Vec<DataFrame>> {
    let opt = plans
        .first()
        .map(|p| p.get_current_optimizations())
        .unwrap_or_default();
    LazyFrame::collect_all_with_engine(
        plans.into_iter().map(|p| p.logical_plan).collect(),
        Engine::Auto,
        opt,
    )
}

/// With `CXGAP_TRACE` set, print a phase's wall time, the peak memory
/// since the previous phase and what is resident now, split into the
/// process's own memory (anon) and mapped files' pages (file: an input
/// the reader maps, which the system can drop) to stderr (Linux: from
/// /proc), then reset the peak. How BENCHMARKS.md's profile was taken;
/// silent otherwise.
pub fn phase(label: &str) {
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    if std::env::var_os("CXGAP_TRACE").is_none() {
        return;
    }
    let Ok(mut last) = LAST.lock() else { return };
    let ms = last.map(|t| t.elapsed().as_millis()).unwrap_or(0);
    *last = Some(Instant::now());
    let mib = |key: &str| status_bytes(key).map_or(0, |b| b >> 20);
    let _ = writeln!(
        std::io::stderr(),
        "trace {label:<24} {ms:>7} ms  peak {:>6} MiB  now {:>6} MiB  (anon {:>6}, file {:>6})",
        mib("VmHWM"),
        mib("VmRSS"),
        mib("RssAnon"),
        mib("RssFile")
    );
    // Writing 5 resets the peak (VmHWM), so each phase shows its own.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The most memory this process has held so far (its peak resident set),
/// in bytes, where the system says (Linux). Under `CXGAP_TRACE` the peak
/// restarts at every phase.
pub fn peak_memory() -> Option<u64> {
    status_bytes("VmHWM")
}

/// The memory this process holds now (its resident set, mapped files'
/// pages included), in bytes, where the system says (Linux).
pub fn resident_memory() -> Option<u64> {
    status_bytes("VmRSS")
}

/// A size line of /proc/self/status (in kB there), in bytes.
fn status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// The machine's physical memory in bytes, when the system says.
pub fn physical_memory() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads system constants.
        let (pages, page_size) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        if pages > 0 && page_size > 0 {
            return Some(pages as u64 * page_size as u64);
        }
    }
    None
}
