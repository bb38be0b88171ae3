//! Undamped Fisher scoring of one gene's NB GLM from a nearby start — the edgeR-equivalent
//! tier's fits on `estimateDisp`'s dispersion grid (docs/TIERS.md).
//!
//! On the grid every fit after the first starts from the same gene's coefficients at the
//! previous grid dispersion (edgeR's `start = last.beta`), already within a few Newton steps
//! of the optimum. edgeR's `mglmLevenberg` there spends most of its work on the deviance
//! it evaluates after every step to accept or reject it (two logarithms per count), and on
//! retried, damped steps once the deviance stops decreasing by more than its rounding. Fisher
//! scoring without damping takes the same steps (edgeR's damping starts at `10⁻⁶·max
//! diag(XᵀWX)` and is divided by 10 after every accepted step) and stops by the same rule,
//! `dlᵀ dβ < tol` after the step, but never evaluates the deviance. The converged coefficients
//! differ from edgeR's by the rounding that decides edgeR's accept/reject tests and by the
//! damping, far inside GLM.md G7 (docs/TIERS.md has the measured differences). A fit that does
//! not converge within [`SCORING_MAX_ITERATIONS`] steps, whose information matrix is not
//! positive definite, or whose means leave the finite range returns `false`, and the caller
//! falls back to edgeR's Levenberg iteration from the same start.
//!
//! # References
//! edgeR 3.40.2 `src/glm_levenberg.cpp`, `R/estimateDisp.R`; McCarthy, Chen & Smyth (2012),
//! *Nucleic Acids Research* 40:4288.

use std::collections::HashMap;

use super::deviance::POISSON_SERIES_BELOW;
use super::levenberg::{LEVENBERG_LOW_VALUE, Levenberg, RowScratch, Workspace};
use super::linalg::cholesky_substitute;

/// Steps after which [`fisher_scoring_in`] gives up (edgeR's Levenberg fit takes over).
pub const SCORING_MAX_ITERATIONS: usize = 30;

/// Solves `A x = b` (`p × p` symmetric positive definite, upper triangle of the column-major
/// `a` used) by the textbook unblocked Cholesky `A = UᵀU` (Golub & Van Loan, Alg. 4.2.1) and
/// the triangular solves of `dpotrs`; `false` if `A` is not positive definite. The same factorisation as
/// LAPACK's recursive `dpotrf2` ([`super::linalg::cholesky_solve`]), without its recursion
/// and block updates, so sums are taken in another order (rounding-level differences).
#[allow(clippy::needless_range_loop, reason = "index loops follow the textbook algorithm")]
fn small_cholesky_solve(a: &mut [f64], p: usize, b: &mut [f64]) -> bool {
    for j in 0..p {
        let (done, rest) = a.split_at_mut(j * p);
        let col_j = &mut rest[..p];
        for i in 0..j {
            let col_i = &done[i * p..i * p + p];
            let mut s = col_j[i];
            for k in 0..i {
                s -= col_i[k] * col_j[k];
            }
            col_j[i] = s / col_i[i];
        }
        let mut d = col_j[j];
        for k in 0..j {
            d -= col_j[k] * col_j[k];
        }
        if d <= 0.0 || d.is_nan() {
            return false;
        }
        col_j[j] = d.sqrt();
    }
    cholesky_substitute(a, p, b);
    true
}

/// Scratch of [`fisher_scoring_in`] beyond the Levenberg workspace, and the design's distinct
/// rows.
#[derive(Debug, Clone)]
pub struct ScoringWorkspace {
    xtwx: Vec<f64>,
    chol: Vec<f64>,
    acc: Vec<f64>,
    dl: Vec<f64>,
    dbeta: Vec<f64>,
    /// The design's distinct rows with per-row sums and `exp`s; `None` when every row is distinct.
    rows: Option<RowScratch>,
}

impl ScoringWorkspace {
    /// Scratch for the design of `lev`.
    pub fn new(lev: &Levenberg) -> Self {
        let p = lev.columns();
        Self {
            xtwx: vec![0.0; p * p],
            chol: vec![0.0; p * p],
            acc: vec![0.0; lev.cross().len()],
            dl: vec![0.0; p],
            dbeta: vec![0.0; p],
            rows: RowScratch::of(lev),
        }
    }
}

