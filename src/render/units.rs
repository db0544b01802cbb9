//! Figures in their units, as a manager reads them: 42.3%, 6.2 h, 3.1 days,
//! 12,400 cases. Only for people; tables keep the plain numbers.

use crate::render::labels::Unit;

/// 12400 → "12,400" (rounded to a whole number).
pub fn thousands(x: f64) -> String {
    let whole = x.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 { format!("−{out}") } else { out }
}

/// Hours below two days as hours, else days.
fn duration(hours: f64) -> String {
    if hours.abs() < 48.0 {
        format!("{hours:.1} h")
    } else {
        format!("{:.1} days", hours / 24.0)
    }
}

/// A value in its unit.
pub fn show(unit: Unit, x: f64) -> String {
    match unit {
        Unit::Count => thousands(x),
        Unit::Share => format!("{:.1}%", 100.0 * x),
        Unit::Percent => format!("{x:.1}%"),
        Unit::Score | Unit::PerCase => format!("{x:.2}"),
        Unit::Nps => signed(x, 1, ""),
        Unit::Hours => duration(x),
    }
}

/// A 95% interval in the value's unit: "38.1–46.5%".
pub fn interval(unit: Unit, low: f64, high: f64) -> String {
    match unit {
        Unit::Share => format!("{:.1}–{:.1}%", 100.0 * low, 100.0 * high),
        Unit::Percent => format!("{low:.1}–{high:.1}%"),
        Unit::Nps => format!("{} to {}", signed(low, 1, ""), signed(high, 1, "")),
        // A dash beside a minus sign reads as a range of negatives.
        _ if low < 0.0 => format!("{} to {}", show(unit, low), show(unit, high)),
        _ => format!("{}–{}", show(unit, low), show(unit, high)),
    }
}

/// A change between two periods in the value's unit; shares and
/// percentages change in percentage points.
pub fn change(unit: Unit, delta: f64) -> String {
    match unit {
        Unit::Share => signed(100.0 * delta, 1, " pts"),
        Unit::Percent | Unit::Nps => signed(delta, 1, " pts"),
        Unit::Score | Unit::PerCase => signed(delta, 2, ""),
        Unit::Count => signed(delta, 0, ""),
        Unit::Hours if delta.abs() < 48.0 => signed(delta, 1, " h"),
        Unit::Hours => signed(delta / 24.0, 1, " days"),
    }
}

/// "+1.2", "−0.4", "0.0": a true minus sign, and no "−0.0".
fn signed(x: f64, decimals: usize, suffix: &str) -> String {
    let text = format!("{:.decimals$}", x.abs());
    let zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if zero {
        "±"
    } else if x < 0.0 {
        "−"
    } else {
        "+"
    };
    format!("{sign}{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_in_their_units() {
        assert_eq!(thousands(12400.0), "12,400");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_000_000.0), "1,000,000");
        assert_eq!(show(Unit::Share, 0.4571), "45.7%");
        assert_eq!(show(Unit::Percent, 60.0), "60.0%");
        assert_eq!(show(Unit::Hours, 30.0), "30.0 h");
        assert_eq!(show(Unit::Hours, 74.4), "3.1 days");
        assert_eq!(show(Unit::Nps, -12.34), "−12.3");
        assert_eq!(interval(Unit::Share, 0.381, 0.465), "38.1–46.5%");
        assert_eq!(interval(Unit::Nps, -37.6, 82.1), "−37.6 to +82.1");
        assert_eq!(change(Unit::Share, -0.032), "−3.2 pts");
        assert_eq!(change(Unit::Score, 0.0001), "±0.00");
        assert_eq!(change(Unit::Hours, 50.0), "+2.1 days");
    }
}
