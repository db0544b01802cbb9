//! SPEC 2.4: the promise ledger. Each `promise` event is one promise, kept,
//! late, broken or pending against `as_of` (undated ones stand apart).

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::journey::timeline::{CASE, is, on_case, per_case as grouped};

/// One row per promise, in timeline order: case_id, line, made_at, due_at,
/// kind, fulfilled_at, status, hours_late, and the case number.
pub fn ledger(
    ordered: LazyFrame,
    fulfilled_by: &BTreeMap<String, Vec<String>>,
    as_of_ms: i64,
) -> LazyFrame {
    let promises = ordered.clone().filter(is("promise")).select([
        col("case_id"),
        col(CASE),
        col("line"),
        col("pos").alias("p_pos"),
        col("ts").alias("made_at"),
        col("due_at"),
        col("promise_kind")
            .cast(DataType::String)
            .fill_null(lit("unspecified"))
            .alias("kind"),
    ]);
    // "kind|event" pairs that fulfil a promise, besides a matching promise_kept.
    let pairs: Vec<String> = fulfilled_by
        .iter()
        .flat_map(|(kind, events)| events.iter().map(move |e| format!("{kind}|{e}")))
        .collect();
    let mut fulfilling_types: Vec<String> = fulfilled_by.values().flatten().cloned().collect();
    fulfilling_types.push("promise_kept".into());
    fulfilling_types.sort();
    fulfilling_types.dedup();
    let candidates = ordered
        .filter(col("event").is_in(
            lit(Series::new("t".into(), fulfilling_types)).implode(false),
            false,
        ))
        .select([
            col(CASE),
            col("pos").alias("f_pos"),
            col("ts").alias("f_ts"),
            col("event").cast(DataType::String).alias("f_event"),
            col("promise_kind").cast(DataType::String).alias("f_kind"),
        ]);
    let fulfils = when(col("f_event").eq(lit("promise_kept")))
        .then(col("f_kind").is_null().or(col("f_kind").eq(col("kind"))))
        .otherwise(
            concat_str([col("kind"), col("f_event")], "|", false)
                .is_in(lit(Series::new("p".into(), pairs)).implode(false), false),
        );
    let fulfilled = on_case(promises.clone(), candidates, JoinType::Inner)
        .filter(
            col("f_ts")
                .gt_eq(col("made_at"))
                .and(col("f_pos").neq(col("p_pos")))
                .and(fulfils),
        )
        .group_by([col("p_pos")])
        .agg([col("f_ts").min().alias("fulfilled_at")]);

    let due_ms = col("due_at").dt().timestamp(TimeUnit::Milliseconds);
    let done_ms = col("fulfilled_at").dt().timestamp(TimeUnit::Milliseconds);
    let status = when(col("due_at").is_null())
        .then(lit("undated"))
        .when(
            col("fulfilled_at")
                .is_not_null()
                .and(done_ms.clone().lt_eq(due_ms.clone())),
        )
        .then(lit("kept"))
        .when(col("fulfilled_at").is_not_null())
        .then(lit("late"))
        .when(due_ms.clone().lt(lit(as_of_ms)))
        .then(lit("broken"))
        .otherwise(lit("pending"));
    promises
        .join(
            fulfilled,
            [col("p_pos")],
            [col("p_pos")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(status.alias("status"))
        .with_column(
            when(
                col("status")
                    .eq(lit("late"))
                    .or(col("status").eq(lit("broken"))),
            )
            .then(super::hours(coalesce(&[done_ms, lit(as_of_ms)]) - due_ms))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("hours_late"),
        )
        // Positions follow the timeline, cases included.
        .sort(["p_pos"], SortMultipleOptions::default())
        .select([
            col("case_id"),
            col(CASE),
            col("line"),
            col("made_at"),
            col("due_at"),
            col("kind"),
            col("fulfilled_at"),
            col("status"),
            col("hours_late"),
        ])
}

/// Per case: promises, kept, late, broken, pending, undated, missed, any missed.
pub fn per_case(ledger: LazyFrame) -> LazyFrame {
    let n = |s: &str| col("status").eq(lit(s)).sum().cast(DataType::Int64);
    grouped(
        ledger,
        vec![
            len().cast(DataType::Int64).alias("promises"),
            n("kept").alias("promises_kept"),
            n("late").alias("promises_late"),
            n("broken").alias("promises_broken"),
            n("pending").alias("promises_pending"),
            n("undated").alias("promises_undated"),
        ],
    )
    .with_column((col("promises_late") + col("promises_broken")).alias("promises_missed"))
}
