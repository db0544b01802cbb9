//! The case event log: canonical columns, activity mapping and row rules.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{ConfigError, Result};
use crate::input::config::{InputSpec, RunConfig};
use crate::input::format::scan::Scanned;
use crate::input::rows::fields::{self, Checked, Rule, rule, text, text_or_null};
use crate::input::shape::columns::ColumnMap;

/// Canonical event types (SPEC 1.1). Anything else becomes `other`.
pub const EVENT_TYPES: &[&str] = &[
    "case_opened",
    "contact_in",
    "contact_out",
    "transfer",
    "escalation",
    "promise",
    "promise_kept",
    "resolved",
    "reopened",
    "closed",
    "identify",
    "survey_sent",
];

/// Columns of the validated events frame, besides the dimensions.
pub const COLUMNS: &[&str] = &[
    "line",
    "case_id",
    "ts",
    "event",
    "activity",
    "customer_id",
    "channel",
    "agent",
    "team",
    "due_at",
    "promise_kind",
];

/// Columns of few distinct values, kept as categoricals (`fields::categorical`).
pub const CATEGORICAL: [&str; 6] = [
    "event",
    "activity",
    "channel",
    "agent",
    "team",
    "promise_kind",
];

/// The validated events with every categorical column as text, for output
/// and for readers that compare text (SQL, the case view, data quality).
pub fn as_text(events: LazyFrame) -> LazyFrame {
    events.with_columns(
        CATEGORICAL
            .iter()
            .map(|c| col(*c).cast(DataType::String))
            .collect::<Vec<_>>(),
    )
}

/// The validated events as a user sees them: text columns, no case number.
pub fn public(events: LazyFrame) -> LazyFrame {
    as_text(events).drop(cols([CASE]))
}

/// A case's number: dense, ascending with case_id, given once the events
/// are in timeline order (`number_cases`). Case-level frames join on it:
/// an integer key marked sorted lets the engine merge instead of hashing
/// text.
pub const CASE: &str = "case_no";

/// Add `CASE` to events in timeline order, marked sorted.
pub fn number_cases(rows: &DataFrame) -> PolarsResult<DataFrame> {
    let numbers = rows
        .clone()
        .lazy()
        .select([col("case_id")
            .neq(col("case_id").shift(lit(1)))
            .fill_null(lit(true))
            .cast(DataType::UInt32)
            .cum_sum(false)
            .alias(CASE)])
        .collect()?;
    let mut numbers = numbers.column(CASE)?.clone();
    numbers.set_sorted_flag(polars::series::IsSorted::Ascending);
    let mut rows = rows.clone();
    rows.with_column(numbers)?;
    Ok(rows)
}

/// Timeline order (SPEC 2.1): case, timestamp, then input order (the sort
/// is stable and the rows arrive in input order). The validated events are
/// kept in it: one sort at load time serves every later step.
pub const ORDER: &[&str] = &["case_id", "ts"];

/// lowercased activity name -> canonical type; canonical names map to themselves.
pub fn activity_map(spec: &InputSpec) -> Result<BTreeMap<String, String>> {
    let mut map: BTreeMap<String, String> = EVENT_TYPES
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    for (canonical, names) in &spec.activities {
        if !EVENT_TYPES.contains(&canonical.as_str()) {
            return Err(ConfigError::Invalid {
                key: format!("events.activities.{canonical}"),
                message: format!("`{canonical}` is not a canonical event type"),
                hint: Some(format!("use one of: {}", EVENT_TYPES.join(", "))),
            }
            .into());
        }
        for n in names {
            map.insert(n.trim().to_lowercase(), canonical.clone());
        }
    }
    Ok(map)
}

const TS: &str = "__ts";

