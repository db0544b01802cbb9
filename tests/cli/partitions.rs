//! SPEC 7: journeys built one customer partition at a time equal the
//! journeys of one run over all the inputs, row for row, and so does every
//! file of the report (run.json differs only in its arguments, clock and
//! timings).

use std::path::Path;

use crate::common::{Fixture, deterministic_files, expect};

/// run.json without what may differ between two runs of the same data.
fn run_json(dir: &Path) -> serde_json::Value {
    let mut run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    let obj = run.as_object_mut().unwrap();
    obj.remove("arguments");
    obj.remove("stage_timings_ms");
    obj["config"].as_object_mut().unwrap().remove("now");
    run
}

/// `report DIR` in one go and in `parts` partitions: the same files.
fn same_report_in_parts(f: &Fixture, dir: &str, parts: &str) {
    for (out, extra) in [("one", vec![]), ("parts", vec!["--partitions", parts])] {
        let mut args = vec!["report", dir, "--out", out];
        args.extend(extra);
        f.cmd(&args).assert().success();
    }
    let (one, parts_dir) = (f.join("one"), f.join("parts"));
    let a = deterministic_files(&one);
    let b = deterministic_files(&parts_dir);
    assert_eq!(
        a.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        b.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{dir}: {name} differs with {parts} partitions");
    }
    assert_eq!(run_json(&one), run_json(&parts_dir), "{dir}: run.json");
}

#[test]
fn every_bundled_sample_gives_the_same_report_in_partitions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    // The long log with customer-only IVR rows and surveys, the wide
    // ticket table with its interactions export, the orders table with
    // reviews: 2, 3 and more partitions than customers.
    for (dir, parts) in [("", "2"), ("helpdesk", "3"), ("shop", "64")] {
        let f = Fixture::new();
        same_report_in_parts(&f, root.join(dir).to_str().unwrap(), parts);
    }
}

#[test]
fn a_generated_sample_gives_the_same_report_in_partitions() {
    let f = Fixture::new();
    f.cmd(&["sample", "--cases", "3000", "--seed", "7", "--out", "data"])
        .assert()
        .success();
    same_report_in_parts(&f, "data", "5");
}

/// Rows whose partition is decided by their customer, not their case: a
/// survey and a count row keyed only by customer, a count row naming an
/// unknown case, a case whose first event has no customer, and a
/// recontact across two cases of one customer.
/// A partitioned run keeps its promise ledger, matched answers, attributed
/// contact rows and events on disk: `sql` and `case` read them there, in
/// the one-run order (#27: they no longer hold the log in memory).
#[test]
fn sql_and_case_read_a_partitioned_runs_rows_as_one_runs() {
    let f = Fixture::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let dir = dir.to_str().unwrap();
    let stdout = |args: &[&str], parts: &str| {
        let mut args = args.to_vec();
        args.extend([dir, "--partitions", parts, "--format", "csv"]);
        let out = f.cmd(&args).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).to_string()
    };
    for table in ["promises", "surveys", "contacts"] {
        let query = format!("select * from {table}");
        let one = stdout(&["sql", &query], "1");
        assert!(one.lines().count() > 3, "{table}: {one}");
        assert_eq!(one, stdout(&["sql", &query], "3"), "{table}");
    }
    // The event log too: every column, from the part files on disk.
    let query = "select * from events order by case_id, line";
    let one = stdout(&["sql", query], "1");
    assert!(one.starts_with("line,case_id,ts,event,"), "{one}");
    assert_eq!(one, stdout(&["sql", query], "3"));
    // ISP-1001 has promises, attributed contact rows and a survey answer.
    let one = stdout(&["case", "ISP-1001"], "1");
    for section in [
        "# promises\nline",
        "# contacts\nline",
        "# surveys\nsurvey_id",
    ] {
        let rows = one.split(section).nth(1).unwrap_or_default();
        assert!(
            rows.lines().nth(1).is_some_and(|l| !l.is_empty()),
            "{section}: {one}"
        );
    }
    assert_eq!(one, stdout(&["case", "ISP-1001"], "3"));
}

