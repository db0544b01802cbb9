//! One lazy scan per input, every column kept as the user named it, plus a
//! `__line` column: the line in the file for CSV (the header rows counted, so
//! it matches the spreadsheet row; a field holding a line break makes later
//! physical lines differ) and NDJSON, the row number for Parquet.

use std::path::Path;

use polars::prelude::*;

use crate::error::{InputError, Result};
use crate::input::config::{FileFormat, InputSpec};
use crate::input::detect::{self, Sniffed};

pub const LINE: &str = "__line";

pub struct Scanned {
    pub lf: LazyFrame,
    /// The user's column names, in file order.
    pub columns: Vec<String>,
    pub sniffed: Sniffed,
}

fn pl_path(path: &Path) -> PlRefPath {
    PlRefPath::new(path.to_string_lossy().as_ref())
}

pub fn scan(spec: &InputSpec, scratch: &Path) -> Result<Scanned> {
    let sniffed = detect::sniff(spec)?;
    let engine_err = |e: PolarsError| InputError::Unparseable {
        path: spec.path.clone(),
        detail: e.to_string(),
    };
    let (lf, columns) = match sniffed.format {
        FileFormat::Csv => {
            let source = if sniffed.gzip {
                detect::gunzip_to(&spec.path, scratch)?
            } else {
                spec.path.clone()
            };
            let header_rows = sniffed.shape.header_rows();
            let schema: Schema = sniffed
                .header
                .iter()
                .map(|n| Field::new(n.as_str().into(), DataType::String))
                .collect();
            let lf = LazyCsvReader::new(pl_path(&source))
                .with_has_header(false)
                .with_skip_rows(header_rows)
                .with_separator(sniffed.delimiter)
                .with_schema(Some(Arc::new(schema)))
                .with_missing_is_null(true)
                .with_truncate_ragged_lines(false)
                .with_row_index(Some(RowIndex {
                    name: LINE.into(),
                    offset: (header_rows + 1) as IdxSize,
                }))
                .finish()
                .map_err(engine_err)?;
            (lf, sniffed.header.clone())
        }
        FileFormat::Parquet => {
            let args = ScanArgsParquet {
                row_index: Some(RowIndex {
                    name: LINE.into(),
                    offset: 1,
                }),
                ..Default::default()
            };
            let mut lf = LazyFrame::scan_parquet(pl_path(&spec.path), args).map_err(engine_err)?;
            let columns = names_of(&mut lf).map_err(engine_err)?;
            (lf, columns)
        }
        FileFormat::Ndjson => {
            let mut lf = LazyJsonLineReader::new(pl_path(&spec.path))
                .with_row_index(Some(RowIndex {
                    name: LINE.into(),
                    offset: 1,
                }))
                .finish()
                .map_err(engine_err)?;
            let columns = names_of(&mut lf).map_err(engine_err)?;
            (lf, columns)
        }
    };
    Ok(Scanned {
        lf,
        columns,
        sniffed,
    })
}

fn names_of(lf: &mut LazyFrame) -> PolarsResult<Vec<String>> {
    Ok(lf
        .collect_schema()?
        .iter_names()
        .filter(|n| n.as_str() != LINE)
        .map(|n| n.to_string())
        .collect())
}

/// Turn a scan failure into the message a user can act on: a ragged line
/// (located with the csv crate, on this error path only), bad UTF-8 deep in
/// the file, or whatever the engine said.
pub fn explain_scan_error(spec: &InputSpec, sniffed: &Sniffed, err: PolarsError) -> InputError {
    let text = err.to_string();
    if sniffed.format == FileFormat::Csv
        && !sniffed.gzip
        && let Some(ragged) = find_ragged(&spec.path, sniffed)
    {
        return ragged;
    }
    if text.contains("utf-8") || text.contains("utf8") || text.contains("UTF-8") {
        return InputError::Encoding {
            path: spec.path.clone(),
            detail: "invalid UTF-8 further into the file; it looks like Latin-1 or Windows-1252"
                .into(),
        };
    }
    InputError::Unparseable {
        path: spec.path.clone(),
        detail: text.lines().next().unwrap_or_default().to_string(),
    }
}

fn find_ragged(path: &Path, sniffed: &Sniffed) -> Option<InputError> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniffed.delimiter)
        .from_reader(std::io::BufReader::new(file));
    let expected = sniffed.header.len();
    for record in reader.records() {
        let record = record.ok()?;
        if record.len() > expected {
            return Some(InputError::Ragged {
                path: path.to_path_buf(),
                line: record.position().map(|p| p.line()).unwrap_or(0),
                fields: record.len(),
                expected,
            });
        }
    }
    None
}
