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
    /// A model formula could not be parsed.
    #[error("invalid design formula `{formula}`: {reason}")]
    FormulaSyntax {
        /// The formula as given.
        formula: String,
        /// What is wrong, naming the offending term.
        reason: String,
    },
    /// A formula term is an interaction, which degsea does not fit.
    #[error("interaction term `{term}` is not supported; use main effects `a + b`")]
    FormulaInteraction {
        /// The term as written.
        term: String,
    },
    /// A formula names a column the sample sheet does not have.
    #[error("design column `{column}` is not in the sample sheet (columns: {available})")]
    FormulaUnknownColumn {
        /// The column asked for.
        column: String,
        /// The columns that exist, comma-separated.
        available: String,
    },
    /// A design covariate is `NA` or empty for a sample.
    #[error("design column `{column}` has a missing value (NA) for sample `{sample}`")]
    MissingCovariate {
        /// The column.
        column: String,
        /// The sample.
        sample: String,
    },
    /// A factor of the design has one level among the analysed samples.
    #[error("design column `{column}` has a single level `{level}` among the analysed samples")]
    OneLevel {
        /// The column.
        column: String,
        /// Its only level.
        level: String,
    },
    /// The design matrix is not of full column rank.
    #[error(
        "design `{formula}` is not of full rank: column(s) {columns} are not estimable (confounded with earlier columns)"
    )]
    RankDeficient {
        /// The formula.
        formula: String,
        /// The inestimable columns, comma-separated.
        columns: String,
    },
    /// The design leaves no residual degrees of freedom.
    #[error("design has {coefficients} coefficients for {samples} samples: no residual degrees of freedom")]
    NoResidualDf {
        /// Number of samples analysed.
        samples: usize,
        /// Number of design columns.
        coefficients: usize,
    },
}
