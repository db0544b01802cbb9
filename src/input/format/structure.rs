//! The shape of a delimited file, checked before the engine reads it: every
//! record has as many fields as the header, no carriage return stands alone
//! inside a row, quotes close, and the last line is whole.
//!
//! The engine would pad a short row with nulls, read a stray carriage
//! return into a value, take half a row cut off by a download as a row, and
//! fail on a long one without a line number. A damaged record that can be
//! isolated becomes a reject with its line and reason (`Damage`); the file
//! is then read from a repaired copy in which each damaged record is an
//! empty row carrying its original text, so record numbers do not move. A
//! quote that never closes swallows every line after it and cannot be
//! isolated: that is an error naming the line where it opened.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{InputError, Result};

/// The column of a repaired copy that holds a damaged record's original text.
pub const RAW_LINE: &str = "__raw_line";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DamageKind {
    /// Fewer fields than the header.
    Short,
    /// More fields than the header.
    Long,
    /// A carriage return alone inside the row (not a line end).
    StrayCarriageReturn,
    /// The file ends inside this row, without a line break: a download
    /// cut short.
    Truncated,
    /// An empty line.
    Blank,
    /// A quote inside an unquoted field, or text after a closing quote:
    /// readers disagree on where such a field ends.
    StrayQuote,
    /// An NDJSON line that is not one JSON object.
    BadJson,
}

impl DamageKind {
    pub const ALL: [DamageKind; 7] = [
        DamageKind::Short,
        DamageKind::Long,
        DamageKind::StrayCarriageReturn,
        DamageKind::Truncated,
        DamageKind::Blank,
        DamageKind::StrayQuote,
        DamageKind::BadJson,
    ];

    pub fn reason(self) -> &'static str {
        match self {
            DamageKind::Short => "short_row",
            DamageKind::Long => "long_row",
            DamageKind::StrayCarriageReturn => "stray_carriage_return",
            DamageKind::Truncated => "truncated_row",
            DamageKind::Blank => "blank_line",
            DamageKind::StrayQuote => "stray_quote",
            DamageKind::BadJson => "bad_json",
        }
    }
}

/// One damaged data record: its number among the data records (0-based,
/// the engine's row index) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub record: u64,
    pub kind: DamageKind,
}

/// What a record looked like when it ended.
struct RecordEnd {
    /// Records before this one, header rows included.
    index: u64,
    /// Byte offset just past the record and its line end.
    end: u64,
    fields: usize,
    empty: bool,
    stray_cr: bool,
    stray_quote: bool,
    /// Ended by the end of the file, not a line break.
    at_eof: bool,
    /// Ended by the end of the file inside a quoted field.
    open_quote: bool,
    /// Ended by the end of the file just after a closing quote: its last
    /// value is whole, however the line ends.
    closed_at_eof: bool,
}

/// A byte-at-a-time CSV tokenizer that only counts: fields per record,
/// physical lines, quotes and carriage returns. State carries across the
/// chunks it is fed.
struct Scanner {
    delim: u8,
    in_quotes: bool,
    /// A quote inside a quoted field: an escaped quote or the closing one.
    quote_pending: bool,
    pending_cr: bool,
    field_len: usize,
    fields: usize,
    stray_cr: bool,
    stray_quote: bool,
    /// Just past a closing quote: only a delimiter or line end may follow.
    closed_quote: bool,
    /// The file ended right after a closing quote.
    closed_at_eof: bool,
    record_bytes: u64,
    index: u64,
    /// Offset just past the byte being read.
    pos: u64,
    /// Physical line (1-based) of the current byte.
    line: u64,
    /// Physical line where the open quote opened.
    quote_line: u64,
}

impl Scanner {
    fn new(delim: u8) -> Scanner {
        Scanner {
            delim,
            in_quotes: false,
            quote_pending: false,
            pending_cr: false,
            field_len: 0,
            fields: 0,
            stray_cr: false,
            stray_quote: false,
            closed_quote: false,
            closed_at_eof: false,
            record_bytes: 0,
            index: 0,
            pos: 0,
            line: 1,
            quote_line: 0,
        }
    }

