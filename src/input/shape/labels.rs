//! Survey answers as text (SPEC 1.5): "Very satisfied", "Extremely likely -
//! 10", "Yes"/"No". Built-in maps for the common CSAT, CES and NPS
//! wordings live in assets/labels.toml (data, not code); `[surveys.labels]`
//! and `[surveys.resolved_labels]` add to them. An answer no map knows is
//! rejected `unmapped_answer`, and `validate` lists each such label.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use polars::prelude::*;
use serde::Deserialize;

use crate::error::{ConfigError, Result};
use crate::input::config::SurveyKind;

const BUILT_IN: &str = include_str!("../../../assets/labels.toml");

/// What an answer label stands for, as written in a label map.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(untagged)]
pub enum LabelValue {
    Score(f64),
    /// "unanswered" (invited, no answer) or "none" (no survey at all).
    State(String),
}

/// What a score cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    Empty,
    Score(f64),
    /// An invitation without an answer ("Offered").
    Unanswered,
    /// No survey at all ("Not offered").
    NoSurvey,
    /// Text no map knows.
    Unmapped,
    /// Neither a number nor text (`5.5.5`, `--`).
    NotANumber,
}

impl Answer {
    /// The small code `answer_kind` gives a cell.
    pub fn code(self) -> u8 {
        match self {
            Answer::Empty => 0,
            Answer::Score(_) => 1,
            Answer::Unanswered => 2,
            Answer::NoSurvey => 3,
            Answer::Unmapped => 4,
            Answer::NotANumber => 5,
        }
    }
}

#[derive(Deserialize)]
struct BuiltIn {
    csat: BTreeMap<String, LabelValue>,
    ces: BTreeMap<String, LabelValue>,
    nps: BTreeMap<String, LabelValue>,
    resolved: BTreeMap<String, bool>,
}

/// Lower case, single spaces: how labels are compared.
pub fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The label maps of one run.
#[derive(Debug, Clone)]
pub struct Labels {
    scores: Arc<HashMap<String, Answer>>,
    resolved: Arc<HashMap<String, bool>>,
}

fn answer_of(key: &str, v: &LabelValue) -> Result<Answer> {
    match v {
        LabelValue::Score(x) => Ok(Answer::Score(*x)),
        LabelValue::State(s) if s.eq_ignore_ascii_case("unanswered") => Ok(Answer::Unanswered),
        LabelValue::State(s) if s.eq_ignore_ascii_case("none") => Ok(Answer::NoSurvey),
        LabelValue::State(s) => Err(ConfigError::Invalid {
            key: format!("surveys.labels.\"{key}\""),
            message: format!("`{s}` is not a score"),
            hint: Some("a label maps to a number on the scale, \"unanswered\" or \"none\"".into()),
        }
        .into()),
    }
}

impl Labels {
    /// The built-in map for the survey's kind, then the config's on top.
    pub fn new(
        kind: SurveyKind,
        user: &BTreeMap<String, LabelValue>,
        user_resolved: &BTreeMap<String, bool>,
    ) -> Result<Labels> {
        let built: BuiltIn = toml::from_str(BUILT_IN)
            .map_err(|e| ConfigError::invalid("assets/labels.toml", e.message().to_string()))?;
        let base = match kind {
            SurveyKind::Csat => built.csat,
            SurveyKind::Ces => built.ces,
            SurveyKind::Nps => built.nps,
            SurveyKind::Custom => BTreeMap::new(),
        };
        let mut scores = HashMap::new();
        for (k, v) in base.iter().chain(user) {
            scores.insert(normalise(k), answer_of(k, v)?);
        }
        let mut resolved: HashMap<String, bool> = built
            .resolved
            .iter()
            .map(|(k, v)| (normalise(k), *v))
            .collect();
        resolved.extend(user_resolved.iter().map(|(k, v)| (normalise(k), *v)));
        Ok(Labels {
            scores: Arc::new(scores),
            resolved: Arc::new(resolved),
        })
    }

    /// What one cell holds: a number as it is, a mapped label, a label that
    /// carries its number at either end ("5 - Very satisfied", "Extremely
    /// likely - 10").
    pub fn answer(&self, cell: &str) -> Answer {
        let t = cell.trim();
        if t.is_empty() {
            return Answer::Empty;
        }
        if let Ok(x) = t.parse::<f64>()
            && x.is_finite()
        {
            return Answer::Score(x);
        }
        if let Some(a) = self.scores.get(&normalise(t)) {
            return *a;
        }
        if let Some(x) = edge_number(t) {
            return Answer::Score(x);
        }
        if t.chars().any(char::is_alphabetic) {
            Answer::Unmapped
        } else {
            Answer::NotANumber
        }
    }

