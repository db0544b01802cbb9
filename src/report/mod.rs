//! The whole report: every section-3 table, the charts, findings and data
//! quality, computed from one set of journeys, then written atomically.

pub mod call_back;
pub mod case_view;
pub mod charts;
pub mod examples;
pub mod findings;
pub mod headline;
pub mod summary;

use polars::prelude::*;
use serde_json::json;

use crate::error::Result;
use crate::input::config::RunConfig;
use crate::journey::Journeys;
use crate::journey::event_store::EventStore;
use crate::metrics::quality::{self, Quality};
use crate::metrics::table::Table;
use crate::metrics::{
    self, Ctx, TableName, change, drivers, factors, overview, resolution, segments,
};
use crate::render::chart::Chart;
use crate::render::page::{CallBackView, Card, CaseView, FindingView};

pub struct Report {
    pub overview: Vec<overview::Figure>,
    /// Every table, in SPEC order, each written to tables/<name>.csv|json.
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    /// The headline figures as the page shows them.
    pub cards: Vec<Card>,
    /// Which periods the cards' changes compare, when there are two.
    pub periods_note: Option<String>,
    /// The two periods' figures (`--fail-if figure.change...`).
    pub periods: Option<change::Change>,
    /// Whom to call back and whom to call first (SPEC 3.10).
    pub call_back: CallBackView,
    /// summary.png's lines for it.
    pub call_back_lines: Vec<String>,
    /// The lists' row counts, for `--fail-if`.
    pub list_figures: Vec<overview::Figure>,
    /// Answers that carry a comment (SPEC 3.11).
    pub commented: usize,
    /// Findings, each with the real journeys that show it.
    pub findings: Vec<FindingView>,
    /// The example cases in full, in order of first appearance.
    pub cases: Vec<CaseView>,
    pub quality: Quality,
    /// The definitions the run was computed under, for the footer and run.json.
    pub definitions: Vec<(String, String)>,
}

pub fn build(
    cfg: &RunConfig,
    journeys: &Journeys,
    events: &EventStore,
    by: Option<&str>,
) -> Result<Report> {
    let ctx = Ctx {
        cfg,
        journeys,
        by,
        period: metrics::Period::Week,
    };
    ctx.check_by()?;
    let s = &cfg.survey;
    // Overview, drivers and segments feed the findings and charts too:
    // computed once, their tables built from the same values.
    let figures = overview::figures(&ctx)?;
    let drivers = drivers::drivers(&ctx)?;
    let (seg_by, segs) = segments::segments(&ctx)?;
    let comments = metrics::comments::comments(&ctx)?;
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
            TableName::Comments => tables.push(comments.themes.clone()),
            TableName::CommentWords => tables.push(comments.words.clone()),
            other => tables.extend(other.compute(&ctx)?),
        }
    }
    crate::engine::phase("report: tables");
    let periods = change::change(&ctx)?;
    crate::engine::phase("report: change against the previous weeks");
    let cards = headline::cards(
        &figures,
        periods.as_ref(),
        (s.scale_min, s.scale_max),
        cfg.min_n,
    );
    let periods_note = periods.as_ref().map(headline::periods_note);
    let lists = metrics::callbacks::lists(&ctx)?;
    let mut call_back = call_back::view(&lists, cfg.callbacks.days, s.scale_max, cfg.timezone.0);
    let worked = call_back::call_that_worked(&ctx)?;
    let call_back_lines = call_back::png_lines(&lists, cfg.callbacks.days);
    let list_figures = metrics::callbacks::figures(&lists);
    let mut to_call = call_back::shown_ids(&lists);
    if let Some(worked) = worked {
        to_call.extend(worked.items.iter().map(|i| i.case_id.clone()));
        call_back.lists.push(worked);
    }
    tables.extend(lists.into_tables());
    crate::engine::phase("report: call-back lists");
    let found = findings_of(
        &ctx,
        &tables,
        &figures,
        &drivers,
        &comments,
        (&seg_by, &segs),
    )?;
    let (findings, cases) = with_examples(cfg, journeys, events, found, &to_call)?;
    crate::engine::phase("report: findings and example journeys");
    let charts = charts::charts(cfg, &tables, &drivers, &seg_by, &segs);

    let quality = quality::quality(cfg, journeys)?;
    let kind = s.kind.name();
    let mut definitions = vec![
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
        ("time zone".into(), cfg.timezone.to_string()),
        ("min_n".into(), cfg.min_n.to_string()),
        (
            "contact overlap".into(),
            json!(cfg.overlap).as_str().unwrap_or_default().to_string(),
        ),
    ];
    if cfg.events.columns.get("case_id").map(String::as_str)
        == Some(crate::input::format::scan::LINE_ID)
    {
        definitions.push((
            "case ids".into(),
            format!(
                "the line of each row in {}: the export has no case id",
                cfg.events
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ),
        ));
    }
    Ok(Report {
        overview: figures,
        tables,
        charts,
        cards,
        periods_note,
        periods,
        call_back,
        call_back_lines,
        list_figures,
        commented: comments.commented,
        findings,
        cases,
        quality,
        definitions,
    })
}

