//! Exact samplers for the gamma, Poisson and negative-binomial distributions.
//!
//! The negative binomial of RNA-seq counts (mean μ, dispersion φ, variance μ + φμ²) is drawn
//! as its Poisson–gamma mixture: λ ~ Gamma(shape 1/φ, scale μφ), then Y ~ Poisson(λ). Both
//! steps are exact algorithms (no normal approximation at any mean).
//!
//! # References
//! - G. Marsaglia, W. W. Tsang (2000). A simple method for generating gamma variables. *ACM
//!   Transactions on Mathematical Software* 26(3):363–372 ([`gamma`]).
//! - W. Hörmann (1993). The transformed rejection method for generating Poisson random
//!   variables. *Insurance: Mathematics and Economics* 12(1):39–45 (PTRS, [`poisson`] for
//!   λ ≥ [`PTRS_MIN_MEAN`]); the same algorithm as NumPy's `random_poisson_ptrs`.
//! - D. E. Knuth, *The Art of Computer Programming* vol. 2, §3.4.1 (the multiplication method
//!   of [`poisson`] for small λ).

use crate::rng::Rng;

/// Means at and above this use PTRS; below it, Knuth's multiplication method (NumPy's switch).
pub const PTRS_MIN_MEAN: f64 = 10.0;

/// Coefficients of the Stirling series of ln Γ(x) (NumPy's `random_loggam`).
const STIRLING: [f64; 10] = [
    8.333333333333333e-02,
    -2.777777777777778e-03,
    7.936507936507937e-04,
    -5.952380952380952e-04,
    8.417508417508418e-04,
    -1.917526917526918e-03,
    6.410256410256410e-03,
    -2.955065359477124e-02,
    1.796443723688307e-01,
    -1.39243221690590e+00,
];

/// ln Γ(x) for x > 0 by the Stirling series after shifting x to at least 7 (absolute error
/// below 1e-14 over the range PTRS uses).
///
/// ```
/// let ln_120 = degsea_sim::dist::ln_gamma(6.0);
/// assert!((ln_120 - 120f64.ln()).abs() < 1e-13);
/// ```
pub fn ln_gamma(x: f64) -> f64 {
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let shift = if x < 7.0 { (7.0 - x.floor()) as u32 } else { 0 };
    let mut x0 = x + f64::from(shift);
    let x2 = 1.0 / (x0 * x0);
    let mut series = STIRLING[9];
    for c in STIRLING[..9].iter().rev() {
        series = series * x2 + c;
    }
    let mut value = series / x0 + 0.5 * std::f64::consts::TAU.ln() + (x0 - 0.5) * x0.ln() - x0;
    for _ in 0..shift {
        x0 -= 1.0;
        value -= x0.ln();
    }
    value
}

/// A Gamma(shape, scale) deviate (Marsaglia–Tsang; for shape < 1 the boost
/// Gamma(a) = Gamma(a + 1)·U^(1/a)). Returns 0 for a non-positive shape or scale.
///
/// ```
/// let mut rng = degsea_sim::rng::Rng::seed_from_u64(1);
/// let g = degsea_sim::dist::gamma(&mut rng, 2.5, 4.0);
/// assert!(g > 0.0);
/// ```
pub fn gamma(rng: &mut Rng, shape: f64, scale: f64) -> f64 {
    if shape <= 0.0 || scale <= 0.0 || !shape.is_finite() || !scale.is_finite() {
        return 0.0;
    }
    if shape < 1.0 {
        let boost = rng.uniform_open().powf(1.0 / shape);
        return gamma(rng, shape + 1.0, scale) * boost;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = rng.normal();
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = rng.uniform_open();
        let x2 = x * x;
        if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d * (1.0 - v + v.ln()) {
            return d * v * scale;
        }
    }
}

/// A Poisson(λ) deviate, exact for every λ: the multiplication method below
/// [`PTRS_MIN_MEAN`], Hörmann's PTRS (transformed rejection with squeeze) above. Returns 0
/// for λ ≤ 0 or non-finite λ.
///
/// ```
/// let mut rng = degsea_sim::rng::Rng::seed_from_u64(1);
/// let k = degsea_sim::dist::poisson(&mut rng, 1e6);
/// assert!((k as f64 - 1e6).abs() < 10_000.0); // 10 s.d.
/// ```
#[doc(alias = "random_poisson_ptrs")]
pub fn poisson(rng: &mut Rng, lambda: f64) -> u64 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0;
    }
    if lambda < PTRS_MIN_MEAN {
        let limit = (-lambda).exp();
        let mut k = 0u64;
        let mut product = rng.uniform();
        while product > limit {
            k += 1;
            product *= rng.uniform();
        }
        return k;
    }
    let sqrt_lambda = lambda.sqrt();
    let ln_lambda = lambda.ln();
    let b = 0.931 + 2.53 * sqrt_lambda;
    let a = -0.059 + 0.02483 * b;
    let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    let v_r = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = rng.uniform() - 0.5;
        let v = rng.uniform();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln() <= -lambda + k * ln_lambda - ln_gamma(k + 1.0) {
            return k as u64;
        }
    }
}

