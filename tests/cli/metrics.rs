//! SPEC 3: every report table on one small fixture, values worked out by
//! hand; `--fail-if` exit codes; JSON shape; `cxgap sql`.
//!
//! Cases (each its own customer, so nobody is recontacted):
//!   A1 team A: 1 call, resolved after 1 h, score 5, "resolved"
//!   A2 team A: 2 calls, 2 h, score 3, "not resolved"
//!   B1 team B: 1 call, a callback due 10:00 made at 11:00 (late 1 h), 4 h, score 4
//!   B2 team B: 3 calls, 10 h, score 2, "resolved"
//!   B3 team B: 3 calls, 20 h, invited but silent
//!   B4 team B: 1 call, open
//!   Z  team C: opened only (sets as_of, 2026-04-01)

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Fixture, figure_row};

const EVENTS: &str = "\
case_id,timestamp,event,customer_id,team,promise_kind,due_at
A1,2026-03-02 09:00,contact_in,a1,A,,
A1,2026-03-02 10:00,resolved,,A,,
A2,2026-03-02 09:00,contact_in,a2,A,,
A2,2026-03-02 10:00,contact_in,,A,,
A2,2026-03-02 11:00,resolved,,A,,
B1,2026-03-02 09:00,contact_in,b1,B,,
B1,2026-03-02 09:10,promise,,B,callback,2026-03-02 10:00
B1,2026-03-02 11:00,contact_out,,B,,
B1,2026-03-02 13:00,resolved,,B,,
B2,2026-03-02 09:00,contact_in,b2,B,,
B2,2026-03-02 10:00,contact_in,,B,,
B2,2026-03-02 11:00,contact_in,,B,,
B2,2026-03-02 19:00,resolved,,B,,
B3,2026-03-03 09:00,contact_in,b3,B,,
B3,2026-03-03 10:00,contact_in,,B,,
B3,2026-03-03 11:00,contact_in,,B,,
B3,2026-03-04 05:00,resolved,,B,,
B4,2026-03-03 09:00,contact_in,b4,B,,
Z,2026-04-01 00:00,case_opened,z,C,,
";

const SURVEYS: &str = "\
survey_id,case_id,sent_at,responded_at,score,resolved
s1,A1,2026-03-02 12:00,2026-03-03 09:00,5,yes
s2,A2,2026-03-02 12:00,2026-03-03 09:00,3,no
s3,B1,2026-03-02 14:00,2026-03-03 09:00,4,yes
s4,B2,2026-03-02 20:00,2026-03-03 09:00,2,yes
s5,B3,2026-03-04 06:00,,,
";

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("surveys.csv", SURVEYS);
    f
}

fn json(f: &Fixture, args: &[&str]) -> Value {
    f.metrics_json(args)
}

fn figure(v: &Value, name: &str) -> Value {
    figure_row(v, name)["value"].clone()
}

