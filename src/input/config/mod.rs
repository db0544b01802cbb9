//! `cxgap.toml` and its resolution, with the command line, into `RunConfig`:
//! the one settings type every stage sees and `run.json` records.

pub mod file;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, Error, InputError, InputKind, Result};
pub use crate::input::config::file::ConfigFile;
use crate::input::config::file::{ColumnRef, InputSection, SurveySection, load_file};
use crate::input::rows::timestamp::{Zone, parse_cli_instant};
use crate::input::shape::labels::{LabelValue, Labels};

pub const CONFIG_FILE: &str = "cxgap.toml";

/// What the command line may set over the config file. The `cli` layer
/// fills it from the flags; everything here is optional.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Directory holding cxgap.toml and the inputs (default: `.`).
    pub dir: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub events: Option<PathBuf>,
    pub surveys: Option<PathBuf>,
    pub contacts: Option<PathBuf>,
    pub as_of: Option<String>,
    pub repeat_window: Option<f64>,
    pub survey_window: Option<f64>,
    pub timezone: Option<String>,
    pub min_n: Option<usize>,
    pub max_reject_share: Option<f64>,
    pub allow_truncated: bool,
    pub keep_personal: bool,
    /// `cxgap callbacks --days`, over `[callbacks] days`.
    pub callback_days: Option<f64>,
    pub scale: Scale,
    /// The inputs need not exist: the journeys come from a dataset
    /// (`--journeys`), and the config only supplies the settings.
    pub inputs_optional: bool,
}

/// How big a run may get in memory (SPEC 7). Not part of run.json: the
/// figures never depend on it, only how the journeys are built.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scale {
    /// Bytes the run should stay under; `None`: three quarters of the
    /// machine's memory.
    pub memory_limit: Option<u64>,
    /// Build the journeys in exactly this many customer partitions.
    pub partitions: Option<u32>,
}

/// What one row of an input stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// events: one row per event (the default)
    Long,
    /// events: one row per case, a column per timestamp (SPEC 1.5)
    Wide,
    /// events: one row per update of a case carrying its state then (an
    /// ITSM audit log, a CRM field history, SPEC 1.6): consecutive rows of
    /// a case in the same state are one event
    Snapshots,
    /// contacts: one row per customer or case, day and channel, with a
    /// count (the default)
    Counts,
    /// contacts: one row per call, chat or email; cxgap counts them
    Interactions,
}

/// How a wide case table (events, `shape = "wide"`) stands for events.
#[derive(Debug, Default, Serialize, Clone, PartialEq)]
pub struct WideColumns {
    /// column -> the event type (or an activity name) it times
    pub timestamps: BTreeMap<String, String>,
    /// due-date column -> the promise it records
    pub due_dates: BTreeMap<String, DueDate>,
    /// count column -> the event type it counts (replies, reopens,
    /// contacts); in a snapshot log, a running count repeated on each row
    pub counts: BTreeMap<String, String>,
    /// canonical survey column (score, responded_at, ...) -> the case row's column
    pub survey: BTreeMap<String, String>,
    /// the case's state as of its last update (an incident list)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<StateColumn>,
    /// duration column -> the event it ends in, that long after a time
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub durations: BTreeMap<String, Elapsed>,
}

/// A wide table's duration column (ServiceNow's `calendar_duration`, a
/// `resolution_time_hours`): the export gives how long after the opening
/// an event came, not when. The event is at `from` + the duration.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Elapsed {
    /// The event type (or activity name) the duration ends in.
    pub event: String,
    /// What one unit of the column is.
    pub unit: TimeUnitName,
    /// The time column it counts from (default: the case_opened column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// The unit of a duration column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnitName {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnitName {
    pub fn milliseconds(self) -> f64 {
        match self {
            TimeUnitName::Seconds => 1e3,
            TimeUnitName::Minutes => 60e3,
            TimeUnitName::Hours => 3_600e3,
            TimeUnitName::Days => 86_400e3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeUnitName::Seconds => "seconds",
            TimeUnitName::Minutes => "minutes",
            TimeUnitName::Hours => "hours",
            TimeUnitName::Days => "days",
        }
    }
}

