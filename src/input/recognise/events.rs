//! How an event log's and a case table's columns map: the case, times,
//! activities and their types, a wide table's due dates and counts.

use polars::prelude::*;

use super::guess::{
    activity_column, activity_type, case_column, customer, dimensions, map_name, record,
    time_column,
};
use super::profile::Profile;
use super::surveys::survey_kind;
use super::{DueGuess, Recognised, StateGuess, guess};
use crate::input::rows::events::EVENT_TYPES;
use crate::input::shape::columns;

pub fn long_events(r: &mut Recognised, p: &[Profile], rows: &DataFrame) {
    let case = case_column(p).map(|c| {
        let why = format!(
            "its name says case; {} in {}",
            super::count_of(c.distinct, "case"),
            super::count_of(c.filled(), "row")
        );
        record(r, "case_id", c, why)
    });
    event_time(r, p, rows, case.as_deref());
    // The evidence below reads each case's rows in the order they
    // happened: a log listed newest first is read from the bottom up.
    let reversed;
    let rows = match case.as_deref().and_then(|c| newest_first(r, rows, c)) {
        Some(why) => {
            r.newest_first = Some(why);
            reversed = rows.reverse();
            &reversed
        }
        None => rows,
    };
    let activity = activity_column(p).filter(|a| !r.columns.iter().any(|g| g.value == a.name));
    match activity {
        Some(a) => {
            let why = format!("names what happened ({} kinds)", a.distinct);
            record(r, "event", a, why);
        }
        None => r.missing.push("event".into()),
    }
    if case.is_none() {
        r.missing.push("case_id".into());
    }
    customer(r, columns::EVENTS, p, case.as_deref().map(|c| (rows, c)));
    for name in ["channel", "agent", "team", "due_at", "promise_kind"] {
        map_name(r, columns::EVENTS, name, p, |c| {
            if name == "due_at" {
                c.is_time()
            } else {
                !c.is_time()
            }
        });
    }
    team_not_line(r, p);
    let Some(a) = activity else {
        dimensions(r, p);
        return;
    };
    // Activity names, in order of first appearance.
    let mut names: Vec<String> = Vec::new();
    for v in &a.values {
        if !names.contains(v) {
            names.push(v.clone());
        }
    }
    for t in EVENT_TYPES {
        let mine: Vec<String> = names
            .iter()
            .filter(|n| activity_type(n) == Some(*t))
            .cloned()
            .collect();
        if !mine.is_empty() {
            r.activities.push((t.to_string(), mine));
        }
    }
    r.unmapped = names
        .iter()
        .filter(|n| activity_type(n).is_none() && !EVENT_TYPES.contains(&n.to_lowercase().as_str()))
        .cloned()
        .collect();
    if let Some(case) = case.as_deref() {
        ending_activities(r, rows, case, &a.name);
    }
    reopen_evidence(r, rows, case.as_deref(), &a.name);
    if let Some(case) = case.as_deref() {
        r.snapshots = snapshot_evidence(rows, case, &a.name);
    }
    if r.snapshots.is_some() {
        running_counts(r, p);
    }
    dimensions(r, p);
}

