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

use polars::prelude::*;

use crate::input::config::Scale;
use crate::input::load::{Inputs, Loaded};
use crate::journey::timeline::{self, CASE};

const SEED: u64 = 42;

/// The part of a key among `parts`.
pub fn part_of(key: &str, parts: u32) -> u32 {
    let hash = xxhash_rust::xxh3::xxh3_64_with_seed(key.as_bytes(), SEED) as i64;
    hash.rem_euclid(i64::from(parts)) as u32
}

/// Peak memory of building one set of journeys in one go, as a multiple
/// of its used rows' size in memory (`Inputs::rows_bytes`): the rows
/// themselves, the engine's overhead on them and the build's working set.
/// Measured 2.7 at 1M and at 10M cases (BENCHMARKS.md).
const BUILD_FACTOR: f64 = 2.7;

/// Most parts a memory budget may ask for: past this, a part's overhead
/// outweighs its data.
const MAX_PARTS: u32 = 256;

/// How many customer partitions to build the journeys in: `--partitions`,
/// else the fewest whose build stays under `--memory-limit` (default: three
/// quarters of the machine's memory). The event log is spilled to disk
/// before the parts are built; a part's peak is then about its share of the
/// one-go peak at 1M cases, but more at 10M (BENCHMARKS.md).
pub fn count(inputs: &Inputs, scale: &Scale) -> u32 {
    if let Some(n) = scale.partitions {
        return n;
    }
    let Some(limit) = budget(scale) else {
        return 1;
    };
    let held = inputs.rows_bytes() as f64;
    crate::engine::phase(&format!(
        "inputs held: {held} bytes ({:.0} MiB)",
        held / 1048576.0
    ));
    ((held * BUILD_FACTOR / limit as f64).ceil() as u32).clamp(1, MAX_PARTS)
}

/// The run's memory budget in bytes: `--memory-limit`, else three quarters
/// of the machine's memory; `None` when neither is known.
pub fn budget(scale: &Scale) -> Option<u64> {
    scale
        .memory_limit
        .or_else(|| crate::engine::physical_memory().map(|m| m / 4 * 3))
}

/// Whether `extra` bytes held through a one-go build still fit the budget.
pub fn fits_beside_build(inputs: &Inputs, scale: &Scale, extra: usize) -> bool {
    budget(scale).is_none_or(|limit| {
        inputs.rows_bytes() as f64 * BUILD_FACTOR + extra as f64 <= limit as f64
    })
}

/// The part of each key of a text column; null where the key is.
fn parts_of(keys: &Column, parts: u32) -> PolarsResult<UInt32Chunked> {
    let keys = keys.cast(&DataType::String)?;
    Ok(keys
        .str()?
        .apply_nonnull_values_generic(DataType::UInt32, |k| part_of(k, parts)))
}

