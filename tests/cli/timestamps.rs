//! SPEC 1.4: one layout per timestamp column, chosen from the whole column;
//! a column that fits two layouts stops the run instead of guessing; rows
//! dated after the run are rejected and cannot move as_of.

use predicates::prelude::*;

use crate::common::{Fixture, expect};

/// `n` cases opened on days 1..=12 of October (day first), each resolved
/// the same day at 18:00, then `tail`.
fn day_first_log(n: usize, tail: &str) -> String {
    let mut s = String::from("case_id,timestamp,event\n");
    for i in 0..n {
        let day = i % 12 + 1;
        s.push_str(&format!("C{i},{day:02}/10/2026 09:00,case_opened\n"));
        s.push_str(&format!("C{i},{day:02}/10/2026 18:00,resolved\n"));
    }
    s + tail
}

#[test]
fn a_day_above_twelve_anywhere_in_the_column_decides_it() {
    let f = Fixture::new();
    // 2,400 rows whose days are all 12 or less (the sample sees only
    // those), then one on 25 October: the whole column is day first.
    f.file(
        "events.csv",
        &day_first_log(1200, "Z,25/10/2026 09:00,case_opened\n"),
    );
    let rows = f.journeys(&[]);
    // C1 was opened on 02/10: 2 October, not 10 February.
    expect(
        &rows,
        "C1",
        &[
            ("opened_at", "2026-10-02T09:00:00Z"),
            ("resolution_hours", "9.0"),
        ],
    );
    expect(&rows, "Z", &[("opened_at", "2026-10-25T09:00:00Z")]);
}

#[test]
fn a_column_both_layouts_read_stops_with_both_readings_and_the_pin() {
    let f = Fixture::new();
    f.file("events.csv", &day_first_log(20, ""));
    f.cmd(&["validate", "."]).assert().code(1).stderr(
        predicate::str::contains(
            "error: ./events.csv: column `timestamp` fits two date layouts: every day and month is 12 or less, so `01/10/2026 09:00` reads as 1 October 2026 (day first) or 10 January 2026 (month first)",
        )
        .and(predicate::str::contains(
            "hint: cxgap does not guess: pin the layout in cxgap.toml\n  [events.timestamp_formats]\n  timestamp = \"%d/%m/%Y %H:%M\"     # day first\n  # timestamp = \"%m/%d/%Y %H:%M\"   # month first",
        )),
    );
    // The pin the hint shows works as written.
    f.file(
        "cxgap.toml",
        "[events.timestamp_formats]\ntimestamp = \"%d/%m/%Y %H:%M\"\n",
    );
    expect(
        &f.journeys(&[]),
        "C0",
        &[("opened_at", "2026-10-01T09:00:00Z")],
    );
}

#[test]
fn rows_after_the_run_are_rejected_and_cannot_move_as_of() {
    let f = Fixture::new();
    // The run happens on 2026-06-01. A row typed as 2999 is rejected; a
    // promise due in 2027 is fine (and pending).
    f.file(
        "events.csv",
        "case_id,timestamp,event,due_at,promise_kind\n\
         A,2026-05-01 09:00,case_opened,,\n\
         A,2026-05-01 10:00,promise,2027-01-01 00:00,callback\n\
         A,2999-05-02 10:00,contact_in,,\n\
         B,2026-05-20 09:00,case_opened,,\n",
    );
    let out = f
        .cmd(&[
            "validate",
            ".",
            "--format",
            "json",
            "--max-reject-share",
            "1",
        ])
        .env("CXGAP_NOW", "2026-06-01T00:00:00Z")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["rejected"][0]["reason"], "timestamp_in_future");
    assert_eq!(v["rejected"][0]["example_lines"], "4");
    assert_eq!(v["summary"][0]["as_of"], "2026-05-20T09:00:00Z");
    assert_eq!(
        v["summary"][0]["as_of_source"],
        "the latest event timestamp (events.csv line 5)"
    );
    // A day of slack for time zones: tomorrow's row is kept.
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-05-01 09:00,case_opened\nA,2026-06-01 20:00,resolved\n",
    );
    f.cmd(&["validate", "."])
        .env("CXGAP_NOW", "2026-06-01T00:00:00Z")
        .assert()
        .success();
}

#[test]
fn report_summary_says_what_as_of_is_and_where_it_came_from() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-05-01 09:00,case_opened\nA,2026-05-02 09:00,resolved\n",
    );
    f.cmd(&["report", ".", "--out", "out"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "as_of 2026-05-02T09:00:00Z, from the latest event timestamp (events.csv line 3)",
        ));
    f.cmd(&["report", ".", "--out", "out", "--as-of", "2026-06-01"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "as_of 2026-06-01T00:00:00Z, from --as-of",
        ));
}
