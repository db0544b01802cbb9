//! SPEC 1: real export shapes load without editing — Qualtrics (3-row with
//! its time zone, legacy 2-row with a trailing comma, preview rows),
//! SurveyMonkey, any delimiter, gzip, NDJSON, Parquet, and every timestamp
//! layout of SPEC 1.4.

use std::io::Write;

use polars::prelude::*;

use crate::common::{Fixture, expect};

const EVENTS: &str = "\
case_id,timestamp,event
A,2026-05-01 09:00,contact_in
A,2026-05-02 10:00,resolved
Z,2026-06-01 00:00,case_opened
";

const SURVEY_MAP: &str = "[surveys]\npath = \"export.csv\"\n[surveys.columns]\nsurvey_id = \"ResponseId\"\ncase_id = \"ExternalReference\"\nresponded_at = \"RecordedDate\"\nscore = \"Q1\"\nresolved = \"Q2\"\n";

#[test]
fn qualtrics_three_rows_with_time_zone_and_preview() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("cxgap.toml", SURVEY_MAP).file(
        "export.csv",
        "StartDate,Status,RecordedDate,ResponseId,ExternalReference,Q1,Q2\n\
         Start Date,Response Type,Recorded Date,Response ID,External Data Reference,\"How satisfied\nwere you?\",Resolved?\n\
         \"{\"\"ImportId\"\":\"\"startDate\"\",\"\"timeZone\"\":\"\"America/New_York\"\"}\",\"{\"\"ImportId\"\":\"\"status\"\"}\",\"{\"\"ImportId\"\":\"\"recordedDate\"\",\"\"timeZone\"\":\"\"America/New_York\"\"}\",\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"externalDataReference\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\",\"{\"\"ImportId\"\":\"\"QID2\"\"}\"\n\
         2026-05-01 08:00:00,Survey Preview,2026-05-01 08:00:00,R_prev,A,5,Yes\n\
         2026-05-03 06:00:00,IP Address,2026-05-03 06:00:00,R_1,A,2,No\n",
    );
    let rows = f.journeys(&[]);
    // 06:00 in New York (EDT, UTC-4) is 10:00 UTC; the preview row is not an answer.
    expect(
        &rows,
        "A",
        &[
            ("score", "2.0"),
            ("responded_at", "2026-05-03T10:00:00Z"),
            ("customer_resolved", "false"),
        ],
    );
    let v = f.validate_json(&[]);
    assert_eq!(v["inputs"][1]["shape"], "qualtrics");
    assert_eq!(v["rejected"][0]["reason"], "survey_preview");
    // The data rows start on line 4 (three header rows, one with a line break
    // inside quotes: record numbers, as a spreadsheet shows them).
    assert_eq!(v["rejected"][0]["example_lines"], "4");
}

#[test]
fn qualtrics_legacy_two_rows_trailing_comma() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file("cxgap.toml", SURVEY_MAP).file(
        "export.csv",
        "ResponseId,RecordedDate,ExternalReference,Q1,Q2,\nResponse ID,Recorded Date,External Reference,How satisfied?,Resolved?,\nR_1,2026-05-03 10:00:00,A,4,Yes,\n",
    );
    expect(
        &f.journeys(&[]),
        "A",
        &[("score", "4.0"), ("customer_resolved", "true")],
    );
    assert_eq!(
        f.validate_json(&[])["inputs"][1]["shape"],
        "qualtrics_legacy"
    );
}

#[test]
fn surveymonkey_two_rows() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS)
        .file(
            "cxgap.toml",
            "[surveys]\npath = \"monkey.csv\"\n[surveys.columns]\nsurvey_id = \"Respondent ID\"\ncase_id = \"Ticket\"\nresponded_at = \"End Date\"\nscore = \"How satisfied were you?\"\n",
        )
        .file(
            "monkey.csv",
            "Respondent ID,Collector ID,End Date,Ticket,How satisfied were you?\n,,,Open-Ended Response,Response\n1001,77,05/03/2026 03:04:05 PM,A,5 - Very satisfied\n",
        );
    // 03:04:05 PM = 15:04:05; the labelled choice reads as 5.
    expect(
        &f.journeys(&[]),
        "A",
        &[("score", "5.0"), ("responded_at", "2026-05-03T15:04:05Z")],
    );
}

