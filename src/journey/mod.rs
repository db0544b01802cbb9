//! The journey engine: validated inputs in, one row per case out (SPEC 2),
//! plus the promise ledger and the survey and contact rows that found no case.
//!
//! Every step is a lazy plan over the validated frames; `build` collects
//! them all in one `collect_all` so shared inputs are computed once.

pub mod build;
pub mod contacts;
pub mod dataset;
pub mod event_store;
pub mod log;
pub mod merge;
pub mod partition;
pub mod promises;
pub mod recontact;
pub mod rows;
pub mod survey_join;
pub mod timeline;

use chrono::{DateTime, Utc};
use polars::prelude::*;

use crate::engine;
use crate::error::Result;
use crate::input::config::RunConfig;
use crate::input::settle::load::{Inputs, Loaded};
use crate::input::settle::summary::InputSummary;
use crate::journey::rows::Rows;
use crate::journey::timeline::{CASE, is, on_case};

/// Journey columns in output order (the dimensions follow them). An event
/// column with one of these names is not kept as a dimension.
pub const COLUMNS: &[&str] = &[
    "case_id",
    "customer_id",
    "opened_at",
    "resolved_at",
    "last_event_at",
    "resolution_hours",
    "inbound_contacts",
    "outbound_contacts",
    "repeat_contacts",
    "has_repeat",
    "recontacted",
    "fcr",
    "promises",
    "promises_kept",
    "promises_late",
    "promises_broken",
    "promises_pending",
    "promises_undated",
    "promises_missed",
    "promise_missed",
    "transfers",
    "escalated",
    "reopens",
    "identifications",
    "channels_used",
    "agents_touched",
    "teams_touched",
    "followed_up",
    "called_back",
    "events",
    "other_events",
    "survey_invited",
    "surveyed",
    "surveys_answered",
    "survey_id",
    "responded_at",
    "score",
    "score_norm",
    "satisfied",
    "customer_resolved",
    "comment",
    "team",
    "agent",
    "channel",
];

/// Internal column names of the engine's frames, besides `COLUMNS`.
const INTERNAL: &[&str] = &[
    "line",
    "ts",
    "event",
    "activity",
    "due_at",
    "promise_kind",
    "pos",
    "key",
    timeline::REOPEN,
    timeline::CASE,
];

/// Whether an event column may become a dimension: not if its name is a
/// journey column or one the engine uses internally.
pub fn is_reserved(name: &str) -> bool {
    COLUMNS.contains(&name) || INTERNAL.contains(&name)
}

/// The input's dimensions that can be case dimensions (`is_reserved`).
fn case_dimensions(inputs: &Inputs) -> Vec<String> {
    inputs
        .dimensions
        .iter()
        .filter(|d| !is_reserved(d))
        .cloned()
        .collect()
}

pub use build::{build, build_keeping_events, build_one_part};

/// Everything the engine derives from the inputs.
pub struct Journeys {
    pub as_of: DateTime<Utc>,
    /// Where `as_of` came from, in words.
    pub as_of_source: String,
    /// One row per case, sorted by case_id, columns `COLUMNS` + dimensions.
    pub cases: DataFrame,
    /// One row per promise (see `promises::ledger`).
    pub promises: Rows,
    /// Every survey row that joined a case.
    pub matched_surveys: Rows,
    /// Survey rows that joined no case, with the reason.
    pub unmatched_surveys: DataFrame,
    /// Count rows attributed to a case.
    pub attributed_contacts: Rows,
    /// Count rows that fit no case, with the reason.
    pub unattributed_contacts: DataFrame,
    pub dimensions: Vec<String>,
    /// Events by event, activity and promise_kind (text), with `rows`.
    pub activities: DataFrame,
    /// Rows of the case table (`[cases]`) naming no case of the log.
    pub unknown_case_table_rows: u64,
    /// The inputs' counts and rejects.
    pub inputs: InputSummary,
    /// How many customer partitions the journeys were built in.
    pub partitions: u32,
}