/// A wide table's state column (an ITSM incident list: `state` = Resolved
/// as of `sys_updated_on`): the row's one event of what the case last
/// became, at the update time. The state is the activity, its type comes
/// from `[events.activities]` like a long log's.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StateColumn {
    /// The column holding the case's state (`Resolved`, `In Progress`).
    pub column: String,
    /// The time column of the update that set it.
    pub at: String,
}

impl WideColumns {
    pub fn is_empty(&self) -> bool {
        self == &WideColumns::default()
    }
}

/// A due-date column of a wide table: one promise per case row.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DueDate {
    /// The promise kind (`delivery`, `resolution`, ...), the same for every row.
    pub kind: Option<String>,
    /// Or the column holding each row's promise kind.
    pub kind_column: Option<String>,
    /// The column holding when it was made (default: the case's opening).
    pub made: Option<String>,
    /// The column holding when it was kept (default: the event types
    /// `[promises.fulfilled_by]` names for the kind).
    pub kept: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// Delimited text, optionally gzip-compressed; Qualtrics and SurveyMonkey exports are detected
    Csv,
    /// Apache Parquet
    Parquet,
    /// Newline-delimited JSON, one object per line
    Ndjson,
    /// An XES process-mining log (`.xes`, `.xes.gz`), events only
    Xes,
}

/// The order an export lists a case's rows in (events only). Rows with
/// the same time (a date-only log) keep it as their timeline order
/// (SPEC 2.1), so a log that lists each case newest first (a Jira
/// history) says so: its ties are read from the bottom up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RowOrder {
    #[default]
    OldestFirst,
    NewestFirst,
}

