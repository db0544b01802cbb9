//! Close the loop (SPEC 3.10): whom to call back about an unhappy answer,
//! with the journey in hand, and which cases without an answer look like
//! the ones that end badly. Two lists for a CRM or ticketing tool, each
//! naming a customer once, and a back-test that says how far to trust the
//! second.

pub mod failures;
pub mod logistic;
pub mod risk;

use polars::prelude::*;
use serde_json::{Value, json};

use crate::error::Result;
use crate::input::config::{SurveyKind, SurveySettings};
use crate::metrics::table::Table;
use crate::metrics::{Ctx, num, privacy, round};
use failures::{Failures, Record};
use risk::Verdict;

/// An answer that calls for a call-back: below top-2-box (for NPS a
/// detractor, 0–6; passives count as happy) or "not resolved".
pub fn unhappy(s: &SurveySettings) -> Expr {
    let low = match s.kind {
        SurveyKind::Nps => col("score").lt(lit(7.0)),
        _ => col("score").lt(lit(s.satisfied_threshold())),
    };
    col("surveyed").fill_null(lit(false)).and(
        low.fill_null(lit(false)).or(col("customer_resolved")
            .eq(lit(false))
            .fill_null(lit(false))),
    )
}

/// The two lists, the back-test and the model, as tables.
pub struct Lists {
    pub callbacks: Table,
    pub at_risk: Table,
    pub check: Table,
    pub model: Table,
    pub verdict: Verdict,
}

impl Lists {
    pub fn into_tables(self) -> Vec<Table> {
        vec![self.callbacks, self.at_risk, self.check, self.model]
    }
}

/// The window's first moment: as_of − `callbacks.days`.
fn window_start(ctx: &Ctx) -> i64 {
    ctx.journeys.as_of.timestamp_millis() - crate::engine::days_ms(ctx.cfg.callbacks.days)
}

fn ms(c: &str) -> Expr {
    col(c).dt().timestamp(TimeUnit::Milliseconds)
}

/// One case per customer: the one opened last (ties: the larger case_id).
/// A case without a customer stands for itself.
fn latest_per_customer(lf: LazyFrame) -> LazyFrame {
    let who = when(col("customer_id").is_null())
        .then(concat_str([lit("\u{0}"), col("case_id")], "", false))
        .otherwise(col("customer_id"));
    lf.sort(
        ["opened_at", "case_id"],
        SortMultipleOptions::default().with_order_descending(true),
    )
    .filter(who.is_first_distinct())
}

pub fn lists(ctx: &Ctx) -> Result<Lists> {
    Ok(Lists {
        callbacks: callbacks(ctx)?,
        ..at_risk(ctx)?
    })
}

/// (a) The unhappy answers of the window, one per customer.
fn callbacks(ctx: &Ctx) -> Result<Table> {
    let as_of_ms = ctx.journeys.as_of.timestamp_millis();
    let answered_in_window = ms("responded_at")
        .gt_eq(lit(window_start(ctx)))
        .and(ms("responded_at").lt_eq(lit(as_of_ms)));
    let df = latest_per_customer(
        ctx.cases()
            .filter(unhappy(&ctx.cfg.survey).and(answered_in_window))
            // Whole milliseconds here, hours in Rust: the engine divides by
            // a constant as a product, which can round 626.85 h down.
            .with_column((lit(as_of_ms) - ms("responded_at")).alias("_waited_ms")),
    )
    .collect()?;
    let frame = Table::from_frame("cases", "", &df)?;
    let mut listed = failures::describe(ctx.journeys, &frame, &ctx.cfg.timezone)?;
    let waited = |r: &Record| {
        r.get("_waited_ms")
            .as_i64()
            .map(|ms| ms as f64 / 3_600_000.0)
    };
    let done = |r: &Record| r.get("called_back").as_bool() == Some(true);
    // Not done first; more kinds of failure; lower score; waiting longest.
    listed.sort_by(|(a, fa), (b, fb)| {
        done(a)
            .cmp(&done(b))
            .then(fb.kinds.cmp(&fa.kinds))
            .then(
                a.get("score_norm")
                    .as_f64()
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.get("score_norm").as_f64().unwrap_or(f64::INFINITY)),
            )
            .then(
                waited(b)
                    .unwrap_or(0.0)
                    .total_cmp(&waited(a).unwrap_or(0.0)),
            )
            .then(text(a, "case_id").cmp(&text(b, "case_id")))
    });
    let mut t = Table::new(
        "callbacks",
        "Call back: unhappy answers of the last days, with their journeys",
        &[
            "case_id",
            "customer_id",
            "responded_at",
            "score",
            "customer_resolved",
            "comment",
            "team",
            "agent",
            "failures",
            "failure_count",
            "done",
            "hours_waiting",
        ],
    );
    let keep = ctx.cfg.keep_personal;
    for (r, f) in listed {
        let comment = r
            .get("comment")
            .as_str()
            .map(|c| json!(privacy::shown(c, keep)))
            .unwrap_or(Value::Null);
        t.push(vec![
            r.get("case_id").clone(),
            r.get("customer_id").clone(),
            r.get("responded_at").clone(),
            r.get("score").clone(),
            r.get("customer_resolved").clone(),
            comment,
            r.get("team").clone(),
            r.get("agent").clone(),
            json!(f.words),
            json!(f.kinds),
            json!(done(&r)),
            if done(&r) {
                Value::Null
            } else {
                num(round(waited(&r), 1))
            },
        ]);
    }
    Ok(t)
}

