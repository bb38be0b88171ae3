//! Atomic output: stage every file of a command, publish them all at the end.
//!
//! The CLI contract (DESIGN.md) says a failed or interrupted run leaves no half-written files.
//! [`OutputDir`] writes into a hidden staging folder next to the destination
//! (`.NAME.degsea-tmp-PID`). Dropping an uncommitted `OutputDir` removes the staging folder.
//! On [`OutputDir::commit`]:
//!
//! * a folder opened with [`OutputDir::replace`] is **replaced whole**: the complete staging
//!   folder is renamed to the destination, and the previous destination (first renamed aside
//!   to `.NAME.degsea-old-PID`) is removed only after that, so the folder never mixes two runs
//!   and is never partial. Only an empty folder, or one degsea wrote (it holds [`MARKER`] or a
//!   `run.json`), is replaced; any other existing folder is refused by [`check_output_path`].
//! * a folder opened with [`OutputDir::new`] receives the staged files one by one, replacing
//!   files of the same name and keeping the others (for commands that add to a folder).
//!
//! Staging folders of processes that no longer exist (killed runs) are removed by the next
//! `OutputDir` for the same destination; a set-aside previous folder whose run died between the
//! two renames is put back. [`OutputDir::cleaned`] says what was done, for the log.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The file a replaced output folder carries to mark it as written by degsea (and so safe to
/// replace by the next run).
pub const MARKER: &str = ".degsea-output";

/// The manifest written by degsea's commands; a folder holding it was written by degsea.
const MANIFEST: &str = "run.json";

/// Why an output path cannot be used, found before any computation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputPathError {
    /// The destination exists and is a file.
    #[error("output `{0}` exists and is a file, not a folder")]
    IsAFile(String),
    /// A folder on the way to the destination is a file.
    #[error("output `{dest}`: `{file}` is a file, not a folder")]
    ParentNotAFolder {
        /// The destination.
        dest: String,
        /// The ancestor that is a file.
        file: String,
    },
    /// The nearest existing folder cannot be written.
    #[error("output `{dest}`: cannot write in `{folder}` ({reason})")]
    NotWritable {
        /// The destination.
        dest: String,
        /// The existing folder where the output would be created.
        folder: String,
        /// The OS reason, in words.
        reason: String,
    },
    /// The destination is a folder holding files that degsea did not write.
    #[error(
        "output `{0}` is a folder that degsea did not write (it has files but no run.json); it \
         would be replaced whole: choose a new or empty folder"
    )]
    ForeignFolder(String),
    /// An input file lies inside the output folder, which a successful run replaces whole.
    #[error(
        "input `{input}` is inside the output folder `{dest}`, which is replaced whole when the \
         run succeeds: choose another output folder"
    )]
    InputInside {
        /// The input file as given.
        input: String,
        /// The destination.
        dest: String,
    },
    /// An output file's path is an existing folder.
    #[error("output `{0}` is a folder, not a file")]
    IsAFolder(String),
    /// An output file would overwrite one of the inputs.
    #[error("output `{0}` is also an input")]
    OverwritesInput(String),
}

/// Checks, before any work, that `dest` can become an output folder: it is not a file, no
/// folder on the way is a file, the nearest existing folder is writable (probed by creating
/// and removing a folder in it), and — when `replace` — an existing folder is empty or was
/// written by degsea.
///
/// ```
/// let tmp = tempfile::tempdir()?;
/// let file = tmp.path().join("f");
/// std::fs::write(&file, "x")?;
/// let e = degsea_io::output::check_output_path(&file.join("out"), true).unwrap_err();
/// assert!(e.to_string().ends_with("is a file, not a folder"), "{e}");
/// assert!(degsea_io::output::check_output_path(&tmp.path().join("new/out"), true).is_ok());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn check_output_path(dest: &Path, replace: bool) -> Result<(), OutputPathError> {
    let shown = dest.display().to_string();
    if dest.exists() && !dest.is_dir() {
        return Err(OutputPathError::IsAFile(shown));
    }
    check_writable(dest, shown.clone(), false)?;
    if replace && dest.is_dir() && !replaceable(dest) {
        return Err(OutputPathError::ForeignFolder(shown));
    }
    Ok(())
}

