//! The ranked order of genes by decreasing metric, as GSEApy 1.3.1 sorts them (NumPy's stable
//! ascending `argsort`, reversed: ties put the higher gene index first), in linear time.
//!
//! Each finite metric is mapped monotonically to a 22-bit key (0 = the largest value, linear
//! between the maximum and the minimum, rounded to nearest by adding 2⁵² rather than converted
//! to an integer) and packed with its gene index as `key << 32 | gene`, in one vectorised pass
//! with the range ([`Keys`], compiled for the widest vector unit through `pulp`); two stable
//! counting-sort passes of 11 bits order the words by key, the first taking them from the
//! highest gene index down so equal keys keep the higher index first. Keys that collide (values
//! closer than the range / 4·10⁶; tens of times per ranking of 14,000 genes) are put in exact
//! order by comparing the metrics in the same pass that hands the genes, in order, to the caller
//! ([`RankScratch::visit`]; runs of [`BLOCK`] genes without a collision are handed out with one
//! test), so finding the genes of interest costs no extra pass. NaN or
//! infinite values, where the map is undefined, use a comparison sort instead (NaN ranked
//! below every number). The result is exactly the comparison sort's.

use std::cmp::Ordering;

/// Bits per counting-sort pass.
const DIGIT: u32 = 11;
/// Buckets per pass.
const BUCKETS: usize = 1 << DIGIT;
/// Genes handed out together when no two neighbours share a key.
const BLOCK: usize = 8;
/// Largest key.
const KEY_MAX: u32 = (1 << (2 * DIGIT)) - 1;

/// 2⁵²: added to a value in `[0, 2³²)`, it leaves the value rounded to an integer in the low
/// bits of the sum (rounding to nearest is monotone, all a key needs).
const ROUND: f64 = 4_503_599_627_370_496.0;

/// The gene index of a packed word.
#[inline]
pub(crate) fn gene(word: u64) -> usize {
    word as u32 as usize
}

#[inline]
fn key(word: u64) -> u32 {
    (word >> 32) as u32
}

/// Reusable space for [`RankScratch::order`] and [`RankScratch::visit`].
#[derive(Debug, Clone, Default)]
pub(crate) struct RankScratch {
    words: Vec<u64>,
    spare: Vec<u64>,
}

/// GSEApy's order of genes `a`, `b`: larger metric first, then the higher index. NaN, which
/// has no place in GSEApy's order (its sort panics), ranks below every number, so the order is
/// total.
fn compare(metric: &[f64], a: u64, b: u64) -> Ordering {
    let (x, y) = (metric[gene(a)], metric[gene(b)]);
    let by_value = match (x.is_nan(), y.is_nan()) {
        (false, false) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
        (nan_x, nan_y) => nan_x.cmp(&nan_y),
    };
    by_value.then(gene(b).cmp(&gene(a)))
}

/// Smallest and largest value of a metric vector and whether every value is finite (the
/// ranking's key map needs all three).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    lo: f64,
    hi: f64,
    finite: bool,
}

impl Range {
    /// The range of `metric`, in eight independent lanes (extremes do not depend on the order
    /// they are taken in; `v · 0` is NaN exactly when `v` is NaN or infinite).
    #[allow(
        clippy::inline_always,
        reason = "inlined into the pulp operation [`Keys`] to be compiled for its instruction set"
    )]
    #[inline(always)]
    fn of(metric: &[f64]) -> Self {
        const LANES: usize = 8;
        let (mut lo, mut hi, mut bad) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES], [0.0f64; LANES]);
        let mut take = |c: &[f64]| {
            for (l, &v) in c.iter().enumerate() {
                lo[l] = if v < lo[l] { v } else { lo[l] };
                hi[l] = if v > hi[l] { v } else { hi[l] };
                bad[l] += v * 0.0;
            }
        };
        let chunks = metric.chunks_exact(LANES);
        let rest = chunks.remainder();
        for c in chunks {
            take(c);
        }
        take(rest);
        Range {
            lo: lo.into_iter().fold(f64::INFINITY, |a, v| if v < a { v } else { a }),
            hi: hi.into_iter().fold(f64::NEG_INFINITY, |a, v| if v > a { v } else { a }),
            finite: !bad.iter().any(|b| b.is_nan()),
        }
    }
}