    /// The score of each cell (null unless it holds one). Each distinct
    /// text is read once: a survey column holds a handful of labels.
    pub fn score(&self, raw: Expr) -> Expr {
        let me = self.clone();
        raw.map_with_fmt_str(
            move |c: Column| {
                let ca = c.str()?;
                let mut seen: HashMap<&str, Option<f64>> = HashMap::new();
                let out: Float64Chunked = ca
                    .iter()
                    .map(|v| {
                        v.and_then(|s| {
                            *seen.entry(s).or_insert_with(|| match me.answer(s) {
                                Answer::Score(x) => Some(x),
                                _ => None,
                            })
                        })
                    })
                    .collect();
                Ok(out.with_name(ca.name().clone()).into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::Float64)),
            "answer_score",
        )
    }

    /// `Answer::code` of each cell, to tell an unknown label from a broken
    /// number and an invitation from no survey.
    pub fn kind(&self, raw: Expr) -> Expr {
        let me = self.clone();
        raw.map_with_fmt_str(
            move |c: Column| {
                let ca = c.str()?;
                let mut seen: HashMap<&str, u8> = HashMap::new();
                let out: UInt8Chunked = ca
                    .iter()
                    .map(|v| {
                        Some(match v {
                            None => Answer::Empty.code(),
                            Some(s) => *seen.entry(s).or_insert_with(|| me.answer(s).code()),
                        })
                    })
                    .collect();
                Ok(out.with_name(ca.name().clone()).into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::UInt8)),
            "answer_kind",
        )
    }

    /// The customer's "was it resolved?" answer as a boolean; null for an
    /// empty cell or a wording no map knows.
    pub fn resolved(&self, raw: Expr) -> Expr {
        let map = self.resolved.clone();
        raw.map_with_fmt_str(
            move |c: Column| {
                let ca = c.str()?;
                let mut seen: HashMap<&str, Option<bool>> = HashMap::new();
                let out: BooleanChunked = ca
                    .iter()
                    .map(|v| {
                        v.and_then(|s| {
                            *seen
                                .entry(s)
                                .or_insert_with(|| map.get(&normalise(s)).copied())
                        })
                    })
                    .collect();
                Ok(out.with_name(ca.name().clone()).into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
            "resolved_answer",
        )
    }
}

/// A number at the start or the end of a label, set off from its words
/// ("5 - Very satisfied", "Extremely likely - 10", "10 (extremely likely)").
fn edge_number(t: &str) -> Option<f64> {
    let lead: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let words = |s: &str| s.chars().any(char::is_alphabetic);
    let rest = &t[lead.len()..];
    if !lead.is_empty() && rest.starts_with(|c: char| !c.is_alphanumeric()) && words(rest) {
        return lead.parse().ok();
    }
    let tail: String = t
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let before = &t[..t.len() - tail.len()];
    if !tail.is_empty() && before.ends_with(|c: char| !c.is_alphanumeric()) && words(before) {
        return tail.parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csat() -> Labels {
        let user = BTreeMap::from([("Chuffed".to_string(), LabelValue::Score(5.0))]);
        Labels::new(SurveyKind::Csat, &user, &BTreeMap::new()).unwrap()
    }

    #[test]
    fn labels_numbers_and_states() {
        let l = csat();
        assert_eq!(l.answer(" Very  Satisfied "), Answer::Score(5.0));
        assert_eq!(l.answer("chuffed"), Answer::Score(5.0));
        assert_eq!(l.answer("4"), Answer::Score(4.0));
        assert_eq!(l.answer("5 - Very satisfied"), Answer::Score(5.0));
        assert_eq!(l.answer("Extremely likely - 10"), Answer::Score(10.0));
        assert_eq!(l.answer("Offered"), Answer::Unanswered);
        assert_eq!(l.answer("Not Offered"), Answer::NoSurvey);
        assert_eq!(l.answer("Over the moon"), Answer::Unmapped);
        assert_eq!(l.answer("5.5.5"), Answer::NotANumber);
        assert_eq!(l.answer(""), Answer::Empty);
        let nps = Labels::new(SurveyKind::Nps, &BTreeMap::new(), &BTreeMap::new()).unwrap();
        assert_eq!(nps.answer("Not at all likely"), Answer::Score(0.0));
        assert_eq!(nps.answer("Very satisfied"), Answer::Unmapped);
    }

    #[test]
    fn a_label_map_entry_must_be_a_score_or_a_state() {
        let user = BTreeMap::from([("meh".to_string(), LabelValue::State("three".into()))]);
        assert!(Labels::new(SurveyKind::Csat, &user, &BTreeMap::new()).is_err());
    }
}
