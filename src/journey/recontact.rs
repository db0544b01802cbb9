//! SPEC 2.3: did the customer come back within W of the resolution?
//!
//! A customer is keyed by customer_id, or — for a case without one — by the
//! case itself, so such a case sees only its own contacts.

use polars::prelude::*;

use super::ms;

use crate::journey::timeline::{CASE, carry, is, on_case};

/// The recontact key of a case.
pub fn key() -> Expr {
    coalesce(&[
        col("customer_id"),
        concat_str([lit("\u{1}case:"), col("case_id")], "", false),
    ])
    .alias("key")
}

/// The recontact key as an integer: the key's code in the engine's global
/// category map, so a customer_id elsewhere (an unattributed count row)
/// gets the same code as the key it equals.
const KEY_NO: &str = "key_no";

pub(super) fn key_code(text: Expr) -> Expr {
    text.cast(DataType::from_categories(Categories::global()))
        .to_physical()
}

/// For each `starts` row (case number, key code, `at`), the `at` of the
/// first `later` row (key code, `at`) of the same key strictly after it,
/// null when none: both sorted together by key and time, a later row
/// sorting before a start at the same time, then a backward fill. One sort
/// where a join by key would pair every case with every contact of its
/// customer. Out in case order.
fn next_after(starts: LazyFrame, later: LazyFrame) -> PolarsResult<LazyFrame> {
    let kind = "__later_first";
    let both = concat(
        [
            starts.select([col(KEY_NO), col("at"), lit(1u8).alias(kind), col(CASE)]),
            later.select([
                col(KEY_NO),
                col("at"),
                lit(0u8).alias(kind),
                lit(NULL).cast(DataType::UInt32).alias(CASE),
            ]),
        ],
        UnionArgs::default(),
    )?
    .sort([KEY_NO, "at", kind], SortMultipleOptions::default());
    let is_later = col(kind).eq(lit(0u8));
    let next = |c: &str| carry(is_later.clone(), c, FillNullStrategy::Backward(None));
    Ok(both
        .with_columns([next("at").alias("next_at"), next(KEY_NO).alias("next_key")])
        .filter(is_later.not())
        .select([
            col(CASE),
            when(col("next_key").eq(col(KEY_NO)))
                .then(col("next_at"))
                .otherwise(lit(NULL))
                .alias("next_at"),
        ])
        .sort([CASE], SortMultipleOptions::default()))
}

/// case number -> recontacted (true / false / null = open or window still open).
///
/// `cases`: case number, key, resolved_at, resolved_date. `ordered`: events.
/// `attributed` / `unattributed`: count rows (unattributed ones count by
/// customer_id). `window_days` = W.
pub fn recontacted(
    cases: LazyFrame,
    ordered: LazyFrame,
    attributed: LazyFrame,
    unattributed: LazyFrame,
    window_days: f64,
    as_of_ms: i64,
) -> PolarsResult<LazyFrame> {
    let w_ms = crate::engine::days_ms(window_days);
    let cases = cases
        .with_column(key_code(col("key")).alias(KEY_NO))
        .cache();
    let resolved = cases
        .clone()
        .filter(col("resolved_at").is_not_null())
        .select([
            col(CASE),
            col(KEY_NO),
            ms(col("resolved_at")).alias("r_ms"),
            col("resolved_date").cast(DataType::Int32).alias("r_day"),
        ]);
    let case_keys = cases.select([col(CASE), col(KEY_NO)]);

    // Inbound contact events of every case, under their case's key: the
    // first one after the resolution, by the clock.
    let event_contacts = on_case(
        ordered
            .filter(is("contact_in"))
            .select([col(CASE), ms(col("ts")).alias("at")]),
        case_keys.clone(),
        JoinType::Inner,
    );
    let next_event = next_after(
        resolved
            .clone()
            .select([col(CASE), col(KEY_NO), col("r_ms").alias("at")]),
        event_contacts,
    )?
    .select([col(CASE), col("next_at").alias("next_event_ms")]);

    // Inbound count rows, attributed ones under their case's key and the
    // unattributed ones under their customer_id: the first later day.
    let inbound = |lf: LazyFrame| {
        lf.filter(
            col("direction")
                .eq(lit("in"))
                .and(col("contacts").gt(lit(0i64))),
        )
    };
    let day = || col("date").cast(DataType::Int32).alias("at");
    let counted = concat(
        [
            on_case(inbound(attributed), case_keys, JoinType::Inner).select([col(KEY_NO), day()]),
            inbound(unattributed)
                .filter(col("customer_id").is_not_null())
                .select([key_code(col("customer_id")).alias(KEY_NO), day()]),
        ],
        UnionArgs::default(),
    )?;
    let next_count = next_after(
        resolved
            .clone()
            .select([col(CASE), col(KEY_NO), col("r_day").alias("at")]),
        counted,
    )?
    .select([col(CASE), col("next_at").alias("next_count_day")]);

    let by_event = col("next_event_ms").lt_eq(col("r_ms") + lit(w_ms));
    let by_count = (col("next_count_day") - col("r_day"))
        .cast(DataType::Float64)
        .lt_eq(lit(window_days));
    Ok(on_case(
        on_case(resolved, next_event, JoinType::Left),
        next_count,
        JoinType::Left,
    )
    .select([
        col(CASE),
        when(by_event.or(by_count).fill_null(lit(false)))
            .then(lit(true))
            // No recontact yet, but the window has not closed: pending.
            .when((col("r_ms") + lit(w_ms)).gt(lit(as_of_ms)))
            .then(lit(NULL).cast(DataType::Boolean))
            .otherwise(lit(false))
            .alias("recontacted"),
    ]))
}
