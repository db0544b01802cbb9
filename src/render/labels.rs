//! Words for people. Tables, figures and factors carry machine names
//! (`n_with`, `fcr_rate`, `has_repeat`), which CSV, JSON and Markdown keep
//! so scripts can rely on them; the HTML page, terminal tables, charts and
//! summary.png show these labels instead. One map, so a figure is called the
//! same thing everywhere a person reads it.

use std::borrow::Cow;

/// Which way a figure should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// A volume, neither good nor bad (cases, answers).
    Neither,
}

/// How a figure's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole count: 12,400.
    Count,
    /// A share 0–1, shown as 42.3%.
    Share,
    /// Already a percentage 0–100, shown as 42.3%.
    Percent,
    /// A mean score on the survey's scale: 3.82.
    Score,
    /// NPS, −100 to 100: +23.4.
    Nps,
    /// Hours, shown as hours below two days, else days.
    Hours,
    /// A mean count per case: 2.41.
    PerCase,
}

/// A headline figure as a manager reads it.
pub struct FigureText {
    pub label: &'static str,
    pub unit: Unit,
    pub better: Better,
    /// One line: what the figure counts, over what.
    pub definition: &'static str,
}

/// The overview figures of SPEC 3.1 by their machine name.
pub fn figure(name: &str) -> Option<FigureText> {
    use Better::*;
    use Unit::*;
    let (label, unit, better, definition) = match name {
        "cases" => ("Cases", Count, Neither, "Cases in the event log."),
        "open_cases" => (
            "Open cases",
            Count,
            Neither,
            "Cases the log has not finally resolved by the as-of time.",
        ),
        "surveys_answered" => (
            "Surveys answered",
            Count,
            Neither,
            "Answered surveys, joined to a case or not.",
        ),
        "response_rate" => (
            "Response rate",
            Share,
            Higher,
            "Answered surveys out of all invitations (needs unanswered invitations in the input).",
        ),
        "mean_score" => (
            "Mean survey score",
            Score,
            Higher,
            "The average answer over surveyed cases, on the survey's scale.",
        ),
        "csat_pct" => (
            "Satisfied answers",
            Percent,
            Higher,
            "Share of surveyed cases whose answer was in the top two boxes of the scale.",
        ),
        "nps" => (
            "Net Promoter Score",
            Nps,
            Higher,
            "Promoters (9–10) minus detractors (0–6), in points from −100 to 100.",
        ),
        "nps_margin" => (
            "NPS margin of error",
            Nps,
            Lower,
            "Half the width of the NPS's 95% interval.",
        ),
        "fcr_rate" => (
            "First-contact resolution",
            Share,
            Higher,
            "Resolved cases with at most one inbound contact, no reopen and no contact again after resolution, out of cases whose outcome is final.",
        ),
        "repeat_contact_rate" => (
            "Cases with a repeat contact",
            Share,
            Lower,
            "Cases with more than one inbound contact.",
        ),
        "recontact_rate" => (
            "Contact again after resolution",
            Share,
            Lower,
            "Resolved cases whose customer got in touch again within the repeat window after resolution, once that window has closed.",
        ),
        "promise_miss_rate" => (
            "Promises missed",
            Share,
            Lower,
            "Promises that fell due and were kept late or never, out of all promises that fell due.",
        ),
        "mean_inbound_contacts" => (
            "Contacts per case",
            PerCase,
            Lower,
            "Inbound contacts (calls, chats, e-mails, visits) per case, on average.",
        ),
        "median_resolution_hours" => (
            "Time to resolve (median)",
            Hours,
            Lower,
            "Half the resolved cases took longer than this from opening to final resolution.",
        ),
        _ => return None,
    };
    Some(FigureText {
        label,
        unit,
        better,
        definition,
    })
}

/// A journey factor (SPEC 3.4) by its machine name: (label, definition).
pub fn factor(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "has_repeat" => (
            "Repeat contact",
            "The customer had to contact us more than once about the case.",
        ),
        "recontacted" => (
            "Came back after resolution",
            "A contact within the repeat window after the case was resolved.",
        ),
        "promise_missed" => (
            "Missed promise",
            "A promise to the customer was kept late or not at all.",
        ),
        "reopened" => ("Reopened", "The case was reopened after being resolved."),
        "transferred" => (
            "Transferred",
            "The case was passed to another agent or team at least once.",
        ),
        "escalated" => ("Escalated", "The case was escalated."),
        "multi_channel" => (
            "Two or more channels",
            "The customer had to use more than one channel.",
        ),
        "followed_up" => (
            "Proactive follow-up",
            "We contacted the customer after resolving the case, before the survey answer.",
        ),
        "not_fcr" => (
            "Not resolved first time",
            "The case was not resolved on its first contact: more contacts, a reopen, or a contact again after resolution.",
        ),
        "ops_resolved_customer_not" => (
            "Resolved in our log, not for the customer",
            "The log resolved the case, and the customer answered that it was not resolved.",
        ),
        _ => return None,
    })
}