#[test]
fn overview_figures() {
    let v = json(&fixture(), &["overview"]);
    assert_eq!(figure(&v, "cases"), 7.0);
    assert_eq!(figure(&v, "open_cases"), 2.0); // B4, Z
    assert_eq!(figure(&v, "surveys_answered"), 4.0);
    assert_eq!(figure(&v, "response_rate"), 0.8); // 4 answered / 5 invited
    assert_eq!(figure(&v, "mean_score"), 3.5); // (5 + 3 + 4 + 2) / 4
    assert_eq!(figure(&v, "csat_pct"), 50.0); // 5 and 4 are top-2-box: 2 / 4
    assert_eq!(figure(&v, "fcr_rate"), 0.4); // A1, B1 of 5 resolved
    assert_eq!(figure(&v, "repeat_contact_rate"), 0.4286); // A2, B2, B3 of 7
    assert_eq!(figure(&v, "recontact_rate"), 0.0);
    assert_eq!(figure(&v, "promise_miss_rate"), 1.0); // B1's late callback
    assert_eq!(figure(&v, "mean_inbound_contacts"), 1.5714); // 11 / 7
    assert_eq!(figure(&v, "median_resolution_hours"), 4.0); // 1, 2, 4, 10, 20
    // 95% intervals. fcr_rate, Wilson for 2 of 5 (z = 1.959964): centre
    // (0.4 + z²/10) / (1 + z²/5) = 0.443453, half-width
    // z·sqrt(0.4·0.6/5 + z²/100) / (1 + z²/5) = 0.325826.
    let row = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["figure"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(row("fcr_rate")["ci_low"], 0.1176);
    assert_eq!(row("fcr_rate")["ci_high"], 0.7693);
    // mean_score, Student's t: scores 5, 3, 4, 2, variance 5/3, standard
    // error sqrt(5/12) = 0.645497, t(0.975, 3 df) = 3.182446: 3.5 ± 2.054260.
    assert_eq!(row("mean_score")["ci_low"], 1.4457);
    assert_eq!(row("mean_score")["ci_high"], 5.5543);
    // A median and the counts have none.
    assert_eq!(
        row("median_resolution_hours")["ci_low"],
        serde_json::Value::Null
    );
    assert_eq!(row("cases")["ci_high"], serde_json::Value::Null);
    // Every row has the same keys, in order.
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["figure", "value", "n", "ci_low", "ci_high", "basis"]);
}

