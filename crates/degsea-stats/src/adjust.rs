//! Benjamini–Hochberg p-value adjustment exactly as R's `p.adjust(p, "BH")`.
//!
//! # References
//! R 4.2.2 `src/library/stats/R/p.adjust.R` (G. Smyth); Y. Benjamini and Y. Hochberg (1995),
//! "Controlling the false discovery rate", JRSS B 57, 289–300.

/// R `p.adjust(p, method = "BH")`. `NaN` entries are R's `NA`: they are dropped before the
/// number of tests `m` is counted and stay `NaN` in the output. With at most one non-NA value the
/// input is returned unchanged (as R does).
///
/// The arithmetic follows R exactly: p-values are ordered decreasingly with a stable sort,
/// `q = pmin(1, cummin(m / i * p[o]))` with `i = m..1`, then put back in input order.
///
/// # References
/// R 4.2.2 `stats::p.adjust`; Benjamini & Hochberg (1995).
///
/// ```
/// let q = degsea_stats::p_adjust_bh(&[0.01, f64::NAN, 0.04, 0.03]);
/// assert_eq!(q[0], 0.03);
/// assert!(q[1].is_nan());
/// assert_eq!(q[2], 0.04);
/// assert_eq!(q[3], 0.04);
/// ```
#[doc(alias = "p.adjust")]
pub fn p_adjust_bh(p: &[f64]) -> Vec<f64> {
    let mut out = p.to_vec();
    let idx: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let lp = idx.len();
    if lp <= 1 {
        return out;
    }
    // order(p, decreasing = TRUE): stable, ties keep input order
    let mut o = idx;
    o.sort_by(|&i, &j| p[j].partial_cmp(&p[i]).unwrap_or(std::cmp::Ordering::Equal));
    let n = lp as f64;
    let mut cummin = f64::INFINITY;
    for (k, &gi) in o.iter().enumerate() {
        let i = (lp - k) as f64;
        let v = n / i * p[gi];
        cummin = cummin.min(v);
        out[gi] = if cummin > 1.0 { 1.0 } else { cummin };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_empty() {
        assert!(p_adjust_bh(&[]).is_empty());
        assert_eq!(p_adjust_bh(&[0.3]), vec![0.3]);
        let q = p_adjust_bh(&[f64::NAN, 0.3]);
        assert!(q[0].is_nan());
        assert_eq!(q[1], 0.3);
    }
}
