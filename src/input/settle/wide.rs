//! Wide case tables (SPEC 1.5): one row per case, as a help desk exports
//! its tickets (created, first reply, solved, reopens, replies, group,
//! satisfaction) or a shop its orders (purchased, approved, shipped,
//! delivered, estimated delivery). Each row is read as the events it stands
//! for, so journeys, metrics and `case` treat it exactly as a long log of
//! those events:
//! - a timestamp column is one event of its type (or activity) at its time;
//! - a due-date column is a `promise` of its kind, made at the `made`
//!   column's time (default: the case's opening), and with `kept` a
//!   `promise_kept` of that kind at that column's time;
//! - a count column is that many events of its type at the case's opening:
//!   the table does not say when they happened, so they count as contacts,
//!   reopens or transfers but can never be a recontact or a follow-up;
//! - a duration column (`[events.durations]`, ServiceNow's
//!   `calendar_duration`) is one event that long after its `from` time
//!   (default: the case's opening column);
//! - a state column (`[events.state]`, an ITSM incident list) is one event
//!   at its `at` time, its activity the row's state, typed by
//!   `[events.activities]` (resolved, closed, or the case's last step);
//! - a survey mapped on the row is the case's survey (its id the case id);
//! - every other column is a dimension.
//!
//! A row with an unreadable time or count is rejected as a whole, so a case
//! is never half read; rows read = used + rejected counts case rows.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;

use crate::error::InputKind;
use crate::error::{ConfigError, InputError, Result};
use crate::input::config::{InputSpec, RunConfig, TimeUnitName, WideColumns};
use crate::input::format::scan::{self, LINE, Scanned};
use crate::input::rows::events::{self, EVENT_TYPES};
use crate::input::rows::fields::{self, Checked, Rule, rule, text, text_or_null};
use crate::input::rows::surveys;
use crate::input::settle::load::{self, Loaded};
use crate::input::shape::columns;
use crate::input::shape::columns::ColumnMap;

/// Canonical columns a case row may carry besides its times.
const ROW_COLUMNS: [&str; 5] = ["case_id", "customer_id", "channel", "agent", "team"];

/// Survey columns a case row may carry (`[events.survey]`).
const SURVEY_COLUMNS: [&str; 7] = [
    "survey_id",
    "score",
    "responded_at",
    "sent_at",
    "resolved",
    "comment",
    "customer_id",
];

/// A wide events input, read.
pub struct Wide {
    pub events: Loaded,
    /// The survey on the case rows, when `[events.survey]` maps one.
    pub surveys: Option<Loaded>,
    pub dimensions: Vec<String>,
}

/// A due date's promise kind: one for every row, or a column's (user
/// column, checked alias).
enum Kind {
    Fixed(String),
    Column(String, String),
}

impl Kind {
    fn expr(&self) -> Expr {
        match self {
            Kind::Fixed(k) => lit(k.clone()),
            Kind::Column(_, alias) => col(alias.as_str()),
        }
    }
}

/// A due-date column: its parsed column, the kind, and the parsed `made`
/// and `kept` columns.
struct Due {
    due: String,
    kind: Kind,
    made: Option<String>,
    kept: Option<String>,
}

/// How a case row stands for events: its time, due-date and count columns
/// (each with the alias its checked value has) and its dimensions.
struct Layout {
    timed: Vec<Timed>,
    /// user column -> (alias, stamp), each time column parsed once
    stamps: BTreeMap<String, (String, fields::Stamp)>,
    durations: Vec<Span>,
    /// (user column, alias, event type)
    counts: Vec<(String, String, String)>,
    due_dates: Vec<Due>,
    dimensions: Vec<String>,
}

/// One timestamp column: its parsed column and the event it times.
struct Timed {
    column: String,
    parsed: String,
    stands: Stands,
    /// A duration column: the time column it counts from, and its unit.
    after: Option<(String, TimeUnitName)>,
}

