//! Plain-language findings for managers, each with the interval or count
//! behind it, derived from the typed metric results.

use crate::metrics::drivers::Driver;
use crate::metrics::overview::Figure;
use crate::metrics::segments::Segment;

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Up to three factors that cost the most, with their Welch intervals.
pub fn from_drivers(drivers: &[Driver]) -> Vec<String> {
    drivers
        .iter()
        .filter(|d| d.impact.is_some_and(|i| i > 0.0))
        .filter_map(|d| {
            let w = d.welch?;
            let gap = -w.diff;
            let prevalence = d.prevalence?;
            let (lo, hi) = (-w.ci_high, -w.ci_low);
            let certainty = if lo > 0.0 { "" } else { " — the interval includes no difference, so treat it as a lead, not a result" };
            Some(format!(
                "Cases with {} score {gap:.1} points lower (95% CI {lo:.1} to {hi:.1}); {} of surveyed cases had one{certainty}.",
                d.label,
                pct(prevalence)
            ))
        })
        .take(3)
        .collect()
}

pub fn from_overview(figures: &[Figure]) -> Vec<String> {
    let get = |name: &str| figures.iter().find(|f| f.name == name);
    let mut out = Vec::new();
    if let Some(f) = get("promise_miss_rate")
        && let (Some(v), Some(n)) = (f.value, f.n)
    {
        out.push(format!(
            "{} of the {n:.0} promises that fell due were missed (late or never kept).",
            pct(v)
        ));
    }
    if let Some(f) = get("repeat_contact_rate")
        && let Some(v) = f.value
    {
        out.push(format!(
            "{} of cases needed more than one inbound contact.",
            pct(v)
        ));
    }
    out
}

pub fn from_false_fcr(false_fcr: Option<f64>, fcr_total: Option<f64>) -> Option<String> {
    let (k, n) = (false_fcr?, fcr_total?);
    (k > 0.0).then(|| {
        format!(
            "{k:.0} of {n:.0} surveyed cases the log counts as first-contact resolved were not resolved for the customer (false FCR)."
        )
    })
}

pub fn from_segments(by: &str, segments: &[Segment]) -> Vec<String> {
    segments
        .iter()
        .filter_map(|s| {
            let flag = s.flag?;
            Some(format!(
                "{by} {}: scores {flag} (residual {:+.2} ± {} SE over {:.0} surveyed cases).",
                s.name,
                s.residual?,
                two_figures(s.residual_se?),
                s.surveyed
            ))
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
