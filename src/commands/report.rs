//! `cxgap report`: the whole pipeline into a report folder, written
//! atomically, plus a terminal summary on stdout.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::cli::{FrameFormat, ReportArgs};
use crate::commands::Outcome;
use crate::error::{OutputError, Result};
use crate::input::config::RunConfig;
use crate::input::settle::load::EventRows;
use crate::journey::event_store::Kept;
use crate::journey::{self, Journeys};
use crate::render::folder::Staging;
use crate::render::target::{self, FolderKind};
use crate::render::term::Term;
use crate::render::{self, files};
use crate::report::{self, summary};

/// One spinner per stage on stderr, only on a terminal and never with -q;
/// stage timings go to run.json.
struct Stages<'a> {
    term: &'a Term,
    fail_after: Option<&'a str>,
    /// Test hook: (stage, seconds) to sleep after, holding the lock.
    pause_after: Option<(&'a str, u64)>,
    timings: Vec<(&'static str, f64)>,
    bar: Option<ProgressBar>,
    started: Instant,
    current: &'static str,
}

impl<'a> Stages<'a> {
    fn new(term: &'a Term, args: &'a ReportArgs) -> Self {
        let fail_after = args.fail_after_stage.as_deref();
        let pause_after = args.pause_after_stage.as_deref().and_then(|p| {
            let (stage, secs) = p.rsplit_once(':')?;
            Some((stage, secs.parse().ok()?))
        });
        Stages {
            term,
            fail_after,
            pause_after,
            timings: Vec::new(),
            bar: None,
            started: Instant::now(),
            current: "",
        }
    }

    fn start(&mut self, name: &'static str) -> Result<()> {
        self.finish()?;
        self.current = name;
        self.started = Instant::now();
        let target = if self.term.quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(name);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        self.bar = Some(bar);
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            self.timings
                .push((self.current, self.started.elapsed().as_secs_f64() * 1000.0));
            crate::engine::phase(self.current);
            // Test hook: fail after a named stage, to prove atomicity.
            if let Some((stage, secs)) = self.pause_after
                && stage == self.current
            {
                std::thread::sleep(std::time::Duration::from_secs(secs));
            }
            if self.fail_after == Some(self.current) {
                return Err(OutputError::Stopped(self.current.to_string()).into());
            }
        }
        Ok(())
    }
}

pub fn run(args: &ReportArgs, term: &Term) -> Result<Outcome> {
    super::check_thresholds(&args.fail_if)?;
    let mut stages = Stages::new(term, args);
    let cfg = super::config_for(&args.input, args.journeys.as_deref())?;
    // A target that is not cxgap's own is refused before any work.
    target::check_folder(&args.out, FolderKind::Report, &cfg.input_paths())?;
    let (journeys, events) = match &args.journeys {
        Some(path) => {
            stages.start("read journeys")?;
            super::read_dataset(&cfg, path)?
        }
        None => {
            // The rows are dropped once the journeys are built, but for the
            // columns a timeline shows: the example journeys need a few
            // cases' events.
            stages.start("read inputs")?;
            let inputs = super::read_inputs(&cfg, EventRows::MaySpool)?;
            stages.start("build journeys")?;
            let built = journey::build_keeping_events(inputs, &cfg, Kept::Timeline)?;
            super::warn_if_over_budget(&cfg, term);
            built
        }
    };
    stages.start("metrics")?;
    let rep = report::build(&cfg, &journeys, &events, args.by.as_deref())?;
    drop(events);
    let mut figures = rep.overview.clone();
    figures.extend(crate::metrics::overview::reject_shares(
        &journeys.inputs.stats,
    ));
    figures.extend(rep.list_figures.iter().cloned());
    let verdicts = super::judge_thresholds(&args.fail_if, &figures, rep.periods.as_ref())?;
    super::warn_all(&rep.quality.warnings, term);

    stages.start("tables")?;
    let mut out = Staging::new(
        &args.out,
        FolderKind::Report,
        &cfg.input_paths(),
        super::lock_wait(args.lock_wait),
    )?;
    write_tables(&mut out, &rep, &journeys)?;

    stages.start("charts")?;
    // Each chart drawn once per width: the wide SVG is both the file and
    // the page's desktop view.
    let views = summary::chart_views(&rep)?;
    for (c, view) in rep.charts.iter().zip(&views) {
        out.write(&format!("charts/{}.svg", c.name()), view.wide.as_bytes())?;
        let png = out.path(&format!("charts/{}.png", c.name()))?;
        c.png(&png)?;
    }
    let png = out.path("summary.png")?;
    summary::png(&rep, &png)?;

    stages.start("html")?;
    let page = summary::html(&rep, &views);
    out.write("summary.html", page.as_bytes())?;
    stages.finish()?;

    let run = run_json(&cfg, &rep, &stages.timings, &out.files);
    out.write(
        "run.json",
        (serde_json::to_string_pretty(&run).unwrap_or_default() + "\n").as_bytes(),
    )?;
    let waited = out.waited();
    out.commit()?;
    if let Some(w) = waited {
        term.note(&format!(
            "waited {:.1} s for another cxgap run writing {}; its report is replaced by this one",
            w.as_secs_f64(),
            args.out.display()
        ));
    }
    print_summary(&rep, term)?;
    term.note(&format!(
        "as_of {}, from {}; report written to {}",
        rep.quality.as_of,
        rep.quality.as_of_source,
        args.out.display()
    ));
    Ok(super::announce(&verdicts, term))
}

