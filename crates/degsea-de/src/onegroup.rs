//! One-group negative-binomial fit (edgeR `mglmOneGroup`) and average log-CPM (`aveLogCPM`).
//!
//! Upstream files: `R/mglmOneGroup.R`, `src/glm_one_group.cpp` (edgeR 3.40; `src/glm.c` in 4.4),
//! `R/aveLogCPM.R`, `src/R_ave_log_cpm.cpp` + `src/add_prior.cpp` (`src/compute_cpm.c` in 4.4).
//! Spec: ALGORITHMS.md §A4.

use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::sums::accurate_mean;

/// edgeR `mglmOneGroup` default `maxit`.
pub const MAX_ITERATIONS: usize = 50;
/// edgeR `mglmOneGroup` default `tol` (on the Newton step of `β`).
pub const TOLERANCE: f64 = 1e-10;
/// edgeR `glm_one_group`: counts at or below this are treated as zero.
pub const LOW_VALUE: f64 = 1e-10;
/// edgeR `aveLogCPM` default `prior.count`.
pub const AVE_LOG_CPM_PRIOR_COUNT: f64 = 2.0;
/// edgeR `aveLogCPM` dispersion when none is given (`0.05`).
pub const AVE_LOG_CPM_DEFAULT_DISPERSION: f64 = 0.05;

/// Genes per rayon task: large enough to amortise scheduling, small enough to balance.
pub(crate) const ROWS_PER_TASK: usize = 256;

/// Dispersion argument of the edgeR functions: one value for every gene or one per gene.
#[derive(Debug, Clone, Copy)]
pub enum Dispersion<'a> {
    /// The same dispersion for every gene (edgeR's scalar argument).
    Common(f64),
    /// One dispersion per gene, in row order.
    PerGene(&'a [f64]),
}

impl Dispersion<'_> {
    /// The dispersion of gene `g`.
    ///
    /// ```
    /// use degsea_de::onegroup::Dispersion;
    /// assert_eq!(Dispersion::Common(0.1).get(7), 0.1);
    /// assert_eq!(Dispersion::PerGene(&[0.1, 0.2]).get(1), 0.2);
    /// ```
    pub fn get(&self, g: usize) -> f64 {
        match self {
            Self::Common(d) => *d,
            Self::PerGene(d) => d[g],
        }
    }
}

/// Result of a one-group fit for one gene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneGroupFit {
    /// Log-scale mean rate `β` (`μ_i = exp(β + offset_i)`); `-inf` for an all-zero gene.
    pub beta: f64,
    /// Whether the Newton iteration converged within [`MAX_ITERATIONS`].
    pub converged: bool,
}

/// Fits `μ_i = exp(β + o_i)` to one gene's (possibly non-integer) counts by Fisher scoring,
/// always iterating (edgeR's per-row C routine, used directly by `aveLogCPM`).
///
/// Starts from the gamma-limit solution `log(Σ_{y>1e-10} y_i e^{-o_i} / n)` and stops when
/// the step is below [`TOLERANCE`]; after [`MAX_ITERATIONS`] steps the last iterate is returned
/// with `converged = false` (edgeR ≤ 4.2 behaviour).
///
/// ```
/// use degsea_de::onegroup::glm_one_group;
/// let fit = glm_one_group(&[10.0, 20.0], &[0.0, 0.0], 0.1);
/// assert!((fit.beta - 15f64.ln()).abs() < 1e-12);
/// assert!(fit.converged);
/// ```
///
/// # References
/// edgeR 3.40.2 `src/glm_one_group.cpp: glm_one_group` (McCarthy, Chen & Smyth 2012, NAR 40:4288).
pub fn glm_one_group(y: &[f64], offset: &[f64], dispersion: f64) -> OneGroupFit {
    debug_assert_eq!(y.len(), offset.len());
    let mut beta = 0.0;
    let mut total_weight = 0.0;
    let mut nonzero = false;
    for (&v, &o) in y.iter().zip(offset) {
        if v > LOW_VALUE {
            beta += v / o.exp();
            nonzero = true;
        }
        total_weight += 1.0;
    }
    if !nonzero {
        return OneGroupFit { beta: f64::NEG_INFINITY, converged: true };
    }
    beta = (beta / total_weight).ln();
    for _ in 0..MAX_ITERATIONS {
        let mut dl = 0.0;
        let mut info = 0.0;
        for (&v, &o) in y.iter().zip(offset) {
            let mu = (beta + o).exp();
            let denominator = 1.0 + mu * dispersion;
            dl += (v - mu) / denominator;
            info += mu / denominator;
        }
        let step = dl / info;
        beta += step;
        if step.abs() < TOLERANCE {
            return OneGroupFit { beta, converged: true };
        }
    }
    OneGroupFit { beta, converged: false }
}

/// edgeR `mglmOneGroup` for one gene: the Poisson closed form `log(Σy / Σe^{o})` when the
/// dispersion is zero, otherwise [`glm_one_group`].
///
/// ```
/// use degsea_de::onegroup::mglm_one_group;
/// let fit = mglm_one_group(&[3.0, 5.0], &[0.0, 2f64.ln()], 0.0);
/// assert!((fit.beta - (8.0f64 / 3.0).ln()).abs() < 1e-15);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/mglmOneGroup.R`, `src/R_fit_one_group.cpp`.
#[doc(alias = "mglmOneGroup")]
pub fn mglm_one_group(y: &[f64], offset: &[f64], dispersion: f64) -> OneGroupFit {
    if dispersion == 0.0 {
        let sum_lib: f64 = offset.iter().map(|o| o.exp()).sum();
        let sum_counts: f64 = y.iter().sum();
        let beta = if sum_counts == 0.0 { f64::NEG_INFINITY } else { (sum_counts / sum_lib).ln() };
        return OneGroupFit { beta, converged: true };
    }
    glm_one_group(y, offset, dispersion)
}

