//! Timestamps per SPEC 1.4: the layout is inferred from the values, not
//! looked up in a list. Each value is split into its parts (`value`): a
//! date of three parts in any order — numbers or a month name, any of
//! `-` `/` `.` or a space between them, years of four digits or two — an
//! optional time of day (24-hour or AM/PM, seconds and fractions optional)
//! and an optional offset; or Unix epoch seconds or milliseconds.
//!
//! One column, one layout: the order of day, month and year is chosen for
//! the whole column, never row by row. The order that reads the most
//! sampled values wins; when day-first and month-first read the same
//! number, the whole column decides — a value only one of them can read (a
//! day above 12) settles it, and a column with none stops the run and asks
//! the user to pin one (`InputError::AmbiguousDates`), whatever else the
//! column holds. Within the order every form is read (padded or not, with
//! or without a time, seconds or an offset), so rows past the sample in
//! another form of the same layout are not lost. A value the layout does
//! not read is rejected as `bad_timestamp`.

mod value;

use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use polars::prelude::*;

#[cfg(test)]
use value::Parts;
pub use value::{Order, is_sentinel};
use value::{Reading, Value};

/// The configured time zone, parsed once (config): the calendar naive
/// timestamps and calendar days are read in (SPEC 1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(pub chrono_tz::Tz);

impl Zone {
    pub const UTC: Zone = Zone(chrono_tz::UTC);

    /// An IANA name (`Europe/Berlin`); `None` when it names no zone.
    pub fn parse(name: &str) -> Option<Zone> {
        name.parse().ok().map(Zone)
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The zone as the engine names it.
    pub fn engine(&self) -> TimeZone {
        TimeZone::opt_try_new(Some(self.name()))
            .ok()
            .flatten()
            .unwrap_or(TimeZone::UTC)
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// How a column's values are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Dates with day, month and year in this order, in every form SPEC
    /// 1.4 lists.
    Dates(Order),
    /// Unix epoch seconds (9–11 digits) or milliseconds (12–14).
    Epoch,
    /// A strftime format pinned in the config (`timestamp_format(s)`).
    Pinned(String),
}

impl Layout {
    /// In words, for validate: the order, and how two-digit years read
    /// when `sample` has any.
    pub fn describe(&self, sample: &[String]) -> String {
        match self {
            Layout::Dates(o) => {
                let order = match o {
                    Order::Ymd => "year, month, day",
                    Order::Dmy => "day, month, year",
                    Order::Mdy => "month, day, year",
                };
                let two_digit = parsed(sample).iter().any(|v| match v {
                    Value::Date(p) => p.two_digit_year(),
                    Value::Epoch(_) => false,
                });
                if two_digit {
                    format!("{order}; two-digit years: 00-68 are 20xx, 69-99 are 19xx")
                } else {
                    order.to_string()
                }
            }
            Layout::Epoch => "Unix epoch seconds or milliseconds".into(),
            Layout::Pinned(f) => format!("the pinned format {f}"),
        }
    }
}

/// How a column will be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Layout(Layout),
    /// Day-first and month-first read as many sampled values as each
    /// other: the whole column decides (`day_month_evidence`).
    DayOrMonthFirst,
}

/// How many of `values` each layout reads: the three orders, then epoch.
fn tally(values: &[Value]) -> [usize; 4] {
    let mut n = [0; 4];
    for v in values {
        match v {
            Value::Date(p) => {
                for (i, o) in Order::ALL.iter().enumerate() {
                    n[i] += p.read(*o).is_some() as usize;
                }
            }
            Value::Epoch(_) => n[3] += 1,
        }
    }
    n
}

fn parsed(sample: &[String]) -> Vec<Value> {
    sample.iter().filter_map(|s| value::parse(s)).collect()
}

/// How many of `sample`'s values the best layout reads (`init` tells time
/// columns by it).
pub fn best_read(sample: &[String]) -> usize {
    tally(&parsed(sample)).into_iter().max().unwrap_or(0)
}

/// The middle instant of a sample (UTC milliseconds, naive values read as
/// UTC), in the layout the sample reads best: `init` compares columns by
/// it (a purchase years before the ticket is not the ticket's opening).
pub fn median_ms(sample: &[String]) -> Option<i64> {
    let ms = instants(sample);
    ms.get(ms.len() / 2).copied()
}

/// The latest instant of a sample, read as `median_ms` reads it: of two
/// snapshots of one table, `init` keeps the later.
pub fn latest_ms(sample: &[String]) -> Option<i64> {
    instants(sample).last().copied()
}

/// A sample's readable instants, sorted.
fn instants(sample: &[String]) -> Vec<i64> {
    let mut ms: Vec<i64> = each_ms(sample).into_iter().flatten().collect();
    ms.sort_unstable();
    ms
}

/// Each value of a sample as an instant, in the sample's order, read in
/// the one layout the whole sample chooses.
pub fn each_ms(sample: &[String]) -> Vec<Option<i64>> {
    let layout = match choose(sample, None) {
        Choice::Layout(l) => l,
        Choice::DayOrMonthFirst => Layout::Dates(Order::Dmy),
    };
    sample
        .iter()
        .map(|v| read_ms(v, &layout, &chrono_tz::UTC))
        .collect()
}

/// The column's layout from its sampled values, or the pinned format. With
/// nothing readable, dates year first: the rejects then show which values
/// are unreadable and the fix says how to pin.
pub fn choose(sample: &[String], pinned: Option<&str>) -> Choice {
    if let Some(f) = pinned {
        return Choice::Layout(Layout::Pinned(f.to_string()));
    }
    let n = tally(&parsed(sample));
    let best = n.into_iter().max().unwrap_or(0);
    if best == 0 {
        return Choice::Layout(Layout::Dates(Order::Ymd));
    }
    let [ymd, dmy, mdy, epoch] = n;
    if ymd == best {
        Choice::Layout(Layout::Dates(Order::Ymd))
    } else if dmy == best && mdy == best {
        Choice::DayOrMonthFirst
    } else if dmy == best {
        Choice::Layout(Layout::Dates(Order::Dmy))
    } else if mdy == best {
        Choice::Layout(Layout::Dates(Order::Mdy))
    } else {
        debug_assert_eq!(epoch, best);
        Choice::Layout(Layout::Epoch)
    }
}

/// A column every value of which fits day-first and month-first alike:
/// an example read both ways, and the pin for each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ambiguity {
    pub example: String,
    pub as_day: String,
    pub as_month: String,
    pub day_format: String,
    pub month_format: String,
}

