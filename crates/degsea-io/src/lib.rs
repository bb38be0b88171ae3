//! Every file format degsea reads or writes. Inputs: count matrices (TSV/CSV, gzip or plain,
//! featureCounts, HTSeq-count; [`counts`]), sample sheets ([`samples`]), GMT gene sets ([`gmt`],
//! loaded by the one precedence rule of [`genesets`]), RNK rankings ([`rnk`]), gene-id maps
//! ([`genemap`]) and the data compiled into the binary ([`bundled`]). Outputs: `de.tsv`/`de.json`
//! ([`de_table`]), `gsea.tsv`/`gsea.json` ([`gsea_table`]), `filter.tsv`, `norm_factors.tsv`,
//! `logcpm.tsv` ([`norm_tables`]), the `run.json` manifest ([`manifest`]), all staged by
//! [`output::OutputDir`]; [`results`] reads an output folder back.
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
//!     "counts.tsv:2: count `2.5` for gene `g1` sample `S2` is not a whole number"
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod bundled;
mod chunked;
pub mod cls;
pub mod counts;
pub mod de_table;
mod error;
pub mod expression;
pub mod gct;
pub mod genemap;
pub mod genesets;
pub mod gmt;
pub mod gsea_table;
pub mod hash;
mod lines;
pub mod manifest;
pub mod norm_tables;
pub mod output;
pub mod results;
pub mod rnk;
pub mod samples;
pub mod table;

pub use error::{Error, Result};
pub use hash::sha256_file;
pub use lines::printable;
