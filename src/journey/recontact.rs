//! SPEC 2.3: did the customer come back within W of the resolution?
//!
//! A customer is keyed by customer_id, or — for a case without one — by the
//! case itself, so such a case sees only its own contacts.

use polars::prelude::*;

use super::ms;

use crate::journey::timeline::{CASE, is, on_case};

const DAY_MS: f64 = 86_400_000.0;

/// The recontact key of a case.
pub fn key() -> Expr {
    coalesce(&[
        col("customer_id"),
        concat_str([lit("\u{1}case:"), col("case_id")], "", false),
    ])
    .alias("key")
}

/// case number -> recontacted (true / false / null = open or window still open).
///
/// `cases`: case_id, key, resolved_at, resolved_date. `ordered`: events.
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
    let w_ms = (window_days * DAY_MS).round() as i64;
    let resolved = cases
        .clone()
        .filter(col("resolved_at").is_not_null())
        .select([
            col(CASE),
            col("key"),
            ms(col("resolved_at")).alias("r_ms"),
            col("resolved_date").cast(DataType::Int32).alias("r_day"),
        ]);
    let case_keys = cases.select([col(CASE), col("key")]);

    // Inbound contact events of every case, under their case's key.
    let event_contacts = on_case(
        ordered
            .filter(is("contact_in"))
            .select([col(CASE), ms(col("ts")).alias("c_ms")]),
        case_keys.clone(),
        JoinType::Inner,
    )
    .select([col("key"), col("c_ms")]);
    let by_event = resolved
        .clone()
        .join(
            event_contacts,
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("c_ms")
                .gt(col("r_ms"))
                .and(col("c_ms").lt_eq(col("r_ms") + lit(w_ms))),
        )
        .select([col(CASE)]);

    // Inbound count rows: attributed ones under their case's key, the
    // unattributed ones under their customer_id.
    let inbound = |lf: LazyFrame| {
        lf.filter(
            col("direction")
                .eq(lit("in"))
                .and(col("contacts").gt(lit(0i64))),
        )
    };
    let counted = concat(
        [
            on_case(inbound(attributed), case_keys, JoinType::Inner)
                .select([col("key"), col("date")]),
            inbound(unattributed)
                .filter(col("customer_id").is_not_null())
                .select([col("customer_id").alias("key"), col("date")]),
        ],
        UnionArgs::default(),
    )?;
    let by_count = resolved
        .clone()
        .join(
            counted,
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column((col("date").cast(DataType::Int32) - col("r_day")).alias("after_days"))
        .filter(
            col("after_days").gt(lit(0)).and(
                col("after_days")
                    .cast(DataType::Float64)
                    .lt_eq(lit(window_days)),
            ),
        )
        .select([col(CASE)]);

    let hits = concat([by_event, by_count], UnionArgs::default())?
        .unique(None, UniqueKeepStrategy::Any)
        .with_column(lit(true).alias("hit"));
    let hits = hits.sort([CASE], SortMultipleOptions::default());
    Ok(on_case(resolved, hits, JoinType::Left).select([
        col(CASE),
        when(col("hit").is_not_null())
            .then(lit(true))
            // No recontact yet, but the window has not closed: pending.
            .when((col("r_ms") + lit(w_ms)).gt(lit(as_of_ms)))
            .then(lit(NULL).cast(DataType::Boolean))
            .otherwise(lit(false))
            .alias("recontacted"),
    ]))
}
