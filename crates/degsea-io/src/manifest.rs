//! The `run.json` manifest every command writes, one schema for all (`docs/run.schema.json`,
//! [`SCHEMA_VERSION`]): program and version, the command and its command line, the parameters,
//! every input and output file with its SHA-256, the seed, warnings, stage timings and a results
//! block per job (`de`, `gsea`, `normalize`, …).
//!
//! ```
//! use degsea_io::manifest::Manifest;
//! let mut m = Manifest::new("gsea", vec!["degsea".into(), "gsea".into()]);
//! m.warnings.push("a warning".into());
//! m.timings.push(("gsea".into(), 0.5));
//! let v = m.to_json();
//! assert_eq!(v["schema_version"], 1);
//! assert_eq!(v["program"], "degsea");
//! assert_eq!(v["command"], "gsea");
//! assert_eq!(v["timings_seconds"]["gsea"], 0.5);
//! ```

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::Result;

/// Version of the manifest layout; bumped whenever a field changes meaning or is removed.
pub const SCHEMA_VERSION: u32 = 1;

/// A file read or written by a command, with its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// The path as given on the command line (inputs) or relative to the output folder
    /// (outputs).
    pub path: String,
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    pub sha256: String,
}

impl FileDigest {
    /// Hashes the file at `path`, recorded as `name`.
    pub fn of(path: &Path, name: &str) -> Result<Self> {
        Ok(Self { path: name.to_owned(), sha256: crate::sha256_file(path)? })
    }

    /// Hashes input files, each recorded by its path as given.
    pub fn inputs<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<Vec<Self>> {
        paths.into_iter().map(|p| Self::of(p, &p.display().to_string())).collect()
    }
}

/// The manifest of one command run (one contrast of `degsea run`).
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The subcommand (`run`, `de`, `gsea`, `normalize`, `count`, `simulate`, `plot`).
    pub command: String,
    /// The process's arguments, program name first.
    pub command_line: Vec<String>,
    /// The upstream releases whose numbers the command reproduces (`{"edgeR": "3.40.2"}`).
    pub reproduces: Map<String, Value>,
    /// Every parameter, defaults included.
    pub parameters: Value,
    /// The master seed of any random numbers (recorded also when unused).
    pub seed: Option<u64>,
    /// Input files with their SHA-256.
    pub inputs: Vec<FileDigest>,
    /// Output files (relative to the output folder) with their SHA-256; run.json excluded.
    pub outputs: Vec<FileDigest>,
    /// Warnings printed during the run.
    pub warnings: Vec<String>,
    /// Stage timings in seconds, in run order.
    pub timings: Vec<(String, f64)>,
    /// One results block per job, e.g. `{"de": {...}, "gsea": {...}}`.
    pub results: Map<String, Value>,
}

impl Manifest {
    /// An empty manifest of `command`.
    pub fn new(command: &str, command_line: Vec<String>) -> Self {
        Self {
            command: command.to_owned(),
            command_line,
            reproduces: Map::new(),
            parameters: Value::Object(Map::new()),
            seed: None,
            inputs: Vec::new(),
            outputs: Vec::new(),
            warnings: Vec::new(),
            timings: Vec::new(),
            results: Map::new(),
        }
    }

    /// The manifest as JSON (keys in a stable order; NaN and infinities as null).
    pub fn to_json(&self) -> Value {
        let files = |f: &[FileDigest]| -> Value {
            f.iter().map(|d| json!({ "path": d.path, "sha256": d.sha256 })).collect()
        };
        json!({
            "schema_version": SCHEMA_VERSION,
            "program": "degsea",
            "version": env!("CARGO_PKG_VERSION"),
            "command": self.command,
            "command_line": self.command_line,
            "reproduces": self.reproduces,
            "parameters": self.parameters,
            "seed": self.seed,
            "inputs": files(&self.inputs),
            "outputs": files(&self.outputs),
            "warnings": self.warnings,
            "timings_seconds": timings_json(&self.timings),
            "results": self.results,
        })
    }
}

/// A JSON number, or null for NaN and infinities (JSON has neither).
///
/// ```
/// assert_eq!(degsea_io::manifest::num(0.5), serde_json::json!(0.5));
/// assert!(degsea_io::manifest::num(f64::NAN).is_null());
/// ```
pub fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// Stage timings as a JSON object, in run order.
pub fn timings_json(timings: &[(String, f64)]) -> Value {
    Value::Object(timings.iter().map(|(k, v)| (k.clone(), num(*v))).collect())
}
