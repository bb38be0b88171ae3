//! Fast regularised incomplete gamma function on the log scale, for degsea's edgeR-equivalent
//! tier (the pseudo-counts' `q2qnbinom` evaluates one per count and quantile step).
//!
//! The same series as R's `pgamma` (ported exactly in [`crate::pgamma`]) — the lower-tail
//! power series `P(a, x) = x^a e^{−x}/Γ(a+1) · Σ_{n≥0} x^n / ((a+1)⋯(a+n))` below the mean and
//! the upper-tail series `Q(a, x) = x^{a−1} e^{−x}/Γ(a) · (1 + Σ (a−1)⋯(a−k)/x^k)` closed by R's
//! continued fraction above it (checked every four steps, to the precision the sum needs) —
//! with R's expensive front factor `dpois_raw` (`stirlerr` via
//! `lgammafn`, `ebd0`'s table lookups) replaced by
//!
//! * `a log x − x − log Γ(a+1)` with [`lgamma_fast`] (R's `lgamma1p` below 1) for shapes below
//!   [`SERIES_PREFIX_FROM`],
//!   where the terms are small enough for the difference to keep ~1e-15 absolute, and
//! * `−a (t − log(1+t)) − stirlerr(a) − ½ log(2πa)`, `t = (x − a)/a`, above (Loader's
//!   saddle-point form, as R's `dpois_raw`), with `t − log(1 + t)` by its atanh series near 0
//!   and Stirling's series for `stirlerr`;
//!
//! and with the shape's constants computed once per distribution ([`GammaTail`]), so that the
//! Halley steps of the pseudo-counts' quantile map evaluate only the series. Where R would use
//! its normal asymptotic expansion (`ppois_asymp`: large shapes within ~20 % of the mean) the
//! call is R's. Accuracy against R's `pgamma` on the domain of the pseudo-counts: see `tests`.
//!
//! # References
//! R 4.2.2 `src/nmath/pgamma.c` (M. Welinder, PR#7307: the series and continued fraction
//! used here); C. Loader (2000), *Fast and accurate computation of binomial probabilities*
//! (saddle-point form of the Poisson density); Abramowitz & Stegun 6.1.40 (Stirling series),
//! 6.5.29 (lower series).

use crate::dpq::{DBL_EPSILON, log1_exp};
use crate::fastgamma::lgamma_fast;
use crate::gamma::SCALEFACTOR;
use crate::gamma::lgamma1p;
use crate::gammadist::{pd_lower_cf, pgamma_raw};

/// Shapes at or above this take the front factor in Loader's saddle-point form.
pub const SERIES_PREFIX_FROM: f64 = 10.0;
/// A series stops when its term falls below this fraction of its sum (the remaining terms,
/// which decrease faster than geometrically, are then below half an ulp).
const SERIES_STOP: f64 = 1e-17;
/// Shapes above this use R's `pgamma` (its asymptotic expansion near the mean).
const R_ABOVE_SHAPE: f64 = 150.0;
/// `½ log(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// `|t|` below which `t − log(1 + t)` is taken from its atanh series.
const PHI_SERIES_BELOW: f64 = 0.25;

/// One gamma shape `a` (unit scale) whose tail probabilities are evaluated many times.
#[derive(Debug, Clone, Copy)]
pub struct GammaTail {
    shape: f64,
    /// `log Γ(a + 1)` (shapes below [`SERIES_PREFIX_FROM`]) or `stirlerr(a) + ½ log(2πa)`.
    constant: f64,
}

impl GammaTail {
    /// The gamma distribution with `shape` (positive and finite) and unit scale.
    ///
    /// ```
    /// let g = degsea_stats::GammaTail::new(4.5);
    /// let r = degsea_stats::pgamma(3.0, 4.5, 1.0, true, true);
    /// assert!((g.log_tail(3.0, 3f64.ln(), true) / r - 1.0).abs() < 1e-13);
    /// ```
    #[must_use]
    #[inline]
    pub fn new(shape: f64) -> Self {
        let constant = if shape < 1.0 {
            // Near Γ's minimum the upper tail 1 − P can cancel: R's accurate log Γ(1 + a).
            lgamma1p(shape)
        } else if shape < SERIES_PREFIX_FROM {
            lgamma_fast(shape + 1.0)
        } else {
            stirlerr_large(shape) + LN_SQRT_2PI + 0.5 * shape.ln()
        };
        Self { shape, constant }
    }