/// The frames of `Journeys` by name, in the one order that merging parts
/// and journeys datasets (one Parquet file per frame) use.
pub const FRAMES: [&str; 7] = [
    "cases",
    "promises",
    "matched_surveys",
    "unmatched_surveys",
    "attributed_contacts",
    "unattributed_contacts",
    "activities",
];

impl Journeys {
    /// Its frames, in `FRAMES` order (shared, not copied).
    pub fn frames(&self) -> [Rows; 7] {
        [
            self.cases.clone().into(),
            self.promises.clone(),
            self.matched_surveys.clone(),
            self.unmatched_surveys.clone().into(),
            self.attributed_contacts.clone(),
            self.unattributed_contacts.clone().into(),
            self.activities.clone().into(),
        ]
    }

    /// Its frames handed over (in `FRAMES` order), leaving empty ones.
    pub fn take_frames(&mut self) -> [Rows; 7] {
        let held = |df: &mut DataFrame| Rows::Held(std::mem::take(df));
        [
            held(&mut self.cases),
            std::mem::take(&mut self.promises),
            std::mem::take(&mut self.matched_surveys),
            held(&mut self.unmatched_surveys),
            std::mem::take(&mut self.attributed_contacts),
            held(&mut self.unattributed_contacts),
            held(&mut self.activities),
        ]
    }

    /// The same journeys' as_of, dimensions and input summary, holding
    /// other frames (in `FRAMES` order). The case, unmatched, unattributed
    /// and activity frames are held (read in if on disk).
    pub fn with_frames(&self, frames: [Rows; 7]) -> PolarsResult<Journeys> {
        let [
            cases,
            promises,
            matched_surveys,
            unmatched_surveys,
            attributed_contacts,
            unattributed_contacts,
            activities,
        ] = frames;
        let (cases, unmatched_surveys, unattributed_contacts, activities) = (
            cases.frame()?,
            unmatched_surveys.frame()?,
            unattributed_contacts.frame()?,
            activities.frame()?,
        );
        Ok(Journeys {
            as_of: self.as_of,
            as_of_source: self.as_of_source.clone(),
            cases,
            promises,
            matched_surveys,
            unmatched_surveys,
            attributed_contacts,
            unattributed_contacts,
            dimensions: self.dimensions.clone(),
            activities,
            unknown_case_table_rows: self.unknown_case_table_rows,
            inputs: self.inputs.clone(),
            partitions: self.partitions,
        })
    }

    /// The part's promise ledger, matched answers and attributed contact
    /// rows written to the run's scratch folder (`rows`): a run built in
    /// parts holds none of them while it builds the next part.
    pub(crate) fn spill_sides(
        &mut self,
        part: u32,
        scratch: &Arc<tempfile::TempDir>,
    ) -> Result<()> {
        for (name, rows) in [
            ("promises", &mut self.promises),
            ("matched_surveys", &mut self.matched_surveys),
            ("attributed_contacts", &mut self.attributed_contacts),
        ] {
            let path = scratch
                .path()
                .join(format!("journeys-{name}-part-{part}.parquet"));
            *rows = std::mem::take(rows).spill(path, merge::order_of(name), scratch.clone())?;
        }
        Ok(())
    }

    /// The same journeys narrowed to the cases `keep` selects (the last few
    /// weeks, say), with their promises, answers and contact rows. Rows that
    /// name no case (unmatched answers, unattributed counts) are left out:
    /// they belong to no period.
    pub fn restricted(&self, keep: Expr) -> Result<Journeys> {
        let cases = self.cases.clone().lazy().filter(keep).collect()?;
        let ids = cases.clone().lazy().select([col("case_id")]);
        Ok(self.with_frames([
            cases.into(),
            self.promises.of_cases(ids.clone())?,
            self.matched_surveys.of_cases(ids.clone())?,
            self.unmatched_surveys.clear().into(),
            self.attributed_contacts.of_cases(ids)?,
            self.unattributed_contacts.clear().into(),
            self.activities.clone().into(),
        ])?)
    }

