//! SPEC 2.1 and 2.5: each case's timeline reduced to one row — opened and
//! resolved times, owner dimensions, and the event counts of its features.

use polars::prelude::*;

use crate::input::config::Attribution;

/// `event == name`
pub fn is(name: &str) -> Expr {
    col("event").eq(lit(name))
}

/// Events in timeline order, (case_id, timestamp, input order), with `pos`:
/// a position that increases along every case's timeline, so "follows" and
/// "is not this event" are plain comparisons even when timestamps tie.
pub fn ordered(events: LazyFrame) -> LazyFrame {
    events
        .sort(["case_id", "ts", "line"], SortMultipleOptions::default())
        .with_row_index("pos", None)
        .with_column(col("pos").cast(DataType::Int64))
}

/// One row per case: timeline facts and feature counts. `dims` are the
/// dimension columns besides team, agent and channel.
pub fn cases(ordered: LazyFrame, dims: &[String], attribution: Attribution) -> LazyFrame {
    // Only resolutions after the last reopen count: a reopened case is open
    // until it is resolved (or closed) again.
    let last_reopen = col("pos")
        .filter(is("reopened"))
        .max()
        .fill_null(lit(-1i64));
    let after_reopen = col("pos").gt(last_reopen);
    let resolved_at = coalesce(&[
        col("ts")
            .filter(is("resolved").and(after_reopen.clone()))
            .last(),
        col("ts").filter(is("closed").and(after_reopen)).last(),
    ]);
    let contact = is("contact_in").or(is("contact_out"));
    let owner = |c: &str| match attribution {
        Attribution::Last => col(c).last_non_null(),
        Attribution::First => col(c).first_non_null(),
    };
    let mut aggs = vec![
        col("customer_id").first_non_null().alias("customer_id"),
        coalesce(&[
            col("ts").filter(is("case_opened")).first(),
            col("ts").first(),
        ])
        .alias("opened_at"),
        resolved_at.alias("resolved_at"),
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
        is("reopened").sum().cast(DataType::Int64).alias("reopens"),
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
    for d in ["team", "agent", "channel"]
        .into_iter()
        .chain(dims.iter().map(String::as_str))
    {
        aggs.push(owner(d).alias(d));
    }
    ordered.group_by([col("case_id")]).agg(aggs)
}
