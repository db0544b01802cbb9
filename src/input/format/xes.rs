//! XES event logs (`.xes`, `.xes.gz`), as process-mining tools keep them:
//! each `<trace>` a case, each `<event>` one row. Streamed with quick-xml
//! into a CSV in the run's scratch folder with canonical names, so the
//! usual scan, rules and rejects apply:
//! - `case_id`: the trace's `concept:name`;
//! - `timestamp`: the event's `time:timestamp`;
//! - `event`: the event's `concept:name` (mapped by `[events.activities]`),
//!   joined by " / " to its `lifecycle:transition` when that is not one of
//!   the standard's states: logs that keep their own sub-states there
//!   (BPIC 2013's "Completed / Resolved" against the batch "Completed /
//!   Closed") name the step by both;
//! - `agent`, `team`: the event's `org:resource`, `org:group`;
//! - every other event attribute under its own key (`lifecycle:transition`),
//!   and every trace attribute as `trace:<key>` (`trace:customer`), so
//!   `[events.columns] customer_id = "trace:customer"` maps one.
//!
//! Nested attributes (lists, containers) are not read. A row's line is the
//! event's number in the file (1 = the first event).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{InputError, Result};

/// Elements that hold one attribute.
const ATTRIBUTE_TAGS: [&[u8]; 6] = [b"string", b"date", b"int", b"float", b"boolean", b"id"];

/// Event attributes with a canonical column of their own.
const CANONICAL: [(&str, &str); 4] = [
    ("time:timestamp", "timestamp"),
    ("concept:name", "event"),
    ("org:resource", "agent"),
    ("org:group", "team"),
];

/// The XES standard lifecycle model's states: a transition among them
/// (start, complete) says nothing about which step it is.
const STANDARD_LIFECYCLE: [&str; 13] = [
    "schedule",
    "assign",
    "withdraw",
    "reassign",
    "start",
    "suspend",
    "resume",
    "pi_abort",
    "ate_abort",
    "complete",
    "autoskip",
    "manualskip",
    "unknown",
];

/// An event's activity: its name, with a transition outside the standard
/// lifecycle (a log's own sub-state) after it.
fn activity(event: &BTreeMap<String, String>) -> String {
    let name = event.get("concept:name").cloned().unwrap_or_default();
    match event.get("lifecycle:transition").map(|t| t.trim()) {
        Some(t) if !t.is_empty() && !STANDARD_LIFECYCLE.contains(&t.to_lowercase().as_str()) => {
            format!("{name} / {t}")
        }
        _ => name,
    }
}

fn open(path: &Path, gzip: bool) -> Result<Box<dyn BufRead>> {
    let file = File::open(path).map_err(|source| InputError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, reader)))
}

/// One attribute element's key and value.
fn key_value(e: &BytesStart) -> Option<(String, String)> {
    let (mut key, mut value) = (None, None);
    for a in e.attributes().flatten() {
        let v = a.unescape_value().ok()?.to_string();
        match a.key.as_ref() {
            b"key" => key = Some(v),
            b"value" => value = Some(v),
            _ => {}
        }
    }
    Some((key?, value.unwrap_or_default()))
}

/// What the walk hands over: a finished event with its trace's attributes.
struct Row<'a> {
    trace: &'a BTreeMap<String, String>,
    event: &'a BTreeMap<String, String>,
}

