//! Pseudo-counts: quantile-to-quantile mapping between negative-binomial distributions
//! (edgeR `q2qnbinom`) and library-size equalisation (`equalizeLibSizes`).
//!
//! Upstream files: `R/q2qnbinom.R`, `R/equalizeLibSizes.R` (edgeR 3.40.2, unchanged in 4.5).
//! Spec: ALGORITHMS.md §A5.

use degsea_stats::{
    FAST_MIN_SHAPE, GammaInverse, GammaTail, lgamma, pgamma, pnorm, qgamma, qnorm, wilson_hilferty,
    wilson_hilferty_z,
};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::onegroup::{Dispersion, ROWS_PER_TASK, mglm_one_group};
use crate::sums::accurate_mean;

/// edgeR `q2qnbinom`: means below this are treated as zero.
pub const Q2Q_ZERO_MEAN: f64 = 1e-14;
/// edgeR `q2qnbinom`: added to both means when either is (near) zero.
pub const Q2Q_ZERO_MEAN_OFFSET: f64 = 0.25;

/// Maps a count `x` from NB(`input_mean`, φ) to the same quantile of NB(`output_mean`, φ),
/// approximately: the average of the normal and gamma quantile maps, both matching the NB
/// mean and variance, computed on the log-probability scale in the tail `x` lies in.
///
/// The result is not clamped (it can be slightly negative for `x = 0`).
///
/// ```
/// use degsea_de::pseudo::q2qnbinom;
/// // Equal means: the identity.
/// assert!((q2qnbinom(7.0, 10.0, 10.0, 0.1) - 7.0).abs() < 1e-12);
/// // edgeR 3.40.2: q2qnbinom(10, 10, 20, 0.1) = 20.078711013665618
/// assert!((q2qnbinom(10.0, 10.0, 20.0, 0.1) / 20.078711013665618 - 1.0).abs() < 1e-12);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/q2qnbinom.R: q2qnbinom` (Robinson & Smyth 2008, Biostatistics 9:321).
pub fn q2qnbinom(x: f64, input_mean: f64, output_mean: f64, dispersion: f64) -> f64 {
    q2q(x, input_mean, output_mean, dispersion, false)
}

/// The body of [`q2qnbinom`] (`newton = false`) and [`q2qnbinom_fast`] (`newton = true`).
fn q2q(x: f64, input_mean: f64, output_mean: f64, dispersion: f64, newton: bool) -> f64 {
    let (mut mu_in, mut mu_out) = (input_mean, output_mean);
    if mu_in < Q2Q_ZERO_MEAN || mu_out < Q2Q_ZERO_MEAN {
        mu_in += Q2Q_ZERO_MEAN_OFFSET;
        mu_out += Q2Q_ZERO_MEAN_OFFSET;
    }
    let r_in = 1.0 + dispersion * mu_in;
    let v_in = mu_in * r_in;
    let r_out = 1.0 + dispersion * mu_out;
    let v_out = mu_out * r_out;
    // Upper tails when x >= mean, lower tails otherwise.
    let lower = x < mu_in;
    let lp1 = pnorm(x, mu_in, v_in.sqrt(), lower, true);
    let (shape_in, shape_out) = (mu_in / r_in, mu_out / r_out);
    let lp2 = pgamma(x, shape_in, r_in, lower, true);
    let q1 = qnorm(lp1, mu_out, v_out.sqrt(), lower, true);
    let q2 = newton
        .then(|| GammaMap { x, shape_in, scale_in: r_in, shape_out, scale_out: r_out, lower }.quantile(lp2))
        .flatten()
        .unwrap_or_else(|| qgamma(lp2, shape_out, r_out, lower, true));
    f64::midpoint(q1, q2)
}

/// [`q2qnbinom`] with the gamma quantile found by Newton steps instead of R's `qgamma`:
/// the same mapping to about 1e-14 relative (R's `qgamma` itself stops one Newton step after
/// a 5e-7 relative tolerance), at about half the cost. Cases outside the Newton solver's
/// comfort zone (shape below ½, a zero count, no convergence in [`NEWTON_MAX_STEPS`]) use
/// R's `qgamma`.
///
/// ```
/// use degsea_de::pseudo::{q2qnbinom, q2qnbinom_fast};
/// let (a, b) = (q2qnbinom(10.0, 10.0, 20.0, 0.1), q2qnbinom_fast(10.0, 10.0, 20.0, 0.1));
/// assert!((a / b - 1.0).abs() < 1e-14);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/q2qnbinom.R: q2qnbinom`; Wilson & Hilferty (1931), PNAS 17:684 (start).
pub fn q2qnbinom_fast(x: f64, input_mean: f64, output_mean: f64, dispersion: f64) -> f64 {
    q2q(x, input_mean, output_mean, dispersion, true)
}

