//! SPEC 3.1: the headline figures. Their names are what `--fail-if` uses.

use polars::prelude::*;
use serde_json::json;

use super::stats::{self, Summary};
use super::{Ctx, cell, num, ratio, round};
use crate::error::Result;
use crate::input::config::SurveyKind;
use crate::metrics::table::Table;

#[derive(Debug, Clone)]
pub struct Figure {
    pub name: &'static str,
    pub value: Option<f64>,
    /// The denominator (or count) the figure rests on.
    pub n: Option<f64>,
    /// Its 95% interval, where it has one (Wilson for shares, Student's t
    /// for means, the NPS margin for NPS).
    pub interval: Option<(f64, f64)>,
    pub basis: &'static str,
    /// Why the inputs cannot measure this figure at all (SPEC 3.1): it is
    /// n/a, never shown as measured, and `--fail-if` on it is refused.
    pub unmeasured: Option<&'static str>,
}

/// The reason contact figures are n/a in a log without inbound contacts.
pub const NO_CONTACTS: &str = "the inputs hold no inbound contact (no contact_in event, no inbound contact count), so contacts per case, repeat contacts, recontact and first-contact resolution cannot be measured";

/// The reason open cases and time to resolve are n/a when no case has a
/// resolution: a ticket list with a status but no resolution time would
/// otherwise count every ticket open.
pub const NO_RESOLUTIONS: &str = "no case in the inputs has a resolution (no resolved event or resolution time is mapped, or none has happened yet), so open cases and time to resolve cannot be measured";

/// The reason the miss rate is n/a when no promise fell due.
pub const NO_PROMISES: &str =
    "no promise in the inputs has fallen due (no promise events or due dates)";

impl Figure {
    /// The figure marked as one the inputs cannot measure.
    fn unmeasured(self, reason: &'static str) -> Figure {
        Figure {
            value: None,
            n: None,
            interval: None,
            unmeasured: Some(reason),
            ..self
        }
    }
}

fn fig(
    name: &'static str,
    value: Option<f64>,
    n: Option<f64>,
    interval: Option<(f64, f64)>,
    basis: &'static str,
) -> Figure {
    Figure {
        name,
        value,
        n,
        interval,
        basis,
        unmeasured: None,
    }
}

/// The case-level sums every figure is a ratio or mean of: one pass.
fn case_sums(ctx: &Ctx) -> Result<DataFrame> {
    let score = col("score");
    Ok(ctx
        .cases()
        .select([
            len().cast(DataType::Float64).alias("cases"),
            col("resolved_at").is_null().sum().alias("open"),
            col("surveyed").sum().alias("surveyed"),
            score.clone().mean().alias("mean_score"),
            score.clone().count().alias("score_n"),
            score.clone().sum().alias("score_sum"),
            (score.clone() * score.clone()).sum().alias("score_sq"),
            col("satisfied").sum().alias("satisfied"),
            score.clone().gt_eq(lit(9.0)).sum().alias("promoters"),
            score.lt_eq(lit(6.0)).sum().alias("detractors"),
            col("fcr").is_not_null().sum().alias("fcr_n"),
            col("fcr").sum().alias("fcr"),
            col("has_repeat").sum().alias("repeat"),
            col("recontacted").is_not_null().sum().alias("recontact_n"),
            col("recontacted").sum().alias("recontacted"),
            col("inbound_contacts").mean().alias("inbound"),
            col("inbound_contacts").count().alias("inbound_n"),
            col("inbound_contacts").sum().alias("inbound_sum"),
            (col("inbound_contacts") * col("inbound_contacts"))
                .sum()
                .alias("inbound_sq"),
            col("resolution_hours").median().alias("median_hours"),
            col("resolution_hours")
                .is_not_null()
                .sum()
                .alias("resolved"),
        ])
        .collect()?)
}

