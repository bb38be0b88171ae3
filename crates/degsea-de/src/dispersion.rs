//! Classic qCML dispersion estimation: common (edgeR `estimateCommonDisp`) and tagwise
//! (`estimateTagwiseDisp`, weighted conditional likelihood with a moving-average trend).
//!
//! Upstream files (edgeR 3.40.2, unchanged in 4.5): `R/condLogLikDerSize.R`,
//! `R/condLogLikDerDelta.R`, `R/commonCondLogLikDerDelta.R`, `R/estimateCommonDisp.R`,
//! `R/estimateTagwiseDisp.R`, `R/movingAverageByCol.R`, `R/maximizeInterpolant.R`.
//! Spec: ALGORITHMS.md §A6–A7.
//!
//! Genes are independent: per-gene work runs on rayon, and every sum over genes is taken
//! sequentially afterwards, so results do not depend on the number of threads.

use degsea_stats::{brent_fmin, digamma_trigamma_fast, lgamma, lgamma_fast};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::onegroup::{Dispersion, ROWS_PER_TASK};
use crate::pseudo::{EqualizePlan, Quantiles, equalize_rows};
use crate::spline::maximize_interpolant;
use crate::sums::{Accumulator, accurate_sum};

/// edgeR `estimateCommonDisp` default `tol` (Brent tolerance on `δ`).
pub const COMMON_TOLERANCE: f64 = 1e-6;
/// edgeR `estimateCommonDisp` default `rowsum.filter`: genes with a total count above this are used.
pub const ROWSUM_FILTER: f64 = 5.0;
/// edgeR `estimateCommonDisp`: starting dispersion for the pseudo-counts.
pub const COMMON_START_DISPERSION: f64 = 0.01;
/// edgeR `estimateCommonDisp`: pseudo-count / optimisation rounds.
pub const COMMON_ROUNDS: usize = 2;
/// edgeR `estimateCommonDisp`: lower end of the search interval for `δ = φ/(1+φ)`.
pub const DELTA_LOWER: f64 = 1e-4;
/// edgeR `estimateCommonDisp`: upper end of the search interval for `δ` (`100/101`).
pub const DELTA_UPPER: f64 = 100.0 / 101.0;
/// edgeR `estimateTagwiseDisp` default `prior.df`.
pub const DEFAULT_PRIOR_DF: f64 = 10.0;
/// edgeR `estimateTagwiseDisp` default `span` for `trend = "movingave"`.
pub const DEFAULT_MOVINGAVE_SPAN: f64 = 0.3;
/// edgeR `estimateTagwiseDisp` default `grid.length`.
pub const DEFAULT_GRID_LENGTH: usize = 11;
/// edgeR `estimateTagwiseDisp` default `grid.range`.
pub const DEFAULT_GRID_RANGE: (f64, f64) = (-6.0, 6.0);

/// Pseudo-counts laid out group by group, so each group of a gene is one contiguous slice.
struct GroupedRows {
    values: Vec<f64>,
    n_samples: usize,
    /// `(start, len)` of each group inside a row.
    spans: Vec<(usize, usize)>,
}

impl GroupedRows {
    /// Takes over the pseudo-count matrix, permuting each row in place into group order (no
    /// second copy of the matrix).
    fn new(pseudo: Array2<f64>, groups: &[Vec<usize>]) -> Self {
        let n_samples = pseudo.ncols();
        let order: Vec<usize> = groups.iter().flatten().copied().collect();
        let mut spans = Vec::with_capacity(groups.len());
        let mut start = 0;
        for g in groups {
            spans.push((start, g.len()));
            start += g.len();
        }
        let (mut values, _) = pseudo.into_raw_vec_and_offset();
        if order.iter().enumerate().any(|(i, &j)| i != j) && n_samples > 0 {
            let mut tmp = vec![0.0; n_samples];
            for row in values.chunks_mut(n_samples) {
                for (t, &j) in tmp.iter_mut().zip(&order) {
                    *t = row[j];
                }
                row.copy_from_slice(&tmp);
            }
        }
        Self { values, n_samples, spans }
    }

