//! SPEC 2.5: transfers, escalations, identifications, channels, agents,
//! teams and follow-up.

use crate::common::{Fixture, expect};

const EVENTS: &str = "\
case_id,timestamp,event,customer_id,channel,agent,team
F1,2026-06-01 09:00,case_opened,f1,phone,a1,t1
F1,2026-06-01 09:00,contact_in,,phone,a1,t1
F1,2026-06-01 09:02,identify,,phone,a1,t1
F1,2026-06-01 09:10,transfer,,phone,a2,t2
F1,2026-06-01 11:00,contact_in,,email,a2,t2
F1,2026-06-01 12:00,escalation,,,a3,t3
F1,2026-06-01 12:05,identify,,,a3,t3
F1,2026-06-02 10:00,resolved,,,a3,t3
F1,2026-06-03 10:00,contact_out,,phone,a3,t3
F2,2026-06-01 09:00,contact_in,f2,web,b1,t1
F2,2026-06-01 10:00,resolved,,,,
F2,2026-06-02 12:00,contact_out,,phone,b1,t1
F3,2026-06-01 09:00,contact_in,f3,chat,c1,t1
F4,2026-06-01 09:00,contact_in,f4,chat,c1,t1
F4,2026-06-01 10:00,resolved,,,,
F4,2026-06-09 12:00,contact_out,,phone,c1,t1
Z,2026-07-01 00:00,case_opened,z,,,
";

// F2 answered on Jun 2 09:00, before its Jun 2 12:00 follow-up call.
const SURVEYS: &str = "survey_id,case_id,responded_at,score\nv1,F2,2026-06-02 09:00,4\n";

#[test]
fn journey_features() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("surveys.csv", SURVEYS);
    let rows = f.journeys(&[]);
    // F1: 1 transfer, an escalation, 2 identify events; contact channels
    // phone, email, phone (the follow-up) = 2 distinct; agents a1, a2, a3;
    // teams t1, t2, t3. The Jun 3 call is after resolution, within W and
    // there is no survey: followed up.
    expect(
        &rows,
        "F1",
        &[
            ("transfers", "1"),
            ("escalated", "true"),
            ("identifications", "2"),
            ("channels_used", "2"),
            ("agents_touched", "3"),
            ("teams_touched", "3"),
            ("inbound_contacts", "2"),
            ("outbound_contacts", "1"),
            ("followed_up", "true"),
        ],
    );
    // F2: the call came after the survey response: not a follow-up, but
    // a call back about the answer (SPEC 3.10 `done`).
    expect(
        &rows,
        "F2",
        &[
            ("followed_up", "false"),
            ("called_back", "true"),
            ("last_event_at", "2026-06-02T12:00:00Z"),
            ("escalated", "false"),
            ("transfers", "0"),
        ],
    );
    // F3 is open: follow-up does not apply; nor, without an answer, a
    // call back.
    expect(
        &rows,
        "F3",
        &[
            ("followed_up", ""),
            ("resolved_at", ""),
            ("called_back", ""),
        ],
    );
    // F4: the call came 8 days after resolution, outside W = 7.
    expect(&rows, "F4", &[("followed_up", "false")]);
}

#[test]
fn extra_columns_are_dimensions() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event,Region,Product Line\nA,2026-01-01 10:00,case_opened,North,\nA,2026-01-01 11:00,resolved,South,Fibre\n",
    );
    let rows = f.journeys(&[]);
    // The last value of each extra column is the case's.
    expect(
        &rows,
        "A",
        &[("Region", "South"), ("Product Line", "Fibre")],
    );
}
