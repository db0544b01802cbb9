//! Thin entry point: parse, run, render an error once, exit with its code.

use std::process::ExitCode;

use clap::Parser;

// Polars allocates and frees large, short-lived buffers all the time: the
// allocator it is tuned for (and ships with in Python) is jemalloc. See
// BENCHMARKS.md.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

// jemalloc's default keeps freed pages for 10 s, long enough for a report's
// stages to pile them up: peak RSS at 1M cases was 5.0 GiB with it, 2.7 GiB
// with 300 ms, at the same speed (a background thread returns them).
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: &[u8] = b"dirty_decay_ms:300,muzzy_decay_ms:0,background_thread:true\0";

fn main() -> ExitCode {
    let cli = cxgap::cli::Cli::parse();
    match cxgap::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            cxgap::render::term::print_error(&err);
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