#[test]
fn rows_keyed_by_customer_follow_their_customer() {
    let f = Fixture::new();
    f.file(
        "events.csv",
        "case_id,timestamp,event,customer_id\n\
         A,2026-03-01 09:00,case_opened,\n\
         A,2026-03-01 09:05,contact_in,C1\n\
         A,2026-03-01 10:00,resolved,\n\
         B,2026-03-04 09:00,case_opened,C1\n\
         B,2026-03-04 09:00,contact_in,C1\n\
         B,2026-03-04 11:00,resolved,C1\n\
         X,2026-03-02 08:00,case_opened,C2\n\
         X,2026-03-02 08:10,contact_in,C2\n\
         X,2026-03-02 09:00,resolved,C2\n\
         Z,2026-03-20 08:00,case_opened,\n",
    )
    .file(
        "surveys.csv",
        "survey_id,case_id,customer_id,sent_at,responded_at,score\n\
         S1,,C2,2026-03-02 12:00,2026-03-03 12:00,2\n\
         S2,A,,2026-03-01 12:00,2026-03-01 13:00,5\n",
    )
    .file(
        "contacts.csv",
        "date,case_id,customer_id,contacts\n\
         2026-03-02,,C2,2\n\
         2026-03-06,NOPE,C2,1\n",
    );
    let one = f.journeys(&[]);
    for parts in ["2", "3", "7"] {
        assert_eq!(one, f.journeys(&["--partitions", parts]), "{parts} parts");
    }
    // A: customer C1 from its second event; resolved Mar 1 10:00, and C1
    // called again on Mar 4 (case B) — 3 days, inside W = 7: recontacted.
    expect(
        &one,
        "A",
        &[
            ("customer_id", "C1"),
            ("recontacted", "true"),
            ("score", "5.0"),
        ],
    );
    // X: the customer-only survey (responded Mar 3, X resolved Mar 2 09:00,
    // within S = 14 days) and the Mar 2 count row (2 contacts, inside X's
    // Mar 2 span) join X: 1 logged + 2 counted = 3 inbound. The row naming
    // the unknown case NOPE is unattributed, yet C2's call on Mar 6 is 4
    // days after the resolution: recontacted.
    expect(
        &one,
        "X",
        &[
            ("score", "2.0"),
            ("inbound_contacts", "3"),
            ("recontacted", "true"),
        ],
    );
    // Z: no customer at all; still its own case, open.
    expect(&one, "Z", &[("customer_id", ""), ("resolved_at", "")]);
}

#[test]
fn a_memory_limit_too_small_for_one_part_still_gives_the_same_journeys() {
    let f = Fixture::new();
    f.cmd(&["sample", "--cases", "400", "--seed", "3", "--out", "data"])
        .assert()
        .success();
    let journeys = |extra: &[&str]| {
        let mut args = vec!["journeys", "data", "--out", "-", "--format", "csv"];
        args.extend_from_slice(extra);
        f.cmd(&args)
            .env("CXGAP_TRACE", "1")
            .assert()
            .success()
            .get_output()
            .clone()
    };
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    let one = journeys(&[]);
    let tiny = journeys(&["--memory-limit", "1KiB"]);
    assert_eq!(text(one.stdout), text(tiny.stdout));
    let err = text(tiny.stderr);
    assert!(
        err.contains("built the journeys in 256 customer partitions"),
        "{err}"
    );
    // The event log went to disk while it was read, not after.
    assert!(err.contains("events: spooling to disk"), "{err}");
    assert!(!text(one.stderr.clone()).contains("spooling"));
    // A limit no run can keep is not kept silently.
    assert!(
        err.contains("over --memory-limit 1.0 KiB: the event log was read to disk and built one customer partition at a time, but the surveys and contact rows are read whole and the journeys' case rows are held to the end"),
        "{err}"
    );
    assert!(!text(one.stderr).contains("--memory-limit"));
}

#[test]
fn a_memory_limit_that_is_not_a_size_is_a_usage_error() {
    let f = Fixture::new();
    f.cmd(&["validate", ".", "--memory-limit", "lots"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`lots` is not a size; write e.g. `8GiB`, `500MiB` or `2GB`",
        ));
}

/// A run built in one go, whose budget has no room for the events kept
/// for the example journeys beside the build, keeps them on disk instead:
/// the report is the same. (`--partitions 1` pins the one-go build: a
/// budget this small would otherwise send the reader to disk as well.)
#[test]
fn events_kept_for_examples_wait_on_disk_near_the_budget() {
    let f = Fixture::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let dir = dir.to_str().unwrap();
    // stderr of a traced report run.
    let traced = |args: &[&str]| {
        let out = f.cmd(args).env("CXGAP_TRACE", "1").assert().success();
        String::from_utf8_lossy(&out.get_output().stderr).to_string()
    };
    let trace = traced(&["report", dir, "--out", "one"]);
    let held: f64 = trace
        .split("inputs held: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{trace}"));
    assert!(!trace.contains("events kept on disk"), "{trace}");
    // Just above the one-go build (BUILD_FACTOR × the rows held): no room
    // left for the kept events.
    let factor = cxgap::input::settle::spool::BUILD_FACTOR;
    let limit = format!("{}", (held * factor).ceil() as u64 + 1);
    let trace = traced(&[
        "report",
        dir,
        "--out",
        "disk",
        "--memory-limit",
        &limit,
        "--partitions",
        "1",
    ]);
    assert!(trace.contains("events kept on disk"), "{trace}");
    assert!(!trace.contains("part built"), "one part: {trace}");
    assert_eq!(
        deterministic_files(&f.join("one")),
        deterministic_files(&f.join("disk"))
    );
}
