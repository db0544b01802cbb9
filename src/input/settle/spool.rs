//! The run's memory budget (SPEC 7), and the validated event rows that
//! would not fit it: written to the run's scratch folder while they are
//! read, in buckets by case, so that no stage holds the whole log. The
//! journey layer then builds one customer partition at a time from the
//! buckets (`journey::spooled`).
//!
//! A run starts holding rows in memory, as a small run should; only once
//! the rows held pass what a one-go build could afford, or the process
//! passes three quarters of its budget (`HoldLimit`), does it move them,
//! and every later batch, to disk. So nothing has to be guessed from file
//! sizes (which say little for compressed Parquet), and a run under its
//! budget pays nothing.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;

use crate::error::{OutputError, Result};
use crate::input::config::Scale;

/// Peak memory of building one set of journeys in one go, as a multiple
/// of its used rows' size in memory (`Inputs::rows_bytes`): the rows
/// themselves, the engine's overhead on them and the build's working set.
/// Measured 1.6 to 1.7 at 1M and at 10M cases (BENCHMARKS.md).
pub const BUILD_FACTOR: f64 = 1.7;

/// The finished journeys' case rows, as a share of the used rows' size: a
/// run built in parts holds each part's until the end. Measured 0.30 at
/// 1M and 0.36 at 10M cases (BENCHMARKS.md); rounded up, for the engine's
/// own overhead that no factor covers.
pub const CASES_SHARE: f64 = 0.4;

/// How many buckets spooled events are spread over. A bucket is read
/// whole, sorted and split again by customer: 16 keep that under a tenth
/// of the log, while each batch is cut only 16 ways.
pub const BUCKETS: u32 = 16;

const SEED: u64 = 42;

/// The bucket (or part) of a key among `n`: a seeded XXH3 hash of its
/// text, the same in every process and on every machine.
pub fn bucket_of(key: &str, n: u32) -> u32 {
    let hash = xxhash_rust::xxh3::xxh3_64_with_seed(key.as_bytes(), SEED) as i64;
    hash.rem_euclid(i64::from(n)) as u32
}

/// The bucket of each key of a text column; null where the key is.
pub fn buckets_of(keys: &Column, n: u32) -> PolarsResult<UInt32Chunked> {
    let keys = keys.cast(&DataType::String)?;
    Ok(keys
        .str()?
        .apply_nonnull_values_generic(DataType::UInt32, |k| bucket_of(k, n)))
}

/// Bytes a frame takes in memory. Polars' `estimated_size` counts a text
/// column's characters but not the 16-byte view each row has (short texts
/// live inside it): for an event log of ids and names, 40% of its size.
pub fn frame_bytes(df: &DataFrame) -> usize {
    let views: usize = df
        .columns()
        .iter()
        .filter(|c| matches!(c.dtype(), DataType::String | DataType::Binary))
        .map(|c| c.len() * 16)
        .sum();
    df.estimated_size() + views
}

/// The run's memory budget in bytes: `--memory-limit`, else three quarters
/// of the machine's memory; `None` when neither is known.
pub fn budget(scale: &Scale) -> Option<u64> {
    scale
        .memory_limit
        .or_else(|| crate::engine::physical_memory().map(|m| m / 4 * 3))
}

/// How much a reader may hold before it writes the rows to disk.
#[derive(Clone, Copy, Debug)]
pub struct HoldLimit {
    /// Bytes of validated rows a one-go build of the journeys could afford.
    pub rows: usize,
    /// The process's resident memory, which also counts the input's mapped
    /// pages and the engine's batches in flight: for a 6 GB CSV, more than
    /// the rows held when the reader turns to disk.
    pub resident: Option<u64>,
}

/// What a run may hold while reading its events: none when `--partitions`
/// asks for several parts, no limit when it asks for one or the budget is
/// unknown; else the rows a one-go build could afford, and three quarters
/// of the budget resident (the rest is headroom for the batches in flight
/// and the buckets' writers when it turns to disk).
pub fn hold_limit(scale: &Scale) -> Option<HoldLimit> {
    match scale.partitions {
        Some(1) => None,
        Some(_) => Some(HoldLimit::NOTHING),
        None => budget(scale).map(|b| HoldLimit {
            rows: (b as f64 / BUILD_FACTOR) as usize,
            resident: Some(b / 4 * 3),
        }),
    }
}

impl HoldLimit {
    /// Hold nothing: every row goes to disk.
    const NOTHING: HoldLimit = HoldLimit {
        rows: 0,
        resident: None,
    };

