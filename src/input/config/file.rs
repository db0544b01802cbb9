//! `cxgap.toml` as the user writes it: every key optional, unknown keys
//! refused. `config` resolves it, with the command line, into `RunConfig`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{ConfigError, Result};
use crate::input::config::{
    Attribution, DueDate, Elapsed, FileFormat, Overlap, RowOrder, Shape, StateColumn, SurveyKind,
    SurveyPick,
};
use crate::input::shape::labels::LabelValue;

/// The file as written by the user. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub timezone: Option<String>,
    pub attribution: Option<Attribution>,
    pub repeat_window_days: Option<f64>,
    pub as_of: Option<String>,
    pub min_n: Option<usize>,
    /// Logs without a `reopened` activity: work after a resolution reopens
    /// the case (SPEC 2.1).
    pub reopen_on_activity: Option<bool>,
    /// Event types or activity names that are not work, for
    /// `reopen_on_activity` (besides closed and survey_sent).
    #[serde(default)]
    pub reopen_ignore: Vec<String>,
    /// Cell values that mean "missing" (SPEC 1.6); replaces the built-in
    /// list (`input::rows::fields::MISSING`).
    pub missing: Option<Vec<String>>,
    #[serde(default)]
    pub events: InputSection,
    #[serde(default)]
    pub surveys: SurveySection,
    #[serde(default)]
    pub contacts: ContactsSection,
    /// Case attributes beside a long log, joined by case_id.
    #[serde(default)]
    pub cases: InputSection,
    #[serde(default)]
    pub promises: PromiseSection,
    #[serde(default)]
    pub quality: QualitySection,
    #[serde(default)]
    pub callbacks: CallbacksSection,
    #[serde(default)]
    pub comments: CommentsSection,
}

/// `[callbacks]`: the window of the call-back lists (SPEC 3.10).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbacksSection {
    /// Days back from as_of that the lists look (default 14).
    pub days: Option<f64>,
}

/// `[comments]`: how survey comments are read (SPEC 3.11).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentsSection {
    /// Words left out of the distinctive words; replaces the built-in list.
    pub stop_words: Option<Vec<String>>,
    /// Fewest uses of a word before it can be distinctive (default 5).
    pub min_count: Option<u64>,
    /// theme -> its terms: a built-in theme's name replaces its terms, any
    /// other name adds a theme.
    #[serde(default)]
    pub themes: BTreeMap<String, Vec<String>>,
}

/// `[quality]`: when a run stops instead of publishing (SPEC 5).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualitySection {
    /// Largest share of an input's rows that may be rejected (default 0.05).
    pub max_reject_share: Option<f64>,
}

/// A mapped column: one of the file's, or several joined with a space (a
/// date and a time of day in two columns).
#[derive(Debug, Deserialize, Clone, PartialEq)]
#[serde(untagged)]
pub enum ColumnRef {
    One(String),
    Joined(Vec<String>),
}

impl ColumnRef {
    /// The column's name as the scan adds it: the parts joined by ` + `.
    pub fn name(&self) -> String {
        match self {
            ColumnRef::One(c) => c.clone(),
            ColumnRef::Joined(parts) => parts.join(" + "),
        }
    }
}

