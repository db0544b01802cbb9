//! SPEC 3.7: figures per day, week (default, from Monday) or month of
//! resolved_at, oldest first. Periods are calendar periods in the
//! configured time zone (SPEC 1.4), the calendar the exporting systems
//! date their rows in.

use polars::prelude::*;

use super::{Ctx, Period, rate, score_columns};
use crate::error::Result;
use crate::metrics::table::Table;

/// The local calendar period (its first day) a case was resolved in.
pub fn period_of_resolution(ctx: &Ctx) -> Result<Expr> {
    period_of(ctx, "resolved_at")
}

/// The local calendar period (its first day) of a case's time `column`.
pub fn period_of(ctx: &Ctx, column: &str) -> Result<Expr> {
    let every = match ctx.period {
        Period::Day => "1d",
        Period::Week => "1w",
        Period::Month => "1mo",
    };
    let tz = ctx.cfg.timezone.engine();
    Ok(col(column)
        .dt()
        .convert_time_zone(tz)
        .dt()
        .truncate(lit(every))
        .dt()
        .date())
}

pub fn frame(ctx: &Ctx) -> Result<DataFrame> {
    let due = col("promises_kept") + col("promises_late") + col("promises_broken");
    Ok(ctx
        .cases()
        .filter(col("resolved_at").is_not_null())
        .group_by([period_of_resolution(ctx)?.alias("period")])
        .agg({
            let mut aggs = score_columns("cases_resolved").to_vec();
            aggs.extend([
                rate(col("fcr"), 3).alias("fcr_rate"),
                rate(col("has_repeat"), 3).alias("repeat_rate"),
                (col("promises_missed").sum().cast(DataType::Float64)
                    / due.sum().cast(DataType::Float64))
                .round(3, RoundMode::HalfAwayFromZero)
                .alias("miss_rate"),
            ]);
            aggs
        })
        .sort(["period"], SortMultipleOptions::default())
        .collect()?)
}

pub fn table(ctx: &Ctx) -> Result<Table> {
    let title = match ctx.period {
        Period::Day => "Daily trend (by resolution day)",
        Period::Week => "Weekly trend (weeks from Monday, by resolution)",
        Period::Month => "Monthly trend (by resolution month)",
    };
    Ok(Table::from_frame("trends", title, &frame(ctx)?)?)
}