/// Promises that fell due, and those missed among them.
fn promise_sums(ctx: &Ctx) -> Result<(f64, f64)> {
    let among = |name: &str, statuses: &[&str]| {
        col("status")
            .is_in(lit(Series::new("s".into(), statuses)).implode(false), false)
            .sum()
            .alias(name)
    };
    let p = ctx
        .journeys
        .promises
        .unordered()?
        .select([
            among("due", &["kept", "late", "broken"]),
            among("missed", &["late", "broken"]),
        ])
        .collect()?;
    Ok((
        cell(&p, "due", 0).unwrap_or(0.0),
        cell(&p, "missed", 0).unwrap_or(0.0),
    ))
}

/// Answered and invited surveys: all of them count in totals, matched to a
/// case or not.
fn survey_counts(ctx: &Ctx) -> Result<(f64, f64)> {
    let count = |rows: LazyFrame| -> Result<(f64, f64)> {
        let sums = rows
            .select([
                col("answered").sum().cast(DataType::Float64),
                len().cast(DataType::Float64).alias("n"),
            ])
            .collect()?;
        Ok((
            cell(&sums, "answered", 0).unwrap_or(0.0),
            cell(&sums, "n", 0).unwrap_or(0.0),
        ))
    };
    let (am, im) = count(ctx.journeys.matched_surveys.unordered()?)?;
    let (au, iu) = count(ctx.journeys.unmatched_surveys.clone().lazy())?;
    Ok((am + au, im + iu))
}

/// The one-row case sums, read as figures.
struct Sums(DataFrame);

impl Sums {
    fn get(&self, name: &str) -> f64 {
        cell(&self.0, name, 0).unwrap_or(0.0)
    }

    /// k of n as a share with its Wilson interval.
    fn share(&self, k: f64, n: f64) -> (Option<f64>, Option<(f64, f64)>) {
        (ratio(k, n), stats::wilson(k, n))
    }

    /// The Student's t interval of a mean from its count, sum and sum of
    /// squares columns.
    fn mean_interval(&self, n: &str, sum: &str, sq: &str) -> Option<(f64, f64)> {
        let (n, sum, sq) = (self.get(n), self.get(sum), self.get(sq));
        stats::mean_interval(Summary {
            n,
            mean: ratio(sum, n),
            var: stats::variance(n, sum, sq),
        })
    }
}

pub fn figures(ctx: &Ctx) -> Result<Vec<Figure>> {
    let sums = Sums(case_sums(ctx)?);
    let mut v = answer_figures(&sums, survey_counts(ctx)?, ctx.cfg.survey.kind);
    v.extend(journey_figures(&sums, promise_sums(ctx)?));
    Ok(v)
}

/// Volumes and what the customers answered.
fn answer_figures(s: &Sums, (answered, invited): (f64, f64), kind: SurveyKind) -> Vec<Figure> {
    let (cases, surveyed) = (s.get("cases"), s.get("surveyed"));
    // Only meaningful when the input holds unanswered invitations.
    let (response, response_ci) = if invited > answered {
        s.share(answered, invited)
    } else {
        (None, None)
    };
    let mut v = vec![
        fig("cases", Some(cases), None, None, "cases in the event log"),
        resolutions(
            s,
            fig(
                "open_cases",
                Some(s.get("open")),
                Some(cases),
                None,
                "cases without a final resolution",
            ),
        ),
        fig(
            "surveys_answered",
            Some(answered),
            None,
            None,
            "answered surveys, matched to a case or not",
        ),
        fig(
            "response_rate",
            response,
            Some(invited),
            response_ci,
            "answered / invited (needs unanswered invitations in the input)",
        ),
        fig(
            "mean_score",
            cell(&s.0, "mean_score", 0),
            Some(surveyed),
            s.mean_interval("score_n", "score_sum", "score_sq"),
            "over surveyed cases",
        ),
    ];
    match kind {
        SurveyKind::Nps => {
            let nps = stats::nps(s.get("promoters"), s.get("detractors"), surveyed);
            let margin = nps.and_then(|x| x.1);
            v.push(fig(
                "nps",
                nps.map(|x| x.0),
                Some(surveyed),
                nps.zip(margin).map(|((x, _), m)| (x - m, x + m)),
                "% promoters (9-10) - % detractors (0-6)",
            ));
            v.push(fig(
                "nps_margin",
                margin,
                Some(surveyed),
                None,
                "95% margin of error of the NPS",
            ));
        }
        _ => {
            let (csat, ci) = s.share(s.get("satisfied"), surveyed);
            v.push(fig(
                "csat_pct",
                csat.map(|x| 100.0 * x),
                Some(surveyed),
                ci.map(|(l, h)| (100.0 * l, 100.0 * h)),
                "top-2-box share of surveyed cases, %",
            ));
        }
    }
    v
}