/// A log whose activity names never say resolved or closed (a process-mining
/// log ends its cases with `pay compensation` or `reject request`): the
/// unmapped activities that only ever end a case, when nine cases in ten
/// end with one, are the decisions that resolve it. Rows in file order.
fn ending_activities(r: &mut Recognised, rows: &DataFrame, case: &str, activity: &str) {
    let ends = |t: &str| t == "resolved" || t == "closed";
    if r.activities.iter().any(|(t, _)| ends(t)) {
        return;
    }
    let (Ok(cases), Ok(acts)) = (rows.column(case), rows.column(activity)) else {
        return;
    };
    let (Ok(cases), Ok(acts)) = (cases.str(), acts.str()) else {
        return;
    };
    let mut last: std::collections::BTreeMap<&str, &str> = Default::default();
    let mut before_last: std::collections::BTreeSet<&str> = Default::default();
    for (c, a) in cases.iter().zip(acts.iter()) {
        let (Some(c), Some(a)) = (c, a) else { continue };
        if let Some(earlier) = last.insert(c, a) {
            before_last.insert(earlier);
        }
    }
    let mut ending: Vec<String> = r
        .unmapped
        .iter()
        .filter(|n| !before_last.contains(n.as_str()) && last.values().any(|l| l == n))
        .cloned()
        .collect();
    let ended = last
        .values()
        .filter(|l| ending.iter().any(|e| e == *l))
        .count();
    if last.len() < 3 || ended * 10 < last.len() * 9 {
        return;
    }
    ending.sort();
    r.unmapped.retain(|n| !ending.contains(n));
    r.ending = Some(format!(
        "no activity says resolved; {} only ever end a case, and {ended} of {} cases end with one",
        ending
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(", "),
        last.len()
    ));
    r.activities.push(("resolved".into(), ending));
}

/// A log of updates rather than of events (SPEC 1.6): many rows repeat
/// the state the row before of the same case was in (an audit row per
/// field change). Evidence: the share of such rows, at least a fifth.
fn snapshot_evidence(rows: &DataFrame, case: &str, activity: &str) -> Option<String> {
    let same = col(case)
        .eq(col(case).shift(lit(1)))
        .and(col(activity).eq(col(activity).shift(lit(1))))
        .fill_null(lit(false));
    let share = rows
        .clone()
        .lazy()
        .select([same.cast(DataType::Float64).mean().alias("share")])
        .collect()
        .ok()
        .and_then(|d| d.column("share").ok()?.f64().ok()?.get(0))
        .unwrap_or(0.0);
    (share >= 0.2).then(|| {
        format!(
            "{:.0}% of the rows repeat the state `{activity}` their case was already in: one row per update, consecutive rows in the same state are one event",
            100.0 * share
        )
    })
}

/// Of a case's rows that share a time column's value, the share of cases
/// (with two rows or more) whose rows differ in it: an event's time moves
/// along the case, a case attribute (its creation time) does not.
pub fn varies_within_cases(rows: &DataFrame, case: &str, column: &str) -> f64 {
    rows.clone()
        .lazy()
        .group_by([col(case)])
        .agg([
            len().alias("rows"),
            col(column).drop_nulls().n_unique().alias("values"),
        ])
        .filter(col("rows").gt(lit(1)))
        .select([col("values")
            .gt(lit(1))
            .cast(DataType::Float64)
            .mean()
            .alias("share")])
        .collect()
        .ok()
        .and_then(|d| d.column("share").ok()?.f64().ok()?.get(0))
        .unwrap_or(0.0)
}

/// The event's time in a long log: the time column named like one whose
/// value moves along each case; else the first that moves; else by name
/// alone. An audit log's `sys_created_at` is the incident's creation,
/// repeated on every update: its `sys_updated_at` is the event's time.
fn event_time(r: &mut Recognised, p: &[Profile], rows: &DataFrame, case: Option<&str>) {
    let Some(case) = case else {
        return time_column(r, columns::EVENTS, "timestamp", p, "holds times");
    };
    let moving: Vec<&Profile> = p
        .iter()
        .filter(|c| c.is_time() && varies_within_cases(rows, case, &c.name) >= 0.5)
        .collect();
    if moving.is_empty() {
        return time_column(r, columns::EVENTS, "timestamp", p, "holds times");
    }
    let owned: Vec<Profile> = moving.iter().map(|c| (*c).clone()).collect();
    let named = super::guess::by_name(
        super::guess::canon(columns::EVENTS, "timestamp"),
        &owned,
        &[],
        |_| true,
    )
    .map(|c| c.name.clone());
    let pick = named
        .and_then(|n| moving.iter().find(|c| c.name == n).copied())
        .unwrap_or(moving[0]);
    let why = format!(
        "holds times that move along each case ({})",
        pick.examples(2)
    );
    record(r, "timestamp", pick, why);
}