/// Column headers whose plain reading would mislead or stay cryptic.
fn column(name: &str) -> Option<&'static str> {
    Some(match name {
        "n_with" => "Cases with",
        "n_without" => "Cases without",
        "mean_with" => "Mean score with",
        "mean_without" => "Mean score without",
        "gap" => "Gap (score points)",
        "gap_ci_low" => "Gap 95% CI from",
        "gap_ci_high" => "Gap 95% CI to",
        "gap_points" => "Gap (0–100 points)",
        "satisfied_pct_with" => "Satisfied % with",
        "satisfied_with_ci" => "Satisfied % with, 95% CI",
        "satisfied_pct_without" => "Satisfied % without",
        "satisfied_without_ci" => "Satisfied % without, 95% CI",
        "impact" => "Points lost (impact)",
        "p_value" => "p-value",
        "q_value" => "q-value (BH)",
        "thin" => "Thin sample",
        "shrunk_mean" => "Ranking score (shrunk)",
        "expected_score" => "Expected score",
        "residual_se" => "Residual SE",
        "flag" => "Flag",
        "miss_rate" => "Miss rate",
        "median_hours_late" => "Median hours late",
        "mean_score_all_kept" => "Mean score, all kept",
        "mean_score_any_missed" => "Mean score, any missed",
        "inbound_contacts" => "Inbound contacts",
        "cases_resolved" => "Cases resolved",
        "answered_n" => "Answered (n)",
        "answered_pct" => "Answered %",
        "answered_ci" => "Answered 95% CI",
        "other_n" => "Others (n)",
        "other_pct" => "Others %",
        "other_ci" => "Others 95% CI",
        "other_group" => "Others are",
        "failure_pct_answered" => "Failures % (answered)",
        "failure_pct_unsurveyed" => "Failures % (unsurveyed)",
        "resolved_with_answer" => "Resolved, with an answer",
        "customer_not_resolved" => "Customer: not resolved",
        "customer_resolved" => "Customer: resolved",
        "rate_ci_low" => "Rate 95% CI from",
        "rate_ci_high" => "Rate 95% CI to",
        "log" => "The log says",
        "ci_low" => "95% CI from",
        "ci_high" => "95% CI to",
        "basis" => "Over",
        _ => return None,
    })
}

/// Acronyms kept upper case when a machine name is spelled out.
const ACRONYMS: [(&str, &str); 6] = [
    ("fcr", "FCR"),
    ("nps", "NPS"),
    ("csat", "CSAT"),
    ("ci", "CI"),
    ("se", "SE"),
    ("id", "ID"),
];

/// A machine name in words: `satisfied_pct` → "Satisfied %". Known figures
/// and factors take their labels, then known columns; anything else is
/// spelled out word by word.
pub fn words(name: &str) -> Cow<'static, str> {
    if let Some(f) = figure(name) {
        return Cow::Borrowed(f.label);
    }
    if let Some((label, _)) = factor(name) {
        return Cow::Borrowed(label);
    }
    if let Some(label) = column(name) {
        return Cow::Borrowed(label);
    }
    let spelled: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w == "pct" {
                return "%".to_string();
            }
            ACRONYMS
                .iter()
                .find(|(k, _)| *k == w)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| w.to_string())
        })
        .collect();
    let mut text = spelled.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    if text.is_empty() {
        Cow::Owned(name.to_string())
    } else {
        Cow::Owned(text)
    }
}

/// Columns holding a share from 0 to 1 (the CSV and JSON keep the
/// fraction; the page reads it as a percentage).
pub fn is_share(column: &str) -> bool {
    column == "rate"
        || column.ends_with("_rate")
        || column.starts_with("rate_ci_")
        || matches!(
            column,
            "prevalence" | "risk" | "capture" | "share" | "confirmed" | "unseen_by_log" | "unsaid"
        )
}

/// The columns whose cells are machine names (figures, factors, a case's
/// features), which read as labels too.
pub fn names_a_label(column: &str) -> bool {
    matches!(column, "figure" | "factor" | "feature" | "theme")
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn machine_names_read_as_words() {
        assert_eq!(words("fcr_rate"), "First-contact resolution");
        assert_eq!(words("has_repeat"), "Repeat contact");
        assert_eq!(words("n_with"), "Cases with");
        assert_eq!(words("satisfied_pct"), "Satisfied %");
        assert_eq!(words("rows_read"), "Rows read");
        assert_eq!(words("nps"), "Net Promoter Score");
        assert_eq!(words("residual"), "Residual");
    }
}
