//! Small dense linear algebra for design matrices (a handful of columns): Householder QR least
//! squares as LAPACK `dgeqrf`/`dormqr`/`dtrtrs`, Cholesky solve as `dpotrf`/`dpotrs`, LU solve
//! as `dgesv`, and hat values.

#![allow(
    clippy::needless_range_loop,
    reason = "index loops mirror the LAPACK/BLAS reference loops they port"
)]

use ndarray::{Array2, ArrayView2};

/// R's `qr()$rank` rule for designs, shared with the formula code in `degsea-core`.
pub use degsea_core::formula::rank_dqrdc2;

/// LAPACK `dlapy2`: `sqrt(x² + y²)` as `w·sqrt(1 + (z/w)²)`.
fn dlapy2(x: f64, y: f64) -> f64 {
    let (xa, ya) = (x.abs(), y.abs());
    let w = xa.max(ya);
    let z = xa.min(ya);
    if z == 0.0 || w > f64::MAX { w } else { w * (1.0 + (z / w) * (z / w)).sqrt() }
}

/// A Householder QR factorisation of an `n × p` matrix (`n ≥ p`), LAPACK `dgeqrf` conventions:
/// `R` in the upper triangle of `qr`, the reflector vectors below it (unit first entry implied).
#[derive(Debug, Clone)]
pub struct Qr {
    n: usize,
    p: usize,
    /// Column-major `n × p`.
    packed: Vec<f64>,
    tau: Vec<f64>,
}

impl Qr {
    /// Factorises `x` (rows = observations).
    pub fn new(x: &ArrayView2<'_, f64>) -> Self {
        let (n, p) = x.dim();
        let mut qr = vec![0.0; n * p];
        for j in 0..p {
            for i in 0..n {
                qr[j * n + i] = x[[i, j]];
            }
        }
        let mut tau = vec![0.0; p];
        for k in 0..p.min(n) {
            let col = k * n;
            let alpha = qr[col + k];
            let xnorm = qr[col + k + 1..col + n].iter().map(|v| v * v).sum::<f64>().sqrt();
            if xnorm == 0.0 {
                tau[k] = 0.0;
                continue;
            }
            let beta = -alpha.signum() * dlapy2(alpha, xnorm);
            tau[k] = (beta - alpha) / beta;
            let scale = 1.0 / (alpha - beta);
            for v in &mut qr[col + k + 1..col + n] {
                *v *= scale;
            }
            qr[col + k] = beta;
            // Apply H_k to the remaining columns.
            for j in k + 1..p {
                let cj = j * n;
                let mut s = qr[cj + k];
                for i in k + 1..n {
                    s += qr[col + i] * qr[cj + i];
                }
                s *= tau[k];
                qr[cj + k] -= s;
                for i in k + 1..n {
                    qr[cj + i] -= s * qr[col + i];
                }
            }
        }
        Self { n, p, packed: qr, tau }
    }

    /// `Qᵀ y` in place (LAPACK `dormqr('L', 'T')`): the "effects" of R's `lm.fit`.
    pub fn qt_mul(&self, y: &mut [f64]) {
        let n = self.n;
        for k in 0..self.p.min(n) {
            if self.tau[k] == 0.0 {
                continue;
            }
            let col = k * n;
            let mut s = y[k];
            for i in k + 1..n {
                s += self.packed[col + i] * y[i];
            }
            s *= self.tau[k];
            y[k] -= s;
            for i in k + 1..n {
                y[i] -= s * self.packed[col + i];
            }
        }
    }

    /// `Q z` in place (the inverse of [`Qr::qt_mul`]).
    pub fn q_mul(&self, z: &mut [f64]) {
        let n = self.n;
        for k in (0..self.p.min(n)).rev() {
            if self.tau[k] == 0.0 {
                continue;
            }
            let col = k * n;
            let mut s = z[k];
            for i in k + 1..n {
                s += self.packed[col + i] * z[i];
            }
            s *= self.tau[k];
            z[k] -= s;
            for i in k + 1..n {
                z[i] -= s * self.packed[col + i];
            }
        }
    }

