//! Pearson's chi-squared test with Yates' continuity correction for a 2×2 table, as R's
//! `chisq.test(x, correct = TRUE)$p.value`.
//!
//! # References
//! R 4.2.2 `src/library/stats/R/chisq.test.R`, `src/nmath/pchisq.c`; F. Yates (1934),
//! "Contingency tables involving small numbers and the χ² test", JRSS Suppl. 1, 217–235.

use crate::gammadist::pgamma;

/// Sum of `xs` in the given order, rounded once at the end (error-free `TwoSum`
/// accumulation). This stands in for R's `long double` accumulation in `sum()`/`rowSums()`:
/// both give the correctly rounded sum of these few terms except in rare double-rounding ties.
fn accurate_sum(xs: &[f64]) -> f64 {
    let mut hi = 0.0_f64;
    let mut lo = 0.0_f64;
    for &x in xs {
        let s = hi + x;
        let bb = s - hi;
        let err = (hi - (s - bb)) + (x - bb);
        hi = s;
        lo += err;
    }
    hi + lo
}

/// P-value of R's `chisq.test(m, correct = TRUE)` for a 2×2 table `m`, with `table[i][j]` the
/// count in row `i`, column `j` (R's `matrix(c(a, b, c, d), 2, 2)` is `[[a, c], [b, d]]`).
///
/// Statistic `Σ (|x − E| − Y)² / E` with `E = rowsum·colsum/n` and `Y = min(0.5, min|x − E|)`,
/// p-value `pchisq(stat, 1, lower.tail = FALSE)`. Returns `NaN` where R errors or gives `NaN`
/// (negative or non-finite entries, all-zero table, a zero margin).
///
/// # References
/// R 4.2.2 `stats::chisq.test`; Yates (1934).
///
/// ```
/// let p = degsea_stats::chisq_test_2x2_yates([[10.0, 30.0], [20.0, 40.0]]);
/// assert!((p - 0.5040358664525048).abs() < 1e-15);
/// ```
#[doc(alias = "chisq.test")]
pub fn chisq_test_2x2_yates(table: [[f64; 2]; 2]) -> f64 {
    // column-major order, as R stores the matrix
    let x = [table[0][0], table[1][0], table[0][1], table[1][1]];
    if x.iter().any(|v| !v.is_finite() || *v < 0.0) {
        return f64::NAN;
    }
    let n = accurate_sum(&x);
    if n == 0.0 {
        return f64::NAN;
    }
    let sr = [accurate_sum(&[x[0], x[2]]), accurate_sum(&[x[1], x[3]])];
    let sc = [accurate_sum(&[x[0], x[1]]), accurate_sum(&[x[2], x[3]])];
    // E <- outer(sr, sc) / n, column-major
    let e = [sr[0] * sc[0] / n, sr[1] * sc[0] / n, sr[0] * sc[1] / n, sr[1] * sc[1] / n];
    let absdev: Vec<f64> = x.iter().zip(&e).map(|(xi, ei)| (xi - ei).abs()).collect();
    let yates = absdev.iter().fold(0.5_f64, |m, &d| if d < m { d } else { m });
    let terms: Vec<f64> = absdev
        .iter()
        .zip(&e)
        .map(|(d, ei)| {
            let t = d - yates;
            t * t / ei
        })
        .collect();
    let statistic = accurate_sum(&terms);
    // pchisq(x, df = 1, lower.tail = FALSE) = pgamma(x, 0.5, scale = 2, upper)
    pgamma(statistic, 0.5, 2.0, false, false)
}