/// A duration column read as a time: its checked alias, the parsed time
/// it counts from, and its unit.
struct Span {
    column: String,
    alias: String,
    from: String,
    unit: TimeUnitName,
}

impl Span {
    /// `from` + the duration, as a time; null where either is.
    fn time(&self) -> Expr {
        let ms = (text(&self.column).cast(DataType::Float64) * lit(self.unit.milliseconds()))
            .round(0, RoundMode::HalfAwayFromZero)
            .cast(DataType::Int64);
        (col(&self.from).cast(DataType::Int64) + ms)
            .cast(crate::input::rows::timestamp::utc_dtype())
            .alias(self.alias.as_str())
    }
}

/// What a timestamp column's event is: the one its mapping names, or the
/// state the row's case is in (`[events.state]`: its column, and the
/// activity map that types it), which differs by row.
enum Stands {
    Event {
        event: String,
        activity: String,
    },
    State {
        column: String,
        types: BTreeMap<String, String>,
    },
}

/// The checked state text and its event type, on a case row.
const STATE: &str = "__state";
const STATE_EVENT: &str = "__state_event";

impl Timed {
    fn is(&self, event: &str) -> bool {
        matches!(&self.stands, Stands::Event { event: e, .. } if e == event)
    }

    /// Its event's type and activity, for every row.
    fn event(&self) -> (Expr, Expr) {
        match &self.stands {
            Stands::Event { event, activity } => (lit(event.clone()), lit(activity.clone())),
            Stands::State { .. } => (col(STATE_EVENT), col(STATE)),
        }
    }

    /// The rows it stands for an event on.
    fn present(&self) -> Expr {
        let at = col(&self.parsed).is_not_null();
        match self.stands {
            Stands::Event { .. } => at,
            Stands::State { .. } => at.and(col(STATE).is_not_null()),
        }
    }
}

fn not_a_column(
    spec: &InputSpec,
    key: &str,
    column: &str,
    found: &[String],
) -> crate::error::Error {
    ConfigError::Invalid {
        key: format!("events.{key}"),
        message: format!(
            "`{column}` is not a column of {} (found: {})",
            spec.path.display(),
            found.join(", ")
        ),
        hint: Some("name the column as the export spells it".into()),
    }
    .into()
}

/// The event type and activity a timestamp column's mapping names: a
/// canonical type (the activity is the column's name) or an activity name
/// (its type from `[events.activities]`, else `other`).
fn event_of(target: &str, column: &str, activities: &BTreeMap<String, String>) -> (String, String) {
    if EVENT_TYPES.contains(&target) {
        (target.to_string(), column.to_string())
    } else {
        let event = activities
            .get(&target.trim().to_lowercase())
            .cloned()
            .unwrap_or_else(|| "other".into());
        (event, target.to_string())
    }
}

/// Where each case row's columns are: the canonical ones, mapped or
/// named as such.
fn row_columns(spec: &InputSpec, found: &[String]) -> Result<ColumnMap> {
    let mut map = BTreeMap::new();
    for canon in ROW_COLUMNS {
        let want = spec.columns.get(canon).map(String::as_str).unwrap_or(canon);
        match found.iter().find(|f| f.eq_ignore_ascii_case(want)) {
            Some(f) => {
                map.insert(canon, f.clone());
            }
            None if canon == "case_id" || spec.columns.contains_key(canon) => {
                let taken: Vec<&str> = map.values().map(String::as_str).collect();
                return Err(InputError::MissingColumn {
                    kind: InputKind::Events,
                    path: spec.path.clone(),
                    column: canon.to_string(),
                    looked_for: want.to_string(),
                    found: found.to_vec(),
                    suggestion: columns::guess(&columns::EVENTS[0], found, &taken)
                        .map(str::to_string),
                }
                .into());
            }
            None => {}
        }
    }
    Ok(ColumnMap {
        map,
        extra: Vec::new(),
    })
}

