//! edgeR-identical classic differential expression for two-group bulk RNA-seq comparisons.
//!
//! Each module ports one edgeR 3.40.2 step, following `ALGORITHMS.md` §A to the last bit where
//! R's arithmetic allows (R's half-even rounding, type-7 quantiles, extended-precision sums,
//! the C++ operation order of 3.40):
//!
//! * [`filter`] — `filterByExpr`;
//! * [`norm`] — `calcNormFactors` (TMM, upper quartile, RLE, none);
//! * [`cpm`] — `cpm` and log-CPM with a library-size-scaled prior;
//! * [`prepare()`] — the three above for a contrast, as the CLI runs them;
//! * [`mds`] — `plotMDS` coordinates (leading log-fold-change distance);
//! * [`rank`] — ranking metrics (z, logFC, signed −log10 p) and id→symbol collapse for GSEA;
//! * [`onegroup`], [`pseudo`], [`dispersion`], [`spline`], [`exact`] — `aveLogCPM`,
//!   `equalizeLibSizes`, qCML common and tagwise dispersion, and the exact test;
//! * [`glm`] — designs with covariates: `glmFit`, `glmLRT`, `glmQLFit`/`glmQLFTest`.
//!
//! The crate does no file I/O: it takes a [`degsea_core::CountMatrix`] and returns numbers.
//!
//! ```
//! use degsea_de::norm::{calc_norm_factors, Method};
//! let counts = ndarray::array![[10u32, 20], [30, 60], [5, 9], [40, 70]];
//! let f = calc_norm_factors(&counts, &[85.0, 159.0], Method::Tmm)?;
//! assert!((f[0] * f[1] - 1.0).abs() < 1e-15);
//! # Ok::<(), degsea_de::Error>(())
//! ```

pub mod classic;
pub mod cpm;
pub mod dispersion;
mod error;
pub mod exact;
pub mod filter;
pub mod glm;
pub mod mds;
pub mod norm;
pub mod onegroup;
mod prepare;
pub mod pseudo;
pub mod rank;
pub mod spline;
mod sums;

pub use error::{Error, Result};
pub use prepare::{PrepareOptions, Prepared, prepare};
