//! What a customer typed about themselves, kept out of what people read
//! (SPEC 3.11 Privacy): e-mail addresses become `[email]`, then runs of six
//! or more digits (a phone, account or card number; a date too, on the
//! safe side) become `[number]`. journeys.parquet keeps comments as they
//! came; every table, page and image a person reads goes through here.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+").expect("valid pattern")
});

/// Six or more digits with at most one space, dot or dash between two.
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[ .\-]?\d){5,}").expect("valid pattern"));

/// The comment as a person may read it: masked, unless `keep` (the run's
/// `--keep-personal`).
pub fn shown(text: &str, keep: bool) -> Cow<'_, str> {
    if keep {
        Cow::Borrowed(text)
    } else {
        masked_with(text, "[email]", "[number]")
    }
}

/// The text with each e-mail address and long number replaced.
pub fn masked_with<'a>(text: &'a str, email: &str, number: &str) -> Cow<'a, str> {
    match EMAIL.replace_all(text, email) {
        Cow::Borrowed(t) => NUMBER.replace_all(t, number),
        Cow::Owned(t) => Cow::Owned(NUMBER.replace_all(&t, number).into_owned()),
    }
}
