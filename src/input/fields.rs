//! Field parsers and row rules shared by the three inputs, all as lazy
//! expressions: a row's fate is decided by the engine, not a Rust loop.

use polars::prelude::*;

use crate::input::columns::ColumnMap;
use crate::input::scan::{LINE, Scanned};
use crate::input::timestamp::{self, Layout};

pub const REASON: &str = "__reason";
pub const COLUMN: &str = "__column";
pub const VALUES: &str = "__values";

/// A user column as trimmed text; empty becomes null.
pub fn text(user_col: &str) -> Expr {
    let t = col(user_col)
        .cast(DataType::String)
        .str()
        .strip_chars(lit(NULL));
    when(t.clone().eq(lit("")))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(t)
}

/// Optional canonical text column: the user's column or all-null.
pub fn text_or_null(cols: &ColumnMap, canon: &str) -> Expr {
    match cols.get(canon) {
        Some(u) => text(u),
        None => lit(NULL).cast(DataType::String),
    }
}

/// yes/no, y/n, true/false, 1/0 (case-insensitive) as a boolean; else null.
pub fn boolean(raw: Expr) -> Expr {
    let low = raw.str().to_lowercase();
    when(low.clone().is_in(
        lit(Series::new("t".into(), ["yes", "y", "true", "1", "1.0"])).implode(false),
        false,
    ))
    .then(lit(true))
    .when(low.is_in(
        lit(Series::new("f".into(), ["no", "n", "false", "0", "0.0"])).implode(false),
        false,
    ))
    .then(lit(false))
    .otherwise(lit(NULL).cast(DataType::Boolean))
}

/// Sampled values of one column, to choose its timestamp layouts from.
pub fn sample(scanned: &Scanned, user_col: &str) -> PolarsResult<Vec<String>> {
    let df = scanned
        .lf
        .clone()
        .select([text(user_col).alias("v")])
        .limit(2000)
        .drop_nulls(None)
        .collect()?;
    Ok(df
        .column("v")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

/// The column's type when the file stores it as a date or datetime.
fn native_temporal(scanned: &Scanned, user_col: &str) -> Option<DataType> {
    scanned
        .lf
        .clone()
        .collect_schema()
        .ok()
        .and_then(|s| s.get(user_col).cloned())
        .filter(|dt| dt.is_temporal())
}

/// A parsed timestamp column plus its raw text, so a rule can tell "empty"
/// from "unreadable".
pub struct Stamp {
    pub raw: Expr,
    pub parsed: Expr,
}

pub fn stamp(
    scanned: &Scanned,
    user_col: &str,
    pinned: Option<&str>,
    tz: &str,
) -> PolarsResult<Stamp> {
    // Native Parquet/NDJSON datetimes pass straight through: zoned ones are
    // converted, naive ones are read in the configured time zone.
    if let Some(dtype) = native_temporal(scanned, user_col) {
        let c = col(user_col);
        let parsed = match dtype {
            DataType::Datetime(_, Some(_)) => c
                .dt()
                .convert_time_zone(TimeZone::UTC)
                .dt()
                .cast_time_unit(TimeUnit::Milliseconds),
            _ => timestamp::localize(c.cast(DataType::Datetime(TimeUnit::Milliseconds, None)), tz),
        };
        return Ok(Stamp {
            raw: col(user_col).cast(DataType::String),
            parsed,
        });
    }
    let layouts: Vec<Layout> = timestamp::choose_layouts(&sample(scanned, user_col)?, pinned);
    Ok(Stamp {
        raw: text(user_col),
        parsed: timestamp::parse_expr(text(user_col), &layouts, tz),
    })
}

/// One reason a row is rejected, checked in order; the first that holds wins.
pub struct Rule {
    pub when: Expr,
    pub reason: &'static str,
    /// The user's column the reason is about.
    pub column: String,
}

pub fn rule(when: Expr, reason: &'static str, column: &str) -> Rule {
    Rule {
        when,
        reason,
        column: column.to_string(),
    }
}

/// `__reason` and `__column`: null for used rows.
pub fn reason_columns(rules: &[Rule]) -> [Expr; 2] {
    // Nested from the last rule outwards, so the first rule that holds wins.
    let pick = |value: &dyn Fn(&Rule) -> Expr| {
        rules
            .iter()
            .rev()
            .fold(lit(NULL).cast(DataType::String), |rest, r| {
                when(r.when.clone()).then(value(r)).otherwise(rest)
            })
    };
    [
        pick(&|r| lit(r.reason)).alias(REASON),
        pick(&|r| lit(r.column.clone())).alias(COLUMN),
    ]
}

/// The original values of a row, `name=value; ...`, for rejects.csv.
pub fn original_values(columns: &[String]) -> Expr {
    let parts: Vec<Expr> = columns
        .iter()
        .map(|c| {
            concat_str(
                [
                    lit(format!("{c}=")),
                    col(c.as_str()).cast(DataType::String).fill_null(lit("")),
                ],
                "",
                false,
            )
        })
        .collect();
    concat_str(parts, "; ", false).alias(VALUES)
}

/// The line column as Int64, named `line`.
pub fn line() -> Expr {
    col(LINE).cast(DataType::Int64).alias("line")
}
