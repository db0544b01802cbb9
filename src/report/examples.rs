//! Real journeys under each finding (SPEC 4): two or three cases that show
//! it, chosen deterministically, each told as a compact timeline a manager
//! reads in seconds, with its full case view further down the page.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::error::Result;
use crate::input::config::RunConfig;
use crate::journey::Journeys;
use crate::metrics::table::Table;
use crate::render::page::{Example, Step};
use crate::report::findings::Shows;

/// Examples under each finding.
pub const PER_FINDING: usize = 3;
/// Steps a compact timeline shows before "and N more".
const STEPS: usize = 8;

/// The case ids that show a finding, most typical first: surveyed cases
/// first (their answer closes the story), then nearest the typical value,
/// then by case_id. Cases another finding already shows come last, so each
/// finding tells its own stories where the data has them.
pub fn pick(journeys: &Journeys, shows: &Shows, shown: &[String]) -> Result<Vec<String>> {
    let distance = match &shows.typical {
        Some((e, v)) => (e.clone().cast(DataType::Float64) - lit(*v))
            .abs()
            .fill_null(lit(f64::MAX)),
        None => lit(0.0),
    };
    let picked = journeys
        .cases
        .clone()
        .lazy()
        .filter(shows.cases.clone())
        .select([
            col("case_id"),
            col("surveyed").fill_null(lit(false)).alias("_surveyed"),
            distance.alias("_distance"),
        ])
        .sort(
            ["_surveyed", "_distance", "case_id"],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
        )
        .limit((PER_FINDING + shown.len()) as IdxSize)
        .collect()?;
    let candidates: Vec<String> = picked
        .column("case_id")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let (fresh, seen): (Vec<String>, Vec<String>) =
        candidates.into_iter().partition(|id| !shown.contains(id));
    Ok(fresh.into_iter().chain(seen).take(PER_FINDING).collect())
}

/// A moment in the run's time zone: "Thu 1 Oct 09:40".
fn moment(ms: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).format("%a %-d %b %H:%M").to_string())
        .unwrap_or_default()
}

/// "+1 d 3 h", the time since the previous step.
fn after(ms: i64) -> String {
    let mins = ms.max(0) / 60_000;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (d, h) {
        (0, 0) => format!("+{m} min"),
        (0, _) => format!("+{h} h {m} min"),
        _ => format!("+{d} d {h} h"),
    }
}

/// The compact story of one case: its events (activity, channel, agent;
/// a promise with its due time and status), then the survey answer.
pub fn example(
    cfg: &RunConfig,
    journeys: &Journeys,
    id: &str,
    timeline: &DataFrame,
) -> Result<Example> {
    let tz: Tz = cfg.timezone.0;
    // This case's rows, with a time column also as epoch milliseconds.
    let this = |rows: LazyFrame, time: &str| -> PolarsResult<Table> {
        let rows = rows
            .filter(col("case_id").eq(lit(id)))
            .with_column(col(time).dt().timestamp(TimeUnit::Milliseconds).alias("ms"))
            .collect()?;
        Table::from_frame("x", "", &rows)
    };
    let case = this(journeys.cases.clone().lazy(), "responded_at")?;
    let mut steps = event_steps(
        &this(timeline.clone().lazy(), "ts")?,
        &this(journeys.promises.lazy()?, "due_at")?,
        tz,
    );
    let more = steps.len().saturating_sub(STEPS);
    if more > 0 {
        // The start and the end of the story matter most.
        let last = steps.pop();
        steps.truncate(STEPS - 1);
        steps.extend(last);
    }
    steps.extend(answer_step(
        &case,
        cfg.survey.scale_max,
        tz,
        cfg.keep_personal,
    ));
    let field = |name: &str| case.texts(name).into_iter().next().unwrap_or_default();
    let headline = [field("channel"), field("team"), field("agent")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    Ok(Example {
        case_id: id.to_string(),
        headline,
        steps,
        more,
    })
}

/// One step per event: when (the first as a moment, then the time since
/// the previous), the activity with its channel and agent, and for a
/// promise its kind, due time and status from the ledger.
fn event_steps(events: &Table, promises: &Table, tz: Tz) -> Vec<Step> {
    let (ms, activity, event) = (
        events.numbers("ms"),
        events.texts("activity"),
        events.texts("event"),
    );
    let (channel, agent, line) = (
        events.texts("channel"),
        events.texts("agent"),
        events.texts("line"),
    );
    let (p_line, p_kind, p_status) = (
        promises.texts("line"),
        promises.texts("kind"),
        promises.texts("status"),
    );
    let due = promises.numbers("ms");
    let mut steps = Vec::with_capacity(ms.len() + 1);
    let mut previous: Option<i64> = None;
    for i in 0..ms.len() {
        let Some(t) = ms[i].map(|x| x as i64) else {
            continue;
        };
        let when = match previous {
            None => moment(t, tz),
            Some(p) => after(t - p),
        };
        previous = Some(t);
        let mut what = if activity[i].is_empty() {
            event[i].replace('_', " ")
        } else {
            activity[i].clone()
        };
        let who: Vec<&str> = [channel[i].as_str(), agent[i].as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if !who.is_empty() {
            what = format!("{what} ({})", who.join(", "));
        }
        if let Some(j) = p_line.iter().position(|l| *l == line[i]) {
            let due = due[j].map(|d| format!(", due {}", moment(d as i64, tz)));
            what = format!(
                "{what}: {} promise{} — {}",
                p_kind[j],
                due.unwrap_or_default(),
                p_status[j]
            );
        }
        steps.push(Step { when, what });
    }
    steps
}

/// The survey answer that closes the story: score, the resolved answer and
/// the comment, when the case has one.
fn answer_step(case: &Table, scale_max: f64, tz: Tz, keep_personal: bool) -> Option<Step> {
    let field = |name: &str| case.texts(name).into_iter().next().unwrap_or_default();
    let answer = field("score");
    if answer.is_empty() {
        return None;
    }
    let resolved = match field("customer_resolved").as_str() {
        "true" => ", resolved",
        "false" => ", not resolved",
        _ => "",
    };
    let comment = field("comment");
    let comment = if comment.is_empty() {
        String::new()
    } else {
        format!(
            ": “{}”",
            crate::metrics::privacy::shown(&comment, keep_personal)
        )
    };
    let when = case
        .numbers("ms")
        .first()
        .copied()
        .flatten()
        .map(|t| moment(t as i64, tz))
        .unwrap_or_default();
    Some(Step {
        when,
        what: format!(
            "Survey answer {} of {}{resolved}{comment}",
            trim_number(&answer),
            trim_number(&scale_max.to_string())
        ),
    })
}

/// "4.0" → "4".
fn trim_number(s: &str) -> String {
    s.strip_suffix(".0").unwrap_or(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::after;

    #[test]
    fn gaps_read_in_words() {
        assert_eq!(after(5 * 60_000), "+5 min");
        assert_eq!(after(125 * 60_000), "+2 h 5 min");
        assert_eq!(after((26 * 60 + 5) * 60_000), "+1 d 2 h");
    }
}
