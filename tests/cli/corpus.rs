//! Exports nobody on this project wrote (SPEC 1.4–1.6, #23): real public
//! exports of help desks, ITSM tools, CRMs, call centres, process-mining
//! logs, city service requests, a regulator, shops and survey tools.
//!
//! `tests/corpus/<name>.toml` holds, for each, where it comes from, the
//! mapping a careful analyst makes (lines `init` must write, and lines it
//! must not), and what the run must say: exit code and message for a
//! refusal that is right, or overview figures computed independently (the
//! script is in the dataset's README beside the data).
//!
//! The data themselves are third-party files: they are not committed here
//! (this project commits no data it fetched). The test reads them from
//! `$CXGAP_CORPUS`, else `../shared/corpus` beside the repository, one
//! folder per dataset; where neither exists it says so on stderr and
//! checks only that every expectation file parses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Repository, path and commit the files were cut from.
    #[allow(dead_code)]
    source: String,
    /// The dataset's files given to `init`, in its folder.
    files: Vec<String>,
    init: InitExpect,
    #[serde(default)]
    run: RunExpect,
    /// What cxgap cannot yet do for this export, said plainly: its
    /// mismatches are listed, not failed — and a gap that closes fails
    /// the test until the line is removed, so the list stays true.
    #[serde(default)]
    gap: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InitExpect {
    /// Exit code of `init`: 0 (a config) or 2 (a refusal with `message`).
    code: i32,
    #[serde(default)]
    message: Option<String>,
    /// Lines (or parts of lines) the written config holds.
    #[serde(default)]
    lines: Vec<String>,
    /// Mappings it must not hold.
    #[serde(default)]
    absent: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunExpect {
    /// Extra arguments to `metrics overview` (e.g. `--max-reject-share 1`).
    #[serde(default)]
    args: Vec<String>,
    /// Its exit code (default 0).
    #[serde(default)]
    code: i32,
    #[serde(default)]
    message: Option<String>,
    /// Overview figures: a number, or "n/a" for a figure the inputs
    /// cannot measure.
    #[serde(default)]
    figures: BTreeMap<String, toml::Value>,
}

fn expectations() -> Vec<(String, Expect)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out: Vec<(String, Expect)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            let e: Expect =
                toml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", p.display()));
            (name, e)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn corpus_root() -> Option<PathBuf> {
    std::env::var_os("CXGAP_CORPUS")
        .map(PathBuf::from)
        .or_else(|| Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")))
        .filter(|p| p.is_dir())
}

fn cxgap(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("cxgap")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CXGAP_NOW", "2026-12-01T00:00:00Z")
        .args(args)
        .output()
        .unwrap()
}

/// One command of a dataset's run: what went otherwise than expected (a
/// panic, another exit code, another message) goes into `wrong`; its
/// stdout when it succeeded as expected, `None` when the run stops here
/// (it failed otherwise, or it was an expected refusal).
fn step(
    name: &str,
    what: &str,
    dir: &Path,
    args: &[&str],
    code: i32,
    message: &Option<String>,
    wrong: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let out = cxgap(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let got = out.status.code().unwrap_or(-1);
    if stderr.contains("panicked") || stderr.contains("bug in cxgap") {
        wrong.push(format!("{name}: {what}: {stderr}"));
    }
    if got != code {
        wrong.push(format!(
            "{name}: {what} exit {got}, expected {code}\n{stderr}"
        ));
        return None;
    }
    if let Some(m) = message
        && !stderr.contains(m.as_str())
    {
        wrong.push(format!("{name}: {what} says\n{stderr}\nnot {m:?}"));
    }
    (got == 0).then_some(out.stdout)
}

/// One dataset through `init` and `metrics overview`; what went otherwise
/// than its expectation, in words.
fn check(name: &str, e: &Expect, data: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    let work = tempfile::tempdir().unwrap();
    for f in &e.files {
        std::fs::copy(data.join(f), work.path().join(f))
            .unwrap_or_else(|err| panic!("{name}/{f}: {err}"));
    }
    let mut args = vec!["init", "."];
    args.extend(e.files.iter().map(String::as_str));
    let Some(_) = step(
        name,
        "init",
        work.path(),
        &args,
        e.init.code,
        &e.init.message,
        &mut wrong,
    ) else {
        return wrong;
    };
    let config = std::fs::read_to_string(work.path().join("cxgap.toml")).unwrap();
    for line in &e.init.lines {
        if !config.contains(line.as_str()) {
            wrong.push(format!("{name}: the config lacks {line:?}\n{config}"));
        }
    }
    for line in &e.init.absent {
        if config.contains(line.as_str()) {
            wrong.push(format!("{name}: the config holds {line:?}\n{config}"));
        }
    }
    let mut args = vec!["metrics", "overview", ".", "--format", "json"];
    args.extend(e.run.args.iter().map(String::as_str));
    let Some(stdout) = step(
        name,
        "metrics",
        work.path(),
        &args,
        e.run.code,
        &e.run.message,
        &mut wrong,
    ) else {
        return wrong;
    };
    let rows: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    for (figure, want) in &e.run.figures {
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["figure"] == figure.as_str());
        let got = row.map(|r| r["value"].as_f64());
        let ok = match (want, got) {
            (toml::Value::String(s), Some(None)) => s == "n/a",
            (toml::Value::Float(w), Some(Some(g))) => (w - g).abs() <= 5e-4 * w.abs().max(1.0),
            (toml::Value::Integer(w), Some(Some(g))) => (*w as f64 - g).abs() < 1e-9,
            _ => false,
        };
        if !ok {
            wrong.push(format!("{name}: {figure} = {got:?}, expected {want}"));
        }
    }
    wrong
}

#[test]
// What ran, what was missing and the known gaps are the test's report: on
// stderr, where cargo test shows them with --nocapture.
#[allow(clippy::print_stderr)]
fn every_foreign_export_reads_right_or_is_refused_with_the_reason() {
    let expected = expectations();
    assert!(
        expected.len() >= 20,
        "the corpus shrank: {}",
        expected.len()
    );
    let Some(root) = corpus_root() else {
        eprintln!(
            "corpus: the data are not here (set CXGAP_CORPUS or put them in ../shared/corpus): {} expectation files parsed, none run",
            expected.len()
        );
        return;
    };
    let mut wrong = Vec::new();
    let (mut ran, mut gaps) = (0, 0);
    for (name, e) in &expected {
        let data = root.join(name);
        if !data.is_dir() {
            wrong.push(format!(
                "{name}: no folder {} in the corpus",
                data.display()
            ));
            continue;
        }
        let mismatches = check(name, e, &data);
        ran += 1;
        match (&e.gap, mismatches.is_empty()) {
            (Some(gap), true) => wrong.push(format!(
                "{name}: reads as the analyst's now; remove its gap ({gap})"
            )),
            (Some(gap), false) => {
                gaps += 1;
                eprintln!(
                    "corpus: known gap, {name}: {gap}\n  {}",
                    mismatches.join("\n  ")
                );
            }
            (None, _) => wrong.extend(mismatches),
        }
    }
    eprintln!(
        "corpus: {ran} exports from {}, {gaps} with a known gap",
        root.display()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
