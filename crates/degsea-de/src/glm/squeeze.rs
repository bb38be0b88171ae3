//! limma's empirical Bayes moderation of variances: `fitFDist`, `fitFDistRobustly`,
//! `squeezeVar`, `trigammaInverse`, with the natural-spline abundance trend of
//! `fitFDist(covariate = )` and the lowess trend of `fitFDistRobustly(covariate = )`.

use crate::sums::accurate_mean;

use super::linalg::Qr;

/// limma `fitFDistRobustly`: `df1` at or below this is not used.
const ROBUST_DF_EPS: f64 = 1e-6;
/// limma `squeezeVar` default `winsor.tail.p`: lower and upper tail proportions winsorised.
pub const WINSOR_TAIL_P: (f64, f64) = (0.05, 0.1);
/// limma `fitFDistRobustly`: `loessFit(span = 0.4)` of the log variances on the covariate.
const ROBUST_LOESS_SPAN: f64 = 0.4;
/// limma `loessFit(iterations = 4)`: lowess with three robustifying iterations.
const ROBUST_LOWESS_ITER: usize = 3;
/// R `lowess` default `delta = 0.01 · diff(range(x))`.
const LOWESS_DELTA_FRACTION: f64 = 0.01;
/// limma `fitFDistRobustly`: `statmod::gauss.quad.prob(128, "uniform")`.
const ROBUST_QUAD_NODES: usize = 128;
/// limma `fitFDistRobustly`: `uniroot(tol = 1e-8)`.
const ROBUST_UNIROOT_TOL: f64 = 1e-8;
/// R `uniroot` default `maxiter`.
const UNIROOT_MAXIT: usize = 1000;
/// limma `fitFDistRobustly`: variances below `1e-12 · median` are offset to it.
const ROBUST_VAR_FLOOR: f64 = 1e-12;

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

/// limma `squeezeVar(var, df, covariate, robust)`: variances with zero df are set to zero, the
/// prior comes from [`fit_f_dist`] (or [`fit_f_dist_robustly`] with `robust`, whose per-gene
/// shrunk prior df are used), and each variance is shrunk towards it.
///
/// # References
/// limma 3.54 `R/squeezeVar.R`; Smyth (2004); Phipson et al. (2016), *Ann. Appl. Stat.* 10:946
/// (robust); Lun, Chen & Smyth (2016), *Methods Mol. Biol.* 1418:391 (QL pipelines).
#[doc(alias = "squeezeVar")]
pub fn squeeze_var(var: &[f64], df: &[f64], covariate: Option<&[f64]>, robust: bool) -> Squeezed {
    let n = var.len();
    if n == 1 {
        return Squeezed { df_prior: vec![0.0], var_prior: var.to_vec(), var_post: var.to_vec() };
    }
    let var: Vec<f64> = var.iter().zip(df).map(|(&v, &d)| if d == 0.0 { 0.0 } else { v }).collect();
    let (scale, df_prior) = if robust {
        let fit = fit_f_dist_robustly(&var, df, covariate, WINSOR_TAIL_P);
        (fit.scale, fit.df2_shrunk)
    } else {
        let fit = fit_f_dist(&var, df, covariate);
        (fit.scale, vec![fit.df2; n])
    };
    let var_post = post(&var, df, &scale, &df_prior);
    Squeezed { df_prior, var_prior: scale, var_post }
}

/// Result of [`fit_f_dist_robustly`].
#[derive(Debug, Clone, PartialEq)]
pub struct RobustFDistFit {
    /// Prior scale `s₀²` per observation.
    pub scale: Vec<f64>,
    /// Prior degrees of freedom of the non-outlying observations.
    pub df2: f64,
    /// Per-observation prior df, shrunk for likely outliers.
    pub df2_shrunk: Vec<f64>,
}

/// R `approx(x, y, xout, rule = 2, ties = mean)`: linear interpolation, constant beyond the
/// ends, tied `x` averaged.
fn approx_rule2(x: &[f64], y: &[f64], xout: &[f64]) -> Vec<f64> {
    let mut pairs: Vec<(f64, f64)> = x.iter().copied().zip(y.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        let mut sum = 0.0;
        while j < pairs.len() && pairs[j].0 == pairs[i].0 {
            sum += pairs[j].1;
            j += 1;
        }
        xs.push(pairs[i].0);
        #[allow(clippy::cast_precision_loss)]
        ys.push(sum / (j - i) as f64);
        i = j;
    }
    xout.iter()
        .map(|&v| {
            let k = xs.partition_point(|&a| a < v);
            if k == 0 {
                ys[0]
            } else if k == xs.len() {
                ys[xs.len() - 1]
            } else if xs[k] == v {
                ys[k]
            } else {
                let t = (v - xs[k - 1]) / (xs[k] - xs[k - 1]);
                ys[k - 1] + t * (ys[k] - ys[k - 1])
            }
        })
        .collect()
}

