//! Portable random numbers: 32-bit Mersenne Twister, fgsea's rejection sampler for bounded
//! integers, random k-subsets, and per-task seed derivation.
//!
//! Everything here is written out by hand so that the random streams are the same on every
//! platform and compiler (fgsea does the same in `src/util.cpp`, because
//! `std::uniform_int_distribution` differs between C++ standard libraries).
//!
//! Every unit of random work (a permutation chunk, one ruler of the multilevel estimator) gets
//! its own generator seeded by [`derive_seed`]`(seed, stream, index)`, so results do not depend
//! on how rayon schedules the units.

/// Degree of recurrence of MT19937.
const MT_N: usize = 624;
/// Middle word offset of MT19937.
const MT_M: usize = 397;

/// The 32-bit Mersenne Twister `mt19937` (Matsumoto & Nishimura 1998), bit-identical to C++'s
/// `std::mt19937`.
///
/// ```
/// let mut mt = degsea_gsea::rng::Mt19937::new(5489);
/// assert_eq!(mt.next_u32(), 3499211612);
/// ```
///
/// # References
/// M. Matsumoto, T. Nishimura (1998), ACM TOMACS 8:3–30.
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; MT_N],
    index: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937").field("index", &self.index).finish_non_exhaustive()
    }
}

impl Mt19937 {
    /// Seeds the generator as `std::mt19937(seed)` does.
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; MT_N];
        state[0] = seed;
        for i in 1..MT_N {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(i as u32);
        }
        Self { state, index: MT_N }
    }

    /// Regenerates the state (the `(i + 1) mod N` and `(i + M) mod N` wrap-arounds of the
    /// textbook loop are split into three loops without divisions).
    #[cold]
    #[inline(never)]
    fn twist(&mut self) {
        #[inline]
        fn mix(cur: u32, next: u32, far: u32) -> u32 {
            let y = (cur & 0x8000_0000) | (next & 0x7fff_ffff);
            far ^ (y >> 1) ^ (0u32.wrapping_sub(y & 1) & 0x9908_b0df)
        }
        let s = &mut self.state;
        for i in 0..MT_N - MT_M {
            s[i] = mix(s[i], s[i + 1], s[i + MT_M]);
        }
        for i in MT_N - MT_M..MT_N - 1 {
            s[i] = mix(s[i], s[i + 1], s[i + MT_M - MT_N]);
        }
        s[MT_N - 1] = mix(s[MT_N - 1], s[0], s[MT_M - 1]);
        self.index = 0;
    }

    /// The next 32-bit output.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= MT_N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A uniform integer in `lo..=hi` by rejection sampling, as fgsea's `uid_wrapper`:
    /// `len = hi − lo + 1`, draws `x < 2³²−1 − ((2³²−1) mod len)`, returns `lo + x mod len`.
    ///
    /// ```
    /// let mut mt = degsea_gsea::rng::Mt19937::new(1);
    /// assert!((0..10).all(|_| mt.uniform(3, 7) <= 7));
    /// ```
    #[inline]
    pub fn uniform(&mut self, lo: u32, hi: u32) -> u32 {
        debug_assert!(lo <= hi);
        if lo == 0 && hi == u32::MAX {
            return self.next_u32();
        }
        let len = u64::from(hi - lo) + 1;
        let max = u64::from(u32::MAX);
        let limit = max - (max % len);
        loop {
            let x = u64::from(self.next_u32());
            if x < limit {
                return lo + (x % len) as u32;
            }
        }
    }
}

/// Uniform integers on a fixed range `lo..=hi`, drawn exactly as [`Mt19937::uniform`] draws
/// them (same rejection limit, same outputs, same number of generator calls), with the limit
/// and the modulus precomputed: `x mod len` is computed without a division by Lemire's
/// "fastmod" (`((M·x mod 2⁶⁴)·len) >> 64` with `M = ⌊(2⁶⁴−1)/len⌋ + 1`, exact for 32-bit `x`
/// and `len`).
///
/// ```
/// use degsea_gsea::rng::{Mt19937, UniformRange};
/// let (mut a, mut b) = (Mt19937::new(7), Mt19937::new(7));
/// let range = UniformRange::new(3, 11_999);
/// assert!((0..1000).all(|_| range.sample(&mut a) == b.uniform(3, 11_999)));
/// ```
///
/// # References
/// D. Lemire, O. Kaser, N. Kurz (2019), "Faster remainder by direct computation", Software:
/// Practice and Experience 49:953–970.
#[derive(Debug, Clone, Copy)]
pub struct UniformRange {
    lo: u32,
    /// `hi − lo + 1`, or 0 for the full 32-bit range.
    len: u32,
    limit: u32,
    magic: u64,
}

impl UniformRange {
    /// The range `lo..=hi`.
    ///
    /// # Panics
    /// If `lo > hi`.
    pub fn new(lo: u32, hi: u32) -> Self {
        assert!(lo <= hi, "empty range {lo}..={hi}");
        if lo == 0 && hi == u32::MAX {
            return Self { lo, len: 0, limit: 0, magic: 0 };
        }
        let len = hi - lo + 1;
        let limit = u32::MAX - (u32::MAX % len);
        Self { lo, len, limit, magic: (u64::MAX / u64::from(len)).wrapping_add(1) }
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut Mt19937) -> u32 {
        let x = rng.next_u32();
        if x < self.limit { self.reduce(x) } else { self.resample(x, rng) }
    }