/// Which quantile algorithm the pseudo-counts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quantiles {
    /// R's own `pnorm`/`qnorm`/`pgamma`/`qgamma` (the edgeR-exact tier: the common
    /// dispersion's Brent search compares likelihoods of these values to their last bits).
    #[default]
    AsR,
    /// The edgeR-equivalent tier's [`OutputNb`]: the normal map in closed form and the gamma
    /// quantile by Halley steps from a Wilson–Hilferty start (R's values to about 1e-12).
    Fast,
}

/// The output side of [`q2qnbinom`] for one NB(`μ_out`, φ), prepared once and applied to every
/// input count mapped onto it (edgeR maps each sample of a gene's group onto the same output
/// distribution): the gamma's `lgamma(shape)` is computed once ([`GammaInverse`]).
///
/// Against R's algorithm: the normal quantile of a normal probability is the affine map
/// `μ_out + σ_out (x − μ_in)/σ_in` (what `qnorm(pnorm(x))` computes up to its rounding), and the
/// gamma quantile solves `log P_out(q) = log P_in(x)` by Halley steps in `log q` from the
/// Wilson–Hilferty image of `x`, to double precision (R's `qgamma` stops one Newton step after
/// a 5e-7 tolerance). Shapes below [`FAST_MIN_SHAPE`], non-finite log-probabilities and
/// non-convergence use R's `qgamma`.
///
/// ```
/// use degsea_de::pseudo::{OutputNb, q2qnbinom};
/// let out = OutputNb::new(20.0, 0.1);
/// assert!((out.map(10.0, 10.0) / q2qnbinom(10.0, 10.0, 20.0, 0.1) - 1.0).abs() < 1e-12);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/q2qnbinom.R: q2qnbinom` (Robinson & Smyth 2008); Wilson & Hilferty (1931).
#[derive(Debug, Clone, Copy)]
pub struct OutputNb {
    mean: f64,
    sd: f64,
    shape: f64,
    scale: f64,
    dispersion: f64,
    gamma: GammaInverse,
}

impl OutputNb {
    /// NB(`output_mean`, `dispersion`) as q2qnbinom's output distribution. The mean must be at
    /// least [`Q2Q_ZERO_MEAN`] (else use [`q2qnbinom_equivalent`], which shifts both means).
    #[must_use]
    pub fn new(output_mean: f64, dispersion: f64) -> Self {
        let scale = 1.0 + dispersion * output_mean;
        let shape = output_mean / scale;
        Self {
            mean: output_mean,
            sd: (output_mean * scale).sqrt(),
            shape,
            scale,
            dispersion,
            gamma: GammaInverse::new(shape, scale),
        }
    }

    /// `x` mapped from NB(`input_mean`, φ) onto this distribution (`input_mean` at least
    /// [`Q2Q_ZERO_MEAN`]); not clamped.
    #[must_use]
    pub fn map(&self, x: f64, input_mean: f64) -> f64 {
        let r_in = 1.0 + self.dispersion * input_mean;
        let sd_in = (input_mean * r_in).sqrt();
        let q1 = self.mean + self.sd * ((x - input_mean) / sd_in);
        if x == 0.0 {
            // log P(X ≤ 0) = −∞: R's qgamma returns 0.
            return 0.5 * q1;
        }
        let lower = x < input_mean;
        let shape_in = input_mean / r_in;
        let x_unit = x / r_in;
        let lp = GammaTail::new(shape_in).log_tail(x_unit, x_unit.ln(), lower);
        let start = (shape_in >= FAST_MIN_SHAPE && self.shape >= FAST_MIN_SHAPE)
            .then(|| wilson_hilferty(wilson_hilferty_z(x, shape_in, r_in), self.shape, self.scale))
            .flatten();
        let q2 = start
            .and_then(|x0| self.gamma.quantile_from(lp, lower, x0))
            .unwrap_or_else(|| qgamma(lp, self.shape, self.scale, lower, true));
        f64::midpoint(q1, q2)
    }
}