/// limma's `winsorizedMoments`: mean and variance of `log F(df1, df2)` winsorised at the tail
/// proportions, by 128-point Gauss–Legendre quadrature on the `F/(1+F)` scale.
fn winsorized_moments(df1: f64, df2: f64, tail: (f64, f64), quad: &(Vec<f64>, Vec<f64>)) -> (f64, f64) {
    let fq = [
        degsea_stats::qf(tail.0, df1, df2, true, false),
        degsea_stats::qf(1.0 - tail.1, df1, df2, true, false),
    ];
    let zq = [fq[0].ln(), fq[1].ln()];
    let q = [fq[0] / (1.0 + fq[0]), fq[1] / (1.0 + fq[1])];
    let q21 = q[1] - q[0];
    let (g_nodes, g_weights) = quad;
    let nodes: Vec<f64> = g_nodes.iter().map(|g| q[0] + q21 * g).collect();
    let fnodes: Vec<f64> = nodes.iter().map(|x| x / (1.0 - x)).collect();
    let znodes: Vec<f64> = fnodes.iter().map(|f| f.ln()).collect();
    let f: Vec<f64> = fnodes
        .iter()
        .zip(&nodes)
        .map(|(&fnode, &node)| degsea_stats::df(fnode, df1, df2, false) / ((1.0 - node) * (1.0 - node)))
        .collect();
    let m = q21 * (0..nodes.len()).map(|i| g_weights[i] * f[i] * znodes[i]).sum::<f64>()
        + (zq[0] * tail.0 + zq[1] * tail.1);
    let v = q21
        * (0..nodes.len()).map(|i| g_weights[i] * f[i] * (znodes[i] - m) * (znodes[i] - m)).sum::<f64>()
        + ((zq[0] - m) * (zq[0] - m) * tail.0 + (zq[1] - m) * (zq[1] - m) * tail.1);
    (m, v)
}

