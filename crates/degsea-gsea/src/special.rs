//! The special functions of fgsea's multilevel driver, on top of `degsea-stats`.

use std::f64::consts::LN_2;

pub(crate) use degsea_stats::{digamma, p_adjust_bh, qbeta, trigamma};

/// fgsea `multilevelError(p, M) = sqrt(floor(−log2 p + 1)·(ψ₁((M+1)/2) − ψ₁(M+1)))/ln 2`: the
/// expected standard deviation of `log2 p` from the multilevel estimator.
#[doc(alias = "multilevelError")]
pub(crate) fn multilevel_error(p: f64, sample_size: usize) -> f64 {
    let m = sample_size as f64;
    ((-p.log2() + 1.0).floor() * (trigamma(f64::midpoint(m, 1.0)) - trigamma(m + 1.0))).sqrt() / LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multilevel_error_matches_r() {
        // R 4.2.2, fgsea's formula: sqrt(floor(-log2(1e-10)+1)*(trigamma(51)-trigamma(102)))/log(2).
        assert!((multilevel_error(1e-10, 101) - 0.83908893562127385).abs() < 1e-14);
        // The qbeta edge case of simpleError when nMoreExtreme = nPermSimple: qbeta(0.975, 1001, 0) = 1.
        assert_eq!(qbeta(0.975, 1001.0, 0.0, true, false), 1.0);
    }
}
