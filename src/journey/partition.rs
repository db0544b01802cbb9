//! Customer partitions (SPEC 7). Every journey rule stays within one
//! customer: recontact looks at the customer's other cases, count rows and
//! surveys keyed by customer join one of the customer's cases. So the
//! inputs can be split by customer, each part's journeys built alone, and
//! the parts put together give exactly the journeys of one run over all.
//!
//! A case's key is its customer (the first customer_id on its timeline,
//! SPEC 2.1), or the case itself when it has none. A row keyed by case goes
//! with its case; a row keyed only by customer (or naming an unknown case)
//! goes with that customer; a row with neither goes to part 0.
//!
//! The part of a key is a seeded XXH3 hash of its text, modulo the number
//! of parts: the same in every process and on every machine, so a part
//! can be rebuilt, or built elsewhere, and land on the same rows.
//!
//! The event log is routed from the buckets the reader spooled it to
//! (`input::settle::spool`; every case's rows in one bucket): one bucket at a time
//! is read, put in timeline order, its cases' keys found, and its rows
//! written to one file per part. No step holds more than a bucket or a
//! part of the log.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::Result;
use crate::input::config::Scale;
use crate::input::rows::events::{ORDER, number_cases};
use crate::input::settle::load::{Inputs, Loaded, in_timeline_order};
use crate::input::settle::spool::{self, BUILD_FACTOR, CASES_SHARE, Spool, write_scratch};
use crate::journey::timeline::{self, CASE};

/// Most parts a memory budget may ask for: past this, a part's overhead
/// outweighs its data.
const MAX_PARTS: u32 = 256;

/// How many customer partitions to build the journeys in: `--partitions`,
/// else the fewest whose build stays under `--memory-limit` (default: three
/// quarters of the machine's memory).
///
/// Part k is built beside the case rows of the parts before it, so with
/// rows of R bytes in n parts the last build peaks near
/// R/n × BUILD_FACTOR + R × (n-1)/n × CASES_SHARE; the fewest n that keeps
/// that under the budget L is R × (BUILD_FACTOR - CASES_SHARE) / (L -
/// R × CASES_SHARE). None does once the case rows alone pass L: then as
/// many parts as allowed, and the run warns that it went over.
pub fn count(inputs: &Inputs, scale: &Scale) -> u32 {
    if let Some(n) = scale.partitions {
        return n;
    }
    let Some(limit) = spool::budget(scale) else {
        return 1;
    };
    let held = inputs.rows_bytes() as f64;
    crate::engine::phase(&format!(
        "inputs held: {held} bytes ({:.0} MiB)",
        held / 1048576.0
    ));
    let room = limit as f64 - held * CASES_SHARE;
    if room <= 0.0 {
        return MAX_PARTS;
    }
    ((held * (BUILD_FACTOR - CASES_SHARE) / room).ceil() as u32).clamp(1, MAX_PARTS)
}

/// Whether `extra` bytes held through a one-go build still fit the budget.
pub fn fits_beside_build(inputs: &Inputs, scale: &Scale, extra: usize) -> bool {
    spool::budget(scale).is_none_or(|limit| {
        inputs.rows_bytes() as f64 * BUILD_FACTOR + extra as f64 <= limit as f64
    })
}

/// Each case's partition key (its customer, else the case itself) and its
/// latest event time and line, in case order, from numbered events in
/// timeline order: what a cluster needs to route rows as a partitioned run
/// does (`cxgap journeys --format keys`).
pub fn case_keys(events: LazyFrame) -> LazyFrame {
    events
        .group_by([col(CASE)])
        .agg([
            col("case_id").first(),
            timeline::customer(),
            col("ts")
                .max()
                .dt()
                .timestamp(TimeUnit::Milliseconds)
                .alias("last_event_ms"),
            // The first row at that time, as `as_of` names it.
            col("line")
                .get(col("ts").arg_max(), false)
                .alias("last_event_line"),
        ])
        .sort([CASE], SortMultipleOptions::default())
        .select([
            col(CASE),
            col("case_id").cast(DataType::String),
            coalesce(&[col("customer_id"), col("case_id")])
                .cast(DataType::String)
                .alias("key"),
            col("last_event_ms"),
            col("last_event_line"),
        ])
}

