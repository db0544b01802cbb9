//! SPEC 4: `cxgap report` — every file written, atomically, byte-identical
//! across runs; charts that decode and are not blank; an HTML page that holds
//! the tables' figures and loads nothing from outside; the committed
//! reports/sample reproduced exactly.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{Fixture, deterministic_files};

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

fn report(f: &Fixture, out: &str) {
    f.cmd(&["report", sample_dir().to_str().unwrap(), "--out", out])
        .assert()
        .success()
        .stdout(predicate::str::contains("Overview"))
        .stderr(predicate::str::contains(format!("report written to {out}")));
}

const CHARTS: [&str; 5] = [
    "score_by_contacts",
    "driver_gaps",
    "promise_miss_rate",
    "segment_residuals",
    "weekly_trend",
];

#[test]
fn writes_every_file() {
    let f = Fixture::new();
    report(&f, "out");
    let dir = f.join("out");
    for name in [
        "summary.html",
        "journeys.parquet",
        "rejects.csv",
        "run.json",
    ] {
        assert!(dir.join(name).is_file(), "{name}");
    }
    for table in [
        "overview",
        "score_by_contacts",
        "promises",
        "drivers",
        "resolution_gap",
        "fcr_views",
        "segments",
        "trends",
        "who_answers",
        "response_by_segment",
    ] {
        assert!(
            dir.join(format!("tables/{table}.csv")).is_file(),
            "{table}.csv"
        );
        assert!(
            dir.join(format!("tables/{table}.json")).is_file(),
            "{table}.json"
        );
    }
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["schema_version"], 1);
    assert_eq!(run["as_of"], "2026-11-19T12:31:00Z");
    let events = &run["inputs"][0];
    assert_eq!(
        events["rows_read"].as_u64().unwrap(),
        events["rows_used"].as_u64().unwrap() + events["rows_rejected"].as_u64().unwrap()
    );
    assert!(
        run["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "summary.html")
    );
    assert!(run["stage_timings_ms"].as_array().unwrap().len() >= 5);
    assert_eq!(run["config"]["survey"]["window_days"], 14.0);
}

#[test]
fn charts_decode_with_the_right_size_and_are_not_blank() {
    let f = Fixture::new();
    report(&f, "out");
    for c in CHARTS {
        let png = f.join(&format!("out/charts/{c}.png"));
        let img = image::open(&png)
            .unwrap_or_else(|e| panic!("{c}.png: {e}"))
            .to_rgb8();
        assert_eq!(img.width(), 900, "{c}");
        assert!(img.height() >= 300, "{c}");
        // Not blank: a real share of non-white pixels and several colours.
        let inked = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
        assert!(
            inked * 100 > (img.width() * img.height()) as usize,
            "{c}: only {inked} inked pixels"
        );
        let mut colours: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
        colours.sort();
        colours.dedup();
        assert!(colours.len() > 10, "{c}: {} colours", colours.len());
        let svg = std::fs::read_to_string(f.join(&format!("out/charts/{c}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.contains("<text"), "{c}.svg");
    }
}

#[test]
fn html_is_self_contained_and_holds_the_figures() {
    let f = Fixture::new();
    report(&f, "out");
    let html = std::fs::read_to_string(f.join("out/summary.html")).unwrap();
    // Nothing external: no links, scripts, stylesheets or images from elsewhere.
    for banned in [
        "http://", "https://", "<script", "<link", "<img", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "summary.html contains {banned}");
    }
    assert!(html.contains("<meta name=\"viewport\""));
    assert_eq!(html.matches("<svg").count(), CHARTS.len());
    // Every figure of tables/overview.json appears, as the table prints it.
    let overview: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.join("out/tables/overview.json")).unwrap())
            .unwrap();
    for row in overview.as_array().unwrap() {
        let shown = match &row["value"] {
            serde_json::Value::Null => "n/a".to_string(),
            v => cxgap::render::cell_text(v, true),
        };
        assert!(
            html.contains(&format!("<div class=\"v\">{shown}</div>")),
            "{} = {shown} missing",
            row["figure"]
        );
    }
    // And the driver table's factors, the findings and the footer definitions.
    assert!(html.contains("ops_resolved_customer_not"));
    assert!(html.contains("Cases with a transfer score 1.0 points lower (95% CI 0.4 to 1.6)"));
    assert!(html.contains(
        "as_of = 2026-11-19T12:31:00Z; repeat window W = 7 days; survey window S = 14 days"
    ));
}

#[test]
fn two_runs_are_byte_identical() {
    let f = Fixture::new();
    report(&f, "a");
    report(&f, "b");
    assert_eq!(
        deterministic_files(&f.join("a")),
        deterministic_files(&f.join("b"))
    );
}

#[test]
fn a_failed_run_leaves_the_previous_report() {
    let f = Fixture::new();
    report(&f, "out");
    let before = deterministic_files(&f.join("out"));
    f.file("out/marker.txt", "previous report");
    f.cmd(&[
        "report",
        sample_dir().to_str().unwrap(),
        "--out",
        "out",
        "--fail-after-stage",
        "charts",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "the run was stopped after stage `charts`",
    ));
    // The old folder is intact, and no staging folder is left behind.
    assert_eq!(
        std::fs::read_to_string(f.join("out/marker.txt")).unwrap(),
        "previous report"
    );
    let after: Vec<_> = deterministic_files(&f.join("out"))
        .into_iter()
        .filter(|(n, _)| n != "marker.txt")
        .collect();
    assert_eq!(before, after);
    let leftovers: Vec<_> = std::fs::read_dir(f.join("."))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A successful run replaces the folder as a whole.
    report(&f, "out");
    assert!(!f.join("out/marker.txt").exists());
}

#[test]
fn fail_if_breach_still_writes_the_report() {
    let f = Fixture::new();
    f.cmd(&[
        "report",
        sample_dir().to_str().unwrap(),
        "--out",
        "out",
        "--fail-if",
        "promise_miss_rate>0.15",
    ])
    .assert()
    .code(3)
    .stderr(predicate::str::contains(
        "threshold breached: promise_miss_rate = 0.4571 > 0.15",
    ));
    assert!(f.join("out/summary.html").is_file());
    // A bad figure name is a usage error and writes nothing.
    f.cmd(&[
        "report",
        sample_dir().to_str().unwrap(),
        "--out",
        "bad",
        "--fail-if",
        "speed>1",
    ])
    .assert()
    .code(2);
    assert!(!f.join("bad").exists());
}

#[test]
fn committed_sample_report_is_reproduced() {
    let f = Fixture::new();
    report(&f, "out");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/sample");
    let fresh = deterministic_files(&f.join("out"));
    let old = deterministic_files(&committed);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&fresh),
        names(&old),
        "regenerate with `cargo run -- report sample-data --out reports/sample`"
    );
    for ((name, a), (_, b)) in fresh.iter().zip(&old) {
        // Parquet bytes depend on the writer build: compare the values.
        if name.ends_with(".parquet") {
            use polars::prelude::*;
            let read = |bytes: &[u8]| {
                ParquetReader::new(std::io::Cursor::new(bytes.to_vec()))
                    .finish()
                    .unwrap()
            };
            assert!(
                read(a).equals_missing(&read(b)),
                "{name} holds other values than reports/sample; regenerate with `cargo run -- report sample-data --out reports/sample`"
            );
        }
        // PNG bytes depend on the encoder build; they are checked by decoding above.
        if !name.ends_with(".png") && !name.ends_with(".parquet") {
            assert!(
                a == b,
                "{name} differs from reports/sample; regenerate with `cargo run -- report sample-data --out reports/sample`"
            );
        }
    }
}
