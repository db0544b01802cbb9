//! The ways to build journeys from inputs: a whole run in one go, or in
//! customer partitions when it would not fit its memory budget (the event
//! log then waits on disk, routed to its parts), keeping the events for
//! timelines or not; or one partition alone for a dataset part.

use polars::prelude::DataFrame;

use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::settle::load::Inputs;
use crate::input::settle::spool::{Spool, Spooler};
use crate::journey::event_store::{EventStore, Kept};
use crate::journey::{Journeys, as_of, as_of_from, build_part, merge, partition};

/// Build the journeys, consuming the inputs: in one go, or one customer
/// partition at a time when the run would not fit its memory budget
/// (`partition::count`). The figures are the same either way.
pub fn build(inputs: Inputs, cfg: &RunConfig) -> Result<Journeys> {
    Ok(build_keeping(inputs, cfg, None)?.0)
}

/// `build`, also keeping the events for looking up timelines afterwards
/// (`EventStore`): the report's example journeys and `cxgap case`.
pub fn build_keeping_events(
    inputs: Inputs,
    cfg: &RunConfig,
    which: Kept,
) -> Result<(Journeys, EventStore)> {
    let (journeys, events) = build_keeping(inputs, cfg, Some(which))?;
    let events = match events {
        Some(e) => e,
        None => EventStore::rows(&DataFrame::empty(), which)?,
    };
    Ok((journeys, events))
}

/// Part `k` of `n` alone (`cxgap journeys --part K/N`): the rows are
/// routed to their customer's part as in a partitioned run, under the run's
/// as_of and input summary, and only part `k` is built. The `n` parts,
/// merged, are the run's journeys.
pub fn build_one_part(
    inputs: Inputs,
    cfg: &RunConfig,
    k: u32,
    n: u32,
) -> Result<(Journeys, EventStore)> {
    let (built, events) = build_parts(inputs, cfg, n, &[k])?;
    let mut journeys = merge::merge(built)?;
    journeys.partitions = n;
    Ok((journeys, events))
}

fn build_keeping(
    inputs: Inputs,
    cfg: &RunConfig,
    keep_events: Option<Kept>,
) -> Result<(Journeys, Option<EventStore>)> {
    let parts = partition::count(&inputs, &cfg.scale);
    if parts > 1 || inputs.events_spool().is_some() {
        let all: Vec<u32> = (0..parts).collect();
        let (built, events) = build_parts(inputs, cfg, parts, &all)?;
        return Ok((merge::merge(built)?, keep_events.map(|_| events)));
    }
    let (as_of, as_of_source) = as_of(&inputs, cfg)?;
    let summary = inputs.summary()?;
    let mut events = keep_events
        .map(|which| EventStore::rows(inputs.events.frame(), which))
        .transpose()?;
    // Held through the build, the events could push a run near its
    // budget over it: then they wait on disk.
    if let Some(store) = events.take() {
        events = Some(
            if partition::fits_beside_build(&inputs, &cfg.scale, store.bytes()) {
                store
            } else {
                let spilled = store.spill(inputs.scratch_handle())?;
                crate::engine::phase("events kept on disk");
                spilled
            },
        );
    }
    let journeys = build_part(inputs, cfg, as_of, as_of_source, summary)?;
    Ok((journeys, events))
}

/// The journeys of parts `ks` of `parts`, one part at a time: the event log
/// (spooled to disk while it was read, or now) is routed to its parts on
/// disk, and each part's rows are read back only to build it. Also the
/// events of those parts, on disk, for timelines.
fn build_parts(
    inputs: Inputs,
    cfg: &RunConfig,
    parts: u32,
    ks: &[u32],
) -> Result<(Vec<Journeys>, EventStore)> {
    let summary = inputs.summary()?;
    let (inputs, spool) = spooled(inputs)?;
    let scratch = inputs.scratch().to_path_buf();
    let mut routed = partition::route(&spool, parts, &scratch)?;
    let inputs = routed.spill_sides(inputs, &scratch)?;
    crate::engine::phase("journeys: routed to parts");
    let (as_of, as_of_source) = as_of_from(routed.latest, cfg);
    let scratch_handle = inputs.scratch_handle();
    let mut built = Vec::with_capacity(ks.len());
    for &k in ks {
        let part = routed.part(&inputs, k)?;
        let mut journeys = build_part(part, cfg, as_of, as_of_source.clone(), summary.clone())?;
        // Only the case rows stay in memory while the next part is built.
        journeys.spill_sides(k, &scratch_handle)?;
        built.push(journeys);
        crate::engine::phase("journeys: part built");
    }
    let (files, schema) = routed.files_of(ks);
    let events = EventStore::Files {
        files,
        schema: Some(schema),
        _scratch: Some(scratch_handle),
    };
    Ok((built, events))
}

/// The inputs with the event log on disk, in buckets by case: as read, or
/// written there now (a run asked for parts but read under its budget).
fn spooled(inputs: Inputs) -> Result<(Inputs, Spool)> {
    if let Some(spool) = inputs.events_spool() {
        let spool = spool.clone();
        return Ok((inputs, spool));
    }
    let rows = inputs.events.frame().drop(crate::journey::timeline::CASE)?;
    let spool = Spooler::spool_all(rows, inputs.scratch())?;
    Ok((inputs.with_events_spooled(spool.clone()), spool))
}