/// Checks, before any work, that `dest` can become an output *file* written by
/// [`write_file_atomic`]: it is not a folder, no folder on the way is a file, the folder it goes
/// in is writable, and it is none of `inputs`.
///
/// ```
/// let tmp = tempfile::tempdir()?;
/// let e = degsea_io::output::check_output_file(tmp.path(), &[]).unwrap_err();
/// assert!(e.to_string().ends_with("is a folder, not a file"), "{e}");
/// assert!(degsea_io::output::check_output_file(&tmp.path().join("a/b.tsv"), &[]).is_ok());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn check_output_file(dest: &Path, inputs: &[&Path]) -> Result<(), OutputPathError> {
    let shown = dest.display().to_string();
    if dest.is_dir() {
        return Err(OutputPathError::IsAFolder(shown));
    }
    if let Ok(d) = dest.canonicalize()
        && inputs.iter().any(|i| i.canonicalize().is_ok_and(|i| i == d))
    {
        return Err(OutputPathError::OverwritesInput(shown));
    }
    check_writable(&parent_of(dest), shown, true)
}

/// Checks that no input file lies inside the output folder `dest` (which a successful run
/// replaces whole, so the input would be removed).
///
/// ```
/// let tmp = tempfile::tempdir()?;
/// let input = tmp.path().join("counts.tsv");
/// std::fs::write(&input, "x")?;
/// let e = degsea_io::output::check_inputs_outside(tmp.path(), &[&input]).unwrap_err();
/// assert!(e.to_string().contains("is inside the output folder"), "{e}");
/// assert!(degsea_io::output::check_inputs_outside(&tmp.path().join("o"), &[&input]).is_ok());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn check_inputs_outside(dest: &Path, inputs: &[&Path]) -> Result<(), OutputPathError> {
    let Ok(dest_abs) = dest.canonicalize() else { return Ok(()) };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i.starts_with(&dest_abs)) {
            return Err(OutputPathError::InputInside {
                input: input.display().to_string(),
                dest: dest.display().to_string(),
            });
        }
    }
    Ok(())
}

/// Checks that the nearest existing folder on the way to `dest` is a folder and writable
/// (probed by creating and removing a folder in it). The probe goes in `dest` itself when
/// `inside` (a file's folder), else beside it, where the staging folder goes.
fn check_writable(dest: &Path, shown: String, inside: bool) -> Result<(), OutputPathError> {
    let mut existing = dest.to_path_buf();
    while !existing.exists() {
        match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => existing = p.to_path_buf(),
            _ => {
                existing = PathBuf::from(".");
                break;
            }
        }
    }
    if !existing.is_dir() {
        return Err(OutputPathError::ParentNotAFolder { dest: shown, file: existing.display().to_string() });
    }
    // The folder the staging area goes in: the destination's parent if it exists.
    let probe_in = if existing == dest && !inside { parent_of(dest) } else { existing.clone() };
    let probe = probe_in.join(format!(".degsea-probe-{}", std::process::id()));
    match fs::create_dir(&probe) {
        Ok(()) => {
            let _ = fs::remove_dir(&probe);
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            let reason = match e.kind() {
                io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                io::ErrorKind::ReadOnlyFilesystem => "read-only file system".to_owned(),
                _ => e.to_string(),
            };
            return Err(OutputPathError::NotWritable {
                dest: shown,
                folder: probe_in.display().to_string(),
                reason,
            });
        }
    }
    Ok(())
}

/// Whether an existing folder may be replaced whole: degsea wrote it, or it holds no file at
/// all (only empty sub-folders, as a workflow manager creates them for its expected outputs).
fn replaceable(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || dir.join(MANIFEST).is_file() || holds_no_file(dir)
}

/// Whether a folder tree holds no file (symbolic links count as files).
fn holds_no_file(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else { return false };
    entries
        .into_iter()
        .all(|e| e.is_ok_and(|e| e.file_type().is_ok_and(|t| t.is_dir()) && holds_no_file(&e.path())))
}

fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether a process id is running, when the system can say (`/proc` on Linux).
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.join("self").exists().then(|| proc.join(pid.to_string()).exists())
}

