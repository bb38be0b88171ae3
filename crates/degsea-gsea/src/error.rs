//! The error type of `degsea-gsea`.

/// A convenience alias for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a GSEA run could not start. Messages are lowercase and name the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The ranked list is too short to compute any enrichment score.
    #[error("the ranked list has {0} gene(s); at least 2 are needed")]
    TooFewGenes(usize),
    /// No gene set has a size within the limits after matching to the ranked list.
    #[error("{0}")]
    NoPathways(String),
    /// Two gene sets of the collection(s) share a name.
    #[error("gene set `{0}` occurs more than once in the collection(s); names must be unique")]
    DuplicatePathway(String),
    /// The ranking metric of a gene is undefined (NaN) under the observed labels: a t statistic
    /// of two constant classes (`0/0`), or a ratio metric of class means of opposite signs.
    #[error(
        "the {metric} metric of gene `{gene}` is undefined (NaN): a t statistic needs a class that varies, a ratio needs class means of one sign"
    )]
    UndefinedMetric {
        /// The gene.
        gene: String,
        /// The metric's name.
        metric: &'static str,
    },
    /// An option value is out of range.
    #[error("invalid {name} `{value}`: {reason}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        reason: &'static str,
    },
}