    fn n_rows(&self) -> usize {
        self.values.len().checked_div(self.n_samples).unwrap_or(0)
    }

    fn row(&self, g: usize) -> &[f64] {
        &self.values[g * self.n_samples..(g + 1) * self.n_samples]
    }
}

/// Gene-independent terms of the conditional log-likelihood at one `r = 1/φ`.
#[derive(Debug, Clone, Copy)]
struct GroupConstants {
    n: f64,
    lgamma_r: f64,
    lgamma_nr: f64,
    n_lgamma_r: f64,
}

fn group_constants(spans: &[(usize, usize)], r: f64) -> Vec<GroupConstants> {
    group_constants_with(spans, r, lgamma)
}

fn group_constants_with(spans: &[(usize, usize)], r: f64, lgamma: fn(f64) -> f64) -> Vec<GroupConstants> {
    let lgamma_r = lgamma(r);
    spans
        .iter()
        .map(|&(_, len)| {
            let n = len as f64;
            GroupConstants { n, lgamma_r, lgamma_nr: lgamma(n * r), n_lgamma_r: n * lgamma_r }
        })
        .collect()
}

/// Conditional log-likelihood of one gene at `r`, summed over groups (groups with one
/// library contribute 0).
fn gene_cond_log_lik(row: &[f64], spans: &[(usize, usize)], consts: &[GroupConstants], r: f64) -> f64 {
    gene_cond_log_lik_with(row, spans, consts, r, lgamma)
}

/// [`gene_cond_log_lik`] with a given `lgamma` (R's, or [`lgamma_fast`] in the equivalent tier).
fn gene_cond_log_lik_with(
    row: &[f64],
    spans: &[(usize, usize)],
    consts: &[GroupConstants],
    r: f64,
    lgamma: impl Fn(f64) -> f64,
) -> f64 {
    let mut total = 0.0;
    for (&(start, len), k) in spans.iter().zip(consts) {
        if len <= 1 {
            continue;
        }
        let z = &row[start..start + len];
        let mut sum_lg = Accumulator::default();
        let mut sum_z = Accumulator::default();
        for &v in z {
            // A zero pseudo-count contributes lgamma(0 + r), already known (same value).
            sum_lg.add(if v == 0.0 { k.lgamma_r } else { lgamma(v + r) });
            sum_z.add(v);
        }
        let m = sum_z.mean(k.n);
        let ll = sum_lg.value() + k.lgamma_nr - lgamma(k.n * (m + r)) - k.n_lgamma_r;
        total += ll;
    }
    total
}

/// Conditional log-likelihood of one group's (pseudo-)counts `z` at size `r = 1/φ`, the
/// gene-specific part of the NB likelihood given the group total:
/// `Σ lgamma(z_j + r) + lgamma(n r) − lgamma(Σz + n r) − n lgamma(r)` (0 for one library).
///
/// ```
/// use degsea_de::dispersion::cond_log_lik;
/// assert_eq!(cond_log_lik(&[5.0], 2.0), 0.0);
/// assert!(cond_log_lik(&[5.0, 7.0], 10.0).is_finite());
/// ```
///
/// # References
/// edgeR 3.40.2 `R/condLogLikDerSize.R: condLogLikDerSize` (`der = 0`); Robinson & Smyth 2008,
/// Biostatistics 9:321.
#[doc(alias = "condLogLikDerSize")]
pub fn cond_log_lik(z: &[f64], r: f64) -> f64 {
    let spans = [(0, z.len())];
    let consts = group_constants(&spans, r);
    gene_cond_log_lik(z, &spans, &consts, r)
}

/// Relative step in `r = 1/φ` at which the Newton refinement of [`CommonOptimum::Precise`] stops.
pub const PRECISE_STEP_TOLERANCE: f64 = 1e-13;
/// Most Newton steps of [`CommonOptimum::Precise`] per round.
pub const PRECISE_MAX_STEPS: usize = 30;

