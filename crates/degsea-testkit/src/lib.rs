//! Test support shared by degsea's crates (a dev-dependency only).
//!
//! The real inputs and edgeR/fgsea references live in `../shared` beside the checkout. CI
//! always has it; elsewhere tests that need it print one `skipping …` line and pass.
//!
//! ```
//! if let Some(shared) = degsea_testkit::shared() {
//!     assert!(shared.join("reference").is_dir());
//! }
//! ```

use std::path::{Path, PathBuf};

/// `../shared` next to the workspace root (canonical), if present.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.is_dir().then(|| p.canonicalize().expect("canonical ../shared path"))
}

/// [`shared`], or prints `skipping TEST: ../shared is absent …` and returns `None`.
pub fn shared_or_skip(test: &str) -> Option<PathBuf> {
    let s = shared();
    if s.is_none() {
        println!("skipping {test}: ../shared is absent (it is present in CI)");
    }
    s
}

/// The airway BAM subset under `shared`: its GTF and its BAMs in name order
/// (`bam/airway_subset`, the input of the featureCounts reference counts).
///
/// # Panics
/// If the folder cannot be listed.
pub fn airway_bams(shared: &Path) -> (PathBuf, Vec<PathBuf>) {
    let dir = shared.join("bam/airway_subset");
    let mut bams: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| e.expect("read a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "bam"))
        .collect();
    bams.sort();
    (dir.join("Homo_sapiens.GRCh37.75_subset.gtf"), bams)
}

/// degsea's SplitMix64 ([`degsea_stats::splitmix::SplitMix64`]) with helpers for synthetic test
/// and benchmark inputs (not for statistics).
#[derive(Debug, Clone)]
pub struct SplitMix64(degsea_stats::splitmix::SplitMix64);

impl SplitMix64 {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(degsea_stats::splitmix::SplitMix64::new(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (modulo reduction: slightly uneven, fine for test inputs).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + u32::try_from(self.below(u64::from(hi - lo))).expect("below a u32")
    }

    /// A uniform number in `[0, 1)` from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}
