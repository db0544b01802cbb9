//! SPEC 5: inputs that cannot be read give one message naming the file, the
//! column or line, and the fix, with exit 1; bad rows are rejected, the run
//! goes on.

use predicates::prelude::*;

use crate::common::{Fixture, expect};

#[test]
fn missing_required_column() {
    let f = Fixture::new();
    f.file("events.csv", "Ticket ID,Activity\nA,resolved\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: ./events.csv: missing required column `case_id` (found: Ticket ID, Activity)",
        ))
        .stderr(predicate::str::contains(
            "hint: map it in cxgap.toml: [events.columns] case_id = \"Ticket ID\"",
        ));
}

#[test]
fn mapped_column_that_does_not_exist() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-01 10:00,resolved\n",
    )
    .file("cxgap.toml", "[events.columns]\nagent = \"Owner\"\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "missing required column `agent` (found: case_id, timestamp, event)",
        ));
}

#[test]
fn broken_timestamps_are_rejected_with_line_numbers() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-01 10:00,case_opened\nA,31/31/2026 99:00,contact_in\nA,,contact_in\n,2026-01-01 11:00,contact_in\nA,2026-01-02 10:00,resolved\n",
    );
    // Three of five rows rejected: a run stops (exit 4, see
    // `rejects_above_the_limit_stop_the_run`); allowed here to see them.
    let v = f.validate_json(&["--max-reject-share", "1"]);
    let rej = v["rejected"].as_array().unwrap();
    // Line 3 is unreadable, line 4 empty, line 5 has no case id.
    assert_eq!(rej[0]["reason"], "bad_timestamp");
    assert_eq!(rej[0]["column"], "timestamp");
    assert_eq!(rej[0]["example_lines"], "3");
    assert_eq!(rej[1]["reason"], "empty_case_id");
    assert_eq!(rej[1]["example_lines"], "5");
    assert_eq!(rej[2]["reason"], "missing_timestamp");
    assert_eq!(rej[2]["example_lines"], "4");
    let ev = &v["inputs"][0];
    // 5 read = 2 used + 3 rejected.
    assert_eq!(
        (
            ev["rows_read"].as_u64(),
            ev["rows_used"].as_u64(),
            ev["rows_rejected"].as_u64()
        ),
        (Some(5), Some(2), Some(3))
    );
    // rejects.csv keeps the original values.
    f.cmd(&[
        "validate",
        ".",
        "--rejects",
        "rejects.csv",
        "--max-reject-share",
        "1",
    ])
    .assert()
    .success();
    let rejects = std::fs::read_to_string(f.join("rejects.csv")).unwrap();
    assert!(
        rejects.starts_with("input,line,reason,column,value,values\n"),
        "{rejects}"
    );
    assert!(rejects.contains("events,3,bad_timestamp,timestamp,31/31/2026 99:00,case_id=A; timestamp=31/31/2026 99:00; event=contact_in"), "{rejects}");
}

#[test]
fn ragged_csv() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-01 10:00,resolved\nB,2026-01-01 10:00,resolved,extra\n",
    );
    // The long row is isolated as a reject (never an engine failure); one
    // of two rows is above the 5% limit.
    f.cmd(&["validate", "."])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "error: ./events.csv: 1 of 2 rows were rejected (50%), above the 5% limit, so the run stops and writes nothing",
        ))
        .stderr(predicate::str::contains(
            "  events: long_row: 1 row\n    line 3: B,2026-01-01 10:00,resolved,extra",
        ))
        .stderr(predicate::str::contains("hint: the file's rows do not match its header: check the delimiter"));
}

#[test]
fn empty_file_and_header_only() {
    let f = Fixture::new();
    f.file("events.csv", "");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: ./events.csv: the file is empty (no header row)",
        ));
    f.file("events.csv", "case_id,timestamp,event\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: ./events.csv: the file has a header but no data rows",
        ));
}