/// Prior counts and augmented log-offsets of edgeR's `add_prior` for one set of libraries:
/// `p_i = prior · N_i / mean(N)`, `o_i = log(N_i + 2 p_i)`, where `N_i = exp(log N_i)` is
/// recovered from the log offset exactly as the C++ code does.
pub(crate) fn add_prior(lib_sizes: &[f64], prior_count: f64) -> (Vec<f64>, Vec<f64>) {
    let libs: Vec<f64> = lib_sizes.iter().map(|n| n.ln().exp()).collect();
    let mut ave = 0.0;
    for &l in &libs {
        ave += l;
    }
    ave /= libs.len() as f64;
    let priors: Vec<f64> = libs.iter().map(|&l| prior_count * l / ave).collect();
    let offsets = libs.iter().zip(&priors).map(|(&l, &p)| (l + 2.0 * p).ln()).collect();
    (priors, offsets)
}

/// Average log2 counts per million of each gene (edgeR `aveLogCPM` with `prior.count = 2`).
///
/// `lib_sizes` are the effective library sizes `N_i = L_i f_i`. Returns the values and the
/// number of genes whose Newton iteration did not converge.
///
/// ```
/// use degsea_de::onegroup::{ave_log_cpm, Dispersion};
/// let counts = ndarray::array![[10u32, 20], [0, 0]];
/// let (a, nonconv) = ave_log_cpm(&counts.view(), &[1e6, 2e6], Dispersion::Common(0.05));
/// assert_eq!(nonconv, 0);
/// assert!(a[0] > a[1]);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/aveLogCPM.R`, `src/R_ave_log_cpm.cpp` (McCarthy et al. 2012).
#[doc(alias = "aveLogCPM")]
pub fn ave_log_cpm(
    counts: &ArrayView2<'_, u32>,
    lib_sizes: &[f64],
    dispersion: Dispersion<'_>,
) -> (Vec<f64>, usize) {
    let n = lib_sizes.len();
    assert_eq!(counts.ncols(), n, "one library size per sample");
    let (priors, offsets) = add_prior(lib_sizes, AVE_LOG_CPM_PRIOR_COUNT);
    let ln_million = 1e6f64.ln();
    let ln_two = 2f64.ln();
    let fits: Vec<OneGroupFit> = (0..counts.nrows())
        .into_par_iter()
        .with_min_len(ROWS_PER_TASK)
        .map_init(
            || vec![0.0; n],
            |buf, g| {
                for ((b, &c), &p) in buf.iter_mut().zip(counts.row(g)).zip(&priors) {
                    *b = f64::from(c) + p;
                }
                glm_one_group(buf, &offsets, dispersion.get(g))
            },
        )
        .collect();
    let nonconverged = fits.iter().filter(|f| !f.converged).count();
    let values = fits.iter().map(|f| (f.beta + ln_million) / ln_two).collect();
    (values, nonconverged)
}

/// Resolves edgeR's `aveLogCPM` dispersion argument: NaN entries become the mean of the
/// others, all-NaN becomes [`AVE_LOG_CPM_DEFAULT_DISPERSION`].
pub fn fill_missing_dispersions(dispersion: &[f64]) -> Vec<f64> {
    let ok: Vec<f64> = dispersion.iter().copied().filter(|d| !d.is_nan()).collect();
    if ok.is_empty() {
        return vec![AVE_LOG_CPM_DEFAULT_DISPERSION; dispersion.len()];
    }
    let m = accurate_mean(&ok);
    dispersion.iter().map(|&d| if d.is_nan() { m } else { d }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_zero_is_minus_infinity() {
        let f = glm_one_group(&[0.0, 1e-11], &[0.0, 0.0], 0.1);
        assert_eq!(f.beta, f64::NEG_INFINITY);
        assert!(f.converged);
        assert_eq!(mglm_one_group(&[0.0, 0.0], &[0.0, 0.0], 0.0).beta, f64::NEG_INFINITY);
    }

    #[test]
    fn newton_solves_score_equation() {
        let y = [3.0, 17.0, 250.0];
        let o = [1.0f64.ln(), 2.5f64.ln(), 0.3f64.ln()];
        let phi = 0.3;
        let f = glm_one_group(&y, &o, phi);
        assert!(f.converged);
        let score: f64 = y
            .iter()
            .zip(&o)
            .map(|(&v, &oo)| {
                let mu = (f.beta + oo).exp();
                (v - mu) / (1.0 + phi * mu)
            })
            .sum();
        assert!(score.abs() < 1e-8, "score {score}");
    }

    #[test]
    fn fill_missing() {
        assert_eq!(fill_missing_dispersions(&[f64::NAN, 0.1, 0.3]), vec![0.2, 0.1, 0.3]);
        assert_eq!(fill_missing_dispersions(&[f64::NAN]), vec![0.05]);
    }
}
