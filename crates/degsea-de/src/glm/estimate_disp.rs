//! edgeR `estimateDisp` with a design matrix: Cox–Reid APL on a 21-point dispersion grid,
//! common dispersion from the summed APL, a locfit trend (`WLEB`), an empirical-Bayes prior
//! degrees of freedom from `squeezeVar`, and tagwise dispersions from the weighted likelihood.
//!
//! Spec: `GLM.md` G4, `ALGORITHMS.md` §A8. Sources: edgeR 3.40.2 `R/estimateDisp.R`
//! (`estimateDisp.DGEList`, `estimateDisp.default`), `R/WLEB.R`, `R/locfitByCol.R`,
//! `R/adjustedProfileLik.R`, `R/residDF.R` (`.residDF`), `R/utils.R` (`.comboGroups`),
//! R `qr()`. The NB GLM fits are [`crate::glm::fit::glm_fit`], `.residDF` is
//! [`crate::glm::ql::resid_df`] and limma's `squeezeVar` is [`crate::glm::squeeze::squeeze_var`].

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayView2, ShapeBuilder};

use crate::classic::Tier;
use crate::dispersion::r_seq;
use crate::glm::apl::{AplDesign, AplDispersion};
use crate::glm::fit::{FitInput, RawFit, fit_raw, glm_fit};
use crate::glm::levenberg::{GLMFIT_MAX_ITERATIONS, LEVENBERG_LOW_VALUE, LEVENBERG_TOLERANCE, Levenberg};
use crate::glm::linalg::rank_dqrdc2;
use crate::glm::locfit::locfit_by_col;
use crate::glm::oneway::{OneWayLayout, design_as_factor};
use crate::glm::ql::resid_df;
use crate::glm::scoring::{FitScratch, fit_equivalent};
use crate::glm::squeeze::squeeze_var;
use crate::onegroup::{Dispersion, ave_log_cpm};
use crate::spline::maximize_interpolant;
use crate::sums::Accumulator;
use crate::{Error, Result};
use rayon::prelude::*;

/// `grid.length` default of `estimateDisp`.
pub const DEFAULT_GRID_LENGTH: usize = 21;
/// `grid.range` default of `estimateDisp` (log2 scale around [`GRID_BASE_DISPERSION`]).
pub const DEFAULT_GRID_RANGE: (f64, f64) = (-10.0, 10.0);
/// The grid is `0.1 · 2^t` (`spline.disp`), independent of the data.
pub const GRID_BASE_DISPERSION: f64 = 0.1;
/// `min.row.sum` default: genes with fewer total counts take no part (`rowSums(y) >= 5`).
pub const DEFAULT_MIN_ROW_SUM: f64 = 5.0;
/// A count and fitted value both below this are an exact zero fit (edgeR's `1e-4`).
pub const ZERO_FIT_LIMIT: f64 = 1e-4;
/// Dispersion of the preliminary fit that finds exact zero fits.
pub const ZERO_FIT_DISPERSION: f64 = 0.05;
/// `prior.n` above this counts as infinite (tagwise = trended).
pub const PRIOR_N_CAP: f64 = 1e6;
/// Genes per parallel task of the adjusted profile likelihoods on the grid.
const APL_ROWS_PER_TASK: usize = 256;
/// WLEB's span is 1 for at most this many genes, else `0.25 + 0.75·sqrt(50/G)`.
pub const SPAN_FULL_GENES: usize = 50;

