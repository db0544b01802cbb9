//! SPEC 3.6: segments where surveys and journeys disagree.
//!
//! Expected score: ordinary least squares of score on the journey factors
//! over all surveyed cases (the normal equations are summed by the engine in
//! one pass and solved with nalgebra's SVD, so a constant or collinear factor
//! cannot make it singular). A segment's residual is its mean of
//! (score − prediction), with standard error sd/√n; beyond ±2 SE and at
//! least `MIN_GAP` of the scale it is flagged. Ranking uses an
//! empirical-Bayes shrunken mean (`stats::shrink_means`), so a segment with
//! a handful of answers cannot top or bottom the table by chance.

use nalgebra::{DMatrix, DVector};
use polars::prelude::*;
use serde_json::{Value, json};

use super::factors::factors;
use super::{Ctx, cell, num, ratio, round, stats};
use crate::error::Result;
use crate::input::config::SurveyKind;
use crate::metrics::table::Table;

pub const HIGHER: &str = "higher than its journeys explain";
pub const LOWER: &str = "lower than its journeys explain";

#[derive(Debug, Clone)]
pub struct Segment {
    pub name: String,
    pub cases: f64,
    pub surveyed: f64,
    pub mean: Option<f64>,
    pub satisfied_pct: Option<f64>,
    pub nps: Option<f64>,
    pub fcr_rate: Option<f64>,
    pub repeat_rate: Option<f64>,
    pub recontact_rate: Option<f64>,
    pub miss_rate: Option<f64>,
    pub expected: Option<f64>,
    pub residual: Option<f64>,
    pub residual_se: Option<f64>,
    pub flag: Option<&'static str>,
    pub shrunk: Option<f64>,
}

/// OLS coefficients (intercept first) of score on the factor columns.
fn fit(ctx: &Ctx, xs: &[Expr]) -> Result<Vec<f64>> {
    let p = xs.len() + 1;
    // The intercept column must be a column (a literal would sum to 1, not n).
    let one = col("score").is_not_null().cast(DataType::Float64);
    let x = |j: usize| {
        if j == 0 {
            one.clone()
        } else {
            xs[j - 1].clone()
        }
    };
    let mut aggs = Vec::new();
    for j in 0..p {
        for k in j..p {
            aggs.push((x(j) * x(k)).sum().alias(format!("xx_{j}_{k}")));
        }
        aggs.push((x(j) * col("score")).sum().alias(format!("xy_{j}")));
    }
    let s = ctx.surveyed().select(aggs).collect()?;
    let mut xtx = DMatrix::<f64>::zeros(p, p);
    let mut xty = DVector::<f64>::zeros(p);
    for j in 0..p {
        for k in j..p {
            let v = cell(&s, &format!("xx_{j}_{k}"), 0).unwrap_or(0.0);
            xtx[(j, k)] = v;
            xtx[(k, j)] = v;
        }
        xty[j] = cell(&s, &format!("xy_{j}"), 0).unwrap_or(0.0);
    }
    // SVD solves any XᵀX (a constant or collinear factor gets the
    // least-norm coefficient); it fails only without U and V, which are
    // asked for. A failure is an error, never all-zero coefficients that
    // would flag every segment.
    let beta = xtx.svd(true, true).solve(&xty, 1e-9).map_err(
        |e| polars_err!(ComputeError: "least squares of the segments' expected score: {e}"),
    )?;
    Ok(beta.iter().copied().collect())
}

/// The smallest residual flagged, as a share of the score scale (0.2 points
/// on 1-5, 0.5 on 0-10). With thousands of answers 2 SE shrinks below what
/// a linear model can promise: scores clipped at the top of the scale leave
/// a team that surveys only its good journeys about 0.1 below its
/// prediction, and a ±2 SE rule alone would send a manager after it.
const MIN_GAP: f64 = 0.05;

