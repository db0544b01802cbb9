//! The journeys of customer partitions put together: exactly the frames
//! one run over all the inputs gives, row for row and in the same order,
//! so every figure computed from them is the same.

use polars::prelude::*;

use crate::error::Result;
use crate::journey::Journeys;
use crate::journey::log::ACTIVITY_KEYS;

/// Rows in input order (a stable sort by line): the order of the survey
/// and contact frames, whichever partition each row was built in.
pub fn by_line(lf: LazyFrame) -> LazyFrame {
    lf.sort(
        ["line"],
        SortMultipleOptions::default().with_maintain_order(true),
    )
}

/// The parts' journeys as one. Each case lives in exactly one part, so
/// cases sorted by case_id are the one-run order (case numbers follow
/// case_id); the promise ledger, sorted stably by case_id, keeps each
/// case's timeline order; side rows go back to line order; activity
/// counts add up. Counts of the inputs are the run's, carried by every part.
pub fn merge(parts: Vec<Journeys>) -> Result<Journeys> {
    let n = parts.len() as u32;
    let Some(first) = parts.first() else {
        return Err(PolarsError::ComputeError("no partitions to merge".into()).into());
    };
    let mut frames: [Vec<LazyFrame>; 7] = Default::default();
    for p in &parts {
        for (list, frame) in frames.iter_mut().zip(p.frames()) {
            list.push(frame.clone().lazy());
        }
    }
    let [
        cases,
        promises,
        matched,
        unmatched,
        attributed,
        unattributed,
        activities,
    ] = frames.map(|list| concat(list, UnionArgs::default()));
    let by_case = |lf: PolarsResult<LazyFrame>| -> PolarsResult<LazyFrame> {
        Ok(lf?.sort(
            ["case_id"],
            SortMultipleOptions::default().with_maintain_order(true),
        ))
    };
    let activities = activities?
        .group_by(ACTIVITY_KEYS.map(col))
        .agg([col("rows").sum().cast(DataType::UInt64)])
        .sort(
            ACTIVITY_KEYS,
            SortMultipleOptions::default().with_nulls_last(true),
        );
    let merged: [DataFrame; 7] = crate::engine::collect_all(vec![
        by_case(cases)?,
        by_case(promises)?,
        by_line(matched?),
        by_line(unmatched?),
        by_line(attributed?),
        by_line(unattributed?),
        activities,
    ])?
    .try_into()
    .map_err(|_| PolarsError::ComputeError("collect_all returned the wrong count".into()))?;
    let mut journeys = first.with_frames(merged);
    journeys.unknown_case_table_rows = parts.iter().map(|p| p.unknown_case_table_rows).sum();
    journeys.partitions = n;
    Ok(journeys)
}
