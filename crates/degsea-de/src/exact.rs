//! The negative-binomial exact test for two groups (edgeR `exactTest`, doubletail rejection
//! region), edgeR's shrunk log-fold-changes and `topTags` ordering.
//!
//! Upstream files (edgeR 3.40.2, unchanged in 4.5): `R/exactTest.R`, `R/exactTestDoubleTail.R`,
//! `R/exactTestBetaApprox.R`, `R/binomTest.R`, `R/topTags.R`. Spec: ALGORITHMS.md §A9–A10.

use degsea_stats::{chisq_test_2x2_yates, dbinom, dnbinom_mu, pbeta, pbinom, qbeta};
use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::onegroup::{Dispersion, ROWS_PER_TASK, mglm_one_group};
use crate::pseudo::{OutputNb, Q2Q_ZERO_MEAN, Quantiles, q2qnbinom, q2qnbinom_fast};
use crate::sums::{Accumulator, accurate_mean, accurate_sum};

/// edgeR `exactTest` default `big.count`: above this (both groups) the beta approximation is used.
pub const DEFAULT_BIG_COUNT: f64 = 900.0;
/// edgeR `exactTest` default `prior.count` for the shrunk log-fold-change.
pub const DEFAULT_LOGFC_PRIOR_COUNT: f64 = 0.125;
/// edgeR `binomTest`: above this total count the chi-square test replaces the exact sum.
pub const BINOM_TEST_BIG_SIZE: f64 = 10000.0;

/// Options of [`exact_test`] (edgeR defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactTestOptions {
    /// Both group totals above this use the beta approximation (`big.count`).
    pub big_count: f64,
    /// Prior count added (scaled by library size) before computing log-fold-changes (`prior.count`).
    pub prior_count: f64,
    /// Quantile algorithm of the pseudo-count sums ([`Quantiles::AsR`]: today's Newton map with
    /// R's algorithm wherever rounding or the cap at 1 could depend on the last bits;
    /// [`Quantiles::Fast`]: [`OutputNb`], with the same recomputation).
    pub quantiles: Quantiles,
}

impl Default for ExactTestOptions {
    fn default() -> Self {
        Self {
            big_count: DEFAULT_BIG_COUNT,
            prior_count: DEFAULT_LOGFC_PRIOR_COUNT,
            quantiles: Quantiles::default(),
        }
    }
}

/// Per-gene results of [`exact_test`], in row order.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactTestResult {
    /// log2 fold-change of group 2 (test) over group 1 (reference), shrunk by the prior count.
    pub log_fc: Vec<f64>,
    /// Two-sided exact p-values (doubletail), capped at 1.
    pub p_value: Vec<f64>,
    /// Genes whose one-group Newton fits did not all converge.
    pub nonconverged: usize,
}

/// Per-gene quantities needed before the p-value (pseudo-count sums are unrounded).
#[derive(Debug, Clone, Copy)]
struct GeneSums {
    log_fc: f64,
    /// `exp` of the one-group fit over both groups (the pseudo-counts' rate).
    rate: f64,
    sum1: f64,
    sum2: f64,
    dispersion: f64,
    converged: bool,
}

