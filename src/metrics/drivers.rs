//! SPEC 3.4: the driver table. For each journey factor, over surveyed cases:
//! mean score with vs without, the gap with its Welch interval, satisfied %
//! with Wilson intervals, prevalence, impact = −gap × prevalence, and the
//! gap's p-value with Benjamini–Hochberg q-values across factors.

use polars::prelude::*;
use serde_json::{Value, json};

use super::factors::{Factor, factors};
use super::stats::{self, Summary};
use super::{Ctx, cell, num, ratio, round};
use crate::error::Result;
use crate::metrics::table::Table;

/// One factor's row, kept typed for findings and charts.
#[derive(Debug, Clone)]
pub struct Driver {
    pub factor: &'static str,
    pub label: &'static str,
    pub with: Summary,
    pub without: Summary,
    pub welch: Option<stats::Welch>,
    pub sat_with: Option<f64>,
    pub sat_with_ci: Option<(f64, f64)>,
    pub sat_without: Option<f64>,
    pub sat_without_ci: Option<(f64, f64)>,
    pub prevalence: Option<f64>,
    pub impact: Option<f64>,
    pub q: Option<f64>,
    /// Which side has fewer than min_n cases.
    pub thin: Option<&'static str>,
}

fn side(df: &DataFrame, i: usize, tag: &str) -> (Summary, f64) {
    let n = cell(df, &format!("n_{tag}_{i}"), 0).unwrap_or(0.0);
    let sum = cell(df, &format!("sum_{tag}_{i}"), 0).unwrap_or(0.0);
    let sq = cell(df, &format!("sq_{tag}_{i}"), 0).unwrap_or(0.0);
    let sat = cell(df, &format!("sat_{tag}_{i}"), 0).unwrap_or(0.0);
    (
        Summary {
            n,
            mean: ratio(sum, n),
            var: stats::variance(n, sum, sq),
        },
        sat,
    )
}

pub fn drivers(ctx: &Ctx) -> Result<Vec<Driver>> {
    let fs: Vec<Factor> = factors(ctx.journeys);
    let score = col("score");
    let mut aggs = Vec::new();
    for (i, f) in fs.iter().enumerate() {
        for (tag, cond) in [("w", f.expr.clone()), ("o", f.expr.clone().not())] {
            let pick = |e: Expr| e.filter(cond.clone().fill_null(lit(false)));
            aggs.extend([
                pick(score.clone())
                    .count()
                    .cast(DataType::Float64)
                    .alias(format!("n_{tag}_{i}")),
                pick(score.clone()).sum().alias(format!("sum_{tag}_{i}")),
                pick(score.clone() * score.clone())
                    .sum()
                    .alias(format!("sq_{tag}_{i}")),
                pick(col("satisfied"))
                    .sum()
                    .cast(DataType::Float64)
                    .alias(format!("sat_{tag}_{i}")),
            ]);
        }
    }
    let df = ctx.surveyed().select(aggs).collect()?;
    let min_n = ctx.cfg.min_n as f64;
    let mut rows: Vec<Driver> = fs
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (with, sat_w) = side(&df, i, "w");
            let (without, sat_o) = side(&df, i, "o");
            let welch = stats::welch(with, without);
            let total = with.n + without.n;
            let prevalence = ratio(with.n, total);
            let gap = match (with.mean, without.mean) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            };
            let thin = match (with.n < min_n, without.n < min_n) {
                (true, true) => Some("both"),
                (true, false) => Some("with"),
                (false, true) => Some("without"),
                (false, false) => None,
            };
            Driver {
                factor: f.name,
                label: f.label,
                with,
                without,
                welch,
                sat_with: ratio(sat_w, with.n),
                sat_with_ci: stats::wilson(sat_w, with.n),
                sat_without: ratio(sat_o, without.n),
                sat_without_ci: stats::wilson(sat_o, without.n),
                prevalence,
                impact: gap.zip(prevalence).map(|(g, p)| -g * p),
                q: None,
                thin,
            }
        })
        .collect();
    let q = stats::benjamini_hochberg(
        &rows
            .iter()
            .map(|r| r.welch.map(|w| w.p))
            .collect::<Vec<_>>(),
    );
    for (r, q) in rows.iter_mut().zip(q) {
        r.q = q;
    }
    // Largest average loss first; factors without a gap last, by name.
    rows.sort_by(|a, b| match (a.impact, b.impact) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.factor.cmp(b.factor)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.factor.cmp(b.factor),
    });
    Ok(rows)
}

pub fn table(ctx: &Ctx) -> Result<Table> {
    Ok(to_table(
        &drivers(ctx)?,
        ctx.cfg.survey.scale_max - ctx.cfg.survey.scale_min,
    ))
}

pub fn to_table(rows: &[Driver], span: f64) -> Table {
    let mut t = Table::new(
        "drivers",
        "Score gaps by journey factor (surveyed cases)",
        &[
            "factor",
            "n_with",
            "n_without",
            "mean_with",
            "mean_without",
            "gap",
            "gap_ci_low",
            "gap_ci_high",
            "gap_points",
            "satisfied_pct_with",
            "satisfied_with_ci",
            "satisfied_pct_without",
            "satisfied_without_ci",
            "prevalence",
            "impact",
            "p_value",
            "q_value",
            "thin",
        ],
    );
    let pct = |x: Option<f64>| num(round(x.map(|v| 100.0 * v), 1));
    let ci = super::pct_interval;
    for r in rows {
        let gap = r.with.mean.zip(r.without.mean).map(|(a, b)| a - b);
        t.push(vec![
            json!(r.factor),
            json!(r.with.n),
            json!(r.without.n),
            num(round(r.with.mean, 2)),
            num(round(r.without.mean, 2)),
            num(round(gap, 2)),
            num(round(r.welch.map(|w| w.ci_low), 2)),
            num(round(r.welch.map(|w| w.ci_high), 2)),
            num(round(gap.map(|g| 100.0 * g / span), 1)),
            pct(r.sat_with),
            ci(r.sat_with_ci),
            pct(r.sat_without),
            ci(r.sat_without_ci),
            num(round(r.prevalence, 3)),
            num(round(r.impact, 3)),
            num(round(r.welch.map(|w| w.p), 4)),
            num(round(r.q, 4)),
            r.thin
                .map(|s| json!(format!("n<min_n ({s})")))
                .unwrap_or(Value::Null),
        ]);
    }
    t
}