/// limma `fitFDistRobustly(x, df1, covariate, winsor.tail.p)`: a scaled F prior for the
/// variances robust to outliers — log variances winsorised around a lowess trend on the
/// covariate (span 0.4), the prior df matched to the winsorised variance by quadrature and
/// `uniroot`, and per-observation df shrunk by each one's probability of being an outlier.
///
/// # Panics
/// If `x`, `df1` (and `covariate`) differ in length.
///
/// # References
/// limma 3.54 `R/fitFDistRobustly.R`, `R/loessFit.R`; Phipson, Lee, Majewski, Alexander &
/// Smyth (2016), *Ann. Appl. Stat.* 10:946.
#[doc(alias = "fitFDistRobustly")]
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
pub fn fit_f_dist_robustly(
    x: &[f64],
    df1: &[f64],
    covariate: Option<&[f64]>,
    winsor_tail_p: (f64, f64),
) -> RobustFDistFit {
    let n = x.len();
    assert_eq!(df1.len(), n, "x and df1 differ in length");
    if n < 2 {
        return RobustFDistFit { scale: vec![f64::NAN; n], df2: f64::NAN, df2_shrunk: vec![f64::NAN; n] };
    }
    if n == 2 {
        let fit = fit_f_dist(x, df1, covariate);
        return RobustFDistFit { df2_shrunk: vec![fit.df2; n], scale: fit.scale, df2: fit.df2 };
    }
    let ok: Vec<bool> =
        (0..n).map(|i| !x[i].is_nan() && df1[i].is_finite() && df1[i] > ROBUST_DF_EPS).collect();
    if ok.iter().any(|o| !o) {
        let idx: Vec<usize> = (0..n).filter(|&i| ok[i]).collect();
        let xs: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
        let ds: Vec<f64> = idx.iter().map(|&i| df1[i]).collect();
        let cov_ok: Option<Vec<f64>> = covariate.map(|c| idx.iter().map(|&i| c[i]).collect());
        let fit = fit_f_dist_robustly(&xs, &ds, cov_ok.as_deref(), winsor_tail_p);
        let mut df2_shrunk = x.to_vec();
        let mut scale = x.to_vec();
        for (k, &i) in idx.iter().enumerate() {
            df2_shrunk[i] = fit.df2_shrunk[k];
        }
        let bad: Vec<usize> = (0..n).filter(|&i| !ok[i]).collect();
        for &i in &bad {
            df2_shrunk[i] = fit.df2;
        }
        match (covariate, cov_ok) {
            (Some(c), Some(cov_ok)) => {
                for (k, &i) in idx.iter().enumerate() {
                    scale[i] = fit.scale[k];
                }
                let log_scale: Vec<f64> = fit.scale.iter().map(|s| s.ln()).collect();
                let xout: Vec<f64> = bad.iter().map(|&i| c[i]).collect();
                for (&i, v) in bad.iter().zip(approx_rule2(&cov_ok, &log_scale, &xout)) {
                    scale[i] = v.exp();
                }
            }
            _ => scale = vec![fit.scale.first().copied().unwrap_or(f64::NAN); n],
        }
        return RobustFDistFit { scale, df2: fit.df2, df2_shrunk };
    }
    let mut x = x.to_vec();
    let m = degsea_stats::median(&x);
    if m <= 0.0 {
        return RobustFDistFit { scale: vec![f64::NAN; n], df2: f64::NAN, df2_shrunk: vec![f64::NAN; n] };
    }
    for v in &mut x {
        if *v < m * ROBUST_VAR_FLOOR {
            *v = m * ROBUST_VAR_FLOOR;
        }
    }
    let non_robust = fit_f_dist(&x, df1, covariate);
    let tail = winsor_tail_p;
    let prob = (tail.0, 1.0 - tail.1);
    let nf = n as f64;
    if tail.0 < 1.0 / nf && tail.1 < 1.0 / nf {
        return RobustFDistFit {
            df2_shrunk: vec![non_robust.df2; n],
            scale: non_robust.scale,
            df2: non_robust.df2,
        };
    }
    // Observations with fewer df are moved to the largest df by matching tail probabilities.
    let df1max = df1.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for i in 0..n {
        if df1[i] < df1max - 1e-14 {
            let s = non_robust.scale[if covariate.is_some() { i } else { 0 }];
            let f = x[i] / s;
            let d2 = non_robust.df2;
            let pupper = degsea_stats::pf(f, df1[i], d2, false, true);
            let plower = degsea_stats::pf(f, df1[i], d2, true, true);
            let f = if pupper < plower {
                degsea_stats::qf(pupper, df1max, d2, false, true)
            } else {
                degsea_stats::qf(plower, df1max, d2, true, true)
            };
            x[i] = f * s;
        }
    }
    let df1 = df1max;
    let z: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let ztrend: Vec<f64> = match covariate {
        None => {
            let mut sorted = z.clone();
            sorted.sort_by(f64::total_cmp);
            vec![trimmed_mean_sorted(&sorted, tail.1); n]
        }
        Some(c) => {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| c[a].total_cmp(&c[b]));
            let xo: Vec<f64> = order.iter().map(|&i| c[i]).collect();
            let yo: Vec<f64> = order.iter().map(|&i| z[i]).collect();
            let delta = LOWESS_DELTA_FRACTION * (xo[n - 1] - xo[0]);
            let fit = degsea_stats::lowess(&xo, &yo, ROBUST_LOESS_SPAN, ROBUST_LOWESS_ITER, delta);
            let mut t = vec![0.0; n];
            for (k, &i) in order.iter().enumerate() {
                t[i] = fit[k];
            }
            t
        }
    };
    let zresid: Vec<f64> = z.iter().zip(&ztrend).map(|(a, b)| a - b).collect();
    let zrq = (degsea_stats::quantile7(&zresid, prob.0), degsea_stats::quantile7(&zresid, prob.1));
    let zwins: Vec<f64> = zresid.iter().map(|&r| r.max(zrq.0).min(zrq.1)).collect();
    let zwmean = accurate_mean(&zwins);
    let sq: Vec<f64> = zwins.iter().map(|v| (v - zwmean) * (v - zwmean)).collect();
    let zwvar = accurate_mean(&sq) * nf / (nf - 1.0);
    let quad = degsea_stats::gauss_legendre_unit(ROBUST_QUAD_NODES);
    let link = |v: f64| v / (1.0 + v);
    let link_inv = |v: f64| v / (1.0 - v);
    let (mom_mean_inf, mom_var_inf) = winsorized_moments(df1, f64::INFINITY, tail, &quad);
    let funval_inf = (zwvar / mom_var_inf).ln();
    if funval_inf <= 0.0 {
        // The variances are no more dispersed than chance: df2 = ∞.
        let s20: Vec<f64> = ztrend.iter().map(|t| (t + zwmean - mom_mean_inf).exp()).collect();
        let fstat: Vec<f64> = z.iter().zip(&s20).map(|(zi, s)| (zi - s.ln()).exp()).collect();
        let tail_p: Vec<f64> =
            fstat.iter().map(|f| degsea_stats::pgamma(f * df1, df1 / 2.0, 2.0, false, false)).collect();
        let r = degsea_stats::rank_average(&fstat);
        let pno: Vec<f64> = (0..n).map(|i| (tail_p[i] / ((nf - r[i] + 0.5) / nf)).min(1.0)).collect();
        let mut df2_shrunk = vec![f64::INFINITY; n];
        if pno.iter().any(|&p| p < 1.0) {
            for i in 0..n {
                if pno[i] < 1.0 {
                    df2_shrunk[i] = pno[i] * nf * df1;
                }
            }
            let mut o: Vec<usize> = (0..n).collect();
            o.sort_by(|&a, &b| tail_p[a].total_cmp(&tail_p[b]));
            let mut run = f64::NEG_INFINITY;
            for &i in &o {
                run = run.max(df2_shrunk[i]);
                df2_shrunk[i] = run;
            }
        }
        return RobustFDistFit { scale: s20, df2: f64::INFINITY, df2_shrunk };
    }
    if non_robust.df2.is_infinite() {
        return RobustFDistFit {
            df2_shrunk: vec![non_robust.df2; n],
            scale: non_robust.scale,
            df2: non_robust.df2,
        };
    }
    let fun = |v: f64| (zwvar / winsorized_moments(df1, link_inv(v), tail, &quad).1).ln();
    let rbx = link(non_robust.df2);
    let funval_low = fun(rbx);
    let df2 = if funval_low >= 0.0 {
        non_robust.df2
    } else {
        link_inv(degsea_stats::zeroin(
            fun,
            rbx,
            1.0,
            funval_low,
            funval_inf,
            ROBUST_UNIROOT_TOL,
            UNIROOT_MAXIT,
        ))
    };
    let (mom_mean, _) = winsorized_moments(df1, df2, tail, &quad);
    let ztc: Vec<f64> = ztrend.iter().map(|t| t + zwmean - mom_mean).collect();
    let s20: Vec<f64> = ztc.iter().map(|v| v.exp()).collect();
    let fstat: Vec<f64> = z.iter().zip(&ztc).map(|(a, b)| (a - b).exp()).collect();
    let log_tail_p: Vec<f64> = fstat.iter().map(|&f| degsea_stats::pf(f, df1, df2, false, true)).collect();
    let r = degsea_stats::rank_average(&fstat);
    let log_pno: Vec<f64> =
        (0..n).map(|i| (log_tail_p[i] - ((nf - r[i] + 0.5).ln() - nf.ln())).min(0.0)).collect();
    if !log_pno.iter().any(|&v| v < 0.0) {
        return RobustFDistFit { scale: s20, df2, df2_shrunk: vec![df2; n] };
    }
    let pno: Vec<f64> = log_pno.iter().map(|v| v.exp()).collect();
    let po: Vec<f64> = log_pno.iter().map(|v| -v.exp_m1()).collect();
    let min_log_tail_p = log_tail_p.iter().copied().fold(f64::INFINITY, f64::min);
    let mut df2_shrunk: Vec<f64> = if min_log_tail_p == f64::NEG_INFINITY {
        pno.iter().map(|p| p * df2).collect()
    } else {
        let half = 0.5f64.ln();
        let mut df2_outlier = half / min_log_tail_p * df2;
        let fmax = fstat.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let new_log_tail_p = degsea_stats::pf(fmax, df1, df2_outlier, false, true);
        df2_outlier *= half / new_log_tail_p;
        (0..n).map(|i| pno[i] * df2 + po[i] * df2_outlier).collect()
    };
    let mut o: Vec<usize> = (0..n).collect();
    o.sort_by(|&a, &b| log_tail_p[a].total_cmp(&log_tail_p[b]));
    let mut ordered: Vec<f64> = o.iter().map(|&i| df2_shrunk[i]).collect();
    let mut cum = crate::sums::Accumulator::default();
    let mut imin = 0;
    let mut mmin = f64::INFINITY;
    for (k, &v) in ordered.iter().enumerate() {
        cum.add(v);
        let mk = cum.value() / (k + 1) as f64;
        if mk < mmin {
            mmin = mk;
            imin = k;
        }
    }
    for v in &mut ordered[..=imin] {
        *v = mmin;
    }
    let mut run = f64::NEG_INFINITY;
    for (k, &i) in o.iter().enumerate() {
        run = run.max(ordered[k]);
        df2_shrunk[i] = run;
    }
    RobustFDistFit { scale: s20, df2, df2_shrunk }
}

/// R `mean(x, trim)` of sorted values: drops `floor(n·trim)` from each end.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
fn trimmed_mean_sorted(sorted: &[f64], trim: f64) -> f64 {
    let n = sorted.len();
    let lo = (n as f64 * trim).floor() as usize;
    let hi = n - lo;
    accurate_mean(&sorted[lo..hi])
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
