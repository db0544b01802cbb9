//! The report's charts (SPEC 4), from the same values as its tables:
//! labelled for people, sorted for reading, thin bars greyed and marked.

use crate::input::config::RunConfig;
use crate::metrics::drivers::Driver;
use crate::metrics::segments::Segment;
use crate::metrics::table::Table;
use crate::render::chart::{Bars, Chart, Line};
use crate::render::labels;

/// Labels marked "(n<30)" where their bar rests on fewer than min_n.
fn marked(labels: impl IntoIterator<Item = String>, thin: &[bool], min_n: usize) -> Vec<String> {
    labels
        .into_iter()
        .zip(thin)
        .map(|(label, thin)| {
            if *thin {
                format!("{label} (n<{min_n})")
            } else {
                label
            }
        })
        .collect()
}

/// Which rows of a table rest on fewer than min_n by its `count` column.
fn thin_rows(t: &Table, count: &str, min_n: usize) -> Vec<bool> {
    t.numbers(count)
        .iter()
        .map(|n| n.unwrap_or(0.0) < min_n as f64)
        .collect()
}

fn contacts_label(bucket: &str) -> String {
    match bucket {
        "1" => "1 contact".into(),
        b => format!("{b} contacts"),
    }
}

pub fn charts(
    cfg: &RunConfig,
    tables: &[Table],
    drivers: &[Driver],
    seg_by: &str,
    segs: &[Segment],
) -> Vec<Chart> {
    let s = &cfg.survey;
    let find = |name: &str| tables.iter().find(|t| t.name == name);
    let mut charts = Vec::new();
    if let Some(t) = find("score_by_contacts") {
        let thin = thin_rows(t, "surveyed", cfg.min_n);
        charts.push(Chart::Bars(Bars {
            name: "score_by_contacts".into(),
            title: "Mean survey score by number of inbound contacts".into(),
            x_label: format!("mean score ({} to {})", s.scale_min, s.scale_max),
            labels: marked(
                t.texts("inbound_contacts")
                    .iter()
                    .map(|b| contacts_label(b)),
                &thin,
                cfg.min_n,
            ),
            values: t.numbers("mean_score"),
            whiskers: Vec::new(),
            thin,
            range: Some((s.scale_min, s.scale_max)),
        }));
    }
    // Drivers come sorted by impact: the costliest factor reads first.
    let thin: Vec<bool> = drivers.iter().map(|d| d.thin.is_some()).collect();
    charts.push(Chart::Bars(Bars {
        name: "driver_gaps".into(),
        title: "Score gap with vs without each journey factor (95% CI)".into(),
        x_label: "score points (with minus without)".into(),
        labels: marked(
            drivers.iter().map(|d| labels::words(d.factor).into_owned()),
            &thin,
            cfg.min_n,
        ),
        values: drivers
            .iter()
            .map(|d| d.with.mean.zip(d.without.mean).map(|(a, b)| a - b))
            .collect(),
        whiskers: drivers
            .iter()
            .map(|d| d.welch.map(|w| (w.ci_low, w.ci_high)))
            .collect(),
        thin,
        range: None,
    }));
    if let Some(t) = find("promises") {
        let thin = thin_rows(t, "due", cfg.min_n);
        charts.push(Chart::Bars(Bars {
            name: "promise_miss_rate".into(),
            title: "Promises missed, by kind of promise".into(),
            x_label: "% of promises due that were late or broken".into(),
            labels: marked(t.texts("kind"), &thin, cfg.min_n),
            values: t
                .numbers("miss_rate")
                .into_iter()
                .map(|v| v.map(|x| 100.0 * x))
                .collect(),
            whiskers: Vec::new(),
            thin,
            range: Some((0.0, 100.0)),
        }));
    }
    charts.push(segment_residuals(cfg, seg_by, segs));
    if let Some(t) = find("trends") {
        charts.push(Chart::Line(Line {
            name: "weekly_trend".into(),
            title: "Mean survey score by week of resolution".into(),
            y_label: "mean score".into(),
            labels: t.texts("period"),
            values: t.numbers("mean_score"),
            range: Some((s.scale_min, s.scale_max)),
        }));
    }
    charts
}

/// Residuals from the most above expectations to the most below.
/// Bars a segment chart draws at most at each end: `--by agent` on a real
/// export has hundreds, which made a page-long PNG; the table keeps all.
const SEGMENT_BARS: usize = 8;

fn segment_residuals(cfg: &RunConfig, seg_by: &str, segs: &[Segment]) -> Chart {
    let mut order: Vec<&Segment> = segs.iter().collect();
    order.sort_by(|a, b| {
        b.residual
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.residual.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.name.cmp(&b.name))
    });
    let all = order.len();
    let shown = if all > 2 * SEGMENT_BARS {
        order.drain(SEGMENT_BARS..all - SEGMENT_BARS);
        format!(
            ": the {SEGMENT_BARS} highest and {SEGMENT_BARS} lowest of {all} (every one is in the segments table)"
        )
    } else {
        String::new()
    };
    let thin: Vec<bool> = order
        .iter()
        .map(|g| g.surveyed < cfg.min_n as f64)
        .collect();
    Chart::Bars(Bars {
        name: "segment_residuals".into(),
        title: format!(
            "Score above or below what its journeys explain, by {} (±2 SE){shown}",
            labels::words(seg_by).to_lowercase()
        ),
        x_label: "score points (actual minus expected)".into(),
        labels: marked(order.iter().map(|g| g.name.clone()), &thin, cfg.min_n),
        values: order.iter().map(|g| g.residual).collect(),
        whiskers: order
            .iter()
            .map(|g| {
                g.residual
                    .zip(g.residual_se)
                    .map(|(r, se)| (r - 2.0 * se, r + 2.0 * se))
            })
            .collect(),
        thin,
        range: None,
    })
}
