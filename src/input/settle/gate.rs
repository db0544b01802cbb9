//! Loud, not quiet (SPEC 5): a run whose inputs lost too many rows, whose
//! events hold no usable case, or whose every survey answer was rejected
//! stops with exit 4 and publishes nothing. The message shows the top
//! reasons with example lines, and the fix.

use polars::prelude::*;

use crate::error::{InputKind, QualityError, Result};
use crate::input::config::RunConfig;
use crate::input::rows::timestamp;
use crate::input::settle::summary::InputSummary;

/// Reasons that reject a survey answer (not an invitation).
const ANSWER_REASONS: &[&str] = &[
    "bad_score",
    "score_out_of_scale",
    "missing_score",
    "unmapped_answer",
];

/// Rows set aside by design, not misread: a Qualtrics preview is a test
/// answer, a "Not offered" survey state is no survey. They are rejected
/// (and listed) but do not count toward the reject share.
const SET_ASIDE: &[&str] = &["survey_preview", "not_surveyed", "after_as_of"];

/// How many reasons, and example lines per reason, the message shows.
const TOP: usize = 3;

/// The fix for a rejection reason, in the user's terms; `example` is the
/// first rejected value, which a timestamp's fix is written from.
pub fn fix(reason: &str, input: &str, column: &str, example: Option<&str>) -> String {
    match reason {
        "bad_timestamp" | "bad_date" => match example.and_then(timestamp::format_of) {
            Some(f) => format!(
                "correct these values in the export, or, if `{column}` is in another layout than cxgap inferred, pin it: [{input}] timestamp_format = \"{f}\" (written from \"{}\"; docs/rules.md lists the layouts cxgap reads)",
                example.unwrap_or_default()
            ),
            None => format!(
                "`{column}` holds values that are no date or time (\"{}\"): correct them in the export, or map `{column}` only if it is the right column",
                example.unwrap_or_default()
            ),
        },
        "missing_timestamp" | "missing_date" => {
            format!("check that `{column}` is the right column in [{input}.columns]")
        }
        "timestamp_in_future" => format!(
            "rows dated after this run are not trusted: check the export's clock and time zone (`timezone` in cxgap.toml) for `{column}`"
        ),
        "empty_case_id" | "no_case_or_customer" => {
            format!("check that `{column}` maps the case or customer column in [{input}.columns]")
        }
        "bad_score" | "unmapped_answer" => format!(
            "map the text answers of `{column}` to the scale in [surveys.labels] (docs/config.md shows how)"
        ),
        "score_out_of_scale" => format!(
            "set the survey's scale to match `{column}`: [surveys] kind = \"nps\" (0-10), \"ces\" (1-7), or scale = [min, max]"
        ),
        "missing_score" => format!("map the score column: [surveys.columns] score = \"{column}\""),
        "bad_duration" => format!(
            "`{column}` must hold a number of [{input}.durations] units (e.g. 3600 or 1.5): check the column and its unit"
        ),
        "bad_count" => format!(
            "`{column}` must hold whole numbers from 0 to max_count; raise [contacts] max_count if larger counts are real"
        ),
        "short_row"
        | "long_row"
        | "stray_carriage_return"
        | "stray_quote"
        | "truncated_row"
        | "blank_line"
        | "bad_json" => format!(
            "the file's rows do not match its header: check the delimiter ([{input}] delimiter) and quoting, or export it again"
        ),
        "survey_preview" => "preview answers are test data; nothing to fix".into(),
        "after_as_of" => {
            "rows after the --as-of moment are left out of a report as of then; nothing to fix"
                .into()
        }
        "duplicate_case_id" | "duplicate_survey_id" => format!(
            "`{column}` must name each row's case (or survey) once; the first row stays: remove the repeats from the export"
        ),
        "before_case_opened" => format!(
            "`{column}` is stamped before the case opened, which cannot happen: the value is left out and the case kept; check the export's time zones and that `{column}` is the right time"
        ),
        "resolved_before_first_response" => format!(
            "`{column}` is stamped before the first response: the resolution is left out and the case kept; check that `{column}` is when the case was resolved"
        ),
        "no_timestamp" => format!(
            "a case row needs at least one time: check [{input}.timestamps] names the export's time columns"
        ),
        _ => format!(
            "see every rejected row with `cxgap validate DIR --rejects rejects.csv` and fix [{input}.columns]"
        ),
    }
}

