//! The generator's world: teams, channels, the planted effects on scores,
//! and `truth.json`, which records every planted value.

use serde::Serialize;

pub const TEAMS: [&str; 8] = [
    "Billing",
    "Broadband",
    "Mobile",
    "Field Service",
    "Retail",
    "Online",
    "Retention",
    "Escalations",
];
pub const CHANNELS: [&str; 6] = ["phone", "email", "chat", "web", "store", "field"];
pub const AGENTS_PER_TEAM: usize = 40;

/// Scores are inflated beyond what journeys explain (survey solicitation).
pub const INFLATED_TEAM: &str = "Retention";
/// Scores are lower than journeys explain (a blind spot the log misses).
pub const DEFLATED_TEAM: &str = "Mobile";
/// Invites only cases without a journey failure (selective surveying).
pub const SELECTIVE_TEAM: &str = "Retail";

/// Every planted value, written to truth.json.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    pub seed: u64,
    pub cases: u64,
    /// Expected score before effects (1-5 CSAT), before noise and rounding.
    pub base_score: f64,
    pub noise_sd: f64,
    /// Points per extra inbound contact (capped at 3 extra contacts).
    pub per_repeat_contact: f64,
    pub promise_missed: f64,
    pub reopened: f64,
    pub transferred: f64,
    pub escalated: f64,
    pub inflated_team: &'static str,
    pub inflation: f64,
    pub deflated_team: &'static str,
    pub deflation: f64,
    pub selective_team: &'static str,
    pub invite_share: f64,
    pub answer_share: f64,
    pub customer_only_survey_share: f64,
    /// Whether the journey effects above are planted (`sample
    /// --no-journey-effects` sets them to 0, so journeys predict nothing).
    pub journey_effects: bool,
    /// The cases made likely to answer badly (SPEC 3.10's at-risk list
    /// should find them).
    pub likely_unhappy: &'static str,
    /// What the comments plant (SPEC 3.11), and what was written.
    pub comments: CommentTruth,
    pub note: &'static str,
}

/// The comments' planted shares and what the generator wrote.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CommentTruth {
    /// Share of answers with a comment.
    pub comment_share: f64,
    /// P(a chase comment) when the log holds a repeat contact.
    pub chase_with_logged_repeat: f64,
    /// P(a chase comment) when the log holds one contact: the calls the
    /// log does not see (the blind spot).
    pub chase_blind_spot: f64,
    /// The team whose customers write that they were asked for a good
    /// score, and how often (no call in the log shows the asking).
    pub asked_for_score_team: &'static str,
    pub asked_for_score_share: f64,
    /// Answers written with a comment.
    pub written: u64,
    /// Comments saying the customer chased, and those of them on a case
    /// whose log holds one contact: their ratio is the share of chase
    /// comments the log cannot confirm from the case itself (a contact
    /// again from another of the customer's cases can still confirm some).
    pub chasing_written: u64,
    pub chasing_one_contact: u64,
    pub asked_for_score_written: u64,
}

impl Truth {
    /// The same world with no journey effect on scores: what a back-test
    /// of the at-risk list should find unpredictable.
    pub fn without_journey_effects(self) -> Truth {
        Truth {
            per_repeat_contact: 0.0,
            promise_missed: 0.0,
            reopened: 0.0,
            transferred: 0.0,
            escalated: 0.0,
            journey_effects: false,
            likely_unhappy: "none: journeys have no effect on scores",
            ..self
        }
    }

    pub fn new(seed: u64, cases: u64) -> Truth {
        Truth {
            seed,
            cases,
            base_score: 4.1,
            noise_sd: 0.6,
            per_repeat_contact: -0.3,
            promise_missed: -0.6,
            reopened: -0.5,
            transferred: -0.3,
            escalated: -0.4,
            inflated_team: INFLATED_TEAM,
            inflation: 0.6,
            deflated_team: DEFLATED_TEAM,
            deflation: -0.6,
            selective_team: SELECTIVE_TEAM,
            invite_share: 0.5,
            answer_share: 0.6,
            customer_only_survey_share: 0.1,
            journey_effects: true,
            likely_unhappy: "cases with repeat contacts, missed promises, reopens, transfers or escalations: each lowers the expected score by its effect above",
            comments: CommentTruth {
                comment_share: 0.6,
                chase_with_logged_repeat: 0.5,
                chase_blind_spot: 0.15,
                asked_for_score_team: INFLATED_TEAM,
                asked_for_score_share: 0.5,
                ..CommentTruth::default()
            },
            note: "scores are rounded and clipped to 1-5, which shrinks observed gaps slightly",
        }
    }
}