pub fn load(spec: &InputSpec, cfg: &RunConfig, scratch: &Path) -> Result<Wide> {
    let scanned = scan::scan(spec, scratch)?;
    let found = &scanned.columns;
    let wide = &spec.wide;
    let mut cols = row_columns(spec, found)?;
    let mut timed = checked_mapping(spec, found)?;
    cols.extra = unmapped(wide, &cols, found);
    let dimensions = events::dimensions(&cols);

    // Each time column parsed once, in its own layout.
    let mut stamps: BTreeMap<String, (String, fields::Stamp)> = BTreeMap::new();
    let mut stamp_of = |c: &str| -> Result<String> {
        if let Some((alias, _)) = stamps.get(c) {
            return Ok(alias.clone());
        }
        let alias = format!("__t{}", stamps.len());
        let s = fields::stamp(&scanned, spec, c, c, cfg.timezone)?;
        stamps.insert(c.to_string(), (alias.clone(), s));
        Ok(alias)
    };
    let mut durations = Vec::new();
    for t in &mut timed {
        t.parsed = match &t.after {
            None => stamp_of(&t.column)?,
            Some((from, unit)) => {
                let span = Span {
                    column: t.column.clone(),
                    alias: format!("__d{}", durations.len()),
                    from: stamp_of(from)?,
                    unit: *unit,
                };
                let alias = span.alias.clone();
                durations.push(span);
                alias
            }
        };
    }
    let mut due_aliases = Vec::new();
    for (j, (column, due)) in wide.due_dates.iter().enumerate() {
        let made = due.made.as_deref().map(&mut stamp_of).transpose()?;
        let kept = due.kept.as_deref().map(&mut stamp_of).transpose()?;
        // The kind: one for every row, or each row's from its column.
        let kind = match (&due.kind, &due.kind_column) {
            (Some(k), _) => Kind::Fixed(k.to_lowercase()),
            (None, Some(c)) => Kind::Column(c.clone(), format!("__kind{j}")),
            (None, None) => Kind::Fixed("unspecified".into()),
        };
        due_aliases.push(Due {
            due: stamp_of(column)?,
            kind,
            made,
            kept,
        });
    }
    let counts: Vec<(String, String, String)> = wide
        .counts
        .iter()
        .enumerate()
        .map(|(i, (c, e))| (c.clone(), format!("__n{i}"), e.clone()))
        .collect();

    let layout = Layout {
        timed,
        stamps,
        durations,
        counts,
        due_dates: due_aliases,
        dimensions,
    };
    let checked = check(&scanned, &cols, cfg, &layout)?;
    // The survey columns are read from the raw text of the used rows.
    let raw = if wide.survey.is_empty() {
        load::Raw::Drop
    } else {
        load::Raw::Keep
    };
    let settled = load::settle(spec, &scanned, checked, raw)?;
    let surveys = if wide.survey.is_empty() {
        None
    } else {
        Some(survey_rows(spec, cfg, &scanned, &cols, settled.used())?)
    };
    let events = settled.into_loaded(|rows| unpivot(rows, &layout), events::ORDER)?;
    Ok(Wide {
        events,
        surveys,
        dimensions: layout.dimensions,
    })
}