/// [`q2qnbinom`] by the edgeR-equivalent tier's quantiles ([`OutputNb`]), with edgeR's shift
/// of near-zero means.
///
/// ```
/// use degsea_de::pseudo::{q2qnbinom, q2qnbinom_equivalent};
/// for x in [0.0, 3.0, 10.0, 55.0] {
///     let (r, f) = (q2qnbinom(x, 10.0, 20.0, 0.1), q2qnbinom_equivalent(x, 10.0, 20.0, 0.1));
///     assert!((r - f).abs() <= 1e-12 * r.abs().max(1.0));
/// }
/// ```
///
/// # References
/// edgeR 3.40.2 `R/q2qnbinom.R: q2qnbinom`.
#[must_use]
pub fn q2qnbinom_equivalent(x: f64, input_mean: f64, output_mean: f64, dispersion: f64) -> f64 {
    let (mut mu_in, mut mu_out) = (input_mean, output_mean);
    if mu_in < Q2Q_ZERO_MEAN || mu_out < Q2Q_ZERO_MEAN {
        mu_in += Q2Q_ZERO_MEAN_OFFSET;
        mu_out += Q2Q_ZERO_MEAN_OFFSET;
    }
    OutputNb::new(mu_out, dispersion).map(x, mu_in)
}

/// Newton steps allowed by [`q2qnbinom_fast`] before it falls back to R's `qgamma`.
pub const NEWTON_MAX_STEPS: usize = 8;
/// Newton on `u = log t` converges quadratically: once a step is below this, the next error
/// is of order its square, below double precision.
const NEWTON_LAST_STEP: f64 = 1e-8;

/// One gamma-to-gamma quantile map: the input point and tail, and the output distribution.
struct GammaMap {
    x: f64,
    shape_in: f64,
    scale_in: f64,
    shape_out: f64,
    scale_out: f64,
    lower: bool,
}

impl GammaMap {
    /// The output quantile whose log tail probability is `lp` (the input's): Newton on
    /// `F(u) = log P(e^u) − lp`, with `F'(u) = ±t f(t) / P(t)`, from the Wilson–Hilferty image
    /// of `x`. `None` where R's `qgamma` should be used instead.
    fn quantile(&self, lp: f64) -> Option<f64> {
        let (a, s) = (self.shape_out, self.scale_out);
        if !lp.is_finite() || self.x <= 0.0 || a < 0.5 || self.shape_in < 0.5 {
            return None;
        }
        // Wilson–Hilferty: (X / (a s))^(1/3) is nearly normal with mean 1 − c, variance c.
        let c_in = 1.0 / (9.0 * self.shape_in);
        let z = ((self.x / (self.shape_in * self.scale_in)).cbrt() - 1.0 + c_in) / c_in.sqrt();
        let c = 1.0 / (9.0 * a);
        let base = 1.0 - c + z * c.sqrt();
        if base <= 0.0 {
            return None;
        }
        let mut u = (a * s * base * base * base).ln();
        let log_norm = -lgamma(a) - a * s.ln();
        for _ in 0..NEWTON_MAX_STEPS {
            let t = u.exp();
            let lq = pgamma(t, a, s, self.lower, true);
            if !lq.is_finite() {
                return None;
            }
            let log_density = log_norm + (a - 1.0) * u - t / s;
            let slope = (log_density + u - lq).exp();
            let step = (lq - lp) / if self.lower { slope } else { -slope };
            if !step.is_finite() {
                return None;
            }
            u -= step;
            if step.abs() < NEWTON_LAST_STEP {
                return Some(u.exp());
            }
        }
        None
    }
}

/// Pseudo-counts at a common library size (edgeR `equalizeLibSizes`).
#[derive(Debug, Clone, PartialEq)]
pub struct EqualizedLibSizes {
    /// Pseudo-counts, genes × samples (negative values set to 0).
    pub pseudo_counts: Array2<f64>,
    /// The common library size: the geometric mean of the effective library sizes.
    pub pseudo_lib_size: f64,
}

/// Geometric mean of library sizes as R computes `exp(mean(log(N)))`.
pub fn geometric_mean_lib_size(lib_sizes: &[f64]) -> f64 {
    let logs: Vec<f64> = lib_sizes.iter().map(|n| n.ln()).collect();
    accurate_mean(&logs).exp()
}

/// Samples per group: `groups[k]` lists the columns of group `k`.
pub(crate) fn group_columns(group: &[usize]) -> Vec<Vec<usize>> {
    let n_groups = group.iter().max().map_or(0, |m| m + 1);
    let mut cols = vec![Vec::new(); n_groups];
    for (j, &k) in group.iter().enumerate() {
        cols[k].push(j);
    }
    cols.retain(|c| !c.is_empty());
    cols
}

