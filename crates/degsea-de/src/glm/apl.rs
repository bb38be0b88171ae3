//! Cox–Reid adjusted profile log-likelihood of a negative-binomial GLM (edgeR
//! `adjustedProfileLik`, C++ `compute_apl` and `adj_coxreid`).
//!
//! For one gene with counts `y_i`, fitted means `μ_i` (from `glmFit` at dispersion `φ`, prior
//! count 0) and design `X` (n × p):
//! `APL = Σ_i log NB(y_i; μ_i, φ) − ½ log det(XᵀWX)`, `W = diag(μ_i / (1 + φ μ_i))`.
//! Observations with `μ_i = 0` add nothing to the likelihood and get working weight 0. The
//! log-determinant is the sum of the log-diagonal of `D` in LAPACK's Bunch–Kaufman `A = U D Uᵀ`
//! factorisation (`dsytrf` with `uplo = 'U'`, unblocked `dsytf2` for these small `p`); a
//! diagonal below 1e-10 (or not finite) counts as 1e-10. With one coefficient the adjustment is
//! `½ log |Σ W|`.
//!
//! `lgamma` is the C library's, as edgeR's C++ calls it (`std::lgamma`, glibc's fdlibm
//! `__ieee754_lgamma_r`), through the `libm` crate's port of the same code; R's own `lgammafn`
//! rounds differently by up to ~1e-16 · lgamma(1/φ), which the cancellation in
//! `lgamma(y + 1/φ) − lgamma(1/φ)` turns into ~2e-12 relative at φ ≈ 1e-4, enough to move
//! near-zero QL F statistics by 1e-5 relative downstream.
//!
//! Spec: `GLM.md` G4, `ALGORITHMS.md` §A8. Sources: edgeR 3.40.2 `R/adjustedProfileLik.R`,
//! `src/R_compute_apl.cpp`, `src/adj_coxreid.cpp`; LAPACK `dsytf2.f`.

/// edgeR's replacement for a non-positive or non-finite `D` diagonal (`utils.h: low_value`).
pub const LOW_DIAGONAL: f64 = 1e-10;

use super::linalg::DesignCross;

/// Bunch–Kaufman pivot threshold `(1 + √17) / 8` of LAPACK `dsytf2`.
fn bunch_kaufman_alpha() -> f64 {
    (1.0 + 17f64.sqrt()) / 8.0
}

/// First index of the largest `|v|` (BLAS `idamax`), over an iterator of values.
fn idamax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = -1.0;
    let mut at = 0;
    for (i, v) in values.enumerate() {
        if v.abs() > best {
            best = v.abs();
            at = i;
        }
    }
    at
}

