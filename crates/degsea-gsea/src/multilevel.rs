//! The adaptive multilevel splitting estimator of fgseaMultilevel (C++ `EsRuler`).
//!
//! Estimates `P(ES⁺(S) ≥ x)` for a uniformly random `k`-subset `S` down to very small
//! probabilities: a population of `M` samples is repeatedly halved at its median positive
//! enrichment score (the "ruler"), and the upper half is duplicated and re-randomised by an
//! MCMC chain restricted to sets whose score exceeds the current level. Each level halves the
//! probability; the ruler position of `x` gives `log P` as a sum of expected Beta log order
//! statistics.
//!
//! # References
//! fgsea 1.31.6 `src/fgseaMultilevelSupplement.cpp → EsRuler`, `src/fgseaMultilevel.cpp`;
//! Korotkevich et al. (2021) "Fast gene set enrichment analysis", bioRxiv 060012.

use crate::es::positive_and_signed_es;
use crate::rng::{Mt19937, SubsetSampler, UniformRange};
use crate::special::digamma;

/// fgsea `EsRuler::extend`: the ruler must reach the target within this margin.
const TARGET_MARGIN: f64 = 1e-10;
/// Rounding allowance of the skip test of a chunk with a known peak (scores are at most 1).
const PEAK_MARGIN: f64 = 1e-12;
/// fgsea `perturbate`: fraction of the set size tried per call (`pertPrmtr`).
const PERTURBATION_FRACTION: f64 = 0.1;
/// Chunks per `√k` (fgsea: 1). Chunks only speed up the acceptance test; with kept peaks
/// (see [`Peak`]) smaller chunks pay off.
const CHUNKS_PER_SQRT_K: f64 = 2.0;

/// One ruler: the ladder of median scores of one weight vector and set size.
#[derive(Debug, Clone)]
pub struct EsRuler<'a> {
    weights: &'a [f64],
    k: usize,
    sample_size: usize,
    ruler: Vec<f64>,
    prob_corrector: Vec<u32>,
    samples: Vec<Vec<u32>>,
}

/// Per-level constants of [`perturbate`]: the chunks of the list and the proposal draws.
///
/// Chunk `c` covers list positions `[starts[c], bounds[c])` (`bounds[C−1] = n`); its bounds
/// are population medians, so the chunks hold about `k/C` positions of a sample each.
#[derive(Debug, Clone)]
struct Perturbation<'a> {
    weights: &'a [f64],
    /// Chunk starts.
    starts: Vec<u32>,
    /// Chunk ends.
    bounds: Vec<u32>,
    /// The chunk of every list position.
    chunk_of: Vec<u16>,
    /// `1/(n − k)`.
    q1: f64,
    /// Swaps tried per call.
    iters: usize,
    /// Draws which element of the sample to replace.
    old_index: UniformRange,
    /// Draws the new list position.
    new_position: UniformRange,
}

impl<'a> Perturbation<'a> {
    fn new(weights: &'a [f64], k: usize) -> Self {
        let n = weights.len();
        Self {
            weights,
            starts: Vec::new(),
            bounds: Vec::new(),
            chunk_of: Vec::new(),
            q1: 1.0 / (n - k) as f64,
            iters: ((k as f64 * PERTURBATION_FRACTION) as usize).max(1),
            old_index: UniformRange::new(0, (k - 1) as u32),
            new_position: UniformRange::new(0, (n - 1) as u32),
        }
    }

    /// Sets the chunk ends of a level.
    fn set_bounds(&mut self, bounds: Vec<u32>) {
        self.starts.clear();
        self.starts.push(0);
        self.starts.extend_from_slice(&bounds[..bounds.len() - 1]);
        self.chunk_of.clear();
        for (c, (&a, &b)) in self.starts.iter().zip(&bounds).enumerate() {
            let c = u16::try_from(c).expect("at most 2^16 chunks");
            self.chunk_of.extend(std::iter::repeat_n(c, (b - a) as usize));
        }
        self.bounds = bounds;
    }
}

/// One sample during the MCMC of a level: its positions as a bit set over the list (for
/// in-order scans and membership) and as a list in arbitrary order (to draw the element to
/// replace), with the weight and the number of its positions in each chunk.
///
/// A chunk scanned to the end without a point above the bound keeps a [`Peak`], updated under
/// swaps, which lets later scans skip it.
#[derive(Debug, Clone)]
struct BitSample {
    bits: Vec<u64>,
    elements: Vec<u32>,
    sums: Vec<f64>,
    counts: Vec<u32>,
    peaks: Vec<Option<Peak>>,
}

