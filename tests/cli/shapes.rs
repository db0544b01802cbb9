//! SPEC 1.5: real exports read as they come. A wide case table (one row per
//! ticket or order) is read as the long log it stands for: the same cases
//! written both ways give the same value in every journey column.

use predicates::prelude::*;
use serde_json::json;

use crate::common::{Fixture, expect, figure_row};

/// A help desk's ticket export: created, first reply, solved, a due date,
/// reopen and contact counts, a satisfaction answer on the row.
const TICKETS: &str = "\
Id,Requester id,Created at,First reply at,Solved at,Due date,Group,Assignee,Via,Reopens,Customer contacts,Priority,Satisfaction,Rated at
1,R1,2026-05-01 09:00,2026-05-01 10:00,2026-05-02 09:00,2026-05-03 09:00,Billing,ann,email,0,1,high,Very satisfied,2026-05-02 12:00
2,R2,2026-05-01 09:00,,2026-05-05 09:00,2026-05-03 09:00,Billing,bob,Phone,1,3,low,Dissatisfied,2026-05-06 09:00
3,R1,2026-05-04 09:00,2026-05-04 09:30,,2026-05-06 09:00,Tech,ann,chat,0,1,low,,
";

const TICKETS_TOML: &str = r#"
[events]
path = "tickets.csv"
shape = "wide"

[events.columns]
case_id = "Id"
customer_id = "Requester id"
team = "Group"
agent = "Assignee"
channel = "Via"

[events.timestamps]
"Created at" = "case_opened"
"First reply at" = "contact_out"
"Solved at" = "resolved"

[events.due_dates]
"Due date" = { kind = "resolution" }

[events.counts]
"Customer contacts" = "contact_in"
"Reopens" = "reopened"

[events.survey]
score = "Satisfaction"
responded_at = "Rated at"
"#;

/// The same cases as a long log, by the rules of docs/config.md: each
/// timestamp column an event at its time; the due date a promise made at
/// the opening; counts as that many events at the opening (in the order
/// timestamps, promises, counts, so ties fall alike); the survey with the
/// case id as its id.
const LONG: &str = "\
Id,Requester id,When,Event,Group,Assignee,Via,Priority,Due,Kind
1,R1,2026-05-01 09:00,case_opened,Billing,ann,email,high,,
1,R1,2026-05-01 09:00,promise,Billing,ann,email,high,2026-05-03 09:00,resolution
1,R1,2026-05-01 09:00,contact_in,Billing,ann,email,high,,
1,R1,2026-05-01 10:00,contact_out,Billing,ann,email,high,,
1,R1,2026-05-02 09:00,resolved,Billing,ann,email,high,,
2,R2,2026-05-01 09:00,case_opened,Billing,bob,Phone,low,,
2,R2,2026-05-01 09:00,promise,Billing,bob,Phone,low,2026-05-03 09:00,resolution
2,R2,2026-05-01 09:00,contact_in,Billing,bob,Phone,low,,
2,R2,2026-05-01 09:00,contact_in,Billing,bob,Phone,low,,
2,R2,2026-05-01 09:00,contact_in,Billing,bob,Phone,low,,
2,R2,2026-05-01 09:00,reopened,Billing,bob,Phone,low,,
2,R2,2026-05-05 09:00,resolved,Billing,bob,Phone,low,,
3,R1,2026-05-04 09:00,case_opened,Tech,ann,chat,low,,
3,R1,2026-05-04 09:00,promise,Tech,ann,chat,low,2026-05-06 09:00,resolution
3,R1,2026-05-04 09:00,contact_in,Tech,ann,chat,low,,
3,R1,2026-05-04 09:30,contact_out,Tech,ann,chat,low,,
";

const LONG_SURVEYS: &str = "\
survey_id,case_id,responded_at,score
1,1,2026-05-02 12:00,Very satisfied
2,2,2026-05-06 09:00,Dissatisfied
";

const LONG_TOML: &str = r#"
[events]
path = "long.csv"

