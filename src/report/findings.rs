//! Plain-language findings for managers, each with the interval or count
//! behind it, derived from the typed metric results, and which cases show
//! it (`Shows`), for the example journeys under it.

use polars::prelude::*;

use crate::metrics::drivers::Driver;
use crate::metrics::factors::Factor;
use crate::metrics::overview::Figure;
use crate::metrics::segments::Segment;

/// A finding and the cases that show it.
pub struct Finding {
    pub text: String,
    pub shows: Option<Shows>,
}

/// The cases behind a finding: those `cases` keeps, the most typical first
/// (`typical`: closest to this value of this column; then surveyed cases,
/// whose answer closes the story; then by case_id, so the pick is
/// deterministic).
#[derive(Clone)]
pub struct Shows {
    pub cases: Expr,
    pub typical: Option<(Expr, f64)>,
}

fn finding(text: String, shows: Option<Shows>) -> Finding {
    Finding { text, shows }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Why a driver's gap is a lead rather than a result, if it is: a result
/// needs a q-value below 0.05 (the gap survives the comparison of every
/// factor) and at least `min_n` cases on each side.
fn doubt(d: &Driver, min_n: usize) -> Option<String> {
    let mut why = Vec::new();
    match d.q {
        Some(q) if q < 0.05 => {}
        Some(q) => why.push(format!(
            "q = {q:.2}, so chance could explain it among the factors compared"
        )),
        None => why.push("no q-value could be computed".into()),
    }
    if let Some(side) = d.thin {
        let side = if side == "both" {
            "on either side"
        } else {
            side
        };
        let it = if side == "on either side" { "" } else { " it" };
        why.push(format!("fewer than {min_n} surveyed cases {side}{it}"));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// Up to three factors that cost the most, with their Welch intervals;
/// shown by surveyed cases with the factor scoring near its mean. A gap is
/// stated as a result only when `doubt` finds nothing; otherwise it is
/// worded as a lead, with the reason.
pub fn from_drivers(drivers: &[Driver], factors: &[Factor], min_n: usize) -> Vec<Finding> {
    drivers
        .iter()
        .filter(|d| d.impact.is_some_and(|i| i > 0.0))
        .filter_map(|d| {
            let w = d.welch?;
            let gap = -w.diff;
            let prevalence = d.prevalence?;
            let (lo, hi) = (-w.ci_high, -w.ci_low);
            let text = match doubt(d, min_n) {
                None => format!(
                    "Cases with {} score {gap:.1} points lower (95% CI {lo:.1} to {hi:.1}); {} of surveyed cases had one.",
                    d.label,
                    pct(prevalence)
                ),
                Some(why) => format!(
                    "A lead, not yet a result: cases with {} scored {gap:.1} points lower (95% CI {lo:.1} to {hi:.1}), but {why}; {} of surveyed cases had one.",
                    d.label,
                    pct(prevalence)
                ),
            };
            let shows = factors.iter().find(|f| f.name == d.factor).map(|f| Shows {
                cases: col("surveyed").and(f.expr.clone().fill_null(lit(false))),
                typical: d.with.mean.map(|m| (col("score"), m)),
            });
            Some(finding(text, shows))
        })
        .take(3)
        .collect()
}

/// Missed promises and repeat contacts, shown by cases with the typical
/// number of misses or contacts.
pub fn from_overview(
    figures: &[Figure],
    typical_misses: f64,
    typical_contacts: f64,
) -> Vec<Finding> {
    let get = |name: &str| figures.iter().find(|f| f.name == name);
    let mut out = Vec::new();
    if let Some(f) = get("promise_miss_rate")
        && let (Some(v), Some(n)) = (f.value, f.n)
        && n > 0.0
    {
        out.push(finding(
            format!(
                "{} of the {} promises that fell due were missed (late or never kept).",
                pct(v),
                crate::render::units::thousands(n)
            ),
            Some(Shows {
                cases: col("promise_missed").fill_null(lit(false)),
                typical: Some((col("promises_missed"), typical_misses)),
            }),
        ));
    }
    if let Some(f) = get("repeat_contact_rate")
        && let Some(v) = f.value
    {
        out.push(finding(
            format!("{} of cases needed more than one inbound contact.", pct(v)),
            Some(Shows {
                cases: col("has_repeat").fill_null(lit(false)),
                typical: Some((col("inbound_contacts"), typical_contacts)),
            }),
        ));
    }
    out
}

/// Cases the log calls first-contact resolved whose customer says not
/// resolved.
pub fn from_false_fcr(false_fcr: Option<f64>, fcr_total: Option<f64>) -> Option<Finding> {
    let (k, n) = (false_fcr?, fcr_total?);
    (k > 0.0).then(|| {
        finding(
            format!(
                "{} of {} surveyed cases the log counts as first-contact resolved were not resolved for the customer (false FCR).",
                crate::render::units::thousands(k),
                crate::render::units::thousands(n)
            ),
            Some(Shows {
                cases: col("fcr")
                    .eq(lit(true))
                    .and(col("customer_resolved").eq(lit(false)))
                    .fill_null(lit(false)),
                typical: None,
            }),
        )
    })
}

/// Flagged segments, shown by their surveyed cases scoring near the
/// segment's mean.
pub fn from_segments(by: &str, segments: &[Segment]) -> Vec<Finding> {
    segments
        .iter()
        .filter_map(|s| {
            let flag = s.flag?;
            let text = format!(
                "{by} {}: scores {flag} (residual {:+.2} ± {} SE over {} surveyed cases).",
                s.name,
                s.residual?,
                two_figures(s.residual_se?),
                crate::render::units::thousands(s.surveyed)
            );
            let shows = Shows {
                cases: col("surveyed").and(col(by).cast(DataType::String).eq(lit(s.name.clone()))),
                typical: s.mean.map(|m| (col("score"), m)),
            };
            Some(finding(text, Some(shows)))
        })
        .collect()
}

/// A standard error to two significant figures, so thousands of answers do
/// not print as "± 0.00".
fn two_figures(x: f64) -> String {
    let decimals = if x > 0.0 && x < 0.1 {
        (1 - x.log10().floor() as i32).clamp(2, 6) as usize
    } else {
        2
    };
    format!("{x:.decimals$}")
}

/// The comments' blind spot (SPEC 3.11): the theme whose mentions the log
/// most often fails to show, in words ("41% of the 22 customers who wrote
/// that they had to chase show no repeat contact in the log: the log does
/// not see their calls"), shown by the cases that say it and whose log
/// does not.
pub fn from_comments(rows: &[crate::metrics::comments::ThemeRow], min_n: usize) -> Option<Finding> {
    let row = rows
        .iter()
        .filter(|r| r.unseen_by_log.is_some_and(|u| u > 0.0))
        .max_by(|a, b| {
            a.unseen_by_log
                .unwrap_or(0.0)
                .total_cmp(&b.unseen_by_log.unwrap_or(0.0))
                .then(a.mentions.cmp(&b.mentions))
        })?;
    let (wrote, missing) = match row.theme.as_str() {
        "waiting" => (
            "about waiting",
            "no missed promise and no slow resolution in the log: the log does not see the wait",
        ),
        "chasing" => (
            "that they had to chase",
            "no repeat contact in the log: the log does not see their calls",
        ),
        "broken_promise" => (
            "about a broken promise",
            "no missed promise in the log: the promise was never recorded",
        ),
        "repeating_myself" => (
            "that they had to repeat themselves",
            "at most one identification in the log",
        ),
        "passed_around" => ("that they were passed around", "no transfer in the log"),
        "not_fixed" => (
            "that it was not fixed",
            "neither a reopen nor a \"not resolved\" answer: the log calls it done",
        ),
        "asked_for_score" => (
            "that they were asked for a good score",
            "no company call before the answer: the asking happened where the log does not look",
        ),
        _ => return None,
    };
    let n = row.mentions;
    let thin = if n < min_n {
        format!(" (only {n} comments: a lead, not yet a result)")
    } else {
        String::new()
    };
    let ids = Series::new("ids".into(), &row.unseen_cases);
    Some(finding(
        format!(
            "{} of the {n} customers who wrote {wrote} show {missing}{thin}.",
            pct(row.unseen_by_log.unwrap_or(0.0))
        ),
        Some(Shows {
            cases: col("case_id").is_in(lit(ids).implode(false), false),
            typical: None,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::two_figures;

    #[test]
    fn standard_errors_keep_two_figures() {
        assert_eq!(two_figures(0.1234), "0.12");
        assert_eq!(two_figures(0.01234), "0.012");
        assert_eq!(two_figures(0.001234), "0.0012");
        assert_eq!(two_figures(1.5), "1.50");
    }
}