/// A negative-binomial deviate with mean `mean` and dispersion `dispersion` (variance
/// `mean + dispersion·mean²`, edgeR's parameterisation), drawn as Poisson(Gamma(1/φ, μφ));
/// a dispersion of 0 gives Poisson(μ).
///
/// ```
/// let mut rng = degsea_sim::rng::Rng::seed_from_u64(1);
/// let y = degsea_sim::dist::negative_binomial(&mut rng, 100.0, 0.1);
/// assert!(y < 10_000);
/// ```
pub fn negative_binomial(rng: &mut Rng, mean: f64, dispersion: f64) -> u64 {
    if dispersion <= 0.0 {
        return poisson(rng, mean);
    }
    let lambda = gamma(rng, 1.0 / dispersion, mean * dispersion);
    poisson(rng, lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sample mean and variance (n − 1 denominator).
    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut ln_fact = 0.0f64;
        for k in 1..=170u32 {
            ln_fact += f64::from(k).ln();
            let got = ln_gamma(f64::from(k) + 1.0);
            assert!((got - ln_fact).abs() <= 1e-13 * ln_fact.max(1.0), "k={k}: {got} vs {ln_fact}");
        }
        // Γ(1/2) = √π.
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
    }

    #[test]
    fn gamma_moments() {
        // Gamma(a, s): mean a·s, variance a·s². n = 200,000; tolerances are 5 standard errors
        // (the s.e. of the sample variance uses the gamma's fourth moment).
        let mut rng = Rng::seed_from_u64(21);
        for (shape, scale) in [(0.3, 2.0), (1.0, 1.0), (4.0, 0.5), (50.0, 3.0)] {
            let n: usize = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| gamma(&mut rng, shape, scale)).collect();
            let (mean, var) = moments(&xs);
            let (m, v) = (shape * scale, shape * scale * scale);
            let kurt_excess = 6.0 / shape;
            let se_mean = (v / n as f64).sqrt();
            let se_var = v * ((2.0 + kurt_excess) / n as f64).sqrt();
            assert!((mean - m).abs() < 5.0 * se_mean, "shape {shape}: mean {mean} vs {m}");
            assert!((var - v).abs() < 5.0 * se_var, "shape {shape}: var {var} vs {v}");
        }
    }

    #[test]
    fn poisson_moments_small_and_large() {
        let mut rng = Rng::seed_from_u64(22);
        for lambda in [0.05, 2.5, 9.99, 10.0, 37.0, 1000.0, 2.0e6] {
            let n: usize = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda) as f64).collect();
            let (mean, var) = moments(&xs);
            let se_mean = (lambda / n as f64).sqrt();
            // Var of the sample variance: σ⁴(2 + κ)/n with σ² = λ and excess kurtosis κ = 1/λ.
            let se_var = ((lambda + 2.0 * lambda * lambda) / n as f64).sqrt();
            assert!((mean - lambda).abs() < 5.0 * se_mean, "λ {lambda}: mean {mean}");
            assert!((var - lambda).abs() < 5.0 * se_var, "λ {lambda}: var {var}");
        }
    }

    #[test]
    fn ptrs_matches_the_poisson_pmf() {
        // A chi-square goodness-of-fit test of PTRS at λ = 15 against the exact pmf, on the
        // cells 5..=27 plus the two tails (25 cells, 24 d.f.; the 0.9999 quantile is 57.0).
        let lambda = 15.0;
        let n = 400_000u32;
        let mut rng = Rng::seed_from_u64(23);
        let mut observed = [0u32; 25];
        for _ in 0..n {
            let k = poisson(&mut rng, lambda);
            observed[(k.clamp(4, 28) - 4) as usize] += 1;
        }
        let pmf = |k: u32| (-lambda + f64::from(k) * f64::ln(lambda) - ln_gamma(f64::from(k) + 1.0)).exp();
        let mut expected = [0f64; 25];
        for k in 0..=200u32 {
            expected[(k.clamp(4, 28) - 4) as usize] += pmf(k) * f64::from(n);
        }
        let chi2: f64 = observed.iter().zip(expected).map(|(&o, e)| (f64::from(o) - e).powi(2) / e).sum();
        assert!(chi2 < 57.0, "chi-square {chi2}; observed {observed:?}");
    }

    #[test]
    fn negative_binomial_mean_and_variance() {
        // NB(μ, φ): variance μ + φμ². n = 200,000 draws per case; 5 standard errors. The s.e.
        // of the sample variance is σ²·sqrt((2 + κ)/n) with the NB's excess kurtosis
        // κ = 6φ + 1/(μ(1 + φμ)).
        let mut rng = Rng::seed_from_u64(24);
        for (mu, phi) in [(0.5, 1.2), (8.0, 0.3), (50.0, 0.2), (2000.0, 0.1), (1.0e5, 0.05)] {
            let n: usize = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| negative_binomial(&mut rng, mu, phi) as f64).collect();
            let (mean, var) = moments(&xs);
            let v = mu + phi * mu * mu;
            let se_mean = (v / n as f64).sqrt();
            let kurt_excess = 6.0 * phi + 1.0 / (mu * (1.0 + phi * mu));
            let se_var = v * ((2.0 + kurt_excess) / n as f64).sqrt();
            assert!((mean - mu).abs() < 5.0 * se_mean, "μ {mu} φ {phi}: mean {mean}");
            assert!((var - v).abs() < 5.0 * se_var, "μ {mu} φ {phi}: var {var} vs {v}");
        }
    }

    #[test]
    fn degenerate_parameters_give_zero() {
        let mut rng = Rng::seed_from_u64(1);
        assert_eq!(poisson(&mut rng, 0.0), 0);
        assert_eq!(poisson(&mut rng, f64::NAN), 0);
        assert_eq!(gamma(&mut rng, 0.0, 1.0), 0.0);
        assert_eq!(negative_binomial(&mut rng, 0.0, 0.5), 0);
    }
}
