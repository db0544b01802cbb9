//! SPEC 2.1 and 2.5: each case's timeline reduced to one row — opened and
//! resolved times, owner dimensions, and the event counts of its features.

use polars::prelude::*;

use crate::input::config::Attribution;

/// `event == name`
pub fn is(name: &str) -> Expr {
    col("event").eq(lit(name))
}

/// Column `c` on `event` rows, null on the others.
fn masked(event: &str, c: &str) -> Expr {
    when(is(event)).then(col(c)).otherwise(lit(NULL))
}

/// Events, already in timeline order (`input::events::ORDER`: the loader
/// sorts them once), with `pos`: a position that increases along every
/// case's timeline, so "follows" and "is not this event" are plain
/// comparisons even when timestamps tie.
pub fn ordered(events: LazyFrame) -> LazyFrame {
    events
        .with_row_index("pos", None)
        .with_column(col("pos").cast(DataType::Int64))
}

/// One row per case: timeline facts and feature counts. `dims` are the
/// dimension columns besides team, agent and channel.
pub fn cases(ordered: LazyFrame, dims: &[String], attribution: Attribution) -> LazyFrame {
    // Only resolutions after the last reopen count: a reopened case is open
    // until it is resolved (or closed) again. Each "last X" is the max of a
    // masked column (null off the event): aggregations the engine runs per
    // group without gathering a filtered copy. Within a case `pos` follows
    // the timeline, so the latest position also has the latest time.
    let last_pos = |event: &str| masked(event, "pos").max();
    let last_ts = |event: &str| masked(event, "ts").max();
    let reopen = last_pos("reopened");
    let after_reopen = |event: &str| {
        reopen
            .clone()
            .is_null()
            .or(last_pos(event).gt(reopen.clone()))
    };
    let resolved_at = when(after_reopen("resolved").and(last_pos("resolved").is_not_null()))
        .then(last_ts("resolved"))
        .when(after_reopen("closed").and(last_pos("closed").is_not_null()))
        .then(last_ts("closed"))
        .otherwise(lit(NULL).cast(crate::input::timestamp::utc_dtype()));
    let contact = is("contact_in").or(is("contact_out"));
    let owner = |c: &str| match attribution {
        Attribution::Last => col(c).last_non_null(),
        Attribution::First => col(c).first_non_null(),
    };
    let mut aggs = vec![
        col("customer_id").first_non_null().alias("customer_id"),
        coalesce(&[masked("case_opened", "ts").min(), col("ts").first()]).alias("opened_at"),
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
