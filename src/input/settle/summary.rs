//! What a run must know of its inputs once their rows are gone: each
//! input's counts, every rejected row, and how many survey answers were
//! used. The quality gate judges it, the data-quality section shows it,
//! and a journeys dataset carries it, so a report built from journeys
//! (partitioned, or on Spark) tells the same story as one built from the
//! files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::InputKind;
use crate::input::config::FileFormat;
use crate::input::format::detect::ExportShape;

/// Per-input bookkeeping for the data-quality summary and run.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputStats {
    pub input: InputKind,
    pub path: PathBuf,
    pub format: FileFormat,
    pub shape: ExportShape,
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_rejected: u64,
    /// Values rejected in used rows (`fields::CELL_REASONS`): the row is
    /// used, the value is not. Not part of rows read = used + rejected.
    #[serde(default)]
    pub cells_rejected: u64,
    pub rejected_by_reason: BTreeMap<String, u64>,
    /// Cells that meant "missing" (SPEC 1.6): column -> what they held (a
    /// missing marker, or a not-yet date) -> cells.
    #[serde(default)]
    pub missing: BTreeMap<String, BTreeMap<String, u64>>,
    /// How each time column was read: column -> the layout in words.
    #[serde(default)]
    pub layouts: BTreeMap<String, String>,
}

impl InputStats {
    /// The counts of two parts of one input, added.
    fn add(&mut self, other: &InputStats) {
        self.rows_read += other.rows_read;
        self.rows_used += other.rows_used;
        self.rows_rejected += other.rows_rejected;
        self.cells_rejected += other.cells_rejected;
        for (column, layout) in &other.layouts {
            self.layouts
                .entry(column.clone())
                .or_insert_with(|| layout.clone());
        }
        for (column, kinds) in &other.missing {
            let mine = self.missing.entry(column.clone()).or_default();
            for (kind, n) in kinds {
                *mine.entry(kind.clone()).or_insert(0) += n;
            }
        }
        for (reason, n) in &other.rejected_by_reason {
            *self.rejected_by_reason.entry(reason.clone()).or_insert(0) += n;
        }
    }
}

#[derive(Debug, Clone)]
pub struct InputSummary {
    /// One per input, events first.
    pub stats: Vec<InputStats>,
    /// Every rejected row: input, line, reason, column, value, values; in
    /// input order, then line order.
    pub rejects: DataFrame,
    /// Survey answers among the used survey rows; None without surveys.
    pub answered_surveys: Option<u64>,
}

impl InputSummary {
    pub fn stats_of(&self, kind: InputKind) -> Option<&InputStats> {
        self.stats.iter().find(|s| s.input == kind)
    }

    /// The rejected rows of one input.
    pub fn rejects_of(&self, kind: InputKind) -> LazyFrame {
        self.rejects
            .clone()
            .lazy()
            .filter(col("input").eq(lit(kind.name())))
    }

    /// The summaries of the parts of one run's inputs, as one: counts
    /// added per input, rejects in input then line order.
    pub fn merge(parts: &[InputSummary]) -> PolarsResult<InputSummary> {
        let mut stats: Vec<InputStats> = Vec::new();
        for s in parts.iter().flat_map(|p| &p.stats) {
            match stats.iter_mut().find(|t| t.input == s.input) {
                Some(t) => t.add(s),
                None => stats.push(s.clone()),
            }
        }
        stats.sort_by_key(|s| s.input);
        let answered = parts
            .iter()
            .filter_map(|p| p.answered_surveys)
            .reduce(|a, b| a + b);
        let rejects = parts.iter().map(|p| p.rejects.clone().lazy());
        Ok(InputSummary {
            stats,
            rejects: in_order(concat(rejects.collect::<Vec<_>>(), UnionArgs::default())?)
                .collect()?,
            answered_surveys: answered,
        })
    }
}

/// Rejects in input order (events, surveys, contacts, cases), then by line.
pub fn in_order(rejects: LazyFrame) -> LazyFrame {
    let rank = [
        InputKind::Events,
        InputKind::Surveys,
        InputKind::Contacts,
        InputKind::Cases,
    ]
    .iter()
    .enumerate()
    .fold(lit(NULL).cast(DataType::UInt8), |rest, (i, k)| {
        when(col("input").eq(lit(k.name())))
            .then(lit(i as u8))
            .otherwise(rest)
    });
    rejects
        .with_column(rank.alias("__input_rank"))
        .sort(
            ["__input_rank", "line"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .drop(cols(["__input_rank"]))
}
