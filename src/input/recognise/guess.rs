//! The guesses every kind of export shares: a column by its name (the
//! synonyms of `columns`) or by its content (what the first rows hold),
//! the case, the activity, the score and the customer, each with the
//! evidence `init` writes beside it.

use polars::prelude::*;

use super::profile::Profile;
use super::{Recognised, guess};
use crate::input::rows::events::EVENT_TYPES;
use crate::input::shape::columns::{self, Canon};

/// Keywords that suggest a canonical event type, most specific first.
const ACTIVITY_HINTS: &[(&str, &[&str])] = &[
    (
        "promise_kept",
        &[
            "promise kept",
            "promisekept",
            "fulfil",
            "kept",
            "attended",
            "on site",
        ],
    ),
    (
        "promise",
        &["promise", "commit", "given", "scheduled", "booked"],
    ),
    ("reopened", &["reopen", "re-open"]),
    (
        "case_opened",
        &[
            "open",
            "created",
            "new ticket",
            "new case",
            "logged",
            "insert ticket",
        ],
    ),
    (
        "contact_in",
        &[
            "inbound",
            "customer call",
            "customer email",
            "customer chat",
            "call in",
            "incoming",
            "customer contact",
            "walk-in",
            "visit",
            "web form",
            "chat started",
        ],
    ),
    (
        "contact_out",
        &[
            "outbound",
            "callback",
            "call back",
            "outgoing",
            "agent call",
            "follow-up call",
            "followup",
            "proactive",
        ],
    ),
    ("transfer", &["transfer", "reassign", "handoff", "hand-off"]),
    ("escalation", &["escalat", "supervisor"]),
    (
        "resolved",
        &["resolv", "fixed", "solved", "complete", "done", "restored"],
    ),
    ("closed", &["close"]),
    (
        "identify",
        &["verif", "authent", "identif", "security question"],
    ),
    ("survey_sent", &["survey sent", "survey"]),
];

/// The event type an activity name suggests (None for a canonical name,
/// which needs no mapping, or a name no keyword fits).
pub fn activity_type(name: &str) -> Option<&'static str> {
    let low = name.to_lowercase();
    if EVENT_TYPES.contains(&low.as_str()) {
        return None;
    }
    // A state log's first state (`New`): a word too short to look for inside others.
    if low.trim() == "new" {
        return Some("case_opened");
    }
    // A step and its sub-state (an XES log's own lifecycle, "Completed /
    // Closed"): the sub-state says more.
    if let Some((_, sub)) = name.rsplit_once(" / ") {
        let sub_low = sub.trim().to_lowercase();
        let canonical = EVENT_TYPES.iter().copied().find(|t| *t == sub_low);
        if let Some(t) = canonical.or_else(|| activity_type(sub)) {
            return Some(t);
        }
    }
    ACTIVITY_HINTS
        .iter()
        .find(|(_, keys)| keys.iter().any(|k| low.contains(k)))
        .map(|(t, _)| *t)
}

/// The first time column whose name fits `field` of `list`, else the first
/// time column at all: recorded as `field`, with what it `holds` and two
/// examples; or `field` listed as missing.
pub(super) fn time_column(
    r: &mut Recognised,
    list: &'static [Canon],
    field: &str,
    p: &[Profile],
    holds: &str,
) {
    let times = || p.iter().filter(|c| c.is_time());
    let named = times()
        .find(|c| by_name(canon(list, field), std::slice::from_ref(*c), &[], |_| true).is_some());
    match named.or_else(|| times().next()) {
        Some(t) => {
            let why = format!("{holds} ({})", t.examples(2));
            record(r, field, t, why);
        }
        None => r.missing.push(field.into()),
    }
}

/// The column among `p` (passing `fit`, not `taken`) whose name fits `canon`.
pub(super) fn by_name<'a>(
    canon: &Canon,
    p: &'a [Profile],
    taken: &[String],
    fit: impl Fn(&Profile) -> bool,
) -> Option<&'a Profile> {
    let names: Vec<String> = p
        .iter()
        .filter(|c| fit(c) && !taken.contains(&c.name) && says_whole(canon, c))
        .map(|c| c.name.clone())
        .collect();
    let hit = columns::guess(canon, &names, &[])?.to_string();
    p.iter().find(|c| c.name == hit)
}

/// Whether a column's name says `canon` in whole words (SPEC 1.6): the
/// canonical name or a synonym is the whole name, or one word or a run of
/// consecutive words of it — `Requester id` says requesterid, `org:resource`
/// does not say source, nor `Customer_Age` customer age's count.
fn says_whole(canon: &Canon, c: &Profile) -> bool {
    let own = canon.name.replace('_', "");
    let words = &c.words;
    (0..words.len())
        .flat_map(|i| (i + 1..=words.len()).map(move |j| words[i..j].concat()))
        .any(|run| run == own || canon.synonyms.contains(&run.as_str()))
}

