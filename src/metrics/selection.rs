//! SPEC 3.8: who answers. Over resolved cases, each factor's prevalence
//! among answered cases and among the others (invited but silent when the
//! input holds invitations, else not surveyed), with Wilson intervals; and
//! per segment the response rate and whether its answered journeys look
//! markedly better than its unsurveyed ones (two-proportion z beyond 2 and
//! at least 10 points apart on the
//! share with any failure: a repeat, a missed promise, a reopen, a transfer
//! or an escalation).

use polars::prelude::*;
use serde_json::{Value, json};

use super::factors::{any_failure, factors};
use super::{Ctx, cell, num, ratio, round, stats};
use crate::error::Result;
use crate::metrics::table::Table;

pub const CHOSEN: &str =
    "answered journeys markedly better: someone may be choosing who gets asked";

/// The comparison group: silent invitees when invitations exist, else all
/// resolved cases without an answer. Returns (filter, label).
fn silent(ctx: &Ctx) -> Result<(Expr, &'static str)> {
    let invited_silent = ctx
        .cases()
        .filter(col("survey_invited").and(col("surveyed").not()))
        .select([len().alias("n")])
        .collect()?;
    Ok(if cell(&invited_silent, "n", 0).unwrap_or(0.0) > 0.0 {
        (
            col("survey_invited").and(col("surveyed").not()),
            "invited, silent",
        )
    } else {
        (col("surveyed").not(), "not surveyed")
    })
}

use super::pct_interval as ci_text;

pub fn tables(ctx: &Ctx) -> Result<Vec<Table>> {
    let (other, other_label) = silent(ctx)?;
    let resolved = ctx.cases().filter(col("resolved_at").is_not_null());
    Ok(vec![
        who_answers(ctx, resolved.clone(), other, other_label)?,
        response_by_segment(ctx, resolved, other_label)?,
    ])
}

/// Each journey factor's prevalence among resolved cases that answered
/// against the `other` group (silent invitees, or every unsurveyed case).
fn who_answers(ctx: &Ctx, resolved: LazyFrame, other: Expr, other_label: &str) -> Result<Table> {
    let fs = factors(ctx.journeys);
    let mut aggs = Vec::new();
    for (i, f) in fs.iter().enumerate() {
        for (tag, group) in [("a", col("surveyed")), ("s", other.clone())] {
            let known = f.expr.clone().is_not_null().and(group.clone());
            aggs.push(
                known
                    .clone()
                    .sum()
                    .cast(DataType::Float64)
                    .alias(format!("n_{tag}_{i}")),
            );
            aggs.push(
                f.expr
                    .clone()
                    .fill_null(lit(false))
                    .and(known)
                    .sum()
                    .cast(DataType::Float64)
                    .alias(format!("k_{tag}_{i}")),
            );
        }
    }
    let df = resolved.select(aggs).collect()?;
    let mut prevalence = Table::new(
        "who_answers",
        &format!("Who answers: factor prevalence, answered vs {other_label} (resolved cases)"),
        &[
            "factor",
            "answered_n",
            "answered_pct",
            "answered_ci",
            "other_n",
            "other_pct",
            "other_ci",
            "other_group",
        ],
    );
    for (i, f) in fs.iter().enumerate() {
        let g = |n: String| cell(&df, &n, 0).unwrap_or(0.0);
        let (na, ka, ns, ks) = (
            g(format!("n_a_{i}")),
            g(format!("k_a_{i}")),
            g(format!("n_s_{i}")),
            g(format!("k_s_{i}")),
        );
        prevalence.push(vec![
            json!(f.name),
            json!(na),
            num(round(ratio(ka, na).map(|v| 100.0 * v), 1)),
            ci_text(stats::wilson(ka, na)),
            json!(ns),
            num(round(ratio(ks, ns).map(|v| 100.0 * v), 1)),
            ci_text(stats::wilson(ks, ns)),
            json!(other_label),
        ]);
    }
    Ok(prevalence)
}

/// Per `--by` segment (team by default): response rate and the share of
/// answered against unsurveyed cases with a failure, flagged when the
/// unsurveyed fail markedly more often (chosen who gets asked).
fn response_by_segment(ctx: &Ctx, resolved: LazyFrame, other_label: &str) -> Result<Table> {
    let by = ctx.by_column("team")?;
    let fail = any_failure();
    let seg = resolved
        .group_by([col(by.as_str()).cast(DataType::String).alias("segment")])
        .agg([
            len().cast(DataType::Float64).alias("resolved"),
            col("survey_invited")
                .sum()
                .cast(DataType::Float64)
                .alias("invited"),
            col("surveyed")
                .sum()
                .cast(DataType::Float64)
                .alias("answered"),
            col("surveyed")
                .not()
                .sum()
                .cast(DataType::Float64)
                .alias("unsurveyed"),
            fail.clone()
                .and(col("surveyed"))
                .sum()
                .cast(DataType::Float64)
                .alias("fail_a"),
            fail.and(col("surveyed").not())
                .sum()
                .cast(DataType::Float64)
                .alias("fail_s"),
        ])
        .sort(
            ["segment"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let names = seg.column("segment")?.str()?.clone();
    let with_invites = other_label == "invited, silent";
    let mut response = Table::new(
        "response_by_segment",
        &format!("Response and selection by {by}"),
        &[
            "segment",
            "resolved",
            "invited",
            "answered",
            "response_rate",
            "failure_pct_answered",
            "failure_pct_unsurveyed",
            "flag",
        ],
    );
    for i in 0..seg.height() {
        let g = |n: &str| cell(&seg, n, i).unwrap_or(0.0);
        // Choosing who gets asked shows against every unsurveyed case, not
        // only against silent invitees (who were chosen too).
        let (na, fa, ns, fs_) = (g("answered"), g("fail_a"), g("unsurveyed"), g("fail_s"));
        let (pa, ps) = (ratio(fa, na), ratio(fs_, ns));
        // Two-proportion z test on the failure share, pooled variance.
        let flag = match (pa, ps) {
            (Some(pa), Some(ps)) => {
                let pool = (fa + fs_) / (na + ns);
                let se = (pool * (1.0 - pool) * (1.0 / na + 1.0 / ns)).sqrt();
                // "Markedly": beyond two standard errors and at least ten
                // points, so chance differences across many segments stay quiet.
                (se > 0.0 && (ps - pa) / se > 2.0 && ps - pa >= 0.10).then_some(CHOSEN)
            }
            _ => None,
        };
        let base = if with_invites {
            g("invited")
        } else {
            g("resolved")
        };
        response.push(vec![
            json!(super::segment_name(&names, i)),
            json!(g("resolved")),
            if with_invites {
                json!(g("invited"))
            } else {
                Value::Null
            },
            json!(na),
            num(round(ratio(na, base), 3)),
            num(round(pa.map(|v| 100.0 * v), 1)),
            num(round(ps.map(|v| 100.0 * v), 1)),
            flag.map(|f| json!(f)).unwrap_or(Value::Null),
        ]);
    }
    Ok(response)
}
