//! Thin entry point: parse, run, render an error once, exit with its code.

use std::process::ExitCode;

use clap::Parser;

// Polars allocates and frees large buffers all the time; with glibc's
// malloc each one is a fresh mmap whose pages the kernel must fault in and
// zero (a third of a 1M-case report's time went there). jemalloc keeps and
// reuses them. See BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = cxgap::cli::Cli::parse();
    match cxgap::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            cxgap::term::print_error(&err);
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
