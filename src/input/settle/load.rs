//! Reading all inputs: one scan each, validated by the engine, split into
//! used rows and rejected rows in one collect. Rows read = used + rejected.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use polars::prelude::*;

use crate::error::{ConfigError, InputError, Result};
use crate::input::config::{InputSpec, RowOrder, RunConfig, Shape};
use crate::input::format::scan::{self, Scanned};
use crate::input::rows::fields::{self, Checked, REASON};
use crate::input::rows::{cases, contacts, events, surveys};
use crate::input::settle::spool::{self, Spool, Spooler, Used, frame_bytes};
pub use crate::input::settle::summary::InputStats;
use crate::input::settle::summary::InputSummary;
use crate::input::settle::wide;
use crate::input::shape::columns::{self, ColumnMap};

/// One validated input.
#[derive(Clone)]
pub struct Loaded {
    /// Used rows, canonical columns (and, for events, the dimensions);
    /// events in timeline order (`events::ORDER`).
    rows: DataFrame,
    /// input, line, reason, column, value, values
    pub rejects: DataFrame,
    pub stats: InputStats,
    /// The used rows on disk, when holding them would not fit the run's
    /// memory budget (events only; `rows` is then empty).
    pub spool: Option<Spool>,
}

impl Loaded {
    /// The used rows, handed over: dropping them frees the frame.
    pub fn into_rows(self) -> DataFrame {
        self.rows
    }

    /// The used rows themselves (shared, not copied).
    pub fn frame(&self) -> &DataFrame {
        &self.rows
    }

    /// The used rows, as a plan (the frame is shared, not copied).
    pub fn rows(&self) -> LazyFrame {
        self.rows.clone().lazy()
    }

    /// How many used rows (for a wide table: the events its rows stand for).
    pub fn height(&self) -> usize {
        self.rows.height() + self.spool.as_ref().map_or(0, |s| s.rows as usize)
    }
}

/// All inputs of a run, read and validated. A clone shares the frames.
#[derive(Clone)]
pub struct Inputs {
    pub events: Loaded,
    pub surveys: Option<Loaded>,
    pub contacts: Option<Loaded>,
    /// Case attributes (`[cases]`), one row per case.
    pub cases: Option<Loaded>,
    /// Event columns kept as case dimensions.
    pub dimensions: Vec<String>,
    /// The case table's dimensions (its columns but the id and owners).
    pub case_dimensions: Vec<String>,
    /// Kept alive for the run: decompressed copies of gzip inputs live here.
    _scratch: Arc<tempfile::TempDir>,
}

impl Inputs {
    pub fn loaded(&self) -> impl Iterator<Item = &Loaded> {
        std::iter::once(&self.events)
            .chain(self.surveys.as_ref())
            .chain(self.contacts.as_ref())
            .chain(self.cases.as_ref())
    }

    /// The same inputs holding other used rows (one partition's): counts,
    /// rejects, dimensions and scratch are shared. `rows` maps an input's
    /// rows to the part's.
    pub fn with_rows(
        &self,
        mut rows: impl FnMut(&Loaded) -> PolarsResult<DataFrame>,
    ) -> PolarsResult<Inputs> {
        let mut part = |l: &Loaded| -> PolarsResult<Loaded> {
            Ok(Loaded {
                rows: rows(l)?,
                spool: None,
                ..l.clone()
            })
        };
        Ok(Inputs {
            events: part(&self.events)?,
            surveys: self.surveys.as_ref().map(&mut part).transpose()?,
            contacts: self.contacts.as_ref().map(&mut part).transpose()?,
            cases: self.cases.as_ref().map(&mut part).transpose()?,
            dimensions: self.dimensions.clone(),
            case_dimensions: self.case_dimensions.clone(),
            _scratch: self._scratch.clone(),
        })
    }

    /// A folder for this run's temporary files, removed with the inputs.
    pub fn scratch(&self) -> &std::path::Path {
        self._scratch.path()
    }

    /// The scratch folder itself, for what must outlive the inputs (spill
    /// files read after the journeys are built).
    pub fn scratch_handle(&self) -> Arc<tempfile::TempDir> {
        self._scratch.clone()
    }

