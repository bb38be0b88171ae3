//! edgeR's negative-binomial GLM pipelines for designs with covariates (spec: GLM.md G2–G6).
//!
//! * [`deviance`] — `nbinomDeviance` with edgeR's unit-deviance regimes;
//! * [`levenberg`], [`oneway`], [`fit`] — `glmFit` (`mglmLevenberg`, `mglmOneWay`, `predFC`);
//! * [`linalg`] — the small QR/Cholesky/LU routines these need;
//! * [`locfit`] — locfit's local-constant fit with its adaptive-tree evaluation, as edgeR's
//!   `locfitByCol` uses it for the dispersion trend;
//! * [`apl`] — the Cox–Reid adjusted profile log-likelihood (`adjustedProfileLik`);
//! * [`estimate_disp`] — `estimateDisp` with a design (APL grid, common, locfit trend, tagwise).

pub mod apl;
pub mod deviance;
pub mod estimate_disp;
pub mod filter;
pub mod fit;
pub mod levenberg;
pub mod linalg;
pub mod locfit;
pub mod lrt;
pub mod oneway;
pub mod ql;
pub mod squeeze;