pub(super) fn canon(list: &'static [Canon], name: &str) -> &'static Canon {
    list.iter().find(|c| c.name == name).unwrap_or(&list[0])
}

/// What names what happened in a long log: by name, else a column of a
/// few repeated words.
pub fn activity_column(p: &[Profile]) -> Option<&Profile> {
    let words = |c: &Profile| c.share(c.numbers) < 0.5 && c.distinct >= 2;
    by_name(canon(columns::EVENTS, "event"), p, &[], |c| {
        words(c) && (c.is_categorical() || c.named(&["activity", "event", "action"]))
    })
    .or_else(|| {
        p.iter().find(|c| {
            c.is_categorical()
                && c.values.iter().any(|v| v.contains(' '))
                && !c.named(&[
                    "team", "queue", "group", "channel", "via", "agent", "status",
                ])
        })
    })
}

/// Words that say a column identifies its rows.
const ID_WORDS: &[&str] = &["id", "key", "number", "no", "nr", "num", "ref", "reference"];

/// The case: by name. A name that only contains a case word without
/// saying it identifies (`Incident Zip`, `Ticket Priority`) gives way to a
/// column that names each row once and says it is an id (`Unique Key`).
pub fn case_column(p: &[Profile]) -> Option<&Profile> {
    let named = by_name(canon(columns::EVENTS, "case_id"), p, &[], |c| !c.is_time())
        .or_else(|| by_name(canon(columns::CASES, "case_id"), p, &[], |c| !c.is_time()));
    let says_case = |c: &Profile| {
        c.has_word(ID_WORDS)
            || canon(columns::EVENTS, "case_id")
                .synonyms
                .iter()
                .chain(canon(columns::CASES, "case_id").synonyms)
                .any(|s| *s == c.norm)
    };
    // A name that is nothing but an id word (`number`, `ID`): the rows'
    // own key in a log that repeats it.
    let only_id = |c: &&Profile| c.words.iter().all(|w| ID_WORDS.contains(&w.as_str()));
    match named {
        Some(c) if says_case(c) => Some(c),
        _ => p
            .iter()
            .filter(|c| !c.is_time() && c.has_word(ID_WORDS))
            .find(|c| c.is_unique())
            .or_else(|| p.iter().filter(|c| !c.is_time()).find(only_id))
            .or(named),
    }
}

/// The survey answer: a column whose values a label map or a scale reads,
/// preferring one named like a score.
pub fn score_column(p: &[Profile]) -> Option<&Profile> {
    named_score(p).or_else(|| {
        // Text answers are a score by their labels alone (a SurveyMonkey
        // question); plain numbers need a name.
        p.iter().find(|c| {
            readable(c) && c.share(c.numbers) < 0.5 && !c.is_unique() && !c.named(&["id"])
        })
    })
}

fn readable(c: &Profile) -> bool {
    !c.is_time() && c.labels.iter().any(|n| c.share(*n) >= 0.8)
}

/// A survey answer whose name says it is one: a score on a case row needs
/// its name (a ticket's `Urgency` 1-4 or `priority` reads as a scale too).
pub fn named_score(p: &[Profile]) -> Option<&Profile> {
    p.iter().find(|c| {
        readable(c)
            && c.named(&[
                "score",
                "rating",
                "satisf",
                "csat",
                "nps",
                "likely",
                "recommend",
                "easy",
                "effort",
                "q1",
            ])
    })
}

/// Map `canon` by name among columns passing `fit`, recording the guess.
pub(super) fn map_name(
    r: &mut Recognised,
    list: &'static [Canon],
    name: &str,
    p: &[Profile],
    fit: impl Fn(&Profile) -> bool,
) -> Option<String> {
    let taken: Vec<String> = r.columns.iter().map(|g| g.value.clone()).collect();
    let hit = by_name(canon(list, name), p, &taken, fit)?;
    r.columns
        .push(guess(name, &hit.name, format!("its name says {name}")));
    Some(hit.name.clone())
}

pub(super) fn record(r: &mut Recognised, name: &str, c: &Profile, why: String) -> String {
    r.columns.push(guess(name, &c.name, why));
    c.name.clone()
}

/// Words that end a name of who the customer is (`customer_id`,
/// `Customer Email`), where other words end a fact about them
/// (`client_tier`, `Customer_Age`, `customer_zip_code_prefix`).
const WHO_WORDS: &[&str] = &["code", "email", "mail", "login", "name", "phone", "uid"];

/// Whether a column named for customers names who they are: its name
/// ends in the customer word itself or in an id word.
fn names_who(canon: &Canon, c: &Profile) -> bool {
    let words = &c.words;
    let ends_in_canon = (0..words.len()).any(|i| {
        let run = words[i..].concat();
        run == canon.name.replace('_', "") || canon.synonyms.contains(&run.as_str())
    });
    ends_in_canon
        || words
            .last()
            .is_some_and(|w| ID_WORDS.contains(&w.as_str()) || WHO_WORDS.contains(&w.as_str()))
}

/// The customer, by name or else by content: a column constant within each
/// case that repeats across cases (customers have several cases; a team
/// has few values, a customer many).
pub(super) fn customer(
    r: &mut Recognised,
    list: &'static [Canon],
    p: &[Profile],
    rows: Option<(&DataFrame, &str)>,
) {
    let taken: Vec<String> = r.columns.iter().map(|g| g.value.clone()).collect();
    let canon_customer = canon(list, "customer_id");
    let names_a_customer = |c: &Profile| !c.is_time() && names_who(canon_customer, c);
    if let Some(c) = by_name(canon_customer, p, &taken, names_a_customer) {
        // One value per row: a new id for every order, no customer who
        // comes back. A guess below its evidence is written commented out.
        if c.is_unique() {
            let why = format!(
                "its name says customer, but every row has its own ({}): no customer comes back, so it is left out; map it if it does name people",
                super::count_of(c.distinct, "value")
            );
            r.columns.push(super::Guess {
                commented: true,
                ..guess("customer_id", &c.name, why)
            });
            return;
        }
        let why = format!(
            "its name says customer ({})",
            super::count_of(c.distinct, "value")
        );
        record(r, "customer_id", c, why);
        return;
    }
    let Some((rows, case)) = rows else { return };
    let cases = p
        .iter()
        .find(|c| c.name == case)
        .map(|c| c.distinct)
        .unwrap_or(0);
    for c in p {
        if taken.contains(&c.name)
            || c.name == case
            || c.is_time()
            || c.is_categorical()
            || c.is_text()
            || c.named(&[
                "team", "queue", "group", "agent", "owner", "assignee", "channel",
            ])
            // A running count (`reopen_count`) is constant within a case
            // too, but it counts, it does not name.
            || c.has_word(&[
                "count", "counts", "reopens", "replies", "calls", "contacts", "transfers",
                "reassignments", "escalations", "interactions", "sessions", "messages",
            ])
            || c.distinct < 2
            || c.distinct > cases
        {
            continue;
        }
        let constant = rows
            .clone()
            .lazy()
            .group_by([col(case)])
            .agg([col(c.name.as_str()).drop_nulls().n_unique().alias("n")])
            .select([col("n").lt_eq(lit(1u32)).cast(DataType::Float64).mean()])
            .collect()
            .ok()
            .and_then(|d| d.column("n").ok()?.f64().ok()?.get(0))
            .unwrap_or(0.0);
        if constant >= 0.95 && c.distinct < cases {
            let why = format!(
                "by content: one value per case, {} values over {} cases",
                c.distinct, cases
            );
            record(r, "customer_id", c, why);
            return;
        }
    }
}

/// The dimensions: every column no guess maps.
pub(super) fn dimensions(r: &mut Recognised, p: &[Profile]) {
    let used: Vec<String> = r
        .columns
        .iter()
        .chain(&r.timestamps)
        .chain(&r.counts)
        .chain(&r.survey)
        .map(|g| g.value.clone())
        .chain(r.timestamps.iter().map(|g| g.key.clone()))
        .chain(r.counts.iter().map(|g| g.key.clone()))
        .chain(
            r.state
                .iter()
                .flat_map(|s| [s.column.clone(), s.at.clone()]),
        )
        .chain(r.duration.iter().map(|d| d.column.clone()))
        .chain(r.due_dates.iter().flat_map(|d| {
            std::iter::once(d.column.clone())
                .chain(d.kept.clone())
                .chain(d.made.clone())
                .chain(d.kind_column.clone())
        }))
        .collect();
    r.dimensions = p
        .iter()
        .filter(|c| !used.contains(&c.name))
        .map(|c| c.name.clone())
        .collect();
}

#[cfg(test)]
mod tests {
    use super::activity_type;

    #[test]
    fn a_sub_state_decides_the_type() {
        // BPIC 2013's "Completed" covers a resolution and the batch closure.
        assert_eq!(activity_type("Completed / Resolved"), Some("resolved"));
        assert_eq!(activity_type("Completed / Closed"), Some("closed"));
        // Neither says what the step is: left for the analyst.
        assert_eq!(activity_type("Accepted / In Progress"), None);
    }
}