    /// Whether `held` bytes of rows are past it (or the process is).
    fn passed(&self, held: usize) -> bool {
        self.rows == 0
            || held > self.rows
            || self
                .resident
                .zip(crate::engine::resident_memory())
                .is_some_and(|(cap, now)| now > cap)
    }
}

/// Validated event rows on disk: `BUCKETS` uncompressed Parquet files in
/// the run's scratch folder, every case's rows in one bucket, in input
/// order.
#[derive(Clone)]
pub struct Spool {
    pub files: Vec<PathBuf>,
    /// The rows' columns and types (the files lose the categoricals).
    pub schema: SchemaRef,
    /// The rows' size in memory (`frame_bytes`).
    pub bytes: usize,
    pub rows: u64,
}

/// What the used rows became: held, or spooled to disk.
pub enum Used {
    Held(Vec<DataFrame>),
    Spooled(Spool),
}

/// One bucket's file, and its rows waiting to be written as a row group.
struct Bucket {
    path: PathBuf,
    writer: BatchedWriter<BufWriter<File>>,
    waiting: Vec<DataFrame>,
    waiting_rows: usize,
}

/// Rows a bucket gathers before writing them: a batch cut 16 ways is a few
/// thousand rows, and a row group per cut costs more to write than to fill.
const ROW_GROUP: usize = 1 << 17;

impl Bucket {
    fn flush(&mut self) -> Result<()> {
        let mut rows = match self.waiting.len() {
            0 => return Ok(()),
            _ => std::mem::take(&mut self.waiting),
        };
        let mut all = rows.remove(0);
        for r in rows {
            all.vstack_mut_owned(r)?;
        }
        // The writer needs each column in one chunk.
        all.rechunk_mut_par();
        self.writer
            .write_batch(&all)
            .map_err(|e| scratch_failure(&self.path, e))?;
        self.waiting_rows = 0;
        Ok(())
    }
}

/// Takes the used rows batch by batch, holding them until they pass its
/// `HoldLimit`, then writing them (and every later batch) to buckets.
pub struct Spooler {
    limit: Option<HoldLimit>,
    dir: PathBuf,
    held: Vec<DataFrame>,
    held_bytes: usize,
    writers: Vec<Bucket>,
    schema: Option<SchemaRef>,
    bytes: usize,
    rows: u64,
}

impl Spooler {
    /// `limit`: what may be held before spooling; `None`: hold everything.
    pub fn new(limit: Option<HoldLimit>, dir: &Path) -> Spooler {
        Spooler {
            limit,
            dir: dir.to_path_buf(),
            held: Vec::new(),
            held_bytes: 0,
            writers: Vec::new(),
            schema: None,
            bytes: 0,
            rows: 0,
        }
    }

    pub fn push(&mut self, used: DataFrame) -> Result<()> {
        let bytes = frame_bytes(&used);
        self.bytes += bytes;
        self.rows += used.height() as u64;
        if self.writers.is_empty() {
            self.held_bytes += bytes;
            self.held.push(used);
            if self.limit.is_some_and(|l| l.passed(self.held_bytes)) {
                let schema = self.held[0].schema().clone();
                self.open(schema)?;
                for batch in std::mem::take(&mut self.held) {
                    self.write(batch)?;
                }
                crate::engine::phase("events: spooling to disk");
            }
            return Ok(());
        }
        self.write(used)
    }

    fn open(&mut self, schema: SchemaRef) -> Result<()> {
        for b in 0..BUCKETS {
            let path = self.dir.join(format!("events-bucket-{b:02}.parquet"));
            // Read back whole, once: no compression, no statistics.
            let writer = ParquetWriter::new(BufWriter::new(create_scratch(&path)?))
                .with_compression(ParquetCompression::Uncompressed)
                .with_statistics(StatisticsOptions::empty())
                .batched(&schema)?;
            self.writers.push(Bucket {
                path,
                writer,
                waiting: Vec::new(),
                waiting_rows: 0,
            });
        }
        self.schema = Some(schema);
        Ok(())
    }

    fn write(&mut self, batch: DataFrame) -> Result<()> {
        if batch.height() == 0 {
            return Ok(());
        }
        let buckets = buckets_of(batch.column("case_id")?, BUCKETS)?;
        for (b, bucket) in self.writers.iter_mut().enumerate() {
            let part = batch.filter(&buckets.equal(b as u32))?;
            if part.height() > 0 {
                bucket.waiting_rows += part.height();
                bucket.waiting.push(part);
                if bucket.waiting_rows >= ROW_GROUP {
                    bucket.flush()?;
                }
            }
        }
        Ok(())
    }