impl RowOrder {
    pub fn is_default(&self) -> bool {
        *self == RowOrder::OldestFirst
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    #[default]
    Last,
    First,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    #[default]
    Csat,
    Nps,
    Ces,
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SurveyPick {
    #[default]
    First,
    Last,
    Mean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Overlap {
    #[default]
    Add,
    Max,
}

/// One input, resolved: where it is, how to read it and how its columns map.
#[derive(Debug, Clone, Serialize)]
pub struct InputSpec {
    pub kind: InputKind,
    pub path: PathBuf,
    pub format: Option<FileFormat>,
    pub shape: Option<Shape>,
    pub delimiter: Option<u8>,
    /// A single-byte encoding the file is in (the WHATWG name), when it is
    /// not UTF-8.
    pub encoding: Option<String>,
    pub timestamp_format: Option<String>,
    pub timestamp_formats: BTreeMap<String, String>,
    pub columns: BTreeMap<String, String>,
    /// Columns the scan adds by joining the file's with a space (their
    /// name -> the parts), for a date and a time of day in two columns.
    pub joined: BTreeMap<String, Vec<String>>,
    pub activities: BTreeMap<String, Vec<String>>,
    pub wide: WideColumns,
    #[serde(skip_serializing_if = "RowOrder::is_default")]
    pub order: RowOrder,
}

#[derive(Debug, Clone, Serialize)]
pub struct SurveySettings {
    pub kind: SurveyKind,
    pub scale_min: f64,
    pub scale_max: f64,
    pub pick: SurveyPick,
    pub window_days: f64,
    /// The config's own labels (run.json); `labels` adds the built-in ones.
    pub label_map: BTreeMap<String, LabelValue>,
    pub resolved_labels: BTreeMap<String, bool>,
    #[serde(skip)]
    pub labels: Labels,
}

impl SurveyKind {
    /// The name as cxgap.toml writes it.
    pub fn name(self) -> &'static str {
        match self {
            SurveyKind::Csat => "csat",
            SurveyKind::Nps => "nps",
            SurveyKind::Ces => "ces",
            SurveyKind::Custom => "custom",
        }
    }
}

impl SurveySettings {
    /// Top-2-box threshold: promoters (>= 9) for NPS, else max − 1.
    pub fn satisfied_threshold(&self) -> f64 {
        match self.kind {
            SurveyKind::Nps => 9.0,
            _ => self.scale_max - 1.0,
        }
    }
}

/// Everything a run is computed under. Serialised into run.json.
#[derive(Debug, Clone, Serialize)]
pub struct RunConfig {
    pub config_file: Option<PathBuf>,
    pub events: InputSpec,
    pub surveys: Option<InputSpec>,
    pub contacts: Option<InputSpec>,
    /// Case attributes (`[cases]`), joined onto the journeys by case_id.
    pub cases: Option<InputSpec>,
    pub timezone: Zone,
    pub attribution: Attribution,
    /// `--as-of` or the config's; `None` means "latest event timestamp".
    pub as_of: Option<DateTime<Utc>>,
    /// Where `as_of` came from, for the summary: `--as-of` or cxgap.toml.
    pub as_of_source: Option<&'static str>,
    /// A routed part's (`journeys --routed`): the whole run's latest event
    /// timestamp, its as_of when `as_of` is none; it sets nothing aside.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_latest_event: Option<DateTime<Utc>>,
    /// The moment of the run: a row dated more than a day after it is
    /// rejected (`timestamp_in_future`). `CXGAP_NOW` pins it (tests, replays).
    pub now: DateTime<Utc>,
    pub repeat_window_days: f64,
    pub survey: SurveySettings,
    pub overlap: Overlap,
    /// promise kind -> fulfilling event types, defaults included
    pub fulfilled_by: BTreeMap<String, Vec<String>>,
    pub min_n: usize,
    /// Work after a resolution reopens the case (SPEC 2.1).
    pub reopen_on_activity: bool,
    /// Types or activities that are not work, for `reopen_on_activity`.
    pub reopen_ignore: Vec<String>,
    /// Largest share of an input's rows that may be rejected (SPEC 5).
    pub max_reject_share: f64,
    /// Go on past a file whose last line is cut short (SPEC 5).
    pub allow_truncated: bool,
    /// Largest count a contact-count row may hold.
    pub max_count: u64,
    /// Cell values that mean "missing" (SPEC 1.6), besides an empty cell.
    pub missing: Vec<String>,
    pub callbacks: CallbackSettings,
    pub comments: CommentSettings,
    /// Show e-mail addresses and long digit runs in comments as written
    /// (SPEC 3.11 masks them by default).
    pub keep_personal: bool,
    #[serde(skip)]
    pub scale: Scale,
}

/// `[callbacks]` resolved (SPEC 3.10).
#[derive(Debug, Clone, Serialize)]
pub struct CallbackSettings {
    /// The lists look back this many days from as_of.
    pub days: f64,
}

/// `[comments]` resolved (SPEC 3.11). The built-in themes and stop words
/// live with the metrics that read them; these are the config's own.
#[derive(Debug, Clone, Serialize)]
pub struct CommentSettings {
    /// Replaces the built-in stop words when given.
    pub stop_words: Option<Vec<String>>,
    pub min_count: u64,
    /// theme -> terms, over the built-in themes.
    pub themes: BTreeMap<String, Vec<String>>,
}

impl InputSpec {
    /// An input with no mapping: canonical names, sniffed format (for `init`).
    pub fn bare(kind: InputKind, path: &Path) -> InputSpec {
        InputSpec {
            kind,
            path: path.to_path_buf(),
            format: None,
            shape: None,
            delimiter: None,
            encoding: None,
            timestamp_format: None,
            timestamp_formats: BTreeMap::new(),
            columns: BTreeMap::new(),
            joined: BTreeMap::new(),
            activities: BTreeMap::new(),
            wide: WideColumns::default(),
            order: RowOrder::OldestFirst,
        }
    }
}

impl RunConfig {
    /// Resolve the config file (if any) and the command line into one config.
    /// The command line wins over the file; the file wins over defaults.
    pub fn resolve(args: &Overrides) -> Result<RunConfig> {
        let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let config_path = match &args.config {
            Some(p) => Some(p.clone()),
            None => Some(dir.join(CONFIG_FILE)).filter(|p| p.is_file()),
        };
        let file = match &config_path {
            Some(p) => load_file(p)?,
            None => ConfigFile::default(),
        };
        // Paths in the config are relative to the config file's folder.
        let base = config_path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.clone());

        let zone_name = args
            .timezone
            .clone()
            .or(file.timezone.clone())
            .unwrap_or_else(|| "UTC".into());
        let timezone = Zone::parse(&zone_name).ok_or_else(|| ConfigError::Invalid {
            key: "timezone".into(),
            message: format!("unknown time zone `{zone_name}`"),
            hint: Some(
                "use an IANA name such as `UTC`, `Europe/Berlin` or `America/New_York`".into(),
            ),
        })?;

        let optional = args.inputs_optional;
        let events = match resolve_input(
            InputKind::Events,
            &file.events,
            args.events.as_deref(),
            &base,
            &dir,
            optional,
        )? {
            Some(spec) => spec,
            None if optional => InputSpec::bare(InputKind::Events, &dir.join("events.csv")),
            None => return Err(InputError::NoEvents { dir: dir.clone() }.into()),
        };
        let surveys = resolve_input(
            InputKind::Surveys,
            &file.surveys.input,
            args.surveys.as_deref(),
            &base,
            &dir,
            optional,
        )?;
        let contacts = resolve_input(
            InputKind::Contacts,
            &file.contacts.input,
            args.contacts.as_deref(),
            &base,
            &dir,
            optional,
        )?;

        // A case table has no conventional file name: only the config names one.
        let cases = match &file.cases.path {
            Some(_) => resolve_input(InputKind::Cases, &file.cases, None, &base, &dir, optional)?,
            None => None,
        };
        let survey = resolve_survey(&file.surveys, args.survey_window)?;
        let repeat_window_days = args
            .repeat_window
            .or(file.repeat_window_days)
            .unwrap_or(7.0);
        positive("repeat_window_days", repeat_window_days)?;

        let (as_of, as_of_source, now) = resolve_clock(args, &file, timezone)?;

        let max_reject_share = args
            .max_reject_share
            .or(file.quality.max_reject_share)
            .unwrap_or(0.05);
        if !(0.0..=1.0).contains(&max_reject_share) {
            return Err(ConfigError::invalid(
                "quality.max_reject_share",
                format!("must be a share between 0 and 1, got {max_reject_share}"),
            )
            .into());
        }

        let callback_days = args.callback_days.or(file.callbacks.days).unwrap_or(14.0);
        positive("callbacks.days", callback_days)?;
        let comments = CommentSettings {
            stop_words: file.comments.stop_words.clone(),
            min_count: file.comments.min_count.unwrap_or(5),
            themes: file.comments.themes.clone(),
        };

        let fulfilled_by = resolve_fulfilled_by(&file.promises.fulfilled_by)?;
        let reopen_on_activity = file.reopen_on_activity.unwrap_or(false);
        if reopen_on_activity
            && let Some((column, _)) = events.wide.counts.iter().find(|(_, e)| *e == "reopened")
        {
            return Err(ConfigError::Invalid {
                key: "reopen_on_activity".into(),
                message: format!(
                    "`{column}` already counts the reopens; work after a resolution would count them again"
                ),
                hint: Some("keep one: remove `reopen_on_activity = true`, or the reopen count".into()),
            }
            .into());
        }

        Ok(RunConfig {
            config_file: config_path,
            events,
            surveys,
            contacts,
            cases,
            timezone,
            attribution: file.attribution.unwrap_or_default(),
            as_of,
            as_of_source,
            run_latest_event: None,
            now,
            repeat_window_days,
            survey,
            overlap: file.contacts.overlap.unwrap_or_default(),
            fulfilled_by,
            min_n: args.min_n.or(file.min_n).unwrap_or(30),
            reopen_on_activity,
            reopen_ignore: file.reopen_ignore.clone(),
            max_reject_share,
            allow_truncated: args.allow_truncated,
            max_count: file.contacts.max_count.unwrap_or(100_000),
            callbacks: CallbackSettings {
                days: callback_days,
            },
            comments,
            keep_personal: args.keep_personal,
            missing: file.missing.clone().unwrap_or_else(|| {
                crate::input::rows::fields::MISSING
                    .iter()
                    .map(|m| m.to_string())
                    .collect()
            }),
            scale: args.scale,
        })
    }

    /// Every file this run reads: no output may be written over one.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        std::iter::once(&self.events)
            .chain(self.surveys.as_ref())
            .chain(self.contacts.as_ref())
            .chain(self.cases.as_ref())
            .map(|s| s.path.clone())
            .chain(self.config_file.clone())
            .collect()
    }
}

