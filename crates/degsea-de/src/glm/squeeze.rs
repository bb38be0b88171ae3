//! limma's empirical Bayes moderation of variances: `fitFDist`, `squeezeVar`,
//! `trigammaInverse`, with the natural-spline abundance trend of `fitFDist(covariate = )`.

use crate::sums::accurate_mean;

use super::linalg::Qr;

/// limma `fitFDist`: `df1` at or below this is treated as zero.
const DF_EPS: f64 = 1e-15;
/// limma `fitFDist`: variances are floored at `1e-5 · median`.
const VAR_FLOOR_FRACTION: f64 = 1e-5;
/// limma `trigammaInverse`: Newton stops when the relative step is below this.
const TRIGAMMA_INVERSE_TOL: f64 = 1e-8;
/// limma `trigammaInverse`: iteration limit.
const TRIGAMMA_INVERSE_MAXIT: usize = 50;

/// limma `trigammaInverse`: `y` with `trigamma(y) = x`, by Newton's method from `0.5 + 1/x`
/// (with limma's shortcuts `1/√x` above `1e7` and `1/x` below `1e-6`).
///
/// ```
/// use degsea_de::glm::squeeze::trigamma_inverse;
/// let y = trigamma_inverse(degsea_stats::trigamma(3.5));
/// assert!((y - 3.5).abs() < 1e-7);
/// ```
///
/// # References
/// limma 3.54 `R/squeezeVar.R` (`trigammaInverse`); Smyth (2004), *Stat. Appl. Genet. Mol. Biol.* 3:3.
#[doc(alias = "trigammaInverse")]
pub fn trigamma_inverse(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x > 1e7 {
        return 1.0 / x.sqrt();
    }
    if x < 1e-6 {
        return 1.0 / x;
    }
    let mut y = 0.5 + 1.0 / x;
    for iter in 1.. {
        let tri = degsea_stats::trigamma(y);
        let dif = tri * (1.0 - tri / x) / degsea_stats::tetragamma(y);
        y += dif;
        if -dif / y < TRIGAMMA_INVERSE_TOL || iter > TRIGAMMA_INVERSE_MAXIT {
            break;
        }
    }
    y
}

/// A natural cubic spline basis with an intercept, spanning the same space as R's
/// `splines::ns(x, df, intercept = TRUE)`: interior knots at the type-7 quantiles
/// `1/(df−1), …` of `x`, boundary knots at its range, linear beyond them. The truncated-power
/// form of Hastie, Tibshirani & Friedman (ESL §5.2.1) on `x` rescaled to `[0, 1]` is used;
/// fitted values and residuals of least squares on it equal those on `ns()`'s B-spline form.
#[derive(Debug, Clone)]
struct NaturalSpline {
    lo: f64,
    width: f64,
    /// All knots on the rescaled axis, boundaries included.
    knots: Vec<f64>,
}

impl NaturalSpline {
    fn new(x: &[f64], df: usize) -> Self {
        let mut sorted = x.to_vec();
        sorted.sort_by(f64::total_cmp);
        let lo = sorted[0];
        let hi = sorted[sorted.len() - 1];
        let width = hi - lo;
        let n_interior = df - 2;
        let by = 1.0 / (n_interior + 1) as f64;
        let mut knots = vec![0.0];
        for k in 1..=n_interior {
            let q = degsea_stats::quantile7_sorted(&sorted, k as f64 * by);
            knots.push((q - lo) / width);
        }
        knots.push(1.0);
        Self { lo, width, knots }
    }

    fn ncols(&self) -> usize {
        self.knots.len()
    }

    fn row(&self, x: f64, out: &mut [f64]) {
        let t = (x - self.lo) / self.width;
        let k = self.knots.len();
        let last = self.knots[k - 1];
        let d = |j: usize| {
            let a = (t - self.knots[j]).max(0.0).powi(3);
            let b = (t - last).max(0.0).powi(3);
            (a - b) / (last - self.knots[j])
        };
        out[0] = 1.0;
        out[1] = t;
        let dlast = d(k - 2);
        for j in 0..k - 2 {
            out[j + 2] = d(j) - dlast;
        }
    }
}

/// Result of [`fit_f_dist`]: the prior of the variances.
#[derive(Debug, Clone, PartialEq)]
pub struct FDistFit {
    /// Prior scale `s₀²` per observation (constant without a covariate).
    pub scale: Vec<f64>,
    /// Prior degrees of freedom `d₀` (`∞` when the variances are no more dispersed than
    /// chance).
    pub df2: f64,
}