/// Words in values that name a support line or tier, not a team.
const LINE_WORDS: &[&str] = &["line", "tier", "level"];

/// A team column whose values name support lines (`Org line A2`, `Tier 2`)
/// holds the line a team belongs to, not the team. Where another column
/// named for an organisation or group holds finer values that do not
/// (`J11 2nd`), that one is the team: BPIC 2013's problem log keeps its
/// teams in `organization involved` and its lines in `org:group`.
fn team_not_line(r: &mut Recognised, p: &[Profile]) {
    let says_line = |c: &Profile| {
        let lines = c
            .values
            .iter()
            .filter(|v| {
                super::profile::name_words(v)
                    .iter()
                    .any(|w| LINE_WORDS.contains(&w.as_str()))
            })
            .count();
        c.share(lines) >= 0.8
    };
    let Some(i) = r.columns.iter().position(|g| g.key == "team") else {
        return;
    };
    let Some(line) = p.iter().find(|c| c.name == r.columns[i].value) else {
        return;
    };
    if !says_line(line) {
        return;
    }
    let taken = |c: &Profile| r.columns.iter().any(|g| g.value == c.name);
    let Some(team) = p.iter().find(|c| {
        c.has_word(&[
            "organization",
            "organisation",
            "group",
            "team",
            "unit",
            "department",
        ]) && !taken(c)
            && c.is_categorical()
            && c.distinct > line.distinct
            && !says_line(c)
    }) else {
        return;
    };
    r.columns[i] = guess(
        "team",
        &team.name,
        format!(
            "`{}` holds support lines ({}), not teams; `{}` names finer units ({})",
            line.name,
            line.examples(2),
            team.name,
            team.examples(2)
        ),
    );
}

/// A log that lists each case newest first (a Jira history): of the
/// consecutive rows of one case whose times differ, nine in ten go back in
/// time. Its rows with the same time (date-only logs) happened bottom up.
fn newest_first(r: &Recognised, rows: &DataFrame, case: &str) -> Option<String> {
    let time = &r.columns.iter().find(|g| g.key == "timestamp")?.value;
    let cases = rows.column(case).ok()?.str().ok()?;
    let texts: Vec<String> = rows
        .column(time)
        .ok()?
        .str()
        .ok()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect();
    let ms = crate::input::rows::timestamp::each_ms(&texts);
    let (mut back, mut steps) = (0usize, 0usize);
    for i in 1..ms.len() {
        let same_case = cases.get(i).is_some() && cases.get(i) == cases.get(i - 1);
        if let (true, Some(now), Some(before)) = (same_case, ms[i], ms[i - 1])
            && now != before
        {
            steps += 1;
            back += usize::from(now < before);
        }
    }
    (back >= 5 && back * 10 >= steps * 9).then(|| {
        format!(
            "{back} of {steps} changes of time within a case go back: each case is listed newest first, so rows at the same time are read from the bottom up"
        )
    })
}

/// A snapshot log's running counts repeated on each row
/// (`reassignment_count`, `reopen_count`): a count word in the name and
/// counts' values, as in a wide table. A reopen count says the reopens, so
/// work after a resolution is not counted again (`reopen_on_activity`).
fn running_counts(r: &mut Recognised, p: &[Profile]) {
    for c in p.iter().filter(|c| c.is_count() && !c.is_time()) {
        if let Some(event) = count_event(c) {
            r.counts.push(guess(
                &c.name,
                event,
                format!("a running count of {event} events"),
            ));
        }
    }
    if r.counts.iter().any(|g| g.value == "reopened") {
        r.reopen_on_activity = None;
    }
}

