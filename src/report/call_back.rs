//! The page's "Call back" section (SPEC 3.10): the first ten of each list,
//! each with its failures and the customer's own words, and the sentences
//! that say what the lists can and cannot tell.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::error::Result;
use crate::metrics::Ctx;
use crate::metrics::callbacks::Lists;
use crate::metrics::callbacks::failures::{NONE_IN_THE_LOG, Record};
use crate::metrics::callbacks::risk::Verdict;
use crate::metrics::table::Table;
use crate::render::page::{CallBackView, CallItem, CallList};

/// Rows of each list on the page; the files hold them all.
pub const ON_PAGE: usize = 10;

/// "Sun 1 Nov 09:12" in the run's time zone, from an ISO value.
fn moment(iso: &str, tz: Tz) -> String {
    DateTime::parse_from_rfc3339(iso)
        .map(|t| {
            t.with_timezone(&Utc)
                .with_timezone(&tz)
                .format("%a %-d %b %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| iso.to_string())
}

/// "435 h (18 days)".
fn waited(hours: f64) -> String {
    if hours < 48.0 {
        format!("{hours:.0} h")
    } else {
        format!("{hours:.0} h ({:.0} days)", hours / 24.0)
    }
}

fn headline(r: &Record) -> String {
    ["customer_id", "team", "agent"]
        .iter()
        .filter_map(|c| r.get(c).as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn failures(r: &Record) -> Vec<String> {
    r.get("failures")
        .as_str()
        .unwrap_or_default()
        .split("; ")
        .map(str::to_string)
        .collect()
}

fn records(t: &Table) -> impl Iterator<Item = Record<'_>> {
    Record::all(t).take(ON_PAGE)
}

/// The share of unhappy answers whose journey shows no failure: what the
/// log cannot see.
pub fn unexplained(callbacks: &Table) -> (usize, usize) {
    let none = callbacks
        .texts("failures")
        .iter()
        .filter(|f| f.as_str() == NONE_IN_THE_LOG)
        .count();
    (none, callbacks.rows.len())
}

pub fn view(lists: &Lists, days: f64, scale_max: f64, tz: Tz) -> CallBackView {
    let (none, answers) = unexplained(&lists.callbacks);
    let callback_note = if answers == 0 {
        format!("No unhappy answer in the last {days} days.")
    } else {
        format!(
            "{none} of {answers} ({:.0}%) show no failure in the log: their cause lies outside what it records (the product, a policy, a contact the log missed). Not yet called back first, then the journeys that failed in most ways.",
            100.0 * none as f64 / answers as f64
        )
    };
    let callbacks = records(&lists.callbacks)
        .map(|r| {
            let answered = moment(r.get("responded_at").as_str().unwrap_or_default(), tz);
            let score = r
                .get("score")
                .as_f64()
                .map(|s| format!(", score {s} of {scale_max}"))
                .unwrap_or_default();
            let status = match r.get("hours_waiting").as_f64() {
                Some(h) => format!("Answered {answered}{score}; waiting {}", waited(h)),
                None => format!("Answered {answered}{score}; already called back"),
            };
            CallItem {
                case_id: r.get("case_id").as_str().unwrap_or_default().to_string(),
                headline: headline(&r),
                status,
                failures: failures(&r),
                quote: r.get("comment").as_str().map(str::to_string),
            }
        })
        .collect();
    let check = lists.check.rows.first();
    let cell = |i: usize| check.and_then(|r| r[i].as_f64());
    let n_test = cell(2).unwrap_or(0.0);
    let at_risk_note = match (lists.verdict, cell(4), cell(5)) {
        (Verdict::Useful, Some(auc), Some(capture)) => format!(
            "How good this list is, measured: refitted on the answers before the last {days} days, the model ranked a later unhappy answer above a happy one {:.0}% of the time (AUC {auc:.2}, n = {n_test} later answers); its riskiest tenth held {:.0}% of the unhappy ones.",
            auc * 100.0,
            capture * 100.0,
        ),
        (Verdict::PredictsLittle, Some(auc), _) => format!(
            "Journeys predict little here (AUC {auc:.2}, n = {n_test} later answers): the list is ordered by the failures in each journey."
        ),
        _ => {
            "Too few answers to tell how good this list is: it is ordered by risk, untested.".into()
        }
    };
    let at_risk = records(&lists.at_risk)
        .map(|r| {
            let risk = r.get("risk").as_f64().unwrap_or(0.0);
            let last = moment(r.get("last_event_at").as_str().unwrap_or_default(), tz);
            CallItem {
                case_id: r.get("case_id").as_str().unwrap_or_default().to_string(),
                headline: headline(&r),
                status: format!(
                    "Risk {:.0}% · {} · last event {last}",
                    risk * 100.0,
                    r.get("status").as_str().unwrap_or_default()
                ),
                failures: failures(&r),
                quote: None,
            }
        })
        .collect();
    CallBackView {
        lists: vec![
            CallList {
                heading: format!("Unhappy answers of the last {days} days: {answers} customers"),
                note: callback_note,
                items: callbacks,
                total: answers,
                file: "tables/callbacks.csv",
            },
            CallList {
                heading: format!(
                    "Call first: {} cases without an answer whose journeys look like the unhappy ones",
                    lists.at_risk.rows.len()
                ),
                note: at_risk_note,
                items: at_risk,
                total: lists.at_risk.rows.len(),
                file: "tables/at_risk.csv",
            },
        ],
    }
}

/// The case ids the section shows, for their full journeys on the page.
pub fn shown_ids(lists: &Lists) -> Vec<String> {
    [&lists.callbacks, &lists.at_risk]
        .into_iter()
        .flat_map(|t| t.texts("case_id").into_iter().take(ON_PAGE))
        .collect()
}

/// Two lines for summary.png.
pub fn png_lines(lists: &Lists, days: f64) -> Vec<String> {
    let (none, answers) = unexplained(&lists.callbacks);
    vec![
        format!(
            "{answers} customers answered unhappy in the last {days} days: call them back ({none} with no failure in the log)."
        ),
        format!(
            "{} cases without an answer look like the unhappy ones: call them first ({}).",
            lists.at_risk.rows.len(),
            lists.verdict.sentence()
        ),
    ]
}

/// What a call can do: the satisfied answer of a proactive journey (the
/// company called and the customer never had to) or of one followed up
/// after the resolution, the most recent first. The seeds' manufacturer won
/// a customer for life with such a call.
pub fn call_that_worked(ctx: &Ctx) -> Result<Option<CallList>> {
    let proactive = col("outbound_contacts")
        .fill_null(lit(0i64))
        .gt(lit(0i64))
        .and(col("inbound_contacts").fill_null(lit(0i64)).eq(lit(0i64)));
    let df = ctx
        .surveyed()
        .filter(
            col("satisfied").fill_null(lit(false)).and(
                proactive
                    .clone()
                    .or(col("followed_up").fill_null(lit(false))),
            ),
        )
        .with_column(proactive.alias("_proactive"))
        .sort(
            ["_proactive", "responded_at", "case_id"],
            SortMultipleOptions::default().with_order_descending_multi([true, true, false]),
        )
        .limit(1)
        .collect()?;
    let t = Table::from_frame("worked", "", &df)?;
    let Some(r) = Record::all(&t).next() else {
        return Ok(None);
    };
    let how = if r.get("_proactive").as_bool() == Some(true) {
        "The company called first; the customer never had to call"
    } else {
        "Called after the resolution, before the survey"
    };
    let score = r.get("score").as_f64().unwrap_or_default();
    Ok(Some(CallList {
        heading: "A call that worked".into(),
        note: "What a follow-up can do, from this data: the most recent satisfied answer on a journey the company called about.".into(),
        items: vec![CallItem {
            case_id: r.get("case_id").as_str().unwrap_or_default().to_string(),
            headline: headline(&r),
            status: format!(
                "{how}; score {score} of {}",
                ctx.cfg.survey.scale_max
            ),
            failures: Vec::new(),
            quote: r
                .get("comment")
                .as_str()
                .map(|c| crate::metrics::privacy::shown(c, ctx.cfg.keep_personal).into_owned()),
        }],
        total: 1,
        file: "tables/callbacks.csv",
    }))
}