#[test]
fn non_utf8_input() {
    let f = Fixture::new();
    f.bytes(
        "events.csv",
        b"case_id,timestamp,event\nA,2026-01-01 10:00,r\xe9solu\n",
    );
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: ./events.csv: the file is not UTF-8 text (invalid byte 0xE9 on line 2; it looks like Latin-1 or Windows-1252)",
        ))
        .stderr(predicate::str::contains(
            "hint: name its encoding in cxgap.toml, in the input's section: encoding = \"windows-1252\"",
        ));
    // Named, the file reads: `résolu` is an activity of its own name.
    f.file("cxgap.toml", "[events]\nencoding = \"windows-1252\"\n");
    let rows = f.journeys(&[]);
    assert_eq!(rows.len(), 1);
    let v = f.validate_json(&[]);
    assert_eq!(v["unmapped_activities"][0]["activity"], "résolu");
    // UTF-16 with its byte-order mark needs no config: 0xE9 as U+00E9.
    let f = Fixture::new();
    let text = "case_id,timestamp,event\r\nA,2026-01-01 10:00,r\u{e9}solu\r\nA,2026-01-02 10:00,resolved\r\n";
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    f.bytes("events.csv", &bytes);
    expect(
        &f.journeys(&[]),
        "A",
        &[("resolved_at", "2026-01-02T10:00:00Z")],
    );
}

#[test]
fn unknown_format_and_missing_file() {
    let f = Fixture::new();
    f.file("tickets.xlsx", "x");
    f.cmd(&["validate", ".", "--events", "tickets.xlsx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: tickets.xlsx: unknown file format `.xlsx` for the events input",
        ));
    f.cmd(&["validate", ".", "--events", "nope.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error: nope.csv: file not found"));
    // No events at all in the directory.
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no events input"));
}

#[test]
fn bad_config() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-01 10:00,resolved\n",
    );
    f.file("cxgap.toml", "timezone = \"Mars/Olympus\"\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: invalid setting `timezone`: unknown time zone `Mars/Olympus`",
        ));
    f.file("cxgap.toml", "[events]\ncolums = {}\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "invalid config: unknown key `colums` (line 2); did you mean `columns`?",
        ));
    f.file("cxgap.toml", "[events.activities]\nsolved = [\"Fixed\"]\n");
    f.cmd(&["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`solved` is not a canonical event type",
        ));
}

#[test]
fn usage_errors_exit_2() {
    let f = Fixture::new();
    f.cmd(&["validate", "--no-such-flag"]).assert().code(2);
    f.file(
        "events.csv",
        "case_id,timestamp,event\nA,2026-01-01 10:00,resolved\n",
    );
    f.cmd(&["validate", ".", "--as-of", "someday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read `someday` as a date and time for --as-of",
        ));
    f.cmd(&["journeys", ".", "--out", "-", "--format", "parquet"])
        .assert()
        .code(2);
}

/// What a broken export in tests/fixtures/bad/ must produce.
#[derive(serde::Deserialize)]
struct Expect {
    code: i32,
    message: String,
}

/// Every broken export of the corpus (tests/fixtures/bad/<case>/, each with
/// an expect.toml saying what it is and what cxgap must answer): `validate`
/// and `report` exit with the expected code and message, never panic or
/// blame cxgap, and a failed report publishes nothing.
#[test]
fn every_broken_export_in_the_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "the corpus shrank: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let expect: Expect =
            toml::from_str(&std::fs::read_to_string(case.join("expect.toml")).unwrap()).unwrap();
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("out");
        for args in [
            vec!["validate".as_ref(), case.as_os_str()],
            vec![
                "report".as_ref(),
                case.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ],
        ] {
            let o = assert_cmd::Command::cargo_bin("cxgap")
                .unwrap()
                .args(&args)
                .env("NO_COLOR", "1")
                .env("CXGAP_NOW", "2026-11-23T00:00:00Z")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            let command = args[0].to_string_lossy();
            let code = o.status.code().unwrap_or(-1);
            if code != expect.code {
                failures.push(format!(
                    "{name} {command}: exit {code}, expected {}\n{stderr}",
                    expect.code
                ));
            } else if !stderr.contains(&expect.message) {
                failures.push(format!(
                    "{name} {command}: stderr lacks {:?}\n{stderr}",
                    expect.message
                ));
            }
            if stderr.contains("panicked") || stderr.contains("bug in cxgap") {
                failures.push(format!("{name} {command}: {stderr}"));
            }
            if command == "report" && expect.code != 0 && out.exists() {
                failures.push(format!("{name}: a failed report was published"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