#[test]
fn score_by_contacts_buckets() {
    let v = json(&fixture(), &["score-by-contacts"]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    // 1 contact: A1, B1, B4; surveyed A1 (5), B1 (4): mean 4.5, 100% satisfied.
    assert_eq!(rows[1]["inbound_contacts"], "1");
    assert_eq!(
        (rows[1]["cases"].as_i64(), rows[1]["surveyed"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(rows[1]["mean_score"], 4.5);
    assert_eq!(rows[1]["satisfied_pct"], 100.0);
    // 3 contacts: B2 (2) and silent B3.
    assert_eq!(rows[3]["mean_score"], 2.0);
    assert_eq!(rows[3]["cases"], 2);
    // 0 contacts: Z, unsurveyed: no mean; 5+: empty bucket.
    assert_eq!(rows[0]["mean_score"], Value::Null);
    assert_eq!(
        (
            rows[5]["inbound_contacts"].as_str(),
            rows[5]["cases"].as_i64()
        ),
        (Some("5+"), Some(0))
    );
}

#[test]
fn promise_report() {
    let v = json(&fixture(), &["promises"]);
    let rows = v.as_array().unwrap();
    let cb = &rows[0];
    assert_eq!(cb["kind"], "callback");
    assert_eq!(
        (
            cb["made"].as_i64(),
            cb["late"].as_i64(),
            cb["kept"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(cb["miss_rate"], 1.0);
    assert_eq!(cb["median_hours_late"], 1.0); // due 10:00, done 11:00
    assert_eq!(cb["mean_score_any_missed"], 4.0); // B1
    assert_eq!(cb["mean_score_all_kept"], Value::Null);
    assert_eq!(rows[1]["kind"], "all");
}

#[test]
fn driver_table() {
    let v = json(&fixture(), &["drivers"]);
    let rows = v.as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["factor"].as_str().unwrap()).collect();
    // Impact order: has_repeat and not_fcr (1.0 each, by name), then
    // ops_resolved_customer_not (0.1667), promise_missed (-0.1667), then the
    // factors no surveyed case had, by name.
    assert_eq!(
        names,
        [
            "has_repeat",
            "not_fcr",
            "ops_resolved_customer_not",
            "promise_missed",
            "escalated",
            "followed_up",
            "multi_channel",
            "recontacted",
            "reopened",
            "transferred"
        ]
    );
    let r = &rows[0];
    // With a repeat: A2 (3), B2 (2): mean 2.5, var 0.5. Without: A1 (5),
    // B1 (4): mean 4.5, var 0.5. Gap −2, se = √(0.25 + 0.25) = 0.7071, Welch
    // df = 0.25 / (0.0625 + 0.0625) = 2, t(0.975, 2) = 4.302653:
    // CI −2 ± 3.0425 = (−5.04, 1.04). p = 1 − t/√(2 + t²) with t = 2√2:
    // 1 − 2.828427 / 3.162278 = 0.1056. gap_points = −2 × 100 / 4 = −50.
    // Prevalence 2 / 4; impact = 2 × 0.5 = 1. Satisfied: 0 of 2 (Wilson
    // 0-65.8%) vs 2 of 2 (34.2-100%).
    assert_eq!(
        (r["mean_with"].as_f64(), r["mean_without"].as_f64()),
        (Some(2.5), Some(4.5))
    );
    assert_eq!(r["gap"], -2.0);
    assert_eq!(
        (r["gap_ci_low"].as_f64(), r["gap_ci_high"].as_f64()),
        (Some(-5.04), Some(1.04))
    );
    assert_eq!(r["gap_points"], -50.0);
    assert_eq!(r["p_value"], 0.1056);
    assert_eq!(r["q_value"], 0.1056); // two p-values, both 0.1056
    assert_eq!(r["prevalence"], 0.5);
    assert_eq!(r["impact"], 1.0);
    assert_eq!(r["satisfied_with_ci"], "0.0-65.8");
    assert_eq!(r["satisfied_without_ci"], "34.2-100.0");
    assert_eq!(r["thin"], "n<min_n (both)");
    // One case with a missed promise: no interval, no p-value, but shown.
    let pm = &rows[3];
    assert_eq!(pm["n_with"], 1.0);
    assert_eq!(pm["gap_ci_low"], Value::Null);
    assert_eq!(pm["p_value"], Value::Null);
    assert_eq!(pm["gap"], 0.67); // 4 − (5 + 3 + 2) / 3
}

/// SPEC 3.4: `ops_resolved_customer_not` compares only surveyed cases with
/// a resolved answer. B4 (open, surveyed, score 1, no resolved answer) is
/// left out: with A2 (3, "no"); without A1 (5), B1 (4), B2 (2): mean 11/3.
/// Counted as "without" it would make n_without 4 and the mean 3.
#[test]
fn a_disputed_resolution_is_judged_only_where_the_customer_answered() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file(
        "surveys.csv",
        &format!("{SURVEYS}s6,B4,2026-03-03 10:00,2026-03-03 12:00,1,\n"),
    );
    let v = json(&f, &["drivers"]);
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["factor"] == "ops_resolved_customer_not")
        .unwrap()
        .clone();
    assert_eq!(
        (row["n_with"].as_f64(), row["n_without"].as_f64()),
        (Some(1.0), Some(3.0))
    );
    assert_eq!(
        (row["mean_with"].as_f64(), row["mean_without"].as_f64()),
        (Some(3.0), Some(3.67))
    );
    assert_eq!(row["prevalence"], 0.25);
}

#[test]
fn resolution_gap_and_fcr_grid() {
    let v = json(&fixture(), &["resolution", "--by", "team"]);
    let gap = v["resolution_gap"].as_array().unwrap();
    // 4 resolved cases answered the question; A2 said "no": 1 / 4.
    assert_eq!(
        (gap[0]["segment"].as_str(), gap[0]["rate"].as_f64()),
        (Some("all"), Some(0.25))
    );
    // Its Wilson interval on the same 0-1 scale as the rate (#27): p = 1/4,
    // z = 1.96, centre (p + z²/2n)/(1 + z²/n) = 0.3725 ± 0.3269 (python:
    // statsmodels.stats.proportion.proportion_confint(1, 4, method="wilson")).
    assert_eq!(
        (
            gap[0]["rate_ci_low"].as_f64(),
            gap[0]["rate_ci_high"].as_f64()
        ),
        (Some(0.0456), Some(0.6994))
    );
    assert_eq!(
        (gap[1]["segment"].as_str(), gap[1]["rate"].as_f64()),
        (Some("A"), Some(0.5))
    );
    assert_eq!(
        (gap[2]["segment"].as_str(), gap[2]["rate"].as_f64()),
        (Some("B"), Some(0.0))
    );
    // FCR by the log: A1, B1 (both "resolved"); not FCR: B2 (resolved), A2 (not).
    let grid = v["fcr_views"].as_array().unwrap();
    assert_eq!(
        (
            grid[0]["customer_resolved"].as_f64(),
            grid[0]["customer_not_resolved"].as_f64()
        ),
        (Some(2.0), Some(0.0))
    );
    assert_eq!(
        (
            grid[1]["customer_resolved"].as_f64(),
            grid[1]["customer_not_resolved"].as_f64()
        ),
        (Some(1.0), Some(1.0))
    );
}

#[test]
fn segments_shrink_and_balance() {
    let v = json(&fixture(), &["segments"]);
    let rows = v.as_array().unwrap();
    // A: mean (5 + 3) / 2 = 4, B: (4 + 2) / 2 = 3, C: nobody surveyed.
    // Shrinkage (SPEC 3.6): N = 4, G = 2, grand mean 3.5; MSW = (2 + 2) /
    // (4 − 2) = 2; MSB = 2(0.5²) + 2(0.5²) = 1; n₀ = (4 − 8/4) / 1 = 2;
    // τ² = max(0, (1 − 2) / 2) = 0, so both shrink fully to 3.5. Ties rank
    // by answers (2 each), then name; C, without answers, comes last.
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["segment"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "B", "C"]);
    assert_eq!(
        (
            rows[0]["shrunk_mean"].as_f64(),
            rows[0]["mean_score"].as_f64()
        ),
        (Some(3.5), Some(4.0))
    );
    assert_eq!(
        (
            rows[1]["shrunk_mean"].as_f64(),
            rows[1]["mean_score"].as_f64()
        ),
        (Some(3.5), Some(3.0))
    );
    assert_eq!(rows[2]["shrunk_mean"], Value::Null);
    // OLS with an intercept: residuals sum to zero over surveyed cases, and
    // expected + residual = actual in each segment.
    let mut weighted = 0.0;
    for r in &rows[..2] {
        let (e, res, m) = (
            r["expected_score"].as_f64().unwrap(),
            r["residual"].as_f64().unwrap(),
            r["mean_score"].as_f64().unwrap(),
        );
        assert!((e + res - m).abs() < 0.011, "{r}");
        weighted += res * r["surveyed"].as_f64().unwrap();
    }
    assert!(weighted.abs() < 0.03, "{weighted}");
    // B's miss rate: 1 late of 1 due.
    assert_eq!(rows[1]["miss_rate"], 1.0);
}

/// SPEC 3.6: a segment with a single answer cannot top the ranking by
/// chance. Team Alpha: 20 answers of 5 and 20 of 3 (mean 4, s² = 40/39);
/// Beta: 18 of 5 and 22 of 3 (mean 3.9, s² = 39.6/39); one answer of 5 on a
/// case without a team. N = 81, grand mean 321/81 = 3.962963.
/// MSW = (40 + 39.6) / (81 − 3) = 1.020513.
/// MSB = [40(4 − 3.962963)² + 40(3.9 − 3.962963)² + (5 − 3.962963)²] / 2
///     = (0.054870 + 0.158573 + 1.075446) / 2 = 0.644444 < MSW, so τ² = 0
/// and every segment shrinks to 3.96: ties go by answers (40, 40, 1), then
/// name. (The old estimator, equal weight per segment, put τ² at 0.18 and
/// the one-answer segment first at 4.12.)
#[test]
fn a_single_answer_cannot_top_the_segment_ranking() {
    let f = Fixture::new();
    let mut events = String::from("case_id,timestamp,event,team\n");
    let mut surveys = String::from("survey_id,case_id,responded_at,score\n");
    let mut add = |id: String, team: &str, score: u8| {
        events.push_str(&format!("{id},2026-03-01 09:00,contact_in,{team}\n"));
        events.push_str(&format!("{id},2026-03-01 10:00,resolved,{team}\n"));
        surveys.push_str(&format!("s{id},{id},2026-03-02 10:00,{score}\n"));
    };
    for i in 0..40 {
        add(format!("a{i}"), "Alpha", if i < 20 { 5 } else { 3 });
        add(format!("b{i}"), "Beta", if i < 18 { 5 } else { 3 });
    }
    add("solo".into(), "", 5);
    f.file("events.csv", &events).file("surveys.csv", &surveys);
    let v = json(&f, &["segments"]);
    let rows: Vec<(String, f64, f64, f64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["segment"].as_str().unwrap().to_string(),
                r["surveyed"].as_f64().unwrap(),
                r["shrunk_mean"].as_f64().unwrap(),
                r["mean_score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Alpha".to_string(), 40.0, 3.96, 4.0),
            ("Beta".to_string(), 40.0, 3.96, 3.9),
            ("(none)".to_string(), 1.0, 3.96, 5.0),
        ]
    );
}

#[test]
fn trends_and_who_answers() {
    let f = fixture();
    let v = json(&f, &["trends"]);
    let rows = v.as_array().unwrap();
    // All five resolutions fall in the week of Monday 2026-03-02.
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["period"], "2026-03-02");
    assert_eq!(
        (
            rows[0]["cases_resolved"].as_i64(),
            rows[0]["mean_score"].as_f64()
        ),
        (Some(5), Some(3.5))
    );
    assert_eq!(rows[0]["repeat_rate"], 0.6); // A2, B2, B3 of 5
    let v = json(&f, &["who-answers"]);
    // Invitations exist, so the comparison is with silent invitees (B3).
    let rep = &v["who_answers"][0];
    assert_eq!(rep["factor"], "has_repeat");
    assert_eq!(
        (rep["answered_pct"].as_f64(), rep["other_pct"].as_f64()),
        (Some(50.0), Some(100.0))
    );
    assert_eq!(rep["other_group"], "invited, silent");
    let seg = v["response_by_segment"].as_array().unwrap();
    assert_eq!(
        (seg[0]["segment"].as_str(), seg[0]["response_rate"].as_f64()),
        (Some("A"), Some(1.0))
    );
    assert_eq!(
        (seg[1]["segment"].as_str(), seg[1]["response_rate"].as_f64()),
        (Some("B"), Some(0.667))
    ); // 2 of 3 invited
}

#[test]
fn fail_if_exit_codes() {
    let f = fixture();
    f.cmd(&[
        "metrics",
        "overview",
        ".",
        "--fail-if",
        "promise_miss_rate>0.15",
        "--fail-if",
        "fcr_rate<0.3",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "error: threshold breached: promise_miss_rate = 1 > 0.15",
    ))
    .stderr(predicate::str::contains("fcr_rate").not());
    f.cmd(&["metrics", "overview", ".", "--fail-if", "fcr_rate<0.3"])
        .assert()
        .code(0);
    f.cmd(&["metrics", "overview", ".", "--fail-if", "fcr_rate=0.3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no comparison"));
    f.cmd(&["metrics", "overview", ".", "--fail-if", "nps<10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--fail-if` names `nps`, which is not an overview figure",
        ));
    f.cmd(&["metrics", "segments", ".", "--by", "region"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--by region` is not something cases can be grouped by",
        ));
}

#[test]
fn formats_render_the_same_table() {
    let f = fixture();
    let md = f.stdout(&["metrics", "overview", ".", "--format", "markdown"]);
    let md = String::from_utf8(md).unwrap();
    // Markdown, like CSV and JSON, keeps the machine names.
    assert!(
        md.contains("| figure | value | n | ci_low | ci_high | basis |"),
        "{md}"
    );
    assert!(md.contains("| mean_score | 3.5 | 4 |"), "{md}");
    let csv = f.stdout(&["metrics", "overview", ".", "--format", "csv"]);
    assert!(
        String::from_utf8(csv)
            .unwrap()
            .contains("repeat_contact_rate,0.4286,7,")
    );
    // Colour only when asked for (tests have no terminal).
    let plain = f.stdout(&["metrics", "overview", "."]);
    let plain = String::from_utf8(plain).unwrap();
    assert!(!plain.contains('\x1b'));
    // The terminal table is for people: labels, not machine names.
    assert!(plain.contains("First-contact resolution"), "{plain}");
    assert!(plain.contains("95% CI from"), "{plain}");
    assert!(!plain.contains("fcr_rate"), "{plain}");
    let coloured = f
        .cmd(&["metrics", "overview", ".", "--color", "always"])
        .env_remove("NO_COLOR")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(coloured).unwrap().contains('\x1b'));
}

#[test]
fn sql_over_journeys_and_promises() {
    let f = fixture();
    let out = f.stdout(&["sql", "SELECT team, COUNT(*) AS cases, SUM(inbound_contacts) AS calls FROM journeys GROUP BY team ORDER BY team", ".", "--format", "csv"]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "team,cases,calls\nA,2,3\nB,4,8\nC,1,0\n"
    );
    f.cmd(&["sql", "SELECT nope FROM journeys", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: the query failed"));
}

/// SPEC 5: `cxgap sql` sees only the tables cxgap registers; file readers
/// and statements that write or drop are refused (exit 2) before any input
/// is read, with a message that says what is allowed.
#[test]
fn sql_reads_only_its_own_tables() {
    let f = fixture();
    let refused = |query: &str, message: &str| {
        f.cmd(&["sql", query, "."])
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains(
                "hint: `cxgap sql` runs one read-only query over the tables journeys, events, surveys, contacts, promises",
            ));
    };
    refused(
        "SELECT * FROM read_csv('/etc/passwd')",
        "error: `read_csv(...)` is a table function; cxgap sql reads no files, only its own tables",
    );
    refused(
        "SELECT j.case_id FROM journeys j JOIN read_parquet('/tmp/x.parquet') p ON true",
        "error: `read_parquet(...)` is a table function",
    );
    refused(
        "DROP TABLE journeys",
        "error: `DROP` statements are refused: cxgap sql only reads",
    );
    refused(
        "COPY journeys TO 'out.csv'",
        "error: `COPY` statements are refused",
    );
    refused(
        "CREATE TABLE x AS SELECT * FROM journeys",
        "error: `CREATE` statements are refused",
    );
    refused(
        "SELECT * FROM passwords",
        "error: there is no table `passwords`",
    );
    refused(
        "SELECT 1 FROM journeys; SELECT 2 FROM journeys",
        "error: give exactly one statement (found 2)",
    );
    // Subqueries and the query's own WITH tables are fine.
    f.cmd(&[
        "sql",
        "WITH t AS (SELECT team FROM journeys) SELECT COUNT(*) AS n FROM (SELECT * FROM t) s",
        ".",
        "--format",
        "csv",
    ])
    .assert()
    .success()
    .stdout("n\n7\n");
}

#[test]
fn expected_scores_come_from_the_regression() {
    // Only repeat contacts vary (not_fcr moves with them; the SVD solve
    // splits collinear factors but the fitted values are the group means):
    // without a repeat the scores are 5, 4, 3 (mean 4), with one 3, 2, 1
    // (mean 2). Team X = {5 no, 3 repeat}: actual 4, expected (4 + 2) / 2 = 3,
    // residual +1. Team Y = {4, 3 no; 2, 1 repeat}: actual 2.5, expected 3,
    // residual −0.5, residual sd √(4 × 0.25 / 3) = 0.5774, SE 0.2887.
    let mut events = String::from("case_id,timestamp,event,customer_id,team\n");
    let mut surveys = String::from("survey_id,case_id,responded_at,score\n");
    let cases = [
        ("x1", "X", 1, 5),
        ("x2", "X", 2, 3),
        ("y1", "Y", 1, 4),
        ("y2", "Y", 1, 3),
        ("y3", "Y", 2, 2),
        ("y4", "Y", 2, 1),
    ];
    for (id, team, calls, score) in cases {
        for c in 0..calls {
            events.push_str(&format!("{id},2026-03-02 0{c}:00,contact_in,{id},{team}\n"));
        }
        events.push_str(&format!("{id},2026-03-02 09:00,resolved,,{team}\n"));
        surveys.push_str(&format!("s{id},{id},2026-03-03 09:00,{score}\n"));
    }
    events.push_str("z,2026-04-01 00:00,case_opened,z,Z\n");
    let f = Fixture::new();
    f.file("events.csv", &events).file("surveys.csv", &surveys);
    let v = json(&f, &["segments"]);
    let seg = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["segment"] == name)
            .unwrap()
            .clone()
    };
    let (x, y) = (seg("X"), seg("Y"));
    assert_eq!(
        (
            x["mean_score"].as_f64(),
            x["expected_score"].as_f64(),
            x["residual"].as_f64()
        ),
        (Some(4.0), Some(3.0), Some(1.0))
    );
    assert_eq!(
        (
            y["mean_score"].as_f64(),
            y["expected_score"].as_f64(),
            y["residual"].as_f64()
        ),
        (Some(2.5), Some(3.0), Some(-0.5))
    );
    assert_eq!(y["residual_se"], 0.29);
    assert_eq!(y["flag"], "n<min_n");
}

#[test]
fn nps_overview() {
    // Five cases scored 10, 9, 8, 5, 0 on NPS: 2 promoters, 2 detractors:
    // NPS = 40 - 40 = 0. Per-answer +1/0/-1 has variance 0.8 - 0 = 0.8, so
    // the margin is 100 x 1.959964 x sqrt(0.8 / 5) = 78.3986.
    let mut events = String::from("case_id,timestamp,event\n");
    let mut surveys = String::from("survey_id,case_id,responded_at,score\n");
    for (i, score) in [10, 9, 8, 5, 0].iter().enumerate() {
        events.push_str(&format!(
            "c{i},2026-01-01 10:00,contact_in\nc{i},2026-01-01 11:00,resolved\n"
        ));
        surveys.push_str(&format!("s{i},c{i},2026-01-02 10:00,{score}\n"));
    }
    let f = Fixture::new();
    f.file("events.csv", &events)
        .file("surveys.csv", &surveys)
        .file("cxgap.toml", "[surveys]\nkind = \"nps\"\n");
    let v = json(&f, &["overview"]);
    assert_eq!(figure(&v, "nps"), 0.0);
    assert_eq!(figure(&v, "nps_margin"), 78.3986);
    assert_eq!(figure(&v, "mean_score"), 6.4);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["figure"] != "csat_pct")
    );
    // Top-2-box on NPS means promoters: 9 and 10 of the five.
    let s = json(&f, &["segments"]);
    assert_eq!(s[0]["satisfied_pct"], 40.0);
    assert_eq!(s[0]["nps"], 0.0);
}

/// SPEC 1.4: trends count calendar periods in the configured time zone.
/// Resolved at 2026-03-02 03:00 UTC is Sunday 1 March, 22:00 in New York:
/// the week of Monday 23 February there (in UTC it would be 2 March).
#[test]
fn trend_periods_are_local_calendar_periods() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-03-01T20:00:00Z,case_opened\nA,2026-03-02T03:00:00Z,resolved\n",
    );
    let v = f.metrics_json(&["trends", "--timezone", "America/New_York"]);
    assert_eq!(v[0]["period"], "2026-02-23");
    let v = f.metrics_json(&[
        "trends",
        "--period",
        "day",
        "--timezone",
        "America/New_York",
    ]);
    assert_eq!(v[0]["period"], "2026-03-01");
}
