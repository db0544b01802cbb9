//! A property test through the binary: generated inputs damaged at random
//! (bytes flipped, fields dropped or doubled, rows cut, files truncated)
//! never make cxgap panic or blame itself, every failure is a clear input
//! error or a data-quality stop, and when it runs, rows read = used +
//! rejected for every input. Seeded, so a failure reproduces.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::common::Fixture;

/// Rounds per run; `CXGAP_MUTATION_ROUNDS` and `CXGAP_MUTATION_SEED` run a
/// longer or different soak.
const ROUNDS: usize = 40;

/// Bytes that break CSV structure more often than random ones.
const NASTY: &[u8] = b",;\"\r\n\x00\xff\xe9 9-/:";

fn mutate(bytes: &mut Vec<u8>, rng: &mut Xoshiro256PlusPlus) {
    let len = bytes.len();
    if len < 2 {
        return;
    }
    match rng.random_range(0..6) {
        // Overwrite a few bytes.
        0 => {
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(0..len);
                bytes[at] = if rng.random_bool(0.7) {
                    NASTY[rng.random_range(0..NASTY.len())]
                } else {
                    rng.random()
                };
            }
        }
        // Drop a field separator, or add one.
        1 => {
            let at = rng.random_range(0..len);
            if let Some(p) = bytes[at..].iter().position(|&b| b == b',') {
                bytes.remove(at + p);
            }
        }
        2 => {
            let at = rng.random_range(0..len);
            bytes.insert(at, b',');
        }
        // Cut the file somewhere.
        3 => bytes.truncate(rng.random_range(1..len)),
        // Duplicate or drop a line.
        4 => {
            let text = bytes.clone();
            let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            let i = rng.random_range(0..lines.len());
            let mut out: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
            if rng.random_bool(0.5) {
                out.insert(i, lines[i].to_vec());
            } else if i > 0 {
                out.remove(i);
            }
            *bytes = out.join(&b'\n');
        }
        // An unbalanced quote.
        _ => {
            let at = rng.random_range(0..len);
            bytes.insert(at, b'"');
        }
    }
}

#[test]
fn damaged_inputs_never_panic_and_rows_add_up() {
    let base = Fixture::new();
    base.cmd(&["sample", "--cases", "150", "--seed", "11", "--out", "gen"])
        .assert()
        .success();
    let originals: Vec<(String, Vec<u8>)> = ["events.csv", "surveys.csv", "contacts.csv"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read(base.join(&format!("gen/{n}"))).unwrap(),
            )
        })
        .collect();
    let config = std::fs::read(base.join("gen/cxgap.toml")).unwrap();
    let env = |k: &str, default: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(env("CXGAP_MUTATION_SEED", 2026));
    for round in 0..env("CXGAP_MUTATION_ROUNDS", ROUNDS as u64) {
        let f = Fixture::new();
        f.bytes("cxgap.toml", &config);
        for (name, bytes) in &originals {
            let mut bytes = bytes.clone();
            if rng.random_bool(0.6) {
                for _ in 0..rng.random_range(1..4) {
                    mutate(&mut bytes, &mut rng);
                }
            }
            f.bytes(name, &bytes);
        }
        let out = f
            .cmd(&[
                "validate",
                ".",
                "--format",
                "json",
                "--max-reject-share",
                "1",
            ])
            .env("CXGAP_NOW", "2026-11-23T00:00:00Z")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        let sound = [0, 1, 4].contains(&code)
            && !stderr.contains("panicked")
            && !stderr.contains("bug in cxgap");
        if !sound {
            // Keep the damaged inputs to reproduce with.
            let keep = std::env::temp_dir().join(format!("cxgap-mutation-{round}"));
            let _ = std::fs::create_dir_all(&keep);
            for name in ["cxgap.toml", "events.csv", "surveys.csv", "contacts.csv"] {
                let _ = std::fs::copy(f.join(name), keep.join(name));
            }
            panic!(
                "round {round}: exit {code}; inputs kept in {}\n{stderr}",
                keep.display()
            );
        }
        if code == 1 {
            // An input error names the file it is about.
            assert!(
                stderr.contains(".csv") || stderr.contains("cxgap.toml"),
                "round {round}: {stderr}"
            );
        }
        if round % 10 == 0 {
            // The whole pipeline too, now and then: metrics, charts, HTML.
            let report = f
                .cmd(&["report", ".", "--out", "out", "--max-reject-share", "1"])
                .env("CXGAP_NOW", "2026-11-23T00:00:00Z")
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&report.stderr);
            assert!(
                report.status.code() == Some(code) && !err.contains("panicked"),
                "round {round}: report exit {:?}, validate {code}\n{err}",
                report.status.code()
            );
        }
        if code == 0 {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            for input in v["inputs"].as_array().unwrap() {
                let n = |k: &str| input[k].as_u64().unwrap();
                assert_eq!(
                    n("rows_read"),
                    n("rows_used") + n("rows_rejected"),
                    "round {round}: {input}"
                );
            }
        }
    }
}