/// Keys every input section shares.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct InputSection {
    pub path: Option<PathBuf>,
    pub format: Option<FileFormat>,
    /// What one row stands for (events: long or wide; contacts: counts or
    /// interactions).
    pub shape: Option<Shape>,
    /// events: the order each case's rows are listed in (`newest_first`
    /// for a log that lists them from the latest).
    pub order: Option<RowOrder>,
    pub delimiter: Option<String>,
    /// The text encoding when not UTF-8: `windows-1252`, `latin1`, ...
    /// (SPEC 1.6). UTF-16 with a byte-order mark is recognised alone.
    pub encoding: Option<String>,
    /// One strftime format for every timestamp column of the input.
    pub timestamp_format: Option<String>,
    /// canonical column -> its strftime format, over `timestamp_format`.
    #[serde(default)]
    pub timestamp_formats: BTreeMap<String, String>,
    /// canonical name -> the user's column name, or the columns joined
    /// into it (`timestamp = ["Date", "Time"]`)
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnRef>,
    /// canonical event type -> the user's activity names (events only)
    #[serde(default)]
    pub activities: BTreeMap<String, Vec<String>>,
    /// events, shape = "wide": column -> the event type (or activity) it times
    #[serde(default)]
    pub timestamps: BTreeMap<String, String>,
    /// events, shape = "wide": due-date column -> the promise it records
    #[serde(default)]
    pub due_dates: BTreeMap<String, DueDate>,
    /// events, shape = "wide": count column -> the event type it counts
    #[serde(default)]
    pub counts: BTreeMap<String, String>,
    /// events, shape = "wide": canonical survey column -> the case row's column
    #[serde(default)]
    pub survey: BTreeMap<String, String>,
    /// events, shape = "wide": the case's state and when it was last updated
    pub state: Option<StateColumn>,
    /// events, shape = "wide": duration column -> the event it ends in
    #[serde(default)]
    pub durations: BTreeMap<String, Elapsed>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySection {
    #[serde(flatten)]
    pub input: InputSection,
    pub kind: Option<SurveyKind>,
    pub scale: Option<[f64; 2]>,
    pub pick: Option<SurveyPick>,
    pub window_days: Option<f64>,
    /// answer text -> score, "unanswered" or "none" (over the built-in maps)
    #[serde(default)]
    pub labels: BTreeMap<String, LabelValue>,
    /// "was it resolved?" answer text -> true or false
    #[serde(default)]
    pub resolved_labels: BTreeMap<String, bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactsSection {
    #[serde(flatten)]
    pub input: InputSection,
    pub overlap: Option<Overlap>,
    /// Largest believable count on one row (default 100,000).
    pub max_count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromiseSection {
    /// promise kind -> event types that fulfil it (besides a matching `promise_kept`)
    #[serde(default)]
    pub fulfilled_by: BTreeMap<String, Vec<String>>,
}

/// Every key a cxgap.toml may hold, at any level: what "did you mean"
/// chooses from.
const KEYS: &[&str] = &[
    "timezone",
    "attribution",
    "repeat_window_days",
    "as_of",
    "min_n",
    "reopen_on_activity",
    "reopen_ignore",
    "missing",
    "events",
    "surveys",
    "contacts",
    "cases",
    "promises",
    "quality",
    "callbacks",
    "comments",
    "path",
    "format",
    "shape",
    "order",
    "delimiter",
    "encoding",
    "timestamp_format",
    "timestamp_formats",
    "columns",
    "activities",
    "timestamps",
    "due_dates",
    "counts",
    "survey",
    "state",
    "at",
    "durations",
    "event",
    "unit",
    "from",
    "kind",
    "scale",
    "pick",
    "window_days",
    "labels",
    "resolved_labels",
    "overlap",
    "max_count",
    "fulfilled_by",
    "max_reject_share",
    "days",
    "stop_words",
    "min_count",
    "themes",
];

/// The known key closest to a misspelt one, when close enough to mean it.
fn closest_key(unknown: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Read and parse the file; a syntax or type error names its line, and an
/// unknown key the line it is on and the key it most likely meant.
pub fn load_file(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| {
        let line_of = |at: usize| text[..at].matches('\n').count() + 1;
        let unknown = e
            .message()
            .strip_prefix("unknown field `")
            .and_then(|m| m.split('`').next());
        let message = match unknown {
            Some(key) => {
                // A flattened section's error spans the section: find the
                // key's own line.
                let line = text
                    .lines()
                    .position(|l| {
                        let l = l.trim_start().trim_start_matches('"');
                        l.strip_prefix(key).is_some_and(|rest| {
                            rest.trim_start_matches('"').trim_start().starts_with('=')
                        })
                    })
                    .map(|i| i + 1)
                    .or_else(|| e.span().map(|s| line_of(s.start)));
                let mean = closest_key(key)
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                format!(
                    "unknown key `{key}`{}{mean}",
                    line.map(|l| format!(" (line {l})")).unwrap_or_default()
                )
            }
            None => {
                e.message().to_string()
                    + &e.span()
                        .map(|s| format!(" (line {})", line_of(s.start)))
                        .unwrap_or_default()
            }
        };
        ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        }
        .into()
    })
}
