//! One module per subcommand. Each `run` wires stages together and holds no
//! metric logic of its own.

pub mod callbacks;
pub mod case;
pub mod init;
pub mod journeys;
pub mod metrics;
pub mod report;
pub mod sample;
pub mod sql;
pub mod validate;

use std::path::Path;

use crate::cli::{Command, InputArgs};
use crate::error::Error;
use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::settle::gate;
use crate::input::settle::load::{self, EventRows, Inputs};
use crate::journey::event_store::{EventStore, Kept};
use crate::journey::{self, Journeys, dataset};
use crate::metrics::fail_if::{self, Threshold, Verdict};
use crate::metrics::overview::Figure;
use crate::metrics::warnings::{self, Warning};
use crate::render::term::Term;

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

pub fn run(command: Command, term: &Term) -> Result<Outcome> {
    crate::engine::phase("start");
    match command {
        Command::Validate(args) => validate::run(&args, term),
        Command::Init(args) => init::run(&args, term),
        Command::Case(args) => case::run(&args, term),
        Command::Callbacks(args) => callbacks::run(&args, term),
        Command::Journeys(args) => journeys::run(&args, term),
        Command::Metrics(args) => metrics::run(&args, term),
        Command::Report(args) => report::run(&args, term),
        Command::Sample(args) => sample::run(&args, term),
        Command::Sql(args) => sql::run(&args, term),
    }
}

/// The stages every analysis command starts with: resolve the config, read
/// and validate the inputs, build the journeys.
pub struct Prepared {
    pub cfg: RunConfig,
    pub journeys: Journeys,
}

pub fn prepare(args: &InputArgs, term: &Term) -> Result<Prepared> {
    prepare_from(config(args)?, term)
}

/// `prepare`, keeping the events (the columns `which` names) for a command
/// that shows them: under `--memory-limit` they are read to disk and built
/// one customer partition at a time, as a report's are, and stay there.
pub fn prepare_keeping_events(
    args: &InputArgs,
    which: Kept,
    term: &Term,
) -> Result<(Prepared, EventStore)> {
    let cfg = config(args)?;
    let inputs = read_inputs(&cfg, EventRows::MaySpool)?;
    let (journeys, events) = journey::build_keeping_events(inputs, &cfg, which)?;
    let prepared = settled(cfg, journeys, term)?;
    Ok((prepared, events))
}

/// The run's config from the flags and cxgap.toml: cheap, so a command can
/// check its output target before any input is read.
pub fn config(args: &InputArgs) -> Result<RunConfig> {
    RunConfig::resolve(&args.overrides())
}

/// The config of a run from a journeys dataset (`--journeys`), when given:
/// only its settings count, the inputs it names need not exist.
pub fn config_for(args: &InputArgs, journeys: Option<&Path>) -> Result<RunConfig> {
    let mut overrides = args.overrides();
    overrides.inputs_optional = journeys.is_some();
    RunConfig::resolve(&overrides)
}

