//! Defects an outside review reproduced (issue #27) and exports as they
//! really are (SPEC 1.4, 1.6, 2, 3.1): each test is named after what it
//! proves, failed before its fix, and states how its expected values were
//! worked out.

use predicates::prelude::*;

use crate::common::{Fixture, expect, figure_row};

/// Rows of `input` rejected for `reason`, from `validate --format json`.
fn rejected(v: &serde_json::Value, input: &str, reason: &str) -> u64 {
    v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["input"] == input && r["reason"] == reason)
        .map(|r| r["rows"].as_u64().unwrap())
        .sum()
}

/// `n` cases opened and resolved on days 1..=12 of a month (every day and
/// month 12 or less: day first and month first both read them).
fn ambiguous_log(n: usize) -> String {
    let mut s = String::from("case_id,timestamp,event\n");
    for i in 0..n {
        let day = i % 12 + 1;
        s.push_str(&format!("C{i},{day:02}/10/2026 09:00,case_opened\n"));
    }
    s
}

#[test]
fn an_ambiguous_column_stops_even_when_one_value_is_unreadable() {
    let f = Fixture::new();
    // 30 dates that read both ways and one `N/A`: before, the N/A made the
    // two layouts read different counts and the column was read day first.
    f.file("events.csv", &(ambiguous_log(30) + "Z,N/A,case_opened\n"));
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "column `timestamp` fits two date layouts",
        ));
}

#[test]
fn forms_past_the_sample_are_read_in_the_columns_layout() {
    let f = Fixture::new();
    // 2,100 date-only rows, then 200 with a time of day: the sample (the
    // first 2,000 values) has no time, but every form of the layout reads.
    let mut s = String::from("case_id,timestamp,event\n");
    for i in 0..2100 {
        s.push_str(&format!("D{i},2026-05-{:02},case_opened\n", i % 28 + 1));
    }
    for i in 0..200 {
        s.push_str(&format!(
            "T{i},2026-05-{:02} 14:30,case_opened\n",
            i % 28 + 1
        ));
    }
    f.file("events.csv", &s);
    let v = f.validate_json(&[]);
    assert_eq!(v["inputs"][0]["rows_rejected"], 0);
    // T0: 2026-05-01 14:30 UTC.
    expect(
        &f.journeys(&[]),
        "T0",
        &[("opened_at", "2026-05-01T14:30:00Z")],
    );
}

#[test]
fn date_layouts_seen_in_real_exports_are_inferred() {
    // Each column one layout, read from its values; the expected instants
    // are the same wall-clock times in UTC (the default time zone).
    let columns = [
        (
            "29-02-2016 01:16",
            "13-03-2016 10:00",
            "2016-02-29T01:16:00Z",
        ),
        ("01-01-21", "13-01-21", "2021-01-01T00:00:00Z"),
        (
            "\"19/11/2025, 22:08\"",
            "\"20/11/2025, 08:00\"",
            "2025-11-19T22:08:00Z",
        ),
        ("10/5/2020", "10/25/2020", "2020-10-05T00:00:00Z"),
        (
            "Tue Oct 31 22:10:47 +0000 2017",
            "Wed Nov 01 08:00:00 +0100 2017",
            "2017-10-31T22:10:47Z",
        ),
        ("1-Oct-2026", "15-Oct-2026", "2026-10-01T00:00:00Z"),
        ("28.10.2026", "30.10.2026", "2026-10-28T00:00:00Z"),
        ("6/1/2023 7:29", "6/13/2023 17:29", "2023-06-01T07:29:00Z"),
        (
            "01/22/2018 12:00:00 AM",
            "01/22/2018 01:30:00 PM",
            "2018-01-22T00:00:00Z",
        ),
    ];
    for (first, second, want) in columns {
        let f = Fixture::new();
        f.file(
            "events.csv",
            &format!("case_id,timestamp,event\nA,{first},case_opened\nB,{second},case_opened\n"),
        );
        expect(&f.journeys(&[]), "A", &[("opened_at", want)]);
    }
}

#[test]
fn a_contact_date_on_a_day_without_midnight_is_its_calendar_day() {
    let f = Fixture::new();
    // Chile's clocks jumped from 00:00 to 01:00 on 2022-09-11: that day
    // has no local midnight. Before, the count row was rejected bad_date.
    f.file(
        "events.csv",
        "case_id,customer_id,timestamp,event\n\
         A,K,2022-09-10 09:00,case_opened\n\
         A,K,2022-09-12 09:00,resolved\n",
    )
    .file(
        "contacts.csv",
        "customer_id,date,contacts\nK,2022-09-11,2\n",
    )
    .file("cxgap.toml", "timezone = \"America/Santiago\"\n");
    let v = f.validate_json(&[]);
    assert_eq!(v["inputs"][1]["rows_rejected"], 0);
    // The 2 calls of 11 September fall in A's [opened, resolved] days.
    expect(&f.journeys(&[]), "A", &[("inbound_contacts", "2")]);
}