    /// Least-squares coefficients: `Qᵀy`, then back-substitution with `R` (`dtrtrs`).
    /// `y` is overwritten with the effects; the first `p` entries become the coefficients.
    pub fn solve_in_place(&self, y: &mut [f64]) {
        self.qt_mul(y);
        let n = self.n;
        // Column-oriented back substitution, as reference BLAS dtrsm('L', 'U', 'N', 'N').
        for k in (0..self.p).rev() {
            if y[k] != 0.0 {
                y[k] /= self.packed[k * n + k];
                for i in 0..k {
                    y[i] -= y[k] * self.packed[k * n + i];
                }
            }
        }
    }

    /// Diagonal of the hat matrix `X(XᵀX)⁻¹Xᵀ`: row sums of squares of the first `p` columns
    /// of `Q` (R's `hat()`).
    pub fn hat_values(&self) -> Vec<f64> {
        let n = self.n;
        let mut h = vec![0.0; n];
        let mut e = vec![0.0; n];
        for k in 0..self.p {
            e.fill(0.0);
            e[k] = 1.0;
            self.q_mul(&mut e);
            for (hi, ei) in h.iter_mut().zip(&e) {
                *hi += ei * ei;
            }
        }
        h
    }
}

/// The design's per-sample column products `x_i,c1 · x_i,c2` (`c2 ≤ c1`), computed once per
/// design and reused for every gene's `XᵀWX` (edgeR forms `Σ_i x_i,c1 x_i,c2 w_i` in
/// `glm_levenberg.cpp` and `adj_coxreid.cpp`; the product of the two design entries is taken
/// first there too, so the sums are the same to the last bit).
#[derive(Debug, Clone)]
pub struct DesignCross {
    n: usize,
    p: usize,
    /// Row-major `n × p(p+1)/2`: sample `i`'s products in `(c1, c2 ≤ c1)` order.
    products: Vec<f64>,
}

impl DesignCross {
    /// Products of a column-major `n × p` design.
    ///
    /// # Panics
    /// If `design.len() != n · p`.
    pub fn new(design: &[f64], n: usize, p: usize) -> Self {
        assert_eq!(design.len(), n * p, "design is n × p");
        let t = p * (p + 1) / 2;
        let mut products = vec![0.0; n * t];
        for i in 0..n {
            let mut k = 0;
            for c1 in 0..p {
                for c2 in 0..=c1 {
                    products[i * t + k] = design[c1 * n + i] * design[c2 * n + i];
                    k += 1;
                }
            }
        }
        Self { n, p, products }
    }

    /// Number of samples.
    pub fn samples(&self) -> usize {
        self.n
    }

    /// Number of design columns.
    pub fn columns(&self) -> usize {
        self.p
    }

    /// Number of distinct products, `p(p+1)/2`.
    pub fn len(&self) -> usize {
        self.p * (self.p + 1) / 2
    }

    /// Whether the design has no columns.
    pub fn is_empty(&self) -> bool {
        self.p == 0
    }

    /// Sample `i`'s products in `(c1, c2 ≤ c1)` order.
    pub fn row(&self, i: usize) -> &[f64] {
        let t = self.len();
        &self.products[i * t..(i + 1) * t]
    }

    /// Adds sample `i`'s products times `w` to `acc` (one accumulator per product).
    #[inline]
    pub fn accumulate(&self, i: usize, w: f64, acc: &mut [f64]) {
        for (a, &c) in acc.iter_mut().zip(self.row(i)) {
            *a += c * w;
        }
    }

    /// Writes the accumulated products into the lower half of a column-major `p × p` matrix
    /// (`out[c1·p + c2]`, `c2 ≤ c1`; the upper triangle of its column-major transpose).
    pub fn scatter(&self, acc: &[f64], out: &mut [f64]) {
        let p = self.p;
        let mut k = 0;
        for c1 in 0..p {
            for c2 in 0..=c1 {
                out[c1 * p + c2] = acc[k];
                k += 1;
            }
        }
    }