/// One reason's rows in one input: count and the first few lines with their
/// original values.
struct Reason {
    reason: String,
    column: String,
    rows: u64,
    /// (line, the row's original values, the value the reason is about)
    examples: Vec<(i64, String, String)>,
}

fn top_reasons(inputs: &InputSummary, kind: InputKind) -> PolarsResult<Vec<Reason>> {
    let g = inputs
        .rejects_of(kind)
        .sort(["line"], SortMultipleOptions::default())
        .group_by([col("reason"), col("column")])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("line").head(Some(TOP)).alias("lines"),
            col("values").head(Some(TOP)).alias("values"),
            col("value").head(Some(TOP)).alias("value"),
        ])
        .sort(
            ["rows", "reason"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(TOP as IdxSize)
        .collect()?;
    let text = |c: &str, i: usize| -> String {
        g.column(c)
            .ok()
            .and_then(|c| c.str().ok()?.get(i).map(str::to_string))
            .unwrap_or_default()
    };
    let rows = g.column("rows")?.u64()?.clone();
    let lines = g.column("lines")?.list()?.clone();
    let values = g.column("values")?.list()?.clone();
    let value = g.column("value")?.list()?.clone();
    (0..g.height())
        .map(|i| {
            let ls: Vec<i64> = lines
                .get_as_series(i)
                .and_then(|s| s.i64().ok().map(|c| c.into_no_null_iter().collect()))
                .unwrap_or_default();
            let texts = |list: &ListChunked| -> Vec<String> {
                list.get_as_series(i)
                    .and_then(|s| {
                        s.str()
                            .ok()
                            .map(|c| c.iter().map(|v| v.unwrap_or("").to_string()).collect())
                    })
                    .unwrap_or_default()
            };
            let (vs, shown) = (texts(&values), texts(&value));
            Ok(Reason {
                reason: text("reason", i),
                column: text("column", i),
                rows: rows.get(i).unwrap_or(0),
                examples: ls
                    .into_iter()
                    .zip(vs)
                    .zip(shown)
                    .map(|((l, v), s)| (l, v, s))
                    .collect(),
            })
        })
        .collect()
}

impl Reason {
    /// The first example's value at fault.
    fn first_value(&self) -> Option<&str> {
        self.examples.first().map(|e| e.2.as_str())
    }
}

/// The original values of an example row, shortened for one line.
fn shorten(values: &str) -> String {
    const MAX: usize = 90;
    if values.chars().count() <= MAX {
        values.to_string()
    } else {
        values.chars().take(MAX).collect::<String>() + "..."
    }
}

fn describe(input: &str, reasons: &[Reason]) -> String {
    let mut out = String::new();
    for r in reasons {
        let column = if r.column.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", r.column)
        };
        out.push_str(&format!(
            "  {input}: {}{column}: {} row{}\n",
            r.reason,
            r.rows,
            if r.rows == 1 { "" } else { "s" }
        ));
        for (line, values, value) in &r.examples {
            // The value at fault first, so a long row cut for one line
            // never hides it.
            let lead = if r.column.is_empty() {
                String::new()
            } else {
                format!("{} = \"{value}\" · ", r.column)
            };
            out.push_str(&format!("    line {line}: {lead}{}\n", shorten(values)));
        }
    }
    out.trim_end().to_string()
}

