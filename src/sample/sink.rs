//! Streams generated rows to CSV or Parquet in chunks, then writes the
//! cxgap.toml that maps the export-shaped names, and truth.json.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::model::Truth;
use super::shapes::{DATETIME_COLS, INT_COLS, SampleShape};
use super::{Ev, SampleFormat};
use crate::error::{OutputError, Result};

const SURVEY_COLS: [&str; 8] = [
    "Response ID",
    "Ticket",
    "Account",
    "Invited",
    "Completed",
    "Rating",
    "Issue Resolved",
    "Comments",
];

/// Parquet exports carry types: timestamps as naive datetimes (the CSV's
/// text, read in the config's time zone), the count day as a date, counts
/// as integers. A value that is no timestamp (the generator's dirty rows)
/// becomes a missing one, as a typed export would have it.
const DATE_COLS: [&str; 1] = ["Day"];

fn parquet_type(column: &str) -> DataType {
    if DATETIME_COLS.contains(&column) {
        DataType::Datetime(TimeUnit::Milliseconds, None)
    } else if DATE_COLS.contains(&column) {
        DataType::Date
    } else if INT_COLS.contains(&column) {
        DataType::Int64
    } else {
        DataType::String
    }
}

/// The chunk's text columns cast to their Parquet types.
fn typed(df: DataFrame) -> PolarsResult<DataFrame> {
    let casts: Vec<Expr> = df
        .get_column_names()
        .into_iter()
        .filter_map(|name| {
            let (dtype, format) = match parquet_type(name) {
                DataType::String => return None,
                DataType::Int64 => return Some(col(name.clone()).cast(DataType::Int64)),
                DataType::Date => (DataType::Date, "%Y-%m-%d"),
                dtype => (dtype, "%Y-%m-%d %H:%M:%S"),
            };
            Some(col(name.clone()).str().strptime(
                dtype,
                StrptimeOptions {
                    format: Some(format.into()),
                    strict: false,
                    exact: true,
                    cache: false,
                },
                lit("raise"),
            ))
        })
        .collect();
    df.lazy().with_columns(casts).collect()
}

enum Out {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Parquet(Box<polars::io::parquet::write::BatchedWriter<File>>),
}

struct Table {
    path: PathBuf,
    columns: &'static [&'static str],
    rows: Vec<Vec<String>>,
    out: Out,
}

fn err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl Table {
    fn create(
        dir: &Path,
        stem: &str,
        columns: &'static [&'static str],
        format: SampleFormat,
    ) -> Result<Table> {
        let ext = match format {
            SampleFormat::Csv => "csv",
            SampleFormat::Parquet => "parquet",
        };
        let path = dir.join(format!("{stem}.{ext}"));
        let file = File::create(&path).map_err(err(&path))?;
        let out = match format {
            SampleFormat::Csv => {
                let mut w = csv::Writer::from_writer(BufWriter::new(file));
                w.write_record(columns).map_err(|e| err(&path)(e.into()))?;
                Out::Csv(Box::new(w))
            }
            SampleFormat::Parquet => {
                let schema: Schema = columns
                    .iter()
                    .map(|c| Field::new((*c).into(), parquet_type(c)))
                    .collect();
                Out::Parquet(Box::new(ParquetWriter::new(file).batched(&schema)?))
            }
        };
        Ok(Table {
            path,
            columns,
            rows: Vec::new(),
            out,
        })
    }

    fn flush(&mut self) -> Result<()> {
        match &mut self.out {
            Out::Csv(w) => {
                for r in self.rows.drain(..) {
                    w.write_record(&r).map_err(|e| err(&self.path)(e.into()))?;
                }
            }
            Out::Parquet(w) => {
                if self.rows.is_empty() {
                    return Ok(());
                }
                let height = self.rows.len();
                let columns: Vec<Column> = (0..self.columns.len())
                    .map(|j| {
                        // Empty cells are missing values, as in the CSV.
                        let values: Vec<Option<&str>> = self
                            .rows
                            .iter()
                            .map(|r| Some(r[j].as_str()).filter(|s| !s.is_empty()))
                            .collect();
                        Column::new(self.columns[j].into(), values)
                    })
                    .collect();
                w.write_batch(&typed(DataFrame::new(height, columns)?)?)?;
                self.rows.clear();
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.flush()?;
        match self.out {
            Out::Csv(mut w) => w.flush().map_err(err(&self.path))?,
            Out::Parquet(w) => {
                w.finish()?;
            }
        }
        Ok(())
    }
}

pub struct Sinks {
    dir: PathBuf,
    format: SampleFormat,
    shape: SampleShape,
    events: Table,
    surveys: Table,
    contacts: Table,
    /// Interaction rows written so far, to number them.
    interactions: u64,
}

impl Sinks {
    pub fn create(dir: &Path, format: SampleFormat, shape: SampleShape) -> Result<Sinks> {
        std::fs::create_dir_all(dir).map_err(err(dir))?;
        Ok(Sinks {
            dir: dir.to_path_buf(),
            format,
            shape,
            events: Table::create(dir, "events", shape.event_columns(), format)?,
            surveys: Table::create(dir, "surveys", &SURVEY_COLS, format)?,
            contacts: Table::create(dir, "contacts", shape.contact_columns(), format)?,
            interactions: 0,
        })
    }

    /// One case's events, in the output's shape.
    pub fn case(&mut self, case: &str, customer: &str, events: Vec<Ev>) -> Result<()> {
        self.events
            .rows
            .extend(self.shape.event_rows(case, customer, events));
        Ok(())
    }

    /// A row whose time cannot be read.
    pub fn broken_row(&mut self, case: &str, customer: &str) -> Result<()> {
        self.events.rows.push(self.shape.broken_row(case, customer));
        Ok(())
    }

    pub fn survey(&mut self, row: &[String]) -> Result<()> {
        self.surveys.rows.push(row.to_vec());
        Ok(())
    }

    /// One contact-count row (day, customer, ticket, count, direction,
    /// channel), in the output's shape.
    pub fn contact(&mut self, row: &[String]) -> Result<()> {
        self.contacts
            .rows
            .push(self.shape.contact_row(row, self.interactions));
        self.interactions += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.events.flush()?;
        self.surveys.flush()?;
        self.contacts.flush()
    }

    pub fn finish(self, truth: &Truth) -> Result<()> {
        let ext = match self.format {
            SampleFormat::Csv => "csv",
            SampleFormat::Parquet => "parquet",
        };
        self.events.finish()?;
        self.surveys.finish()?;
        self.contacts.finish()?;
        let p = self.dir.join("cxgap.toml");
        std::fs::write(&p, self.shape.config(ext)).map_err(err(&p))?;
        let p = self.dir.join("truth.json");
        let json = serde_json::to_string_pretty(truth).unwrap_or_default() + "\n";
        std::fs::write(&p, json).map_err(err(&p))?;
        Ok(())
    }
}