/// `glmFit(y, design, dispersion, offset, prior.count = 0, start)` on row-major `rows × n`
/// counts with a column-major `n × p` design: fitted means (`rows × n`), coefficients
/// (`rows × p`) and deviances.
#[allow(clippy::too_many_arguments)]
fn fit_nb(
    y: &[f64],
    rows: usize,
    n: usize,
    log_lib: &[f64],
    design: &[f64],
    p: usize,
    dispersion: &[f64],
    start: Option<&[f64]>,
    tier: Tier,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let counts = ArrayView2::from_shape((rows, n), y).map_err(|_| Error::NoSamples)?;
    let design = Array2::from_shape_fn((n, p), |(i, j)| design[j * n + i]);
    let start = match start {
        Some(s) => Some(ArrayView2::from_shape((rows, p), s).map_err(|_| Error::NoSamples)?),
        None => None,
    };
    let input = FitInput {
        counts,
        design: design.view(),
        offset: log_lib,
        dispersion: Dispersion::PerGene(dispersion),
        tier,
    };
    let f = glm_fit(&input, 0.0, start.as_ref());
    Ok((f.fitted.iter().copied().collect(), f.coefficients.iter().copied().collect(), f.deviance))
}

/// Result of [`estimate_disp`], as `estimateDisp.DGEList` stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct DispersionEstimate {
    /// `common.dispersion`.
    pub common: f64,
    /// `trended.dispersion`, one per gene.
    pub trended: Vec<f64>,
    /// `tagwise.dispersion`, one per gene.
    pub tagwise: Vec<f64>,
    /// The locfit span used.
    pub span: f64,
    /// `prior.df` (may be infinite).
    pub prior_df: f64,
    /// `prior.n = prior.df / (n − p)`.
    pub prior_n: f64,
    /// `glmFit(y, design, dispersion = trended, prior.count = 0)` by edgeR's iteration, as
    /// `prior.df` needs it, when every gene took part (`glmQLFit` fits the same).
    pub(crate) trended_fit: Option<RawFit>,
    /// `aveLogCPM(y, dispersion = common)` of every gene (the trend covariate before `sel`).
    pub(crate) ave_log_cpm: Vec<f64>,
}

/// WLEB's default span for `genes` genes: 1 for at most 50, else `0.25 + 0.75·(50/G)^0.5`.
#[must_use]
pub fn wleb_span(genes: usize) -> f64 {
    if genes <= SPAN_FULL_GENES {
        1.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let ratio = SPAN_FULL_GENES as f64 / genes as f64;
        0.25 + 0.75 * ratio.powf(0.5)
    }
}

/// edgeR `.comboGroups`: the rows of a `rows × cols` logical matrix grouped by identical
/// pattern (each group's row indices ascending).
#[must_use]
pub fn combo_groups(truths: &[bool], rows: usize, cols: usize) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<&[bool], Vec<usize>> = BTreeMap::new();
    for r in 0..rows {
        groups.entry(&truths[r * cols..(r + 1) * cols]).or_default().push(r);
    }
    groups.into_values().collect()
}

/// Rows of `design` (column-major `n × p`) where `keep` is true.
fn subset_rows(design: &[f64], n: usize, p: usize, keep: &[bool]) -> Vec<f64> {
    (0..p).flat_map(|j| (0..n).filter(|&i| keep[i]).map(move |i| design[j * n + i])).collect()
}

/// Maximises each row of a `rows × k` matrix through [`maximize_interpolant`] on `theta` (rows
/// in parallel, each as alone).
fn maximize_rows(theta: &[f64], values: &[f64], rows: usize) -> Vec<f64> {
    let k = theta.len();
    (0..rows)
        .into_par_iter()
        .with_min_len(APL_ROWS_PER_TASK)
        .map(|r| maximize_interpolant(theta, &values[r * k..(r + 1) * k]))
        .collect()
}

/// The shared log-likelihood of `WLEB(trend.method = "locfit")`: `locfitByCol(l0, covariate,
/// span, degree 0)` on a `rows × k` matrix; returns `(span, m0)`.
///
/// # Errors
/// As [`locfit_by_col`].
#[doc(alias = "WLEB")]
pub fn wleb_locfit_m0(
    l0: &[f64],
    rows: usize,
    k: usize,
    covariate: &[f64],
    span: Option<f64>,
) -> Result<(f64, Vec<f64>)> {
    let span = span.unwrap_or_else(|| wleb_span(rows));
    Ok((span, locfit_by_col(l0, rows, k, covariate, None, span)?))
}