/// Which point of the conditional likelihood [`estimate_common_disp`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommonOptimum {
    /// edgeR's own answer: the end point of Brent's search at `tolerance` (the edger-exact
    /// tier; reproduces edgeR to 1e-8, optimiser noise included).
    #[default]
    BrentEndPoint,
    /// The precise maximiser: safeguarded Newton steps in `log r` on the derivative of the
    /// summed conditional log-likelihood (digamma / trigamma), inside a bracket that shrinks with
    /// the derivative's sign, to [`PRECISE_STEP_TOLERANCE`]; Brent's end point where the
    /// maximum lies on the search interval's boundary or Newton does not converge. The
    /// edgeR-equivalent tier (ALGORITHMS.md §C.1): it differs from edgeR only by edgeR's
    /// optimiser tolerance.
    Precise,
}

/// Options of [`estimate_common_disp`] (edgeR defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommonDispOptions {
    /// Brent tolerance on `δ` (`tol`).
    pub tolerance: f64,
    /// Genes with a raw total count strictly above this are used (`rowsum.filter`).
    pub rowsum_filter: f64,
    /// Brent's end point (edgeR) or the precise optimum.
    pub optimum: CommonOptimum,
    /// Quantile algorithm of the pseudo-counts.
    pub quantiles: Quantiles,
}

impl Default for CommonDispOptions {
    fn default() -> Self {
        Self {
            tolerance: COMMON_TOLERANCE,
            rowsum_filter: ROWSUM_FILTER,
            optimum: CommonOptimum::default(),
            quantiles: Quantiles::default(),
        }
    }
}

/// First and second derivative in `r` of one gene's conditional log-likelihood (groups with
/// one library contribute 0).
fn gene_cond_log_lik_ders(row: &[f64], spans: &[(usize, usize)], r: f64) -> (f64, f64) {
    let (mut d1, mut d2) = (0.0, 0.0);
    let (dg_r, tg_r) = digamma_trigamma_fast(r);
    for &(start, len) in spans {
        if len <= 1 {
            continue;
        }
        let n = len as f64;
        let z = &row[start..start + len];
        let total: f64 = z.iter().sum();
        for &v in z {
            if v == 0.0 {
                d1 += dg_r;
                d2 += tg_r;
            } else {
                let (dg, tg) = digamma_trigamma_fast(v + r);
                d1 += dg;
                d2 += tg;
            }
        }
        let (dg_n, tg_n) = digamma_trigamma_fast(n * r);
        let (dg_t, tg_t) = digamma_trigamma_fast(total + n * r);
        d1 += n * dg_n - n * dg_t - n * dg_r;
        d2 += n * n * tg_n - n * n * tg_t - n * tg_r;
    }
    (d1, d2)
}

/// Sums over genes (in gene order, so independent of the thread count) of the first and second
/// derivatives of the conditional log-likelihood at `r`.
/// Only every `stride`-th gene is summed (1: all of them).
fn summed_ders(rows: &GroupedRows, stride: usize, ders: &mut [(f64, f64)], r: f64) -> (f64, f64) {
    let used = rows.n_rows().div_ceil(stride);
    let ders = &mut ders[..used];
    ders.par_iter_mut().with_min_len(ROWS_PER_TASK).enumerate().for_each(|(g, d)| {
        *d = gene_cond_log_lik_ders(rows.row(g * stride), &rows.spans, r);
    });
    let d1 = accurate_sum(&ders.iter().map(|d| d.0).collect::<Vec<_>>());
    let d2 = accurate_sum(&ders.iter().map(|d| d.1).collect::<Vec<_>>());
    (d1, d2)
}

/// Relative distance from the search interval's ends below which [`precise_optimum`] leaves the
/// answer to Brent (the maximum is then on the boundary, where edgeR's end point is the answer).
const PRECISE_BOUNDARY: f64 = 1e-9;

