//! Numerics for degsea at R's accuracy: special functions, distributions on the log scale,
//! R-style order statistics, BH adjustment and R's Brent `optimize`.
//!
//! ```
//! assert_eq!(degsea_stats::median(&[1.0, 4.0]), 2.5);
//! ```

pub mod summary;

pub use summary::{median, quantile7, quantile7_sorted, rank_average};
