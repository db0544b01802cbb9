//! SPEC 3.1: the headline figures. Their names are what `--fail-if` uses.

use polars::prelude::*;
use serde_json::json;

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
    pub basis: &'static str,
}

pub fn figures(ctx: &Ctx) -> Result<Vec<Figure>> {
    let s = &ctx.cfg.survey;
    let score = col("score");
    let c = ctx
        .cases()
        .select([
            len().cast(DataType::Float64).alias("cases"),
            col("resolved_at").is_null().sum().alias("open"),
            col("surveyed").sum().alias("surveyed"),
            score.clone().mean().alias("mean_score"),
            col("satisfied").sum().alias("satisfied"),
            score.clone().gt_eq(lit(9.0)).sum().alias("promoters"),
            score.lt_eq(lit(6.0)).sum().alias("detractors"),
            col("fcr").is_not_null().sum().alias("fcr_n"),
            col("fcr").sum().alias("fcr"),
            col("has_repeat").sum().alias("repeat"),
            col("recontacted").is_not_null().sum().alias("recontact_n"),
            col("recontacted").sum().alias("recontacted"),
            col("inbound_contacts").mean().alias("inbound"),
            col("resolution_hours").median().alias("median_hours"),
            col("resolution_hours")
                .is_not_null()
                .sum()
                .alias("resolved"),
        ])
        .collect()?;
    let p = ctx
        .journeys
        .promises
        .clone()
        .lazy()
        .select([
            col("status")
                .is_in(
                    lit(Series::new("d".into(), ["kept", "late", "broken"])).implode(false),
                    false,
                )
                .sum()
                .alias("due"),
            col("status")
                .is_in(
                    lit(Series::new("m".into(), ["late", "broken"])).implode(false),
                    false,
                )
                .sum()
                .alias("missed"),
        ])
        .collect()?;
    // All answers count in totals, matched to a case or not.
    let count = |df: &DataFrame| -> Result<(f64, f64)> {
        let answered = df
            .column("answered")?
            .as_materialized_series()
            .sum::<f64>()?;
        Ok((answered, df.height() as f64))
    };
    let (am, im) = count(&ctx.journeys.matched_surveys)?;
    let (au, iu) = count(&ctx.journeys.unmatched_surveys)?;
    let (answered, invited) = (am + au, im + iu);
    let g = |name| cell(&c, name, 0).unwrap_or(0.0);
    let cases = g("cases");
    let surveyed = g("surveyed");
    let mut v = vec![
        Figure {
            name: "cases",
            value: Some(cases),
            n: None,
            basis: "cases in the event log",
        },
        Figure {
            name: "open_cases",
            value: Some(g("open")),
            n: Some(cases),
            basis: "cases without a final resolution",
        },
        Figure {
            name: "surveys_answered",
            value: Some(answered),
            n: None,
            basis: "answered surveys, matched to a case or not",
        },
        Figure {
            name: "response_rate",
            // Only meaningful when the input holds unanswered invitations.
            value: if invited > answered {
                ratio(answered, invited)
            } else {
                None
            },
            n: Some(invited),
            basis: "answered / invited (needs unanswered invitations in the input)",
        },
        Figure {
            name: "mean_score",
            value: cell(&c, "mean_score", 0),
            n: Some(surveyed),
            basis: "over surveyed cases",
        },
    ];
    match s.kind {
        SurveyKind::Nps => {
            let nps = super::stats::nps(g("promoters"), g("detractors"), surveyed);
            v.push(Figure {
                name: "nps",
                value: nps.map(|x| x.0),
                n: Some(surveyed),
                basis: "% promoters (9-10) - % detractors (0-6)",
            });
            v.push(Figure {
                name: "nps_margin",
                value: nps.and_then(|x| x.1),
                n: Some(surveyed),
                basis: "95% margin of error of the NPS",
            });
        }
        _ => v.push(Figure {
            name: "csat_pct",
            value: ratio(g("satisfied"), surveyed).map(|x| 100.0 * x),
            n: Some(surveyed),
            basis: "top-2-box share of surveyed cases, %",
        }),
    }
    v.extend([
        Figure {
            name: "fcr_rate",
            value: ratio(g("fcr"), g("fcr_n")),
            n: Some(g("fcr_n")),
            basis: "over cases with a final fcr",
        },
        Figure {
            name: "repeat_contact_rate",
            value: ratio(g("repeat"), cases),
            n: Some(cases),
            basis: "cases with a repeat contact / cases",
        },
        Figure {
            name: "recontact_rate",
            value: ratio(g("recontacted"), g("recontact_n")),
            n: Some(g("recontact_n")),
            basis: "over resolved cases whose window has closed",
        },
        Figure {
            name: "promise_miss_rate",
            value: ratio(
                cell(&p, "missed", 0).unwrap_or(0.0),
                cell(&p, "due", 0).unwrap_or(0.0),
            ),
            n: cell(&p, "due", 0),
            basis: "(late + broken) / (kept + late + broken)",
        },
        Figure {
            name: "mean_inbound_contacts",
            value: cell(&c, "inbound", 0),
            n: Some(cases),
            basis: "inbound contacts per case",
        },
        Figure {
            name: "median_resolution_hours",
            value: cell(&c, "median_hours", 0),
            n: Some(g("resolved")),
            basis: "over resolved cases",
        },
    ]);
    Ok(v)
}

pub fn table(figs: &[Figure]) -> Table {
    let mut t = Table::new("overview", "Overview", &["figure", "value", "n", "basis"]);
    for f in figs {
        t.push(vec![
            json!(f.name),
            num(round(f.value, 4)),
            num(f.n),
            json!(f.basis),
        ]);
    }
    t
}

/// Each input's share of rejected rows, as figures `--fail-if` can test
/// (`events_reject_share>0.01`); not part of the overview table.
pub fn reject_shares(stats: &[crate::input::summary::InputStats]) -> Vec<Figure> {
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
            basis: "rejected rows / rows read",
        })
        .collect()
}
