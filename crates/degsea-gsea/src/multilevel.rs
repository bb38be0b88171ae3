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

use crate::es::{positive_es, signed_es};
use crate::rng::{Mt19937, SubsetSampler, UniformRange};
use crate::special::digamma;

/// fgsea `EsRuler::extend`: the ruler must reach the target within this margin.
const TARGET_MARGIN: f64 = 1e-10;
/// fgsea `perturbate`: fraction of the set size tried per call (`pertPrmtr`).
const PERTURBATION_FRACTION: f64 = 0.1;

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

/// One sample split into chunks of list positions (`[bounds[i-1], bounds[i])`), each kept
/// sorted, with its weight sum: replacing an element moves only one chunk's tail. Chunk `c`
/// lives in `data[c·cap .. c·cap + lens[c]]` (one allocation per sample; `cap` doubles when a
/// chunk fills up).
#[derive(Debug, Clone)]
struct ChunkedSample {
    data: Vec<u32>,
    lens: Vec<usize>,
    sums: Vec<f64>,
    cap: usize,
}

impl ChunkedSample {
    fn chunk(&self, c: usize) -> &[u32] {
        &self.data[c * self.cap..c * self.cap + self.lens[c]]
    }

    /// Doubles the room of every chunk.
    fn grow(&mut self) {
        let cap = 2 * self.cap;
        let mut data = vec![0; cap * self.lens.len()];
        for (c, &len) in self.lens.iter().enumerate() {
            data[c * cap..c * cap + len].copy_from_slice(&self.data[c * self.cap..c * self.cap + len]);
        }
        self.data = data;
        self.cap = cap;
    }

    /// Carries out `edit` (a swap already known to be accepted).
    fn apply(&mut self, e: &Edit) {
        let cap = self.cap;
        if e.oc == e.nc {
            let s = &mut self.data[e.oc * cap..e.oc * cap + self.lens[e.oc]];
            if e.oi < e.ni {
                s.copy_within(e.oi + 1..e.ni, e.oi);
                s[e.ni - 1] = e.new;
            } else {
                s.copy_within(e.ni..e.oi, e.ni + 1);
                s[e.ni] = e.new;
            }
            return;
        }
        let len = self.lens[e.oc];
        self.data.copy_within(e.oc * cap + e.oi + 1..e.oc * cap + len, e.oc * cap + e.oi);
        self.lens[e.oc] = len - 1;
        if self.lens[e.nc] == cap {
            self.grow();
        }
        let (cap, len) = (self.cap, self.lens[e.nc]);
        let base = e.nc * cap;
        self.data.copy_within(base + e.ni..base + len, base + e.ni + 1);
        self.data[base + e.ni] = e.new;
        self.lens[e.nc] = len + 1;
    }
}

/// A proposed swap: remove element `oi` of chunk `oc`, insert `new` into chunk `nc` before
/// its element `ni` (indices into the chunks as they are before the swap).
#[derive(Debug, Clone, Copy)]
struct Edit {
    oc: usize,
    oi: usize,
    nc: usize,
    ni: usize,
    new: u32,
}

impl Edit {
    /// No change (chunk indices that match no chunk).
    #[cfg(test)]
    const NONE: Self = Self { oc: usize::MAX, oi: 0, nc: usize::MAX, ni: 0, new: 0 };

    /// Length of chunk `c` (currently `len`) after the swap.
    #[inline]
    fn len_after(&self, c: usize, len: usize) -> usize {
        len - usize::from(c == self.oc) + usize::from(c == self.nc)
    }

