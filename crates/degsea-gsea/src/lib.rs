//! Preranked gene set enrichment analysis as fgsea 1.31.6 computes it.
//!
//! [`run`] takes a [`RankedList`] and gene-set collections and returns, per pathway, the
//! enrichment score (ES) and its leading edge (exactly fgsea's `calcGseaStat`), the normalised
//! score (NES), a p-value, the BH-adjusted p-value and the expected error of `log2 p`. Two
//! p-value methods are available:
//!
//! * [`Method::Multilevel`] (default, fgseaMultilevel): a 1,000-permutation run first, then the
//!   adaptive multilevel splitting estimator for pathways that need more precision, down to
//!   `eps` (or arbitrarily small p with `eps = 0`);
//! * [`Method::Permutation`] (fgseaSimple): `nperm` permutations with random sets shared by
//!   pathways, sign-conditional p-values.
//!
//! Random numbers come from a hand-written Mersenne Twister ([`rng`]); every unit of random
//! work has its own stream derived from [`GseaOptions::seed`], so results are byte-identical for
//! any number of rayon threads. The input order of genes does not matter: genes are sorted by
//! decreasing score, ties by name.
//!
//! Module map (Rust ← fgsea): [`es`] ← `calcGseaStat`, `esCalculation.cpp`; [`simple`] ←
//! `fgseaSimpleImpl`, `fastGSEA.cpp`; [`multilevel`] ← `fgseaMultilevelSupplement.cpp`
//! (`EsRuler`); [`run`] ← `fgseaMultilevel.R`, `fgsea.R`; [`rng`] ← `util.cpp`.
//!
//! ```
//! use degsea_core::{GeneSet, GeneSetCollection, RankedList};
//! let genes: Vec<String> = (0..100).map(|i| format!("G{i}")).collect();
//! let scores: Vec<f64> = (0..100).map(|i| 50.0 - f64::from(i)).collect();
//! let ranks = RankedList::new(genes, scores)?;
//! let sets = GeneSetCollection {
//!     name: "demo".into(),
//!     version: String::new(),
//!     sets: vec![GeneSet {
//!         name: "TOP".into(),
//!         description: String::new(),
//!         genes: (0..10).map(|i| format!("G{i}")).collect(),
//!     }],
//! };
//! let opts = degsea_gsea::GseaOptions { min_size: 5, ..Default::default() };
//! let res = degsea_gsea::run(&ranks, &[sets], &opts)?;
//! assert_eq!(res.rows[0].pathway, "TOP");
//! assert!(res.rows[0].es > 0.9 && res.rows[0].pval < 1e-3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # References
//! Korotkevich G, Sukhov V, Budin N, Shpak B, Artyomov MN, Sergushichev A (2021). Fast gene set
//! enrichment analysis. bioRxiv 060012. Subramanian A et al. (2005). Gene set enrichment
//! analysis. PNAS 102:15545–15550.

mod error;
pub mod es;
pub mod multilevel;
pub mod phenotype;
mod prepare;
mod pvalues;
pub mod rng;
pub mod simple;
mod special;

use degsea_core::{GeneSetCollection, RankedList};
use rayon::prelude::*;

pub use error::{Error, Result};
pub use es::ScoreType;
pub use prepare::{MatchedSet, MatchedSets, SortedRanks, match_sets};

use crate::pvalues::{multilevel_method, permutation_method};

/// fgsea `minSize` as used by degsea (fgsea's own default is 1).
pub const DEFAULT_MIN_SIZE: usize = 15;
/// fgsea `maxSize` as used by degsea (fgsea's own default is `N − 1`).
pub const DEFAULT_MAX_SIZE: usize = 500;
/// fgseaMultilevel `eps` default (1.19.2 and later).
pub const DEFAULT_EPS: f64 = 1e-50;
/// fgseaMultilevel `sampleSize` default.
pub const DEFAULT_SAMPLE_SIZE: usize = 101;
/// fgseaMultilevel `nPermSimple` default.
pub const DEFAULT_N_PERM_SIMPLE: usize = 1000;
/// Number of permutations of `--method permutation` unless given.
pub const DEFAULT_NPERM: usize = 10_000;
/// fgseaMultilevel: smallest population size (`sampleSize < 3` → 3).
pub const MIN_SAMPLE_SIZE: usize = 3;
/// fgseaMultilevel: pathways whose observed sign has fewer null draws than this get NA.
pub const MIN_MODE_FRACTION: u64 = 10;
/// Default master seed of the command line.
pub const DEFAULT_SEED: u64 = 42;
/// Confidence level of the Clopper–Pearson interval used for `simpleError`.
const SIMPLE_ERROR_ALPHA: f64 = 0.05;

