//! The GLM pipeline of one coefficient in one call, as the user's R session runs it (GLM.md G0):
//! `estimateDisp(y, design)`, then either `glmQLFit` + `glmQLFTest` (trended dispersions) or
//! `glmFit` + `glmLRT` (tagwise dispersions), BH FDR and `topTags` order.

use std::time::Instant;

use ndarray::{Array2, ArrayView2};

use super::estimate_disp::{DispersionEstimate, estimate_disp};
use super::fit::{FitInput, GLMFIT_PRIOR_COUNT, glm_fit};
use super::lrt::glm_lrt;
use super::ql::{glm_ql_fit_from, glm_ql_ftest};
use crate::Result;
use crate::classic::Tier;
use crate::onegroup::Dispersion;

/// The test of a GLM analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlmTest {
    /// edgeR's quasi-likelihood F-test (`glmQLFit` + `glmQLFTest`), the authors' recommendation.
    QuasiLikelihood {
        /// `glmQLFit(robust = TRUE)`: limma's robust empirical Bayes (`fitFDistRobustly`).
        robust: bool,
    },
    /// edgeR's likelihood-ratio test (`glmFit` + `glmLRT`) with tagwise dispersions.
    LikelihoodRatio,
}

impl GlmTest {
    /// Short name (`ql`, `lrt`).
    pub fn name(self) -> &'static str {
        match self {
            Self::QuasiLikelihood { .. } => "ql",
            Self::LikelihoodRatio => "lrt",
        }
    }

    /// Column name of the test statistic in `topTags` (`F` or `LR`).
    pub fn statistic_name(self) -> &'static str {
        match self {
            Self::QuasiLikelihood { .. } => "F",
            Self::LikelihoodRatio => "LR",
        }
    }
}

/// How the fits whose deviances and coefficients are reported (`glmQLFit`, `glmFit`, the
/// null fits of the tests) are computed in both tiers: edgeR's Levenberg iteration. Their
/// results carry edgeR's convergence error (`dlᵀdβ < 1e-6` before the last step), so F and LR
/// of near-null genes move by up to ~1e-5 relative under another iteration — more than GLM.md
/// G7's 1e-6. The edgeR-equivalent tier changes only `estimateDisp`'s fits, whose results
/// enter through the grid likelihoods (second order in the coefficients).
const REPORTED_FITS: Tier = Tier::EdgerExact;

