//! edgeR's `calcNormFactors`: TMM (default), upper-quartile, RLE and none.

use std::fmt;
use std::str::FromStr;

use ndarray::ArrayRef2;
use rayon::prelude::*;

use crate::sums::{Accumulator, accurate_mean};
use crate::{Error, Result};

/// edgeR `calcNormFactors(logratioTrim = 0.3)`: fraction of M values trimmed at each end.
pub const LOGRATIO_TRIM: f64 = 0.3;
/// edgeR `calcNormFactors(sumTrim = 0.05)`: fraction of A values trimmed at each end.
pub const SUM_TRIM: f64 = 0.05;
/// edgeR `calcNormFactors(doWeighting = TRUE)`: precision-weighted mean of the trimmed M values.
pub const DO_WEIGHTING: bool = true;
/// edgeR `calcNormFactors(Acutoff = -1e10)`: genes with smaller A are dropped.
pub const A_CUTOFF: f64 = -1e10;
/// edgeR `calcNormFactors(p = 0.75)`: the quantile of upper-quartile normalisation and of the
/// TMM reference-sample rule.
pub const QUANTILE_P: f64 = 0.75;
/// edgeR `.calcFactorTMM`: if every |M| is below this, the factor is exactly 1.
pub const TMM_UNITY_LOGRATIO: f64 = 1e-6;
/// edgeR ≥ 3.32 `calcNormFactors`: when `median(f75)` is below this, the reference sample is
/// the one with the largest `Σ sqrt(count)` instead.
pub const REF_F75_MIN: f64 = 1e-20;

/// A normalisation method of `calcNormFactors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Trimmed mean of M values (Robinson & Oshlack 2010); edgeR's default.
    #[default]
    Tmm,
    /// Upper-quartile scaling (Bullard et al. 2010).
    UpperQuartile,
    /// Relative log expression, DESeq's median-of-ratios (Anders & Huber 2010).
    Rle,
    /// All factors 1.
    None,
}

impl Method {
    /// The command-line spelling: `tmm`, `upperquartile`, `rle` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tmm => "tmm",
            Self::UpperQuartile => "upperquartile",
            Self::Rle => "rle",
            Self::None => "none",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = String;

    /// Parses `tmm`, `upperquartile`, `rle` or `none` (any case, as edgeR spells them too).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "tmm" => Ok(Self::Tmm),
            "upperquartile" => Ok(Self::UpperQuartile),
            "rle" => Ok(Self::Rle),
            "none" => Ok(Self::None),
            _ => {
                Err(format!("unknown normalisation method `{s}` (expected tmm, upperquartile, rle or none)"))
            }
        }
    }
}

/// Settings of [`tmm_factor`], defaulting to edgeR's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TmmOptions {
    /// `logratioTrim`, default [`LOGRATIO_TRIM`].
    pub logratio_trim: f64,
    /// `sumTrim`, default [`SUM_TRIM`].
    pub sum_trim: f64,
    /// `doWeighting`, default [`DO_WEIGHTING`].
    pub do_weighting: bool,
    /// `Acutoff`, default [`A_CUTOFF`].
    pub a_cutoff: f64,
}

impl Default for TmmOptions {
    fn default() -> Self {
        Self {
            logratio_trim: LOGRATIO_TRIM,
            sum_trim: SUM_TRIM,
            do_weighting: DO_WEIGHTING,
            a_cutoff: A_CUTOFF,
        }
    }
}