/// The run's clock: `as_of` (the flag over the file, read in the run's
/// zone) and where it came from, and `now` (`CXGAP_NOW` pins it).
type Clock = (Option<DateTime<Utc>>, Option<&'static str>, DateTime<Utc>);

fn resolve_clock(args: &Overrides, file: &ConfigFile, timezone: Zone) -> Result<Clock> {
    let as_of_source = match (&args.as_of, &file.as_of) {
        (Some(_), _) => Some("--as-of"),
        (None, Some(_)) => Some("as_of in cxgap.toml"),
        (None, None) => None,
    };
    let now = match std::env::var("CXGAP_NOW") {
        Ok(text) => parse_cli_instant(&text, Zone::UTC).ok_or_else(|| {
            ConfigError::invalid("CXGAP_NOW", format!("cannot read `{text}` as a moment"))
        })?,
        Err(_) => Utc::now(),
    };
    let as_of = match args.as_of.as_deref().or(file.as_of.as_deref()) {
        Some(text) => Some(instant_arg(text, timezone, "--as-of")?),
        None => None,
    };
    Ok((as_of, as_of_source, now))
}

/// A moment given on the command line for `flag`, read in the run's zone.
pub fn instant_arg(text: &str, timezone: Zone, flag: &str) -> Result<DateTime<Utc>> {
    parse_cli_instant(text, timezone).ok_or_else(|| {
        Error::usage(
            format!("cannot read `{text}` as a date and time for {flag}"),
            Some("use e.g. `2026-11-22`, `2026-11-22 18:00` or `2026-11-22T18:00:00Z`".into()),
        )
    })
}

/// Promise kind -> the event types that fulfil it: the defaults (a
/// callback by a `contact_out`, a resolution by `resolved`) and what the
/// config adds (docs/config.md: a callback kept by an inbound call is
/// still kept by an outbound one).
fn resolve_fulfilled_by(
    config: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, Vec<String>>> {
    let types = crate::input::rows::events::EVENT_TYPES;
    let mut fulfilled_by: BTreeMap<String, Vec<String>> = BTreeMap::from([
        ("callback".to_string(), vec!["contact_out".to_string()]),
        ("resolution".to_string(), vec!["resolved".to_string()]),
    ]);
    for (kind, events) in config {
        if let Some(e) = events.iter().find(|e| !types.contains(&e.as_str())) {
            return Err(ConfigError::Invalid {
                key: format!("promises.fulfilled_by.{kind}"),
                message: format!("`{e}` is not a canonical event type"),
                hint: Some(format!("use one of: {}", types.join(", "))),
            }
            .into());
        }
        if events.iter().any(|e| e == "promise") {
            // The ledger finds a promise's fulfilment by time: a promise
            // made at the same moment (itself, too) would keep it.
            return Err(ConfigError::Invalid {
                key: format!("promises.fulfilled_by.{kind}"),
                message: "a promise cannot fulfil a promise".into(),
                hint: Some(
                    "list the event types that keep it, such as `contact_out` or `resolved`".into(),
                ),
            }
            .into());
        }
        let by = fulfilled_by.entry(kind.to_lowercase()).or_default();
        for e in events {
            if !by.contains(e) {
                by.push(e.clone());
            }
        }
    }
    Ok(fulfilled_by)
}

fn positive(key: &str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(ConfigError::invalid(key, format!("must be a positive number of days, got {v}")).into())
    }
}

/// Where an input lives: the command line, else the config, else a
/// conventionally named file in the directory (`events.csv`, …).
fn resolve_input(
    kind: InputKind,
    section: &InputSection,
    cli_path: Option<&Path>,
    base: &Path,
    dir: &Path,
    optional: bool,
) -> Result<Option<InputSpec>> {
    let path = match (cli_path, &section.path) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, Some(p)) => Some(base.join(p)),
        (None, None) => find_conventional(dir, kind),
    };
    let Some(path) = path else { return Ok(None) };
    if !path.exists() && !optional {
        return Err(InputError::NotFound { kind, path }.into());
    }
    let delimiter = match section.delimiter.as_deref() {
        None => None,
        Some("\\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(ConfigError::invalid(
                format!("{kind}.delimiter"),
                format!("must be one character, got `{d}`"),
            )
            .into());
        }
    };
    let encoding = match section.encoding.as_deref() {
        None => None,
        Some(label) => Some(
            encoding_rs::Encoding::for_label(label.trim().as_bytes())
                .map(|e| e.name().to_lowercase())
                .ok_or_else(|| ConfigError::Invalid {
                    key: format!("{kind}.encoding"),
                    message: format!("`{label}` names no text encoding"),
                    hint: Some(
                        "use e.g. `windows-1252`, `latin1`, `iso-8859-15` or `utf-16`".into(),
                    ),
                })?,
        ),
    };
    let allowed: &[Shape] = match kind {
        InputKind::Events => &[Shape::Long, Shape::Wide, Shape::Snapshots],
        InputKind::Contacts => &[Shape::Counts, Shape::Interactions],
        InputKind::Surveys | InputKind::Cases => &[],
    };
    if let Some(shape) = section.shape
        && !allowed.contains(&shape)
    {
        return Err(ConfigError::Invalid {
            key: format!("{kind}.shape"),
            message: format!("`{}` is not a shape of the {kind} input", json_name(&shape)),
            hint: Some(if allowed.is_empty() {
                format!("the {kind} input has one shape; remove the key")
            } else {
                format!(
                    "use one of: {}",
                    allowed.iter().map(json_name).collect::<Vec<_>>().join(", ")
                )
            }),
        }
        .into());
    }
    if section.order.is_some_and(|o| !o.is_default())
        && (kind != InputKind::Events || section.shape == Some(Shape::Wide))
    {
        return Err(ConfigError::Invalid {
            key: format!("{kind}.order"),
            message: "`order` says how a long event log lists each case's rows".into(),
            hint: Some(
                "remove the key: only a long [events] log has rows in a case's order".into(),
            ),
        }
        .into());
    }
    let wide_columns = WideColumns {
        timestamps: section.timestamps.clone(),
        due_dates: section.due_dates.clone(),
        counts: section.counts.clone(),
        survey: section.survey.clone(),
        state: section.state.clone(),
        durations: section.durations.clone(),
    };
    for (column, due) in &wide_columns.due_dates {
        if due.kind.is_some() == due.kind_column.is_some() {
            return Err(ConfigError::Invalid {
                key: format!("{kind}.due_dates.\"{column}\""),
                message: "a due date names its promise kind: `kind` or `kind_column`, one of them".into(),
                hint: Some(format!(
                    "e.g. \"{column}\" = {{ kind = \"delivery\" }} or {{ kind_column = \"Promise type\" }}"
                )),
            }
            .into());
        }
    }
    let wide = section.shape == Some(Shape::Wide);
    if wide
        && wide_columns.timestamps.is_empty()
        && wide_columns.state.is_none()
        && wide_columns.durations.is_empty()
    {
        return Err(ConfigError::Invalid {
            key: format!("{kind}.timestamps"),
            message: "a wide case table needs at least one timestamp column".into(),
            hint: Some(format!(
                "name each timestamp column and the event it times: [{kind}.timestamps] \"Created at\" = \"case_opened\""
            )),
        }
        .into());
    }
    // A snapshot log's running counts (`reassignment_count`) are counts too.
    let snapshot_counts = section.shape == Some(Shape::Snapshots)
        && WideColumns {
            counts: BTreeMap::new(),
            ..wide_columns.clone()
        }
        .is_empty();
    if !wide && !snapshot_counts && !wide_columns.is_empty() {
        return Err(ConfigError::Invalid {
            key: format!("{kind}.timestamps"),
            message: "timestamps, due_dates, counts and survey describe a wide case table".into(),
            hint: Some("set [events] shape = \"wide\" (one row per case)".into()),
        }
        .into());
    }
    Ok(Some(InputSpec {
        kind,
        path,
        format: section.format,
        shape: section.shape,
        delimiter,
        encoding,
        timestamp_format: section.timestamp_format.clone(),
        timestamp_formats: section.timestamp_formats.clone(),
        columns: section
            .columns
            .iter()
            .map(|(canon, c)| (canon.clone(), c.name()))
            .collect(),
        joined: section
            .columns
            .values()
            .filter_map(|c| match c {
                ColumnRef::Joined(parts) => Some((c.name(), parts.clone())),
                ColumnRef::One(_) => None,
            })
            .collect(),
        activities: section.activities.clone(),
        wide: wide_columns,
        order: section.order.unwrap_or_default(),
    }))
}