    /// `XᵀWX` into `out` as [`DesignCross::scatter`] lays it out, each entry summed over the
    /// samples in order; `acc` is scratch of length [`DesignCross::len`].
    pub fn weighted(&self, w: &[f64], acc: &mut [f64], out: &mut [f64]) {
        acc.fill(0.0);
        for (i, &wi) in w.iter().enumerate().take(self.n) {
            self.accumulate(i, wi, acc);
        }
        self.scatter(acc, out);
    }
}

/// Samples grouped by identical design row: `class_of[i]` is sample `i`'s class and `rep[c]`
/// the first sample of class `c`. A design with a few distinct rows (factors only) lets sums
/// over samples of `w_i x_i x_iᵀ` be taken as `Σ_c (Σ_{i ∈ c} w_i) x_c x_cᵀ`.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowClasses {
    /// Class of each sample; empty when every row is distinct (nothing to share).
    pub(crate) class_of: Vec<usize>,
    /// First sample of each class.
    pub(crate) rep: Vec<usize>,
}

impl RowClasses {
    /// Classes of a row-major `n × p` design (`rows[i·p + j]`).
    pub(crate) fn of_rows(rows: &[f64], p: usize) -> Self {
        let n = rows.len().checked_div(p).unwrap_or(0);
        let mut class_of = Vec::with_capacity(n);
        let mut rep: Vec<usize> = Vec::new();
        for i in 0..n {
            let row = &rows[i * p..(i + 1) * p];
            let c = rep.iter().position(|&r| rows[r * p..(r + 1) * p] == *row).unwrap_or_else(|| {
                rep.push(i);
                rep.len() - 1
            });
            class_of.push(c);
        }
        if rep.len() == n {
            class_of.clear();
        }
        Self { class_of, rep }
    }

    /// Whether some samples share a row.
    pub(crate) fn shared(&self) -> bool {
        !self.class_of.is_empty()
    }
}

/// Solves `A x = b` for symmetric positive definite `A` (`p × p`, upper triangle used, column
/// major) by Cholesky `A = UᵀU` (LAPACK `dpotrf('U')`, which is `dpotrf2` for small
/// matrices, + `dpotrs`). Returns `false` when `A` is
/// not positive definite (`info != 0`), leaving `b` unspecified.
pub fn cholesky_solve(a: &mut [f64], p: usize, b: &mut [f64]) -> bool {
    if !dpotrf2(a, p, 0, p) {
        return false;
    }
    cholesky_substitute(a, p, b);
    true
}

/// Given the Cholesky factor `U` in the upper triangle of the column-major `p × p` `a`, solves
/// `UᵀU x = b` in place (reference BLAS `dtrsm` order, as `dpotrs`).
pub(crate) fn cholesky_substitute(a: &[f64], p: usize, b: &mut [f64]) {
    // Uᵀ z = b
    for i in 0..p {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * p + k] * b[k];
        }
        b[i] = s / a[i * p + i];
    }
    // U x = z, column-oriented as reference BLAS dtrsm('L', 'U', 'N').
    for k in (0..p).rev() {
        if b[k] != 0.0 {
            b[k] /= a[k * p + k];
            for i in 0..k {
                b[i] -= b[k] * a[k * p + i];
            }
        }
    }
}