    /// The shape `a`.
    #[must_use]
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// `log(x^a e^{−x} / Γ(a + 1))` (R's `dpois_raw(a, x, log = TRUE)`), `ln_x = log x`.
    fn log_front(&self, x: f64, ln_x: f64) -> f64 {
        let a = self.shape;
        if a < SERIES_PREFIX_FROM {
            a * ln_x - x - self.constant
        } else {
            -a * t_minus_log1p((x - a) / a) - self.constant
        }
    }

    /// `log P(X ≤ x)` (`lower`) or `log P(X > x)` for X ~ Gamma(a, 1), given `ln_x = log x`
    /// (the callers have it). R's `pgamma(x, a, lower.tail = lower, log.p = TRUE)` to about
    /// 1e-14 absolute (tested in `tests`); R's own where R uses its asymptotic expansion.
    #[must_use]
    pub fn log_tail(&self, x: f64, ln_x: f64, lower: bool) -> f64 {
        self.tail(x, ln_x, lower, false).0
    }

    /// [`Self::log_tail`] and `x f(x) / P(x)` (`f` the density, `P` the requested tail), the
    /// derivative of `±log P` in `log x` that quantile steps need: a by-product of the series
    /// (`a / Σ` below the mean, `x / (1 + Σ)` above), `a exp(log front − log P)` for the
    /// complementary tail. The hazard is NaN where the log-probability is not finite.
    #[must_use]
    pub fn log_tail_hazard(&self, x: f64, ln_x: f64, lower: bool) -> (f64, f64) {
        self.tail(x, ln_x, lower, true)
    }

    /// The body of [`Self::log_tail`] (`hazard = false`: the hazard is not computed where it
    /// would cost an `exp`) and [`Self::log_tail_hazard`].
    #[inline]
    fn tail(&self, x: f64, ln_x: f64, lower: bool, hazard: bool) -> (f64, f64) {
        let a = self.shape;
        if x.is_nan() {
            return (x, f64::NAN);
        }
        if x <= 0.0 {
            return (if lower { f64::NEG_INFINITY } else { 0.0 }, f64::NAN);
        }
        if x == f64::INFINITY {
            return (if lower { 0.0 } else { f64::NEG_INFINITY }, f64::NAN);
        }
        let complement = |front: f64, l: f64| -> (f64, f64) {
            let lc = log1_exp(l);
            (lc, if hazard { a * (front - lc).exp() } else { f64::NAN })
        };
        if a > R_ABOVE_SHAPE || (x < 1.0 && a < 1.0 && !lower) {
            // Large shapes: R's asymptotic expansion where R uses it, R's series elsewhere (the
            // series here would need ~10√a terms). Tiny shapes: an upper tail 1 − P with P near
            // 1, which R's small-x series (without the e^{−x} factor) gets without cancellation.
            let l = pgamma_raw(x, a, lower, true);
            return (l, if hazard { a * (self.log_front(x, ln_x) - l).exp() } else { f64::NAN });
        }
        if x < 1.0 || x <= a - 1.0 || (lower && x < a) {
            // Lower tail: front · Σ x^n / ((a+1)⋯(a+n)), four terms per division (also just
            // below the mean when the lower tail is asked for: no complement needed).
            let sum = lower_series(x, a);
            let front = self.log_front(x, ln_x);
            let lp = front + sum.ln();
            return if lower { (lp, a / sum) } else { complement(front, lp) };
        }
        // Upper tail: dpois(a − 1, x) · (1 + Σ (a−1)⋯(a−k) / x^k), the sum closed by R's
        // continued fraction once a − k < 1; for a < 1, the continued fraction alone.
        let front = self.log_front(x, ln_x);
        let inv_x = 1.0 / x;
        let factor = if a < 1.0 {
            if x * DBL_EPSILON > 1.0 - a { a * inv_x } else { pd_lower_cf(a, x - (a - 1.0)) }
        } else {
            let mut y = a - 1.0;
            let mut term = 1.0;
            let mut sum = 1.0;
            while y >= 1.0 {
                term *= y * inv_x;
                sum += term;
                y -= 1.0;
                if term <= sum * SERIES_STOP {
                    break;
                }
            }
            if y != y.floor() && term > sum * SERIES_STOP {
                // The continued fraction only needs the precision its weight in the sum asks.
                let tolerance = (0.5 * DBL_EPSILON * sum / term).min(1e-3);
                sum += term * upper_cf(y, x + 1.0 - y, tolerance);
            }
            a * inv_x * sum
        };
        // Q = front · factor; x f(x) / Q = a / factor.
        let lq = front + factor.ln();
        if lower { complement(front, lq) } else { (lq, a / factor) }
    }
}

