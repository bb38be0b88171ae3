//! SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators",
//! OOPSLA; the `splitmix64.c` reference of Vigna): the one seed-expansion generator of degsea.
//! GSEA derives one random stream per unit of work from `--seed` with [`mix`]; the simulator
//! expands seeds into xoshiro256** states with [`SplitMix64`]; tests make synthetic inputs
//! with it (through `degsea-testkit`).
//!
//! ```
//! use degsea_stats::splitmix::{SplitMix64, mix};
//! let mut s = SplitMix64::new(1234567);
//! assert_eq!(s.next_u64(), 6457827717110365317);
//! assert_eq!(mix(1234567), 6457827717110365317);
//! ```

/// The golden-ratio increment of SplitMix64.
pub const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 output for state `z`: `z + γ` put through the finaliser — a bijective 64-bit
/// mixer, used to derive independent seeds.
#[inline]
pub fn mix(z: u64) -> u64 {
    finalize(z.wrapping_add(GAMMA))
}

/// The SplitMix64 finaliser (variant 13 of Stafford's mixers).
#[inline]
fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// Starts a generator at `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Returns the next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        finalize(self.state)
    }
}
