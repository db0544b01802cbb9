//! SPEC 2.4: the promise ledger — kept, late, broken, pending, undated —
//! fulfilment by kind, ties at the promise's own timestamp, and hours late.

use crate::common::{Fixture, expect};

// as_of = Z's event: 2026-04-10 00:00.
const EVENTS: &str = "\
case_id,timestamp,event,promise_kind,due_at
K1,2026-04-01 09:00,promise,callback,2026-04-01 17:00
K1,2026-04-01 16:00,contact_out,,
K2,2026-04-01 09:00,promise,callback,2026-04-01 17:00
K2,2026-04-02 11:00,contact_out,,
K3,2026-04-01 09:00,promise,resolution,2026-04-02 12:00
K4,2026-04-01 09:00,promise,appointment,2026-04-20 09:00
K5,2026-04-01 09:00,promise,callback,
K6,2026-04-03 09:00,promise,appointment,2026-04-05 12:00
K6,2026-04-04 09:00,promise_kept,refund,
K6,2026-04-05 10:00,promise_kept,,
K7,2026-04-01 08:00,contact_out,,
K7,2026-04-01 09:00,promise,callback,2026-04-01 12:00
K8,2026-04-01 09:00,contact_out,,
K8,2026-04-01 09:00,promise,callback,2026-04-01 10:00
K9,2026-04-01 09:00,promise,,2026-04-03 09:00
K9,2026-04-02 09:00,promise_kept,,
K10,2026-04-01 09:00,promise,callback,2026-04-01 12:00
K10,2026-04-01 09:30,promise,callback,2026-04-01 12:00
K10,2026-04-01 11:00,contact_out,,
K11,2026-04-01 09:00,promise,appointment,2026-04-02 09:00
K11,2026-04-01 15:00,contact_out,,
Z,2026-04-10 00:00,case_opened,,
";

fn ledger(f: &Fixture, case: &str) -> Vec<serde_json::Value> {
    let v = f.json(&["case", case, ".", "--format", "json"]);
    v["promises"].as_array().unwrap().clone()
}

#[test]
fn statuses_and_hours_late() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS);
    // K1: contact_out 16:00 <= due 17:00: kept.
    assert_eq!(ledger(&f, "K1")[0]["status"], "kept");
    // K2: fulfilled Apr 2 11:00, due Apr 1 17:00: late by 18 hours.
    let k2 = &ledger(&f, "K2")[0];
    assert_eq!(k2["status"], "late");
    assert_eq!(k2["hours_late"], 18.0);
    assert_eq!(k2["fulfilled_at"], "2026-04-02T11:00:00Z");
    // K3: never resolved, due Apr 2 12:00 < as_of: broken, late by
    // as_of - due = Apr 10 00:00 - Apr 2 12:00 = 7.5 days = 180 hours.
    let k3 = &ledger(&f, "K3")[0];
    assert_eq!(k3["status"], "broken");
    assert_eq!(k3["hours_late"], 180.0);
    // K4: unfulfilled but due after as_of: pending, not missed.
    assert_eq!(ledger(&f, "K4")[0]["status"], "pending");
    assert_eq!(ledger(&f, "K4")[0]["hours_late"], serde_json::Value::Null);
    // K5: no due time: undated, out of miss figures.
    assert_eq!(ledger(&f, "K5")[0]["status"], "undated");
    // K6: a promise_kept of another kind (refund) does not fulfil an
    // appointment; the one with an empty kind does, Apr 5 10:00 <= 12:00.
    let k6 = &ledger(&f, "K6")[0];
    assert_eq!(k6["status"], "kept");
    assert_eq!(k6["fulfilled_at"], "2026-04-05T10:00:00Z");
    // K7: the only contact_out came before the promise: broken, late by
    // Apr 10 00:00 - Apr 1 12:00 = 8.5 days = 204 hours.
    assert_eq!(ledger(&f, "K7")[0]["status"], "broken");
    assert_eq!(ledger(&f, "K7")[0]["hours_late"], 204.0);
    // K8: a contact_out at the promise's own timestamp (listed first) is
    // "at or after made_at": kept.
    assert_eq!(ledger(&f, "K8")[0]["status"], "kept");
    // K9: an empty kind is `unspecified`; an empty promise_kept fulfils it.
    assert_eq!(ledger(&f, "K9")[0]["kind"], "unspecified");
    assert_eq!(ledger(&f, "K9")[0]["status"], "kept");
    // K10: one contact_out fulfils both callback promises.
    let k10 = ledger(&f, "K10");
    assert_eq!(k10.len(), 2);
    assert!(k10.iter().all(|p| p["status"] == "kept"));
}