/// A log with no reopened activity whose tickets go back to work after a
/// resolution: `reopen_on_activity` would count those reopens.
fn reopen_evidence(r: &mut Recognised, rows: &DataFrame, case: Option<&str>, activity: &str) {
    let names = r
        .activities
        .iter()
        .flat_map(|(_, n)| n.iter())
        .chain(&r.unmapped);
    let mut all_names: Vec<&String> = names.collect();
    let canonical: Vec<String> = rows
        .column(activity)
        .ok()
        .and_then(|c| c.str().ok().cloned())
        .map(|c| c.iter().flatten().map(str::to_string).collect())
        .unwrap_or_default();
    all_names.extend(canonical.iter());
    if all_names.iter().any(|n| type_of(n) == Some("reopened")) {
        return;
    }
    let Some(case) = case else { return };
    let (Ok(cases), Ok(acts)) = (rows.column(case), rows.column(activity)) else {
        return;
    };
    let (Ok(cases), Ok(acts)) = (cases.str(), acts.str()) else {
        return;
    };
    // In file order within each case: work after a resolution.
    let mut state: std::collections::HashMap<&str, bool> = Default::default();
    let mut back: std::collections::BTreeSet<&str> = Default::default();
    let mut resolved_name = String::new();
    for (c, a) in cases.iter().zip(acts.iter()) {
        let (Some(c), Some(a)) = (c, a) else { continue };
        match type_of(a) {
            Some("resolved") => {
                state.insert(c, true);
                resolved_name = a.to_string();
            }
            Some("closed") | Some("survey_sent") => {}
            _ if state.get(c) == Some(&true) => {
                back.insert(c);
                state.insert(c, false);
            }
            _ => {}
        }
    }
    if !back.is_empty() {
        r.reopen_on_activity = Some(format!(
            "{} of {} cases in the first rows go back to work after `{resolved_name}`, and no activity says reopened",
            back.len(),
            state.len().max(back.len())
        ));
    }
}

/// The type a name says: a keyword's, or its own when it is canonical.
fn type_of(name: &str) -> Option<&'static str> {
    activity_type(name).or_else(|| {
        let low = name.trim().to_lowercase();
        EVENT_TYPES.iter().copied().find(|t| *t == low)
    })
}

/// What a wide table's time column is, by its name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TimeRole {
    /// When a promise fell due.
    Due,
    /// When a promise was made.
    Made,
    /// When a promise was kept.
    Kept,
    /// When the survey on the row was answered.
    Answered,
    /// An event of this type.
    Event(&'static str),
    /// Another step of the case, kept under its own name.
    Activity,
    /// A time from before the case's life (a purchase years earlier): a
    /// dimension, not an event, so it cannot stretch the case.
    Before,
}

/// Words that name when a record was last touched (English, and the
/// Portuguese, Spanish, French and German of ticketing tools like GLPI).
const UPDATE_WORDS: &[&str] = &[
    "updated",
    "update",
    "modified",
    "changed",
    "touched",
    "atualização",
    "atualizacao",
    "actualización",
    "actualizacion",
    "modificação",
    "modificación",
    "modification",
    "aktualisiert",
    "geändert",
];

/// How a name says the target time of a step rather than the step
/// (GLPI's `Time to resolve`, `Tempo para solução`): where another column
/// times the step itself, this one is its due time.
const TIME_TO: &[&str] = &[
    "time to ",
    "tempo para ",
    "tiempo para ",
    "temps de ",
    "délai de ",
];

