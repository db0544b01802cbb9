//! Timestamps per SPEC 1.4. A column is read in one layout family, chosen
//! for the whole column, never row by row: ISO 8601 (with or without an
//! offset), `YYYY/MM/DD`, `MM/DD/YYYY` (with or without AM/PM), `DD/MM/YYYY`,
//! `DD.MM.YYYY`, `DD-Mon-YYYY`, each with optional time, seconds and
//! fractions, or Unix epoch seconds or milliseconds.
//!
//! The family is chosen from a sample of the column's values: the one that
//! reads the most of them. Only when day-first and month-first both read
//! every sampled value (no day above 12 yet) does the whole column decide;
//! if every value fits both, the run stops and asks the user to pin one
//! (`Choice::DayOrMonthFirst`). Within the family only the forms the sample
//! uses are parsed (each is one more pass over the column); a value no
//! chosen form reads is rejected as `bad_timestamp`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use polars::prelude::*;

/// One layout family of SPEC 1.4 and the forms (strftime) it reads, in
/// priority order: the plainest first, since the engine parses it fastest.
pub struct Family {
    pub name: &'static str,
    /// Forms with a UTC offset (a trailing `Z` is rewritten to `+00:00`).
    offset: &'static [&'static str],
    /// Forms with a time of day, read in the configured time zone.
    naive: &'static [&'static str],
    /// Date-only forms, read as local midnight.
    dates: &'static [&'static str],
    epoch: bool,
}

pub const ISO: usize = 0;
pub const DAY_FIRST: usize = 3;
pub const MONTH_FIRST: usize = 2;

pub const FAMILIES: &[Family] = &[
    Family {
        name: "ISO 8601 (YYYY-MM-DD)",
        offset: &[
            "%Y-%m-%dT%H:%M:%S%:z",
            "%Y-%m-%dT%H:%M:%S%.f%:z",
            "%Y-%m-%dT%H:%M%:z",
            "%Y-%m-%d %H:%M:%S%:z",
            "%Y-%m-%d %H:%M:%S%.f%:z",
            "%Y-%m-%dT%H:%M:%S%z",
            "%Y-%m-%dT%H:%M:%S%.f%z",
        ],
        naive: &[
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%d %H:%M",
        ],
        dates: &["%Y-%m-%d"],
        epoch: false,
    },
    Family {
        name: "YYYY/MM/DD",
        offset: &[],
        naive: &[
            "%Y/%m/%d %H:%M:%S",
            "%Y/%m/%d %H:%M:%S%.f",
            "%Y/%m/%d %H:%M",
        ],
        dates: &["%Y/%m/%d"],
        epoch: false,
    },
    Family {
        name: "MM/DD/YYYY (month first)",
        offset: &[],
        naive: &[
            "%m/%d/%Y %H:%M:%S",
            "%m/%d/%Y %H:%M",
            "%m/%d/%Y %I:%M:%S %p",
            "%m/%d/%Y %I:%M %p",
        ],
        dates: &["%m/%d/%Y"],
        epoch: false,
    },
    Family {
        name: "DD/MM/YYYY (day first)",
        offset: &[],
        naive: &["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"],
        dates: &["%d/%m/%Y"],
        epoch: false,
    },
    Family {
        name: "DD.MM.YYYY",
        offset: &[],
        naive: &["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"],
        dates: &["%d.%m.%Y"],
        epoch: false,
    },
    Family {
        name: "DD-Mon-YYYY",
        offset: &[],
        naive: &["%d-%b-%Y %H:%M:%S", "%d-%b-%Y %H:%M"],
        dates: &["%d-%b-%Y"],
        epoch: false,
    },
    Family {
        name: "Unix epoch (seconds or milliseconds)",
        offset: &[],
        naive: &[],
        dates: &[],
        epoch: true,
    },
];

/// One form of a family, as parsed.
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

impl Family {
    /// Every form, offsets first.
    pub fn layouts(&self) -> Vec<Layout> {
        let mut v: Vec<Layout> = self
            .offset
            .iter()
            .map(|f| Layout::Offset(f.to_string()))
            .collect();
        v.extend(self.naive.iter().map(|f| Layout::Naive(f.to_string())));
        v.extend(self.dates.iter().map(|f| Layout::Date(f.to_string())));
        if self.epoch {
            v.extend([Layout::EpochSeconds, Layout::EpochMillis]);
        }
        v
    }

    /// The first form with a time of day, for messages and pins.
    pub fn example_format(&self) -> &'static str {
        self.naive
            .iter()
            .rev()
            .find(|f| !f.contains("%p") && !f.contains("%.f"))
            .or(self.dates.first())
            .copied()
            .unwrap_or("%s")
    }
}