#[test]
fn missing_markers_and_not_yet_dates_are_missing_not_values() {
    let f = Fixture::new();
    // A help desk writes 1900-01-01 in "Solved at" for tickets not solved
    // yet, and `?` where it has no value. Before, ticket 2 was resolved in
    // 1900 (-1,080,000 hours) and `?` was a bad timestamp.
    f.file(
        "tickets.csv",
        "Id,Created at,Solved at,Group\n\
         1,2026-05-01 09:00:00,2026-05-01 15:00:00,Billing\n\
         2,2026-05-02 09:00:00,1900-01-01 00:00:00,?\n\
         3,2026-05-03 09:00:00,?,Tech\n",
    )
    .file(
        "cxgap.toml",
        "[events]\npath = \"tickets.csv\"\nshape = \"wide\"\n\
         [events.columns]\ncase_id = \"Id\"\nteam = \"Group\"\n\
         [events.timestamps]\n\"Created at\" = \"case_opened\"\n\"Solved at\" = \"resolved\"\n",
    );
    let v = f.validate_json(&[]);
    assert_eq!(v["inputs"][0]["rows_rejected"], 0);
    // validate counts each kind per column.
    let missing: Vec<(String, String, u64)> = v["missing_values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["column"].as_str().unwrap().to_string(),
                r["value"].as_str().unwrap().to_string(),
                r["cells"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        [
            ("Group".to_string(), "?".to_string(), 1),
            ("Solved at".to_string(), "?".to_string(), 1),
            (
                "Solved at".to_string(),
                "a not-yet date (1900-01-01, ...)".to_string(),
                1
            ),
        ]
    );
    let rows = f.journeys(&[]);
    expect(&rows, "1", &[("resolution_hours", "6.0")]);
    expect(
        &rows,
        "2",
        &[("resolved_at", ""), ("resolution_hours", ""), ("team", "")],
    );
    expect(&rows, "3", &[("resolved_at", "")]);
    // The median time to resolve rests on ticket 1 alone: 6 hours.
    let overview = f.metrics_json(&["overview"]);
    let median = figure_row(&overview, "median_resolution_hours");
    assert_eq!(
        (median["value"].as_f64(), median["n"].as_f64()),
        (Some(6.0), Some(1.0))
    );
}

#[test]
fn contact_direction_is_an_exact_word_not_a_prefix() {
    let f = Fixture::new();
    // "Internal" and "Information line" start with "in" but are no inbound
    // contacts: rejected bad_direction. Inbound, OUT and incoming read.
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-05-01 09:00,case_opened\nA,2026-05-03 09:00,resolved\n",
    )
    .file(
        "contacts.csv",
        "case_id,date,contacts,direction\n\
         A,2026-05-01,1,Inbound\n\
         A,2026-05-01,1,Internal\n\
         A,2026-05-02,1,Information line\n\
         A,2026-05-02,1,incoming\n\
         A,2026-05-02,1,OUT\n",
    );
    // Two of five rows rejected is over the 5% gate: let the run go on.
    let v = f.validate_json(&["--max-reject-share", "1"]);
    assert_eq!(v["inputs"][1]["rows_rejected"], 2);
    assert_eq!(rejected(&v, "contacts", "bad_direction"), 2);
    expect(
        &f.journeys(&["--max-reject-share", "1"]),
        "A",
        &[("inbound_contacts", "2"), ("outbound_contacts", "1")],
    );
}

#[test]
fn an_explicit_earlier_as_of_is_a_snapshot() {
    let f = Fixture::new();
    // As of 2026-05-03 12:00, A's resolution on the 5th and the answer on
    // the 6th had not happened: A is open, its survey unanswered, and the
    // contact row of the 4th is left out. B was resolved on the 2nd.
    f.file(
        "events.csv",
        "case_id,timestamp,event\n\
         A,2026-05-01 09:00,case_opened\n\
         A,2026-05-05 09:00,resolved\n\
         B,2026-05-01 09:00,case_opened\n\
         B,2026-05-02 09:00,resolved\n",
    )
    .file(
        "surveys.csv",
        "survey_id,case_id,sent_at,responded_at,score\nS1,A,2026-05-02 10:00,2026-05-06 10:00,2\n",
    )
    .file("contacts.csv", "case_id,date,contacts\nA,2026-05-04,3\n");
    let as_of = ["--as-of", "2026-05-03 12:00"];
    let rows = f.journeys(&as_of);
    expect(
        &rows,
        "A",
        &[
            ("resolved_at", ""),
            ("score", ""),
            ("inbound_contacts", "0"),
        ],
    );
    expect(&rows, "B", &[("resolution_hours", "24.0")]);
    let v = f.validate_json(&as_of);
    assert_eq!(rejected(&v, "events", "after_as_of"), 1);
    assert_eq!(rejected(&v, "contacts", "after_as_of"), 1);
    // The median time to resolve is B's 24 hours, not the median of 24 and 96.
    let overview = f.metrics_json(&["overview", "--as-of", "2026-05-03 12:00"]);
    let median = figure_row(&overview, "median_resolution_hours");
    assert_eq!(
        (median["value"].as_f64(), median["n"].as_f64()),
        (Some(24.0), Some(1.0))
    );
}

