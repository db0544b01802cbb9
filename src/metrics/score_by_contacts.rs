//! SPEC 3.2: every extra contact costs satisfaction — cases, surveys, mean
//! score and satisfied % by inbound contacts 0, 1, 2, 3, 4, 5+.

use polars::prelude::*;

use super::{Ctx, score_columns};
use crate::error::Result;
use crate::metrics::table::Table;

pub const BUCKETS: [&str; 6] = ["0", "1", "2", "3", "4", "5+"];

pub fn frame(ctx: &Ctx) -> Result<DataFrame> {
    let bucket = when(col("inbound_contacts").gt_eq(lit(5i64)))
        .then(lit("5+"))
        .otherwise(col("inbound_contacts").cast(DataType::String));
    let agg = ctx
        .cases()
        .group_by([bucket.alias("inbound_contacts")])
        .agg(score_columns("cases"));
    // Every bucket is shown, empty ones with zero cases.
    let all = df!("inbound_contacts" => BUCKETS, "order" => [0i32, 1, 2, 3, 4, 5])?.lazy();
    Ok(all
        .join(
            agg,
            [col("inbound_contacts")],
            [col("inbound_contacts")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["order"], SortMultipleOptions::default())
        .select([
            col("inbound_contacts"),
            col("cases").fill_null(lit(0i64)),
            col("surveyed").fill_null(lit(0i64)),
            col("mean_score"),
            col("satisfied_pct"),
        ])
        .collect()?)
}

pub fn table(ctx: &Ctx) -> Result<Table> {
    Ok(Table::from_frame(
        "score_by_contacts",
        "Score by inbound contacts",
        &frame(ctx)?,
    )?)
}