/// The wide mapping checked against the file's columns (every named
/// column exists, counts name event types, survey keys are survey
/// columns); the time columns with their events, in file order.
fn checked_mapping(spec: &InputSpec, found: &[String]) -> Result<Vec<Timed>> {
    let wide = &spec.wide;
    let exists = |key: &str, c: &str| -> Result<()> {
        if found.iter().any(|f| f == c) {
            Ok(())
        } else {
            Err(not_a_column(spec, key, c, found))
        }
    };
    // Every column a mapping names, in file order where it matters.
    let position = |c: &str| found.iter().position(|f| f == c).unwrap_or(usize::MAX);
    let activities = events::activity_map(spec)?;
    let mut timed: Vec<Timed> = Vec::new();
    for (column, target) in &wide.timestamps {
        exists("timestamps", column)?;
        let (event, activity) = event_of(target, column, &activities);
        timed.push(Timed {
            column: column.clone(),
            parsed: String::new(),
            stands: Stands::Event { event, activity },
            after: None,
        });
    }
    for (column, elapsed) in &wide.durations {
        exists("durations", column)?;
        let from = match &elapsed.from {
            Some(from) => from.clone(),
            None => wide
                .timestamps
                .iter()
                .find(|(_, target)| target.as_str() == "case_opened")
                .map(|(c, _)| c.clone())
                .ok_or_else(|| ConfigError::Invalid {
                    key: format!("events.durations.\"{column}\".from"),
                    message: "a duration counts from a time, and no column is mapped as case_opened".into(),
                    hint: Some(format!(
                        "name the time it counts from: \"{column}\" = {{ event = \"{}\", unit = \"{}\", from = \"Created\" }}",
                        elapsed.event,
                        elapsed.unit.name()
                    )),
                })?,
        };
        exists("durations", &from)?;
        let (event, activity) = event_of(&elapsed.event, column, &activities);
        timed.push(Timed {
            column: column.clone(),
            parsed: String::new(),
            stands: Stands::Event { event, activity },
            after: Some((from, elapsed.unit)),
        });
    }
    if let Some(state) = &wide.state {
        exists("state", &state.column)?;
        exists("state", &state.at)?;
        if wide.timestamps.contains_key(&state.at) {
            return Err(ConfigError::Invalid {
                key: "events.state.at".into(),
                message: format!(
                    "`{}` is also in [events.timestamps]: its event is the case's state",
                    state.at
                ),
                hint: Some(format!("remove \"{}\" from [events.timestamps]", state.at)),
            }
            .into());
        }
        timed.push(Timed {
            column: state.at.clone(),
            parsed: String::new(),
            stands: Stands::State {
                column: state.column.clone(),
                types: activities.clone(),
            },
            after: None,
        });
    }
    timed.sort_by_key(|t| position(&t.column));
    for (column, due) in &wide.due_dates {
        exists("due_dates", column)?;
        for c in due.made.iter().chain(&due.kept).chain(&due.kind_column) {
            exists("due_dates", c)?;
        }
    }
    for (column, event) in &wide.counts {
        exists("counts", column)?;
        if !EVENT_TYPES.contains(&event.as_str()) {
            return Err(ConfigError::Invalid {
                key: format!("events.counts.\"{column}\""),
                message: format!("`{event}` is not a canonical event type"),
                hint: Some(format!(
                    "a count column counts events of one type: {}",
                    EVENT_TYPES.join(", ")
                )),
            }
            .into());
        }
    }
    for (canon, column) in &wide.survey {
        exists("survey", column)?;
        if !SURVEY_COLUMNS.contains(&canon.as_str()) {
            return Err(ConfigError::Invalid {
                key: format!("events.survey.{canon}"),
                message: format!("`{canon}` is not a survey column"),
                hint: Some(format!("use one of: {}", SURVEY_COLUMNS.join(", "))),
            }
            .into());
        }
    }
    Ok(timed)
}

/// The file's columns no mapping names: each becomes a dimension.
fn unmapped(wide: &WideColumns, cols: &ColumnMap, found: &[String]) -> Vec<String> {
    let mut used: Vec<&str> = cols.map.values().map(String::as_str).collect();
    used.extend(wide.timestamps.keys().map(String::as_str));
    used.extend(wide.counts.keys().map(String::as_str));
    used.extend(wide.survey.values().map(String::as_str));
    if let Some(state) = &wide.state {
        used.extend([state.column.as_str(), state.at.as_str()]);
    }
    for (column, elapsed) in &wide.durations {
        used.push(column);
        used.extend(elapsed.from.as_deref());
    }
    for (column, due) in &wide.due_dates {
        used.push(column);
        used.extend(
            due.made
                .iter()
                .chain(&due.kept)
                .chain(&due.kind_column)
                .map(String::as_str),
        );
    }
    found
        .iter()
        .filter(|f| !used.contains(&f.as_str()))
        .cloned()
        .collect()
}