    /// Bytes the used rows take, or would take, in memory (an estimate).
    pub fn rows_bytes(&self) -> usize {
        self.loaded()
            .map(|l| frame_bytes(&l.rows) + l.spool.as_ref().map_or(0, |s| s.bytes))
            .sum()
    }

    /// The same inputs with the event rows moved to `spool`: the held
    /// frame is freed (unless a clone still shares it).
    pub fn with_events_spooled(self, spool: Spool) -> Inputs {
        Inputs {
            events: Loaded {
                rows: self.events.rows.clear(),
                spool: Some(spool),
                ..self.events
            },
            ..self
        }
    }

    /// The event rows on disk, when they did not fit the memory budget.
    pub fn events_spool(&self) -> Option<&Spool> {
        self.events.spool.as_ref()
    }

    /// Counts, rejects and used answers: what outlives the rows.
    pub fn summary(&self) -> PolarsResult<InputSummary> {
        let rejects: Vec<LazyFrame> = self.loaded().map(|l| l.rejects.clone().lazy()).collect();
        let answered_surveys = match &self.surveys {
            Some(s) => Some(
                s.rows()
                    .select([col("answered").sum().cast(DataType::UInt64).alias("n")])
                    .collect()?
                    .column("n")?
                    .u64()?
                    .get(0)
                    .unwrap_or(0),
            ),
            None => None,
        };
        Ok(InputSummary {
            stats: self.loaded().map(|l| l.stats.clone()).collect(),
            rejects: concat(rejects, UnionArgs::default())?.collect()?,
            answered_surveys,
        })
    }
}

/// A log that lists each case newest first (`order = "newest_first"`),
/// read from the bottom up: every later sort is stable, so rows with the
/// same time keep the order they happened in. Each row keeps its line.
fn listed_oldest_first(spec: &InputSpec, scanned: Scanned) -> Scanned {
    match spec.order {
        RowOrder::OldestFirst => scanned,
        RowOrder::NewestFirst => Scanned {
            lf: scanned.lf.reverse(),
            ..scanned
        },
    }
}

/// Where the validated event rows may go.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EventRows {
    /// Held in memory: for commands that read the events themselves.
    InMemory,
    /// To disk, in buckets by case, once holding them would not fit the
    /// run's memory budget (long event logs; the journeys are then built
    /// one customer partition at a time).
    MaySpool,
}

pub fn load(cfg: &RunConfig, rows: EventRows) -> Result<Inputs> {
    let scratch = tempfile::tempdir().map_err(|source| InputError::Unreadable {
        path: std::env::temp_dir(),
        source,
    })?;
    let spec = &cfg.events;
    let (events, dimensions, case_surveys) = if spec.shape == Some(Shape::Wide) {
        let w = wide::load(spec, cfg, scratch.path())?;
        (w.events, w.dimensions, w.surveys)
    } else {
        let scanned = listed_oldest_first(spec, scan::scan(spec, scratch.path())?);
        let cols = columns::resolve(spec, &scanned.columns)?;
        let dims = events::dimensions(&cols);
        let lf = events::check(&scanned, &cols, spec, cfg)?;
        let mut keep: Vec<&str> = events::COLUMNS.to_vec();
        keep.extend(dims.iter().map(String::as_str));
        let limit = match rows {
            EventRows::InMemory => None,
            EventRows::MaySpool => spool::hold_limit(&cfg.scale),
        };
        let sink = Sink {
            keep: Some(&keep),
            spool: Spooler::new(limit, scratch.path()),
        };
        let settled = settle_into(spec, &scanned, lf, Raw::Drop, sink)?;
        (settled.into_loaded(Ok, events::ORDER)?, dims, None)
    };
    let events = Loaded {
        rows: events::number_cases(&events.rows)?,
        ..events
    };
    crate::engine::phase("events numbered");
    let surveys = match (&cfg.surveys, case_surveys) {
        (Some(s), Some(_)) => {
            return Err(ConfigError::Invalid {
                key: "events.survey".into(),
                message: format!(
                    "surveys come from one place, but both the case rows ([events.survey]) and {} hold them",
                    s.path.display()
                ),
                hint: Some("keep [events.survey] or [surveys] path, not both".into()),
            }
            .into());
        }
        (Some(spec), None) => Some(load_one(
            spec,
            cfg,
            scratch.path(),
            surveys::COLUMNS,
            surveys::check,
        )?),
        (None, from_cases) => from_cases,
    };
    let contacts = match &cfg.contacts {
        Some(spec) => Some(load_one(
            spec,
            cfg,
            scratch.path(),
            contacts::COLUMNS,
            contacts::check,
        )?),
        None => None,
    };
    let (cases, case_dimensions) = match &cfg.cases {
        Some(spec) => {
            let scanned = scan::scan(spec, scratch.path())?;
            let cols = columns::resolve(spec, &scanned.columns)?;
            let dims = cases::dimensions(&cols);
            let checked = cases::check(&scanned, &cols, spec, cfg)?;
            let mut keep_cols: Vec<&str> = cases::COLUMNS.to_vec();
            keep_cols.extend(dims.iter().map(String::as_str));
            (Some(split(spec, &scanned, checked, &keep_cols, &[])?), dims)
        }
        None => (None, Vec::new()),
    };
    Ok(Inputs {
        events,
        surveys,
        contacts,
        cases,
        case_dimensions,
        dimensions,
        _scratch: Arc::new(scratch),
    })
}

