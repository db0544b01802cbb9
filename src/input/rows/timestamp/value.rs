//! One timestamp as written, split into its parts (SPEC 1.4): a date of
//! three parts in some order — numbers, or a month by name — with `-`,
//! `/`, `.`, a space or `, ` between them; an optional time of day after a
//! `T`, a space or `, ` (24-hour or AM/PM, optional seconds and fraction);
//! an optional offset or `Z`; or Unix epoch seconds or milliseconds.
//!
//! A value alone cannot say whether `01/10/2026` is the first of October
//! or the tenth of January: `Parts` keeps the three date parts unassigned,
//! and `Order` — chosen for the whole column (`super::choose`) — says which
//! is which.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Where day, month and year stand in a column's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Order {
    /// 2026-10-01: year, month, day.
    Ymd,
    /// 01/10/2026, 1-Oct-2026, 01-10-26: day, month, year.
    Dmy,
    /// 10/01/2026, Oct 1, 2026: month, day, year.
    Mdy,
}

impl Order {
    pub const ALL: [Order; 3] = [Order::Ymd, Order::Dmy, Order::Mdy];
}

/// One part of a date: a number as written (its digit count tells a year
/// from a day), or a month by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Num { value: u32, digits: u8 },
    Month { number: u32, full: bool },
}

/// A time of day as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    hour: u32,
    minute: u32,
    second: Option<u32>,
    /// Fraction of a second in nanoseconds, and how many digits it had.
    fraction: Option<(u32, u8)>,
    /// `Some(true)` for PM, `Some(false)` for AM, `None` for a 24-hour clock.
    pm: Option<bool>,
}

/// How the offset was written, for a format hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetForm {
    Zulu,
    Colon,
    Plain,
}

/// A date-and-time value split into its parts, before an `Order` says
/// which date part is the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    date: [Part; 3],
    /// The separators after the first and second date part, as written.
    seps: [&'static str; 2],
    weekday: Option<bool>,
    /// What stood between the date and the time (`T`, ` `, `, `).
    time_sep: &'static str,
    clock: Option<Clock>,
    offset: Option<(i32, OffsetForm)>,
    /// `Tue Oct 31 22:10:47 +0000 2017`: the year comes after the time.
    year_last: bool,
}

/// A value as read: a date and time, or a moment since the Unix epoch.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Date(Box<Parts>),
    /// Milliseconds since 1970-01-01 UTC.
    Epoch(i64),
}

/// A reading of a value under an order: local date and time, the offset
/// if the value carries one, and whether it had a time of day at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub local: NaiveDateTime,
    pub offset_seconds: Option<i32>,
    pub date_only: bool,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A month or weekday name, whole or as its first three letters
/// (`Sept` too), any case: (index, written in full).
fn name_in(word: &str, names: &[&str]) -> Option<(usize, bool)> {
    let w = word.to_ascii_lowercase();
    names
        .iter()
        .position(|n| *n == w)
        .map(|i| (i, true))
        .or_else(|| {
            (w.len() >= 3)
                .then(|| names.iter().position(|n| n.starts_with(&w)))
                .flatten()
                .map(|i| (i, false))
        })
}

/// A byte cursor over a trimmed value.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn at_end(&self) -> bool {
        self.i == self.b.len()
    }
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += hit as usize;
        hit
    }
    fn spaces(&mut self) -> usize {
        let start = self.i;
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
        self.i - start
    }
    /// A run of at most `max` digits: (value, digit count).
    fn number(&mut self, max: u8) -> Option<(u32, u8)> {
        let start = self.i;
        let mut v: u32 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            if self.i - start == max as usize {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
            self.i += 1;
        }
        let n = (self.i - start) as u8;
        (n > 0).then_some((v, n))
    }
    /// Exactly `n` digits, whatever follows (`+0200`: two and two).
    fn digits(&mut self, n: u8) -> Option<u32> {
        let end = self.i + n as usize;
        let run = self.b.get(self.i..end)?;
        if !run.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i = end;
        Some(run.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
    }
    fn word(&mut self) -> Option<&'a str> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        // Letters are ASCII, so the slice is valid UTF-8.
        (self.i > start).then(|| std::str::from_utf8(&self.b[start..self.i]).unwrap_or(""))
    }
    /// The separator between two date parts.
    fn date_sep(&mut self) -> Option<&'static str> {
        let sep = match self.peek()? {
            b'-' => "-",
            b'/' => "/",
            b'.' => ".",
            b',' if self.b.get(self.i + 1) == Some(&b' ') => {
                self.i += 1;
                ", "
            }
            b' ' => " ",
            _ => return None,
        };
        self.i += 1;
        if sep != "-" && sep != "/" {
            self.spaces();
        }
        Some(sep)
    }
    fn part(&mut self) -> Option<Part> {
        if let Some((value, digits)) = self.number(4) {
            return Some(Part::Num { value, digits });
        }
        let (i, full) = name_in(self.word()?, &MONTHS)?;
        // "Oct." is Oct.
        if !full {
            self.eat(b'.');
        }
        Some(Part::Month {
            number: i as u32 + 1,
            full,
        })
    }
}

