//! SPEC 3.5: cases the log calls resolved whose customer said "not
//! resolved", overall and per `--by` segment; and FCR as the log sees it
//! against the customer's answer (a 2×2 table holding "false FCR").

use polars::prelude::*;
use serde_json::json;

use super::{Ctx, cell, num, ratio, round, stats};
use crate::error::Result;
use crate::metrics::table::Table;

fn answered_resolved(ctx: &Ctx) -> LazyFrame {
    ctx.surveyed().filter(
        col("resolved_at")
            .is_not_null()
            .and(col("customer_resolved").is_not_null()),
    )
}

pub fn tables(ctx: &Ctx) -> Result<Vec<Table>> {
    let by = match ctx.by {
        Some(_) => Some(ctx.by_column("team")?),
        None => None,
    };
    let mut gap = Table::new(
        "resolution_gap",
        "Resolved in the log, not resolved for the customer",
        &[
            "segment",
            "resolved_with_answer",
            "customer_not_resolved",
            "rate",
            "rate_ci_low",
            "rate_ci_high",
        ],
    );
    let aggs = || {
        [
            len().cast(DataType::Float64).alias("n"),
            col("customer_resolved")
                .not()
                .sum()
                .cast(DataType::Float64)
                .alias("not"),
        ]
    };
    let all = answered_resolved(ctx).select(aggs()).collect()?;
    // The interval on the rate's own scale (0-1), as two numbers, like
    // every other share in the machine outputs.
    let mut push = |segment: String, n: f64, k: f64| {
        let ci = stats::wilson(k, n);
        gap.push(vec![
            json!(segment),
            json!(n),
            json!(k),
            num(round(ratio(k, n), 4)),
            num(round(ci.map(|c| c.0), 4)),
            num(round(ci.map(|c| c.1), 4)),
        ]);
    };
    push(
        "all".into(),
        cell(&all, "n", 0).unwrap_or(0.0),
        cell(&all, "not", 0).unwrap_or(0.0),
    );
    if let Some(b) = &by {
        let seg = answered_resolved(ctx)
            .group_by([col(b.as_str()).cast(DataType::String).alias("segment")])
            .agg(aggs())
            .sort(
                ["segment"],
                SortMultipleOptions::default().with_nulls_last(true),
            )
            .collect()?;
        let names = seg.column("segment")?.str()?.clone();
        for i in 0..seg.height() {
            let name = super::segment_name(&names, i);
            push(
                name,
                cell(&seg, "n", i).unwrap_or(0.0),
                cell(&seg, "not", i).unwrap_or(0.0),
            );
        }
    }

    // FCR by the log against the customer's answer.
    let grid = answered_resolved(ctx)
        .filter(col("fcr").is_not_null())
        .select([
            col("fcr")
                .and(col("customer_resolved"))
                .sum()
                .alias("ff_yes"),
            col("fcr")
                .and(col("customer_resolved").not())
                .sum()
                .alias("ff_no"),
            col("fcr")
                .not()
                .and(col("customer_resolved"))
                .sum()
                .alias("nf_yes"),
            col("fcr")
                .not()
                .and(col("customer_resolved").not())
                .sum()
                .alias("nf_no"),
        ])
        .collect()?;
    let g = |n| cell(&grid, n, 0).unwrap_or(0.0);
    let mut fcr = Table::new(
        "fcr_views",
        "First-contact resolution: the log against the customer",
        &["log", "customer_resolved", "customer_not_resolved", "total"],
    );
    fcr.push(vec![
        json!("fcr"),
        json!(g("ff_yes")),
        json!(g("ff_no")),
        json!(g("ff_yes") + g("ff_no")),
    ]);
    fcr.push(vec![
        json!("not fcr"),
        json!(g("nf_yes")),
        json!(g("nf_no")),
        json!(g("nf_yes") + g("nf_no")),
    ]);
    Ok(vec![gap, fcr])
}

/// "False FCR": the log says one-and-done, the customer says not resolved.
pub fn false_fcr(tables: &[Table]) -> Option<f64> {
    tables
        .iter()
        .find(|t| t.name == "fcr_views")
        .and_then(|t| t.rows.first())
        .and_then(|r| r[2].as_f64())
}
