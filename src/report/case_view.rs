//! One journey side by side with its survey answers (SPEC 3.9): the tables
//! `cxgap case` prints and the report's page shows for each example case.

use polars::prelude::*;
use serde_json::{Value, json};

use crate::error::Result;
use crate::journey::Journeys;
use crate::metrics::table::Table;

/// The case's features, timeline, promises, contact counts and survey
/// answers. `timeline`: the case's events in timeline order
/// (`EventStore::timelines`). `None` when the journeys hold no such case.
/// Comments are masked unless `keep_personal` (SPEC 3.11).
pub fn tables(
    journeys: &Journeys,
    id: &str,
    timeline: &DataFrame,
    keep_personal: bool,
) -> Result<Option<Vec<Table>>> {
    let this = |rows: LazyFrame| -> PolarsResult<DataFrame> {
        rows.filter(col("case_id").eq(lit(id))).collect()
    };
    let row = this(journeys.cases.clone().lazy())?;
    if row.height() == 0 {
        return Ok(None);
    }
    let mut features = Table::new("journey", &format!("Case {id}"), &["feature", "value"]);
    let mut journey = Table::from_frame("journey", "", &row)?;
    mask_comments(&mut journey, keep_personal);
    for (name, value) in journey.columns.iter().zip(&journey.rows[0]) {
        if name != "case_id" {
            features.push(vec![json!(name), value.clone()]);
        }
    }

    let events = this(timeline.clone().lazy())?
        .lazy()
        .select([
            col("ts").alias("time"),
            (col("ts").dt().timestamp(TimeUnit::Milliseconds)
                - col("ts")
                    .dt()
                    .timestamp(TimeUnit::Milliseconds)
                    .shift(lit(1)))
            .alias("since_previous"),
            col("event"),
            col("activity"),
            col("channel"),
            col("agent"),
            col("team"),
            col("promise_kind"),
            col("due_at"),
            col("line"),
        ])
        .collect()?;
    let mut events = Table::from_frame("timeline", "Timeline", &events)?;
    let gap = events
        .columns
        .iter()
        .position(|c| c == "since_previous")
        .unwrap_or(1);
    for r in &mut events.rows {
        r[gap] = r[gap]
            .as_i64()
            .map(|ms| json!(duration(ms)))
            .unwrap_or(Value::Null);
    }
    counted_once(&mut events);

    let promises = Table::from_frame(
        "promises",
        "Promises",
        &this(journeys.promises.lazy()?)?.drop_many(["case_id"]),
    )?;
    let contacts = Table::from_frame(
        "contacts",
        "Contact counts attributed to the case",
        &this(journeys.attributed_contacts.lazy()?)?.drop_many(["case_id"]),
    )?;
    let mut surveys = Table::from_frame(
        "surveys",
        "Survey answers",
        &this(journeys.matched_surveys.lazy()?)?.drop_many(["case_id"]),
    )?;
    mask_comments(&mut surveys, keep_personal);
    Ok(Some(vec![features, events, promises, contacts, surveys]))
}

/// The `comment` column as a person may read it.
fn mask_comments(t: &mut Table, keep: bool) {
    let Some(i) = t.columns.iter().position(|c| c == "comment") else {
        return;
    };
    for r in &mut t.rows {
        if let Some(text) = r[i].as_str() {
            r[i] = json!(crate::metrics::privacy::shown(text, keep));
        }
    }
}

/// `1d 2h 5m`, the gap between two events.
/// A count on a case table's row (`Reopens = 7`) stands for as many events
/// at the opening, all of one line, time, type and name: the story shows
/// it once, as a count ("Reopens × 7, counted on the case's row"), not as
/// seven events in the opening minute.
fn counted_once(events: &mut Table) {
    let at = |name: &str| events.columns.iter().position(|c| c == name);
    let (Some(time), Some(event), Some(activity), Some(line)) =
        (at("time"), at("event"), at("activity"), at("line"))
    else {
        return;
    };
    let same =
        |a: &[Value], b: &[Value]| [time, event, activity, line].iter().all(|&i| a[i] == b[i]);
    let mut out: Vec<Vec<Value>> = Vec::new();
    let mut runs: Vec<usize> = Vec::new();
    for row in std::mem::take(&mut events.rows) {
        match out.last() {
            Some(last) if same(last, &row) => {
                if let Some(n) = runs.last_mut() {
                    *n += 1;
                }
            }
            _ => {
                out.push(row);
                runs.push(1);
            }
        }
    }
    for (row, n) in out.iter_mut().zip(runs) {
        if n > 1 {
            let name = row[activity].as_str().unwrap_or_default().to_string();
            row[activity] = json!(format!("{name} × {n}, counted on the case's row"));
        }
    }
    events.rows = out;
}

pub fn duration(ms: i64) -> String {
    let mins = ms / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration(5 * 60_000), "5m");
        assert_eq!(super::duration(125 * 60_000), "2h 5m");
        assert_eq!(super::duration((26 * 60 + 5) * 60_000), "1d 2h 5m");
    }
}