/// LAPACK `dsytf2` with `uplo = 'U'` on a column-major `p × p` matrix whose upper triangle holds
/// the symmetric matrix; on return the diagonal holds `D`'s diagonal entries.
#[allow(clippy::many_single_char_names, clippy::similar_names)]
fn dsytf2_upper(a: &mut [f64], p: usize) {
    let at = |i: usize, j: usize| (j - 1) * p + (i - 1); // 1-based (row, col)
    let alpha = bunch_kaufman_alpha();
    let mut k = p;
    while k >= 1 {
        let mut kstep = 1;
        let absakk = a[at(k, k)].abs();
        let (imax, colmax) = if k > 1 {
            let i = 1 + idamax((1..k).map(|i| a[at(i, k)]));
            (i, a[at(i, k)].abs())
        } else {
            (0, 0.0)
        };
        // A zero column (LAPACK sets INFO = k) leaves the diagonal as it is.
        if absakk.max(colmax) != 0.0 && !absakk.is_nan() {
            let kp;
            if absakk >= alpha * colmax {
                kp = k;
            } else {
                let jmax = imax + 1 + idamax((imax + 1..=k).map(|j| a[at(imax, j)]));
                let mut rowmax = a[at(imax, jmax)].abs();
                if imax > 1 {
                    let j2 = 1 + idamax((1..imax).map(|i| a[at(i, imax)]));
                    rowmax = rowmax.max(a[at(j2, imax)].abs());
                }
                if absakk >= alpha * colmax * (colmax / rowmax) {
                    kp = k;
                } else if a[at(imax, imax)].abs() >= alpha * rowmax {
                    kp = imax;
                } else {
                    kp = imax;
                    kstep = 2;
                }
            }
            let kk = k + 1 - kstep;
            if kp != kk {
                for i in 1..kp {
                    a.swap(at(i, kk), at(i, kp));
                }
                for j in kp + 1..kk {
                    a.swap(at(j, kk), at(kp, j));
                }
                a.swap(at(kk, kk), at(kp, kp));
                if kstep == 2 {
                    a.swap(at(k - 1, k), at(kp, k));
                }
            }
            if kstep == 1 {
                let r1 = 1.0 / a[at(k, k)];
                // dsyr: A(1:k-1, 1:k-1) -= r1 · x xᵀ (upper), x = A(1:k-1, k).
                for j in 1..k {
                    let xj = a[at(j, k)];
                    if xj != 0.0 {
                        let temp = -r1 * xj;
                        for i in 1..=j {
                            a[at(i, j)] += a[at(i, k)] * temp;
                        }
                    }
                }
                for i in 1..k {
                    a[at(i, k)] *= r1;
                }
            } else if k > 2 {
                let d12 = a[at(k - 1, k)];
                let d22 = a[at(k - 1, k - 1)] / d12;
                let d11 = a[at(k, k)] / d12;
                let t = 1.0 / (d11 * d22 - 1.0);
                let d12 = t / d12;
                for j in (1..=k - 2).rev() {
                    let wkm1 = d12 * (d11 * a[at(j, k - 1)] - a[at(j, k)]);
                    let wk = d12 * (d22 * a[at(j, k)] - a[at(j, k - 1)]);
                    for i in (1..=j).rev() {
                        a[at(i, j)] = a[at(i, j)] - a[at(i, k)] * wk - a[at(i, k - 1)] * wkm1;
                    }
                    a[at(j, k)] = wk;
                    a[at(j, k - 1)] = wkm1;
                }
            }
        }
        k -= kstep;
        if k == 0 {
            break;
        }
    }
}

/// `½ log det(XᵀWX)` as edgeR's `adj_coxreid::compute` (or `½ log |Σ W|` when `p = 1`).
///
/// `design` is column-major `n × p` (`design[j·n + i]`), `w` the `n` working weights.
///
/// # Panics
/// If `design.len() != n · p` or `w.len() != n`.
#[doc(alias = "adj_coxreid")]
pub fn cox_reid_half_log_det(design: &[f64], n: usize, p: usize, w: &[f64]) -> f64 {
    assert_eq!(design.len(), n * p, "design is n × p");
    assert_eq!(w.len(), n, "one weight per sample");
    let cross = DesignCross::new(design, n, p);
    let t = cross.len();
    half_log_det_cross(&cross, w, &mut vec![0.0; t], &mut vec![0.0; p * p])
}

/// [`cox_reid_half_log_det`] with the design's column products precomputed; `acc` (length
/// `p(p+1)/2`) and `xtwx` (`p × p`) are scratch.
fn half_log_det_cross(cross: &DesignCross, w: &[f64], acc: &mut [f64], xtwx: &mut [f64]) -> f64 {
    let p = cross.columns();
    if p == 1 {
        let s: f64 = w.iter().sum();
        return s.abs().ln() / 2.0;
    }
    cross.weighted(w, acc, xtwx);
    dsytf2_upper(xtwx, p);
    let low_log = LOW_DIAGONAL.ln();
    let mut sum = 0.0;
    for i in 0..p {
        let v = xtwx[i * p + i];
        sum += if v < LOW_DIAGONAL || !v.is_finite() { low_log } else { v.ln() };
    }
    sum * 0.5
}

/// Counts below this take `lgamma(y + a)` from a table in [`AplDispersion`] and [`AplDesign`].
const LGAMMA_TABLE_LEN: usize = 512;