    /// `lo + x mod len`.
    #[inline]
    fn reduce(&self, x: u32) -> u32 {
        let low = self.magic.wrapping_mul(u64::from(x));
        self.lo + ((u128::from(low) * u128::from(self.len)) >> 64) as u32
    }

    /// The rare rest of [`Self::sample`] after a first draw `x` at or above the limit: the
    /// full range (`limit = 0`) takes `x` as it is, otherwise draws go on until one is below it.
    #[cold]
    #[inline(never)]
    fn resample(&self, x: u32, rng: &mut Mt19937) -> u32 {
        if self.len == 0 {
            return x;
        }
        loop {
            let x = rng.next_u32();
            if x < self.limit {
                return self.reduce(x);
            }
        }
    }
}

/// SplitMix64 mixer (Steele, Lea & Flood 2014), degsea's one seed-derivation function
/// ([`degsea_stats::splitmix::mix`]).
pub use degsea_stats::splitmix::mix as splitmix64;

/// Seed of one unit of random work: `stream` names the kind of work (a constant per call
/// site), `index` the unit (chunk number, set size, …). Independent of thread count.
///
/// ```
/// use degsea_gsea::rng::derive_seed;
/// assert_eq!(derive_seed(42, 1, 7), derive_seed(42, 1, 7));
/// assert_ne!(derive_seed(42, 1, 7), derive_seed(42, 1, 8));
/// ```
pub fn derive_seed(seed: u64, stream: u64, index: u64) -> u32 {
    let h = splitmix64(splitmix64(seed ^ splitmix64(stream)) ^ index);
    (h >> 32) as u32
}

/// Scratch space for drawing random subsets of `0..n` without clearing a table each time.
#[derive(Debug, Clone)]
pub struct SubsetSampler {
    stamp: Vec<u32>,
    generation: u32,
}

impl SubsetSampler {
    /// Scratch for subsets of `0..n`.
    pub fn new(n: usize) -> Self {
        Self { stamp: vec![0; n], generation: 0 }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
    }

    /// Fills `out` with `k` distinct values of `0..n` in uniformly random order (fgsea's
    /// `combination`): rejection while `k < n/2`, otherwise Floyd's algorithm followed by a
    /// Fisher–Yates shuffle.
    ///
    /// # Panics
    /// If `k > n`.
    ///
    /// ```
    /// let mut mt = degsea_gsea::rng::Mt19937::new(3);
    /// let mut s = degsea_gsea::rng::SubsetSampler::new(10);
    /// let mut v = Vec::new();
    /// s.draw(&mut mt, 4, &mut v);
    /// v.sort_unstable();
    /// v.dedup();
    /// assert_eq!(v.len(), 4);
    /// ```
    pub fn draw(&mut self, rng: &mut Mt19937, k: usize, out: &mut Vec<u32>) {
        let n = self.stamp.len();
        assert!(k <= n, "subset of {k} out of {n}");
        out.clear();
        if k == 0 {
            return;
        }
        self.next_generation();
        let g = self.generation;
        if 2 * k < n {
            let range = UniformRange::new(0, (n - 1) as u32);
            while out.len() < k {
                let x = range.sample(rng);
                let slot = &mut self.stamp[x as usize];
                if *slot != g {
                    *slot = g;
                    out.push(x);
                }
            }
        } else {
            for t in (n - k)..n {
                let x = rng.uniform(0, t as u32);
                let pick = if self.stamp[x as usize] == g { t as u32 } else { x };
                self.stamp[pick as usize] = g;
                out.push(pick);
            }
            for i in (1..out.len()).rev() {
                let j = rng.uniform(0, i as u32) as usize;
                out.swap(i, j);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mt19937_matches_the_cpp_standard() {
        // C++11 [rand.predef]: the 10000th output of a default-constructed mt19937 is 4123659995.
        let mut mt = Mt19937::new(5489);
        let mut last = 0;
        for _ in 0..10_000 {
            last = mt.next_u32();
        }
        assert_eq!(last, 4_123_659_995);
    }

    #[test]
    fn uniform_is_unbiased_enough_and_in_range() {
        let mut mt = Mt19937::new(42);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[mt.uniform(0, 5) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
        assert_eq!(mt.uniform(9, 9), 9);
        let _ = mt.uniform(0, u32::MAX);
    }

    #[test]
    fn uniform_range_replays_uniform() {
        for (lo, hi) in
            [(0, 0), (0, 1), (5, 5), (0, 6), (2, 99), (0, 12_345), (0, u32::MAX - 7), (1, u32::MAX)]
        {
            let range = UniformRange::new(lo, hi);
            let (mut a, mut b) = (Mt19937::new(lo ^ hi), Mt19937::new(lo ^ hi));
            for _ in 0..2000 {
                assert_eq!(range.sample(&mut a), b.uniform(lo, hi), "{lo}..={hi}");
            }
            assert_eq!(a.next_u32(), b.next_u32());
        }
        let full = UniformRange::new(0, u32::MAX);
        let (mut a, mut b) = (Mt19937::new(1), Mt19937::new(1));
        assert_eq!(full.sample(&mut a), b.uniform(0, u32::MAX));
    }

    #[test]
    fn subsets_are_distinct_in_both_regimes() {
        let mut mt = Mt19937::new(7);
        let mut s = SubsetSampler::new(20);
        let mut v = Vec::new();
        for k in [0, 1, 5, 9, 10, 15, 20] {
            s.draw(&mut mt, k, &mut v);
            let mut w = v.clone();
            w.sort_unstable();
            w.dedup();
            assert_eq!(w.len(), k);
            assert!(w.iter().all(|&x| x < 20));
        }
    }
}