/// The maximiser of the summed conditional log-likelihood in `r ∈ (r_lo, r_hi)`, from `r0`:
/// Newton steps in `w = log r` (`w ← w − ℓ'/(ℓ' + r ℓ'')`) kept inside a bracket of the
/// derivative's root that every evaluation narrows (a step leaving it is replaced by the
/// bracket's geometric midpoint), optionally from a start solved on a subsample of genes.
/// Stops at a step below [`PRECISE_STEP_TOLERANCE`], or at a Newton step below
/// [`PRECISE_LAST_STEP`] (whose end point is then returned unevaluated). `None` when the maximum
/// is on the boundary or [`PRECISE_MAX_STEPS`] are not enough.
fn precise_optimum(rows: &GroupedRows, r0: f64, r_lo: f64, r_hi: f64, subsample_start: bool) -> Option<f64> {
    let mut ders = vec![(0.0, 0.0); rows.n_rows()];
    let mut r = r0.clamp(r_lo, r_hi);
    if subsample_start && rows.n_rows() >= PRECISE_SUBSAMPLE_FROM {
        // The first round starts far away (φ = 0.01): a start within ~10 % from every
        // PRECISE_SUBSAMPLE_STRIDE-th gene (a few % of the cost); the full sums then need about
        // four Newton steps instead of seven (two with FIRST_ROUND_LAST_STEP). Only the start
        // changes. (The second round starts at the first one's answer, a few % off.)
        if let Some(start) =
            newton_in_log_r(rows, PRECISE_SUBSAMPLE_STRIDE, &mut ders, r, r_lo, r_hi, 1e-6, PRECISE_LAST_STEP)
        {
            r = start;
        }
    }
    let last_step = if subsample_start { FIRST_ROUND_LAST_STEP } else { PRECISE_LAST_STEP };
    newton_in_log_r(rows, 1, &mut ders, r, r_lo, r_hi, PRECISE_STEP_TOLERANCE, last_step)
}

/// Genes from which [`precise_optimum`] first solves on a subsample.
const PRECISE_SUBSAMPLE_FROM: usize = 4096;
/// Every this-many-th gene forms that subsample.
const PRECISE_SUBSAMPLE_STRIDE: usize = 16;
/// A Newton step in `log r` this small leaves an error of order its square (the iteration
/// converges quadratically; measured on pickrell_sex and 60,000 × 38, the next step is about
/// `0.3 · step²`), ~3e-11 relative, four orders of magnitude below edgeR's own optimiser noise
/// (ALGORITHMS.md §C.1): its end point is returned without another evaluation of the sums.
const PRECISE_LAST_STEP: f64 = 1e-5;
/// [`PRECISE_LAST_STEP`] of the first round (φ = 0.01), whose optimum is only the dispersion of
/// the second round's pseudo-counts. The Newton iteration's next error is about
/// `0.3 · step²` (measured on pickrell_sex and 60,000 × 38), so its end point after a step below
/// this is within ~8e-6 relative of the first round's optimum; the second round's optimum moves
/// by at most 0.0067 times a relative change of the first one (measured: +1 % on the first
/// round moves pickrell_sex's common dispersion by 6.7e-5, 60,000 × 38's by 2.0e-5), so by
/// ~5e-8, against the 2e-6 tolerance of ALGORITHMS.md §C.1. Saves two of the ~9 full passes of
/// digamma/trigamma sums on both data sets.
const FIRST_ROUND_LAST_STEP: f64 = 5e-3;

