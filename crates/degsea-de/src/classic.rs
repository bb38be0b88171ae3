//! The classic edgeR two-group pipeline after filtering and normalisation:
//! `estimateCommonDisp` → `estimateTagwiseDisp` → `exactTest` → `topTags` (BH FDR).
//!
//! Spec: ALGORITHMS.md §A4–A10. Each step is a module of this crate; this one wires them as
//! edgeR's DGEList methods do (which dispersion feeds which step, which AveLogCPM is reported).

use std::time::Instant;

use degsea_stats::p_adjust_bh;
use ndarray::ArrayView2;

use crate::dispersion::{
    CommonDispOptions, CommonOptimum, TagwiseDispOptions, estimate_common_disp, estimate_tagwise_disp,
};
use crate::exact::{ExactTestOptions, exact_test};
use crate::onegroup::{AVE_LOG_CPM_DEFAULT_DISPERSION, Dispersion, ave_log_cpm};
use crate::pseudo::Quantiles;

/// Which of degsea's two tiers of the classic pipeline runs (ALGORITHMS.md §C.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tier {
    /// edgeR-equivalent (the default): the statistics edgeR defines, computed fast — the
    /// common dispersion at the precise optimum of the conditional likelihood
    /// ([`CommonOptimum::Precise`]) and pseudo-counts from fast accurate quantiles
    /// ([`Quantiles::Fast`]). Differs from edgeR by edgeR's optimiser tolerance.
    #[default]
    Equivalent,
    /// edgeR-exact: edgeR's arithmetic step for step (Brent's end point, R's quantile
    /// algorithms), bit-faithful to edgeR 3.40.2 within the tolerances of ALGORITHMS.md §C.
    EdgerExact,
}

impl Tier {
    /// The tier's name as recorded in run.json.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Equivalent => "edger-equivalent",
            Self::EdgerExact => "edger-exact",
        }
    }

    /// Its quantile algorithm.
    #[must_use]
    pub fn quantiles(self) -> Quantiles {
        match self {
            Self::Equivalent => Quantiles::Fast,
            Self::EdgerExact => Quantiles::AsR,
        }
    }
}

/// Which dispersion the exact test uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DispersionMethod {
    /// qCML common dispersion, then tagwise by weighted likelihood (edgeR's default workflow).
    Tagwise,
    /// The qCML common dispersion for every gene.
    Common,
    /// A fixed value for every gene (edgeR's advice for data without replicates).
    Fixed(f64),
}

/// Options of [`classic_de`] (edgeR defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassicOptions {
    /// The dispersion used by the test.
    pub dispersion: DispersionMethod,
    /// Common-dispersion options.
    pub common: CommonDispOptions,
    /// Tagwise-dispersion options (prior.df, span, grid).
    pub tagwise: TagwiseDispOptions,
    /// Exact-test options (big.count, prior.count).
    pub exact: ExactTestOptions,
}

impl Default for ClassicOptions {
    /// edgeR's defaults in the default tier ([`Tier::Equivalent`]).
    fn default() -> Self {
        Self::for_tier(Tier::default())
    }
}

impl ClassicOptions {
    /// edgeR's defaults computed in `tier`.
    ///
    /// ```
    /// use degsea_de::classic::{ClassicOptions, Tier};
    /// assert_eq!(ClassicOptions::for_tier(Tier::EdgerExact).tier(), Tier::EdgerExact);
    /// assert_eq!(ClassicOptions::default().tier(), Tier::Equivalent);
    /// ```
    #[must_use]
    pub fn for_tier(tier: Tier) -> Self {
        let quantiles = tier.quantiles();
        let optimum = match tier {
            Tier::Equivalent => CommonOptimum::Precise,
            Tier::EdgerExact => CommonOptimum::BrentEndPoint,
        };
        Self {
            dispersion: DispersionMethod::Tagwise,
            common: CommonDispOptions { optimum, quantiles, ..CommonDispOptions::default() },
            tagwise: TagwiseDispOptions { quantiles, ..TagwiseDispOptions::default() },
            exact: ExactTestOptions { quantiles, ..ExactTestOptions::default() },
        }
    }

    /// The tier these options run: edgeR-exact only when every stage follows edgeR's arithmetic.
    #[must_use]
    pub fn tier(&self) -> Tier {
        let exact = self.common.optimum == CommonOptimum::BrentEndPoint
            && [self.common.quantiles, self.tagwise.quantiles, self.exact.quantiles]
                .iter()
                .all(|&q| q == Quantiles::AsR);
        if exact { Tier::EdgerExact } else { Tier::Equivalent }
    }
}