/// Runs the exact test of group `true` (test) against group `false` (reference) on every gene.
///
/// `counts` holds only the samples of the two groups, `is_test[i]` marks the test samples,
/// `lib_sizes` are the effective library sizes `L_i f_i`, and `dispersion` is one value or
/// one per gene (edgeR uses the tagwise dispersions by default).
///
/// ```
/// use degsea_de::exact::{exact_test, ExactTestOptions};
/// use degsea_de::onegroup::Dispersion;
/// let counts = ndarray::array![[10u32, 12, 40, 45], [30, 28, 29, 33]];
/// let r = exact_test(&counts.view(), &[false, false, true, true], &[1e6; 4],
///     Dispersion::Common(0.05), ExactTestOptions::default());
/// assert!(r.log_fc[0] > 1.5 && r.p_value[0] < 0.01);
/// assert!(r.p_value[1] > 0.5);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/exactTest.R: exactTest`, `R/exactTestDoubleTail.R`,
/// `R/exactTestBetaApprox.R`; Robinson & Smyth 2008, Biostatistics 9:321.
#[doc(alias = "exactTest")]
pub fn exact_test(
    counts: &ArrayView2<'_, u32>,
    is_test: &[bool],
    lib_sizes: &[f64],
    dispersion: Dispersion<'_>,
    options: ExactTestOptions,
) -> ExactTestResult {
    let n = is_test.len();
    assert_eq!(counts.ncols(), n, "one group flag per sample");
    assert_eq!(lib_sizes.len(), n, "one library size per sample");
    let cols1: Vec<usize> = (0..n).filter(|&j| !is_test[j]).collect();
    let cols2: Vec<usize> = (0..n).filter(|&j| is_test[j]).collect();
    let (n1, n2) = (cols1.len() as f64, cols2.len() as f64);

    let offsets: Vec<f64> = lib_sizes.iter().map(|l| l.ln()).collect();
    let lib_average = accurate_mean(&offsets).exp();
    // Prior counts as exactTest computes them (on the library sizes, not exp(log)).
    let mean_lib = accurate_mean(lib_sizes);
    let priors: Vec<f64> = lib_sizes.iter().map(|&l| options.prior_count * l / mean_lib).collect();
    let aug: Vec<f64> = lib_sizes.iter().zip(&priors).map(|(&l, &p)| (l + 2.0 * p).ln()).collect();
    let aug1: Vec<f64> = cols1.iter().map(|&j| aug[j]).collect();
    let aug2: Vec<f64> = cols2.iter().map(|&j| aug[j]).collect();
    let ln2 = 2f64.ln();

    let sums: Vec<GeneSums> = (0..counts.nrows())
        .into_par_iter()
        .with_min_len(ROWS_PER_TASK)
        .map_init(
            || (vec![0.0; n], Vec::with_capacity(n)),
            |(y, buf), g| {
                for (v, &c) in y.iter_mut().zip(counts.row(g)) {
                    *v = f64::from(c);
                }
                let phi = dispersion.get(g);
                buf.clear();
                buf.extend(cols1.iter().map(|&j| y[j] + priors[j]));
                let a1 = mglm_one_group(buf, &aug1, phi);
                buf.clear();
                buf.extend(cols2.iter().map(|&j| y[j] + priors[j]));
                let a2 = mglm_one_group(buf, &aug2, phi);
                let log_fc = (a2.beta - a1.beta) / ln2;
                let ab = mglm_one_group(y, &offsets, phi);
                let e = ab.beta.exp();
                let out_mean = e * lib_average;
                let plan = PseudoSums { is_test, lib_sizes, out_mean, phi };
                let sums = match options.quantiles {
                    Quantiles::AsR => plan.sums(y, e),
                    Quantiles::Fast => plan.sums_equivalent(y, e),
                };
                GeneSums {
                    log_fc,
                    rate: e,
                    sum1: sums.0,
                    sum2: sums.1,
                    dispersion: phi,
                    converged: a1.converged && a2.converged && ab.converged,
                }
            },
        )
        .collect();

    // binomTest's default n1/n2: totals of the rounded sums over the Poisson genes.
    let poisson: Vec<(f64, f64)> = sums
        .iter()
        .filter(|s| s.dispersion <= 0.0)
        .map(|s| (s.sum1.round_ties_even(), s.sum2.round_ties_even()))
        .collect();
    let totals = (
        accurate_sum(&poisson.iter().map(|p| p.0).collect::<Vec<_>>()),
        accurate_sum(&poisson.iter().map(|p| p.1).collect::<Vec<_>>()),
    );

    let p_value: Vec<f64> = sums
        .par_iter()
        .with_min_len(ROWS_PER_TASK / 16)
        .enumerate()
        .map(|(g, s)| {
            let p = exact_test_double_tail(s.sum1, s.sum2, n1, n2, s.dispersion, options.big_count, totals);
            if (p - 1.0).abs() >= NEAR_ONE {
                return p;
            }
            // Whether the p-value caps at exactly 1 is decided in the last bits of the sums.
            let y: Vec<f64> = counts.row(g).iter().map(|&c| f64::from(c)).collect();
            let plan = PseudoSums { is_test, lib_sizes, out_mean: s.rate * lib_average, phi: s.dispersion };
            let (u1, u2) = plan.sums_as_edger(&y, s.rate);
            exact_test_double_tail(u1, u2, n1, n2, s.dispersion, options.big_count, totals)
        })
        .collect();
    ExactTestResult {
        log_fc: sums.iter().map(|s| s.log_fc).collect(),
        p_value,
        nonconverged: sums.iter().filter(|s| !s.converged).count(),
    }
}

/// What the exact test's pseudo-counts of one gene need besides its counts.
struct PseudoSums<'a> {
    is_test: &'a [bool],
    lib_sizes: &'a [f64],
    out_mean: f64,
    phi: f64,
}

