//! The export shapes `cxgap sample` writes the same cases in (SPEC 1.5):
//! a long event log, a wide ticket table (one row per case: its times,
//! counts and promise), or a long log with an interaction-level contact
//! export (one row per call, chat or email) instead of daily counts. Each
//! comes with the cxgap.toml that reads it.

use super::{Ev, ts};

/// Which export shape the generated events and contacts take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SampleShape {
    /// One row per event, contacts as daily counts
    #[default]
    Long,
    /// One row per ticket: its times, counts and promise (a help desk's export)
    Wide,
    /// One row per event, contacts one row per call, chat or email
    Interactions,
}

pub const LONG_COLS: [&str; 9] = [
    "Ticket",
    "Account",
    "When",
    "Action",
    "Via",
    "Handled By",
    "Queue",
    "Promised For",
    "Promise Type",
];

pub const WIDE_COLS: [&str; 21] = [
    "Ticket",
    "Account",
    "Opened",
    "Channel",
    "Agent",
    "Queue",
    "Customer contacts",
    "Agent calls",
    "ID checks",
    "Transfers",
    "Reopens",
    "Escalated at",
    "Promise type",
    "Promised at",
    "Promised for",
    "Promise kept at",
    "First solved at",
    "Solved at",
    "Closed at",
    "Survey sent at",
    "Updated at",
];

pub const COUNT_COLS: [&str; 6] = ["Day", "Account", "Ticket", "Calls", "Direction", "Channel"];

pub const INTERACTION_COLS: [&str; 6] = [
    "Conversation ID",
    "Start Time",
    "Account",
    "Ticket",
    "Direction",
    "Media Type",
];

/// Columns a Parquet export stores as naive datetimes, in any shape.
pub const DATETIME_COLS: [&str; 14] = [
    "When",
    "Promised For",
    "Invited",
    "Completed",
    "Opened",
    "Escalated at",
    "Promised at",
    "Promised for",
    "Promise kept at",
    "First solved at",
    "Solved at",
    "Closed at",
    "Survey sent at",
    "Updated at",
];

/// Columns a Parquet export stores as whole numbers.
pub const INT_COLS: [&str; 5] = [
    "Customer contacts",
    "Agent calls",
    "ID checks",
    "Transfers",
    "Reopens",
];

impl SampleShape {
    pub fn event_columns(self) -> &'static [&'static str] {
        match self {
            SampleShape::Wide => &WIDE_COLS,
            _ => &LONG_COLS,
        }
    }

    pub fn contact_columns(self) -> &'static [&'static str] {
        match self {
            SampleShape::Interactions => &INTERACTION_COLS,
            _ => &COUNT_COLS,
        }
    }

    /// The rows one case's events are written as.
    pub fn event_rows(self, case: &str, customer: &str, events: Vec<Ev>) -> Vec<Vec<String>> {
        match self {
            SampleShape::Wide => vec![wide_row(case, customer, events)],
            _ => events
                .into_iter()
                .map(|e| {
                    vec![
                        case.to_string(),
                        customer.to_string(),
                        ts(e.at),
                        e.action.to_string(),
                        e.channel.to_string(),
                        e.agent,
                        e.team.to_string(),
                        e.due.map(ts).unwrap_or_default(),
                        e.kind.to_string(),
                    ]
                })
                .collect(),
        }
    }

    /// A row whose time cannot be read, for validation to reject.
    pub fn broken_row(self, case: &str, customer: &str) -> Vec<String> {
        let mut row = vec![String::new(); self.event_columns().len()];
        row[0] = case.to_string();
        row[1] = customer.to_string();
        row[2] = "2026-13-45 99:99".into();
        if self == SampleShape::Long {
            row[3] = "Case Opened".into();
        }
        row
    }

    /// A contact-count row (day, customer, ticket, "1", direction,
    /// channel) in this shape; `seq` numbers interaction rows.
    pub fn contact_row(self, row: &[String], seq: u64) -> Vec<String> {
        if self != SampleShape::Interactions {
            return row.to_vec();
        }
        // One contact per generated row: a call at a time of day of its own.
        let minutes = 9 * 60 + (seq * 37) % 600;
        vec![
            format!("CONV{seq:09}"),
            format!("{} {:02}:{:02}:00", row[0], minutes / 60, minutes % 60),
            row[1].clone(),
            row[2].clone(),
            if row[4] == "out" {
                "Outbound"
            } else {
                "Inbound"
            }
            .into(),
            row[5].clone(),
        ]
    }

    /// The cxgap.toml that reads this shape (`{ext}`: the file extension).
    pub fn config(self, ext: &str) -> String {
        let events = match self {
            SampleShape::Wide => WIDE_EVENTS,
            _ => LONG_EVENTS,
        };
        let contacts = match self {
            SampleShape::Interactions => INTERACTION_CONTACTS,
            _ => COUNT_CONTACTS,
        };
        format!("{HEADER}{events}{SURVEYS}{contacts}").replace("{ext}", ext)
    }
}

