//! `--fail-if "figure>threshold"`: alerting on overview figures for nightly
//! jobs, and `figure.change<threshold` on a headline's change against the
//! previous period (SPEC 4, as the card shows it: shares and rates in
//! percentage points, the rest in their own unit). A breach is a
//! successful run with exit code 3, not an error.

use std::str::FromStr;

use super::change::Change;
use super::overview::Figure;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

/// One threshold, e.g. `promise_miss_rate>0.15`.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub figure: String,
    pub op: Op,
    pub value: f64,
    /// `figure.change`: the change against the previous period is judged.
    pub change: bool,
}

impl FromStr for Threshold {
    type Err = String;

    /// Parsed by clap, so a malformed expression is a usage error (exit 2).
    fn from_str(s: &str) -> Result<Self, String> {
        // Two-character operators first, so `<=` is not read as `<`.
        let ops = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        let (at, sym, op) = ops
            .iter()
            .filter_map(|(sym, op)| s.find(sym).map(|i| (i, *sym, *op)))
            .min_by_key(|(i, sym, _)| (*i, std::cmp::Reverse(sym.len())))
            .ok_or_else(|| {
                format!("`{s}` has no comparison; write e.g. `promise_miss_rate>0.15`")
            })?;
        let named = s[..at].trim();
        let (figure, change) = match named.strip_suffix(".change") {
            Some(f) => (f, true),
            None => (named, false),
        };
        let value = s[at + sym.len()..].trim();
        if figure.is_empty()
            || !figure
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!(
                "`{figure}` is not a figure name; write e.g. `fcr_rate<0.7`"
            ));
        }
        let value: f64 = value
            .parse()
            .map_err(|_| format!("`{value}` is not a number; write e.g. `fcr_rate<0.7`"))?;
        Ok(Threshold {
            figure: figure.to_string(),
            op,
            value,
            change,
        })
    }
}

/// What a threshold said about the figures.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Breached(String),
    /// The figure exists but has no value (e.g. no surveys): not judged.
    Unknown(String),
    Ok,
}

/// A figure's change in the unit its card shows: a rate (0-1) in
/// percentage points, anything else (a %, a score, hours, a count) as is.
fn change_as_shown(figure: &str, delta: f64) -> f64 {
    if figure.ends_with("_rate") {
        100.0 * delta
    } else {
        delta
    }
}

