//! SPEC 2.1: opened_at, resolved_at, reopen after resolve, ties in input
//! order, customer_id and owner attribution.

use crate::common::{Fixture, expect};

// Z's late event sets as_of to 2026-02-01, so every 7-day window is closed.
const EVENTS: &str = "\
case_id,timestamp,event,customer_id,channel,agent,team
A,2026-01-01 09:00,contact_in,,phone,ann,t1
A,2026-01-01 10:00,case_opened,c1,phone,bob,t2
A,2026-01-02 10:00,resolved,,,bob,
A,2026-01-03 10:00,closed,,,,
B,2026-01-01 10:00,case_opened,c2,,,
B,2026-01-02 10:00,resolved,,,,
B,2026-01-03 10:00,reopened,,,,
C,2026-01-01 10:00,case_opened,c3,,,
C,2026-01-02 10:00,resolved,,,,
C,2026-01-03 10:00,reopened,,,,
C,2026-01-04 16:30,resolved,,,,
D,2026-01-01 10:00,case_opened,c4,,,
D,2026-01-02 10:00,reopened,,,,
D,2026-01-02 10:00,resolved,,,,
E,2026-01-01 10:00,case_opened,c5,,,
E,2026-01-02 10:00,resolved,,,,
E,2026-01-02 10:00,reopened,,,,
F,2026-01-01 10:00,case_opened,c6,,,
F,2026-01-01 22:00,closed,,,,
G,2026-01-01 10:00,case_opened,c7,,,
G,2026-01-02 10:00,resolved,,,,
G,2026-01-03 10:00,reopened,,,,
G,2026-01-05 10:00,closed,,,,
Z,2026-02-01 00:00,case_opened,z,,,
";

#[test]
fn opened_resolved_and_reopen() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS);
    let rows = f.journeys(&[]);
    // A: opened at its case_opened (10:00), not its first event (09:00);
    // resolved at the last `resolved`, not the later `closed`; 24 hours.
    expect(
        &rows,
        "A",
        &[
            ("opened_at", "2026-01-01T10:00:00Z"),
            ("resolved_at", "2026-01-02T10:00:00Z"),
            ("resolution_hours", "24.0"),
            ("customer_id", "c1"),
        ],
    );
    // B: resolved then reopened and never resolved again: open.
    expect(
        &rows,
        "B",
        &[
            ("resolved_at", ""),
            ("reopens", "1"),
            ("recontacted", ""),
            ("fcr", ""),
        ],
    );
    // C: the resolution after the reopen counts: Jan 1 10:00 -> Jan 4 16:30 = 78.5 h.
    expect(
        &rows,
        "C",
        &[
            ("resolved_at", "2026-01-04T16:30:00Z"),
            ("resolution_hours", "78.5"),
            ("fcr", "false"),
        ],
    );
    // D: same timestamp, `reopened` listed first: input order puts the
    // resolution after the reopen, so the case is resolved.
    expect(&rows, "D", &[("resolved_at", "2026-01-02T10:00:00Z")]);
    // E: same timestamp, `resolved` listed first: the reopen follows it: open.
    expect(&rows, "E", &[("resolved_at", "")]);
    // F: no `resolved` event: the last `closed` one. 12 hours.
    expect(
        &rows,
        "F",
        &[
            ("resolved_at", "2026-01-01T22:00:00Z"),
            ("resolution_hours", "12.0"),
        ],
    );
    // G: reopened, then closed: a closure after the last reopen resolves it.
    expect(&rows, "G", &[("resolved_at", "2026-01-05T10:00:00Z")]);
}

#[test]
fn owner_is_last_value_by_default_and_first_on_request() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS);
    let rows = f.journeys(&[]);
    // A's last event with a team says t2 (the final closed row has none).
    expect(
        &rows,
        "A",
        &[("team", "t2"), ("agent", "bob"), ("channel", "phone")],
    );
    f.file("cxgap.toml", "attribution = \"first\"\n");
    let rows = f.journeys(&[]);
    expect(&rows, "A", &[("team", "t1"), ("agent", "ann")]);
}

#[test]
fn unsorted_input_is_ordered_by_time_then_input_order() {
    let f = Fixture::new();
    // The resolution is listed before the opening; timestamps decide.
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-02 10:00,resolved\nA,2026-01-01 10:00,case_opened\n",
    );
    let rows = f.journeys(&[]);
    expect(
        &rows,
        "A",
        &[
            ("opened_at", "2026-01-01T10:00:00Z"),
            ("resolution_hours", "24.0"),
        ],
    );
}