/// One stable counting-sort pass: the words of `src`, in its order, into `dst` by the 11-bit
/// digit at `shift`, `slots` holding each digit's first free place.
fn scatter<'w>(src: impl Iterator<Item = &'w u64>, dst: &mut [u64], slots: &mut [u32; BUCKETS], shift: u32) {
    for &w in src {
        let slot = &mut slots[(w >> shift) as usize & (BUCKETS - 1)];
        dst[*slot as usize] = w;
        *slot += 1;
    }
}

/// How many words have each value of the low and of the high key digit. Alternate words count
/// into two tables, summed at the end: consecutive increments then rarely wait on each other
/// (measured 13 → 10 µs per ranking of the demo's 14,131 genes).
fn digit_counts(words: &[u64]) -> [[u32; BUCKETS]; 2] {
    let mut count = [[0u32; BUCKETS]; 2];
    let mut other = [[0u32; BUCKETS]; 2];
    let add = |count: &mut [[u32; BUCKETS]; 2], w: u64| {
        let k = key(w);
        count[0][k as usize & (BUCKETS - 1)] += 1;
        count[1][(k >> DIGIT) as usize] += 1;
    };
    let pairs = words.chunks_exact(2);
    if let [w] = pairs.remainder() {
        add(&mut count, *w);
    }
    for p in pairs {
        add(&mut count, p[0]);
        add(&mut other, p[1]);
    }
    for (c, o) in count.iter_mut().zip(&other) {
        for (x, y) in c.iter_mut().zip(o) {
            *x += y;
        }
    }
    count
}

/// The packed words `key << 32 | gene` of a metric vector in gene order, or `None` when a value
/// is not finite or the range overflows (the key map is then undefined), as a pulp operation
/// compiled once per instruction set.
struct Keys<'a> {
    metric: &'a [f64],
    words: &'a mut Vec<u64>,
}

impl pulp::WithSimd for Keys<'_> {
    type Output = Option<()>;

    #[allow(
        clippy::inline_always,
        reason = "the body must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Option<()> {
        let Range { lo, hi, finite } = Range::of(self.metric);
        let span = hi - lo;
        if !finite || !span.is_finite() {
            return None;
        }
        let scale = if span > 0.0 { f64::from(KEY_MAX) / span } else { 0.0 };
        self.words.resize(self.metric.len(), 0);
        for (g, (w, &v)) in self.words.iter_mut().zip(self.metric).enumerate() {
            let k = (((hi - v) * scale + ROUND).to_bits() as u32).min(KEY_MAX);
            *w = (u64::from(k) << 32) | g as u64;
        }
        Some(())
    }
}

impl RankScratch {
    /// The genes in ranked order, as packed words (read the gene with [`gene`]).
    pub(crate) fn order(&mut self, metric: &[f64]) -> &[u64] {
        self.visit(metric, |_, _| {});
        &self.words
    }

