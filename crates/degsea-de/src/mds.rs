//! Multidimensional scaling of samples as edgeR's `plotMDS` draws it: the "leading log-fold-change"
//! distance between two samples is the root-mean-square of their largest `top` log-CPM
//! differences, and the coordinates are classical (Torgerson) scaling of those distances.

use ndarray::ArrayRef2;

use crate::{Error, Result};

/// edgeR `plotMDS(top = 500)`: number of leading genes per pair of samples.
pub const DEFAULT_TOP: usize = 500;
/// Jacobi sweeps of the eigen-decomposition before giving up (convergence takes ~10 for n ≤ 100).
const MAX_SWEEPS: usize = 100;
/// Jacobi stops when the off-diagonal norm is below this times the matrix norm (convergence is
/// quadratic, so the last sweep goes from ~1e-8 to this).
const JACOBI_TOLERANCE: f64 = f64::EPSILON;

/// Sample coordinates of [`plot_mds`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mds {
    /// First coordinate of each sample (limma's `$x`, dimension 1).
    pub x: Vec<f64>,
    /// Second coordinate of each sample (limma's `$y`, dimension 2).
    pub y: Vec<f64>,
    /// Share of the total (non-negative) eigenvalue mass per dimension, decreasing
    /// (limma's `$var.explained`).
    pub var_explained: Vec<f64>,
    /// Number of leading genes used per pair (`min(top, genes with finite values)`).
    pub top: usize,
}

/// edgeR `plotMDS.DGEList(y, top, gene.selection = "pairwise")` on a log-CPM matrix (genes ×
/// samples; edgeR computes it with `cpm(y, log = TRUE, prior.count = 2)`, see
/// [`crate::cpm::log_cpm`]).
///
/// Genes with any non-finite value are dropped. For each pair of samples `(i, j)` the squared
/// distance is the mean of the `top` largest `(x_gi − x_gj)²`; the matrix is double-centred and
/// its eigenvectors scaled by `√max(λ, 0)` give the coordinates, as limma's `plotMDS.default`
/// does with `eigen(symmetric = TRUE)` (here a cyclic Jacobi rotation, accurate to rounding).
/// Coordinates are defined up to the sign of each dimension.
///
/// ```
/// let x = ndarray::array![[1.0, 1.2, 5.0, 5.1], [3.0, 2.9, 3.1, 3.0], [0.0, 0.3, -2.0, -2.2]];
/// let m = degsea_de::mds::plot_mds(&x, 500)?;
/// // The first dimension separates samples 1–2 from 3–4.
/// assert!(m.x[0] * m.x[2] < 0.0 && m.x[0] * m.x[1] > 0.0);
/// # Ok::<(), degsea_de::Error>(())
/// ```
///
/// # Errors
/// [`Error::Mds`] with fewer than 3 samples or fewer than 2 genes with finite values.
///
/// # References
/// edgeR 3.40.2 `plotMDS.DGEList`, limma 3.54 `plotMDS.default`; Ritchie et al. (2015) limma,
/// *Nucleic Acids Research* 43:e47; Torgerson (1952) *Psychometrika* 17:401.
#[doc(alias = "plotMDS")]
pub fn plot_mds(log_cpm: &ArrayRef2<f64>, top: usize) -> Result<Mds> {
    let n = log_cpm.ncols();
    if n < 3 {
        return Err(Error::Mds { reason: format!("only {n} samples: need at least 3") });
    }
    let rows: Vec<usize> =
        (0..log_cpm.nrows()).filter(|&g| log_cpm.row(g).iter().all(|v| v.is_finite())).collect();
    if rows.len() < 2 {
        return Err(Error::Mds { reason: format!("only {} genes with finite log-CPM: need 2", rows.len()) });
    }
    let top = top.clamp(1, rows.len());
    let mut dd = vec![0.0; n * n];
    let mut sq = vec![0.0; rows.len()];
    for i in 1..n {
        for j in 0..i {
            for (s, &g) in sq.iter_mut().zip(&rows) {
                let d = log_cpm[[g, i]] - log_cpm[[g, j]];
                *s = d * d;
            }
            let k = rows.len() - top;
            sq.select_nth_unstable_by(k, f64::total_cmp);
            let mean = sq[k..].iter().sum::<f64>() / top as f64;
            dd[i * n + j] = mean;
            dd[j * n + i] = mean;
        }
    }
    // Double centring as limma writes it: dd - rowMeans, then transpose minus (rm - mean(rm)).
    let rm: Vec<f64> = (0..n).map(|i| dd[i * n..(i + 1) * n].iter().sum::<f64>() / n as f64).collect();
    let mean_rm = rm.iter().sum::<f64>() / n as f64;
    let mut b = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            b[i * n + j] = -(dd[i * n + j] - rm[i] - (rm[j] - mean_rm)) / 2.0;
        }
    }
    let (values, vectors) = symmetric_eigen(&mut b, n)?;
    let lambda: Vec<f64> = values.iter().map(|&v| v.max(0.0)).collect();
    let total: f64 = lambda.iter().sum();
    let var_explained = lambda.iter().map(|l| if total > 0.0 { l / total } else { 0.0 }).collect();
    let coord = |d: usize| (0..n).map(|i| vectors[i * n + d] * lambda[d].sqrt()).collect::<Vec<f64>>();
    Ok(Mds { x: coord(0), y: coord(1), var_explained, top })
}

