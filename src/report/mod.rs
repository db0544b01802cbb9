//! The whole report: every section-3 table, the charts, findings and data
//! quality, computed from one set of journeys, then written atomically.

pub mod findings;

use serde_json::json;

use crate::error::Result;
use crate::input::config::{RunConfig, SurveyKind};
use crate::journey::Journeys;
use crate::metrics::quality::{self, Quality};
use crate::metrics::table::Table;
use crate::metrics::{self, Ctx, TableName, drivers, overview, resolution, segments};
use crate::render::chart::{Bars, Chart, Line};

pub struct Report {
    pub overview: Vec<overview::Figure>,
    /// Every table, in SPEC order, each written to tables/<name>.csv|json.
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    pub findings: Vec<String>,
    pub quality: Quality,
    /// The definitions the run was computed under, for the footer and run.json.
    pub definitions: Vec<(String, String)>,
}

pub fn build(cfg: &RunConfig, journeys: &Journeys, by: Option<&str>) -> Result<Report> {
    let ctx = Ctx {
        cfg,
        journeys,
        by,
        period: metrics::Period::Week,
    };
    let s = &cfg.survey;
    // Overview, drivers and segments feed the findings and charts too:
    // computed once, their tables built from the same values.
    let figures = overview::figures(&ctx)?;
    let drivers = drivers::drivers(&ctx)?;
    let (seg_by, segs) = segments::segments(&ctx)?;
    let mut tables = Vec::new();
    for name in TableName::ALL {
        match name {
            TableName::Overview => tables.push(overview::table(&figures)),
            TableName::Drivers => {
                tables.push(drivers::to_table(&drivers, s.scale_max - s.scale_min))
            }
            TableName::Segments => {
                tables.push(segments::to_table(&seg_by, &segs, cfg.min_n as f64))
            }
            other => tables.extend(other.compute(&ctx)?),
        }
    }
    let find = |name: &str| tables.iter().find(|t| t.name == name);

    let mut findings = findings::from_drivers(&drivers);
    findings.extend(findings::from_overview(&figures));
    if let Some(t) = find("fcr_views") {
        let total = t.rows.first().and_then(|r| r[3].as_f64());
        findings.extend(findings::from_false_fcr(
            resolution::false_fcr(&tables),
            total,
        ));
    }
    findings.extend(findings::from_segments(&seg_by, &segs));

    let mut charts = Vec::new();
    if let Some(t) = find("score_by_contacts") {
        charts.push(Chart::Bars(Bars {
            name: "score_by_contacts".into(),
            title: "Mean score by inbound contacts".into(),
            x_label: format!("mean score ({} to {})", s.scale_min, s.scale_max),
            labels: t
                .texts("inbound_contacts")
                .into_iter()
                .map(|b| format!("{b} contacts"))
                .collect(),
            values: t.numbers("mean_score"),
            whiskers: Vec::new(),
            range: Some((s.scale_min, s.scale_max)),
        }));
    }
    charts.push(Chart::Bars(Bars {
        name: "driver_gaps".into(),
        title: "Score gap with vs without each factor (95% CI)".into(),
        x_label: "score points (with - without)".into(),
        labels: drivers.iter().map(|d| d.factor.to_string()).collect(),
        values: drivers
            .iter()
            .map(|d| d.with.mean.zip(d.without.mean).map(|(a, b)| a - b))
            .collect(),
        whiskers: drivers
            .iter()
            .map(|d| d.welch.map(|w| (w.ci_low, w.ci_high)))
            .collect(),
        range: None,
    }));
    if let Some(t) = find("promises") {
        charts.push(Chart::Bars(Bars {
            name: "promise_miss_rate".into(),
            title: "Promise miss rate by kind".into(),
            x_label: "% of due promises late or broken".into(),
            labels: t.texts("kind"),
            values: t
                .numbers("miss_rate")
                .into_iter()
                .map(|v| v.map(|x| 100.0 * x))
                .collect(),
            whiskers: Vec::new(),
            range: Some((0.0, 100.0)),
        }));
    }
    charts.push(Chart::Bars(Bars {
        name: "segment_residuals".into(),
        title: format!("Actual minus expected score by {seg_by} (±2 SE)"),
        x_label: "score points".into(),
        labels: segs.iter().map(|g| g.name.clone()).collect(),
        values: segs.iter().map(|g| g.residual).collect(),
        whiskers: segs
            .iter()
            .map(|g| {
                g.residual
                    .zip(g.residual_se)
                    .map(|(r, se)| (r - 2.0 * se, r + 2.0 * se))
            })
            .collect(),
        range: None,
    }));
    if let Some(t) = find("trends") {
        charts.push(Chart::Line(Line {
            name: "weekly_trend".into(),
            title: "Mean score by week of resolution".into(),
            y_label: "mean score".into(),
            labels: t.texts("period"),
            values: t.numbers("mean_score"),
            range: Some((s.scale_min, s.scale_max)),
        }));
    }

    let quality = quality::quality(cfg, journeys)?;
    let kind = match s.kind {
        SurveyKind::Csat => "csat",
        SurveyKind::Nps => "nps",
        SurveyKind::Ces => "ces",
        SurveyKind::Custom => "custom",
    };
    let definitions = vec![
        ("as_of".to_string(), quality.as_of.clone()),
        (
            "repeat window W".into(),
            format!("{} days", cfg.repeat_window_days),
        ),
        ("survey window S".into(), format!("{} days", s.window_days)),
        (
            "survey".into(),
            format!(
                "{kind}, scale {} to {}, satisfied = score >= {}",
                s.scale_min,
                s.scale_max,
                s.satisfied_threshold()
            ),
        ),
        ("time zone".into(), cfg.timezone.clone()),
        ("min_n".into(), cfg.min_n.to_string()),
        (
            "contact overlap".into(),
            json!(cfg.overlap).as_str().unwrap_or_default().to_string(),
        ),
    ];
    Ok(Report {
        overview: figures,
        tables,
        charts,
        findings,
        quality,
        definitions,
    })
}