/// What the journeys say: resolution, repeats, promises, effort, time.
fn journey_figures(s: &Sums, (due, missed): (f64, f64)) -> Vec<Figure> {
    let cases = s.get("cases");
    let (fcr, fcr_ci) = s.share(s.get("fcr"), s.get("fcr_n"));
    let (repeat, repeat_ci) = s.share(s.get("repeat"), cases);
    let (recontact, recontact_ci) = s.share(s.get("recontacted"), s.get("recontact_n"));
    let (miss, miss_ci) = s.share(missed, due);
    let contacts_measured = s.get("inbound_sum") > 0.0;
    let contacts = |f: Figure| {
        if contacts_measured {
            f
        } else {
            f.unmeasured(NO_CONTACTS)
        }
    };
    vec![
        contacts(fig(
            "fcr_rate",
            fcr,
            Some(s.get("fcr_n")),
            fcr_ci,
            "over cases with a final fcr",
        )),
        contacts(fig(
            "repeat_contact_rate",
            repeat,
            Some(cases),
            repeat_ci,
            "cases with a repeat contact / cases",
        )),
        contacts(fig(
            "recontact_rate",
            recontact,
            Some(s.get("recontact_n")),
            recontact_ci,
            "over resolved cases whose window has closed",
        )),
        {
            let f = fig(
                "promise_miss_rate",
                miss,
                Some(due),
                miss_ci,
                "(late + broken) / (kept + late + broken)",
            );
            if due > 0.0 {
                f
            } else {
                f.unmeasured(NO_PROMISES)
            }
        },
        contacts(fig(
            "mean_inbound_contacts",
            cell(&s.0, "inbound", 0),
            Some(cases),
            s.mean_interval("inbound_n", "inbound_sum", "inbound_sq"),
            "inbound contacts per case",
        )),
        resolutions(
            s,
            fig(
                "median_resolution_hours",
                cell(&s.0, "median_hours", 0),
                Some(s.get("resolved")),
                None,
                "over resolved cases",
            ),
        ),
    ]
}

/// A figure about resolutions, n/a when no case has one.
fn resolutions(s: &Sums, f: Figure) -> Figure {
    if s.get("resolved") > 0.0 || s.get("cases") == 0.0 {
        f
    } else {
        f.unmeasured(NO_RESOLUTIONS)
    }
}

pub fn table(figs: &[Figure]) -> Table {
    let mut t = Table::new(
        "overview",
        "Overview",
        &["figure", "value", "n", "ci_low", "ci_high", "basis"],
    );
    for f in figs {
        t.push(vec![
            json!(f.name),
            num(round(f.value, 4)),
            num(f.n),
            num(round(f.interval.map(|i| i.0), 4)),
            num(round(f.interval.map(|i| i.1), 4)),
            match f.unmeasured {
                Some(reason) => json!(format!("n/a: {reason}")),
                None => json!(f.basis),
            },
        ]);
    }
    t
}

/// Each input's share of rejected rows, as figures `--fail-if` can test
/// (`events_reject_share>0.01`); not part of the overview table.
pub fn reject_shares(stats: &[crate::input::settle::summary::InputStats]) -> Vec<Figure> {
    stats
        .iter()
        .map(|s| Figure {
            name: match s.input {
                crate::error::InputKind::Events => "events_reject_share",
                crate::error::InputKind::Surveys => "surveys_reject_share",
                crate::error::InputKind::Contacts => "contacts_reject_share",
                crate::error::InputKind::Cases => "cases_reject_share",
            },
            value: ratio(s.rows_rejected as f64, s.rows_read as f64),
            n: Some(s.rows_read as f64),
            interval: None,
            basis: "rejected rows / rows read",
            unmeasured: None,
        })
        .collect()
}
