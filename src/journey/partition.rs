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
//! of parts: the same in every process and on every machine, so separate
//! `journeys --partition K/N` runs over the same inputs split them alike.

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

/// Peak memory of building one set of journeys, as a multiple of its used
/// rows' size in memory (`Inputs::rows_bytes`); measured at 1M and 10M
/// cases (BENCHMARKS.md), rounded up.
const BUILD_FACTOR: f64 = 3.0;

/// Most parts a memory budget may ask for: past this, a part's overhead
/// outweighs its data.
const MAX_PARTS: u32 = 256;

/// How many customer partitions to build the journeys in: `--partitions`,
/// else the fewest whose one part's build, beside the inputs already held,
/// stays under `--memory-limit` (default: half the machine's memory).
pub fn count(inputs: &Inputs, scale: &Scale) -> u32 {
    if let Some(n) = scale.partitions {
        return n;
    }
    let Some(limit) = scale
        .memory_limit
        .or_else(|| crate::engine::physical_memory().map(|m| m / 2))
    else {
        return 1;
    };
    let held = inputs.rows_bytes() as f64;
    crate::engine::phase(&format!("inputs held: {:.0} MiB", held / 1048576.0));
    let room = limit as f64 - held;
    if room <= 0.0 {
        return MAX_PARTS;
    }
    ((held * BUILD_FACTOR / room).ceil() as u32).clamp(1, MAX_PARTS)
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

impl Routing {
    pub fn new(inputs: &Inputs, parts: u32) -> PolarsResult<Routing> {
        let cases = inputs
            .events
            .rows()
            .group_by([col(CASE)])
            .agg([col("case_id").first(), timeline::customer()])
            .sort([CASE], SortMultipleOptions::default())
            .select([
                col(CASE),
                col("case_id"),
                coalesce(&[col("customer_id"), col("case_id")])
                    .cast(DataType::String)
                    .alias("key"),
            ])
            .collect()?;
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

    pub fn parts(&self) -> u32 {
        self.parts
    }

    /// The inputs of part `k`: its cases' events and the side rows routed
    /// to it.
    pub fn part(&self, inputs: &Inputs, k: u32) -> PolarsResult<Inputs> {
        inputs.with_rows(|loaded| {
            let rows = loaded.rows().collect()?;
            let mask = match self
                .side_parts
                .iter()
                .find(|(name, _)| *name == loaded.stats.input.name())
            {
                Some((_, parts)) => parts.equal(k),
                None => self.event_parts(&rows)?.equal(k),
            };
            rows.filter(&mask)
        })
    }

    /// Each event's part: its case's.
    fn event_parts(&self, events: &DataFrame) -> PolarsResult<UInt32Chunked> {
        let case_index = events.column(CASE)?.u32()? - 1u32;
        let index: IdxCa = case_index.cast(&IDX_DTYPE)?.idx()?.clone();
        self.case_parts.take(&index)
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
