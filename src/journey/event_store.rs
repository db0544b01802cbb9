//! A run's events, kept for looking up a few cases' timelines after the
//! journeys are built: the report's example journeys and case views, and
//! `cxgap case`, and `cxgap sql`'s events table. In one pass that is the
//! validated rows themselves (the columns a timeline shows, or every column
//! for sql; the frame is shared, not copied), or a
//! copy on disk when the run is near its memory budget; in a partitioned
//! run, the files the parts were spilled to; from a journeys dataset, its
//! events files. Files are scanned with the case filter pushed down.

use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::rows::events::{COLUMNS, as_text};
use crate::input::settle::spool::{self, frame_bytes, write_scratch};
use crate::journey::rows::in_order;
use crate::journey::timeline::{self, CASE};

/// What a timeline shows, and what ordering it needs: the validated
/// events' columns but the customer (and the dimensions).
fn kept() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().copied().filter(|c| *c != "customer_id")
}

/// Which columns of the validated events a store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// What a timeline shows: not the customer or the dimensions.
    Timeline,
    /// Every column (`cxgap sql`'s `events` table).
    All,
}

pub enum EventStore {
    Rows(DataFrame),
    Files {
        files: Vec<PathBuf>,
        /// The events' types, restored on reading (spill files lose the
        /// categoricals); `None`: as stored.
        schema: Option<SchemaRef>,
        /// A run's scratch folder holding the files, removed with the
        /// store; `None` for a dataset's files, which stay.
        _scratch: Option<Arc<tempfile::TempDir>>,
    },
}

impl EventStore {
    /// Keep the validated event rows' columns that `which` names.
    pub fn rows(events: &DataFrame, which: Kept) -> PolarsResult<EventStore> {
        if which == Kept::All {
            return Ok(EventStore::Rows(events.clone()));
        }
        let names = events.get_column_names();
        let kept: Vec<&str> = kept()
            .filter(|k| names.iter().any(|n| n.as_str() == *k))
            .collect();
        Ok(EventStore::Rows(events.select(kept)?))
    }

    /// Bytes the kept events take in memory (none once on disk).
    pub fn bytes(&self) -> usize {
        match self {
            EventStore::Rows(df) => frame_bytes(df),
            EventStore::Files { .. } => 0,
        }
    }

    /// The kept events moved to a file in the run's scratch folder, so a
    /// build near its memory budget does not also hold them.
    pub fn spill(self, scratch: Arc<tempfile::TempDir>) -> Result<EventStore> {
        let EventStore::Rows(mut df) = self else {
            return Ok(self);
        };
        let path = scratch.path().join("events-kept.parquet");
        write_scratch(&path, &mut df)?;
        Ok(EventStore::Files {
            files: vec![path],
            schema: Some(df.schema().clone()),
            _scratch: Some(scratch),
        })
    }

    /// A journeys dataset's event files.
    pub fn dataset(files: Vec<PathBuf>) -> Result<EventStore> {
        Ok(EventStore::Files {
            files,
            schema: None,
            _scratch: None,
        })
    }

    /// Every kept event, in timeline order (cases by case_id).
    pub fn frame(&self) -> Result<DataFrame> {
        match self {
            EventStore::Rows(df) => Ok(df.clone()),
            EventStore::Files { .. } => Ok(self.scan(|lf| lf)?.collect()?),
        }
    }

    /// Every kept event as a user sees it (text, no case number), in
    /// timeline order, as a plan: files stay on disk until it runs.
    pub fn public(&self) -> Result<LazyFrame> {
        let mut rows = self.scan(|lf| lf)?;
        if rows.collect_schema()?.contains(CASE) {
            rows = rows.drop(cols([CASE]));
        }
        Ok(as_text(rows))
    }

    /// The files read back and narrowed by `wanted`, as one frame in
    /// timeline order, with their stored types restored.
    fn scan(&self, wanted: impl Fn(LazyFrame) -> LazyFrame) -> Result<LazyFrame> {
        let (files, schema) = match self {
            EventStore::Rows(df) => return Ok(wanted(df.clone().lazy())),
            EventStore::Files { files, schema, .. } => (files, schema),
        };
        if let Some(f) = files.iter().find(|f| !f.is_file()) {
            return Err(crate::error::OutputError::Scratch {
                path: f.clone(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            }
            .into());
        }
        // Scanned, not read: the filter reaches the files, and the row
        // groups of other cases (the files are in case order) are skipped.
        // Files hold whole cases; case_id then stored order is the
        // timeline order the loader gave them.
        let rows = spool::scan_files(files, schema.as_deref())?;
        Ok(in_order(wanted(rows), "case_id"))
    }

    /// The events of `case_ids`, each case in timeline order (cases by
    /// case_id), categoricals as text, with the columns of `kept`.
    pub fn timelines(&self, case_ids: &[String], cfg: &RunConfig) -> Result<DataFrame> {
        let ids = lit(Series::new("ids".into(), case_ids)).implode(false);
        let wanted = |lf: LazyFrame| lf.filter(col("case_id").is_in(ids.clone(), false));
        let rows = self.scan(wanted)?;
        // Case numbers are per part in a partitioned run, and not kept in
        // one pass: the id itself keys the per-case windows here.
        let rows = as_text(rows).with_column(col("case_id").alias(CASE));
        let kept: Vec<Expr> = kept().map(col).collect();
        Ok(timeline::ordered(rows, cfg)?.select(kept).collect()?)
    }
}