/// What [`dispersions_from_loglik`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct LoglikDispersions {
    /// Common dispersion `0.1 · 2^maximizeInterpolant(t, colSums(l0))`.
    pub common: f64,
    /// The trend covariate (AveLogCPM with the common dispersion) of each row.
    pub covariate: Vec<f64>,
    /// Trended dispersion of each row.
    pub trended: Vec<f64>,
    /// Tagwise dispersion of each row.
    pub tagwise: Vec<f64>,
    /// The locfit span.
    pub span: f64,
    /// `prior.df`.
    pub prior_df: f64,
    /// `prior.n = prior.df / residual df`.
    pub prior_n: f64,
}

/// Grid log-likelihoods `l0` (`rows × grid`) → common, trended and tagwise dispersions: the part
/// of `estimateDisp.default` after the APL loop. `covariate_for` gives AveLogCPM of the rows for
/// a common dispersion; `prior_df` computes `squeezeVar`'s prior df from the rows' trended
/// dispersions and covariate; `residual_df` is `n − p`.
///
/// # Errors
/// From the locfit trend or `prior_df`.
pub fn dispersions_from_loglik(
    l0: &[f64],
    rows: usize,
    grid: &[f64],
    covariate_for: impl FnOnce(f64) -> Vec<f64>,
    residual_df: f64,
    prior_df: impl FnOnce(&[f64], &[f64]) -> Result<f64>,
) -> Result<LoglikDispersions> {
    let k = grid.len();
    let mut sums = vec![Accumulator::default(); k];
    for r in 0..rows {
        for (s, &v) in sums.iter_mut().zip(&l0[r * k..(r + 1) * k]) {
            s.add(v);
        }
    }
    let col_sums: Vec<f64> = sums.iter().map(Accumulator::value).collect();
    let common = GRID_BASE_DISPERSION * 2f64.powf(maximize_interpolant(grid, &col_sums));
    let covariate = covariate_for(common);
    let (span, m0) = wleb_locfit_m0(l0, rows, k, &covariate, None)?;
    let trended: Vec<f64> =
        maximize_rows(grid, &m0, rows).into_iter().map(|t| GRID_BASE_DISPERSION * 2f64.powf(t)).collect();
    let prior_df = prior_df(&trended, &covariate)?;
    let prior_n = prior_df / residual_df;
    let tagwise = if prior_n > PRIOR_N_CAP {
        trended.clone()
    } else {
        let l0a: Vec<f64> = l0.iter().zip(&m0).map(|(&l, &m)| l + prior_n * m).collect();
        maximize_rows(grid, &l0a, rows).into_iter().map(|t| GRID_BASE_DISPERSION * 2f64.powf(t)).collect()
    };
    Ok(LoglikDispersions { common, covariate, trended, tagwise, span, prior_df, prior_n })
}