impl PseudoSums<'_> {
    /// Pseudo-count sums of the reference and test groups: `y` mapped from `rate · L_j` to
    /// `out_mean` by [`q2qnbinom_fast`]. Where rounding a sum could depend on its last 1e-9
    /// relative (the fast map is ~1e-14 from R's in the bulk, up to ~1e-10 in far tails where
    /// R's `qgamma` stops early; see [`near_half`]), the sums are those of
    /// [`Self::sums_as_edger`].
    fn sums(&self, y: &[f64], rate: f64) -> (f64, f64) {
        let sums = self.sums_with(y, rate, q2qnbinom_fast);
        if near_half(sums.0) || near_half(sums.1) { self.sums_as_edger(y, rate) } else { sums }
    }

    /// The sums with one [`OutputNb`] (the edgeR-equivalent tier), or R's algorithm where a
    /// sum's rounding could depend on its last bits ([`near_half`]) or a mean needs edgeR's
    /// zero shift.
    fn sums_equivalent(&self, y: &[f64], rate: f64) -> (f64, f64) {
        let min_lib = self.lib_sizes.iter().copied().fold(f64::INFINITY, f64::min);
        if self.out_mean < Q2Q_ZERO_MEAN || rate * min_lib < Q2Q_ZERO_MEAN {
            return self.sums_as_edger(y, rate);
        }
        let output = OutputNb::new(self.out_mean, self.phi);
        let mut s1 = Accumulator::default();
        let mut s2 = Accumulator::default();
        for (j, &v) in y.iter().enumerate() {
            let z = output.map(v, rate * self.lib_sizes[j]);
            if self.is_test[j] { s2.add(z) } else { s1.add(z) }
        }
        let sums = (s1.value(), s2.value());
        if near_half(sums.0) || near_half(sums.1) { self.sums_as_edger(y, rate) } else { sums }
    }

    /// The sums with R's quantile algorithm ([`q2qnbinom`]), as edgeR computes them.
    fn sums_as_edger(&self, y: &[f64], rate: f64) -> (f64, f64) {
        self.sums_with(y, rate, q2qnbinom)
    }

    fn sums_with(&self, y: &[f64], rate: f64, q2q: fn(f64, f64, f64, f64) -> f64) -> (f64, f64) {
        let mut s1 = Accumulator::default();
        let mut s2 = Accumulator::default();
        for (j, &v) in y.iter().enumerate() {
            let z = q2q(v, rate * self.lib_sizes[j], self.out_mean, self.phi);
            if self.is_test[j] { s2.add(z) } else { s1.add(z) }
        }
        (s1.value(), s2.value())
    }
}

/// Doubletail p-values this close to 1 are recomputed term by term, as edgeR sums them, so
/// that the cap at 1 applies exactly where edgeR applies it.
const NEAR_ONE: f64 = 1e-9;

/// Whether rounding `v` could depend on its last ~1e-9 relative: the exact test rounds the
/// pseudo-count sums, so such sums are recomputed with R's own quantile algorithm.
fn near_half(v: f64) -> bool {
    ((v - v.floor()) - 0.5).abs() <= 1e-9 * v.abs().max(1.0)
}

/// Doubletail exact p-value of one gene from its (unrounded) pseudo-count sums `u1`, `u2` over
/// `n1` and `n2` libraries at dispersion `φ`: the smaller tail of the conditional distribution
/// of the group-1 total given the overall total, doubled and capped at 1. Uses the beta
/// approximation when both rounded sums exceed `big_count`, and [`binom_test`] for `φ ≤ 0`
/// (`poisson_totals` are binomTest's `n1`, `n2`: the totals over all Poisson genes).
///
/// ```
/// use degsea_de::exact::exact_test_double_tail;
/// let p = exact_test_double_tail(10.0, 10.0, 3.0, 3.0, 0.1, 900.0, (0.0, 0.0));
/// assert_eq!(p, 1.0);
/// assert!(exact_test_double_tail(2.0, 40.0, 3.0, 3.0, 0.1, 900.0, (0.0, 0.0)) < 1e-3);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/exactTestDoubleTail.R`, `R/exactTestBetaApprox.R`.
#[doc(alias = "exactTestDoubleTail")]
pub fn exact_test_double_tail(
    u1: f64,
    u2: f64,
    n1: f64,
    n2: f64,
    dispersion: f64,
    big_count: f64,
    poisson_totals: (f64, f64),
) -> f64 {
    let s1 = u1.round_ties_even();
    let s2 = u2.round_ties_even();
    let s = s1 + s2;
    let mu = s / (n1 + n2);
    let mu1 = n1 * mu;
    let mu2 = n2 * mu;
    let poisson = dispersion <= 0.0;
    let big = s1 > big_count && s2 > big_count;
    let mut p = 1.0;
    if poisson {
        p = binom_test(s1, s2, n1 / (n1 + n2), poisson_totals);
    }
    if big {
        p = exact_test_beta_approx(u1, u2, n1, n2, dispersion);
    } else if !poisson && s1 != mu1 {
        let size1 = n1 / dispersion;
        let size2 = n2 / dispersion;
        let p_bot = dnbinom_mu(s, (n1 + n2) / dispersion, s, false);
        p = 2.0 * tail_sum(s1, s, size1, size2, mu1, mu2, false) / p_bot;
        if (p - 1.0).abs() < NEAR_ONE {
            // Whether edgeR caps at exactly 1 is decided in the last bits: sum as it does.
            p = 2.0 * tail_sum(s1, s, size1, size2, mu1, mu2, true) / p_bot;
        }
    }
    // R's pmin(p, 1): NaN stays NaN.
    if p > 1.0 { 1.0 } else { p }
}