/// An upper bound on the running-sum points of a chunk relative to the running sum at its
/// start: `top ≥ max_j (q2·y_j − q1·x_j)` (`y_j`, `x_j`: hit weight and misses from the chunk
/// start to its `j`-th point) at `q2 = 1/NS` then, and `sum ≥` every `y_j`. At any other `q2`
/// the chunk's points stay below `q2·Y − q1·X + top + max(0, q2 − q2_then)·sum` (`Y`, `X`: hit
/// weight and misses before the chunk). Removals from the chunk only lower the `y_j` and raise
/// the `x_j`, so the bound stays; insertions are accounted for by [`Peak::with_insertion`].
#[derive(Debug, Clone, Copy)]
struct Peak {
    top: f64,
    q2: f64,
    sum: f64,
}

impl Peak {
    /// The bound after a position of weight `w` joins the chunk: the points after it gain
    /// `q2·w` and one miss less (`+q1`), and the new point is at most `q2·w` above the point
    /// before it (or the chunk start, at 0).
    #[inline]
    fn with_insertion(self, w: f64, q1: f64) -> Self {
        Self { top: self.top.max(0.0) + self.q2 * w + q1, q2: self.q2, sum: self.sum + w }
    }
}

impl BitSample {
    /// An empty sample over the list of `pert`.
    fn empty(pert: &Perturbation<'_>) -> Self {
        Self {
            bits: vec![0; pert.weights.len().div_ceil(64)],
            elements: Vec::new(),
            sums: Vec::new(),
            counts: Vec::new(),
            peaks: Vec::new(),
        }
    }

    /// Makes this the sample of the sorted positions `sample` in the chunks of `pert`.
    fn reset(&mut self, pert: &Perturbation<'_>, sample: &[u32]) {
        for &v in &self.elements {
            self.bits[v as usize / 64] = 0;
        }
        let n_chunks = pert.bounds.len();
        self.sums.clear();
        self.sums.resize(n_chunks, 0.0);
        self.counts.clear();
        self.counts.resize(n_chunks, 0);
        self.peaks.clear();
        self.peaks.resize(n_chunks, None);
        self.elements.clear();
        self.elements.extend_from_slice(sample);
        for &v in sample {
            let c = usize::from(pert.chunk_of[v as usize]);
            self.bits[v as usize / 64] |= 1 << (v % 64);
            self.sums[c] += pert.weights[v as usize];
            self.counts[c] += 1;
        }
    }

    #[inline]
    fn contains(&self, v: u32) -> bool {
        self.bits[v as usize / 64] & (1 << (v % 64)) != 0
    }

    #[inline]
    fn flip(&mut self, v: u32) {
        self.bits[v as usize / 64] ^= 1 << (v % 64);
    }

