//! Output folders and files of every job, checked before any work.
//!
//! A job calls [`open_folder`] (or [`check_file`] for a single output file) before it reads
//! its inputs: an output that exists as a file, sits under a file, cannot be written, is a
//! folder degsea did not write, or would swallow an input is refused then, naming the cause,
//! instead of after the computation. The folder is staged and **replaced whole** on success
//! ([`degsea_io::output::OutputDir::replace`]), so it never mixes two runs; staging folders of
//! killed runs are removed, with a log line.

use std::path::Path;

use anyhow::Context as _;
use degsea_io::output::{self, OutputDir};

use crate::log;

/// Checks the output folder `dest` and opens its staging folder, to be replaced whole on
/// commit. `inputs` are the job's input files: none may lie inside `dest`.
pub fn open_folder(dest: &Path, inputs: &[&Path]) -> anyhow::Result<OutputDir> {
    output::check_inputs_outside(dest, inputs)?;
    output::check_output_path(dest, true)?;
    let out =
        OutputDir::replace(dest).with_context(|| format!("preparing output folder `{}`", dest.display()))?;
    for line in out.cleaned() {
        log::info(line);
    }
    Ok(out)
}

/// Checks an output file before any work: not a folder, not under a file, in a writable
/// folder, and none of `inputs`.
pub fn check_file(dest: &Path, inputs: &[&Path]) -> anyhow::Result<()> {
    Ok(output::check_output_file(dest, inputs)?)
}