/// The doubletail's tail: `Σ dnbinom(x; size1, mu1) · dnbinom(s − x; size2, mu2)` over
/// `x ∈ [0, s1]` when `s1` lies below the conditional mean, else over `x ∈ [s1, s]`.
///
/// The terms are walked outwards from `x = s1` (the term nearest the mode) by their ratio
/// `t(x+1)/t(x) = (x + size1)(s − x) / ((x + 1)(s − x − 1 + size2))` (the `mu/(size + mu)`
/// factors cancel because `mu1/size1 = mu2/size2 = φ s/(n1 + n2)`), relative to `t(s1)`: two
/// `dnbinom` calls per gene instead of two per term, the same sum to ~1e-13 relative. Where
/// `t(s1)` is not a normal number, or with `as_edger`, every term is computed as edgeR does.
fn tail_sum(s1: f64, s: f64, size1: f64, size2: f64, mu1: f64, mu2: f64, as_edger: bool) -> f64 {
    let start = (!as_edger)
        .then(|| dnbinom_mu(s1, size1, mu1, false) * dnbinom_mu(s - s1, size2, mu2, false))
        .filter(|t| t.is_normal());
    let Some(start) = start else {
        let (from, to) = if s1 < mu1 { (0.0, s1) } else { (s1, s) };
        let mut top = Accumulator::default();
        let mut x = from;
        while x <= to {
            top.add(dnbinom_mu(x, size1, mu1, false) * dnbinom_mu(s - x, size2, mu2, false));
            x += 1.0;
        }
        return top.value();
    };
    let mut rel = 1.0;
    let mut term = 1.0;
    if s1 < mu1 {
        // Downwards: t(x−1)/t(x) = x (s − x + size2) / ((x − 1 + size1)(s − x + 1)).
        let mut x = s1;
        while x > 0.0 {
            term *= x * (s - x + size2) / ((x - 1.0 + size1) * (s - x + 1.0));
            rel += term;
            x -= 1.0;
        }
    } else {
        let mut x = s1;
        while x < s {
            term *= (x + size1) * (s - x) / ((x + 1.0) * (s - x - 1.0 + size2));
            rel += term;
            x += 1.0;
        }
    }
    start * rel
}

/// Beta approximation to the exact test for large counts, on the unrounded pseudo-count sums.
///
/// ```
/// use degsea_de::exact::exact_test_beta_approx;
/// assert_eq!(exact_test_beta_approx(5000.0, 5000.0, 3.0, 3.0, 0.1), 1.0);
/// assert!(exact_test_beta_approx(3000.0, 9000.0, 3.0, 3.0, 0.01) < 1e-6);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/exactTestBetaApprox.R` (Robinson & Smyth 2008).
#[doc(alias = "exactTestBetaApprox")]
pub fn exact_test_beta_approx(u1: f64, u2: f64, n1: f64, n2: f64, dispersion: f64) -> f64 {
    let y = u1 + u2;
    if y <= 0.0 {
        return 1.0;
    }
    let mu = y / (n1 + n2);
    let alpha1 = n1 * mu / (1.0 + dispersion * mu);
    let alpha2 = n2 / n1 * alpha1;
    let med = qbeta(0.5, alpha1, alpha2, true, false);
    if (u1 + 0.5) / y < med {
        2.0 * pbeta((u1 + 0.5) / y, alpha1, alpha2, true, false)
    } else if (u1 - 0.5) / y > med {
        2.0 * pbeta((u1 - 0.5) / y, alpha1, alpha2, false, false)
    } else {
        1.0
    }
}