[events.columns]
case_id = "Id"
customer_id = "Requester id"
timestamp = "When"
event = "Event"
team = "Group"
agent = "Assignee"
channel = "Via"
due_at = "Due"
promise_kind = "Kind"

[surveys]
path = "surveys.csv"
"#;

#[test]
fn a_wide_ticket_table_reads_as_the_long_log_it_stands_for() {
    let wide = Fixture::new();
    wide.file("tickets.csv", TICKETS)
        .file("cxgap.toml", TICKETS_TOML);
    let long = Fixture::new();
    long.file("long.csv", LONG)
        .file("surveys.csv", LONG_SURVEYS)
        .file("cxgap.toml", LONG_TOML);
    let rows = wide.journeys(&[]);
    assert_eq!(rows, long.journeys(&[]));
    // Worked by hand: ticket 2 was reopened once (count), had 3 customer
    // contacts (2 repeats) and missed its resolution promise (solved
    // 5 May, due 3 May); ticket 3 is open with its promise pending (due
    // 6 May after as_of, 5 May 09:00); the survey joined by the ticket id.
    expect(
        &rows,
        "2",
        &[
            ("reopens", "1"),
            ("inbound_contacts", "3"),
            ("repeat_contacts", "2"),
            ("promises_late", "1"),
            ("score", "2.0"),
            ("Priority", "low"),
            ("channel", "phone"),
        ],
    );
    expect(
        &rows,
        "3",
        &[
            ("resolved_at", ""),
            ("promises_pending", "1"),
            ("surveyed", "false"),
        ],
    );
    // Every report table agrees too.
    for table in ["overview", "drivers", "promises", "segments"] {
        let run = |f: &Fixture| f.stdout(&["metrics", table, ".", "--format", "csv"]);
        assert_eq!(run(&wide), run(&long), "{table}");
    }
}

