//! Typed errors for every layer, rendered once in `main`.
//!
//! Messages name the file, the column or line, what was found and — in
//! `hint()` — how to fix it. Rejected *rows* are not errors: they are data,
//! counted and written to `rejects.csv` (see `input::rejects`).

use std::path::PathBuf;

use polars::prelude::PolarsError;

/// The top-level error. `exit_code` is the only place exit codes are chosen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Boxed: input errors carry the columns found, and `Result` stays small.
    #[error(transparent)]
    Input(Box<InputError>),
    #[error(transparent)]
    Config(Box<ConfigError>),
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Arguments that parse but make no sense together (clap handles the rest).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// The data cannot support a trustworthy result (SPEC 5): too many
    /// rejected rows, no usable case, no survey answer for a score table.
    #[error(transparent)]
    Quality(Box<QualityError>),
    #[error("the query engine failed: {0}")]
    Engine(#[from] PolarsError),
}

/// A data-quality breach: what was found, the evidence, and the fix.
#[derive(Debug, thiserror::Error)]
#[error("{summary}{}", if details.is_empty() { String::new() } else { format!("\n{details}") })]
pub struct QualityError {
    pub summary: String,
    /// Indented lines: the top reasons with example lines.
    pub details: String,
    pub hint: String,
}

impl From<QualityError> for Error {
    fn from(e: QualityError) -> Self {
        Error::Quality(Box::new(e))
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(Box::new(e))
    }
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint,
        }
    }

    /// 1 for input and runtime errors, 2 for usage errors (clap uses 2
    /// too) and refused or locked outputs, 4 for a data-quality breach.
    /// 3 (a `--fail-if` breach) is a successful run and never an `Error`.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } => 2,
            Error::Output(OutputError::Refused { .. } | OutputError::Locked { .. }) => 2,
            Error::Quality(_) => 4,
            _ => 1,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Input(e) => e.hint(),
            Error::Config(e) => e.hint(),
            Error::Usage { hint, .. } => hint.clone(),
            Error::Output(e) => e.hint(),
            Error::Quality(e) => Some(e.hint.clone()),
            Error::Engine(_) => Some(
                "this is likely a bug in cxgap; please report it with the command you ran".into(),
            ),
        }
    }
}

/// Which of the three inputs a message is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    Events,
    Surveys,
    Contacts,
    /// Case attributes beside a long log (`[cases]`).
    Cases,
}

impl InputKind {
    /// The inputs `init` tells apart by their columns.
    pub const ALL: [InputKind; 3] = [InputKind::Events, InputKind::Surveys, InputKind::Contacts];

    pub fn name(self) -> &'static str {
        match self {
            InputKind::Events => "events",
            InputKind::Surveys => "surveys",
            InputKind::Contacts => "contacts",
            InputKind::Cases => "cases",
        }
    }
}

impl std::fmt::Display for InputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}: file not found", path.display())]
    NotFound { kind: InputKind, path: PathBuf },
    #[error("{}: cannot read the file", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: unknown file format `{ext}` for the {kind} input", path.display())]
    UnknownFormat {
        kind: InputKind,
        path: PathBuf,
        ext: String,
    },
    #[error("{}: the file is empty (no header row)", path.display())]
    Empty { path: PathBuf },
    #[error("{}: the file has a header but no data rows", path.display())]
    NoRows { path: PathBuf },
    #[error(
        "{}: missing required column `{column}` (found: {})",
        path.display(),
        found.join(", ")
    )]
    MissingColumn {
        kind: InputKind,
        path: PathBuf,
        column: String,
        /// The user's name for it when the config maps it, else the canonical name.
        looked_for: String,
        found: Vec<String>,
        suggestion: Option<String>,
    },
    #[error(
        "{}: the header has more than one column named `{column}`, so cxgap cannot tell which is `{canon}`",
        path.display()
    )]
    DuplicateColumn {
        kind: InputKind,
        path: PathBuf,
        column: String,
        canon: String,
    },
    #[error("{}: surveys need a `case_id` or a `customer_id` column (found: {})", path.display(), found.join(", "))]
    NoSurveyKey { path: PathBuf, found: Vec<String> },
    #[error("{}: the file is not UTF-8 text ({detail})", path.display())]
    Encoding { path: PathBuf, detail: String },
    #[error("{}: cannot parse the file: {detail}", path.display())]
    Unparseable { path: PathBuf, detail: String },
    #[error(
        "{}: line {line}: a quoted field opens here and never closes, so the {lines_after} lines after it cannot be read as rows",
        path.display()
    )]
    UnterminatedQuote {
        path: PathBuf,
        line: u64,
        lines_after: u64,
    },
    #[error(
        "{}: column `{column}` fits two date layouts: every day and month is 12 or less, so `{example}` reads as {as_day} (day first) or {as_month} (month first)",
        path.display()
    )]
    AmbiguousDates {
        path: PathBuf,
        kind: InputKind,
        canon: String,
        column: String,
        example: String,
        as_day: String,
        as_month: String,
        day_format: String,
        month_format: String,
    },
    #[error("no events input: {} has no cxgap.toml naming one and no events.csv, events.parquet or events.ndjson", dir.display())]
    NoEvents { dir: PathBuf },
    #[error("{}: {message}", path.display())]
    Dataset {
        path: PathBuf,
        message: String,
        hint: String,
    },
    #[error("case `{case_id}` is not in the events input")]
    UnknownCase {
        case_id: String,
        /// A few existing ids that look alike, for the hint.
        similar: Vec<String>,
    },
}

