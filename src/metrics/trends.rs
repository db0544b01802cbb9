//! SPEC 3.7: figures per day, week (default, from Monday) or month of
//! resolved_at, oldest first.

use polars::prelude::*;

use super::{Ctx, Period};
use crate::error::Result;
use crate::render::Table;

pub fn frame(ctx: &Ctx) -> Result<DataFrame> {
    let every = match ctx.period {
        Period::Day => "1d",
        Period::Week => "1w",
        Period::Month => "1mo",
    };
    let pct = |e: Expr, d: u32| {
        (e.cast(DataType::Float64).mean() * lit(100.0)).round(d, RoundMode::HalfAwayFromZero)
    };
    let due = col("promises_kept") + col("promises_late") + col("promises_broken");
    Ok(ctx
        .cases()
        .filter(col("resolved_at").is_not_null())
        .group_by([col("resolved_at")
            .dt()
            .truncate(lit(every))
            .dt()
            .date()
            .alias("period")])
        .agg([
            len().cast(DataType::Int64).alias("cases_resolved"),
            col("surveyed")
                .sum()
                .cast(DataType::Int64)
                .alias("surveyed"),
            col("score")
                .mean()
                .round(2, RoundMode::HalfAwayFromZero)
                .alias("mean_score"),
            pct(col("satisfied"), 1).alias("satisfied_pct"),
            (col("fcr").cast(DataType::Float64).mean())
                .round(3, RoundMode::HalfAwayFromZero)
                .alias("fcr_rate"),
            (col("has_repeat").cast(DataType::Float64).mean())
                .round(3, RoundMode::HalfAwayFromZero)
                .alias("repeat_rate"),
            (col("promises_missed").sum().cast(DataType::Float64)
                / due.sum().cast(DataType::Float64))
            .round(3, RoundMode::HalfAwayFromZero)
            .alias("miss_rate"),
        ])
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