/// `adjustedProfileLik` of every row of `y` (row-major `rows × n`, offsets `offset`, column-major
/// `n × p` design) at each dispersion of `grid`, as `estimateDisp` loops over the grid: the fit at
/// the first dispersion starts from edgeR's null start, each later one from the previous
/// dispersion's coefficients (`start = last.beta`); a one-way design is fitted group-wise
/// (`mglmOneWay`, no start). Returns `rows × grid` values. Rows are independent and computed in
/// parallel, each with the same operations whatever the thread count.
fn apl_grid(
    y: &[f64],
    rows: usize,
    offset: &[f64],
    design: &[f64],
    n: usize,
    p: usize,
    grid: &[AplDispersion],
    tier: Tier,
) -> Vec<f64> {
    let k = grid.len();
    let view = ArrayView2::from_shape((n, p).f(), design).unwrap_or_else(|_| unreachable!("design is n × p"));
    let (factor, levels) = design_as_factor(&view);
    let one_way = (levels == p).then(|| OneWayLayout::new(&factor, levels));
    let lev = Levenberg::new(&view, GLMFIT_MAX_ITERATIONS, LEVENBERG_TOLERANCE);
    let lib: Vec<f64> = offset.iter().map(|o| o.exp()).collect();
    let fast = tier == Tier::Equivalent;
    let mut out = vec![0.0; rows * k];
    out.par_chunks_mut(k.max(1)).enumerate().with_min_len(APL_ROWS_PER_TASK).for_each_init(
        || GridScratch::new(&lev, design, n, p, levels),
        |s, (r, values)| {
            let yr = &y[r * n..(r + 1) * n];
            let ymax = yr.iter().copied().fold(0.0, f64::max);
            for (j, (terms, v)) in grid.iter().zip(values.iter_mut()).enumerate() {
                let phi = terms.dispersion();
                if let Some(layout) = &one_way {
                    layout.fit_gene(
                        yr,
                        offset,
                        phi,
                        (&mut s.yb, &mut s.ob),
                        &mut s.beta[..levels],
                        &mut s.mu,
                    );
                    *v = s.apl.apl(yr, &s.mu, terms);
                    continue;
                }
                let beta = &mut s.beta[..p];
                if j == 0 {
                    lev.null_start_in(&mut s.fit.levenberg, yr, &lib, phi, beta);
                }
                if fast {
                    fit_equivalent(
                        &lev,
                        &mut s.fit,
                        yr,
                        offset,
                        &lib,
                        phi,
                        beta,
                        &mut s.mu,
                        &mut s.eta,
                        j > 0,
                    );
                    *v = if ymax >= LEVENBERG_LOW_VALUE {
                        s.apl.apl_log_mu(yr, &s.mu, &s.eta, terms)
                    } else {
                        s.apl.apl(yr, &s.mu, terms)
                    };
                } else {
                    lev.fit_in(&mut s.fit.levenberg, yr, offset, phi, beta, &mut s.mu, j > 0);
                    *v = s.apl.apl(yr, &s.mu, terms);
                }
            }
        },
    );
    out
}

/// Per-thread scratch of [`apl_grid`].
struct GridScratch {
    fit: FitScratch,
    apl: AplDesign,
    beta: Vec<f64>,
    mu: Vec<f64>,
    eta: Vec<f64>,
    yb: Vec<f64>,
    ob: Vec<f64>,
}

impl GridScratch {
    fn new(lev: &Levenberg, design: &[f64], n: usize, p: usize, levels: usize) -> Self {
        Self {
            fit: FitScratch::new(lev, n),
            apl: AplDesign::new(design, n, p),
            beta: vec![0.0; p.max(levels)],
            mu: vec![0.0; n],
            eta: vec![0.0; n],
            yb: Vec::with_capacity(n),
            ob: Vec::with_capacity(n),
        }
    }
}

/// Exact zero fits of a fit: count and fitted value both below [`ZERO_FIT_LIMIT`].
fn zero_fits(y: &[f64], fitted: &[f64]) -> Vec<bool> {
    y.iter().zip(fitted).map(|(&c, &m)| c < ZERO_FIT_LIMIT && m < ZERO_FIT_LIMIT).collect()
}