/// A config value as the config spells it.
fn json_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn find_conventional(dir: &Path, kind: InputKind) -> Option<PathBuf> {
    ["csv", "csv.gz", "tsv", "parquet", "ndjson", "jsonl"]
        .iter()
        .map(|ext| dir.join(format!("{}.{ext}", kind.name())))
        .find(|p| p.is_file())
}

fn resolve_survey(section: &SurveySection, cli_window: Option<f64>) -> Result<SurveySettings> {
    let kind = section.kind.unwrap_or_default();
    let default_scale = match kind {
        SurveyKind::Csat => Some([1.0, 5.0]),
        SurveyKind::Nps => Some([0.0, 10.0]),
        SurveyKind::Ces => Some([1.0, 7.0]),
        SurveyKind::Custom => None,
    };
    let [scale_min, scale_max] =
        section
            .scale
            .or(default_scale)
            .ok_or_else(|| ConfigError::Invalid {
                key: "surveys.scale".into(),
                message: "a custom survey needs an explicit scale".into(),
                hint: Some("add e.g. [surveys] scale = [1, 10]".into()),
            })?;
    if scale_min >= scale_max || scale_min.is_nan() || scale_max.is_nan() {
        return Err(ConfigError::invalid(
            "surveys.scale",
            format!("minimum {scale_min} must be below maximum {scale_max}"),
        )
        .into());
    }
    let window_days = cli_window.or(section.window_days).unwrap_or(14.0);
    positive("surveys.window_days", window_days)?;
    Ok(SurveySettings {
        kind,
        scale_min,
        scale_max,
        pick: section.pick.unwrap_or_default(),
        window_days,
        label_map: section.labels.clone(),
        resolved_labels: section.resolved_labels.clone(),
        labels: Labels::new(kind, &section.labels, &section.resolved_labels)?,
    })
}