/// Fast `pgamma(x, shape, scale = scale, lower.tail, log.p = TRUE)` (see [`GammaTail`]).
///
/// ```
/// for (x, a) in [(0.3, 0.7), (2.0, 5.0), (9.0, 4.0), (40.0, 31.0), (12.0, 55.0)] {
///     for lower in [true, false] {
///         let (f, r) = (degsea_stats::pgamma_log_fast(x, a, 2.0, lower),
///             degsea_stats::pgamma(x, a, 2.0, lower, true));
///         assert!((f - r).abs() <= 1e-13 * r.abs().max(1.0), "{x} {a} {f} {r}");
///     }
/// }
/// ```
///
/// # References
/// R 4.2.2 `src/nmath/pgamma.c`; Loader (2000).
#[must_use]
pub fn pgamma_log_fast(x: f64, shape: f64, scale: f64, lower: bool) -> f64 {
    let x = x / scale;
    GammaTail::new(shape).log_tail(x, x.ln(), lower)
}

/// `Σ_{n≥0} x^n / ((a+1)⋯(a+n))`, four terms per division (the divisions, not the products,
/// bound the loop), until a term is below [`SERIES_STOP`] of the sum.
fn lower_series(x: f64, a: f64) -> f64 {
    let x2 = x * x;
    let x3 = x2 * x;
    let x4 = x2 * x2;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut y = a;
    loop {
        let (y1, y2, y3, y4) = (y + 1.0, y + 2.0, y + 3.0, y + 4.0);
        let p34 = y3 * y4;
        let scaled = term / (y1 * y2 * p34);
        let t1 = scaled * x * y2 * p34;
        let t2 = scaled * x2 * p34;
        let t3 = scaled * x3 * y4;
        let t4 = scaled * x4;
        sum += (t1 + t2) + (t3 + t4);
        term = t4;
        y = y4;
        if t4 <= SERIES_STOP * sum {
            return sum;
        }
    }
}

/// R's `pd_lower_cf(y, d)` (the continued fraction closing the upper series at `0 < y < 1`)
/// with its convergents compared every four steps instead of two (one division per four
/// steps) until two differ by at most `tolerance` relative.
fn upper_cf(y: f64, d: f64, tolerance: f64) -> f64 {
    let f0 = y / d;
    if (y - 1.0).abs() < d.abs() * DBL_EPSILON {
        return f0;
    }
    let scale = f0.min(1.0);
    let (mut c2, mut c4) = (y, d);
    let (mut a1, mut b1, mut a2, mut b2) = (0.0, 1.0, y, d);
    while b2 > SCALEFACTOR {
        a1 /= SCALEFACTOR;
        b1 /= SCALEFACTOR;
        a2 /= SCALEFACTOR;
        b2 /= SCALEFACTOR;
    }
    let mut i = 0.0;
    let mut previous = -1.0;
    let mut f = 0.0;
    while i < CF_MAX_STEPS {
        for _ in 0..2 {
            i += 1.0;
            c2 -= 1.0;
            c4 += 2.0;
            a1 = c4 * a2 + i * c2 * a1;
            b1 = c4 * b2 + i * c2 * b1;
            i += 1.0;
            c2 -= 1.0;
            c4 += 2.0;
            a2 = c4 * a1 + i * c2 * a2;
            b2 = c4 * b1 + i * c2 * b2;
        }
        if b2 > SCALEFACTOR {
            a1 /= SCALEFACTOR;
            b1 /= SCALEFACTOR;
            a2 /= SCALEFACTOR;
            b2 /= SCALEFACTOR;
        }
        if b2 != 0.0 {
            f = a2 / b2;
            if (f - previous).abs() <= tolerance * scale.max(f.abs()) {
                return f;
            }
            previous = f;
        }
    }
    f
}

/// Steps after which [`upper_cf`] returns its last convergent (R's `pd_lower_cf` limit).
const CF_MAX_STEPS: f64 = 200_000.0;

