//! SPEC 2.4: the promise ledger. Each `promise` event is one promise, kept,
//! late, broken or pending against `as_of` (undated ones stand apart).

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::journey::timeline::{CASE, carry, is, on_case, per_case as grouped};

/// One row per promise, in timeline order: case_id, line, made_at, due_at,
/// kind, fulfilled_at, status, hours_late, and the case number.
pub fn ledger(
    ordered: LazyFrame,
    fulfilled_by: &BTreeMap<String, Vec<String>>,
    as_of_ms: i64,
) -> PolarsResult<LazyFrame> {
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
    let fulfilled = first_fulfilment(promises.clone(), ordered, fulfilled_by)?;

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
    Ok(promises
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
        ]))
}

/// The events that fulfil a promise of each kind, one row per (case, kind,
/// at): a `promise_kept` of that kind or of none (which then stands for
/// every kind the case promised), and the event types
/// `[promises.fulfilled_by]` names for the kind.
fn fulfilling_events(
    promises: &LazyFrame,
    ordered: &LazyFrame,
    fulfilled_by: &BTreeMap<String, Vec<String>>,
) -> Vec<LazyFrame> {
    let kept = ordered.clone().filter(is("promise_kept")).select([
        col(CASE),
        col("ts").alias("at"),
        col("promise_kind").cast(DataType::String).alias("kind"),
    ]);
    let case_kinds = promises
        .clone()
        .select([col(CASE), col("kind")])
        .unique(None, UniqueKeepStrategy::Any);
    let mut sources = vec![
        kept.clone().filter(col("kind").is_not_null()),
        on_case(
            kept.filter(col("kind").is_null())
                .select([col(CASE), col("at")]),
            case_kinds,
            JoinType::Inner,
        )
        .select([col(CASE), col("at"), col("kind")]),
    ];
    for (kind, events) in fulfilled_by {
        // A promise_kept keeps only its own kind (above), whatever the
        // config lists.
        let events: Vec<&str> = events
            .iter()
            .map(String::as_str)
            .filter(|e| *e != "promise_kept")
            .collect();
        if events.is_empty() {
            continue;
        }
        sources.push(
            ordered
                .clone()
                .filter(
                    col("event").is_in(lit(Series::new("e".into(), events)).implode(false), false),
                )
                .select([
                    col(CASE),
                    col("ts").alias("at"),
                    lit(kind.as_str()).alias("kind"),
                ]),
        );
    }
    sources
}

/// p_pos -> fulfilled_at: the first event at or after the promise was made
/// that fulfils its kind. Promises and those events sorted together by
/// case, kind and time (a promise before an event at the same time), then a
/// backward fill: one sort, where pairing every promise with every event of
/// its case would grow with their product.
fn first_fulfilment(
    promises: LazyFrame,
    ordered: LazyFrame,
    fulfilled_by: &BTreeMap<String, Vec<String>>,
) -> PolarsResult<LazyFrame> {
    const EVENT_ROW: &str = "__fulfils";
    let mut rows = vec![promises.clone().select([
        col(CASE),
        col("kind"),
        col("made_at").alias("at"),
        lit(0u8).alias(EVENT_ROW),
        col("p_pos"),
    ])];
    for events in fulfilling_events(&promises, &ordered, fulfilled_by) {
        rows.push(events.select([
            col(CASE),
            col("kind"),
            col("at"),
            lit(1u8).alias(EVENT_ROW),
            lit(NULL).cast(DataType::Int64).alias("p_pos"),
        ]));
    }
    let is_event = col(EVENT_ROW).eq(lit(1u8));
    let next = |c: &str| carry(is_event.clone(), c, FillNullStrategy::Backward(None));
    Ok(concat(rows, UnionArgs::default())?
        .sort(
            [CASE, "kind", "at", EVENT_ROW],
            SortMultipleOptions::default(),
        )
        .with_columns([
            next("at").alias("next_at"),
            next(CASE).alias("next_case"),
            next("kind").alias("next_kind"),
        ])
        .filter(is_event.not())
        .select([
            col("p_pos"),
            when(
                col("next_case")
                    .eq(col(CASE))
                    .and(col("next_kind").eq(col("kind"))),
            )
            .then(col("next_at"))
            .otherwise(lit(NULL))
            .alias("fulfilled_at"),
        ]))
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
