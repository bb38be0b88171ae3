//! fgseaSimple: the permutation null with random sets shared across pathways.
//!
//! Each permutation draws one uniformly random *ordered* sequence of `K` distinct list
//! positions (`K` = the largest pathway size); the first `k` of them form the null set of every
//! pathway of size `k`. The sorted prefix is kept by insertion and the enrichment score of each
//! needed prefix length is computed by one O(k) walk (only sizes that some pathway has are
//! evaluated). Permutations run in fixed-size chunks, each with its own Mersenne Twister seeded
//! from `(seed, stream, chunk)`, and chunk tallies are summed in chunk order, so results are the
//! same for any number of threads.

use rayon::prelude::*;

use crate::es::ScoreType;
use crate::rng::{Mt19937, SubsetSampler, derive_seed};

/// Permutations per unit of random work (one RNG stream each).
pub const PERMUTATION_CHUNK: usize = 250;
/// fgsea `gseaStats1`: floor for zero weights among the sampled genes, before division by 1024.
const ZERO_WEIGHT_FLOOR: f64 = 1e-5;
/// fgsea `gseaStats1`: zero weights become `min(ZERO_WEIGHT_FLOOR, smallest positive)/1024`.
const ZERO_WEIGHT_DIVISOR: f64 = 1024.0;

/// Null tallies of one pathway (fgsea `calcGseaStatCumulativeBatch` outputs).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NullTally {
    /// `#{E* ≤ ES}`.
    pub n_le_es: u64,
    /// `#{E* ≥ ES}`.
    pub n_ge_es: u64,
    /// `#{E* ≤ 0}`.
    pub n_le_zero: u64,
    /// `#{E* ≥ 0}`.
    pub n_ge_zero: u64,
    /// `Σ min(E*, 0)`.
    pub le_zero_sum: f64,
    /// `Σ max(E*, 0)`.
    pub ge_zero_sum: f64,
}

impl NullTally {
    fn add(&mut self, o: &Self) {
        self.n_le_es += o.n_le_es;
        self.n_ge_es += o.n_ge_es;
        self.n_le_zero += o.n_le_zero;
        self.n_ge_zero += o.n_ge_zero;
        self.le_zero_sum += o.le_zero_sum;
        self.ge_zero_sum += o.ge_zero_sum;
    }
}

/// Per-pathway result of the plain permutation test (fgsea `fgseaSimpleImpl`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimpleStats {
    /// Null tallies.
    pub tally: NullTally,
    /// Normalised enrichment score (NaN = NA).
    pub nes: f64,
    /// Sign-conditional permutation p-value (NaN = NA).
    pub pval: f64,
    /// Null draws at least as extreme on the ES side (`nMoreExtreme`).
    pub n_more_extreme: u64,
}

/// Runs `nperm` shared-set permutations and derives NES and p-values for pathways with
/// observed scores `es` and sizes `sizes` (fgseaSimple steps 2–6 and 8).
///
/// # References
/// fgsea 1.31.6 `R/fgsea.R → fgseaSimpleImpl`, `src/fastGSEA.cpp → calcGseaStatCumulativeBatch`;
/// Korotkevich et al. (2021) bioRxiv 060012.
#[doc(alias = "fgseaSimpleImpl")]
pub fn permutation_test(
    weights: &[f64],
    es: &[f64],
    sizes: &[usize],
    score_type: ScoreType,
    nperm: usize,
    seed: u64,
    stream: u64,
) -> Vec<SimpleStats> {
    let n_chunks = nperm.div_ceil(PERMUTATION_CHUNK);
    let partials: Vec<Vec<NullTally>> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let count = PERMUTATION_CHUNK.min(nperm - c * PERMUTATION_CHUNK);
            let mut rng = Mt19937::new(derive_seed(seed, stream, c as u64));
            run_chunk(weights, es, sizes, score_type, count, &mut rng)
        })
        .collect();
    let mut total = vec![NullTally::default(); es.len()];
    for part in &partials {
        for (t, p) in total.iter_mut().zip(part) {
            t.add(p);
        }
    }
    total.iter().zip(es).map(|(t, &e)| finish(*t, e, score_type)).collect()
}

/// NES, p-value and nMoreExtreme from the tallies (fgseaSimple steps 5, 6, 8).
fn finish(t: NullTally, es: f64, score_type: ScoreType) -> SimpleStats {
    let le_mean = t.le_zero_sum / t.n_le_zero as f64;
    let ge_mean = t.ge_zero_sum / t.n_ge_zero as f64;
    // 0/0 gives NaN means; the conditions below then fail and NES stays NA.
    let pos = || if ge_mean != 0.0 && !ge_mean.is_nan() { es / ge_mean } else { f64::NAN };
    let neg = || if le_mean != 0.0 && !le_mean.is_nan() { es / le_mean.abs() } else { f64::NAN };
    let nes = match score_type {
        ScoreType::Std if es > 0.0 => pos(),
        ScoreType::Std => neg(),
        ScoreType::Pos if es >= 0.0 => pos(),
        ScoreType::Neg if es <= 0.0 => neg(),
        ScoreType::Pos | ScoreType::Neg => f64::NAN,
    };
    let pval = if nes.is_nan() {
        f64::NAN
    } else {
        ((1 + t.n_le_es) as f64 / (1 + t.n_le_zero) as f64)
            .min((1 + t.n_ge_es) as f64 / (1 + t.n_ge_zero) as f64)
    };
    let n_more_extreme = match score_type {
        ScoreType::Std if es > 0.0 => t.n_ge_es,
        ScoreType::Std | ScoreType::Neg => t.n_le_es,
        ScoreType::Pos => t.n_ge_es,
    };
    SimpleStats { tally: t, nes, pval, n_more_extreme }
}

