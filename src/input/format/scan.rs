//! One lazy scan per input, every column kept as the user named it, plus a
//! `__line` column: the line in the file for CSV (the header rows counted, so
//! it matches the spreadsheet row; a field holding a line break makes later
//! physical lines differ) and NDJSON, the row number for Parquet.

use std::path::Path;

use polars::prelude::*;

use crate::error::{InputError, InputKind, Result};
use crate::input::config::{FileFormat, InputSpec};
use crate::input::format::detect::{self, Sniffed};
use crate::input::format::structure::{self, Damage, RAW_LINE};
use crate::input::format::xes;

pub const LINE: &str = "__line";

/// The column a config names to take each row's line as its case id.
pub const LINE_ID: &str = "@line";

/// A column a cluster adds to the rows it routes to one machine
/// (`spark/cxgap_spark.py`): each row's line in the original file, so
/// rejects and timelines name the line the user can open. It replaces the
/// line counted in the part file, and is no column of the user's.
pub const ORIGIN_LINE: &str = "_cxgap_line";

pub struct Scanned {
    pub lf: LazyFrame,
    /// The user's column names, in file order.
    pub columns: Vec<String>,
    pub sniffed: Sniffed,
    /// Damaged records, read from a repaired copy whose `RAW_LINE` column
    /// holds their original text (`structure`).
    pub damage: Vec<Damage>,
    /// The `__line` of the first data record.
    pub first_line: i64,
    /// How each time column was read (column -> the layout in words), as
    /// the checks choose them: validate says so (SPEC 1.4).
    pub layouts: std::cell::RefCell<std::collections::BTreeMap<String, String>>,
}

fn pl_path(path: &Path) -> PlRefPath {
    PlRefPath::new(path.to_string_lossy().as_ref())
}