#[test]
fn a_case_row_is_read_whole_or_rejected_whole() {
    let f = Fixture::new();
    f.file(
        "tickets.csv",
        &format!(
            "{TICKETS}4,R4,2026-05-01 09:00,soon,,,Tech,ann,chat,0,1,low,,\n\
             5,R5,2026-05-01 09:00,,,,Tech,ann,chat,lots,1,low,,\n\
             1,R1,2026-05-01 09:00,,,,Tech,ann,chat,0,0,low,,\n\
             6,R6,,,,,Tech,ann,chat,0,0,low,,\n"
        ),
    )
    .file("cxgap.toml", TICKETS_TOML);
    let v = f.validate_json(&["--max-reject-share", "1"]);
    let reasons: Vec<(String, String, String)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reason"].as_str().unwrap().to_string(),
                r["column"].as_str().unwrap_or_default().to_string(),
                r["example_lines"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Line 5: an unreadable first reply; 6: a count that is no number;
    // 7: ticket 1 again (the first stays); 8: no time at all.
    assert_eq!(
        reasons,
        [
            ("bad_count".into(), "Reopens".into(), "6".into()),
            ("bad_timestamp".into(), "First reply at".into(), "5".into()),
            ("duplicate_case_id".into(), "Id".into(), "7".into()),
            ("no_timestamp".into(), "Created at".into(), "8".into()),
        ]
    );
    // Rows read are case rows: 7 = 3 used + 4 rejected.
    let events = &v["inputs"][0];
    assert_eq!(
        (events["rows_read"].as_u64(), events["rows_used"].as_u64()),
        (Some(7), Some(3))
    );
    // The case view shows the events a row stands for.
    f.cmd(&["case", "2", ".", "--max-reject-share", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Customer contacts"))
        .stdout(predicate::str::contains("Solved at"));
}

/// A marketplace's orders (one row per order, five timestamp columns, an
/// estimated delivery date) and its reviews beside it. The estimate is a
/// `delivery` promise kept by the delivery time: o1 delivered 5 March,
/// due 10 March (kept); o2 delivered 12 March 15:00, 2 days 15 h late
/// (63 h); o3 never delivered, due 8 March, broken at as_of (the latest
/// event, 12 March 15:00): 4 days 15 h = 111 h. Miss rate 2 / 3, median
/// hours late (63 + 111) / 2 = 87.
#[test]
fn an_orders_table_with_its_delivery_promise_and_reviews() {
    let f = Fixture::new();
    f.file(
        "orders.csv",
        "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date\n\
         o1,c1,delivered,2026-03-01 10:00:00,2026-03-01 11:00:00,2026-03-02 09:00:00,2026-03-05 15:00:00,2026-03-10 00:00:00\n\
         o2,c2,delivered,2026-03-01 10:00:00,2026-03-01 11:00:00,2026-03-02 09:00:00,2026-03-12 15:00:00,2026-03-10 00:00:00\n\
         o3,c3,shipped,2026-03-01 10:00:00,2026-03-01 11:00:00,2026-03-02 09:00:00,,2026-03-08 00:00:00\n",
    )
    .file(
        "reviews.csv",
        "review_id,order_id,review_score,review_creation_date,review_answer_timestamp\n\
         r1,o1,5,2026-03-06 00:00:00,2026-03-06 10:00:00\n\
         r2,o2,1,2026-03-13 00:00:00,2026-03-13 08:00:00\n",
    )
    .file(
        "cxgap.toml",
        r#"
[events]
path = "orders.csv"
shape = "wide"
[events.columns]
case_id = "order_id"
customer_id = "customer_id"
[events.timestamps]
order_purchase_timestamp = "case_opened"
order_approved_at = "Payment approved"
order_delivered_carrier_date = "Handed to carrier"
order_delivered_customer_date = "resolved"
[events.due_dates]
order_estimated_delivery_date = { kind = "delivery", kept = "order_delivered_customer_date" }

[surveys]
path = "reviews.csv"
[surveys.columns]
survey_id = "review_id"
case_id = "order_id"
score = "review_score"
sent_at = "review_creation_date"
responded_at = "review_answer_timestamp"
"#,
    );
    let rows = f.journeys(&[]);
    expect(
        &rows,
        "o1",
        &[
            ("promises_kept", "1"),
            ("score", "5.0"),
            ("order_status", "delivered"),
        ],
    );
    expect(&rows, "o2", &[("promises_late", "1"), ("score", "1.0")]);
    expect(
        &rows,
        "o3",
        &[("promises_broken", "1"), ("resolved_at", "")],
    );
    let v = f.metrics_json(&["promises"]);
    let delivery = &v[0];
    assert_eq!(delivery["kind"], "delivery");
    assert_eq!(
        (
            delivery["made"].as_i64(),
            delivery["kept"].as_i64(),
            delivery["late"].as_i64(),
            delivery["broken"].as_i64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    assert_eq!(delivery["miss_rate"], 0.6667);
    assert_eq!(delivery["median_hours_late"], 87.0);
}

/// A case table beside a long log: joined by case id, its columns become
/// dimensions and its team is the case's team where it has one.
#[test]
fn case_attributes_beside_a_long_log() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event,team\nA,2026-05-01 09:00,case_opened,Front\nA,2026-05-02 09:00,resolved,Front\n\
         B,2026-05-01 09:00,case_opened,Front\nB,2026-05-02 09:00,resolved,Front\n",
    )
    .file(
        "cases.csv",
        "Ticket,Product,Region,Team\nA,Broadband,North,Escalations\nB,Mobile,South,\nB,Mobile,East,\nX,TV,West,\n",
    )
    .file(
        "cxgap.toml",
        "[cases]\npath = \"cases.csv\"\n[cases.columns]\ncase_id = \"Ticket\"\nteam = \"Team\"\n",
    );
    // One duplicate of four rows is above the 5% limit: allowed here.
    let rows = f.journeys(&["--max-reject-share", "1"]);
    expect(
        &rows,
        "A",
        &[
            ("Product", "Broadband"),
            ("Region", "North"),
            ("team", "Escalations"),
        ],
    );
    // B: the table has no team for it, so the log's stands; its second row
    // is rejected (one row per case).
    expect(
        &rows,
        "B",
        &[
            ("Product", "Mobile"),
            ("Region", "South"),
            ("team", "Front"),
        ],
    );
    let v = f.validate_json(&["--max-reject-share", "1"]);
    assert_eq!(v["rejected"][0]["reason"], "duplicate_case_id");
    assert_eq!(v["rejected"][0]["input"], "cases");
    assert_eq!(v["inputs"][1]["input"], "cases");
    let warnings = v["warnings"].to_string();
    assert!(
        // The file by its name: the page does not change with the folder
        // the run was started from.
        warnings.contains("1 rows of cases.csv name no case in the events"),
        "{warnings}"
    );
    // A case attribute is a column like any other.
    f.cmd(&[
        "sql",
        "SELECT Region, COUNT(*) AS cases FROM journeys GROUP BY Region ORDER BY Region",
        ".",
        "--format",
        "csv",
        "--max-reject-share",
        "1",
    ])
    .assert()
    .success()
    .stdout("Region,cases\nNorth,1\nSouth,1\n");
}

/// An ITSM incident list (ServiceNow's): one row per incident with its
/// opening, its state now and the time of its last update, and no column
/// that times the resolution. `init` maps the state as of the update
/// (`[events.state]`) and the states that end a case; the state at the
/// update is the case's last step.
const INCIDENTS: &str = "\
number,opened_at,state,caller_id,assignment_group,sys_updated_on
INC1,3/13/2025 8:00,Resolved,ann,Desk,3/14/2025 10:00
INC2,3/13/2025 9:00,Closed,bob,Desk,3/16/2025 9:00
INC3,3/14/2025 9:00,In Progress,ann,Desk,3/15/2025 9:00
INC4,3/17/2025 9:00,Closed,cy,Network,3/16/2025 9:00
INC5,3/14/2025 12:00,Resolved,dee,Network,3/14/2025 14:00
INC6,3/15/2025 8:00,Resolved,bob,Desk,3/15/2025 20:00
INC7,3/15/2025 9:00,Closed,eve,Network,3/17/2025 9:00
INC8,3/16/2025 9:00,In Progress,ann,Desk,3/16/2025 10:00
INC9,3/16/2025 10:00,Resolved,fay,Desk,3/18/2025 10:00
";

#[test]
fn an_incident_list_is_resolved_by_its_state_at_the_last_update() {
    let f = Fixture::new();
    f.file("incident.csv", INCIDENTS);
    f.cmd(&["init", ".", "incident.csv"]).assert().success();
    let toml = std::fs::read_to_string(f.join("cxgap.toml")).unwrap();
    for line in [
        "opened_at = \"case_opened\"",
        "[events.state]",
        "column = \"state\"",
        "at = \"sys_updated_on\"",
        "resolved = [\"Resolved\"]",
        "closed = [\"Closed\"]",
    ] {
        assert!(toml.contains(line), "{line}\n{toml}");
    }
    // INC4 was closed a day before it opened: that cell is rejected
    // (before_case_opened, 1 of 9 rows, above the 5% gate) and the case
    // stays open.
    let v = f.validate_json(&["--max-reject-share", "0.2"]);
    assert_eq!(v["rejected"][0]["reason"], "before_case_opened");
    assert_eq!(v["rejected"][0]["column"], "sys_updated_on");
    assert_eq!(v["rejected"][0]["example_lines"], "5");
    let rows = f.journeys(&["--max-reject-share", "0.2"]);
    // By hand: a Resolved or Closed state resolves at its update, any
    // other state leaves the case open.
    for (case, resolved, hours) in [
        ("INC1", "2025-03-14T10:00:00Z", "26.0"),
        ("INC2", "2025-03-16T09:00:00Z", "72.0"),
        ("INC3", "", ""),
        ("INC4", "", ""),
        ("INC7", "2025-03-17T09:00:00Z", "48.0"),
        ("INC8", "", ""),
    ] {
        expect(
            &rows,
            case,
            &[("resolved_at", resolved), ("resolution_hours", hours)],
        );
    }
    // Resolved 26, 72, 2, 12, 48, 48 h: median (26 + 48) / 2 = 37 h.
    let overview = f.metrics_json(&["overview", "--max-reject-share", "0.2"]);
    assert_eq!(figure_row(&overview, "open_cases")["value"], 3.0);
    assert_eq!(
        figure_row(&overview, "median_resolution_hours")["value"],
        37.0
    );
    // The update time is the state's: a second mapping of it is refused.
    f.file(
        "cxgap.toml",
        &toml.replace(
            "opened_at = \"case_opened\"",
            "opened_at = \"case_opened\"\nsys_updated_on = \"updated\"",
        ),
    );
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`sys_updated_on` is also in [events.timestamps]: its event is the case's state",
        ));
}

/// A ticket table whose end is only a duration (`resolution_time_hours`,
/// ServiceNow's `calendar_duration`): `[events.durations]` puts the
/// resolution that long after the opening. init finds it by the name's
/// words and the values; the table's one time is the opening.
#[test]
fn a_duration_column_resolves_the_case_that_long_after_it_opened() {
    let f = Fixture::new();
    let clean = "\
ticket,date,resolution_time_hours,client_tier,disposal_hours
T1,2025-03-10 08:00,26,Gold,6
T2,2025-03-10 09:00,1.5,Silver,
T3,2025-03-11 10:00,,Gold,4
";
    f.file("tickets.csv", clean);
    f.cmd(&["init", ".", "tickets.csv"]).assert().success();
    let toml = std::fs::read_to_string(f.join("cxgap.toml")).unwrap();
    for line in [
        "case_id = \"ticket\"",
        "date = \"case_opened\"",
        "\"resolution_time_hours\" = { event = \"resolved\", unit = \"hours\" }",
    ] {
        assert!(toml.contains(line), "{line}\n{toml}");
    }
    // A tier of clients is no client; the booking's hours are no duration
    // of the case.
    assert!(!toml.contains("customer_id = \"client_tier\""), "{toml}");
    assert!(!toml.contains("\"disposal_hours\" ="), "{toml}");
    // A negative duration lands before the opening: that cell is rejected
    // (line 5), the case kept open. Text is no duration: the row goes
    // (line 6).
    f.file(
        "tickets.csv",
        &format!("{clean}T4,2025-03-11 11:00,-3,Gold,\nT5,2025-03-12 12:00,soon,Gold,\nT6,2025-03-12 13:00,48,Silver,\n"),
    );
    let v = f.validate_json(&["--max-reject-share", "0.5"]);
    let reasons: Vec<(String, String, String)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reason"].as_str().unwrap().to_string(),
                r["column"].as_str().unwrap().to_string(),
                r["example_lines"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&(
            "bad_duration".into(),
            "resolution_time_hours".into(),
            "6".into()
        )),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&(
            "before_case_opened".into(),
            "resolution_time_hours".into(),
            "5".into()
        )),
        "{reasons:?}"
    );
    // By hand: opened + hours.
    let rows = f.journeys(&["--max-reject-share", "0.5"]);
    for (case, resolved, hours) in [
        ("T1", "2025-03-11T10:00:00Z", "26.0"),
        ("T2", "2025-03-10T10:30:00Z", "1.5"),
        ("T3", "", ""),
        ("T4", "", ""),
        ("T6", "2025-03-14T13:00:00Z", "48.0"),
    ] {
        expect(
            &rows,
            case,
            &[("resolved_at", resolved), ("resolution_hours", hours)],
        );
    }
    // Five cases (T5's row is rejected), T3 and T4 open; resolved in 26,
    // 1.5 and 48 h: median 26 h.
    let overview = f.metrics_json(&["overview", "--max-reject-share", "0.5"]);
    assert_eq!(figure_row(&overview, "cases")["value"], 5.0);
    assert_eq!(figure_row(&overview, "open_cases")["value"], 2.0);
    assert_eq!(
        figure_row(&overview, "median_resolution_hours")["value"],
        26.0
    );
    // A duration counts from a time: with no opening mapped, the config
    // says which key to add.
    f.file(
        "cxgap.toml",
        &toml.replace("date = \"case_opened\"", "date = \"logged\""),
    );
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a duration counts from a time, and no column is mapped as case_opened",
        ))
        .stderr(predicate::str::contains("from = \"Created\""));
}