fn time_role(name: &str) -> TimeRole {
    let n = name.to_lowercase().replace(['_', '-'], " ");
    let has = |w: &[&str]| w.iter().any(|x| n.contains(x));
    // When a record was last touched says nothing of what happened then
    // (`Resolution Action Updated Date`, `sys_updated_on`): a step of its
    // own name, never a resolution or an opening.
    let words = super::profile::name_words(name);
    if words.iter().any(|w| UPDATE_WORDS.contains(&w.as_str())) {
        return TimeRole::Activity;
    }
    if has(&["kept", "fulfil", "honour", "honor"]) {
        TimeRole::Kept
    } else if has(&[
        "due",
        "estimat",
        "deadline",
        "sla",
        "eta ",
        "expected",
        "promised for",
        "promised by",
        "promise date",
        "target",
    ]) {
        TimeRole::Due
    } else if has(&["promis", "commit"]) {
        TimeRole::Made
    } else if has(&["survey sent", "invit"]) {
        TimeRole::Event("survey_sent")
    } else if has(&["rated", "satisfaction", "survey", "review answer"]) {
        TimeRole::Answered
    } else if has(&[
        "first reply",
        "first respon",
        "initial respon",
        "replied",
        "primeira resposta",
        "primera respuesta",
        "première réponse",
    ]) {
        TimeRole::Event("contact_out")
    } else if has(&[
        "creat",
        "open",
        "purchase",
        "submit",
        "receiv",
        "logged",
        "placed",
        "abertura",
        "apertura",
        "ouverture",
        "criação",
        "criacao",
        "creación",
        "création",
        "erstell",
    ]) {
        TimeRole::Event("case_opened")
    } else if has(&[
        "solved",
        "resolv",
        "resolution",
        "complet",
        "delivered customer",
        "fulfilled",
        "solução",
        "solucao",
        "solución",
        "solucion",
        "résolution",
        "résolu",
        "gelöst",
    ]) {
        TimeRole::Event("resolved")
    } else if has(&[
        "close",
        "fechamento",
        "encerramento",
        "cierre",
        "clôture",
        "fermeture",
        "geschlossen",
    ]) {
        TimeRole::Event("closed")
    } else if has(&["escalat"]) {
        TimeRole::Event("escalation")
    } else {
        TimeRole::Activity
    }
}

/// An "opening" whose times lie long before every other event time of the
/// rows (a purchase years before the support ticket about it) is no
/// opening, nor a step of the case: it is kept as a dimension. Evidence
/// from the values, beside the name's: 30 days between the middles.
fn demote_early_openings(times: &mut [(&Profile, TimeRole)]) {
    const MONTH_MS: i64 = 30 * crate::engine::DAY_MS;
    let middle = |c: &Profile| crate::input::rows::timestamp::median_ms(&c.values);
    let later: Vec<i64> = times
        .iter()
        .filter(|(_, r)| matches!(r, TimeRole::Event(e) if *e != "case_opened"))
        .filter_map(|(c, _)| middle(c))
        .collect();
    let Some(&earliest_other) = later.iter().min() else {
        return;
    };
    for (c, role) in times.iter_mut() {
        if *role == TimeRole::Event("case_opened")
            && middle(c).is_some_and(|m| earliest_other - m > MONTH_MS)
        {
            *role = TimeRole::Before;
        }
    }
}

/// A "time to" column (`Time to resolve`) beside a column that times the
/// same step (`Resolution date`) is the step's target, a due date: GLPI
/// exports its SLA deadlines so. Alone, it is the step's time.
fn targets_are_due(times: &mut [(&Profile, TimeRole)]) {
    let target = |c: &Profile| {
        let n = c.name.to_lowercase().replace(['_', '-'], " ");
        TIME_TO.iter().any(|t| n.starts_with(t))
    };
    let timed_plainly: Vec<TimeRole> = times
        .iter()
        .filter(|(c, _)| !target(c))
        .map(|(_, r)| *r)
        .collect();
    for (c, role) in times.iter_mut() {
        if matches!(role, TimeRole::Event(_)) && target(c) && timed_plainly.contains(role) {
            *role = TimeRole::Due;
        }
    }
}

/// The event a count column counts (SPEC 1.6): a count word, whole, in its
/// name, and values that look like counts (whole numbers from 0). Its
/// name's other words say the direction of contacts. `Customer_Age` has no
/// count word; a rating 1-5 has no count's values.
fn count_event(c: &Profile) -> Option<&'static str> {
    if !c.count_like() {
        return None;
    }
    let outbound = c.has_word(&["agent", "agents", "outbound", "outgoing", "staff"]);
    let inbound = c.has_word(&["customer", "customers", "requester", "inbound", "incoming"]);
    Some(
        if c.has_word(&["reopen", "reopens", "reopened", "reopenings"]) {
            "reopened"
        } else if c.has_word(&["reply", "replies"]) {
            if inbound { "contact_in" } else { "contact_out" }
        } else if inbound && c.has_word(&["update", "updates"]) {
            // Zendesk's "Requester updates": the customer wrote again.
            "contact_in"
        } else if c.has_word(&["callback", "callbacks"]) {
            "contact_out"
        } else if c.has_word(&[
            "call",
            "calls",
            "contact",
            "contacts",
            "interaction",
            "interactions",
        ]) {
            if outbound {
                "contact_out"
            } else {
                "contact_in"
            }
        } else if c.has_word(&["transfer", "transfers", "reassignment", "reassignments"]) {
            "transfer"
        } else if c.has_word(&["escalation", "escalations"]) {
            "escalation"
        } else {
            return None;
        },
    )
}

