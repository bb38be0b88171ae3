//! edgeR's `glmFit`: NB GLM per gene with the design, and `predFC` for reported fold changes.

use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;

use super::deviance::nbinom_deviance;
use super::levenberg::{GLMFIT_MAX_ITERATIONS, LEVENBERG_TOLERANCE, Levenberg};
use super::oneway::{design_as_factor, mglm_one_way};
use super::scoring::{FitScratch, fit_equivalent};
use crate::classic::Tier;
use crate::onegroup::{Dispersion, ROWS_PER_TASK};

/// edgeR `glmFit(prior.count = 0.125)`: prior count of the shrunk (reported) coefficients.
pub const GLMFIT_PRIOR_COUNT: f64 = 0.125;

/// Which of edgeR's two fitting routes `glmFit` took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitMethod {
    /// One distinct design row per coefficient: group-wise `mglmOneGroup` (`mglmOneWay`).
    OneWay,
    /// General design: `mglmLevenberg`.
    Levenberg,
}

/// A fitted NB GLM for every gene (edgeR's `DGEGLM` without the QL fields).
#[derive(Debug, Clone)]
pub struct GlmFit {
    /// Unshrunk coefficients, natural-log scale, genes × design columns (edgeR's
    /// `unshrunk.coefficients`, or `coefficients` when `prior.count = 0`).
    pub coefficients: Array2<f64>,
    /// `predFC`-shrunk coefficients on the natural-log scale (edgeR's `coefficients` after
    /// `glmFit(prior.count)`); `None` when the prior count was zero.
    pub shrunk: Option<Array2<f64>>,
    /// Fitted means, genes × samples.
    pub fitted: Array2<f64>,
    /// Deviance per gene.
    pub deviance: Vec<f64>,
    /// `nsamples − ncoefficients`.
    pub df_residual: usize,
    /// The route taken.
    pub method: FitMethod,
}

/// Per-gene offsets, dispersion and optional start values for [`glm_fit`].
#[derive(Debug, Clone, Copy)]
pub struct FitInput<'a> {
    /// Counts, genes × samples (may be non-integer, e.g. with prior counts added).
    pub counts: ArrayView2<'a, f64>,
    /// Design, samples × coefficients, of full column rank.
    pub design: ArrayView2<'a, f64>,
    /// Log effective library sizes, one per sample (`log(lib.size · norm.factors)`).
    pub offset: &'a [f64],
    /// NB dispersion, common or per gene.
    pub dispersion: Dispersion<'a>,
    /// How the Levenberg route fits: edgeR's iteration ([`Tier::EdgerExact`]) or Fisher
    /// scoring with edgeR's iteration as fallback ([`Tier::Equivalent`],
    /// [`crate::glm::scoring::fit_equivalent`]).
    pub tier: Tier,
}

/// Coefficients, fitted means, deviances and route of a `glmFit(prior.count = 0)`.
pub(crate) type RawFit = (Array2<f64>, Array2<f64>, Vec<f64>, FitMethod);

/// edgeR `glmFit.default` with `prior.count = 0`: `mglmOneWay` when the design is a one-way
/// layout (as many distinct rows as columns), else `mglmLevenberg` (`maxit = 250`, `tol =
/// 1e-6`) from `start` or edgeR's null start; deviance by `nbinomDeviance`.
pub(crate) fn fit_raw(input: &FitInput<'_>, start: Option<&ArrayView2<'_, f64>>) -> RawFit {
    let (n_genes, n) = input.counts.dim();
    let p = input.design.ncols();
    let (group, n_levels) = design_as_factor(&input.design);
    let disp = input.dispersion;
    if n_levels == p {
        let f = mglm_one_way(&input.counts, &input.design, &group, n_levels, input.offset, |g| disp.get(g));
        let deviance = (0..n_genes)
            .into_par_iter()
            .with_min_len(ROWS_PER_TASK)
            .map_init(
                || (vec![0.0; n], vec![0.0; n]),
                |(y, mu), g| {
                    y.iter_mut().zip(input.counts.row(g)).for_each(|(a, &b)| *a = b);
                    mu.iter_mut().zip(f.fitted.row(g)).for_each(|(a, &b)| *a = b);
                    nbinom_deviance(y, mu, disp.get(g))
                },
            )
            .collect();
        return (f.coefficients, f.fitted, deviance, FitMethod::OneWay);
    }
    let lev = Levenberg::new(&input.design, GLMFIT_MAX_ITERATIONS, LEVENBERG_TOLERANCE);
    let lib: Vec<f64> = input.offset.iter().map(|o| o.exp()).collect();
    let mut coefficients = Array2::zeros((n_genes, p));
    let mut fitted = Array2::zeros((n_genes, n));
    let mut deviance = vec![0.0; n_genes];
    let mut beta_rows = row_slices(&mut coefficients);
    let mut mu_rows = row_slices(&mut fitted);
    beta_rows
        .par_iter_mut()
        .zip(mu_rows.par_iter_mut())
        .zip(deviance.par_iter_mut())
        .enumerate()
        .with_min_len(ROWS_PER_TASK)
        .for_each_init(
            || (FitScratch::new(&lev, n), vec![0.0; n], vec![0.0; n]),
            |(s, y, eta), (g, ((beta, mu), dev))| {
                y.iter_mut().zip(input.counts.row(g)).for_each(|(a, &b)| *a = b);
                let phi = disp.get(g);
                match start {
                    Some(st) => beta.iter_mut().zip(st.row(g)).for_each(|(a, &b)| *a = b),
                    None => lev.null_start_in(&mut s.levenberg, y, &lib, phi, beta),
                }
                *dev = if input.tier == Tier::Equivalent {
                    fit_equivalent(&lev, s, y, input.offset, &lib, phi, beta, mu, eta, false);
                    nbinom_deviance(y, mu, phi)
                } else {
                    lev.fit_in(&mut s.levenberg, y, input.offset, phi, beta, mu, false).deviance
                };
            },
        );
    (coefficients, fitted, deviance, FitMethod::Levenberg)
}

