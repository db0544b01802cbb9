//! SPEC 3.3: promises by kind (and `--by`): made, due, kept, late, broken,
//! pending, miss rate, median hours late, and the mean score of cases whose
//! promises of that kind were all kept vs any missed. The `all` row pools
//! every kind.

use polars::prelude::*;

use super::Ctx;
use crate::error::Result;
use crate::metrics::table::Table;

fn is_in(e: Expr, values: &[&str]) -> Expr {
    e.is_in(
        lit(Series::new("v".into(), values.to_vec())).implode(false),
        false,
    )
}

pub fn frame(ctx: &Ctx) -> Result<DataFrame> {
    let by = match ctx.by {
        Some(_) => Some(ctx.by_column("team")?),
        None => None,
    };
    let mut case_cols = vec![col("case_id"), col("score")];
    if let Some(b) = &by {
        case_cols.push(col(b.as_str()));
    }
    let ledger = ctx.journeys.promises.unordered()?.join(
        ctx.cases().select(case_cols),
        [col("case_id")],
        [col("case_id")],
        JoinArgs::new(JoinType::Left),
    );
    // The pooled `all` row is the same aggregation over kind = "all".
    let pooled = concat(
        [ledger.clone(), ledger.with_column(lit("all").alias("kind"))],
        UnionArgs::default(),
    )?;
    let mut keys = vec![col("kind")];
    if let Some(b) = &by {
        keys.push(col(b.as_str()));
    }
    let missed = is_in(col("status"), &["late", "broken"]);
    let due = is_in(col("status"), &["kept", "late", "broken"]);
    let n = |s: &str| col("status").eq(lit(s)).sum().cast(DataType::Int64);
    let counts = pooled.clone().group_by(keys.clone()).agg([
        len().cast(DataType::Int64).alias("made"),
        due.clone().sum().cast(DataType::Int64).alias("due"),
        n("kept").alias("kept"),
        n("late").alias("late"),
        n("broken").alias("broken"),
        n("pending").alias("pending"),
        n("undated").alias("undated"),
        (missed.clone().sum().cast(DataType::Float64) / due.clone().sum().cast(DataType::Float64))
            .round(4, RoundMode::HalfAwayFromZero)
            .alias("miss_rate"),
        col("hours_late")
            .median()
            .round(1, RoundMode::HalfAwayFromZero)
            .alias("median_hours_late"),
    ]);
    // Per case and group: were that group's promises all kept, or any missed?
    let mut case_keys = keys.clone();
    case_keys.push(col("case_id"));
    let per_case = pooled
        .group_by(case_keys)
        .agg([
            col("score").first(),
            missed.clone().any(true).alias("any_missed"),
            due.clone()
                .sum()
                .gt(lit(0))
                .and(col("status").eq(lit("kept")).sum().eq(due.sum()))
                .alias("all_kept"),
        ])
        .group_by(keys.clone())
        .agg([
            col("score")
                .filter(col("all_kept"))
                .mean()
                .round(2, RoundMode::HalfAwayFromZero)
                .alias("mean_score_all_kept"),
            col("score")
                .filter(col("any_missed"))
                .mean()
                .round(2, RoundMode::HalfAwayFromZero)
                .alias("mean_score_any_missed"),
        ]);
    let key_names: Vec<String> = std::iter::once("kind".to_string())
        .chain(by.clone())
        .collect();
    // `all` sorts last, the kinds alphabetically before it.
    Ok(counts
        .join(per_case, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .with_column(col("kind").eq(lit("all")).alias("__all"))
        .sort(
            std::iter::once("__all".to_string())
                .chain(key_names)
                .collect::<Vec<_>>(),
            SortMultipleOptions::default(),
        )
        .drop(cols(["__all"]))
        .collect()?)
}

pub fn table(ctx: &Ctx) -> Result<Table> {
    Ok(Table::from_frame(
        "promises",
        "Promises by kind",
        &frame(ctx)?,
    )?)
}
