//! The error type of `degsea-sim`.

/// A convenience alias for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Invalid simulation settings. Messages are lowercase and name the offending value.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A group specification (`LEVEL=N,LEVEL=N`) could not be parsed.
    #[error("invalid group specification `{spec}`: {reason}")]
    GroupSpec {
        /// The whole specification as given.
        spec: String,
        /// What is wrong, naming the offending token.
        reason: String,
    },
    /// A planted shift (`SET=LOG2FC`) could not be parsed.
    #[error("invalid planted shift `{spec}`: {reason}")]
    PlantSpec {
        /// The specification as given.
        spec: String,
        /// What is wrong, naming the offending token.
        reason: String,
    },
    /// A test level is not one of the simulated groups.
    #[error("test level `{level}` is not one of the groups ({available})")]
    UnknownTestLevel {
        /// The level asked for.
        level: String,
        /// The simulated levels, comma-separated.
        available: String,
    },
    /// The test and reference sides cannot both be non-empty.
    #[error("{0}")]
    Groups(String),
    /// A covariate specification could not be parsed or does not fit the cohort.
    #[error("invalid covariate specification `{spec}`: {reason}")]
    CovariateSpec {
        /// The specification as given.
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A planted set is not in the gene-set collection.
    #[error("gene set `{name}` is not in collection `{collection}`{hint}")]
    UnknownSet {
        /// The set asked for.
        name: String,
        /// The collection searched.
        collection: String,
        /// Close names (`; did you mean …?`) or the number of sets.
        hint: String,
    },
    /// The same set is planted twice.
    #[error("gene set `{0}` is planted more than once")]
    DuplicatePlant(String),
    /// A planted set has no gene in the simulated gene universe.
    #[error("gene set `{0}` has no gene that can be simulated (no Ensembl id for any member?)")]
    EmptyPlant(String),
    /// Fewer genes were requested than the gene sets need.
    #[error("{requested} genes requested but the gene sets alone have {needed} distinct genes")]
    TooFewGenes {
        /// The requested number of genes.
        requested: usize,
        /// The number of distinct gene-set genes.
        needed: usize,
    },
    /// A numeric option is out of range.
    #[error("{name} = {value} is invalid: {reason}")]
    Option {
        /// The option.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// The allowed range.
        reason: &'static str,
    },
    /// A simulated count does not fit the `u32` count matrix.
    #[error("simulated count {value} for gene `{gene}` exceeds the u32 range; lower the library size")]
    CountOverflow {
        /// The gene.
        gene: String,
        /// The value drawn.
        value: u64,
    },
    /// A domain object could not be built.
    #[error(transparent)]
    Core(#[from] degsea_core::Error),
}
