//! `cxgap journeys`: the journeys table to a Parquet or CSV file (or
//! stdout), or a journeys dataset folder (all of a run, or one customer
//! partition of it) for `report --journeys` and `metrics --journeys`.

use crate::cli::{FrameFormat, JourneysArgs, JourneysFormat};
use crate::commands::Outcome;
use crate::error::{Error, Result};
use polars::prelude::*;

use crate::input::config::RunConfig;
use crate::input::settle::load::{self, EventRows};
use crate::journey::event_store::Kept;
use crate::journey::{self, dataset, partition};
use crate::render::files::{write_frame, write_output};
use crate::render::folder::Staging;
use crate::render::target::{self, FileKind, FolderKind};
use crate::render::term::Term;

pub fn run(args: &JourneysArgs, term: &Term) -> Result<Outcome> {
    let to_stdout = args.out.as_os_str() == "-";
    let format = args.format.unwrap_or_else(|| {
        let csv = args
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv || to_stdout {
            JourneysFormat::Csv
        } else {
            JourneysFormat::Parquet
        }
    });
    let frame_format = match format {
        JourneysFormat::Dataset => return write_dataset(args, term),
        JourneysFormat::Keys => return write_keys(args, term),
        _ if args.partition.is_some() => {
            return Err(Error::usage(
                "`--partition` builds one part of a dataset",
                Some("add `--format dataset`".into()),
            ));
        }
        JourneysFormat::Csv => FrameFormat::Csv,
        JourneysFormat::Parquet => FrameFormat::Parquet,
    };
    if to_stdout && frame_format == FrameFormat::Parquet {
        return Err(Error::usage(
            "Parquet cannot be written to standard output",
            Some("use `--format csv` with `--out -`, or name a .parquet file".into()),
        ));
    }
    let cfg = super::config(&args.input)?;
    let inputs = cfg.input_paths();
    if !to_stdout {
        // Refuse a target that is not ours before the work, and again
        // (under the lock) before writing.
        target::check_file(&args.out, FileKind::Journeys, &inputs, args.force)?;
    }
    let mut prepared = super::prepare_from(cfg, term)?;
    let df = &mut prepared.journeys.cases;
    if to_stdout {
        term.out_with(|w| write_frame(df, frame_format, w))?;
    } else {
        write_output(
            &args.out,
            FileKind::Journeys,
            &inputs,
            args.force,
            super::lock_wait(args.lock_wait),
            |w| Ok(write_frame(df, frame_format, w)?),
        )?;
        term.note(&format!(
            "wrote {} cases to {}",
            df.height(),
            args.out.display()
        ));
    }
    Ok(Outcome::Done)
}

/// A dataset folder: `--out` itself for a whole run, or its subfolder
/// `part-K-of-N` for one partition, so the parts of one build share a
/// folder that `--journeys` reads whole.
fn write_dataset(args: &JourneysArgs, term: &Term) -> Result<Outcome> {
    if args.out.as_os_str() == "-" {
        return Err(Error::usage(
            "a dataset is a folder and cannot go to standard output",
            Some("name a folder with `--out`".into()),
        ));
    }
    let (k, n) = args.partition.unwrap_or((0, 1));
    let folder = if args.partition.is_some() {
        args.out.join(format!("part-{k:05}-of-{n:05}"))
    } else {
        args.out.clone()
    };
    let mut cfg = super::config(&args.input)?;
    if let Some(text) = &args.run_latest_event {
        let t = crate::input::config::instant_arg(text, cfg.timezone, "--run-latest-event")?;
        cfg.run_latest_event = Some(t);
    }
    target::check_folder(&folder, FolderKind::Dataset, &cfg.input_paths())?;
    let (journeys, events) = if args.routed {
        // One part of many: its share of rejects is judged with the
        // others' when the report adds them up.
        let inputs = load::load(&cfg, EventRows::MaySpool)?;
        journey::build_keeping_events(inputs, &cfg, Kept::Timeline)?
    } else {
        let inputs = super::read_inputs(&cfg, EventRows::MaySpool)?;
        match args.partition {
            Some((k, n)) => journey::build_one_part(inputs, &cfg, k, n)?,
            None => journey::build_keeping_events(inputs, &cfg, Kept::Timeline)?,
        }
    };
    let mut out = Staging::new(
        &folder,
        FolderKind::Dataset,
        &cfg.input_paths(),
        super::lock_wait(args.lock_wait),
    )?;
    let written = dataset::write(out.dir(), &cfg, &journeys, &events, (k, n), args.routed)?;
    out.files.extend(written);
    out.commit()?;
    term.note(&format!(
        "wrote part {k} of {n}: {} cases to {}",
        journeys.cases.height(),
        folder.display()
    ));
    Ok(Outcome::Done)
}

/// Each case's partition key and latest event time as CSV: what a cluster
/// needs to route rows to their customer's part and to agree on as_of.
fn write_keys(args: &JourneysArgs, term: &Term) -> Result<Outcome> {
    // Only the events decide keys: the side inputs the config names need
    // not be on this machine.
    let mut overrides = args.input.overrides();
    overrides.inputs_optional = true;
    let mut cfg = RunConfig::resolve(&overrides)?;
    (cfg.surveys, cfg.contacts, cfg.cases) = (None, None, None);
    let inputs = load::load(&cfg, EventRows::InMemory)?;
    let mut keys = partition::case_keys(inputs.events.rows())
        .select([
            col("case_id"),
            col("key"),
            col("last_event_ms"),
            col("last_event_line"),
        ])
        .collect()?;
    if args.out.as_os_str() == "-" {
        let mut buf = Vec::new();
        write_frame(&mut keys, FrameFormat::Csv, &mut buf)?;
        term.out(&buf)?;
    } else {
        let paths = cfg.input_paths();
        write_output(
            &args.out,
            FileKind::Journeys,
            &paths,
            args.force,
            super::lock_wait(args.lock_wait),
            |w| Ok(write_frame(&mut keys, FrameFormat::Csv, w)?),
        )?;
    }
    Ok(Outcome::Done)
}