    /// Calls `visit(position, word)` for every gene in ranked order; afterwards the words of
    /// [`RankScratch::order`] are in place.
    #[inline]
    pub(crate) fn visit(&mut self, metric: &[f64], mut visit: impl FnMut(usize, u64)) {
        let n = metric.len();
        let Some(()) = pulp::Arch::new().dispatch(Keys { metric, words: &mut self.words }) else {
            self.words.clear();
            self.words.extend((0..n as u64).rev());
            self.words.sort_unstable_by(|&a, &b| compare(metric, a, b));
            for (r, &w) in self.words.iter().enumerate() {
                visit(r, w);
            }
            return;
        };
        let mut count = digit_counts(&self.words);
        for c in &mut count {
            let mut at = 0;
            for x in c.iter_mut() {
                (*x, at) = (at, at + *x);
            }
        }
        self.spare.resize(n, 0);
        let [low, high] = &mut count;
        scatter(self.words.iter().rev(), &mut self.spare, low, 32);
        scatter(self.spare.iter(), &mut self.words, high, 32 + DIGIT);
        let words = &mut self.words[..];
        let mut i = 0;
        while i < n {
            if let Some(block) = words.get(i..i + BLOCK + 1)
                && block.windows(2).fold(true, |distinct, p| distinct & (key(p[0]) != key(p[1])))
            {
                for (r, &w) in (i..).zip(&block[..BLOCK]) {
                    visit(r, w);
                }
                i += BLOCK;
                continue;
            }
            let k = key(words[i]);
            if i + 1 == n || key(words[i + 1]) != k {
                visit(i, words[i]);
                i += 1;
                continue;
            }
            let mut end = i + 2;
            while end < n && key(words[end]) == k {
                end += 1;
            }
            words[i..end].sort_unstable_by(|&a, &b| compare(metric, a, b));
            for (r, &w) in words.iter().enumerate().take(end).skip(i) {
                visit(r, w);
            }
            i = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Mt19937;

    fn by_comparison(metric: &[f64]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..metric.len()).collect();
        idx.sort_by(|&a, &b| {
            (metric[a].is_nan().cmp(&metric[b].is_nan()))
                .then(metric[b].partial_cmp(&metric[a]).unwrap_or(Ordering::Equal))
                .then(b.cmp(&a))
        });
        idx
    }

    /// The order by [`RankScratch::visit`], checked against [`RankScratch::order`] (after a
    /// first use of the scratch on other values).
    fn ranked(metric: &[f64]) -> Vec<usize> {
        let mut scratch = RankScratch::default();
        scratch.order(&[3.0, 1.0, 2.0, 1.0]);
        let mut visited = Vec::new();
        scratch.visit(metric, |r, w| {
            assert_eq!(r, visited.len());
            visited.push(gene(w));
        });
        let order: Vec<usize> = scratch.order(metric).iter().map(|&w| gene(w)).collect();
        assert_eq!(visited, order);
        order
    }

    #[test]
    fn same_order_as_a_comparison_sort() {
        let mut rng = Mt19937::new(11);
        let mut u = || f64::from(rng.next_u32()) / 4_294_967_296.0 - 0.5;
        // smooth values; heavy ties (rounded); an outlier squeezing the rest into few keys;
        // values closer than the key resolution; signed zeros
        let smooth: Vec<f64> = (0..5000).map(|_| u() * 3.0).collect();
        let tied: Vec<f64> = smooth.iter().map(|x| (x * 4.0).round()).collect();
        let mut outlier = smooth.clone();
        outlier[17] = 1e12;
        let close: Vec<f64> = smooth.iter().map(|x| 1.0 + x * 1e-9).chain([-1.0, 1.0]).collect();
        let mut with_inf = smooth.clone();
        with_inf[5] = f64::NEG_INFINITY;
        for m in [
            smooth.clone(),
            tied,
            outlier,
            close,
            with_inf,
            vec![2.0; 7],
            vec![1.0],
            vec![],
            vec![0.0, -0.0, 0.0],
        ] {
            assert_eq!(ranked(&m), by_comparison(&m), "{m:?}");
        }
        // NaN ranks below every number, ties by the higher index: a total order, so the sort
        // cannot panic however many NaNs there are (a partial order panicked with a log2ratio
        // of log-scale values, where many ratios are negative).
        let mut with_nan = smooth;
        for g in (3..5000).step_by(3) {
            with_nan[g] = f64::NAN;
        }
        let got = ranked(&with_nan);
        assert_eq!(got, by_comparison(&with_nan));
        let numbers = with_nan.iter().filter(|v| !v.is_nan()).count();
        assert!(got[..numbers].iter().all(|&g| !with_nan[g].is_nan()));
        assert!(got[numbers..].windows(2).all(|w| w[0] > w[1] && with_nan[w[0]].is_nan()));
    }
}