    fn end_record(&mut self, at_eof: bool, on_record: &mut impl FnMut(RecordEnd)) {
        on_record(RecordEnd {
            index: self.index,
            end: self.pos,
            fields: self.fields + 1,
            empty: self.record_bytes == 0,
            stray_cr: self.stray_cr,
            stray_quote: self.stray_quote,
            at_eof,
            open_quote: at_eof && self.in_quotes,
            closed_at_eof: at_eof && self.closed_at_eof,
        });
        self.index += 1;
        self.fields = 0;
        self.field_len = 0;
        self.stray_cr = false;
        self.stray_quote = false;
        self.closed_quote = false;
        self.record_bytes = 0;
    }

    /// One byte outside quotes.
    fn outside(&mut self, b: u8, on_record: &mut impl FnMut(RecordEnd)) {
        if self.pending_cr {
            self.pending_cr = false;
            if b == b'\n' {
                self.end_record(false, on_record);
                self.line += 1;
                return;
            }
            // A carriage return that ends nothing: inside the row.
            self.stray_cr = true;
            self.record_bytes += 1;
        }
        if self.closed_quote {
            self.closed_quote = false;
            if b != self.delim && b != b'\n' && b != b'\r' {
                self.stray_quote = true;
            }
        }
        match b {
            b'\n' => {
                self.end_record(false, on_record);
                self.line += 1;
            }
            b'\r' => self.pending_cr = true,
            b'"' if self.field_len == 0 => {
                self.in_quotes = true;
                self.quote_line = self.line;
                self.field_len = 1;
                self.record_bytes += 1;
            }
            b'"' => {
                self.stray_quote = true;
                self.field_len += 1;
                self.record_bytes += 1;
            }
            _ if b == self.delim => {
                self.fields += 1;
                self.field_len = 0;
                self.record_bytes += 1;
            }
            _ => {
                self.field_len += 1;
                self.record_bytes += 1;
            }
        }
    }

    /// Between records: nothing of a record read yet, no quote open.
    fn at_record_start(&self) -> bool {
        !self.in_quotes
            && !self.quote_pending
            && !self.pending_cr
            && self.record_bytes == 0
            && self.fields == 0
    }

    fn feed(&mut self, bytes: &[u8], on_record: &mut impl FnMut(RecordEnd)) {
        let mut i = 0;
        while i < bytes.len() {
            // Fast path, for the usual whole line without quotes or carriage
            // returns (but its CRLF end): count its delimiters with memchr.
            if self.at_record_start()
                && let Some(nl) = memchr::memchr(b'\n', &bytes[i..])
            {
                let line = &bytes[i..i + nl];
                let body = line.strip_suffix(b"\r").unwrap_or(line);
                if memchr::memchr2(b'"', b'\r', body).is_none() {
                    self.pos += nl as u64 + 1;
                    self.fields = memchr::memchr_iter(self.delim, body).count();
                    self.record_bytes = body.len() as u64;
                    self.end_record(false, on_record);
                    self.line += 1;
                    i += nl + 1;
                    continue;
                }
            }
            self.step(bytes[i], on_record);
            i += 1;
        }
    }

    fn step(&mut self, b: u8, on_record: &mut impl FnMut(RecordEnd)) {
        self.pos += 1;
        if self.in_quotes {
            if self.quote_pending {
                self.quote_pending = false;
                if b == b'"' {
                    self.record_bytes += 1;
                    return; // an escaped quote
                }
                self.in_quotes = false;
                self.closed_quote = true;
                self.outside(b, on_record);
                return;
            }
            self.record_bytes += 1;
            match b {
                b'"' => self.quote_pending = true,
                b'\n' => self.line += 1,
                _ => {}
            }
        } else {
            self.outside(b, on_record);
        }
    }

    /// The end of the file: the last record, if no line break ended it.
    fn finish(&mut self, on_record: &mut impl FnMut(RecordEnd)) {
        if self.quote_pending {
            self.in_quotes = false;
            self.closed_at_eof = true;
        }
        if self.pending_cr {
            // A final carriage return ends the last line.
            self.pending_cr = false;
            self.end_record(false, on_record);
        } else if self.record_bytes > 0 || self.fields > 0 {
            self.end_record(true, on_record);
        }
    }
}

fn unreadable(path: &Path, source: std::io::Error) -> InputError {
    InputError::Unreadable {
        path: path.to_path_buf(),
        source,
    }
}

