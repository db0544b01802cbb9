//! SPEC 4: each headline figure's change against the previous period of the
//! same length, computed on cohorts: the cases opened in each period, never
//! the cases resolved in it (an export's cut-off leaves its last weeks
//! resolving only old, long cases). The periods with an opening are split
//! in two, the latest half against the half before it (an odd oldest
//! period left out), and each cohort's figures are the overview's, whose
//! outcome figures (time to resolve, FCR, recontact) already count only
//! cases whose outcome is final; how many of the latest cohort are still
//! open is said beside them. When no case opened in the 7 days before
//! as_of, the export appears to end at its last opening, and so do the
//! periods.

use polars::prelude::*;

use super::overview::{self, Figure};
use super::{Ctx, trends};
use crate::error::Result;

pub struct Change {
    /// Periods in each window.
    pub periods: usize,
    pub period: super::Period,
    /// First day of the earlier and of the latest window (local dates).
    pub previous_from: String,
    pub current_from: String,
    /// The last day a case opened (local date).
    pub current_to: String,
    /// Cases of the latest cohort without a final resolution yet.
    pub current_open: u64,
    /// No case opened in the 7 days before as_of: the export appears to
    /// end on `current_to`.
    pub export_ended: bool,
    pub previous: Vec<Figure>,
    pub current: Vec<Figure>,
}

impl Change {
    /// The (previous, current) values of a figure.
    pub fn of(&self, name: &str) -> Option<(f64, f64)> {
        let find = |figs: &[Figure]| figs.iter().find(|f| f.name == name)?.value;
        find(&self.previous).zip(find(&self.current))
    }

    /// The (previous, current) counts a figure rests on.
    pub fn n_of(&self, name: &str) -> Option<(f64, f64)> {
        let find = |figs: &[Figure]| figs.iter().find(|f| f.name == name)?.n;
        find(&self.previous).zip(find(&self.current))
    }

    /// "4 weeks" / "1 month".
    pub fn window(&self) -> String {
        let unit = match self.period {
            super::Period::Day => "day",
            super::Period::Week => "week",
            super::Period::Month => "month",
        };
        let s = if self.periods == 1 { "" } else { "s" };
        format!("{} {unit}{s}", self.periods)
    }
}

/// The two cohorts' figures; `None` with fewer than two opening periods.
pub fn change(ctx: &Ctx) -> Result<Option<Change>> {
    let period = trends::period_of(ctx, "opened_at")?;
    let periods: Vec<i32> = ctx
        .cases()
        .select([period.clone().cast(DataType::Int32).alias("period")])
        .unique(None, UniqueKeepStrategy::Any)
        .sort(["period"], SortMultipleOptions::default())
        .collect()?
        .column("period")?
        .i32()?
        .into_no_null_iter()
        .collect();
    let half = periods.len() / 2;
    if half == 0 {
        return Ok(None);
    }
    let current_from = periods[periods.len() - half];
    let previous_from = periods[periods.len() - 2 * half];
    let day = period.cast(DataType::Int32);
    let cohort = |keep: Expr| ctx.journeys.restricted(keep);
    let previous = cohort(
        day.clone()
            .gt_eq(lit(previous_from))
            .and(day.clone().lt(lit(current_from))),
    )?;
    let current = cohort(day.gt_eq(lit(current_from)))?;
    let figures = |j| {
        overview::figures(&Ctx {
            journeys: j,
            ..*ctx
        })
    };
    let current_open = current.cases.column("resolved_at")?.null_count() as u64;
    let date = |d: i32| {
        chrono::NaiveDate::default()
            .checked_add_signed(chrono::Duration::days(d as i64))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    // The last opening, as a local date and as an instant.
    let last = ctx
        .cases()
        .select([
            col("opened_at")
                .max()
                .dt()
                .convert_time_zone(ctx.cfg.timezone.engine())
                .dt()
                .date()
                .cast(DataType::Int32)
                .alias("day"),
            col("opened_at")
                .max()
                .dt()
                .timestamp(TimeUnit::Milliseconds)
                .alias("ms"),
        ])
        .collect()?;
    let last_day = super::cell(&last, "day", 0).unwrap_or_default() as i32;
    let last_ms = super::cell(&last, "ms", 0).unwrap_or_default() as i64;
    let week_ms = 7 * crate::engine::DAY_MS;
    Ok(Some(Change {
        periods: half,
        period: ctx.period,
        previous_from: date(previous_from),
        current_from: date(current_from),
        current_to: date(last_day),
        current_open,
        export_ended: ctx.journeys.as_of.timestamp_millis() - last_ms > week_ms,
        previous: figures(&previous)?,
        current: figures(&current)?,
    }))
}
