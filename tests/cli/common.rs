//! Fixtures written inside each test, the real binary run on them, and its
//! output parsed back into rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub type Row = BTreeMap<String, String>;

pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn file(&self, name: &str, content: &str) -> &Fixture {
        self.bytes(name, content.as_bytes())
    }

    pub fn bytes(&self, name: &str, content: &[u8]) -> &Fixture {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write fixture");
        self
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `cxgap ARGS...` run in the fixture directory, without colour.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("cxgap").expect("binary");
        c.current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .args(args);
        c
    }

    /// The standard output of `cxgap ARGS`, which must succeed.
    pub fn stdout(&self, args: &[&str]) -> Vec<u8> {
        self.cmd(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }

    /// The journeys table as rows keyed by column, via `journeys --format csv`.
    pub fn journeys(&self, extra: &[&str]) -> Vec<Row> {
        let mut args = vec!["journeys", ".", "--out", "-", "--format", "csv"];
        args.extend_from_slice(extra);
        let out = self.stdout(&args);
        parse_csv(&String::from_utf8(out).expect("utf-8"))
    }

    /// `metrics ARGS... . --format json` parsed (ARGS: the table, then any
    /// options).
    pub fn metrics_json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = vec!["metrics"];
        a.extend_from_slice(args);
        a.extend_from_slice(&[".", "--format", "json"]);
        self.json(&a)
    }

    /// `validate --format json` parsed.
    pub fn validate_json(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["validate", ".", "--format", "json"];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    /// The standard output of `cxgap ARGS` (which must succeed), parsed as
    /// JSON: ARGS ask for `--format json`.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_slice(&self.stdout(args)).expect("json")
    }
}

pub fn parse_csv(text: &str) -> Vec<Row> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The row of one case.
pub fn case<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["case_id"] == id)
        .unwrap_or_else(|| panic!("case {id} not in output"))
}

/// Assert several columns of one case at once: `expect(&rows, "A", &[("fcr", "true")])`.
pub fn expect(rows: &[Row], id: &str, want: &[(&str, &str)]) {
    let row = case(rows, id);
    for (col, value) in want {
        assert_eq!(
            row.get(*col).map(String::as_str),
            Some(*value),
            "case {id}, column {col}"
        );
    }
}

/// Every file of a report folder except run.json (which holds timings).
pub fn deterministic_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != "run.json" {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A headline figure as its card on summary.html shows it, worked out from
/// its tables/overview.json value: shares as %, one decimal; the mean score
/// to two decimals "of" the sample's top of scale (5); hours below two days
/// as hours; counts whole.
pub fn expected_card_value(name: &str, value: Option<f64>) -> String {
    let Some(v) = value else {
        return "n/a".into();
    };
    match name {
        "cases" | "open_cases" | "surveys_answered" => format!("{v}"),
        "csat_pct" => format!("{v:.1}%"),
        "mean_score" => format!("{v:.2} of 5"),
        "mean_inbound_contacts" => format!("{v:.2}"),
        "median_resolution_hours" => format!("{v:.1} h"),
        _ => format!("{:.1}%", 100.0 * v),
    }
}

/// The overview row of figure `name` in `metrics overview --format json`.
pub fn figure_row<'a>(overview: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    overview
        .as_array()
        .expect("an array of figures")
        .iter()
        .find(|r| r["figure"] == name)
        .unwrap_or_else(|| panic!("no figure {name}"))
}