/// edgeR `estimateDisp(y, design)` on a DGEList (default arguments: `trend.method = "locfit"`,
/// `tagwise = TRUE`, `robust = FALSE`, 21-point grid on `[−10, 10]`, `min.row.sum = 5`).
///
/// With [`Tier::EdgerExact`] every fit on the grid is edgeR's Levenberg iteration; with
/// [`Tier::Equivalent`] the preliminary and grid fits are undamped Fisher scoring
/// ([`crate::glm::scoring`]; on the grid from the previous point's coefficients) and the
/// likelihood takes `log μ` from the linear predictor. The fit with the trended dispersions
/// (for `prior.df`) is edgeR's iteration in both tiers and, when every gene took part, is kept
/// for `glmQLFit`, which fits the same.
///
/// `counts` is genes × samples; `eff_lib_sizes` are `lib.size · norm.factors`; `design` is
/// column-major `n × p` with full column rank and `p < n`. The prior df is limma
/// `squeezeVar(s2, df, covariate = AveLogCPM)$df.prior` (non-robust) of the selected genes'
/// `deviance / df` under the trended dispersions.
///
/// # Errors
/// [`Error::NoResidualDf`] when `p ≥ n`; errors of the locfit trend.
///
/// # References
/// McCarthy, Chen & Smyth (2012), NAR 40:4288 (Cox–Reid APL, trended and tagwise dispersion);
/// Chen, Lun & Smyth (2014) (weighted likelihood empirical Bayes); edgeR 3.40.2
/// `R/estimateDisp.R`.
#[doc(alias = "estimateDisp")]
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
pub fn estimate_disp(
    counts: &ArrayView2<'_, u32>,
    eff_lib_sizes: &[f64],
    design: &[f64],
    p: usize,
    tier: Tier,
) -> Result<DispersionEstimate> {
    let (genes, n) = counts.dim();
    assert_eq!(eff_lib_sizes.len(), n, "one library size per sample");
    assert_eq!(design.len(), n * p, "design is n × p");
    if p >= n {
        return Err(Error::NoResidualDf { samples: n, coefficients: p });
    }
    let sel: Vec<usize> = (0..genes)
        .filter(|&g| counts.row(g).iter().map(|&c| f64::from(c)).sum::<f64>() >= DEFAULT_MIN_ROW_SUM)
        .collect();
    let rows = sel.len();
    let y: Vec<f64> =
        sel.iter().flat_map(|&g| counts.row(g).iter().map(|&c| f64::from(c)).collect::<Vec<_>>()).collect();
    let log_lib: Vec<f64> = eff_lib_sizes.iter().map(|l| l.ln()).collect();
    let grid = r_seq(DEFAULT_GRID_RANGE.0, DEFAULT_GRID_RANGE.1, DEFAULT_GRID_LENGTH);
    let k = grid.len();
    let grid_terms: Vec<AplDispersion> =
        grid.iter().map(|&t| AplDispersion::new(GRID_BASE_DISPERSION * 2f64.powf(t))).collect();

    // Exact zero fits under a preliminary fit at φ = 0.05, grouped by pattern.
    let (pre_fitted, _, _) =
        fit_nb(&y, rows, n, &log_lib, design, p, &vec![ZERO_FIT_DISPERSION; rows], None, tier)?;
    let zero = zero_fits(&y, &pre_fitted);
    let mut l0 = vec![0.0; rows * k];
    for group in combo_groups(&zero, rows, n) {
        let pattern = &zero[group[0] * n..(group[0] + 1) * n];
        let keep: Vec<bool> = pattern.iter().map(|z| !z).collect();
        let m = keep.iter().filter(|&&v| v).count();
        if m == 0 {
            continue;
        }
        let (redesign, q) = if m == n {
            (design.to_vec(), p)
        } else {
            let sub = subset_rows(design, n, p, &keep);
            let sub_view = ArrayView2::from_shape((m, p).f(), &sub).map_err(|_| Error::NoSamples)?;
            // R: redesign[, qr(redesign)$pivot[1:rank]] — the non-deficient columns, in order.
            let (rank, deficient) = rank_dqrdc2(&sub_view);
            let cols: Vec<usize> = (0..p).filter(|j| !deficient.contains(j)).collect();
            let red: Vec<f64> = cols.iter().flat_map(|&j| sub[j * m..(j + 1) * m].to_vec()).collect();
            if m == rank {
                continue;
            }
            (red, rank)
        };
        let gy: Vec<f64> = group
            .iter()
            .flat_map(|&r| (0..n).filter(|&i| keep[i]).map(move |i| (r, i)))
            .map(|(r, i)| y[r * n + i])
            .collect();
        let goff: Vec<f64> = (0..n).filter(|&i| keep[i]).map(|i| log_lib[i]).collect();
        let grows = group.len();
        let values = apl_grid(&gy, grows, &goff, &redesign, m, q, &grid_terms, tier);
        for (&r, v) in group.iter().zip(values.chunks(k)) {
            l0[r * k..(r + 1) * k].copy_from_slice(v);
        }
    }

    let mut trended_fit = None;
    let mut ave_all = Vec::new();
    let est = dispersions_from_loglik(
        &l0,
        rows,
        &grid,
        |common| {
            let ave = ave_log_cpm(counts, eff_lib_sizes, Dispersion::Common(common)).0;
            let covariate = sel.iter().map(|&g| ave[g]).collect();
            ave_all = ave;
            covariate
        },
        (n - p) as f64,
        |trended, covariate| {
            // edgeR's iteration in both tiers: glmQLFit repeats this fit (glm/de.rs).
            let counts_view = ArrayView2::from_shape((rows, n), &y[..]).map_err(|_| Error::NoSamples)?;
            let design_rows = Array2::from_shape_fn((n, p), |(i, j)| design[j * n + i]);
            let input = FitInput {
                counts: counts_view,
                design: design_rows.view(),
                offset: &log_lib,
                dispersion: Dispersion::PerGene(trended),
                tier: Tier::EdgerExact,
            };
            let raw = fit_raw(&input, None);
            let (fitted, deviance) = (raw.1.as_slice().unwrap_or(&[]), &raw.2);
            let zero =
                Array2::from_shape_vec((rows, n), zero_fits(&y, fitted)).map_err(|_| Error::NoSamples)?;
            let design_view = ArrayView2::from_shape((n, p).f(), design).map_err(|_| Error::NoSamples)?;
            let df = resid_df(&zero, &design_view);
            let s2: Vec<f64> = deviance
                .iter()
                .zip(&df)
                .map(|(&dev, &d)| if d == 0.0 { 0.0 } else { (dev / d).max(0.0) })
                .collect();
            let prior_df =
                squeeze_var(&s2, &df, Some(covariate), false).df_prior.first().copied().unwrap_or(0.0);
            trended_fit = (rows == genes).then_some(raw);
            Ok(prior_df)
        },
    )?;
    // Genes outside `sel` take the trend at the selected gene of smallest AveLogCPM (first).
    let mut lowest = 0;
    for (i, &a) in est.covariate.iter().enumerate() {
        if a < est.covariate[lowest] {
            lowest = i;
        }
    }
    let fill = est.trended.get(lowest).copied().unwrap_or(est.common);
    let mut trended = vec![fill; genes];
    let mut tagwise = vec![fill; genes];
    for (i, &g) in sel.iter().enumerate() {
        trended[g] = est.trended[i];
        tagwise[g] = est.tagwise[i];
    }
    Ok(DispersionEstimate {
        common: est.common,
        trended,
        tagwise,
        span: est.span,
        prior_df: est.prior_df,
        prior_n: est.prior_n,
        trended_fit,
        ave_log_cpm: ave_all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_follows_edger() {
        assert_eq!(wleb_span(50), 1.0);
        assert!((wleb_span(200) - 0.625).abs() < 1e-15);
    }

    #[test]
    fn combo_groups_collects_identical_rows() {
        let t = [true, false, false, false, true, false, false, true];
        let g = combo_groups(&t, 4, 2);
        assert_eq!(g.len(), 3);
        assert!(g.contains(&vec![0, 2]) && g.contains(&vec![1]) && g.contains(&vec![3]));
    }
}