/// [`precise_optimum`]'s iteration over every `stride`-th gene from `r`, until a step is below
/// `tolerance` relative (or, for a Newton step, below `last_step`, returning its end point).
#[allow(clippy::too_many_arguments)]
fn newton_in_log_r(
    rows: &GroupedRows,
    stride: usize,
    ders: &mut [(f64, f64)],
    r0: f64,
    r_lo: f64,
    r_hi: f64,
    tolerance: f64,
    last_step: f64,
) -> Option<f64> {
    let (mut lo, mut hi) = (r_lo, r_hi);
    let mut r = r0;
    for _ in 0..PRECISE_MAX_STEPS {
        let (d1, d2) = summed_ders(rows, stride, ders, r);
        if !(d1.is_finite() && d2.is_finite()) {
            return None;
        }
        if d1 > 0.0 {
            lo = r;
        } else {
            hi = r;
        }
        let newton = r * (-d1 / (d1 + r * d2)).exp();
        let is_newton = d1 + r * d2 < 0.0 && newton > lo && newton < hi;
        let next = if is_newton { newton } else { (lo * hi).sqrt() };
        let change = (next - r).abs();
        if change <= tolerance * r || (is_newton && change <= last_step * r) {
            let inside = next > r_lo * (1.0 + PRECISE_BOUNDARY) && next < r_hi * (1.0 - PRECISE_BOUNDARY);
            return inside.then_some(next);
        }
        r = next;
    }
    None
}

/// A common-dispersion estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommonDispersion {
    /// The estimate `φ`; NaN when no group has two or more libraries or no gene passes the
    /// row-sum filter (edgeR warns or stops in those cases).
    pub dispersion: f64,
    /// Number of genes that passed the row-sum filter.
    pub genes_used: usize,
}

/// Estimates the common dispersion by quantile-adjusted conditional maximum likelihood: two
/// rounds of pseudo-counts (starting at φ = 0.01) and Brent maximisation of the summed
/// conditional log-likelihood over `δ = φ/(1+φ) ∈ [1e-4, 100/101]`.
///
/// `group[i]` is the group index of sample `i`, `lib_sizes` the effective library sizes.
///
/// ```
/// use degsea_de::dispersion::{estimate_common_disp, CommonDispOptions};
/// let counts = ndarray::array![[10u32, 14, 30, 25], [100, 80, 150, 190], [7, 3, 9, 12]];
/// let est = estimate_common_disp(&counts.view(), &[0, 0, 1, 1], &[1e6; 4], CommonDispOptions::default());
/// assert_eq!(est.genes_used, 3);
/// assert!(est.dispersion > 0.0);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/estimateCommonDisp.R: estimateCommonDisp.default`; Robinson & Smyth 2008,
/// Biostatistics 9:321 (qCML).
#[doc(alias = "estimateCommonDisp")]
pub fn estimate_common_disp(
    counts: &ArrayView2<'_, u32>,
    group: &[usize],
    lib_sizes: &[f64],
    options: CommonDispOptions,
) -> CommonDispersion {
    let plan = EqualizePlan::new(group, lib_sizes, options.quantiles);
    if plan.groups.iter().all(|g| g.len() <= 1) {
        return CommonDispersion { dispersion: f64::NAN, genes_used: 0 };
    }
    let sel: Vec<usize> = (0..counts.nrows())
        .filter(|&g| counts.row(g).iter().map(|&c| f64::from(c)).sum::<f64>() > options.rowsum_filter)
        .collect();
    if sel.is_empty() {
        return CommonDispersion { dispersion: f64::NAN, genes_used: 0 };
    }
    let mut dispersion = COMMON_START_DISPERSION;
    for round in 0..COMMON_ROUNDS {
        let pseudo = equalize_rows(counts, &sel, &plan, Dispersion::Common(dispersion));
        let rows = GroupedRows::new(pseudo, &plan.groups);
        let brent = || {
            let mut values = vec![0.0; rows.n_rows()];
            let objective = |delta: f64| -> f64 {
                let r = 1.0 / delta - 1.0;
                let consts = group_constants(&rows.spans, r);
                values.par_iter_mut().with_min_len(ROWS_PER_TASK).enumerate().for_each(|(g, v)| {
                    *v = gene_cond_log_lik(rows.row(g), &rows.spans, &consts, r);
                });
                -accurate_sum(&values)
            };
            let delta = brent_fmin(objective, DELTA_LOWER, DELTA_UPPER, options.tolerance);
            delta / (1.0 - delta)
        };
        dispersion = match options.optimum {
            CommonOptimum::BrentEndPoint => brent(),
            CommonOptimum::Precise => {
                let r_hi = 1.0 / DELTA_LOWER - 1.0;
                let r_lo = 1.0 / DELTA_UPPER - 1.0;
                precise_optimum(&rows, 1.0 / dispersion, r_lo, r_hi, round == 0)
                    .map_or_else(brent, |r| 1.0 / r)
            }
        };
    }
    CommonDispersion { dispersion, genes_used: sel.len() }
}