    /// Rows already held, written to buckets (however few).
    pub fn spool_all(rows: DataFrame, dir: &Path) -> Result<Spool> {
        let mut spooler = Spooler::new(Some(HoldLimit::NOTHING), dir);
        spooler.open(rows.schema().clone())?;
        spooler.push(rows)?;
        match spooler.finish()? {
            Used::Spooled(spool) => Ok(spool),
            Used::Held(_) => Err(PolarsError::ComputeError("rows held, not spooled".into()).into()),
        }
    }

    /// The used rows, held or spooled.
    pub fn finish(self) -> Result<Used> {
        let Some(schema) = self.schema else {
            return Ok(Used::Held(self.held));
        };
        let mut files = Vec::with_capacity(self.writers.len());
        for mut bucket in self.writers {
            bucket.flush()?;
            bucket
                .writer
                .finish()
                .map_err(|e| scratch_failure(&bucket.path, e))?;
            files.push(bucket.path);
        }
        Ok(Used::Spooled(Spool {
            files,
            schema,
            bytes: self.bytes,
            rows: self.rows,
        }))
    }
}

/// A file in the run's scratch folder, created; a failure names it.
fn create_scratch(path: &Path) -> Result<File> {
    File::create(path).map_err(|source| {
        OutputError::Scratch {
            path: path.to_path_buf(),
            source,
        }
        .into()
    })
}

/// A frame written to the run's scratch folder, uncompressed (it is read
/// back once, on this machine).
pub fn write_scratch(path: &Path, df: &mut DataFrame) -> Result<()> {
    ParquetWriter::new(create_scratch(path)?)
        .with_compression(ParquetCompression::Uncompressed)
        .finish(df)
        .map_err(|e| scratch_failure(path, e))?;
    Ok(())
}

/// A scratch write the engine failed: an I/O failure (a full temporary
/// folder) is the scratch folder's, with its fix, never "a bug in cxgap".
/// The Parquet writer wraps the operating system's error in its own
/// ("underlying IO error: No space left on device (os error 28)").
fn scratch_failure(path: &Path, e: PolarsError) -> crate::error::Error {
    let source = match &e {
        PolarsError::IO { error, .. } => std::io::Error::new(error.kind(), error.to_string()),
        other if other.to_string().contains("IO error") => std::io::Error::other(other.to_string()),
        _ => return e.into(),
    };
    OutputError::Scratch {
        path: path.to_path_buf(),
        source,
    }
    .into()
}

/// The columns' stored types given back (scratch files lose the
/// categoricals).
pub fn restore_types(lf: LazyFrame, schema: &Schema) -> LazyFrame {
    lf.cast(
        schema
            .iter()
            .map(|(name, dtype)| (name.as_str(), dtype.clone()))
            .collect(),
        true,
    )
}

/// Parquet files scanned as one frame, in file order, with the stored
/// types restored when `schema` gives them (scratch files lose the
/// categoricals). Scanned, not read: filters and column choices reach
/// the files.
pub fn scan_files(files: &[PathBuf], schema: Option<&Schema>) -> PolarsResult<LazyFrame> {
    let scans = files
        .iter()
        .map(|f| {
            LazyFrame::scan_parquet(
                PlRefPath::new(f.to_string_lossy().as_ref()),
                ScanArgsParquet::default(),
            )
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    let all = concat(scans, UnionArgs::default())?;
    Ok(match schema {
        Some(schema) => restore_types(all, schema),
        None => all,
    })
}

/// A scratch Parquet file read back with its columns' types restored.
pub fn read_back(path: &Path, schema: &Schema) -> Result<DataFrame> {
    let file = File::open(path).map_err(|source| OutputError::Scratch {
        path: path.to_path_buf(),
        source,
    })?;
    let rows = ParquetReader::new(file).finish()?.lazy();
    Ok(restore_types(rows, schema).collect()?)
}

#[cfg(test)]
mod tests {
    use super::bucket_of;

    #[test]
    fn buckets_are_stable_and_in_range() {
        // XXH3's reference vector: the empty input with seed 0.
        assert_eq!(xxhash_rust::xxh3::xxh3_64(b""), 0x2D06_8005_38D3_94C2);
        // Fixed across runs and machines: a changed value would re-route
        // every partitioned dataset already written.
        let h = xxhash_rust::xxh3::xxh3_64_with_seed(b"C00042", 42) as i64;
        assert_eq!(bucket_of("C00042", 8), h.rem_euclid(8) as u32);
        assert!((0..8).contains(&bucket_of("anything", 8)));
        assert_eq!(bucket_of("x", 1), 0);
    }
}