/// RNG stream of the plain permutation test.
const STREAM_PERMUTATION: u64 = 1;
/// RNG stream of fgseaMultilevel's preliminary permutation run.
const STREAM_PRELIMINARY: u64 = 2;
/// RNG stream of the multilevel rulers.
const STREAM_RULER: u64 = 3;

/// How p-values are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// fgseaMultilevel (default).
    Multilevel,
    /// fgseaSimple with `nperm` permutations.
    Permutation {
        /// Number of permutations.
        nperm: usize,
    },
}

impl Method {
    /// `multilevel` or `permutation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Multilevel => "multilevel",
            Self::Permutation { .. } => "permutation",
        }
    }
}

/// Options of [`run`]; `Default` gives fgsea's defaults with degsea's size limits.
#[derive(Debug, Clone, PartialEq)]
pub struct GseaOptions {
    /// Smallest pathway size (overlap with the ranked list) tested.
    pub min_size: usize,
    /// Largest pathway size tested.
    pub max_size: usize,
    /// P-value method.
    pub method: Method,
    /// Multilevel: lower bound of reported p-values (`0` = no bound).
    pub eps: f64,
    /// Multilevel: population size of the splitting estimator (made odd, at least 3).
    pub sample_size: usize,
    /// Multilevel: permutations of the preliminary simple run.
    pub n_perm_simple: usize,
    /// Which tail(s) the enrichment score measures.
    pub score_type: ScoreType,
    /// Master seed; every random stream is derived from it.
    pub seed: u64,
}

impl Default for GseaOptions {
    fn default() -> Self {
        Self {
            min_size: DEFAULT_MIN_SIZE,
            max_size: DEFAULT_MAX_SIZE,
            method: Method::Multilevel,
            eps: DEFAULT_EPS,
            sample_size: DEFAULT_SAMPLE_SIZE,
            n_perm_simple: DEFAULT_N_PERM_SIMPLE,
            score_type: ScoreType::Std,
            seed: DEFAULT_SEED,
        }
    }
}

/// Result of one pathway.
#[derive(Debug, Clone, PartialEq)]
pub struct PathwayResult {
    /// Pathway (gene set) name.
    pub pathway: String,
    /// Index of the collection it came from.
    pub collection: usize,
    /// Number of its genes found in the ranked list.
    pub size: usize,
    /// Enrichment score.
    pub es: f64,
    /// Normalised enrichment score (NaN = NA).
    pub nes: f64,
    /// P-value (NaN = NA).
    pub pval: f64,
    /// BH-adjusted p-value (NaN = NA).
    pub padj: f64,
    /// Expected standard deviation of `log2 pval` (NaN = NA).
    pub log2err: f64,
    /// Null draws at least as extreme as ES on its side (`nMoreExtreme`) in the permutation
    /// run (`nperm`, or `nPermSimple` for multilevel).
    pub n_more_extreme: u64,
    /// Null draws of the same sign as ES in that run (the denominator of the permutation p).
    pub n_same_sign: u64,
    /// Leading-edge genes, in fgsea's order.
    pub leading_edge: Vec<String>,
    /// Sorted 0-based positions of the pathway's genes in [`GseaResult::ranks`] (for plots).
    pub hits: Vec<usize>,
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq)]
pub struct GseaResult {
    /// The ranked list in analysis order.
    pub ranks: SortedRanks,
    /// One row per tested pathway, sorted by p-value (NA last), ties by pathway name.
    pub rows: Vec<PathwayResult>,
    /// Number of gene sets outside the size limits.
    pub n_skipped: usize,
    /// Distinct genes over all gene sets.
    pub n_set_genes: usize,
    /// How many of them are in the ranked list.
    pub n_set_genes_ranked: usize,
    /// Population size actually used by the multilevel estimator.
    pub sample_size: usize,
    /// Warnings as fgsea gives them (also meant for the log).
    pub warnings: Vec<String>,
}

