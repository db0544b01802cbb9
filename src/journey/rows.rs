//! A journeys frame held in memory, or waiting on disk.
//!
//! A run built in customer parts writes each part's largest side frames
//! (the promise ledger, the matched survey rows and the attributed contact
//! rows: more than half of the journeys' memory) to its scratch folder as
//! soon as the part is built. Neither the later parts' builds nor the
//! metrics then hold them: whoever reads them scans the files, with
//! filters and column choices pushed down to the scan.

use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::Result;
use crate::input::settle::spool::{self, write_scratch};

#[derive(Clone)]
pub enum Rows {
    Held(DataFrame),
    OnDisk(OnDisk),
    /// Rows on disk narrowed (`Journeys::restricted`), read when asked.
    Plan(Box<LazyFrame>),
}

/// Rows in scratch files, one per part.
#[derive(Clone)]
pub struct OnDisk {
    /// Each file in one-run order within itself.
    files: Vec<PathBuf>,
    /// The rows' types, restored on reading.
    schema: SchemaRef,
    /// The column a stable sort by which puts the parts' rows in one-run
    /// order (`merge::order_of`).
    order: &'static str,
    /// The run's scratch folder, kept while the files are needed.
    _scratch: Arc<tempfile::TempDir>,
}

impl Default for Rows {
    fn default() -> Self {
        Rows::Held(DataFrame::empty())
    }
}

impl From<DataFrame> for Rows {
    fn from(df: DataFrame) -> Self {
        Rows::Held(df)
    }
}

impl Rows {
    /// The rows as a plan, in one-run order.
    pub fn lazy(&self) -> PolarsResult<LazyFrame> {
        match self {
            Rows::OnDisk(d) => Ok(in_order(self.unordered()?, d.order)),
            _ => self.unordered(),
        }
    }

    /// The rows as a plan in no particular order, for counts and sums:
    /// files on disk are not sorted into one.
    pub fn unordered(&self) -> PolarsResult<LazyFrame> {
        let d = match self {
            Rows::Held(df) => return Ok(df.clone().lazy()),
            Rows::Plan(lf) => return Ok(lf.as_ref().clone()),
            Rows::OnDisk(d) => d,
        };
        spool::scan_files(&d.files, Some(&d.schema))
    }

    /// The rows in memory, in one-run order (read from disk if there).
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        match self {
            Rows::Held(df) => Ok(df.clone()),
            _ => self.lazy()?.collect(),
        }
    }

    /// The rows of the cases `ids` lists, in one-run order: held, if
    /// held; else a plan that reads only those when run.
    pub fn of_cases(&self, ids: LazyFrame) -> PolarsResult<Rows> {
        let semi = |lf: LazyFrame| {
            // A semi join keeps the rows' own order, and hashes the ids once.
            lf.join(
                ids,
                [col("case_id")],
                [col("case_id")],
                JoinArgs {
                    maintain_order: MaintainOrderJoin::Left,
                    ..JoinArgs::new(JoinType::Semi)
                },
            )
        };
        Ok(match self {
            Rows::Held(df) => Rows::Held(semi(df.clone().lazy()).collect()?),
            // Narrowed first, then put in order: the sort sees few rows.
            Rows::OnDisk(d) => Rows::Plan(Box::new(in_order(semi(self.unordered()?), d.order))),
            Rows::Plan(lf) => Rows::Plan(Box::new(semi(lf.as_ref().clone()))),
        })
    }

    /// Held rows written to `path` in the run's scratch folder, to be put
    /// in one-run order with other parts' by `order`.
    pub fn spill(
        self,
        path: PathBuf,
        order: &'static str,
        scratch: Arc<tempfile::TempDir>,
    ) -> Result<Rows> {
        let Rows::Held(mut df) = self else {
            return Ok(self);
        };
        write_scratch(&path, &mut df)?;
        Ok(Rows::OnDisk(OnDisk {
            files: vec![path],
            schema: df.schema().clone(),
            order,
            _scratch: scratch,
        }))
    }

    /// The parts' rows as one, in one-run order by `order`: their files
    /// together when all are on disk, else held, sorted stably by it.
    pub fn merge(parts: Vec<Rows>, order: &'static str) -> PolarsResult<Rows> {
        if let Some(Rows::OnDisk(first)) = parts.first()
            && parts.iter().all(|p| matches!(p, Rows::OnDisk(_)))
        {
            let mut all = first.clone();
            all.files = parts
                .iter()
                .flat_map(|p| match p {
                    Rows::OnDisk(d) => d.files.clone(),
                    _ => Vec::new(),
                })
                .collect();
            return Ok(Rows::OnDisk(all));
        }
        let list = parts
            .into_iter()
            .map(|p| p.lazy())
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(Rows::Held(
            in_order(concat(list, UnionArgs::default())?, order).collect()?,
        ))
    }
}

/// Parts' rows (each in one-run order) in one-run order: a stable sort by
/// `order`.
pub fn in_order(lf: LazyFrame, order: &str) -> LazyFrame {
    lf.sort(
        [order],
        SortMultipleOptions::default().with_maintain_order(true),
    )
}