/// The case rows' checks: a case id, readable times and counts, at least
/// one time, each case once.
fn check(scanned: &Scanned, cols: &ColumnMap, cfg: &RunConfig, layout: &Layout) -> Result<Checked> {
    let Layout {
        timed,
        stamps,
        durations,
        counts,
        due_dates,
        dimensions,
    } = layout;
    let case = cols.get("case_id").unwrap_or_default().to_string();
    let mut rules: Vec<Rule> = fields::structure_rules(scanned);
    rules.push(rule(text(&case).is_null(), "empty_case_id", &case));
    let timestamp_columns: Vec<&str> = timed.iter().map(|t| t.column.as_str()).collect();
    for (column, (alias, stamp)) in stamps {
        rules.push(rule(
            stamp.raw.clone().is_not_null().and(col(alias).is_null()),
            "bad_timestamp",
            column,
        ));
        // Due dates may lie in the future; events may not.
        if timestamp_columns.contains(&column.as_str()) {
            rules.push(rule(
                fields::in_future(col(alias), cfg),
                "timestamp_in_future",
                column,
            ));
        }
    }
    for span in durations {
        // A signed number: a negative one lands before the opening and is
        // rejected there, as a cell.
        rules.push(rule(
            text(&span.column).is_not_null().and(
                text(&span.column)
                    .str()
                    .contains(lit(r"^[-+]?[0-9]+(\.[0-9]*)?$"), true)
                    .not(),
            ),
            "bad_duration",
            &span.column,
        ));
        rules.push(rule(
            fields::in_future(col(&span.alias), cfg),
            "timestamp_in_future",
            &span.column,
        ));
    }
    for (column, alias, _) in counts {
        let t = text(column);
        rules.push(rule(
            t.clone()
                .is_not_null()
                .and(fields::count_ok(t, col(alias).cast(DataType::Float64), cfg.max_count).not()),
            "bad_count",
            column,
        ));
    }
    let any_time = timed
        .iter()
        .fold(lit(false), |acc, t| acc.or(col(&t.parsed).is_not_null()));
    rules.push(rule(
        any_time.not(),
        "no_timestamp",
        timestamp_columns.first().copied().unwrap_or_default(),
    ));

    let mut parsed: Vec<Expr> = stamps
        .values()
        .map(|(alias, s)| s.parsed.clone().alias(alias.as_str()))
        .collect();
    parsed.extend(counts.iter().map(|(column, alias, _)| {
        text(column)
            .cast(DataType::Float64)
            .cast(DataType::Int64)
            .alias(alias.as_str())
    }));
    let mut exprs = vec![
        fields::line(),
        text(&case).alias("case_id"),
        text_or_null(cols, "customer_id").alias("customer_id"),
        fields::lowercase(text_or_null(cols, "channel")).alias("channel"),
        text_or_null(cols, "agent").alias("agent"),
        text_or_null(cols, "team").alias("team"),
    ];
    exprs.extend(dimensions.iter().map(|d| text(d).alias(d.as_str())));
    exprs.extend(stamps.values().map(|(alias, _)| col(alias.as_str())));
    exprs.extend(durations.iter().map(|s| col(s.alias.as_str())));
    exprs.extend(counts.iter().map(|(_, alias, _)| col(alias.as_str())));
    for d in due_dates {
        if let Kind::Column(column, alias) = &d.kind {
            exprs.push(
                fields::lowercase(text(column))
                    .fill_null(lit("unspecified"))
                    .alias(alias.as_str()),
            );
        }
    }
    for t in timed {
        if let Stands::State { column, types } = &t.stands {
            exprs.push(text(column).alias(STATE));
            exprs.push(fields::map_names(text(column), types.clone(), "other").alias(STATE_EVENT));
        }
    }
    exprs.push(fields::reason_code(&rules));
    exprs.extend(fields::raw_columns(scanned));
    let times: Vec<&str> = stamps.keys().map(String::as_str).collect();
    let prepared = fields::prepared(scanned, cfg, &times)?;
    let lf = prepared
        .lf
        .with_columns(parsed)
        .with_columns(durations.iter().map(Span::time).collect::<Vec<_>>())
        .select(exprs);
    let mut checked = Checked::new(lf, &rules).counting(prepared.tally);
    // A case id twice: the first row stays, as for survey ids.
    checked.reject_repeated("duplicate_case_id", &case, "case_id");
    checked.reject_cells(out_of_order(timed));
    Ok(checked)
}

