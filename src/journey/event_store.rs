//! A run's events, kept for looking up a few cases' timelines after the
//! journeys are built: the report's example journeys and case views, and
//! `cxgap case`. In one pass that is the validated rows themselves (only
//! the columns a timeline shows; the frame is shared, not copied); in a
//! partitioned run it is the files the parts were spilled to, so memory
//! stays within the run's budget.

use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::events::as_text;
use crate::journey::timeline::{self, CASE};

/// What a timeline shows, and what ordering it needs.
const KEPT: [&str; 11] = [
    "case_id",
    CASE,
    "ts",
    "event",
    "activity",
    "channel",
    "agent",
    "team",
    "promise_kind",
    "due_at",
    "line",
];

pub enum EventStore {
    Rows(DataFrame),
    Files {
        files: Vec<PathBuf>,
        schema: SchemaRef,
        /// The folder the files live in, removed with the store.
        _scratch: Arc<tempfile::TempDir>,
    },
}

impl EventStore {
    /// Keep the columns a timeline needs of the validated event rows.
    pub fn rows(events: &DataFrame) -> PolarsResult<EventStore> {
        let names = events.get_column_names();
        let kept: Vec<&str> = KEPT
            .into_iter()
            .filter(|k| names.iter().any(|n| n.as_str() == *k))
            .collect();
        Ok(EventStore::Rows(events.select(kept)?))
    }

    /// The events of `case_ids`, each case in timeline order (cases by
    /// case_id), categoricals as text, with the columns of `KEPT`.
    pub fn timelines(&self, case_ids: &[String], cfg: &RunConfig) -> Result<DataFrame> {
        let ids = lit(Series::new("ids".into(), case_ids)).implode(false);
        let wanted = |lf: LazyFrame| lf.filter(col("case_id").is_in(ids.clone(), false));
        let rows = match self {
            EventStore::Rows(df) => wanted(df.clone().lazy()),
            EventStore::Files { files, schema, .. } => {
                let mut parts = Vec::with_capacity(files.len());
                for f in files {
                    let file = std::fs::File::open(f).map_err(|source| {
                        crate::error::OutputError::Scratch {
                            path: f.clone(),
                            source,
                        }
                    })?;
                    parts.push(wanted(ParquetReader::new(file).finish()?.lazy()));
                }
                let types = schema
                    .iter()
                    .map(|(name, dtype)| (name.as_str(), dtype.clone()))
                    .collect();
                concat(parts, UnionArgs::default())?
                    .cast(types, true)
                    // Parts hold whole cases; case_id then input order is
                    // the timeline order the loader gave them.
                    .sort(
                        ["case_id"],
                        SortMultipleOptions::default().with_maintain_order(true),
                    )
            }
        };
        // Case numbers are per part in a partitioned run: the id itself
        // keys the per-case windows here.
        let rows = as_text(rows).with_column(col("case_id").alias(CASE));
        let kept: Vec<Expr> = KEPT
            .iter()
            .filter(|k| **k != CASE)
            .map(|k| col(*k))
            .collect();
        Ok(timeline::ordered(rows, cfg)?.select(kept).collect()?)
    }
}