/// Run the scanner over the whole file, calling `on_record` at the end of
/// every record; the scanner is returned finished.
fn scan_file(path: &Path, delim: u8, mut on_record: impl FnMut(RecordEnd)) -> Result<Scanner> {
    let mut file = File::open(path).map_err(|e| unreadable(path, e))?;
    let mut scanner = Scanner::new(delim);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| unreadable(path, e))?;
        if n == 0 {
            break;
        }
        scanner.feed(&buf[..n], &mut on_record);
    }
    scanner.finish(&mut on_record);
    Ok(scanner)
}

fn classify(r: &RecordEnd, fields: usize) -> Option<DamageKind> {
    if r.empty && !r.at_eof {
        Some(DamageKind::Blank)
    } else if r.at_eof && !(r.closed_at_eof && r.fields == fields && !r.stray_quote) {
        // No line break after the last row: a download cut short. Even a
        // row with every field may end inside its last value ("Resol"),
        // and that cannot be told from a value, so it is not trusted —
        // unless its last value is quoted and the quote closes: a cut
        // there would leave the quote open (exports that quote every
        // field and write no final line break, as Zendesk's do).
        Some(DamageKind::Truncated)
    } else if r.fields < fields {
        Some(DamageKind::Short)
    } else if r.fields > fields {
        Some(DamageKind::Long)
    } else if r.stray_quote {
        Some(DamageKind::StrayQuote)
    } else if r.stray_cr {
        Some(DamageKind::StrayCarriageReturn)
    } else {
        None
    }
}