#[test]
fn semicolons_and_gzip() {
    let f = Fixture::new();
    let text = "case_id;timestamp;event\n\
                A;01.05.2026 09:00;contact_in\n\
                A;01.05.2026 12:00;transfer\n\
                A;02.05.2026 12:00;resolved\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    f.bytes("events.csv.gz", &gz.finish().unwrap());
    // DD.MM.YYYY: opened 1 May 09:00, resolved 2 May 12:00: 27 h.
    expect(
        &f.journeys(&[]),
        "A",
        &[
            ("opened_at", "2026-05-01T09:00:00Z"),
            ("resolved_at", "2026-05-02T12:00:00Z"),
            ("resolution_hours", "27.0"),
            ("transfers", "1"),
        ],
    );
}

/// Every layout of SPEC 1.4, one column each: a case opened at the first
/// value and resolved at the second, read as UTC.
#[test]
fn every_layout_of_spec_1_4() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (first, second, opened_at, resolved_at)
        (
            "2026-05-01T09:00:00Z",
            "2026-05-01T12:00:00+02:00",
            "2026-05-01T09:00:00Z",
            "2026-05-01T10:00:00Z",
        ),
        (
            "2026-05-01 09:00",
            "2026-05-01 10:30:15.250",
            "2026-05-01T09:00:00Z",
            "2026-05-01T10:30:15Z",
        ),
        (
            "2012/10/09 14:50:17.000",
            "2012/10/10 09:00",
            "2012-10-09T14:50:17Z",
            "2012-10-10T09:00:00Z",
        ),
        (
            "10/09/2012 02:50:17 PM",
            "10/10/2012 9:00 AM",
            "2012-10-09T14:50:17Z",
            "2012-10-10T09:00:00Z",
        ),
        (
            "09/10/2012 14:50",
            "25/10/2012 09:00",
            "2012-10-09T14:50:00Z",
            "2012-10-25T09:00:00Z",
        ),
        (
            "09.10.2012 14:50",
            "10.10.2012",
            "2012-10-09T14:50:00Z",
            "2012-10-10T00:00:00Z",
        ),
        (
            "09-Oct-2012",
            "10-Oct-2012 09:00",
            "2012-10-09T00:00:00Z",
            "2012-10-10T09:00:00Z",
        ),
        (
            "1349794217",
            "1349859600",
            "2012-10-09T14:50:17Z",
            "2012-10-10T09:00:00Z",
        ),
        (
            "1349794217000",
            "1349859600000",
            "2012-10-09T14:50:17Z",
            "2012-10-10T09:00:00Z",
        ),
        (
            "2012-10-09",
            "2012-10-10",
            "2012-10-09T00:00:00Z",
            "2012-10-10T00:00:00Z",
        ),
    ];
    for (first, second, opened, resolved) in cases {
        let f = Fixture::new();
        f.file(
            "events.csv",
            &format!(
                "case_id,timestamp,event\nA,\"{first}\",case_opened\nA,\"{second}\",resolved\n"
            ),
        );
        expect(
            &f.journeys(&[]),
            "A",
            &[("opened_at", opened), ("resolved_at", resolved)],
        );
    }
}

#[test]
fn configured_time_zone_applies_to_naive_timestamps() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-15 09:00,case_opened\nA,2026-07-15 09:00,resolved\n",
    );
    let rows = f.journeys(&["--timezone", "Europe/Berlin"]);
    // 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 in summer (CEST).
    expect(
        &rows,
        "A",
        &[
            ("opened_at", "2026-01-15T08:00:00Z"),
            ("resolved_at", "2026-07-15T07:00:00Z"),
        ],
    );
}