pub fn judge(
    t: &Threshold,
    figures: &[Figure],
    periods: Option<&Change>,
) -> Result<Verdict, String> {
    let f = figures.iter().find(|f| f.name == t.figure).ok_or_else(|| {
        format!(
            "`--fail-if` names `{}`, which is not an overview figure (use one of: {})",
            t.figure,
            figures
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    if let Some(reason) = f.unmeasured {
        return Err(format!(
            "`--fail-if` names `{}`, which these inputs cannot measure: {reason}",
            t.figure
        ));
    }
    let sym = t.op.symbol();
    if t.change {
        let name = format!("{}.change", t.figure);
        return Ok(match periods.and_then(|p| p.of(&t.figure)) {
            Some((before, now)) => {
                let delta = change_as_shown(&t.figure, now - before);
                let shown = super::round(Some(delta), 4).unwrap_or(delta);
                if t.op.holds(shown, t.value) {
                    Verdict::Breached(format!(
                        "threshold breached: {name} = {shown} {sym} {} ({})",
                        t.value,
                        periods.map(|p| p.window()).unwrap_or_default()
                    ))
                } else {
                    Verdict::Ok
                }
            }
            None => Verdict::Unknown(format!(
                "{name} has no value (fewer than two periods of openings, or the figure has none in one), so `{name}{sym}{}` was not judged",
                t.value
            )),
        });
    }
    // Judged at the precision printed (4 decimals), so the message never
    // reads `3.8222 > 3.8222` and `==` compares what the user sees.
    let shown = |v: f64| super::round(Some(v), 4).unwrap_or(v);
    Ok(match f.value.map(shown) {
        Some(v) if t.op.holds(v, shown(t.value)) => Verdict::Breached(format!(
            "threshold breached: {} = {v} {sym} {}",
            t.figure, t.value
        )),
        Some(_) => Verdict::Ok,
        None => Verdict::Unknown(format!(
            "{} has no value, so `{}{sym}{}` was not judged",
            t.figure, t.figure, t.value
        )),
    })
}

/// Every name `--fail-if` can judge: the overview figures (which of them a
/// run has depends on its survey kind and inputs), the input reject
/// shares, and the call-back lists' row counts (`report`, `callbacks`).
pub const NAMES: &[&str] = &[
    "cases",
    "open_cases",
    "surveys_answered",
    "response_rate",
    "mean_score",
    "csat_pct",
    "nps",
    "nps_margin",
    "fcr_rate",
    "repeat_contact_rate",
    "recontact_rate",
    "promise_miss_rate",
    "mean_inbound_contacts",
    "median_resolution_hours",
    "events_reject_share",
    "surveys_reject_share",
    "contacts_reject_share",
    "cases_reject_share",
    "callbacks",
    "at_risk",
];

/// Check the thresholds before any input is read, so a misspelt name or a
/// share written on the wrong scale costs no build: a name no run can
/// have, a change of a figure that has none, and a `_pct` figure (0–100)
/// compared with a fraction (`csat_pct<0.8` would never fire) are usage
/// errors.
pub fn check(thresholds: &[Threshold]) -> Result<(), String> {
    for t in thresholds {
        if !NAMES.contains(&t.figure.as_str()) {
            let mean = NAMES
                .iter()
                .map(|n| (strsim::jaro_winkler(&t.figure, n), *n))
                .filter(|(score, _)| *score >= 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, n)| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            return Err(format!(
                "`--fail-if` names `{}`, which is not a figure ({mean}use one of: {})",
                t.figure,
                NAMES.join(", ")
            ));
        }
        if t.figure.ends_with("_pct") && !t.change && t.value > 0.0 && t.value < 1.0 {
            return Err(format!(
                "`--fail-if {}{}{}`: {} runs from 0 to 100 (a percentage), so a threshold of {} compares with {}%; write `{}{}{}`",
                t.figure,
                t.op.symbol(),
                t.value,
                t.figure,
                t.value,
                t.value,
                t.figure,
                t.op.symbol(),
                super::round(Some(t.value * 100.0), 4).unwrap_or(t.value * 100.0)
            ));
        }
    }
    Ok(())
}

/// Judge every threshold; an unknown figure name is an error for them all.
pub fn judge_all(
    thresholds: &[Threshold],
    figures: &[Figure],
    periods: Option<&Change>,
) -> Result<Vec<Verdict>, String> {
    thresholds
        .iter()
        .map(|t| judge(t, figures, periods))
        .collect()
}

/// Whether any threshold judges a change (the periods are computed then).
pub fn wants_change(thresholds: &[Threshold]) -> bool {
    thresholds.iter().any(|t| t.change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_operators() {
        let t: Threshold = "promise_miss_rate>0.15".parse().unwrap();
        assert_eq!(
            (t.figure.as_str(), t.op, t.value, t.change),
            ("promise_miss_rate", Op::Gt, 0.15, false)
        );
        let t: Threshold = "csat_pct.change<-5".parse().unwrap();
        assert_eq!(
            (t.figure.as_str(), t.op, t.value, t.change),
            ("csat_pct", Op::Lt, -5.0, true)
        );
        let t: Threshold = " fcr_rate <= 0.7 ".parse().unwrap();
        assert_eq!(
            (t.figure.as_str(), t.op, t.value),
            ("fcr_rate", Op::Le, 0.7)
        );
        assert!("fcr_rate".parse::<Threshold>().is_err());
        assert!("fcr_rate<abc".parse::<Threshold>().is_err());
        assert!("<3".parse::<Threshold>().is_err());
    }
}
