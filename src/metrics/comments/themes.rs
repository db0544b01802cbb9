//! Themes (SPEC 3.11): named lists of terms a comment may mention, each
//! built-in theme with the journey fact it is checked against. A term is a
//! word, a prefix ending in `*` (`promis*`; `*` alone is any word), or a
//! phrase of such terms in sequence (`call* back`).

use std::collections::BTreeMap;

use polars::prelude::*;

/// The built-in themes, in the order they are listed (docs/metrics.md
/// publishes them): config key, terms.
pub const BUILT_IN: &[(&str, &[&str])] = &[
    (
        "waiting",
        &[
            "wait*",
            "slow*",
            "delay*",
            "forever",
            "ages",
            "late",
            "weeks",
            "long time",
            "took days",
            "still waiting",
        ],
    ),
    (
        "chasing",
        &[
            "chas*",
            "call* again",
            "ring* again",
            "kept call*",
            "kept ring*",
            "follow* up",
            "several times",
            "three times",
            "four times",
            "five times",
            "twice",
            "again and again",
            "* calls",
        ],
    ),
    (
        "broken_promise",
        &[
            "promis*",
            "never call* back",
            "never came",
            "never showed",
            "no show",
            "didnt call*",
            "never heard",
            "said they would",
            "supposed to",
        ],
    ),
    (
        "repeating_myself",
        &[
            "repeat*",
            "explain* again",
            "explain* everything",
            "start* over",
            "same questions",
            "pin",
            "verif*",
            "password",
            "security questions",
            "each time",
        ],
    ),
    (
        "passed_around",
        &[
            "transfer*",
            "passed",
            "pass* around",
            "bounced",
            "another department",
            "wrong department",
            "handed over",
            "redirect*",
            "put through",
        ],
    ),
    (
        "not_fixed",
        &[
            "not fixed",
            "not resolved",
            "unresolved",
            "still broken",
            "still not",
            "didnt fix*",
            "not sorted",
            "doesnt work",
            "still down",
            "same problem",
        ],
    ),
    (
        "asked_for_score",
        &[
            "survey",
            "perfect score",
            "good score",
            "rate* us",
            "rate* them",
            "five stars",
            "5 stars",
            "10 out of",
            "a 10",
            "a 5",
            "asked me to rate",
        ],
    ),
    (
        "helpful_staff",
        &[
            "helpful",
            "friendly",
            "kind",
            "polite",
            "patient",
            "professional",
            "knowledgeable",
            "thank*",
            "great service",
            "excellent",
            "lovely",
        ],
    ),
];

/// The journey fact a built-in theme is checked against (SPEC 3.11), in
/// words for the table.
pub fn fact_words(theme: &str) -> Option<&'static str> {
    Some(match theme {
        "waiting" => "a late or broken promise, or a resolution slower than the median",
        "chasing" => "a repeat contact, or a contact again after resolution",
        "broken_promise" => "a late or broken promise",
        "repeating_myself" => "identified two or more times",
        "passed_around" => "a transfer",
        "not_fixed" => "answered not resolved, or reopened",
        "asked_for_score" => "a company call between the resolution and the answer",
        _ => return None,
    })
}

/// The fact as a boolean over the journeys table; `median_hours`: the
/// median resolution time of surveyed resolved cases (`waiting` is above
/// it, strictly; an open case's waiting is its promises alone).
pub fn fact(theme: &str, median_hours: Option<f64>) -> Option<Expr> {
    let yes = |c: &str| col(c).fill_null(lit(false));
    let at_least = |c: &str, n: i64| col(c).fill_null(lit(0i64)).gt_eq(lit(n));
    Some(match theme {
        "waiting" => {
            let slow = match median_hours {
                Some(m) => col("resolution_hours").gt(lit(m)).fill_null(lit(false)),
                None => lit(false),
            };
            yes("promise_missed").or(slow)
        }
        "chasing" => yes("has_repeat").or(yes("recontacted")),
        "broken_promise" => yes("promise_missed"),
        "repeating_myself" => at_least("identifications", 2),
        "passed_around" => at_least("transfers", 1),
        "not_fixed" => col("customer_resolved")
            .eq(lit(false))
            .fill_null(lit(false))
            .or(at_least("reopens", 1)),
        "asked_for_score" => yes("followed_up"),
        _ => return None,
    })
}

/// One piece of a term: a whole word or a prefix.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Word(String),
    Prefix(String),
}

impl Piece {
    fn matches(&self, word: &str) -> bool {
        match self {
            Piece::Word(w) => w == word,
            Piece::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

/// A theme ready to match: its name and its terms as piece sequences.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    terms: Vec<Vec<Piece>>,
}

impl Theme {
    pub fn new(name: &str, terms: &[String]) -> Theme {
        let terms = terms
            .iter()
            .map(|t| {
                t.split_whitespace()
                    .map(|p| {
                        let p = p.to_lowercase().replace(['\'', '’'], "");
                        match p.strip_suffix('*') {
                            Some(prefix) => Piece::Prefix(prefix.to_string()),
                            None => Piece::Word(p),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|t| !t.is_empty())
            .collect();
        Theme {
            name: name.to_string(),
            terms,
        }
    }

    /// Whether any term occurs in the words, its pieces in sequence.
    pub fn mentioned_in(&self, words: &[String]) -> bool {
        self.terms.iter().any(|term| {
            words
                .windows(term.len())
                .any(|w| term.iter().zip(w).all(|(piece, word)| piece.matches(word)))
        })
    }
}

/// The run's themes: the built-in ones (a config entry of the same name
/// replaces its terms), then the config's own, by name.
pub fn themes(config: &BTreeMap<String, Vec<String>>) -> Vec<Theme> {
    let built_in = BUILT_IN
        .iter()
        .map(|(name, terms)| match config.get(*name) {
            Some(own) => Theme::new(name, own),
            None => Theme::new(
                name,
                &terms.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            ),
        });
    let added = config
        .iter()
        .filter(|(name, _)| !BUILT_IN.iter().any(|(b, _)| b == name))
        .map(|(name, terms)| Theme::new(name, terms));
    built_in.chain(added).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::comments::words::words;

    #[test]
    fn terms_match_words_prefixes_and_phrases() {
        let t = Theme::new(
            "t",
            &["promis*".into(), "call* back".into(), "* times".into()],
        );
        assert!(t.mentioned_in(&words("They PROMISED a fix")));
        assert!(t.mentioned_in(&words("nobody called back")));
        assert!(!t.mentioned_in(&words("call me back")));
        assert!(t.mentioned_in(&words("four times")));
        assert!(!t.mentioned_in(&words("calling")));
    }
}
