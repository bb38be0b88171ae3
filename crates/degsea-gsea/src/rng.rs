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

    fn twist(&mut self) {
        for i in 0..MT_N {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % MT_N] & 0x7fff_ffff);
            let mut v = self.state[(i + MT_M) % MT_N] ^ (y >> 1);
            if y & 1 != 0 {
                v ^= 0x9908_b0df;
            }
            self.state[i] = v;
        }
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

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

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
        let hi = (n - 1) as u32;
        if 2 * k < n {
            while out.len() < k {
                let x = rng.uniform(0, hi);
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