/// The conditional log-likelihood of every gene at every grid point (`k` per gene, row-major
/// into `l0`), with `lgamma` inlined (R's, or [`lgamma_fast`] in the equivalent tier).
fn grid_likelihoods(
    rows: &GroupedRows,
    grid: &[(f64, Vec<GroupConstants>)],
    k: usize,
    l0: &mut [f64],
    lgamma: impl Fn(f64) -> f64 + Sync + Copy,
) {
    l0.par_chunks_mut(k).with_min_len(ROWS_PER_TASK / 4).enumerate().for_each(|(g, out)| {
        let row = rows.row(g);
        for (o, (r, consts)) in out.iter_mut().zip(grid) {
            *o = gene_cond_log_lik_with(row, &rows.spans, consts, *r, lgamma);
        }
    });
}

/// Moving average down each column of a row-major `rows × cols` matrix, window `width`
/// centred as edgeR's `movingAverageByCol(full.length = TRUE)`: the window of row `i` is rows
/// `i − ceil(w/2) + 1 ..= i + floor(w/2)` clipped to the matrix, averaged over the rows present.
/// Computed, like R, from differences of column cumulative sums.
///
/// ```
/// use degsea_de::dispersion::moving_average_by_col;
/// let x = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(moving_average_by_col(&x, 4, 1, 2), vec![1.5, 2.5, 3.5, 4.0]);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/movingAverageByCol.R`.
#[doc(alias = "movingAverageByCol")]
pub fn moving_average_by_col(x: &[f64], rows: usize, cols: usize, width: usize) -> Vec<f64> {
    assert_eq!(x.len(), rows * cols, "matrix shape");
    if width <= 1 || rows == 0 {
        return x.to_vec();
    }
    let width = width.min(rows);
    let half1 = width.div_ceil(2);
    let half2 = width / 2;
    let n2 = rows + width;
    // Divisors, assigned in R's order (the tail assignment may overwrite the head one).
    let mut w = vec![width as f64; rows];
    for (k, wk) in w.iter_mut().enumerate().take(half1.saturating_sub(1)) {
        *wk = (width - (half1 - 1 - k)) as f64;
    }
    for j in 0..half2 {
        w[rows - half2 + j] = (width - (j + 1)) as f64;
    }
    let mut out = vec![0.0; rows * cols];
    let mut cumsum = vec![0.0; n2];
    for c in 0..cols {
        let mut acc = Accumulator::default();
        for (k, cs) in cumsum.iter_mut().enumerate() {
            if k >= half1 && k < half1 + rows {
                acc.add(x[(k - half1) * cols + c]);
            }
            *cs = acc.value();
        }
        for i in 0..rows {
            out[i * cols + c] = (cumsum[i + width] - cumsum[i]) / w[i];
        }
    }
    out
}

/// Options of [`estimate_tagwise_disp`] (edgeR defaults, `trend = "movingave"`, `method = "grid"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TagwiseDispOptions {
    /// Prior degrees of freedom (`prior.df`).
    pub prior_df: f64,
    /// Moving-average span as a fraction of the genes (`span`).
    pub span: f64,
    /// Number of grid points (`grid.length`).
    pub grid_length: usize,
    /// Grid range in log2 units around the common dispersion (`grid.range`).
    pub grid_range: (f64, f64),
    /// Quantile algorithm of the pseudo-counts; [`Quantiles::Fast`] also evaluates the grid
    /// likelihoods with [`lgamma_fast`].
    pub quantiles: Quantiles,
}