/// `lgamma(k + shift)` for `k = 0, 1, …` below [`LGAMMA_TABLE_LEN`]: the same libm calls on the
/// same arguments, made once instead of once per count.
#[derive(Debug, Clone)]
struct LgammaTable {
    shift: f64,
    values: Vec<f64>,
}

impl LgammaTable {
    fn new(shift: f64) -> Self {
        #[allow(clippy::cast_precision_loss)]
        let values = (0..LGAMMA_TABLE_LEN).map(|k| libm::lgamma(k as f64 + shift)).collect();
        Self { shift, values }
    }

    /// `libm::lgamma(y + shift)`, from the table when `y` is a small whole number.
    #[inline]
    fn get(&self, y: f64) -> f64 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let k = y as usize;
        #[allow(clippy::cast_precision_loss)]
        if k < self.values.len() && k as f64 == y { self.values[k] } else { libm::lgamma(y + self.shift) }
    }
}

/// The dispersion-only terms of the adjusted profile likelihood at one dispersion `φ`:
/// `r = 1/φ`, `r log r`, `lgamma(r)` and `lgamma(y + r)` for small counts `y`, computed once
/// per dispersion instead of once per count (same operations, same values).
#[derive(Debug, Clone)]
pub struct AplDispersion {
    dispersion: f64,
    r: f64,
    r_log_r: f64,
    lgamma_r: f64,
    lgamma_y_r: Option<LgammaTable>,
}

impl AplDispersion {
    /// Terms at `dispersion`.
    pub fn new(dispersion: f64) -> Self {
        if dispersion > 0.0 {
            let r = 1.0 / dispersion;
            Self {
                dispersion,
                r,
                r_log_r: r * r.ln(),
                lgamma_r: libm::lgamma(r),
                lgamma_y_r: Some(LgammaTable::new(r)),
            }
        } else {
            Self { dispersion, r: f64::INFINITY, r_log_r: 0.0, lgamma_r: 0.0, lgamma_y_r: None }
        }
    }

    /// The dispersion.
    pub fn dispersion(&self) -> f64 {
        self.dispersion
    }
}

/// The design-only parts of the adjusted profile likelihood (column products for `XᵀWX`,
/// `lgamma(y + 1)` for small counts) and scratch for one thread.
#[derive(Debug, Clone)]
pub struct AplDesign {
    cross: DesignCross,
    lgamma_y1: LgammaTable,
    w: Vec<f64>,
    acc: Vec<f64>,
    xtwx: Vec<f64>,
}

impl AplDesign {
    /// For a column-major `n × p` design.
    pub fn new(design: &[f64], n: usize, p: usize) -> Self {
        let cross = DesignCross::new(design, n, p);
        let t = cross.len();
        Self {
            cross,
            lgamma_y1: LgammaTable::new(1.0),
            w: vec![0.0; n],
            acc: vec![0.0; t],
            xtwx: vec![0.0; p * p],
        }
    }

    /// [`adjusted_profile_lik`] of one gene at the dispersion of `at`, bit for bit.
    pub fn apl(&mut self, y: &[f64], mu: &[f64], at: &AplDispersion) -> f64 {
        self.apl_impl(y, mu, None, at)
    }

    /// [`AplDesign::apl`] with `log μ_i` given (the linear predictor the means were
    /// exponentiated from) instead of recomputed: the edgeR-equivalent tier's grid. `η` and
    /// `log(exp(η))` differ by the rounding of `exp`, a relative 1e-16 of `μ`.
    pub fn apl_log_mu(&mut self, y: &[f64], mu: &[f64], log_mu: &[f64], at: &AplDispersion) -> f64 {
        self.apl_impl(y, mu, Some(log_mu), at)
    }