/// The first sampled value whose two readings differ (else the first that
/// reads both ways), for the message that asks the user to pin one.
pub fn ambiguity(sample: &[String]) -> Ambiguity {
    let both = |s: &String| {
        let Some(Value::Date(p)) = value::parse(s) else {
            return None;
        };
        let d = p.date(Order::Dmy)?;
        let m = p.date(Order::Mdy)?;
        Some((s.clone(), p, d, m))
    };
    let found = sample
        .iter()
        .filter_map(both)
        .find(|(_, _, d, m)| d != m)
        .or_else(|| sample.iter().find_map(both));
    let Some((example, p, d, m)) = found else {
        return Ambiguity::default();
    };
    Ambiguity {
        example,
        as_day: d.format("%-d %B %Y").to_string(),
        as_month: m.format("%-d %B %Y").to_string(),
        day_format: p.format(Order::Dmy),
        month_format: p.format(Order::Mdy),
    }
}

/// The strftime format of a value as written — the pin a message
/// suggests, built from the value itself, never a fixed layout: the order
/// that reads it, else the one its digits suggest. None when the value is
/// no date at all (`yesterday`).
pub fn format_of(example: &str) -> Option<String> {
    match value::parse(example)? {
        Value::Date(p) => {
            let order = Order::ALL
                .into_iter()
                .find(|o| p.read(*o).is_some())
                .unwrap_or_else(|| p.likely_order());
            Some(p.format(order))
        }
        Value::Epoch(_) => None,
    }
}

