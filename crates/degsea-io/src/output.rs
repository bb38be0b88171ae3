//! Atomic output: stage every file of a command, publish them all at the end.
//!
//! The CLI contract (DESIGN.md) says a failed or interrupted run leaves no half-written files.
//! [`OutputDir`] writes into a hidden staging folder next to the destination
//! (`.NAME.degsea-tmp-PID`); [`OutputDir::commit`] renames each staged file into the
//! destination folder. Dropping an uncommitted `OutputDir` removes the staging folder.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A destination folder whose files are written to a staging area first.
#[derive(Debug)]
pub struct OutputDir {
    dest: PathBuf,
    staging: PathBuf,
    files: Vec<PathBuf>,
    committed: bool,
}

impl OutputDir {
    /// Prepares a staging folder for the destination `dest` (created on commit if missing).
    ///
    /// ```
    /// let tmp = tempfile::tempdir()?;
    /// let dest = tmp.path().join("out");
    /// let mut out = degsea_io::output::OutputDir::new(&dest)?;
    /// std::io::Write::write_all(&mut out.create("a.tsv")?, b"x\n")?;
    /// assert!(!dest.join("a.tsv").exists());
    /// out.commit()?;
    /// assert_eq!(std::fs::read_to_string(dest.join("a.tsv"))?, "x\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(dest: impl AsRef<Path>) -> io::Result<Self> {
        let dest = dest.as_ref().to_path_buf();
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = dest.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let staging = parent.join(format!(".{name}.degsea-tmp-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        Ok(Self { dest, staging, files: Vec::new(), committed: false })
    }

    /// The destination folder.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Path of a file inside the staging area (sub-folders are created). Use it for writers
    /// that want a path (e.g. a PNG renderer); the file is published by [`Self::commit`].
    pub fn staged_path(&mut self, relative: impl AsRef<Path>) -> io::Result<PathBuf> {
        let relative = relative.as_ref().to_path_buf();
        let path = self.staging.join(&relative);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        if !self.files.contains(&relative) {
            self.files.push(relative);
        }
        Ok(path)
    }

    /// Creates a buffered file inside the staging area.
    pub fn create(&mut self, relative: impl AsRef<Path>) -> io::Result<BufWriter<fs::File>> {
        let path = self.staged_path(relative)?;
        Ok(BufWriter::with_capacity(1 << 16, fs::File::create(path)?))
    }

    /// Writes a whole file into the staging area.
    pub fn write(&mut self, relative: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
        let mut w = self.create(relative)?;
        w.write_all(bytes)?;
        w.flush()
    }

    /// Moves every staged file into the destination, replacing files of the same name.
    pub fn commit(mut self) -> io::Result<()> {
        fs::create_dir_all(&self.dest)?;
        for rel in &self.files {
            let to = self.dest.join(rel);
            if let Some(p) = to.parent() {
                fs::create_dir_all(p)?;
            }
            fs::rename(self.staging.join(rel), &to)?;
        }
        self.committed = true;
        fs::remove_dir_all(&self.staging)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes one file atomically: to `PATH.degsea-tmp-PID` next to it, then renamed over `path`.
pub fn write_file_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(p) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(p)?;
    }
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.degsea-tmp-{}", std::process::id()));
    let result = (|| {
        let mut w = BufWriter::with_capacity(1 << 16, fs::File::create(&tmp)?);
        write(&mut w)?;
        w.flush()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_output_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("o");
        {
            let mut out = OutputDir::new(&dest).unwrap();
            out.write("x.tsv", b"1").unwrap();
            out.write("plots/y.svg", b"2").unwrap();
        }
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_publishes_nested_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("o");
        let mut out = OutputDir::new(&dest).unwrap();
        out.write("plots/y.svg", b"2").unwrap();
        out.commit().unwrap();
        assert_eq!(fs::read(dest.join("plots/y.svg")).unwrap(), b"2");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
