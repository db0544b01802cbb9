//! The journeys of customer partitions put together: exactly the frames
//! one run over all the inputs gives, row for row and in the same order,
//! so every figure computed from them is the same.

use polars::prelude::*;

use crate::error::Result;
use crate::journey::log::ACTIVITY_KEYS;
use crate::journey::rows::Rows;
use crate::journey::{FRAMES, Journeys};

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
///
/// One kind of frame at a time, each part's frame handed over and freed
/// once merged: a run that needed parts holds the journeys about once, not
/// the parts and their merge side by side. Frames the parts left on disk
/// (`Rows::OnDisk`) stay there, their files listed together.
pub fn merge(mut parts: Vec<Journeys>) -> Result<Journeys> {
    let n = parts.len() as u32;
    let Some(first) = parts.first() else {
        return Err(PolarsError::ComputeError("no partitions to merge".into()).into());
    };
    // The run's as_of, dimensions and input summary, with no rows yet.
    let mut journeys = first.with_frames(Default::default())?;
    journeys.unknown_case_table_rows = parts.iter().map(|p| p.unknown_case_table_rows).sum();
    journeys.partitions = n;
    let mut frames: Vec<[Rows; 7]> = parts.iter_mut().map(Journeys::take_frames).collect();
    drop(parts);
    let mut merged: [Rows; 7] = Default::default();
    for (i, out) in merged.iter_mut().enumerate() {
        let list: Vec<Rows> = frames
            .iter_mut()
            .map(|f| std::mem::take(&mut f[i]))
            .collect();
        *out = match FRAMES[i] {
            "activities" => {
                let list = list
                    .iter()
                    .map(Rows::lazy)
                    .collect::<PolarsResult<Vec<_>>>()?;
                concat(list, UnionArgs::default())?
                    .group_by(ACTIVITY_KEYS.map(col))
                    .agg([col("rows").sum().cast(DataType::UInt64)])
                    .sort(
                        ACTIVITY_KEYS,
                        SortMultipleOptions::default().with_nulls_last(true),
                    )
                    .collect()?
                    .into()
            }
            name => Rows::merge(list, order_of(name))?,
        };
    }
    Ok(journeys.with_frames(merged)?)
}

/// The column a stable sort by which puts a frame's rows from several
/// parts in one-run order: cases and the promise ledger by case (each
/// case's promises in timeline order), side rows by input line.
pub fn order_of(frame: &str) -> &'static str {
    match frame {
        "cases" | "promises" => "case_id",
        _ => "line",
    }
}