impl Default for TagwiseDispOptions {
    fn default() -> Self {
        Self {
            prior_df: DEFAULT_PRIOR_DF,
            span: DEFAULT_MOVINGAVE_SPAN,
            grid_length: DEFAULT_GRID_LENGTH,
            grid_range: DEFAULT_GRID_RANGE,
            quantiles: Quantiles::default(),
        }
    }
}

/// Tagwise dispersions and the prior weight used.
#[derive(Debug, Clone, PartialEq)]
pub struct TagwiseDispersion {
    /// One dispersion per gene.
    pub dispersions: Vec<f64>,
    /// `prior.n = prior.df / (n_samples − n_groups)`.
    pub prior_n: f64,
    /// Moving-average width in genes (`floor(span · G)`, at most G).
    pub width: usize,
}

/// R's `seq(from, to, length.out = n)`.
pub(crate) fn r_seq(from: f64, to: f64, n: usize) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![from],
        2 => vec![from, to],
        _ => {
            let n1 = (n - 1) as f64;
            let by = (to - from) / n1;
            let mut v: Vec<f64> = (0..n - 1).map(|i| from + i as f64 * by).collect();
            v.push(to);
            v
        }
    }
}

/// Stable ascending order of `x` (R `order`), NaN last.
pub(crate) fn order_ascending(x: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| match (x[a].is_nan(), x[b].is_nan()) {
        (false, false) => x[a].partial_cmp(&x[b]).expect("no NaN here"),
        (a_nan, b_nan) => a_nan.cmp(&b_nan),
    });
    idx
}

