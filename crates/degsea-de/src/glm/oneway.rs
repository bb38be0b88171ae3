//! One-way layouts: edgeR's `designAsFactor` and `mglmOneWay`.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use super::fit::row_slices;
use super::linalg::lu_solve;
use crate::onegroup::{ROWS_PER_TASK, mglm_one_group};

/// `mglmOneWay` clamps group coefficients from below at `-1e8` (`pmax(beta, -1e8)`).
const MIN_GROUP_BETA: f64 = -1e8;

/// edgeR `designAsFactor`: the distinct rows of a design as a factor. Returns a 0-based level
/// per sample (levels in increasing order of R's row key `mean_j x_ij z^j`,
/// `z = (e + π)/5`) and the number of levels.
///
/// ```
/// use degsea_de::glm::oneway::design_as_factor;
/// let x = ndarray::array![[1.0, 0.0], [1.0, 1.0], [1.0, 0.0]];
/// assert_eq!(design_as_factor(&x.view()), (vec![0, 1, 0], 2));
/// ```
///
/// # References
/// edgeR 3.40.2 `R/designAsFactor.R`.
#[doc(alias = "designAsFactor")]
pub fn design_as_factor(design: &ArrayView2<'_, f64>) -> (Vec<usize>, usize) {
    let z = (std::f64::consts::E + std::f64::consts::PI) / 5.0;
    let p = design.ncols();
    let keys: Vec<f64> = design
        .rows()
        .into_iter()
        .map(|r| r.iter().enumerate().map(|(j, &v)| v * z.powi(j as i32)).sum::<f64>() / p as f64)
        .collect();
    let mut levels: Vec<f64> = keys.clone();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let group = keys.iter().map(|k| levels.iter().position(|l| l == k).unwrap_or(0)).collect();
    (group, levels.len())
}

/// Coefficients and fitted values of a one-way fit.
#[derive(Debug, Clone)]
pub struct OneWayFit {
    /// Genes × design columns.
    pub coefficients: Array2<f64>,
    /// Genes × samples.
    pub fitted: Array2<f64>,
}

/// A one-way layout: the samples of each distinct design row, for per-gene group fits.
#[derive(Debug, Clone)]
pub struct OneWayLayout {
    group: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl OneWayLayout {
    /// The layout of `group` (a 0-based level per sample, as [`design_as_factor`] returns).
    pub fn new(group: &[usize], n_groups: usize) -> Self {
        let members = (0..n_groups).map(|g| (0..group.len()).filter(|&i| group[i] == g).collect()).collect();
        Self { group: group.to_vec(), members }
    }

    /// Number of groups.
    pub fn groups(&self) -> usize {
        self.members.len()
    }

    /// One gene's group coefficients (`mglmOneGroup` per group, clamped at `-1e8`) into `beta`
    /// and fitted means `exp(o_i + β_g(i))` into `fitted`; `yb`, `ob` are scratch.
    pub fn fit_gene(
        &self,
        y: &[f64],
        offset: &[f64],
        phi: f64,
        scratch: (&mut Vec<f64>, &mut Vec<f64>),
        beta: &mut [f64],
        fitted: &mut [f64],
    ) {
        let (yb, ob) = scratch;
        for (g, m) in self.members.iter().enumerate() {
            yb.clear();
            ob.clear();
            for &i in m {
                yb.push(y[i]);
                ob.push(offset[i]);
            }
            beta[g] = mglm_one_group(yb, ob, phi).beta.max(MIN_GROUP_BETA);
        }
        for (i, f) in fitted.iter_mut().enumerate() {
            *f = (offset[i] + beta[self.group[i]]).exp();
        }
    }
}

/// edgeR `mglmOneWay`: each group fitted by `mglmOneGroup` (clamped at `-1e8`), fitted values
/// `exp(o_i + β_g(i))`, coefficients from solving the design's distinct rows against the group
/// coefficients (unless those rows are an identity pattern, then the group coefficients).
///
/// `dispersion(g)` gives gene `g`'s dispersion. Start values are not used: `mglmOneGroup`'s
/// Newton iteration converges to `1e-10` from its own start. Genes are fitted in parallel,
/// each independently, so the result does not depend on the thread count.
///
/// # References
/// edgeR 3.40.2 `R/mglmOneWay.R`, `src/R_get_one_way_fitted.cpp`.
#[doc(alias = "mglmOneWay")]
pub fn mglm_one_way(
    counts: &ArrayView2<'_, f64>,
    design: &ArrayView2<'_, f64>,
    group: &[usize],
    n_groups: usize,
    offset: &[f64],
    dispersion: impl Fn(usize) -> f64 + Sync,
) -> OneWayFit {
    let (n_genes, n) = counts.dim();
    let layout = OneWayLayout::new(group, n_groups);
    let first: Vec<usize> = layout.members.iter().map(|m| m[0]).collect();
    let unique = design.select(ndarray::Axis(0), &first);
    let ones = unique.iter().filter(|&&v| v == 1.0).count();
    let zeros = unique.iter().filter(|&&v| v == 0.0).count();
    let identity = ones == n_groups && zeros == (n_groups - 1) * n_groups;
    let mut beta = Array2::<f64>::zeros((n_genes, n_groups));
    let mut fitted = Array2::<f64>::zeros((n_genes, n));
    let mut beta_rows = row_slices(&mut beta);
    let mut fitted_rows = row_slices(&mut fitted);
    beta_rows
        .par_iter_mut()
        .zip(fitted_rows.par_iter_mut())
        .enumerate()
        .with_min_len(ROWS_PER_TASK)
        .for_each_init(
            || (Vec::with_capacity(n), Vec::with_capacity(n), vec![0.0; n]),
            |(yb, ob, y), (gene, (b, f))| {
                for (v, &c) in y.iter_mut().zip(counts.row(gene)) {
                    *v = c;
                }
                layout.fit_gene(y, offset, dispersion(gene), (yb, ob), b, f);
            },
        );
    drop((beta_rows, fitted_rows));
    let coefficients = if identity {
        beta
    } else {
        lu_solve(&unique.view(), &beta.t())
            .map_or_else(|| Array2::from_elem(beta.raw_dim(), f64::NAN), ndarray::ArrayBase::reversed_axes)
    };
    OneWayFit { coefficients, fitted }
}