#[test]
fn fulfilled_by_in_the_config_adds_to_the_defaults() {
    let f = Fixture::new();
    // A callback promised at 09:00, due 12:00, kept by an outbound call at
    // 10:00: kept under the default (contact_out) even when the config
    // adds contact_in for callbacks.
    f.file(
        "events.csv",
        "case_id,timestamp,event,due_at,promise_kind\n\
         A,2026-05-01 09:00,promise,2026-05-01 12:00,callback\n\
         A,2026-05-01 10:00,contact_out,,\n\
         A,2026-05-02 09:00,resolved,,\n",
    )
    .file(
        "cxgap.toml",
        "[promises.fulfilled_by]\ncallback = [\"contact_in\"]\n",
    );
    expect(
        &f.journeys(&[]),
        "A",
        &[("promises", "1"), ("promises_missed", "0")],
    );
}

#[test]
fn by_names_only_what_cases_can_be_grouped_by() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event,team\nA,2026-05-01 09:00,case_opened,X\nA,2026-05-02 09:00,resolved,X\n",
    );
    for table in ["promises", "overview"] {
        f.cmd(&["metrics", table, ".", "--by", "case_id"])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("`--by case_id` is not something cases can be grouped by")
                    .and(predicate::str::contains("use one of: team, agent, channel")),
            );
    }
}

#[test]
fn fail_if_compares_at_the_precision_it_prints() {
    let f = Fixture::new();
    // Scores 4, 4, 3: mean 11/3 = 3.666..., printed 3.6667. `mean_score<3.6667`
    // does not hold at that precision, `mean_score==3.6667` does.
    let mut events = String::from("case_id,timestamp,event\n");
    for c in ["A", "B", "C"] {
        events.push_str(&format!(
            "{c},2026-05-01 09:00,contact_in\n{c},2026-05-02 09:00,resolved\n"
        ));
    }
    f.file("events.csv", &events).file(
        "surveys.csv",
        "survey_id,case_id,responded_at,score\nS1,A,2026-05-03 09:00,4\nS2,B,2026-05-03 09:00,4\nS3,C,2026-05-03 09:00,3\n",
    );
    f.cmd(&["metrics", "overview", ".", "--fail-if", "mean_score<3.6667"])
        .assert()
        .success();
    f.cmd(&[
        "metrics",
        "overview",
        ".",
        "--fail-if",
        "mean_score==3.6667",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "threshold breached: mean_score = 3.6667 == 3.6667",
    ));
}

#[test]
fn contact_figures_are_na_when_the_inputs_hold_no_contact() {
    let f = Fixture::new();
    // Orders opened and delivered, no contact of any kind: FCR, repeat,
    // recontact and contacts per case cannot be measured. Before, the
    // overview said FCR 100% and 0 contacts per case.
    f.file(
        "events.csv",
        "case_id,timestamp,event\n\
         A,2026-05-01 09:00,case_opened\nA,2026-05-02 09:00,resolved\n\
         B,2026-05-01 09:00,case_opened\nB,2026-05-20 09:00,resolved\n",
    );
    let overview = f.metrics_json(&["overview"]);
    for name in [
        "fcr_rate",
        "repeat_contact_rate",
        "recontact_rate",
        "mean_inbound_contacts",
        "promise_miss_rate",
    ] {
        let row = figure_row(&overview, name);
        assert!(row["value"].is_null(), "{name}: {row}");
        assert!(
            row["basis"].as_str().unwrap().starts_with("n/a: "),
            "{name}: {row}"
        );
    }
    // Median of 24 and 456 hours: 240.
    let median = figure_row(&overview, "median_resolution_hours");
    assert_eq!(median["value"].as_f64(), Some(240.0));
    f.cmd(&["metrics", "overview", ".", "--fail-if", "fcr_rate<0.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--fail-if` names `fcr_rate`, which these inputs cannot measure",
        ));
}

#[test]
fn a_date_and_a_time_in_two_columns_are_joined_by_config() {
    let f = Fixture::new();
    // `Date` and `Time` as a call-centre sheet writes them; the config
    // joins them: 29-02-2016 01:16 is 29 February 2016, 01:16 UTC.
    f.file(
        "events.csv",
        "Call Id,Date,Time,Activity\nA,29-02-2016,01:16,case_opened\nA,13-03-2016,10:00,resolved\n",
    )
    .file(
        "cxgap.toml",
        "[events.columns]\ncase_id = \"Call Id\"\ntimestamp = [\"Date\", \"Time\"]\nevent = \"Activity\"\n",
    );
    expect(
        &f.journeys(&[]),
        "A",
        &[
            ("opened_at", "2016-02-29T01:16:00Z"),
            ("resolved_at", "2016-03-13T10:00:00Z"),
        ],
    );
}