impl InputError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            InputError::NotFound { kind, .. } => format!(
                "check the path, or set it in cxgap.toml: [{kind}] path = \"...\" (or pass --{kind} FILE)"
            ),
            InputError::Unreadable { .. } => "check the file's permissions".into(),
            InputError::Dataset { hint, .. } => hint.clone(),
            InputError::UnknownFormat { kind, .. } => format!(
                "name the format in cxgap.toml: [{kind}] format = \"csv\" (csv, parquet, ndjson or xes), or use a .csv, .tsv, .csv.gz, .parquet, .ndjson, .jsonl, .xes or .xes.gz file"
            ),
            InputError::Empty { .. } | InputError::NoRows { .. } => {
                "export the data again; an empty input cannot be reported on".into()
            }
            InputError::MissingColumn {
                kind,
                column,
                suggestion,
                ..
            } => {
                let guess = suggestion.as_deref().unwrap_or("<your column name>");
                let mut hint =
                    format!("map it in cxgap.toml: [{kind}.columns] {column} = \"{guess}\"");
                if *kind == InputKind::Contacts && column == "contacts" {
                    hint.push_str(
                        "; or, if each row is one call, chat or email, set [contacts] shape = \"interactions\"",
                    );
                }
                hint
            }
            InputError::DuplicateColumn {
                kind,
                column,
                canon,
                ..
            } => format!(
                "map the one you mean by position: [{kind}.columns] {canon} = \"{column}\" (the first) or \"{column} (2)\" (the second); or rename one in the export"
            ),
            InputError::NoSurveyKey { .. } => {
                "map one in cxgap.toml: [surveys.columns] case_id = \"...\" or customer_id = \"...\""
                    .into()
            }
            InputError::Encoding { .. } => {
                "name its encoding in cxgap.toml, in the input's section: encoding = \"windows-1252\" (or \"latin1\", \"iso-8859-15\"); `cxgap init` detects it".into()
            }
            InputError::Unparseable { .. } => {
                "check that the file is complete and in the format its extension says".into()
            }
            InputError::UnterminatedQuote { line, .. } => format!(
                "look at line {line}: a quote inside a quoted field must be doubled (`\"\"`); fix it, or export the file again"
            ),
            InputError::AmbiguousDates {
                kind,
                canon,
                day_format,
                month_format,
                ..
            } => format!(
                "cxgap does not guess: pin the layout in cxgap.toml\n  [{kind}.timestamp_formats]\n  {key} = \"{day_format}\"     # day first\n  # {key} = \"{month_format}\"   # month first",
                // A wide table's column (`Created at`) is a quoted key.
                key = if canon.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                    canon.clone()
                } else {
                    format!("\"{canon}\"")
                }
            ),
            InputError::NoEvents { .. } => {
                "run `cxgap init DIR FILES...` to write a starter cxgap.toml, or pass --events FILE"
                    .into()
            }
            InputError::UnknownCase { similar, .. } if !similar.is_empty() => {
                format!("similar case ids: {}", similar.join(", "))
            }
            InputError::UnknownCase { .. } => {
                "list case ids with `cxgap journeys DIR --out - --format csv`".into()
            }
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the config file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: invalid config: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("invalid setting `{key}`: {message}")]
    Invalid {
        key: String,
        message: String,
        hint: Option<String>,
    },
}

impl ConfigError {
    pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            key: key.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Parse { .. } => Some(
                "see docs/config.md for every key, or run `cxgap init` for a commented starter file"
                    .into(),
            ),
            ConfigError::Invalid { hint, .. } => hint.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: cannot write", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw a chart: {0}")]
    Chart(String),
    #[error("{}: cannot use the run's temporary folder", path.display())]
    Scratch {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the run was stopped after stage `{0}` (--fail-after-stage)")]
    Stopped(String),
    #[error("cannot write to standard output")]
    Stdout(#[source] std::io::Error),
    #[error("{}: {reason}", path.display())]
    Refused {
        path: PathBuf,
        reason: String,
        hint: String,
    },
    #[error(
        "{}: another cxgap run is writing it ({holder}); gave up after waiting {waited_s} s",
        path.display()
    )]
    Locked {
        path: PathBuf,
        holder: String,
        waited_s: u64,
    },
}

impl OutputError {
    pub fn hint(&self) -> Option<String> {
        match self {
            OutputError::Refused { hint, .. } => Some(hint.clone()),
            OutputError::Locked { .. } => Some(
                "wait for that run to finish, or raise --lock-wait; a lock whose run has died is taken over by itself"
                    .into(),
            ),
            OutputError::Scratch { .. } => Some(
                "free space there, or set TMPDIR to a folder with room (a partitioned run spills its event log there)"
                    .into(),
            ),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
