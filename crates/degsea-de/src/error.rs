//! The error type of `degsea-de`.

/// A convenience alias for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a differential-expression step cannot run on the given data. Messages are lowercase and
/// name the offending sample or setting.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The analysis was given no samples.
    #[error("no samples to analyse")]
    NoSamples,
    /// A sample has no reads at all (edgeR would produce NaN library-size factors).
    #[error("sample `{sample}` has library size zero (no reads in any gene)")]
    ZeroLibrarySize {
        /// The sample name (or `column N` when names are unknown).
        sample: String,
    },
    /// A sample has no reads in the genes that survived filtering.
    #[error("sample `{sample}` has no reads in the {kept} gene(s) kept by filterByExpr")]
    ZeroLibraryAfterFilter {
        /// The sample name.
        sample: String,
        /// Number of genes kept.
        kept: usize,
    },
    /// filterByExpr removed every gene.
    #[error(
        "no gene passes filterByExpr (min.count {min_count}, min.total.count {min_total_count}, \
         smallest group {min_group}); check the counts or use --no-filter"
    )]
    NoGenesKept {
        /// The `min.count` used.
        min_count: f64,
        /// The `min.total.count` used.
        min_total_count: f64,
        /// Size of the smallest group.
        min_group: usize,
    },
    /// Upper-quartile normalisation met a sample whose upper quartile is zero.
    #[error(
        "the upper quartile of sample `{sample}` is zero, so upper-quartile normalisation is \
         undefined (TMM has no such requirement)"
    )]
    ZeroUpperQuartile {
        /// The sample name (or `column N`).
        sample: String,
    },
    /// RLE normalisation found no gene with a non-zero count in every sample.
    #[error(
        "rle normalisation needs genes with non-zero counts in every sample; there are none (TMM has no such requirement)"
    )]
    RleNoGenes,
    /// The locfit trend needed more tree vertices than locfit allocates.
    #[error(
        "the locfit trend needs more than {max} evaluation vertices (locfit: out of vertex space); \
         use a larger span"
    )]
    LocfitVertexSpace {
        /// locfit's vertex allowance for this span.
        max: usize,
    },
    /// A locfit vertex had no observation with positive kernel weight.
    #[error("the locfit trend has no observation with positive weight near {at}")]
    LocfitNoPoints {
        /// The vertex position on the covariate axis.
        at: f64,
    },
    /// The design leaves no residual degrees of freedom.
    #[error(
        "the design has {coefficients} coefficient(s) for {samples} sample(s): no residual degrees \
         of freedom to estimate the dispersion"
    )]
    NoResidualDf {
        /// Number of samples.
        samples: usize,
        /// Number of design columns.
        coefficients: usize,
    },
    /// Multidimensional scaling of the samples is impossible on these data.
    #[error("MDS of the samples: {reason}")]
    Mds {
        /// Why (too few samples or genes, or no convergence).
        reason: String,
    },
}