    /// Writes the positions in increasing order to `out`: sorts the elements, or reads the
    /// bit set when it has fewer words than there are elements.
    fn sorted_into(&self, out: &mut Vec<u32>) {
        out.clear();
        if self.elements.len() < self.bits.len() {
            out.extend_from_slice(&self.elements);
            out.sort_unstable();
            return;
        }
        for (i, &word) in self.bits.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                out.push(i as u32 * 64 + w.trailing_zeros());
                w &= w - 1;
            }
        }
    }

    /// A running-sum point strictly above `bound`, if any (fgsea's chunk scan in
    /// `EsRuler::perturbate`): the highest point of the first chunk that has one (a high point
    /// stays above the bound for longer as the next candidate). Scans the chunks in order,
    /// skipping those whose best case
    /// `q2·(Y + chunkSum) − q1·X` (all of their weight before any of their misses) or whose
    /// kept [`Peak`] stays below the bound; stops once even all of the weight (`q2·NS = 1`)
    /// cannot make up for the misses so far. Chunks scanned to the end keep their peak.
    #[inline(never)]
    fn first_above(&mut self, pert: &Perturbation<'_>, q2: f64, bound: f64) -> Option<Candidate> {
        let (weights, q1) = (pert.weights, pert.q1);
        let Self { bits, sums, counts, peaks, .. } = self;
        let mut y = 0.0;
        // Hits before the current point.
        let mut hits: i64 = 0;
        let chunks = pert.starts.iter().zip(&pert.bounds).zip(sums.iter()).zip(counts.iter()).zip(peaks);
        for ((((&start, &end), &sum), &count), kept) in chunks {
            let x = i64::from(start) - hits;
            // No later point can beat all of the weight after this many misses.
            if 1.0 - q1 * (x as f64) < bound - PEAK_MARGIN {
                break;
            }
            let base = q2 * y - q1 * (x as f64);
            if q2 * (y + sum) - q1 * (x as f64) < bound
                || kept.is_some_and(|pk| base + pk.top + (q2 - pk.q2).max(0.0) * pk.sum < bound - PEAK_MARGIN)
            {
                y += sum;
                hits += i64::from(count);
                continue;
            }
            let mut peak = f64::NEG_INFINITY;
            let mut best = Candidate { value: 0, x: 0, y: 0.0 };
            let (first, last) = (start as usize / 64, (end as usize - 1) / 64);
            let n_words = last + 1 - first;
            for (i, &word) in bits[first..=last].iter().enumerate() {
                let mut w = word;
                if i == 0 {
                    w &= u64::MAX << (start % 64);
                }
                if i + 1 == n_words && end % 64 != 0 {
                    w &= (1 << (end % 64)) - 1;
                }
                let offset = (first + i) as u32 * 64;
                while w != 0 {
                    let p = offset + w.trailing_zeros();
                    w &= w - 1;
                    y += weights[p as usize];
                    let x = i64::from(p) - hits;
                    hits += 1;
                    let r = q2 * y - q1 * x as f64;
                    if r > peak {
                        peak = r;
                        best = Candidate { value: p, x, y };
                    }
                }
            }
            *kept = Some(Peak { top: peak - base, q2, sum });
            if peak > bound {
                return Some(best);
            }
        }
        None
    }
}

/// The last point of a running sum found above the level, kept up to date under swaps
/// (`x` = misses before it, `y` = hit weight up to and including it).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    value: u32,
    x: i64,
    y: f64,
}

impl Candidate {
    /// Updates the point for the replacement of `old` by `new` (weights `w_old`, `w_new`);
    /// without branches, since which side of the point they fall is a coin flip (adding or
    /// subtracting `0.0` leaves `y` unchanged).
    #[inline]
    fn swap(&mut self, old: u32, w_old: f64, new: u32, w_new: f64) {
        let (before_old, before_new) = (old < self.value, new < self.value);
        self.x += i64::from(before_old) - i64::from(before_new);
        self.y -= if before_old { w_old } else { 0.0 };
        self.y += if before_new { w_new } else { 0.0 };
    }

    /// Undoes [`Self::swap`] (same operations in fgsea's order).
    #[inline]
    fn unswap(&mut self, old: u32, w_old: f64, new: u32, w_new: f64) {
        let (before_old, before_new) = (old < self.value, new < self.value);
        self.x -= i64::from(before_old) - i64::from(before_new);
        self.y += if before_old { w_old } else { 0.0 };
        self.y -= if before_new { w_new } else { 0.0 };
    }
}

impl<'a> EsRuler<'a> {
    /// A ruler for sets of size `k` over `weights` (`|stat|` in the order to be scanned) with an
    /// odd population size `sample_size ≥ 3`.
    ///
    /// # Panics
    /// If `sample_size` is even or below 3, or `k` is not in `1..n`.
    pub fn new(weights: &'a [f64], k: usize, sample_size: usize) -> Self {
        assert!(sample_size >= 3 && sample_size % 2 == 1, "odd sample size ≥ 3");
        assert!(k >= 1 && k < weights.len(), "set size in 1..n");
        Self { weights, k, sample_size, ruler: Vec::new(), prob_corrector: Vec::new(), samples: Vec::new() }
    }

    fn half(&self) -> usize {
        self.sample_size.div_ceil(2)
    }

