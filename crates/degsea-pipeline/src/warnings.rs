//! Warnings that are printed when they occur and recorded for the run manifest.

use crate::log;

/// Warnings of one job: logged at once, kept for `run.json`.
#[derive(Debug, Default, Clone)]
pub struct Warnings(Vec<String>);

impl Warnings {
    /// Logs a warning and keeps it.
    pub fn push(&mut self, msg: String) {
        log::warn(&msg);
        self.0.push(msg);
    }

    /// The warnings recorded so far.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}
