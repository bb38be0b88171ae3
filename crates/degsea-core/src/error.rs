//! The error type of `degsea-core`.

/// A convenience alias for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Validation failures of domain objects. Messages are lowercase and name the offending value.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The shape of a matrix does not match its row or column labels.
    #[error("count matrix has shape {rows} × {cols} but {genes} gene ids and {samples} sample names")]
    Shape {
        /// Number of rows of the data.
        rows: usize,
        /// Number of columns of the data.
        cols: usize,
        /// Number of gene ids given.
        genes: usize,
        /// Number of sample names given.
        samples: usize,
    },
    /// A gene id occurs twice.
    #[error("duplicate gene id `{0}`")]
    DuplicateGene(String),
    /// A sample name occurs twice.
    #[error("duplicate sample name `{0}`")]
    DuplicateSample(String),
    /// A contrast specification could not be parsed.
    #[error("invalid contrast `{spec}`: {reason}")]
    ContrastSyntax {
        /// The whole specification as given.
        spec: String,
        /// What is wrong, naming the offending token.
        reason: String,
    },
    /// The contrast names a column the sample sheet does not have.
    #[error("contrast column `{column}` is not in the sample sheet (columns: {available})")]
    UnknownColumn {
        /// The column asked for.
        column: String,
        /// The columns that exist, comma-separated.
        available: String,
    },
    /// The contrast names a level that no sample has.
    #[error("level `{level}` does not occur in column `{column}` (levels: {available})")]
    UnknownLevel {
        /// The column of the contrast.
        column: String,
        /// The level asked for.
        level: String,
        /// The levels that exist, comma-separated.
        available: String,
    },
    /// Two contrasts of one run would write to the same folder.
    #[error(
        "contrasts `{first}` and `{second}` would share the output folder `{folder}`; rename a level or run them separately"
    )]
    ContrastFolderClash {
        /// The earlier contrast.
        first: String,
        /// The later contrast.
        second: String,
        /// The shared folder name ([`crate::Contrast::slug`]).
        folder: String,
    },
    /// A sample of the count matrix has no row in the sample sheet.
    #[error("sample `{0}` of the count matrix is not in the sample sheet")]
    SampleNotInSheet(String),
    /// A sample of the sample sheet has no column in the count matrix.
    #[error("sample `{0}` of the sample sheet is not in the count matrix")]
    SampleNotInMatrix(String),
    /// A contrast group has too few samples for a replicate-based test.
    #[error("group `{group}` has {n} sample(s); at least 2 are needed")]
    GroupTooSmall {
        /// The levels of the group joined by `+`.
        group: String,
        /// Its number of samples.
        n: usize,
    },
    /// A ranked list entry is not a finite number.
    #[error("gene `{gene}` has a non-finite score {score}")]
    NonFiniteScore {
        /// The gene.
        gene: String,
        /// The value.
        score: f64,
    },
}