/// The rows of a standard-layout matrix as slices (empty slices when it has no columns).
pub(crate) fn row_slices(m: &mut Array2<f64>) -> Vec<&mut [f64]> {
    let (rows, cols) = m.dim();
    match m.as_slice_mut() {
        Some(s) if cols > 0 => s.chunks_mut(cols).collect(),
        _ => (0..rows).map(|_| &mut [][..]).collect(),
    }
}

/// edgeR `glmFit.default`: fits `log μ_gi = x_iᵀβ_g + o_i` for every gene with NB dispersion
/// `φ_g`, and, when `prior_count > 0`, the `predFC`-shrunk coefficients used for reported
/// log fold changes (the test statistics use the unshrunk fit).
///
/// `start` (genes × coefficients) replaces edgeR's null start values of the Levenberg route,
/// as `glmFit(start = )`.
///
/// ```
/// use degsea_de::glm::fit::{glm_fit, FitInput};
/// use degsea_de::onegroup::Dispersion;
/// let counts = ndarray::array![[10.0, 12.0, 30.0, 33.0], [5.0, 4.0, 6.0, 5.0]];
/// let design = ndarray::array![[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0]];
/// let offset = [0.0; 4];
/// let input = FitInput { counts: counts.view(), design: design.view(), offset: &offset,
///                        dispersion: Dispersion::Common(0.05), tier: Default::default() };
/// let fit = glm_fit(&input, 0.125, None);
/// assert!((fit.coefficients[[0, 1]] - (63.0f64 / 22.0).ln()).abs() < 1e-8);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/glmfit.R` (`glmFit.default`), `R/predFC.R`, `R/addPriorCount.R`;
/// McCarthy, Chen & Smyth (2012), *Nucleic Acids Research* 40:4288.
#[doc(alias = "glmFit")]
pub fn glm_fit(input: &FitInput<'_>, prior_count: f64, start: Option<&ArrayView2<'_, f64>>) -> GlmFit {
    glm_fit_from(input, prior_count, fit_raw(input, start))
}

/// [`glm_fit`] given the `prior.count = 0` fit of `input` (from [`fit_raw`]).
pub(crate) fn glm_fit_from(input: &FitInput<'_>, prior_count: f64, raw: RawFit) -> GlmFit {
    let (coefficients, fitted, deviance, method) = raw;
    let shrunk = (prior_count > 0.0).then(|| pred_fc(input, prior_count) * std::f64::consts::LN_2);
    GlmFit {
        coefficients,
        shrunk,
        fitted,
        deviance,
        df_residual: input.design.nrows().saturating_sub(input.design.ncols()),
        method,
    }
}

/// edgeR `predFC`: coefficients (log2 scale) of the fit to counts plus library-size-scaled
/// prior counts `prior·N_i/mean(N)` with offsets `log(N_i + 2·prior_i)`.
///
/// # References
/// edgeR 3.40.2 `R/predFC.R`, `src/add_prior.cpp`.
#[doc(alias = "predFC")]
pub fn pred_fc(input: &FitInput<'_>, prior_count: f64) -> Array2<f64> {
    // src/add_prior.cpp with logged offsets: N_i = exp(o_i), p_i = prior·N_i/mean(N).
    let libs: Vec<f64> = input.offset.iter().map(|o| o.exp()).collect();
    let ave = libs.iter().sum::<f64>() / libs.len() as f64;
    let priors: Vec<f64> = libs.iter().map(|&l| prior_count * l / ave).collect();
    let offsets: Vec<f64> = libs.iter().zip(&priors).map(|(&l, &p)| (l + 2.0 * p).ln()).collect();
    let mut y = input.counts.to_owned();
    for mut row in y.axis_iter_mut(Axis(0)) {
        for (v, p) in row.iter_mut().zip(&priors) {
            *v += p;
        }
    }
    // Always edgeR's Levenberg path: the reported logFC carries the fit's convergence error
    // (its last step is taken once `dlᵀdβ < 1e-6`, ~1e-5 in log2 for common genes), so
    // another iteration would differ from edgeR by more than GLM.md G7's 1e-6.
    let inner = FitInput { counts: y.view(), offset: &offsets, tier: Tier::EdgerExact, ..*input };
    let (coef, _, _, _) = fit_raw(&inner, None);
    coef / std::f64::consts::LN_2
}
