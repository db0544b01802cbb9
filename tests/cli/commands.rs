//! The commands around the engine: help, validate, init, case, journeys.

use predicates::prelude::*;

use crate::common::{Fixture, parse_csv};

fn sample_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

#[test]
fn help_teaches_with_examples() {
    let f = Fixture::new();
    f.cmd(&["--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    for sub in ["validate", "init", "case", "journeys", "report", "sample"] {
        f.cmd(&[sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  cxgap"));
    }
}

#[test]
fn case_shows_the_journey_side_by_side() {
    let f = Fixture::new();
    let out = f.stdout(&["case", "ISP-1001", sample_dir().to_str().unwrap()]);
    let text = String::from_utf8(out).unwrap();
    for want in [
        "Case ISP-1001",
        "Timeline",
        "Restore time given",
        "1d 13h 15m",
        "Promises",
        "Survey answers",
        "technician",
        // Features read as words in the terminal (JSON keeps the names).
        "Resolution hours",
        "Repeat contact",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    f.cmd(&["case", "ISP-9999", sample_dir().to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: case `ISP-9999` is not in the events input",
        ))
        .stderr(predicate::str::contains("hint: similar case ids: ISP-1001"));
}

#[test]
fn journeys_parquet_file_matches_csv() {
    let f = Fixture::new();
    let dir = sample_dir();
    let dir = dir.to_str().unwrap();
    f.cmd(&["journeys", dir, "--out", "j.parquet"])
        .assert()
        .success();
    use polars::prelude::SerReader;
    let df = polars::prelude::ParquetReader::new(std::fs::File::open(f.join("j.parquet")).unwrap())
        .finish()
        .unwrap();
    let csv = f.stdout(&["journeys", dir, "--out", "-"]);
    let rows = parse_csv(&String::from_utf8(csv).unwrap());
    assert_eq!(df.height(), rows.len());
    assert_eq!(
        df.get_column_names()[..4],
        ["case_id", "customer_id", "opened_at", "resolved_at"]
    );
}

#[test]
fn output_is_deterministic() {
    let f = Fixture::new();
    let dir = sample_dir();
    let run = || f.stdout(&["journeys", dir.to_str().unwrap(), "--out", "-"]);
    assert_eq!(run(), run());
    let v = || f.stdout(&["validate", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(v(), v());
}

#[test]
fn help_of_metrics_and_sql() {
    let f = Fixture::new();
    for sub in ["metrics", "sql"] {
        f.cmd(&[sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  cxgap"));
    }
}

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    cxgap::cli::Cli::command().debug_assert();
}

/// docs/cli.md is the `--help` of every command; regenerate it with
/// `UPDATE_DOCS=1 cargo test --locked cli_reference`.
#[test]
fn cli_reference_is_current() {
    use clap::CommandFactory;
    let mut root = cxgap::cli::Cli::command().term_width(100);
    let mut doc = String::from(
        "# Command reference\n\nGenerated from `--help`; do not edit by hand.\n\n```text\n",
    );
    doc.push_str(&root.render_long_help().to_string());
    doc.push_str("```\n");
    let names: Vec<String> = root
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let sub = root.find_subcommand_mut(&name).unwrap();
        let mut sub = sub
            .clone()
            .bin_name(format!("cxgap {name}"))
            .term_width(100);
        doc.push_str(&format!(
            "\n## cxgap {name}\n\n```text\n{}```\n",
            sub.render_long_help()
        ));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == doc,
        "docs/cli.md is out of date: run `UPDATE_DOCS=1 cargo test --locked cli_reference`"
    );
}