#[test]
fn init_maps_only_what_its_evidence_supports() {
    let f = Fixture::new();
    // A support-ticket table: `Customer_Age` (18-70) and a 1-5 rating hold
    // no count word and no count's values; `Time_to_Resolution` holds
    // times and its name says resolution; `Ticket Priority` says ticket
    // but not id, `Ticket ID` does.
    f.file(
        "exports/tickets.csv",
        "Ticket Priority,Ticket ID,Customer_Age,Date_of_Purchase,First_Response_Time,Time_to_Resolution,Customer_Satisfaction_Rating,Replies\n\
         High,T1,34,2023-06-01 7:29,2023-06-01 8:00,2023-06-01 12:00,4,0\n\
         Low,T2,61,2023-06-02 9:00,2023-06-02 9:30,2023-06-03 10:00,2,3\n\
         High,T3,18,2023-06-03 9:00,2023-06-03 9:10,,,1\n\
         Low,T4,70,2023-06-04 9:00,2023-06-04 9:45,2023-06-04 11:00,5,2\n",
    );
    f.cmd(&["init", "exports", "exports/tickets.csv"])
        .assert()
        .success();
    let toml = std::fs::read_to_string(f.join("exports/cxgap.toml")).unwrap();
    assert!(toml.contains("case_id = \"Ticket ID\""), "{toml}");
    assert!(toml.contains("Time_to_Resolution = \"resolved\""), "{toml}");
    assert!(toml.contains("Replies = \"contact_out\""), "{toml}");
    assert!(!toml.contains("Customer_Age = \""), "{toml}");
    assert!(
        !toml.contains("Customer_Satisfaction_Rating = \"contact_in\""),
        "{toml}"
    );
    // The config runs as written: T4 resolved at 11:00, two hours after 9:00.
    let rows = f.journeys(&["--config", "exports/cxgap.toml"]);
    expect(&rows, "T4", &[("resolution_hours", "2.0")]);
}

#[test]
fn init_reads_a_windows_1252_export_and_writes_its_encoding() {
    let f = Fixture::new();
    // `é` as the single byte 0xE9: not UTF-8.
    f.bytes(
        "exports/tickets.csv",
        b"Ticket ID,Created,Activity\nT1,2026-01-01 10:00,Cr\xe9\xe9\nT1,2026-01-01 11:00,R\xe9solu\nT2,2026-01-02 10:00,Cr\xe9\xe9\n",
    );
    f.cmd(&["init", "exports", "exports/tickets.csv"])
        .assert()
        .success();
    let toml = std::fs::read_to_string(f.join("exports/cxgap.toml")).unwrap();
    assert!(toml.contains("encoding = \"windows-1252\""), "{toml}");
    let v = f.validate_json(&["--config", "exports/cxgap.toml"]);
    assert_eq!(v["inputs"][0]["rows_rejected"], 0);
    let names: Vec<&str> = v["unmapped_activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["activity"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Résolu"), "{names:?}");
}

#[test]
fn an_out_of_order_time_is_rejected_as_a_value_and_the_case_kept() {
    let f = Fixture::new();
    // Ticket 2 is solved before its first reply, ticket 3 replied to before
    // it was created: those values are rejected (their lines named), the
    // tickets kept. Before, ticket 3 was answered -2 hours after it opened.
    f.file(
        "tickets.csv",
        "Id,Created at,First reply at,Solved at\n\
         1,2026-05-01 09:00,2026-05-01 10:00,2026-05-01 15:00\n\
         2,2026-05-02 09:00,2026-05-02 10:00,2026-05-02 09:30\n\
         3,2026-05-03 09:00,2026-05-03 07:00,2026-05-03 12:00\n",
    )
    .file(
        "cxgap.toml",
        "[events]\npath = \"tickets.csv\"\nshape = \"wide\"\n\
         [events.columns]\ncase_id = \"Id\"\n\
         [events.timestamps]\n\"Created at\" = \"case_opened\"\n\"First reply at\" = \"contact_out\"\n\"Solved at\" = \"resolved\"\n",
    );
    // Two rejected values in three rows is over the gate: it stops, naming
    // the reason and the fix.
    f.cmd(&["validate", "."])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("resolved_before_first_response"));
    let allow = ["--max-reject-share", "1"];
    let v = f.validate_json(&allow);
    assert_eq!(rejected(&v, "events", "resolved_before_first_response"), 1);
    assert_eq!(rejected(&v, "events", "before_case_opened"), 1);
    // Rows read = used + rejected: every ticket is used.
    assert_eq!(v["inputs"][0]["rows_used"], 3);
    let rows = f.journeys(&allow);
    expect(&rows, "1", &[("resolution_hours", "6.0")]);
    expect(
        &rows,
        "2",
        &[("resolved_at", ""), ("outbound_contacts", "1")],
    );
    // Ticket 3: the reply is left out, the resolution 3 hours after opening.
    expect(
        &rows,
        "3",
        &[("resolution_hours", "3.0"), ("outbound_contacts", "0")],
    );
}

#[test]
fn a_resolution_logged_before_the_opening_resolves_nothing() {
    let f = Fixture::new();
    // B's only resolution is stamped a day before its case_opened event:
    // the case stays open instead of resolving in -24 hours.
    f.file(
        "events.csv",
        "case_id,timestamp,event\n\
         A,2026-05-01 09:00,case_opened\nA,2026-05-01 12:00,resolved\n\
         B,2026-05-02 09:00,case_opened\nB,2026-05-01 09:00,resolved\n",
    );
    let rows = f.journeys(&[]);
    expect(&rows, "A", &[("resolution_hours", "3.0")]);
    expect(&rows, "B", &[("resolved_at", ""), ("resolution_hours", "")]);
}