/// Fisher scoring of one gene from `beta`, whose means are `mu` (`exp(η)`, as a previous fit
/// left them): each step solves `XᵀWX dβ = Xᵀ(y − μ)/(1 + φμ)` by Cholesky, updates `β`, `η`
/// and `μ`, and the iteration stops once `dlᵀ dβ` is below the Levenberg tolerance. On
/// success `beta`, `eta` and `mu` hold the fit and `true` is returned; on failure their
/// contents are unspecified and `false` is returned.
///
/// When the design has repeated rows (fewer distinct rows than samples), the means are
/// `μ_i = N_i · exp(x_iᵀβ)` with `N_i = lib[i] = exp(o_i)`: one exponential per distinct row
/// instead of one per sample. `exp(o_i + x_iᵀβ)` and `N_i exp(x_iᵀβ)` differ by rounding (each
/// within ~1e-15 relative of the exact mean; the sum `o_i + x_iᵀβ` itself carries an absolute
/// rounding error of ~1e-16·|η_i|).
#[allow(clippy::too_many_arguments)]
pub fn fisher_scoring_in(
    lev: &Levenberg,
    ws: &mut ScoringWorkspace,
    y: &[f64],
    offset: &[f64],
    lib: &[f64],
    phi: f64,
    beta: &mut [f64],
    eta: &mut [f64],
    mu: &mut [f64],
) -> bool {
    let p = lev.columns();
    let cross = lev.cross();
    let ScoringWorkspace { xtwx, chol, acc, dl, dbeta, rows } = ws;
    for _ in 0..SCORING_MAX_ITERATIONS {
        lev.score_terms(y, mu, phi, rows.as_mut(), acc, dl);
        cross.scatter(acc, xtwx);
        chol.copy_from_slice(xtwx);
        dbeta.copy_from_slice(dl);
        if !small_cholesky_solve(chol, p, dbeta) {
            return false;
        }
        for (b, d) in beta.iter_mut().zip(dbeta.iter()) {
            *b += d;
        }
        lev.linear_predictor(beta, offset, eta);
        let mut finite = true;
        if let Some(rows) = rows.as_mut() {
            finite = lev.class_means(beta, rows, lib, mu);
        } else {
            for (m, &e) in mu.iter_mut().zip(eta.iter()) {
                *m = e.exp();
                finite &= m.is_finite();
            }
        }
        if !finite {
            return false;
        }
        let divergence: f64 = dl.iter().zip(dbeta.iter()).map(|(a, b)| a * b).sum();
        if divergence < lev.tolerance() {
            return true;
        }
    }
    false
}

/// From a cold start (no previous fit of the gene), [`fit_equivalent`] scores a gene with a
/// count below this (edgeR's exact-zero threshold) only if the design rows of its other counts
/// have full column rank; others take edgeR's path.
pub const COLD_START_MIN_COUNT: f64 = 1e-4;

/// Whether the maximum likelihood estimate of a gene whose counts below
/// [`COLD_START_MIN_COUNT`] are marked in `zero` (bit `i` for sample `i`) is finite: the
/// design rows of the positive counts have full column rank (the NB log-likelihood with log
/// link is strictly concave in `β` and, with such rows, tends to `−∞` in every direction).
/// `None` when there are more than 64 samples (no bit pattern).
fn finite_optimum(lev: &Levenberg, cache: &mut HashMap<u64, bool>, y: &[f64]) -> Option<bool> {
    if y.len() > 64 {
        return None;
    }
    let mut zero = 0u64;
    for (i, &v) in y.iter().enumerate() {
        if v < COLD_START_MIN_COUNT {
            zero |= 1 << i;
        }
    }
    Some(*cache.entry(zero).or_insert_with(|| {
        let p = lev.columns();
        let keep: Vec<usize> = (0..y.len()).filter(|&i| zero & (1 << i) == 0).collect();
        if keep.len() < p {
            return false;
        }
        let rows = lev.rows();
        let sub = ndarray::Array2::from_shape_fn((keep.len(), p), |(a, j)| rows[keep[a] * p + j]);
        super::linalg::rank_dqrdc2(&sub.view()).0 == p
    }))
}

/// Scratch of [`fit_equivalent`] for one thread: the Levenberg and scoring workspaces and the
/// saved start.
#[derive(Debug, Clone)]
pub struct FitScratch {
    /// Workspace of the Levenberg fallback.
    pub levenberg: Workspace,
    scoring: ScoringWorkspace,
    beta0: Vec<f64>,
    mu0: Vec<f64>,
    /// Lent to the Levenberg fallback's workspace for each fit (`None`: every row distinct).
    class_means: Option<RowScratch>,
    /// Whether the design rows of the positive counts have full column rank, by zero pattern.
    finite: HashMap<u64, bool>,
}