/// Where every used row of a run's inputs goes.
pub struct Routing {
    parts: u32,
    /// Each case's part, by case number − 1 (case numbers count from 1).
    case_parts: UInt32Chunked,
    /// Each side input's rows' parts (surveys, contacts, case table), by
    /// input name.
    side_parts: Vec<(&'static str, UInt32Chunked)>,
}

/// Each case's partition key (its customer, else the case itself) and its
/// latest event time and line, in case order: what a cluster needs to route rows as
/// a partitioned run does (`cxgap journeys --format keys`).
pub fn case_keys(inputs: &Inputs) -> LazyFrame {
    inputs
        .events
        .rows()
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

impl Routing {
    pub fn new(inputs: &Inputs, parts: u32) -> PolarsResult<Routing> {
        let cases = case_keys(inputs).collect()?;
        let mut case_parts = parts_of(cases.column("key")?, parts)?;
        case_parts.rename("part".into());
        let by_case_id = DataFrame::new(
            cases.height(),
            vec![
                cases.column("case_id")?.clone(),
                case_parts.clone().into_series().into(),
            ],
        )?;
        let mut side_parts = Vec::new();
        for side in [&inputs.surveys, &inputs.contacts, &inputs.cases]
            .into_iter()
            .flatten()
        {
            side_parts.push((
                side.stats.input.name(),
                side_rows(side, &by_case_id, parts)?,
            ));
        }
        Ok(Routing {
            parts,
            case_parts,
            side_parts,
        })
    }

    /// Move the event log out of memory: each part's events to a file of
    /// its own in the run's scratch folder. What is left holds the side
    /// inputs and no events, so the largest frame of the run is freed
    /// before any part is built.
    pub fn spill(&self, inputs: Inputs) -> crate::error::Result<Spilled> {
        let events = inputs.events.rows().collect()?;
        let parts = self.event_parts(&events)?;
        let mut files = Vec::with_capacity(self.parts as usize);
        for k in 0..self.parts {
            let path = inputs.scratch().join(format!("events-part-{k}.parquet"));
            let mut part = events.filter(&parts.equal(k))?;
            crate::journey::event_store::write_scratch(&path, &mut part)?;
            files.push(path);
        }
        let schema = events.schema().clone();
        let rest = inputs.with_rows(|loaded| {
            if loaded.stats.input == inputs.events.stats.input {
                Ok(events.clear())
            } else {
                loaded.rows().collect()
            }
        })?;
        drop(inputs);
        Ok(Spilled {
            rest,
            files,
            schema,
        })
    }

    /// The inputs of part `k`: its cases' events, read back, and the side
    /// rows routed to it.
    pub fn part(&self, spilled: &Spilled, k: u32) -> PolarsResult<Inputs> {
        let file = std::fs::File::open(&spilled.files[k as usize])?;
        let mut events = ParquetReader::new(file)
            .finish()?
            .lazy()
            .cast(
                spilled
                    .schema
                    .iter()
                    .map(|(name, dtype)| (name.as_str(), dtype.clone()))
                    .collect(),
                true,
            )
            .collect()?;
        // Still in case order, as written: say so, for the sorted paths.
        events.apply(CASE, |c| {
            let mut c = c.clone();
            c.set_sorted_flag(polars::series::IsSorted::Ascending);
            c
        })?;
        spilled.rest.with_rows(|loaded| {
            if loaded.stats.input == spilled.rest.events.stats.input {
                return Ok(events.clone());
            }
            self.side_rows_of(loaded, k)
        })
    }

    /// The inputs of part `k` alone, routed in memory: for building one
    /// part (`journeys --partition K/N`), where spilling every part to disk
    /// would write N files to read one.
    pub fn only(&self, inputs: &Inputs, k: u32) -> PolarsResult<Inputs> {
        inputs.with_rows(|loaded| {
            if loaded.stats.input == inputs.events.stats.input {
                let events = loaded.rows().collect()?;
                let parts = self.event_parts(&events)?;
                return events.filter(&parts.equal(k));
            }
            self.side_rows_of(loaded, k)
        })
    }

    /// A side input's rows routed to part `k`.
    fn side_rows_of(&self, loaded: &crate::input::load::Loaded, k: u32) -> PolarsResult<DataFrame> {
        let rows = loaded.rows().collect()?;
        match self
            .side_parts
            .iter()
            .find(|(name, _)| *name == loaded.stats.input.name())
        {
            Some((_, parts)) => rows.filter(&parts.equal(k)),
            None => Ok(rows),
        }
    }

    /// Each event's part: its case's.
    fn event_parts(&self, events: &DataFrame) -> PolarsResult<UInt32Chunked> {
        let case_index = events.column(CASE)?.u32()? - 1u32;
        let index: IdxCa = case_index.cast(&IDX_DTYPE)?.idx()?.clone();
        self.case_parts.take(&index)
    }
}

impl Spilled {
    /// The spilled event files, kept to look up timelines later; the side
    /// rows are dropped.
    pub fn into_event_store(self) -> crate::journey::event_store::EventStore {
        crate::journey::event_store::EventStore::Files {
            _scratch: Some(self.rest.scratch_handle()),
            files: self.files,
            schema: Some(self.schema),
        }
    }
}

/// A run's inputs with the event log moved to one file per part.
pub struct Spilled {
    /// The side inputs, and events with no rows.
    rest: Inputs,
    files: Vec<std::path::PathBuf>,
    /// The events' columns and types, restored on reading a part back.
    schema: SchemaRef,
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
        let by_customer = parts_of(joined.column("customer_id")?, parts)?;
        by_case.zip_with(&by_case.is_not_null(), &by_customer)?
    } else {
        by_case
    };
    routed.fill_null_with_values(0)
}

#[cfg(test)]
mod tests {
    use super::part_of;

    #[test]
    fn parts_are_stable_and_in_range() {
        // XXH3's reference vector: the empty input with seed 0.
        assert_eq!(xxhash_rust::xxh3::xxh3_64(b""), 0x2D06_8005_38D3_94C2);
        // Fixed across runs and machines: a changed value would re-route
        // every partitioned dataset already written.
        let h = xxhash_rust::xxh3::xxh3_64_with_seed(b"C00042", 42) as i64;
        assert_eq!(part_of("C00042", 8), h.rem_euclid(8) as u32);
        assert!((0..8).contains(&part_of("anything", 8)));
        assert_eq!(part_of("x", 1), 0);
    }
}
