//! edgeR's negative-binomial GLM pipelines for designs with covariates (spec: GLM.md G2–G6),
//! ported from edgeR 3.40.2 and limma 3.54 so that R's iterations are followed operation for
//! operation (LAPACK-order QR, Cholesky and triangular solves):
//!
//! * [`filter`] — `filterByExpr(y, design)` (minimum sample size from the hat values);
//! * [`deviance`] — `nbinomDeviance` with edgeR's unit-deviance regimes;
//! * [`levenberg`], [`oneway`], [`fit`] — `glmFit` (`mglmLevenberg`, `mglmOneWay`, `predFC`);
//! * [`lrt`] — `glmLRT` for one coefficient;
//! * [`scoring`] — undamped Fisher scoring from a nearby start (the edgeR-equivalent tier's
//!   fits on `estimateDisp`'s grid);
//! * [`squeeze`] — limma's `fitFDist` (natural-spline trend), `fitFDistRobustly`, `squeezeVar`,
//!   `trigammaInverse`;
//! * [`ql`] — `glmQLFit` (`.residDF`, QL dispersions) and `glmQLFTest` (Poisson bound);
//! * [`linalg`] — the small dense routines these need;
//! * [`locfit`] — locfit's local-constant fit with its adaptive-tree evaluation, as edgeR's
//!   `locfitByCol` uses it for the dispersion trend;
//! * [`apl`] — the Cox–Reid adjusted profile log-likelihood (`adjustedProfileLik`);
//! * [`estimate_disp`] — `estimateDisp` with a design (APL grid, common, locfit trend, tagwise);
//! * [`de`] — the whole G0 session for one coefficient (QL F-test or LR test, BH, topTags).
//!
//! `glmQLFit(robust = TRUE)` uses limma's `fitFDistRobustly` ([`squeeze::fit_f_dist_robustly`]).

pub mod apl;
pub mod de;
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
pub mod scoring;
pub mod squeeze;