/// Eigenvalues (decreasing) and eigenvectors (column `k` of the row-major result belongs to
/// value `k`) of the symmetric `n × n` matrix `a`, by cyclic Jacobi rotations. `a` is destroyed.
fn symmetric_eigen(a: &mut [f64], n: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let mut converged = false;
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum::<f64>()
            .sqrt();
        if off <= JACOBI_TOLERANCE * scale {
            converged = true;
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let (app, aqq) = (a[p * n + p], a[q * n + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + theta.hypot(1.0));
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / t.hypot(1.0);
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    if !converged {
        return Err(Error::Mds { reason: "the eigen-decomposition did not converge".to_owned() });
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&k| a[k * n + k]).collect();
    let mut vectors = vec![0.0; n * n];
    for (new, &old) in order.iter().enumerate() {
        for i in 0..n {
            vectors[i * n + new] = v[i * n + old];
        }
    }
    Ok((values, vectors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigen_of_a_known_matrix() {
        // [[2,1],[1,2]] has eigenvalues 3 and 1 with vectors (1,1)/√2 and (1,−1)/√2.
        let mut a = vec![2.0, 1.0, 1.0, 2.0];
        let (values, vectors) = symmetric_eigen(&mut a, 2).unwrap();
        assert!((values[0] - 3.0).abs() < 1e-15 && (values[1] - 1.0).abs() < 1e-15);
        assert!((vectors[0].abs() - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-15);
        assert!((vectors[0] * vectors[2] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn distances_are_reproduced() {
        // Classical scaling recovers the leading-logFC distances between samples exactly when they
        // are Euclidean in two dimensions.
        let x = ndarray::array![[0.0, 3.0, 0.0, 3.0], [0.0, 0.0, 4.0, 4.0]];
        let m = plot_mds(&x, 2).unwrap();
        let d = |i: usize, j: usize| ((m.x[i] - m.x[j]).powi(2) + (m.y[i] - m.y[j]).powi(2)).sqrt();
        // Samples 0 and 3 differ by 3 and 4: mean of the squares is 12.5.
        assert!((d(0, 3) - 12.5f64.sqrt()).abs() < 1e-12, "{}", d(0, 3));
        assert!((d(0, 1) - 4.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn too_few_samples() {
        let x = ndarray::array![[0.0, 1.0], [1.0, 0.0]];
        assert!(plot_mds(&x, 500).is_err());
    }
}