/// Every finding, in the order a manager should read them.
fn findings_of(
    ctx: &Ctx,
    tables: &[Table],
    figures: &[overview::Figure],
    drivers: &[drivers::Driver],
    comments: &metrics::comments::Comments,
    (seg_by, segs): (&str, &[segments::Segment]),
) -> Result<Vec<findings::Finding>> {
    let factors = factors::factors(ctx.journeys);
    let mut found = findings::from_drivers(drivers, &factors, ctx.cfg.min_n);
    // What customers say and the log cannot see, after what the log shows.
    found.extend(findings::from_comments(&comments.rows, ctx.cfg.min_n));
    let typical = typical_counts(ctx)?;
    found.extend(findings::from_overview(figures, typical.0, typical.1));
    if let Some(t) = tables.iter().find(|t| t.name == "fcr_views") {
        let total = t.rows.first().and_then(|r| r[3].as_f64());
        found.extend(findings::from_false_fcr(
            resolution::false_fcr(tables),
            total,
        ));
    }
    found.extend(findings::from_segments(seg_by, segs));
    Ok(found)
}

/// The median number of missed promises among cases with one, and of
/// inbound contacts among cases with a repeat: what a typical example of
/// those findings looks like.
fn typical_counts(ctx: &Ctx) -> Result<(f64, f64)> {
    let df = ctx
        .cases()
        .select([
            col("promises_missed")
                .filter(col("promise_missed").fill_null(lit(false)))
                .median()
                .alias("misses"),
            col("inbound_contacts")
                .filter(col("has_repeat").fill_null(lit(false)))
                .median()
                .alias("contacts"),
        ])
        .collect()?;
    Ok((
        metrics::cell(&df, "misses", 0).unwrap_or(1.0).round(),
        metrics::cell(&df, "contacts", 0).unwrap_or(2.0).round(),
    ))
}

/// Each finding with its example journeys, and the full view of every
/// example case and of each case the call-back lists show (`to_call`). One
/// lookup of their events and one narrowing of the journeys serve them all.
fn with_examples(
    cfg: &RunConfig,
    journeys: &Journeys,
    events: &EventStore,
    found: Vec<findings::Finding>,
    to_call: &[String],
) -> Result<(Vec<FindingView>, Vec<CaseView>)> {
    let mut picks = Vec::with_capacity(found.len());
    let mut ids: Vec<String> = Vec::new();
    for f in &found {
        let picked = match &f.shows {
            Some(shows) => examples::pick(journeys, shows, &ids)?,
            None => Vec::new(),
        };
        for id in &picked {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        picks.push(picked);
    }
    for id in to_call {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let timelines = events.timelines(&ids, cfg)?;
    // The example cases' journeys, narrowed once and held: each story and
    // case view then reads a few rows, not the whole run (nor its files).
    let shown = journeys
        .restricted(
            col("case_id").is_in(lit(Series::new("ids".into(), &ids)).implode(false), false),
        )?
        .held()?;
    let mut findings = Vec::with_capacity(found.len());
    for (f, picked) in found.into_iter().zip(picks) {
        let examples = picked
            .iter()
            .map(|id| examples::example(cfg, &shown, id, &timelines))
            .collect::<Result<Vec<_>>>()?;
        findings.push(FindingView {
            text: f.text,
            examples,
        });
    }
    let mut cases = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(tables) = case_view::tables(&shown, &id, &timelines, cfg.keep_personal)? {
            cases.push(CaseView {
                case_id: id,
                tables,
            });
        }
    }
    Ok((findings, cases))
}
