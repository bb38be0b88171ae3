//! edgeR's negative-binomial GLM pipelines for designs with covariates (spec: GLM.md G2–G6).
//!
//! * [`deviance`] — `nbinomDeviance` with edgeR's unit-deviance regimes;
//! * [`levenberg`], [`oneway`], [`fit`] — `glmFit` (`mglmLevenberg`, `mglmOneWay`, `predFC`);
//! * [`linalg`] — the small QR/Cholesky/LU routines these need.

pub mod deviance;
pub mod filter;
pub mod fit;
pub mod levenberg;
pub mod linalg;
pub mod lrt;
pub mod oneway;
pub mod ql;
pub mod squeeze;
