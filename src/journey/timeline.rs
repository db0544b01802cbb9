//! SPEC 2.1 and 2.5: each case's timeline reduced to one row — opened and
//! resolved times, owner dimensions, and the event counts of its features.

use polars::prelude::*;

use crate::input::config::{Attribution, RunConfig};

/// `event == name`
pub fn is(name: &str) -> Expr {
    col("event").eq(lit(name))
}

/// Whether the row reopens the case.
pub const REOPEN: &str = "reopen";

/// The case number column (`input::rows::events::CASE`).
pub use crate::input::rows::events::CASE;

/// Join two case-level frames on the case number (`how`: left or inner).
pub fn on_case(left: LazyFrame, right: LazyFrame, how: JoinType) -> LazyFrame {
    left.join(right, [col(CASE)], [col(CASE)], JoinArgs::new(how))
}

/// The first row of each `key` in a frame sorted by it: a flat comparison
/// with the row before, where grouping would hash every key.
pub fn first_of_each(sorted: LazyFrame, key: &str) -> LazyFrame {
    sorted.filter(col(key).neq(col(key).shift(lit(1))).fill_null(lit(true)))
}

/// Column `c` of the rows where `source` holds, carried over the rows
/// after them (`Forward`) or before them (`Backward`) in frame order: the
/// sort-and-fill that stands for an as-of join without pairing rows.
pub fn carry(source: Expr, c: &str, strategy: FillNullStrategy) -> Expr {
    when(source)
        .then(col(c))
        .otherwise(lit(NULL))
        .fill_null_with_strategy(strategy)
}

/// A frame grouped by case, in case order (a no-op sort when the engine
/// kept the order, which it does for a sorted key).
pub fn per_case(lf: LazyFrame, aggs: Vec<Expr>) -> LazyFrame {
    lf.group_by([col(CASE)])
        .agg(aggs)
        .sort([CASE], SortMultipleOptions::default())
}

/// Event types that are never work on the case, for `reopen_on_activity`.
const NOT_WORK: [&str; 4] = ["resolved", "closed", "survey_sent", "case_opened"];

/// Events, already in timeline order (`input::rows::events::ORDER`: the loader
/// sorts them once), with `pos`: a position that increases along every
/// case's timeline, so "follows" and "is not this event" are plain
/// comparisons even when timestamps tie; and `reopen`, the rows that reopen
/// the case (SPEC 2.1): `reopened` events and, with `reopen_on_activity`,
/// the first work event after a `resolved` one (an inbound contact or any
/// event but closed, survey and the types or activities `reopen_ignore`
/// lists). Later work before the next resolution is the same reopening.
pub fn ordered(events: LazyFrame, cfg: &RunConfig) -> PolarsResult<LazyFrame> {
    let lf = events
        .with_row_index("pos", None)
        .with_column(col("pos").cast(DataType::Int64));
    if !cfg.reopen_on_activity {
        return Ok(lf.with_column(is("reopened").alias(REOPEN)));
    }
    let ignored: Vec<String> = cfg.reopen_ignore.iter().map(|s| s.to_lowercase()).collect();
    let list = |v: Vec<String>| lit(Series::new("l".into(), v)).implode(false);
    let mut types: Vec<String> = NOT_WORK.iter().map(|s| s.to_string()).collect();
    types.extend(ignored.iter().cloned());
    let work = col("event")
        .cast(DataType::String)
        .is_in(list(types), false)
        .not()
        .and(
            col("activity")
                .cast(DataType::String)
                .str()
                .to_lowercase()
                .is_in(list(ignored), false)
                .not(),
        );
    // Positions of the latest resolution and the latest work (a reopened
    // event counts as work) before each row, -1 when none.
    let latest_before = |on: Expr| {
        when(on)
            .then(col("pos"))
            .otherwise(lit(-1i64))
            .cum_max(false)
            .shift(lit(1))
            .fill_null(lit(-1i64))
            .over([col(CASE)])
    };
    let resolved = latest_before(is("resolved"))?;
    let worked = latest_before(work.clone().or(is("reopened")))?;
    Ok(lf.with_column(
        is("reopened")
            .or(work
                .and(resolved.clone().gt_eq(lit(0i64)))
                .and(resolved.gt(worked)))
            .alias(REOPEN),
    ))
}

/// A case's customer (SPEC 2.1): the first customer_id on its timeline.
/// Also the key of its customer partition (`partition`).
pub fn customer() -> Expr {
    col("customer_id").first_non_null().alias("customer_id")
}

