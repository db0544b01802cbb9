//! The report as a manager gets it: summary.html (all of it on one page)
//! and summary.png (the headline figures and top findings on one image).

use std::path::Path;

use serde_json::json;

use crate::error::Result;
use crate::metrics::table::Table;
use crate::render::chart::{NARROW, WIDE};
use crate::render::page::{self, ChartView, Page};
use crate::render::summary_png;
use crate::report::Report;

const TITLE: &str = "cxgap report: surveys next to the journeys behind them";

/// The charts as the page shows them: narrow for phones, wide otherwise.
pub fn chart_views(rep: &Report) -> Result<Vec<ChartView>> {
    rep.charts
        .iter()
        .map(|c| {
            Ok(ChartView {
                title: c.title().to_string(),
                narrow: c.svg(NARROW)?,
                wide: c.svg(WIDE)?,
            })
        })
        .collect()
}

/// Every figure and factor the page names, with its one-line definition.
fn glossary(rep: &Report) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = rep
        .overview
        .iter()
        .filter_map(|f| page::glossary_entry(f.name))
        .collect();
    if let Some(t) = rep.tables.iter().find(|t| t.name == "drivers") {
        out.extend(
            t.texts("factor")
                .iter()
                .filter_map(|f| page::glossary_entry(f)),
        );
    }
    out.push((
        "Change".into(),
        "A figure over the cases opened in the latest half of the weeks with openings, against those opened in the half before it (as many weeks); outcomes count once final. Green is better, red worse; the line under the figures gives the dates.".into(),
    ));
    out.push((
        "95% CI".into(),
        "The values the data are consistent with: an interval computed this way holds the true figure 95 times in 100 (Wilson's interval for shares, Student's t for means).".into(),
    ));
    out.push((
        "Thin (n<min_n)".into(),
        "Fewer cases than min_n: shown grey and marked, read with care.".into(),
    ));
    out
}

pub fn html(rep: &Report, charts: &[ChartView]) -> String {
    let find = |name: &str| rep.tables.iter().find(|t| t.name == name);
    let pick = |names: &[&str]| names.iter().filter_map(|n| find(n)).collect::<Vec<_>>();
    let quality_tables = rep.quality.tables();
    let sections = [
        ("Score gaps by journey factor", pick(&["drivers"])),
        ("Contacts", pick(&["score_by_contacts"])),
        ("Promises", pick(&["promises"])),
        (
            "Resolution: the log against the customer",
            pick(&["resolution_gap", "fcr_views"]),
        ),
        ("Segments", pick(&["segments"])),
        ("Who answers", pick(&["who_answers", "response_by_segment"])),
        ("Trends", pick(&["trends"])),
        ("All headline figures", pick(&["overview"])),
        ("Data quality", quality_tables.iter().collect()),
    ];
    let comments = find("comments").map(|themes| comments_view(rep, themes));
    page::render(&Page {
        title: TITLE,
        subtitle: format!("Cases up to {}", rep.quality.as_of),
        cards: &rep.cards,
        cards_note: rep.periods_note.as_deref(),
        call_back: Some(&rep.call_back),
        findings: &rep.findings,
        comments: comments.as_ref(),
        charts,
        sections: &sections,
        cases: &rep.cases,
        glossary: &glossary(rep),
        definitions: &rep.definitions,
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The theme table and the first ten distinctive words of each side.
fn comments_view<'a>(rep: &'a Report, themes: &'a Table) -> page::CommentsView<'a> {
    let words = rep.tables.iter().find(|t| t.name == "comment_words");
    let side = |which: &str| -> Vec<String> {
        words
            .map(|t| {
                t.texts("side")
                    .into_iter()
                    .zip(t.texts("word"))
                    .filter(|(s, _)| s == which)
                    .map(|(_, w)| w)
                    .take(10)
                    .collect()
            })
            .unwrap_or_default()
    };
    let answered = rep
        .overview
        .iter()
        .find(|f| f.name == "surveys_answered")
        .and_then(|f| f.value)
        .unwrap_or(0.0);
    if rep.commented == 0 {
        return page::CommentsView {
            note: "No survey answer carries a comment. Map the survey's free-text column as `comment` in [surveys.columns] to read what customers wrote next to their journeys.".into(),
            has_comments: false,
            themes,
            unhappy_words: Vec::new(),
            happy_words: Vec::new(),
        };
    }
    page::CommentsView {
        has_comments: true,
        note: format!(
            "{} of {answered:.0} answers carry a comment. A theme is checked against the journey fact it speaks of: confirmed when the log shows it, unseen by the log when the customer lived it and the log did not record it.",
            rep.commented
        ),
        themes,
        unhappy_words: side("unhappy"),
        happy_words: side("happy"),
    }
}

/// The headline figures as the terminal shows them after a report: the
/// page's cards, one per row.
pub fn headline_table(rep: &Report) -> Table {
    let mut t = Table::new(
        "headline",
        "Headline figures",
        &["figure", "value", "detail", "change"],
    );
    for c in &rep.cards {
        t.push(vec![
            json!(c.label),
            json!(c.value),
            json!(c.details.join(" · ")),
            json!(c.change.as_ref().map(|ch| ch.text.as_str()).unwrap_or("")),
        ]);
    }
    t
}

/// summary.png: the headline figures and the top three findings.
pub fn png(rep: &Report, path: &Path) -> Result<()> {
    let findings: Vec<&str> = rep
        .findings
        .iter()
        .take(3)
        .map(|f| f.text.as_str())
        .collect();
    summary_png::draw(
        path,
        TITLE,
        &format!("Cases up to {}", rep.quality.as_of),
        &rep.cards,
        &findings,
        &rep.call_back_lines,
    )
}
