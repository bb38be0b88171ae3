//! Sums that track R's extended-precision accumulators.
//!
//! R's `sum`, `mean`, `rowSums` and `cumsum` accumulate doubles in `long double` (80-bit on
//! x86-64), so long sums are far more accurate than a naive `f64` loop. A Neumaier compensated
//! sum carries the rounding error explicitly and lands on (or next to) the same double.

/// A Neumaier (improved Kahan–Babuška) running sum.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Accumulator {
    sum: f64,
    compensation: f64,
}

impl Accumulator {
    /// Adds one value.
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The current total divided by `n`, rounded once (as R's `rowMeans` divides its
    /// `long double` sum before storing a double).
    #[inline]
    pub(crate) fn mean(&self, n: f64) -> f64 {
        let hi = self.sum + self.compensation;
        let lo = self.compensation - (hi - self.sum);
        let q = hi / n;
        let r = (-q).mul_add(n, hi) + lo;
        q + r / n
    }

    /// The current total rounded to a double.
    #[inline]
    pub(crate) fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Compensated sum of a slice (R `sum`).
pub(crate) fn accurate_sum(x: &[f64]) -> f64 {
    let mut acc = Accumulator::default();
    for &v in x {
        acc.add(v);
    }
    acc.value()
}

/// Mean as R's `mean.default` computes it: accurate sum divided by `n`, then one refinement
/// pass adding the mean residual.
pub(crate) fn accurate_mean(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let s = accurate_sum(x) / n;
    if !s.is_finite() {
        return s;
    }
    let mut acc = Accumulator::default();
    for &v in x {
        acc.add(v - s);
    }
    s + acc.value() / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensates_cancellation() {
        let x = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(accurate_sum(&x), 2.0);
        assert_eq!(accurate_mean(&[0.1, 0.2, 0.3]), 0.2);
    }
}