type Checker = fn(&Scanned, &ColumnMap, &InputSpec, &RunConfig) -> Result<Checked>;

fn load_one(
    spec: &InputSpec,
    cfg: &RunConfig,
    scratch: &std::path::Path,
    keep: &[&str],
    check: Checker,
) -> Result<Loaded> {
    let scanned = scan::scan(spec, scratch)?;
    let cols = columns::resolve(spec, &scanned.columns)?;
    let lf = check(&scanned, &cols, spec, cfg)?;
    split(spec, &scanned, lf, keep, &[])
}

/// A checked input collected once and split: the used rows, the rejects,
/// and the counts.
pub struct Settled {
    /// The used rows' checked columns (the raw ones too, when asked); none
    /// when they were spooled.
    used: DataFrame,
    pub rejects: DataFrame,
    pub stats: InputStats,
    spool: Option<Spool>,
}

impl Settled {
    /// The used rows with every checked column.
    pub fn used(&self) -> LazyFrame {
        self.used.clone().lazy()
    }

    /// The used rows made into `rows` by `shape` (which selects the columns
    /// to keep), in `order` (none: input order; the sort is stable), so a
    /// consumer that needs an order never sorts a copy of its own.
    pub fn into_loaded(
        self,
        shape: impl FnOnce(LazyFrame) -> PolarsResult<LazyFrame>,
        order: &[&str],
    ) -> Result<Loaded> {
        let rows = shape(self.used.lazy())?.collect()?;
        let rows = if order.is_empty() {
            rows
        } else {
            in_timeline_order(rows, order)?
        };
        Ok(Loaded {
            rows,
            rejects: self.rejects,
            stats: self.stats,
            spool: self.spool,
        })
    }
}