#[test]
fn a_cut_off_download_stops_the_run_whatever_the_share() {
    let f = Fixture::new();
    // 40 good rows and a last line cut inside its value: 1 of 41 rows is
    // 2.4%, under the 5% gate, yet the file is an incomplete download.
    let mut s = String::from("case_id,timestamp,event\n");
    for i in 0..40 {
        s.push_str(&format!("C{i},2026-05-01 09:00,case_opened\n"));
    }
    s.push_str("C1,2026-05-03 10:00,reso");
    f.file("events.csv", &s);
    f.cmd(&["validate", "."]).assert().code(4).stderr(
        predicate::str::contains("the last line is cut short")
            .and(predicate::str::contains(
                "line 42: C1,2026-05-03 10:00,reso",
            ))
            .and(predicate::str::contains("--allow-truncated")),
    );
    let v = f.validate_json(&["--allow-truncated"]);
    assert_eq!(v["inputs"][0]["rows_used"], 40);
    assert_eq!(rejected(&v, "events", "truncated_row"), 1);
}

#[test]
fn the_survey_gate_counts_answers_not_invitations() {
    let f = Fixture::new();
    // 100 invitations never answered, 10 answers of which 2 say "Great"
    // (no scale reads it): 2 of 110 rows (1.8%) but 2 of 10 answers (20%).
    let mut events = String::from("case_id,timestamp,event\n");
    let mut surveys = String::from("survey_id,case_id,sent_at,responded_at,score\n");
    for i in 0..110 {
        events.push_str(&format!(
            "C{i},2026-05-01 09:00,contact_in\nC{i},2026-05-02 09:00,resolved\n"
        ));
        if i < 100 {
            surveys.push_str(&format!("S{i},C{i},2026-05-02 10:00,,\n"));
        } else {
            let score = if i < 102 { "Great" } else { "4" };
            surveys.push_str(&format!(
                "S{i},C{i},2026-05-02 10:00,2026-05-03 10:00,{score}\n"
            ));
        }
    }
    f.file("events.csv", &events).file("surveys.csv", &surveys);
    f.cmd(&["validate", "."])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("2 of 10 rows were rejected (20%)"));
}

#[test]
fn joins_by_customer_pick_the_same_case_without_pairing_every_case() {
    let f = Fixture::new();
    // Customer K: A opened on the 1st and resolved on the 10th; B opened on
    // the 3rd and resolved on the 4th. A count row on the 6th: the latest
    // case opened by then is B, which no longer holds the day, so it goes
    // to A (still open); one on the 3rd goes to B (opened last, holding
    // it). An answer on the 5th takes the latest case resolved before it:
    // B (resolved the 4th), not A (resolved later).
    f.file(
        "events.csv",
        "case_id,customer_id,timestamp,event\n\
         A,K,2026-05-01 09:00,contact_in\nA,K,2026-05-10 09:00,resolved\n\
         B,K,2026-05-03 09:00,contact_in\nB,K,2026-05-04 09:00,resolved\n",
    )
    .file(
        "contacts.csv",
        "customer_id,date,contacts\nK,2026-05-06,2\nK,2026-05-03,5\n",
    )
    .file(
        "surveys.csv",
        "survey_id,customer_id,responded_at,score\nS1,K,2026-05-05 09:00,2\n",
    );
    let rows = f.journeys(&[]);
    // A: its own contact_in + 2 counted; B: its own + 5.
    expect(&rows, "A", &[("inbound_contacts", "3"), ("score", "")]);
    expect(&rows, "B", &[("inbound_contacts", "6"), ("score", "2.0")]);
}

#[test]
fn a_segment_chart_draws_the_ends_and_the_table_keeps_every_segment() {
    let f = Fixture::new();
    // 40 teams of 2 surveyed cases each: the residual chart draws the 8
    // highest and 8 lowest (a page-long PNG before); the table has all 40.
    let mut events = String::from("case_id,timestamp,event,team\n");
    let mut surveys = String::from("survey_id,case_id,responded_at,score\n");
    for i in 0..80 {
        let team = format!("T{:02}", i / 2);
        events.push_str(&format!(
            "C{i},2026-05-01 09:00,contact_in,{team}\nC{i},2026-05-02 09:00,resolved,{team}\n"
        ));
        surveys.push_str(&format!("S{i},C{i},2026-05-03 09:00,{}\n", 1 + (i * 7) % 5));
    }
    f.file("events.csv", &events).file("surveys.csv", &surveys);
    f.cmd(&["report", ".", "--out", "out"]).assert().success();
    let svg = std::fs::read_to_string(f.join("out/charts/segment_residuals.svg")).unwrap();
    // The title wraps: its words are in the drawing's text lines.
    assert!(
        svg.contains("highest and 8 lowest of 40 (every one is in the segments table)"),
        "{}",
        &svg[..svg.len().min(2000)]
    );
    let table = std::fs::read_to_string(f.join("out/tables/segments.csv")).unwrap();
    assert_eq!(table.lines().count(), 41);
}