/// Per-group inputs of [`equalize_row`] that do not depend on the gene.
pub(crate) struct EqualizePlan {
    /// Columns of each group.
    pub(crate) groups: Vec<Vec<usize>>,
    /// Log library sizes of each group's columns.
    pub(crate) offsets: Vec<Vec<f64>>,
    /// Effective library sizes.
    pub(crate) lib_sizes: Vec<f64>,
    /// Common (geometric-mean) library size.
    pub(crate) common: f64,
    /// Quantile algorithm of the pseudo-counts.
    pub(crate) quantiles: Quantiles,
}

impl EqualizePlan {
    pub(crate) fn new(group: &[usize], lib_sizes: &[f64], quantiles: Quantiles) -> Self {
        let groups = group_columns(group);
        let offsets = groups.iter().map(|cols| cols.iter().map(|&j| lib_sizes[j].ln()).collect()).collect();
        let common = geometric_mean_lib_size(lib_sizes);
        Self { groups, offsets, lib_sizes: lib_sizes.to_vec(), common, quantiles }
    }

    /// Pseudo-counts of one gene into `out` (one value per sample), clamped at 0. With
    /// [`Quantiles::AsR`] R's quantile algorithm ([`q2qnbinom`]; the common dispersion's Brent
    /// search compares likelihoods of these values, so their last bits matter), with
    /// [`Quantiles::Fast`] one [`OutputNb`] per group.
    /// Returns the number of non-converged group fits.
    pub(crate) fn equalize_row(
        &self,
        y: &[f64],
        dispersion: f64,
        buf: &mut Vec<f64>,
        out: &mut [f64],
    ) -> usize {
        let mut nonconverged = 0;
        for (cols, offsets) in self.groups.iter().zip(&self.offsets) {
            buf.clear();
            buf.extend(cols.iter().map(|&j| y[j]));
            let fit = mglm_one_group(buf, offsets, dispersion);
            nonconverged += usize::from(!fit.converged);
            let lambda = fit.beta.exp();
            let mu_out = lambda * self.common;
            let shifted =
                mu_out < Q2Q_ZERO_MEAN || cols.iter().any(|&j| lambda * self.lib_sizes[j] < Q2Q_ZERO_MEAN);
            let output =
                (self.quantiles == Quantiles::Fast && !shifted).then(|| OutputNb::new(mu_out, dispersion));
            for &j in cols {
                let mu_in = lambda * self.lib_sizes[j];
                let p = match (&output, self.quantiles) {
                    (Some(o), _) => o.map(y[j], mu_in),
                    (None, Quantiles::Fast) => q2qnbinom_equivalent(y[j], mu_in, mu_out, dispersion),
                    (None, Quantiles::AsR) => q2qnbinom(y[j], mu_in, mu_out, dispersion),
                };
                out[j] = if p < 0.0 { 0.0 } else { p };
            }
        }
        nonconverged
    }
}

/// Pseudo-counts of `counts` (genes × samples) at the geometric-mean library size, group by
/// group: each gene's group mean rate is fitted with [`mglm_one_group`] and every count is
/// mapped by [`q2qnbinom`] from `λ N_i` to `λ N*`. Negative results are set to 0.
///
/// `group[i]` is the group index of sample `i`; `lib_sizes` the effective library sizes.
///
/// ```
/// use degsea_de::onegroup::Dispersion;
/// use degsea_de::pseudo::equalize_lib_sizes;
/// let counts = ndarray::array![[10u32, 20, 30, 40]];
/// let eq = equalize_lib_sizes(&counts.view(), &[0, 0, 1, 1], &[1e6, 2e6, 1e6, 2e6], Dispersion::Common(0.1));
/// assert!((eq.pseudo_lib_size - 2f64.sqrt() * 1e6).abs() < 1e-6);
/// assert!(eq.pseudo_counts[[0, 0]] > 10.0 && eq.pseudo_counts[[0, 1]] < 20.0);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/equalizeLibSizes.R: equalizeLibSizes.default` (Robinson & Smyth 2008).
#[doc(alias = "equalizeLibSizes")]
pub fn equalize_lib_sizes(
    counts: &ArrayView2<'_, u32>,
    group: &[usize],
    lib_sizes: &[f64],
    dispersion: Dispersion<'_>,
) -> EqualizedLibSizes {
    let rows: Vec<usize> = (0..counts.nrows()).collect();
    let plan = EqualizePlan::new(group, lib_sizes, Quantiles::AsR);
    let pseudo_counts = equalize_rows(counts, &rows, &plan, dispersion);
    EqualizedLibSizes { pseudo_counts, pseudo_lib_size: plan.common }
}

