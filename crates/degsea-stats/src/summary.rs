//! R's conventions for order statistics: type-7 `quantile`, `median`, average-tie `rank`.
//!
//! ALGORITHMS.md §0: these details decide bit-identical TMM factors.

use std::cmp::Ordering;

fn sorted(x: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// R `quantile(x, p)` with the default type 7, in R's exact arithmetic form.
///
/// With sorted values `x`, `h = 1 + (n−1)·p`, `lo = ⌊h⌋`, `hi = ⌈h⌉`, the result is `x[lo]`
/// unless `h > lo` and `x[hi] ≠ x[lo]`, in which case `(1−(h−lo))·x[lo] + (h−lo)·x[hi]` (this
/// form, not `x[lo] + f·(x[hi]−x[lo])`, to match R to the last bit). Returns NaN for an empty
/// slice. NaNs are not expected (R would fail).
///
/// ```
/// use degsea_stats::quantile7;
/// assert_eq!(quantile7(&[4.0, 1.0, 3.0, 2.0], 0.75), 3.25);
/// assert_eq!(quantile7(&[5.0], 0.3), 5.0);
/// ```
///
/// # References
/// R `stats::quantile.default` (type 7); Hyndman & Fan (1996), *Am. Stat.* 50:361–365.
#[doc(alias = "quantile")]
pub fn quantile7(x: &[f64], p: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let v = sorted(x);
    quantile7_sorted(&v, p)
}

/// [`quantile7`] on values already sorted ascending.
pub fn quantile7_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let n = v.len();
    // R: index <- 1 + max(n - 1, 0) * probs; lo <- floor(index); hi <- ceiling(index)
    let index = 1.0 + (n - 1) as f64 * p;
    let lo = index.floor();
    let hi = index.ceil();
    let xlo = v[lo as usize - 1];
    let xhi = v[hi as usize - 1];
    let h = index - lo;
    if index > lo && xhi != xlo { (1.0 - h) * xlo + h * xhi } else { xlo }
}

/// R `median`: the middle value, or the mean of the two middle values for an even count.
///
/// ```
/// assert_eq!(degsea_stats::median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
/// ```
pub fn median(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let v = sorted(x);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { f64::midpoint(v[n / 2 - 1], v[n / 2]) }
}

/// R `rank(x)` with `ties.method = "average"`: 1-based ranks, tied values share the mean rank.
///
/// ```
/// assert_eq!(degsea_stats::rank_average(&[3.0, 1.0, 1.0, 2.0]), vec![4.0, 1.5, 1.5, 3.0]);
/// ```
pub fn rank_average(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].partial_cmp(&x[b]).unwrap_or(Ordering::Equal));
    let mut ranks = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        // positions i..=j (0-based) share the average of ranks i+1..=j+1
        let avg = (i + j + 2) as f64 / 2.0;
        for &k in &order[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_r() {
        // R: quantile(c(0, 0, 1, 5, 7, 8), 0.75) = 6.5; quantile(1:10, 0.3) = 3.7
        assert_eq!(quantile7(&[0.0, 0.0, 1.0, 5.0, 7.0, 8.0], 0.75), 6.5);
        assert!((quantile7(&(1..=10).map(f64::from).collect::<Vec<_>>(), 0.3) - 3.7).abs() < 1e-15);
        assert!(quantile7(&[], 0.5).is_nan());
    }

    #[test]
    fn ranks_with_ties() {
        assert_eq!(rank_average(&[2.0, 2.0, 2.0]), vec![2.0, 2.0, 2.0]);
        assert_eq!(rank_average(&[]), Vec::<f64>::new());
        assert_eq!(rank_average(&[5.0, 4.0, 5.0, 1.0]), vec![3.5, 2.0, 3.5, 1.0]);
    }

    #[test]
    fn median_odd_even() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), 3.0);
        assert_eq!(median(&[1.0, 2.0]), 1.5);
    }
}
