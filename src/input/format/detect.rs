//! Sniffing an input before it is scanned: file format, gzip, text encoding,
//! delimiter, and the export shape (plain CSV, Qualtrics, SurveyMonkey), so
//! real exports load without manual editing.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{InputError, InputKind, Result};
use crate::input::config::{FileFormat, InputSpec};

/// How many bytes of the head are sniffed.
const SNIFF_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportShape {
    Plain,
    /// Three header rows: export tags, question text, ImportId JSON.
    Qualtrics,
    /// Two header rows: export tags (or V1, V2, ...), question text.
    QualtricsLegacy,
    /// Two header rows: question text, then choice labels.
    SurveyMonkey,
}

impl ExportShape {
    pub fn label(self) -> &'static str {
        match self {
            ExportShape::Plain => "plain CSV",
            ExportShape::Qualtrics => "Qualtrics export",
            ExportShape::QualtricsLegacy => "legacy Qualtrics export",
            ExportShape::SurveyMonkey => "SurveyMonkey export",
        }
    }

    pub fn header_rows(self) -> usize {
        match self {
            ExportShape::Plain => 1,
            ExportShape::Qualtrics => 3,
            ExportShape::QualtricsLegacy | ExportShape::SurveyMonkey => 2,
        }
    }
}

/// Everything the scanner needs to know about a file.
#[derive(Debug, Clone)]
pub struct Sniffed {
    pub format: FileFormat,
    pub gzip: bool,
    /// CSV only: the delimiter, export shape and the column names it yields.
    pub delimiter: u8,
    pub shape: ExportShape,
    pub header: Vec<String>,
    /// A Qualtrics export's own `timeZone`, which beats the config's for it.
    pub timezone: Option<String>,
    /// Lines end in a bare carriage return (old Mac exports).
    pub cr_only: bool,
    /// The file's text encoding when it is not UTF-8: configured, or
    /// UTF-16 recognised by its byte-order mark. The scan reads a UTF-8
    /// copy (`transcode_to`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

pub fn sniff(spec: &InputSpec) -> Result<Sniffed> {
    let path = &spec.path;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_lowercase();
    let gzip_ext = name.ends_with(".gz");
    let stem = name.trim_end_matches(".gz");
    let ext = stem.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let format = match spec.format {
        Some(f) => f,
        None => match ext {
            "csv" | "tsv" | "txt" | "tab" => FileFormat::Csv,
            "parquet" | "pq" => FileFormat::Parquet,
            "ndjson" | "jsonl" | "json" => FileFormat::Ndjson,
            "xes" => FileFormat::Xes,
            _ => {
                return Err(InputError::UnknownFormat {
                    kind: spec.kind,
                    path: path.clone(),
                    ext: if ext.is_empty() {
                        "(none)".into()
                    } else {
                        format!(".{ext}")
                    },
                }
                .into());
            }
        },
    };
    let head = read_head(path)?;
    // A file's content beats its name: a Parquet file saved as .csv is read
    // as Parquet (unless the config names the format).
    let format = if spec.format.is_none() && head.starts_with(b"PAR1") {
        FileFormat::Parquet
    } else {
        format
    };
    let gzip = gzip_ext || head.starts_with(&[0x1f, 0x8b]);
    let head = if gzip { gunzip_head(path)? } else { head };
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty { path: path.clone() }.into());
    }
    let mut sniffed = Sniffed {
        format,
        gzip,
        delimiter: b',',
        shape: ExportShape::Plain,
        header: Vec::new(),
        timezone: None,
        cr_only: false,
        encoding: encoding_of(spec, &head),
    };
    if format == FileFormat::Parquet || format == FileFormat::Xes {
        return Ok(sniffed);
    }
    let head = match sniffed.encoding {
        Some(enc) => enc.decode(&head).0.into_owned().into_bytes(),
        None => {
            check_utf8(path, &head)?;
            head
        }
    };
    if format == FileFormat::Csv {
        let text = String::from_utf8_lossy(&head);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        sniffed.delimiter = spec
            .delimiter
            .unwrap_or_else(|| guess_delimiter(text, ext == "tsv"));
        let rows = first_records(text, sniffed.delimiter, 4);
        if rows.is_empty() {
            return Err(InputError::Empty { path: path.clone() }.into());
        }
        let (shape, header, timezone) = classify(spec.kind, &rows);
        // The whole file was sniffed and holds nothing below its header rows.
        if head.len() < SNIFF_BYTES && rows.len() <= shape.header_rows() {
            return Err(InputError::NoRows { path: path.clone() }.into());
        }
        sniffed.shape = shape;
        sniffed.header = header;
        sniffed.timezone = timezone;
        sniffed.cr_only = head.contains(&b'\r') && !head.contains(&b'\n');
    }
    Ok(sniffed)
}

fn read_head(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|source| unreadable(path, source))?;
    let mut buf = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64)
        .read_to_end(&mut buf)
        .map_err(|source| unreadable(path, source))?;
    Ok(buf)
}

