//! A journeys dataset: everything the metrics read, written to a folder so
//! a report can be computed from it later, on another machine, or from
//! parts built apart (`cxgap journeys --part K/N`, or on Spark): one
//! Parquet file per frame and a `manifest.json` saying what was built,
//! under which config, as of when, and which part of how many.
//!
//! Reading merges the parts as a partitioned run does (`merge`), so a
//! report from a dataset is the report from the raw inputs. The inputs'
//! counts and rejects are added up over the parts: a part built from all
//! the inputs on one machine carries them in part 0 only.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, OutputError, Result};
use crate::input::config::RunConfig;
use crate::input::settle::summary::{InputStats, InputSummary};
use crate::journey::event_store::EventStore;
use crate::journey::{FRAMES, Journeys};

pub const MANIFEST: &str = "manifest.json";
const SCHEMA_VERSION: u32 = 1;

/// Besides the journeys' own frames (`journey::FRAMES`), a dataset holds
/// the inputs' rejected rows and the events' timeline columns, each a
/// Parquet file by these stems.
const REJECTS: &str = "rejects";
const EVENTS: &str = "events";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub schema_version: u32,
    pub cxgap_version: String,
    /// The settings that shape journeys (`config_digest`).
    pub config_digest: String,
    pub as_of: String,
    pub as_of_ms: i64,
    pub as_of_source: String,
    /// This part, counting from 0, of `parts`.
    pub part: u32,
    pub parts: u32,
    pub dimensions: Vec<String>,
    pub unknown_case_table_rows: u64,
    /// The inputs' counts this part carries (part 0 of a one-machine build
    /// carries them all).
    pub inputs: Vec<InputStats>,
    pub answered_surveys: Option<u64>,
}

/// A digest of the settings that shape the journeys: mappings, windows,
/// time zone, survey scale, promise rules. Not the paths or formats of the
/// files (a cluster reads them elsewhere), nor what only the metrics or the
/// gate read (min_n, max_reject_share, the call-back and comment settings), nor the clock.
pub fn config_digest(cfg: &RunConfig) -> String {
    let mut v = serde_json::to_value(cfg).unwrap_or_default();
    if let Some(m) = v.as_object_mut() {
        for key in [
            "config_file",
            "as_of",
            "as_of_source",
            "run_latest_event",
            "now",
            "min_n",
            "max_reject_share",
            "callbacks",
            "comments",
            "keep_personal",
        ] {
            // Shift, not swap: the settings left keep their order whether
            // or not an excluded key was there.
            m.shift_remove(key);
        }
        for input in ["events", "surveys", "contacts", "cases"] {
            if let Some(spec) = m.get_mut(input).and_then(|s| s.as_object_mut()) {
                for key in ["path", "format", "delimiter"] {
                    spec.shift_remove(key);
                }
            }
        }
    }
    let text = serde_json::to_string(&v).unwrap_or_default();
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| {
        OutputError::Write {
            path: path.to_path_buf(),
            source,
        }
        .into()
    }
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    let file = std::fs::File::create(path).map_err(write_err(path))?;
    ParquetWriter::new(file).finish(df)?;
    Ok(())
}

/// Write part `part` of `parts` into `dir` (a staging folder); returns the
/// file names written. `routed`: the journeys were built from this part's
/// rows only, so its counts are its own; else from all the inputs, whose
/// counts travel with part 0 only. Either way, adding them up over the
/// parts gives the run's.
pub fn write(
    dir: &Path,
    cfg: &RunConfig,
    journeys: &Journeys,
    events: &EventStore,
    (part, parts): (u32, u32),
    routed: bool,
) -> Result<Vec<String>> {
    let summary = &journeys.inputs;
    let (inputs, rejects, answered) = if part == 0 || routed {
        (
            summary.stats.clone(),
            summary.rejects.clone(),
            summary.answered_surveys,
        )
    } else {
        let zero = summary
            .stats
            .iter()
            .map(|s| InputStats {
                rows_read: 0,
                rows_used: 0,
                rows_rejected: 0,
                cells_rejected: 0,
                missing: Default::default(),
                layouts: Default::default(),
                rejected_by_reason: Default::default(),
                ..s.clone()
            })
            .collect();
        (zero, summary.rejects.clear(), None)
    };
    let frames = journeys
        .frames()
        .into_iter()
        .chain([rejects.into(), events.frame()?.into()]);
    let names = FRAMES.into_iter().chain([REJECTS, EVENTS]);
    let mut files = Vec::new();
    // One frame in memory at a time (frames on disk are read in to write).
    for (name, rows) in names.zip(frames) {
        let file = format!("{name}.parquet");
        write_parquet(&dir.join(&file), &mut rows.frame()?)?;
        files.push(file);
    }
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        cxgap_version: env!("CARGO_PKG_VERSION").to_string(),
        config_digest: config_digest(cfg),
        as_of: journeys.as_of.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        as_of_ms: journeys.as_of.timestamp_millis(),
        as_of_source: journeys.as_of_source.clone(),
        part,
        parts,
        dimensions: journeys.dimensions.clone(),
        unknown_case_table_rows: journeys.unknown_case_table_rows,
        inputs,
        answered_surveys: answered,
    };
    let path = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    std::fs::write(&path, text).map_err(write_err(&path))?;
    files.push(MANIFEST.to_string());
    Ok(files)
}

fn bad(path: &Path, message: String, hint: &str) -> Error {
    crate::error::InputError::Dataset {
        path: path.to_path_buf(),
        message,
        hint: hint.to_string(),
    }
    .into()
}

