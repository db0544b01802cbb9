//! Writing a large frame (the journeys table) to Parquet or CSV with the
//! engine's own writers; a file output appears only when complete, and
//! only where `target::check_file` allows.

use std::io::Write;
use std::path::Path;

use polars::prelude::*;

use crate::error::{OutputError, Result};
use crate::render::lock::Lock;
use crate::render::target::{self, FileKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum FrameFormat {
    /// Apache Parquet (default)
    #[default]
    Parquet,
    /// Comma-separated values
    Csv,
}

pub fn write_frame(
    df: &mut DataFrame,
    format: FrameFormat,
    out: &mut dyn Write,
) -> PolarsResult<()> {
    match format {
        FrameFormat::Parquet => {
            ParquetWriter::new(out).finish(df)?;
        }
        FrameFormat::Csv => {
            CsvWriter::new(out)
                .include_header(true)
                .with_datetime_format(Some("%Y-%m-%dT%H:%M:%SZ".into()))
                .finish(df)?;
        }
    }
    Ok(())
}

/// Write to a temporary file beside `path`, then rename it into place, so a
/// failed run never leaves a half-written file.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let err = |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    // Temporary files are private (0600); the result gets the mode any
    // file the user writes gets: 0666 less their umask.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(with_umask(0o666)));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    {
        let mut buf = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut buf)?;
        buf.flush().map_err(err)?;
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Write a file output of `kind` at `path`: refused where it would replace
/// an input or anything not cxgap's own (`target::check_file`), serialised
/// with other runs by the target's lock, and atomic.
pub fn write_output(
    path: &Path,
    kind: FileKind,
    inputs: &[std::path::PathBuf],
    force: bool,
    lock_wait: std::time::Duration,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    target::check_file(path, kind, inputs, force)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let _lock = Lock::acquire(path, lock_wait)?;
    target::check_file(path, kind, inputs, force)?;
    write_atomic(path, write)
}

/// `mode` less the process's umask: what `open` or `mkdir` would give. The
/// umask can only be read by setting it; it is read once, at the first
/// output, and put back at once.
#[cfg(unix)]
pub fn with_umask(mode: u32) -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let umask = *UMASK.get_or_init(|| {
        // SAFETY: umask has no preconditions; the value set is restored
        // on the next line.
        let old = unsafe { libc::umask(0o022) };
        unsafe { libc::umask(old) };
        old as u32
    });
    mode & !umask
}