    /// The same journeys with every frame in memory (read from disk once,
    /// for frames a caller reads many times).
    pub fn held(mut self) -> PolarsResult<Journeys> {
        for rows in [
            &mut self.promises,
            &mut self.matched_surveys,
            &mut self.attributed_contacts,
        ] {
            *rows = Rows::Held(rows.frame()?);
        }
        Ok(self)
    }
}

/// `as_of`: the configured moment, else the latest event timestamp; and
/// where it came from, in words for the summary.
pub fn as_of(inputs: &Inputs, cfg: &RunConfig) -> Result<(DateTime<Utc>, String)> {
    if cfg.as_of.is_some() {
        return Ok(as_of_from(None, cfg));
    }
    if cfg.run_latest_event.is_some() {
        return Ok(as_of_from(None, cfg));
    }
    let latest = inputs
        .events
        .rows()
        .select([
            col("ts").dt().timestamp(TimeUnit::Milliseconds).max(),
            col("line").get(col("ts").arg_max(), false),
        ])
        .collect()?;
    let ms = latest.column("ts")?.i64()?.get(0);
    let line = latest.column("line")?.i64()?.get(0).unwrap_or(0);
    Ok(as_of_from(ms.map(|ms| (ms, line)), cfg))
}

/// `as_of` given the latest event's time (ms) and line, when known.
pub fn as_of_from(latest: Option<(i64, i64)>, cfg: &RunConfig) -> (DateTime<Utc>, String) {
    if let (Some(t), Some(source)) = (cfg.as_of, cfg.as_of_source) {
        return (t, source.to_string());
    }
    // A routed part sees only its rows: the run's latest event is given.
    if let Some(t) = cfg.run_latest_event {
        return (t, "the latest event timestamp of all parts".into());
    }
    let file = cfg
        .events
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (ms, line) = latest.unzip();
    (
        ms.and_then(DateTime::from_timestamp_millis)
            .unwrap_or_default(),
        format!(
            "the latest event timestamp ({file} line {})",
            line.unwrap_or(0)
        ),
    )
}

