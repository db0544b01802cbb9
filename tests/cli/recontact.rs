//! SPEC 2.3: recontact within W across a customer's cases and count rows,
//! the pending rule while the window is open, and FCR.

use crate::common::{Fixture, expect};

// as_of = Z's event, 2026-03-25 10:00. W = 7 days.
const EVENTS: &str = "\
case_id,timestamp,event,customer_id
S1,2026-03-01 09:00,contact_in,s1
S1,2026-03-01 10:00,resolved,
S1b,2026-03-05 09:00,contact_in,s1
S1b,2026-03-05 10:00,resolved,
S2,2026-03-20 09:00,contact_in,s2
S2,2026-03-20 10:00,resolved,
S3,2026-03-10 09:00,contact_in,s3
S3,2026-03-10 10:00,resolved,
S4,2026-03-10 09:00,contact_in,s4
S4,2026-03-10 10:00,resolved,
S5,2026-03-01 09:00,contact_in,
S5,2026-03-01 10:00,resolved,
S5,2026-03-03 09:00,contact_in,
S7,2026-03-22 09:00,contact_in,s7
S7,2026-03-22 10:00,resolved,
S7b,2026-03-23 09:00,contact_in,s7
E1,2026-03-01 09:00,contact_in,e1
E1,2026-03-01 10:00,resolved,
E1b,2026-03-08 10:00,contact_in,e1
E2,2026-03-01 09:00,contact_in,e2
E2,2026-03-01 10:00,resolved,
E2b,2026-03-08 10:01,contact_in,e2
Z,2026-03-25 10:00,case_opened,z
";

// s3's call on Mar 17 is 7 days after its Mar 10 resolution (counts);
// s4's on Mar 18 is 8 days after (does not).
const CONTACTS: &str = "\
date,customer_id,contacts
2026-03-17,s3,1
2026-03-18,s4,1
";

#[test]
fn recontact_windows() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("contacts.csv", CONTACTS);
    let rows = f.journeys(&[]);
    // S1 resolved Mar 1 10:00; s1 called again on Mar 5 (case S1b): 4 days.
    expect(&rows, "S1", &[("recontacted", "true"), ("fcr", "false")]);
    // S1b: nothing from s1 after Mar 5 10:00; window closed Mar 12 < as_of.
    expect(&rows, "S1b", &[("recontacted", "false"), ("fcr", "true")]);
    // S2: resolved Mar 20 10:00, window ends Mar 27 10:00 > as_of Mar 25:
    // no recontact yet means pending (empty), not "no"; fcr pending too.
    expect(&rows, "S2", &[("recontacted", ""), ("fcr", "")]);
    // S3: a count row 7 days after the resolved date.
    expect(&rows, "S3", &[("recontacted", "true"), ("fcr", "false")]);
    // S4: a count row 8 days after: outside W.
    expect(&rows, "S4", &[("recontacted", "false"), ("fcr", "true")]);
    // S5 has no customer: only its own events count; its Mar 3 call is one.
    expect(
        &rows,
        "S5",
        &[("recontacted", "true"), ("inbound_contacts", "2")],
    );
    // S7: window still open, but the recontact already happened: true.
    expect(&rows, "S7", &[("recontacted", "true"), ("fcr", "false")]);
    // E1: a call exactly at resolved_at + 7 days is inside (closed end);
    // E2: one minute later is outside.
    expect(&rows, "E1", &[("recontacted", "true")]);
    expect(&rows, "E2", &[("recontacted", "false"), ("fcr", "true")]);
}

#[test]
fn repeat_window_flag_changes_w() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("contacts.csv", CONTACTS);
    // W = 3 days: S1's Mar 5 call (4 days later) no longer counts, and S2's
    // window (Mar 23 10:00) has closed by as_of.
    let rows = f.journeys(&["--repeat-window-days", "3"]);
    expect(&rows, "S1", &[("recontacted", "false"), ("fcr", "true")]);
    expect(&rows, "S2", &[("recontacted", "false"), ("fcr", "true")]);
}

#[test]
fn as_of_flag_reopens_windows() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("contacts.csv", CONTACTS);
    // With as_of = Mar 12 00:00, S4 (window to Mar 17 10:00) is pending.
    let rows = f.journeys(&["--as-of", "2026-03-12"]);
    expect(&rows, "S4", &[("recontacted", ""), ("fcr", "")]);
}