    /// Writes chunk `c` (currently `chunk`) as it is after the swap into `out`.
    fn edited(&self, c: usize, chunk: &[u32], out: &mut Vec<u32>) {
        out.clear();
        for (j, &p) in chunk.iter().enumerate() {
            if c == self.nc && j == self.ni {
                out.push(self.new);
            }
            if c != self.oc || j != self.oi {
                out.push(p);
            }
        }
        if c == self.nc && self.ni == chunk.len() {
            out.push(self.new);
        }
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

/// Per-ruler constants of [`perturbate`].
#[derive(Debug, Clone, Copy)]
struct Perturbation {
    /// `1/(n − k)`.
    q1: f64,
    /// Swaps tried per call.
    iters: usize,
    /// Draws the index (in sorted order) of the element to replace.
    old_index: UniformRange,
    /// Draws the new list position.
    new_position: UniformRange,
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
        let n_chunks = ((k as f64).sqrt().floor() as usize).max(1);
        self.level();
        let levels_needed = if eps == 0.0 { f64::INFINITY } else { -(eps / 2.0).log2() };
        let pert = Perturbation {
            q1: 1.0 / (n - k) as f64,
            iters: ((k as f64 * PERTURBATION_FRACTION) as usize).max(1),
            old_index: UniformRange::new(0, (k - 1) as u32),
            new_position: UniformRange::new(0, (n - 1) as u32),
        };
        let mut scratch = Vec::with_capacity(k + 1);
        while self.last() <= target - TARGET_MARGIN {
            let bounds = self.chunk_bounds(n_chunks);
            let mut chunked: Vec<ChunkedSample> =
                self.samples.iter().map(|smp| self.split(smp, &bounds)).collect();
            let bound = self.last();
            let mut moves = 0;
            while moves < m * k {
                for smp in &mut chunked {
                    moves += perturbate(self.weights, &pert, smp, &bounds, bound, rng, &mut scratch);
                }
            }
            for (flat, smp) in self.samples.iter_mut().zip(&chunked) {
                flat.clear();
                for c in 0..bounds.len() {
                    flat.extend_from_slice(smp.chunk(c));
                }
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
        let mut order: Vec<(f64, usize)> =
            self.samples.iter().enumerate().map(|(i, s)| (positive_es(self.weights, s), i)).collect();
        let positive: Vec<bool> = self.samples.iter().map(|s| signed_es(self.weights, s) > 0.0).collect();
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

    fn split(&self, sample: &[u32], bounds: &[u32]) -> ChunkedSample {
        let cap = 2 * self.k / bounds.len() + 8;
        let mut smp = ChunkedSample {
            data: vec![0; cap * bounds.len()],
            lens: vec![0; bounds.len()],
            sums: vec![0.0; bounds.len()],
            cap,
        };
        let mut c = 0;
        for &v in sample {
            while bounds[c] <= v {
                c += 1;
            }
            if smp.lens[c] == smp.cap {
                smp.grow();
            }
            smp.data[c * smp.cap + smp.lens[c]] = v;
            smp.lens[c] += 1;
            smp.sums[c] += self.weights[v as usize];
        }
        smp
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
/// returns the number of moves counted (fgsea `EsRuler::perturbate`). A random element is
/// replaced by a random list position; the swap is kept iff some running-sum point exceeds
/// `bound`, checked first at the last point found above it, then chunk by chunk, skipping
/// chunks whose best case `q2·(Y + chunkSum) − q1·X` stays below the bound. The chunks are
/// only rewritten once a swap is accepted; the weight sums are updated and reverted as fgsea
/// does.
#[inline(never)]
fn perturbate(
    weights: &[f64],
    pert: &Perturbation,
    smp: &mut ChunkedSample,
    bounds: &[u32],
    bound: f64,
    rng: &mut Mt19937,
    scratch: &mut Vec<u32>,
) -> usize {
    let mut ns: f64 = smp.sums.iter().sum();
    let q1 = pert.q1;
    let mut moves = 0;
    let mut cand: Option<Candidate> = None;
    for _ in 0..pert.iters {
        let mut oi = pert.old_index.sample(rng) as usize;
        let mut oc = 0;
        while smp.lens[oc] <= oi {
            oi -= smp.lens[oc];
            oc += 1;
        }
        let old = smp.data[oc * smp.cap + oi];
        let new = pert.new_position.sample(rng);
        let nc = bounds.iter().filter(|&&b| b <= new).count();
        let chunk = smp.chunk(nc);
        let ni = chunk.iter().filter(|&&v| v < new).count();
        if chunk.get(ni) == Some(&new) {
            moves += usize::from(new == old);
            continue;
        }
        let edit = Edit { oc, oi, nc, ni, new };
        let (w_old, w_new) = (weights[old as usize], weights[new as usize]);
        ns = ns - w_old + w_new;
        smp.sums[oc] -= w_old;
        smp.sums[nc] += w_new;
        if cand.is_some_and(|c| c.value == old) {
            cand = None;
        }
        if let Some(c) = &mut cand {
            c.swap(old, w_old, new, w_new);
        }
        let q2 = 1.0 / ns;
        if cand.is_some_and(|c| q2 * c.y - q1 * c.x as f64 > bound) {
            smp.apply(&edit);
            moves += 1;
            continue;
        }
        if let Some(found) = first_above(weights, smp, &edit, bounds, q1, q2, bound, scratch) {
            smp.apply(&edit);
            cand = Some(found);
            moves += 1;
            continue;
        }
        // Reject: revert the sums (the chunks were never changed).
        ns = ns - w_new + w_old;
        smp.sums[oc] += w_old;
        smp.sums[nc] -= w_new;
        if let Some(c) = &mut cand {
            c.unswap(old, w_old, new, w_new);
        }
    }
    moves
}

/// The first running-sum point strictly above `bound` of the sample as it is after `edit`,
/// if any (`smp.sums` already include the edit). `scratch` holds an edited chunk. (Not inlined:
/// its hot loop needs the registers to itself.)
#[inline(never)]
fn first_above(
    weights: &[f64],
    smp: &ChunkedSample,
    edit: &Edit,
    bounds: &[u32],
    q1: f64,
    q2: f64,
    bound: f64,
    scratch: &mut Vec<u32>,
) -> Option<Candidate> {
    let mut x: i64 = 0;
    let mut y = 0.0;
    let mut last: i64 = -1;
    for (c, (&sum, &end)) in smp.sums.iter().zip(bounds).enumerate() {
        let end = i64::from(end);
        if q2 * (y + sum) - q1 * (x as f64) < bound {
            y += sum;
            x += end - last - 1 - edit.len_after(c, smp.lens[c]) as i64;
            last = end - 1;
        } else {
            let mut chunk = smp.chunk(c);
            if c == edit.oc || c == edit.nc {
                edit.edited(c, chunk, scratch);
                chunk = scratch;
            }
            for &p in chunk {
                y += weights[p as usize];
                x += i64::from(p) - last - 1;
                if q2 * y - q1 * x as f64 > bound {
                    return Some(Candidate { value: p, x, y });
                }
                last = i64::from(p);
            }
            x += end - 1 - last;
            last = end - 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_above_agrees_with_positive_es() {
        let w: Vec<f64> = (0..400).map(|i| f64::from(400 - i) / 40.0).collect();
        let mut rng = Mt19937::new(5);
        let mut sampler = SubsetSampler::new(w.len());
        let mut s = Vec::new();
        let ruler = EsRuler::new(&w, 30, 3);
        let bounds = [50u32, 130, 260, 400];
        for trial in 0..200 {
            sampler.draw(&mut rng, 30, &mut s);
            s.sort_unstable();
            let es = positive_es(&w, &s);
            let smp = ruler.split(&s, &bounds);
            let ns: f64 = s.iter().map(|&v| w[v as usize]).sum();
            let q1 = 1.0 / (w.len() - s.len()) as f64;
            for delta in [-1e-6, 1e-6] {
                let bound = es + delta;
                let got = first_above(&w, &smp, &Edit::NONE, &bounds, q1, 1.0 / ns, bound, &mut Vec::new());
                assert_eq!(got.is_some(), delta < 0.0, "trial {trial}, es {es}, bound {bound}");
                if let Some(c) = got {
                    assert!(q1.mul_add(-(c.x as f64), c.y / ns) > bound);
                }
            }
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
