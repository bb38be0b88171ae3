//! edgeR's generalized-linear-model pipeline for designs with covariates (`GLM.md`).
//!
//! * [`locfit`] — locfit's local-constant fit with its adaptive-tree evaluation, as edgeR's
//!   `locfitByCol` uses it for the dispersion trend.

pub mod locfit;
