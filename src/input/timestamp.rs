//! Timestamps per SPEC 1.4: ISO 8601 with or without offset, `YYYY-MM-DD
//! HH:MM[:SS]`, `MM/DD/YYYY HH:MM`, `DD.MM.YYYY HH:MM`, SurveyMonkey's
//! `MM/DD/YYYY hh:mm:ss AM`, and Unix epoch seconds or milliseconds.
//!
//! Trying every format on every row would cost one parse pass per format, so
//! each column's formats are chosen from a sample of its values and only
//! those are tried on the whole column (a config-pinned format skips the
//! sampling). A value no chosen format reads is rejected as `bad_timestamp`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use polars::prelude::*;

/// Naive layouts in priority order. A layout without fractional seconds
/// comes before its `%.f` twin, which also reads whole seconds: the engine
/// parses the plain one much faster, and the twin is only chosen when the
/// sample holds fractions.
const NAIVE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
];

/// Date-only layouts, read as local midnight.
const DATES: &[&str] = &["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y"];

/// Layouts with a UTC offset (a trailing `Z` is rewritten to `+00:00` first).
const OFFSET: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%:z",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M%:z",
    "%Y-%m-%d %H:%M:%S%:z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    Naive(String),
    Date(String),
    Offset(String),
    EpochSeconds,
    EpochMillis,
}

fn normalise(text: &str) -> String {
    let t = text.trim();
    match t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
        Some(rest) if rest.contains(':') => format!("{rest}+00:00"),
        _ => t.to_string(),
    }
}

impl Layout {
    fn all() -> Vec<Layout> {
        let mut v: Vec<Layout> = OFFSET
            .iter()
            .map(|f| Layout::Offset(f.to_string()))
            .collect();
        v.extend(NAIVE.iter().map(|f| Layout::Naive(f.to_string())));
        v.extend(DATES.iter().map(|f| Layout::Date(f.to_string())));
        v.push(Layout::EpochSeconds);
        v.push(Layout::EpochMillis);
        v
    }

    /// Whether this layout reads `text`, decided exactly as the column parse would.
    fn reads(&self, text: &str) -> bool {
        let t = normalise(text);
        match self {
            Layout::Naive(f) => NaiveDateTime::parse_from_str(&t, f).is_ok(),
            Layout::Date(f) => NaiveDate::parse_from_str(&t, f).is_ok(),
            Layout::Offset(f) => DateTime::parse_from_str(&t, f).is_ok(),
            Layout::EpochSeconds => epoch_digits(&t, 9..=11),
            Layout::EpochMillis => epoch_digits(&t, 12..=14),
        }
    }

    /// Read one value in `tz` (only for command-line and config values).
    fn instant(&self, text: &str, tz: &chrono_tz::Tz) -> Option<DateTime<Utc>> {
        let t = normalise(text);
        let local = |n: NaiveDateTime| {
            tz.from_local_datetime(&n)
                .earliest()
                .map(|d| d.with_timezone(&Utc))
        };
        match self {
            Layout::Naive(f) => local(NaiveDateTime::parse_from_str(&t, f).ok()?),
            Layout::Date(f) => local(
                NaiveDate::parse_from_str(&t, f)
                    .ok()?
                    .and_hms_opt(0, 0, 0)?,
            ),
            Layout::Offset(f) => Some(DateTime::parse_from_str(&t, f).ok()?.with_timezone(&Utc)),
            Layout::EpochSeconds if self.reads(&t) => DateTime::from_timestamp(t.parse().ok()?, 0),
            Layout::EpochMillis if self.reads(&t) => {
                DateTime::from_timestamp_millis(t.parse().ok()?)
            }
            _ => None,
        }
    }
}

