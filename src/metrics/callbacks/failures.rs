//! A journey's failures in words (SPEC 3.10 `failures`): what the caller
//! should know before picking up the phone, from the facts of SPEC 2.

use std::collections::BTreeMap;

use chrono::DateTime;
use polars::prelude::*;
use serde_json::Value;

use crate::error::Result;
use crate::input::rows::timestamp::Zone;
use crate::journey::Journeys;
use crate::metrics::table::Table;

/// What an empty list of failures says: the cause lies outside the log.
pub const NONE_IN_THE_LOG: &str = "none in the log";

/// One row of a small collected table, read by column name.
pub struct Record<'a> {
    pub columns: &'a [String],
    pub row: &'a [Value],
}

impl<'a> Record<'a> {
    /// Every row of a table, read by column name.
    pub fn all(t: &'a Table) -> impl Iterator<Item = Record<'a>> {
        t.rows.iter().map(|row| Record {
            columns: &t.columns,
            row,
        })
    }

    pub fn get(&self, column: &str) -> &Value {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| &self.row[i])
            .unwrap_or(&Value::Null)
    }

    fn count(&self, column: &str) -> i64 {
        self.get(column).as_i64().unwrap_or(0)
    }

    fn yes(&self, column: &str) -> bool {
        self.get(column).as_bool().unwrap_or(false)
    }
}

/// A late or broken promise of a listed case.
struct Missed {
    kind: String,
    status: String,
    due_ms: i64,
}

/// The late and broken promises of the given cases, by case, in due order.
fn missed_promises(journeys: &Journeys, ids: &[String]) -> Result<BTreeMap<String, Vec<Missed>>> {
    let ids = DataFrame::new(ids.len(), vec![Column::new("case_id".into(), ids)])?;
    let df = journeys
        .promises
        .of_cases(ids.lazy())?
        .lazy()?
        .filter(col("status").is_in(
            lit(Series::new("s".into(), ["late", "broken"])).implode(false),
            false,
        ))
        .select([
            col("case_id"),
            col("kind").cast(DataType::String),
            col("status"),
            col("due_at")
                .dt()
                .timestamp(TimeUnit::Milliseconds)
                .alias("due_ms"),
        ])
        .sort(["case_id", "due_ms"], SortMultipleOptions::default())
        .collect()?;
    let mut out: BTreeMap<String, Vec<Missed>> = BTreeMap::new();
    let (case, kind, status, due) = (
        df.column("case_id")?.str()?,
        df.column("kind")?.str()?,
        df.column("status")?.str()?,
        df.column("due_ms")?.i64()?,
    );
    for i in 0..df.height() {
        if let (Some(c), Some(s), Some(d)) = (case.get(i), status.get(i), due.get(i)) {
            out.entry(c.to_string()).or_default().push(Missed {
                kind: kind.get(i).unwrap_or_default().to_string(),
                status: s.to_string(),
                due_ms: d,
            });
        }
    }
    Ok(out)
}

/// The failures of each listed case: its facts in words and how many
/// distinct kinds of failure they are.
pub struct Failures {
    pub words: String,
    pub kinds: usize,
}

/// Each row of `cases` (columns of the journeys table) with its failures,
/// in the rows' order.
pub fn describe<'a>(
    journeys: &Journeys,
    cases: &'a Table,
    zone: &Zone,
) -> Result<Vec<(Record<'a>, Failures)>> {
    let ids: Vec<String> = Record::all(cases)
        .map(|r| r.get("case_id").as_str().unwrap_or_default().to_string())
        .collect();
    let missed = missed_promises(journeys, &ids)?;
    Ok(Record::all(cases)
        .zip(&ids)
        .map(|(r, id)| {
            let f = of_case(&r, missed.get(id), zone);
            (r, f)
        })
        .collect())
}

/// "2 times" for counts above one, nothing for one.
fn times(n: i64) -> String {
    if n > 1 {
        format!(" {n} times")
    } else {
        String::new()
    }
}

fn of_case(r: &Record, missed: Option<&Vec<Missed>>, zone: &Zone) -> Failures {
    let mut words: Vec<String> = Vec::new();
    let mut kinds = 0;
    // However many promises were missed, they are one kind of failure.
    if let Some(missed) = missed.filter(|m| !m.is_empty()) {
        kinds += 1;
        for m in missed {
            let due = DateTime::from_timestamp_millis(m.due_ms)
                .map(|t| {
                    t.with_timezone(&zone.0)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let kind = if m.kind.is_empty() {
                "promise".to_string()
            } else {
                format!("{} promise", m.kind)
            };
            words.push(format!("{kind} {} (due {due})", m.status));
        }
    }
    let inbound = r.count("inbound_contacts");
    let transfers = r.count("transfers");
    let reopens = r.count("reopens");
    let identifications = r.count("identifications");
    let resolved = !r.get("resolved_at").is_null();
    let facts = [
        (inbound >= 2, format!("{inbound} inbound contacts")),
        (
            r.yes("recontacted"),
            "contacted again after resolution".into(),
        ),
        (transfers > 0, format!("transferred{}", times(transfers))),
        (r.yes("escalated"), "escalated".into()),
        (reopens > 0, format!("reopened{}", times(reopens))),
        (
            identifications >= 2,
            format!("identified {identifications} times"),
        ),
        (
            resolved && r.get("customer_resolved").as_bool() == Some(false),
            "resolved in the log, not for the customer".into(),
        ),
        (!resolved, "still open".into()),
    ];
    for (happened, text) in facts {
        if happened {
            kinds += 1;
            words.push(text);
        }
    }
    Failures {
        words: if words.is_empty() {
            NONE_IN_THE_LOG.to_string()
        } else {
            words.join("; ")
        },
        kinds,
    }
}
