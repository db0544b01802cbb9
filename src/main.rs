//! Thin entry point: parse, run, render an error once, exit with its code.

use std::process::ExitCode;

use clap::Parser;

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