/// Walk the log, calling `on_event` at the end of every event.
fn walk(path: &Path, gzip: bool, mut on_event: impl FnMut(Row) -> Result<()>) -> Result<()> {
    let mut reader = Reader::from_reader(open(path, gzip)?);
    let mut buf = Vec::new();
    let mut trace: BTreeMap<String, String> = BTreeMap::new();
    let mut event: BTreeMap<String, String> = BTreeMap::new();
    let (mut in_trace, mut in_event) = (false, false);
    // How deep inside attribute elements we are: only depth 0 is read.
    let mut nested = 0usize;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| malformed(path, gzip, reader.error_position(), &e.to_string()))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                if name == b"trace" && nested == 0 {
                    in_trace = true;
                    trace.clear();
                } else if name == b"event" && nested == 0 && in_trace {
                    in_event = true;
                    event.clear();
                } else if ATTRIBUTE_TAGS.contains(&name) || name == b"list" || name == b"container"
                {
                    if nested == 0
                        && ATTRIBUTE_TAGS.contains(&name)
                        && let Some((k, v)) = key_value(e)
                    {
                        if in_event {
                            event.insert(k, v);
                        } else if in_trace {
                            trace.insert(k, v);
                        }
                    }
                    if !empty {
                        nested += 1;
                    }
                }
            }
            Event::End(ref e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if nested > 0
                    && (ATTRIBUTE_TAGS.contains(&name) || name == b"list" || name == b"container")
                {
                    nested -= 1;
                } else if name == b"event" && in_event {
                    in_event = false;
                    on_event(Row {
                        trace: &trace,
                        event: &event,
                    })?;
                } else if name == b"trace" {
                    in_trace = false;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// A parse error with the line it is on (the file is read again to count).
fn malformed(path: &Path, gzip: bool, position: u64, what: &str) -> InputError {
    let line = open(path, gzip)
        .ok()
        .map(|r| {
            r.take(position)
                .bytes()
                .filter(|b| matches!(b, Ok(b'\n')))
                .count()
                + 1
        })
        .unwrap_or(0);
    InputError::Unparseable {
        path: path.to_path_buf(),
        detail: format!("not a well-formed XES log: line {line}: {what}"),
    }
}

/// Convert the log into `scratch` as CSV with canonical names; returns its
/// path. Two passes: the first finds every attribute key (the header).
pub fn to_csv(path: &Path, gzip: bool, scratch: &Path) -> Result<PathBuf> {
    let mut event_keys = BTreeSet::new();
    let mut trace_keys = BTreeSet::new();
    let mut events = 0u64;
    walk(path, gzip, |row| {
        event_keys.extend(row.event.keys().cloned());
        trace_keys.extend(row.trace.keys().cloned());
        events += 1;
        Ok(())
    })?;
    if events == 0 {
        return Err(InputError::NoRows {
            path: path.to_path_buf(),
        }
        .into());
    }
    let canonical = |k: &str| CANONICAL.iter().any(|(x, _)| *x == k);
    let extra_event: Vec<String> = event_keys.into_iter().filter(|k| !canonical(k)).collect();
    let extra_trace: Vec<String> = trace_keys
        .into_iter()
        .filter(|k| k != "concept:name")
        .collect();
    let out = scratch.join(format!(
        "{}.csv",
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "log.xes".into())
    ));
    let write_err = |e: csv::Error| InputError::Unreadable {
        path: out.clone(),
        source: std::io::Error::other(e),
    };
    let mut w = csv::Writer::from_path(&out).map_err(write_err)?;
    let mut header: Vec<String> = vec!["case_id".into()];
    header.extend(CANONICAL.iter().map(|(_, c)| c.to_string()));
    header.extend(extra_event.iter().cloned());
    header.extend(extra_trace.iter().map(|k| format!("trace:{k}")));
    w.write_record(&header).map_err(write_err)?;
    walk(path, gzip, |row| {
        let get = |m: &BTreeMap<String, String>, k: &str| m.get(k).cloned().unwrap_or_default();
        let mut record = vec![get(row.trace, "concept:name")];
        record.extend(CANONICAL.iter().map(|(k, _)| match *k {
            "concept:name" => activity(row.event),
            _ => get(row.event, k),
        }));
        record.extend(extra_event.iter().map(|k| get(row.event, k)));
        record.extend(extra_trace.iter().map(|k| get(row.trace, k)));
        w.write_record(&record).map_err(|e| write_err(e).into())
    })?;
    w.flush().map_err(|e| InputError::Unreadable {
        path: out.clone(),
        source: e,
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transition_outside_the_standard_names_the_step_with_it() {
        let event = |t: &str| {
            BTreeMap::from([
                ("concept:name".to_string(), "Completed".to_string()),
                ("lifecycle:transition".to_string(), t.to_string()),
            ])
        };
        assert_eq!(activity(&event("Resolved")), "Completed / Resolved");
        assert_eq!(activity(&event("complete")), "Completed");
        assert_eq!(activity(&event("")), "Completed");
    }

    #[test]
    fn traces_and_events_become_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.xes");
        std::fs::write(
            &p,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <string key="concept:name" value="the log"/>
  <trace>
    <string key="concept:name" value="T1"/>
    <string key="customer" value="C&amp;1"/>
    <event>
      <string key="concept:name" value="Open"/>
      <date key="time:timestamp" value="2026-05-01T09:00:00.000+02:00"/>
      <string key="org:resource" value="ann"/>
      <list key="tags"><string key="x" value="nested"/></list>
      <string key="lifecycle:transition" value="complete"/>
    </event>
    <event>
      <string key="concept:name" value="Close"/>
      <date key="time:timestamp" value="2026-05-02T09:00:00.000+02:00"/>
    </event>
  </trace>
</log>"#,
        )
        .unwrap();
        let out = to_csv(&p, false, dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(out).unwrap(),
            "case_id,timestamp,event,agent,team,lifecycle:transition,trace:customer\n\
             T1,2026-05-01T09:00:00.000+02:00,Open,ann,,complete,C&1\n\
             T1,2026-05-02T09:00:00.000+02:00,Close,,,,C&1\n"
        );
    }

    #[test]
    fn broken_xml_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.xes");
        std::fs::write(&p, "<log>\n<trace>\n<event></trace>\n</log>\n").unwrap();
        let err = to_csv(&p, false, dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a well-formed XES log: line 3"), "{err}");
    }
}
