//! Pieces shared by the `run.json` manifests of every command: warnings that are logged and
//! recorded, JSON numbers without NaN, input file hashes, stage timings.

use std::path::PathBuf;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::log;

/// Warnings are printed when they occur and recorded for run.json.
#[derive(Debug, Default)]
pub(crate) struct Warnings(Vec<String>);

impl Warnings {
    /// Logs a warning and keeps it.
    pub(crate) fn push(&mut self, msg: String) {
        log::warn(&msg);
        self.0.push(msg);
    }

    /// The warnings recorded so far.
    pub(crate) fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// A JSON number, or null for NaN and infinities (JSON has neither).
pub(crate) fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// `[{path, sha256}]` for the input files of a run.
pub(crate) fn input_files<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> anyhow::Result<Vec<Value>> {
    paths
        .into_iter()
        .map(|p| {
            let sha = degsea_io::sha256_file(p).with_context(|| format!("hashing `{}`", p.display()))?;
            Ok(json!({ "path": p.display().to_string(), "sha256": sha }))
        })
        .collect()
}

/// Stage timings as a JSON object, in run order.
pub(crate) fn timings_json(timings: &[(&str, f64)]) -> Value {
    Value::Object(timings.iter().map(|(k, v)| ((*k).to_owned(), num(*v))).collect())
}