fn epoch_digits(t: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// The fewest layouts that read the sample, in priority order: a layout is
/// chosen when it reads a sampled value no earlier choice reads, so each
/// extra parse pass over the column is there for a reason. A pinned format
/// wins outright. With no readable sample every layout is kept, so the
/// rejects say precisely which values were unreadable.
pub fn choose_layouts(sample: &[String], pinned: Option<&str>) -> Vec<Layout> {
    if let Some(f) = pinned {
        let has_offset = f.contains("%z") || f.contains("%:z") || f.contains("%#z");
        let has_time = f.contains("%H") || f.contains("%I") || f.contains("%T") || f.contains("%R");
        return vec![match (has_offset, has_time) {
            (true, _) => Layout::Offset(f.to_string()),
            (false, true) => Layout::Naive(f.to_string()),
            (false, false) => Layout::Date(f.to_string()),
        }];
    }
    let all = Layout::all();
    let mut unread: Vec<&String> = sample.iter().collect();
    let mut chosen = Vec::new();
    for layout in &all {
        let before = unread.len();
        unread.retain(|s| !layout.reads(s));
        if unread.len() < before {
            chosen.push(layout.clone());
        }
    }
    if chosen.is_empty() { all } else { chosen }
}

const UNIT: TimeUnit = TimeUnit::Milliseconds;

/// The canonical timestamp type: milliseconds, UTC.
pub fn utc_dtype() -> DataType {
    DataType::Datetime(UNIT, Some(TimeZone::UTC))
}

fn strptime(text: Expr, format: &str, dtype: DataType) -> Expr {
    text.str().strptime(
        dtype,
        StrptimeOptions {
            format: Some(format.into()),
            strict: false,
            exact: true,
            cache: true,
        },
        lit("earliest"),
    )
}

/// A String expression parsed into UTC milliseconds; unreadable values become
/// null (the validator turns non-null input + null output into a reject).
pub fn parse_expr(text: Expr, layouts: &[Layout], tz: &str) -> Expr {
    // Only an offset layout can read a trailing `Z`: spare the other
    // columns the rewrite (the text arrives trimmed).
    let cleaned = if layouts.iter().any(|l| matches!(l, Layout::Offset(_))) {
        text.str().replace(lit(r"[Zz]$"), lit("+00:00"), false)
    } else {
        text
    };
    let naive = DataType::Datetime(UNIT, None);
    let mut local_parts = Vec::new();
    let mut utc_parts = Vec::new();
    for layout in layouts {
        match layout {
            Layout::Naive(f) => local_parts.push(strptime(cleaned.clone(), f, naive.clone())),
            Layout::Date(f) => {
                local_parts.push(strptime(cleaned.clone(), f, DataType::Date).cast(naive.clone()))
            }
            Layout::Offset(f) => utc_parts.push(
                strptime(cleaned.clone(), f, utc_dtype())
                    .dt()
                    .convert_time_zone(TimeZone::UTC),
            ),
            Layout::EpochSeconds | Layout::EpochMillis => {
                let (lo, hi, scale) = if *layout == Layout::EpochSeconds {
                    (9, 11, 1000)
                } else {
                    (12, 14, 1)
                };
                let len = cleaned.clone().str().len_bytes();
                let digits = cleaned.clone().str().contains(lit(r"^\d+$"), false);
                utc_parts.push(
                    when(
                        digits
                            .and(len.clone().gt_eq(lit(lo)))
                            .and(len.lt_eq(lit(hi))),
                    )
                    .then(cleaned.clone().cast(DataType::Int64) * lit(scale))
                    .otherwise(lit(NULL).cast(DataType::Int64))
                    .cast(utc_dtype()),
                );
            }
        }
    }
    if !local_parts.is_empty() {
        utc_parts.push(localize(coalesce(&local_parts), tz));
    }
    coalesce(&utc_parts)
}

/// Naive datetimes read as wall-clock time in `tz`, converted to UTC. An
/// ambiguous time (clocks going back) takes the earlier instant; a time that
/// does not exist (clocks going forward) becomes null and is rejected.
pub fn localize(naive: Expr, tz: &str) -> Expr {
    naive
        .dt()
        .replace_time_zone(
            TimeZone::opt_try_new(Some(tz)).ok().flatten(),
            lit("earliest"),
            NonExistent::Null,
        )
        .dt()
        .convert_time_zone(TimeZone::UTC)
}

/// A command-line or config instant (`--as-of`), naive values in `tz`.
pub fn parse_cli_instant(text: &str, tz: &str) -> Option<DateTime<Utc>> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    Layout::all().iter().find_map(|l| l.instant(text, &tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_picks_only_matching_layouts() {
        let s = vec![
            "2026-11-22 15:04".to_string(),
            "2026-11-23 09:00".to_string(),
        ];
        assert_eq!(
            choose_layouts(&s, None),
            vec![Layout::Naive("%Y-%m-%d %H:%M".into())]
        );
        let s = vec!["11/22/2026 03:04:05 PM".to_string()];
        assert_eq!(
            choose_layouts(&s, None),
            vec![Layout::Naive("%m/%d/%Y %I:%M:%S %p".into())]
        );
        let s = vec!["1763823845".to_string(), "1763823845123".to_string()];
        assert_eq!(
            choose_layouts(&s, None),
            vec![Layout::EpochSeconds, Layout::EpochMillis]
        );
    }

    #[test]
    fn cli_instants() {
        let utc = |s| parse_cli_instant(s, "UTC").map(|d| d.to_rfc3339());
        assert_eq!(
            utc("2026-11-22").as_deref(),
            Some("2026-11-22T00:00:00+00:00")
        );
        assert_eq!(
            utc("2026-11-22T10:00:00Z").as_deref(),
            Some("2026-11-22T10:00:00+00:00")
        );
        assert_eq!(
            parse_cli_instant("2026-07-01 12:00", "Europe/Berlin")
                .map(|d| d.to_rfc3339())
                .as_deref(),
            Some("2026-07-01T10:00:00+00:00")
        );
        assert_eq!(utc("yesterday"), None);
    }
}