/// One row per case: timeline facts and feature counts. `dims` are the
/// dimension columns besides team, agent and channel.
pub fn cases(ordered: LazyFrame, dims: &[String], attribution: Attribution) -> LazyFrame {
    // Only resolutions after the last reopen count: a reopened case is open
    // until it is resolved (or closed) again. The latest reopen, resolution
    // and closure of each case come from those rows alone, grouped apart
    // and merged back by case number: a tenth of the log each, where
    // values masked over every row cost time and memory for all of it.
    // Within a case `pos` follows the timeline, so the latest position also
    // has the latest time.
    let latest = |rows: Expr, name: &str, with_time: bool| {
        let mut aggs = vec![col("pos").max().alias(format!("__{name}_pos"))];
        if with_time {
            aggs.push(col("ts").max().alias(format!("__{name}_ts")));
        }
        per_case(ordered.clone().filter(rows), aggs)
    };
    let opened = per_case(
        ordered.clone().filter(is("case_opened")),
        vec![col("ts").min().alias("__opened_ts")],
    );
    // A resolution stamped before the case's opening (SPEC 1.6: impossible
    // in the world, common in exports) resolves nothing: no negative time
    // to resolve reaches a figure. The latest one is the one that counts,
    // so comparing it is enough.
    let resolves = |pos: &str, ts: &str| {
        col("__reopen_pos")
            .is_null()
            .or(col(pos).gt(col("__reopen_pos")))
            .and(col(pos).is_not_null())
            .and(
                col("__opened_ts")
                    .is_null()
                    .or(col(ts).gt_eq(col("__opened_ts"))),
            )
    };
    let resolved_at = when(resolves("__resolved_pos", "__resolved_ts"))
        .then(col("__resolved_ts"))
        .when(resolves("__closed_pos", "__closed_ts"))
        .then(col("__closed_ts"))
        .otherwise(lit(NULL).cast(crate::input::rows::timestamp::utc_dtype()));
    let contact = is("contact_in").or(is("contact_out"));
    let owner = |c: &str| match attribution {
        Attribution::Last => col(c).last_non_null(),
        Attribution::First => col(c).first_non_null(),
    };
    let mut aggs = vec![
        col("case_id").first(),
        customer(),
        col("ts").first().alias("__first_ts"),
        col("ts").last().alias("last_event_at"),
        is("contact_in")
            .sum()
            .cast(DataType::Int64)
            .alias("logged_in"),
        is("contact_out")
            .sum()
            .cast(DataType::Int64)
            .alias("logged_out"),
        is("transfer")
            .sum()
            .cast(DataType::Int64)
            .alias("transfers"),
        is("escalation").any(true).alias("escalated"),
        col(REOPEN).sum().cast(DataType::Int64).alias("reopens"),
        is("identify")
            .sum()
            .cast(DataType::Int64)
            .alias("identifications"),
        col("channel")
            .filter(contact)
            .drop_nulls()
            .n_unique()
            .cast(DataType::Int64)
            .alias("channels_used"),
        col("agent")
            .drop_nulls()
            .n_unique()
            .cast(DataType::Int64)
            .alias("agents_touched"),
        col("team")
            .drop_nulls()
            .n_unique()
            .cast(DataType::Int64)
            .alias("teams_touched"),
        len().cast(DataType::Int64).alias("events"),
        is("other")
            .sum()
            .cast(DataType::Int64)
            .alias("other_events"),
    ];
    // The owners leave the categorical event log as text: journeys are output.
    for d in ["team", "agent", "channel"] {
        aggs.push(owner(d).cast(DataType::String).alias(d));
    }
    for d in dims {
        aggs.push(owner(d).alias(d.as_str()));
    }
    let grouped = per_case(ordered.clone(), aggs);
    let merged = [
        latest(col(REOPEN), "reopen", false),
        latest(is("resolved"), "resolved", true),
        latest(is("closed"), "closed", true),
        opened,
    ]
    .into_iter()
    .fold(grouped, |cases, side| on_case(cases, side, JoinType::Left));
    merged
        .with_columns([
            resolved_at.alias("resolved_at"),
            coalesce(&[col("__opened_ts"), col("__first_ts")]).alias("opened_at"),
        ])
        .drop(cols([
            "__reopen_pos",
            "__resolved_pos",
            "__resolved_ts",
            "__closed_pos",
            "__closed_ts",
            "__opened_ts",
            "__first_ts",
        ]))
}