/// SPEC 1.6: a time the case could not have lived — a time before the
/// case's opening, a resolution or close before the first response — is
/// rejected as a value, the case kept. The value stamped out of order is
/// the later step (the reply, the resolution), never the opening.
fn out_of_order(timed: &[Timed]) -> Vec<fields::CellRule> {
    let of = |event: &'static str| timed.iter().filter(move |t| t.is(event));
    let mut rules = Vec::new();
    if let Some(opened) = of("case_opened").next() {
        for t in timed.iter().filter(|t| t.parsed != opened.parsed) {
            rules.push(fields::CellRule {
                when: col(&t.parsed).lt(col(&opened.parsed)),
                reason: "before_case_opened",
                column: t.column.clone(),
                checked: t.parsed.clone(),
            });
        }
    }
    if let Some(reply) = of("contact_out").next() {
        for t in timed {
            let ends = match t.stands {
                Stands::Event { .. } if t.is("resolved") || t.is("closed") => lit(true),
                Stands::State { .. } => col(STATE_EVENT)
                    .is_in(lit(Series::new("".into(), ["resolved", "closed"])), false),
                Stands::Event { .. } => continue,
            };
            rules.push(fields::CellRule {
                when: col(&t.parsed).lt(col(&reply.parsed)).and(ends),
                reason: "resolved_before_first_response",
                column: t.column.clone(),
                checked: t.parsed.clone(),
            });
        }
    }
    rules
}

/// The long events the used case rows stand for, columns as
/// `events::COLUMNS` plus the dimensions.
fn unpivot(rows: LazyFrame, layout: &Layout) -> PolarsResult<LazyFrame> {
    let Layout {
        timed,
        counts,
        due_dates,
        dimensions,
        ..
    } = layout;
    let ts_type = crate::input::rows::timestamp::utc_dtype();
    // The case's opening: its case_opened column, else its earliest time.
    let opened = match timed.iter().find(|t| t.is("case_opened")) {
        Some(t) => col(&t.parsed),
        None => polars::lazy::dsl::min_horizontal(
            timed.iter().map(|t| col(&t.parsed)).collect::<Vec<_>>(),
        )?,
    };
    let event = |ts: Expr, (ev, activity): (Expr, Expr), due: Expr, kind: Expr| {
        let mut v = vec![
            col("line"),
            col("case_id"),
            ts.alias("ts"),
            ev.alias("event"),
            activity.alias("activity"),
            col("customer_id"),
            col("channel"),
            col("agent"),
            col("team"),
            due.alias("due_at"),
            kind.alias("promise_kind"),
        ];
        v.extend(dimensions.iter().map(|d| col(d.as_str())));
        v
    };
    let named = |ev: &str, activity: &str| (lit(ev.to_string()), lit(activity.to_string()));
    let no_due = || lit(NULL).cast(ts_type.clone());
    let no_kind = || lit(NULL).cast(DataType::String);
    let mut parts: Vec<LazyFrame> = Vec::new();
    for t in timed {
        parts.push(rows.clone().filter(t.present()).select(event(
            col(&t.parsed),
            t.event(),
            no_due(),
            no_kind(),
        )));
    }
    for d in due_dates {
        let due = col(d.due.as_str());
        let made_at = d.made.as_deref().map(col).unwrap_or_else(|| opened.clone());
        parts.push(
            rows.clone()
                .filter(due.clone().is_not_null().and(made_at.clone().is_not_null()))
                .select(event(
                    made_at,
                    named("promise", "promise"),
                    due.clone(),
                    d.kind.expr(),
                )),
        );
        if let Some(k) = &d.kept {
            parts.push(
                rows.clone()
                    .filter(due.is_not_null().and(col(k.as_str()).is_not_null()))
                    .select(event(
                        col(k.as_str()),
                        named("promise_kept", "promise kept"),
                        no_due(),
                        d.kind.expr(),
                    )),
            );
        }
    }
    for (column, alias, ev) in counts {
        // One row per counted event: 0..n exploded.
        parts.push(
            rows.clone()
                .filter(col(alias).gt(lit(0i64)).and(opened.clone().is_not_null()))
                .with_column(
                    int_ranges(lit(0i64), col(alias), lit(1i64), DataType::Int64).alias("__k"),
                )
                .explode(
                    cols(["__k"]),
                    ExplodeOptions {
                        empty_as_null: false,
                        keep_nulls: false,
                    },
                )
                .select(event(
                    opened.clone(),
                    named(ev, column),
                    no_due(),
                    no_kind(),
                )),
        );
    }
    concat(parts, UnionArgs::default())
}