/// A run's event log on disk, routed to customer parts.
pub struct Routed {
    parts: u32,
    /// Each part's files: its rows of each bucket, whole cases in timeline
    /// order.
    files: Vec<Vec<PathBuf>>,
    schema: SchemaRef,
    /// Each case's id (text) and part, for routing the side inputs.
    by_case_id: DataFrame,
    /// The latest event's time (ms since the epoch) and line, as `as_of`
    /// would find it in the whole log; `None` without events.
    pub latest: Option<(i64, i64)>,
    /// Each side input's name, one file per part, and its columns' types.
    side_files: Vec<(&'static str, Vec<PathBuf>, SchemaRef)>,
}

/// Route the spooled event log to `parts` customer parts, bucket by bucket
/// (each bucket file is removed once routed).
pub fn route(spool: &Spool, parts: u32, scratch: &Path) -> Result<Routed> {
    let mut files = vec![Vec::new(); parts as usize];
    let mut keys = Vec::with_capacity(spool.files.len());
    for (b, bucket) in spool.files.iter().enumerate() {
        let rows = spool::read_back(bucket, &spool.schema)?;
        let rows = number_cases(&in_timeline_order(rows, ORDER)?)?;
        let cases = case_keys(rows.clone().lazy()).collect()?;
        let mut case_parts = spool::buckets_of(cases.column("key")?, parts)?;
        case_parts.rename("part".into());
        let case_index: IdxCa = (rows.column(CASE)?.u32()? - 1u32)
            .cast(&IDX_DTYPE)?
            .idx()?
            .clone();
        let row_parts = case_parts.take(&case_index)?;
        let rows = rows.drop(CASE)?;
        for (k, part_files) in files.iter_mut().enumerate() {
            let mut piece = rows.filter(&row_parts.equal(k as u32))?;
            if piece.height() == 0 {
                continue;
            }
            let path = scratch.join(format!("events-{b:02}-part-{k}.parquet"));
            write_scratch(&path, &mut piece)?;
            part_files.push(path);
        }
        keys.push(DataFrame::new(
            cases.height(),
            vec![
                cases.column("case_id")?.clone(),
                case_parts.into_series().into(),
                cases.column("last_event_ms")?.clone(),
                cases.column("last_event_line")?.clone(),
            ],
        )?);
        drop(rows);
        // Routed: the bucket's disk space is needed for the parts.
        let _ = std::fs::remove_file(bucket);
    }
    let keys = concat(
        keys.into_iter().map(IntoLazy::lazy).collect::<Vec<_>>(),
        UnionArgs::default(),
    )?
    .collect()?;
    // The whole log's latest event: the first at the latest time in
    // timeline order, so the lowest case_id among those at that time.
    let latest = keys
        .clone()
        .lazy()
        .filter(col("last_event_ms").eq(col("last_event_ms").max()))
        .sort(["case_id"], SortMultipleOptions::default())
        .select([col("last_event_ms").first(), col("last_event_line").first()])
        .collect()?;
    let ms = latest.column("last_event_ms")?.i64()?.get(0);
    let line = latest
        .column("last_event_line")?
        .cast(&DataType::Int64)?
        .i64()?
        .get(0);
    Ok(Routed {
        parts,
        files,
        schema: spool.schema.clone(),
        by_case_id: keys.select(["case_id", "part"])?,
        latest: ms.map(|ms| (ms, line.unwrap_or(0))),
        side_files: Vec::new(),
    })
}

impl Routed {
    /// The side inputs' rows (surveys, contacts, case table) written to one
    /// file per part, and the inputs without them: each part reads back
    /// only its own, and no part's build holds the others'. A row goes with
    /// its case's part when it names a known case, else its customer's,
    /// else part 0.
    pub fn spill_sides(&mut self, inputs: Inputs, scratch: &Path) -> Result<Inputs> {
        for side in [&inputs.surveys, &inputs.contacts, &inputs.cases]
            .into_iter()
            .flatten()
        {
            let name = side.stats.input.name();
            let parts = side_rows(side, &self.by_case_id, self.parts)?;
            let rows = side.frame();
            let mut files = Vec::with_capacity(self.parts as usize);
            for k in 0..self.parts {
                let mut piece = rows.filter(&parts.equal(k))?;
                let path = scratch.join(format!("{name}-part-{k}.parquet"));
                write_scratch(&path, &mut piece)?;
                files.push(path);
            }
            self.side_files.push((name, files, rows.schema().clone()));
        }
        Ok(inputs.with_rows(|loaded| Ok(loaded.frame().clear()))?)
    }

    /// The inputs of part `k`: its cases' events, read back and numbered,
    /// and its side rows, read back.
    pub fn part(&self, inputs: &Inputs, k: u32) -> Result<Inputs> {
        let k = k as usize;
        let mut events = DataFrame::empty_with_schema(&self.schema);
        for f in &self.files[k] {
            events.vstack_mut_owned(spool::read_back(f, &self.schema)?)?;
        }
        let events = number_cases(&in_timeline_order(events, ORDER)?)?;
        let mut sides = Vec::with_capacity(self.side_files.len());
        for (name, files, schema) in &self.side_files {
            sides.push((*name, spool::read_back(&files[k], schema)?));
        }
        let events_input = inputs.events.stats.input;
        Ok(inputs.with_rows(|loaded| {
            if loaded.stats.input == events_input {
                return Ok(events.clone());
            }
            let name = loaded.stats.input.name();
            Ok(sides
                .iter()
                .find(|(n, _)| *n == name)
                .map_or_else(|| loaded.frame().clone(), |(_, rows)| rows.clone()))
        })?)
    }

    /// The files holding the events of the parts `ks`, and the events'
    /// columns and types.
    pub fn files_of(&self, ks: &[u32]) -> (Vec<PathBuf>, SchemaRef) {
        let files = ks
            .iter()
            .flat_map(|k| self.files[*k as usize].iter().cloned())
            .collect();
        (files, self.schema.clone())
    }
}

/// The part of each row of a side input: its case's when it names a known
/// case, else its customer's, else 0.
fn side_rows(side: &Loaded, by_case_id: &DataFrame, parts: u32) -> PolarsResult<UInt32Chunked> {
    let rows = side.rows();
    let has_customer = rows.clone().collect_schema()?.contains("customer_id");
    let mut keys = vec![col("case_id")];
    if has_customer {
        keys.push(col("customer_id"));
    }
    let joined = rows
        .select(keys)
        .join(
            by_case_id.clone().lazy(),
            [col("case_id")],
            [col("case_id")],
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Left)
            },
        )
        .collect()?;
    let by_case = joined.column("part")?.u32()?.clone();
    let routed = if has_customer {
        let by_customer = spool::buckets_of(joined.column("customer_id")?, parts)?;
        by_case.zip_with(&by_case.is_not_null(), &by_customer)?
    } else {
        by_case
    };
    routed.fill_null_with_values(0)
}
