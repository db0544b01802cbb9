//! SPEC 2.2: contact-count rows attributed to cases, and each case's inbound
//! and outbound contacts (logged events plus counts, `add` or `max`).

use polars::prelude::*;

use crate::input::config::Overlap;
use crate::journey::timeline::{CASE, carry, first_of_each, is, on_case, per_case};

/// A Datetime column as the calendar day in `tz`.
pub fn local_date(e: Expr, tz: &TimeZone) -> Expr {
    e.dt().convert_time_zone(tz.clone()).dt().date()
}

pub struct Attribution {
    /// line, case_id, date, contacts, channel, direction — rows that found a
    /// case — and the case's number (`timeline::CASE`).
    pub attributed: LazyFrame,
    /// line, case_id, customer_id, date, contacts, channel, direction, reason.
    pub unattributed: LazyFrame,
}

/// For each count row with only a customer_id (line, customer_id, date):
/// the customer's most recently opened case whose [from_day, to_day] holds
/// the row's day (ties: the larger case number), as line, fit_case,
/// fit_no.
///
/// The latest case opened on or before the day is found for every row by
/// one sort of rows and cases together and a forward fill; it is the
/// answer whenever it is still open on that day, which is nearly always.
/// Only the rows it does not hold (a short case opened after a long one
/// still open) are paired with their customer's cases — so a business
/// account's thousands of cases are not paired with each of its rows.
fn customer_fits(rows: LazyFrame, spans: LazyFrame) -> PolarsResult<LazyFrame> {
    let (key, kind) = ("__key", "__row");
    let day = col("date").cast(DataType::Int32);
    let both = concat(
        [
            spans.clone().select([
                super::recontact::key_code(col("customer_id")).alias(key),
                col("from_day").alias("day"),
                lit(0u8).alias(kind),
                col("fit_opened")
                    .dt()
                    .timestamp(TimeUnit::Milliseconds)
                    .alias("opened_ms"),
                col("fit_no"),
                col("fit_case"),
                col("to_day"),
                lit(NULL).cast(DataType::Int64).alias("line"),
            ]),
            rows.clone().select([
                super::recontact::key_code(col("customer_id")).alias(key),
                day.clone().alias("day"),
                lit(1u8).alias(kind),
                lit(NULL).cast(DataType::Int64).alias("opened_ms"),
                lit(NULL).cast(DataType::UInt32).alias("fit_no"),
                lit(NULL).cast(DataType::String).alias("fit_case"),
                lit(NULL).cast(DataType::Int32).alias("to_day"),
                col("line").cast(DataType::Int64),
            ]),
        ],
        UnionArgs::default(),
    )?
    // Cases by opening, the larger number last among exact ties, before
    // the rows of their first day.
    .sort(
        [key, "day", kind, "opened_ms", "fit_no"],
        SortMultipleOptions::default(),
    );
    let is_case = col(kind).eq(lit(0u8));
    let last = |c: &str| carry(is_case.clone(), c, FillNullStrategy::Forward(None));
    let latest = both
        .with_columns([
            last(key).alias("case_key"),
            last("to_day").alias("to_day"),
            last("fit_no").alias("fit_no"),
            last("fit_case").alias("fit_case"),
        ])
        .filter(is_case.not())
        .with_column(
            col("case_key")
                .eq(col(key))
                .and(col("to_day").gt_eq(col("day")))
                .fill_null(lit(false))
                .alias("holds"),
        )
        .cache();
    let found =
        latest
            .clone()
            .filter(col("holds"))
            .select([col("line"), col("fit_case"), col("fit_no")]);
    // The rest: paired with their customer's cases, the latest that holds
    // the day wins.
    let rest = rows.join(
        latest.filter(col("holds").not()).select([col("line")]),
        [col("line").cast(DataType::Int64)],
        [col("line")],
        JoinArgs::new(JoinType::Semi),
    );
    let paired = rest
        .join(
            spans,
            [col("customer_id")],
            [col("customer_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            day.clone()
                .gt_eq(col("from_day"))
                .and(day.lt_eq(col("to_day"))),
        )
        .sort(
            ["line", "fit_opened", "fit_no"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, true]),
        );
    let paired = first_of_each(paired, "line").select([
        col("line").cast(DataType::Int64),
        col("fit_case"),
        col("fit_no"),
    ]);
    concat([found, paired], UnionArgs::default())
}

/// Count rows with a case_id belong to that case (unknown ids fit nowhere);
/// rows with only a customer_id go to that customer's most recently opened
/// case whose [opened day, resolved day or as_of day] holds the row's day.
pub fn attribute(
    counts: LazyFrame,
    cases: LazyFrame,
    as_of_date: i32,
) -> PolarsResult<Attribution> {
    let spans = cases.select([
        col("case_id"),
        col(CASE),
        col("customer_id"),
        col("opened_at"),
        col("opened_date").cast(DataType::Int32).alias("from_day"),
        col("resolved_date")
            .cast(DataType::Int32)
            .fill_null(lit(as_of_date))
            .alias("to_day"),
    ]);
    let with_case = counts.clone().filter(col("case_id").is_not_null());
    // Each of these feeds both outputs: cached, so it runs once.
    let by_case = with_case
        .clone()
        .join(
            spans
                .clone()
                .select([col("case_id").alias("known"), col(CASE)]),
            [col("case_id")],
            [col("known")],
            JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::KeepColumns),
        )
        .cache();
    let known_case = by_case.clone().filter(col("known").is_not_null());
    let unknown_case = by_case
        .filter(col("known").is_null())
        .select(unattributed_cols("unknown_case"));

    let customer_only = counts.filter(col("case_id").is_null());
    let spans = spans.select([
        col("customer_id"),
        col("case_id").alias("fit_case"),
        col(CASE).alias("fit_no"),
        col("opened_at").alias("fit_opened"),
        col("from_day"),
        col("to_day"),
    ]);
    let fits = customer_fits(customer_only.clone(), spans)?;
    let resolved = customer_only
        .join(
            fits,
            [col("line")],
            [col("line")],
            JoinArgs::new(JoinType::Left),
        )
        .cache();
    let by_customer = resolved
        .clone()
        .filter(col("fit_case").is_not_null())
        .with_columns([col("fit_case").alias("case_id"), col("fit_no").alias(CASE)]);
    let no_fit = resolved
        .filter(col("fit_case").is_null())
        .select(unattributed_cols("no_case_for_customer"));

    let keep = || {
        [
            col("line"),
            col("case_id"),
            col(CASE),
            col("date"),
            col("contacts"),
            col("channel"),
            col("direction"),
        ]
    };
    Ok(Attribution {
        attributed: concat(
            [known_case.select(keep()), by_customer.select(keep())],
            UnionArgs::default(),
        )?
        .sort(["line"], SortMultipleOptions::default()),
        unattributed: concat([unknown_case, no_fit], UnionArgs::default())?
            .sort(["line"], SortMultipleOptions::default()),
    })
}