/// Result of [`glm_de`], one entry per gene in input row order (`topTags` columns).
#[derive(Debug, Clone, PartialEq)]
pub struct GlmDeResult {
    /// The test run.
    pub test: GlmTest,
    /// `predFC`-shrunk log2 fold change of the tested coefficient (`prior.count = 0.125`).
    pub log_fc: Vec<f64>,
    /// `AveLogCPM` (with the common dispersion, as `estimateDisp` stores it).
    pub log_cpm: Vec<f64>,
    /// The test statistic: quasi-likelihood `F` or likelihood ratio `LR`.
    pub statistic: Vec<f64>,
    /// P-value.
    pub p_value: Vec<f64>,
    /// Benjamini–Hochberg FDR over all genes.
    pub fdr: Vec<f64>,
    /// The NB dispersion each gene was fitted with: trended (QL) or tagwise (LRT).
    pub dispersion: Vec<f64>,
    /// `estimateDisp`'s common, trended and tagwise dispersions and prior df.
    pub estimate: DispersionEstimate,
    /// QL only: prior df of the QL dispersions per gene (`fit$df.prior`; one value repeated
    /// unless robust).
    pub ql_df_prior: Vec<f64>,
    /// QL only: prior QL dispersion per gene (`fit$s2.prior`).
    pub ql_s2_prior: Vec<f64>,
    /// Wall-clock seconds per stage, in run order.
    pub stage_seconds: Vec<(&'static str, f64)>,
}

impl GlmDeResult {
    /// Row order of `topTags`: increasing p-value, ties by decreasing |logFC|, then input order.
    pub fn top_tags_order(&self) -> Vec<usize> {
        crate::exact::top_tags_order(&self.p_value, &self.log_fc)
    }
}

/// Runs edgeR's GLM pipeline for coefficient `coef` of `design` on filtered counts:
/// `estimateDisp(y, design)`; for [`GlmTest::QuasiLikelihood`] `glmQLFit(y, design)` (trended
/// dispersions, `AveLogCPM` as abundance covariate) and `glmQLFTest(fit, coef)`; for
/// [`GlmTest::LikelihoodRatio`] `glmFit(y, design)` (tagwise) and `glmLRT(fit, coef)`; then
/// `p.adjust(method = "BH")`.
///
/// `counts` holds the kept genes × the design's samples; `eff_lib_sizes` are
/// `lib.size · norm.factors`; `design` is samples × coefficients of full column rank.
///
/// # Errors
/// Those of [`estimate_disp`] (no residual df, locfit failures).
///
/// # Panics
/// If `coef` is not a column of `design` or the shapes disagree.
///
/// # References
/// edgeR 3.40.2 `estimateDisp`, `glmQLFit`, `glmQLFTest`, `glmFit`, `glmLRT`, `topTags`;
/// Chen, Lun & Smyth (2016), *F1000Research* 5:1438 (the QL pipeline).
#[doc(alias = "glmQLFTest")]
#[doc(alias = "glmLRT")]
pub fn glm_de(
    counts: &ArrayView2<'_, u32>,
    eff_lib_sizes: &[f64],
    design: &ArrayView2<'_, f64>,
    coef: usize,
    test: GlmTest,
    tier: Tier,
) -> Result<GlmDeResult> {
    let (n, p) = design.dim();
    assert!(coef < p, "coefficient {coef} out of range");
    let mut stage_seconds = Vec::new();
    let clock = Instant::now();
    let column_major: Vec<f64> = design.t().iter().copied().collect();
    let mut estimate = estimate_disp(counts, eff_lib_sizes, &column_major, p, tier)?;
    // AveLogCPM at the common dispersion, as estimateDisp computed it for its trend.
    let log_cpm = std::mem::take(&mut estimate.ave_log_cpm);
    stage_seconds.push(("estimate_disp", clock.elapsed().as_secs_f64()));
    debug_assert_eq!(counts.ncols(), n, "one design row per sample");

    let y: Array2<f64> = counts.mapv(f64::from);
    let offset: Vec<f64> = eff_lib_sizes.iter().map(|l| l.ln()).collect();
    let clock = Instant::now();
    let (log_fc, statistic, p_value, dispersion, ql_df_prior, ql_s2_prior) = match test {
        GlmTest::QuasiLikelihood { robust } => {
            let dispersion = estimate.trended.clone();
            let input = FitInput {
                counts: y.view(),
                design: *design,
                offset: &offset,
                dispersion: Dispersion::PerGene(&dispersion),
                tier: REPORTED_FITS,
            };
            // estimateDisp's trended fit is glmQLFit's unshrunk fit: same counts, design,
            // offsets, dispersions and iteration.
            let fit = glm_ql_fit_from(&input, &log_cpm, robust, estimate.trended_fit.take());
            stage_seconds.push(("glm_ql_fit", clock.elapsed().as_secs_f64()));
            let clock = Instant::now();
            let r = glm_ql_ftest(&input, &fit, coef);
            stage_seconds.push(("glm_ql_ftest", clock.elapsed().as_secs_f64()));
            (r.log_fc, r.f, r.p_value, dispersion, fit.squeezed.df_prior, fit.squeezed.var_prior)
        }
        GlmTest::LikelihoodRatio => {
            let dispersion = estimate.tagwise.clone();
            let input = FitInput {
                counts: y.view(),
                design: *design,
                offset: &offset,
                dispersion: Dispersion::PerGene(&dispersion),
                tier: REPORTED_FITS,
            };
            let fit = glm_fit(&input, GLMFIT_PRIOR_COUNT, None);
            stage_seconds.push(("glm_fit", clock.elapsed().as_secs_f64()));
            let clock = Instant::now();
            let r = glm_lrt(&input, &fit, coef);
            stage_seconds.push(("glm_lrt", clock.elapsed().as_secs_f64()));
            (r.log_fc, r.lr, r.p_value, dispersion, Vec::new(), Vec::new())
        }
    };
    let fdr = degsea_stats::p_adjust_bh(&p_value);
    Ok(GlmDeResult {
        test,
        log_fc,
        log_cpm,
        statistic,
        p_value,
        fdr,
        dispersion,
        estimate,
        ql_df_prior,
        ql_s2_prior,
        stage_seconds,
    })
}
