//! edgeR's Levenberg-damped Fisher scoring for one gene's NB GLM (`mglmLevenberg`).

#![allow(clippy::needless_range_loop, reason = "index loops mirror edgeR's C++ loops")]

use ndarray::ArrayView2;

use super::deviance::nbinom_deviance;
use super::linalg::{DesignCross, Qr, RowClasses, cholesky_solve};

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
pub const LEVENBERG_LOW_VALUE: f64 = 1e-10;
use LEVENBERG_LOW_VALUE as LOW_VALUE;

/// The design, its QR and its column products, shared by every gene's fit.
#[derive(Debug, Clone)]
pub struct Levenberg {
    n: usize,
    p: usize,
    /// Row-major design (`rows[i·p + j]`).
    rows: Vec<f64>,
    cross: DesignCross,
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

/// Deviance, iterations and failure flag of [`Levenberg::fit_in`] (coefficients and means are
/// written in place).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitSummary {
    /// Deviance at the returned coefficients.
    pub deviance: f64,
    /// Outer iterations done.
    pub iterations: usize,
    /// Damping became excessive before convergence (edgeR's `failed`).
    pub failed: bool,
}

/// Scratch buffers of [`Levenberg::fit_in`] for one thread: allocated once, reused for every
/// gene (their contents never carry from one fit to the next).
#[derive(Debug, Clone)]
pub struct Workspace {
    mu_new: Vec<f64>,
    xtwx: Vec<f64>,
    xtwx_copy: Vec<f64>,
    acc: Vec<f64>,
    dl: Vec<f64>,
    dbeta: Vec<f64>,
    beta_new: Vec<f64>,
    start: Vec<f64>,
    /// When set (lent by the edgeR-equivalent tier's [`super::scoring::fit_equivalent`] for
    /// one fit), means are `N_i · exp(x_cᵀβ)` with one `exp` per distinct design row instead
    /// of `exp(o_i + x_iᵀβ)` per sample: the same iteration, means within an ulp or two.
    pub(crate) class_means: Option<RowScratch>,
}

/// Per-distinct-design-row scratch of the edgeR-equivalent tier: the rows ([`RowClasses`]),
/// sums of working weights and score terms per row ([`Levenberg::score_terms`]), one
/// `exp(x_cᵀβ)` per row and the library sizes `N_i = e^{o_i}` of the current fit
/// ([`Levenberg::class_means`]).
#[derive(Debug, Clone)]
pub(crate) struct RowScratch {
    classes: RowClasses,
    w: Vec<f64>,
    d: Vec<f64>,
    exp: Vec<f64>,
    /// `N_i` of the current fit (the caller's `exp` of the offsets), for the Levenberg fits.
    pub(crate) lib: Vec<f64>,
}

impl RowScratch {
    /// For `lev`'s design; `None` when every row is distinct (nothing to share).
    pub(crate) fn of(lev: &Levenberg) -> Option<Self> {
        let classes = RowClasses::of_rows(&lev.rows, lev.p);
        let k = classes.rep.len();
        classes.shared().then(|| Self {
            classes,
            w: vec![0.0; k],
            d: vec![0.0; k],
            exp: vec![0.0; k],
            lib: vec![0.0; lev.n],
        })
    }
}

impl Levenberg {
    /// Prepares fits for `design` (samples × coefficients).
    pub fn new(design: &ArrayView2<'_, f64>, max_iterations: usize, tolerance: f64) -> Self {
        let (n, p) = design.dim();
        let mut x = vec![0.0; n * p];
        let mut rows = vec![0.0; n * p];
        for j in 0..p {
            for i in 0..n {
                x[j * n + i] = design[[i, j]];
                rows[i * p + j] = design[[i, j]];
            }
        }
        Self { n, p, rows, cross: DesignCross::new(&x, n, p), qr: Qr::new(design), max_iterations, tolerance }
    }

    /// Number of design columns.
    pub fn columns(&self) -> usize {
        self.p
    }

    /// Row-major design (`[i·p + j]`).
    pub(crate) fn rows(&self) -> &[f64] {
        &self.rows
    }

    /// The design's column products.
    pub(crate) fn cross(&self) -> &DesignCross {
        &self.cross
    }

    /// The convergence tolerance on `dlᵀ dβ`.
    pub(crate) fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// Linear predictors `η_i = o_i + Σ_j β_j x_ij`, summed as [`Levenberg::fit`] sums them
    /// before exponentiating.
    pub fn linear_predictor(&self, beta: &[f64], offset: &[f64], eta: &mut [f64]) {
        let p = self.p;
        for (i, (e, &o)) in eta.iter_mut().zip(offset).enumerate() {
            let mut v = o;
            for (&b, &xv) in beta.iter().zip(&self.rows[i * p..(i + 1) * p]) {
                v += b * xv;
            }
            *e = v;
        }
    }