#[test]
fn case_level_promise_columns() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS);
    let rows = f.journeys(&[]);
    expect(
        &rows,
        "K1",
        &[
            ("promises", "1"),
            ("promises_missed", "0"),
            ("promise_missed", "false"),
        ],
    );
    expect(
        &rows,
        "K2",
        &[
            ("promises", "1"),
            ("promises_late", "1"),
            ("promises_missed", "1"),
            ("promise_missed", "true"),
        ],
    );
    expect(
        &rows,
        "K3",
        &[("promises_broken", "1"), ("promise_missed", "true")],
    );
    expect(
        &rows,
        "K4",
        &[("promises_pending", "1"), ("promise_missed", "false")],
    );
    expect(
        &rows,
        "K5",
        &[("promises_undated", "1"), ("promises_missed", "0")],
    );
    expect(&rows, "K10", &[("promises", "2"), ("promises_kept", "2")]);
    // A case without promises has zero counts, not empty ones.
    expect(
        &rows,
        "Z",
        &[("promises", "0"), ("promise_missed", "false")],
    );
}

#[test]
fn fulfilment_map_from_config() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file(
        "cxgap.toml",
        "[promises.fulfilled_by]\nappointment = [\"contact_out\"]\n",
    );
    // K11: with appointment -> contact_out, the Apr 1 15:00 call keeps the
    // appointment due Apr 2 09:00; the defaults stay (K1's callback kept).
    assert_eq!(ledger(&f, "K11")[0]["status"], "kept");
    assert_eq!(ledger(&f, "K1")[0]["status"], "kept");
    // Without the mapping nothing fulfils it: broken.
    std::fs::remove_file(f.join("cxgap.toml")).unwrap();
    assert_eq!(ledger(&f, "K11")[0]["status"], "broken");
}

/// One long case: 1,200 promises an hour apart, each due two hours after it
/// is made, and the events that may keep them. The ledger sorts promises
/// and events together; here every promise is paired with every event, as
/// the rule reads (SPEC 2.4: the first fulfilling event at or after the
/// promise), and the counts must agree.
#[test]
fn a_long_case_pairs_each_promise_with_its_first_fulfilment() {
    use chrono::{Duration, NaiveDate};
    let base = NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let at = |h: i64| {
        (base + Duration::hours(h))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut csv = String::from("case_id,timestamp,event,promise_kind,due_at\n");
    // (made hour, kind); events as (hour, event, kind).
    let promises: Vec<(i64, &str)> = (0..1200)
        .map(|h| {
            (
                h,
                if h % 3 == 0 {
                    "appointment"
                } else {
                    "callback"
                },
            )
        })
        .collect();
    let mut events: Vec<(i64, &str, &str)> = Vec::new();
    events.extend((0..240).map(|k| (5 * k + 1, "contact_out", "")));
    events.extend((0..172).map(|k| (7 * k + 4, "promise_kept", "appointment")));
    events.extend((0..24).map(|k| (50 * k + 25, "promise_kept", "")));
    for &(h, kind) in &promises {
        csv += &format!("LONG,{},promise,{kind},{}\n", at(h), at(h + 2));
    }
    for &(h, event, kind) in &events {
        csv += &format!("LONG,{},{event},{kind},\n", at(h));
    }
    csv += &format!("Z,{},case_opened,,\n", at(1300));
    // The rule, pair by pair: a callback is kept by a contact_out or a
    // promise_kept of no kind; an appointment by a promise_kept of its
    // kind or of none.
    let fulfils = |kind: &str, event: &str, event_kind: &str| match event {
        "promise_kept" => event_kind.is_empty() || event_kind == kind,
        "contact_out" => kind == "callback",
        _ => false,
    };
    let (mut kept, mut late, mut broken) = (0, 0, 0);
    for &(made, kind) in &promises {
        let first = events
            .iter()
            .filter(|(h, e, k)| *h >= made && fulfils(kind, e, k))
            .map(|(h, _, _)| *h)
            .min();
        match first {
            Some(h) if h <= made + 2 => kept += 1,
            Some(_) => late += 1,
            None => broken += 1,
        }
    }
    assert_eq!(kept + late + broken, 1200);
    assert!(kept > 0 && late > 0 && broken > 0, "{kept} {late} {broken}");
    let f = Fixture::new();
    f.file("events.csv", &csv);
    let rows = f.journeys(&[]);
    expect(
        &rows,
        "LONG",
        &[
            ("promises", "1200"),
            ("promises_kept", &kept.to_string()),
            ("promises_late", &late.to_string()),
            ("promises_broken", &broken.to_string()),
            ("promises_pending", "0"),
        ],
    );
}

#[test]
fn a_promise_cannot_be_kept_by_a_promise() {
    let f = Fixture::new();
    f.file("events.csv", EVENTS).file(
        "cxgap.toml",
        "[promises.fulfilled_by]\ncallback = [\"promise\"]\n",
    );
    let out = f.cmd(&["journeys", ".", "--out", "-"]).assert().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("promises.fulfilled_by.callback")
            && err.contains("a promise cannot fulfil a promise"),
        "{err}"
    );
}