/// Normalisation factors of edgeR's `calcNormFactors`, rescaled to multiply to one.
///
/// `counts` is genes × samples, `lib_sizes` the library sizes (`y$samples$lib.size`, not
/// multiplied by existing factors). Genes zero in every sample are ignored; with no gene left
/// or a single sample every factor is 1. TMM picks the reference sample whose upper-quartile
/// ratio is closest to the mean (or, when the median of those is below [`REF_F75_MIN`], the
/// sample with the largest `Σ sqrt(count)`), then computes [`tmm_factor`] for each sample
/// against it. Sums run in compensated arithmetic to track R's extended-precision `sum`.
///
/// ```
/// use degsea_de::norm::{calc_norm_factors, Method};
/// let counts = ndarray::array![[10u32, 20], [30, 60], [5, 9], [40, 70], [0, 4]];
/// let f = calc_norm_factors(&counts, &[85.0, 163.0], Method::Tmm)?;
/// assert!((f[0] * f[1] - 1.0).abs() < 1e-15);
/// assert_eq!(calc_norm_factors(&counts, &[85.0, 163.0], Method::None)?, [1.0, 1.0]);
/// # Ok::<(), degsea_de::Error>(())
/// ```
///
/// # Errors
/// [`Error::ZeroLibrarySize`] when a library size is not positive (R would return NaN);
/// [`Error::ZeroUpperQuartile`] / [`Error::RleNoGenes`] when upper-quartile / RLE factors are
/// undefined; [`Error::NoSamples`] without columns.
///
/// # Panics
/// If `lib_sizes` does not have one entry per column.
///
/// # References
/// edgeR 3.40.2 `R/calcNormFactors.R` (`calcNormFactors.default`, `.calcFactorTMM`,
/// `.calcFactorQuantile`, `.calcFactorRLE`); Robinson & Oshlack (2010), "A scaling
/// normalization method for differential expression analysis of RNA-seq data", *Genome
/// Biology* 11:R25.
#[doc(alias = "calcNormFactors")]
#[doc(alias = "normLibSizes")]
pub fn calc_norm_factors(counts: &ArrayRef2<u32>, lib_sizes: &[f64], method: Method) -> Result<Vec<f64>> {
    calc_norm_factors_named(counts, lib_sizes, method, None)
}

/// [`calc_norm_factors`] with sample names for error messages.
pub(crate) fn calc_norm_factors_named(
    counts: &ArrayRef2<u32>,
    lib_sizes: &[f64],
    method: Method,
    names: Option<&[String]>,
) -> Result<Vec<f64>> {
    let n = counts.ncols();
    assert_eq!(lib_sizes.len(), n, "one library size per sample");
    let name = |j: usize| names.map_or_else(|| format!("column {}", j + 1), |s| s[j].clone());
    if n == 0 {
        return Err(Error::NoSamples);
    }
    if let Some(j) = lib_sizes.iter().position(|&l| l.is_nan() || l <= 0.0) {
        return Err(Error::ZeroLibrarySize { sample: name(j) });
    }
    // Drop genes zero in every sample; keep columns contiguous for quantiles.
    let rows: Vec<usize> = counts
        .rows()
        .into_iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|&c| c > 0))
        .map(|(i, _)| i)
        .collect();
    if rows.is_empty() || n == 1 || method == Method::None {
        return Ok(vec![1.0; n]);
    }
    let cols: Vec<Vec<f64>> =
        (0..n).map(|j| rows.iter().map(|&i| f64::from(counts[[i, j]])).collect()).collect();

    let factors = match method {
        Method::Tmm => {
            let f75 = upper_quartile_ratios(&cols, lib_sizes);
            let reference = if degsea_stats::median(&f75) < REF_F75_MIN {
                let sums: Vec<f64> = cols
                    .iter()
                    .map(|c| {
                        let mut acc = Accumulator::default();
                        for &x in c {
                            acc.add(x.sqrt());
                        }
                        acc.value()
                    })
                    .collect();
                which_max(&sums)
            } else {
                let mean = accurate_mean(&f75);
                let dist: Vec<f64> = f75.iter().map(|&f| (f - mean).abs()).collect();
                which_min(&dist)
            };
            let opts = TmmOptions::default();
            // One independent factor per sample: parallel, same result for any thread count.
            (0..n)
                .into_par_iter()
                .map(|j| tmm_factor(&cols[j], &cols[reference], lib_sizes[j], lib_sizes[reference], &opts))
                .collect::<Vec<f64>>()
        }
        Method::UpperQuartile => {
            let f75 = upper_quartile_ratios(&cols, lib_sizes);
            if let Some(j) = f75.iter().position(|&f| f == 0.0) {
                return Err(Error::ZeroUpperQuartile { sample: name(j) });
            }
            f75
        }
        Method::Rle => rle_factors(&cols, lib_sizes)?,
        Method::None => unreachable!("handled above"),
    };
    // f <- f/exp(mean(log(f)))
    let logs: Vec<f64> = factors.iter().map(|f| f.ln()).collect();
    let scale = accurate_mean(&logs).exp();
    Ok(factors.iter().map(|f| f / scale).collect())
}