    /// Scratch buffers sized for this design.
    pub fn workspace(&self) -> Workspace {
        let (n, p) = (self.n, self.p);
        Workspace {
            mu_new: vec![0.0; n],
            xtwx: vec![0.0; p * p],
            xtwx_copy: vec![0.0; p * p],
            acc: vec![0.0; self.cross.len()],
            dl: vec![0.0; p],
            dbeta: vec![0.0; p],
            beta_new: vec![0.0; p],
            start: vec![0.0; n],
            class_means: None,
        }
    }

    /// edgeR's `get_levenberg_start(use_null = TRUE)`: least-squares coefficients of the
    /// constant `log(Σ y_i w_i / N_i / Σ w_i)`, `w_i = N_i / (1 + φ N_i)`, `N_i = e^{o_i}`.
    #[doc(alias = "get_levenberg_start")]
    pub fn null_start(&self, y: &[f64], offset: &[f64], phi: f64) -> Vec<f64> {
        let lib: Vec<f64> = offset.iter().map(|o| o.exp()).collect();
        let mut ws = self.workspace();
        let mut beta = vec![0.0; self.p];
        self.null_start_in(&mut ws, y, &lib, phi, &mut beta);
        beta
    }

    /// [`Levenberg::null_start`] into `beta`, given the library sizes `N_i = e^{o_i}`.
    pub fn null_start_in(&self, ws: &mut Workspace, y: &[f64], lib: &[f64], phi: f64, beta: &mut [f64]) {
        let mut sum_weight = 0.0;
        let mut sum_exprs = 0.0;
        for (&yi, &cur_n) in y.iter().zip(lib) {
            let w = cur_n / (1.0 + phi * cur_n);
            sum_exprs += yi * w / cur_n;
            sum_weight += w;
        }
        let v = &mut ws.start;
        v.fill((sum_exprs / sum_weight).ln());
        self.qr.solve_in_place(v);
        beta.copy_from_slice(&v[..self.p]);
    }

    /// The packed `XᵀWX` products into `acc` and the score `Xᵀ(y − μ)/(1 + φμ)` into `dl`, with
    /// working weights `w_i = μ_i/(1 + φμ_i)`: sample by sample in order (edgeR's sums), or with
    /// `by_class` summed per distinct design row first.
    pub(crate) fn score_terms(
        &self,
        y: &[f64],
        mu: &[f64],
        phi: f64,
        by_class: Option<&mut RowScratch>,
        acc: &mut [f64],
        dl: &mut [f64],
    ) {
        let p = self.p;
        acc.fill(0.0);
        dl.fill(0.0);
        let Some(RowScratch { classes, w: class_w, d: class_d, .. }) = by_class else {
            for i in 0..self.n {
                let denom = 1.0 + mu[i] * phi;
                let w = mu[i] / denom;
                let deriv = (y[i] - mu[i]) / denom;
                self.cross.accumulate(i, w, acc);
                for (d, &xv) in dl.iter_mut().zip(&self.rows[i * p..(i + 1) * p]) {
                    *d += deriv * xv;
                }
            }
            return;
        };
        class_w.fill(0.0);
        class_d.fill(0.0);
        for (i, &c) in classes.class_of.iter().enumerate() {
            let denom = 1.0 + mu[i] * phi;
            class_w[c] += mu[i] / denom;
            class_d[c] += (y[i] - mu[i]) / denom;
        }
        for ((&r, &w), &deriv) in classes.rep.iter().zip(class_w.iter()).zip(class_d.iter()) {
            self.cross.accumulate(r, w, acc);
            for (d, &xv) in dl.iter_mut().zip(&self.rows[r * p..(r + 1) * p]) {
                *d += deriv * xv;
            }
        }
    }

    /// `μ_i = N_i · exp(x_cᵀβ)`, one `exp` per distinct design row `c` (kept in `rows`), with
    /// `N_i = lib[i]`; returns whether every mean is finite.
    pub(crate) fn class_means(
        &self,
        beta: &[f64],
        rows: &mut RowScratch,
        lib: &[f64],
        mu: &mut [f64],
    ) -> bool {
        let p = self.p;
        for (ce, &r) in rows.exp.iter_mut().zip(rows.classes.rep.iter()) {
            let mut v = 0.0;
            for (&b, &xv) in beta.iter().zip(&self.rows[r * p..(r + 1) * p]) {
                v += b * xv;
            }
            *ce = v.exp();
        }
        let mut finite = true;
        for ((m, &c), &l) in mu.iter_mut().zip(rows.classes.class_of.iter()).zip(lib) {
            *m = l * rows.exp[c];
            finite &= m.is_finite();
        }
        finite
    }