/// Exact binomial test of `y1` successes out of `y1 + y2` against probability `p`, two-sided
/// by the likelihood ordering of `binom.test` (edgeR `binomTest`, used when the dispersion is
/// zero). Totals above 10000 use a Yates chi-square test on `(y1, y2, N1 − y1, N2 − y2)` with
/// `totals = (N1, N2)`.
///
/// ```
/// use degsea_de::exact::binom_test;
/// assert_eq!(binom_test(5.0, 5.0, 0.5, (0.0, 0.0)), 1.0);
/// assert!((binom_test(0.0, 10.0, 0.5, (0.0, 0.0)) - 2.0 * 0.5f64.powi(10)).abs() < 1e-15);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/binomTest.R: binomTest` (after statmod `sage.test`, Smyth 2003).
#[doc(alias = "binomTest")]
pub fn binom_test(y1: f64, y2: f64, p: f64, totals: (f64, f64)) -> f64 {
    let y1 = y1.round_ties_even();
    let y2 = y2.round_ties_even();
    let size = y1 + y2;
    if p == 0.5 {
        if size > 0.0 {
            let p2: f64 = 2.0 * pbinom(y1.min(y2), size, 0.5, true, false);
            return p2.min(1.0);
        }
        return 1.0;
    }
    if size > BINOM_TEST_BIG_SIZE {
        return chisq_test_2x2_yates([[y1, totals.0 - y1], [y2, totals.1 - y2]]);
    }
    if size <= 0.0 {
        return 1.0;
    }
    let m = size as usize;
    let d: Vec<f64> = (0..=m).map(|k| dbinom(k as f64, size, p, false)).collect();
    let mut order: Vec<usize> = (0..=m).collect();
    order.sort_by(|&a, &b| d[a].total_cmp(&d[b]));
    let mut acc = Accumulator::default();
    let target = y1 as usize;
    for &k in &order {
        acc.add(d[k]);
        if k == target {
            return acc.value();
        }
    }
    1.0
}

/// Row order of edgeR `topTags(sort.by = "PValue")`: increasing p-value, ties by decreasing
/// |logFC|, then input order (NaN p-values last).
///
/// ```
/// use degsea_de::exact::top_tags_order;
/// assert_eq!(top_tags_order(&[0.5, 0.1, 0.5], &[1.0, 0.0, -2.0]), vec![1, 2, 0]);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/topTags.R`.
#[doc(alias = "topTags")]
pub fn top_tags_order(p_value: &[f64], log_fc: &[f64]) -> Vec<usize> {
    assert_eq!(p_value.len(), log_fc.len(), "one logFC per p-value");
    let key = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
    let mut idx: Vec<usize> = (0..p_value.len()).collect();
    idx.sort_by(|&a, &b| {
        let pa = p_value[a];
        let pb = p_value[b];
        match (pa.is_nan(), pb.is_nan()) {
            (false, false) => pa.total_cmp(&pb),
            (x, y) => x.cmp(&y),
        }
        .then_with(|| key(log_fc[b].abs()).total_cmp(&key(log_fc[a].abs())))
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binom_likelihood_ordering() {
        // p = 1/3, size 3: probabilities 8/27, 12/27, 6/27, 1/27; y1 = 0 has 8/27:
        // the p-value sums outcomes at most as likely: 1/27 + 6/27 + 8/27.
        let pv = binom_test(0.0, 3.0, 1.0 / 3.0, (0.0, 0.0));
        assert!((pv - 15.0 / 27.0).abs() < 1e-14, "{pv}");
    }

    #[test]
    fn tail_recurrence_matches_term_by_term_sums() {
        let mut worst: f64 = 0.0;
        for &(n1, n2) in &[(3.0, 3.0), (2.0, 7.0), (19.0, 19.0)] {
            for &phi in &[0.002, 0.05, 0.4, 3.0] {
                for s in [0.0_f64, 1.0, 7.0, 60.0, 850.0, 2400.0] {
                    let mu = s / (n1 + n2);
                    let (mu1, mu2) = (n1 * mu, n2 * mu);
                    for s1 in [0.0, (s * 0.1).floor(), (s * 0.5).floor(), (mu1 + 1.0).floor().min(s), s] {
                        let (size1, size2) = (n1 / phi, n2 / phi);
                        let fast = tail_sum(s1, s, size1, size2, mu1, mu2, false);
                        let slow = tail_sum(s1, s, size1, size2, mu1, mu2, true);
                        if slow > 0.0 {
                            worst = worst.max((fast / slow - 1.0).abs());
                        }
                    }
                }
            }
        }
        assert!(worst < 1e-12, "worst relative difference {worst:e}");
    }

    #[test]
    fn order_breaks_ties() {
        assert_eq!(top_tags_order(&[f64::NAN, 0.2, 0.2], &[0.0, 1.0, 1.0]), vec![1, 2, 0]);
    }
}