    /// Builds levels until the ruler passes `target` (or stalls, or `eps` is reached).
    ///
    /// During the MCMC of a level the samples are held as `BitSample`s; the level step works
    /// on sorted position lists.
    pub fn extend(&mut self, target: f64, rng: &mut Mt19937, eps: f64) {
        let (n, k, m) = (self.weights.len(), self.k, self.sample_size);
        let mut sampler = SubsetSampler::new(n);
        self.samples = (0..m)
            .map(|_| {
                let mut s = Vec::with_capacity(k);
                sampler.draw(rng, k, &mut s);
                s.sort_unstable();
                s
            })
            .collect();
        // At most k chunks, so that the chunk bounds strictly increase (no empty chunks).
        let n_chunks = (((k as f64).sqrt() * CHUNKS_PER_SQRT_K).floor() as usize).clamp(1, k);
        self.level();
        let levels_needed = if eps == 0.0 { f64::INFINITY } else { -(eps / 2.0).log2() };
        let mut pert = Perturbation::new(self.weights, k);
        let mut bit_samples = vec![BitSample::empty(&pert); m];
        let mut draws = Vec::with_capacity(pert.iters);
        while self.last() <= target - TARGET_MARGIN {
            pert.set_bounds(self.chunk_bounds(n_chunks));
            for (smp, sorted) in bit_samples.iter_mut().zip(&self.samples) {
                smp.reset(&pert, sorted);
            }
            let bound = self.last();
            let mut moves = 0;
            while moves < m * k {
                for smp in &mut bit_samples {
                    moves += perturbate(&pert, smp, bound, rng, &mut draws);
                }
            }
            for (sorted, smp) in self.samples.iter_mut().zip(&bit_samples) {
                smp.sorted_into(sorted);
            }
            let prev = self.last();
            self.level();
            if self.last() <= prev {
                break;
            }
            if (self.ruler.len() / self.half()) as f64 > levels_needed {
                break;
            }
        }
    }

    fn last(&self) -> f64 {
        *self.ruler.last().expect("the ruler has a level after extend starts")
    }

    /// Appends the lower half of the population to the ruler and replaces the population by
    /// two copies of the upper half plus the median.
    fn level(&mut self) {
        let m = self.sample_size;
        let scores: Vec<(f64, f64)> =
            self.samples.iter().map(|s| positive_and_signed_es(self.weights, s)).collect();
        let mut order: Vec<(f64, usize)> = scores.iter().enumerate().map(|(i, s)| (s.0, i)).collect();
        let positive: Vec<bool> = scores.iter().map(|s| s.1 > 0.0).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut count = positive.iter().filter(|&&p| p).count() as u32;
        for &(score, i) in &order[..self.half()] {
            self.ruler.push(score);
            if positive[i] {
                count -= 1;
            }
            self.prob_corrector.push(count);
        }
        let mut next = Vec::with_capacity(m);
        for j in 0..=(m - 3) / 2 {
            let src = &self.samples[order[m - 1 - j].1];
            next.push(src.clone());
            next.push(src.clone());
        }
        next.push(self.samples[order[(m - 1) / 2].1].clone());
        self.samples = next;
    }

    /// Chunk boundaries at the population medians of evenly spaced ranks (the last is `n`).
    fn chunk_bounds(&self, n_chunks: usize) -> Vec<u32> {
        let (n, k, m) = (self.weights.len(), self.k, self.sample_size);
        let mut bounds = vec![n as u32; n_chunks];
        let mut column = vec![0u32; m];
        let mut pos = 0;
        for (i, b) in bounds.iter_mut().take(n_chunks - 1).enumerate() {
            pos += (k + i) / n_chunks;
            for (c, s) in column.iter_mut().zip(&self.samples) {
                *c = s[pos];
            }
            let (_, median, _) = column.select_nth_unstable(m / 2);
            *b = *median;
        }
        bounds
    }

    /// P-value of score `x` on this ruler: `(p, reliable)` (fgsea `EsRuler::getPvalue`).
    /// With `sign = false` (two-sided `std`) the probability is corrected by the estimated
    /// chance that a set with `ES⁺ ≥ x` has a positive signed ES; `reliable` is false when
    /// that chance is below ½.
    #[doc(alias = "getPvalue")]
    pub fn pvalue(&self, x: f64, sign: bool) -> (f64, bool) {
        let half = self.half();
        let m = self.sample_size as f64;
        let last = self.last();
        let (idx, good) = if x >= last {
            (self.ruler.len() - 1, x <= last + TARGET_MARGIN)
        } else {
            (self.ruler.partition_point(|&r| r < x), true)
        };
        let levels = (idx / half) as f64;
        let rem = self.sample_size - idx % half;
        let log_p = levels * (digamma(half as f64) - digamma(m + 1.0))
            + (digamma((rem + 1) as f64) - digamma(m + 1.0));
        if sign {
            return (log_p.exp().clamp(0.0, 1.0), good);
        }
        let cond = digamma(f64::from(self.prob_corrector[idx]) + 1.0) - digamma((rem + 1) as f64);
        ((log_p + cond).exp().clamp(0.0, 1.0), good && cond.exp() >= 0.5)
    }
}