/// `.calcFactorQuantile`: `quantile(x[, j], 0.75) / L_j` (type-7 quantile).
fn upper_quartile_ratios(cols: &[Vec<f64>], lib_sizes: &[f64]) -> Vec<f64> {
    cols.iter().zip(lib_sizes).map(|(c, &l)| degsea_stats::quantile7(c, QUANTILE_P) / l).collect()
}

/// `.calcFactorRLE(x) / lib.size`: median ratio to the geometric mean over genes with a
/// positive geometric mean (non-zero in every sample).
fn rle_factors(cols: &[Vec<f64>], lib_sizes: &[f64]) -> Result<Vec<f64>> {
    let n_genes = cols[0].len();
    let n = cols.len() as f64;
    // gm <- exp(rowMeans(log(data))); R's rowMeans accumulates in extended precision.
    let gm: Vec<f64> = (0..n_genes)
        .map(|g| {
            if cols.iter().any(|c| c[g] == 0.0) {
                return 0.0;
            }
            let mut acc = Accumulator::default();
            for c in cols {
                acc.add(c[g].ln());
            }
            (acc.value() / n).exp()
        })
        .collect();
    if !gm.iter().any(|&g| g > 0.0) {
        return Err(Error::RleNoGenes);
    }
    Ok(cols
        .iter()
        .zip(lib_sizes)
        .map(|(c, &l)| {
            let ratios: Vec<f64> =
                c.iter().zip(&gm).filter(|&(_, &g)| g > 0.0).map(|(&u, &g)| u / g).collect();
            degsea_stats::median(&ratios) / l
        })
        .collect())
}

/// For each value, whether its R `rank()` (average ties) lies in `lo ..= hi` (1-based, whole
/// numbers) — the test `.calcFactorTMM` applies to M and A — in linear time, without sorting.
///
/// With `v_lo`, `v_hi` the `lo`-th and `hi`-th smallest values: anything strictly between
/// them occupies sorted positions inside `lo+1 ..= hi-1`, so its rank is in bounds whatever its
/// ties; anything below `v_lo` or above `v_hi` is out. Values equal to `v_lo` or `v_hi` form a
/// tie group at positions `less+1 ..= less+equal`, whose average rank is tested directly.
fn rank_within(x: &[f64], lo: f64, hi: f64) -> Vec<bool> {
    let n = x.len();
    if n == 0 {
        return Vec::new();
    }
    let mut v = x.to_vec();
    let ilo = (lo as usize).clamp(1, n);
    let ihi = (hi as usize).clamp(1, n);
    let v_lo = *v.select_nth_unstable_by(ilo - 1, f64::total_cmp).1;
    let v_hi = *v.select_nth_unstable_by(ihi - 1, f64::total_cmp).1;
    let group_rank = |t: f64| {
        let (mut less, mut equal) = (0usize, 0usize);
        for &y in x {
            if y < t {
                less += 1;
            } else if y == t {
                equal += 1;
            }
        }
        (2 * less + equal + 1) as f64 / 2.0
    };
    let r_lo = group_rank(v_lo);
    let r_hi = group_rank(v_hi);
    let in_bounds = |r: f64| r >= lo && r <= hi;
    x.iter()
        .map(|&y| {
            if y == v_lo {
                in_bounds(r_lo)
            } else if y == v_hi {
                in_bounds(r_hi)
            } else {
                y > v_lo && y < v_hi
            }
        })
        .collect()
}