pub fn wide_events(r: &mut Recognised, p: &[Profile]) {
    if let Some(c) = case_column(p).filter(|c| c.is_unique()) {
        let why = format!(
            "its name says case; every row its own ({})",
            super::rows_read(c.filled())
        );
        record(r, "case_id", c, why);
    } else if let Some(c) = case_column(p) {
        // A report broken down by another column repeats a case's row:
        // the copies make one case, at its one set of times.
        let why = format!(
            "its name says case; {} cases {}, a case's repeated rows one case",
            c.distinct,
            super::rows_read(c.filled())
        );
        record(r, "case_id", c, why);
    } else {
        r.missing.push("case_id".into());
    }
    customer(r, columns::EVENTS, p, None);
    for name in ["channel", "agent", "team"] {
        map_name(r, columns::EVENTS, name, p, |c| !c.is_time());
    }
    let mut times: Vec<(&Profile, TimeRole)> = p
        .iter()
        .filter(|c| c.is_time())
        .map(|c| (c, time_role(&c.name)))
        .collect();
    demote_early_openings(&mut times);
    targets_are_due(&mut times);
    let of = |role: TimeRole| {
        times
            .iter()
            .filter(move |(_, r)| *r == role)
            .map(|(c, _)| *c)
    };
    let mut opened = false;
    for (t, role) in &times {
        match role {
            TimeRole::Event("case_opened") if opened => {
                r.timestamps
                    .push(guess(&t.name, &t.name, "a time of the case"))
            }
            TimeRole::Event(event) => {
                opened |= *event == "case_opened";
                r.timestamps
                    .push(guess(&t.name, event, format!("its name says {event}")));
            }
            TimeRole::Activity => r
                .timestamps
                .push(guess(&t.name, &t.name, "a time of the case")),
            _ => {}
        }
    }
    duration(r, p, &times);
    state_of_case(r, p, &times);
    let resolved = of(TimeRole::Event("resolved"))
        .next_back()
        .map(|c| c.name.clone());
    let made = of(TimeRole::Made).next().map(|c| c.name.clone());
    let kept_col = of(TimeRole::Kept).next().map(|c| c.name.clone());
    let kind_column = p.iter().find(|c| {
        c.is_categorical() && c.named(&["promisetype", "promisekind", "commitmenttype", "kind"])
    });
    for d in of(TimeRole::Due) {
        let n = d.name.to_lowercase();
        let kind = if n.contains("deliver") || n.contains("ship") {
            "delivery"
        } else if n.contains("call") {
            "callback"
        } else {
            "resolution"
        };
        // Kept by its own column, a delivery by the delivery, else the rules.
        let kept = kept_col
            .clone()
            .or_else(|| (kind == "delivery").then(|| resolved.clone()).flatten());
        r.due_dates.push(DueGuess {
            column: d.name.clone(),
            kind: kind.into(),
            kind_column: kind_column.map(|c| c.name.clone()),
            made: made.clone(),
            kept,
            why: match kind_column {
                Some(k) => format!("a due date: the promise's kind in `{}`", k.name),
                None => format!("a due date: a {kind} promise"),
            },
        });
    }
    for c in p.iter().filter(|c| c.is_count() && !c.is_time()) {
        if let Some(event) = count_event(c) {
            r.counts
                .push(guess(&c.name, event, format!("counts {event} events")));
        }
    }
    if let Some(s) = super::guess::named_score(p) {
        r.survey.push(guess(
            "score",
            &s.name,
            format!("answers ({})", s.examples(3)),
        ));
        r.survey_kind = Some(survey_kind(s));
        if let Some(t) = of(TimeRole::Answered).next() {
            r.survey
                .push(guess("responded_at", &t.name, "when the answer came"));
        }
    }
    dimensions(r, p);
}

