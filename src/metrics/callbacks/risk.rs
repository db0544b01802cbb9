//! The risk of an unhappy answer from the journey so far (SPEC 3.10 b):
//! the model's factors, its fit on the answered cases, and the back-test
//! that says how good a list ordered by it is.

use polars::prelude::*;
use serde_json::json;

use super::logistic::{self, Group, Model};
use crate::error::Result;
use crate::metrics::table::{Table, iso};
use crate::metrics::{num, round};

/// The ridge penalty λ of SPEC 3.10.
pub const LAMBDA: f64 = 1.0;

/// The model's factors, in the order of SPEC 3.10: name and value (0/1, or
/// inbound contacts capped at 5; a missing value is 0).
pub fn factors() -> [(&'static str, Expr); 8] {
    let yes = |c: &str| col(c).fill_null(lit(false)).cast(DataType::Float64);
    let at_least = |c: &str, n: i64| {
        col(c)
            .fill_null(lit(0i64))
            .gt_eq(lit(n))
            .cast(DataType::Float64)
    };
    [
        ("has_repeat", yes("has_repeat")),
        ("promise_missed", yes("promise_missed")),
        ("transferred", at_least("transfers", 1)),
        ("escalated", yes("escalated")),
        ("reopened", at_least("reopens", 1)),
        ("multi_channel", at_least("channels_used", 2)),
        ("identifications_2_plus", at_least("identifications", 2)),
        (
            "inbound_contacts",
            col("inbound_contacts")
                .fill_null(lit(0i64))
                .clip(lit(0i64), lit(5i64))
                .cast(DataType::Float64),
        ),
    ]
}

/// The factor columns, named `f_<name>` so they never meet a journey column.
pub fn factor_columns() -> Vec<Expr> {
    factors()
        .into_iter()
        .map(|(name, e)| e.alias(format!("f_{name}")))
        .collect()
}

pub fn factor_names() -> Vec<String> {
    factors()
        .iter()
        .map(|(name, _)| format!("f_{name}"))
        .collect()
}

/// Answered cases (with a boolean `unhappy`) grouped by factor values, in
/// one fixed order so the fit's sums are the same on every run.
pub fn groups(answered: LazyFrame) -> Result<Vec<Group>> {
    let names = factor_names();
    let df = answered
        .select(
            factor_columns()
                .into_iter()
                .chain([col("unhappy")])
                .collect::<Vec<_>>(),
        )
        .group_by(names.iter().map(|n| col(n.as_str())).collect::<Vec<_>>())
        .agg([
            len().cast(DataType::Float64).alias("n"),
            col("unhappy").cast(DataType::Float64).sum().alias("k"),
        ])
        .sort(names.clone(), SortMultipleOptions::default())
        .collect()?;
    let cols = names
        .iter()
        .map(|n| Ok(df.column(n)?.f64()?.clone()))
        .collect::<PolarsResult<Vec<_>>>()?;
    let (n, k) = (df.column("n")?.f64()?, df.column("k")?.f64()?);
    Ok((0..df.height())
        .map(|i| Group {
            x: cols.iter().map(|c| c.get(i).unwrap_or(0.0)).collect(),
            n: n.get(i).unwrap_or(0.0),
            k: k.get(i).unwrap_or(0.0),
        })
        .collect())
}

/// The factor values of row `i` of a frame holding `factor_columns`.
pub fn row_values(df: &DataFrame, i: usize) -> PolarsResult<Vec<f64>> {
    factor_names()
        .iter()
        .map(|n| Ok(df.column(n)?.f64()?.get(i).unwrap_or(0.0)))
        .collect()
}

/// The fitted model as a table: each factor's coefficient (empty when the
/// factor was constant over the answered cases and left out) and how many
/// answered cases have it.
pub fn model_table(model: Option<&Model>, groups: &[Group]) -> Table {
    let mut t = Table::new(
        "at_risk_model",
        "The at-risk model: log-odds of an unhappy answer",
        &["factor", "coefficient", "answered_with"],
    );
    let Some(m) = model else {
        return t;
    };
    let total: f64 = groups.iter().map(|g| g.n).sum();
    t.push(vec![
        json!("intercept"),
        num(round(Some(m.intercept), 6)),
        num(Some(total)),
    ]);
    for (j, (name, _)) in factors().iter().enumerate() {
        let with: f64 = groups.iter().filter(|g| g.x[j] > 0.0).map(|g| g.n).sum();
        t.push(vec![
            json!(name),
            num(round(m.coefficients[j], 6)),
            num(Some(with)),
        ]);
    }
    t
}

/// How good the list is (SPEC 3.10): what the back-test found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    TooFew,
    PredictsLittle,
    Useful,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::TooFew => "too_few",
            Verdict::PredictsLittle => "predicts_little",
            Verdict::Useful => "useful",
        }
    }

    /// The sentence above the list.
    pub fn sentence(self) -> &'static str {
        match self {
            Verdict::TooFew => "too few answers to tell how good this list is",
            Verdict::PredictsLittle => {
                "journeys predict little here: the list is ordered by the failures in each journey"
            }
            Verdict::Useful => "the journeys predicted the later answers",
        }
    }
}

