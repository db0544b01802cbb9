//! The ways to build journeys from inputs: a whole run in one go or in
//! customer partitions (chosen by the memory budget), keeping the events
//! for timelines or not, or one partition alone for a dataset part.

use polars::prelude::DataFrame;

use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::load::Inputs;
use crate::journey::event_store::EventStore;
use crate::journey::{Journeys, as_of, build_part, merge, partition};

/// Build the journeys, consuming the inputs: in one go, or one customer
/// partition at a time when the run would not fit its memory budget
/// (`partition::count`). The figures are the same either way.
pub fn build(inputs: Inputs, cfg: &RunConfig) -> Result<Journeys> {
    Ok(build_keeping(inputs, cfg, false)?.0)
}

/// `build`, also keeping the events for looking up timelines afterwards
/// (`EventStore`): the report's example journeys and `cxgap case`.
pub fn build_keeping_events(inputs: Inputs, cfg: &RunConfig) -> Result<(Journeys, EventStore)> {
    let (journeys, events) = build_keeping(inputs, cfg, true)?;
    let events = match events {
        Some(e) => e,
        None => EventStore::rows(&DataFrame::empty())?,
    };
    Ok((journeys, events))
}

/// Part `k` of `n` alone (`cxgap journeys --partition K/N`): the rows are
/// routed to their customer's part as in a partitioned run, under the run's
/// as_of and input summary, and only part `k` is built. The `n` parts,
/// merged, are the run's journeys.
pub fn build_one_part(
    inputs: Inputs,
    cfg: &RunConfig,
    k: u32,
    n: u32,
) -> Result<(Journeys, EventStore)> {
    let (as_of, as_of_source) = as_of(&inputs, cfg)?;
    let summary = inputs.summary()?;
    let part = partition::Routing::new(&inputs, n)?.only(&inputs, k)?;
    drop(inputs);
    let events = EventStore::rows(part.events.frame())?;
    let mut journeys = build_part(part, cfg, as_of, as_of_source, summary)?;
    journeys.partitions = n;
    Ok((journeys, events))
}

fn build_keeping(
    inputs: Inputs,
    cfg: &RunConfig,
    keep_events: bool,
) -> Result<(Journeys, Option<EventStore>)> {
    let (as_of, as_of_source) = as_of(&inputs, cfg)?;
    let summary = inputs.summary()?;
    let parts = partition::count(&inputs, &cfg.scale);
    if parts == 1 {
        let mut events = keep_events
            .then(|| EventStore::rows(inputs.events.frame()))
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
        return Ok((journeys, events));
    }
    let routing = partition::Routing::new(&inputs, parts)?;
    let spilled = routing.spill(inputs)?;
    crate::engine::phase("journeys: routed and spilled");
    let mut built = Vec::with_capacity(parts as usize);
    for k in 0..parts {
        let part = routing.part(&spilled, k)?;
        built.push(build_part(
            part,
            cfg,
            as_of,
            as_of_source.clone(),
            summary.clone(),
        )?);
        crate::engine::phase("journeys: part built");
    }
    let events = keep_events.then(|| spilled.into_event_store());
    Ok((merge::merge(built)?, events))
}
