//! One writer per output: a lock file beside the target, held with the
//! operating system's advisory file lock. The lock dies with its process, so
//! a killed run's lock is simply taken over; a live holder is waited for, a
//! bounded time, then named in the error.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{OutputError, Result};

/// A held lock; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
    /// How long the run waited for another writer, when it did.
    pub waited: Option<Duration>,
}

/// `.NAME.cxgap-lock` beside `target`.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    target.with_file_name(format!(".{name}.cxgap-lock"))
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether `file` is still the file at `path` (not removed and recreated by
/// a holder that finished while we waited).
fn still_there(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

impl Lock {
    /// Take the lock on `target`, waiting up to `wait` for another run.
    pub fn acquire(target: &Path, wait: Duration) -> Result<Lock> {
        let path = lock_path(target);
        let started = Instant::now();
        let mut waited = false;
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err(&path))?;
            match file.try_lock() {
                Ok(()) if still_there(&file, &path) => {
                    let holder = format!(
                        "pid {}: cxgap {}",
                        std::process::id(),
                        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
                    );
                    file.set_len(0).map_err(io_err(&path))?;
                    file.write_all(holder.as_bytes()).map_err(io_err(&path))?;
                    return Ok(Lock {
                        file,
                        path,
                        waited: waited.then(|| started.elapsed()),
                    });
                }
                // The holder removed the file as we locked it: try afresh.
                Ok(()) => continue,
                Err(TryLockError::WouldBlock) => {
                    if started.elapsed() >= wait {
                        let mut holder = String::new();
                        let _ = file.seek(SeekFrom::Start(0));
                        let _ = file.read_to_string(&mut holder);
                        return Err(OutputError::Locked {
                            path: target.to_path_buf(),
                            holder: if holder.is_empty() {
                                "another cxgap run".into()
                            } else {
                                holder
                            },
                            waited_s: wait.as_secs(),
                        }
                        .into());
                    }
                    waited = true;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::Error(e)) => return Err(io_err(&path)(e).into()),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so a waiter that opened the old file
        // notices (`still_there`) and starts over on a new one.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}