/// The journeys of one set of inputs (all of a run's, or one partition's)
/// under the run's `as_of` and input summary. The event log is dropped
/// after its one pass (`log`), before the case-level steps.
pub(crate) fn build_part(
    inputs: Inputs,
    cfg: &RunConfig,
    as_of: DateTime<Utc>,
    as_of_source: String,
    summary: InputSummary,
) -> Result<Journeys> {
    let as_of_ms = as_of.timestamp_millis();
    let tz = cfg.timezone.engine();
    let as_of_day = as_of
        .with_timezone(&cfg.timezone.0)
        .date_naive()
        .signed_duration_since(chrono::NaiveDate::default())
        .num_days() as i32;

    let dimensions = case_dimensions(&inputs);
    let case_table_dimensions = inputs.case_dimensions.clone();
    let Inputs {
        events,
        surveys,
        contacts,
        cases: case_table,
        ..
    } = inputs;
    let log = log::read(events.into_rows(), cfg, &dimensions, as_of_ms)?;
    crate::engine::phase("journeys: log read");

    let (cases, dimensions) = with_case_table(
        log.cases.lazy(),
        case_table.as_ref(),
        &case_table_dimensions,
        dimensions,
    );
    let cases = cases
        .with_columns([
            contacts::local_date(col("opened_at"), &tz).alias("opened_date"),
            contacts::local_date(col("resolved_at"), &tz).alias("resolved_date"),
            recontact::key(),
        ])
        .cache();
    let contact_events = log.contact_events.lazy();
    let ContactFacts {
        attributed,
        unattributed,
        totals,
        recontacted,
    } = contact_facts(
        contacts.as_ref(),
        cases.clone(),
        contact_events.clone(),
        cfg,
        (as_of_ms, as_of_day),
    )?;
    let ledger = log.ledger.lazy();
    let promise_counts = promises::per_case(ledger.clone());

    let surveys = match &surveys {
        Some(s) => s.rows(),
        None => empty(&survey_schema()),
    };
    let joined = survey_join::join(
        surveys,
        cases.clone().select([
            col("case_id"),
            col(CASE),
            col("customer_id"),
            col("resolved_at"),
        ]),
        cfg.survey.window_days,
    )?;
    let matched = joined.matched.cache();
    let answers = survey_join::per_case(matched.clone(), &cfg.survey).cache();

    let left = |lf: LazyFrame, other: LazyFrame| on_case(lf, other, JoinType::Left);
    // followed_up and called_back read only the resolution and the
    // answer's time: built from those two, not from the joined frame, so
    // that frame's plan is not run twice.
    let followed = outbound_after(
        left(
            cases.clone().select([col(CASE), col("resolved_at")]),
            answers.clone().select([col(CASE), col("responded_at")]),
        ),
        contact_events,
        cfg.repeat_window_days,
    );
    let joined_cases = left(
        left(
            left(left(cases.clone(), totals), recontacted),
            promise_counts,
        ),
        answers,
    );
    let journeys = left(joined_cases, followed)
        .with_columns(derived())
        .with_column(fcr())
        .sort([CASE], SortMultipleOptions::default())
        .select(
            COLUMNS
                .iter()
                .map(|c| col(*c))
                .chain(dimensions.iter().map(|d| col(d.as_str())))
                .collect::<Vec<_>>(),
        );
    // The case number stays inside the engine.
    let public = |lf: LazyFrame| lf.drop(cols([CASE]));

    let [
        cases,
        promises,
        matched,
        unmatched,
        attributed,
        unattributed,
        unknown_case_rows,
    ]: [DataFrame; 7] = engine::collect_all(vec![
        journeys,
        public(ledger),
        merge::by_line(public(matched)),
        merge::by_line(joined.unmatched),
        merge::by_line(public(attributed)),
        merge::by_line(unattributed),
        unknown_case_table_rows(case_table.as_ref(), cases),
    ])?
    .try_into()
    .map_err(|_| PolarsError::ComputeError("collect_all returned the wrong count".into()))?;
    Ok(Journeys {
        as_of,
        as_of_source,
        cases,
        promises: promises.into(),
        matched_surveys: matched.into(),
        unmatched_surveys: unmatched,
        attributed_contacts: attributed.into(),
        unattributed_contacts: unattributed,
        dimensions,
        activities: log.activities,
        unknown_case_table_rows: unknown_case_rows.column("n")?.u64()?.get(0).unwrap_or(0),
        inputs: summary,
        partitions: 1,
    })
}

/// What the contacts say per case, as plans: the count rows attributed to a
/// case and those kept by customer, each case's contact totals, and
/// whether its customer came back after resolution.
struct ContactFacts {
    attributed: LazyFrame,
    unattributed: LazyFrame,
    totals: LazyFrame,
    recontacted: LazyFrame,
}

/// `ContactFacts` from the count rows (if any) and the log's contact
/// events. `as_of`: its moment (ms) and its day in the run's zone.
fn contact_facts(
    counts: Option<&Loaded>,
    cases: LazyFrame,
    contact_events: LazyFrame,
    cfg: &RunConfig,
    (as_of_ms, as_of_day): (i64, i32),
) -> Result<ContactFacts> {
    let counts = match counts {
        Some(c) => c.rows(),
        None => empty(&contact_schema()),
    };
    let attribution = contacts::attribute(counts, cases.clone(), as_of_day)?;
    let attributed = attribution.attributed.cache();
    let unattributed = attribution.unattributed.cache();
    let totals = contacts::totals(
        cases.clone(),
        contact_events.clone(),
        attributed.clone(),
        &cfg.timezone.engine(),
        cfg.overlap,
    );
    let recontacted = recontact::recontacted(
        cases,
        contact_events,
        attributed.clone(),
        unattributed.clone(),
        cfg.repeat_window_days,
        as_of_ms,
    )?;
    Ok(ContactFacts {
        attributed,
        unattributed,
        totals,
        recontacted,
    })
}

