//! What cxgap may write over: nothing that is not its own.
//!
//! A folder output (a report, generated sample data) goes into a missing or
//! empty folder, or replaces a folder cxgap wrote itself, which carries a
//! `.cxgap` marker naming what it is. A file output (journeys, rejects, a
//! config) goes to a missing path or replaces a file that looks like the
//! same output written earlier (or any regular file with `--force`). Never
//! over an input of the run, a symbolic link, a device or another kind of
//! file, whatever the flags.

use std::path::{Path, PathBuf};

use crate::error::{OutputError, Result};

/// The marker file inside a folder cxgap wrote.
pub const MARKER: &str = ".cxgap";

/// The folders cxgap writes, each recognised by its marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// `cxgap report --out`
    Report,
    /// `cxgap sample --out`
    Sample,
    /// `cxgap journeys --format dataset --out` (one part's folder)
    Dataset,
}

impl FolderKind {
    pub fn name(self) -> &'static str {
        match self {
            FolderKind::Report => "report",
            FolderKind::Sample => "sample",
            FolderKind::Dataset => "journeys dataset",
        }
    }

    /// The marker's content: what wrote the folder (no time, so reports stay
    /// byte-identical).
    pub fn marker_text(self) -> String {
        format!("written by cxgap: {}\n", self.name())
    }

    /// Entries a folder of this kind held before folders carried a marker,
    /// and the file that must be among them: such a folder is recognised
    /// too, so reports written by earlier versions can be replaced.
    fn legacy(self) -> (&'static [&'static str], &'static str) {
        match self {
            FolderKind::Report => (
                &[
                    "charts",
                    "tables",
                    "summary.html",
                    "summary.png",
                    "journeys.parquet",
                    "rejects.csv",
                    "run.json",
                ],
                "run.json",
            ),
            FolderKind::Sample => (
                &[
                    "events.csv",
                    "surveys.csv",
                    "contacts.csv",
                    "events.parquet",
                    "surveys.parquet",
                    "contacts.parquet",
                    "cxgap.toml",
                    "truth.json",
                ],
                "truth.json",
            ),
            // Datasets always carried the marker.
            FolderKind::Dataset => (&[], ".cxgap"),
        }
    }
}

/// The file outputs cxgap writes, each recognised by how it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `cxgap journeys --out` (Parquet or CSV)
    Journeys,
    /// `cxgap validate --rejects`
    Rejects,
    /// `cxgap init`'s cxgap.toml: never replaced without `--force`, even
    /// one init wrote (it may hold the user's edits since).
    Config,
}

impl FileKind {
    /// Why an existing file is not replaced.
    fn refusal(self) -> &'static str {
        match self {
            FileKind::Journeys => "already exists and is not a journeys table cxgap wrote",
            FileKind::Rejects => "already exists and is not a rejects file cxgap wrote",
            FileKind::Config => "already exists; it may hold your edits",
        }
    }

    /// Whether the existing file at `path` looks like this output written
    /// earlier: its first bytes say so.
    fn recognises(self, path: &Path) -> bool {
        let head = read_head(path, 4096);
        let text = String::from_utf8_lossy(&head);
        match self {
            FileKind::Journeys => {
                // A journeys CSV starts with its header; a Parquet file
                // holds the column names in its footer, so look there.
                text.starts_with("case_id,customer_id,opened_at,resolved_at,")
                    || (head.starts_with(b"PAR1")
                        && contains(&read_tail(path, 64 * 1024), b"resolution_hours"))
            }
            FileKind::Rejects => text.starts_with("input,line,reason,column,value"),
            FileKind::Config => false,
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn read_head(path: &Path, n: u64) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(n).read_to_end(&mut buf);
    }
    buf
}

fn read_tail(path: &Path, n: u64) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut buf = Vec::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = f.seek(SeekFrom::Start(len.saturating_sub(n)));
        let _ = f.read_to_end(&mut buf);
    }
    buf
}

fn refused(path: &Path, reason: impl Into<String>, hint: impl Into<String>) -> OutputError {
    OutputError::Refused {
        path: path.to_path_buf(),
        reason: reason.into(),
        hint: hint.into(),
    }
}

/// `path` made absolute with symbolic links in its parent resolved; the
/// last component is kept as written (it may not exist yet, or be a link
/// that is refused by name).
pub fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or(abs),
        _ => abs,
    }
}

/// The input the target would overwrite or hold, if any: the target is an
/// input, or an input lies inside the target folder.
fn clashing_input<'a>(target: &Path, inputs: &'a [PathBuf]) -> Option<&'a PathBuf> {
    let target = absolute(target);
    inputs.iter().find(|input| {
        let input = std::fs::canonicalize(input).unwrap_or_else(|_| absolute(input));
        input == target || input.starts_with(&target)
    })
}