/// A ticket's row: the times, counts and promise its events stand for.
/// Events are taken in time order (input order within a time), as cxgap
/// orders a timeline, so "last owner" means the same in both shapes.
fn wide_row(case: &str, customer: &str, mut events: Vec<Ev>) -> Vec<String> {
    events.sort_by_key(|e| e.at);
    let at = |e: &Ev| Some(e.at);
    let first = |a: &str| events.iter().find(|e| e.action == a).and_then(at);
    let last = |a: &str| events.iter().rev().find(|e| e.action == a).and_then(at);
    let count = |a: &str| events.iter().filter(|e| e.action == a).count().to_string();
    let time = |t: Option<i64>| t.map(ts).unwrap_or_default();
    let promise = events.iter().find(|e| e.action == "Commitment Made");
    let kept = promise.and_then(|p| match p.kind {
        // Resolutions are kept by the resolution itself.
        "resolution" => None,
        "callback" => events
            .iter()
            .find(|e| e.action == "Outbound Contact" && e.at >= p.at)
            .and_then(at),
        kind => events
            .iter()
            .find(|e| e.action == "Commitment Fulfilled" && e.kind == kind)
            .and_then(at),
    });
    let owner = |pick: fn(&Ev) -> &str| {
        events
            .iter()
            .rev()
            .map(pick)
            .find(|v| !v.is_empty())
            .unwrap_or_default()
            .to_string()
    };
    vec![
        case.to_string(),
        customer.to_string(),
        time(first("Case Opened")),
        owner(|e| e.channel),
        owner(|e| e.agent.as_str()),
        owner(|e| e.team),
        count("Inbound Contact"),
        count("Outbound Contact"),
        count("ID Verified"),
        count("Transferred"),
        count("Reopened"),
        time(first("Escalated")),
        promise.map(|p| p.kind.to_string()).unwrap_or_default(),
        time(promise.map(|p| p.at)),
        time(promise.and_then(|p| p.due)),
        time(kept),
        time(first("Resolved")),
        time(last("Resolved")),
        time(first("Closed")),
        time(first("Survey Sent")),
        time(events.iter().map(|e| e.at).max()),
    ]
}

const HEADER: &str = "# Written by `cxgap sample`: maps the generated export's names onto cxgap's.\ntimezone = \"UTC\"\n";

const LONG_EVENTS: &str = r#"
[events]
path = "events.{ext}"

[events.columns]
case_id = "Ticket"
customer_id = "Account"
timestamp = "When"
event = "Action"
channel = "Via"
agent = "Handled By"
team = "Queue"
due_at = "Promised For"
promise_kind = "Promise Type"

[events.activities]
case_opened = ["Case Opened"]
contact_in = ["Inbound Contact"]
contact_out = ["Outbound Contact"]
transfer = ["Transferred"]
escalation = ["Escalated"]
promise = ["Commitment Made"]
promise_kept = ["Commitment Fulfilled"]
resolved = ["Resolved"]
reopened = ["Reopened"]
closed = ["Closed"]
identify = ["ID Verified"]
survey_sent = ["Survey Sent"]
# "Internal Note" is left unmapped on purpose: it becomes `other`.
"#;

const WIDE_EVENTS: &str = r#"
[events]
path = "events.{ext}"
shape = "wide"              # one row per ticket

[events.columns]
case_id = "Ticket"
customer_id = "Account"
channel = "Channel"
agent = "Agent"
team = "Queue"

[events.timestamps]
"Opened" = "case_opened"
"Escalated at" = "escalation"
"First solved at" = "resolved"
"Solved at" = "resolved"
"Closed at" = "closed"
"Survey sent at" = "survey_sent"
"Updated at" = "Last update"

[events.due_dates]
"Promised for" = { kind_column = "Promise type", made = "Promised at", kept = "Promise kept at" }

[events.counts]
"Customer contacts" = "contact_in"
"Agent calls" = "contact_out"
"ID checks" = "identify"
"Transfers" = "transfer"
"Reopens" = "reopened"
"#;

const SURVEYS: &str = r#"
[surveys]
path = "surveys.{ext}"
kind = "csat"

[surveys.columns]
survey_id = "Response ID"
case_id = "Ticket"
customer_id = "Account"
sent_at = "Invited"
responded_at = "Completed"
score = "Rating"
resolved = "Issue Resolved"
comment = "Comments"
"#;

const COUNT_CONTACTS: &str = r#"
[contacts]
path = "contacts.{ext}"

[contacts.columns]
date = "Day"
customer_id = "Account"
case_id = "Ticket"
contacts = "Calls"
direction = "Direction"
channel = "Channel"
"#;

const INTERACTION_CONTACTS: &str = r#"
[contacts]
path = "contacts.{ext}"
shape = "interactions"      # one row per call, chat or email

[contacts.columns]
date = "Start Time"
customer_id = "Account"
case_id = "Ticket"
direction = "Direction"
channel = "Media Type"
"#;
