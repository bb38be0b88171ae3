//! edgeR's quasi-likelihood pipeline: `glmQLFit` and `glmQLFTest` (GLM.md G5, G6).

use ndarray::{Array2, Axis};

use super::fit::{FitInput, GLMFIT_PRIOR_COUNT, GlmFit, RawFit, fit_raw, glm_fit, glm_fit_from};
use super::lrt::glm_lrt;
use super::squeeze::{Squeezed, squeeze_var};
use crate::onegroup::Dispersion;

/// edgeR `glmQLFit`: a fitted value and count both below this make an exact zero fit.
const ZERO_FIT: f64 = 1e-4;

/// A QL fit (edgeR's `DGEGLM` after `glmQLFit`).
#[derive(Debug, Clone)]
pub struct QlFit {
    /// The NB GLM with the (trended) dispersions.
    pub glm: GlmFit,
    /// Residual df after removing exact zero fits (edgeR `df.residual.zeros`).
    pub df_residual_zeros: Vec<f64>,
    /// QL dispersions before moderation (`deviance / df`, 0 where df is 0).
    pub s2: Vec<f64>,
    /// The moderation (`df.prior`, `var.prior`, `var.post`).
    pub squeezed: Squeezed,
}

/// edgeR `.residDF`: residual df per gene, reduced for samples with exact zero fits by the
/// rank of the design restricted to the other samples.
///
/// # References
/// edgeR 3.40.2 `R/residDF.R`.
#[doc(alias = ".residDF")]
pub fn resid_df(zero: &Array2<bool>, design: &ndarray::ArrayView2<'_, f64>) -> Vec<f64> {
    let (n_genes, n) = zero.dim();
    let p = design.ncols();
    let mut cache: std::collections::HashMap<Vec<bool>, usize> = std::collections::HashMap::new();
    (0..n_genes)
        .map(|g| {
            let row: Vec<bool> = zero.row(g).to_vec();
            let nzero = row.iter().filter(|&&z| z).count();
            if nzero == 0 {
                return n.saturating_sub(p) as f64;
            }
            if nzero == n {
                return 0.0;
            }
            let rank = *cache.entry(row.clone()).or_insert_with(|| {
                let keep: Vec<usize> = (0..n).filter(|&i| !row[i]).collect();
                degsea_core::formula::rank_dqrdc2(&design.select(Axis(0), &keep).view()).0
            });
            (n - nzero).saturating_sub(rank) as f64
        })
        .collect()
}

/// edgeR `glmQLFit.default` with `abundance.trend = TRUE`: `glmFit` with the given (usually
/// trended) dispersions, zero-fit-adjusted residual df, `s² = deviance/df`, and limma's
/// `squeezeVar` with `AveLogCPM` as covariate — with `robust`, limma's `fitFDistRobustly`
/// (`glmQLFit(robust = TRUE)`, default `winsor.tail.p = c(0.05, 0.1)`).
///
/// # References
/// edgeR 3.40.2 `R/glmQLFit.R`; Lund, Nettleton, McCarthy & Smyth (2012), *Stat. Appl. Genet.
/// Mol. Biol.* 11:5; Lun, Chen & Smyth (2016), *Methods Mol. Biol.* 1418:391.
#[doc(alias = "glmQLFit")]
pub fn glm_ql_fit(input: &FitInput<'_>, ave_log_cpm: &[f64], robust: bool) -> QlFit {
    glm_ql_fit_from(input, ave_log_cpm, robust, None)
}

/// [`glm_ql_fit`] reusing `raw`, the `glmFit(prior.count = 0)` of `input` when the caller has
/// it (`estimateDisp`'s trended fit, [`crate::glm::estimate_disp::DispersionEstimate`]).
pub(crate) fn glm_ql_fit_from(
    input: &FitInput<'_>,
    ave_log_cpm: &[f64],
    robust: bool,
    raw: Option<RawFit>,
) -> QlFit {
    let raw = raw.unwrap_or_else(|| fit_raw(input, None));
    let glm = glm_fit_from(input, GLMFIT_PRIOR_COUNT, raw);
    let zero =
        ndarray::Zip::from(&glm.fitted).and(&input.counts).map_collect(|&m, &y| m < ZERO_FIT && y < ZERO_FIT);
    let df = resid_df(&zero, &input.design);
    let s2: Vec<f64> =
        glm.deviance.iter().zip(&df).map(|(&d, &f)| if f == 0.0 { 0.0 } else { (d / f).max(0.0) }).collect();
    let squeezed = squeeze_var(&s2, &df, Some(ave_log_cpm), robust);
    QlFit { glm, df_residual_zeros: df, s2, squeezed }
}

/// Result of [`glm_ql_ftest`], one entry per gene.
#[derive(Debug, Clone, PartialEq)]
pub struct QlTest {
    /// Reported log2 fold change (shrunk coefficients).
    pub log_fc: Vec<f64>,
    /// Quasi-likelihood F statistic.
    pub f: Vec<f64>,
    /// P-value (after the Poisson bound).
    pub p_value: Vec<f64>,
    /// Denominator df of the F test.
    pub df_total: Vec<f64>,
}

/// edgeR `glmQLFTest(fit, coef)`: `F = LR / df.test / s²_post` on `min(df.prior + df.residual.zeros,
/// ngenes·(n − p))` denominator df; genes whose QL dispersion puts them below the Poisson bound
/// take the larger of their p-value and a Poisson GLM LRT p-value (`poisson.bound = TRUE`).
///
/// # Panics
/// If `coef` is not a design column.
///
/// # References
/// edgeR 3.40.2 `R/glmQLFTest.R`, `src/R_check_poisson_bound.cpp`; Lund et al. (2012).
#[doc(alias = "glmQLFTest")]
pub fn glm_ql_ftest(input: &FitInput<'_>, ql: &QlFit, coef: usize) -> QlTest {
    let lrt = glm_lrt(input, &ql.glm, coef);
    let (n_genes, n) = input.counts.dim();
    let df_test = lrt.df_test as f64;
    let var_post = &ql.squeezed.var_post;
    let f: Vec<f64> = lrt.lr.iter().zip(var_post).map(|(&lr, &v)| lr / df_test / v).collect();
    let max_df = (n_genes * n.saturating_sub(input.design.ncols())) as f64;
    let df_total: Vec<f64> =
        ql.squeezed.df_prior.iter().zip(&ql.df_residual_zeros).map(|(&a, &b)| (a + b).min(max_df)).collect();
    let mut p_value: Vec<f64> =
        f.iter().zip(&df_total).map(|(&fv, &d)| degsea_stats::pf(fv, df_test, d, false, false)).collect();
    let below: Vec<usize> = (0..n_genes)
        .filter(|&g| {
            let phi = input.dispersion.get(g);
            ql.glm.fitted.row(g).iter().any(|&mu| (mu * phi + 1.0) * var_post[g] < 1.0)
        })
        .collect();
    if !below.is_empty() {
        let counts = input.counts.select(Axis(0), &below);
        let start = ql.glm.coefficients.select(Axis(0), &below);
        let pois_input = FitInput { counts: counts.view(), dispersion: Dispersion::Common(0.0), ..*input };
        let pois = glm_fit(&pois_input, 0.0, Some(&start.view()));
        let pois_lrt = glm_lrt(&pois_input, &pois, coef);
        for (k, &g) in below.iter().enumerate() {
            p_value[g] = p_value[g].max(pois_lrt.p_value[k]);
        }
    }
    QlTest { log_fc: lrt.log_fc, f, p_value, df_total }
}
