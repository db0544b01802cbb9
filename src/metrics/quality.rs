//! Data quality: what was read, used and rejected (and why), which activity
//! names map to nothing, which surveys and contact rows found no case.

use polars::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::InputKind;
use crate::input::config::{RunConfig, Shape};
use crate::input::settle::summary::InputStats;
use crate::journey::Journeys;
use crate::metrics::table::Table;
use crate::metrics::warnings::{self, Warning};

/// How many line numbers a grouped row lists as examples.
const EXAMPLES: usize = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Grouped {
    pub input: String,
    pub reason: String,
    pub column: Option<String>,
    pub rows: u64,
    pub example_lines: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unmapped {
    /// The activity name or answer label.
    pub activity: String,
    pub rows: u64,
}

/// (text, rows) of a text column counted by value, most frequent first.
fn counted(lf: LazyFrame, column: &str, limit: IdxSize) -> PolarsResult<Vec<Unmapped>> {
    summed(lf.with_column(lit(1u64).alias("rows")), column, limit)
}

/// (text, rows) of a text column, its `rows` added up by value, most
/// frequent first.
fn summed(lf: LazyFrame, column: &str, limit: IdxSize) -> PolarsResult<Vec<Unmapped>> {
    let df = lf
        .group_by([col(column)])
        .agg([col("rows").sum().cast(DataType::UInt64)])
        .sort(
            ["rows", column],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(limit)
        .collect()?;
    Ok(df
        .column(column)?
        .str()?
        .iter()
        .zip(df.column("rows")?.u64()?.iter())
        .map(|(a, n)| Unmapped {
            activity: a.unwrap_or_default().to_string(),
            rows: n.unwrap_or(0),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub as_of: String,
    pub as_of_source: String,
    pub timezone: String,
    pub cases: u64,
    pub open_cases: u64,
    pub inputs: Vec<InputStats>,
    /// What one row of each input stands for, as validate shows it: the
    /// config's shape when it is not one row per event or count (wide,
    /// snapshots, interactions), else the export's (plain, Qualtrics ...).
    pub input_shapes: Vec<String>,
    pub rejected: Vec<Grouped>,
    pub unmapped_activities: Vec<Unmapped>,
    /// Survey answers no label map knows, by label.
    pub unmapped_answers: Vec<Unmapped>,
    pub unmatched_surveys: Vec<Grouped>,
    pub unattributed_contacts: Vec<Grouped>,
    pub undated_promises: u64,
    /// A snapshot log (SPEC 1.6): how its rows became events.
    pub snapshots: Option<SnapshotEvents>,
    pub warnings: Vec<Warning>,
}

/// A snapshot log's rows as events: a row in the state its case was
/// already in is that state seen again, no event; a running count's rises
/// are events of their own.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotEvents {
    pub rows_used: u64,
    pub state_events: u64,
    pub repeated_rows: u64,
    pub counted_events: u64,
}

/// The events a snapshot log's rows became, from the activity counts
/// (each event once: a state by its name, a count's rise by its column's).
fn snapshot_events(cfg: &RunConfig, journeys: &Journeys) -> PolarsResult<Option<SnapshotEvents>> {
    if cfg.events.shape != Some(Shape::Snapshots) {
        return Ok(None);
    }
    let rows_used = journeys
        .inputs
        .stats
        .iter()
        .find(|s| s.input == InputKind::Events)
        .map_or(0, |s| s.rows_used);
    let counted: Vec<String> = cfg.events.wide.counts.keys().cloned().collect();
    let sums = journeys
        .activities
        .clone()
        .lazy()
        .select([
            col("rows")
                .filter(
                    col("activity")
                        .is_in(lit(Series::new("".into(), counted.clone())), false)
                        .not(),
                )
                .sum()
                .alias("states"),
            col("rows")
                .filter(col("activity").is_in(lit(Series::new("".into(), counted)), false))
                .sum()
                .alias("counted"),
        ])
        .collect()?;
    let get = |c: &str| -> PolarsResult<u64> {
        Ok(sums
            .column(c)?
            .cast(&DataType::UInt64)?
            .u64()?
            .get(0)
            .unwrap_or(0))
    };
    let state_events = get("states")?;
    Ok(Some(SnapshotEvents {
        rows_used,
        state_events,
        repeated_rows: rows_used.saturating_sub(state_events),
        counted_events: get("counted")?,
    }))
}

/// Group rows by (input, reason, column) with counts and example lines.
fn grouped(df: &DataFrame, input: Option<&str>, column: bool) -> PolarsResult<Vec<Grouped>> {
    let mut names = vec!["reason"];
    if input.is_none() {
        names.insert(0, "input");
    }
    if column {
        names.push("column");
    }
    let keys: Vec<Expr> = names.iter().map(|n| col(*n)).collect();
    let g = df
        .clone()
        .lazy()
        .sort(["line"], SortMultipleOptions::default())
        .group_by(keys)
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("line").head(Some(EXAMPLES)).alias("example_lines"),
        ])
        .sort(names, SortMultipleOptions::default())
        .collect()?;
    let text = |name: &str, i: usize| -> Option<String> {
        g.column(name).ok()?.str().ok()?.get(i).map(str::to_string)
    };
    let rows = g.column("rows")?.u64()?;
    let lines = g.column("example_lines")?.list()?;
    (0..g.height())
        .map(|i| {
            let examples = lines
                .get_as_series(i)
                .map(|s| {
                    s.i64()
                        .map(|c| c.into_no_null_iter().collect())
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            Ok(Grouped {
                input: input
                    .map(str::to_string)
                    .or_else(|| text("input", i))
                    .unwrap_or_default(),
                reason: text("reason", i).unwrap_or_default(),
                column: if column { text("column", i) } else { None },
                rows: rows.get(i).unwrap_or(0),
                example_lines: examples,
            })
        })
        .collect()
}

/// An input's shape in one word: a survey read from a wide case table's
/// own columns is wide too.
fn shape_shown(cfg: &RunConfig, s: &InputStats) -> String {
    let spec = match s.input {
        InputKind::Events => Some(&cfg.events),
        InputKind::Surveys => cfg.surveys.as_ref(),
        InputKind::Contacts => cfg.contacts.as_ref(),
        InputKind::Cases => cfg.cases.as_ref(),
    };
    let own = spec.and_then(|spec| spec.shape);
    let from_wide = s.input == InputKind::Surveys
        && cfg.events.shape == Some(Shape::Wide)
        && s.path == cfg.events.path;
    match (own, from_wide) {
        (Some(shape @ (Shape::Wide | Shape::Snapshots | Shape::Interactions)), _) => {
            json!(shape).as_str().unwrap_or_default().to_string()
        }
        (_, true) => "wide".into(),
        _ => json!(s.shape).as_str().unwrap_or_default().to_string(),
    }
}

pub fn quality(cfg: &RunConfig, journeys: &Journeys) -> PolarsResult<Quality> {
    let unmapped = summed(
        journeys
            .activities
            .clone()
            .lazy()
            .filter(col("event").eq(lit("other"))),
        "activity",
        20,
    )?;
    let inputs = &journeys.inputs;
    let unmapped_answers = counted(
        inputs
            .rejects_of(InputKind::Surveys)
            .filter(col("reason").eq(lit("unmapped_answer"))),
        "value",
        50,
    )?;
    let cases = &journeys.cases;
    let open = cases.column("resolved_at")?.null_count() as u64;
    let undated = journeys
        .promises
        .unordered()?
        .filter(col("status").eq(lit("undated")))
        .select([len().cast(DataType::UInt64)])
        .collect()?
        .column("len")?
        .u64()?
        .get(0)
        .unwrap_or(0);
    Ok(Quality {
        as_of: crate::metrics::table::iso(journeys.as_of.timestamp_millis()),
        as_of_source: journeys.as_of_source.clone(),
        timezone: cfg.timezone.to_string(),
        cases: cases.height() as u64,
        open_cases: open,
        inputs: inputs.stats.clone(),
        input_shapes: inputs.stats.iter().map(|s| shape_shown(cfg, s)).collect(),
        rejected: grouped(&inputs.rejects, None, true)?,
        unmapped_activities: unmapped,
        unmapped_answers,
        unmatched_surveys: grouped(&journeys.unmatched_surveys, Some("surveys"), false)?,
        unattributed_contacts: grouped(&journeys.unattributed_contacts, Some("contacts"), false)?,
        undated_promises: undated,
        snapshots: snapshot_events(cfg, journeys)?,
        warnings: warnings::warnings(cfg, journeys)?,
    })
}

impl Quality {
    pub fn tables(&self) -> Vec<Table> {
        let mut summary = Table::new(
            "summary",
            "Run",
            &[
                "as_of",
                "as_of_source",
                "timezone",
                "cases",
                "open_cases",
                "undated_promises",
            ],
        );
        summary.push(vec![
            json!(self.as_of),
            json!(self.as_of_source),
            json!(self.timezone),
            json!(self.cases),
            json!(self.open_cases),
            json!(self.undated_promises),
        ]);
        let mut inputs = Table::new(
            "inputs",
            "Inputs: rows read = used + rejected",
            &[
                "input",
                "path",
                "format",
                "shape",
                "rows_read",
                "rows_used",
                "rows_rejected",
            ],
        );
        for (s, shape) in self.inputs.iter().zip(&self.input_shapes) {
            inputs.push(vec![
                json!(s.input),
                // The file name only: the report must not depend on where it was run from.
                json!(
                    s.path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default()
                ),
                json!(s.format),
                json!(shape),
                json!(s.rows_read),
                json!(s.rows_used),
                json!(s.rows_rejected),
            ]);
        }
        let grouped_table = |name: &str, title: &str, rows: &[Grouped], with_column: bool| {
            let mut cols = vec!["input", "reason"];
            if with_column {
                cols.push("column");
            }
            cols.extend(["rows", "example_lines"]);
            let mut t = Table::new(name, title, &cols);
            for g in rows {
                let mut r = vec![json!(g.input), json!(g.reason)];
                if with_column {
                    r.push(g.column.clone().map(Value::String).unwrap_or(Value::Null));
                }
                r.push(json!(g.rows));
                r.push(json!(
                    g.example_lines
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
                t.push(r);
            }
            t
        };
        let mut unmapped = Table::new(
            "unmapped_activities",
            "Activity names mapped to `other` (map them in [events.activities])",
            &["activity", "rows"],
        );
        for u in &self.unmapped_activities {
            unmapped.push(vec![json!(u.activity), json!(u.rows)]);
        }
        let mut answers = Table::new(
            "unmapped_answers",
            "Survey answers no label map knows (map them in [surveys.labels])",
            &["answer", "rows"],
        );
        for u in &self.unmapped_answers {
            answers.push(vec![json!(u.activity), json!(u.rows)]);
        }
        let mut warnings = Table::new(
            "warnings",
            "Warnings: what makes figures wrong unless fixed",
            &["warning", "fix"],
        );
        for w in &self.warnings {
            warnings.push(vec![json!(w.message), json!(w.fix)]);
        }
        // SPEC 1.6: each kind of missing value, per column.
        let mut missing = Table::new(
            "missing_values",
            "Cells read as missing, by what they held",
            &["input", "column", "value", "cells"],
        );
        for s in &self.inputs {
            for (column, kinds) in &s.missing {
                for (kind, n) in kinds {
                    missing.push(vec![json!(s.input), json!(column), json!(kind), json!(n)]);
                }
            }
        }
        // SPEC 1.4: the layout each time column was read in.
        let mut layouts = Table::new(
            "timestamp_layouts",
            "How each time column was read",
            &["input", "column", "layout"],
        );
        for s in &self.inputs {
            for (column, layout) in &s.layouts {
                layouts.push(vec![json!(s.input), json!(column), json!(layout)]);
            }
        }
        let mut tables = vec![summary, warnings, inputs];
        if let Some(s) = &self.snapshots {
            let mut t = Table::new(
                "snapshot_events",
                "Snapshot rows as events: a state seen again is no new event",
                &[
                    "rows_used",
                    "state_events",
                    "repeated_rows",
                    "counted_events",
                ],
            );
            t.push(vec![
                json!(s.rows_used),
                json!(s.state_events),
                json!(s.repeated_rows),
                json!(s.counted_events),
            ]);
            tables.push(t);
        }
        tables.extend([
            layouts,
            grouped_table("rejected", "Rejected rows by reason", &self.rejected, true),
            missing,
            unmapped,
            answers,
            grouped_table(
                "unmatched_surveys",
                "Surveys that joined no case",
                &self.unmatched_surveys,
                false,
            ),
            grouped_table(
                "unattributed_contacts",
                "Contact-count rows that fit no case",
                &self.unattributed_contacts,
                false,
            ),
        ]);
        tables
    }
}