    /// The means of `beta`: [`Self::class_means`] (from the lent scratch's `lib`) when
    /// `class_means` is lent, else edgeR's [`Self::autofill`].
    fn means(&self, class_means: Option<&mut RowScratch>, beta: &[f64], offset: &[f64], mu: &mut [f64]) {
        match class_means {
            Some(rows) => {
                // Lent out of the scratch for the call (a pointer swap, no copy).
                let lib = std::mem::take(&mut rows.lib);
                self.class_means(beta, rows, &lib, mu);
                rows.lib = lib;
            }
            None => self.autofill(beta, offset, mu),
        }
    }

    /// `μ_i = exp(o_i + Σ_j β_j x_ij)`, the sum taken column by column as reference BLAS
    /// `dgemv('N')` does.
    fn autofill(&self, beta: &[f64], offset: &[f64], mu: &mut [f64]) {
        let p = self.p;
        for (i, (m, &o)) in mu.iter_mut().zip(offset).enumerate() {
            let mut eta = o;
            for (&b, &xv) in beta.iter().zip(&self.rows[i * p..(i + 1) * p]) {
                eta += b * xv;
            }
            *m = eta.exp();
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
        let mut ws = self.workspace();
        let mut mu = vec![0.0; self.n];
        let s = self.fit_in(&mut ws, y, offset, phi, &mut beta, &mut mu, false);
        GeneFit { beta, mu, deviance: s.deviance, iterations: s.iterations, failed: s.failed }
    }

    /// [`Levenberg::fit`] in place: `beta` holds the start and receives the coefficients, `mu`
    /// receives the fitted means. With `mu_current`, `mu` already holds the means of `beta`
    /// (as a previous fit of the same gene with the same offsets returns them) and is not
    /// recomputed — the values are the same to the last bit.
    #[allow(clippy::too_many_arguments, clippy::too_many_lines)]
    pub fn fit_in(
        &self,
        ws: &mut Workspace,
        y: &[f64],
        offset: &[f64],
        phi: f64,
        beta: &mut [f64],
        mu: &mut [f64],
        mu_current: bool,
    ) -> FitSummary {
        let p = self.p;
        let ymax = y.iter().copied().fold(0.0, f64::max);
        if ymax < LOW_VALUE {
            beta.fill(f64::NAN);
            mu.fill(0.0);
            return FitSummary { deviance: 0.0, iterations: 0, failed: false };
        }
        if !mu_current {
            self.means(ws.class_means.as_mut(), beta, offset, mu);
        }
        let mut dev = nbinom_deviance(y, mu, phi);
        if p == 0 {
            return FitSummary { deviance: dev, iterations: 0, failed: false };
        }
        let Workspace { mu_new, xtwx, xtwx_copy, acc, dl, dbeta, beta_new, class_means, .. } = ws;
        let mut max_info = -1.0f64;
        let mut lambda = 0.0f64;
        let mut failed = false;
        let mut iter = 0;
        loop {
            iter += 1;
            if iter > self.max_iterations {
                break;
            }
            // Working weights, score and XᵀWX in one pass over the samples; every sum is
            // still taken in sample order.
            self.score_terms(y, mu, phi, None, acc, dl);
            self.cross.scatter(acc, xtwx);
            for c in 0..p {
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
                    dbeta.copy_from_slice(dl);
                    if cholesky_solve(xtwx_copy, p, dbeta) {
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
                self.means(class_means.as_mut(), beta_new, offset, mu_new);
                let dev_new = nbinom_deviance(y, mu_new, phi);
                if dev_new / ymax < SUPREMELY_LOW_VALUE {
                    low_dev = true;
                }
                if dev_new <= dev || low_dev {
                    beta.copy_from_slice(beta_new);
                    mu.copy_from_slice(mu_new);
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
            let divergence: f64 = dl.iter().zip(dbeta.iter()).map(|(a, b)| a * b).sum();
            if divergence < self.tolerance {
                break;
            }
            if lev == 1 {
                lambda /= 10.0;
            }
        }
        FitSummary { deviance: dev, iterations: iter.min(self.max_iterations + 1), failed }
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
