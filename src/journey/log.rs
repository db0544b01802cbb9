//! The one pass over the event log. Everything later steps need from the
//! events is collected here together: each case's timeline facts, the
//! promise ledger, the contact events and the activity counts. Then the
//! log itself can be dropped, so the case-level steps after it run without
//! the largest frame of the run in memory.

use polars::prelude::*;

use crate::engine;
use crate::error::Result;
use crate::input::config::{RunConfig, Shape};
use crate::journey::promises;
use crate::journey::timeline::{self, CASE, is};

pub struct LogFacts {
    /// One row per case (`timeline::cases`), in case order.
    pub cases: DataFrame,
    /// One row per promise (`promises::ledger`), in timeline order.
    pub ledger: DataFrame,
    /// The contact_in and contact_out events: case number, ts, event.
    pub contact_events: DataFrame,
    /// Events by event, activity and promise_kind (text), with `rows`.
    pub activities: DataFrame,
}

/// Read the facts out of `events` (validated, in timeline order, numbered
/// by case). `dims`: the dimensions besides team, agent and channel.
pub fn read(
    events: DataFrame,
    cfg: &RunConfig,
    dims: &[String],
    as_of_ms: i64,
) -> Result<LogFacts> {
    let events = if cfg.events.shape == Some(Shape::Snapshots) {
        let states = one_event_per_state(events.clone().lazy());
        running_counts(states, events.lazy(), &cfg.events.wide.counts)?
    } else {
        events.lazy()
    };
    let ordered = timeline::ordered(events, cfg)?.cache();
    let [cases, ledger, contact_events, activities]: [DataFrame; 4] = engine::collect_all(vec![
        timeline::cases(ordered.clone(), dims, cfg.attribution),
        promises::ledger(ordered.clone(), &cfg.fulfilled_by, as_of_ms)?,
        ordered
            .clone()
            .filter(is("contact_in").or(is("contact_out")))
            .select([col(CASE), col("ts"), col("event")]),
        activity_counts(ordered),
    ])?
    .try_into()
    .map_err(|_| PolarsError::ComputeError("collect_all returned the wrong count".into()))?;
    Ok(LogFacts {
        cases,
        ledger,
        contact_events,
        activities,
    })
}

/// A snapshot log (SPEC 1.6) as the events it stands for: a row whose case
/// is in the state (activity) the row before left it in is the same event
/// seen again, not a new one. The events arrive in timeline order.
fn one_event_per_state(events: LazyFrame) -> LazyFrame {
    let new_case = col(CASE).neq(col(CASE).shift(lit(1)));
    let new_state = col("activity").neq(col("activity").shift(lit(1)));
    events.filter(new_case.or(new_state).fill_null(lit(true)))
}

/// A snapshot log's running counts (`reassignment_count`, `reopen_count`,
/// repeated on every row) as the events they count: where a case's count
/// rises, that many events of its type at that row's time, named after the
/// column. A count is the case's running total, never summed over rows:
/// its events add up to its highest value (its last, for a count that
/// only rises). Merged into the state events in timeline order, a count's
/// events follow the state seen at the same time.
fn running_counts(
    states: LazyFrame,
    rows: LazyFrame,
    counts: &std::collections::BTreeMap<String, String>,
) -> PolarsResult<LazyFrame> {
    if counts.is_empty() {
        return Ok(states);
    }
    let names = states.clone().collect_schema()?;
    let mut parts = vec![states];
    for (column, event) in counts {
        let total = col(column.as_str())
            .cast(DataType::Float64)
            .cast(DataType::Int64)
            .fill_null(lit(0i64))
            .cum_max(false)
            .over([col(CASE)])?;
        let before = col("__total")
            .shift(lit(1))
            .over([col(CASE)])?
            .fill_null(lit(0i64));
        let risen = rows
            .clone()
            .with_column(total.alias("__total"))
            .with_column((col("__total") - before).alias("__risen"))
            .filter(col("__risen").gt(lit(0i64)))
            .with_column(
                int_ranges(lit(0i64), col("__risen"), lit(1i64), DataType::Int64).alias("__risen"),
            )
            .explode(
                cols(["__risen"]),
                ExplodeOptions {
                    empty_as_null: false,
                    keep_nulls: false,
                },
            )
            .with_columns([
                lit(event.as_str())
                    .cast(names.get("event").cloned().unwrap_or(DataType::String))
                    .alias("event"),
                lit(column.as_str())
                    .cast(names.get("activity").cloned().unwrap_or(DataType::String))
                    .alias("activity"),
            ])
            .select(
                names
                    .iter_names()
                    .map(|n| col(n.as_str()))
                    .collect::<Vec<_>>(),
            );
        parts.push(risen);
    }
    Ok(concat(parts, UnionArgs::default())?.sort(
        [CASE, "ts"],
        SortMultipleOptions::default().with_maintain_order(true),
    ))
}

/// Events counted by type, activity name and promise kind, as text: what
/// the data-quality checks read instead of the log itself.
fn activity_counts(ordered: LazyFrame) -> LazyFrame {
    ordered
        .group_by(ACTIVITY_KEYS.map(col))
        .agg([len().cast(DataType::UInt64).alias("rows")])
        .with_columns(ACTIVITY_KEYS.map(|k| col(k).cast(DataType::String)))
        .sort(
            ACTIVITY_KEYS,
            SortMultipleOptions::default().with_nulls_last(true),
        )
}

/// What activity counts are counted by.
pub const ACTIVITY_KEYS: [&str; 3] = ["event", "activity", "promise_kind"];