/// Read a value's parts; `None` when it is no date or time in any layout.
pub fn parse(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return epoch(t).map(Value::Epoch);
    }
    let mut c = Cursor {
        b: t.as_bytes(),
        i: 0,
    };
    let weekday = weekday(&mut c);
    let p1 = c.part()?;
    let s1 = c.date_sep()?;
    let p2 = c.part()?;
    // `Oct 31 22:10:47 +0000 2017`: the time, then the year.
    let mark = c.i;
    if matches!(p1, Part::Month { .. }) && c.eat(b' ') {
        let hour_start = c.i;
        if c.number(2).is_some() && c.peek() == Some(b':') {
            c.i = hour_start;
            let clock = clock(&mut c)?;
            c.spaces();
            let offset = offset(&mut c);
            c.spaces();
            let year = c.digits(4)?;
            return c.at_end().then(|| {
                Value::Date(Box::new(Parts {
                    date: [
                        p1,
                        p2,
                        Part::Num {
                            value: year,
                            digits: 4,
                        },
                    ],
                    seps: [s1, " "],
                    weekday,
                    time_sep: " ",
                    clock: Some(clock),
                    offset,
                    year_last: true,
                }))
            });
        }
    }
    c.i = mark;
    let s2 = c.date_sep()?;
    let p3 = c.part()?;
    let mut parts = Parts {
        date: [p1, p2, p3],
        seps: [s1, s2],
        weekday,
        time_sep: "",
        clock: None,
        offset: None,
        year_last: false,
    };
    if c.at_end() {
        return Some(Value::Date(Box::new(parts)));
    }
    parts.time_sep = match c.peek()? {
        b'T' | b't' => {
            c.i += 1;
            "T"
        }
        b',' => {
            c.i += 1;
            c.spaces();
            ", "
        }
        b' ' => {
            c.spaces();
            " "
        }
        _ => return None,
    };
    parts.clock = Some(clock(&mut c)?);
    c.spaces();
    parts.offset = offset(&mut c);
    c.at_end().then(|| Value::Date(Box::new(parts)))
}

/// Unix epoch seconds (9–11 digits) or milliseconds (12–14 digits).
fn epoch(t: &str) -> Option<i64> {
    let v: i64 = t.parse().ok()?;
    match t.len() {
        9..=11 => v.checked_mul(1000),
        12..=14 => Some(v),
        _ => None,
    }
}

/// A leading weekday name (`Tue`, `Tuesday,`), skipped: Some(full name).
fn weekday(c: &mut Cursor) -> Option<bool> {
    let start = c.i;
    let found = c.word().and_then(|w| name_in(w, &WEEKDAYS));
    match found {
        Some((_, full)) if c.peek() == Some(b',') || c.peek() == Some(b' ') => {
            c.eat(b',');
            c.spaces();
            Some(full)
        }
        _ => {
            c.i = start;
            None
        }
    }
}