/// Pseudo-counts of the given rows only (in that order), with per-gene dispersions indexed by
/// the original row number.
pub(crate) fn equalize_rows(
    counts: &ArrayView2<'_, u32>,
    rows: &[usize],
    plan: &EqualizePlan,
    dispersion: Dispersion<'_>,
) -> Array2<f64> {
    let n = counts.ncols();
    let mut out = vec![0.0; rows.len() * n];
    if n > 0 {
        out.par_chunks_mut(n).with_min_len(ROWS_PER_TASK).zip(rows.par_iter()).for_each_init(
            || (vec![0.0; n], Vec::with_capacity(n)),
            |(y, buf), (row, &g)| {
                for (v, &c) in y.iter_mut().zip(counts.row(g)) {
                    *v = f64::from(c);
                }
                plan.equalize_row(y, dispersion.get(g), buf, row);
            },
        );
    }
    Array2::from_shape_vec((rows.len(), n), out).expect("shape matches the buffer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_means_are_shifted() {
        // Input mean 0: both means get +0.25, so x = 0 maps near 0 (possibly slightly negative).
        let z = q2qnbinom(0.0, 0.0, 0.0, 0.1);
        assert!(z.abs() < 1e-9, "{z}");
    }

    #[test]
    fn newton_quantiles_agree_with_r_qgamma() {
        // Counts around the mean over shapes from ~0.3 to 1e4 and library-size ratios 0.5–2.
        let mut worst: f64 = 0.0;
        for &mu in &[0.3_f64, 2.0, 15.0, 120.0, 2500.0, 8e4, 1.2e6] {
            for &phi in &[0.0005, 0.01, 0.16, 0.9, 4.0] {
                for &ratio in &[0.5, 0.83, 1.0, 1.37, 2.0] {
                    let sd = (mu * (1.0 + phi * mu)).sqrt();
                    for k in -3..=6 {
                        let x = (mu + f64::from(k) * 0.5 * sd).max(0.0).round();
                        let r = q2qnbinom(x, mu, mu * ratio, phi);
                        let f = q2qnbinom_fast(x, mu, mu * ratio, phi);
                        worst = worst.max((r - f).abs() / r.abs().max(1.0));
                    }
                }
            }
        }
        // R's qgamma stops one Newton step after a 5e-7 tolerance: ~1e-10 in the far tails.
        assert!(worst < 1e-9, "worst relative difference {worst:e}");
    }

    #[test]
    fn equivalent_map_agrees_with_r_algorithm() {
        // The same grid as above, plus small means: 1e-12 relative (absolute below 1), plus the
        // rounding of R's normal round trip `qnorm(pnorm(x))` where the map cancels (x = 0 under
        // means ~1e6 maps to ~0.1 as μ_out − σ_out μ_in/σ_in: R's value carries a few ulps of
        // μ, the closed form is exact, e.g. the identity map gives 0, R −3.5e-10).
        const R_ROUND_TRIP_ULPS: f64 = 8.0;
        let mut worst: f64 = 0.0;
        for &mu in &[0.02_f64, 0.3, 2.0, 15.0, 120.0, 2500.0, 8e4, 1.2e6] {
            for &phi in &[0.0005, 0.01, 0.16, 0.9, 4.0] {
                for &ratio in &[0.5, 0.83, 1.0, 1.37, 2.0] {
                    let sd = (mu * (1.0 + phi * mu)).sqrt();
                    for k in -3..=6 {
                        let x = (mu + f64::from(k) * 0.5 * sd).max(0.0).round();
                        let r = q2qnbinom(x, mu, mu * ratio, phi);
                        let f = q2qnbinom_equivalent(x, mu, mu * ratio, phi);
                        let cancellation = R_ROUND_TRIP_ULPS * f64::EPSILON * mu.max(mu * ratio);
                        worst = worst.max(((r - f).abs() - cancellation).max(0.0) / r.abs().max(1.0));
                        if ratio == 1.0 {
                            assert!((f - x).abs() <= 1e-12 * x.max(1.0), "identity map: {x} -> {f}");
                        }
                    }
                }
            }
        }
        assert!(worst < 1e-12, "worst relative difference {worst:e}");
    }

    #[test]
    fn groups_are_listed() {
        assert_eq!(group_columns(&[1, 0, 1, 0, 0]), vec![vec![1, 3, 4], vec![0, 2]]);
    }
}