/// The part folders under `path`: itself when it holds a manifest, else its
/// subfolders that do, by name.
fn part_folders(path: &Path) -> Result<Vec<PathBuf>> {
    if path.join(MANIFEST).is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(bad(
            path,
            "no such folder".into(),
            "point --journeys at what `cxgap journeys --format dataset --out DIR` wrote",
        ));
    }
    let entries =
        std::fs::read_dir(path).map_err(|source| crate::error::InputError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(MANIFEST).is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(bad(
            path,
            "holds no journeys dataset (no manifest.json in it or its subfolders)".into(),
            "point --journeys at what `cxgap journeys --format dataset --out DIR` wrote",
        ));
    }
    Ok(dirs)
}

fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text =
        std::fs::read_to_string(&path).map_err(|source| crate::error::InputError::Unreadable {
            path: path.clone(),
            source,
        })?;
    serde_json::from_str(&text).map_err(|e| {
        bad(
            &path,
            format!("unreadable manifest: {e}"),
            "write the dataset again with `cxgap journeys --format dataset`",
        )
    })
}

fn read_frame(dir: &Path, name: &str) -> Result<DataFrame> {
    let path = dir.join(format!("{name}.parquet"));
    let file =
        std::fs::File::open(&path).map_err(|source| crate::error::InputError::Unreadable {
            path: path.clone(),
            source,
        })?;
    ParquetReader::new(file).finish().map_err(|e| {
        bad(
            &path,
            format!("not a readable part of a journeys dataset ({e})"),
            "write the dataset again with `cxgap journeys --format dataset`",
        )
    })
}

/// The journeys (all parts merged) and their events, checked against the
/// run's config: every part present once, all built under this config's
/// journey settings and the same as_of.
pub fn read(path: &Path, cfg: &RunConfig) -> Result<(Journeys, EventStore)> {
    let dirs = part_folders(path)?;
    let manifests = dirs
        .iter()
        .map(|d| read_manifest(d))
        .collect::<Result<Vec<_>>>()?;
    let first = &manifests[0];
    let digest = config_digest(cfg);
    for (d, m) in dirs.iter().zip(&manifests) {
        if m.schema_version != SCHEMA_VERSION {
            return Err(bad(
                d,
                format!(
                    "dataset schema {} (this cxgap reads {SCHEMA_VERSION})",
                    m.schema_version
                ),
                "write the dataset again with this cxgap",
            ));
        }
        if m.config_digest != digest {
            return Err(bad(
                d,
                format!(
                    "was built under other journey settings (config digest {}, this run {digest})",
                    m.config_digest
                ),
                "run with the cxgap.toml the journeys were built with, or build them again",
            ));
        }
        if m.parts != first.parts || m.as_of_ms != first.as_of_ms {
            return Err(bad(
                d,
                format!(
                    "part {} of {} as of {} does not belong with part {} of {} as of {}",
                    m.part, m.parts, m.as_of, first.part, first.parts, first.as_of
                ),
                "keep the parts of one build together, built with the same --as-of",
            ));
        }
    }
    let mut seen: Vec<u32> = manifests.iter().map(|m| m.part).collect();
    seen.sort();
    let expected: Vec<u32> = (0..first.parts).collect();
    if seen != expected {
        let missing: Vec<String> = expected
            .iter()
            .filter(|k| !seen.contains(k))
            .map(|k| k.to_string())
            .collect();
        return Err(bad(
            path,
            format!(
                "holds parts {seen:?} of {}; missing: {}",
                first.parts,
                if missing.is_empty() {
                    "none, but some part twice".into()
                } else {
                    missing.join(", ")
                }
            ),
            "build every part (`cxgap journeys --part K/N` for K = 0..N-1) into one folder",
        ));
    }
    let as_of = chrono::DateTime::from_timestamp_millis(first.as_of_ms).unwrap_or_default();
    let mut parts = Vec::with_capacity(dirs.len());
    let mut summaries = Vec::with_capacity(dirs.len());
    let mut event_files = Vec::with_capacity(dirs.len());
    for (d, m) in dirs.iter().zip(&manifests) {
        let summary = InputSummary {
            stats: m.inputs.clone(),
            rejects: read_frame(d, REJECTS)?,
            answered_surveys: m.answered_surveys,
        };
        summaries.push(summary.clone());
        parts.push(Journeys {
            as_of,
            as_of_source: m.as_of_source.clone(),
            cases: read_frame(d, "cases")?,
            promises: read_frame(d, "promises")?.into(),
            matched_surveys: read_frame(d, "matched_surveys")?.into(),
            unmatched_surveys: read_frame(d, "unmatched_surveys")?,
            attributed_contacts: read_frame(d, "attributed_contacts")?.into(),
            unattributed_contacts: read_frame(d, "unattributed_contacts")?,
            dimensions: m.dimensions.clone(),
            activities: read_frame(d, "activities")?,
            unknown_case_table_rows: m.unknown_case_table_rows,
            inputs: summary,
            partitions: 1,
        });
        let events = d.join(format!("{EVENTS}.parquet"));
        if !events.is_file() {
            return Err(bad(
                &events,
                "missing from the journeys dataset".into(),
                "write the dataset again with `cxgap journeys --format dataset`",
            ));
        }
        event_files.push(events);
    }
    let mut journeys = crate::journey::merge::merge(parts)?;
    journeys.inputs = InputSummary::merge(&summaries)?;
    Ok((journeys, EventStore::dataset(event_files)?))
}
