//! edgeR's likelihood-ratio test of one coefficient (`glmLRT`).

use ndarray::Axis;

use super::fit::{FitInput, GlmFit, glm_fit};

/// One row per gene of `glmLRT`'s table (without `logCPM`, which the caller owns).
#[derive(Debug, Clone, PartialEq)]
pub struct LrtResult {
    /// `coefficients[, coef] / log(2)` of the fit (shrunk when the fit had a prior count).
    pub log_fc: Vec<f64>,
    /// Likelihood ratio statistic `deviance₀ − deviance₁`.
    pub lr: Vec<f64>,
    /// `pchisq(LR, df.test, lower.tail = FALSE)`.
    pub p_value: Vec<f64>,
    /// Degrees of freedom of the test (one coefficient: 1).
    pub df_test: usize,
}

/// edgeR `glmLRT(fit, coef)` for a single coefficient: refits without column `coef` (same
/// offsets and dispersions, `prior.count = 0`) and compares deviances.
///
/// # Panics
/// If `coef` is not a column of the design.
///
/// # References
/// edgeR 3.40.2 `R/glmfit.R` (`glmLRT`); McCarthy, Chen & Smyth (2012).
#[doc(alias = "glmLRT")]
pub fn glm_lrt(input: &FitInput<'_>, fit: &GlmFit, coef: usize) -> LrtResult {
    let p = input.design.ncols();
    assert!(coef < p, "coefficient {coef} out of range");
    let keep: Vec<usize> = (0..p).filter(|&j| j != coef).collect();
    let design0 = input.design.select(Axis(1), &keep);
    let null_input = FitInput { design: design0.view(), ..*input };
    let null_fit = glm_fit(&null_input, 0.0, None);
    let lr: Vec<f64> = null_fit.deviance.iter().zip(&fit.deviance).map(|(d0, d1)| d0 - d1).collect();
    let df_test = null_fit.df_residual - fit.df_residual;
    let df = df_test as f64;
    let p_value = lr.iter().map(|&l| degsea_stats::pgamma(l, df / 2.0, 2.0, false, false)).collect();
    let coefs = fit.shrunk.as_ref().unwrap_or(&fit.coefficients);
    let log_fc = coefs.column(coef).iter().map(|c| c / std::f64::consts::LN_2).collect();
    LrtResult { log_fc, lr, p_value, df_test }
}
