//! The journey factors of SPEC 3.4, as boolean expressions over the
//! journeys table. A null factor (an open case's recontact, say) means "not
//! known yet" and leaves the case out of that factor's comparison.

use polars::prelude::*;

use crate::journey::Journeys;

pub struct Factor {
    pub name: &'static str,
    pub label: &'static str,
    pub expr: Expr,
}

fn f(name: &'static str, label: &'static str, expr: Expr) -> Factor {
    Factor { name, label, expr }
}

/// Every factor; `ops_resolved_customer_not` only when some survey answered
/// the resolved question.
pub fn factors(journeys: &Journeys) -> Vec<Factor> {
    let mut v = vec![
        f("has_repeat", "a repeat contact", col("has_repeat")),
        f(
            "recontacted",
            "a recontact after resolution",
            col("recontacted"),
        ),
        f("promise_missed", "a missed promise", col("promise_missed")),
        f("reopened", "a reopen", col("reopens").gt(lit(0i64))),
        f(
            "transferred",
            "a transfer",
            col("transfers").gt_eq(lit(1i64)),
        ),
        f("escalated", "an escalation", col("escalated")),
        f(
            "multi_channel",
            "two or more channels",
            col("channels_used").gt_eq(lit(2i64)),
        ),
        f("followed_up", "a proactive follow-up", col("followed_up")),
        f("not_fcr", "no first-contact resolution", col("fcr").not()),
    ];
    let has_resolved_answer = journeys
        .cases
        .column("customer_resolved")
        .map(|c| c.null_count() < c.len())
        .unwrap_or(false);
    if has_resolved_answer {
        // Only a case whose customer answered the resolved question can be
        // compared (SPEC 3.4): without an answer the factor is unknown.
        v.push(f(
            "ops_resolved_customer_not",
            "a log resolution the customer disputes",
            when(col("customer_resolved").is_null())
                .then(lit(NULL).cast(DataType::Boolean))
                .otherwise(
                    col("resolved_at")
                        .is_not_null()
                        .and(col("customer_resolved").not()),
                ),
        ));
    }
    v
}

/// "Any journey failure": the factors a selective surveyor would avoid.
pub fn any_failure() -> Expr {
    col("has_repeat")
        .or(col("promise_missed"))
        .or(col("reopens").gt(lit(0i64)))
        .or(col("transfers").gt_eq(lit(1i64)))
        .or(col("escalated"))
}