/// The case rows' survey as a surveys input: the mapped columns as they
/// were in the file, read by the survey rules like any survey export. A
/// row without a score, a response or an invitation holds no survey.
fn survey_rows(
    spec: &InputSpec,
    cfg: &RunConfig,
    scanned: &Scanned,
    cols: &ColumnMap,
    case_rows: LazyFrame,
) -> Result<Loaded> {
    let raw = |user: &str| -> Expr {
        let i = scanned.columns.iter().position(|c| c == user).unwrap_or(0);
        col(format!("__raw_{i}")).cast(DataType::String)
    };
    let case_col = cols.get("case_id").unwrap_or_default();
    let mut mapping: BTreeMap<String, String> = spec
        .wide
        .survey
        .iter()
        .map(|(canon, user)| (canon.clone(), user.clone()))
        .collect();
    mapping.insert("case_id".into(), case_col.to_string());
    mapping
        .entry("survey_id".into())
        .or_insert_with(|| case_col.to_string());
    let mut names: Vec<String> = mapping.values().cloned().collect();
    names.sort();
    names.dedup();
    let mut select = vec![col("line").cast(DataType::UInt32).alias(LINE)];
    select.extend(names.iter().map(|n| raw(n).alias(n.as_str())));
    let present = |canon: &str| {
        mapping.get(canon).map(|u| {
            raw(u)
                .str()
                .strip_chars(lit(NULL))
                .neq(lit(""))
                .fill_null(lit(false))
        })
    };
    let holds_survey = ["score", "responded_at", "sent_at"]
        .iter()
        .filter_map(|c| present(c))
        .fold(lit(false), |acc, e| acc.or(e));
    let lf = case_rows.filter(holds_survey).select(select);
    let synthetic = Scanned {
        layouts: Default::default(),
        lf,
        columns: names,
        sniffed: scanned.sniffed.clone(),
        damage: Vec::new(),
        first_line: scanned.first_line,
    };
    let survey_spec = InputSpec {
        kind: InputKind::Surveys,
        columns: mapping,
        activities: BTreeMap::new(),
        wide: Default::default(),
        shape: None,
        ..spec.clone()
    };
    let map = columns::resolve(&survey_spec, &synthetic.columns)?;
    let checked = surveys::check(&synthetic, &map, &survey_spec, cfg)?;
    load::settle(&survey_spec, &synthetic, checked, load::Raw::Drop)?
        .into_loaded(|used| Ok(load::keep(used, surveys::COLUMNS)), &[])
}
