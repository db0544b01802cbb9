//! Warnings that matter: things in the data that make figures quietly
//! wrong unless the user acts. Each is one line with its fix, printed on
//! stderr and listed in the data-quality section.

use polars::prelude::*;
use serde::Serialize;

use crate::input::config::RunConfig;
use crate::journey::Journeys;

/// An activity mapped to no event type is worth a warning from this share
/// of the event rows on.
const FREQUENT_UNMAPPED: f64 = 0.01;
/// At most this many unmapped activities are warned about.
const UNMAPPED_SHOWN: usize = 3;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning {
    pub message: String,
    pub fix: String,
}

fn text_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// Promise kinds nothing in the data or the config can fulfil: every such
/// promise can only end broken (or pending).
fn unfulfillable_promises(cfg: &RunConfig, j: &Journeys) -> PolarsResult<Vec<Warning>> {
    let kinds = j
        .promises
        .unordered()?
        .group_by([col("kind")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort(["kind"], SortMultipleOptions::default())
        .collect()?;
    // promise_kept events of each kind (an empty kind keeps any promise).
    let kept = j
        .activities
        .clone()
        .lazy()
        .filter(col("event").eq(lit("promise_kept")))
        .select([col("promise_kind")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    let kept = text_column(&kept, "promise_kind")?;
    if kept.iter().any(Option::is_none) {
        return Ok(Vec::new());
    }
    let names = text_column(&kinds, "kind")?;
    let counts = kinds.column("n")?.u64()?.clone();
    Ok(names
        .into_iter()
        .zip(counts.iter())
        .filter_map(|(kind, n)| {
            let kind = kind?;
            let fulfilled = cfg.fulfilled_by.contains_key(&kind)
                || kept.iter().flatten().any(|k| *k == kind);
            (!fulfilled).then(|| Warning {
                message: format!(
                    "{} `{kind}` promise{} can never be kept: no [promises.fulfilled_by] rule names the kind and no `promise_kept` event carries it, so each counts as broken once due",
                    n.unwrap_or(0),
                    if n == Some(1) { "" } else { "s" }
                ),
                fix: format!(
                    "name the event that keeps a `{kind}` promise: [promises.fulfilled_by] {kind} = [\"resolved\"] (or contact_out, ...)"
                ),
            })
        })
        .collect())
}

/// Activities mapped to no event type that make up a noticeable share of
/// the log: often a contact or a resolution under a name the config lacks.
fn frequent_unmapped(cfg: &RunConfig, j: &Journeys) -> PolarsResult<Vec<Warning>> {
    // Events, not rows read: a wide table's row stands for several.
    let total: u64 = j.activities.column("rows")?.u64()?.sum().unwrap_or(0);
    let total = total as f64;
    if total == 0.0 {
        return Ok(Vec::new());
    }
    // A wide table's time columns named as activities are kept on purpose.
    let named: Vec<String> = cfg.events.wide.timestamps.values().cloned().collect();
    let df = j
        .activities
        .clone()
        .lazy()
        .filter(col("event").eq(lit("other")))
        .filter(
            col("activity")
                .is_in(
                    lit(Series::new("named".into(), named)).implode(false),
                    false,
                )
                .not(),
        )
        .group_by([col("activity")])
        .agg([col("rows").sum().cast(DataType::UInt64).alias("n")])
        .filter(
            col("n")
                .cast(DataType::Float64)
                .gt_eq(lit(FREQUENT_UNMAPPED * total)),
        )
        .sort(
            ["n", "activity"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(UNMAPPED_SHOWN as IdxSize)
        .collect()?;
    let names = text_column(&df, "activity")?;
    let counts = df.column("n")?.u64()?.clone();
    Ok(names
        .into_iter()
        .zip(counts.iter())
        .filter_map(|(name, n)| {
            let (name, n) = (name?, n?);
            Some(Warning {
                message: format!(
                    "activity `{name}` ({n} rows, {:.0}% of events) maps to no event type: it is kept as `other` and counts toward no journey feature",
                    100.0 * n as f64 / total
                ),
                fix: format!(
                    "if it is a contact, promise, resolution or other step, map it: [events.activities] contact_in = [\"{name}\"] (or the type it is)"
                ),
            })
        })
        .collect())
}

/// No survey answer joined a case: every score figure is empty.
pub fn no_answers(cfg: &RunConfig, j: &Journeys) -> PolarsResult<Vec<Warning>> {
    let surveyed = j
        .cases
        .column("surveyed")?
        .as_materialized_series()
        .sum::<u64>()?;
    if surveyed > 0 {
        return Ok(Vec::new());
    }
    Ok(vec![match &cfg.surveys {
        None => Warning {
            message: "there is no surveys input: score figures, drivers, segments and who-answers are empty".into(),
            fix: "name the survey export: [surveys] path = \"...\" in cxgap.toml, or --surveys FILE".into(),
        },
        Some(_) => Warning {
            message: format!(
                "no survey answer joined a case ({} surveys matched no case): score figures, drivers, segments and who-answers are empty",
                j.unmatched_surveys.height()
            ),
            fix: "check that [surveys.columns] case_id or customer_id holds the same ids as the events".into(),
        },
    }])
}

/// Case-table rows naming no case of the log: their attributes go nowhere.
fn unknown_case_rows(cfg: &RunConfig, j: &Journeys) -> Vec<Warning> {
    let (unknown, Some(spec)) = (j.unknown_case_table_rows, &cfg.cases) else {
        return Vec::new();
    };
    (unknown > 0)
        .then(|| Warning {
            message: format!(
                "{unknown} rows of {} name no case in the events: their attributes go nowhere",
                // The file's name: the page must not depend on where the
                // run was started from.
                spec.path
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ),
            fix: "check that [cases.columns] case_id holds the same ids as the events".into(),
        })
        .into_iter()
        .collect()
}

/// Every warning for this run, most consequential first.
pub fn warnings(cfg: &RunConfig, j: &Journeys) -> PolarsResult<Vec<Warning>> {
    let mut v = no_answers(cfg, j)?;
    v.extend(unknown_case_rows(cfg, j));
    v.extend(unfulfillable_promises(cfg, j)?);
    v.extend(frequent_unmapped(cfg, j)?);
    Ok(v)
}
