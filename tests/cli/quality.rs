//! SPEC 5, loud not quiet: a run that would rest on a fraction of its rows
//! exits 4 with the top reasons, example lines and the fix, and publishes
//! nothing; and the warnings that matter, each with its fix.

use predicates::prelude::*;

use crate::common::Fixture;

/// 20 events of 10 cases (opened, then resolved a day later).
fn events(extra: &str) -> String {
    let mut s = String::from("case_id,timestamp,event\n");
    for i in 0..10 {
        s.push_str(&format!("C{i},2026-05-01 09:00,case_opened\n"));
        s.push_str(&format!("C{i},2026-05-02 09:00,resolved\n"));
    }
    s + extra
}

#[test]
fn rejects_above_the_limit_stop_the_run_and_publish_nothing() {
    let f = Fixture::new();
    // 2 of 22 rows (9.1%) rejected: lines 22 and 23.
    f.file(
        "events.csv",
        &events("C1,2026-13-45 10:00,contact_in\nC2,yesterday,contact_in\n"),
    );
    f.cmd(&["report", ".", "--out", "out"]).assert().code(4).stderr(
        predicate::str::contains(
            "error: ./events.csv: 2 of 22 rows were rejected (9.1%), above the 5% limit, so the run stops and writes nothing\n  events: bad_timestamp in `timestamp`: 2 rows\n    line 22: timestamp = \"2026-13-45 10:00\" · case_id=C1; timestamp=2026-13-45 10:00; event=contact_in\n    line 23: timestamp = \"yesterday\" · case_id=C2; timestamp=yesterday; event=contact_in\n",
        )
        // The hint is written from the first bad value, never a fixed layout.
        .and(predicate::str::contains(
            "hint: correct these values in the export, or, if `timestamp` is in another layout than cxgap inferred, pin it: [events] timestamp_format = \"%Y-%m-%d %H:%M\" (written from \"2026-13-45 10:00\"",
        ))
        .and(predicate::str::contains("--max-reject-share")),
    );
    assert!(!f.join("out").exists(), "a report was published");
    // validate shows the data quality, then exits 4 too.
    f.cmd(&["validate", "."])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("bad_timestamp"));
    // A higher limit, on the command line or in the config, lets it run.
    f.cmd(&["validate", ".", "--max-reject-share", "0.1"])
        .assert()
        .success();
    f.file("cxgap.toml", "[quality]\nmax_reject_share = 0.1\n");
    f.cmd(&["report", ".", "--out", "out"]).assert().success();
    // ... and a later bad export leaves that report in place.
    let before = std::fs::read(f.join("out/tables/overview.csv")).unwrap();
    f.file("cxgap.toml", "[quality]\nmax_reject_share = 0.05\n");
    f.cmd(&["report", ".", "--out", "out"]).assert().code(4);
    assert_eq!(
        std::fs::read(f.join("out/tables/overview.csv")).unwrap(),
        before
    );
}

#[test]
fn no_usable_case_stops_the_run() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,soon,case_opened\n",
    );
    f.cmd(&["report", ".", "--out", "out", "--max-reject-share", "1"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: ./events.csv: no event row is usable, so there is no case to report on",
        ));
}

#[test]
fn every_answer_rejected_stops_the_run() {
    let f = Fixture::new();
    // 40 invitations and one answer, 9 on a 1-5 scale: 1 of 41 rows (2.4%)
    // is under the limit, but no score is left to report.
    let mut surveys = String::from("survey_id,case_id,sent_at,responded_at,score\n");
    for i in 0..40 {
        surveys.push_str(&format!("S{i},C{},2026-05-02 10:00,,\n", i % 10));
    }
    surveys.push_str("S40,C1,2026-05-02 10:00,2026-05-03 10:00,9\n");
    f.file("events.csv", &events(""))
        .file("surveys.csv", &surveys);
    f.cmd(&["validate", "."]).assert().code(4).stderr(
        predicate::str::contains(
            "error: ./surveys.csv: every survey answer was rejected (1 answer), so no score can be reported",
        )
        .and(predicate::str::contains("line 42: score = \"9\" · survey_id=S40"))
        .and(predicate::str::contains("hint: set the survey's scale to match `score`")),
    );
}

#[test]
fn fail_if_judges_each_inputs_reject_share() {
    let f = Fixture::new();
    f.file("events.csv", &events("C1,2026-13-45 10:00,contact_in\n"));
    // 1 of 21 rows: 4.8%, under the limit; a stricter alert fires (exit 3).
    f.cmd(&[
        "metrics",
        "overview",
        ".",
        "--fail-if",
        "events_reject_share>0.01",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "threshold breached: events_reject_share = 0.0476 > 0.01",
    ));
}

#[test]
fn warnings_that_matter_come_with_their_fix() {
    let f = Fixture::new();
    // A `delivery` promise nothing can keep, and an unmapped activity that
    // is a quarter of the log.
    f.file(
        "events.csv",
        "case_id,timestamp,event,due_at,promise_kind\n\
         A,2026-05-01 09:00,case_opened,,\n\
         A,2026-05-01 09:05,promise,2026-05-03 09:00,delivery\n\
         A,2026-05-02 09:00,Parcel scanned,,\n\
         A,2026-05-04 09:00,resolved,,\n",
    );
    let warned = f
        .cmd(&["journeys", ".", "--out", "-", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let warned = String::from_utf8(warned).unwrap();
    assert!(warned.contains("warning: 1 `delivery` promise can never be kept: no [promises.fulfilled_by] rule names the kind and no `promise_kept` event carries it, so each counts as broken once due; name the event that keeps a `delivery` promise: [promises.fulfilled_by] delivery = [\"resolved\"]"), "{warned}");
    assert!(
        warned.contains(
            "warning: activity `Parcel scanned` (1 rows, 25% of events) maps to no event type"
        ),
        "{warned}"
    );
    let v = f.validate_json(&[]);
    let messages: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["warning"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].starts_with("there is no surveys input"));
    // A rule for the kind silences it.
    f.file(
        "cxgap.toml",
        "[promises.fulfilled_by]\ndelivery = [\"resolved\"]\n",
    );
    f.cmd(&["validate", "."])
        .assert()
        .success()
        .stderr(predicate::str::contains("delivery").not());
}

#[test]
fn a_table_of_answers_without_answers_says_why() {
    let f = Fixture::new();
    f.file("events.csv", &events(""));
    f.cmd(&["metrics", "drivers", "."])
        .assert()
        .code(4)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "error: `drivers` compares survey answers, but there is no surveys input",
        ))
        .stderr(predicate::str::contains("hint: name the survey export"));
    // Tables that stand without answers still print.
    f.cmd(&["metrics", "promises", "."]).assert().success();
}