/// Estimates one dispersion per gene by maximising the conditional log-likelihood plus
/// `prior.n` times a moving-average (by AveLogCPM) of the neighbouring genes' likelihoods,
/// evaluated on an 11-point grid of `φ_c 2^t`, `t ∈ [−6, 6]`, and maximised through a cubic
/// spline ([`maximize_interpolant`]).
///
/// `common` is the common dispersion, `ave_log_cpm` the AveLogCPM of each gene (with the
/// common dispersion), `group[i]` the group of sample `i`.
///
/// ```
/// use degsea_de::dispersion::{estimate_tagwise_disp, TagwiseDispOptions};
/// let counts = ndarray::array![[10u32, 14, 30, 25], [100, 80, 150, 190], [7, 3, 9, 12]];
/// let t = estimate_tagwise_disp(&counts.view(), &[0, 0, 1, 1], &[1e6; 4], 0.1, &[3.0, 6.0, 2.0],
///     TagwiseDispOptions::default());
/// assert_eq!(t.dispersions.len(), 3);
/// assert_eq!(t.prior_n, 5.0);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/estimateTagwiseDisp.R: estimateTagwiseDisp.default`; Robinson & Smyth 2007,
/// Bioinformatics 23:2881 (weighted likelihood); McCarthy, Chen & Smyth 2012 (trend).
#[doc(alias = "estimateTagwiseDisp")]
pub fn estimate_tagwise_disp(
    counts: &ArrayView2<'_, u32>,
    group: &[usize],
    lib_sizes: &[f64],
    common: f64,
    ave_log_cpm: &[f64],
    options: TagwiseDispOptions,
) -> TagwiseDispersion {
    let n_genes = counts.nrows();
    assert_eq!(ave_log_cpm.len(), n_genes, "one AveLogCPM per gene");
    let plan = EqualizePlan::new(group, lib_sizes, options.quantiles);
    // The equivalent tier's likelihoods use the fast lgamma (R's to ~1e-15 absolute).
    let lgamma_of: fn(f64) -> f64 = match options.quantiles {
        Quantiles::AsR => lgamma,
        Quantiles::Fast => lgamma_fast,
    };
    let n_groups = plan.groups.len();
    let prior_n = options.prior_df / (group.len() as f64 - n_groups as f64);
    let all: Vec<usize> = (0..n_genes).collect();
    let pseudo = equalize_rows(counts, &all, &plan, Dispersion::Common(common));
    let rows = GroupedRows::new(pseudo, &plan.groups);

    let k = options.grid_length;
    let points = r_seq(options.grid_range.0, options.grid_range.1, k);
    let grid: Vec<(f64, Vec<GroupConstants>)> = points
        .iter()
        .map(|&t| {
            let disp = common * 2f64.powf(t);
            let delta = disp / (1.0 + disp);
            let r = 1.0 / delta - 1.0;
            (r, group_constants_with(&rows.spans, r, lgamma_of))
        })
        .collect();
    let mut l0 = vec![0.0; n_genes * k];
    if k > 0 {
        match options.quantiles {
            Quantiles::AsR => grid_likelihoods(&rows, &grid, k, &mut l0, lgamma),
            Quantiles::Fast => grid_likelihoods(&rows, &grid, k, &mut l0, lgamma_fast),
        }
    }

    // The pseudo-counts are no longer needed; keep the peak memory to one matrix.
    drop(rows);

    let order = order_ascending(ave_log_cpm);
    let width = ((options.span * n_genes as f64).floor() as usize).min(n_genes);
    // l0 in AveLogCPM order; `position[g]` is the row of gene g in it (and in `averaged`).
    let mut sorted = vec![0.0; n_genes * k];
    for (i, &g) in order.iter().enumerate() {
        sorted[i * k..(i + 1) * k].copy_from_slice(&l0[g * k..(g + 1) * k]);
    }
    drop(l0);
    let averaged = moving_average_by_col(&sorted, n_genes, k, width);
    let mut position = vec![0; n_genes];
    for (i, &g) in order.iter().enumerate() {
        position[g] = i;
    }

    let dispersions: Vec<f64> = (0..n_genes)
        .into_par_iter()
        .with_min_len(ROWS_PER_TASK)
        .map_init(
            || vec![0.0; k],
            |buf, g| {
                let at = position[g] * k..(position[g] + 1) * k;
                for ((b, &l), &m) in buf.iter_mut().zip(&sorted[at.clone()]).zip(&averaged[at]) {
                    *b = l + prior_n * m;
                }
                common * 2f64.powf(maximize_interpolant(&points, buf))
            },
        )
        .collect();
    TagwiseDispersion { dispersions, prior_n, width }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_seq_matches_r() {
        // R: sprintf("%.17g", seq(-6, 6, length.out = 11))
        let s = r_seq(-6.0, 6.0, 11);
        assert_eq!(s[0], -6.0);
        assert_eq!(s[10], 6.0);
        assert_eq!(s[5], -6.0 + 5.0 * 1.2);
        assert_eq!(s[8], -6.0 + 8.0 * 1.2);
    }

    #[test]
    fn moving_average_clips_windows() {
        // width 3 over 5 rows: windows [1,2], [1..3], [2..4], [3..5], [4,5].
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let m = moving_average_by_col(&x, 5, 1, 3);
        assert_eq!(m, vec![1.5, 2.0, 3.0, 4.0, 4.5]);
        assert_eq!(moving_average_by_col(&x, 5, 1, 1), x.to_vec());
    }

    #[test]
    fn order_is_stable() {
        assert_eq!(order_ascending(&[2.0, 1.0, 2.0, f64::NAN, 0.5]), vec![4, 1, 0, 2, 3]);
    }

    #[test]
    fn cond_log_lik_of_group_matches_formula() {
        let z = [3.0, 8.0, 1.5];
        let r = 4.0;
        let direct = z.iter().map(|&v| lgamma(v + r)).sum::<f64>() + lgamma(3.0 * r)
            - lgamma(z.iter().sum::<f64>() + 3.0 * r)
            - 3.0 * lgamma(r);
        assert!((cond_log_lik(&z, r) - direct).abs() < 1e-12);
    }
}
