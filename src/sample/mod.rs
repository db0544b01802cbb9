//! `cxgap sample`: realistic inputs of any size whose truth is known.
//!
//! Cases are generated one at a time from a seeded RNG and streamed to the
//! output in chunks, so memory stays flat and the bytes depend only on the
//! seed and the case count. Scores follow a planted model (see `model`);
//! `truth.json` records it so tests can check cxgap recovers it.

pub mod model;
pub mod shapes;
mod sink;

use std::path::Path;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Normal};

use crate::error::Result;
use model::{
    AGENTS_PER_TEAM, CHANNELS, CommentTruth, DEFLATED_TEAM, INFLATED_TEAM, SELECTIVE_TEAM, TEAMS,
    Truth,
};
pub use shapes::SampleShape;
use sink::Sinks;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum SampleFormat {
    /// CSV files
    #[default]
    Csv,
    /// Parquet files
    Parquet,
}

/// 2026-01-05 00:00:00 UTC: the first day cases may open.
const START: i64 = 1_767_571_200;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// Cases open over this many days.
const SPAN_DAYS: i64 = 180;
/// Cases per streamed chunk.
const CHUNK: u64 = 20_000;

fn ts(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn day(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// One contact-count row: a single contact on the day of `secs`, under the
/// customer and (when not empty) the ticket.
fn one_contact(
    secs: i64,
    customer: &str,
    ticket: &str,
    direction: &str,
    channel: &str,
) -> [String; 6] {
    [
        day(secs),
        customer.to_string(),
        ticket.to_string(),
        "1".into(),
        direction.into(),
        channel.into(),
    ]
}

struct Gen<'a> {
    rng: Xoshiro256PlusPlus,
    /// Draws for comments alone, so adding them changed no other value.
    talk: Xoshiro256PlusPlus,
    said: CommentTruth,
    noise: Normal<f64>,
    truth: &'a Truth,
    customers: u64,
    survey_seq: u64,
    last_survey_id: Option<String>,
}

/// A case's facts its survey row is drawn from.
struct Surveyed<'a> {
    case: &'a str,
    customer: &'a str,
    owner_team: &'static str,
    extra: u32,
    ivr_call: bool,
    missed: bool,
    reopened: bool,
    transferred: bool,
    escalated: bool,
    /// When the invitation went out.
    sent: i64,
}

/// What a surveyed customer lived, as their comment may tell it.
struct Lived {
    logged_repeat: bool,
    missed: bool,
    transferred: bool,
    reopened: bool,
    asked_for_score: bool,
    happy: bool,
}

/// One generated event of a case; the sink writes it in the output's shape.
pub struct Ev {
    pub at: i64,
    pub action: &'static str,
    pub channel: &'static str,
    pub agent: String,
    pub team: &'static str,
    pub due: Option<i64>,
    pub kind: &'static str,
}

/// One case's events, in the order they are drawn.
#[derive(Default)]
struct Story {
    events: Vec<Ev>,
}

impl Story {
    /// Add an event; a promise's due time and kind are set on the result.
    fn add(
        &mut self,
        at: i64,
        action: &'static str,
        channel: &'static str,
        agent: &str,
        team: &'static str,
    ) -> &mut Ev {
        self.events.push(Ev {
            at,
            action,
            channel,
            agent: agent.to_string(),
            team,
            due: None,
            kind: "",
        });
        let last = self.events.len() - 1;
        &mut self.events[last]
    }
}