/// A log that lists each case newest first (a Jira history) with date-only
/// times: rows of one day happened bottom up. init sees the times go back
/// within every case and writes `order = "newest_first"`; read so, A is
/// resolved at its close after the reopen and B reopened after resolving.
#[test]
fn a_log_listed_newest_first_reads_its_same_day_rows_bottom_up() {
    let f = Fixture::new();
    f.file(
        "history.csv",
        "\
ticket,date,status
A,2025-03-05,Closed
A,2025-03-05,Reopened
A,2025-03-04,Resolved
A,2025-03-03,Created
B,2025-03-06,Reopened
B,2025-03-06,Resolved
B,2025-03-03,Created
C,2025-03-07,Resolved
C,2025-03-05,Created
D,2025-03-08,Resolved
D,2025-03-05,Created
E,2025-03-09,Resolved
E,2025-03-07,Created
",
    );
    f.cmd(&["init", ".", "history.csv"]).assert().success();
    let toml = std::fs::read_to_string(f.join("cxgap.toml")).unwrap();
    // Times change 6 times within a case (A twice, B to E once), all back.
    assert!(
        toml.contains("order = \"newest_first\"   # 6 of 6 changes of time within a case go back"),
        "{toml}"
    );
    // By hand, bottom up: A opens 03-03, resolves 03-04, reopens and
    // closes 03-05: resolved at the close, 48 h. B resolves and reopens on
    // 03-06: open. C 48 h, D 72 h, E 48 h: median 48. (Top down, A would
    // be open and B resolved in 72 h: median (48 + 72) / 2 = 60.)
    let rows = f.journeys(&[]);
    for (case, resolved, hours) in [
        ("A", "2025-03-05T00:00:00Z", "48.0"),
        ("B", "", ""),
        ("C", "2025-03-07T00:00:00Z", "48.0"),
        ("D", "2025-03-08T00:00:00Z", "72.0"),
        ("E", "2025-03-09T00:00:00Z", "48.0"),
    ] {
        expect(
            &rows,
            case,
            &[("resolved_at", resolved), ("resolution_hours", hours)],
        );
    }
    let overview = f.metrics_json(&["overview"]);
    assert_eq!(figure_row(&overview, "open_cases")["value"], 1.0);
    assert_eq!(
        figure_row(&overview, "median_resolution_hours")["value"],
        48.0
    );
    // A wide table has one row per case: no order to state.
    f.file(
        "tickets.csv",
        "ticket,created,solved\nT1,2025-03-03,2025-03-04\n",
    );
    f.file(
        "cxgap.toml",
        "[events]\npath = \"tickets.csv\"\nshape = \"wide\"\norder = \"newest_first\"\n[events.columns]\ncase_id = \"ticket\"\n[events.timestamps]\ncreated = \"case_opened\"\nsolved = \"resolved\"\n",
    );
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`order` says how a long event log lists each case's rows",
        ));
}