/// Per value of a text column: 1 when only day-first reads it, 2 when
/// only month-first does, 0 otherwise — summed over the whole column to
/// settle `Choice::DayOrMonthFirst`.
pub fn day_month_evidence(text: Expr) -> Expr {
    text.map_with_fmt_str(
        |c: Column| {
            let out: UInt32Chunked = c
                .str()?
                .iter()
                .map(|v| {
                    let Some(Value::Date(p)) = v.and_then(value::parse) else {
                        return Some(0);
                    };
                    Some(match (p.read(Order::Dmy), p.read(Order::Mdy)) {
                        (Some(_), None) => 1,
                        (None, Some(_)) => 2,
                        _ => 0,
                    })
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::UInt32)),
        "day_month_evidence",
    )
}

const UNIT: TimeUnit = TimeUnit::Milliseconds;

/// The canonical timestamp type: milliseconds, UTC.
pub fn utc_dtype() -> DataType {
    DataType::Datetime(UNIT, Some(TimeZone::UTC))
}

/// A reading as a UTC instant. A value with an offset is that instant; a
/// naive one is wall-clock time in `tz`: an ambiguous time (clocks going
/// back) takes the earlier instant, a time that does not exist (clocks
/// going forward) is unreadable. A date alone is a calendar day: it
/// stands at the day's first instant, midnight or, where a time zone
/// skips midnight (America/Santiago's DST), the first moment after the gap.
fn instant(r: Reading, tz: &chrono_tz::Tz) -> Option<DateTime<Utc>> {
    if let Some(secs) = r.offset_seconds {
        return Some(Utc.from_utc_datetime(&(r.local - chrono::Duration::seconds(secs.into()))));
    }
    if *tz == chrono_tz::UTC {
        return Some(Utc.from_utc_datetime(&r.local));
    }
    let local = |n: NaiveDateTime| tz.from_local_datetime(&n).earliest();
    match local(r.local) {
        Some(d) => Some(d.with_timezone(&Utc)),
        None if r.date_only => (1..=24 * 4)
            .map(|q| r.local + chrono::Duration::minutes(15 * q))
            .find_map(local)
            .map(|d| d.with_timezone(&Utc)),
        None => None,
    }
}

/// One value read in `layout` (not a pinned one), as UTC milliseconds.
fn read_ms(text: &str, layout: &Layout, tz: &chrono_tz::Tz) -> Option<i64> {
    match (value::parse(text)?, layout) {
        (Value::Epoch(ms), Layout::Epoch) => Some(ms),
        (Value::Date(p), Layout::Dates(o)) => Some(instant(p.read(*o)?, tz)?.timestamp_millis()),
        _ => None,
    }
}

/// A text expression parsed into UTC milliseconds in `layout`; unreadable
/// values become null (the validator turns non-null input + null output
/// into a reject).
pub fn parse_expr(text: Expr, layout: &Layout, zone: Zone) -> Expr {
    let tz = zone.0;
    if let Layout::Pinned(f) = layout {
        return parse_pinned(text, f, zone);
    }
    let layout = layout.clone();
    text.map_with_fmt_str(
        move |c: Column| {
            let out: Int64Chunked = c
                .str()?
                .iter()
                .map(|v| v.and_then(|s| read_ms(s, &layout, &tz)))
                .collect();
            Ok(out
                .with_name(c.name().clone())
                .into_datetime(UNIT, Some(TimeZone::UTC))
                .into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), utc_dtype())),
        "parse_timestamp",
    )
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

/// A pinned strftime format, read by the engine: with an offset it is an
/// instant, with a time of day wall-clock time in `tz`, else a date.
fn parse_pinned(text: Expr, f: &str, zone: Zone) -> Expr {
    let has_offset = f.contains("%z") || f.contains("%:z") || f.contains("%#z");
    let has_time = ["%H", "%I", "%T", "%R"].iter().any(|p| f.contains(p));
    let naive = DataType::Datetime(UNIT, None);
    match (has_offset, has_time) {
        (true, _) => strptime(text, f, utc_dtype())
            .dt()
            .convert_time_zone(TimeZone::UTC),
        (false, true) => localize(strptime(text, f, naive), zone),
        (false, false) => localize(strptime(text, f, DataType::Date).cast(naive), zone),
    }
}

/// Naive datetimes read as wall-clock time in `tz`, converted to UTC. An
/// ambiguous time (clocks going back) takes the earlier instant; a time that
/// does not exist (clocks going forward) becomes null and is rejected.
pub fn localize(naive: Expr, zone: Zone) -> Expr {
    naive
        .dt()
        .replace_time_zone(Some(zone.engine()), lit("earliest"), NonExistent::Null)
        .dt()
        .convert_time_zone(TimeZone::UTC)
}

/// A command-line or config instant (`--as-of`), naive values in `tz`.
/// Month-first is not tried: a typed date is year first or day first.
pub fn parse_cli_instant(text: &str, zone: Zone) -> Option<DateTime<Utc>> {
    match value::parse(text)? {
        Value::Epoch(ms) => DateTime::from_timestamp_millis(ms),
        Value::Date(p) => [Order::Ymd, Order::Dmy]
            .iter()
            .find_map(|o| p.read(*o))
            .and_then(|r| instant(r, &zone.0)),
    }
}

/// Whether a value reads under an order, for tests of the layout choice.
#[cfg(test)]
fn parts(text: &str) -> Option<Parts> {
    match value::parse(text)? {
        Value::Date(p) => Some(*p),
        Value::Epoch(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_order_for_the_column() {
        let pick = |v: &[&str]| choose(&strings(v), None);
        let dates = |o| Choice::Layout(Layout::Dates(o));
        assert_eq!(pick(&["2026-11-22 15:04", "2026-11-23"]), dates(Order::Ymd));
        assert_eq!(pick(&["11/22/2026 03:04:05 PM"]), dates(Order::Mdy));
        assert_eq!(
            pick(&["05-Jan-2026", "17-Mar-2026 10:30"]),
            dates(Order::Dmy)
        );
        assert_eq!(
            pick(&["1763823845", "1763823845123"]),
            Choice::Layout(Layout::Epoch)
        );
        // A day above 12 decides; none asks the whole column.
        assert_eq!(
            pick(&["01/10/2026 14:00", "25/10/2026 09:00"]),
            dates(Order::Dmy)
        );
        assert_eq!(
            pick(&["10/25/2026 14:00", "01/10/2026 09:00"]),
            dates(Order::Mdy)
        );
        assert_eq!(
            pick(&["01/10/2026 14:00", "03/04/2026 09:00", "N/A"]),
            Choice::DayOrMonthFirst
        );
        assert_eq!(pick(&["soon", "never"]), dates(Order::Ymd));
        assert_eq!(
            choose(&strings(&["01/10/2026"]), Some("%d/%m/%Y")),
            Choice::Layout(Layout::Pinned("%d/%m/%Y".into()))
        );
    }

    #[test]
    fn the_ambiguity_shows_both_readings_and_both_pins() {
        let a = ambiguity(&strings(&["03/03/2026", "01/10/2026 14:00"]));
        assert_eq!(a.example, "01/10/2026 14:00");
        assert_eq!(a.as_day, "1 October 2026");
        assert_eq!(a.as_month, "10 January 2026");
        assert_eq!(a.day_format, "%d/%m/%Y %H:%M");
        assert_eq!(a.month_format, "%m/%d/%Y %H:%M");
    }

    #[test]
    fn a_date_alone_is_its_calendar_day_even_where_midnight_is_skipped() {
        let santiago: chrono_tz::Tz = "America/Santiago".parse().unwrap();
        // Chile's clocks went from 00:00 to 01:00 on 2022-09-11.
        let r = parts("2022-09-11").unwrap().read(Order::Ymd).unwrap();
        let at = instant(r, &santiago).unwrap();
        assert_eq!(
            at.with_timezone(&santiago).date_naive().to_string(),
            "2022-09-11"
        );
        // A time of day inside the gap does not exist.
        let r = parts("2022-09-11 00:30").unwrap().read(Order::Ymd).unwrap();
        assert_eq!(instant(r, &santiago), None);
    }

    #[test]
    fn cli_instants() {
        let utc = |s| parse_cli_instant(s, Zone::UTC).map(|d| d.to_rfc3339());
        assert_eq!(
            utc("2026-11-22").as_deref(),
            Some("2026-11-22T00:00:00+00:00")
        );
        assert_eq!(
            utc("2026-11-22T10:00:00Z").as_deref(),
            Some("2026-11-22T10:00:00+00:00")
        );
        assert_eq!(
            utc("22/11/2026").as_deref(),
            Some("2026-11-22T00:00:00+00:00")
        );
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        assert_eq!(
            parse_cli_instant("2026-07-01 12:00", berlin)
                .map(|d| d.to_rfc3339())
                .as_deref(),
            Some("2026-07-01T10:00:00+00:00")
        );
        assert_eq!(utc("yesterday"), None);
    }
}