/// LAPACK `dpotrf2('U')` on the `m × m` block of `a` (leading dimension `ld`) starting at
/// `(r0, r0)`: the recursive Cholesky LAPACK ≥ 3.6 uses below its block size, with
/// reference BLAS `dtrsm` and `dsyrk` operation order. Returns `false` if not positive
/// definite.
fn dpotrf2(a: &mut [f64], ld: usize, r0: usize, m: usize) -> bool {
    let at = |i: usize, j: usize| (r0 + j) * ld + r0 + i;
    if m == 1 {
        let v = a[at(0, 0)];
        if v <= 0.0 || v.is_nan() {
            return false;
        }
        a[at(0, 0)] = v.sqrt();
        return true;
    }
    let n1 = m / 2;
    let n2 = m - n1;
    if !dpotrf2(a, ld, r0, n1) {
        return false;
    }
    // dtrsm('L', 'U', 'T', 'N'): A12 := A11^{-T} A12.
    for j in n1..m {
        for i in 0..n1 {
            let mut temp = a[at(i, j)];
            for k in 0..i {
                temp -= a[at(k, i)] * a[at(k, j)];
            }
            a[at(i, j)] = temp / a[at(i, i)];
        }
    }
    // dsyrk('U', 'T', alpha = -1, beta = 1): A22 := A22 − A12ᵀ A12.
    for j in n1..m {
        for i in n1..=j {
            let mut temp = 0.0;
            for l in 0..n1 {
                temp += a[at(l, i)] * a[at(l, j)];
            }
            a[at(i, j)] += -temp;
        }
    }
    dpotrf2(a, ld, r0 + n1, n2)
}

/// Solves `A X = B` for square `A` by LU with partial pivoting (LAPACK `dgesv`, R's `solve`).
/// `a` is `k × k`, `b` is `k × m`; returns `None` when `A` is singular.
pub fn lu_solve(a: &ArrayView2<'_, f64>, b: &ArrayView2<'_, f64>) -> Option<Array2<f64>> {
    let k = a.nrows();
    let mut lu = a.to_owned();
    let mut x = b.to_owned();
    for c in 0..k {
        let piv = (c..k).max_by(|&i, &j| lu[[i, c]].abs().total_cmp(&lu[[j, c]].abs()))?;
        if lu[[piv, c]] == 0.0 {
            return None;
        }
        if piv != c {
            for j in 0..k {
                lu.swap([piv, j], [c, j]);
            }
            for j in 0..x.ncols() {
                x.swap([piv, j], [c, j]);
            }
        }
        for i in c + 1..k {
            let f = lu[[i, c]] / lu[[c, c]];
            lu[[i, c]] = f;
            for j in c + 1..k {
                lu[[i, j]] -= f * lu[[c, j]];
            }
            for j in 0..x.ncols() {
                x[[i, j]] -= f * x[[c, j]];
            }
        }
    }
    for j in 0..x.ncols() {
        for i in (0..k).rev() {
            let mut s = x[[i, j]];
            for l in i + 1..k {
                s -= lu[[i, l]] * x[[l, j]];
            }
            x[[i, j]] = s / lu[[i, i]];
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_and_hat() {
        let x = ndarray::array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]];
        let qr = Qr::new(&x.view());
        let mut y = vec![1.0, 3.0, 5.0, 7.0];
        qr.solve_in_place(&mut y);
        assert!((y[0] - 1.0).abs() < 1e-14 && (y[1] - 2.0).abs() < 1e-14, "{y:?}");
        let h = qr.hat_values();
        // leverages of a straight line: 1/n + (x - xbar)^2 / Sxx
        for (i, hi) in h.iter().enumerate() {
            let d = i as f64 - 1.5;
            assert!((hi - (0.25 + d * d / 5.0)).abs() < 1e-14);
        }
    }

    #[test]
    fn cholesky_and_lu() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let mut b = vec![2.0, 1.0];
        assert!(cholesky_solve(&mut a, 2, &mut b));
        assert!((b[0] - 0.5).abs() < 1e-15 && b[1].abs() < 1e-15);
        let a = ndarray::array![[0.0, 1.0], [2.0, 1.0]];
        let b = ndarray::array![[1.0], [4.0]];
        let x = lu_solve(&a.view(), &b.view()).unwrap();
        assert!((x[[0, 0]] - 1.5).abs() < 1e-15 && (x[[1, 0]] - 1.0).abs() < 1e-15);
        let mut s = vec![1.0, 1.0, 1.0, 1.0];
        assert!(!cholesky_solve(&mut s, 2, &mut [1.0, 1.0]));
    }
}