pub fn scan(spec: &InputSpec, scratch: &Path) -> Result<Scanned> {
    let mut sniffed = detect::sniff(spec)?;
    let engine_err = |e: PolarsError| InputError::Unparseable {
        path: spec.path.clone(),
        detail: e.to_string(),
    };
    let mut damage = Vec::new();
    // The line of the first data record: the spreadsheet row for CSV, the
    // row or event number otherwise.
    let mut first_line = 1;
    let (lf, columns) = match sniffed.format {
        FileFormat::Csv => {
            let mut source = if sniffed.gzip {
                detect::gunzip_to(&spec.path, scratch)?
            } else {
                spec.path.clone()
            };
            if let Some(enc) = sniffed.encoding {
                source = detect::transcode_to(&source, enc, scratch)?;
            }
            if sniffed.cr_only {
                source = structure::cr_to_lf(&source, scratch)?;
            }
            first_line = sniffed.shape.header_rows() as i64 + 1;
            let (lf, d) = scan_csv(spec, &source, &sniffed, scratch, first_line)?;
            damage = d;
            (lf, sniffed.header.clone())
        }
        FileFormat::Xes if spec.kind != InputKind::Events => {
            return Err(InputError::UnknownFormat {
                kind: spec.kind,
                path: spec.path.clone(),
                ext: ".xes (an event log holds events, not surveys or contacts)".into(),
            }
            .into());
        }
        FileFormat::Xes => {
            // Read as the CSV it is converted to, one row per event.
            let source = xes::to_csv(&spec.path, sniffed.gzip, scratch)?;
            let as_csv = detect::sniff(&InputSpec {
                path: source.clone(),
                format: Some(FileFormat::Csv),
                ..spec.clone()
            })?;
            sniffed.header = as_csv.header;
            let (lf, d) = scan_csv(spec, &source, &sniffed, scratch, first_line)?;
            damage = d;
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
            let readable = match sniffed.encoding {
                Some(enc) => detect::transcode_to(&spec.path, enc, scratch)?,
                None => spec.path.clone(),
            };
            damage = structure::check_ndjson(&readable)?;
            let source = if damage.is_empty() {
                readable
            } else {
                structure::repair_ndjson(&readable, scratch, &damage)?
            };
            let mut lf = LazyJsonLineReader::new(pl_path(&source))
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
    let (lf, mut columns) = if columns.iter().any(|c| c == ORIGIN_LINE) {
        sniffed.header.retain(|c| c != ORIGIN_LINE);
        let lf = lf
            .drop(cols([LINE]))
            .rename([ORIGIN_LINE], [LINE], true)
            .with_column(col(LINE).cast(IDX_DTYPE));
        let columns = columns.into_iter().filter(|c| c != ORIGIN_LINE).collect();
        (lf, columns)
    } else {
        (lf, columns)
    };
    // A table whose rows are cases but carry no id (SPEC 1.6): the row's
    // line is its case id, as the config asks with `case_id = "@line"`.
    let mut lf = lf;
    if spec.columns.values().any(|c| c == LINE_ID) {
        lf = lf.with_column(col(LINE).cast(DataType::String).alias(LINE_ID));
        columns.push(LINE_ID.to_string());
    }
    // A date and a time of day in two columns, joined as the config says.
    for (name, parts) in &spec.joined {
        if let Some(absent) = parts.iter().find(|p| !columns.contains(p)) {
            return Err(InputError::MissingColumn {
                kind: spec.kind,
                path: spec.path.clone(),
                column: name.clone(),
                looked_for: absent.clone(),
                found: columns.clone(),
                suggestion: None,
            }
            .into());
        }
        let texts: Vec<Expr> = parts
            .iter()
            .map(|p| col(p.as_str()).cast(DataType::String))
            .collect();
        lf = lf.with_column(concat_str(texts, " ", true).alias(name.as_str()));
        columns.push(name.clone());
    }
    Ok(Scanned {
        layouts: Default::default(),
        lf,
        columns,
        sniffed,
        damage,
        first_line,
    })
}

/// A delimited `source` (the user's file, or a copy made readable), its
/// structure checked first (`structure`): the lazy scan and the damaged
/// records, which are read from a repaired copy.
fn scan_csv(
    spec: &InputSpec,
    source: &Path,
    sniffed: &Sniffed,
    scratch: &Path,
    first_line: i64,
) -> Result<(LazyFrame, Vec<Damage>)> {
    let header_rows = sniffed.shape.header_rows();
    let fields = sniffed.header.len();
    let delim = sniffed.delimiter;
    let damage = structure::check_csv(source, &spec.path, delim, header_rows, fields)?;
    let mut source = source.to_path_buf();
    let mut names: Vec<&str> = sniffed.header.iter().map(String::as_str).collect();
    if !damage.is_empty() {
        source = structure::repair(&source, scratch, delim, header_rows, fields, &damage)?;
        names.push(RAW_LINE);
    }
    let schema: Schema = names
        .iter()
        .map(|n| Field::new((*n).into(), DataType::String))
        .collect();
    let lf = LazyCsvReader::new(pl_path(&source))
        .with_has_header(false)
        .with_skip_rows(header_rows)
        .with_separator(delim)
        .with_schema(Some(Arc::new(schema)))
        .with_missing_is_null(true)
        .with_truncate_ragged_lines(false)
        .with_row_index(Some(RowIndex {
            name: LINE.into(),
            offset: first_line as IdxSize,
        }))
        .finish()
        .map_err(|e| InputError::Unparseable {
            path: spec.path.clone(),
            detail: e.to_string(),
        })?;
    Ok((lf, damage))
}

fn names_of(lf: &mut LazyFrame) -> PolarsResult<Vec<String>> {
    Ok(lf
        .collect_schema()?
        .iter_names()
        .filter(|n| n.as_str() != LINE && n.as_str() != RAW_LINE)
        .map(|n| n.to_string())
        .collect())
}

/// Turn a scan failure into the message a user can act on: bad UTF-8 deep
/// in the file, or whatever the engine said, with the file named. (Damaged
/// rows never get here: `structure` isolates them first.)
pub fn explain_scan_error(spec: &InputSpec, err: PolarsError) -> InputError {
    let text = err.to_string();
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
