//! How a survey export's columns map: the response id, the case or
//! customer, the times, the answer and its scale, the resolved answer, the
//! comment.

use super::Recognised;
use super::guess::{by_name, canon, customer, dimensions, map_name, record, score_column};
use super::profile::Profile;
use crate::input::config::SurveyKind;
use crate::input::shape::columns;

/// csat, ces or nps: from the question's name, else its text labels, else
/// the range of its numbers (a stray value beyond the scale does not widen
/// it: 95% decide).
pub(super) fn survey_kind(s: &Profile) -> (SurveyKind, String) {
    let [csat, ces, nps] = s.labels;
    let says = |k: SurveyKind, how: &str| (k, format!("`{}` {how} ({})", s.name, s.examples(3)));
    if s.named(&["recommend", "likely", "nps"]) {
        return says(SurveyKind::Nps, "asks how likely a recommendation is");
    }
    if s.named(&["easy", "effort", "ces"]) {
        return says(SurveyKind::Ces, "asks about effort");
    }
    if s.share(s.numbers) < 0.5 {
        // Text labels: the map that reads the most of them.
        return if ces > csat && ces >= nps {
            says(SurveyKind::Ces, "answers in effort labels")
        } else if nps > csat {
            says(SurveyKind::Nps, "answers in likelihood labels")
        } else {
            says(SurveyKind::Csat, "answers in satisfaction labels")
        };
    }
    let within = |hi: f64| {
        s.share(
            s.values
                .iter()
                .filter(|v| v.trim().parse::<f64>().is_ok_and(|x| x <= hi))
                .count(),
        )
    };
    if within(5.0) >= 0.95 {
        says(SurveyKind::Csat, "holds numbers 1-5")
    } else if within(7.0) >= 0.95 {
        says(SurveyKind::Ces, "holds numbers 1-7")
    } else {
        says(SurveyKind::Nps, "holds numbers 0-10")
    }
}

pub fn surveys(r: &mut Recognised, p: &[Profile]) {
    let score = score_column(p);
    let id = by_name(canon(columns::SURVEYS, "survey_id"), p, &[], |c| {
        !c.is_time()
    })
    .or_else(|| p.iter().find(|c| c.is_unique() && !c.is_time()));
    match id {
        Some(c) => {
            let why = format!("identifies each response ({} rows)", c.filled());
            record(r, "survey_id", c, why);
        }
        None => r.missing.push("survey_id".into()),
    }
    map_name(r, columns::SURVEYS, "case_id", p, |c| !c.is_time());
    customer(r, columns::SURVEYS, p, None);
    if !r
        .columns
        .iter()
        .any(|g| !g.commented && (g.key == "case_id" || g.key == "customer_id"))
    {
        r.missing.push("case_id or customer_id".into());
    }
    map_name(r, columns::SURVEYS, "sent_at", p, Profile::is_time);
    map_name(r, columns::SURVEYS, "responded_at", p, Profile::is_time);
    match score {
        Some(s) => {
            let why = format!("answers by their labels or scale ({})", s.examples(3));
            record(r, "score", s, why);
            r.survey_kind = Some(survey_kind(s));
        }
        None => r.missing.push("score".into()),
    }
    // "Was it resolved?": yes/no answers, by name first (a survey tool's
    // own Finished column is yes/no too).
    let taken: Vec<String> = r.columns.iter().map(|g| g.value.clone()).collect();
    let yes_no = |c: &Profile| c.filled() > 0 && c.share(c.yes_no) >= 0.8;
    if let Some(c) = by_name(canon(columns::SURVEYS, "resolved"), p, &taken, yes_no).or_else(|| {
        p.iter().find(|c| {
            !taken.contains(&c.name)
                && yes_no(c)
                && !c.named(&["finished", "progress", "consent", "preview", "status"])
        })
    }) {
        let why = format!("yes/no answers ({})", c.examples(3));
        record(r, "resolved", c, why);
    }
    // The comment: the longest free text among the columns named like one
    // (a review's message, not its title), else any free text.
    let taken: Vec<String> = r.columns.iter().map(|g| g.value.clone()).collect();
    let free = |c: &&Profile| !taken.contains(&c.name) && !c.is_time() && c.share(c.numbers) < 0.5;
    let named = p
        .iter()
        .filter(free)
        .filter(|c| c.named(&["comment", "feedback", "verbatim", "message", "remark"]))
        .max_by_key(|c| c.longest);
    if let Some(c) = named {
        record(
            r,
            "comment",
            c,
            format!("its name says comment (up to {} characters)", c.longest),
        );
    } else if let Some(c) = p.iter().filter(free).find(|c| c.is_text()) {
        record(r, "comment", c, "free text".into());
    }
    dimensions(r, p);
}
