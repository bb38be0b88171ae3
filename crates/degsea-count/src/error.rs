//! The one error type of degsea-count.

use std::path::PathBuf;

/// Everything that can go wrong while reading an annotation or alignments.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A malformed GTF line.
    #[error("{path}:{line}: {message}")]
    Gtf {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A selected feature line lacks the grouping attribute (e.g. `gene_id`).
    #[error("{path}:{line}: `{feature_type}` line has no `{attribute}` attribute")]
    MissingAttribute {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The feature type of the line.
        feature_type: String,
        /// The attribute that is missing.
        attribute: String,
    },
    /// No line of the annotation has a selected feature type.
    #[error("no `{feature_types}` features in `{path}`")]
    NoFeatures {
        /// The annotation file.
        path: PathBuf,
        /// The feature types searched for (comma-separated).
        feature_types: String,
    },
    /// The alignment file is not a readable BAM (bad magic, truncated, corrupt block).
    #[error("`{path}` is not a valid BAM file: {message}")]
    Bam {
        /// The alignment file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A malformed SAM line (or a file that is neither BAM nor SAM).
    #[error("{path}:{line}: {message}")]
    Sam {
        /// The alignment file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No reference sequence of the alignment file matches a chromosome of the annotation.
    #[error(
        "no chromosome names in common between `{path}` (e.g. {}) and the annotation (e.g. {}); \
         check that both use the same naming (e.g. `chr1` vs `1`)",
        .bam_names.join(", "),
        .annotation_names.join(", ")
    )]
    ChromosomeMismatch {
        /// The alignment file.
        path: PathBuf,
        /// A few reference names of the alignment file.
        bam_names: Vec<String>,
        /// A few chromosome names of the annotation.
        annotation_names: Vec<String>,
    },
}