impl Layout {
    /// A pinned strftime format as a layout.
    fn pinned(f: &str) -> Layout {
        let has_offset = f.contains("%z") || f.contains("%:z") || f.contains("%#z");
        let has_time = f.contains("%H") || f.contains("%I") || f.contains("%T") || f.contains("%R");
        match (has_offset, has_time) {
            (true, _) => Layout::Offset(f.to_string()),
            (false, true) => Layout::Naive(f.to_string()),
            (false, false) => Layout::Date(f.to_string()),
        }
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

    /// Read one value in `tz` (command-line and config values, messages).
    pub fn instant(&self, text: &str, tz: &chrono_tz::Tz) -> Option<DateTime<Utc>> {
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

/// How a column will be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Parse with these layouts, all of one family.
    Layouts(Vec<Layout>),
    /// Day-first and month-first both read every sampled value: the whole
    /// column decides (`decide_day_or_month`).
    DayOrMonthFirst {
        day_first: Vec<Layout>,
        month_first: Vec<Layout>,
    },
}

/// The family's forms that read some sampled value, and how many values
/// the family reads.
fn fit(family: &Family, sample: &[String]) -> (usize, Vec<Layout>) {
    let layouts = family.layouts();
    let mut used = vec![false; layouts.len()];
    let mut read = 0;
    for v in sample {
        if let Some(i) = layouts.iter().position(|l| l.reads(v)) {
            used[i] = true;
            read += 1;
        }
    }
    let chosen = layouts
        .into_iter()
        .zip(used)
        .filter_map(|(l, u)| u.then_some(l))
        .collect();
    (read, chosen)
}

/// How many of `sample`'s values the best-fitting family reads (`init`
/// tells time columns by it).
pub fn best_read(sample: &[String]) -> usize {
    FAMILIES.iter().map(|f| fit(f, sample).0).max().unwrap_or(0)
}

/// The column's reading from its sampled values (or the pinned format).
/// With nothing readable in the sample, the ISO family is tried, so the
/// rejects show which values are unreadable and the fix says how to pin.
pub fn choose(sample: &[String], pinned: Option<&str>) -> Choice {
    if let Some(f) = pinned {
        return Choice::Layouts(vec![Layout::pinned(f)]);
    }
    let fits: Vec<(usize, Vec<Layout>)> = FAMILIES.iter().map(|f| fit(f, sample)).collect();
    let best = fits.iter().map(|f| f.0).max().unwrap_or(0);
    if best == 0 {
        return Choice::Layouts(FAMILIES[ISO].layouts());
    }
    let tied: Vec<usize> = (0..fits.len()).filter(|&i| fits[i].0 == best).collect();
    if tied.contains(&DAY_FIRST) && tied.contains(&MONTH_FIRST) {
        return Choice::DayOrMonthFirst {
            day_first: fits[DAY_FIRST].1.clone(),
            month_first: fits[MONTH_FIRST].1.clone(),
        };
    }
    Choice::Layouts(fits[tied[0]].1.clone())
}

/// The first sampled value whose day and month differ, read both ways, for
/// the message that asks the user to pin one: (value, day-first reading,
/// month-first reading).
pub fn both_readings(sample: &[String]) -> Option<(String, String, String)> {
    let read = |family: usize, v: &str| {
        FAMILIES[family]
            .layouts()
            .iter()
            .find_map(|l| l.instant(v, &chrono_tz::UTC))
            .map(|d| d.format("%-d %B %Y").to_string())
    };
    sample.iter().find_map(|v| {
        let (d, m) = (read(DAY_FIRST, v)?, read(MONTH_FIRST, v)?);
        (d != m).then(|| (v.clone(), d, m))
    })
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
/// Month-first slashes are not tried: a typed date is ISO or day-first.
pub fn parse_cli_instant(text: &str, tz: &str) -> Option<DateTime<Utc>> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    FAMILIES
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != MONTH_FIRST)
        .flat_map(|(_, f)| f.layouts())
        .find_map(|l| l.instant(text, &tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_family_and_only_the_forms_in_use() {
        let s = strings(&["2026-11-22 15:04", "2026-11-23 09:00"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![Layout::Naive("%Y-%m-%d %H:%M".into())])
        );
        let s = strings(&["11/22/2026 03:04:05 PM"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![Layout::Naive("%m/%d/%Y %I:%M:%S %p".into())])
        );
        let s = strings(&["2012/10/09 14:50:17.000", "2012/10/09 14:50:18"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![
                Layout::Naive("%Y/%m/%d %H:%M:%S".into()),
                Layout::Naive("%Y/%m/%d %H:%M:%S%.f".into()),
            ])
        );
        let s = strings(&["05-Jan-2026", "17-Mar-2026 10:30"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![
                Layout::Naive("%d-%b-%Y %H:%M".into()),
                Layout::Date("%d-%b-%Y".into()),
            ])
        );
        let s = strings(&["1763823845", "1763823845123"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![Layout::EpochSeconds, Layout::EpochMillis])
        );
    }

    #[test]
    fn a_day_above_twelve_decides_and_none_asks_the_column() {
        let s = strings(&["01/10/2026 14:00", "25/10/2026 09:00"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![Layout::Naive("%d/%m/%Y %H:%M".into())])
        );
        let s = strings(&["10/25/2026 14:00", "01/10/2026 09:00"]);
        assert_eq!(
            choose(&s, None),
            Choice::Layouts(vec![Layout::Naive("%m/%d/%Y %H:%M".into())])
        );
        let s = strings(&["01/10/2026 14:00", "03/04/2026 09:00"]);
        assert!(matches!(choose(&s, None), Choice::DayOrMonthFirst { .. }));
        assert_eq!(
            both_readings(&s),
            Some((
                "01/10/2026 14:00".into(),
                "1 October 2026".into(),
                "10 January 2026".into()
            ))
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