/// The back-test's result: `at_risk_check`.
pub struct Check {
    pub cutoff_ms: i64,
    pub n_fit: usize,
    pub n_test: usize,
    pub unhappy_test: usize,
    pub auc: Option<f64>,
    pub capture: Option<f64>,
    pub verdict: Verdict,
}

/// Fewest answers on either side, and fewest unhappy or happy ones, before
/// the back-test can say anything (SPEC 3.10).
const MIN_ANSWERS: usize = 30;
const MIN_SIDE: usize = 5;
/// An AUC below this predicts little.
const USEFUL_AUC: f64 = 0.6;

/// Refit on the answers before `cutoff_ms` and score the answers from then
/// on. `answered`: the answered cases with `unhappy` and `responded_at`.
pub fn back_test(answered: LazyFrame, cutoff_ms: i64, as_of_ms: i64) -> Result<Check> {
    let responded = col("responded_at").dt().timestamp(TimeUnit::Milliseconds);
    let before = groups(
        answered
            .clone()
            .filter(responded.clone().lt(lit(cutoff_ms))),
    )?;
    let later = answered
        .filter(
            responded
                .clone()
                .gt_eq(lit(cutoff_ms))
                .and(responded.lt_eq(lit(as_of_ms))),
        )
        .select(
            [col("case_id"), col("unhappy")]
                .into_iter()
                .chain(factor_columns())
                .collect::<Vec<_>>(),
        )
        .sort(["case_id"], SortMultipleOptions::default())
        .collect()?;
    let n_fit = before.iter().map(|g| g.n).sum::<f64>() as usize;
    let unhappy_fit = before.iter().map(|g| g.k).sum::<f64>() as usize;
    let unhappy = later.column("unhappy")?.bool()?;
    let n_test = later.height();
    let unhappy_test = unhappy.sum().unwrap_or(0) as usize;
    let model = logistic::fit(&before, LAMBDA);
    let enough = n_fit >= MIN_ANSWERS
        && n_test >= MIN_ANSWERS
        && unhappy_fit.min(n_fit - unhappy_fit) >= MIN_SIDE
        && unhappy_test.min(n_test - unhappy_test) >= MIN_SIDE;
    let (auc, capture) = match &model {
        Some(m) if n_test > 0 => {
            let scored = (0..n_test)
                .map(|i| {
                    Ok((
                        m.risk(&row_values(&later, i)?),
                        unhappy.get(i) == Some(true),
                    ))
                })
                .collect::<PolarsResult<Vec<_>>>()?;
            (logistic::auc(&scored), capture(&scored))
        }
        _ => (None, None),
    };
    let verdict = match auc {
        Some(a) if enough && a < USEFUL_AUC => Verdict::PredictsLittle,
        Some(_) if enough => Verdict::Useful,
        _ => Verdict::TooFew,
    };
    Ok(Check {
        cutoff_ms,
        n_fit,
        n_test,
        unhappy_test,
        auc,
        capture,
        verdict,
    })
}

/// The unhappy answers among the ⌈n/10⌉ riskiest (ties by case_id: the
/// rows come in case order and the sort is stable), over all unhappy ones.
fn capture(scored: &[(f64, bool)]) -> Option<f64> {
    let unhappy = scored.iter().filter(|(_, y)| *y).count();
    if unhappy == 0 {
        return None;
    }
    let mut order: Vec<&(f64, bool)> = scored.iter().collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top = scored.len().div_ceil(10);
    let caught = order.iter().take(top).filter(|(_, y)| *y).count();
    Some(caught as f64 / unhappy as f64)
}

impl Check {
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            "at_risk_check",
            "How good the at-risk list is: refitted on earlier answers, scored on later ones",
            &[
                "cutoff",
                "n_fit",
                "n_test",
                "unhappy_test",
                "auc",
                "capture",
                "verdict",
            ],
        );
        t.push(vec![
            json!(iso(self.cutoff_ms)),
            json!(self.n_fit),
            json!(self.n_test),
            json!(self.unhappy_test),
            num(round(self.auc, 4)),
            num(round(self.capture, 4)),
            json!(self.verdict.name()),
        ]);
        t
    }
}