/// Every table as CSV and JSON, the journeys and the rejected rows.
fn write_tables(out: &mut Staging, rep: &report::Report, journeys: &Journeys) -> Result<()> {
    for t in &rep.tables {
        out.write(
            &format!("tables/{}.csv", t.name),
            render::csv_text(t).as_bytes(),
        )?;
        let json = serde_json::to_string_pretty(&t.json()).unwrap_or_default() + "\n";
        out.write(&format!("tables/{}.json", t.name), json.as_bytes())?;
    }
    let mut journeys_df = journeys.cases.clone();
    let path = out.path("journeys.parquet")?;
    files::write_atomic(&path, |w| {
        Ok(files::write_frame(
            &mut journeys_df,
            FrameFormat::Parquet,
            w,
        )?)
    })?;
    let mut rejects = journeys.inputs.rejects.clone();
    let path = out.path("rejects.csv")?;
    files::write_atomic(&path, |w| {
        Ok(files::write_frame(&mut rejects, FrameFormat::Csv, w)?)
    })
}

/// run.json: what was run, under which definitions, on what, how long.
fn run_json(
    cfg: &RunConfig,
    rep: &report::Report,
    timings: &[(&'static str, f64)],
    files: &[String],
) -> serde_json::Value {
    json!({
        "schema_version": 1,
        "version": env!("CARGO_PKG_VERSION"),
        "arguments": std::env::args().skip(1).collect::<Vec<_>>(),
        "config": cfg,
        "as_of": rep.quality.as_of,
        "as_of_source": rep.quality.as_of_source,
        "definitions": rep.definitions.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
        "inputs": rep.quality.inputs,
        "rejected": rep.quality.rejected,
        "unmapped_activities": rep.quality.unmapped_activities,
        "unmapped_answers": rep.quality.unmapped_answers,
        "unmatched_surveys": rep.quality.unmatched_surveys,
        "unattributed_contacts": rep.quality.unattributed_contacts,
        "undated_promises": rep.quality.undated_promises,
        "warnings": rep.quality.warnings,
        "stage_timings_ms": timings.iter().map(|(k, v)| json!({"stage": k, "ms": (v * 10.0).round() / 10.0})).collect::<Vec<_>>(),
        "files": files.iter().chain(std::iter::once(&"run.json".to_string())).collect::<Vec<_>>(),
    })
}

/// The terminal summary, once the report is in place: the headline
/// figures as the page shows them, then the findings.
fn print_summary(rep: &report::Report, term: &Term) -> Result<()> {
    let mut text = render::render(
        &[summary::headline_table(rep)],
        crate::cli::TableFormat::Table,
        term,
    );
    if let Some(note) = &rep.periods_note {
        text.push_str(note);
        text.push('\n');
    }
    if !rep.findings.is_empty() {
        text.push_str("\nFindings\n");
        for f in &rep.findings {
            text.push_str(&format!("- {}\n", f.text));
        }
    }
    term.out(text.as_bytes())
}