fn unattributed_cols(reason: &str) -> [Expr; 8] {
    [
        col("line"),
        col("case_id"),
        col("customer_id"),
        col("date"),
        col("contacts"),
        col("channel"),
        col("direction"),
        lit(reason).alias("reason"),
    ]
}

/// inbound_contacts and outbound_contacts per case. `add`: logged events plus
/// counts. `max`: per case, day and direction, the larger of the two.
///
/// `cases` carries each case's logged totals (`logged_in`, `logged_out`), so
/// `add` needs no pass over the events; only `max` compares day by day.
pub fn totals(
    cases: LazyFrame,
    contact_events: LazyFrame,
    attributed: LazyFrame,
    tz: &TimeZone,
    overlap: Overlap,
) -> LazyFrame {
    match overlap {
        Overlap::Add => added(cases, attributed),
        Overlap::Max => day_by_day_max(contact_events, attributed, tz),
    }
}

fn added(cases: LazyFrame, attributed: LazyFrame) -> LazyFrame {
    // Split by direction over the flat rows, then plain sums per case: a
    // filter inside the aggregation would gather every group.
    let counted = |dir: &str| {
        when(col("direction").eq(lit(dir)))
            .then(col("contacts"))
            .otherwise(lit(0i64))
    };
    let counted = per_case(
        attributed.with_columns([
            counted("in").alias("counted_in"),
            counted("out").alias("counted_out"),
        ]),
        vec![col("counted_in").sum(), col("counted_out").sum()],
    );
    on_case(
        cases.select([col(CASE), col("logged_in"), col("logged_out")]),
        counted,
        JoinType::Left,
    )
    .select([
        col(CASE),
        (col("logged_in") + col("counted_in").fill_null(lit(0i64))).alias("inbound_contacts"),
        (col("logged_out") + col("counted_out").fill_null(lit(0i64))).alias("outbound_contacts"),
    ])
}

fn day_by_day_max(contact_events: LazyFrame, attributed: LazyFrame, tz: &TimeZone) -> LazyFrame {
    let keys = [col(CASE), col("day"), col("direction")];
    let logged = contact_events
        .select([
            col(CASE),
            local_date(col("ts"), tz).alias("day"),
            when(is("contact_in"))
                .then(lit("in"))
                .otherwise(lit("out"))
                .alias("direction"),
        ])
        .group_by(keys.clone())
        .agg([len().cast(DataType::Int64).alias("logged")]);
    let counted = attributed
        .select([
            col(CASE),
            col("date").alias("day"),
            col("direction"),
            col("contacts"),
        ])
        .group_by(keys.clone())
        .agg([col("contacts").sum().alias("counted")]);
    let per_day = logged.join(
        counted,
        keys.clone(),
        keys,
        JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
    );
    let l = col("logged").fill_null(lit(0i64));
    let c = col("counted").fill_null(lit(0i64));
    per_case(
        per_day.with_column(
            when(l.clone().gt_eq(c.clone()))
                .then(l)
                .otherwise(c)
                .alias("n"),
        ),
        vec![
            col("n")
                .filter(col("direction").eq(lit("in")))
                .sum()
                .alias("inbound_contacts"),
            col("n")
                .filter(col("direction").eq(lit("out")))
                .sum()
                .alias("outbound_contacts"),
        ],
    )
}
