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
