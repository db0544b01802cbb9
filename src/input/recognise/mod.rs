//! What an export is, for `cxgap init` (SPEC 1.5): a long event log, a
//! wide ticket or order table, a case table, a survey export (Qualtrics,
//! SurveyMonkey, reviews), contact counts or an interaction-level contact
//! export; and how its columns map. Every guess carries its evidence (the
//! column's name, or what its first rows hold), which `init` writes beside
//! it and `init --check` prints.

mod contacts;
pub mod durations;
mod events;
pub mod guess;
pub mod profile;
mod surveys;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, InputError, InputKind, Result};
use crate::input::config::{FileFormat, InputSpec, SurveyKind};
use crate::input::format::detect::ExportShape;
use crate::input::format::scan;
use profile::Profile;

/// How many rows of each file are read to recognise it.
const SAMPLE_ROWS: u32 = 2000;

/// How many rows a judgement rests on, saying so when they were a sample:
/// "of the 80 rows read", "in a sample of the first 2000 rows".
pub fn rows_read(n: usize) -> String {
    if n as u32 >= SAMPLE_ROWS {
        format!("in a sample of the first {n} rows")
    } else {
        format!("of the {n} rows read")
    }
}

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    LongEvents,
    WideEvents,
    CaseTable,
    Surveys,
    ContactCounts,
    Interactions,
}

impl Role {
    pub fn kind(self) -> InputKind {
        match self {
            Role::LongEvents | Role::WideEvents => InputKind::Events,
            Role::CaseTable => InputKind::Cases,
            Role::Surveys => InputKind::Surveys,
            Role::ContactCounts | Role::Interactions => InputKind::Contacts,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Role::LongEvents => "an event log, one row per event",
            Role::WideEvents => "a case table, one row per ticket or order with its times",
            Role::CaseTable => "case attributes, one row per case",
            Role::Surveys => "survey answers",
            Role::ContactCounts => "contact counts, one row per customer or case and day",
            Role::Interactions => "contacts, one row per call, chat or email",
        }
    }
}

/// One mapping with the evidence for it: `key = value   # why`.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub key: String,
    pub value: String,
    pub why: String,
    /// Below its evidence: written commented out, with why (SPEC 1.6).
    pub commented: bool,
}

pub fn guess(key: &str, value: &str, why: impl Into<String>) -> Guess {
    Guess {
        key: key.to_string(),
        value: value.to_string(),
        why: why.into(),
        commented: false,
    }
}

/// A due-date column of a wide table, as `init` maps it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueGuess {
    pub column: String,
    pub kind: String,
    /// The column holding each row's kind, when there is one.
    pub kind_column: Option<String>,
    pub made: Option<String>,
    pub kept: Option<String>,
    pub why: String,
}

/// A wide table's state column and the time it is as of (`[events.state]`).
#[derive(Debug, Clone, PartialEq)]
pub struct StateGuess {
    pub column: String,
    pub at: String,
    pub why: String,
}

/// Everything `init` found out about one file.
#[derive(Debug, Clone)]
pub struct Recognised {
    pub path: PathBuf,
    pub format: FileFormat,
    pub export: ExportShape,
    pub role: Option<Role>,
    /// Why the file is what `role` says (or why nothing fits).
    pub why: String,
    /// canonical column -> the file's column
    pub columns: Vec<Guess>,
    /// Canonical columns the role needs and no column fits.
    pub missing: Vec<String>,
    /// Wide tables: time column -> event type or activity.
    pub timestamps: Vec<Guess>,
    pub due_dates: Vec<DueGuess>,
    /// Wide tables: count column -> event type.
    pub counts: Vec<Guess>,
    /// Wide tables: survey column -> the row's column.
    pub survey: Vec<Guess>,
    pub survey_kind: Option<(SurveyKind, String)>,
    /// Long logs: event type -> activity names; and the names no type fits.
    pub activities: Vec<(String, Vec<String>)>,
    pub unmapped: Vec<String>,
    /// Long logs without a reopened activity whose tickets go back to work
    /// after a resolution: the evidence for `reopen_on_activity`.
    pub reopen_on_activity: Option<String>,
    pub dimensions: Vec<String>,
    /// The text encoding, when the file is not UTF-8 (SPEC 1.6).
    pub encoding: Option<String>,
    /// A time written in two columns, joined: its name and its parts.
    pub joined: Option<(String, Vec<String>)>,
    /// Long logs that list each case newest first: the evidence for
    /// `order = "newest_first"`.
    pub newest_first: Option<String>,
    /// Long logs of updates: the evidence for `shape = "snapshots"`.
    pub snapshots: Option<String>,
    /// Wide tables resolved by their state at the last update.
    pub state: Option<StateGuess>,
    /// Wide tables whose end is a duration after the opening.
    pub duration: Option<durations::DurationGuess>,
    /// Long logs whose names never say resolved: why the activities that
    /// only ever end a case were typed `resolved`.
    pub ending: Option<String>,
    /// The letters every sampled case id starts with (`INC`), when they
    /// share two or more: files whose ids start differently name different
    /// things (`SCTASK` tasks are not `INC` incidents).
    pub id_prefix: Option<String>,
    /// The latest time in the sample (UTC ms): of two snapshots of one
    /// table, the later holds the cases' current state.
    pub latest_ms: Option<i64>,
}

