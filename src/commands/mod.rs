//! One module per subcommand. Each `run` wires stages together and holds no
//! metric logic of its own.

pub mod case;
pub mod init;
pub mod journeys;
pub mod metrics;
pub mod sql;
pub mod validate;

use crate::Outcome;
use crate::cli::{Command, InputArgs};
use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::load::{self, Inputs};
use crate::journey::{self, Journeys};
use crate::term::Term;

pub fn run(command: Command, term: &Term) -> Result<Outcome> {
    match command {
        Command::Validate(args) => validate::run(&args, term),
        Command::Init(args) => init::run(&args, term),
        Command::Case(args) => case::run(&args, term),
        Command::Journeys(args) => journeys::run(&args, term),
        Command::Metrics(args) => metrics::run(&args, term),
        Command::Sql(args) => sql::run(&args, term),
    }
}

/// The stages every analysis command starts with: resolve the config, read
/// and validate the inputs, build the journeys.
pub struct Prepared {
    pub cfg: RunConfig,
    pub inputs: Inputs,
    pub journeys: Journeys,
}

pub fn prepare(args: &InputArgs) -> Result<Prepared> {
    let cfg = RunConfig::resolve(args)?;
    let inputs = load::load(&cfg)?;
    let journeys = journey::build(&inputs, &cfg)?;
    Ok(Prepared {
        cfg,
        inputs,
        journeys,
    })
}