/// Whether a time column says when a case was resolved or closed.
fn ends_by_time(times: &[(&Profile, TimeRole)]) -> bool {
    times
        .iter()
        .any(|(_, role)| matches!(role, TimeRole::Event("resolved" | "closed")))
}

/// A column that says how long each case took (`[events.durations]`),
/// counted from the case's opening, in a table no time of which says the
/// resolution or close: where one does, the time is the evidence (a
/// `resolution_hours` filled on open tickets too is an estimate). A table
/// whose one time has no name of an opening (`date`) is opened then: the
/// duration counts from it.
fn duration(r: &mut Recognised, p: &[Profile], times: &[(&Profile, TimeRole)]) {
    if ends_by_time(times) {
        return;
    }
    let Some(d) = super::durations::duration_column(p) else {
        return;
    };
    let opened = r.timestamps.iter().any(|g| g.value == "case_opened");
    if !opened {
        let [(only, _)] = times else {
            return;
        };
        for g in r.timestamps.iter_mut().filter(|g| g.key == only.name) {
            g.value = "case_opened".into();
            g.why = format!("the table's one time: `{}` counts from it", d.column);
        }
    }
    r.duration = Some(d);
}

/// An incident list says a case is resolved by its state, not by a time
/// (ServiceNow's `state` = Resolved, as of `sys_updated_on`). With no
/// resolution or close time, a state or status column some of whose values
/// say resolved or closed, and a time of the last update, are the case's
/// last step: `[events.state]`, its ending states in `[events.activities]`.
fn state_of_case(r: &mut Recognised, p: &[Profile], times: &[(&Profile, TimeRole)]) {
    if ends_by_time(times) {
        return;
    }
    let Some(at) = times
        .iter()
        .find(|(c, role)| *role == TimeRole::Activity && c.has_word(UPDATE_WORDS))
        .map(|(c, _)| *c)
    else {
        return;
    };
    let taken = |c: &Profile| r.columns.iter().any(|g| g.value == c.name);
    let Some(state) = p
        .iter()
        .find(|c| c.has_word(&["state", "status"]) && c.is_categorical() && !taken(c))
    else {
        return;
    };
    let mut names: Vec<&String> = Vec::new();
    for v in &state.values {
        if !names.contains(&v) {
            names.push(v);
        }
    }
    let ending: Vec<(String, Vec<String>)> = ["resolved", "closed"]
        .iter()
        .map(|t| {
            let mine = names.iter().filter(|n| type_of(n) == Some(*t));
            (
                t.to_string(),
                mine.map(|n| n.to_string()).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, mine)| !mine.is_empty())
        .collect();
    if ending.is_empty() {
        return;
    }
    r.timestamps.retain(|g| g.key != at.name);
    r.activities.extend(ending);
    r.state = Some(StateGuess {
        column: state.name.clone(),
        at: at.name.clone(),
        why: format!(
            "no column times the resolution; `{}` holds each case's state ({}) as of its last update, `{}`",
            state.name,
            state.examples(4),
            at.name
        ),
    });
}

pub fn case_table(r: &mut Recognised, p: &[Profile]) {
    match case_column(p) {
        Some(c) => {
            let why = format!(
                "its name says case; every row its own ({})",
                super::rows_read(c.filled())
            );
            record(r, "case_id", c, why);
        }
        None => r.missing.push("case_id".into()),
    }
    for name in ["team", "agent", "channel"] {
        map_name(r, columns::CASES, name, p, |c| !c.is_time());
    }
    dimensions(r, p);
}
