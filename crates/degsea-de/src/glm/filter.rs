//! edgeR's `filterByExpr` with a design matrix (GLM.md G2).

use ndarray::{ArrayRef2, ArrayView2};

use super::linalg::Qr;
use crate::Result;
use crate::filter::{FilterOptions, filter_by_expr_min_size};

/// Minimum effective sample size of `filterByExpr(design = X)`: `1 / max(hat(X))`, shrunk
/// above `large_n` as with a group factor.
///
/// ```
/// use degsea_de::glm::filter::design_min_sample_size;
/// use degsea_de::filter::FilterOptions;
/// let x = ndarray::array![[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0]];
/// assert!((design_min_sample_size(&x.view(), &FilterOptions::default()) - 2.0).abs() < 1e-12);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/filterByExpr.R`; R `stats::hat`.
pub fn design_min_sample_size(design: &ArrayView2<'_, f64>, opts: &FilterOptions) -> f64 {
    let h = Qr::new(design).hat_values();
    let m = 1.0 / h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m > opts.large_n { opts.large_n + (m - opts.large_n) * opts.min_prop } else { m }
}

/// edgeR `filterByExpr(y, design)`: the keep rule of [`crate::filter::filter_by_expr`] with the
/// minimum sample size from the design's leverages ([`design_min_sample_size`]).
///
/// # Errors
/// As [`crate::filter::filter_by_expr`].
///
/// # Panics
/// If the design does not have one row per sample.
#[doc(alias = "filterByExpr")]
pub fn filter_by_expr_design(
    counts: &ArrayRef2<u32>,
    lib_sizes: &[f64],
    design: &ArrayView2<'_, f64>,
    opts: &FilterOptions,
) -> Result<Vec<bool>> {
    assert_eq!(design.nrows(), counts.ncols(), "one design row per sample");
    filter_by_expr_min_size(counts, lib_sizes, design_min_sample_size(design, opts), opts)
}
