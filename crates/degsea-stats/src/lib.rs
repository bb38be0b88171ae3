//! Numerics for degsea at R's accuracy: special functions, distributions on the log scale,
//! R-style order statistics, BH adjustment and R's Brent `optimize`.
//!
//! The special functions are ports of R 4.2.2's `nmath` library (GPL-2+, compatible with this
//! crate's GPL-3.0-or-later licence); each module cites the C files it follows. They are tested
//! against fixtures produced by R 4.2.2 (`tests/fixtures/make_fixtures.R`).
//!
//! ```
//! assert_eq!(degsea_stats::median(&[1.0, 4.0]), 2.5);
//! ```

mod adjust;
mod beta;
mod binom;
mod chisq;
mod dpq;
mod fastgamma;
mod fastpgamma;
mod fdist;
mod gamma;
mod gammadist;
mod lowess;
mod normal;
mod optimize;
mod polygamma;
mod quadrature;
pub mod splitmix;
pub mod summary;
mod toms708;

pub use adjust::p_adjust_bh;
pub use beta::{lbeta, pbeta, qbeta};
pub use binom::{dbinom, dnbinom_mu, pbinom};
pub use chisq::chisq_test_2x2_yates;
pub use fastgamma::{
    ASYMPTOTIC_FROM, FAST_MIN_ARGUMENT, FAST_MIN_SHAPE, GammaInverse, HALLEY_LAST_STEP, HALLEY_MAX_STEPS,
    digamma_fast, digamma_trigamma_fast, lgamma_fast, qgamma_fast, trigamma_fast, wilson_hilferty,
    wilson_hilferty_z,
};
pub use fastpgamma::{GammaTail, SERIES_PREFIX_FROM, pgamma_log_fast};
pub use fdist::{df, pf, qf};
pub use gamma::{gammafn, lgamma};
pub use gammadist::{dgamma, pgamma, qgamma};
pub use lowess::lowess;
pub use normal::{dnorm, pnorm, qnorm};
pub use optimize::{OPTIMIZE_DEFAULT_TOL, brent_fmin, zeroin};
pub use polygamma::{digamma, tetragamma, trigamma};
pub use quadrature::gauss_legendre_unit;
pub use summary::{median, quantile7, quantile7_sorted, rank_average};