/// SPEC 1.6: a snapshot log's running counts (`reassignment_count`,
/// `reopen_count`, repeated on every row) give the case's count, never a
/// sum over rows: each rise is that many events at that row's time. A
/// reopen after the resolution leaves the case open until it resolves
/// again.
#[test]
fn a_snapshot_logs_running_counts_count_their_rises_not_their_sum() {
    let f = Fixture::new();
    f.file(
        "audit.csv",
        "number,incident_state,sys_updated_at,reassignment_count,reopen_count
INC1,New,29-02-2016 09:00,0,0
INC1,New,29-02-2016 09:30,0,0
INC1,Active,29-02-2016 10:00,1,0
INC1,Active,29-02-2016 11:00,2,0
INC1,Resolved,29-02-2016 12:00,2,0
INC1,Active,01-03-2016 09:00,2,1
INC1,Resolved,01-03-2016 12:00,3,1
INC2,New,29-02-2016 09:00,1,0
INC2,Resolved,29-02-2016 10:00,1,0
INC2,Resolved,29-02-2016 11:00,1,0
INC2,Active,01-03-2016 10:00,1,1
INC3,New,29-02-2016 09:00,0,0
INC3,Active,29-02-2016 10:00,0,0
INC3,Resolved,29-02-2016 11:00,0,0
INC3,Resolved,29-02-2016 11:30,0,0
",
    );
    f.cmd(&["init", ".", "audit.csv"]).assert().success();
    let toml = std::fs::read_to_string(f.join("cxgap.toml")).unwrap();
    for line in [
        "shape = \"snapshots\"",
        "reassignment_count = \"transfer\"",
        "reopen_count = \"reopened\"",
    ] {
        assert!(toml.contains(line), "{line}\n{toml}");
    }
    // The reopen count says the reopens: work after Resolved is not
    // counted again.
    assert!(!toml.contains("reopen_on_activity = true"), "{toml}");
    // Line 14's count is no number: the row goes (1 of 15 rows).
    let audit = std::fs::read_to_string(f.join("audit.csv")).unwrap();
    f.file(
        "audit.csv",
        &audit.replace(
            "INC3,Active,29-02-2016 10:00,0,0",
            "INC3,Active,29-02-2016 10:00,x,0",
        ),
    );
    let v = f.validate_json(&["--max-reject-share", "0.2"]);
    assert_eq!(v["rejected"][0]["reason"], "bad_count");
    assert_eq!(v["rejected"][0]["example_lines"], "14");
    // 14 rows used. States: INC1 New, Active, Resolved, Active, Resolved;
    // INC2 New, Resolved, Active; INC3 New, Resolved: 10 events, 4 rows a
    // state seen again. Rises: 3 + 1 reassignments, 2 reopens: 6.
    let s = &v["snapshot_events"][0];
    assert_eq!(
        (
            &s["rows_used"],
            &s["state_events"],
            &s["repeated_rows"],
            &s["counted_events"]
        ),
        (&json!(14), &json!(10), &json!(4), &json!(6)),
        "{s}"
    );
    // By hand. INC1: reassignments rise 0->1->2->3 (3, where the rows sum
    // to 10), one reopen on 01-03 09:00, resolved again 01-03 12:00: 27 h
    // after opening. INC2: one reassignment at its first row, reopened
    // after its resolution and not resolved again: open. INC3: resolved
    // at 11:00 (the 11:30 row is the same state seen again): 2 h.
    let rows = f.journeys(&["--max-reject-share", "0.2"]);
    for (case, transfers, reopens, hours) in [
        ("INC1", "3", "1", "27.0"),
        ("INC2", "1", "1", ""),
        ("INC3", "0", "0", "2.0"),
    ] {
        expect(
            &rows,
            case,
            &[
                ("transfers", transfers),
                ("reopens", reopens),
                ("resolution_hours", hours),
            ],
        );
    }
    // Both a reopen count and reopen_on_activity would count twice.
    f.file("cxgap.toml", &format!("reopen_on_activity = true\n{toml}"));
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`reopen_count` already counts the reopens; work after a resolution would count them again",
        ));
}