/// `rows` sorted by the `order` columns (stable: ties keep their input
/// order), or marked sorted when they already are.
pub fn in_timeline_order(rows: DataFrame, order: &[&str]) -> PolarsResult<DataFrame> {
    if in_order(&rows.head(Some(1 << 16)), order)? && in_order(&rows, order)? {
        // An export already in timeline order (many are) skips the sort;
        // the mark lets grouping by case take its sorted path. The head
        // is checked first so an unordered export pays almost nothing.
        let mut rows = rows;
        rows.apply(order[0], |c| {
            let mut c = c.clone();
            c.set_sorted_flag(polars::series::IsSorted::Ascending);
            c
        })?;
        crate::engine::phase("found in order");
        return Ok(rows);
    }
    // The lazy sort: several times faster than DataFrame::sort here.
    let rows = rows
        .lazy()
        .sort(
            order.iter().copied(),
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    crate::engine::phase("sorted");
    Ok(rows)
}

/// Whether `df` is already ascending by the `order` columns, each one
/// breaking the ties of the one before (no nulls: they are rejected).
fn in_order(df: &DataFrame, order: &[&str]) -> PolarsResult<bool> {
    let mut ok: Option<Expr> = None;
    for c in order.iter().rev() {
        let prev = col(*c).shift(lit(1));
        ok = Some(match ok {
            None => col(*c).gt_eq(prev),
            Some(rest) => col(*c).gt(prev.clone()).or(col(*c).eq(prev).and(rest)),
        });
    }
    let Some(ok) = ok else { return Ok(true) };
    let out = df
        .clone()
        .lazy()
        .select([ok.fill_null(lit(true)).all(true)])
        .collect()?;
    Ok(out.column(order[0])?.bool()?.get(0).unwrap_or(true))
}

/// The `keep` columns of a frame.
pub fn keep(lf: LazyFrame, keep: &[&str]) -> LazyFrame {
    lf.select(keep.iter().map(|c| col(*c)).collect::<Vec<_>>())
}

/// Collect the checked frame once and split it into used and rejected rows,
/// the used ones as `keep` columns in `order`.
fn split(
    spec: &InputSpec,
    scanned: &Scanned,
    checked: Checked,
    keep_cols: &[&str],
    order: &[&str],
) -> Result<Loaded> {
    settle(spec, scanned, checked, Raw::Drop)?.into_loaded(|used| Ok(keep(used, keep_cols)), order)
}

/// Whether the used rows keep the file's raw columns (a wide table reads
/// its survey columns from them).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Raw {
    Keep,
    Drop,
}

/// Run the checked plan once, streaming, into the used rows and the
/// rejects with their reason, column, value and original values, and the
/// counts (rows read = used + rejected). Each batch is split as it leaves
/// the engine, so only the rejected rows keep the file's raw text and the
/// whole file never sits in memory.
pub fn settle(spec: &InputSpec, scanned: &Scanned, checked: Checked, raw: Raw) -> Result<Settled> {
    let sink = Sink {
        keep: None,
        spool: Spooler::new(None, Path::new("")),
    };
    settle_into(spec, scanned, checked, raw, sink)
}

/// Where `settle_into` puts the used rows: only the `keep` columns (all:
/// `None`), held or spooled by `spool`.
struct Sink<'a> {
    keep: Option<&'a [&'a str]>,
    spool: Spooler,
}

/// What the batches left, gathered as they come (in order).
struct Gathered {
    spool: Spooler,
    rejects: Vec<DataFrame>,
    /// The first failure to spool a batch; the run stops on it.
    failed: Option<crate::error::Error>,
}

