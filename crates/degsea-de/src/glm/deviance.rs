//! Negative-binomial deviance as edgeR computes it (`nbinomDeviance`, `compute_unit_nb_deviance`).

/// edgeR `nbdev.cpp`: added to `y` and `μ` before taking logs (`mildly_low_value`).
const MILDLY_LOW_VALUE: f64 = 1e-8;
/// edgeR `nbdev.cpp`: below this dispersion the Poisson series is used (`one_tenthousandth`).
pub const POISSON_SERIES_BELOW: f64 = 1e-4;
/// edgeR `nbdev.cpp`: above this `μφ` the gamma limit is used (`one_million`).
const GAMMA_LIMIT_ABOVE: f64 = 1e6;

/// Unit deviance of one NB observation, exactly as edgeR 3.40.2's C++.
///
/// Three regimes: `φ < 1e-4` a Poisson series, `μφ > 1e6` the gamma limit, otherwise the NB
/// formula. Both `y` and `μ` are offset by `1e-8` first. The series keeps edgeR's integer
/// division `2/3 = 0` of the C++ source (`1 + φ(2/3·r − y)` evaluates as `1 − φy`), so its
/// values agree with R's bit for bit.
///
/// ```
/// use degsea_de::glm::deviance::unit_nb_deviance;
/// assert!(unit_nb_deviance(5.0, 5.0, 0.1).abs() < 1e-12);
/// assert!(unit_nb_deviance(0.0, 5.0, 0.1) > 0.0);
/// ```
///
/// # References
/// edgeR 3.40.2 `src/nbdev.cpp` (`compute_unit_nb_deviance`); McCarthy, Chen & Smyth (2012),
/// *Nucleic Acids Research* 40:4288.
#[doc(alias = "compute_unit_nb_deviance")]
pub fn unit_nb_deviance(y: f64, mu: f64, phi: f64) -> f64 {
    let y = y + MILDLY_LOW_VALUE;
    let mu = mu + MILDLY_LOW_VALUE;
    if phi < POISSON_SERIES_BELOW {
        let resid = y - mu;
        // C++ `2/3*resid` is integer 0: the term is `phi * (0.0 * resid - y)`.
        2.0 * (y * (y / mu).ln() - resid - 0.5 * resid * resid * phi * (1.0 + phi * (0.0 * resid - y)))
    } else {
        let product = mu * phi;
        if product > GAMMA_LIMIT_ABOVE {
            2.0 * ((y - mu) / mu - (y / mu).ln()) * mu / (1.0 + product)
        } else {
            let invphi = 1.0 / phi;
            2.0 * (y * (y / mu).ln() + (y + invphi) * ((mu + invphi) / (y + invphi)).ln())
        }
    }
}

/// Total deviance of one gene: `Σ_i d(y_i, μ_i, φ)` in sample order (edgeR `nbinomDeviance`
/// with unit weights).
///
/// ```
/// use degsea_de::glm::deviance::nbinom_deviance;
/// assert!(nbinom_deviance(&[3.0, 4.0], &[3.0, 4.0], 0.2).abs() < 1e-12);
/// ```
#[doc(alias = "nbinomDeviance")]
pub fn nbinom_deviance(y: &[f64], mu: &[f64], phi: f64) -> f64 {
    let mut dev = 0.0;
    for (&yi, &mi) in y.iter().zip(mu) {
        dev += unit_nb_deviance(yi, mi, phi);
    }
    dev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regimes_are_continuous_enough() {
        // NB formula vs Poisson series just either side of 1e-4.
        let a = unit_nb_deviance(10.0, 7.0, 1.0001e-4);
        let b = unit_nb_deviance(10.0, 7.0, 0.9999e-4);
        assert!((a - b).abs() < 1e-6, "{a} {b}");
        // Poisson deviance at phi = 0.
        let p = unit_nb_deviance(10.0, 7.0, 0.0);
        let y: f64 = 10.0 + 1e-8;
        let m = 7.0 + 1e-8;
        assert!((p - 2.0 * (y * (y / m).ln() - (y - m))).abs() < 1e-12);
    }
}
