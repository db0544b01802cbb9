//! Streams generated rows to CSV or Parquet in chunks, then writes the
//! cxgap.toml that maps the export-shaped names, and truth.json.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::SampleFormat;
use super::model::Truth;
use crate::error::{OutputError, Result};

const EVENT_COLS: [&str; 9] = [
    "Ticket",
    "Account",
    "When",
    "Action",
    "Via",
    "Handled By",
    "Queue",
    "Promised For",
    "Promise Type",
];
const SURVEY_COLS: [&str; 7] = [
    "Response ID",
    "Ticket",
    "Account",
    "Invited",
    "Completed",
    "Rating",
    "Issue Resolved",
];
const CONTACT_COLS: [&str; 6] = ["Day", "Account", "Ticket", "Calls", "Direction", "Channel"];

/// Parquet exports carry types: these columns are written as naive
/// datetimes (the CSV's text, read in the config's time zone) and this one
/// as a date. A value that is no timestamp (the generator's dirty rows)
/// becomes a missing one, as a typed export would have it.
const DATETIME_COLS: [&str; 4] = ["When", "Promised For", "Invited", "Completed"];
const DATE_COLS: [&str; 1] = ["Day"];

fn parquet_type(column: &str) -> DataType {
    if DATETIME_COLS.contains(&column) {
        DataType::Datetime(TimeUnit::Milliseconds, None)
    } else if DATE_COLS.contains(&column) {
        DataType::Date
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
    events: Table,
    surveys: Table,
    contacts: Table,
}

impl Sinks {
    pub fn create(dir: &Path, format: SampleFormat) -> Result<Sinks> {
        std::fs::create_dir_all(dir).map_err(err(dir))?;
        Ok(Sinks {
            dir: dir.to_path_buf(),
            format,
            events: Table::create(dir, "events", &EVENT_COLS, format)?,
            surveys: Table::create(dir, "surveys", &SURVEY_COLS, format)?,
            contacts: Table::create(dir, "contacts", &CONTACT_COLS, format)?,
        })
    }

    pub fn event(&mut self, row: &[String]) -> Result<()> {
        self.events.rows.push(row.to_vec());
        Ok(())
    }

    pub fn survey(&mut self, row: &[String]) -> Result<()> {
        self.surveys.rows.push(row.to_vec());
        Ok(())
    }

    pub fn contact(&mut self, row: &[String]) -> Result<()> {
        self.contacts.rows.push(row.to_vec());
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
        let config = CONFIG.replace("{ext}", ext);
        let p = self.dir.join("cxgap.toml");
        std::fs::write(&p, config).map_err(err(&p))?;
        let p = self.dir.join("truth.json");
        let json = serde_json::to_string_pretty(truth).unwrap_or_default() + "\n";
        std::fs::write(&p, json).map_err(err(&p))?;
        Ok(())
    }
}

const CONFIG: &str = r#"# Written by `cxgap sample`: maps the generated export's names onto cxgap's.
timezone = "UTC"

[events]
path = "events.{ext}"

[events.columns]
case_id = "Ticket"
customer_id = "Account"
timestamp = "When"
event = "Action"
channel = "Via"
agent = "Handled By"
team = "Queue"
due_at = "Promised For"
promise_kind = "Promise Type"

[events.activities]
case_opened = ["Case Opened"]
contact_in = ["Inbound Contact"]
contact_out = ["Outbound Contact"]
transfer = ["Transferred"]
escalation = ["Escalated"]
promise = ["Commitment Made"]
promise_kept = ["Commitment Fulfilled"]
resolved = ["Resolved"]
reopened = ["Reopened"]
closed = ["Closed"]
identify = ["ID Verified"]
survey_sent = ["Survey Sent"]
# "Internal Note" is left unmapped on purpose: it becomes `other`.

[surveys]
path = "surveys.{ext}"
kind = "csat"

[surveys.columns]
survey_id = "Response ID"
case_id = "Ticket"
customer_id = "Account"
sent_at = "Invited"
responded_at = "Completed"
score = "Rating"
resolved = "Issue Resolved"

[contacts]
path = "contacts.{ext}"

[contacts.columns]
date = "Day"
customer_id = "Account"
case_id = "Ticket"
contacts = "Calls"
direction = "Direction"
channel = "Channel"
"#;
