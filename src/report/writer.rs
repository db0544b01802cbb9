//! A report directory that appears whole or not at all: everything is
//! written into a hidden staging folder beside the target, which replaces
//! the target only when complete. A failed run leaves the previous report
//! untouched (and its staging folder is removed).

use std::path::{Path, PathBuf};

use crate::error::{OutputError, Result};

pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    /// Files written, relative to the report folder, in write order.
    pub files: Vec<String>,
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("report");
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .tempdir_in(parent)
            .map_err(write_err(parent))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: Vec::new(),
        })
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

    /// Swap the finished folder into place.
    pub fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        let target = &self.target;
        let previous = target.with_file_name(format!(
            ".{}.previous-{}",
            target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("report"),
            std::process::id()
        ));
        let had_previous = target.exists();
        if had_previous {
            std::fs::rename(target, &previous).map_err(write_err(target))?;
        }
        if let Err(e) = std::fs::rename(&staged, target) {
            if had_previous {
                let _ = std::fs::rename(&previous, target);
            }
            let _ = std::fs::remove_dir_all(&staged);
            return Err(write_err(target)(e).into());
        }
        // Staged folders are private (0700); a report is for reading.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(target, std::fs::Permissions::from_mode(0o755));
        }
        if had_previous {
            std::fs::remove_dir_all(&previous).map_err(write_err(&previous))?;
        }
        Ok(())
    }
}
