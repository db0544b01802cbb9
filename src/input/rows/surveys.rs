//! Survey responses and invitations: canonical columns and row rules,
//! including Qualtrics preview rows and duplicate survey ids.

use polars::prelude::*;

use crate::error::Result;
use crate::input::config::{InputSpec, RunConfig};
use crate::input::format::detect::ExportShape;
use crate::input::format::scan::Scanned;
use crate::input::rows::fields::{self, Checked, Rule, rule, text, text_or_null};
use crate::input::rows::timestamp::Zone;
use crate::input::shape::columns::ColumnMap;
use crate::input::shape::labels::Answer;

pub const COLUMNS: &[&str] = &[
    "line",
    "survey_id",
    "case_id",
    "customer_id",
    "sent_at",
    "responded_at",
    "answered",
    "score",
    "resolved",
    "comment",
];

const SENT: &str = "__sent";
const RESPONDED: &str = "__responded";
const SCORE: &str = "__score";
const ANSWER: &str = "__answer";
const RESOLVED: &str = "__resolved";

pub fn check(
    scanned: &Scanned,
    cols: &ColumnMap,
    spec: &InputSpec,
    cfg: &RunConfig,
) -> Result<Checked> {
    // A Qualtrics export's own time zone beats the configured one.
    let tz = scanned
        .sniffed
        .timezone
        .as_deref()
        .and_then(Zone::parse)
        .unwrap_or(cfg.timezone);
    let null_ts = || fields::Stamp {
        raw: lit(NULL).cast(DataType::String),
        parsed: lit(NULL).cast(crate::input::rows::timestamp::utc_dtype()),
    };
    let sent = match cols.get("sent_at") {
        Some(c) => fields::stamp(scanned, spec, "sent_at", c, tz)?,
        None => null_ts(),
    };
    let responded = match cols.get("responded_at") {
        Some(c) => fields::stamp(scanned, spec, "responded_at", c, tz)?,
        None => null_ts(),
    };
    let name = |canon: &str| cols.get(canon).unwrap_or(canon).to_string();
    let id = name("survey_id");
    let labels = &cfg.survey.labels;
    let score_raw = text_or_null(cols, "score").cast(DataType::String);
    let resolved_raw = text_or_null(cols, "resolved").cast(DataType::String);
    // Parsed once, in a stage of their own; the rules and outputs read them.
    let parsed = [
        sent.parsed.alias(SENT),
        responded.parsed.alias(RESPONDED),
        labels.score(score_raw.clone()).alias(SCORE),
        labels.kind(score_raw.clone()).alias(ANSWER),
        labels.resolved(resolved_raw.clone()).alias(RESOLVED),
    ];
    let answer_is = |a: Answer| col(ANSWER).eq(lit(a.code()));
    let sent = fields::Stamp {
        raw: sent.raw,
        parsed: col(SENT),
    };
    let responded = fields::Stamp {
        raw: responded.raw,
        parsed: col(RESPONDED),
    };
    let (score, resolved) = (col(SCORE), col(RESOLVED));
    let s = &cfg.survey;

    let mut rules: Vec<Rule> = fields::structure_rules(scanned);
    rules.push(rule(text(&id).is_null(), "empty_survey_id", &id));
    // A preview is a test answer whatever else it holds: that reason first.
    let qualtrics = matches!(
        scanned.sniffed.shape,
        ExportShape::Qualtrics | ExportShape::QualtricsLegacy
    );
    if qualtrics
        && let Some(status) = scanned
            .columns
            .iter()
            .find(|c| c.eq_ignore_ascii_case("Status"))
    {
        rules.push(rule(
            text(status).is_in(
                lit(Series::new("p".into(), ["Survey Preview", "1"])).implode(false),
                false,
            ),
            "survey_preview",
            status,
        ));
    }
    rules.extend([
        rule(
            text_or_null(cols, "case_id")
                .is_null()
                .and(text_or_null(cols, "customer_id").is_null()),
            "no_case_or_customer",
            &name("case_id"),
        ),
        rule(
            sent.raw
                .clone()
                .is_not_null()
                .and(sent.parsed.clone().is_null()),
            "bad_timestamp",
            &name("sent_at"),
        ),
        rule(
            responded
                .raw
                .clone()
                .is_not_null()
                .and(responded.parsed.clone().is_null()),
            "bad_timestamp",
            &name("responded_at"),
        ),
        rule(
            fields::in_future(sent.parsed.clone(), cfg),
            "timestamp_in_future",
            &name("sent_at"),
        ),
        rule(
            fields::in_future(responded.parsed.clone(), cfg),
            "timestamp_in_future",
            &name("responded_at"),
        ),
        // An invitation after as_of had not been sent yet; an answer after
        // it had not come in (below: the invitation stays, unanswered).
        rule(
            fields::after_as_of(sent.parsed.clone(), cfg).or(sent
                .parsed
                .clone()
                .is_null()
                .and(fields::after_as_of(responded.parsed.clone(), cfg))),
            "after_as_of",
            &name("sent_at"),
        ),
        rule(answer_is(Answer::NoSurvey), "not_surveyed", &name("score")),
        rule(
            answer_is(Answer::Unmapped),
            "unmapped_answer",
            &name("score"),
        ),
        rule(answer_is(Answer::NotANumber), "bad_score", &name("score")),
        rule(
            score
                .clone()
                .lt(lit(s.scale_min))
                .or(score.clone().gt(lit(s.scale_max))),
            "score_out_of_scale",
            &name("score"),
        ),
        rule(
            responded
                .parsed
                .clone()
                .is_not_null()
                .and(score.clone().is_null()),
            "missing_score",
            &name("score"),
        ),
        rule(
            resolved_raw.is_not_null().and(resolved.clone().is_null()),
            "bad_resolved",
            &name("resolved"),
        ),
    ]);

    // Answered after an explicit as_of: invited, not yet answered.
    let late = fields::after_as_of(responded.parsed.clone(), cfg);
    let unless_late = |e: Expr| when(late.clone()).then(lit(NULL)).otherwise(e);
    let exprs = vec![
        fields::line(),
        text(&id).alias("survey_id"),
        text_or_null(cols, "case_id").alias("case_id"),
        text_or_null(cols, "customer_id").alias("customer_id"),
        sent.parsed.alias("sent_at"),
        unless_late(responded.parsed.clone())
            .cast(crate::input::rows::timestamp::utc_dtype())
            .alias("responded_at"),
        responded
            .parsed
            .is_not_null()
            .or(score.clone().is_not_null())
            .and(late.clone().not())
            .alias("answered"),
        unless_late(score).cast(DataType::Float64).alias("score"),
        unless_late(resolved)
            .cast(DataType::Boolean)
            .alias("resolved"),
        unless_late(text_or_null(cols, "comment"))
            .cast(DataType::String)
            .alias("comment"),
    ];
    let mut all = exprs;
    all.push(fields::reason_code(&rules));
    all.extend(fields::raw_columns(scanned));
    let times: Vec<&str> = ["sent_at", "responded_at"]
        .iter()
        .filter_map(|c| cols.get(c))
        .collect();
    let prepared = fields::prepared(scanned, cfg, &times)?;
    let lf = prepared.lf.with_columns(parsed).select(all);
    let mut checked = Checked::new(lf, &rules).counting(prepared.tally);

    // Duplicates are judged among otherwise valid rows: the first one stays.
    checked.reject_repeated("duplicate_survey_id", &id, "survey_id");
    Ok(checked)
}
