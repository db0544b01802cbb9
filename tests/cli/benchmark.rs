//! The benchmark script (benches/bench.py) at a tiny scale: it must run, and
//! cxgap and DuckDB must agree on the overview and the driver table of the
//! same generated files. Nothing here is timed; the figures that matter are
//! in BENCHMARKS.md, from full-scale runs.

use std::process::Command;

#[test]
fn benchmark_script_runs_and_engines_agree_at_tiny_scale() {
    let work = tempfile::tempdir().unwrap();
    // test.sh installs DuckDB into a venv and names its interpreter.
    let python = std::env::var("CXGAP_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .args([
            "benches/bench.py",
            "--scales",
            "1500",
            "--formats",
            "csv,parquet",
        ])
        .arg("--cxgap")
        .arg(env!("CARGO_BIN_EXE_cxgap"))
        .arg("--work")
        .arg(work.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs (the benchmark needs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bench.py failed with {python} (./test.sh installs DuckDB into .venv):\n{stdout}\n{stderr}"
    );
    for fmt in ["csv", "parquet"] {
        assert!(
            stdout.contains(&format!("figures {fmt} 1,500: cxgap and duckdb agree")),
            "{stdout}"
        );
        assert!(stdout.contains(&format!("| {fmt} | 1,500 |")), "{stdout}");
    }
}
