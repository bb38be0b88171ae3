//! edgeR's Levenberg-damped Fisher scoring for one gene's NB GLM (`mglmLevenberg`).

#![allow(clippy::needless_range_loop, reason = "index loops mirror edgeR's C++ loops")]

use ndarray::ArrayView2;

use super::deviance::nbinom_deviance;
use super::linalg::{Qr, cholesky_solve};

/// edgeR `mglmLevenberg` default `tol` (on `dlᵀ·dβ`).
pub const LEVENBERG_TOLERANCE: f64 = 1e-6;
/// `glmFit.default` calls `mglmLevenberg(maxit = 250)`.
pub const GLMFIT_MAX_ITERATIONS: usize = 250;
/// edgeR `glm_levenberg.cpp`: the first damping is `max(diag XᵀWX) · 1e-6` (`one_millionth`).
const FIRST_DAMPING: f64 = 1e-6;
/// edgeR `glm_levenberg.cpp` `supremely_low_value`: damping floor, low-deviance and
/// excessive-damping thresholds.
const SUPREMELY_LOW_VALUE: f64 = 1e-13;
/// edgeR `glm_levenberg.cpp` `ridiculously_low_value`: restart value if damping underflows.
const RIDICULOUSLY_LOW_VALUE: f64 = 1e-100;
/// edgeR `utils.h` `low_value`: a gene whose counts are all below this is not fitted.
const LOW_VALUE: f64 = 1e-10;

/// The design and its QR, shared by every gene's fit.
#[derive(Debug, Clone)]
pub struct Levenberg {
    n: usize,
    p: usize,
    /// Column-major design.
    x: Vec<f64>,
    qr: Qr,
    max_iterations: usize,
    tolerance: f64,
}

/// Result of one gene's Levenberg fit.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneFit {
    /// Coefficients (natural log scale); NaN for an all-zero gene (R's `NA`).
    pub beta: Vec<f64>,
    /// Fitted means.
    pub mu: Vec<f64>,
    /// Deviance at the returned coefficients.
    pub deviance: f64,
    /// Outer iterations done.
    pub iterations: usize,
    /// Damping became excessive before convergence (edgeR's `failed`).
    pub failed: bool,
}

impl Levenberg {
    /// Prepares fits for `design` (samples × coefficients).
    pub fn new(design: &ArrayView2<'_, f64>, max_iterations: usize, tolerance: f64) -> Self {
        let (n, p) = design.dim();
        let mut x = vec![0.0; n * p];
        for j in 0..p {
            for i in 0..n {
                x[j * n + i] = design[[i, j]];
            }
        }
        Self { n, p, x, qr: Qr::new(design), max_iterations, tolerance }
    }

    /// edgeR's `get_levenberg_start(use_null = TRUE)`: least-squares coefficients of the
    /// constant `log(Σ y_i w_i / N_i / Σ w_i)`, `w_i = N_i / (1 + φ N_i)`, `N_i = e^{o_i}`.
    #[doc(alias = "get_levenberg_start")]
    pub fn null_start(&self, y: &[f64], offset: &[f64], phi: f64) -> Vec<f64> {
        let mut sum_weight = 0.0;
        let mut sum_exprs = 0.0;
        for (&yi, &o) in y.iter().zip(offset) {
            let cur_n = o.exp();
            let w = cur_n / (1.0 + phi * cur_n);
            sum_exprs += yi * w / cur_n;
            sum_weight += w;
        }
        let mut v = vec![(sum_exprs / sum_weight).ln(); self.n];
        self.qr.solve_in_place(&mut v);
        v.truncate(self.p);
        v
    }

    fn autofill(&self, beta: &[f64], offset: &[f64], mu: &mut [f64]) {
        mu.copy_from_slice(offset);
        // Reference BLAS dgemv('N'): column by column.
        for (j, &b) in beta.iter().enumerate() {
            let col = &self.x[j * self.n..(j + 1) * self.n];
            for (m, &xv) in mu.iter_mut().zip(col) {
                *m += b * xv;
            }
        }
        for m in mu.iter_mut() {
            *m = m.exp();
        }
    }

