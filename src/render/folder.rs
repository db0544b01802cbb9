//! A folder that appears whole or not at all. Everything is written into a
//! hidden staging folder beside the target, under the target's lock; it
//! replaces the target only when complete. A failed run leaves the previous
//! folder untouched, and what a killed run left behind is cleaned up (or, if
//! it died mid-swap, the previous folder restored) by the next run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{OutputError, Result};
use crate::render::lock::Lock;
use crate::render::target::{self, FolderKind, MARKER};

pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    lock: Lock,
    /// Files written, relative to the folder, in write order.
    pub files: Vec<String>,
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn name_of(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into())
}

/// Staging folders a killed run left beside `target`: its partial folders
/// and, without an atomic exchange, the previous folder set aside mid-swap.
fn leftovers(target: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let parent = parent_of(target);
    let name = name_of(target);
    let partial = format!(".{name}.partial-");
    let previous = format!(".{name}.previous-");
    let (mut partials, mut previouses) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(parent).map_err(write_err(parent))? {
        let Ok(entry) = entry else { continue };
        let file_name = entry.file_name().to_string_lossy().to_string();
        if file_name.starts_with(&partial) {
            partials.push(entry.path());
        } else if file_name.starts_with(&previous) {
            previouses.push(entry.path());
        }
    }
    partials.sort();
    previouses.sort();
    Ok((partials, previouses))
}

/// Clean up after a killed run (the lock is held, so nothing else is
/// writing): partial folders go; a folder set aside mid-swap comes back when
/// the target is missing, else goes too.
fn recover(target: &Path) -> Result<()> {
    let (partials, previouses) = leftovers(target)?;
    for p in partials {
        std::fs::remove_dir_all(&p).map_err(write_err(&p))?;
    }
    for p in previouses {
        if !target.exists() {
            std::fs::rename(&p, target).map_err(write_err(target))?;
        } else {
            std::fs::remove_dir_all(&p).map_err(write_err(&p))?;
        }
    }
    Ok(())
}

impl Staging {
    /// Start a folder of `kind` at `target`, refusing a target that is not
    /// cxgap's own (`target::check_folder`) or that holds an input.
    pub fn new(
        target: &Path,
        kind: FolderKind,
        inputs: &[PathBuf],
        lock_wait: Duration,
    ) -> Result<Staging> {
        target::check_folder(target, kind, inputs)?;
        let parent = parent_of(target);
        std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        let lock = Lock::acquire(target, lock_wait)?;
        recover(target)?;
        // Another run may have written the target while we waited.
        target::check_folder(target, kind, inputs)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{}.partial-", name_of(target)))
            .tempdir_in(parent)
            .map_err(write_err(parent))?;
        let staging = Staging {
            dir,
            target: target.to_path_buf(),
            lock,
            files: Vec::new(),
        };
        let marker = staging.dir.path().join(MARKER);
        std::fs::write(&marker, kind.marker_text()).map_err(write_err(&marker))?;
        Ok(staging)
    }

    /// The staging folder itself, for writers that stream into it.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// How long this run waited for another writer of the same target.
    pub fn waited(&self) -> Option<Duration> {
        self.lock.waited
    }

    /// Where `rel` goes in the staging folder (its parent folders created).
    pub fn path(&mut self, rel: &str) -> Result<PathBuf> {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        }
        self.files.push(rel.to_string());
        Ok(p)
    }

    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let p = self.path(rel)?;
        std::fs::write(&p, bytes).map_err(write_err(&p))?;
        Ok(())
    }

    /// Swap the finished folder into place, then release the lock.
    pub fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        let target = &self.target;
        // Staged folders are private (0700); a report gets the mode of any
        // folder the user makes: 0777 less their umask (customer data stays
        // private under a strict umask).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = crate::render::files::with_umask(0o777);
            let _ = std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(mode));
        }
        let swapped = swap(&staged, target);
        if let Err(e) = swapped {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(write_err(target)(e).into());
        }
        drop(self.lock);
        Ok(())
    }
}

/// Put `staged` at `target`. On Linux an existing target is exchanged
/// atomically (readers never see it missing) and the old one removed; else
/// it is set aside first, restored if the second rename fails.
fn swap(staged: &Path, target: &Path) -> std::io::Result<()> {
    if !target.exists() {
        return std::fs::rename(staged, target);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staged, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staged` now holds the previous folder.
            return std::fs::remove_dir_all(staged);
        }
    }
    let previous = target.with_file_name(format!(
        ".{}.previous-{}",
        name_of(target),
        std::process::id()
    ));
    std::fs::rename(target, &previous)?;
    if let Err(e) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&previous, target);
        return Err(e);
    }
    std::fs::remove_dir_all(&previous)
}
