//! SPEC 2.2: count rows attributed by case_id or by customer date range
//! (most recently opened wins), unattributed rows, add vs max overlap.

use crate::common::{Fixture, expect};

const EVENTS: &str = "\
case_id,timestamp,event,customer_id,channel
P,2026-01-01 09:00,case_opened,cust1,phone
P,2026-01-01 09:00,contact_in,cust1,phone
P,2026-01-01 12:00,contact_out,cust1,phone
P,2026-01-05 10:00,resolved,,
Q,2026-01-03 08:00,case_opened,cust1,
Q,2026-01-04 10:00,resolved,,
R,2026-01-10 08:00,case_opened,cust2,
R,2026-01-10 08:00,contact_in,cust2,chat
Z,2026-02-01 00:00,case_opened,zz,
";

// Lines: 2 -> P by range, 3 -> Q (P and Q both span Jan 4; Q opened later),
// 4 -> P by case_id, 5 -> P by case_id (same day as a logged call),
// 6 -> R (open: its range runs to as_of, Feb 1), 7 -> before R opened: no
// case, 8 -> unknown case id, 9 -> unknown customer.
const CONTACTS: &str = "\
date,customer_id,case_id,contacts,direction,channel
2026-01-02,cust1,,2,in,phone
2026-01-04,cust1,,1,,phone
2026-01-01,,P,1,out,phone
2026-01-01,,P,1,in,phone
2026-01-20,cust2,,1,in,phone
2026-01-09,cust2,,1,in,phone
2026-01-06,,NOPE,1,in,phone
2026-01-07,cust9,,1,in,
";

#[test]
fn attribution_and_add_overlap() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("contacts.csv", CONTACTS);
    let rows = f.journeys(&[]);
    // P inbound: 1 logged + 2 (line 2) + 1 (line 5) = 4; repeat = 4 - 1 = 3.
    // P outbound: 1 logged + 1 (line 4) = 2.
    expect(
        &rows,
        "P",
        &[
            ("inbound_contacts", "4"),
            ("outbound_contacts", "2"),
            ("repeat_contacts", "3"),
            ("has_repeat", "true"),
        ],
    );
    // Q: line 3 (direction empty = in) -> 1 inbound, no repeat; resolved
    // Jan 4 10:00, no cust1 contact after it and the window closed: FCR.
    expect(
        &rows,
        "Q",
        &[
            ("inbound_contacts", "1"),
            ("repeat_contacts", "0"),
            ("has_repeat", "false"),
            ("recontacted", "false"),
            ("fcr", "true"),
        ],
    );
    // R: 1 logged chat + line 6 = 2.
    expect(
        &rows,
        "R",
        &[("inbound_contacts", "2"), ("repeat_contacts", "1")],
    );
}

#[test]
fn max_overlap_takes_the_larger_per_day() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS)
        .file("contacts.csv", CONTACTS)
        .file("cxgap.toml", "[contacts]\noverlap = \"max\"\n");
    let rows = f.journeys(&[]);
    // P inbound per day: Jan 1 max(1 logged, 1 counted) = 1, Jan 2 max(0, 2)
    // = 2: 3 in all. Outbound Jan 1: max(1, 1) = 1.
    expect(
        &rows,
        "P",
        &[("inbound_contacts", "3"), ("outbound_contacts", "1")],
    );
}

#[test]
fn unattributed_rows_are_counted_by_reason() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("contacts.csv", CONTACTS);
    let v = f.validate_json(&[]);
    let un = v["unattributed_contacts"].as_array().unwrap();
    // Lines 7 and 9 fit no customer case; line 8 names an unknown case.
    assert_eq!(un.len(), 2);
    assert_eq!(un[0]["reason"], "no_case_for_customer");
    assert_eq!(un[0]["rows"], 2);
    assert_eq!(un[0]["example_lines"], "7 9");
    assert_eq!(un[1]["reason"], "unknown_case");
    assert_eq!(un[1]["example_lines"], "8");
    // 8 rows read = 8 used + 0 rejected: unattributed rows are still used.
    let contacts = &v["inputs"].as_array().unwrap()[1];
    assert_eq!(contacts["input"], "contacts");
    assert_eq!(contacts["rows_read"], 8);
    assert_eq!(contacts["rows_used"], 8);
}

/// SPEC 1.5: an interaction-level export (one row per call, chat or
/// email) is counted by cxgap itself: the same contacts as daily counts
/// give every journey column the same value. `CONTACTS` as interactions:
/// line 2's two calls are two rows, directions spelled as a telephony
/// platform spells them, times of day instead of dates.
#[test]
fn interactions_count_like_daily_counts() {
    let counted = Fixture::new();
    counted
        .file("events.csv", EVENTS)
        .file("contacts.csv", CONTACTS);
    let interactions = Fixture::new();
    interactions
        .file("events.csv", EVENTS)
        .file(
            "calls.csv",
            "Conversation ID,Start Time,Account,Ticket,Direction,Media Type\n\
             c1,2026-01-02 09:15:00,cust1,,Inbound,phone\n\
             c2,2026-01-02 16:40:00,cust1,,Inbound,phone\n\
             c3,2026-01-04 11:00:00,cust1,,,phone\n\
             c4,2026-01-01 13:00:00,,P,Outbound call,phone\n\
             c5,2026-01-01 15:00:00,,P,inbound call,phone\n\
             c6,2026-01-20 10:00:00,cust2,,INBOUND,phone\n\
             c7,2026-01-09 10:00:00,cust2,,Inbound,phone\n\
             c8,2026-01-06 10:00:00,,NOPE,Inbound,phone\n\
             c9,2026-01-07 10:00:00,cust9,,Inbound,\n",
        )
        .file(
            "cxgap.toml",
            "[contacts]\npath = \"calls.csv\"\nshape = \"interactions\"\n\
             [contacts.columns]\ndate = \"Start Time\"\ncustomer_id = \"Account\"\ncase_id = \"Ticket\"\n\
             direction = \"Direction\"\nchannel = \"Media Type\"\n",
        );
    assert_eq!(interactions.journeys(&[]), counted.journeys(&[]));
    // Without `shape`, a file with no count column is not guessed at.
    interactions.file(
        "cxgap.toml",
        "[contacts]\npath = \"calls.csv\"\n[contacts.columns]\ndate = \"Start Time\"\ncustomer_id = \"Account\"\n",
    );
    interactions
        .cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "missing required column `contacts`",
        ))
        .stderr(predicates::str::contains(
            "or, if each row is one call, chat or email, set [contacts] shape = \"interactions\"",
        ));
}