#[test]
fn a_segment_without_answers_says_so_and_is_not_ranked() {
    let f = Fixture::new();
    // Team X has two answered cases, team Y none.
    f.file(
        "events.csv",
        "case_id,timestamp,event,team\n\
         A,2026-05-01 09:00,contact_in,X\nA,2026-05-02 09:00,resolved,X\n\
         B,2026-05-01 09:00,contact_in,X\nB,2026-05-02 09:00,resolved,X\n\
         C,2026-05-01 09:00,contact_in,Y\nC,2026-05-02 09:00,resolved,Y\n",
    )
    .file(
        "surveys.csv",
        "survey_id,case_id,responded_at,score\nS1,A,2026-05-03 09:00,4\nS2,B,2026-05-03 09:00,2\n",
    );
    let v = f.metrics_json(&["segments"]);
    let y = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["segment"] == "Y")
        .unwrap();
    assert_eq!(
        (y["rank"].clone(), y["flag"].clone()),
        (serde_json::Value::Null, "no answers".into())
    );
    let x = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["segment"] == "X")
        .unwrap();
    assert_eq!(x["rank"], 1);
}

#[test]
fn fail_if_judges_a_headlines_change_in_the_cards_units() {
    // The sample's cohorts (see report.rs): FCR 5 of 27 before, 6 of 26 in
    // the latest 3 weeks of openings: 6/26 - 5/27 = 0.045584, shown as
    // +4.5584 points. Satisfied % rose, so a drop alert stays quiet.
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let f = Fixture::new();
    let dir = sample.to_str().unwrap();
    f.cmd(&["metrics", "overview", dir, "--fail-if", "fcr_rate.change>4"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "threshold breached: fcr_rate.change = 4.5584 > 4 (3 weeks)",
        ));
    f.cmd(&[
        "metrics",
        "overview",
        dir,
        "--fail-if",
        "csat_pct.change<-5",
    ])
    .assert()
    .success();
}

#[test]
fn the_report_folder_follows_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-05-01 09:00,contact_in\nA,2026-05-02 09:00,resolved\n",
    );
    let bin = assert_cmd::cargo::cargo_bin("cxgap");
    for (umask, want) in [("077", 0o700), ("022", 0o755)] {
        let out = format!("out{umask}");
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask}; \"$0\" report . --out {out} >/dev/null 2>&1"
            ))
            .arg(&bin)
            .current_dir(f.join("."))
            .status()
            .unwrap();
        assert!(status.success());
        let mode = std::fs::metadata(f.join(&out))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, want, "umask {umask}");
        let file = std::fs::metadata(f.join(&out).join("run.json")).unwrap();
        assert_eq!(
            file.permissions().mode() & 0o777,
            want & 0o666,
            "umask {umask}"
        );
    }
}

#[test]
fn the_ambiguous_date_hint_for_a_case_tables_column_is_valid_toml() {
    let f = Fixture::new();
    // Every day and month is 12 or less in `Created at`.
    f.file(
        "tickets.csv",
        "Id,Created at\n1,01/02/2026 09:00\n2,03/04/2026 09:00\n",
    )
    .file(
        "cxgap.toml",
        "[events]\npath = \"tickets.csv\"\nshape = \"wide\"\n[events.columns]\ncase_id = \"Id\"\n[events.timestamps]\n\"Created at\" = \"case_opened\"\n",
    );
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "  \"Created at\" = \"%d/%m/%Y %H:%M\"     # day first",
        ));
}

#[test]
fn rows_without_a_case_id_take_their_line_as_one() {
    let f = Fixture::new();
    // A CRM's milestone report: one row per case, no id. `case_id =
    // "@line"`: the case on line 2 closed 24 hours after it opened, the one
    // on line 3 is open; every output says where the ids come from.
    f.file(
        "milestones.csv",
        "Created,Closed,Owner\n2026-05-01 09:00,2026-05-02 09:00,ann\n2026-05-03 09:00,,bob\n",
    )
    .file(
        "cxgap.toml",
        "[events]\npath = \"milestones.csv\"\nshape = \"wide\"\n[events.columns]\ncase_id = \"@line\"\nagent = \"Owner\"\n\
         [events.timestamps]\nCreated = \"case_opened\"\nClosed = \"closed\"\n",
    );
    let rows = f.journeys(&[]);
    expect(
        &rows,
        "2",
        &[("resolution_hours", "24.0"), ("agent", "ann")],
    );
    expect(&rows, "3", &[("resolved_at", "")]);
    f.cmd(&["report", ".", "--out", "out"]).assert().success();
    let html = std::fs::read_to_string(f.join("out/summary.html")).unwrap();
    assert!(html.contains("the line of each row in milestones.csv: the export has no case id"));
}