/// limma `fitFDist(x, df1, covariate)`: moment estimation of a scaled F prior for the
/// variances `x` with `df1` degrees of freedom, optionally with a natural-spline trend in
/// `covariate` (`splinedf = 1 + [n≥3] + [n≥6] + [n≥30]`, capped by distinct values).
///
/// # References
/// limma 3.54 `R/fitFDist.R`; Smyth (2004), *Stat. Appl. Genet. Mol. Biol.* 3:3; Phipson et
/// al. (2016), *Ann. Appl. Stat.* 10:946.
#[doc(alias = "fitFDist")]
pub fn fit_f_dist(x: &[f64], df1: &[f64], covariate: Option<&[f64]>) -> FDistFit {
    let n = x.len();
    if n == 0 {
        return FDistFit { scale: Vec::new(), df2: f64::NAN };
    }
    if n == 1 {
        return FDistFit { scale: vec![x[0]], df2: 0.0 };
    }
    let ok: Vec<bool> =
        (0..n).map(|i| df1[i].is_finite() && df1[i] > DF_EPS && x[i].is_finite() && x[i] > -DF_EPS).collect();
    let idx: Vec<usize> = (0..n).filter(|&i| ok[i]).collect();
    let nok = idx.len();
    if nok == 1 {
        return FDistFit { scale: vec![x[idx[0]]; n], df2: 0.0 };
    }
    let xs: Vec<f64> = idx.iter().map(|&i| x[i].max(0.0)).collect();
    let d1: Vec<f64> = idx.iter().map(|&i| df1[i]).collect();
    let spline = covariate.and_then(|c| {
        let cov: Vec<f64> = idx.iter().map(|&i| c[i]).collect();
        let mut splinedf = 1 + usize::from(nok >= 3) + usize::from(nok >= 6) + usize::from(nok >= 30);
        let mut u = cov.clone();
        u.sort_by(f64::total_cmp);
        u.dedup();
        splinedf = splinedf.min(u.len());
        (splinedf >= 2).then(|| (NaturalSpline::new(&cov, splinedf), cov))
    });
    let mut m = degsea_stats::median(&xs);
    if m == 0.0 {
        m = 1.0;
    }
    let xs: Vec<f64> = xs.iter().map(|&v| v.max(VAR_FLOOR_FRACTION * m)).collect();
    let e: Vec<f64> =
        xs.iter().zip(&d1).map(|(&v, &d)| v.ln() - degsea_stats::digamma(d / 2.0) + (d / 2.0).ln()).collect();
    let (emean, evar): (Vec<f64>, f64) = match &spline {
        None => {
            let mu = accurate_mean(&e);
            let ss: Vec<f64> = e.iter().map(|v| (v - mu) * (v - mu)).collect();
            (vec![mu; n], ss.iter().sum::<f64>() / (nok - 1) as f64)
        }
        Some((ns, cov)) => {
            let p = ns.ncols();
            let mut design = ndarray::Array2::zeros((nok, p));
            let mut row = vec![0.0; p];
            for (i, &c) in cov.iter().enumerate() {
                ns.row(c, &mut row);
                for (j, &v) in row.iter().enumerate() {
                    design[[i, j]] = v;
                }
            }
            let qr = Qr::new(&design.view());
            let mut eff = e.clone();
            qr.solve_in_place(&mut eff);
            let beta = eff[..p].to_vec();
            let mut effects = e.clone();
            qr.qt_mul(&mut effects);
            let sq: Vec<f64> = effects[p..].iter().map(|v| v * v).collect();
            let evar = accurate_mean(&sq);
            let all_cov = covariate.unwrap_or(&[]);
            let emean = (0..n)
                .map(|i| {
                    ns.row(all_cov[i], &mut row);
                    row.iter().zip(&beta).map(|(a, b)| a * b).sum()
                })
                .collect();
            (emean, evar)
        }
    };
    let tri: Vec<f64> = d1.iter().map(|&d| degsea_stats::trigamma(d / 2.0)).collect();
    let evar = evar - accurate_mean(&tri);
    if evar > 0.0 {
        let df2 = 2.0 * trigamma_inverse(evar);
        let adj = degsea_stats::digamma(df2 / 2.0) - (df2 / 2.0).ln();
        FDistFit { scale: emean.iter().map(|m| (m + adj).exp()).collect(), df2 }
    } else {
        let scale = if spline.is_none() {
            vec![accurate_mean(&xs); n]
        } else {
            emean.iter().map(|m| m.exp()).collect()
        };
        FDistFit { scale, df2: f64::INFINITY }
    }
}

/// Result of [`squeeze_var`].
#[derive(Debug, Clone, PartialEq)]
pub struct Squeezed {
    /// Prior degrees of freedom per observation (one value repeated unless robust).
    pub df_prior: Vec<f64>,
    /// Prior variance per observation.
    pub var_prior: Vec<f64>,
    /// Posterior variance `(d·s² + d₀·s₀²)/(d + d₀)` (`s₀²` where `d₀ = ∞`).
    pub var_post: Vec<f64>,
}

/// limma `squeezeVar(var, df, covariate)` (non-robust): variances with zero df are set to
/// zero, the prior comes from [`fit_f_dist`], and each variance is shrunk towards it.
///
/// # References
/// limma 3.54 `R/squeezeVar.R`; Smyth (2004); Lun, Chen & Smyth (2016), *Methods Mol. Biol.*
/// 1418:391 (QL pipelines).
#[doc(alias = "squeezeVar")]
pub fn squeeze_var(var: &[f64], df: &[f64], covariate: Option<&[f64]>) -> Squeezed {
    let n = var.len();
    if n == 1 {
        return Squeezed { df_prior: vec![0.0], var_prior: var.to_vec(), var_post: var.to_vec() };
    }
    let var: Vec<f64> = var.iter().zip(df).map(|(&v, &d)| if d == 0.0 { 0.0 } else { v }).collect();
    let fit = fit_f_dist(&var, df, covariate);
    let df_prior = vec![fit.df2; n];
    let var_post = post(&var, df, &fit.scale, &df_prior);
    Squeezed { df_prior, var_prior: fit.scale, var_post }
}

/// limma `.squeezeVar`: the posterior variances.
fn post(var: &[f64], df: &[f64], var_prior: &[f64], df_prior: &[f64]) -> Vec<f64> {
    (0..var.len())
        .map(|i| {
            if df_prior[i].is_finite() {
                (df[i] * var[i] + df_prior[i] * var_prior[i]) / (df[i] + df_prior[i])
            } else {
                var_prior[i]
            }
        })
        .collect()
}
