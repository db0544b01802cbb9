//! SPEC 2.6: surveys joined to cases — by case_id, or as-of by customer
//! within S of the resolution — and the case's own answer picked from them.

use polars::prelude::*;

use super::ms;

use crate::input::config::{SurveyPick, SurveySettings};
use crate::journey::recontact::key_code;
use crate::journey::timeline::{CASE, carry, per_case as grouped};

pub struct Joined {
    /// Every matched survey row with the case it joined: survey_id, line,
    /// case_id, matched_by, answered, score, resolved, sent_at, responded_at,
    /// and the case number.
    pub matched: LazyFrame,
    /// line, survey_id, case_id, customer_id, answered, reason.
    pub unmatched: LazyFrame,
}

/// `cases`: case_id, case number, customer_id, resolved_at.
pub fn join(surveys: LazyFrame, cases: LazyFrame, window_days: f64) -> PolarsResult<Joined> {
    let known = cases
        .clone()
        .select([col("case_id").alias("known_case"), col(CASE)]);
    let by_case = surveys.clone().filter(col("case_id").is_not_null()).join(
        known,
        [col("case_id")],
        [col("known_case")],
        JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::KeepColumns),
    );
    let matched_by_case = by_case
        .clone()
        .filter(col("known_case").is_not_null())
        .with_column(lit("case_id").alias("matched_by"));
    let unknown_case = by_case
        .filter(col("known_case").is_null())
        .with_column(lit("unknown_case").alias("reason"));

    // As-of by customer: the case with the latest resolved_at at or before the
    // response (the invitation if unanswered), at most S before it.
    let customer_only = surveys
        .filter(col("case_id").is_null())
        .with_column(coalesce(&[col("responded_at"), col("sent_at")]).alias("ref_at"));
    let window_ms = crate::engine::days_ms(window_days);
    let fits = latest_resolved_before(customer_only.clone(), cases, window_ms)?;
    let by_customer = customer_only.join(
        fits,
        [col("line")],
        [col("line")],
        JoinArgs::new(JoinType::Left),
    );
    let matched_by_customer = by_customer
        .clone()
        .filter(col("fit_case").is_not_null())
        .with_columns([
            col("fit_case").alias("case_id"),
            col("fit_no").alias(CASE),
            lit("customer_as_of").alias("matched_by"),
        ]);
    let no_case = by_customer
        .filter(col("fit_case").is_null())
        .with_column(lit("no_case_for_customer").alias("reason"));

    let matched_cols = || {
        [
            col("survey_id"),
            col("line"),
            col("case_id"),
            col("matched_by"),
            col("answered"),
            col("score"),
            col("resolved"),
            col("comment"),
            col("sent_at"),
            col("responded_at"),
            col(CASE),
        ]
    };
    let unmatched_cols = || {
        [
            col("line"),
            col("survey_id"),
            col("case_id"),
            col("customer_id"),
            col("answered"),
            col("reason"),
        ]
    };
    Ok(Joined {
        matched: concat(
            [
                matched_by_case.select(matched_cols()),
                matched_by_customer.select(matched_cols()),
            ],
            UnionArgs::default(),
        )?
        .sort(["line"], SortMultipleOptions::default()),
        unmatched: concat(
            [
                unknown_case.select(unmatched_cols()),
                no_case.select(unmatched_cols()),
            ],
            UnionArgs::default(),
        )?
        .sort(["line"], SortMultipleOptions::default()),
    })
}

/// For each customer-only survey (line, customer_id, ref_at), the case of
/// its customer with the latest resolved_at at or before ref_at and at most
/// `window_ms` before it (ties: the larger case number): line, fit_case,
/// fit_no. Cases and surveys are sorted together by customer and time — a
/// case before a survey at the same instant, and among cases the larger
/// number last — and each survey takes the last case before it by a
/// forward fill: one sort, where a join by customer would pair every
/// survey with every case of a business account's thousands.
fn latest_resolved_before(
    surveys: LazyFrame,
    cases: LazyFrame,
    window_ms: i64,
) -> PolarsResult<LazyFrame> {
    let (key, kind) = ("__key", "__survey");
    let both = concat(
        [
            cases.filter(col("resolved_at").is_not_null()).select([
                key_code(col("customer_id")).alias(key),
                ms(col("resolved_at")).alias("at"),
                lit(0u8).alias(kind),
                col(CASE).alias("fit_no"),
                col("case_id").alias("fit_case"),
                lit(NULL).cast(DataType::Int64).alias("line"),
            ]),
            surveys.filter(col("ref_at").is_not_null()).select([
                key_code(col("customer_id")).alias(key),
                ms(col("ref_at")).alias("at"),
                lit(1u8).alias(kind),
                lit(NULL).cast(DataType::UInt32).alias("fit_no"),
                lit(NULL).cast(DataType::String).alias("fit_case"),
                col("line").cast(DataType::Int64),
            ]),
        ],
        UnionArgs::default(),
    )?
    .sort([key, "at", kind, "fit_no"], SortMultipleOptions::default());
    let is_case = col(kind).eq(lit(0u8));
    let last = |c: &str| carry(is_case.clone(), c, FillNullStrategy::Forward(None));
    Ok(both
        .with_columns([
            last("at").alias("case_at"),
            last(key).alias("case_key"),
            last("fit_no").alias("fit_no"),
            last("fit_case").alias("fit_case"),
        ])
        .filter(
            is_case
                .not()
                .and(col("case_key").eq(col(key)))
                .and((col("at") - col("case_at")).lt_eq(lit(window_ms))),
        )
        .select([col("line"), col("fit_case"), col("fit_no")]))
}

/// Per case: the picked answer (first, last or mean of the answered surveys
/// in response order), invitation and answer counts, and the derived
/// score_norm and satisfied.
pub fn per_case(matched: LazyFrame, s: &SurveySettings) -> LazyFrame {
    let answered = col("answered");
    let ordered = matched.sort(
        [CASE, "responded_at", "line"],
        SortMultipleOptions::default().with_nulls_last(true),
    );
    let pick = |c: &str| {
        let e = col(c).filter(answered.clone());
        match s.pick {
            SurveyPick::First | SurveyPick::Mean => e.first(),
            SurveyPick::Last => e.last(),
        }
    };
    let score = match s.pick {
        SurveyPick::Mean => col("score").filter(answered.clone()).mean(),
        _ => pick("score"),
    };
    // With `mean`, the resolved answer is the latest one given.
    let resolved = match s.pick {
        SurveyPick::Mean => col("resolved").filter(answered.clone()).last_non_null(),
        _ => pick("resolved"),
    };
    let span = s.scale_max - s.scale_min;
    grouped(
        ordered,
        vec![
            lit(true).alias("survey_invited"),
            answered
                .clone()
                .sum()
                .cast(DataType::Int64)
                .alias("surveys_answered"),
            pick("survey_id").alias("survey_id"),
            pick("responded_at").alias("responded_at"),
            score.alias("score"),
            resolved.alias("customer_resolved"),
            pick("comment").alias("comment"),
        ],
    )
    .with_columns([
        col("surveys_answered").gt(lit(0i64)).alias("surveyed"),
        (lit(100.0) * (col("score") - lit(s.scale_min)) / lit(span)).alias("score_norm"),
        col("score")
            .gt_eq(lit(s.satisfied_threshold()))
            .alias("satisfied"),
    ])
}