/// Results of [`classic_de`], one entry per gene in input row order.
#[derive(Debug, Clone, PartialEq)]
pub struct DeResult {
    /// Shrunk log2 fold-change, test over reference.
    pub log_fc: Vec<f64>,
    /// Average log2 CPM (edgeR's `AveLogCPM`, with the common dispersion).
    pub log_cpm: Vec<f64>,
    /// Exact-test p-value.
    pub p_value: Vec<f64>,
    /// Benjamini–Hochberg FDR over all genes.
    pub fdr: Vec<f64>,
    /// The dispersion each gene was tested with.
    pub dispersion: Vec<f64>,
    /// The qCML common dispersion (NaN with a fixed dispersion, where it is not estimated,
    /// or when no group has replicates or no gene passes the row-sum filter).
    pub common_dispersion: f64,
    /// Genes with a total count above the row-sum filter used for the common dispersion.
    pub common_genes_used: usize,
    /// The tagwise prior weight `prior.n` (NaN unless tagwise).
    pub prior_n: f64,
    /// Number of genes whose one-group Newton fits did not converge (AveLogCPM or test).
    pub nonconverged: usize,
    /// Wall-clock seconds per stage, in run order.
    pub stage_seconds: Vec<(&'static str, f64)>,
}

impl DeResult {
    /// Row order of `topTags`: increasing p-value, ties by decreasing |logFC|, then input order.
    pub fn top_tags_order(&self) -> Vec<usize> {
        crate::exact::top_tags_order(&self.p_value, &self.log_fc)
    }
}

/// Runs the classic pipeline on filtered counts of the two groups.
///
/// `counts` holds the genes kept by the filter and only the samples of the contrast;
/// `is_test[i]` marks test-group samples; `lib_sizes` are the effective library sizes
/// `L_i f_i` (library sizes recomputed after filtering times the normalisation factors).
/// When the common dispersion cannot be estimated (no replicates, no gene above the row-sum
/// filter) it is NaN and so are the p-values; callers check [`DeResult::common_dispersion`].
///
/// ```
/// use degsea_de::classic::{classic_de, ClassicOptions};
/// let counts = ndarray::array![[10u32, 14, 30, 25], [100, 80, 150, 190], [7, 3, 9, 12], [50, 60, 55, 48]];
/// let r = classic_de(&counts.view(), &[false, false, true, true], &[1e6; 4], &ClassicOptions::default());
/// assert!(r.common_dispersion > 0.0);
/// assert_eq!(r.fdr.len(), 4);
/// ```
///
/// # References
/// edgeR 3.40.2 `estimateCommonDisp`, `estimateTagwiseDisp`, `exactTest`, `topTags`
/// (Robinson, McCarthy & Smyth 2010, Bioinformatics 26:139).
pub fn classic_de(
    counts: &ArrayView2<'_, u32>,
    is_test: &[bool],
    lib_sizes: &[f64],
    options: &ClassicOptions,
) -> DeResult {
    let group: Vec<usize> = is_test.iter().map(|&t| usize::from(t)).collect();
    let n_genes = counts.nrows();
    let mut stage_seconds = Vec::new();
    let mut nonconverged = 0;
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, stages: &mut Vec<(&'static str, f64)>| {
        stages.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };

    let (common, common_genes_used) = if let DispersionMethod::Fixed(_) = options.dispersion {
        (f64::NAN, 0)
    } else {
        let c = estimate_common_disp(counts, &group, lib_sizes, options.common);
        lap("common_dispersion", &mut stage_seconds);
        (c.dispersion, c.genes_used)
    };
    // estimateCommonDisp stores AveLogCPM with the common dispersion; without it exactTest
    // computes aveLogCPM with the default 0.05.
    let ave_dispersion = if common.is_nan() { AVE_LOG_CPM_DEFAULT_DISPERSION } else { common };
    let (log_cpm, nc) = ave_log_cpm(counts, lib_sizes, Dispersion::Common(ave_dispersion));
    nonconverged += nc;
    lap("ave_log_cpm", &mut stage_seconds);

    let (dispersion, prior_n) = match options.dispersion {
        DispersionMethod::Fixed(d) => (vec![d; n_genes], f64::NAN),
        DispersionMethod::Common => (vec![common; n_genes], f64::NAN),
        DispersionMethod::Tagwise if common.is_nan() => (vec![f64::NAN; n_genes], f64::NAN),
        DispersionMethod::Tagwise => {
            let t = estimate_tagwise_disp(counts, &group, lib_sizes, common, &log_cpm, options.tagwise);
            lap("tagwise_dispersion", &mut stage_seconds);
            (t.dispersions, t.prior_n)
        }
    };

    let test = exact_test(counts, is_test, lib_sizes, Dispersion::PerGene(&dispersion), options.exact);
    nonconverged += test.nonconverged;
    let fdr = p_adjust_bh(&test.p_value);
    lap("exact_test", &mut stage_seconds);
    DeResult {
        log_fc: test.log_fc,
        log_cpm,
        p_value: test.p_value,
        fdr,
        dispersion,
        common_dispersion: common,
        common_genes_used,
        prior_n,
        nonconverged,
        stage_seconds,
    }
}