/// The frame's text copied out of the buffers it shares: a text column
/// filtered down to a few rows still points into its source batch's
/// buffers, so a batch's handful of rejected rows, kept to the end of the
/// read, would keep the whole batch's text alive (1.5 GiB at 10M events).
fn detached(df: DataFrame) -> PolarsResult<DataFrame> {
    let columns = df
        .columns()
        .iter()
        .map(|c| match c.dtype() {
            DataType::String => {
                let text = c.str()?;
                let copied = StringChunked::from_chunk_iter(
                    text.name().clone(),
                    text.downcast_iter().map(|a| a.clone().gc()),
                );
                Ok(copied.into_series().into())
            }
            _ => Ok(c.clone()),
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(df.height(), columns)
}

fn settle_into(
    spec: &InputSpec,
    scanned: &Scanned,
    checked: Checked,
    raw: Raw,
    sink: Sink,
) -> Result<Settled> {
    let [reason, column] = checked.decode();
    let types = scanned.lf.clone().collect_schema()?;
    let reject_row: Vec<Expr> = vec![
        lit(spec.kind.name()).alias("input"),
        col("line"),
        reason,
        column,
        checked.value(&scanned.columns, &types),
        fields::original_values(scanned, &types).alias("values"),
    ];
    let cell_rejects = checked.cell_rejects(spec.kind.name(), scanned, &types);
    let tally = checked.tally.clone();
    let mut dropped = vec![REASON.to_string()];
    dropped.extend(checked.cell_flags());
    if raw == Raw::Drop {
        dropped.extend(fields::raw_names(scanned));
    }
    let keep: Option<Vec<String>> = sink.keep.map(|k| k.iter().map(|c| c.to_string()).collect());
    let engine_err = |e: PolarsError| scan::explain_scan_error(spec, e);
    let schema = checked.lf.clone().collect_schema().map_err(engine_err)?;
    let empty = DataFrame::empty_with_schema(&schema);
    let split = move |batch: DataFrame| -> PolarsResult<(DataFrame, DataFrame)> {
        let kept = batch.column(REASON)?.is_null();
        let mut used = batch.drop_many(dropped.iter().cloned()).filter(&kept)?;
        if let Some(keep) = &keep {
            used = used.select(keep.iter().map(String::as_str))?;
        }
        let mut rejects = batch
            .clone()
            .lazy()
            .filter(col(REASON).is_not_null())
            .select(reject_row.clone())
            .collect()?;
        // Cells rejected in used rows follow the rows rejected whole.
        for (flag, row) in &cell_rejects {
            let cells = batch
                .clone()
                .lazy()
                .filter(col(flag.as_str()))
                .select(row.clone())
                .collect()?;
            rejects.vstack_mut_owned(cells)?;
        }
        Ok((used, detached(rejects)?))
    };
    let gathered = Arc::new(Mutex::new(Gathered {
        spool: sink.spool,
        rejects: Vec::new(),
        failed: None,
    }));
    let into = gathered.clone();
    let split_batch = split.clone();
    let lock_failed = || polars_err!(ComputeError: "a batch writer failed");
    checked
        .lf
        .sink_batches(
            PlanCallback::new(move |batch: DataFrame| {
                let (used, rejects) = split_batch(batch)?;
                let mut g = into.lock().map_err(|_| lock_failed())?;
                g.rejects.push(rejects);
                if let Err(e) = g.spool.push(used) {
                    g.failed = Some(e);
                    return Ok(true);
                }
                Ok(false)
            }),
            true,
            None,
        )
        .and_then(|plan| plan.collect_with_engine(Engine::Streaming))
        .map_err(engine_err)?;
    // Taken out under the lock: the engine may still hold the callback.
    let gathered = std::mem::replace(
        &mut *gathered.lock().map_err(|_| lock_failed())?,
        Gathered {
            spool: Spooler::new(None, Path::new("")),
            rejects: Vec::new(),
            failed: None,
        },
    );
    if let Some(e) = gathered.failed {
        return Err(e);
    }
    let (mut used, mut rejects) = split(empty)?;
    for r in gathered.rejects {
        rejects.vstack_mut_owned(r)?;
    }
    let (used_rows, spool) = match gathered.spool.finish()? {
        Used::Held(batches) => {
            for u in batches {
                used.vstack_mut_owned(u)?;
            }
            (used.height() as u64, None)
        }
        Used::Spooled(spool) => (spool.rows, Some(spool)),
    };
    crate::engine::phase(&format!("{} read and checked", spec.kind.name()));
    let cells = rejects
        .column("reason")?
        .str()?
        .iter()
        .filter(|r| r.is_some_and(|r| fields::CELL_REASONS.contains(&r)))
        .count() as u64;
    let rejected = rejects.height() as u64 - cells;
    if used_rows + rejected == 0 {
        return Err(InputError::NoRows {
            path: spec.path.clone(),
        }
        .into());
    }
    let mut by_reason = BTreeMap::new();
    for reason in rejects.column("reason")?.str()?.iter().flatten() {
        *by_reason.entry(reason.to_string()).or_insert(0) += 1;
    }
    Ok(Settled {
        used,
        rejects,
        stats: InputStats {
            input: spec.kind,
            path: spec.path.clone(),
            format: scanned.sniffed.format,
            shape: scanned.sniffed.shape,
            rows_read: used_rows + rejected,
            rows_used: used_rows,
            rows_rejected: rejected,
            cells_rejected: cells,
            rejected_by_reason: by_reason,
            missing: tally.take(),
            layouts: scanned.layouts.borrow().clone(),
        },
        spool,
    })
}