fn clock(c: &mut Cursor) -> Option<Clock> {
    let (hour, _) = c.number(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    let second = if c.eat(b':') {
        Some(c.digits(2)?)
    } else {
        None
    };
    let fraction = match (second, c.peek()) {
        (Some(_), Some(b'.' | b',')) => {
            c.i += 1;
            let (v, n) = c.number(9)?;
            Some((v * 10u32.pow(9 - u32::from(n)), n))
        }
        _ => None,
    };
    let mark = c.i;
    c.spaces();
    let pm = match c.word().map(str::to_ascii_lowercase).as_deref() {
        Some("am") => Some(false),
        Some("pm") => Some(true),
        Some("a") | Some("p") if c.eat(b'.') && c.eat(b'm') && c.eat(b'.') => {
            Some(c.b[c.i - 4].eq_ignore_ascii_case(&b'p'))
        }
        _ => {
            c.i = mark;
            None
        }
    };
    Some(Clock {
        hour,
        minute,
        second,
        fraction,
        pm,
    })
}

/// `Z`, `UTC`, `GMT`, `+02:00`, `+0200`, `+02`, or nothing.
fn offset(c: &mut Cursor) -> Option<(i32, OffsetForm)> {
    let start = c.i;
    if c.eat(b'Z') || c.eat(b'z') {
        return Some((0, OffsetForm::Zulu));
    }
    if let Some(w) = c.word() {
        if (w.eq_ignore_ascii_case("utc") || w.eq_ignore_ascii_case("gmt"))
            && !matches!(c.peek(), Some(b'+' | b'-'))
        {
            return Some((0, OffsetForm::Zulu));
        }
        c.i = start;
        return None;
    }
    let sign = match c.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    c.i += 1;
    let parsed = (|| {
        let h = c.digits(2)?;
        let (m, form) = if c.eat(b':') {
            (c.digits(2)?, OffsetForm::Colon)
        } else {
            (c.digits(2).unwrap_or(0), OffsetForm::Plain)
        };
        (h <= 14 && m < 60).then_some((sign * (h as i32 * 3600 + m as i32 * 60), form))
    })();
    if parsed.is_none() {
        c.i = start;
    }
    parsed
}

/// A two-digit year as `%y` reads it: 00–68 are 20xx, 69–99 are 19xx.
fn pivot(yy: u32) -> i32 {
    if yy <= 68 {
        2000 + yy as i32
    } else {
        1900 + yy as i32
    }
}

impl Parts {
    /// The date under `order`, if it is a real calendar day. A year is
    /// four digits, or two at the end of the date; a day and a numeric
    /// month are one or two digits.
    pub fn date(&self, order: Order) -> Option<NaiveDate> {
        let [a, b, c] = self.date;
        let (y, m, d) = match order {
            Order::Ymd => (a, b, c),
            Order::Dmy => (c, b, a),
            Order::Mdy => (c, a, b),
        };
        let year = match (y, order) {
            (Part::Num { value, digits: 4 }, _) => value as i32,
            (Part::Num { value, digits: 2 }, Order::Dmy | Order::Mdy) => pivot(value),
            _ => return None,
        };
        let month = match m {
            Part::Num {
                value,
                digits: 1..=2,
            } => value,
            Part::Month { number, .. } => number,
            _ => return None,
        };
        let day = match d {
            Part::Num {
                value,
                digits: 1..=2,
            } => value,
            _ => return None,
        };
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// Whether a numeric date fits `order` by the conventions that come
    /// with its writing: dots are European, day first (`28.10.2026`); a
    /// 12-hour clock with a numeric month is the US's, month first
    /// (`10/09/2012 02:50 PM`). A month name needs no convention.
    fn customary(&self, order: Order) -> bool {
        let named = self.date.iter().any(|p| matches!(p, Part::Month { .. }));
        let dots = self.seps.contains(&".");
        let twelve_hour = self.clock.is_some_and(|k| k.pm.is_some());
        match order {
            Order::Dmy => named || !twelve_hour,
            Order::Mdy => named || !dots,
            Order::Ymd => true,
        }
    }

    /// The value read under `order`.
    pub fn read(&self, order: Order) -> Option<Reading> {
        if !self.customary(order) {
            return None;
        }
        let date = self.date(order)?;
        let Some(k) = self.clock else {
            return Some(Reading {
                local: date.and_hms_opt(0, 0, 0)?,
                offset_seconds: None,
                date_only: true,
            });
        };
        let hour = match k.pm {
            None => k.hour,
            Some(_) if !(1..=12).contains(&k.hour) => return None,
            Some(false) => k.hour % 12,
            Some(true) => k.hour % 12 + 12,
        };
        let nanos = k.fraction.map_or(0, |f| f.0);
        let time = NaiveTime::from_hms_nano_opt(hour, k.minute, k.second.unwrap_or(0), nanos)?;
        Some(Reading {
            local: date.and_time(time),
            offset_seconds: self.offset.map(|o| o.0),
            date_only: false,
        })
    }

    /// Whether the date's year has two digits (read with the %y pivot).
    pub fn two_digit_year(&self) -> bool {
        !self.year_last
            && matches!(self.date[2], Part::Num { digits: 2, .. })
            && !matches!(self.date[0], Part::Num { digits: 4, .. })
    }

    /// The order a value's digits suggest when no order reads it (a month
    /// 13): year first when the first part has four digits, else day first.
    pub fn likely_order(&self) -> Order {
        match self.date[0] {
            Part::Num { digits: 4, .. } => Order::Ymd,
            Part::Month { .. } => Order::Mdy,
            _ => Order::Dmy,
        }
    }

    /// A strftime format that reads this value under `order`: the pin a
    /// message suggests, built from what the value shows.
    pub fn format(&self, order: Order) -> String {
        let [a, b, c] = self.date;
        let spec = |p: Part, role: char| -> &'static str {
            match (p, role) {
                (Part::Month { full: true, .. }, _) => "%B",
                (Part::Month { full: false, .. }, _) => "%b",
                (Part::Num { digits: 2, .. }, 'y') => "%y",
                (_, 'y') => "%Y",
                (_, 'm') => "%m",
                _ => "%d",
            }
        };
        let roles = match order {
            Order::Ymd => ['y', 'm', 'd'],
            Order::Dmy => ['d', 'm', 'y'],
            Order::Mdy => ['m', 'd', 'y'],
        };
        let mut f = String::new();
        if let Some(full) = self.weekday {
            f.push_str(if full { "%A " } else { "%a " });
        }
        f.push_str(spec(a, roles[0]));
        f.push_str(self.seps[0]);
        f.push_str(spec(b, roles[1]));
        if !self.year_last {
            f.push_str(self.seps[1]);
            f.push_str(spec(c, roles[2]));
        }
        if let Some(k) = self.clock {
            f.push_str(self.time_sep);
            f.push_str(if k.pm.is_some() { "%I:%M" } else { "%H:%M" });
            if k.second.is_some() {
                f.push_str(":%S");
            }
            if k.fraction.is_some() {
                f.push_str("%.f");
            }
            if k.pm.is_some() {
                f.push_str(" %p");
            }
        }
        match self.offset {
            Some((_, OffsetForm::Zulu)) => f.push('Z'),
            Some((_, OffsetForm::Colon)) => f.push_str("%:z"),
            Some((_, OffsetForm::Plain)) => f.push_str(if self.year_last { " %z" } else { "%z" }),
            None => {}
        }
        if self.year_last {
            f.push(' ');
            f.push_str(spec(c, 'y'));
        }
        f
    }
}

/// Dates systems write for "not yet" (SPEC 1.6), at any time of day.
const SENTINELS: [(i32, u32, u32); 5] = [
    (1900, 1, 1),
    (1899, 12, 30),
    (1970, 1, 1),
    (1, 1, 1),
    (9999, 12, 31),
];

/// Whether `text` is a "not yet" date in any order (the sentinel dates
/// read the same whichever order is valid for them). Cheap for the usual
/// value: only one whose text holds a sentinel's year is parsed.
pub fn is_sentinel(text: &str) -> bool {
    let b = text.as_bytes();
    let has_year = ["1900", "1899", "1970", "0001", "9999"]
        .iter()
        .any(|y| memchr::memmem::find(b, y.as_bytes()).is_some());
    if !has_year {
        return false;
    }
    let Some(Value::Date(parts)) = parse(text) else {
        return false;
    };
    Order::ALL.iter().any(|&o| {
        parts.date(o).is_some_and(|d| {
            SENTINELS
                .iter()
                .any(|&(y, m, dd)| NaiveDate::from_ymd_opt(y, m, dd) == Some(d))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, order: Order) -> Option<String> {
        let Some(Value::Date(p)) = parse(text) else {
            return None;
        };
        let r = p.read(order)?;
        let mut s = r.local.format("%Y-%m-%d %H:%M:%S%.3f").to_string();
        if let Some(o) = r.offset_seconds {
            s.push_str(&format!(" {o:+}"));
        }
        Some(s)
    }

    #[test]
    fn the_layouts_seen_in_real_exports() {
        let cases = [
            (
                "2026-10-01T09:40:00+02:00",
                Order::Ymd,
                "2026-10-01 09:40:00.000 +7200",
            ),
            ("2023-06-01 7:29", Order::Ymd, "2023-06-01 07:29:00.000"),
            ("29-02-2016 01:16", Order::Dmy, "2016-02-29 01:16:00.000"),
            ("01-01-21", Order::Dmy, "2021-01-01 00:00:00.000"),
            ("19/11/2025, 22:08", Order::Dmy, "2025-11-19 22:08:00.000"),
            ("10/5/2020", Order::Mdy, "2020-10-05 00:00:00.000"),
            (
                "01/22/2018 12:00:00 AM",
                Order::Mdy,
                "2018-01-22 00:00:00.000",
            ),
            (
                "01/22/2018 12:30:00 PM",
                Order::Mdy,
                "2018-01-22 12:30:00.000",
            ),
            (
                "Tue Oct 31 22:10:47 +0000 2017",
                Order::Mdy,
                "2017-10-31 22:10:47.000 +0",
            ),
            ("28.10.2026", Order::Dmy, "2026-10-28 00:00:00.000"),
            ("1-Oct-2026", Order::Dmy, "2026-10-01 00:00:00.000"),
            ("October 5, 2020", Order::Mdy, "2020-10-05 00:00:00.000"),
            (
                "2012/10/09 14:50:17.5",
                Order::Ymd,
                "2012-10-09 14:50:17.500",
            ),
            (
                "2026-11-22T10:00:00Z",
                Order::Ymd,
                "2026-11-22 10:00:00.000 +0",
            ),
            (
                "2026-11-22 10:00:00 -0500",
                Order::Ymd,
                "2026-11-22 10:00:00.000 -18000",
            ),
        ];
        for (text, order, want) in cases {
            assert_eq!(read(text, order).as_deref(), Some(want), "{text}");
        }
        assert_eq!(read("69-01-05", Order::Dmy), None);
        assert_eq!(parse("1763823845"), Some(Value::Epoch(1_763_823_845_000)));
        assert_eq!(
            parse("1763823845123"),
            Some(Value::Epoch(1_763_823_845_123))
        );
        for bad in [
            "N/A",
            "2026",
            "12345",
            "2026-13",
            "soon",
            "10:00",
            "2026-10-01 25",
        ] {
            assert!(
                parse(bad).is_none_or(|v| match v {
                    Value::Date(p) => Order::ALL.iter().all(|&o| p.read(o).is_none()),
                    Value::Epoch(_) => false,
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn two_digit_years_pivot_as_strftime_does() {
        assert_eq!(
            read("01-01-68", Order::Dmy).as_deref(),
            Some("2068-01-01 00:00:00.000")
        );
        assert_eq!(
            read("01-01-69", Order::Dmy).as_deref(),
            Some("1969-01-01 00:00:00.000")
        );
        // A two-digit year leads no date.
        assert_eq!(read("21-01-05", Order::Ymd), None);
    }

    #[test]
    fn formats_read_back_the_value() {
        for (text, order) in [
            ("29-02-2016 01:16", Order::Dmy),
            ("19/11/2025, 22:08", Order::Dmy),
            ("01/22/2018 12:00:00 AM", Order::Mdy),
            ("Tue Oct 31 22:10:47 +0000 2017", Order::Mdy),
            ("2026-10-01T09:40:00+02:00", Order::Ymd),
            ("1-Oct-2026", Order::Dmy),
            ("01-01-21", Order::Dmy),
        ] {
            let Some(Value::Date(p)) = parse(text) else {
                panic!("{text}")
            };
            let f = p.format(order);
            let ok = NaiveDateTime::parse_from_str(text, &f).is_ok()
                || NaiveDate::parse_from_str(text, &f).is_ok()
                || chrono::DateTime::parse_from_str(text, &f).is_ok();
            assert!(ok, "{text} with {f}");
        }
    }

    #[test]
    fn sentinels_in_any_layout() {
        for s in [
            "1900-01-01 00:00:00",
            "1899-12-30",
            "12/30/1899 00:00",
            "01/01/1970 08:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31 23:59:59",
        ] {
            assert!(is_sentinel(s), "{s}");
        }
        for s in ["1900-01-02", "2026-01-01", "1970-01-02 00:00", "N/A"] {
            assert!(!is_sentinel(s), "{s}");
        }
    }
}