    fn apl_impl(&mut self, y: &[f64], mu: &[f64], log_mu: Option<&[f64]>, at: &AplDispersion) -> f64 {
        let n = self.cross.samples();
        assert_eq!(y.len(), n, "one count per sample");
        assert_eq!(mu.len(), n, "one mean per sample");
        let dispersion = at.dispersion;
        let mut sum = 0.0;
        for i in 0..n {
            let m = mu[i];
            if m == 0.0 {
                self.w[i] = 0.0;
                continue;
            }
            let cy = y[i];
            let log_m = log_mu.map_or_else(|| m.ln(), |l| l[i]);
            let loglik = if let Some(lg) = &at.lgamma_y_r {
                let r = at.r;
                let logmur = (m + r).ln();
                cy * log_m - cy * logmur + at.r_log_r - r * logmur + lg.get(cy)
                    - self.lgamma_y1.get(cy)
                    - at.lgamma_r
            } else {
                cy * log_m - m - self.lgamma_y1.get(cy)
            };
            sum += loglik;
            self.w[i] = m / (1.0 + dispersion * m);
        }
        sum - half_log_det_cross(&self.cross, &self.w, &mut self.acc, &mut self.xtwx)
    }
}

/// Cox–Reid adjusted profile log-likelihood of one gene (unit observation weights, as
/// `estimateDisp` uses it): `y` counts, `mu` fitted means at `dispersion`, `design`
/// column-major `n × p`.
///
/// ```
/// use degsea_de::glm::apl::adjusted_profile_lik;
/// // Intercept-only: log-likelihood minus ½ log Σ μ/(1+φμ).
/// let y = [3.0, 5.0];
/// let mu = [4.0, 4.0];
/// let apl = adjusted_profile_lik(&y, &mu, 0.0, &[1.0, 1.0], 2, 1);
/// let pois: f64 = y.iter().map(|&v: &f64| v * 4f64.ln() - 4.0 - degsea_stats::lgamma(v + 1.0)).sum();
/// assert!((apl - (pois - 8f64.ln() / 2.0)).abs() < 1e-12);
/// ```
///
/// # Panics
/// If the lengths disagree with `n` and `p`.
///
/// # References
/// Cox & Reid (1987), JRSS B 49:1; McCarthy, Chen & Smyth (2012), NAR 40:4288;
/// edgeR 3.40.2 `R/adjustedProfileLik.R`, `src/R_compute_apl.cpp`.
#[doc(alias = "adjustedProfileLik")]
pub fn adjusted_profile_lik(
    y: &[f64],
    mu: &[f64],
    dispersion: f64,
    design: &[f64],
    n: usize,
    p: usize,
) -> f64 {
    AplDesign::new(design, n, p).apl(y, mu, &AplDispersion::new(dispersion))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Determinant of a small symmetric matrix by cofactor expansion.
    fn det(m: &[Vec<f64>]) -> f64 {
        if m.len() == 1 {
            return m[0][0];
        }
        let mut d = 0.0;
        for j in 0..m.len() {
            let minor: Vec<Vec<f64>> = m[1..]
                .iter()
                .map(|r| r.iter().enumerate().filter(|&(c, _)| c != j).map(|(_, &v)| v).collect())
                .collect();
            let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
            d += sign * m[0][j] * det(&minor);
        }
        d
    }

    #[test]
    fn half_log_det_matches_cofactor_determinant() {
        // Treatment-coded 3-level factor plus a numeric covariate, 7 samples.
        let n = 7;
        let design: Vec<f64> = [
            vec![1.0; 7],
            vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0],
            vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0],
            vec![0.3, -1.2, 2.5, 0.1, -0.7, 1.9, 0.4],
        ]
        .concat();
        let w = [3.0, 0.5, 7.0, 2.0, 11.0, 0.25, 4.0];
        let p = 4;
        let xtwx: Vec<Vec<f64>> = (0..p)
            .map(|a| {
                (0..p).map(|b| (0..n).map(|i| design[a * n + i] * design[b * n + i] * w[i]).sum()).collect()
            })
            .collect();
        let want = det(&xtwx).ln() / 2.0;
        let got = cox_reid_half_log_det(&design, n, p, &w);
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
}
