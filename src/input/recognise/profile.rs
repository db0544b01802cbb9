//! What a column's sampled values look like: times, whole numbers, score
//! labels, yes/no answers, ids, few repeated words. The evidence `init`
//! recognises an export by, and quotes in its comments.

use std::collections::HashSet;

use crate::input::config::SurveyKind;
use crate::input::rows::timestamp;
use crate::input::shape::labels::{Answer, Labels, normalise};

/// One column of a sampled export.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// The name in lower case, letters and digits only.
    pub norm: String,
    /// The name's words, in lower case: split at spaces, punctuation and
    /// case changes (`Customer_Age`, `FirstReplyAt` -> first, reply, at).
    pub words: Vec<String>,
    pub values: Vec<String>,
    pub distinct: usize,
    /// Values a timestamp layout family reads.
    pub times: usize,
    /// Whole numbers from 0 up.
    pub counts: usize,
    pub numbers: usize,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Values each survey kind's label map (or its scale) reads:
    /// csat, ces, nps.
    pub labels: [usize; 3],
    /// Text answers to "was it resolved?".
    pub yes_no: usize,
    /// in/out, inbound/outbound, ...
    pub directions: usize,
    /// The longest value, in characters.
    pub longest: usize,
}

/// A column name's words (SPEC 1.6): split at every character that is not
/// a letter or digit, and where a lower-case letter meets an upper-case one.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        word.extend(ch.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

impl Profile {
    pub fn new(name: &str, values: Vec<String>) -> Profile {
        // Missing markers and "not yet" dates say nothing of what the
        // column holds (SPEC 1.6): `?` is no text, 1900-01-01 no time.
        let values: Vec<String> = values
            .into_iter()
            .filter(|v| {
                let v = v.trim();
                !v.is_empty()
                    && !crate::input::rows::fields::MISSING
                        .iter()
                        .any(|m| m.eq_ignore_ascii_case(v))
                    && !timestamp::is_sentinel(v)
            })
            .collect();
        let distinct = values.iter().collect::<HashSet<_>>().len();
        let times = timestamp::best_read(&values);
        let nums: Vec<f64> = values
            .iter()
            .filter_map(|v| v.trim().parse().ok())
            .collect();
        let counts = nums
            .iter()
            .filter(|x| **x >= 0.0 && x.fract() == 0.0)
            .count();
        let kinds = [SurveyKind::Csat, SurveyKind::Ces, SurveyKind::Nps];
        let labels = kinds.map(|k| {
            let l = Labels::new(k, &Default::default(), &Default::default());
            let (lo, hi) = match k {
                SurveyKind::Nps => (0.0, 10.0),
                SurveyKind::Ces => (1.0, 7.0),
                _ => (1.0, 5.0),
            };
            // A survey state ("Offered", "Not offered") is an answer's
            // column too.
            l.map(|l| {
                values
                    .iter()
                    .filter(|v| match l.answer(v) {
                        Answer::Score(x) => (lo..=hi).contains(&x),
                        Answer::Unanswered | Answer::NoSurvey => true,
                        _ => false,
                    })
                    .count()
            })
            .unwrap_or(0)
        });
        let yes_no_words = [
            "yes",
            "no",
            "y",
            "n",
            "true",
            "false",
            "partially",
            "resolved",
            "not resolved",
        ];
        let yes_no = values
            .iter()
            .filter(|v| {
                let n = normalise(v);
                yes_no_words.contains(&n.as_str()) || n.starts_with("yes,") || n.starts_with("no,")
            })
            .count();
        let directions = values
            .iter()
            .filter(|v| {
                let n = normalise(v);
                n == "i" || n == "o" || n.starts_with("in") || n.starts_with("out")
            })
            .count();
        Profile {
            name: name.to_string(),
            norm: crate::input::shape::columns::normalise(name),
            words: name_words(name),
            distinct,
            times,
            counts,
            numbers: nums.len(),
            min: nums.iter().copied().reduce(f64::min),
            max: nums.iter().copied().reduce(f64::max),
            labels,
            yes_no,
            directions,
            longest: values.iter().map(|v| v.chars().count()).max().unwrap_or(0),
            values,
        }
    }

    pub fn filled(&self) -> usize {
        self.values.len()
    }

    /// Share of the filled values that `n` of them are.
    pub fn share(&self, n: usize) -> f64 {
        if self.values.is_empty() {
            0.0
        } else {
            n as f64 / self.values.len() as f64
        }
    }

    /// Mostly times (a whole-number column is a time only by its name).
    pub fn is_time(&self) -> bool {
        let epoch_named = ["time", "date", "at", "stamp"]
            .iter()
            .any(|w| self.norm.ends_with(w));
        self.filled() > 0
            && self.share(self.times) >= 0.8
            && (self.share(self.counts) < 0.8 || epoch_named)
    }

    /// Mostly whole numbers from 0, small enough to be counts.
    pub fn is_count(&self) -> bool {
        self.filled() > 0
            && self.share(self.counts) >= 0.95
            && self.max.is_some_and(|m| m < 10_000.0)
    }

    /// Every value different: an id of the rows.
    pub fn is_unique(&self) -> bool {
        self.filled() > 1 && self.distinct == self.filled()
    }

    /// A handful of repeated words: an activity, a status, a channel.
    pub fn is_categorical(&self) -> bool {
        self.filled() > 0
            && self.distinct <= 80
            && self.distinct * 3 <= self.filled().max(3)
            && self.share(self.numbers) < 0.5
            && self.share(self.times) < 0.5
    }

    /// Free text: long values, mostly different.
    pub fn is_text(&self) -> bool {
        self.longest >= 40 && self.distinct * 2 >= self.filled()
    }

    /// Whether one of the name's words is one of `words`, whole.
    pub fn has_word(&self, words: &[&str]) -> bool {
        self.words.iter().any(|w| words.contains(&w.as_str()))
    }

    /// The smallest number, when every value is a whole number from 0:
    /// counts start near 0 (an age or a rating does not).
    pub fn count_like(&self) -> bool {
        self.is_count() && self.min.is_some_and(|m| m <= 1.0)
    }

    /// Whether the normalised name contains any of `words`.
    pub fn named(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.norm.contains(w))
    }

    /// A few distinct values, for evidence.
    pub fn examples(&self, n: usize) -> String {
        let mut seen = Vec::new();
        for v in &self.values {
            if !seen.contains(v) {
                seen.push(v.clone());
            }
            if seen.len() == n {
                break;
            }
        }
        seen.iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::name_words;

    #[test]
    fn a_names_words() {
        assert_eq!(name_words("Customer_Age"), ["customer", "age"]);
        assert_eq!(name_words("FirstReplyAt"), ["first", "reply", "at"]);
        assert_eq!(
            name_words("Time to Resolution"),
            ["time", "to", "resolution"]
        );
        assert_eq!(name_words("reopens"), ["reopens"]);
        assert_eq!(name_words("TTR (h)"), ["ttr", "h"]);
    }
}