impl Gen<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn says(&mut self, p: f64) -> bool {
        self.talk.random_bool(p.clamp(0.0, 1.0))
    }

    /// A comment in the customer's words, from what they lived: the
    /// planted shares of `CommentTruth`, counted as written.
    fn comment(&mut self, lived: &Lived) -> String {
        let c = self.truth.comments.clone();
        if !self.says(c.comment_share) {
            return String::new();
        }
        self.said.written += 1;
        let mut parts: Vec<&str> = Vec::new();
        let chase = if lived.logged_repeat {
            c.chase_with_logged_repeat
        } else {
            c.chase_blind_spot
        };
        if self.says(chase) {
            self.said.chasing_written += 1;
            if !lived.logged_repeat {
                self.said.chasing_one_contact += 1;
            }
            parts.push(if self.says(0.5) {
                "I had to chase them twice."
            } else {
                "I had to call again and again."
            });
        }
        if lived.missed && self.says(0.5) {
            parts.push("They promised to call back and never did.");
        }
        if lived.transferred && self.says(0.4) {
            parts.push("I was passed around.");
        }
        if lived.reopened && self.says(0.4) {
            parts.push("It is still not fixed.");
        }
        if lived.asked_for_score && self.says(c.asked_for_score_share) {
            self.said.asked_for_score_written += 1;
            parts.push("They asked me to give them a perfect score.");
        }
        if lived.happy && self.says(0.5) {
            parts.push("The agent was helpful and friendly.");
        }
        if parts.is_empty() {
            parts.push(["Fine.", "No complaints.", "It was OK."][self.talk.random_range(0..3)]);
        }
        // A few customers leave a number to call them back on.
        if self.says(0.02) {
            parts.push("Call me on 07700 900123.");
        }
        parts.join(" ")
    }

    /// One invited survey's row: answered or not, its score from the
    /// planted model, its comment. The draws keep their order, so a seed
    /// gives the same files as before this was a function of its own.
    fn survey(&mut self, s: &Surveyed, out: &mut Sinks) -> Result<()> {
        let t = self.truth;
        self.survey_seq += 1;
        let mut id = format!("R{:08}", self.survey_seq);
        // A few duplicate ids, as exports have.
        if self.chance(0.002)
            && let Some(prev) = &self.last_survey_id
        {
            id = prev.clone();
        }
        self.last_survey_id = Some(id.clone());
        let by_customer_only = self.chance(t.customer_only_survey_share);
        let ticket = if by_customer_only {
            String::new()
        } else {
            s.case.to_string()
        };
        if self.chance(t.answer_share) {
            let mut expected = t.base_score
                + t.per_repeat_contact * s.extra as f64
                + if s.missed { t.promise_missed } else { 0.0 }
                + if s.reopened { t.reopened } else { 0.0 }
                + if s.transferred { t.transferred } else { 0.0 }
                + if s.escalated { t.escalated } else { 0.0 };
            if s.owner_team == INFLATED_TEAM {
                expected += t.inflation;
            }
            if s.owner_team == DEFLATED_TEAM {
                expected += t.deflation;
            }
            let mut score = (expected + self.noise.sample(&mut self.rng))
                .round()
                .clamp(1.0, 5.0) as i64;
            if self.chance(0.003) {
                score = 7; // out of scale: rejected by validation
            }
            let not_resolved = self.chance(if s.reopened { 0.5 } else { 0.1 });
            let lived = Lived {
                logged_repeat: s.extra > 0 || s.ivr_call,
                missed: s.missed,
                transferred: s.transferred,
                reopened: s.reopened,
                asked_for_score: s.owner_team == INFLATED_TEAM,
                happy: score >= 4,
            };
            let comment = self.comment(&lived);
            out.survey(&[
                id,
                ticket,
                s.customer.to_string(),
                ts(s.sent),
                ts(s.sent + HOUR * self.rng.random_range(1..96)),
                score.to_string(),
                if not_resolved { "No" } else { "Yes" }.into(),
                comment,
            ])?;
        } else {
            out.survey(&[
                id,
                ticket,
                s.customer.to_string(),
                ts(s.sent),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ])?;
        }
        Ok(())
    }

    /// A promise other than a resolution kept (65%), late (20%) or never
    /// (15%), its fulfilment added to the story; whether it was missed.
    fn keep_promise(
        &mut self,
        story: &mut Story,
        (kind, due): (&'static str, i64),
        agent: &str,
        team: &'static str,
    ) -> bool {
        let u: f64 = self.rng.random();
        let (action, kept_kind) = if kind == "callback" {
            ("Outbound Contact", "")
        } else {
            ("Commitment Fulfilled", kind)
        };
        let (fulfilled, missed) = if u < 0.65 {
            (Some(due - HOUR), false)
        } else if u < 0.85 {
            (Some(due + HOUR * self.rng.random_range(2..48)), true)
        } else {
            (None, due < START + (SPAN_DAYS + 10) * DAY)
        };
        if let Some(at) = fulfilled {
            story.add(at, action, "phone", agent, team).kind = kept_kind;
        }
        missed
    }

    /// The case's contact-count rows: an IVR call while it was worked (the
    /// answer: whether there was one), a recontact after it, and outbound
    /// status messages, most filed under the ticket, some only under the
    /// customer (attributed by date; they touch no planted effect).
    /// `[opened, worked, resolved]` are the case's times.
    fn contact_rows(
        &mut self,
        (case, customer): (&str, &str),
        [opened, worked, resolved]: [i64; 3],
        out: &mut Sinks,
    ) -> Result<bool> {
        let ivr_call = self.chance(0.3);
        if ivr_call {
            out.contact(&one_contact(worked, customer, "", "in", "phone"))?;
        }
        if self.chance(0.1) {
            let when = resolved + DAY * self.rng.random_range(1..6);
            out.contact(&one_contact(when, customer, "", "in", "phone"))?;
        }
        let opened_day = opened - opened % DAY;
        for k in 0..self.rng.random_range(0..4) {
            let ticket = if self.chance(0.7) { case } else { "" };
            let when = opened_day + k * DAY;
            out.contact(&one_contact(when, customer, ticket, "out", "sms"))?;
        }
        Ok(ivr_call)
    }

    fn case(&mut self, i: u64, out: &mut Sinks) -> Result<()> {
        let t = self.truth;
        let case = format!("T{:08}", i + 1);
        let customer = format!("A{:07}", self.rng.random_range(0..self.customers));
        let team_ix = self.rng.random_range(0..TEAMS.len());
        let team = TEAMS[team_ix];
        let agent = |r: &mut Xoshiro256PlusPlus| {
            format!(
                "ag{:03}",
                team_ix * AGENTS_PER_TEAM + r.random_range(0..AGENTS_PER_TEAM)
            )
        };
        let first_agent = agent(&mut self.rng);
        let channel = CHANNELS[self.rng.random_range(0..CHANNELS.len())];
        let mut now = START + self.rng.random_range(0..SPAN_DAYS * DAY);
        let opened = now;
        let mut story = Story::default();
        story.add(now, "Case Opened", channel, &first_agent, team);
        story.add(now, "Inbound Contact", channel, &first_agent, team);
        if channel == "phone" && self.chance(0.6) {
            story.add(now + 120, "ID Verified", channel, &first_agent, team);
        }
        // Repeat contacts: 0 (55%), 1 (25%), 2 (12%), 3 (8%).
        let u: f64 = self.rng.random();
        let extra = if u < 0.55 {
            0
        } else if u < 0.80 {
            1
        } else if u < 0.92 {
            2
        } else {
            3
        };
        // Cases opened in the last week are often still open at the end;
        // their promises fall due after it (pending).
        let stays_open = now > START + (SPAN_DAYS - 7) * DAY && self.chance(0.5);
        let mut missed = false;
        let mut promise: Option<(&str, i64)> = None;
        if self.chance(0.45) {
            let u: f64 = self.rng.random();
            let kind = if u < 0.5 {
                "callback"
            } else if u < 0.75 {
                "resolution"
            } else if u < 0.9 {
                "appointment"
            } else {
                "refund"
            };
            let due = if stays_open {
                START + (SPAN_DAYS + 5) * DAY + HOUR * self.rng.random_range(0..240)
            } else {
                now + HOUR * self.rng.random_range(4..72)
            };
            let made = story.add(now + 600, "Commitment Made", channel, &first_agent, team);
            (made.due, made.kind) = (Some(due), kind);
            promise = Some((kind, due));
        }
        for _ in 0..extra {
            now += HOUR * self.rng.random_range(3..40);
            let a = agent(&mut self.rng);
            story.add(now, "Inbound Contact", channel, &a, team);
            if channel == "phone" && self.chance(0.5) {
                story.add(now + 90, "ID Verified", channel, &a, team);
            }
        }
        // Promise outcomes other than resolutions.
        if let Some((kind, due)) = promise
            && kind != "resolution"
            && !stays_open
        {
            missed = self.keep_promise(&mut story, (kind, due), &first_agent, team);
            now = now.max(due - HOUR);
        }
        let transferred = self.chance(0.2);
        let mut owner_team = team;
        if transferred {
            owner_team =
                TEAMS[(team_ix + 1 + self.rng.random_range(0..TEAMS.len() - 1)) % TEAMS.len()];
            story.add(now + 1800, "Transferred", channel, &first_agent, owner_team);
        }
        let escalated = self.chance(0.08);
        if escalated {
            story.add(now + 2700, "Escalated", channel, "sup01", owner_team);
        }
        // Work notes: most cases carry a few; exports keep them, and cxgap
        // keeps them too, as `other` (the name is left unmapped on purpose).
        for k in 0..self.rng.random_range(1..4) {
            story.add(
                now + 3000 + 60 * k,
                "Internal Note",
                "",
                &first_agent,
                owner_team,
            );
        }
        if stays_open {
            return out.case(&case, &customer, story.events);
        }
        let mut resolved = now + HOUR * self.rng.random_range(1..30);
        if let Some(("resolution", due)) = promise {
            // A resolution promise is met 65% of the time.
            resolved = if self.chance(0.65) {
                (due - HOUR * self.rng.random_range(1..6)).max(now + 60)
            } else {
                due + HOUR * self.rng.random_range(2..72)
            };
            missed = resolved > due;
        }
        story.add(resolved, "Resolved", "", &first_agent, owner_team);
        let reopened = self.chance(0.06);
        if reopened {
            let back = resolved + HOUR * self.rng.random_range(12..72);
            story.add(back, "Reopened", channel, &first_agent, owner_team);
            story.add(back, "Inbound Contact", channel, &first_agent, owner_team);
            resolved = back + HOUR * self.rng.random_range(2..24);
            story.add(resolved, "Resolved", "", &first_agent, owner_team);
        }
        story.add(resolved + 3 * DAY, "Closed", "", "", owner_team);

        let ivr_call = self.contact_rows((&case, &customer), [opened, now, resolved], out)?;

        // The survey: selective teams invite only failure-free journeys.
        let failed = extra > 0 || ivr_call || missed || reopened || transferred || escalated;
        let invite = self.chance(t.invite_share) && !(owner_team == SELECTIVE_TEAM && failed);
        if invite {
            let sent = resolved + DAY;
            story.add(sent, "Survey Sent", "email", "", owner_team);
            self.survey(
                &Surveyed {
                    case: &case,
                    customer: &customer,
                    owner_team,
                    extra,
                    ivr_call,
                    missed,
                    reopened,
                    transferred,
                    escalated,
                    sent,
                },
                out,
            )?;
        }
        // A sliver of rows with broken timestamps, for validation to
        // reject: a row of its own, so every shape rejects one row.
        if self.chance(0.001) {
            out.broken_row(&format!("{case}-X"), &customer)?;
        }
        out.case(&case, &customer, story.events)
    }
}

