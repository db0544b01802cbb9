//! SPEC 7 and 7.1: a journeys dataset (`journeys --format dataset`), whole
//! or built one customer partition at a time (`--part K/N`), gives
//! `report --journeys` and `metrics --journeys` the very report of a run
//! over the raw inputs; parts that do not belong together are refused.

use std::path::Path;

use predicates::prelude::*;

use crate::common::{Fixture, deterministic_files};

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .display()
        .to_string()
}

/// Every deterministic file of two report folders, byte for byte, and
/// run.json's input counts and rejects.
fn same_report(a: &Path, b: &Path) {
    let (x, y) = (deterministic_files(a), deterministic_files(b));
    assert_eq!(
        x.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        y.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, p), (_, q)) in x.iter().zip(&y) {
        assert!(p == q, "{name} differs");
    }
    let run = |d: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(d.join("run.json")).unwrap()).unwrap()
    };
    let (r, s) = (run(a), run(b));
    for key in [
        "as_of",
        "inputs",
        "rejected",
        "unmatched_surveys",
        "unattributed_contacts",
    ] {
        assert_eq!(r[key], s[key], "run.json {key}");
    }
}

#[test]
fn a_whole_dataset_gives_the_report_of_the_raw_inputs() {
    let f = Fixture::new();
    let dir = sample();
    f.cmd(&["report", &dir, "--out", "raw"]).assert().success();
    f.cmd(&["journeys", &dir, "--format", "dataset", "--out", "ds"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "wrote part 0 of 1: 66 cases to ds",
        ));
    for file in [
        "manifest.json",
        "cases.parquet",
        "events.parquet",
        "rejects.parquet",
    ] {
        assert!(f.join("ds").join(file).is_file(), "{file}");
    }
    f.cmd(&["report", &dir, "--journeys", "ds", "--out", "from"])
        .assert()
        .success();
    same_report(&f.join("raw"), &f.join("from"));
}

#[test]
fn parts_built_apart_give_the_report_of_the_raw_inputs() {
    let f = Fixture::new();
    f.cmd(&["sample", "--cases", "2000", "--seed", "3", "--out", "data"])
        .assert()
        .success();
    f.cmd(&["report", "data", "--out", "raw"])
        .assert()
        .success();
    for k in 0..4 {
        f.cmd(&[
            "journeys",
            "data",
            "--format",
            "dataset",
            "--part",
            &format!("{k}/4"),
            "--out",
            "ds",
        ])
        .assert()
        .success();
    }
    // The run's counts travel with part 0; the others carry none.
    let manifest = |k: u32| -> serde_json::Value {
        let p = f.join(&format!("ds/part-{k:05}-of-00004/manifest.json"));
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    assert_eq!(manifest(0)["part"], 0);
    assert_eq!(manifest(3)["parts"], 4);
    assert!(manifest(0)["inputs"][0]["rows_read"].as_u64().unwrap() > 0);
    assert_eq!(manifest(2)["inputs"][0]["rows_read"], 0);
    f.cmd(&["report", "data", "--journeys", "ds", "--out", "from"])
        .assert()
        .success();
    same_report(&f.join("raw"), &f.join("from"));
    // One table, as `metrics` prints it, from the parts and from the files.
    let table = |extra: &[&str]| {
        let mut args = vec!["metrics", "drivers", "data", "--format", "json"];
        args.extend(extra);
        f.stdout(&args)
    };
    assert_eq!(table(&[]), table(&["--journeys", "ds"]));
}

#[test]
fn parts_that_do_not_belong_together_are_refused() {
    let f = Fixture::new();
    let dir = sample();
    let part = |part: &str, out: &str| {
        f.cmd(&[
            "journeys", &dir, "--format", "dataset", "--part", part, "--out", out,
        ])
        .assert()
    };
    for k in [0, 2] {
        part(&format!("{k}/3"), "ds").success();
    }
    f.cmd(&["report", &dir, "--journeys", "ds", "--out", "r"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "holds parts [0, 2] of 3; missing: 1",
        ))
        .stderr(predicate::str::contains("build every part"));
    assert!(!f.join("r").exists(), "nothing is published");
    // `metrics overview` from the dataset at `path`, with `extra` flags.
    let overview = |path: &str, extra: &[&str]| {
        let mut args = vec!["metrics", "overview", &dir, "--journeys", path];
        args.extend(extra);
        f.cmd(&args).assert()
    };
    // Journeys built under other settings are not reported under these.
    f.cmd(&["journeys", &dir, "--format", "dataset", "--out", "ds1"])
        .assert()
        .success();
    overview("ds1", &["--repeat-window-days", "3"])
        .code(1)
        .stderr(predicate::str::contains(
            "was built under other journey settings",
        ));
    // The quality gate judges the dataset's counts as it judges files: the
    // sample rejects 3 of its 49 survey rows (6%).
    overview("ds1", &["--max-reject-share", "0.01"]).code(4);
    // min_n shapes only the metrics: a dataset serves any.
    overview("ds1", &["--min-n", "5"]).success();
    // Not a dataset at all.
    overview(&dir, &[])
        .code(1)
        .stderr(predicate::str::contains("holds no journeys dataset"));
    // No such folder; a damaged frame; a part without its events.
    overview("nowhere", &[])
        .code(1)
        .stderr(predicate::str::contains("error: nowhere: no such folder"));
    std::fs::write(f.join("ds1/cases.parquet"), "not parquet").unwrap();
    overview("ds1", &[])
        .code(1)
        .stderr(predicate::str::contains(
            "ds1/cases.parquet: not a readable part of a journeys dataset",
        ))
        .stderr(predicate::str::contains("bug").not());
    std::fs::remove_file(f.join("ds/part-00000-of-00003/events.parquet")).unwrap();
    part("1/3", "ds").success();
    f.cmd(&["report", &dir, "--journeys", "ds", "--out", "r"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "events.parquet: missing from the journeys dataset",
        ));
    // A part outside 0..N.
    part("3/3", "x")
        .code(2)
        .stderr(predicate::str::contains("K from 0 to N-1"));
}
