//! A comment's words, exactly as SPEC 3.11 states them, so a second
//! implementation counts the same: the masked comment (a masked span gives
//! no word), lowercased, apostrophes (' and ’) removed, split at every
//! character that is not a Unicode letter or decimal digit.

use std::sync::LazyLock;

use regex::Regex;

use crate::metrics::privacy;

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{Nd}]+").expect("valid pattern"));

/// The words of one comment, in order.
pub fn words(comment: &str) -> Vec<String> {
    // A masked span becomes a separator, so "[email]" gives no word.
    let masked = privacy::masked_with(comment, " ", " ");
    let text = masked.to_lowercase().replace(['\'', '’'], "");
    WORD.find_iter(&text)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Whether a trimmed comment is a comment at all: not empty and not a
/// missing marker of SPEC 1.6 (`?`, `N/A`, ...).
pub fn is_comment(text: &str, missing: &[String]) -> bool {
    let t = text.trim();
    !t.is_empty() && !missing.iter().any(|m| m.eq_ignore_ascii_case(t))
}

/// The built-in English stop words, left out of the distinctive words
/// (`comments.stop_words` replaces them). Themes match on all words.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does",
    "doing", "for", "from", "get", "got", "had", "has", "have", "having", "he", "her", "here",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "im", "ive", "just", "me",
    "my", "myself", "of", "on", "once", "only", "or", "other", "our", "out", "over", "own", "she",
    "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "until", "up", "us", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
    "you", "your", "youre",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_the_spec() {
        assert_eq!(
            words("Didn't get a call-back; I’m STILL waiting. Café 2nd"),
            [
                "didnt", "get", "a", "call", "back", "im", "still", "waiting", "café", "2nd"
            ]
        );
        // Masked spans give no word.
        assert_eq!(
            words("mail jo@example.com, call 0161 496 0000"),
            ["mail", "call"]
        );
    }
}