/// SPEC 1.5: an XES process-mining log is an events input like any other:
/// traces are cases, events rows; a trace attribute maps as the customer.
/// The same events as CSV give the same journeys; gzip works too.
#[test]
fn an_xes_log_reads_like_the_same_csv() {
    let xes = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <string key="concept:name" value="helpdesk"/>
  <trace>
    <string key="concept:name" value="T1"/>
    <string key="customer" value="C1"/>
    <event><string key="concept:name" value="Ticket created"/><date key="time:timestamp" value="2026-05-01T09:00:00.000+02:00"/><string key="org:resource" value="ann"/><string key="org:group" value="L1"/></event>
    <event><string key="concept:name" value="Customer call"/><date key="time:timestamp" value="2026-05-01T11:00:00.000+02:00"/><string key="org:resource" value="ann"/><string key="org:group" value="L1"/></event>
    <event><string key="concept:name" value="Resolve ticket"/><date key="time:timestamp" value="2026-05-02T09:00:00.000+02:00"/><string key="org:resource" value="bob"/><string key="org:group" value="L2"/></event>
  </trace>
  <trace>
    <string key="concept:name" value="T2"/>
    <string key="customer" value="C1"/>
    <event><string key="concept:name" value="Ticket created"/><date key="time:timestamp" value="2026-05-04T09:00:00.000+02:00"/><string key="org:resource" value="cy"/><string key="org:group" value="L1"/></event>
    <event><string key="concept:name" value="Customer call"/><date key="time:timestamp" value="2026-05-04T10:00:00.000+02:00"/><string key="org:resource" value="cy"/><string key="org:group" value="L1"/></event>
  </trace>
</log>
"#;
    let map = "[events.activities]\ncase_opened = [\"Ticket created\"]\ncontact_in = [\"Customer call\"]\nresolved = [\"Resolve ticket\"]\n";
    let from_xes = Fixture::new();
    from_xes.file("log.xes", xes).file(
        "cxgap.toml",
        &format!("[events]\npath = \"log.xes\"\n[events.columns]\ncustomer_id = \"trace:customer\"\n{map}"),
    );
    let from_csv = Fixture::new();
    from_csv
        .file(
            "events.csv",
            "case_id,timestamp,event,agent,team,customer_id\n\
         T1,2026-05-01T09:00:00.000+02:00,Ticket created,ann,L1,C1\n\
         T1,2026-05-01T11:00:00.000+02:00,Customer call,ann,L1,C1\n\
         T1,2026-05-02T09:00:00.000+02:00,Resolve ticket,bob,L2,C1\n\
         T2,2026-05-04T09:00:00.000+02:00,Ticket created,cy,L1,C1\n\
         T2,2026-05-04T10:00:00.000+02:00,Customer call,cy,L1,C1\n",
        )
        .file("cxgap.toml", map);
    let rows = from_xes.journeys(&[]);
    assert_eq!(rows, from_csv.journeys(&[]));
    // T1: resolved 2 May 07:00 UTC; C1 called again on T2 on 4 May 08:00,
    // within 7 days: a recontact.
    expect(
        &rows,
        "T1",
        &[
            ("resolved_at", "2026-05-02T07:00:00Z"),
            ("recontacted", "true"),
            ("team", "L2"),
            ("agents_touched", "2"),
        ],
    );
    // Gzip, and the event number as the line of a reject.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(
        &mut gz,
        xes.replace("2026-05-04T10:00:00.000+02:00", "soon")
            .as_bytes(),
    )
    .unwrap();
    from_xes.bytes("log.xes.gz", &gz.finish().unwrap()).file(
        "cxgap.toml",
        &format!("[events]\npath = \"log.xes.gz\"\n[events.columns]\ncustomer_id = \"trace:customer\"\n{map}"),
    );
    let v = from_xes.validate_json(&["--max-reject-share", "1"]);
    assert_eq!(v["inputs"][0]["format"], "xes");
    assert_eq!(v["rejected"][0]["reason"], "bad_timestamp");
    assert_eq!(v["rejected"][0]["example_lines"], "5");
}
