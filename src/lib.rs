//! cxgap: surveys joined to the journeys that produced them.
//!
//! The pipeline, one folder per stage: `input` reads and validates the three
//! inputs, `journey` builds one row per case, `metrics` computes the report
//! tables, `render` writes them, and each of `commands` wires those together.

pub mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod input;
pub mod journey;
pub mod metrics;
pub mod render;
pub mod report;
pub mod sample;

pub use commands::Outcome;
pub use error::{Error, Result};

pub fn run(cli: cli::Cli) -> Result<Outcome> {
    let term = render::term::Term::new(cli.global.color, cli.global.quiet);
    commands::run(cli.command, &term)
}
