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

pub use error::{Error, Result};

/// How a successful run ended. A breached `--fail-if` threshold is a
/// successful run with exit code 3, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    ThresholdBreached,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::ThresholdBreached => 3,
        }
    }
}

pub fn run(cli: cli::Cli) -> Result<Outcome> {
    let term = render::term::Term::new(cli.global.color, cli.global.quiet);
    commands::run(cli.command, &term)
}