    /// Fits one gene from `beta` (edgeR `glm_levenberg::fit`): Fisher scoring with
    /// Levenberg damping `λ` (start `max diag(XᵀWX)·1e-6`, ×2 on a deviance increase, ÷10
    /// after an undamped success), stopping when `dlᵀ dβ < tol`, when the deviance is
    /// negligible, or after `maxit` iterations.
    ///
    /// # References
    /// edgeR 3.40.2 `src/glm_levenberg.cpp`, `R/mglmLevenberg.R`; McCarthy, Chen & Smyth (2012).
    #[doc(alias = "mglmLevenberg")]
    pub fn fit(&self, y: &[f64], offset: &[f64], phi: f64, mut beta: Vec<f64>) -> GeneFit {
        let (n, p) = (self.n, self.p);
        let ymax = y.iter().copied().fold(0.0, f64::max);
        let mut mu = vec![0.0; n];
        if ymax < LOW_VALUE {
            return GeneFit { beta: vec![f64::NAN; p], mu, deviance: 0.0, iterations: 0, failed: false };
        }
        self.autofill(&beta, offset, &mut mu);
        let mut dev = nbinom_deviance(y, &mu, phi);
        if p == 0 {
            return GeneFit { beta, mu, deviance: dev, iterations: 0, failed: false };
        }
        let mut w = vec![0.0; n];
        let mut deriv = vec![0.0; n];
        let mut xtwx = vec![0.0; p * p];
        let mut xtwx_copy = vec![0.0; p * p];
        let mut dl = vec![0.0; p];
        let mut dbeta = vec![0.0; p];
        let mut beta_new = vec![0.0; p];
        let mut mu_new = vec![0.0; n];
        let mut max_info = -1.0f64;
        let mut lambda = 0.0f64;
        let mut failed = false;
        let mut iter = 0;
        loop {
            iter += 1;
            if iter > self.max_iterations {
                break;
            }
            for i in 0..n {
                let denom = 1.0 + mu[i] * phi;
                w[i] = mu[i] / denom;
                deriv[i] = (y[i] - mu[i]) / denom;
            }
            for c1 in 0..p {
                let x1 = &self.x[c1 * n..(c1 + 1) * n];
                for c2 in 0..=c1 {
                    let x2 = &self.x[c2 * n..(c2 + 1) * n];
                    let mut e = 0.0;
                    for i in 0..n {
                        e += x1[i] * x2[i] * w[i];
                    }
                    xtwx[c1 * p + c2] = e;
                }
            }
            for c in 0..p {
                let xc = &self.x[c * n..(c + 1) * n];
                let mut s = 0.0;
                for i in 0..n {
                    s += deriv[i] * xc[i];
                }
                dl[c] = s;
                max_info = max_info.max(xtwx[c * p + c]);
            }
            if iter == 1 {
                lambda = (max_info * FIRST_DAMPING).max(SUPREMELY_LOW_VALUE);
            }
            let mut lev = 0;
            let mut low_dev = false;
            loop {
                lev += 1;
                loop {
                    for col in 0..p {
                        xtwx_copy[col * p..=col * p + col].copy_from_slice(&xtwx[col * p..=col * p + col]);
                        xtwx_copy[col * p + col] += lambda;
                    }
                    dbeta.copy_from_slice(&dl);
                    if cholesky_solve(&mut xtwx_copy, p, &mut dbeta) {
                        break;
                    }
                    lambda *= 10.0;
                    if lambda <= 0.0 {
                        lambda = RIDICULOUSLY_LOW_VALUE;
                    }
                }
                for c in 0..p {
                    beta_new[c] = beta[c] + dbeta[c];
                }
                self.autofill(&beta_new, offset, &mut mu_new);
                let dev_new = nbinom_deviance(y, &mu_new, phi);
                if dev_new / ymax < SUPREMELY_LOW_VALUE {
                    low_dev = true;
                }
                if dev_new <= dev || low_dev {
                    beta.copy_from_slice(&beta_new);
                    mu.copy_from_slice(&mu_new);
                    dev = dev_new;
                    break;
                }
                lambda *= 2.0;
                if lambda <= 0.0 {
                    lambda = RIDICULOUSLY_LOW_VALUE;
                }
                if lambda / max_info > 1.0 / SUPREMELY_LOW_VALUE {
                    failed = true;
                    break;
                }
            }
            if failed || low_dev {
                break;
            }
            let divergence: f64 = dl.iter().zip(&dbeta).map(|(a, b)| a * b).sum();
            if divergence < self.tolerance {
                break;
            }
            if lev == 1 {
                lambda /= 10.0;
            }
        }
        GeneFit { beta, mu, deviance: dev, iterations: iter.min(self.max_iterations + 1), failed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converges_to_the_score_equations() {
        let design = ndarray::array![[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]];
        let lev = Levenberg::new(&design.view(), GLMFIT_MAX_ITERATIONS, 1e-12);
        let y = [10.0, 14.0, 40.0, 35.0, 52.0];
        let offset = [0.1, -0.2, 0.0, 0.3, 0.05];
        let phi = 0.1;
        let start = lev.null_start(&y, &offset, phi);
        let f = lev.fit(&y, &offset, phi, start);
        assert!(!f.failed);
        for c in 0..2 {
            let score: f64 = (0..5).map(|i| design[[i, c]] * (y[i] - f.mu[i]) / (1.0 + phi * f.mu[i])).sum();
            assert!(score.abs() < 1e-6, "{score}");
        }
        let zero = lev.fit(&[0.0; 5], &offset, phi, vec![0.0, 0.0]);
        assert!(zero.beta.iter().all(|b| b.is_nan()) && zero.deviance == 0.0);
    }
}