/// Runs preranked GSEA of `ranks` against every set of `collections`.
///
/// # Errors
/// Fewer than 2 genes, invalid options, duplicate set names, or no set within the size limits.
///
/// # References
/// fgsea 1.31.6 `fgseaMultilevel` and `fgseaSimple` (ALGORITHMS.md §B).
#[doc(alias = "fgsea")]
#[doc(alias = "fgseaMultilevel")]
#[doc(alias = "fgseaSimple")]
pub fn run(ranks: &RankedList, collections: &[GeneSetCollection], opts: &GseaOptions) -> Result<GseaResult> {
    let mut warnings = Vec::new();
    if !(0.0..=1.0).contains(&opts.eps) {
        return Err(Error::InvalidOption {
            name: "eps",
            value: opts.eps.to_string(),
            reason: "must be between 0 and 1",
        });
    }
    if opts.min_size > opts.max_size {
        return Err(Error::InvalidOption {
            name: "min-size",
            value: opts.min_size.to_string(),
            reason: "must not exceed max-size",
        });
    }
    if let Method::Permutation { nperm: 0 } = opts.method {
        return Err(Error::InvalidOption { name: "nperm", value: "0".into(), reason: "must be at least 1" });
    }
    if opts.n_perm_simple == 0 {
        return Err(Error::InvalidOption {
            name: "nperm-simple",
            value: "0".into(),
            reason: "must be at least 1",
        });
    }
    let mut sample_size = opts.sample_size;
    if sample_size < MIN_SAMPLE_SIZE {
        warnings.push(format!("sampleSize {sample_size} is too small, so sampleSize = 3 is used"));
        sample_size = MIN_SAMPLE_SIZE;
    }
    if sample_size.is_multiple_of(2) {
        sample_size += 1;
    }
    if ranks.len() < 2 {
        return Err(Error::TooFewGenes(ranks.len()));
    }
    let sorted = SortedRanks::new(ranks);
    if sorted.tie_fraction > 0.0 {
        warnings.push(format!(
            "there are ties in the preranked stats ({:.2}% of the list); tied genes are ordered by name",
            100.0 * sorted.tie_fraction
        ));
    }
    if opts.score_type == ScoreType::Std && sorted.scores.iter().all(|&s| s > 0.0) {
        warnings.push(
            "all ranked stats are positive; consider the one-tailed score type `pos` (fgsea scoreType = \"pos\")".to_owned(),
        );
    }
    let refs: Vec<&GeneSetCollection> = collections.iter().collect();
    let matched = match_sets(&sorted, &refs, opts.min_size, opts.max_size)?;

    let observed: Vec<es::EnrichmentScore> = matched
        .kept
        .par_iter()
        .map(|s| es::calc_gsea_stat(&sorted.weights, &s.hits, opts.score_type))
        .collect();
    let es_values: Vec<f64> = observed.iter().map(|e| e.es).collect();
    let sizes: Vec<usize> = matched.kept.iter().map(|s| s.hits.len()).collect();

    let stats = match opts.method {
        Method::Permutation { nperm } => {
            permutation_method(&sorted, &es_values, &sizes, opts, nperm, &mut warnings)
        }
        Method::Multilevel => {
            multilevel_method(&sorted, &es_values, &sizes, opts, sample_size, &mut warnings)
        }
    };

    let mut rows: Vec<PathwayResult> = matched
        .kept
        .iter()
        .zip(&observed)
        .zip(stats)
        .map(|((set, e), st)| PathwayResult {
            pathway: set.name.clone(),
            collection: set.collection,
            size: set.hits.len(),
            es: e.es,
            nes: st.nes,
            pval: st.pval,
            padj: st.padj,
            log2err: st.log2err,
            n_more_extreme: st.n_more_extreme,
            n_same_sign: st.n_same_sign,
            leading_edge: e
                .leading_edge
                .positions(&set.hits)
                .iter()
                .map(|&p| sorted.genes[p].clone())
                .collect(),
            hits: set.hits.clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |p: f64| if p.is_nan() { f64::INFINITY } else { p };
        key(a.pval)
            .total_cmp(&key(b.pval))
            .then_with(|| a.pval.is_nan().cmp(&b.pval.is_nan()))
            .then_with(|| a.pathway.cmp(&b.pathway))
    });
    Ok(GseaResult {
        ranks: sorted,
        rows,
        n_skipped: matched.n_skipped,
        n_set_genes: matched.n_set_genes,
        n_set_genes_ranked: matched.n_set_genes_ranked,
        sample_size,
        warnings,
    })
}