pub fn generate(
    cases: u64,
    seed: u64,
    out_dir: &Path,
    format: SampleFormat,
    shape: SampleShape,
    journey_effects: bool,
) -> Result<Truth> {
    let truth = match journey_effects {
        true => Truth::new(seed, cases),
        false => Truth::new(seed, cases).without_journey_effects(),
    };
    let mut sinks = Sinks::create(out_dir, format, shape)?;
    let mut g = Gen {
        rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        noise: Normal::new(0.0, truth.noise_sd).expect("positive sd"),
        truth: &truth,
        customers: (cases * 2 / 5).max(1),
        survey_seq: 0,
        last_survey_id: None,
        talk: Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x005E_EDC0_44E7),
        said: CommentTruth::default(),
    };
    for i in 0..cases {
        g.case(i, &mut sinks)?;
        if (i + 1) % CHUNK == 0 {
            sinks.flush()?;
        }
    }
    // Contact rows of customers the event log never saw.
    for k in 0..(cases / 50).max(1) {
        let when = START + g.rng.random_range(0..SPAN_DAYS * DAY);
        sinks.contact(&one_contact(when, &format!("X{k:07}"), "", "in", "phone"))?;
    }
    let said = std::mem::take(&mut g.said);
    drop(g);
    let mut truth = truth;
    truth.comments = CommentTruth {
        written: said.written,
        chasing_written: said.chasing_written,
        chasing_one_contact: said.chasing_one_contact,
        asked_for_score_written: said.asked_for_score_written,
        ..truth.comments
    };
    sinks.finish(&truth)?;
    Ok(truth)
}
