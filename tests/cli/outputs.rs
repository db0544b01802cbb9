//! SPEC 5: outputs never destroy what is not cxgap's own. A report goes only
//! into a missing or empty folder or one holding an earlier cxgap report;
//! file outputs never replace an input, a link, a device or a stranger's
//! file; a killed run leaves the previous report and is cleaned up by the
//! next; two writers of one report are serialised by a lock.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{Fixture, deterministic_files};

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// A copy of the bundled sample data's main files in the fixture's `data/`.
fn copy_sample(f: &Fixture) {
    for e in std::fs::read_dir(sample_dir()).unwrap() {
        let p = e.unwrap().path();
        if !p.is_file() {
            continue;
        }
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        f.bytes(&format!("data/{name}"), &std::fs::read(&p).unwrap());
    }
}

/// Names in `dir` starting with `prefix`.
fn entries(dir: &Path, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(prefix))
        .collect();
    v.sort();
    v
}

fn refused(f: &Fixture, args: &[&str], message: &str) {
    f.cmd(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn report_refuses_every_target_that_is_not_its_own() {
    let f = Fixture::new();
    copy_sample(&f);
    let before = deterministic_files(&f.join("data"));
    // The input folder itself: the exports and the config stay.
    refused(
        &f,
        &["report", "data", "--out", "data"],
        "error: data: holds an input of this run (",
    );
    assert_eq!(deterministic_files(&f.join("data")), before);
    // A folder of the user's.
    f.file("mine/notes.txt", "keep me");
    refused(
        &f,
        &["report", "data", "--out", "mine"],
        "error: mine: holds files that are not a cxgap report (found: notes.txt); cxgap will not replace them",
    );
    assert_eq!(
        std::fs::read_to_string(f.join("mine/notes.txt")).unwrap(),
        "keep me"
    );
    // A file, a link, a device.
    f.file("file.txt", "x");
    refused(
        &f,
        &["report", "data", "--out", "file.txt"],
        "error: file.txt: is a file, not a folder",
    );
    assert_eq!(std::fs::read_to_string(f.join("file.txt")).unwrap(), "x");
    std::fs::create_dir(f.join("empty")).unwrap();
    std::os::unix::fs::symlink(f.join("empty"), f.join("link")).unwrap();
    refused(
        &f,
        &["report", "data", "--out", "link"],
        "error: link: is a symbolic link",
    );
    refused(
        &f,
        &["report", "data", "--out", "/dev/null"],
        "error: /dev/null: is not a regular folder (a device, pipe or socket)",
    );
    assert!(Path::new("/dev/null").exists() && !Path::new("/dev/null").is_dir());
    // Nothing was left beside any of them.
    assert_eq!(entries(&f.join("."), "."), Vec::<String>::new());
    // An empty folder is fine, and a report it then holds is replaced.
    f.cmd(&["report", "data", "--out", "empty"])
        .assert()
        .success();
    assert!(f.join("empty/.cxgap").is_file());
    f.cmd(&["report", "data", "--out", "empty"])
        .assert()
        .success();
}

#[test]
fn file_outputs_refuse_inputs_links_devices_and_strangers() {
    let f = Fixture::new();
    copy_sample(&f);
    let tickets = std::fs::read(f.join("data/tickets.csv")).unwrap();
    refused(
        &f,
        &[
            "journeys",
            "data",
            "--out",
            "data/tickets.csv",
            "--format",
            "csv",
        ],
        "error: data/tickets.csv: is an input of this run (",
    );
    refused(
        &f,
        &[
            "validate",
            "data",
            "--rejects",
            "data/cxgap.toml",
            "--force",
        ],
        "error: data/cxgap.toml: is an input of this run (",
    );
    assert_eq!(std::fs::read(f.join("data/tickets.csv")).unwrap(), tickets);
    // A stranger's file needs --force; cxgap's own earlier output does not.
    f.file("notes.csv", "my,notes\n");
    refused(
        &f,
        &["journeys", "data", "--out", "notes.csv"],
        "error: notes.csv: already exists and is not a journeys table cxgap wrote",
    );
    assert_eq!(
        std::fs::read_to_string(f.join("notes.csv")).unwrap(),
        "my,notes\n"
    );
    f.cmd(&["journeys", "data", "--out", "notes.csv", "--force"])
        .assert()
        .success();
    for out in ["j.parquet", "j.csv"] {
        f.cmd(&["journeys", "data", "--out", out])
            .assert()
            .success();
        f.cmd(&["journeys", "data", "--out", out])
            .assert()
            .success();
    }
    f.cmd(&["validate", "data", "--rejects", "r.csv"])
        .assert()
        .success();
    f.cmd(&["validate", "data", "--rejects", "r.csv"])
        .assert()
        .success();
    refused(
        &f,
        &["journeys", "data", "--out", "/dev/null"],
        "error: /dev/null: is not a regular file (a device, pipe or socket)",
    );
    std::os::unix::fs::symlink(f.join("j.csv"), f.join("j-link.csv")).unwrap();
    refused(
        &f,
        &["journeys", "data", "--out", "j-link.csv", "--force"],
        "error: j-link.csv: is a symbolic link",
    );
    // Sample data goes into a folder of its own, too.
    refused(
        &f,
        &["sample", "--cases", "10", "--out", "data"],
        "error: data: holds files that are not a cxgap sample",
    );
    f.cmd(&["sample", "--cases", "10", "--out", "gen"])
        .assert()
        .success();
    f.cmd(&["sample", "--cases", "20", "--out", "gen"])
        .assert()
        .success();
}

/// `cxgap report data --out out` with extra flags, started in the fixture.
fn spawn_report(f: &Fixture, extra: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin!("cxgap"))
        .current_dir(f.join("."))
        .env("NO_COLOR", "1")
        .args(["report", "data", "--out", "out"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait (up to 60 s) until `ready` holds.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_killed_run_leaves_the_previous_report_and_the_next_run_cleans_up() {
    let f = Fixture::new();
    copy_sample(&f);
    f.cmd(&["report", "data", "--out", "out"])
        .assert()
        .success();
    let before = deterministic_files(&f.join("out"));
    // Killed (SIGKILL) while its tables are half written and it holds the lock.
    let mut child = spawn_report(&f, &["--pause-after-stage", "tables:60"]);
    let dir = f.join(".");
    wait_for("a staged report with its tables", || {
        entries(&dir, ".out.partial-")
            .first()
            .is_some_and(|p| dir.join(p).join("tables").is_dir())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        deterministic_files(&f.join("out")),
        before,
        "the previous report moved"
    );
    assert_eq!(entries(&dir, ".out.partial-").len(), 1);
    // The next run takes over the dead run's lock and removes its staging.
    f.cmd(&["report", "data", "--out", "out"])
        .assert()
        .success();
    assert_eq!(entries(&dir, ".out"), Vec::<String>::new());
    assert_eq!(deterministic_files(&f.join("out")), before);
}

#[test]
fn two_writers_of_one_report_take_turns() {
    let f = Fixture::new();
    copy_sample(&f);
    let dir = f.join(".");
    // A holds the lock for 3 s; B, started meanwhile, waits its turn.
    let a = spawn_report(&f, &["--pause-after-stage", "tables:3"]);
    wait_for("A holds the lock", || {
        !entries(&dir, ".out.cxgap-lock").is_empty()
    });
    let b = spawn_report(&f, &[]);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    // B says it replaced A's report: nothing was lost without a word.
    let b_err = String::from_utf8_lossy(&b.stderr);
    assert!(
        b_err.contains("for another cxgap run writing out; its report is replaced by this one"),
        "{b_err}"
    );
    assert!(f.join("out/.cxgap").is_file() && f.join("out/summary.html").is_file());
    assert_eq!(entries(&dir, ".out"), Vec::<String>::new());

    // A writer that cannot wait long enough gives up, naming the holder.
    let mut c = spawn_report(&f, &["--pause-after-stage", "tables:8"]);
    wait_for("C holds the lock", || {
        !entries(&dir, ".out.cxgap-lock").is_empty()
    });
    f.cmd(&["report", "data", "--out", "out", "--lock-wait", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: out: another cxgap run is writing it (pid {}: cxgap report data --out out --pause-after-stage tables:8); gave up after waiting 1 s",
            c.id()
        )));
    assert!(c.wait().unwrap().success());
}