fn text(r: &Record, c: &str) -> String {
    r.get(c).as_str().unwrap_or_default().to_string()
}

/// (b) Cases without an answer whose journey so far predicts an unhappy
/// one, with the back-test above them and the model beside them.
fn at_risk(ctx: &Ctx) -> Result<Lists> {
    let as_of_ms = ctx.journeys.as_of.timestamp_millis();
    let start = window_start(ctx);
    let answered = ctx
        .surveyed()
        .with_column(unhappy(&ctx.cfg.survey).alias("unhappy"));
    let groups = risk::groups(answered.clone())?;
    let model = logistic::fit(&groups, risk::LAMBDA);
    let check = risk::back_test(answered, start, as_of_ms)?;
    let mut t = Table::new(
        "at_risk",
        "Call first: cases without an answer whose journeys look like the unhappy ones",
        &[
            "case_id",
            "customer_id",
            "status",
            "opened_at",
            "last_event_at",
            "risk",
            "failures",
            "failure_count",
            "team",
            "agent",
        ],
    );
    let lists = |t: Table| Lists {
        callbacks: Table::new("callbacks", "", &[]),
        at_risk: t,
        check: check.table(),
        model: risk::model_table(model.as_ref(), &groups),
        verdict: check.verdict,
    };
    let Some(m) = &model else {
        return Ok(lists(t));
    };
    let (n, k) = groups
        .iter()
        .fold((0.0, 0.0), |(n, k), g| (n + g.n, k + g.k));
    let base = k / n;
    let candidates = ctx
        .cases()
        .filter(
            col("surveyed").not().and(
                col("resolved_at").is_null().or(ms("resolved_at")
                    .gt_eq(lit(start))
                    .and(ms("resolved_at").lt_eq(lit(as_of_ms)))),
            ),
        )
        .with_columns(risk::factor_columns());
    let risks = risks_by_factors(candidates.clone(), m)?;
    let names: Vec<Expr> = risk::factor_names()
        .iter()
        .map(|n| col(n.as_str()))
        .collect();
    let listed = candidates
        .join(risks, names.clone(), names, JoinArgs::new(JoinType::Inner))
        .filter(col("risk").gt(lit(base)));
    let df = latest_per_customer(listed).collect()?;
    let frame = Table::from_frame("cases", "", &df)?;
    let mut rows: Vec<(Record, Failures, f64)> =
        failures::describe(ctx.journeys, &frame, &ctx.cfg.timezone)?
            .into_iter()
            .map(|(r, f)| {
                let risk = r.get("risk").as_f64().unwrap_or(0.0);
                (r, f, risk)
            })
            .collect();
    let by_failures = check.verdict == Verdict::PredictsLittle;
    rows.sort_by(|(a, fa, ra), (b, fb, rb)| {
        let first = if by_failures {
            fb.kinds.cmp(&fa.kinds)
        } else {
            std::cmp::Ordering::Equal
        };
        first
            .then(rb.total_cmp(ra))
            .then(text(a, "case_id").cmp(&text(b, "case_id")))
    });
    for (r, f, risk) in rows {
        let status = if r.get("resolved_at").is_null() {
            "open"
        } else {
            "resolved"
        };
        t.push(vec![
            r.get("case_id").clone(),
            r.get("customer_id").clone(),
            json!(status),
            r.get("opened_at").clone(),
            r.get("last_event_at").clone(),
            num(round(Some(risk), 4)),
            json!(f.words),
            json!(f.kinds),
            r.get("team").clone(),
            r.get("agent").clone(),
        ]);
    }
    Ok(lists(t))
}

/// The model's risk for each distinct row of factor values among
/// `candidates`: a few hundred rows at most, joined back onto the cases.
fn risks_by_factors(candidates: LazyFrame, model: &logistic::Model) -> Result<LazyFrame> {
    let names = risk::factor_names();
    let mut distinct = candidates
        .select(names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>())
        .unique_stable(None, UniqueKeepStrategy::First)
        .collect()?;
    let risks = (0..distinct.height())
        .map(|i| Ok(model.risk(&risk::row_values(&distinct, i)?)))
        .collect::<PolarsResult<Vec<f64>>>()?;
    distinct.with_column(Column::new("risk".into(), risks))?;
    Ok(distinct.lazy())
}

/// The row counts `--fail-if` judges (`callbacks>20`, `at_risk>50`).
pub fn figures(lists: &Lists) -> Vec<crate::metrics::overview::Figure> {
    let count =
        |name: &'static str, t: &Table, basis: &'static str| crate::metrics::overview::Figure {
            name,
            value: Some(t.rows.len() as f64),
            n: Some(t.rows.len() as f64),
            interval: None,
            basis,
            unmeasured: None,
        };
    vec![
        count(
            "callbacks",
            &lists.callbacks,
            "customers with an unhappy answer in the call-back window",
        ),
        count(
            "at_risk",
            &lists.at_risk,
            "cases without an answer whose journey predicts an unhappy one",
        ),
    ]
}
