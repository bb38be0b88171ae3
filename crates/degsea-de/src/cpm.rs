//! Counts per million and log-CPM as edgeR's `cpm` computes them.

use ndarray::{Array2, ArrayRef2};

/// edgeR `cpm(log = TRUE, prior.count = 2)`: the default prior count of log-CPM.
pub const PRIOR_COUNT: f64 = 2.0;
/// Counts per million: the scale of CPM.
pub const MILLION: f64 = 1e6;

/// Effective library sizes `N_i = L_i · f_i` (edgeR's `lib.size * norm.factors`).
///
/// ```
/// assert_eq!(degsea_de::cpm::effective_lib_sizes(&[100.0, 200.0], &[1.5, 0.5]), [150.0, 100.0]);
/// ```
///
/// # Panics
/// If the slices differ in length.
pub fn effective_lib_sizes(lib_sizes: &[f64], norm_factors: &[f64]) -> Vec<f64> {
    assert_eq!(lib_sizes.len(), norm_factors.len(), "one factor per library");
    lib_sizes.iter().zip(norm_factors).map(|(l, f)| l * f).collect()
}

/// Counts per million, `y[g,i] · (1e6 / N_i)` in edgeR ≤ 4.2's operation order, where
/// `eff_lib_sizes` are the effective library sizes `N_i` ([`effective_lib_sizes`]).
///
/// ```
/// let y = ndarray::array![[5u32, 0], [15, 40]];
/// let c = degsea_de::cpm::cpm(&y, &[20.0, 40.0]);
/// assert_eq!(c, ndarray::array![[250_000.0, 0.0], [750_000.0, 1_000_000.0]]);
/// ```
///
/// # Panics
/// If `eff_lib_sizes` does not have one entry per column.
///
/// # References
/// edgeR 3.40.2 `R/cpm.R` (`cpm.default`), `src/R_calculate_cpm.cpp` (`calculate_cpm_raw`).
pub fn cpm(counts: &ArrayRef2<u32>, eff_lib_sizes: &[f64]) -> Array2<f64> {
    assert_eq!(eff_lib_sizes.len(), counts.ncols(), "one library size per sample");
    let scale: Vec<f64> = eff_lib_sizes.iter().map(|&l| MILLION / l).collect();
    let mut out = to_f64_row_major(counts);
    for mut row in out.rows_mut() {
        for (x, &s) in row.iter_mut().zip(&scale) {
            *x *= s;
        }
    }
    out
}

/// Log2 counts per million with edgeR's library-size-scaled prior count.
///
/// Per sample the prior is `p_i = prior · N_i / mean(N)` and the library is augmented to
/// `N_i + 2 p_i`; then `logCPM = (ln(y + p_i) − ln(N_i + 2 p_i) + ln 1e6) / ln 2` (NaN when
/// `y + p_i ≤ 0`), evaluated in the order of edgeR 3.40.2's C++.
///
/// ```
/// let y = ndarray::array![[0u32, 10], [100, 90]];
/// let l = degsea_de::cpm::log_cpm(&y, &[100.0, 100.0], degsea_de::cpm::PRIOR_COUNT);
/// // Equal libraries: prior 2, augmented library 104.
/// assert!((l[[0, 0]] - (2.0f64 / 104.0 * 1e6).log2()).abs() < 1e-12);
/// ```
///
/// # Panics
/// If `eff_lib_sizes` does not have one entry per column.
///
/// # References
/// edgeR 3.40.2 `R/cpm.R`, `src/R_calculate_cpm.cpp` (`calculate_cpm_log`), `src/add_prior.cpp`.
#[doc(alias = "cpm")]
pub fn log_cpm(counts: &ArrayRef2<u32>, eff_lib_sizes: &[f64], prior_count: f64) -> Array2<f64> {
    let n = counts.ncols();
    assert_eq!(eff_lib_sizes.len(), n, "one library size per sample");
    let mut ave = 0.0;
    for &l in eff_lib_sizes {
        ave += l;
    }
    ave /= n as f64;
    let prior: Vec<f64> = eff_lib_sizes.iter().map(|&l| prior_count * l / ave).collect();
    let offset: Vec<f64> = eff_lib_sizes.iter().zip(&prior).map(|(&l, &p)| (l + 2.0 * p).ln()).collect();
    let ln_million = MILLION.ln();
    let ln_two = 2f64.ln();
    let mut out = to_f64_row_major(counts);
    for mut row in out.rows_mut() {
        for ((x, &p), &o) in row.iter_mut().zip(&prior).zip(&offset) {
            let v = *x + p;
            *x = if v > 0.0 { (v.ln() - o + ln_million) / ln_two } else { f64::NAN };
        }
    }
    out
}

/// The counts as `f64` in a fresh row-major (C order) array, whatever the input layout.
fn to_f64_row_major(counts: &ArrayRef2<u32>) -> Array2<f64> {
    let mut out = Array2::<f64>::zeros(counts.dim());
    out.zip_mut_with(counts, |o, &c| *o = f64::from(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_row_major_for_column_major_input() {
        let y = ndarray::array![[1u32, 2, 3], [4, 5, 6]];
        let mut col_major = Array2::<u32>::zeros(ndarray::ShapeBuilder::f((2, 3)));
        col_major.assign(&y);
        assert!(!col_major.is_standard_layout());
        let l = log_cpm(&col_major, &[10.0, 20.0, 30.0], PRIOR_COUNT);
        assert!(l.is_standard_layout());
        assert_eq!(l, log_cpm(&y, &[10.0, 20.0, 30.0], PRIOR_COUNT));
        assert!(cpm(&col_major, &[10.0, 20.0, 30.0]).is_standard_layout());
    }
}