/// `t − log(1 + t)` for `t > −1` (R's `−log1pmx(t)`), to a few ulps: the series
/// `r (t − 2y (1/3 + y/5 + y²/7 + …))`, `r = t/(2 + t)`, `y = r²`, for `|t| <`
/// [`PHI_SERIES_BELOW`] (11 terms: `y < 0.021`), the direct difference above (cancelling at most
/// a factor 10).
fn t_minus_log1p(t: f64) -> f64 {
    if t.abs() >= PHI_SERIES_BELOW {
        return t - t.ln_1p();
    }
    let r = t / (2.0 + t);
    let y = r * r;
    let s = 1.0 / 3.0
        + y * (1.0 / 5.0
            + y * (1.0 / 7.0
                + y * (1.0 / 9.0
                    + y * (1.0 / 11.0
                        + y * (1.0 / 13.0
                            + y * (1.0 / 15.0
                                + y * (1.0 / 17.0 + y * (1.0 / 19.0 + y * (1.0 / 21.0 + y / 23.0)))))))));
    r * (t - 2.0 * y * s)
}

/// `stirlerr(a) = log Γ(a + 1) − (a + ½) log a + a − ½ log(2π)` for `a ≥ 10`: Stirling's series
/// to `a^-13` (next term below 4e-17 at `a = 10`).
fn stirlerr_large(a: f64) -> f64 {
    let w = 1.0 / (a * a);
    (1.0 / 12.0
        - w * (1.0 / 360.0
            - w * (1.0 / 1260.0
                - w * (1.0 / 1680.0 - w * (1.0 / 1188.0 - w * (691.0 / 360_360.0 - w / 156.0))))))
        / a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gammadist::pgamma;

    #[test]
    fn phi_matches_log1pmx() {
        let mut t = -0.99_f64;
        while t < 5.0 {
            let f = t_minus_log1p(t);
            let r = -crate::gamma::log1pmx(t);
            assert!((f - r).abs() <= 4.0 * f64::EPSILON * r.abs(), "{t}: {f} {r}");
            t += 0.0137;
        }
    }

    #[test]
    fn stirlerr_matches_r() {
        // R's table at half-integers up to 15, its own Stirling series above (between, R's
        // value is lgamma(n + 1) − …, itself only good to ~1e-15).
        let mut a = 10.0_f64;
        while a < 1e6 {
            let (f, r) = (stirlerr_large(a), crate::gamma::stirlerr(a));
            assert!((f - r).abs() <= 1e-16, "{a}: {f} {r}");
            a = if a < 15.0 { a + 0.5 } else { a * 1.093 };
        }
    }

    /// The log tail probabilities of the pseudo-counts' domain (shapes 0.01–5000, points from
    /// the far lower to the far upper tail, both tails requested) against R's `pgamma`:
    /// absolute difference in the log-probability (= relative difference in the probability)
    /// at most 2e-14 · max(1, |log p|).
    #[test]
    fn log_tails_match_r_pgamma() {
        const TOL: f64 = 2e-14;
        let mut worst: f64 = 0.0;
        let mut worst_hazard: f64 = 0.0;
        let mut n = 0;
        let mut a = 0.01_f64;
        while a < 5000.0 {
            let g = GammaTail::new(a);
            let sd = a.sqrt();
            for k in -60..=120 {
                // Points from 0 to a + 12 sd (and beyond for tiny shapes).
                let x = (a + f64::from(k) * 0.1 * sd).max(0.0) + f64::from(k.max(0)) * 0.01;
                if x <= 0.0 {
                    continue;
                }
                for lower in [true, false] {
                    let r = pgamma(x, a, 1.0, lower, true);
                    let (f, h) = g.log_tail_hazard(x, x.ln(), lower);
                    if r.is_finite() && r > -700.0 {
                        // x f(x) / P(x) from R's density.
                        let hr = (crate::gammadist::dgamma(x, a, 1.0, true) + x.ln() - r).exp();
                        worst_hazard = worst_hazard.max((h / hr - 1.0).abs());
                    }
                    if r == f {
                        continue;
                    }
                    let err = (f - r).abs() / r.abs().max(1.0);
                    assert!(err <= TOL, "a {a} x {x} lower {lower}: fast {f} R {r} ({err:e})");
                    worst = worst.max(err);
                    n += 1;
                }
            }
            a *= 1.31;
        }
        assert!(n > 5_000, "{n}");
        // The hazard only sizes the quantile steps (their root is log P = lp): loose bound.
        assert!(worst_hazard <= 1e-11, "hazard {worst_hazard:e}");
        eprintln!("fast pgamma vs R: worst {worst:e} over {n} points");
    }
}