/// One chunk of permutations: returns per-pathway tallies.
fn run_chunk(
    weights: &[f64],
    es: &[f64],
    sizes: &[usize],
    score_type: ScoreType,
    count: usize,
    rng: &mut Mt19937,
) -> Vec<NullTally> {
    let n = weights.len();
    let k_max = sizes.iter().copied().max().unwrap_or(0);
    // Distinct sizes ascending, and each pathway's index into them.
    let mut distinct: Vec<usize> = sizes.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let size_index: Vec<usize> =
        sizes.iter().map(|s| distinct.binary_search(s).expect("size is in the list")).collect();
    // The one-pathway path of fgsea uses calcGseaStat's NR = 0 rule instead of the epsilon.
    let replace_zeros = sizes.len() > 1;

    let mut sampler = SubsetSampler::new(n);
    let mut draw: Vec<u32> = Vec::with_capacity(k_max);
    let mut adj: Vec<f64> = Vec::with_capacity(k_max);
    let mut sorted_pos: Vec<u32> = Vec::with_capacity(k_max);
    let mut sorted_w: Vec<f64> = Vec::with_capacity(k_max);
    let mut null_es = vec![0.0; distinct.len()];
    let mut tally = vec![NullTally::default(); sizes.len()];

    for _ in 0..count {
        sampler.draw(rng, k_max, &mut draw);
        adj.clear();
        adj.extend(draw.iter().map(|&p| weights[p as usize]));
        if replace_zeros && adj.contains(&0.0) {
            let smallest = adj.iter().copied().filter(|&w| w > 0.0).fold(ZERO_WEIGHT_FLOOR, f64::min);
            let floor = smallest / ZERO_WEIGHT_DIVISOR;
            for w in &mut adj {
                *w = w.max(floor);
            }
        }
        sorted_pos.clear();
        sorted_w.clear();
        let mut next = 0;
        for (i, (&p, &w)) in draw.iter().zip(&adj).enumerate() {
            let at = sorted_pos.partition_point(|&q| q < p);
            sorted_pos.insert(at, p);
            sorted_w.insert(at, w);
            if next < distinct.len() && distinct[next] == i + 1 {
                null_es[next] = prefix_es(&sorted_pos, &sorted_w, n, score_type);
                next += 1;
            }
        }
        for (t, (&e, &si)) in tally.iter_mut().zip(es.iter().zip(&size_index)) {
            let x = null_es[si];
            t.n_le_es += u64::from(x <= e);
            t.n_ge_es += u64::from(x >= e);
            t.n_le_zero += u64::from(x <= 0.0);
            t.n_ge_zero += u64::from(x >= 0.0);
            t.le_zero_sum += x.min(0.0);
            t.ge_zero_sum += x.max(0.0);
        }
    }
    tally
}

/// Enrichment score of a sorted sample with per-hit weights (B1 arithmetic, NR = 0 rule
/// included).
#[inline]
fn prefix_es(pos: &[u32], w: &[f64], n: usize, score_type: ScoreType) -> f64 {
    let m = pos.len();
    let nr: f64 = w.iter().sum();
    let b = 1.0 / (n - m) as f64;
    let (a, equal) = if nr > 0.0 { (1.0 / nr, false) } else { (1.0 / m as f64, true) };
    let mut cum = 0.0;
    let mut max_p = 0.0f64;
    let mut min_p = 0.0f64;
    for (j, (&s, &wj)) in pos.iter().zip(w).enumerate() {
        let d = (s as usize - j) as f64 * b;
        let bot = cum * a - d;
        cum += if equal { 1.0 } else { wj };
        let top = cum * a - d;
        max_p = max_p.max(top);
        min_p = min_p.min(bot);
    }
    match score_type {
        ScoreType::Std if max_p == -min_p => 0.0,
        ScoreType::Std if max_p > -min_p => max_p,
        ScoreType::Std | ScoreType::Neg => min_p,
        ScoreType::Pos => max_p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::es::calc_gsea_stat;

    #[test]
    fn prefix_scores_equal_direct_scores() {
        let w: Vec<f64> = (0..200).map(|i| f64::from((i * 37) % 101) / 7.0 + 0.01).collect();
        let mut rng = Mt19937::new(9);
        let mut sampler = SubsetSampler::new(w.len());
        let mut draw = Vec::new();
        sampler.draw(&mut rng, 40, &mut draw);
        for k in [1, 5, 17, 40] {
            let mut hits: Vec<usize> = draw[..k].iter().map(|&p| p as usize).collect();
            hits.sort_unstable();
            let pos: Vec<u32> = hits.iter().map(|&h| h as u32).collect();
            let ww: Vec<f64> = hits.iter().map(|&h| w[h]).collect();
            for st in [ScoreType::Std, ScoreType::Pos, ScoreType::Neg] {
                let direct = calc_gsea_stat(&w, &hits, st).es;
                assert!((prefix_es(&pos, &ww, w.len(), st) - direct).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn chunking_is_independent_of_threads() {
        let w: Vec<f64> = (0..300).map(|i| f64::from(300 - i) / 30.0).collect();
        let es = [0.9, -0.3, 0.1];
        let sizes = [10, 25, 10];
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let a = one.install(|| permutation_test(&w, &es, &sizes, ScoreType::Std, 1000, 1, 0));
        let b = permutation_test(&w, &es, &sizes, ScoreType::Std, 1000, 1, 0);
        assert_eq!(a, b);
        // A strongly enriched top set has a small p; total draws add up.
        assert!(a[0].pval < 0.01, "{:?}", a[0]);
        let t = a[1].tally;
        assert!(t.n_le_zero + t.n_ge_zero >= 1000);
    }
}
