//! SPEC 4: each headline figure's change against the previous period of the
//! same length. The trend periods (weeks of resolution, those with any) are
//! split in two: the latest half against the half before it, each computed
//! by the same rules as the overview over the cases resolved in it. An odd
//! oldest period is left out, so both windows hold as many periods. The
//! report covers one span of data, so "previous" is its own earlier half,
//! not a period before the data.

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
    /// The last day with a resolution (local date).
    pub current_to: String,
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

/// The two windows' figures; `None` with fewer than two periods.
pub fn change(ctx: &Ctx) -> Result<Option<Change>> {
    let period = trends::period_of_resolution(ctx)?;
    let days = |df: &DataFrame| -> Result<Vec<i32>> {
        Ok(df
            .column("period")?
            .cast(&DataType::Int32)?
            .i32()?
            .into_no_null_iter()
            .collect())
    };
    let periods = days(
        &ctx.cases()
            .filter(col("resolved_at").is_not_null())
            .select([period.clone().alias("period")])
            .unique(None, UniqueKeepStrategy::Any)
            .sort(["period"], SortMultipleOptions::default())
            .collect()?,
    )?;
    let half = periods.len() / 2;
    if half == 0 {
        return Ok(None);
    }
    let current_from = periods[periods.len() - half];
    let previous_from = periods[periods.len() - 2 * half];
    let day = period.cast(DataType::Int32);
    let figures_where = |keep: Expr| -> Result<Vec<Figure>> {
        let narrowed = ctx
            .journeys
            .restricted(col("resolved_at").is_not_null().and(keep))?;
        overview::figures(&Ctx {
            journeys: &narrowed,
            ..*ctx
        })
    };
    let previous = figures_where(
        day.clone()
            .gt_eq(lit(previous_from))
            .and(day.clone().lt(lit(current_from))),
    )?;
    let current = figures_where(day.gt_eq(lit(current_from)))?;
    let date = |d: i32| {
        chrono::NaiveDate::default()
            .checked_add_signed(chrono::Duration::days(d as i64))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let last = ctx
        .cases()
        .filter(col("resolved_at").is_not_null())
        .select([col("resolved_at")
            .max()
            .dt()
            .convert_time_zone(ctx.cfg.timezone.engine())
            .dt()
            .date()
            .cast(DataType::Int32)
            .alias("last")])
        .collect()?;
    let last = super::cell(&last, "last", 0).unwrap_or_default() as i32;
    Ok(Some(Change {
        periods: half,
        period: ctx.period,
        previous_from: date(previous_from),
        current_from: date(current_from),
        current_to: date(last),
        previous,
        current,
    }))
}
