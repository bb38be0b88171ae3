//! File formats for degsea: readers for count matrices (TSV/CSV, gzip or plain, featureCounts,
//! HTSeq-count), sample sheets, GMT gene sets and RNK rankings, and atomic writers.
//!
//! Every reader streams its input and names the file, line and offending value in its errors;
//! every writer goes through [`output::OutputDir`], which stages files and moves them into place
//! only when the whole command has succeeded, so a failed run leaves no partial output.
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("counts.tsv");
//! std::fs::write(&path, "gene\tS1\tS2\ng1\t1\t2.5\n")?;
//! let err = degsea_io::counts::read_counts(&path, &Default::default()).unwrap_err();
//! assert!(err.to_string().ends_with(
//!     "counts.tsv:2: count `2.5` for gene `g1` sample `S2` is not a whole number (use --round to round)"
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod counts;
mod error;
pub mod genemap;
pub mod gmt;
pub mod hash;
mod lines;
pub mod output;
pub mod rnk;
pub mod samples;
pub mod table;

pub use error::{Error, Result};
pub use hash::sha256_file;
pub use lines::printable;