#[test]
fn ndjson_and_parquet_inputs() {
    let f = Fixture::new();
    f.file(
        "events.ndjson",
        "{\"case_id\":\"A\",\"timestamp\":\"2026-05-01 09:00\",\"event\":\"contact_in\"}\n{\"case_id\":\"A\",\"timestamp\":\"2026-05-01 10:00\",\"event\":\"resolved\"}\n",
    );
    expect(
        &f.journeys(&[]),
        "A",
        &[("resolution_hours", "1.0"), ("inbound_contacts", "1")],
    );

    let g = Fixture::new();
    let ts = Series::new(
        "timestamp".into(),
        [1_777_626_000_000i64, 1_777_633_200_000],
    )
    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
    .unwrap();
    let mut df = DataFrame::new(
        2,
        vec![
            Column::new("case_id".into(), ["A", "A"]),
            ts.into(),
            Column::new("event".into(), ["contact_in", "resolved"]),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(g.join("events.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    // Native datetimes: 2026-05-01 09:00 and 11:00 (naive = UTC): 2 hours.
    expect(
        &g.journeys(&[]),
        "A",
        &[
            ("opened_at", "2026-05-01T09:00:00Z"),
            ("resolution_hours", "2.0"),
        ],
    );
}

/// SPEC 1.5: text answers. Built-in CSAT wordings, a label the user maps,
/// resolved wordings; an answer no map knows is `unmapped_answer`, listed
/// by label and count; "Offered" is an invitation, "Not offered" no survey.
#[test]
fn text_answers_on_the_scale() {
    let f = Fixture::new();
    let mut events = String::from("case_id,timestamp,event\n");
    for c in ["A", "B", "C", "D", "E", "F", "G", "H"] {
        events.push_str(&format!(
            "{c},2026-05-01 09:00,contact_in\n{c},2026-05-02 10:00,resolved\n"
        ));
    }
    f.file("events.csv", &events)
        .file(
            "surveys.csv",
            "survey_id,case_id,responded_at,score,resolved\n\
         s1,A,2026-05-03 10:00,Very satisfied,\"Yes, completely\"\n\
         s2,B,2026-05-03 10:00,very  DISSATISFIED,Partially\n\
         s3,C,2026-05-03 10:00,4 - Satisfied,No\n\
         s4,D,2026-05-03 10:00,Chuffed,yes\n\
         s5,E,2026-05-03 10:00,Over the moon,\n\
         s6,F,2026-05-03 10:00,Over the moon,\n\
         s7,G,,Offered,\n\
         s8,H,,Not offered,\n",
        )
        .file("cxgap.toml", "[surveys.labels]\n\"Chuffed\" = 5\n");
    let rows = f.journeys(&["--max-reject-share", "1"]);
    expect(
        &rows,
        "A",
        &[("score", "5.0"), ("customer_resolved", "true")],
    );
    expect(
        &rows,
        "B",
        &[("score", "1.0"), ("customer_resolved", "false")],
    );
    expect(
        &rows,
        "C",
        &[("score", "4.0"), ("customer_resolved", "false")],
    );
    expect(
        &rows,
        "D",
        &[("score", "5.0"), ("customer_resolved", "true")],
    );
    expect(&rows, "E", &[("score", ""), ("surveyed", "false")]);
    expect(
        &rows,
        "G",
        &[("survey_invited", "true"), ("surveyed", "false")],
    );
    expect(&rows, "H", &[("survey_invited", "false")]);
    let v = f.validate_json(&["--max-reject-share", "1"]);
    assert_eq!(v["unmapped_answers"][0]["answer"], "Over the moon");
    assert_eq!(v["unmapped_answers"][0]["rows"], 2);
    let reasons: Vec<(&str, &str)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reason"].as_str().unwrap(),
                r["example_lines"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(reasons, [("not_surveyed", "9"), ("unmapped_answer", "6 7")]);
}