fn gunzip_head(path: &Path) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|source| unreadable(path, source))?;
    let mut buf = Vec::with_capacity(SNIFF_BYTES);
    flate2::read::MultiGzDecoder::new(file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut buf)
        .map_err(|e| InputError::Unparseable {
            path: path.to_path_buf(),
            detail: format!("not a valid gzip file ({e})"),
        })?;
    Ok(buf)
}

fn unreadable(path: &Path, source: std::io::Error) -> InputError {
    InputError::Unreadable {
        path: path.to_path_buf(),
        source,
    }
}

/// The encoding a file is read in, when not UTF-8: the configured one,
/// else UTF-16 when the file starts with its byte-order mark.
fn encoding_of(spec: &InputSpec, head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if let Some(label) = &spec.encoding {
        return encoding_rs::Encoding::for_label(label.as_bytes());
    }
    match encoding_rs::Encoding::for_bom(head) {
        Some((enc, _)) if enc != encoding_rs::UTF_8 => Some(enc),
        _ => None,
    }
}

/// Fail early on an export in another encoding that the config does not
/// name, with the line of the first bad byte. (Bad bytes beyond the
/// sniffed head are caught when scanning.)
fn check_utf8(path: &Path, head: &[u8]) -> Result<()> {
    match std::str::from_utf8(head) {
        Ok(_) => Ok(()),
        // A multi-byte character cut by the sniff limit is not an error.
        Err(e) if e.error_len().is_none() => Ok(()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = head[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(InputError::Encoding {
                path: path.to_path_buf(),
                detail: format!(
                    "invalid byte 0x{:02X} on line {line}; it looks like Latin-1 or Windows-1252",
                    head[at]
                ),
            }
            .into())
        }
    }
}

/// The candidate that splits the first lines into the most, equally many, fields.
fn guess_delimiter(text: &str, tsv: bool) -> u8 {
    if tsv {
        return b'\t';
    }
    let lines: Vec<&str> = text.lines().take(5).collect();
    let mut best = (b',', 0usize);
    for cand in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, cand))
            .collect();
        let first = counts.first().copied().unwrap_or(0);
        let consistent = counts.iter().all(|&c| c == first);
        let score = if consistent { first * 2 } else { first };
        if score > best.1 {
            best = (cand, score);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delim: u8) -> usize {
    let mut quoted = false;
    line.bytes()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            b == delim && !quoted
        })
        .count()
}

fn first_records(text: &str, delimiter: u8, n: usize) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .take(n)
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

fn is_tag(cell: &str, names: &[&str]) -> bool {
    names.iter().any(|n| cell.trim().eq_ignore_ascii_case(n))
}

/// Tell a plain CSV from a Qualtrics or SurveyMonkey export by its header rows.
fn classify(kind: InputKind, rows: &[Vec<String>]) -> (ExportShape, Vec<String>, Option<String>) {
    let first = &rows[0];
    let plain = || (ExportShape::Plain, clean_names(first), None);
    if kind != InputKind::Surveys || rows.len() < 2 {
        return plain();
    }
    let second = &rows[1];
    // Qualtrics: row 3 holds {"ImportId": ...} objects, maybe with a timeZone.
    if let Some(third) = rows.get(2)
        && third
            .iter()
            .any(|c| c.trim_start().starts_with("{\"ImportId\""))
    {
        let timezone = third.iter().find_map(|c| {
            serde_json::from_str::<serde_json::Value>(c)
                .ok()?
                .get("timeZone")?
                .as_str()
                .map(str::to_string)
        });
        return (ExportShape::Qualtrics, clean_names(first), timezone);
    }
    // Legacy Qualtrics: tags (ResponseID or V1...) then question text; a data
    // row would carry an `R_...` response id instead.
    if let Some(i) = first.iter().position(|c| is_tag(c, &["ResponseId", "V1"])) {
        let below = second.get(i).map(String::as_str).unwrap_or("");
        if !below.starts_with("R_") {
            return (ExportShape::QualtricsLegacy, clean_names(first), None);
        }
    }
    // SurveyMonkey: question text, then choice labels such as `Response`.
    if first
        .iter()
        .any(|c| is_tag(c, &["Respondent ID", "Collector ID"]))
        && second
            .iter()
            .any(|c| is_tag(c, &["Response", "Open-Ended Response"]))
    {
        return (ExportShape::SurveyMonkey, monkey_names(first, second), None);
    }
    plain()
}

fn clean_names(row: &[String]) -> Vec<String> {
    dedupe(
        row.iter()
            .map(|c| c.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
    )
}

/// SurveyMonkey puts the question over its first choice column only; the
/// choice columns after it get "question - choice".
fn monkey_names(first: &[String], second: &[String]) -> Vec<String> {
    let mut names = Vec::with_capacity(first.len());
    let mut group = String::new();
    for (i, top) in first.iter().enumerate() {
        let top = top.trim_start_matches('\u{feff}').trim();
        let sub = second.get(i).map(|s| s.trim()).unwrap_or("");
        if !top.is_empty() {
            group = top.to_string();
        }
        let plain_label = sub.is_empty() || is_tag(sub, &["Response", "Open-Ended Response"]);
        names.push(if plain_label {
            group.clone()
        } else {
            format!("{group} - {sub}")
        });
    }
    dedupe(names)
}

/// Make names unique (`Q1`, `Q1 (2)`); empty names become `column_N` so a
/// trailing comma's empty column can be scanned and ignored.
fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let n = if n.is_empty() {
                format!("column_{}", i + 1)
            } else {
                n
            };
            let count = seen.entry(n.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                n
            } else {
                format!("{n} ({count})")
            }
        })
        .collect()
}