/// Case-table rows (`[cases]`) naming no case of the log, counted.
fn unknown_case_table_rows(table: Option<&Loaded>, cases: LazyFrame) -> LazyFrame {
    let rows = match table {
        Some(table) => table.rows().select([col("case_id")]),
        None => empty(&Schema::from_iter([Field::new(
            "case_id".into(),
            DataType::String,
        )])),
    };
    rows.join(
        cases.select([col("case_id")]),
        [col("case_id")],
        [col("case_id")],
        JoinArgs::new(JoinType::Anti),
    )
    .select([len().cast(DataType::UInt64).alias("n")])
}

/// A Datetime as milliseconds since the epoch.
pub fn ms(e: Expr) -> Expr {
    e.dt().timestamp(TimeUnit::Milliseconds)
}

/// A duration in milliseconds as hours, exact to the second: whole
/// seconds, then hours to six decimals (a second is 0.000278 h). The
/// engine divides by a constant as a multiplication by its reciprocal, so
/// 8 h would otherwise print as 7.999999999999999.
pub fn hours(duration_ms: Expr) -> Expr {
    (duration_ms.floor_div(lit(1000i64)).cast(DataType::Float64) / lit(3600.0))
        .round(6, RoundMode::HalfAwayFromZero)
}

/// Case attributes (`[cases]`) joined by case_id: where the table has a
/// value it wins over what the log says (it is the record of the case);
/// its other columns become dimensions.
fn with_case_table(
    cases: LazyFrame,
    table: Option<&Loaded>,
    table_dimensions: &[String],
    mut dimensions: Vec<String>,
) -> (LazyFrame, Vec<String>) {
    let Some(table) = table else {
        return (cases, dimensions);
    };
    let present: Vec<String> = crate::input::rows::cases::OWNERS
        .iter()
        .map(|o| o.to_string())
        .chain(dimensions.iter().cloned())
        .collect();
    let attributes: Vec<String> = crate::input::rows::cases::OWNERS
        .iter()
        .map(|o| o.to_string())
        .chain(table_dimensions.iter().filter(|d| !is_reserved(d)).cloned())
        .collect();
    let tagged = |a: &str| format!("__case_{a}");
    let mut right = vec![col("case_id")];
    right.extend(attributes.iter().map(|a| col(a.as_str()).alias(tagged(a))));
    let mut merged = Vec::new();
    for a in &attributes {
        let from_table = col(tagged(a));
        merged.push(if present.contains(a) {
            coalesce(&[from_table, col(a.as_str())]).alias(a.as_str())
        } else {
            from_table.alias(a.as_str())
        });
        if !present.contains(a) {
            dimensions.push(a.clone());
        }
    }
    let joined = cases
        .join(
            table.rows().select(right),
            [col("case_id")],
            [col("case_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns(merged)
        .drop(cols(
            attributes.iter().map(|a| tagged(a)).collect::<Vec<_>>(),
        ));
    (joined, dimensions)
}

/// Counts that are null for cases without the rows behind them become 0,
/// and the features derived from other columns.
fn derived() -> Vec<Expr> {
    let zero = |c: &str| col(c).fill_null(lit(0i64)).alias(c);
    let mut v: Vec<Expr> = [
        "inbound_contacts",
        "outbound_contacts",
        "promises",
        "promises_kept",
        "promises_late",
        "promises_broken",
        "promises_pending",
        "promises_undated",
        "promises_missed",
        "surveys_answered",
    ]
    .into_iter()
    .map(zero)
    .collect();
    let inbound = col("inbound_contacts").fill_null(lit(0i64));
    let repeat = when(inbound.clone().gt(lit(1i64)))
        .then(inbound - lit(1i64))
        .otherwise(lit(0i64));
    v.extend([
        repeat.clone().alias("repeat_contacts"),
        repeat.gt(lit(0i64)).alias("has_repeat"),
        col("promises_missed")
            .fill_null(lit(0i64))
            .gt(lit(0i64))
            .alias("promise_missed"),
        hours(ms(col("resolved_at")) - ms(col("opened_at"))).alias("resolution_hours"),
        col("survey_invited").fill_null(lit(false)),
        col("surveyed").fill_null(lit(false)),
        // Only a resolved case can be followed up.
        when(col("resolved_at").is_null())
            .then(lit(NULL).cast(DataType::Boolean))
            .otherwise(col("followed_up").fill_null(lit(false)))
            .alias("followed_up"),
        // Only an answer can be called back about.
        when(col("responded_at").is_null())
            .then(lit(NULL).cast(DataType::Boolean))
            .otherwise(col("called_back").fill_null(lit(false)))
            .alias("called_back"),
    ]);
    v
}

/// fcr: resolved, at most one inbound contact, never reopened and not
/// recontacted; null while recontacted is (open case or window still open).
fn fcr() -> Expr {
    when(col("recontacted").is_null())
        .then(lit(NULL).cast(DataType::Boolean))
        .otherwise(
            col("inbound_contacts")
                .lt_eq(lit(1i64))
                .and(col("reopens").eq(lit(0i64)))
                .and(col("recontacted").not()),
        )
        .alias("fcr")
}

/// What the company's own calls after the case show: `followed_up`, a
/// `contact_out` after resolved_at and before the survey response (within W
/// of the resolution when there is no response); `called_back`, a
/// `contact_out` after the response (SPEC 3.10: already called back).
fn outbound_after(cases: LazyFrame, contact_events: LazyFrame, window_days: f64) -> LazyFrame {
    let w_ms = engine::days_ms(window_days);
    let ms = |c: &str| ms(col(c));
    let outs = contact_events
        .filter(is("contact_out"))
        .select([col(CASE), ms("ts").alias("o_ms")]);
    let ended = cases
        .filter(
            col("resolved_at")
                .is_not_null()
                .or(col("responded_at").is_not_null()),
        )
        .select([
            col(CASE),
            ms("resolved_at").alias("r_ms"),
            ms("responded_at").alias("a_ms"),
        ]);
    let follow = col("r_ms")
        .is_not_null()
        .and(col("o_ms").gt(col("r_ms")))
        .and(
            when(col("a_ms").is_not_null())
                .then(col("o_ms").lt(col("a_ms")))
                .otherwise(col("o_ms").lt_eq(col("r_ms") + lit(w_ms))),
        );
    let call_back = col("a_ms").is_not_null().and(col("o_ms").gt(col("a_ms")));
    timeline::per_case(
        on_case(ended, outs, JoinType::Inner),
        vec![
            follow.any(true).alias("followed_up"),
            call_back.any(true).alias("called_back"),
        ],
    )
}

fn contact_schema() -> Schema {
    Schema::from_iter([
        Field::new("line".into(), DataType::Int64),
        Field::new("case_id".into(), DataType::String),
        Field::new("customer_id".into(), DataType::String),
        Field::new("date".into(), DataType::Date),
        Field::new("contacts".into(), DataType::Int64),
        Field::new("channel".into(), DataType::String),
        Field::new("direction".into(), DataType::String),
    ])
}

fn survey_schema() -> Schema {
    let ts = crate::input::rows::timestamp::utc_dtype();
    Schema::from_iter([
        Field::new("line".into(), DataType::Int64),
        Field::new("survey_id".into(), DataType::String),
        Field::new("case_id".into(), DataType::String),
        Field::new("customer_id".into(), DataType::String),
        Field::new("sent_at".into(), ts.clone()),
        Field::new("responded_at".into(), ts),
        Field::new("answered".into(), DataType::Boolean),
        Field::new("score".into(), DataType::Float64),
        Field::new("resolved".into(), DataType::Boolean),
        Field::new("comment".into(), DataType::String),
    ])
}

/// An empty frame with the given schema, for an absent optional input.
fn empty(schema: &Schema) -> LazyFrame {
    DataFrame::empty_with_schema(schema).lazy()
}