/// resolution_hours is exact to the second: whole seconds over 3,600, to
/// six decimals. 8 h printed as 7.999999999999999 before (the engine
/// multiplies by the reciprocal of a constant divisor); 1 h 0 m 1 s is
/// 3,601 s = 1.000278 h; 250 ms count as no second.
#[test]
fn resolution_hours_are_exact_to_the_second() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\n\
         A,2026-05-01 09:00:00,case_opened\nA,2026-05-01 17:00:00,resolved\n\
         B,2026-05-01 09:00:00,case_opened\nB,2026-05-01 23:00:00,resolved\n\
         C,2026-05-01 09:00:00,case_opened\nC,2026-05-01 10:00:01,resolved\n\
         D,2026-05-01 09:00:00.000,case_opened\nD,2026-05-01 09:00:00.250,resolved\n",
    );
    let rows = f.journeys(&[]);
    for (case, hours) in [("A", "8.0"), ("B", "14.0"), ("C", "1.000278"), ("D", "0.0")] {
        expect(&rows, case, &[("resolution_hours", hours)]);
    }
}

/// SPEC 2.1, `reopen_on_activity`: in a log without a `reopened` activity,
/// the first work event after a `resolved` one reopens the case (later work
/// before the next resolution is the same reopening); closed, survey and
/// the listed `reopen_ignore` types or activities are not work.
#[test]
fn reopen_on_activity_in_logs_without_a_reopened_activity() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\n\
         A,2026-05-01 09:00,case_opened\nA,2026-05-01 10:00,resolved\n\
         A,2026-05-02 09:00,Take in charge\nA,2026-05-02 10:00,Wait\n\
         A,2026-05-03 10:00,resolved\nA,2026-05-06 10:00,closed\n\
         B,2026-05-01 09:00,case_opened\nB,2026-05-01 10:00,resolved\n\
         B,2026-05-02 09:00,Take in charge\n\
         C,2026-05-01 09:00,case_opened\nC,2026-05-01 10:00,resolved\n\
         C,2026-05-01 11:00,Internal note\nC,2026-05-01 12:00,survey_sent\n\
         C,2026-05-04 10:00,closed\n\
         D,2026-05-01 09:00,case_opened\nD,2026-05-01 10:00,resolved\n\
         D,2026-05-02 09:00,contact_in\nD,2026-05-02 10:00,resolved\n\
         D,2026-05-03 09:00,contact_in\n\
         E,2026-05-01 09:00,case_opened\nE,2026-05-01 10:00,resolved\n\
         E,2026-05-02 09:00,reopened\nE,2026-05-02 09:30,transfer\n\
         E,2026-05-02 12:00,resolved\n\
         Z,2026-06-01 00:00,case_opened\n",
    );
    // Without the setting only `reopened` events count.
    let rows = f.journeys(&[]);
    expect(
        &rows,
        "B",
        &[("reopens", "0"), ("resolved_at", "2026-05-01T10:00:00Z")],
    );
    expect(&rows, "E", &[("reopens", "1")]);
    f.file(
        "cxgap.toml",
        "reopen_on_activity = true\nreopen_ignore = [\"Internal note\"]\n",
    );
    let rows = f.journeys(&[]);
    // A: reopened once (Take in charge; Wait is the same reopening),
    // resolved again on 3 May.
    expect(
        &rows,
        "A",
        &[
            ("reopens", "1"),
            ("resolved_at", "2026-05-03T10:00:00Z"),
            ("fcr", "false"),
        ],
    );
    // B: work after the resolution, none since: open.
    expect(&rows, "B", &[("reopens", "1"), ("resolved_at", "")]);
    // C: a listed note and the survey are not work; closed does not reopen.
    expect(
        &rows,
        "C",
        &[("reopens", "0"), ("resolved_at", "2026-05-01T10:00:00Z")],
    );
    // D: two reopenings; open after the second.
    expect(&rows, "D", &[("reopens", "2"), ("resolved_at", "")]);
    // E: the explicit reopen and the transfer after it are one reopening.
    expect(
        &rows,
        "E",
        &[("reopens", "1"), ("resolved_at", "2026-05-02T12:00:00Z")],
    );
}