/// Check every record of a delimited file against the header's field
/// count. `shown` is the file the user named (for messages).
pub fn check_csv(
    path: &Path,
    shown: &Path,
    delim: u8,
    header_rows: usize,
    fields: usize,
) -> Result<Vec<Damage>> {
    let mut damage = Vec::new();
    let header_rows = header_rows as u64;
    let mut open_quote = false;
    let scanner = scan_file(path, delim, |r| {
        open_quote |= r.open_quote;
        if r.index < header_rows {
            return;
        }
        if let Some(kind) = classify(&r, fields) {
            damage.push(Damage {
                record: r.index - header_rows,
                kind,
            });
        }
    })?;
    // A quote opened on the last line is a row cut short (above); one
    // opened earlier swallowed every line after it.
    if open_quote && scanner.quote_line != scanner.line {
        return Err(InputError::UnterminatedQuote {
            path: shown.to_path_buf(),
            line: scanner.quote_line,
            lines_after: scanner.line - scanner.quote_line,
        }
        .into());
    }
    Ok(damage)
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> InputError + '_ {
    move |source| InputError::Unreadable {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a fixed copy of `path` goes in the run's scratch folder: its own
/// file name after `prefix`, so messages about the copy still name it.
fn scratch_copy(scratch: &Path, prefix: &str, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "input".to_string(), |n| n.to_string_lossy().to_string());
    scratch.join(format!("{prefix}{name}"))
}

/// A field as CSV text: quoted, quotes doubled.
fn quoted(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(b'"');
    for &b in text {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
    out
}

/// A copy of the file in `scratch` with one more column, `RAW_LINE`: empty
/// for sound records; a damaged record becomes an empty row whose
/// `RAW_LINE` holds its original text. Header rows are copied as they are.
pub fn repair(
    path: &Path,
    scratch: &Path,
    delim: u8,
    header_rows: usize,
    fields: usize,
    damage: &[Damage],
) -> Result<PathBuf> {
    let out_path = scratch_copy(scratch, "repaired-", path);
    let damaged: std::collections::BTreeSet<u64> = damage
        .iter()
        .map(|d| d.record + header_rows as u64)
        .collect();
    // Streamed: only the bytes of the record being read are held, so one
    // damaged row does not pull the whole file into memory.
    let mut input = File::open(path).map_err(|e| unreadable(path, e))?;
    let file = File::create(&out_path).map_err(write_err(&out_path))?;
    let mut w = BufWriter::new(file);
    let mut scanner = Scanner::new(delim);
    let mut buf = vec![0u8; 1 << 20];
    // Bytes read but not yet written, starting at file offset `held_from`.
    let mut held: Vec<u8> = Vec::new();
    let mut held_from = 0u64;
    let mut ends: Vec<(u64, u64)> = Vec::new();
    let mut emit = |held: &mut Vec<u8>, held_from: &mut u64, ends: &mut Vec<(u64, u64)>| {
        let mut start = 0usize;
        for &(index, end) in ends.iter() {
            let end = (end - *held_from) as usize;
            let record = &held[start..end];
            start = end;
            let damaged = index >= header_rows as u64 && damaged.contains(&index);
            let line = repaired_line(record, index < header_rows as u64, damaged, delim, fields);
            w.write_all(&line).map_err(write_err(&out_path))?;
        }
        ends.clear();
        held.drain(..start);
        *held_from += start as u64;
        Ok::<(), crate::error::Error>(())
    };
    loop {
        let n = input.read(&mut buf).map_err(|e| unreadable(path, e))?;
        if n == 0 {
            break;
        }
        held.extend_from_slice(&buf[..n]);
        scanner.feed(&buf[..n], &mut |r: RecordEnd| ends.push((r.index, r.end)));
        emit(&mut held, &mut held_from, &mut ends)?;
    }
    scanner.finish(&mut |r: RecordEnd| ends.push((r.index, r.end)));
    emit(&mut held, &mut held_from, &mut ends)?;
    w.flush().map_err(write_err(&out_path))?;
    Ok(out_path)
}

/// One record of the repaired copy: a header row as it is, a sound row with
/// an empty `RAW_LINE`, a damaged one as an empty row holding its text.
fn repaired_line(record: &[u8], header: bool, damaged: bool, delim: u8, fields: usize) -> Vec<u8> {
    if header {
        return record.to_vec();
    }
    let body = without_line_end(record);
    let mut line: Vec<u8> = Vec::with_capacity(body.len() + fields + 4);
    if damaged {
        // Every field's separator, then the original text.
        line.extend(std::iter::repeat_n(delim, fields));
        line.extend(quoted(body));
    } else {
        line.extend_from_slice(body);
        line.push(delim);
    }
    line.push(b'\n');
    line
}

/// Check every line of an NDJSON file: one JSON object each. The engine
/// fails the whole file on one bad line, and skips blank lines (which
/// would shift every later line number), so both are damage.
pub fn check_ndjson(path: &Path) -> Result<Vec<Damage>> {
    let mut damage = Vec::new();
    for_each_line(path, |record, line| {
        let text = without_line_end(line);
        let kind = if text.iter().all(u8::is_ascii_whitespace) {
            Some(DamageKind::Blank)
        } else if !is_object(text) {
            Some(DamageKind::BadJson)
        } else {
            None
        };
        if let Some(kind) = kind {
            damage.push(Damage { record, kind });
        }
        Ok(())
    })?;
    Ok(damage)
}

/// A line without its line end (`\n`, `\r\n` or a last `\r`).
fn without_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Call `each` with every line of the file (its number from 0, its bytes
/// with their line end), streamed.
fn for_each_line(path: &Path, mut each: impl FnMut(u64, &[u8]) -> Result<()>) -> Result<()> {
    let mut reader = BufReader::new(File::open(path).map_err(|e| unreadable(path, e))?);
    let mut line = Vec::new();
    for record in 0u64.. {
        line.clear();
        let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut line)
            .map_err(|e| unreadable(path, e))?;
        if n == 0 {
            break;
        }
        each(record, &line)?;
    }
    Ok(())
}

fn is_object(text: &[u8]) -> bool {
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok()
}

/// A copy of an NDJSON file in which each damaged line is an object
/// holding only its original text under `RAW_LINE`.
pub fn repair_ndjson(path: &Path, scratch: &Path, damage: &[Damage]) -> Result<PathBuf> {
    let out_path = scratch_copy(scratch, "repaired-", path);
    let damaged: std::collections::BTreeSet<u64> = damage.iter().map(|d| d.record).collect();
    let mut w = BufWriter::new(File::create(&out_path).map_err(write_err(&out_path))?);
    for_each_line(path, |record, line| {
        if damaged.contains(&record) {
            let text = String::from_utf8_lossy(without_line_end(line));
            let object = serde_json::json!({ RAW_LINE: text });
            writeln!(w, "{object}").map_err(write_err(&out_path))?;
        } else {
            w.write_all(line).map_err(write_err(&out_path))?;
            if !line.ends_with(b"\n") {
                w.write_all(b"\n").map_err(write_err(&out_path))?;
            }
        }
        Ok(())
    })?;
    w.flush().map_err(write_err(&out_path))?;
    Ok(out_path)
}

/// A copy of a file whose lines end in a bare carriage return (old Mac
/// exports) with line feeds instead, so the engine sees its rows.
pub fn cr_to_lf(path: &Path, scratch: &Path) -> Result<PathBuf> {
    let out = scratch_copy(scratch, "lf-", path);
    let mut input = BufReader::new(File::open(path).map_err(|e| unreadable(path, e))?);
    let mut w = BufWriter::new(File::create(&out).map_err(write_err(&out))?);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = input.read(&mut buf).map_err(|e| unreadable(path, e))?;
        if n == 0 {
            break;
        }
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        w.write_all(&buf[..n]).map_err(write_err(&out))?;
    }
    w.flush().map_err(write_err(&out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn damage_of(text: &str, header_rows: usize, fields: usize) -> Result<Vec<Damage>> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, text).unwrap();
        check_csv(&p, &p, b',', header_rows, fields)
    }

    fn kinds(text: &str) -> Vec<(u64, DamageKind)> {
        damage_of(text, 1, 3)
            .unwrap()
            .into_iter()
            .map(|d| (d.record, d.kind))
            .collect()
    }

    #[test]
    fn sound_files_have_no_damage() {
        assert_eq!(kinds("a,b,c\n1,2,3\n4,\"5\n,x\"\"\",6\r\n7,8,9\n"), vec![]);
    }

    #[test]
    fn each_kind_of_damage_is_found() {
        use DamageKind::*;
        assert_eq!(kinds("a,b,c\n1,2\n1,2,3,4\n"), vec![(0, Short), (1, Long)]);
        assert_eq!(kinds("a,b,c\n1,2,3\n\n1,2,3\n"), vec![(1, Blank)]);
        assert_eq!(kinds("a,b,c\n1,x\ry,3\n"), vec![(0, StrayCarriageReturn)]);
        assert_eq!(
            kinds("a,b,c\n1,Re\"te,3\n1,\"ab\"c,3\n"),
            vec![(0, StrayQuote), (1, StrayQuote)]
        );
        assert_eq!(kinds("a,b,c\n1,2,3\n1,2"), vec![(1, Truncated)]);
        assert_eq!(kinds("a,b,c\n1,2,3\n1,2,Reso"), vec![(1, Truncated)]);
        assert_eq!(kinds("a,b,c\n1,2,3\n1,2,\"ab"), vec![(1, Truncated)]);
        // A last row quoted to its end is whole without a final newline;
        // quoted but short of fields, it is still cut.
        assert_eq!(kinds("a,b,c\n1,2,3\n\"1\",\"2\",\"ab\""), vec![]);
        assert_eq!(kinds("a,b,c\n1,2,3\n\"1\",\"ab\""), vec![(1, Truncated)]);
    }

    #[test]
    fn an_unterminated_quote_is_an_error_at_its_line() {
        let err = damage_of("a,b,c\n1,2,3\n1,\"2,3\n4,5,6\n7,8,9\n", 1, 3).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("line 3"), "{text}");
    }

    #[test]
    fn repair_streams_records_across_read_chunks() {
        // Rows of 20 bytes never align with the 1 MiB read, so records
        // (one quoted over two lines) straddle chunk ends; the copy must
        // equal the one made from the whole text at once.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        let mut text = String::from("a,b,c\n");
        let mut expected = text.clone();
        for i in 0..120_000 {
            let row = match i % 3 {
                0 => format!("{i:08},\"x\ny\",zzzz\n"),
                1 => format!("{i:08},short\n"),
                _ => format!("{i:08},bbbbb,cccc\n"),
            };
            expected.push_str(&match i % 3 {
                1 => format!(",,,\"{}\"\n", row.trim_end()),
                _ => format!("{},\n", row.trim_end()),
            });
            text.push_str(&row);
        }
        std::fs::write(&p, &text).unwrap();
        let damage = check_csv(&p, &p, b',', 1, 3).unwrap();
        assert_eq!(damage.len(), 40_000);
        let out = repair(&p, dir.path(), b',', 1, 3, &damage).unwrap();
        assert_eq!(std::fs::read_to_string(out).unwrap(), expected);
    }

    #[test]
    fn repair_keeps_record_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, "a,b,c\n1,2,3\n1,2\n4,\"5\",6\n").unwrap();
        let damage = check_csv(&p, &p, b',', 1, 3).unwrap();
        let out = repair(&p, dir.path(), b',', 1, 3, &damage).unwrap();
        assert_eq!(
            std::fs::read_to_string(out).unwrap(),
            "a,b,c\n1,2,3,\n,,,\"1,2\"\n4,\"5\",6,\n"
        );
    }
}