/// Decompress a gzip input next to the run's scratch files so the CSV scanner
/// can memory-map it; streaming, so memory stays flat.
/// A UTF-8 copy of `path` (read in `enc`, its byte-order mark dropped) in
/// `scratch`, decoded as it streams. A byte the encoding has no character
/// for becomes U+FFFD; every single-byte encoding reads every byte.
pub fn transcode_to(
    path: &Path,
    enc: &'static encoding_rs::Encoding,
    scratch: &Path,
) -> Result<PathBuf> {
    use std::io::Write as _;
    let out = scratch.join(format!(
        "{}.utf8",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("input")
    ));
    let mut input = std::fs::File::open(path).map_err(|source| unreadable(path, source))?;
    let write_err = |source| unreadable(&out, source);
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out).map_err(write_err)?);
    let mut decoder = enc.new_decoder();
    let mut buf = vec![0u8; 1 << 16];
    let mut text = String::new();
    loop {
        let n = input
            .read(&mut buf)
            .map_err(|source| unreadable(path, source))?;
        let last = n == 0;
        let mut src = &buf[..n];
        loop {
            text.clear();
            text.reserve(
                decoder
                    .max_utf8_buffer_length(src.len())
                    .unwrap_or(src.len() * 3)
                    + 4,
            );
            let (result, read, _) = decoder.decode_to_string(src, &mut text, last);
            w.write_all(text.as_bytes()).map_err(write_err)?;
            src = &src[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
        if last {
            break;
        }
    }
    w.flush().map_err(write_err)?;
    Ok(out)
}

pub fn gunzip_to(path: &Path, scratch: &Path) -> Result<PathBuf> {
    let out = scratch.join(format!(
        "{}.csv",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("input")
    ));
    let file = std::fs::File::open(path).map_err(|source| unreadable(path, source))?;
    let mut dec = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file));
    let mut w = std::fs::File::create(&out).map_err(|source| unreadable(&out, source))?;
    std::io::copy(&mut dec, &mut w).map_err(|e| InputError::Unparseable {
        path: path.to_path_buf(),
        detail: format!("gzip stream is damaged ({e})"),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        first_records(text, b',', 3)
    }

    #[test]
    fn qualtrics_three_rows_with_timezone() {
        let text = "ResponseId,RecordedDate,Q1\n\"Response ID\",\"Recorded Date\",\"How satisfied?\"\n\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"recordedDate\"\",\"\"timeZone\"\":\"\"America/Denver\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n";
        let (shape, header, tz) = classify(InputKind::Surveys, &rows(text));
        assert_eq!(shape, ExportShape::Qualtrics);
        assert_eq!(header, ["ResponseId", "RecordedDate", "Q1"]);
        assert_eq!(tz.as_deref(), Some("America/Denver"));
    }

    #[test]
    fn qualtrics_legacy_with_trailing_comma() {
        let text = "ResponseID,EndDate,Q1,\nResponse ID,End Date,How satisfied?,\nR_1,2026-01-01 10:00:00,5,\n";
        let (shape, header, _) = classify(InputKind::Surveys, &rows(text));
        assert_eq!(shape, ExportShape::QualtricsLegacy);
        assert_eq!(header, ["ResponseID", "EndDate", "Q1", "column_4"]);
    }

    #[test]
    fn surveymonkey_names_choices_under_their_question() {
        let text = "Respondent ID,End Date,Rate us,Which channels?,\n,,Response,Phone,Email\n1,11/22/2026 03:04:05 PM,5,Phone,\n";
        let (shape, header, _) = classify(InputKind::Surveys, &rows(text));
        assert_eq!(shape, ExportShape::SurveyMonkey);
        assert_eq!(
            header,
            [
                "Respondent ID",
                "End Date",
                "Rate us",
                "Which channels? - Phone",
                "Which channels? - Email"
            ]
        );
    }

    #[test]
    fn plain_csv_with_response_id_data() {
        let text = "ResponseId,score\nR_abc,5\n";
        let (shape, _, _) = classify(InputKind::Surveys, &rows(text));
        assert_eq!(shape, ExportShape::Plain);
    }

    #[test]
    fn delimiter_guess() {
        assert_eq!(guess_delimiter("a;b;c\n1;2;3\n", false), b';');
        assert_eq!(guess_delimiter("a,b\n\"x;y\",2\n", false), b',');
        assert_eq!(guess_delimiter("a\tb\n1\t2\n", false), b'\t');
    }
}
