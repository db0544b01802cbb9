//! `cxgap sample`: deterministic for a seed, CSV and Parquet describe the
//! same journeys, and cxgap's own metrics recover the planted effects of
//! truth.json within stated tolerances.

use serde_json::Value;

use crate::common::Fixture;

fn generate(f: &Fixture, dir: &str, cases: &str, seed: &str, format: &str) {
    f.cmd(&[
        "sample", "--cases", cases, "--seed", seed, "--out", dir, "--format", format,
    ])
    .assert()
    .success();
}

fn row<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value}"))
}

#[test]
fn same_seed_same_bytes_and_formats_agree() {
    let f = Fixture::new();
    generate(&f, "a", "3000", "11", "csv");
    generate(&f, "b", "3000", "11", "csv");
    generate(&f, "c", "3000", "12", "csv");
    for file in [
        "events.csv",
        "surveys.csv",
        "contacts.csv",
        "cxgap.toml",
        "truth.json",
    ] {
        let a = std::fs::read(f.join(&format!("a/{file}"))).unwrap();
        assert_eq!(
            a,
            std::fs::read(f.join(&format!("b/{file}"))).unwrap(),
            "{file}"
        );
    }
    assert_ne!(
        std::fs::read(f.join("a/events.csv")).unwrap(),
        std::fs::read(f.join("c/events.csv")).unwrap()
    );
    // Parquet holds the same rows: the journeys are identical.
    generate(&f, "p", "3000", "11", "parquet");
    let journeys = |dir: &str| f.stdout(&["journeys", dir, "--out", "-"]);
    assert_eq!(journeys("a"), journeys("p"));
}

#[test]
fn metrics_recover_the_planted_effects() {
    let f = Fixture::new();
    generate(&f, "d", "20000", "7", "csv");
    let truth: Value =
        serde_json::from_slice(&std::fs::read(f.join("d/truth.json")).unwrap()).unwrap();
    let t = |k: &str| truth[k].as_f64().unwrap();

    // Nothing lost, and validation has dirty rows to reject.
    let v = f.json(&["validate", "d", "--format", "json"]);
    for input in v["inputs"].as_array().unwrap() {
        let n = |k: &str| input[k].as_u64().unwrap();
        assert_eq!(
            n("rows_read"),
            n("rows_used") + n("rows_rejected"),
            "{input}"
        );
    }
    let reasons: Vec<&str> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    for r in ["bad_timestamp", "score_out_of_scale", "duplicate_survey_id"] {
        assert!(reasons.contains(&r), "{reasons:?}");
    }
    assert_eq!(v["unmapped_activities"][0]["activity"], "Internal Note");

    // Factor gaps: the planted effect, within 0.15 points (rounding and
    // clipping to 1-5 shrink gaps a little; factors are drawn independently).
    let d = f.json(&["metrics", "drivers", "d", "--format", "json"]);
    for (factor, key) in [
        ("promise_missed", "promise_missed"),
        ("transferred", "transferred"),
        ("escalated", "escalated"),
    ] {
        let gap = row(&d, "factor", factor)["gap"].as_f64().unwrap();
        assert!(
            (gap - t(key)).abs() < 0.15,
            "{factor}: gap {gap}, planted {}",
            t(key)
        );
    }
    // A reopen also adds an inbound contact, so its gap holds some of the
    // repeat effect too: within 0.25.
    let gap = row(&d, "factor", "reopened")["gap"].as_f64().unwrap();
    assert!((gap - t("reopened")).abs() < 0.25, "reopened: gap {gap}");

    // Segments: exactly the inflated and the deflated team are flagged, with
    // residuals near the planted shifts.
    let s = f.json(&["metrics", "segments", "d", "--format", "json"]);
    for seg in s.as_array().unwrap() {
        let name = seg["segment"].as_str().unwrap();
        let flag = seg["flag"].as_str().unwrap_or("");
        let residual = seg["residual"].as_f64().unwrap();
        if name == truth["inflated_team"] {
            assert_eq!(flag, "higher than its journeys explain");
            assert!(
                (residual - t("inflation")).abs() < 0.15,
                "{name}: {residual}"
            );
        } else if name == truth["deflated_team"] {
            assert_eq!(flag, "lower than its journeys explain");
            assert!(
                (residual - t("deflation")).abs() < 0.15,
                "{name}: {residual}"
            );
        } else {
            assert_eq!(flag, "", "{name} flagged: {residual}");
        }
    }

    // Who answers: only the selective team is flagged.
    let w = f.json(&["metrics", "who-answers", "d", "--format", "json"]);
    for seg in w["response_by_segment"].as_array().unwrap() {
        let flagged = !seg["flag"].is_null();
        assert_eq!(flagged, seg["segment"] == truth["selective_team"], "{seg}");
    }
}

/// SPEC 1.5: `cxgap sample --shape` writes the same cases and planted
/// truth in each export shape. Contacts as one row per interaction count
/// exactly like daily counts: every report table is identical. A wide
/// ticket table carries counts without their times (docs/config.md): its
/// journeys equal the long log's in every column but those that need a
/// contact's own time or channel (recontacted and so fcr, across a
/// customer's cases; followed_up and called_back; channels_used) or the
/// event detail a row lacks (events, other_events, agents_touched,
/// teams_touched, last_event_at); and the
/// planted effects come back from it as from the long log.
#[test]
fn each_shape_holds_the_same_cases() {
    let f = Fixture::new();
    for (dir, shape) in [
        ("long", "long"),
        ("wide", "wide"),
        ("inter", "interactions"),
    ] {
        f.cmd(&[
            "sample", "--cases", "6000", "--seed", "5", "--out", dir, "--shape", shape,
        ])
        .assert()
        .success();
    }
    let csv = |args: &[&str]| String::from_utf8(f.stdout(args)).unwrap();
    for table in [
        "overview",
        "score-by-contacts",
        "promises",
        "drivers",
        "resolution",
        "segments",
        "trends",
        "who-answers",
    ] {
        assert_eq!(
            csv(&["metrics", table, "inter", "--format", "csv"]),
            csv(&["metrics", table, "long", "--format", "csv"]),
            "{table}"
        );
    }
    let journeys = |dir: &str| {
        crate::common::parse_csv(&csv(&["journeys", dir, "--out", "-", "--format", "csv"]))
    };
    let (long, wide) = (journeys("long"), journeys("wide"));
    assert_eq!(long.len(), wide.len());
    let timeless = [
        "recontacted",
        "fcr",
        "followed_up",
        "called_back",
        "last_event_at",
        "channels_used",
        "events",
        "other_events",
        "agents_touched",
        "teams_touched",
    ];
    for (l, w) in long.iter().zip(&wide) {
        for (column, value) in l {
            if !timeless.contains(&column.as_str()) {
                assert_eq!(
                    Some(value),
                    w.get(column),
                    "case {}, {column}",
                    l["case_id"]
                );
            }
        }
    }
    let truth: Value =
        serde_json::from_slice(&std::fs::read(f.join("wide/truth.json")).unwrap()).unwrap();
    let d = f.json(&["metrics", "drivers", "wide", "--format", "json"]);
    for factor in ["promise_missed", "transferred", "escalated"] {
        let gap = row(&d, "factor", factor)["gap"].as_f64().unwrap();
        let planted = truth[factor].as_f64().unwrap();
        assert!(
            (gap - planted).abs() < 0.2,
            "{factor}: gap {gap}, planted {planted}"
        );
    }
}
