//! Headline figures as a manager reads them: in their units, with n, the
//! 95% interval where there is one, and the change against the previous
//! period of the same length, coloured by whether it is good news.

use crate::metrics::change::Change as Periods;
use crate::metrics::overview::Figure;
use crate::render::labels::{self, Better, Unit};
use crate::render::page::{Card, Change, Tone};
use crate::render::units;

/// Figures folded into another card rather than shown on their own.
const FOLDED: [&str; 1] = ["nps_margin"];

/// How much a change must be, in its unit, to count as a move rather than
/// level: the precision the card prints it at.
fn level(unit: Unit, delta: f64) -> bool {
    let shown = match unit {
        Unit::Share => 100.0 * delta,
        Unit::Hours if delta.abs() >= 48.0 => delta / 24.0,
        _ => delta,
    };
    let step = match unit {
        Unit::Score | Unit::PerCase => 0.005,
        Unit::Count => 0.5,
        _ => 0.05,
    };
    shown.abs() < step
}

fn change(
    f: &Figure,
    unit: Unit,
    better: Better,
    periods: &Periods,
    min_n: usize,
) -> Option<Change> {
    if better == Better::Neither {
        return None;
    }
    let (before, now) = periods.of(f.name)?;
    // Either window resting on fewer than min_n cases: shown, greyed and
    // marked, like a thin segment.
    let thin = periods
        .n_of(f.name)
        .is_some_and(|(a, b)| a < min_n as f64 || b < min_n as f64);
    let delta = now - before;
    let window = periods.window();
    let tone = match (level(unit, delta), delta > 0.0, better) {
        (true, _, _) => Tone::Level,
        (false, true, Better::Higher) | (false, false, Better::Lower) => Tone::Better,
        _ => Tone::Worse,
    };
    let arrow = match tone {
        Tone::Level => "■",
        _ if delta > 0.0 => "▲",
        _ => "▼",
    };
    Some(Change {
        text: format!(
            "Last {window} {} {arrow} {}{}",
            units::show(unit, now),
            units::change(unit, delta),
            if thin {
                format!(" (n<{min_n})")
            } else {
                String::new()
            }
        ),
        tone,
        thin,
        windows: periods_note(periods),
    })
}

/// Which cohorts the changes compare, in words (SPEC 4): under the cards,
/// and over each change.
pub fn periods_note(p: &Periods) -> String {
    let open = match p.current_open {
        0 => "every one of the latest is resolved".to_string(),
        n => format!(
            "{} of the latest are still open, so their outcomes (time to resolve, FCR, recontact) are not counted yet",
            units::thousands(n as f64)
        ),
    };
    let mut s = format!(
        "Changes compare the cases opened {} to {} with those opened in the {} before, from {}; {open}.",
        p.current_from,
        p.current_to,
        p.window(),
        p.previous_from,
    );
    if p.export_ended {
        s.push_str(&format!(
            " No case opened in the 7 days before as_of: the export appears to end on {}, and the periods end there.",
            p.current_to
        ));
    }
    s
}

pub fn cards(
    figures: &[Figure],
    periods: Option<&Periods>,
    scale: (f64, f64),
    min_n: usize,
) -> Vec<Card> {
    figures
        .iter()
        .filter(|f| !FOLDED.contains(&f.name))
        // The headline leads with what the data holds (SPEC 3.1): a figure
        // the inputs cannot measure gets no card; the overview table and
        // the data-quality section say why.
        .filter(|f| f.unmeasured.is_none())
        .filter_map(|f| {
            let text = labels::figure(f.name)?;
            let mut value = match f.value {
                Some(v) => units::show(text.unit, v),
                None => "n/a".into(),
            };
            if text.unit == Unit::Score && f.value.is_some() {
                value = format!("{value} of {}", scale.1);
            }
            let mut details = Vec::new();
            if let Some(n) = f.n {
                details.push(format!("n = {}", units::thousands(n)));
            }
            if let Some((lo, hi)) = f.interval {
                details.push(format!("95% CI {}", units::interval(text.unit, lo, hi)));
            }
            if f.value.is_none() && f.name == "response_rate" {
                details.push("needs unanswered invitations in the input".into());
            }
            Some(Card {
                name: f.name.to_string(),
                label: text.label.to_string(),
                value,
                details,
                change: periods.and_then(|p| change(f, text.unit, text.better, p, min_n)),
                definition: text.definition.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::level;
    use crate::render::labels::Unit;

    #[test]
    fn a_change_below_the_printed_precision_is_level() {
        assert!(level(Unit::Share, 0.0004));
        assert!(!level(Unit::Share, 0.0006));
        assert!(level(Unit::Score, 0.004));
        assert!(!level(Unit::Hours, 0.1));
    }
}