/// The journeys of a dataset and their events, checked against the run's
/// config and judged by the quality gate as read inputs are (exit 4).
pub fn read_dataset(cfg: &RunConfig, path: &Path) -> Result<(Journeys, EventStore)> {
    let (journeys, events) = dataset::read(path, cfg)?;
    if let Some(t) = cfg.as_of
        && t != journeys.as_of
    {
        return Err(Error::usage(
            format!(
                "the journeys at {} are as of {}, not {}",
                path.display(),
                journeys.as_of.format("%Y-%m-%dT%H:%M:%SZ"),
                t.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Some("drop --as-of, or build the journeys again with it".into()),
        ));
    }
    gate::check(&journeys.inputs, cfg)?;
    Ok((journeys, events))
}

/// `prepare`, or with `--journeys` the dataset's journeys.
pub fn prepare_or_read(args: &InputArgs, journeys: Option<&Path>, term: &Term) -> Result<Prepared> {
    let Some(path) = journeys else {
        return prepare(args, term);
    };
    let cfg = config_for(args, Some(path))?;
    let (journeys, _) = read_dataset(&cfg, path)?;
    warn_all(&warnings::warnings(&cfg, &journeys)?, term);
    Ok(Prepared { cfg, journeys })
}

/// Read the inputs, judge their quality (exit 4 on a breach), build the
/// journeys, and say on stderr what would make its figures wrong.
pub fn prepare_from(cfg: RunConfig, term: &Term) -> Result<Prepared> {
    let inputs = read_inputs(&cfg, EventRows::MaySpool)?;
    prepared(cfg, inputs, term)
}

fn prepared(cfg: RunConfig, inputs: Inputs, term: &Term) -> Result<Prepared> {
    let journeys = journey::build(inputs, &cfg)?;
    settled(cfg, journeys, term)
}

/// Built journeys, with what the run should say on stderr about them.
fn settled(cfg: RunConfig, journeys: Journeys, term: &Term) -> Result<Prepared> {
    warn_if_over_budget(&cfg, term);
    if journeys.partitions > 1 {
        term.note(&format!(
            "built the journeys in {} customer partitions (--memory-limit, --partitions)",
            journeys.partitions
        ));
    }
    warn_all(&warnings::warnings(&cfg, &journeys)?, term);
    Ok(Prepared { cfg, journeys })
}

/// Say so when a run went over the `--memory-limit` it was given: the
/// event log goes to disk as it is read and the journeys are built one
/// customer partition at a time, but the side inputs and the finished
/// journeys are held whole, so a limit below those cannot be kept.
pub fn warn_if_over_budget(cfg: &RunConfig, term: &Term) {
    let (Some(limit), Some(peak)) = (cfg.scale.memory_limit, crate::engine::peak_memory()) else {
        return;
    };
    if peak > limit {
        let size = |b: u64| bytesize::ByteSize::b(b).display().iec().to_string();
        term.warn(&format!(
            "this run peaked at {}, over --memory-limit {}: the event log was read to disk and built one customer partition at a time, but the surveys and contact rows are read whole and the journeys' case rows are held to the end; give the run more memory, or build the journeys on Spark (docs/spark.md)",
            size(peak),
            size(limit)
        ));
    }
}

/// Read and validate the inputs and judge their quality: exit 4 on a
/// breach, before any journey is built.
pub fn read_inputs(cfg: &RunConfig, rows: EventRows) -> Result<Inputs> {
    let inputs = load::load(cfg, rows)?;
    gate::check(&inputs.summary()?, cfg)?;
    Ok(inputs)
}

/// One line per warning on stderr, with its fix.
pub fn warn_all(warnings: &[Warning], term: &Term) {
    for w in warnings {
        term.warn(&format!("{}; {}", w.message, w.fix));
    }
}

/// How long a writer waits for another run writing the same output.
pub fn lock_wait(seconds: u64) -> std::time::Duration {
    std::time::Duration::from_secs(seconds)
}

/// Judge `--fail-if` thresholds before any output, so a bad name is a usage
/// error and nothing is half done.
/// `--fail-if` checked before any input is read (`fail_if::check`).
pub fn check_thresholds(thresholds: &[Threshold]) -> Result<()> {
    fail_if::check(thresholds).map_err(|m| Error::usage(m, None))
}

pub fn judge_thresholds(
    thresholds: &[Threshold],
    figures: &[Figure],
    periods: Option<&crate::metrics::change::Change>,
) -> Result<Vec<Verdict>> {
    fail_if::judge_all(thresholds, figures, periods).map_err(|m| Error::usage(m, None))
}

/// Report the verdicts on stderr; any breach makes the run exit 3.
pub fn announce(verdicts: &[Verdict], term: &Term) -> Outcome {
    let mut breached = false;
    for v in verdicts {
        match v {
            Verdict::Breached(msg) => {
                breached = true;
                term.error_line(msg);
            }
            Verdict::Unknown(msg) => term.warn(msg),
            Verdict::Ok => {}
        }
    }
    if breached {
        Outcome::ThresholdBreached
    } else {
        Outcome::Done
    }
}