#[test]
fn init_joins_a_date_and_a_time_in_two_columns() {
    let f = Fixture::new();
    // A long log with the date and the time of day apart: init maps them
    // as one timestamp, and the config runs as written.
    f.file(
        "exports/log.csv",
        "Ticket ID,Date,Time,Activity\nT1,31-01-2016,17:34:05,Ticket created\nT1,01-02-2016,09:00:00,Ticket solved\nT2,13-02-2016,08:00:00,Ticket created\n",
    );
    f.cmd(&["init", "exports", "exports/log.csv"])
        .assert()
        .success();
    let toml = std::fs::read_to_string(f.join("exports/cxgap.toml")).unwrap();
    assert!(toml.contains("timestamp = [\"Date\", \"Time\"]"), "{toml}");
    // 31 Jan 17:34:05 to 1 Feb 09:00: 15.4319... hours.
    let rows = f.journeys(&["--config", "exports/cxgap.toml"]);
    expect(
        &rows,
        "T1",
        &[
            ("opened_at", "2016-01-31T17:34:05Z"),
            ("resolved_at", "2016-02-01T09:00:00Z"),
        ],
    );
}

#[test]
fn a_snapshot_log_reads_one_event_per_state() {
    let f = Fixture::new();
    // An ITSM audit log: a row per update, the state repeated while it
    // holds. INC1 is New twice, Active twice, Resolved once: three events,
    // resolved 5 hours after it opened; counted as a long log, the second
    // `New` would be a second event of its own.
    f.file(
        "audit.csv",
        "number,incident_state,sys_updated_at\n\
         INC1,New,29-02-2016 09:00\nINC1,New,29-02-2016 09:30\n\
         INC1,Active,29-02-2016 10:00\nINC1,Active,29-02-2016 12:00\n\
         INC1,Resolved,29-02-2016 14:00\n",
    )
    .file(
        "cxgap.toml",
        "[events]\npath = \"audit.csv\"\nshape = \"snapshots\"\n[events.columns]\ncase_id = \"number\"\nevent = \"incident_state\"\ntimestamp = \"sys_updated_at\"\n\
         [events.activities]\ncase_opened = [\"New\"]\nresolved = [\"Resolved\"]\n",
    );
    expect(
        &f.journeys(&[]),
        "INC1",
        &[
            ("events", "3"),
            ("resolution_hours", "5.0"),
            ("other_events", "1"),
        ],
    );
}

/// A 64 KiB tmpfs, unmounted when dropped; `None` where mounting is not
/// allowed (not root, or a sandbox without it).
struct TinyDisk(std::path::PathBuf);

impl TinyDisk {
    fn mount(at: std::path::PathBuf) -> Option<TinyDisk> {
        std::fs::create_dir_all(&at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(TinyDisk(at))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
// Says on stderr when the machine cannot mount a small disk to fill.
#[allow(clippy::print_stderr)]
fn a_full_temporary_folder_is_named_with_its_fix_never_a_bug() {
    let f = Fixture::new();
    let Some(disk) = TinyDisk::mount(f.join("tiny")) else {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    // 40,000 events spilled to 64 KiB: the scratch folder fills.
    let mut events = String::from("case_id,customer_id,timestamp,event\n");
    for i in 0..20000 {
        events.push_str(&format!(
            "K{i},C{},2026-01-01 09:00,contact_in\nK{i},C{},2026-01-02 09:00,resolved\n",
            i % 500,
            i % 500
        ));
    }
    f.file("events.csv", &events);
    f.cmd(&["report", ".", "--out", "out", "--partitions", "2"])
        .env("TMPDIR", &disk.0)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cannot use the run's temporary folder")
                .and(predicate::str::contains(
                    "hint: free space there, or set TMPDIR",
                ))
                .and(predicate::str::contains("bug in cxgap").not()),
        );
}

#[test]
fn validate_says_how_each_time_column_was_read() {
    let f = Fixture::new();
    // `01-01-21` and `13-01-21`: day first (13 is no month), two-digit
    // years read as %y does.
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,01-01-21,case_opened\nB,13-01-21,case_opened\n",
    );
    let v = f.validate_json(&[]);
    let row = &v["timestamp_layouts"][0];
    assert_eq!(row["column"], "timestamp");
    assert_eq!(
        row["layout"],
        "day, month, year; two-digit years: 00-68 are 20xx, 69-99 are 19xx"
    );
}

#[test]
fn a_count_on_a_case_row_reads_as_a_count_in_the_story() {
    let f = Fixture::new();
    // Ticket 1 was reopened 3 times, by the row's count: one line of the
    // timeline says so, not three reopens in the opening minute.
    f.file(
        "tickets.csv",
        "Id,Created at,Solved at,Reopens\n1,2026-05-01 09:00,2026-05-03 09:00,3\n",
    )
    .file(
        "cxgap.toml",
        "[events]\npath = \"tickets.csv\"\nshape = \"wide\"\n[events.columns]\ncase_id = \"Id\"\n\
         [events.timestamps]\n\"Created at\" = \"case_opened\"\n\"Solved at\" = \"resolved\"\n\
         [events.counts]\nReopens = \"reopened\"\n",
    );
    let v = f.json(&["case", "1", ".", "--format", "json"]);
    let timeline = v["timeline"].as_array().unwrap();
    let activities: Vec<&str> = timeline
        .iter()
        .map(|r| r["activity"].as_str().unwrap())
        .collect();
    assert_eq!(
        activities,
        [
            "Created at",
            "Reopens × 3, counted on the case's row",
            "Solved at"
        ]
    );
    // The journey still counts three reopens.
    expect(&f.journeys(&[]), "1", &[("reopens", "3")]);
}

/// #27 polish: `--fail-if` is checked before any input is read — a
/// misspelt name gets the closest one, and a percentage figure compared
/// with a fraction (`csat_pct<0.8`, which could never fire on a 0-100
/// figure) is refused with the threshold it meant. The folder does not
/// exist: the run stops on the threshold, not on the inputs.
#[test]
fn fail_if_is_checked_before_the_inputs_are_read() {
    let f = Fixture::new();
    f.cmd(&[
        "report",
        "missing",
        "--out",
        "rep",
        "--fail-if",
        "fcr_rat<0.5",
    ])
    .assert()
    .code(2)
    .stderr(predicates::str::contains(
        "`--fail-if` names `fcr_rat`, which is not a figure (did you mean `fcr_rate`?",
    ));
    f.cmd(&["metrics", "overview", "missing", "--fail-if", "csat_pct<0.8"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "csat_pct runs from 0 to 100 (a percentage), so a threshold of 0.8 compares with 0.8%; write `csat_pct<80`",
        ));
}

/// #27 polish: an unknown key in a section names its own line (not the
/// section's) and the key it most likely meant.
#[test]
fn an_unknown_config_key_names_its_line_and_the_key_meant() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-01 10:00,case_opened\n",
    )
    .file("cxgap.toml", "[surveys]\nkind = \"csat\"\nwindw_days = 3\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "unknown key `windw_days` (line 3); did you mean `window_days`?",
        ));
}

