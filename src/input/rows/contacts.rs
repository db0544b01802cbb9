//! Contact counts from telephony, chat or email platforms: canonical columns
//! and row rules. Dates are local calendar days in the configured time zone.

use polars::prelude::*;

use crate::error::Result;
use crate::input::config::{InputSpec, RunConfig, Shape};
use crate::input::format::scan::Scanned;
use crate::input::rows::fields::{self, Checked, rule, text, text_or_null};
use crate::input::shape::columns::ColumnMap;

pub const COLUMNS: &[&str] = &[
    "line",
    "case_id",
    "customer_id",
    "date",
    "contacts",
    "channel",
    "direction",
];

/// The direction words read as inbound and outbound (lower case).
pub const INBOUND: &[&str] = &[
    "in",
    "i",
    "inbound",
    "incoming",
    "inbound call",
    "incoming call",
    "inbound chat",
    "inbound email",
];
pub const OUTBOUND: &[&str] = &[
    "out",
    "o",
    "outbound",
    "outgoing",
    "outbound call",
    "outgoing call",
    "outbound chat",
    "outbound email",
];

const STAMP: &str = "__stamp";
const COUNT: &str = "__count";
const COUNT_TEXT: &str = "__count_text";
const DIRECTION: &str = "__direction";

pub fn check(
    scanned: &Scanned,
    cols: &ColumnMap,
    spec: &InputSpec,
    cfg: &RunConfig,
) -> Result<Checked> {
    let name = |canon: &str| cols.get(canon).unwrap_or(canon).to_string();
    let date_col = name("date");
    let stamp = fields::stamp(scanned, spec, "date", &date_col, cfg.timezone)?;
    // One row per call, chat or email (`shape = "interactions"`): each row
    // is one contact, and cxgap does the counting.
    let interactions = spec.shape == Some(Shape::Interactions);
    // Parsed once, in a stage of their own; the rules and outputs read them.
    let count_raw = if interactions {
        lit("1")
    } else {
        text(&name("contacts"))
    };
    let dir_raw = fields::lowercase(text_or_null(cols, "direction"));
    let parsed = [
        stamp.parsed.alias(STAMP),
        count_raw.clone().alias(COUNT_TEXT),
        count_raw.clone().cast(DataType::Float64).alias(COUNT),
        dir_raw.alias(DIRECTION),
    ];
    let stamp = fields::Stamp {
        raw: stamp.raw,
        parsed: col(STAMP),
    };
    let dir_raw = col(DIRECTION);
    let local_date = stamp
        .parsed
        .clone()
        .dt()
        .convert_time_zone(cfg.timezone.engine())
        .dt()
        .date();
    let count_f = col(COUNT);
    let count_ok = fields::count_ok(col(COUNT_TEXT), count_f.clone(), cfg.max_count);
    // Exact words, never a prefix: "Internal" or "Information line" is no
    // inbound contact; anything not listed is rejected `bad_direction`.
    let is = |words: &[&str]| {
        dir_raw
            .clone()
            .is_in(lit(Series::new("d".into(), words)).implode(false), false)
    };
    let direction = when(is(INBOUND))
        .then(lit("in"))
        .when(is(OUTBOUND))
        .then(lit("out"))
        .otherwise(lit(NULL).cast(DataType::String));

    let mut rules = fields::structure_rules(scanned);
    rules.extend([
        rule(
            text_or_null(cols, "case_id")
                .is_null()
                .and(text_or_null(cols, "customer_id").is_null()),
            "no_case_or_customer",
            &name("case_id"),
        ),
        rule(stamp.raw.clone().is_null(), "missing_date", &date_col),
        rule(stamp.parsed.clone().is_null(), "bad_date", &date_col),
        rule(
            fields::in_future(stamp.parsed.clone(), cfg),
            "timestamp_in_future",
            &date_col,
        ),
        rule(
            fields::after_as_of(stamp.parsed.clone(), cfg),
            "after_as_of",
            &date_col,
        ),
        rule(count_raw.is_null(), "missing_count", &name("contacts")),
        rule(count_ok.not(), "bad_count", &name("contacts")),
        rule(
            dir_raw.is_not_null().and(direction.clone().is_null()),
            "bad_direction",
            &name("direction"),
        ),
    ]);
    let mut exprs = vec![
        fields::line(),
        text_or_null(cols, "case_id").alias("case_id"),
        text_or_null(cols, "customer_id").alias("customer_id"),
        local_date.alias("date"),
        count_f.cast(DataType::Int64).alias("contacts"),
        fields::lowercase(text_or_null(cols, "channel")).alias("channel"),
        direction.fill_null(lit("in")).alias("direction"),
    ];
    exprs.push(fields::reason_code(&rules));
    exprs.extend(fields::raw_columns(scanned));
    let prepared = fields::prepared(scanned, cfg, &[date_col.as_str()])?;
    let lf = prepared.lf.with_columns(parsed).select(exprs);
    Ok(Checked::new(lf, &rules).counting(prepared.tally))
}
