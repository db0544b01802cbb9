//! Report tables computed from the journeys (SPEC 3), one module per table.
//! Each aggregates with the lazy engine; only the small aggregated frames
//! come back to Rust for the statistics.

pub mod callbacks;
pub mod change;
pub mod comments;
pub mod drivers;
pub mod factors;
pub mod fail_if;
pub mod overview;
pub mod privacy;
pub mod promises;
pub mod quality;
pub mod resolution;
pub mod score_by_contacts;
pub mod segments;
pub mod selection;
pub mod stats;
pub mod table;
pub mod trends;
pub mod warnings;

use polars::prelude::*;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::input::config::RunConfig;
use crate::journey::Journeys;
use table::Table;

/// What every table is computed from.
pub struct Ctx<'a> {
    pub cfg: &'a RunConfig,
    pub journeys: &'a Journeys,
    /// The `--by` dimension, when given.
    pub by: Option<&'a str>,
    pub period: Period,
}

impl Ctx<'_> {
    pub fn cases(&self) -> LazyFrame {
        self.journeys.cases.clone().lazy()
    }

    pub fn surveyed(&self) -> LazyFrame {
        self.cases().filter(col("surveyed"))
    }

    /// The `--by` column: the case's owners (team, agent, channel) or a
    /// dimension — what a segment can be. Anything else (a case id, a
    /// figure, a misspelt name) is a usage error listing the choices.
    pub fn by_column(&self, default: &'static str) -> Result<String> {
        let by = self.by.unwrap_or(default);
        let choices: Vec<String> = ["team", "agent", "channel"]
            .into_iter()
            .map(String::from)
            .chain(self.journeys.dimensions.iter().cloned())
            .collect();
        if choices.iter().any(|c| c == by) {
            Ok(by.to_string())
        } else {
            Err(Error::usage(
                format!("`--by {by}` is not something cases can be grouped by"),
                Some(format!("use one of: {}", choices.join(", "))),
            ))
        }
    }

    /// Check `--by`, when given, before any table is computed: a table that
    /// does not group must not let a misspelt name pass silently.
    pub fn check_by(&self) -> Result<()> {
        match self.by {
            Some(_) => self.by_column("team").map(|_| ()),
            None => Ok(()),
        }
    }
}

/// Trend bucket of resolved_at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar day
    Day,
    /// ISO week, starting Monday
    #[default]
    Week,
    /// Calendar month
    Month,
}

/// The report tables of SPEC section 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableName {
    /// 3.1 Headline figures
    Overview,
    /// 3.2 Cases, surveys and scores by number of inbound contacts
    ScoreByContacts,
    /// 3.3 Promises made, kept, late, broken and pending, by kind
    Promises,
    /// 3.4 Score gaps of journey factors, with intervals and q-values
    Drivers,
    /// 3.5 Resolved in the log, not resolved for the customer; FCR 2x2
    Resolution,
    /// 3.6 Segments: actual vs expected score, flags, shrunken ranking
    Segments,
    /// 3.7 Figures per day, week or month of resolution
    Trends,
    /// 3.8 Who answers: factor prevalence in surveyed vs unsurveyed cases
    WhoAnswers,
    /// 3.11 What customers wrote: themes, and whether the log shows them
    Comments,
    /// 3.11 Words that set unhappy comments apart from happy ones
    CommentWords,
}

impl TableName {
    pub const ALL: [TableName; 10] = [
        TableName::Overview,
        TableName::ScoreByContacts,
        TableName::Promises,
        TableName::Drivers,
        TableName::Resolution,
        TableName::Segments,
        TableName::Trends,
        TableName::WhoAnswers,
        TableName::Comments,
        TableName::CommentWords,
    ];

    /// Tables that compare survey answers: without any answer joined to a
    /// case they have nothing to show.
    pub fn needs_answers(self) -> bool {
        matches!(
            self,
            TableName::Drivers
                | TableName::Resolution
                | TableName::Segments
                | TableName::WhoAnswers
                | TableName::Comments
                | TableName::CommentWords
        )
    }

    /// The name as typed on the command line.
    pub fn cli_name(self) -> String {
        use clap::ValueEnum;
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    pub fn compute(self, ctx: &Ctx) -> Result<Vec<Table>> {
        Ok(match self {
            TableName::Overview => vec![overview::table(&overview::figures(ctx)?)],
            TableName::ScoreByContacts => vec![score_by_contacts::table(ctx)?],
            TableName::Promises => vec![promises::table(ctx)?],
            TableName::Drivers => vec![drivers::table(ctx)?],
            TableName::Resolution => resolution::tables(ctx)?,
            TableName::Segments => vec![segments::table(ctx)?],
            TableName::Trends => vec![trends::table(ctx)?],
            TableName::WhoAnswers => selection::tables(ctx)?,
            TableName::Comments => vec![comments::comments(ctx)?.themes],
            TableName::CommentWords => vec![comments::comments(ctx)?.words],
        })
    }
}

/// A share's interval as the tables write it, in percent: "19.7-57.0".
pub fn pct_interval(c: Option<(f64, f64)>) -> Value {
    c.map(|(lo, hi)| Value::String(format!("{:.1}-{:.1}", 100.0 * lo, 100.0 * hi)))
        .unwrap_or(Value::Null)
}

/// A segment's name: its value, or "(none)" for the cases without one.
pub fn segment_name(names: &StringChunked, i: usize) -> String {
    names.get(i).unwrap_or("(none)").to_string()
}

/// Share of true values (0-1) rounded to `digits`.
pub fn rate(e: Expr, digits: u32) -> Expr {
    e.cast(DataType::Float64)
        .mean()
        .round(digits, RoundMode::HalfAwayFromZero)
}

/// The group columns every score table starts with: its case count (named
/// `cases_name`), surveyed cases, mean score and satisfied %.
pub fn score_columns(cases_name: &str) -> [Expr; 4] {
    [
        len().cast(DataType::Int64).alias(cases_name),
        col("surveyed")
            .sum()
            .cast(DataType::Int64)
            .alias("surveyed"),
        col("score")
            .mean()
            .round(2, RoundMode::HalfAwayFromZero)
            .alias("mean_score"),
        (col("satisfied").cast(DataType::Float64).mean() * lit(100.0))
            .round(1, RoundMode::HalfAwayFromZero)
            .alias("satisfied_pct"),
    ]
}

/// A number as a JSON value; non-finite becomes null.
/// A figure as JSON: a whole number (a count, a rounded figure) as an
/// integer — `21`, never `21.0`, and never `-0` — anything else as a
/// float; not finite is null.
pub fn num(x: Option<f64>) -> Value {
    match x.filter(|v| v.is_finite()) {
        None => Value::Null,
        // Below 2^53 every whole f64 is an exact integer.
        Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Value::from(v as i64),
        Some(v) => serde_json::Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or(Value::Null),
    }
}

/// k / n, or None when n is 0.
pub fn ratio(k: f64, n: f64) -> Option<f64> {
    (n > 0.0).then(|| k / n)
}

/// Round for presentation in tables (JSON keeps the same rounded value, so
/// every format shows the same figure).
pub fn round(x: Option<f64>, digits: i32) -> Option<f64> {
    let f = 10f64.powi(digits);
    x.map(|v| (v * f).round() / f)
}

/// Read one numeric cell of a one-row (or any) frame as f64.
pub fn cell(df: &DataFrame, name: &str, row: usize) -> Option<f64> {
    let c = df.column(name).ok()?;
    let v = c.cast(&DataType::Float64).ok()?;
    v.f64().ok()?.get(row)
}