/// What sits at `path` now, from its own metadata (links not followed).
enum Existing {
    Nothing,
    Link,
    File,
    Folder,
    Other,
}

fn existing(path: &Path) -> Result<Existing> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Existing::Nothing),
        Err(source) => Err(OutputError::Write {
            path: path.to_path_buf(),
            source,
        }
        .into()),
        Ok(m) if m.file_type().is_symlink() => Ok(Existing::Link),
        Ok(m) if m.is_file() => Ok(Existing::File),
        Ok(m) if m.is_dir() => Ok(Existing::Folder),
        Ok(_) => Ok(Existing::Other),
    }
}

/// Whether `dir` is a folder of `kind` that cxgap wrote: it carries the
/// marker, or (written before markers) holds only that kind's files.
pub fn is_own_folder(dir: &Path, kind: FolderKind) -> bool {
    let marker = dir.join(MARKER);
    if let Ok(text) = std::fs::read_to_string(&marker) {
        return text == kind.marker_text();
    }
    let (known, required) = kind.legacy();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.iter().any(|n| n == required) && names.iter().all(|n| known.contains(&n.as_str()))
}

/// Check that a folder output may be written at `target`.
pub fn check_folder(target: &Path, kind: FolderKind, inputs: &[PathBuf]) -> Result<()> {
    let what = kind.name();
    if let Some(input) = clashing_input(target, inputs) {
        return Err(refused(
            target,
            format!(
                "holds an input of this run ({}); writing the {what} there would destroy it",
                input.display()
            ),
            format!("write the {what} to a new folder, e.g. `--out reports/latest`"),
        )
        .into());
    }
    match existing(target)? {
        Existing::Nothing => Ok(()),
        Existing::Link => Err(refused(
            target,
            "is a symbolic link; cxgap writes only into a real folder",
            "pass the folder the link points to, or a new path",
        )
        .into()),
        Existing::File => Err(refused(
            target,
            format!("is a file, not a folder; cxgap will not replace it with a {what}"),
            "choose a new or empty folder for --out",
        )
        .into()),
        Existing::Other => Err(refused(
            target,
            "is not a regular folder (a device, pipe or socket)",
            "choose a new or empty folder for --out",
        )
        .into()),
        Existing::Folder => {
            let mut entries: Vec<String> = std::fs::read_dir(target)
                .map_err(|source| OutputError::Write {
                    path: target.to_path_buf(),
                    source,
                })?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect();
            if entries.is_empty() || is_own_folder(target, kind) {
                return Ok(());
            }
            entries.sort();
            let shown: Vec<&str> = entries.iter().take(4).map(String::as_str).collect();
            let more = if entries.len() > 4 { ", ..." } else { "" };
            Err(refused(
                target,
                format!(
                    "holds files that are not a cxgap {what} (found: {}{more}); cxgap will not replace them",
                    shown.join(", ")
                ),
                format!(
                    "choose a new or empty folder; cxgap replaces only a folder it wrote itself (marked by `{MARKER}`)"
                ),
            )
            .into())
        }
    }
}

/// Check that a file output of `kind` may be written at `target`.
/// `force` allows replacing a regular file that is not recognisably ours,
/// never an input, a link or anything but a regular file.
pub fn check_file(target: &Path, kind: FileKind, inputs: &[PathBuf], force: bool) -> Result<()> {
    if let Some(input) = clashing_input(target, inputs) {
        return Err(refused(
            target,
            format!(
                "is an input of this run ({}); writing there would destroy it",
                input.display()
            ),
            "write to a new file name",
        )
        .into());
    }
    match existing(target)? {
        Existing::Nothing => Ok(()),
        Existing::Link => Err(refused(
            target,
            "is a symbolic link; cxgap will not write through it",
            "write to a new file name",
        )
        .into()),
        Existing::Folder => Err(refused(
            target,
            "is a folder, not a file",
            "name a file inside it, e.g. `--out DIR/journeys.parquet`",
        )
        .into()),
        Existing::Other => Err(refused(
            target,
            "is not a regular file (a device, pipe or socket)",
            "write to a regular file; `--out -` writes to standard output where a command offers it",
        )
        .into()),
        Existing::File if force || kind.recognises(target) => Ok(()),
        Existing::File => Err(refused(
            target,
            kind.refusal(),
            "write to a new file name, or pass --force to replace it",
        )
        .into()),
    }
}