/// R `which.max`: index of the first maximum (NaN ignored).
fn which_max(x: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate() {
        if v > x[best] || x[best].is_nan() {
            best = i;
        }
    }
    best
}

/// R `which.min`: index of the first minimum (NaN ignored).
fn which_min(x: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate() {
        if v < x[best] || x[best].is_nan() {
            best = i;
        }
    }
    best
}

/// The TMM factor of one sample against a reference (edgeR's `.calcFactorTMM`), before the
/// rescaling of [`calc_norm_factors`].
///
/// With `M_g = log2((obs_g/nO)/(ref_g/nR))`, `A_g = (log2(obs_g/nO) + log2(ref_g/nR))/2` and
/// asymptotic variance `v_g = (nO−obs_g)/nO/obs_g + (nR−ref_g)/nR/ref_g`, genes with finite `M`
/// and `A` above `a_cutoff` are ranked (average ties); those within the inclusive rank bounds
/// `⌊0.3 n⌋+1 … n−⌊0.3 n⌋` of `M` and `⌊0.05 n⌋+1 … n−⌊0.05 n⌋` of `A` give
/// `T = Σ M/v / Σ 1/v` and the factor `2^T`. It is exactly 1 when no gene is usable or every
/// `|M|` is below [`TMM_UNITY_LOGRATIO`], and for `obs == ref`.
///
/// ```
/// use degsea_de::norm::{tmm_factor, TmmOptions};
/// let obs = [10.0, 20.0, 30.0, 40.0];
/// assert_eq!(tmm_factor(&obs, &obs, 100.0, 100.0, &TmmOptions::default()), 1.0);
/// let doubled: Vec<f64> = obs.iter().map(|x| 2.0 * x).collect();
/// // Same composition at twice the depth: no composition bias.
/// assert_eq!(tmm_factor(&doubled, &obs, 200.0, 100.0, &TmmOptions::default()), 1.0);
/// ```
///
/// # Panics
/// If `obs` and `reference` differ in length.
///
/// # References
/// edgeR 3.40.2 `R/calcNormFactors.R` (`.calcFactorTMM`); Robinson & Oshlack (2010),
/// *Genome Biology* 11:R25.
#[doc(alias = ".calcFactorTMM")]
pub fn tmm_factor(obs: &[f64], reference: &[f64], lib_obs: f64, lib_ref: f64, opts: &TmmOptions) -> f64 {
    assert_eq!(obs.len(), reference.len(), "obs and reference have one value per gene");
    let mut m = Vec::with_capacity(obs.len());
    let mut a = Vec::with_capacity(obs.len());
    let mut v = Vec::with_capacity(obs.len());
    for (&o, &r) in obs.iter().zip(reference) {
        let po = o / lib_obs;
        let pr = r / lib_ref;
        let log_r = (po / pr).log2();
        // R: (log2(obs/nO) + log2(ref/nR))/2; midpoint is (a + b) / 2 for finite values.
        let abs_e = f64::midpoint(po.log2(), pr.log2());
        if log_r.is_finite() && abs_e.is_finite() && abs_e > opts.a_cutoff {
            m.push(log_r);
            a.push(abs_e);
            v.push((lib_obs - o) / lib_obs / o + (lib_ref - r) / lib_ref / r);
        }
    }
    // if(max(abs(logR)) < 1e-6) return(1)   (max of nothing is -Inf)
    if m.iter().all(|x| x.abs() < TMM_UNITY_LOGRATIO) {
        return 1.0;
    }
    let n = m.len() as f64;
    let lo_l = (n * opts.logratio_trim).floor() + 1.0;
    let hi_l = n + 1.0 - lo_l;
    let lo_s = (n * opts.sum_trim).floor() + 1.0;
    let hi_s = n + 1.0 - lo_s;
    let keep_m = rank_within(&m, lo_l, hi_l);
    let keep_a = rank_within(&a, lo_s, hi_s);
    let keep = |g: usize| keep_m[g] && keep_a[g];
    let t = if opts.do_weighting {
        // sum(logR[keep]/v[keep], na.rm=TRUE) / sum(1/v[keep], na.rm=TRUE)
        let mut num = Accumulator::default();
        let mut den = Accumulator::default();
        for g in (0..m.len()).filter(|&g| keep(g)) {
            let q = m[g] / v[g];
            if !q.is_nan() {
                num.add(q);
            }
            let w = 1.0 / v[g];
            if !w.is_nan() {
                den.add(w);
            }
        }
        num.value() / den.value()
    } else {
        let kept: Vec<f64> = (0..m.len()).filter(|&g| keep(g) && !m[g].is_nan()).map(|g| m[g]).collect();
        if kept.is_empty() { f64::NAN } else { accurate_mean(&kept) }
    };
    // Results are missing if the two libraries share no features with positive counts.
    let t = if t.is_nan() { 0.0 } else { t };
    2f64.powf(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn lib(counts: &ndarray::Array2<u32>) -> Vec<f64> {
        counts.columns().into_iter().map(|c| c.iter().map(|&x| f64::from(x)).sum()).collect()
    }

    #[test]
    fn all_zero_sample_is_a_clear_error() {
        let counts = array![[5u32, 0, 7], [3, 0, 2], [8, 0, 1]];
        for method in [Method::Tmm, Method::UpperQuartile, Method::Rle, Method::None] {
            let e = calc_norm_factors(&counts, &lib(&counts), method).unwrap_err();
            assert!(matches!(e, Error::ZeroLibrarySize { ref sample } if sample == "column 2"), "{e}");
            assert_eq!(e.to_string(), "sample `column 2` has library size zero (no reads in any gene)");
        }
    }

    #[test]
    fn one_sample_gives_one() {
        let counts = array![[5u32], [3], [0]];
        assert_eq!(calc_norm_factors(&counts, &[8.0], Method::Tmm).unwrap(), [1.0]);
        let counts = array![[0u32, 0], [0, 0]];
        assert_eq!(calc_norm_factors(&counts, &[1.0, 1.0], Method::Tmm).unwrap(), [1.0, 1.0]);
    }

    #[test]
    fn genes_zero_in_the_reference_are_ignored() {
        // Genes zero in the reference (or in the sample, or both) have infinite or NaN M and
        // are dropped before trimming: with the library sizes held fixed they change nothing.
        let obs = [10.0, 25.0, 28.0, 45.0, 61.0, 55.0, 12.0];
        let refc = [12.0, 20.0, 30.0, 40.0, 50.0, 60.0, 11.0];
        let opts = TmmOptions::default();
        let plain = tmm_factor(&obs, &refc, 1100.0, 1000.0, &opts);
        let mut obs_z = obs.to_vec();
        let mut ref_z = refc.to_vec();
        obs_z.extend([500.0, 0.0, 0.0, 900.0]);
        ref_z.extend([0.0, 3.0, 0.0, 0.0]);
        assert_eq!(tmm_factor(&obs_z, &ref_z, 1100.0, 1000.0, &opts), plain);
        assert!(plain != 1.0);
        // No gene shared with positive counts: factor 1, as edgeR returns.
        assert_eq!(tmm_factor(&[0.0, 4.0], &[5.0, 0.0], 4.0, 5.0, &opts), 1.0);
        // Through calc_norm_factors: a sample sharing no gene with the reference gets a finite
        // factor and the product stays one.
        let counts = array![[10u32, 12, 0], [20, 25, 0], [30, 28, 0], [0, 0, 40], [40, 45, 0]];
        let f = calc_norm_factors(&counts, &lib(&counts), Method::Tmm).unwrap();
        assert!(f.iter().all(|x| x.is_finite() && *x > 0.0), "{f:?}");
        assert!((f.iter().product::<f64>() - 1.0).abs() < 1e-14);
    }

    #[test]
    fn tied_ratios_are_trimmed_together() {
        // n = 10 usable genes: logratio bounds are ranks 4..=7. Four genes share the lowest M,
        // so their average rank 2.5 is outside and all four are dropped together; with
        // average ranks the other six are (5, 6, 7, 8, 9, 10) → only ranks 5, 6, 7 kept.
        let reference = [100.0; 10];
        let obs = [50.0, 50.0, 50.0, 50.0, 100.0, 110.0, 120.0, 130.0, 140.0, 150.0];
        let lib_o: f64 = obs.iter().sum();
        let opts = TmmOptions { do_weighting: false, ..TmmOptions::default() };
        let got = tmm_factor(&obs, &reference, lib_o, 1000.0, &opts);
        let m = |o: f64| ((o / lib_o) / (100.0 / 1000.0)).log2();
        let expect = 2f64.powf((m(100.0) + m(110.0) + m(120.0)) / 3.0);
        assert!((got - expect).abs() < 1e-15, "{got} vs {expect}");
        // Now ties straddling a bound: ranks (4.5, 4.5) for two tied genes at positions 4–5
        // are inside 4..=7 and kept together.
        let obs2 = [50.0, 60.0, 70.0, 80.0, 80.0, 110.0, 120.0, 130.0, 140.0, 150.0];
        let lib2: f64 = obs2.iter().sum();
        let got2 = tmm_factor(&obs2, &reference, lib2, 1000.0, &opts);
        let m2 = |o: f64| ((o / lib2) / (100.0 / 1000.0)).log2();
        let expect2 = 2f64.powf((m2(80.0) + m2(80.0) + m2(110.0) + m2(120.0)) / 4.0);
        assert!((got2 - expect2).abs() < 1e-15, "{got2} vs {expect2}");
    }

    #[test]
    fn identical_samples_give_one_and_factors_multiply_to_one() {
        let counts = array![[10u32, 20, 5], [30, 60, 16], [5, 9, 2], [40, 70, 22], [0, 4, 1], [12, 30, 7]];
        for method in [Method::Tmm, Method::UpperQuartile, Method::Rle] {
            let f = calc_norm_factors(&counts, &lib(&counts), method).unwrap();
            let prod: f64 = f.iter().product();
            assert!((prod - 1.0).abs() < 1e-14, "{method}: {f:?}");
        }
        assert_eq!("TMM".parse::<Method>(), Ok(Method::Tmm));
        assert!("tmmwsp".parse::<Method>().is_err());
    }

    #[test]
    fn linear_rank_bounds_equal_r_ranks() {
        let mut state = 12345u64;
        for n in [1usize, 2, 3, 7, 10, 100, 1000] {
            for spread in [3u64, 16, 1 << 20] {
                let x: Vec<f64> = (0..n)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        // Few distinct values (many ties) or many; also negative zero.
                        let k = ((state >> 33) % spread) as f64 - (spread / 2) as f64;
                        if k == 0.0 && state & 1 == 0 { -0.0 } else { k / 3.0 }
                    })
                    .collect();
                let ranks = degsea_stats::rank_average(&x);
                for trim in [0.0, 0.05, 0.3, 0.5] {
                    let lo = (n as f64 * trim).floor() + 1.0;
                    let hi = n as f64 + 1.0 - lo;
                    let expect: Vec<bool> = ranks.iter().map(|&r| r >= lo && r <= hi).collect();
                    assert_eq!(rank_within(&x, lo, hi), expect, "n = {n}, spread = {spread}, trim = {trim}");
                }
            }
        }
    }

    #[test]
    fn upper_quartile_zero_is_an_error() {
        // Type-7 quantile of (0, 0, 0, 0, 9) at 0.75 is the 4th value, 0.
        let counts = array![[0u32, 5], [0, 6], [0, 7], [0, 1], [9, 8]];
        let e = calc_norm_factors(&counts, &[9.0, 27.0], Method::UpperQuartile).unwrap_err();
        assert!(matches!(e, Error::ZeroUpperQuartile { .. }), "{e}");
    }
}
