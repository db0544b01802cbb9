//! `cxgap case`: one journey side by side with its survey answers (SPEC 3.9).

use polars::prelude::*;
use serde_json::{Value, json};

use crate::cli::CaseArgs;
use crate::commands::Outcome;
use crate::error::{InputError, Result};
use crate::render::term::Term;
use crate::render::{self, Table};

pub fn run(args: &CaseArgs, term: &Term) -> Result<Outcome> {
    let (p, inputs) = super::prepare_keeping_inputs(&args.input, term)?;
    let j = &p.journeys;
    let id = args.case_id.as_str();
    let this = |df: &DataFrame| -> PolarsResult<DataFrame> {
        df.clone()
            .lazy()
            .filter(col("case_id").eq(lit(id)))
            .collect()
    };
    let row = this(&j.cases)?;
    if row.height() == 0 {
        return Err(InputError::UnknownCase {
            case_id: id.to_string(),
            similar: similar_ids(&j.cases, id)?,
        }
        .into());
    }

    let mut features = Table::new("journey", &format!("Case {id}"), &["feature", "value"]);
    let journey = Table::from_frame("journey", "", &row)?;
    for (name, value) in journey.columns.iter().zip(&journey.rows[0]) {
        if name != "case_id" {
            features.push(vec![json!(name), value.clone()]);
        }
    }

    // Only this case's events are put in timeline order.
    let events =
        crate::input::events::as_text(inputs.events.rows()).filter(col("case_id").eq(lit(id)));
    let timeline = crate::journey::timeline::ordered(events, &p.cfg)?
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
    let mut timeline = Table::from_frame("timeline", "Timeline", &timeline)?;
    let gap = timeline
        .columns
        .iter()
        .position(|c| c == "since_previous")
        .unwrap_or(1);
    for r in &mut timeline.rows {
        r[gap] = r[gap]
            .as_i64()
            .map(|ms| json!(duration(ms)))
            .unwrap_or(Value::Null);
    }

    let promises = Table::from_frame(
        "promises",
        "Promises",
        &this(&j.promises)?.drop_many(["case_id"]),
    )?;
    let contacts = Table::from_frame(
        "contacts",
        "Contact counts attributed to the case",
        &this(&j.attributed_contacts)?.drop_many(["case_id"]),
    )?;
    let surveys = Table::from_frame(
        "surveys",
        "Survey answers",
        &this(&j.matched_surveys)?.drop_many(["case_id"]),
    )?;
    let tables = [features, timeline, promises, contacts, surveys];
    term.out(render::render(&tables, args.format, term).as_bytes())?;
    Ok(Outcome::Done)
}

/// `1d 2h 5m`, the gap between two events.
fn duration(ms: i64) -> String {
    let mins = ms / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h {m}m"),
    }
}

/// Up to five case ids sharing the longest prefix with the one asked for.
fn similar_ids(cases: &DataFrame, id: &str) -> PolarsResult<Vec<String>> {
    let ids = cases.column("case_id")?.str()?.clone();
    for len in (2..=id.len().min(8)).rev() {
        let Some(prefix) = id.get(..len) else {
            continue;
        };
        let hits: Vec<String> = ids
            .iter()
            .flatten()
            .filter(|c| c.starts_with(prefix))
            .take(5)
            .map(str::to_string)
            .collect();
        if !hits.is_empty() {
            return Ok(hits);
        }
    }
    Ok(Vec::new())
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