/// A file whose last line is cut short is an incomplete download: the run
/// stops whatever the share, so a nightly job never publishes half a file.
fn truncated(inputs: &InputSummary) -> Result<()> {
    for s in &inputs.stats {
        if s.rejected_by_reason.contains_key("truncated_row") {
            let name = s.input.name();
            let reasons: Vec<Reason> = top_reasons(inputs, s.input)?
                .into_iter()
                .filter(|r| r.reason == "truncated_row")
                .collect();
            return Err(QualityError {
                summary: format!(
                    "{}: the last line is cut short, so the file looks like an incomplete download and the run stops and writes nothing",
                    s.path.display()
                ),
                details: describe(name, &reasons),
                hint: "download the export again; or, if the file is complete and only lacks its final line break, go on with --allow-truncated (the last row is then rejected)".into(),
            }
            .into());
        }
    }
    Ok(())
}

fn pct(share: f64) -> String {
    let p = 100.0 * share;
    if p < 10.0 && p.fract() != 0.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// Stop the run when the inputs cannot support a trustworthy result.
pub fn check(inputs: &InputSummary, cfg: &RunConfig) -> Result<()> {
    let max_reject_share = cfg.max_reject_share;
    if !cfg.allow_truncated {
        truncated(inputs)?;
    }
    // No answer left is said as such, before any share.
    if let (Some(surveys), Some(answered)) =
        (inputs.stats_of(InputKind::Surveys), inputs.answered_surveys)
    {
        let reasons = top_reasons(inputs, InputKind::Surveys)?;
        let rejected_answers: u64 = surveys
            .rejected_by_reason
            .iter()
            .filter(|(r, _)| ANSWER_REASONS.contains(&r.as_str()))
            .map(|(_, n)| n)
            .sum();
        if answered == 0 && rejected_answers > 0 {
            let first = reasons
                .iter()
                .find(|r| ANSWER_REASONS.contains(&r.reason.as_str()));
            return Err(QualityError {
                summary: format!(
                    "{}: every survey answer was rejected ({rejected_answers} answer{}), so no score can be reported",
                    surveys.path.display(),
                    if rejected_answers == 1 { "" } else { "s" }
                ),
                details: describe("surveys", &reasons),
                hint: first
                    .map(|r| fix(&r.reason, "surveys", &r.column, r.first_value()))
                    .unwrap_or_default(),
            }
            .into());
        }
    }
    for s in &inputs.stats {
        let set_aside: u64 = SET_ASIDE
            .iter()
            .filter_map(|r| s.rejected_by_reason.get(*r))
            .sum();
        // Surveys: invitations never answered do not dilute the share, so
        // a file of many of them cannot hide bad answers (SPEC 5).
        let read_rows = match (s.input, inputs.answered_surveys) {
            (InputKind::Surveys, Some(answered)) => {
                s.rows_read - s.rows_used.saturating_sub(answered)
            }
            _ => s.rows_read,
        };
        let read = read_rows.saturating_sub(set_aside).max(1) as f64;
        // A rejected value of a used row (an out-of-order time) counts as
        // a rejected row would: half the tickets closing before they open
        // stops the run too.
        let lost = s.rows_rejected - set_aside + s.cells_rejected;
        let share = (lost as f64 / read).min(1.0);
        if share > max_reject_share {
            let name = s.input.name();
            let reasons = top_reasons(inputs, s.input)?;
            let first = reasons.first();
            return Err(QualityError {
                summary: format!(
                    "{}: {} of {} rows were rejected ({}), above the {} limit, so the run stops and writes nothing",
                    s.path.display(),
                    lost,
                    read as u64,
                    pct(share),
                    pct(max_reject_share)
                ),
                details: describe(name, &reasons),
                hint: format!(
                    "{}; or, if these rows are expected, raise the limit with --max-reject-share (or [quality] max_reject_share)",
                    first
                        .map(|r| fix(&r.reason, name, &r.column, r.first_value()))
                        .unwrap_or_default()
                ),
            }
            .into());
        }
    }
    if let Some(events) = inputs.stats_of(InputKind::Events)
        && events.rows_used == 0
    {
        return Err(QualityError {
            summary: format!(
                "{}: no event row is usable, so there is no case to report on",
                events.path.display()
            ),
            details: describe("events", &top_reasons(inputs, InputKind::Events)?),
            hint: "map the case, timestamp and event columns in [events.columns]; `cxgap validate` lists every rejected row".into(),
        }
        .into());
    }
    Ok(())
}