pub fn segments(ctx: &Ctx) -> Result<(String, Vec<Segment>)> {
    let by = ctx.by_column("team")?;
    let fs = factors(ctx.journeys);
    // Unknown-yet factors count as absent in the regression.
    let xs: Vec<Expr> = fs
        .iter()
        .map(|f| f.expr.clone().fill_null(lit(false)).cast(DataType::Float64))
        .collect();
    let beta = fit(ctx, &xs)?;
    let prediction = xs
        .iter()
        .zip(&beta[1..])
        .fold(lit(beta[0]), |acc, (x, b)| acc + x.clone() * lit(*b));
    let surveyed = col("surveyed");
    let on_surveyed = |e: Expr| e.filter(surveyed.clone());
    let resid = col("score") - prediction.clone();
    let promises_due = col("promises_kept") + col("promises_late") + col("promises_broken");
    let df = ctx
        .cases()
        .group_by([col(by.as_str()).cast(DataType::String).alias("segment")])
        .agg([
            len().cast(DataType::Float64).alias("cases"),
            surveyed
                .clone()
                .sum()
                .cast(DataType::Float64)
                .alias("surveyed"),
            on_surveyed(col("score")).mean().alias("mean"),
            on_surveyed(col("score")).var(1).alias("var"),
            on_surveyed(col("satisfied"))
                .cast(DataType::Float64)
                .mean()
                .alias("sat"),
            on_surveyed(col("score").gt_eq(lit(9.0)))
                .cast(DataType::Float64)
                .mean()
                .alias("prom"),
            on_surveyed(col("score").lt_eq(lit(6.0)))
                .cast(DataType::Float64)
                .mean()
                .alias("detr"),
            col("fcr").cast(DataType::Float64).mean().alias("fcr"),
            col("has_repeat")
                .cast(DataType::Float64)
                .mean()
                .alias("repeat"),
            col("recontacted")
                .cast(DataType::Float64)
                .mean()
                .alias("recontact"),
            col("promises_missed")
                .sum()
                .cast(DataType::Float64)
                .alias("missed"),
            promises_due.sum().cast(DataType::Float64).alias("due"),
            on_surveyed(prediction).mean().alias("expected"),
            on_surveyed(resid.clone()).mean().alias("residual"),
            on_surveyed(resid).std(1).alias("resid_sd"),
        ])
        .sort(
            ["segment"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let names = df.column("segment")?.str()?.clone();
    let nps = ctx.cfg.survey.kind == SurveyKind::Nps;
    let min_gap = MIN_GAP * (ctx.cfg.survey.scale_max - ctx.cfg.survey.scale_min);
    let mut segs: Vec<Segment> = (0..df.height())
        .map(|i| {
            let g = |n: &str| cell(&df, n, i);
            let surveyed = g("surveyed").unwrap_or(0.0);
            let se = g("resid_sd")
                .filter(|_| surveyed >= 2.0)
                .map(|sd| sd / surveyed.sqrt());
            let residual = g("residual");
            // A zero SE (all residuals equal) supports no claim either way.
            let beyond = |r: f64, se: f64| se > 1e-9 && r.abs() > 2.0 * se && r.abs() >= min_gap;
            let flag = match (residual, se) {
                (Some(r), Some(se)) if beyond(r, se) && r > 0.0 => Some(HIGHER),
                (Some(r), Some(se)) if beyond(r, se) => Some(LOWER),
                _ => None,
            };
            Segment {
                name: super::segment_name(&names, i),
                cases: g("cases").unwrap_or(0.0),
                surveyed,
                mean: g("mean"),
                satisfied_pct: g("sat").map(|v| 100.0 * v),
                nps: if nps {
                    g("prom").zip(g("detr")).map(|(p, d)| 100.0 * (p - d))
                } else {
                    None
                },
                fcr_rate: g("fcr"),
                repeat_rate: g("repeat"),
                recontact_rate: g("recontact"),
                miss_rate: ratio(g("missed").unwrap_or(0.0), g("due").unwrap_or(0.0)),
                expected: g("expected"),
                residual,
                residual_se: se,
                flag,
                shrunk: None,
            }
        })
        .collect();
    shrink(&mut segs, &df);
    segs.sort_by(rank_order);
    Ok((by, segs))
}

/// Rank by the empirical-Bayes shrunken mean (`stats::shrink_means`):
/// segments without an answer get none and rank after the others.
fn shrink(segs: &mut [Segment], df: &DataFrame) {
    let rated: Vec<(usize, stats::Group)> = segs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            Some((
                i,
                stats::Group {
                    n: s.surveyed,
                    mean: s.mean?,
                    var: cell(df, "var", i).unwrap_or(0.0),
                },
            ))
        })
        .filter(|(_, g)| g.n > 0.0)
        .collect();
    let groups: Vec<stats::Group> = rated.iter().map(|(_, g)| *g).collect();
    if let Some(eb) = stats::shrink_means(&groups) {
        for ((i, _), shrunk) in rated.iter().zip(eb.shrunk) {
            segs[*i].shrunk = Some(shrunk);
        }
    }
}

/// Highest shrunken mean first; ties by answers (more first), then name;
/// segments without answers last.
fn rank_order(a: &Segment, b: &Segment) -> std::cmp::Ordering {
    let by_size_then_name = || {
        b.surveyed
            .total_cmp(&a.surveyed)
            .then_with(|| a.name.cmp(&b.name))
    };
    match (a.shrunk, b.shrunk) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(by_size_then_name),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => by_size_then_name(),
    }
}

pub fn table(ctx: &Ctx) -> Result<Table> {
    let (by, segs) = segments(ctx)?;
    Ok(to_table(&by, &segs, ctx.cfg.min_n as f64))
}

pub fn to_table(by: &str, segs: &[Segment], min_n: f64) -> Table {
    let mut t = Table::new(
        "segments",
        &format!("Segments by {by}: actual vs expected score"),
        &[
            "rank",
            "segment",
            "cases",
            "surveyed",
            "shrunk_mean",
            "mean_score",
            "satisfied_pct",
            "nps",
            "fcr_rate",
            "repeat_rate",
            "recontact_rate",
            "miss_rate",
            "expected_score",
            "residual",
            "residual_se",
            "flag",
        ],
    );
    for (i, s) in segs.iter().enumerate() {
        // A segment without an answer is not ranked: it says so instead of
        // looking like a thin one at the bottom.
        let unanswered = s.surveyed == 0.0;
        let flag = match (s.flag, s.surveyed < min_n) {
            _ if unanswered => json!("no answers"),
            (Some(f), true) => json!(format!("{f} (n<min_n)")),
            (Some(f), false) => json!(f),
            (None, true) => json!("n<min_n"),
            (None, false) => Value::Null,
        };
        t.push(vec![
            if unanswered {
                Value::Null
            } else {
                json!(i + 1)
            },
            json!(s.name),
            json!(s.cases),
            json!(s.surveyed),
            num(round(s.shrunk, 2)),
            num(round(s.mean, 2)),
            num(round(s.satisfied_pct, 1)),
            num(round(s.nps, 1)),
            num(round(s.fcr_rate, 3)),
            num(round(s.repeat_rate, 3)),
            num(round(s.recontact_rate, 3)),
            num(round(s.miss_rate, 3)),
            num(round(s.expected, 2)),
            num(round(s.residual, 2)),
            num(round(s.residual_se, 2)),
            flag,
        ]);
    }
    t
}