/// #27 small: validate says what one row of a wide ticket table stands for
/// (`wide`, for the events and the answers on the same rows), not the
/// export's `plain`; and an empty table says "none" instead of drawing a
/// header over nothing.
#[test]
fn validate_names_a_wide_input_wide_and_an_empty_table_none() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/helpdesk");
    let f = Fixture::new();
    let json = f.stdout(&["validate", dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let shapes: Vec<(&str, &str)> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["input"].as_str().unwrap(), r["shape"].as_str().unwrap()))
        .collect();
    assert_eq!(shapes[..2], [("events", "wide"), ("surveys", "wide")]);
    let out = f.stdout(&["validate", dir.to_str().unwrap()]);
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Warnings: what makes figures wrong unless fixed\n  none\n"),
        "{text}"
    );
}

/// #23, from a Zendesk Explore export: every field quoted and no line
/// break after the last row. The last row's quote closes, so it cannot
/// have been cut inside a value: the file is whole and every row is read.
/// (A last row whose quote stays open, or that is short of fields, still
/// stops the run: tests in input/format/structure.rs.)
#[test]
fn a_last_row_quoted_to_its_end_needs_no_line_break() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "\"case_id\",\"timestamp\",\"event\"\n\"A\",\"2026-01-01 10:00\",\"case_opened\"\n\"A\",\"2026-01-01 12:00\",\"resolved\"",
    );
    let v = f.metrics_json(&["overview"]);
    assert_eq!(figure_row(&v, "cases")["value"], 1);
    assert_eq!(figure_row(&v, "median_resolution_hours")["value"], 2);
}

/// #23, from the same export: a report that breaks tickets down repeats a
/// ticket's row, and a status column sits beside the creation time. The
/// repeated rows never move in time, so they are copies of one ticket, not
/// its events: init reads a case table (not a log resolving every ticket
/// the minute it opened), and with no resolution time, open cases and the
/// time to resolve are n/a with the reason — not 100% open and 0.0 h.
#[test]
fn repeated_ticket_rows_with_a_status_are_a_case_table() {
    let f = Fixture::new();
    let mut rows = String::from("Ticket ID,Ticket status,Created at,Feature\n");
    for i in 0..40 {
        rows.push_str(&format!("{i},Solved,2026-01-{:02} 10:00,x\n", 1 + i % 28));
        if i % 4 == 0 {
            rows.push_str(&format!("{i},Solved,2026-01-{:02} 10:00,y\n", 1 + i % 28));
        }
    }
    f.file("tickets.csv", &rows);
    f.cmd(&["init", ".", "tickets.csv"]).assert().success();
    let toml = std::fs::read_to_string(f.join("cxgap.toml")).unwrap();
    assert!(toml.contains("shape = \"wide\""), "{toml}");
    assert!(toml.contains("\"Created at\" = \"case_opened\""), "{toml}");
    assert!(!toml.contains("resolved = [\"Solved\"]"), "{toml}");
    let v = f.metrics_json(&["overview", "--max-reject-share", "1"]);
    assert_eq!(figure_row(&v, "cases")["value"], 40);
    for name in ["open_cases", "median_resolution_hours"] {
        let row = figure_row(&v, name);
        assert_eq!(row["value"], serde_json::Value::Null, "{name}");
        assert!(
            row["basis"]
                .as_str()
                .unwrap()
                .starts_with("n/a: no case in the inputs has a resolution"),
            "{name}: {row}"
        );
    }
}