/// Up to `max(1, floor(0.1·k))` Metropolis moves of one sample restricted to `ES⁺ > bound`;
/// returns the number of moves counted (fgsea `EsRuler::perturbate`). A uniformly random
/// element of the sample is replaced by a uniformly random list position (fgsea indexes the
/// element in sorted order, here in [`BitSample::elements`]; both are uniform); the swap is
/// kept iff some running-sum point exceeds `bound`, checked first at the last point found
/// above it, then with [`BitSample::first_above`]; a rejected swap is undone.
#[inline(never)]
fn perturbate(
    pert: &Perturbation<'_>,
    smp: &mut BitSample,
    bound: f64,
    rng: &mut Mt19937,
    draws: &mut Vec<(u32, u32)>,
) -> usize {
    let weights = pert.weights;
    let mut ns: f64 = smp.sums.iter().sum();
    let q1 = pert.q1;
    let mut moves = 0;
    let mut cand: Option<Candidate> = None;
    // All of the call's draws first (the same stream, in the same order): they do not depend on
    // the outcomes, and the chain of each swap then does not wait for the generator.
    draws.clear();
    draws.extend((0..pert.iters).map(|_| (pert.old_index.sample(rng), pert.new_position.sample(rng))));
    for &(oi, new) in draws.iter() {
        let oi = oi as usize;
        let old = smp.elements[oi];
        if smp.contains(new) {
            moves += usize::from(new == old);
            continue;
        }
        let (oc, nc) = (usize::from(pert.chunk_of[old as usize]), usize::from(pert.chunk_of[new as usize]));
        let (w_old, w_new) = (weights[old as usize], weights[new as usize]);
        smp.flip(old);
        smp.flip(new);
        ns = ns - w_old + w_new;
        smp.sums[oc] -= w_old;
        smp.sums[nc] += w_new;
        smp.counts[oc] -= 1;
        smp.counts[nc] += 1;
        let saved_peaks = (smp.peaks[oc], smp.peaks[nc]);
        smp.peaks[nc] = smp.peaks[nc].map(|pk| pk.with_insertion(w_new, q1));
        if cand.is_some_and(|c| c.value == old) {
            cand = None;
        }
        if let Some(c) = &mut cand {
            c.swap(old, w_old, new, w_new);
        }
        let q2 = 1.0 / ns;
        if cand.is_some_and(|c| q2 * c.y - q1 * c.x as f64 > bound) {
            smp.elements[oi] = new;
            moves += 1;
            continue;
        }
        if let Some(found) = smp.first_above(pert, q2, bound) {
            smp.elements[oi] = new;
            cand = Some(found);
            moves += 1;
            continue;
        }
        // Reject: undo the swap.
        ns = ns - w_new + w_old;
        smp.sums[oc] += w_old;
        smp.sums[nc] -= w_new;
        smp.counts[oc] += 1;
        smp.counts[nc] -= 1;
        (smp.peaks[oc], smp.peaks[nc]) = saved_peaks;
        smp.flip(old);
        smp.flip(new);
        if let Some(c) = &mut cand {
            c.unswap(old, w_old, new, w_new);
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::es::positive_es;

    /// A perturbation over 400 decreasing weights with chunks ending at 50, 130, 260, 400.
    fn test_perturbation(w: &[f64], k: usize) -> Perturbation<'_> {
        let mut pert = Perturbation::new(w, k);
        pert.set_bounds(vec![50, 130, 260, 400]);
        pert
    }

    #[test]
    fn first_above_agrees_with_positive_es() {
        let w: Vec<f64> = (0..400).map(|i| f64::from(400 - i) / 40.0).collect();
        let pert = test_perturbation(&w, 30);
        let mut rng = Mt19937::new(5);
        let mut sampler = SubsetSampler::new(w.len());
        let (mut s, mut sorted) = (Vec::new(), Vec::new());
        for trial in 0..200 {
            sampler.draw(&mut rng, 30, &mut s);
            s.sort_unstable();
            let mut smp = BitSample::empty(&pert);
            smp.reset(&pert, &s);
            smp.sorted_into(&mut sorted);
            assert_eq!(sorted, s);
            let es = positive_es(&w, &s);
            let ns: f64 = smp.sums.iter().sum();
            // Twice for each bound: the second scan may use the peaks kept by the first.
            for bound in [es + 1e-6, es + 1e-6, es - 1e-6, es - 1e-6] {
                let got = smp.first_above(&pert, 1.0 / ns, bound);
                assert_eq!(got.is_some(), bound < es, "trial {trial}, es {es}, bound {bound}");
                if let Some(c) = got {
                    let j = s.binary_search(&c.value).expect("the point is a hit");
                    assert_eq!(c.x, i64::from(c.value) - j as i64);
                    assert!((c.y - s[..=j].iter().map(|&v| w[v as usize]).sum::<f64>()).abs() < 1e-9);
                    assert!(pert.q1.mul_add(-(c.x as f64), c.y / ns) > bound);
                }
            }
        }
    }

    #[test]
    fn kept_peaks_bound_the_chunks_after_swaps() {
        let w: Vec<f64> = (0..400).map(|i| f64::from((i * 37) % 101) / 7.0 + 0.01).collect();
        let pert = test_perturbation(&w, 40);
        let mut rng = Mt19937::new(3);
        let mut sampler = SubsetSampler::new(w.len());
        let mut s = Vec::new();
        let mut checked = 0;
        for _ in 0..100 {
            sampler.draw(&mut rng, 40, &mut s);
            s.sort_unstable();
            let mut smp = BitSample::empty(&pert);
            smp.reset(&pert, &s);
            let ns: f64 = smp.sums.iter().sum();
            // A bound just above every point: the chunks passing the coarse test get a peak.
            let bound = positive_es(&w, &s) + 1e-9;
            assert!(smp.first_above(&pert, 1.0 / ns, bound).is_none());
            // Remove some positions and add others (updating the peaks as perturbate does),
            // then compare the peaks with the points of the new set at a different q2.
            let mut now: Vec<u32> = s.iter().copied().filter(|_| rng.uniform(0, 3) != 0).collect();
            for _ in 0..10 {
                let v = rng.uniform(0, 399);
                if !now.contains(&v) {
                    now.push(v);
                    let c = usize::from(pert.chunk_of[v as usize]);
                    smp.peaks[c] = smp.peaks[c].map(|pk| pk.with_insertion(w[v as usize], pert.q1));
                }
            }
            now.sort_unstable();
            let q2 = 1.0 / (ns * if rng.uniform(0, 1) == 0 { 0.8 } else { 1.2 });
            let (mut y, mut hits) = (0.0, 0i64);
            for (c, (&start, &end)) in pert.starts.iter().zip(&pert.bounds).enumerate() {
                let base = q2 * y - pert.q1 * (i64::from(start) - hits) as f64;
                for &p in now.iter().filter(|&&p| (start..end).contains(&p)) {
                    y += w[p as usize];
                    let r = q2 * y - pert.q1 * (i64::from(p) - hits) as f64;
                    hits += 1;
                    if let Some(pk) = smp.peaks[c] {
                        assert!(r <= base + pk.top + (q2 - pk.q2).max(0.0) * pk.sum + 1e-12);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn tiny_sets_and_zero_levels_run() {
        // Few chunks, bounds at 0 and list positions with zero weight.
        let w: Vec<f64> = (0..40).map(|i| f64::from(i % 3)).collect();
        for k in 1..6 {
            let mut ruler = EsRuler::new(&w, k, 11);
            ruler.extend(0.9, &mut Mt19937::new(k as u32), 0.0);
            let (p, _) = ruler.pvalue(0.5, false);
            assert!((0.0..=1.0).contains(&p), "k {k}: p {p}");
        }
    }

    #[test]
    fn ruler_matches_exact_tail_for_a_single_gene() {
        // k = 1, n = 100, weights decreasing: ES⁺ of {i} is 1 − i/99, so P(ES⁺ ≥ 1 − i/99) = (i+1)/100.
        let w: Vec<f64> = (0..100).map(|i| f64::from(100 - i)).collect();
        let mut ruler = EsRuler::new(&w, 1, 101);
        let mut rng = Mt19937::new(11);
        let target = 1.0 - 2.0 / 99.0;
        ruler.extend(target, &mut rng, 0.0);
        let (p, good) = ruler.pvalue(target, true);
        assert!(good);
        assert!((p.log2() - 0.03f64.log2()).abs() < 1.5, "p = {p}");
    }
}