/// Validated events: canonical columns, dimensions, and the reject columns.
pub fn check(
    scanned: &Scanned,
    cols: &ColumnMap,
    spec: &InputSpec,
    cfg: &RunConfig,
) -> Result<Checked> {
    let case = cols.get("case_id").unwrap_or_default().to_string();
    let ts_col = cols.get("timestamp").unwrap_or_default().to_string();
    let ev_col = cols.get("event").unwrap_or_default().to_string();
    let ts = fields::stamp(scanned, spec, "timestamp", &ts_col, cfg.timezone)?;
    let due = match cols.get("due_at") {
        Some(d) => Some(fields::stamp(scanned, spec, "due_at", d, cfg.timezone)?.parsed),
        None => None,
    };

    let activity = text(&ev_col);
    let event = fields::map_names(activity.clone(), activity_map(spec)?, "other");

    let mut rules = fields::structure_rules(scanned);
    rules.extend([
        rule(text(&case).is_null(), "empty_case_id", &case),
        rule(ts.raw.clone().is_null(), "missing_timestamp", &ts_col),
        rule(col(TS).is_null(), "bad_timestamp", &ts_col),
        rule(
            fields::in_future(col(TS), cfg),
            "timestamp_in_future",
            &ts_col,
        ),
        rule(activity.clone().is_null(), "empty_event", &ev_col),
        rule(fields::after_as_of(col(TS), cfg), "after_as_of", &ts_col),
    ]);
    rules.extend(running_count_rules(scanned, spec, cfg)?);
    let mut exprs = vec![
        fields::line(),
        text(&case).alias("case_id"),
        col(TS).alias("ts"),
        fields::categorical(event).alias("event"),
        fields::categorical(activity).alias("activity"),
        text_or_null(cols, "customer_id").alias("customer_id"),
        fields::categorical(fields::lowercase(text_or_null(cols, "channel"))).alias("channel"),
        fields::categorical(text_or_null(cols, "agent")).alias("agent"),
        fields::categorical(text_or_null(cols, "team")).alias("team"),
        due.unwrap_or_else(|| lit(NULL).cast(crate::input::rows::timestamp::utc_dtype()))
            .alias("due_at"),
        fields::categorical(fields::lowercase(text_or_null(cols, "promise_kind")))
            .alias("promise_kind"),
    ];
    exprs.extend(dimension_exprs(cols));
    exprs.push(fields::reason_code(&rules));
    exprs.extend(fields::raw_columns(scanned));
    // The parse runs once, in its own stage; the rules and the output read it.
    let times: Vec<&str> = std::iter::once(ts_col.as_str())
        .chain(cols.get("due_at"))
        .collect();
    let prepared = fields::prepared(scanned, cfg, &times)?;
    let lf = prepared.lf.with_column(ts.parsed.alias(TS)).select(exprs);
    Ok(Checked::new(lf, &rules).counting(prepared.tally))
}

/// A snapshot log's running counts (`[events.counts]`, SPEC 1.6): each
/// names a column of the file and an event type, and holds whole numbers.
/// The column stays a dimension; the journey reads the events from it.
fn running_count_rules(scanned: &Scanned, spec: &InputSpec, cfg: &RunConfig) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    for (column, event) in &spec.wide.counts {
        if !scanned.columns.contains(column) {
            return Err(ConfigError::Invalid {
                key: format!("events.counts.\"{column}\""),
                message: format!(
                    "`{column}` is not a column of {} (found: {})",
                    spec.path.display(),
                    scanned.columns.join(", ")
                ),
                hint: Some("name the column as the export spells it".into()),
            }
            .into());
        }
        if !EVENT_TYPES.contains(&event.as_str()) {
            return Err(ConfigError::Invalid {
                key: format!("events.counts.\"{column}\""),
                message: format!("`{event}` is not a canonical event type"),
                hint: Some(format!(
                    "a count column counts events of one type: {}",
                    EVENT_TYPES.join(", ")
                )),
            }
            .into());
        }
        let t = text(column);
        rules.push(rule(
            t.clone()
                .is_not_null()
                .and(fields::count_ok(t.clone(), t.cast(DataType::Float64), cfg.max_count).not()),
            "bad_count",
            column,
        ));
    }
    Ok(rules)
}

/// Extra event columns become dimensions, unless their name would shadow
/// a column of the validated frame (the journey layer drops those that
/// would shadow a journey column) or is a blank header's placeholder.
pub fn dimensions(cols: &ColumnMap) -> Vec<String> {
    super::dimensions(cols, COLUMNS)
}

fn dimension_exprs(cols: &ColumnMap) -> Vec<Expr> {
    dimensions(cols)
        .into_iter()
        .map(|d| text(&d).alias(d.as_str()))
        .collect()
}
