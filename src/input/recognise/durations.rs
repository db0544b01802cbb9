//! A wide table's duration column: an export that gives how long a case
//! took (ServiceNow's `calendar_duration`, a `resolution_time_hours`)
//! instead of when it ended. Read as `[events.durations]`: the event that
//! long after the case's opening.

use super::profile::Profile;
use crate::input::config::TimeUnitName;

/// A duration column init found: the event it ends in, its unit when the
/// evidence says it, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DurationGuess {
    pub column: String,
    pub event: &'static str,
    /// None: the evidence does not say the unit, so the line is written
    /// commented out for the analyst to finish.
    pub unit: Option<TimeUnitName>,
    pub why: String,
}

/// Words of a name that say a unit of time.
const UNITS: [(&[&str], TimeUnitName); 4] = [
    (&["seconds", "second", "secs", "sec"], TimeUnitName::Seconds),
    (&["minutes", "minute", "mins", "min"], TimeUnitName::Minutes),
    (&["hours", "hour", "hrs", "hr"], TimeUnitName::Hours),
    (&["days", "day"], TimeUnitName::Days),
];

/// Words of a name that say the duration is of a part of the case, or of
/// working hours only: not the time to its end.
const NOT_TO_THE_END: &[&str] = &[
    "business",
    "response",
    "respond",
    "reply",
    "first",
    "wait",
    "waiting",
    "hold",
    "talk",
    "handle",
    "handling",
    "queue",
    "call",
    "sla",
    "target",
    "due",
    "expected",
    "estimated",
    "average",
    "avg",
    "mean",
];

/// The column of a wide table that says how long each case took to
/// resolve or close: numbers from 0, its name's whole words saying a
/// resolution or close with a unit (`resolution_time_hours`), or a plain
/// `duration` (ServiceNow's `calendar_duration`, in seconds).
pub fn duration_column(p: &[Profile]) -> Option<DurationGuess> {
    p.iter().find_map(|c| {
        let numbers = c.filled() > 0
            && c.share(c.numbers) >= 0.95
            && c.min.is_some_and(|m| m >= 0.0)
            && !c.is_time();
        if !numbers || c.has_word(NOT_TO_THE_END) {
            return None;
        }
        let unit = UNITS
            .iter()
            .find(|(words, _)| c.has_word(words))
            .map(|(_, u)| *u);
        let event = if c.has_word(&["resolution", "resolve", "resolved", "solve", "solved"]) {
            "resolved"
        } else if c.has_word(&["close", "closed", "closing", "closure"]) {
            "closed"
        } else if c.has_word(&["duration"]) {
            "resolved"
        } else {
            return None;
        };
        if unit.is_none() && !c.has_word(&["duration"]) {
            return None;
        }
        Some(match unit {
            Some(u) => DurationGuess {
                column: c.name.clone(),
                event,
                unit: Some(u),
                why: format!(
                    "its name says how long to {} the case, in {}",
                    if event == "closed" {
                        "close"
                    } else {
                        "resolve"
                    },
                    u.name()
                ),
            },
            None => unitless(c, event),
        })
    })
}

/// A duration whose name gives no unit. Whole numbers with a middle of
/// ten minutes or more, read as seconds, are what ticketing systems store
/// (ServiceNow's durations); anything else is left to the analyst.
fn unitless(c: &Profile, event: &'static str) -> DurationGuess {
    let mut v: Vec<f64> = c.values.iter().filter_map(|x| x.parse().ok()).collect();
    v.sort_by(f64::total_cmp);
    let middle = v.get(v.len() / 2).copied().unwrap_or(0.0);
    let whole = c.share(c.counts) >= 0.95;
    if whole && middle >= 600.0 {
        DurationGuess {
            column: c.name.clone(),
            event,
            unit: Some(TimeUnitName::Seconds),
            why: format!(
                "a duration with no unit in its name: whole numbers with a median of {middle:.0}, read as seconds ({:.1} h), as ServiceNow writes them",
                middle / 3600.0
            ),
        }
    } else {
        DurationGuess {
            column: c.name.clone(),
            event,
            unit: None,
            why: format!(
                "a duration, but neither its name nor its values (median {middle}) say the unit: set `unit` and uncomment"
            ),
        }
    }
}