impl FitScratch {
    /// Scratch for the design of `lev` with `n` samples.
    pub fn new(lev: &Levenberg, n: usize) -> Self {
        Self {
            levenberg: lev.workspace(),
            scoring: ScoringWorkspace::new(lev),
            beta0: vec![0.0; lev.columns()],
            mu0: vec![0.0; n],
            class_means: RowScratch::of(lev),
            finite: HashMap::new(),
        }
    }
}

/// One gene's fit in the edgeR-equivalent tier (`lib` = `exp(offset)`): [`fisher_scoring_in`]
/// from `beta`, and edgeR's Levenberg iteration from the same start if scoring fails, if the
/// counts are all zero (which the Levenberg fit handles as edgeR does), or if the start is cold
/// and the counts at least [`COLD_START_MIN_COUNT`] do not determine every coefficient (an
/// optimum at infinity). With `mu_current`, `mu` already holds the means of `beta`. On return
/// `beta`, `mu` and `eta` (the linear predictor of `beta`) hold the fit.
#[allow(clippy::too_many_arguments)]
pub fn fit_equivalent(
    lev: &Levenberg,
    s: &mut FitScratch,
    y: &[f64],
    offset: &[f64],
    lib: &[f64],
    phi: f64,
    beta: &mut [f64],
    mu: &mut [f64],
    eta: &mut [f64],
    mu_current: bool,
) {
    let ymax = y.iter().copied().fold(0.0, f64::max);
    // From a cold start, a gene with zero counts may have its optimum at infinity (a level of
    // the design with only zeros): where the iteration stops then depends on its path, and the
    // fitted values it leaves decide edgeR's exact-zero-fit patterns. Such genes follow edgeR's
    // path. A finite optimum is unique (the log-likelihood is strictly concave) and both
    // iterations reach it.
    let cold_zero = !mu_current
        && y.iter().any(|&v| v < COLD_START_MIN_COUNT)
        && finite_optimum(lev, &mut s.finite, y) != Some(true);
    // Below 1e-4 edgeR's deviance is a truncated Poisson series (deviance.rs); its Levenberg
    // steps are accepted or rejected on that approximation and can stop short of the optimum
    // for large counts, so those fits follow edgeR's path too.
    if ymax >= LEVENBERG_LOW_VALUE && !cold_zero && phi >= POISSON_SERIES_BELOW {
        s.beta0.copy_from_slice(beta);
        if mu_current {
            s.mu0.copy_from_slice(mu);
        } else {
            lev.linear_predictor(beta, offset, eta);
            for (m, &e) in mu.iter_mut().zip(eta.iter()) {
                *m = e.exp();
            }
        }
        if fisher_scoring_in(lev, &mut s.scoring, y, offset, lib, phi, beta, eta, mu) {
            return;
        }
        beta.copy_from_slice(&s.beta0);
        if mu_current {
            mu.copy_from_slice(&s.mu0);
        }
    }
    // edgeR's iteration, with one exp per distinct design row (lent to the workspace for this
    // fit only: the edgeR-exact tier's fits never see it).
    if let Some(cm) = s.class_means.as_mut() {
        cm.lib.copy_from_slice(lib);
    }
    s.levenberg.class_means = s.class_means.take();
    lev.fit_in(&mut s.levenberg, y, offset, phi, beta, mu, mu_current);
    s.class_means = s.levenberg.class_means.take();
    lev.linear_predictor(beta, offset, eta);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cholesky_matches_lapack_order() {
        // A 4 × 4 SPD matrix, column-major, upper triangle meaningful.
        let full = [4.0, 1.0, 0.5, 0.2, 1.0, 3.0, 0.4, 0.1, 0.5, 0.4, 2.0, 0.3, 0.2, 0.1, 0.3, 1.5];
        let b = [1.0, -2.0, 0.5, 3.0];
        let (mut a1, mut b1) = (full, b);
        let (mut a2, mut b2) = (full, b);
        assert!(small_cholesky_solve(&mut a1, 4, &mut b1));
        assert!(super::super::linalg::cholesky_solve(&mut a2, 4, &mut b2));
        for (x, y) in b1.iter().zip(&b2) {
            assert!((x - y).abs() < 1e-14, "{x} {y}");
        }
        let mut singular = [1.0, 1.0, 1.0, 1.0];
        assert!(!small_cholesky_solve(&mut singular, 2, &mut [1.0, 1.0]));
    }
}