/// The first rows of a file, every column as text, and how it was read.
struct Sample {
    format: FileFormat,
    export: ExportShape,
    profiles: Vec<Profile>,
    rows: DataFrame,
    encoding: Option<String>,
    /// A date and a time of day in two columns, read as one (its name, its
    /// parts).
    joined: Option<(String, Vec<String>)>,
}

/// The encoding `init` writes for a file whose bytes are not UTF-8: the
/// usual single-byte encoding of spreadsheet exports, which reads every
/// byte (Latin-1 text reads the same in it).
const SINGLE_BYTE: &str = "windows-1252";

fn sample(path: &Path, scratch: &Path) -> Result<Sample> {
    let xes = {
        let name = path.to_string_lossy().to_lowercase();
        name.ends_with(".xes") || name.ends_with(".xes.gz")
    };
    // Read as surveys, so Qualtrics and SurveyMonkey header rows are known
    // (an XES log can only be events).
    let kind = if xes {
        InputKind::Events
    } else {
        InputKind::Surveys
    };
    let mut spec = InputSpec::bare(kind, path);
    let scanned = match scan::scan(&spec, scratch) {
        Err(Error::Input(e)) if matches!(*e, InputError::Encoding { .. }) => {
            spec.encoding = Some(SINGLE_BYTE.into());
            scan::scan(&spec, scratch)?
        }
        other => other?,
    };
    let texts: Vec<Expr> = scanned
        .columns
        .iter()
        .map(|c| {
            col(c.as_str())
                .cast(DataType::String)
                .str()
                .strip_chars(lit(NULL))
        })
        .collect();
    let mut rows = scanned.lf.limit(SAMPLE_ROWS).select(texts).collect()?;
    let joined = date_and_time(&rows, &scanned.columns)?;
    let mut names = scanned.columns.clone();
    if let Some((name, parts)) = &joined {
        // The pair read as the one time column it is (SPEC 1.4), in place
        // of its parts.
        let (d, t) = (
            rows.column(&parts[0])?.str()?,
            rows.column(&parts[1])?.str()?,
        );
        let both: StringChunked = d
            .iter()
            .zip(t.iter())
            .map(|(d, t)| match (d, t) {
                (Some(d), Some(t)) => Some(format!("{d} {t}")),
                (d, _) => d.map(str::to_string),
            })
            .collect();
        rows.with_column(both.with_name(name.as_str().into()).into_column())?;
        let at = names.iter().position(|n| n == &parts[0]).unwrap_or(0);
        names.retain(|n| !parts.contains(n));
        names.insert(at.min(names.len()), name.clone());
    }
    let profiles = names
        .iter()
        .map(|c| {
            let values = rows
                .column(c)
                .ok()
                .and_then(|s| s.str().ok().cloned())
                .map(|s| {
                    s.iter()
                        .flatten()
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            Profile::new(c, values)
        })
        .collect();
    Ok(Sample {
        format: scanned.sniffed.format,
        export: scanned.sniffed.shape,
        profiles,
        rows,
        encoding: spec.encoding,
        joined,
    })
}

/// A date column and, beside it, a time-of-day column (`Date` = 31-01-2016,
/// `Time` = 17:34:05): one time written in two columns, as the config
/// joins them (`timestamp = ["Date", "Time"]`). The joined column's name
/// and its parts.
fn date_and_time(
    rows: &DataFrame,
    columns: &[String],
) -> PolarsResult<Option<(String, Vec<String>)>> {
    let values = |c: &str| -> PolarsResult<Vec<String>> {
        Ok(rows
            .column(c)?
            .str()?
            .iter()
            .flatten()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect())
    };
    let clock = |v: &str| {
        let parts: Vec<&str> = v.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    for pair in columns.windows(2) {
        let (d, t) = (values(&pair[0])?, values(&pair[1])?);
        let dates = !d.is_empty()
            && crate::input::rows::timestamp::best_read(&d) == d.len()
            && d.iter().all(|v| !v.contains(':'));
        if dates && !t.is_empty() && t.iter().all(|v| clock(v)) {
            return Ok(Some((format!("{} + {}", pair[0], pair[1]), pair.to_vec())));
        }
    }
    Ok(None)
}

/// Recognise one export file.
pub fn recognise(path: &Path, scratch: &Path) -> Result<Recognised> {
    let s = sample(path, scratch)?;
    let (role, why) = classify(&s);
    let mut r = Recognised {
        path: path.to_path_buf(),
        format: s.format,
        export: s.export,
        role,
        why,
        columns: Vec::new(),
        missing: Vec::new(),
        timestamps: Vec::new(),
        due_dates: Vec::new(),
        counts: Vec::new(),
        survey: Vec::new(),
        survey_kind: None,
        activities: Vec::new(),
        unmapped: Vec::new(),
        reopen_on_activity: None,
        dimensions: Vec::new(),
        encoding: s.encoding.clone(),
        joined: s.joined.clone(),
        snapshots: None,
        state: None,
        duration: None,
        newest_first: None,
        ending: None,
        id_prefix: None,
        latest_ms: None,
    };
    match role {
        Some(Role::LongEvents) => events::long_events(&mut r, &s.profiles, &s.rows),
        Some(Role::WideEvents) => events::wide_events(&mut r, &s.profiles),
        Some(Role::CaseTable) => events::case_table(&mut r, &s.profiles),
        Some(Role::Surveys) => surveys::surveys(&mut r, &s.profiles),
        Some(Role::ContactCounts) => contacts::contacts(&mut r, &s.profiles, false),
        Some(Role::Interactions) => contacts::contacts(&mut r, &s.profiles, true),
        None => {}
    }
    let case = r.columns.iter().find(|g| g.key == "case_id");
    let case = case.and_then(|g| s.profiles.iter().find(|p| p.name == g.value));
    r.id_prefix = case.and_then(|c| id_prefix(&c.values));
    r.latest_ms = s
        .profiles
        .iter()
        .filter(|p| p.is_time())
        .filter_map(|p| crate::input::rows::timestamp::latest_ms(&p.values))
        .max();
    Ok(r)
}

/// The letters every id starts with, when all share two or more.
fn id_prefix(ids: &[String]) -> Option<String> {
    let letters = |v: &String| -> String {
        v.trim()
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect::<String>()
            .to_uppercase()
    };
    let first = letters(ids.first()?);
    (first.len() >= 2 && ids.iter().all(|v| letters(v) == first)).then_some(first)
}

pub(super) fn count_of(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// What the file is, and why.
/// "`Ticket ID` repeats over rows (1926 cases in 2000 rows)".
fn repeats(c: &Profile) -> String {
    format!(
        "`{}` repeats over rows ({} in {})",
        c.name,
        count_of(c.distinct, "case"),
        count_of(c.filled(), "row")
    )
}

/// The first four columns' names, quoted: "`Created`, `Solved`".
fn first_names(columns: &[&Profile]) -> String {
    columns
        .iter()
        .take(4)
        .map(|t| format!("`{}`", t.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file whose first line holds values, not names (an Asterisk
/// `Master.csv`, a database dump): two or more of its "names" are times or
/// numbers, which no export's header is.
fn no_header(p: &[Profile]) -> Option<String> {
    let values: Vec<&str> = p
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| {
            crate::input::rows::timestamp::best_read(&[n.to_string()]) == 1
                || n.trim().parse::<f64>().is_ok()
        })
        .collect();
    (values.len() >= 2).then(|| {
        format!(
            "its first line holds values ({}), not column names: the file has no header row; add one naming each column, then run init again",
            values
                .iter()
                .take(3)
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn classify(s: &Sample) -> (Option<Role>, String) {
    let p = &s.profiles;
    if matches!(
        s.export,
        ExportShape::Qualtrics | ExportShape::QualtricsLegacy | ExportShape::SurveyMonkey
    ) {
        return (
            Some(Role::Surveys),
            format!("its header rows are those of a {}", s.export.label()),
        );
    }
    if s.format == FileFormat::Xes {
        return (
            Some(Role::LongEvents),
            "an XES process-mining log: traces are cases, events rows".into(),
        );
    }
    let times: Vec<&Profile> = p.iter().filter(|c| c.is_time()).collect();
    let activity = guess::activity_column(p);
    let score = guess::score_column(p);
    let case = guess::case_column(p);
    // Whole words (SPEC 1.6): `caller_id` names a caller, not a call.
    let named_id = |words: &[&str]| {
        p.iter()
            .find(|c| c.has_word(words) && c.has_word(&["id", "ref", "number", "key", "no"]))
    };
    let response_id = named_id(&["response", "respondent", "review", "survey"]);
    let direction = p
        .iter()
        .find(|c| c.share(c.directions) >= 0.9 && c.named(&["direction", "inout", "type"]));
    let interaction_id = named_id(&[
        "conversation",
        "interaction",
        "call",
        "contact",
        "session",
        "chat",
    ]);
    let count = p.iter().find(|c| {
        c.is_count()
            && c.named(&[
                "calls", "contacts", "count", "volume", "offered", "attempts",
            ])
    });
    if let (Some(score), Some(id)) = (score, response_id) {
        return (
            Some(Role::Surveys),
            format!(
                "`{}` identifies responses and `{}` holds answers ({})",
                id.name,
                score.name,
                score.examples(3)
            ),
        );
    }
    // Answers with the time they came and nothing that names a case: a
    // survey export, whatever else its rows carry (an account's creation).
    let answered_at = p.iter().find(|c| {
        c.is_time()
            && c.has_word(&[
                "surveyed",
                "responded",
                "answered",
                "rated",
                "submitted",
                "recorded",
                "response",
            ])
    });
    let names_case = p.iter().any(|c| {
        c.has_word(&[
            "case",
            "ticket",
            "order",
            "incident",
            "request",
            "call",
            "conversation",
        ])
    });
    if let (Some(score), Some(at)) = (guess::named_score(p), answered_at)
        && !names_case
    {
        return (
            Some(Role::Surveys),
            format!(
                "`{}` holds answers ({}) and `{}` says when they came; no column names a case",
                score.name,
                score.examples(3),
                at.name
            ),
        );
    }
    // A case's rows that never move in time are copies of one row (a
    // report broken down by another column), not its events: a status
    // beside a creation time is the case's state, never an event at that
    // time (which would resolve every ticket the moment it opened).
    let copies = case.filter(|c| !c.is_unique()).is_some_and(|c| {
        !times.is_empty()
            && times
                .iter()
                .all(|t| events::varies_within_cases(&s.rows, &c.name, &t.name) < 0.1)
    });
    if let (Some(c), true) = (case, copies) {
        return (
            Some(Role::WideEvents),
            format!(
                "{} but no time moves within a case: each repeats one ticket's row, with its times ({})",
                repeats(c),
                first_names(&times)
            ),
        );
    }
    if let (Some(a), Some(c)) = (activity, case)
        && !times.is_empty()
        && !c.is_unique()
    {
        return (
            Some(Role::LongEvents),
            format!(
                "{} and `{}` names what happened ({})",
                repeats(c),
                a.name,
                a.examples(3)
            ),
        );
    }
    if !times.is_empty() && activity.is_none() && (direction.is_some() || interaction_id.is_some())
    {
        let what = direction
            .or(interaction_id)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        return match count {
            Some(n) => (
                Some(Role::ContactCounts),
                format!("`{}` counts contacts and `{what}` describes them", n.name),
            ),
            None => (
                Some(Role::Interactions),
                format!("one contact per row: `{what}` describes each, and no column counts them"),
            ),
        };
    }
    // One row per call or contact, each its own case, opened at its one
    // time: a table whose names say calls, with the caller's rating or
    // the channel. (A ticket table with one time — a purchase date — is
    // no call log.)
    let call_log = times.len() == 1
        && p.iter()
            .any(|c| c.has_word(&["call", "calls", "contact", "chat"]))
        && (guess::named_score(p).is_some()
            || p.iter().any(|c| c.has_word(&["channel", "answered"])));
    if let Some(c) = case.filter(|c| c.is_unique()) {
        return if call_log && times.len() == 1 {
            (
                Some(Role::WideEvents),
                format!(
                    "`{}` names each row once: one call or contact per row, opened at `{}`",
                    c.name, times[0].name
                ),
            )
        } else if times.len() == 1
            && let Some(d) = durations::duration_column(p)
        {
            (
                Some(Role::WideEvents),
                format!(
                    "`{}` names each row once, opened at `{}`, and `{}` says how long each took",
                    c.name, times[0].name, d.column
                ),
            )
        } else if times.len() >= 2 {
            (
                Some(Role::WideEvents),
                format!(
                    "`{}` names each row once and {} hold times ({})",
                    c.name,
                    count_of(times.len(), "column"),
                    first_names(&times)
                ),
            )
        } else {
            (
                Some(Role::CaseTable),
                format!(
                    "`{}` names each row once, with attributes but no timeline",
                    c.name
                ),
            )
        };
    }
    if let Some(n) = count
        && activity.is_none()
        && !times.is_empty()
    {
        return (
            Some(Role::ContactCounts),
            format!("`{}` counts contacts per day (`{}`)", n.name, times[0].name),
        );
    }
    if let Some(why) = no_header(p) {
        return (None, why);
    }
    (
        None,
        format!(
            "no case, activity, time, score or count column fits (columns: {})",
            p.iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}