/// Removes the staging folders `.NAME.degsea-tmp-PID` of processes that are gone, and puts
/// back (or removes, when the destination exists) a set-aside `.NAME.degsea-old-PID`. Returns
/// one line per action.
fn clean_stale(parent: &Path, name: &str, dest: &Path) -> Vec<String> {
    let mut done = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else { return done };
    let tmp_prefix = format!(".{name}.degsea-tmp-");
    let old_prefix = format!(".{name}.degsea-old-");
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    // Restore set-aside folders first, so a stale staging folder never takes their place.
    for path in &entries {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(pid) = file.strip_prefix(&old_prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() || process_alive(pid) != Some(false) || !path.is_dir() {
            continue;
        }
        if dest.exists() {
            if fs::remove_dir_all(path).is_ok() {
                done.push(format!("removed `{}`, left by process {pid} that is gone", path.display()));
            }
        } else if fs::rename(path, dest).is_ok() {
            done.push(format!(
                "restored `{}` from `{}` (process {pid} stopped while replacing it)",
                dest.display(),
                path.display()
            ));
        }
    }
    for path in &entries {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(pid) = file.strip_prefix(&tmp_prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() || process_alive(pid) != Some(false) || !path.is_dir() {
            continue;
        }
        if fs::remove_dir_all(path).is_ok() {
            done.push(format!("removed stale staging folder `{}` (process {pid} is gone)", path.display()));
        }
    }
    done
}

/// A destination folder whose files are written to a staging area first.
#[derive(Debug)]
pub struct OutputDir {
    dest: PathBuf,
    staging: PathBuf,
    files: Vec<PathBuf>,
    committed: bool,
    replace: bool,
    replaced_folders: Vec<PathBuf>,
    cleaned: Vec<String>,
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
        Self::open(dest.as_ref(), false)
    }

    /// Prepares a staging folder that replaces the destination whole on commit (see the
    /// module documentation). Fails with [`io::ErrorKind::AlreadyExists`] if the destination
    /// is a non-empty folder degsea did not write; call [`check_output_path`] first for a
    /// message naming the cause.
    ///
    /// ```
    /// let tmp = tempfile::tempdir()?;
    /// let dest = tmp.path().join("out");
    /// let mut first = degsea_io::output::OutputDir::replace(&dest)?;
    /// first.write("plots/old.svg", b"1")?;
    /// first.commit()?;
    /// let mut second = degsea_io::output::OutputDir::replace(&dest)?;
    /// second.write("de.tsv", b"2")?;
    /// second.commit()?;
    /// assert!(dest.join("de.tsv").exists() && !dest.join("plots").exists());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn replace(dest: impl AsRef<Path>) -> io::Result<Self> {
        Self::open(dest.as_ref(), true)
    }

    fn open(dest: &Path, replace: bool) -> io::Result<Self> {
        let dest = dest.to_path_buf();
        let parent = parent_of(&dest);
        fs::create_dir_all(&parent)?;
        let name = dest.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let cleaned = clean_stale(&parent, &name, &dest);
        if replace && dest.is_dir() && !replaceable(&dest) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                OutputPathError::ForeignFolder(dest.display().to_string()).to_string(),
            ));
        }
        let staging = parent.join(format!(".{name}.degsea-tmp-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        Ok(Self {
            dest,
            staging,
            files: Vec::new(),
            committed: false,
            replace,
            replaced_folders: Vec::new(),
            cleaned,
        })
    }

    /// For an output opened with [`Self::new`] (which adds to a folder): the sub-folder
    /// `relative` of the destination is replaced whole on commit, so it holds only this run's
    /// files (e.g. the enrichment curves of the sets significant now, none of an earlier
    /// threshold's). Without effect for an output opened with [`Self::replace`].
    ///
    /// ```
    /// let tmp = tempfile::tempdir()?;
    /// std::fs::create_dir_all(tmp.path().join("enrichment"))?;
    /// std::fs::write(tmp.path().join("enrichment/OLD.svg"), "x")?;
    /// std::fs::write(tmp.path().join("volcano.svg"), "v")?;
    /// let mut out = degsea_io::output::OutputDir::new(tmp.path())?;
    /// out.replace_folder("enrichment");
    /// out.write("enrichment/NEW.svg", b"y")?;
    /// out.commit()?;
    /// assert!(!tmp.path().join("enrichment/OLD.svg").exists());
    /// assert!(tmp.path().join("enrichment/NEW.svg").exists() && tmp.path().join("volcano.svg").exists());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn replace_folder(&mut self, relative: impl AsRef<Path>) {
        self.replaced_folders.push(relative.as_ref().to_path_buf());
    }

    /// What opening this output cleaned up (stale staging folders of dead processes), one
    /// line each, for the log.
    pub fn cleaned(&self) -> &[String] {
        &self.cleaned
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

    /// SHA-256 of every file staged so far under the sub-folder `under` (`""` for all), as
    /// paths relative to `under`, in the order they were first staged. For the manifest's
    /// `outputs` list.
    pub fn digests(&self, under: impl AsRef<Path>) -> crate::Result<Vec<crate::manifest::FileDigest>> {
        let under = under.as_ref();
        self.files
            .iter()
            .filter_map(|rel| rel.strip_prefix(under).ok().map(|r| (rel, r)))
            .map(|(rel, r)| crate::manifest::FileDigest::of(&self.staging.join(rel), &r.to_string_lossy()))
            .collect()
    }

    /// Publishes the staged files: replaces the destination whole (opened with
    /// [`Self::replace`]) or moves every staged file into it, replacing files of the same name
    /// (opened with [`Self::new`]).
    pub fn commit(mut self) -> io::Result<()> {
        if self.replace {
            fs::write(
                self.staging.join(MARKER),
                "written by degsea; the next degsea run into this folder replaces it whole\n",
            )?;
            if self.dest.exists() {
                let name =
                    self.dest.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
                let aside = parent_of(&self.dest).join(format!(".{name}.degsea-old-{}", std::process::id()));
                if aside.exists() {
                    fs::remove_dir_all(&aside)?;
                }
                fs::rename(&self.dest, &aside)?;
                if let Err(e) = fs::rename(&self.staging, &self.dest) {
                    let _ = fs::rename(&aside, &self.dest);
                    return Err(e);
                }
                self.committed = true;
                return fs::remove_dir_all(&aside);
            }
            fs::rename(&self.staging, &self.dest)?;
            self.committed = true;
            return Ok(());
        }
        fs::create_dir_all(&self.dest)?;
        for rel in &self.replaced_folders {
            let folder = self.dest.join(rel);
            if folder.is_dir() {
                fs::remove_dir_all(&folder)?;
            }
        }
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

/// Removes the temporary files `.NAME.degsea-tmp-PID` that killed processes left beside `NAME`.
fn remove_stale_files(parent: &Path, name: &str) {
    let prefix = format!(".{name}.degsea-tmp-");
    let Ok(entries) = fs::read_dir(parent) else { return };
    for path in entries.flatten().map(|e| e.path()) {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(pid) = file.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && process_alive(pid) == Some(false) && path.is_file() {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Writes one file atomically (temporary files of killed earlier runs beside it are removed): to `PATH.degsea-tmp-PID` next to it, then renamed over `path`.
pub fn write_file_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(p) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(p)?;
    }
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    remove_stale_files(&parent_of(path), &name);
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

    /// A process id that is not running (the largest possible pid is far below it).
    const DEAD_PID: u32 = 4_000_000_000;

    #[test]
    fn replace_never_mixes_runs() {
        // Issue 19 #2: a rerun with fewer outputs left the first run's plots beside new tables.
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("o");
        let mut a = OutputDir::replace(&dest).unwrap();
        a.write("plots/enrichment/S1.svg", b"1").unwrap();
        a.write("de.tsv", b"first").unwrap();
        a.commit().unwrap();
        let mut b = OutputDir::replace(&dest).unwrap();
        b.write("de.tsv", b"second").unwrap();
        // Until commit, the previous output is intact.
        assert_eq!(fs::read(dest.join("de.tsv")).unwrap(), b"first");
        b.commit().unwrap();
        assert_eq!(fs::read(dest.join("de.tsv")).unwrap(), b"second");
        assert!(!dest.join("plots").exists());
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["o"], "no staging or set-aside folder left");
        // A failed run (dropped) leaves the previous output as it was.
        let mut c = OutputDir::replace(&dest).unwrap();
        c.write("de.tsv", b"third").unwrap();
        drop(c);
        assert_eq!(fs::read(dest.join("de.tsv")).unwrap(), b"second");
    }

    #[test]
    fn replace_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("thesis.tex"), "x").unwrap();
        let e = OutputDir::replace(tmp.path()).unwrap_err();
        assert!(e.to_string().contains("degsea did not write"), "{e}");
        assert!(check_output_path(tmp.path(), true).is_err());
        assert!(check_output_path(tmp.path(), false).is_ok());
        assert!(tmp.path().join("thesis.tex").exists());
        fs::write(tmp.path().join("run.json"), "{}").unwrap();
        assert!(check_output_path(tmp.path(), true).is_ok());
        // Empty sub-folders only (Snakemake creates the folders of a rule's outputs): replaced.
        let made = tempfile::tempdir().unwrap();
        fs::create_dir_all(made.path().join("res/plots/enrichment")).unwrap();
        assert!(check_output_path(&made.path().join("res"), true).is_ok());
        fs::write(made.path().join("res/plots/notes.txt"), "x").unwrap();
        assert!(check_output_path(&made.path().join("res"), true).is_err());
    }

    #[test]
    fn stale_staging_of_dead_processes_is_removed() {
        // Issue 19 #6: a killed run's `.OUT.degsea-tmp-PID` stayed forever.
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("o");
        let stale = tmp.path().join(format!(".o.degsea-tmp-{DEAD_PID}"));
        fs::create_dir_all(stale.join("plots")).unwrap();
        fs::write(stale.join("de.tsv"), "partial").unwrap();
        let alive = tmp.path().join(".o.degsea-tmp-1");
        fs::create_dir(&alive).unwrap();
        let other = tmp.path().join(format!(".p.degsea-tmp-{DEAD_PID}"));
        fs::create_dir(&other).unwrap();
        let out = OutputDir::replace(&dest).unwrap();
        assert!(!stale.exists());
        assert!(alive.exists(), "pid 1 is running: its staging folder is kept");
        assert!(other.exists(), "another destination's staging folder is not touched");
        assert_eq!(out.cleaned().len(), 1);
        assert!(out.cleaned()[0].contains("is gone"), "{:?}", out.cleaned());
    }

    #[test]
    fn set_aside_folder_of_a_dead_run_is_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("o");
        let aside = tmp.path().join(format!(".o.degsea-old-{DEAD_PID}"));
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join("de.tsv"), "previous").unwrap();
        fs::write(aside.join(MARKER), "").unwrap();
        let out = OutputDir::replace(&dest).unwrap();
        assert_eq!(fs::read(dest.join("de.tsv")).unwrap(), b"previous");
        assert!(out.cleaned()[0].starts_with("restored"), "{:?}", out.cleaned());
    }

    #[test]
    fn output_path_precheck_names_the_cause() {
        // Issue 19 #5: `--out` problems were found after the whole computation.
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f.txt");
        fs::write(&file, "x").unwrap();
        let e = check_output_path(&file, true).unwrap_err().to_string();
        assert!(e.ends_with("f.txt` exists and is a file, not a folder"), "{e}");
        let e = check_output_path(&file.join("a/b"), true).unwrap_err().to_string();
        assert!(e.contains("f.txt` is a file, not a folder"), "{e}");
        assert!(check_output_path(&tmp.path().join("x/y/z"), true).is_ok());
        assert!(!tmp.path().join("x").exists(), "the check creates nothing");
    }

    #[test]
    fn atomic_file_removes_temporary_files_of_dead_runs() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("counts.tsv");
        let stale = tmp.path().join(format!(".counts.tsv.degsea-tmp-{DEAD_PID}"));
        fs::write(&stale, "partial").unwrap();
        write_file_atomic(&dest, |w| w.write_all(b"x")).unwrap();
        assert!(!stale.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn output_file_checks() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in.gtf");
        fs::write(&input, "x").unwrap();
        let e = check_output_file(&input, &[&input]).unwrap_err().to_string();
        assert!(e.ends_with("in.gtf` is also an input"), "{e}");
        let e = check_output_file(&input.join("c.tsv"), &[]).unwrap_err().to_string();
        assert!(e.contains("in.gtf` is a file, not a folder"), "{e}");
        assert!(check_output_file(&tmp.path().join("c.tsv"), &[&input]).is_ok());
    }

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
